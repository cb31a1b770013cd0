#!/usr/bin/env bash
# The platform's benchmark, run by `make bench` after the release build. On
# loopback only, in one run, so that ratios between figures mean something
# (FACTS.md: compare ratios measured in one run, never absolute figures across runs):
#   (a) GET /api/v1/regions?parent=43 through the whole stack (gateway → (direct) →
#       enterprise → PostgreSQL), wrk -t2 -c64 -d10s --latency;
#   (b) nginx serving a static file with exactly the bytes of that response, same wrk;
#   (c) pgbench -S -M prepared -c16 -j2 -T10 over TCP on the stack's own PostgreSQL;
# then prints req/s, p50, p99, TPS, the ratios regions/nginx and regions/pgbench,
# and every daemon's resident memory, and writes the table to build/bench/last.txt
# (raw tool outputs beside it in build/bench/raw/).
#
# The stack is a throw-away one (deploy/local/stack.sh with its own VAR_DIR and
# free ports), stopped and removed on exit whatever happens.
#
# More figures: see "HOOK: more figures" below.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

BIN_DIR=${BIN_DIR:-$ROOT/build/release/bin}
OUT_DIR=$ROOT/build/bench
RAW_DIR=$OUT_DIR/raw
WRK_ARGS=(-t2 -c64 -d10s --latency)
PGBENCH_SCALE=10
PGBENCH_ARGS=(-S -M prepared -c16 -j2 -T10)

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

for tool in wrk curl nginx psql; do
	command -v "$tool" >/dev/null 2>&1 || [[ -x /usr/sbin/$tool ]] ||
		die "$tool not found (make bench installs it with deploy/local/deps.sh bench)"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PGBENCH=/usr/lib/postgresql/15/bin/pgbench
[[ -x $PGBENCH ]] || PGBENCH=$(command -v pgbench) || die "pgbench not found"
[[ -x $BIN_DIR/gateway ]] || die "no $BIN_DIR/gateway: build first (make VARIANT=release all)"

# ---- throw-away stack and scratch space -------------------------------------

# Free TCP ports, no extra tools: none in use now (any socket state, from
# /proc/net/tcp*), and below the kernel's ephemeral range, where wrk's own client
# connections would otherwise collide with a server that binds after a run.
used_ports() {
	local hex
	awk 'FNR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		while read -r hex; do echo $((16#$hex)); done
}
EPHEMERAL_LOW=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
((EPHEMERAL_LOW > 12000)) || EPHEMERAL_LOW=32768
TAKEN=" $(used_ports | tr '\n' ' ') "
free_port() {
	local p
	while :; do
		p=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
		if [[ $TAKEN != *" $p "* ]]; then
			TAKEN+="$p "
			echo "$p"
			return
		fi
	done
}

# Loopback only: the gateway binds 127.0.0.1.
export VAR_DIR BIN_DIR GATEWAY_PORT PG_PORT REDIS_PORT STACK_QUIET=1 GATEWAY_ADDR=127.0.0.1 LOG_LEVEL=info
VAR_DIR=$(mktemp -d)
# Traversable by a database that runs as its own user (secrets.env stays 0600).
chmod 0711 "$VAR_DIR"
GATEWAY_PORT=$(free_port)
PG_PORT=$(free_port)
# The payment providers' simulator (the callbacks figure, deploy/bench/callbacks.sh).
export PAYSIM_PORT
PAYSIM_PORT=$(free_port)
REDIS_PORT=$(free_port)
NGINX_PORT=$(free_port)
SCRATCH=$(mktemp -d)
NGINX_PID=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $NGINX_PID ]]; then
		kill "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
	fi
	rm -rf "$SCRATCH"
	# Keep VAR_DIR (pid files, logs) when something may still be running.
	if bash "$ROOT/deploy/local/stack.sh" down >/dev/null 2>&1; then
		rm -rf "$VAR_DIR"
	else
		log "stack.sh down failed: see $VAR_DIR (stop it with VAR_DIR=$VAR_DIR bash deploy/local/stack.sh down)"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$RAW_DIR"
# The login figure measures the password KDF, not the per-address login budget (every
# wrk connection comes from 127.0.0.1): lift the budget for this throw-away stack only.
export GATEWAY_LOGIN_ATTEMPTS=100000
log "starting a throw-away stack (gateway :$GATEWAY_PORT, postgres :$PG_PORT, redis :$REDIS_PORT)"
bash "$ROOT/deploy/local/stack.sh" up >"$RAW_DIR/stack.log" 2>&1 ||
	die "stack.sh up failed; its output is in $RAW_DIR/stack.log"

# ---- the report ----------------------------------------------------------------

REPORT=()
row() { REPORT+=("$(printf '%-34s %12s %10s %10s' "$@")"); }
line() { REPORT+=("$*"); }

