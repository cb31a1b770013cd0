#!/usr/bin/env bash
# A second, replicated stack beside the test stack (phases 85-replicas and 86-chaos):
# BUS_COUNT=2 buses, REPLICAS=2 of every service of services/services.list and of the
# gateway, in its own VAR_DIR ($RS_VAR) on its own ports, so the main stack's data and
# processes stay as they were. setup.sh exports RS_VAR RS_GW RS_PG RS_REDIS.
#   rstack.sh up                     starts it and waits for both gateways' /readyz
#   rstack.sh cases N FILE…          runs API case files through gateway N (1 or 2)
#   rstack.sh worked                 every service's two replicas and both gateways
#                                    handled requests (their logs' request/access lines)
#   rstack.sh direct                 both gateways have every service's two replicas
#                                    connected directly (gateway_direct_replicas 2)
#   rstack.sh bus stop|start N       stops or starts bus N
#   rstack.sh down                   stops it; fails when a log holds a sanitizer report
set -uo pipefail
: "${RS_VAR:?}" "${RS_GW:?}" "${RS_PG:?}" "${RS_REDIS:?}"
cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." || exit 2
# Under AddressSanitizer (LSAN_OPTIONS set by tests/run-all.sh): nng's messages lost with
# a killed peer are not reported here (tests/lsan-killed-peers.supp says why).
if [[ -n ${LSAN_OPTIONS:-} ]]; then
	mkdir -p "$RS_VAR"
	cat tests/lsan.supp tests/lsan-killed-peers.supp >"$RS_VAR/lsan.supp"
	export LSAN_OPTIONS=suppressions=$RS_VAR/lsan.supp:print_suppressions=0
fi
rs_stack() {
	VAR_DIR=$RS_VAR GATEWAY_PORT=$RS_GW PG_PORT=$RS_PG REDIS_PORT=$RS_REDIS BUS_COUNT=2 REPLICAS=2 \
		STACK_QUIET=1 bash deploy/local/stack.sh "$@"
}
services() { bash deploy/services.sh table | awk '{print $1}'; }
cmd=${1:-}
shift
case $cmd in
up)
	rs_stack up || exit 1
	;;
cases)
	port=$((RS_GW + $1 - 1))
	shift
	# The fixtures the cases exec read the stack's VAR_DIR, ports and gateway.
	VAR_DIR=$RS_VAR PG_PORT=$RS_PG REDIS_PORT=$RS_REDIS GATEWAY_PORT=$port \
		GATEWAY_URL=http://127.0.0.1:$port \
		"$BIN_DIR/api-test" --base "http://127.0.0.1:$port" --client-ip-per-file "$@"
	;;
worked)
	bad=0
	for s in $(services); do
		for log in "$s" "$s.2"; do
			n=$(grep '"msg":"request"' "$RS_VAR/log/$log.log" | grep -vc '"method":"Ping"')
			echo "$log: $n requests"
			((n > 0)) || bad=1
		done
	done
	for log in gateway gateway.2; do
		n=$(grep -c '"msg":"access"' "$RS_VAR/log/$log.log")
		echo "$log: $n requests"
		((n > 0)) || bad=1
	done
	exit "$bad"
	;;
direct)
	# The replicas dial the gateways with nng's reconnect (every 100 ms): up to 10 s.
	for _ in $(seq 1 20); do
		out= bad=0
		for port in "$RS_GW" $((RS_GW + 1)); do
			metrics=$(curl -s "http://127.0.0.1:$port/metrics") || bad=1
			for s in $(services); do
				n=$(printf '%s\n' "$metrics" | sed -n "s/^gateway_direct_replicas{service=\"$s\"} //p")
				out+="gateway :$port, $s: ${n:-none} direct replicas"$'\n'
				[[ $n == 2 ]] || bad=1
			done
		done
		((bad)) || break
		sleep 0.5
	done
	printf '%s' "$out"
	exit "$bad"
	;;
bus)
	rs_stack "$1" "bus$2"
	;;
down)
	rs_stack down || exit 1
	hits=$(grep -HnE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$RS_VAR"/log/*.log)
	[[ -z $hits ]] || {
		printf '%s\n' "$hits" | head -n 30
		exit 1
	}
	;;
*)
	echo "usage: rstack.sh up|cases N FILE…|worked|direct|bus stop|start N|down" >&2
	exit 2
	;;
esac
