# Prometheus and mtail stop; the gateway runs without the access-log copy; the enterprise
# service is back for the phases after this one.
bash deploy/monitoring/monitor.sh down
unset GATEWAY_ACCESS_LOG_FILE
bash deploy/local/stack.sh restart gateway 2>/dev/null || true
bash deploy/local/stack.sh start enterprise 2>/dev/null || true
wait_ready 60