# wrk's figures, normalised: Requests/sec, and the 50 % and 99 % latencies in ms.
WRK_RPS='' WRK_P50='' WRK_P99='' WRK_NOTE='' WRK_N=0
to_ms() {
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
		else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
		else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
		else printf "?" }'
}
# wrk_run NAME URL [WRK ARGS...]: runs wrk, keeps its output in raw/NAME.wrk.txt, sets WRK_*.
# Further arguments go to wrk (e.g. -s script.lua).
wrk_run() {
	local name=$1 url=$2 out=$RAW_DIR/$1.wrk.txt bad
	shift 2
	wrk "${WRK_ARGS[@]}" "$@" "$url" >"$out" 2>&1 || die "wrk failed for $name (see $out)"
	WRK_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
	WRK_N=$(awk '/ requests in / { print $1; exit }' "$out")
	WRK_P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	WRK_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	[[ -n $WRK_RPS ]] || die "no Requests/sec in $out"
	# Errors make a throughput figure meaningless: say so next to it.
	bad=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")
	WRK_NOTE=
	if ((bad > 0)); then WRK_NOTE="  ($bad errors or non-2xx: see $out)"; fi
	return 0
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

# ---- the decomposition: per-layer figures and what each daemon spent -----------
# CPU time (utime + stime of /proc/<pid>/stat, every thread; PostgreSQL's backends
# as the postmaster's live children plus its reaped ones, cutime + cstime) and
# context switches (voluntary + nonvoluntary of every /proc/<pid>/task/*/status) of
# the daemons on the read path, sampled before and after a run, per request.
CLK_TCK=$(getconf CLK_TCK)
pid_of() { head -n 1 "$VAR_DIR/run/$1.pid" 2>/dev/null | tr -dc '0-9'; }
PG_MAIN=$(head -n 1 "$VAR_DIR/pg/postmaster.pid" 2>/dev/null | tr -dc '0-9')
# pids NAME: the processes counted as that daemon.
pids() {
	local f
	case $1 in
	gw) pid_of gateway ;;
	ent) pid_of enterprise ;;
	bus) for f in "$VAR_DIR"/run/bus[0-9]*.pid; do pid_of "$(basename "$f" .pid)"; done ;;
	pg) echo "$PG_MAIN" && pgrep -P "$PG_MAIN" 2>/dev/null || true ;;
	esac
}
# Ticks of the processes given (children reaped by them included for pg's main).
cpu_ticks() {
	local p sum=0 t
	for p in "$@"; do
		t=$(awk -v main="$PG_MAIN" -v p="$p" '{ sub(/^.*\) /, ""); n = $12 + $13;
			if (p == main) n += $14 + $15; print n }' "/proc/$p/stat" 2>/dev/null) || continue
		sum=$((sum + ${t:-0}))
	done
	echo "$sum"
}
ctx_switches() {
	local p
	for p in "$@"; do cat /proc/"$p"/task/*/status 2>/dev/null; done |
		awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n + 0 }'
}
DAEMONS=(gw bus ent pg)
declare -A S0_CPU S0_CS LAYER_CPU LAYER_CS
sample_begin() {
	local d
	for d in "${DAEMONS[@]}"; do
		S0_CPU[$d]=$(cpu_ticks $(pids "$d"))
		S0_CS[$d]=$(ctx_switches $(pids "$d"))
	done
}
# sample_end KEY REQUESTS: µs of CPU and context switches per request, per daemon.
sample_end() {
	local key=$1 n=$2 d cpu=() cs=()
	for d in "${DAEMONS[@]}"; do
		cpu+=("$(awk -v a="${S0_CPU[$d]}" -v b="$(cpu_ticks $(pids "$d"))" -v n="$n" -v hz="$CLK_TCK" \
			'BEGIN { if (n > 0) printf "%.0f", (b - a) * 1e6 / hz / n; else printf "-" }')")
		cs+=("$(awk -v a="${S0_CS[$d]}" -v b="$(ctx_switches $(pids "$d"))" -v n="$n" \
			'BEGIN { if (n > 0) printf "%.1f", (b - a) / n; else printf "-" }')")
	done
	LAYER_CPU[$key]="${cpu[*]}"
	LAYER_CS[$key]="${cs[*]}"
}
declare -A LAYER_ROW LAYER_RPS
# layer KEY LABEL RPS P50 P99: one row of the decomposition (printed once nginx is known).
layer() {
	: "${LAYER_CPU[$1]:=}" "${LAYER_CS[$1]:=}"
	LAYER_ROW[$1]="$(printf '%-44s %8s %7s %7s' "$2" "$3" "$4" "$5")"
	LAYER_RPS[$1]=$3
}

# ---- (a) regions through the whole stack --------------------------------------

REGIONS_URL="http://127.0.0.1:$GATEWAY_PORT/api/v1/regions?parent=43"
BODY=$SCRATCH/regions.json
code=000
for _ in $(seq 1 60); do # up to ~30 s for the first 200
	code=$(curl -s -o "$BODY" -w '%{http_code}' "$REGIONS_URL" || true)
	[[ $code == 200 ]] && break
	sleep 0.5
done
[[ $code == 200 ]] || die "GET $REGIONS_URL answered $code, not 200"
log "(a) regions through the stack: wrk ${WRK_ARGS[*]}"
sample_begin
wrk_run regions "$REGIONS_URL"
sample_end regions "$WRK_N"
layer regions "(d) regions?parent=43, full stack" "$WRK_RPS" "$WRK_P50" "$WRK_P99"
REGIONS_RPS=$WRK_RPS
row "regions?parent=43 (full stack)" "$WRK_RPS" "$WRK_P50" "$WRK_P99"
[[ -z $WRK_NOTE ]] || line "$WRK_NOTE"

# The same read with the bus unauthenticated (BUS_AUTH=off on the gateway and
# enterprise, the only daemons on its path), then back on for what follows.
bus_auth_restart() {
	local d
	for d in enterprise gateway; do
		BUS_AUTH=$1 bash "$ROOT/deploy/local/stack.sh" restart "$d" >>"$RAW_DIR/stack.log" 2>&1 ||
			die "stack.sh restart $d failed; see $RAW_DIR/stack.log"
	done
	for _ in $(seq 1 60); do
		[[ $(curl -s -o /dev/null -w '%{http_code}' "$REGIONS_URL" || true) == 200 ]] && return 0
		sleep 0.5
	done
	die "GET $REGIONS_URL did not answer 200 after restarting with BUS_AUTH=$1"
}
bus_auth_restart off
log "(a') regions with BUS_AUTH=off: wrk ${WRK_ARGS[*]}"
wrk_run regions-noauth "$REGIONS_URL"
REGIONS_NOAUTH_RPS=$WRK_RPS
row "regions, bus unauthenticated" "$WRK_RPS" "$WRK_P50" "$WRK_P99"
bus_auth_restart on

# The same read with the gateway sending every request through the bus
# (GATEWAY_DIRECT=0: it takes no direct connections from the services), the path
# before issue 21's direct requests; then back to direct for what follows.
gateway_direct_restart() {
	GATEWAY_DIRECT=$1 bash "$ROOT/deploy/local/stack.sh" restart gateway >>"$RAW_DIR/stack.log" 2>&1 ||
		die "stack.sh restart gateway failed; see $RAW_DIR/stack.log"
	for _ in $(seq 1 60); do
		[[ $(curl -s -o /dev/null -w '%{http_code}' "$REGIONS_URL" || true) == 200 ]] && sleep 1 && return 0
		sleep 0.5
	done
	die "GET $REGIONS_URL did not answer 200 after restarting with GATEWAY_DIRECT=$1"
}
gateway_direct_restart 0
log "(d') regions through the bus (GATEWAY_DIRECT=0): wrk ${WRK_ARGS[*]}"
sample_begin
wrk_run regions-bus "$REGIONS_URL"
sample_end regionsbus "$WRK_N"
layer regionsbus "(d') regions, gw→bus→service (no direct)" "$WRK_RPS" "$WRK_P50" "$WRK_P99"
gateway_direct_restart 1

# ---- (b) nginx, the same bytes as a static file ------------------------------

NGX=$SCRATCH/nginx
mkdir -p "$NGX/www" "$NGX/tmp"
cp "$BODY" "$NGX/www/regions.json"
# nginx's workers run as nobody when started by root: let them read the file.
chmod 755 "$SCRATCH" "$NGX" "$NGX/www"
chmod 644 "$NGX/www/regions.json"
cat >"$NGX/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $NGX/tmp/body;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $NGX/www;
        location = /regions { default_type application/json; try_files /regions.json =404; }
    }
}
EOF
"$NGINX" -p "$NGX/" -e "$NGX/error.log" -c "$NGX/nginx.conf" &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$NGINX_PORT/regions"
code=000
for _ in $(seq 1 50); do # up to ~5 s
	code=$(curl -s -o "$SCRATCH/nginx.json" -w '%{http_code}' "$NGINX_URL" || true)
	[[ $code == 200 ]] && break
	kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited: $(cat "$NGX/error.log" 2>/dev/null)"
	sleep 0.1
done
[[ $code == 200 ]] || die "nginx answered $code"
cmp -s "$BODY" "$SCRATCH/nginx.json" || die "nginx's body differs from the regions body"
log "(b) nginx, same $(wc -c <"$BODY") bytes: wrk ${WRK_ARGS[*]}"
wrk_run nginx "$NGINX_URL"
NGINX_RPS=$WRK_RPS
row "nginx, same bytes (static file)" "$WRK_RPS" "$WRK_P50" "$WRK_P99"
layer nginx "nginx, same bytes (static file)" "$WRK_RPS" "$WRK_P50" "$WRK_P99"
[[ -z $WRK_NOTE ]] || line "$WRK_NOTE"
kill "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=

# ---- (c) pgbench on the stack's PostgreSQL ------------------------------------

# The superuser of the stack's PostgreSQL, as stack.sh records it in secrets.env
# (KEY=VALUE lines; read, not sourced).
secret() {
	local key line value
	for key in "$@"; do
		line=$(grep -E "^(export[[:space:]]+)?${key}=" "$VAR_DIR/secrets.env" 2>/dev/null | tail -n 1) || continue
		value=${line#*=}
		value=${value%$'\r'}
		if [[ $value == \"*\" || $value == \'*\' ]]; then value=${value:1:${#value}-2}; fi
		printf '%s\n' "$value"
		return 0
	done
	return 1
}
PGUSER=$(secret PG_SUPERUSER) || PGUSER=postgres
PGPASSWORD=$(secret PG_SUPERUSER_PASSWORD) || PGPASSWORD=
export PGUSER PGPASSWORD PGPORT=$PG_PORT PGHOST=127.0.0.1
# Over TCP like the reference figure; the stack's socket directory if its server
# does not accept the superuser over TCP (the row then says so).
PG_VIA="TCP"
if ! psql -qtAX -d postgres -c 'SELECT 1' >/dev/null 2>"$RAW_DIR/pgbench-init.txt"; then
	PGHOST=$VAR_DIR/run PG_VIA="unix socket"
	psql -qtAX -d postgres -c 'SELECT 1' >/dev/null 2>>"$RAW_DIR/pgbench-init.txt" ||
		die "cannot connect to the stack's PostgreSQL as $PGUSER (see $RAW_DIR/pgbench-init.txt)"
fi
log "(c) pgbench: a separate database 'bench', scale $PGBENCH_SCALE"
psql -qX -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' \
	>>"$RAW_DIR/pgbench-init.txt" 2>&1 || die "cannot create database bench (see $RAW_DIR/pgbench-init.txt)"
"$PGBENCH" -i -q -s "$PGBENCH_SCALE" bench >>"$RAW_DIR/pgbench-init.txt" 2>&1 ||
	die "pgbench -i failed (see $RAW_DIR/pgbench-init.txt)"
log "(c) pgbench ${PGBENCH_ARGS[*]}"
"$PGBENCH" "${PGBENCH_ARGS[@]}" bench >"$RAW_DIR/pgbench.txt" 2>&1 || die "pgbench failed (see $RAW_DIR/pgbench.txt)"
PG_TPS=$(awk '/^tps = / { printf "%.0f", $3; exit }' "$RAW_DIR/pgbench.txt")
[[ -n $PG_TPS ]] || die "no tps in $RAW_DIR/pgbench.txt"
row "pgbench -S prepared (TPS, $PG_VIA)" "$PG_TPS" "" ""
psql -qX -d postgres -c 'DROP DATABASE IF EXISTS bench' >/dev/null 2>&1 || true
unset PGHOST PGPORT PGUSER PGPASSWORD

# ---- the decomposition of the read path ----------------------------------------
# Each layer alone, in this run, beside nginx (deploy/bench/README.md says what each
# row isolates). benchload (deploy/bench/benchload.c) drives the layers wrk cannot:
# the bus without the gateway, and the regions query on PostgreSQL through libpq.
daemon_env() { tr '\0' '\n' <"/proc/$(pid_of "$1")/environ" | sed -n "s/^$2=//p"; }
BENCHLOAD=$BIN_DIR/benchload
[[ -x $BENCHLOAD ]] || die "no $BENCHLOAD: make VARIANT=release build/release/bin/benchload"
DECOMP_SECS=10

log "decomposition (a): the gateway alone, /healthz"
sample_begin
wrk_run healthz "http://127.0.0.1:$GATEWAY_PORT/healthz"
sample_end healthz "$WRK_N"
layer healthz "(a) gateway alone: /healthz" "$WRK_RPS" "$WRK_P50" "$WRK_P99"

# A parent the service refuses (INVALID_REGION_CODE, 400) before any query: the whole
# path, envelope, signature, dispatch and reply included, without the database.
NODB_URL="http://127.0.0.1:$GATEWAY_PORT/api/v1/regions?parent=x"
[[ $(curl -s "$NODB_URL" | jq -r .error.code) == INVALID_REGION_CODE ]] ||
	die "GET $NODB_URL did not answer INVALID_REGION_CODE"
log "decomposition (b): gateway → enterprise → reply, no database"
sample_begin
wrk_run nodb "$NODB_URL"
sample_end nodb "$WRK_N"
layer nodb "(b) gw→service, no db (400 before SQL)" "$WRK_RPS" "$WRK_P50" "$WRK_P99"

# benchload_run KEY LABEL MODE CONNS PARENT [ENV...]: a benchload run as a layer.
benchload_run() {
	local key=$1 label=$2 mode=$3 conns=$4 parent=$5 out rps p50 p99 fails n
	shift 5
	sample_begin
	# benchload prints its figures when the run ends, then tears down; a teardown that
	# hangs (nng 1.5.2, seen twice) is killed, and the figures printed still count.
	out=$(timeout -k 5 $((DECOMP_SECS + 30)) env "$@" "$BENCHLOAD" "$mode" "$conns" "$DECOMP_SECS" \
		"$parent" 2>"$RAW_DIR/$key.err") || {
		[[ $? == 124 && $(wc -w <<<"$out") == 5 ]] || die "benchload $mode failed (see $RAW_DIR/$key.err)"
		echo "benchload: killed after its figures: its teardown hung" >>"$RAW_DIR/$key.err"
	}
	echo "$out" >"$RAW_DIR/$key.txt"
	read -r rps p50 p99 fails n <<<"$out"
	sample_end "$key" "$n"
	layer "$key" "$label" "$rps" "$p50" "$p99"
	((fails == 0)) || line "  ($fails failed in $key: see $RAW_DIR/$key.err)"
}
BUS_ENV=(BUS_URLS="$(daemon_env gateway BUS_URLS)" BUS_KEY="$(daemon_env gateway BUS_KEY)")
log "decomposition (c): bus → enterprise without the gateway, 64 contexts"
benchload_run busnodb "(c) bus→service, no gateway, no db" bus 64 x "${BUS_ENV[@]}"
benchload_run busdb "(c') bus→service, regions read, no gateway" bus 64 43 "${BUS_ENV[@]}"
log "decomposition (e): the regions query on PostgreSQL, libpq prepared, 16 connections"
benchload_run pgq "(e) regions query, libpq prepared, c16" pg 16 43 \
	DB_URL="$(daemon_env enterprise DB_URL)"

log "decomposition (f): a read that must reach PostgreSQL (one region and its parents)"
LOOKUP_URL="http://127.0.0.1:$GATEWAY_PORT/api/v1/region-lookups"
[[ $(curl -s -X POST -H 'Content-Type: application/json' --data '{"codes":["430102"]}' \
	"$LOOKUP_URL" | jq -r '.items[0].full_name') == 湖南省长沙市芙蓉区 ]] ||
	die "POST $LOOKUP_URL did not resolve 430102"
sample_begin
wrk_run lookup "$LOOKUP_URL" -s "$ROOT/deploy/bench/lookup.lua"
sample_end lookup "$WRK_N"
layer lookup "(f) region-lookups 430102, full stack, db" "$WRK_RPS" "$WRK_P50" "$WRK_P99"
[[ -z $WRK_NOTE ]] || line "$WRK_NOTE"

# Syscalls per request of the gateway and the service: strace -c -f on a short run
# of the regions read (strace slows it; the count per request is what it is for).
SYSCALLS=
if command -v strace >/dev/null 2>&1; then
	log "decomposition: syscalls per request (strace -c -f, 3 s of regions)"
	strace -c -f -o "$RAW_DIR/strace-gateway.txt" -p "$(pid_of gateway)" 2>/dev/null &
	ST_GW=$!
	strace -c -f -o "$RAW_DIR/strace-enterprise.txt" -p "$(pid_of enterprise)" 2>/dev/null &
	ST_ENT=$!
	sleep 1
	wrk -t2 -c64 -d3s "$REGIONS_URL" >"$RAW_DIR/strace-regions.wrk.txt" 2>&1 || true
	kill -INT "$ST_GW" "$ST_ENT" 2>/dev/null || true
	wait "$ST_GW" "$ST_ENT" 2>/dev/null || true
	n=$(awk '/ requests in / { print $1; exit }' "$RAW_DIR/strace-regions.wrk.txt")
	per() { awk -v n="${n:-0}" '$NF == "total" { c = $4 } END {
		if (n > 0 && c > 0) printf "%.1f", c / n; else printf "?" }' "$1"; }
	top() { awk -v n="${n:-0}" '$1 ~ /^[0-9.]+$/ && $NF != "total" && n > 0 { print $NF, $4 }' "$1" |
		sort -k2 -nr | head -n 5 | awk -v n="${n:-0}" '{ printf "%s%s %.1f", sep, $1, $2 / n; sep = ", " }'; }
	SYSCALLS="syscalls per request: gateway $(per "$RAW_DIR/strace-gateway.txt") ($(top "$RAW_DIR/strace-gateway.txt")); enterprise $(per "$RAW_DIR/strace-enterprise.txt") ($(top "$RAW_DIR/strace-enterprise.txt"))"
fi

line ""
line "decomposition of the read path (64 connections or contexts unless said; ×nginx: this run's nginx)"
line "$(printf '%-44s %8s %7s %7s %6s | %-19s | %s' layer 'req/s' 'p50 ms' 'p99 ms' ×nginx \
	'CPU µs/req gw bus ent pg' 'ctx switches/req gw bus ent pg')"
for key in healthz nodb busnodb busdb regions regionsbus pgq lookup nginx; do
	[[ -n ${LAYER_ROW[$key]:-} ]] || continue
	line "$(printf '%s %6s | %-19s | %s' "${LAYER_ROW[$key]}" "$(ratio "${LAYER_RPS[$key]}" "$NGINX_RPS")" \
		"${LAYER_CPU[$key]}" "${LAYER_CS[$key]}")"
done
[[ -z $SYSCALLS ]] || line "$SYSCALLS"

line ""
row "ratio bus authenticated / not" "$(ratio "$REGIONS_RPS" "$REGIONS_NOAUTH_RPS")" "" ""
row "ratio regions / nginx" "$(ratio "$REGIONS_RPS" "$NGINX_RPS")" "" ""
row "ratio regions / pgbench" "$(ratio "$REGIONS_RPS" "$PG_TPS")" "" ""

# ---- HOOK: more figures ------------------------------------------------------
# A later figure (say, logins per second) is a function here that runs against the
# live stack (its URL base is http://127.0.0.1:$GATEWAY_PORT; VAR_DIR, PG_PORT and
# REDIS_PORT are set), keeps its raw output in $RAW_DIR, and adds its line(s) with
#   row "label" "rate" "p50 ms" "p99 ms"      (wrk_run NAME URL sets WRK_RPS/P50/P99)
# Then list the function in EXTRA_FIGURES. Keep each run bounded (10 s) and on loopback.
#

# Password logins per second: every login runs the password KDF (scrypt at the
# cost accounts uses, see services/accounts/README.md) and creates a session.
# 8 connections over 16 accounts (created with the admin CLI): the KDF bounds the
# rate, more connections would only queue.
bench_login() {
	local base="http://127.0.0.1:$GATEWAY_PORT" phones=() password='Bench-Pass1' i
	for ((i = 1; i <= 16; i++)); do
		phones+=("$(printf '1350000%04d' "$i")")
		bash "$ROOT/deploy/local/demo-data.sh" admin create-person --phone "${phones[-1]}" \
			--password "$password" >>"$RAW_DIR/login-accounts.txt" 2>&1 ||
			die "login figure: creating ${phones[-1]} failed (see $RAW_DIR/login-accounts.txt)"
	done
	BENCH_PHONES="${phones[*]}" BENCH_PASSWORD=$password wrk_run login "$base/api/v1/sessions" \
		-s "$ROOT/deploy/bench/login.lua" -c8 --timeout 10s
	row "login, password, 8 connections" "$WRK_RPS" "$WRK_P50" "$WRK_P99"
	[[ -z $WRK_NOTE ]] || line "$WRK_NOTE"
}

# ---- financing demands submitted per second, beside pgbench's TPC-B (market) ----
# One enterprise (certified, its admin verified with a face check: fixtures as the API
# cases use them) submits 900 demands over 16 connections: each is two bus calls to
# enterprise (Readiness, GetEnterprise) and one transaction that bumps the day's number
# row, so every submission of a day queues on that row, like TPC-B's branch rows. A count,
# not a duration: a day has 999 numbers. Then pgbench's TPC-B (-M prepared -c16 -j2 -T10)
# on a separate database of the same PostgreSQL.
bench_demands() {
	local base="http://127.0.0.1:$GATEWAY_PORT" phone=13500009901 password='Bench-Pass1'
	local tok pid ent out rate p50 p99 errs psu pspw
	local fx="$ROOT/tests/api/phases/60-enterprise-walk/fixture.sh" mfx="$ROOT/tests/api/fixtures/market.sh"
	local setup=$RAW_DIR/demands-setup.txt
	bash "$ROOT/deploy/local/demo-data.sh" admin create-person --phone "$phone" \
		--password "$password" >>"$setup" 2>&1 || die "demands figure: creating $phone failed (see $setup)"
	tok=$(curl -s -X POST -H 'Content-Type: application/json' \
		--data "{\"method\":\"password\",\"phone\":\"$phone\",\"password\":\"$password\"}" \
		"$base/api/v1/sessions" | jq -r .token)
	pid=$(curl -s -H "Authorization: Bearer $tok" "$base/api/v1/me" | jq -r .id)
	[[ $pid =~ ^[0-9a-f-]{36}$ ]] || die "demands figure: no session for $phone"
	{
		bash "$mfx" catalogue &&
			bash "$fx" certify 91430100MA4M8D0X35 压测融资需求有限公司 "$pid" &&
			bash "$fx" verify "$pid" '压*'
	} >>"$setup" 2>&1 || die "demands figure: fixtures failed (see $setup)"
	psu=$(secret PG_SUPERUSER) || psu=postgres
	pspw=$(secret PG_SUPERUSER_PASSWORD) || pspw=
	PGPASSWORD=$pspw psql "host=$VAR_DIR/run port=$PG_PORT dbname=sme user=$psu" -qtAX \
		-c "UPDATE enterprise.persons SET face_checked_at = now() WHERE person_id = '$pid'" \
		>>"$setup" 2>&1 || die "demands figure: face check fixture failed (see $setup)"
	ent=$(curl -s -H "Authorization: Bearer $tok" "$base/api/v1/me/identities" |
		jq -r '[.items[] | select(.type == "enterprise")][0].enterprise_id')
	curl -s -o /dev/null -X PUT -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		--data "{\"type\":\"enterprise\",\"enterprise_id\":\"$ent\"}" "$base/api/v1/me/identity"
	out=$(python3 "$ROOT/deploy/bench/demands.py" "$base/api/v1/enterprise/financing-demands" "$tok" \
		'{"product_id":"00000000-0000-4000-8000-00000000c001","amount_fen":20000000,"term":12,"term_unit":"月","branch_id":"00000000-0000-4000-8000-00000000b001","agreements":["financing-2024"]}' \
		900 16 2>>"$setup") || die "demands figure: the client failed (see $setup)"
	echo "$out" >"$RAW_DIR/demands.txt"
	read -r rate p50 p99 errs <<<"$out"
	row "demand submit, 16 connections" "$rate" "$p50" "$p99"
	((errs == 0)) || line "  ($errs of 900 submissions not 201: see $RAW_DIR/demands.txt)"

	tpcb
	row "ratio demand submit / TPC-B" "$(ratio "$rate" "$TPCB_TPS")" "" ""
}

# pgbench's TPC-B (-M prepared -c16 -j2 -T10) on a separate database of the stack's
# PostgreSQL, once per run (TPCB_TPS): the figures that are ratios to it share it.
TPCB_TPS=
tpcb() {
	[[ -z $TPCB_TPS ]] || return 0
	local psu pspw
	psu=$(secret PG_SUPERUSER) || psu=postgres
	pspw=$(secret PG_SUPERUSER_PASSWORD) || pspw=
	export PGUSER=$psu PGPASSWORD=$pspw PGPORT=$PG_PORT PGHOST=127.0.0.1
	psql -qtAX -d postgres -c 'SELECT 1' >/dev/null 2>&1 || PGHOST=$VAR_DIR/run
	psql -qX -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS bench_tpcb' \
		-c 'CREATE DATABASE bench_tpcb' >>"$RAW_DIR/tpcb-init.txt" 2>&1 &&
		"$PGBENCH" -i -q -s "$PGBENCH_SCALE" bench_tpcb >>"$RAW_DIR/tpcb-init.txt" 2>&1 ||
		die "pgbench TPC-B init failed (see $RAW_DIR/tpcb-init.txt)"
	"$PGBENCH" -M prepared -c16 -j2 -T10 bench_tpcb >"$RAW_DIR/tpcb.txt" 2>&1 ||
		die "pgbench TPC-B failed (see $RAW_DIR/tpcb.txt)"
	TPCB_TPS=$(awk '/^tps = / { printf "%.0f", $3; exit }' "$RAW_DIR/tpcb.txt")
	psql -qX -d postgres -c 'DROP DATABASE IF EXISTS bench_tpcb' >/dev/null 2>&1 || true
	unset PGHOST PGPORT PGUSER PGPASSWORD
	row "pgbench TPC-B prepared (TPS)" "$TPCB_TPS" "" ""
}

# ---- bill quote + confirm per second, beside pgbench's TPC-B (billfin) --------------
# A certified enterprise with a receiving account verified by micro-deposit, and a bill
# funder's quoter (fixtures as the API cases use them). 600 inquiries are made first, not
# timed; then each is quoted by the funder (the discount computed on the calendar, one
# transaction with audit and outbox event) and confirmed by the enterprise (enterprise's
# GetReceivingAccount, the contract and invoice stored, one transaction with audit and
# outbox event) over 16 connections: the figure is those pairs per second.
bench_bills() {
	local base="http://127.0.0.1:$GATEWAY_PORT" phone=13500009902 fphone=13500009903
	local password='Bench-Pass1' tok ftok pid fpid ent acc amt out rate p50 p99 errs i
	local fx="$ROOT/tests/api/phases/60-enterprise-walk/fixture.sh" bfx="$ROOT/tests/api/fixtures/billfin.sh"
	local setup=$RAW_DIR/bills-setup.txt
	login() {
		curl -s -X POST -H 'Content-Type: application/json' \
			--data "{\"method\":\"password\",\"phone\":\"$1\",\"password\":\"$password\"}" \
			"$base/api/v1/sessions" | jq -r .token
	}
	for p in "$phone" "$fphone"; do
		bash "$ROOT/deploy/local/demo-data.sh" admin create-person --phone "$p" \
			--password "$password" >>"$setup" 2>&1 || die "bills figure: creating $p failed (see $setup)"
	done
	tok=$(login "$phone")
	ftok=$(login "$fphone")
	pid=$(curl -s -H "Authorization: Bearer $tok" "$base/api/v1/me" | jq -r .id)
	fpid=$(curl -s -H "Authorization: Bearer $ftok" "$base/api/v1/me" | jq -r .id)
	[[ $pid =~ ^[0-9a-f-]{36}$ && $fpid =~ ^[0-9a-f-]{36}$ ]] || die "bills figure: no sessions"
	{
		bash "$fx" certify 91430100MA4BFBE01E 压测商票有限公司 "$pid" &&
			bash "$fx" verify "$pid" '压*' && bash "$bfx" funders && bash "$bfx" quoter "$fpid" f1
	} >>"$setup" 2>&1 || die "bills figure: fixtures failed (see $setup)"
	ent=$(curl -s -H "Authorization: Bearer $tok" "$base/api/v1/me/identities" |
		jq -r '[.items[] | select(.type == "enterprise")][0].enterprise_id')
	curl -s -o /dev/null -X PUT -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		--data "{\"type\":\"enterprise\",\"enterprise_id\":\"$ent\"}" "$base/api/v1/me/identity"
	acc=$(curl -s -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		-H 'Idempotency-Key: bench-bills-acc' \
		--data '{"bank_name":"中国工商银行","branch_name":"长沙分行营业部","account_number":"6217000099021011"}' \
		"$base/api/v1/enterprise/receiving-accounts" | jq -r .id)
	[[ $acc =~ ^[0-9a-f-]{36}$ ]] || die "bills figure: no receiving account"
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		-H 'Idempotency-Key: bench-bills-md' --data '{}' \
		"$base/api/v1/enterprise/receiving-accounts/$acc/micro-deposits"
	amt=
	for ((i = 0; i < 60 && ${#amt} == 0; i++)); do # the sandbox bank credits it asynchronously
		sleep 0.5
		amt=$(curl -s "$base/api/v1/dev/bank-statement?account_number=6217000099021011" |
			jq -r '.items[0].amount_fen // empty')
	done
	[[ -n $amt ]] || die "bills figure: the sandbox bank sent no micro-deposit"
	[[ $(curl -s -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		--data "{\"amount_fen\":$amt}" "$base/api/v1/enterprise/receiving-accounts/$acc/verify" |
		jq -r .state) == verified ]] || die "bills figure: the receiving account was not verified"
	out=$(python3 "$ROOT/deploy/bench/bills.py" "$base" "$tok" "$ftok" "$acc" \
		00000000-0000-4000-8000-0000000bf001 600 16 2>>"$setup") ||
		die "bills figure: the client failed (see $setup)"
	echo "$out" >"$RAW_DIR/bills.txt"
	read -r rate p50 p99 errs <<<"$out"
	row "bill quote + confirm, 16 connections" "$rate" "$p50" "$p99"
	((errs == 0)) || line "  ($errs of the pairs failed: see $setup)"
	tpcb
	row "ratio quote + confirm / TPC-B" "$(ratio "$rate" "$TPCB_TPS")" "" ""
}
# Product search (金融超市) over the demo catalogue `make up` loads (40 published products):
# a keyword and two filters, 64 connections, as a ratio to nginx serving the regions body in
# the same run.
bench_search() {
	local q url
	q='q=%E9%93%B6%E8%A1%8C&guarantee=%E4%BF%A1%E7%94%A8&amount_fen=100000000'
	url="http://127.0.0.1:$GATEWAY_PORT/api/v1/products?$q"
	[[ $(curl -s "$url" | jq -r '.total') =~ ^[1-9][0-9]*$ ]] ||
		die "product search figure: the demo catalogue gives no match for $url"
	wrk_run search "$url"
	row "products?q=银行&guarantee=信用&amount" "$WRK_RPS" "$WRK_P50" "$WRK_P99"
	[[ -z $WRK_NOTE ]] || line "$WRK_NOTE"
	row "ratio product search / nginx" "$(ratio "$WRK_RPS" "$NGINX_RPS")" "" ""
}
EXTRA_FIGURES=(bench_search bench_demands bench_bills bench_login)
# SMS deliveries with two notify replicas (deploy/bench/deliveries.sh).
# shellcheck source=deploy/bench/deliveries.sh
source "$ROOT/deploy/bench/deliveries.sh"
EXTRA_FIGURES+=(bench_deliveries)
# Certificates issued per second per algorithm beside openssl speed (deploy/bench/certs.sh).
# shellcheck source=deploy/bench/certs.sh
source "$ROOT/deploy/bench/certs.sh"
EXTRA_FIGURES+=(bench_certs)
# Payment notifies verified and credited per second beside TPC-B (deploy/bench/callbacks.sh).
# shellcheck source=deploy/bench/callbacks.sh
source "$ROOT/deploy/bench/callbacks.sh"
EXTRA_FIGURES+=(bench_callbacks)
# PAdES signatures per second beside pdfsig and openssl speed (deploy/bench/pades.sh).
# shellcheck source=deploy/bench/pades.sh
source "$ROOT/deploy/bench/pades.sh"
EXTRA_FIGURES+=(bench_pades)
# BENCH_EXTRAS=0: the read path only (a quicker run while working on it).
[[ ${BENCH_EXTRAS:-1} == 1 ]] || EXTRA_FIGURES=()
for figure in "${EXTRA_FIGURES[@]}"; do
	log "extra figure: $figure"
	"$figure"
done
# ---- end of HOOK ---------------------------------------------------------------

# ---- resident memory of every daemon, after the runs --------------------------

line ""
line "resident memory after the run (VmRSS; of it, the process's own anonymous pages,"
line "RssAnon: the rest is shared libraries' and files' pages, shared with other processes):"
rss_row() {
	local name=$1 pid=$2 rss=
	[[ -n $pid ]] && rss=$(awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 }
		END { if (r != "") printf "%.1f MiB  (own %.1f MiB)", r / 1024, a / 1024 }' "/proc/$pid/status" 2>/dev/null)
	REPORT+=("$(printf '  %-32s %s' "$name" "${rss:-not running}")")
}
# stack.sh's pid files: the daemons (bus0, services, gateway) and redis.
for pidfile in "$VAR_DIR"/run/*.pid; do
	[[ -e $pidfile ]] || continue
	rss_row "$(basename "$pidfile" .pid)" "$(head -n 1 "$pidfile" | tr -dc '0-9')"
done
# PostgreSQL's main process (its backends come and go with connections).
if [[ -f $VAR_DIR/pg/postmaster.pid ]]; then
	rss_row "postgres (postmaster)" "$(head -n 1 "$VAR_DIR/pg/postmaster.pid" | tr -dc '0-9')"
fi

# ---- print and keep -------------------------------------------------------------

{
	echo "benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) CPUs, loopback"
	echo "wrk ${WRK_ARGS[*]}; pgbench scale $PGBENCH_SCALE ${PGBENCH_ARGS[*]}"
	echo "figures vary ±15 % between runs: read the ratios (FACTS.md)"
	echo
	printf '%-34s %12s %10s %10s\n' "figure" "req/s | TPS" "p50 ms" "p99 ms"
	printf '%s\n' "${REPORT[@]}"
} | sed 's/ *$//' | tee "$OUT_DIR/last.txt"
