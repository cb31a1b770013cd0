#!/usr/bin/env bash
# The local stack behind `make up` / `make down` and the throw-away stacks of
# `make test` and `make bench`: PostgreSQL and Redis under $VAR_DIR, then the
# bus, every service that is built, and the gateway.
#
#   bash deploy/local/stack.sh up|down|status
#   bash deploy/local/stack.sh start|stop|restart NAME     (bus0, enterprise, gateway, ...)
#
# Environment (defaults in brackets): VAR_DIR [<repo>/var], BIN_DIR
# [<repo>/build/release/bin], GATEWAY_ADDR [127.0.0.1], GATEWAY_PORT [8080],
# PG_PORT [5433], REDIS_PORT [6380], BUS_COUNT [1], LOG_LEVEL [info],
# PLATFORM_MODE [development], STACK_QUIET [0].
#
# PostgreSQL refuses to run as root: as root its programs run in a user
# namespace mapped to nobody (files stay owned by root outside it).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VAR_DIR=${VAR_DIR:-$REPO/var}
mkdir -p "$VAR_DIR"
VAR_DIR=$(cd "$VAR_DIR" && pwd)
BIN_DIR=${BIN_DIR:-$REPO/build/release/bin}
BIN_DIR=$(cd "$BIN_DIR" 2>/dev/null && pwd || echo "$BIN_DIR")
GATEWAY_ADDR=${GATEWAY_ADDR:-127.0.0.1}
GATEWAY_PORT=${GATEWAY_PORT:-8080}
PG_PORT=${PG_PORT:-5433}
REDIS_PORT=${REDIS_PORT:-6380}
BUS_COUNT=${BUS_COUNT:-1}
LOG_LEVEL=${LOG_LEVEL:-info}
PLATFORM_MODE=${PLATFORM_MODE:-development}
STACK_QUIET=${STACK_QUIET:-0}

PG_BIN=/usr/lib/postgresql/15/bin
SERVICES=(accounts enterprise market billfin certs payments notify)
RUN=$VAR_DIR/run
LOG=$VAR_DIR/log
SECRETS=$VAR_DIR/secrets.env

say() { [[ $STACK_QUIET == 1 ]] || echo "$@"; }
die() {
	echo "stack.sh: $*" >&2
	exit 1
}

# Runs a PostgreSQL program; as root inside a user namespace mapped to nobody.
pg_run() {
	if ((EUID == 0)); then
		unshare --user --map-user=65534 --map-group=65534 -- "$@"
	else
		"$@"
	fi
}

# 64 hex characters from the kernel's CSPRNG.
random_hex() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }

secrets_load() {
	if [[ ! -f $SECRETS ]]; then
		(
			umask 077
			{
				echo "PG_SUPERUSER=postgres"
				echo "PG_SUPERUSER_PASSWORD=$(random_hex)"
				echo "REDIS_PASSWORD=$(random_hex)"
				echo "PII_ENC_KEY=$(random_hex)"
				echo "PII_MAC_KEY=$(random_hex)"
				local s
				for s in "${SERVICES[@]}"; do
					echo "DB_PASSWORD_${s^^}=$(random_hex)"
				done
			} >"$SECRETS"
		)
	fi
	# shellcheck disable=SC1090
	source "$SECRETS"
}

