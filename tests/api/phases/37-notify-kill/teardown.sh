# The second replica goes, the sandboxes answer normally, the stack's notify runs again
# with its usual settings.
rm -f "$VAR_DIR"/sms/fault-primary "$VAR_DIR"/sms/fault-secondary
bash tests/api/fixtures/notify.sh replica stop
bash deploy/local/stack.sh stop notify || return 1
bash deploy/local/stack.sh start notify || return 1
wait_ready 60
