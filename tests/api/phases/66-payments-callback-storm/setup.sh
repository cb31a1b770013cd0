# Phase 66-payments-callback-storm (issue 18): 100 WeChat payments paid at the simulator
# without a notify, then 1,000 notifies (10 per payment, each signed afresh) delivered twice
# each, shuffled, 5 % with a bad signature → each payment credited exactly once, the bad ones
# refused and logged, the ledger balanced, every intent's state consistent with the ledger.
# payments runs with PAY_QUERY_AFTER_S=3600 here, so no query settles a payment before its
# notifies do (teardown.sh puts the stack's 2 s back).
STORM="bash $(pwd)/tests/api/phases/66-payments-callback-storm/storm.sh" && export STORM
STORM_DIR=$(mktemp -d "$VAR_DIR/storm.XXXXXX") && export STORM_DIR
command -v jq >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 || return 1
PAY_QUERY_AFTER_S=3600 bash deploy/local/stack.sh restart payments >/dev/null || return 1
wait_ready 60
