# Sourced by bench.sh (HOOK: more figures): WeChat Pay notifies verified and credited per
# second (issue 18), beside pgbench's TPC-B in the same run. BENCH_CALLBACKS_N (300) intents
# are each given a WeChat trade paid at the simulator without a notify (payments restarted
# with PAY_QUERY_AFTER_S=3600, so no query credits them first); then the simulator's storm
# sends one notify per trade, signed and encrypted before the clock starts, from its 8
# delivery threads. Each goes the whole path: gateway → payments: the platform signature
# verified, the resource decrypted (AES-256-GCM), the attempt and amount matched, the credit
# (receipt, one balanced ledger entry, the intent paid, payments.payment.succeeded in the
# outbox) in one transaction, the 204. A second storm of the same notifies measures the
# duplicates (verified, found credited, nothing written).
bench_callbacks() {
	local base="http://127.0.0.1:$GATEWAY_PORT" sim="http://127.0.0.1:$PAYSIM_PORT"
	local n=${BENCH_CALLBACKS_N:-300} setup=$RAW_DIR/callbacks-setup.txt tok pid run nos id st t0 t1 rate first pass i
	PAY_QUERY_AFTER_S=3600 bash "$ROOT/deploy/local/stack.sh" restart payments >>"$RAW_DIR/stack.log" 2>&1 ||
		die "callbacks figure: payments did not restart"
	for ((i = 0; i < 100; i++)); do
		[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/readyz") == 200 ]] && break
		sleep 0.2
	done
	bash "$ROOT/deploy/local/demo-data.sh" admin create-person --phone 17105000200 \
		--password 'Pay-Bench-2024' --name 压测付款人 --reset-password >>"$setup" 2>&1 ||
		die "callbacks figure: no payer (see $setup)"
	tok=$(curl -s -H 'Content-Type: application/json' \
		-d '{"method":"password","phone":"17105000200","password":"Pay-Bench-2024"}' \
		"$base/api/v1/sessions" | jq -r .token)
	pid=$(curl -s -H "Authorization: Bearer $tok" "$base/api/v1/me" | jq -r '.id // .person.id')
	run=$(date +%s%N)
	: >"$SCRATCH/callback-trades"
	for ((i = 1; i <= n; i++)); do
		printf '%s\n' "$i"
	done | xargs -P 8 -I{} bash -c '
		base=$0 tok=$1 pid=$2 run=$3 i=$4 amount=$((100 + $4))
		id=$(curl -s -H "Content-Type: application/json" -H "Idempotency-Key: bench-$run-$i" \
			-d "{\"intent\":{\"reference\":\"bench-$run-$i\",\"purpose\":\"压测\",\"amount_fen\":$amount,\"payer_account_id\":\"$pid\",\"methods\":[\"wechat\"],\"items\":[{\"name\":\"压测\",\"quantity\":1,\"unit_price_fen\":$amount,\"amount_fen\":$amount,\"tax_rate_bp\":600}]}}" \
			"$base/api/v1/dev/payments/intents" | jq -r .id)
		pay=$(curl -s -H "Content-Type: application/json" -H "Authorization: Bearer $tok" \
			-H "Idempotency-Key: bench-pay-$run-$i" -d "{\"method\":\"wechat\"}" \
			"$base/api/v1/payments/intents/$id/online")
		curl -s -o /dev/null -H "Content-Type: application/json" -d "{\"callbacks\":\"never\"}" \
			"$(jq -r .code_url <<<"$pay")/pay"
		jq -r .out_trade_no <<<"$pay"' "$base" "$tok" "$pid" "$run" {} >>"$SCRATCH/callback-trades" 2>>"$setup"
	[[ $(grep -c '^PO' "$SCRATCH/callback-trades") == "$n" ]] ||
		die "callbacks figure: $(grep -c '^PO' "$SCRATCH/callback-trades") of $n trades prepared (see $setup)"
	nos=$(jq -R . <"$SCRATCH/callback-trades" | jq -sc .)
	for pass in first duplicate; do
		id=$(curl -s -H 'Content-Type: application/json' \
			-d "{\"out_trade_nos\":$nos,\"copies\":1,\"repeat\":1,\"bad_percent\":0}" \
			"$sim/control/storms" | jq -r .id)
		t0=$(date +%s%N)
		for ((i = 0; i < 3000; i++)); do
			st=$(curl -s "$sim/control/storms/$id")
			[[ $(jq -r .finished <<<"$st") == true ]] && break
			sleep 0.02
		done
		t1=$(date +%s%N)
		echo "$pass: $st" >>"$RAW_DIR/callbacks.txt"
		[[ $(jq -r .accepted <<<"$st") == "$n" ]] ||
			die "callbacks figure: $pass storm not all accepted: $st"
		rate=$(awk -v n="$n" -v ns="$((t1 - t0))" 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
		if [[ $pass == first ]]; then
			first=$rate
			row "payment notifies verified + credited/s (WeChat, 8 senders)" "$rate" "" ""
		else
			row "duplicate notifies verified, nothing written/s" "$rate" "" ""
		fi
	done
	tpcb
	row "ratio notifies credited / TPC-B" "$(ratio "$first" "$TPCB_TPS")" "" ""
	bash "$ROOT/deploy/local/stack.sh" restart payments >>"$RAW_DIR/stack.log" 2>&1 || true
}