pid_alive() { [[ -f $RUN/$1.pid ]] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# ---- PostgreSQL -------------------------------------------------------------

psql_super() {
	PGPASSWORD=$PG_SUPERUSER_PASSWORD PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 \
		"host=$RUN port=$PG_PORT user=$PG_SUPERUSER dbname=${PGDB:-postgres}" "$@"
}

pg_up() {
	if [[ ! -f $VAR_DIR/pg/PG_VERSION ]]; then
		say "initialising PostgreSQL in $VAR_DIR/pg"
		local pwfile=$VAR_DIR/.pgpw
		(umask 077 && printf '%s\n' "$PG_SUPERUSER_PASSWORD" >"$pwfile")
		pg_run "$PG_BIN/initdb" -D "$VAR_DIR/pg" -U "$PG_SUPERUSER" --pwfile="$pwfile" \
			--auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$LOG/initdb.log" 2>&1 ||
			pg_run "$PG_BIN/initdb" -D "$VAR_DIR/pg" -U "$PG_SUPERUSER" --pwfile="$pwfile" \
				--auth=scram-sha-256 --encoding=UTF8 --locale=C >"$LOG/initdb.log" 2>&1 ||
			{
				rm -f "$pwfile"
				cat "$LOG/initdb.log" >&2
				die "initdb failed"
			}
		rm -f "$pwfile"
		cat >>"$VAR_DIR/pg/postgresql.conf" <<-EOF
			listen_addresses = '127.0.0.1'
			unix_socket_directories = '$RUN'
			max_connections = 200
			shared_buffers = 128MB
		EOF
	fi
	if ! pg_run "$PG_BIN/pg_ctl" -D "$VAR_DIR/pg" status >/dev/null 2>&1; then
		pg_run "$PG_BIN/pg_ctl" -D "$VAR_DIR/pg" -w -t 60 -l "$LOG/postgres.log" \
			-o "-p $PG_PORT" start >/dev/null || {
			tail -n 20 "$LOG/postgres.log" >&2
			die "PostgreSQL did not start"
		}
	fi
	pg_roles
}

# One database, and per service a login role owning one schema and nothing else.
pg_roles() {
	if [[ -z $(psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = 'sme'") ]]; then
		psql_super -c "CREATE DATABASE sme"
	fi
	local s pw
	for s in "${SERVICES[@]}"; do
		pw=DB_PASSWORD_${s^^}
		PGDB=sme psql_super -v role="$s" -v pw="${!pw}" <<-'EOF'
			SELECT format('CREATE ROLE %I LOGIN', :'role')
			 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
			ALTER ROLE :"role" PASSWORD :'pw';
			ALTER ROLE :"role" SET search_path = :"role";
			CREATE SCHEMA IF NOT EXISTS :"role" AUTHORIZATION :"role";
			GRANT CONNECT ON DATABASE sme TO :"role";
		EOF
	done
	PGDB=sme psql_super <<-'EOF'
		REVOKE ALL ON SCHEMA public FROM PUBLIC;
		REVOKE CONNECT, TEMPORARY ON DATABASE sme FROM PUBLIC;
	EOF
}

pg_down() {
	if [[ -f $VAR_DIR/pg/PG_VERSION ]] &&
		pg_run "$PG_BIN/pg_ctl" -D "$VAR_DIR/pg" status >/dev/null 2>&1; then
		pg_run "$PG_BIN/pg_ctl" -D "$VAR_DIR/pg" -m fast -w stop >/dev/null
	fi
}

# ---- Redis ------------------------------------------------------------------

redis_up() {
	pid_alive redis && return 0
	mkdir -p "$VAR_DIR/redis"
	local conf=$VAR_DIR/redis/redis.conf
	(
		umask 077
		cat >"$conf" <<-EOF
			bind 127.0.0.1
			port $REDIS_PORT
			unixsocket ""
			daemonize yes
			pidfile $RUN/redis.pid
			logfile $LOG/redis.log
			dir $VAR_DIR/redis
			appendonly yes
			requirepass $REDIS_PASSWORD
			save ""
		EOF
	)
	redis-server "$conf" || die "Redis did not start"
	local i
	for ((i = 0; i < 100; i++)); do
		REDISCLI_AUTH=$REDIS_PASSWORD redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "Redis did not answer"
}

redis_down() {
	if pid_alive redis; then
		kill "$(cat "$RUN/redis.pid")"
		wait_gone redis
	fi
	rm -f "$RUN/redis.pid"
}

# ---- daemons ----------------------------------------------------------------

bus_urls() {
	local i urls=()
	for ((i = 0; i < BUS_COUNT; i++)); do
		urls+=("ipc://$RUN/bus$i")
	done
	local IFS=,
	echo "${urls[*]}"
}

# Starts one daemon in the background with its environment; no-op when running.
daemon_start() {
	local name=$1 bin env=()
	pid_alive "$name" && return 0
	case $name in
	bus*)
		bin=$BIN_DIR/bus
		env+=("BUS_LISTEN=ipc://$RUN/$name")
		;;
	gateway)
		bin=$BIN_DIR/gateway
		env+=("GATEWAY_ADDR=$GATEWAY_ADDR" "GATEWAY_PORT=$GATEWAY_PORT"
			"GATEWAY_WEB_DIR=$REPO/services/gateway/web")
		;;
	*)
		bin=$BIN_DIR/$name
		local pw=DB_PASSWORD_${name^^}
		env+=("DB_URL=host=$RUN port=$PG_PORT dbname=sme user=$name password=${!pw}"
			"MIGRATIONS_DIR=$REPO/services/$name/migrations")
		[[ $name == enterprise ]] && env+=("REGIONS_DIR=$REPO/services/enterprise/data/regions")
		;;
	esac
	[[ -x $bin ]] || die "no binary $bin (run make first)"
	env+=("BUS_URLS=$(bus_urls)" "LOG_LEVEL=$LOG_LEVEL" "PLATFORM_MODE=$PLATFORM_MODE"
		"VAR_DIR=$VAR_DIR" "REDIS_URL=redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/0"
		"PII_ENC_KEY=$PII_ENC_KEY" "PII_MAC_KEY=$PII_MAC_KEY")
	(
		cd "$REPO"
		env "${env[@]}" setsid "$bin" >>"$LOG/$name.log" 2>&1 </dev/null &
		echo $! >"$RUN/$name.pid"
	)
}

# Waits (bounded) until the process of a pid file has gone.
wait_gone() {
	local name=$1 pid i
	[[ -f $RUN/$name.pid ]] || return 0
	pid=$(cat "$RUN/$name.pid")
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

daemon_stop() {
	local name=$1
	if pid_alive "$name"; then
		kill -TERM "$(cat "$RUN/$name.pid")" 2>/dev/null || true
		wait_gone "$name"
	fi
	rm -f "$RUN/$name.pid"
}

# Daemons in start order: buses, the services that are built, the gateway.
daemons() {
	local i s
	for ((i = 0; i < BUS_COUNT; i++)); do
		echo "bus$i"
	done
	for s in "${SERVICES[@]}"; do
		[[ -x $BIN_DIR/$s ]] && echo "$s"
	done
	echo gateway
}

# Every daemon that has a pid file, gateway first, buses last.
running_daemons() {
	local f names=()
	for f in "$RUN"/*.pid; do
		[[ -e $f ]] || continue
		f=${f##*/}
		f=${f%.pid}
		[[ $f == redis ]] || names+=("$f")
	done
	printf '%s\n' "${names[@]}" | awk '{ o = /^gateway$/ ? 0 : (/^bus/ ? 2 : 1); print o, $0 }' |
		sort | cut -d' ' -f2
}

wait_ready() {
	local url="http://$GATEWAY_ADDR:$GATEWAY_PORT/readyz" i
	for ((i = 0; i < 300; i++)); do
		[[ $(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null) == 200 ]] && return 0
		if ! pid_alive gateway; then
			break
		fi
		sleep 0.2
	done
	echo "stack.sh: the platform did not become ready; last log lines:" >&2
	local f
	for f in "$LOG"/*.log; do
		echo "== $f" >&2
		tail -n 20 "$f" >&2
	done
	return 1
}

# ---- commands ---------------------------------------------------------------

cmd_up() {
	mkdir -p "$RUN" "$LOG"
	secrets_load
	pg_up
	redis_up
	local d
	for d in $(daemons); do
		daemon_start "$d"
	done
	wait_ready
	if [[ -x $REPO/deploy/local/demo-data.sh ]]; then
		VAR_DIR=$VAR_DIR BIN_DIR=$BIN_DIR GATEWAY_URL="http://$GATEWAY_ADDR:$GATEWAY_PORT" \
			bash "$REPO/deploy/local/demo-data.sh"
	fi
	say "ready: http://127.0.0.1:$GATEWAY_PORT/"
	say "  try: curl 'http://127.0.0.1:$GATEWAY_PORT/api/v1/regions?parent=43'"
	say "  logs: $LOG/<daemon>.log   stop: make down"
	if [[ $STACK_QUIET != 1 && -f $VAR_DIR/demo-accounts.txt ]]; then
		cat "$VAR_DIR/demo-accounts.txt"
	fi
}

cmd_down() {
	local d
	for d in $(running_daemons); do
		daemon_stop "$d"
	done
	redis_down
	pg_down
	say "stopped"
}

cmd_status() {
	local d
	for d in $(daemons) redis; do
		if pid_alive "$d"; then
			echo "$d: running (pid $(cat "$RUN/$d.pid"))"
		else
			echo "$d: stopped"
		fi
	done
	if pg_run "$PG_BIN/pg_ctl" -D "$VAR_DIR/pg" status >/dev/null 2>&1; then
		echo "postgres: running"
	else
		echo "postgres: stopped"
	fi
}

main() {
	local cmd=${1:-}
	case $cmd in
	up) cmd_up ;;
	down) cmd_down ;;
	status) cmd_status ;;
	start)
		[[ -n ${2:-} ]] || die "start NAME"
		secrets_load
		daemon_start "$2"
		;;
	stop)
		[[ -n ${2:-} ]] || die "stop NAME"
		daemon_stop "$2"
		;;
	restart)
		[[ -n ${2:-} ]] || die "restart NAME"
		secrets_load
		daemon_stop "$2"
		daemon_start "$2"
		;;
	*) die "usage: stack.sh up|down|status|start NAME|stop NAME|restart NAME" ;;
	esac
}

main "$@"
