#!/usr/bin/env bash
# The whole platform on one machine: its own PostgreSQL 15 and Redis under
# $VAR_DIR, then the bus, the services and the gateway from $BIN_DIR.
#   bash deploy/local/stack.sh up | down | status
#   bash deploy/local/stack.sh start|stop|restart NAME   (bus0, enterprise, gateway, redis, postgres, …)
# Settings (environment, with defaults): see deploy/local/README.md.
set -euo pipefail
umask 077

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
# The services and which of them have a database, from services/services.list.
SERVICES=()
declare -A SERVICE_DB=()
readonly PG_BIN=/usr/lib/postgresql/15/bin
readonly PG_DB=sme
readonly READY_TIMEOUT=60 # seconds for /readyz
readonly STOP_TIMEOUT=10  # seconds between SIGTERM and SIGKILL
# Settings `up` records in $VAR_DIR/run/stack.env; the other commands use them
# when the environment does not set them (so `restart gateway` keeps the port).
readonly SAVED_SETTINGS=(BIN_DIR GATEWAY_PORT GATEWAY_ADDR PG_PORT REDIS_PORT BUS_COUNT REPLICAS LOG_LEVEL
	PLATFORM_MODE PAYSIM_PORT)

say() { [[ ${STACK_QUIET:-0} == 1 ]] || printf 'stack: %s\n' "$*"; }
warn() { printf 'stack: %s\n' "$*" >&2; }
die() {
	warn "$*"
	exit 1
}

usage() {
	cat >&2 <<'EOF'
usage: bash deploy/local/stack.sh up | down | status
       bash deploy/local/stack.sh start NAME | stop NAME | restart NAME
NAME: postgres, redis, busN, a service of services/services.list, gateway;
      NAME.R (R 2..9) for the R-th replica of a service or of the gateway
EOF
	exit 2
}

# ---- the services ----------------------------------------------------------------

load_services() {
	local table name db
	table=$(bash "$ROOT/deploy/services.sh" table) || die "services/services.list is not valid"
	while read -r name _ db; do
		SERVICES+=("$name")
		SERVICE_DB[$name]=$db
	done <<<"$table"
}

# The listed services with a database role and schema.
db_services() {
	local s
	for s in "${SERVICES[@]}"; do
		[[ ${SERVICE_DB[$s]} != yes ]] || printf '%s\n' "$s"
	done
}

# ---- settings -----------------------------------------------------------------

