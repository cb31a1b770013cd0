# Sourced by bench.sh (HOOK: more figures): SMS deliveries per second with two notify
# replicas, beside pgbench's TPC-B of the same run (issue 20). A second notify process is
# started with the stack's notify's environment; 2,000 accounts.password.changed events for
# one person (no e-mail address, so each event gives one SMS and one skipped e-mail) are
# written into accounts' outbox in one transaction, as password changes commit them; the
# figure is 2,000 over the time from that commit until the last SMS is recorded sent
# (event delivery to notify, the queue, accounts' audited address look-up, the sandbox
# provider, the attempt row: the whole path). Uses tests/api/fixtures/notify.sh.
bench_deliveries() {
	local fx="$ROOT/tests/api/fixtures/notify.sh" n=2000 out pid t0 t1 rate
	out=$(bash "$ROOT/deploy/local/demo-data.sh" admin create-person --phone 16902009999 \
		--password 'Bench-Pass1' 2>&1) || die "deliveries figure: creating the person failed: $out"
	pid=$(sed -n 's/.*(person \([0-9a-f-]\{36\}\)).*/\1/p' <<<"$out")
	[[ -n $pid ]] || die "deliveries figure: no person id (see $RAW_DIR/deliveries.txt)"
	bash "$fx" replica start >>"$RAW_DIR/deliveries.txt" 2>&1 ||
		die "deliveries figure: the second notify did not start ($VAR_DIR/log/notify-replica.log)"
	t0=$(date +%s%N)
	bash "$fx" burst "$pid" "$n" >>"$RAW_DIR/deliveries.txt" 2>&1 &&
		bash "$fx" wait-sent "$pid" "$n" 300 >>"$RAW_DIR/deliveries.txt" 2>&1 ||
		die "deliveries figure: not all sent (see $RAW_DIR/deliveries.txt)"
	t1=$(date +%s%N)
	bash "$fx" sink-check 16902009999 "$n" 0 >>"$RAW_DIR/deliveries.txt" 2>&1 ||
		die "deliveries figure: a delivery was sent twice (see $RAW_DIR/deliveries.txt)"
	bash "$fx" replica stop >>"$RAW_DIR/deliveries.txt" 2>&1 || true
	rate=$(awk -v n="$n" -v ns="$((t1 - t0))" 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
	tpcb
	row "SMS deliveries, 2 notify replicas" "$rate" "" ""
	row "ratio deliveries / TPC-B" "$(ratio "$rate" "$TPCB_TPS")" "" ""
}
