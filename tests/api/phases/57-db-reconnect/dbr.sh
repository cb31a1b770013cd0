# Commands of phase 57 (run by its exec cases, with DBR_SU and VAR_DIR exported).
#   dbr.sh terminate ROLE…   ends every backend of those roles; fails when none was
#   dbr.sh mark SERVICE        notes how many times SERVICE's publisher has issued
#                              its LISTEN so far
#   dbr.sh relistened SERVICE  waits up to 10 s for one more than at the mark
set -euo pipefail
cmd=$1
shift
listens() {
	grep -c '"msg":"listening for committed events"' "$VAR_DIR/log/$1.log" || true
}
case $cmd in
terminate)
	roles=$(printf "'%s'," "$@")
	n=$(psql "$DBR_SU" -X -At -v ON_ERROR_STOP=1 -c \
		"SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		  WHERE usename IN (${roles%,}) AND pid <> pg_backend_pid()) t")
	echo "terminated $n backends of $*"
	[[ $n -gt 0 ]]
	;;
mark)
	listens "$1" >"$VAR_DIR/run/phase57.$1"
	;;
relistened)
	was=$(cat "$VAR_DIR/run/phase57.$1")
	for _ in $(seq 1 100); do
		now=$(listens "$1")
		[[ $now -gt $was ]] && exit 0
		sleep 0.1
	done
	echo "$1 issued its LISTEN $now times, $was before its connection was terminated"
	exit 1
	;;
*)
	echo "unknown command $cmd" >&2
	exit 2
	;;
esac
