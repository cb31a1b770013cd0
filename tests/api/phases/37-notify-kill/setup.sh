# Exactly once across kill -9 (issue 20): two notify replicas (the stack's, restarted with a
# short lease, and a second process, tests/api/fixtures/notify.sh replica) share the
# delivery queue; one is killed with SIGKILL mid-burst and started again, and the
# development SMS and e-mail sinks must hold every delivery once and only once
# (count.sh). Both sandbox SMS providers answer normally whatever a case left.
rm -f "$VAR_DIR"/sms/fault-primary "$VAR_DIR"/sms/fault-secondary
bash deploy/local/stack.sh stop notify || return 1
DELIVERY_LEASE_S=5 bash deploy/local/stack.sh start notify || return 1
wait_ready 60 || return 1
bash tests/api/fixtures/notify.sh replica start
