# Phase 85-replicas (issue 22): the platform as it is deployed, several processes of
# everything. A second stack (rstack.sh) runs 2 buses, 2 replicas of every service of
# services/services.list and 2 gateways; representative case files of tests/api/cases
# run through each gateway, one half with bus0 stopped (every process then reaches
# the others through bus1 alone), and both replicas of every service must have done
# work. (`|| return 1` on each command: see 20-sms-limits/setup.sh.)
RS_VAR=$VAR_DIR/rs && RS_PG=$(pick_port "$GATEWAY_PORT" "$PG_PORT" "$REDIS_PORT") || return 1
RS_REDIS=$(pick_port "$GATEWAY_PORT" "$PG_PORT" "$REDIS_PORT" "$RS_PG") || return 1
# Two consecutive free ports for the two gateways.
for _ in 1 2 3 4 5 6 7 8 9 10; do
	RS_GW=$(pick_port_pair "$GATEWAY_PORT" "$PG_PORT" "$REDIS_PORT" "$RS_PG" "$RS_REDIS") || return 1
	port_in_use $((RS_GW + 1)) || break
done
export RS_VAR RS_GW RS_PG RS_REDIS
RS="bash tests/api/phases/85-replicas/rstack.sh" && export RS || return 1
log "# replicated stack: VAR_DIR=$RS_VAR gateways :$RS_GW :$((RS_GW + 1))"
$RS up || return 1
