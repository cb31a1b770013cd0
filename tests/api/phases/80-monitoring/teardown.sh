# Prometheus and mtail stop; the enterprise service is back for the phases after this one.
bash deploy/monitoring/monitor.sh down
bash deploy/local/stack.sh start enterprise 2>/dev/null || true
wait_ready 60
