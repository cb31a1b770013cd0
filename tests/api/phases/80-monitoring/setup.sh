# Monitoring against the throw-away stack: a real Prometheus scraping the gateway and mtail
# reading its access log (deploy/monitoring/monitor.sh, files under VAR_DIR/monitoring),
# scrape and evaluation every second and every alert's `for:` shortened to 2 s in that copy
# of the rules. The enterprise service stops: ServiceDown must fire; requests to one of its
# routes (503) until HighErrorRate fires; mtail's count of that client's requests must equal
# the number sent. Every wait is a condition with a deadline. (`|| return 1`: see 20-sms-limits.)
# The gateway runs with GATEWAY_ACCESS_LOG_FILE, and mtail reads that copy of the access log
# (as the k8s sidecar does): its count proves the lines reach the file; a moved file is
# reopened (rotation). teardown.sh restarts the gateway without it.
MON_CHECKS=0
MON_IP=198.51.100.80
PROM_PORT=$(pick_port "$GATEWAY_PORT" "$PG_PORT" "$REDIS_PORT") || return 1
MTAIL_PORT=$(pick_port "$GATEWAY_PORT" "$PG_PORT" "$REDIS_PORT" "$PROM_PORT") || return 1
export PROM_PORT MTAIL_PORT MONITOR_DIR=$VAR_DIR/monitoring MONITOR_INTERVAL=1s MONITOR_FOR=2s
PROM=http://127.0.0.1:$PROM_PORT

# prom_query EXPR: the first result's value, or nothing.
prom_query() {
	curl -s -m 5 -G "$PROM/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // empty' 2>/dev/null
}

# alert_firing NAME [LABEL VALUE]: true when Prometheus reports that alert firing.
alert_firing() {
	curl -s -m 5 "$PROM/api/v1/alerts" | jq -e --arg n "$1" --arg k "${2:-}" --arg v "${3:-}" \
		'[.data.alerts[] | select(.labels.alertname == $n and .state == "firing"
		   and ($k == "" or .labels[$k] == $v))] | length > 0' >/dev/null 2>&1
}

# wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds.
wait_for() {
	local secs=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + secs))
	while ((SECONDS < deadline)); do
		"$@" && { log "# $what"; MON_CHECKS=$((MON_CHECKS + 1)); return 0; }
		sleep 0.25
	done
	log "# not within ${secs}s: $what"
	return 1
}

targets_up() { [[ $(prom_query 'sum(up)') == 2 ]]; }

# mtail's request count for MON_IP, every status class summed.
mtail_count() {
	curl -s -m 5 "http://127.0.0.1:$MTAIL_PORT/metrics" |
		awk -v ip="ip=\"$MON_IP\"" '/^gateway_log_requests_by_ip_total\{/ && index($0, ip) {s += $NF} END {print s + 0}'
}

MON_SENT=0
# Five requests to a public enterprise route as MON_IP; true once HighErrorRate fires.
burst_until_alert() {
	local i
	for ((i = 0; i < 5; i++)); do
		curl -s -o /dev/null -m 10 -H "X-Forwarded-For: $MON_IP" "$GATEWAY_URL/api/v1/regions"
		MON_SENT=$((MON_SENT + 1))
	done
	alert_firing HighErrorRate
}

mtail_counted_all() { [[ $(mtail_count) == "$MON_SENT" ]]; }

export GATEWAY_ACCESS_LOG_FILE=$VAR_DIR/log/access-copy.log MONITOR_LOG=$VAR_DIR/log/access-copy.log
bash deploy/local/stack.sh restart gateway || return 1
wait_ready 60 || return 1
bash deploy/monitoring/monitor.sh up || return 1
wait_for 60 "Prometheus scrapes the gateway and mtail" targets_up || return 1
wait_for 30 "gateway_service_up{service=enterprise} is 1" \
	eval '[[ $(prom_query "gateway_service_up{service=\"enterprise\"}") == 1 ]]' || return 1
# every_service_has NAME: one sample of NAME per service the gateway pings.
every_service_has() {
	local want
	want=$(prom_query 'count(gateway_service_up)')
	[[ -n $want && $(prom_query "count($1)") == "$want" ]]
}
for m in service_outbox_pending service_outbox_oldest_age_seconds service_workers_busy \
	service_workers service_db_errors_total service_redis_errors_total gateway_bus_ping_seconds; do
	wait_for 30 "every service has $m" every_service_has "$m" || return 1
done
for src in accounts enterprise market; do
	wait_for 30 "service_subscriber_lag of notify for $src" \
		eval '[[ -n $(prom_query "service_subscriber_lag{service=\"notify\",source=\"$src\"}") ]]' ||
		return 1
done
bash deploy/local/stack.sh stop enterprise || return 1
wait_for 60 "ServiceDown fires for enterprise" alert_firing ServiceDown service enterprise || return 1
wait_for 90 "HighErrorRate fires" burst_until_alert || return 1
wait_for 30 "mtail counted the $MON_SENT requests sent as $MON_IP" mtail_counted_all || {
	log "# mtail counted $(mtail_count)"
	return 1
}
mv "$GATEWAY_ACCESS_LOG_FILE" "$GATEWAY_ACCESS_LOG_FILE.1" || return 1
# access_logged FILE: FILE has an access line of MON_IP.
access_logged() { grep -q "\"ip\":\"$MON_IP\"" "$1" 2>/dev/null; }
reopened_after_move() {
	curl -s -o /dev/null -m 5 -H "X-Forwarded-For: $MON_IP" "$GATEWAY_URL/api/v1/regions"
	access_logged "$GATEWAY_ACCESS_LOG_FILE"
}
wait_for 10 "a moved GATEWAY_ACCESS_LOG_FILE is reopened" reopened_after_move || return 1
if alert_firing BusDown; then
	log "# BusDown fires with one service down"
	return 1
fi
MON_CHECKS=$((MON_CHECKS + 1))
log "monitoring: $MON_CHECKS passed, 0 failed"
