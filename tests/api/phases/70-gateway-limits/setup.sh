# The gateway's own limits at their production budgets. run-all.sh starts the gateway
# with a login budget no phase reaches (phases speak as 127.0.0.1); this phase restarts
# it with the default (GATEWAY_LOGIN_ATTEMPTS unset: 30 per address in 10 minutes) and
# teardown.sh puts the stack's value back. Cases name their client by X-Forwarded-For
# (the runner's 127.0.0.1 is a trusted proxy). (`|| return 1`: see 20-sms-limits.)
STACK_LOGIN_ATTEMPTS=${GATEWAY_LOGIN_ATTEMPTS:-}
export STACK_LOGIN_ATTEMPTS
unset GATEWAY_LOGIN_ATTEMPTS
bash deploy/local/stack.sh restart gateway || return 1
wait_ready 60
