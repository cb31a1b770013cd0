# The gateway with a connection cap of 4 (GATEWAY_MAX_CONNECTIONS), restarted by the
# cases too; teardown.sh restarts it with the stack's setting. client.pl holds raw
# connections: curl cannot hold one without a request nor reset one.
# (`|| return 1`: see 20-sms-limits.)
export GATEWAY_MAX_CONNECTIONS=4
bash deploy/local/stack.sh restart gateway || return 1
wait_ready 60
