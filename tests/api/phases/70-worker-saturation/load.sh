#!/usr/bin/env bash
# load.sh TOKEN CERTIFICATION_ID ENTERPRISE_TOKEN: the loads of this phase at the same
# instant, each an api-test file of racing requests (load/*.json: one per service);
# fails when any does.
set -u
: "${SATURATION_API_TEST:?set by setup.sh}" "${GATEWAY_URL:?}"
dir=tests/api/phases/70-worker-saturation/load
pids=()
for f in "$dir"/*.json; do
	"$SATURATION_API_TEST" --base "$GATEWAY_URL" --var "tok=$1" --var "cert=$2" --var "tok_e=$3" "$f" &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do
	wait "$p" || rc=1
done
exit "$rc"
