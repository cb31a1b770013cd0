# Phase 86-chaos (issue 22): a mixed load through both gateways of a replicated stack
# (85-replicas/rstack.sh) while processes are killed and database connections cut;
# nothing acknowledged may be lost and nothing may happen twice (chaos.sh says how it
# is counted). CHAOS_SECONDS: 20 in `make test` (a few faults), 60 in `make chaos`.
# (`|| return 1` on each command: see 20-sms-limits/setup.sh.)
command -v jq >/dev/null 2>&1 && command -v psql >/dev/null 2>&1 || {
	log "# jq and psql are needed"
	false
} || return 1
RS_VAR=$VAR_DIR/rc && RS_PG=$(pick_port "$GATEWAY_PORT" "$PG_PORT" "$REDIS_PORT") || return 1
RS_REDIS=$(pick_port "$GATEWAY_PORT" "$PG_PORT" "$REDIS_PORT" "$RS_PG") || return 1
for _ in 1 2 3 4 5 6 7 8 9 10; do
	RS_GW=$(pick_port_pair "$GATEWAY_PORT" "$PG_PORT" "$REDIS_PORT" "$RS_PG" "$RS_REDIS") || return 1
	port_in_use $((RS_GW + 1)) || break
done
export RS_VAR RS_GW RS_PG RS_REDIS
RS="bash tests/api/phases/85-replicas/rstack.sh" && export RS || return 1
CHAOS="bash tests/api/phases/86-chaos/chaos.sh" && export CHAOS || return 1
export CHAOS_SECONDS=${CHAOS_SECONDS:-20}
log "# replicated stack: VAR_DIR=$RS_VAR gateways :$RS_GW :$((RS_GW + 1))"
$RS up || return 1
# market-demands.json leaves a certified enterprise whose admin may apply, and the
# catalogue's product and branch (tests/api/fixtures/market.sh's fixed ids).
# billfin-walk.json an enterprise that may inquire, and 资金方甲 to inquire of.
$RS cases 1 tests/api/cases/market-demands.json tests/api/cases/billfin-walk.json \
	>"$RS_VAR/setup-cases.log" 2>&1 || {
	tail -n 30 "$RS_VAR/setup-cases.log"
	false
} || return 1
$RS cases 1 tests/api/phases/86-chaos/login.cases >>"$RS_VAR/setup-cases.log" 2>&1 || {
	tail -n 30 "$RS_VAR/setup-cases.log"
	false
} || return 1
CH_TOKEN=$(cat "$RS_VAR/chaos-token") && export CH_TOKEN || return 1
CH_BILL_TOKEN=$(cat "$RS_VAR/chaos-bill-token") && export CH_BILL_TOKEN || return 1
export CH_PRODUCT=00000000-0000-4000-8000-00000000c001 CH_BRANCH=00000000-0000-4000-8000-00000000b001
