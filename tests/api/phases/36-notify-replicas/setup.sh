# Two notify replicas share the delivery queue (issue 20): the stack's notify, restarted with
# a short lease so that a replica's claims outlive it briefly, and a second notify process
# started directly with the same environment (tests/api/fixtures/notify.sh replica). Bursts
# of events are written into accounts' outbox (fixtures/notify.sh burst), as a password
# change commits them, so 1,000 events need no 1,000 requests.
bash deploy/local/stack.sh stop notify || return 1
DELIVERY_LEASE_S=5 bash deploy/local/stack.sh start notify || return 1
wait_ready 60 || return 1
bash tests/api/fixtures/notify.sh replica start
