#!/usr/bin/env bash
# Prometheus and mtail on loopback beside a local stack (`make monitor`, `make down`).
#   bash deploy/monitoring/monitor.sh up | down | check
# up:    writes MONITOR_DIR/prometheus.yml and rules.yml (the shipped files with the stack's
#        gateway port and the ports below), starts mtail on the gateway's access log and
#        Prometheus, waits until both answer, prints the Prometheus URL.
# down:  stops both (nothing when they are not running).
# check: promtool check config/rules (local and k8s) and mtail's compile-only check.
# Settings (environment): VAR_DIR (var/), GATEWAY_PORT (the last `stack.sh up`'s, else
# 8080), PROM_PORT (9090), MTAIL_PORT (3903), MONITOR_DIR (VAR_DIR/monitoring),
# MONITOR_INTERVAL (scrape and evaluation interval, 15s), MONITOR_FOR (replaces every
# alert's `for:`; empty keeps the shipped durations; tests use 2s), MONITOR_LOG (the access
# log mtail reads, VAR_DIR/log/gateway.log; the gateway's GATEWAY_ACCESS_LOG_FILE copy too).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

die() {
	printf 'monitor: %s\n' "$*" >&2
	exit 1
}

settings() {
	VAR_DIR=$(realpath -m -- "${VAR_DIR:-$ROOT/var}")
	if [[ -z ${GATEWAY_PORT:-} && -f $VAR_DIR/run/stack.env ]]; then
		GATEWAY_PORT=$(sed -n 's/^GATEWAY_PORT=//p' "$VAR_DIR/run/stack.env" | tail -n 1)
	fi
	GATEWAY_PORT=${GATEWAY_PORT:-8080}
	PROM_PORT=${PROM_PORT:-9090}
	MTAIL_PORT=${MTAIL_PORT:-3903}
	MONITOR_DIR=${MONITOR_DIR:-$VAR_DIR/monitoring}
	MONITOR_INTERVAL=${MONITOR_INTERVAL:-15s}
	MONITOR_FOR=${MONITOR_FOR:-}
	local p
	for p in GATEWAY_PORT PROM_PORT MTAIL_PORT; do
		[[ ${!p} =~ ^[0-9]+$ ]] && ((${!p} >= 1 && ${!p} <= 65535)) || die "$p=${!p} is not a TCP port"
	done
	[[ $MONITOR_INTERVAL =~ ^[0-9]+(ms|s|m)$ ]] || die "MONITOR_INTERVAL=$MONITOR_INTERVAL: expected e.g. 15s"
	[[ -z $MONITOR_FOR || $MONITOR_FOR =~ ^[0-9]+(ms|s|m)$ ]] || die "MONITOR_FOR=$MONITOR_FOR: expected e.g. 2s"
}

cmd_check() {
	promtool check config "$HERE/prometheus.yml" >/dev/null
	promtool check rules "$HERE/rules.yml" >/dev/null
	# Debian's Prometheus is built without Kubernetes discovery: k8s/prometheus.yml is
	# checked only by a promtool that knows kubernetes_sd_configs.
	local out
	if ! out=$(promtool check config "$HERE/k8s/prometheus.yml" 2>&1); then
		[[ $out == *"kubernetes_sd_configs not found"* ]] || die "k8s/prometheus.yml: $out"
		echo "monitoring: k8s/prometheus.yml not checked (this promtool has no Kubernetes discovery)"
	fi
	mtail --compile_only --progs "$HERE/gateway.mtail" --logtostderr >/dev/null 2>&1 ||
		die "mtail: gateway.mtail does not compile"
	echo "monitoring: promtool config, rules, mtail compile: ok"
}

write_config() {
	mkdir -p "$MONITOR_DIR/data"
	sed -e "s/^\(  *\)scrape_interval: .*/\1scrape_interval: $MONITOR_INTERVAL/" \
		-e "s/^\(  *\)evaluation_interval: .*/\1evaluation_interval: $MONITOR_INTERVAL/" \
		-e "s/127\.0\.0\.1:8080/127.0.0.1:$GATEWAY_PORT/" \
		-e "s/127\.0\.0\.1:3903/127.0.0.1:$MTAIL_PORT/" \
		"$HERE/prometheus.yml" >"$MONITOR_DIR/prometheus.yml"
	if [[ -n $MONITOR_FOR ]]; then
		sed "s/^\(  *\)for: .*/\1for: $MONITOR_FOR/" "$HERE/rules.yml" >"$MONITOR_DIR/rules.yml"
	else
		cp "$HERE/rules.yml" "$MONITOR_DIR/rules.yml"
	fi
	promtool check config "$MONITOR_DIR/prometheus.yml" >/dev/null
}

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_url URL SECONDS: until URL answers 200.
wait_url() {
	local deadline=$((SECONDS + $2))
	while ((SECONDS < deadline)); do
		curl -sf -o /dev/null -m 2 "$1" && return 0
		sleep 0.2
	done
	return 1
}

cmd_up() {
	alive "$MONITOR_DIR/prometheus.pid" && die "already running (bash $0 down first)"
	local log=${MONITOR_LOG:-$VAR_DIR/log/gateway.log}
	[[ -f $log ]] || die "$log is missing: start the stack first (make up)"
	write_config
	setsid mtail --progs "$HERE/gateway.mtail" --logs "$log" --address 127.0.0.1 \
		--port "$MTAIL_PORT" --poll_interval 250ms --logtostderr \
		>"$MONITOR_DIR/mtail.log" 2>&1 </dev/null &
	echo $! >"$MONITOR_DIR/mtail.pid"
	setsid prometheus --config.file "$MONITOR_DIR/prometheus.yml" \
		--storage.tsdb.path "$MONITOR_DIR/data" --storage.tsdb.retention.time 2d \
		--web.listen-address "127.0.0.1:$PROM_PORT" \
		>"$MONITOR_DIR/prometheus.log" 2>&1 </dev/null &
	echo $! >"$MONITOR_DIR/prometheus.pid"
	wait_url "http://127.0.0.1:$MTAIL_PORT/metrics" 30 ||
		die "mtail did not answer (log: $MONITOR_DIR/mtail.log)"
	wait_url "http://127.0.0.1:$PROM_PORT/-/ready" 60 ||
		die "Prometheus did not become ready (log: $MONITOR_DIR/prometheus.log)"
	echo "monitor: Prometheus http://127.0.0.1:$PROM_PORT/  mtail http://127.0.0.1:$MTAIL_PORT/metrics"
}

stop_pid() {
	local file=$1 pid i
	[[ -f $file ]] || return 0
	pid=$(cat "$file")
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
	fi
	rm -f "$file"
}

cmd_down() {
	stop_pid "$MONITOR_DIR/prometheus.pid"
	stop_pid "$MONITOR_DIR/mtail.pid"
}

(($# == 1)) || die "usage: bash deploy/monitoring/monitor.sh up|down|check"
case $1 in
check) cmd_check ;;
up)
	settings
	cmd_up
	;;
down)
	settings
	cmd_down
	;;
*) die "usage: bash deploy/monitoring/monitor.sh up|down|check" ;;
esac