# settings COMMAND: fills the globals from the environment, the last `up`'s
# record (not for `up` itself) and the defaults.
settings() {
	local cmd=$1 key line value
	VAR_DIR=$(realpath -m -- "${VAR_DIR:-$ROOT/var}")
	RUN_DIR=$VAR_DIR/run
	LOG_DIR=$VAR_DIR/log
	PG_DATA=$VAR_DIR/pg
	REDIS_DIR=$VAR_DIR/redis
	SECRETS=$VAR_DIR/secrets.env
	if [[ $cmd != up && -f $RUN_DIR/stack.env ]]; then
		for key in "${SAVED_SETTINGS[@]}"; do
			[[ -z ${!key:-} ]] || continue
			line=$(grep -E "^${key}=" "$RUN_DIR/stack.env" | tail -n 1) || continue
			value=${line#*=}
			printf -v "$key" '%s' "$value"
		done
	fi
	BIN_DIR=$(realpath -m -- "${BIN_DIR:-$ROOT/build/release/bin}")
	GATEWAY_PORT=${GATEWAY_PORT:-8080}
	GATEWAY_ADDR=${GATEWAY_ADDR:-127.0.0.1}
	PG_PORT=${PG_PORT:-5433}
	REDIS_PORT=${REDIS_PORT:-6380}
	PAYSIM_PORT=${PAYSIM_PORT:-8090}
	BUS_COUNT=${BUS_COUNT:-1}
	REPLICAS=${REPLICAS:-1}
	GATEWAY_DIRECT=${GATEWAY_DIRECT:-1}
	LOG_LEVEL=${LOG_LEVEL:-info}
	PLATFORM_MODE=${PLATFORM_MODE:-development}
	STACK_QUIET=${STACK_QUIET:-0}
	local p
	for p in GATEWAY_PORT PG_PORT REDIS_PORT PAYSIM_PORT; do
		if [[ ! ${!p} =~ ^[0-9]+$ ]] || ((${!p} < 1 || ${!p} > 65535)); then
			die "$p=${!p} is not a TCP port"
		fi
	done
	[[ $BUS_COUNT =~ ^[1-9]$ ]] || die "BUS_COUNT=$BUS_COUNT: expected 1..9"
	[[ $REPLICAS =~ ^[1-9]$ ]] || die "REPLICAS=$REPLICAS: expected 1..9"
	[[ $GATEWAY_DIRECT =~ ^[01]$ ]] || die "GATEWAY_DIRECT=$GATEWAY_DIRECT: expected 0 or 1"
}

save_settings() {
	local key tmp=$RUN_DIR/stack.env.tmp
	{
		echo "# the settings of the last 'stack.sh up' (read by the other commands)"
		for key in "${SAVED_SETTINGS[@]}"; do
			printf '%s=%s\n' "$key" "${!key}"
		done
	} >"$tmp"
	mv -f "$tmp" "$RUN_DIR/stack.env"
}

# ---- secrets ------------------------------------------------------------------

declare -A SECRET=()

hex() { od -An -vtx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# Reads $SECRETS (KEY=VALUE lines; not sourced).
read_secrets() {
	local line key value
	[[ -f $SECRETS ]] || return 0
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		line=${line#export }
		[[ $line =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || continue
		key=${line%%=*}
		value=${line#*=}
		if [[ $value == \"*\" || $value == \'*\' ]]; then
			value=${value:1:${#value}-2}
		fi
		SECRET[$key]=$value
	done <"$SECRETS"
}

# Creates $SECRETS (mode 600) or adds the keys it lacks; never changes a value.
ensure_secrets() {
	local -a add=()
	local key svc
	read_secrets
	want() { [[ -n ${SECRET[$1]:-} ]] || add+=("$1=$2"); }
	want PG_SUPERUSER postgres
	want PG_SUPERUSER_PASSWORD "$(hex 16)"
	want REDIS_PASSWORD "$(hex 16)"
	want PII_ENC_KEY "$(hex 32)"
	want PII_MAC_KEY "$(hex 32)"
	want CERTS_CA_KEY "$(hex 32)"
	# WeChat Pay's APIv3 key (32 characters), shared by payments and the simulator.
	want PAY_WECHAT_APIV3_KEY "$(hex 16)"
	for svc in $(db_services); do
		want "${svc^^}_DB_PASSWORD" "$(hex 16)"
	done
	# Each bus principal's master signing key (common/busauth.h), key id k1.
	for svc in gateway "${SERVICES[@]}"; do
		want "BUS_KEY_${svc^^}" "k1:$(hex 32)"
	done
	unset -f want
	((${#add[@]})) || return 0
	if [[ ! -f $SECRETS ]]; then
		printf '# Generated by deploy/local/stack.sh for this VAR_DIR only; keep it private.\n' >"$SECRETS"
	fi
	chmod 600 "$SECRETS"
	printf '%s\n' "${add[@]}" >>"$SECRETS"
	for key in "${add[@]}"; do
		SECRET[${key%%=*}]=${key#*=}
	done
}

# bus_peer_keys V: what service V verifies, K(S,V) = HMAC-SHA256(M_S, "sme-bus-v1 V") for
# every signer S (itself included: its --check pings sign as it).
bus_peer_keys() {
	local v=$1 s key mac out=
	for s in gateway "${SERVICES[@]}"; do
		key=${SECRET[BUS_KEY_${s^^}]}
		mac=$(printf 'sme-bus-v1 %s' "$v" |
			openssl dgst -sha256 -mac HMAC -macopt "hexkey:${key#*:}" -r) || return 1
		out+="${out:+,}$s:${key%%:*}:${mac%% *}"
	done
	printf '%s\n' "$out"
}

need_secrets() {
	[[ -f $SECRETS ]] || die "$SECRETS is missing: run 'bash deploy/local/stack.sh up' first"
	read_secrets
}

# A libpq conninfo value, quoted when it needs to be.
conninfo_value() {
	local v=$1
	if [[ $v =~ ^[A-Za-z0-9._/:@+-]+$ ]]; then
		printf '%s' "$v"
	else
		v=${v//\\/\\\\}
		printf "'%s'" "${v//\'/\\\'}"
	fi
}

# ---- the payment providers' simulator (development) ------------------------------

# The simulator's own keys and the merchant's, under $VAR_DIR/paysim (made once): each
# side gets only the other's public half, as with the real providers.
paysim_keys() {
	local d=$VAR_DIR/paysim k
	mkdir -p "$d"
	for k in wechat_platform merchant_wechat alipay merchant_alipay; do
		[[ -f $d/${k}_key.pem ]] && continue
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/${k}_key.pem" 2>/dev/null ||
			die "openssl could not make the simulator's keys"
		openssl pkey -in "$d/${k}_key.pem" -pubout -out "$d/${k}_pub.pem" 2>/dev/null
	done
	[[ -f $d/wechat_platform_cert.pem ]] ||
		openssl req -new -x509 -key "$d/wechat_platform_key.pem" -days 3650 \
			-subj "/CN=Tenpay.com Root CA (simulated)/O=paysim" -out "$d/wechat_platform_cert.pem" 2>/dev/null ||
		die "openssl could not make the simulated platform certificate"
}

# payments' settings that point it at the simulator (development only).
paysim_payments_env() {
	local d=$VAR_DIR/paysim
	export PAY_NOTIFY_BASE_URL="http://$(probe_host):$GATEWAY_PORT"
	export PAY_WECHAT_BASE_URL="http://127.0.0.1:$PAYSIM_PORT"
	export PAY_WECHAT_KEY_FILE=$d/merchant_wechat_key.pem
	export PAY_WECHAT_PLATFORM_CERT_FILE=$d/wechat_platform_cert.pem
	export PAY_WECHAT_APIV3_KEY=${SECRET[PAY_WECHAT_APIV3_KEY]}
	export PAY_ALIPAY_GATEWAY_URL="http://127.0.0.1:$PAYSIM_PORT/gateway.do"
	export PAY_ALIPAY_KEY_FILE=$d/merchant_alipay_key.pem
	export PAY_ALIPAY_PUBLIC_KEY_FILE=$d/alipay_pub.pem
}

paysim_start() {
	local pid bin=$BIN_DIR/paysim d=$VAR_DIR/paysim
	[[ $PLATFORM_MODE == development && -x $bin ]] || return 0
	if pid=$(pid_of "$RUN_DIR/paysim.pid" paysim); then
		say "paysim already running (pid $pid)"
		return 0
	fi
	# A second stack beside the first (the replicated phases) finds the port taken: its
	# payments (with keys of its own) then reaches the first one's simulator, which refuses
	# its signatures as a provider would refuse a stranger's.
	paysim_keys
	if (exec 3<>"/dev/tcp/127.0.0.1/$PAYSIM_PORT") 2>/dev/null; then
		say "paysim: port $PAYSIM_PORT is taken, not started"
		return 0
	fi
	(
		cd "$ROOT"
		export PAYSIM_PORT PAYSIM_PUBLIC_URL="http://127.0.0.1:$PAYSIM_PORT" LOG_LEVEL PLATFORM_MODE
		export PAYSIM_WECHAT_APIV3_KEY=${SECRET[PAY_WECHAT_APIV3_KEY]}
		export PAYSIM_WECHAT_PLATFORM_KEY=$d/wechat_platform_key.pem
		export PAYSIM_WECHAT_PLATFORM_CERT=$d/wechat_platform_cert.pem
		export PAYSIM_WECHAT_MCH_PUBLIC_KEY=$d/merchant_wechat_pub.pem
		export PAYSIM_ALIPAY_KEY=$d/alipay_key.pem
		export PAYSIM_ALIPAY_APP_PUBLIC_KEY=$d/merchant_alipay_pub.pem
		exec setsid "$bin" </dev/null >>"$LOG_DIR/paysim.log" 2>&1
	) &
	pid=$!
	printf '%s\n' "$pid" >"$RUN_DIR/paysim.pid"
	say "paysim started (pid $pid, http://127.0.0.1:$PAYSIM_PORT/, log $LOG_DIR/paysim.log)"
}

# ---- processes ----------------------------------------------------------------

# True when PID is a live process (not a zombie).
alive() {
	local pid=$1 stat
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# The pid in PIDFILE when that process is alive and runs PROGRAM (by its comm
# or its executable), so that a stale pid file never names an unrelated process.
pid_of() {
	local pidfile=$1 program=$2 pid comm exe
	[[ -f $pidfile ]] || return 1
	pid=$(head -n 1 "$pidfile" 2>/dev/null | tr -dc '0-9')
	[[ -n $pid ]] || return 1
	alive "$pid" || return 1
	comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || exe=
	exe=${exe% (deleted)}
	[[ $comm == "${program:0:15}" || ${exe##*/} == "$program" ]] || return 1
	printf '%s\n' "$pid"
}

# Sends SIGTERM to PID, waits up to STOP_TIMEOUT seconds, then SIGKILL.
terminate() {
	local pid=$1 name=$2 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
		alive "$pid" || return 0
		sleep 0.1
	done
	warn "$name (pid $pid) did not stop within ${STOP_TIMEOUT}s: SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		alive "$pid" || return 0
		sleep 0.1
	done
	warn "$name (pid $pid) still there after SIGKILL"
	return 1
}

# ---- PostgreSQL -----------------------------------------------------------------

# PostgreSQL refuses uid 0: as root its programs run in a user namespace where
# we are `nobody` (files stay owned by root outside; see FACTS.md).
as_pg() {
	if ((EUID == 0)); then
		unshare --user --map-user=65534 --map-group=65534 -- "$@"
	else
		"$@"
	fi
}

pg_running() { [[ -f $PG_DATA/PG_VERSION ]] && as_pg "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; }

pg_pid() { head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9'; }

# psql as the superuser over the stack's socket; SQL on stdin or in arguments.
psql_su() {
	(
		export PGPASSWORD=${SECRET[PG_SUPERUSER_PASSWORD]}
		as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN_DIR" -p "$PG_PORT" \
			-U "${SECRET[PG_SUPERUSER]}" "$@"
	)
}

pg_init() {
	[[ -f $PG_DATA/PG_VERSION ]] && return 0
	local locale=C pwfile=$VAR_DIR/.pg-superuser-password
	if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
		locale=C.UTF-8
	fi
	say "initdb $PG_DATA (locale $locale)"
	printf '%s\n' "${SECRET[PG_SUPERUSER_PASSWORD]}" >"$pwfile"
	if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "${SECRET[PG_SUPERUSER]}" --pwfile="$pwfile" \
		--encoding=UTF8 --locale="$locale" --auth=scram-sha-256 >"$LOG_DIR/initdb.log" 2>&1; then
		rm -f "$pwfile"
		tail -n 20 "$LOG_DIR/initdb.log" >&2
		die "initdb failed (whole output in $LOG_DIR/initdb.log)"
	fi
	rm -f "$pwfile"
	printf "\n# Settings of deploy/local/stack.sh, rewritten by every 'up'.\ninclude_if_exists = 'stack.conf'\n" \
		>>"$PG_DATA/postgresql.conf"
}

pg_start() {
	if pg_running; then
		say "postgres already running (pid $(pg_pid))"
		return 0
	fi
	local sockdir=${RUN_DIR//\'/\'\'}
	cat >"$PG_DATA/stack.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sockdir'
max_connections = 200
shared_buffers = 128MB
fsync = on
EOF
	if ! as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -w -t 60 -l "$LOG_DIR/postgres.log" >/dev/null 2>&1; then
		tail -n 20 "$LOG_DIR/postgres.log" >&2 || true
		die "PostgreSQL did not start (log: $LOG_DIR/postgres.log)"
	fi
	say "postgres started on 127.0.0.1:$PG_PORT (pid $(pg_pid))"
}

pg_stop() {
	pg_running || return 0
	local pid
	pid=$(pg_pid)
	as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 >/dev/null ||
		die "pg_ctl stop failed (log: $LOG_DIR/postgres.log)"
	say "postgres stopped (pid $pid)"
}

# The database, one role and schema per service, nothing for PUBLIC. Idempotent;
# role passwords are (re)set from secrets.env and reach psql by its environment.
pg_setup() {
	psql_su -d postgres >/dev/null <<SQL || die "creating database $PG_DB failed"
SELECT 'CREATE DATABASE $PG_DB' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB') \gexec
SQL
	local svc
	{
		cat <<SQL
SET client_min_messages = warning;
REVOKE ALL ON DATABASE $PG_DB FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
SQL
		for svc in $(db_services); do
			printf '\\set role %s\n\\getenv pw STACK_PW_%s\n' "$svc" "${svc^^}"
			cat <<SQL
SELECT format('CREATE ROLE %I', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \\gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
  NOBYPASSRLS PASSWORD :'pw';
ALTER ROLE :"role" SET search_path = :"role";
GRANT CONNECT, TEMPORARY ON DATABASE $PG_DB TO :"role";
CREATE SCHEMA IF NOT EXISTS :"role" AUTHORIZATION :"role";
ALTER SCHEMA :"role" OWNER TO :"role";
SQL
		done
	} | (
		for svc in $(db_services); do
			export "STACK_PW_${svc^^}=${SECRET[${svc^^}_DB_PASSWORD]}"
		done
		psql_su -d "$PG_DB" >/dev/null
	) || die "setting up database $PG_DB failed"
}

# ---- Redis ----------------------------------------------------------------------

redis_pid() { pid_of "$RUN_DIR/redis.pid" redis-server; }

redis_ping() {
	REDISCLI_AUTH=${SECRET[REDIS_PASSWORD]} redis-cli --no-auth-warning -h 127.0.0.1 \
		-p "$REDIS_PORT" ping 2>/dev/null | grep -qx PONG
}

redis_start() {
	local pid i
	if pid=$(redis_pid); then
		say "redis already running (pid $pid)"
		return 0
	fi
	mkdir -p "$REDIS_DIR"
	cat >"$REDIS_DIR/redis.conf" <<EOF
# Written by deploy/local/stack.sh on every start.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
unixsocket ""
daemonize yes
supervised no
pidfile "$RUN_DIR/redis.pid"
logfile "$LOG_DIR/redis.log"
dir "$REDIS_DIR"
requirepass "${SECRET[REDIS_PASSWORD]}"
appendonly yes
EOF
	rm -f "$RUN_DIR/redis.pid"
	redis-server "$REDIS_DIR/redis.conf" </dev/null >>"$LOG_DIR/redis.log" 2>&1 ||
		die "redis-server failed (log: $LOG_DIR/redis.log)"
	for ((i = 0; i < 100; i++)); do
		if redis_ping && pid=$(redis_pid); then
			say "redis started on 127.0.0.1:$REDIS_PORT (pid $pid)"
			return 0
		fi
		sleep 0.1
	done
	tail -n 20 "$LOG_DIR/redis.log" >&2 || true
	die "Redis did not answer on 127.0.0.1:$REDIS_PORT within 10s (log: $LOG_DIR/redis.log)"
}

redis_stop() {
	local pid
	pid=$(redis_pid) || {
		rm -f "$RUN_DIR/redis.pid"
		return 0
	}
	terminate "$pid" redis || die "redis (pid $pid) did not stop"
	rm -f "$RUN_DIR/redis.pid"
	say "redis stopped (pid $pid)"
}

# ---- the daemons ----------------------------------------------------------------

is_service() {
	local s
	for s in "${SERVICES[@]}"; do
		[[ $s == "$1" ]] && return 0
	done
	return 1
}

# The program a daemon name runs: bus0, bus1… run `bus`; accounts.2 (a replica) runs
# `accounts`.
program_of() {
	if [[ $1 =~ ^bus[0-9]+$ ]]; then echo bus; else echo "${1%.[2-9]}"; fi
}

# The replica number of a daemon name: 1, or R of NAME.R.
replica_of() {
	if [[ $1 =~ \.([2-9])$ ]]; then echo "${BASH_REMATCH[1]}"; else echo 1; fi
}

valid_daemon() {
	local base=${1%.[2-9]}
	[[ $1 =~ ^bus[0-9]+$ || $base == gateway ]] || is_service "$base"
}

# The gateway port of a daemon name: the R-th gateway listens on GATEWAY_PORT + R - 1.
gateway_port_of() { echo $((GATEWAY_PORT + $(replica_of "$1") - 1)); }

# Every daemon `up` starts, in order: each service's replicas side by side.
daemon_names() {
	local i s r
	for ((i = 0; i < BUS_COUNT; i++)); do echo "bus$i"; done
	for s in "${SERVICES[@]}" gateway; do
		echo "$s"
		for ((r = 2; r <= REPLICAS; r++)); do echo "$s.$r"; done
	done
}

daemon_pid() { pid_of "$RUN_DIR/$1.pid" "$(program_of "$1")"; }

bus_urls() {
	local i urls=
	for ((i = 0; i < BUS_COUNT; i++)); do
		urls+="${urls:+,}ipc://$RUN_DIR/bus$i"
	done
	printf '%s\n' "$urls"
}

# Where each gateway takes its services' direct connections (GATEWAY_RPC_LISTEN), and
# the list every service dials (GATEWAY_RPC_URLS): services/gateway/README.md, "Direct
# requests". A gateway started with GATEWAY_DIRECT=0 listens nowhere and sends every
# request through the bus.
gateway_rpc_base() { printf 'ipc://%s/rpc-%s\n' "$RUN_DIR" "$1"; }
gateway_rpc_urls() {
	local r urls
	urls=$(gateway_rpc_base gateway)
	for ((r = 2; r <= REPLICAS; r++)); do urls+=",$(gateway_rpc_base "gateway.$r")"; done
	printf '%s\n' "$urls"
}

# start_daemon NAME: in the background, its own session, cwd the repository.
start_daemon() {
	local name=$1 program bin pid base port
	program=$(program_of "$name")
	base=${name%.[2-9]}
	port=$(gateway_port_of "$name")
	bin=$BIN_DIR/$program
	[[ -x $bin ]] || die "$bin is not built (make VARIANT=release all)"
	if pid=$(daemon_pid "$name"); then
		say "$name already running (pid $pid)"
		return 0
	fi
	# Derived before the fork (it runs openssl): between fork and exec the child is
	# still `bash`, which wait_ready would take for a daemon that exited.
	local peer_keys=
	case $base in
	bus[0-9]* | gateway) ;;
	*) peer_keys=$(bus_peer_keys "$base") ;;
	esac
	(
		cd "$ROOT"
		unset DB_URL BUS_LISTEN GATEWAY_RPC_LISTEN GATEWAY_RPC_URLS
		export BUS_URLS
		BUS_URLS=$(bus_urls)
		export REDIS_URL="redis://:${SECRET[REDIS_PASSWORD]}@127.0.0.1:$REDIS_PORT/0"
		export PII_ENC_KEY=${SECRET[PII_ENC_KEY]} PII_MAC_KEY=${SECRET[PII_MAC_KEY]}
		export LOG_LEVEL PLATFORM_MODE VAR_DIR
		case $base in
		bus[0-9]*) export BUS_LISTEN="ipc://$RUN_DIR/$name" ;;
		gateway)
			export GATEWAY_ADDR GATEWAY_PORT=$port GATEWAY_WEB_DIR="$ROOT/services/gateway/web"
			export BUS_KEY=${SECRET[BUS_KEY_GATEWAY]}
			if ((GATEWAY_DIRECT)); then
				export GATEWAY_RPC_LISTEN
				GATEWAY_RPC_LISTEN=$(gateway_rpc_base "$name")
			fi
			;;
		*)
			export BUS_KEY=${SECRET[BUS_KEY_${base^^}]} BUS_PEER_KEYS=$peer_keys
			export GATEWAY_RPC_URLS
			GATEWAY_RPC_URLS=$(gateway_rpc_urls)
			# The CA keys' sealing key goes to certs alone.
			[[ $base == certs ]] && export CERTS_CA_KEY=${SECRET[CERTS_CA_KEY]}
			# In development payments pays through the simulator (paysim_start).
			if [[ $base == payments && $PLATFORM_MODE == development && -x $BIN_DIR/paysim ]]; then
				paysim_payments_env
			fi
			# A service's own settings default to paths under the repository, its cwd.
			if [[ ${SERVICE_DB[$base]} == yes ]]; then
				export DB_URL
				DB_URL="host=$(conninfo_value "$RUN_DIR") port=$PG_PORT dbname=$PG_DB user=$base"
				DB_URL+=" password=$(conninfo_value "${SECRET[${base^^}_DB_PASSWORD]}")"
			fi
			;;
		esac
		# Not a process-group leader (no job control here), so setsid execs in place
		# and $! is the daemon's pid.
		exec setsid "$bin" </dev/null >>"$LOG_DIR/$name.log" 2>&1
	) &
	pid=$!
	printf '%s\n' "$pid" >"$RUN_DIR/$name.pid"
	say "$name started (pid $pid, log $LOG_DIR/$name.log)"
}

stop_daemon() {
	local name=$1 pid
	if pid=$(daemon_pid "$name"); then
		terminate "$pid" "$name" || die "$name (pid $pid) did not stop"
		say "$name stopped (pid $pid)"
	fi
	rm -f "$RUN_DIR/$name.pid"
}

# The end of the log of each daemon this `up` runs.
print_log_tails() {
	local name
	for name in $(daemon_names); do
		[[ -x $BIN_DIR/$(program_of "$name") && -f $LOG_DIR/$name.log ]] || continue
		printf '\n--- last 20 lines of %s\n' "$LOG_DIR/$name.log" >&2
		tail -n 20 "$LOG_DIR/$name.log" >&2
	done
}

# The address at which this machine reaches the gateway (a wildcard is loopback).
probe_host() {
	local host=${GATEWAY_ADDR#[}
	host=${host%]}
	case $host in
	0.0.0.0 | '') host=127.0.0.1 ;;
	::) host=::1 ;;
	esac
	printf '%s\n' "$host"
}

# Waits until the gateway's /readyz (on port $1, default GATEWAY_PORT) answers 200;
# fails at once when a daemon dies.
wait_ready() {
	local host url code name deadline
	host=$(probe_host)
	[[ $host != *:* ]] || host="[$host]"
	url="http://$host:${1:-$GATEWAY_PORT}/readyz"
	deadline=$((SECONDS + READY_TIMEOUT))
	while ((SECONDS < deadline)); do
		code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null) || true
		[[ $code == 200 ]] && return 0
		for name in "${STARTED[@]}"; do
			if ! daemon_pid "$name" >/dev/null; then
				print_log_tails
				die "$name exited while waiting for $url"
			fi
		done
		sleep 0.2
	done
	print_log_tails
	die "$url did not answer 200 within ${READY_TIMEOUT}s (last: ${code:-none})"
}

# ---- checks ---------------------------------------------------------------------

need_tools() {
	local -a missing=()
	[[ -x $PG_BIN/initdb ]] || missing+=(postgresql-15)
	command -v redis-server >/dev/null || missing+=(redis-server)
	command -v redis-cli >/dev/null || missing+=(redis-tools)
	command -v curl >/dev/null || missing+=(curl)
	command -v openssl >/dev/null || missing+=(openssl)
	command -v setsid >/dev/null || missing+=(util-linux)
	((${#missing[@]} == 0)) || die "missing: ${missing[*]} (run: bash deploy/local/deps.sh run)"
	if ((EUID == 0)) && ! unshare --user --map-user=65534 --map-group=65534 -- true 2>/dev/null; then
		die "as root, PostgreSQL runs in a user namespace, and 'unshare --user' is refused here" \
			"(inside a chroot? see FACTS.md); run as a normal user instead"
	fi
}

# Unix socket paths are limited to 107 bytes.
check_socket_paths() {
	local longest="" s pg="$RUN_DIR/.s.PGSQL.$PG_PORT.lock"
	for s in "${SERVICES[@]}"; do
		((${#s} <= ${#longest})) || longest=$s
	done
	longest="$RUN_DIR/bus$((BUS_COUNT - 1))/rpc.$longest.front"
	((${#longest} <= 107 && ${#pg} <= 107)) ||
		die "VAR_DIR=$VAR_DIR is too long for unix socket paths (at most ~70 characters)"
}

# ---- commands -------------------------------------------------------------------

STARTED=()

cmd_up() {
	need_tools
	mkdir -p "$VAR_DIR" "$RUN_DIR" "$LOG_DIR" "$REDIS_DIR"
	check_socket_paths
	ensure_secrets
	save_settings

	pg_init
	pg_start
	pg_setup
	redis_start
	paysim_start

	local name program
	for name in $(daemon_names); do
		program=$(program_of "$name")
		if [[ ! -x $BIN_DIR/$program ]]; then
			say "$name: $BIN_DIR/$program is not built, skipped"
			continue
		fi
		if daemon_pid "$name" >/dev/null; then
			say "$name already running (pid $(daemon_pid "$name"))"
			continue
		fi
		# Else /readyz could be answered by whatever holds the port.
		if [[ $program == gateway ]] &&
			(exec 3<>"/dev/tcp/$(probe_host)/$(gateway_port_of "$name")") 2>/dev/null; then
			die "port $(gateway_port_of "$name") of $name is taken by another process (not this stack's gateway)"
		fi
		start_daemon "$name"
		STARTED+=("$name")
	done

	if [[ ! -x $BIN_DIR/gateway ]]; then
		say "no gateway ($BIN_DIR/gateway is not built): not waiting for /readyz"
		return 0
	fi
	wait_ready
	local r
	for ((r = 2; r <= REPLICAS; r++)); do
		[[ -x $BIN_DIR/gateway ]] && wait_ready "$(gateway_port_of "gateway.$r")"
	done
	say "ready"

	if [[ -f $ROOT/deploy/local/demo-data.sh ]]; then
		(
			export VAR_DIR BIN_DIR GATEWAY_ADDR GATEWAY_PORT PG_PORT REDIS_PORT STACK_QUIET
			export GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"
			cd "$ROOT"
			bash deploy/local/demo-data.sh
		) || die "deploy/local/demo-data.sh failed"
	fi

	if [[ $STACK_QUIET != 1 ]]; then
		echo "http://127.0.0.1:$GATEWAY_PORT/"
		[[ $PLATFORM_MODE != development || ! -x $BIN_DIR/paysim ]] ||
			echo "payment providers' simulator (WeChat Pay, Alipay): http://127.0.0.1:$PAYSIM_PORT/"
		if [[ -x $BIN_DIR/accounts && -f $VAR_DIR/demo-accounts.txt ]]; then
			cat "$VAR_DIR/demo-accounts.txt"
		fi
	fi
}

cmd_down() {
	[[ -d $VAR_DIR ]] || return 0
	local -a order=() buses=() others=()
	local i f name
	# The gateways, the services' replicas (last listed first), any other daemon pid
	# file (a service no longer listed), then the buses, last first.
	for f in "$RUN_DIR"/gateway*.pid; do
		[[ -e $f ]] && order+=("$(basename "$f" .pid)")
	done
	for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
		order+=("${SERVICES[i]}")
		for f in "$RUN_DIR/${SERVICES[i]}".[2-9].pid; do
			[[ -e $f ]] && order+=("$(basename "$f" .pid)")
		done
	done
	for f in "$RUN_DIR"/*.pid; do
		[[ -e $f ]] || continue
		name=$(basename "$f" .pid)
		if [[ $name =~ ^bus[0-9]+$ ]]; then
			buses+=("$name")
		elif [[ $name != redis && ${name%.[2-9]} != gateway ]] && ! is_service "${name%.[2-9]}"; then
			others+=("$name")
		fi
	done
	order+=("${others[@]}")
	if ((${#buses[@]})); then
		mapfile -t buses < <(printf '%s\n' "${buses[@]}" | sort -t s -k 2 -rn)
		order+=("${buses[@]}")
	fi
	for name in "${order[@]}"; do
		stop_daemon "$name"
	done
	redis_stop
	pg_stop
}

cmd_status() {
	local name pid program note
	if pg_running; then
		echo "postgres   running  pid $(pg_pid)  127.0.0.1:$PG_PORT"
	else
		echo "postgres   stopped"
	fi
	if pid=$(redis_pid); then
		echo "redis      running  pid $pid  127.0.0.1:$REDIS_PORT"
	else
		echo "redis      stopped"
	fi
	for name in $(daemon_names); do
		program=$(program_of "$name")
		note=
		[[ -x $BIN_DIR/$program ]] || note="  (not built)"
		[[ $program != gateway ]] || note+="  http://127.0.0.1:$(gateway_port_of "$name")/"
		if pid=$(daemon_pid "$name"); then
			printf '%-10s running  pid %s%s\n' "$name" "$pid" "$note"
		else
			printf '%-10s stopped%s\n' "$name" "$note"
		fi
	done
}

cmd_start() {
	local name=$1
	need_secrets
	mkdir -p "$RUN_DIR" "$LOG_DIR"
	case $name in
	postgres)
		need_tools
		pg_start
		;;
	redis) redis_start ;;
	*) start_daemon "$name" ;;
	esac
}

cmd_stop() {
	case $1 in
	postgres) pg_stop ;;
	redis) redis_stop ;;
	*) stop_daemon "$1" ;;
	esac
}

main() {
	(($# >= 1)) || usage
	local cmd=$1
	shift
	load_services
	case $cmd in
	up | down | status) (($# == 0)) || usage ;;
	start | stop | restart)
		(($# == 1)) || usage
		[[ $1 == postgres || $1 == redis ]] || valid_daemon "$1" || die "unknown component '$1'"
		;;
	*) usage ;;
	esac
	settings "$cmd"
	case $cmd in
	up) cmd_up ;;
	down) cmd_down ;;
	status) cmd_status ;;
	start) cmd_start "$1" ;;
	stop) cmd_stop "$1" ;;
	restart)
		cmd_stop "$1"
		cmd_start "$1"
		;;
	esac
}

main "$@"
