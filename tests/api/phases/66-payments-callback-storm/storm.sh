#!/usr/bin/env bash
# The callback storm's steps (setup.sh says what the phase checks). Needs GATEWAY_URL,
# PAYSIM_URL, VAR_DIR, PG_PORT and STORM_DIR (setup.sh).
#   storm.sh prepare   100 intents of a payer, each with a WeChat trade paid without notify
#   storm.sh storm     the storm through the simulator's control API; waits for its end and
#                      checks every good notify was answered 2xx and every bad one refused
#   storm.sh credited  each of the 100 payments credited exactly once (one receipt, paid,
#                      received = amount, no excess)
#   storm.sh ledger    Σ debits = Σ credits; every entry balanced; each account's balance in
#                      finance's API = the sum of its lines; each intent's receipts and
#                      ledger entries agree with its received_fen
#   storm.sh logged    the refused notifies are in payments' log, one warn line each
set -euo pipefail
: "${GATEWAY_URL:?}" "${PAYSIM_URL:?}" "${VAR_DIR:?}" "${STORM_DIR:?}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
# shellcheck source=tests/api/fixtures/superuser.sh
source "$ROOT/tests/api/fixtures/superuser.sh"
readonly N=100 COPIES=10 REPEAT=2 BAD_PERCENT=5

login() {
	curl -sS -f -H 'Content-Type: application/json' \
		-d "{\"method\":\"password\",\"phone\":\"$1\",\"password\":\"Pay-Test-2024\"}" \
		"$GATEWAY_URL/api/v1/sessions" | jq -r .token
}

# one I: an intent of 100+I fen for the payer, its WeChat link, paid without a notify
one() {
	local i=$1 tok=$2 pid=$3 run=$4 amount id pay no url
	amount=$((100 + i))
	id=$(curl -sS -f -H 'Content-Type: application/json' -H "Idempotency-Key: storm-$run-$i" \
		-d "{\"intent\":{\"reference\":\"storm-$run-$i\",\"purpose\":\"回调风暴测试\",\"amount_fen\":$amount,\"payer_account_id\":\"$pid\",\"methods\":[\"wechat\"],\"items\":[{\"name\":\"测试\",\"quantity\":1,\"unit_price_fen\":$amount,\"amount_fen\":$amount,\"tax_rate_bp\":600}]}}" \
		"$GATEWAY_URL/api/v1/dev/payments/intents" | jq -r .id)
	pay=$(curl -sS -f -H 'Content-Type: application/json' -H "Authorization: Bearer $tok" \
		-H "Idempotency-Key: storm-pay-$run-$i" -d '{"method":"wechat"}' \
		"$GATEWAY_URL/api/v1/payments/intents/$id/online")
	no=$(jq -r .out_trade_no <<<"$pay")
	url=$(jq -r .code_url <<<"$pay")
	curl -sS -f -o /dev/null -H 'Content-Type: application/json' -d '{"callbacks":"never"}' "$url/pay"
	printf '%s %s %s\n' "$id" "$no" "$amount"
}

case ${1:-} in
prepare)
	bash "$ROOT/deploy/local/demo-data.sh" admin create-person --phone 17105000100 \
		--password 'Pay-Test-2024' --name 风暴付款人 --reset-password >/dev/null
	bash "$ROOT/deploy/local/demo-data.sh" admin create-operator --phone 17105000109 \
		--password 'Pay-Test-2024' --roles finance --name 风暴财务 --reset-password >/dev/null
	tok=$(login 17105000100)
	pid=$(curl -sS -f -H "Authorization: Bearer $tok" "$GATEWAY_URL/api/v1/me" | jq -r '.id // .person.id')
	run=$(date +%s%N)
	export -f one
	export GATEWAY_URL
	seq 1 $N | xargs -P 8 -I{} bash -c "one {} $tok $pid $run" >"$STORM_DIR/trades"
	[[ $(wc -l <"$STORM_DIR/trades") == "$N" ]]
	grep -c . "$VAR_DIR/log/payments.log" >"$STORM_DIR/log_lines_before"
	;;
storm)
	nos=$(awk '{print $2}' "$STORM_DIR/trades" | jq -R . | jq -sc .)
	t0=$(date +%s)
	resp=$(curl -sS -f -H 'Content-Type: application/json' \
		-d "{\"out_trade_nos\":$nos,\"copies\":$COPIES,\"repeat\":$REPEAT,\"bad_percent\":$BAD_PERCENT}" \
		"$PAYSIM_URL/control/storms")
	id=$(jq -r .id <<<"$resp")
	total=$(jq -r .deliveries <<<"$resp")
	bad=$(jq -r .bad <<<"$resp")
	[[ $total == $((N * COPIES * REPEAT)) && $bad == $((total * BAD_PERCENT / 100)) ]] ||
		{ echo "storm not as asked: $resp" >&2; exit 1; }
	for ((i = 0; i < 600; i++)); do
		st=$(curl -sS -f "$PAYSIM_URL/control/storms/$id")
		[[ $(jq -r .finished <<<"$st") == true ]] && break
		sleep 0.1
	done
	echo "storm: $st in $(($(date +%s) - t0)) s"
	printf '%s\n' "$bad" >"$STORM_DIR/bad"
	jq -e --argjson total "$total" --argjson bad "$bad" \
		'.finished and .failed == 0 and .bad_sent == $bad and .bad_refused == $bad
		 and .accepted == ($total - $bad) and .refused == $bad' <<<"$st" >/dev/null
	;;
credited)
	ids=$(awk '{print $1}' "$STORM_DIR/trades" | sed "s/.*/'&'/" | paste -sd, -)
	bad=$(q -c "SELECT count(*) FROM payments.intents i WHERE i.id IN ($ids) AND NOT (
		i.state = 'paid' AND i.received_fen = i.amount_fen AND i.excess_fen = 0 AND i.method = 'wechat'
		AND (SELECT count(*) FROM payments.receipts r WHERE r.intent_id = i.id) = 1
		AND (SELECT sum(amount_fen) FROM payments.receipts r WHERE r.intent_id = i.id) = i.amount_fen)")
	n=$(q -c "SELECT count(*) FROM payments.intents WHERE id IN ($ids)")
	echo "intents $n, not credited exactly once: $bad"
	[[ $n == "$N" && $bad == 0 ]]
	;;
ledger)
	q -c "SELECT CASE WHEN sum(debit_fen) = sum(credit_fen) THEN 'ok' ELSE 'unbalanced' END FROM payments.ledger_lines" | grep -qx ok
	[[ $(q -c "SELECT count(*) FROM (SELECT entry_id FROM payments.ledger_lines GROUP BY entry_id
		HAVING sum(debit_fen) <> sum(credit_fen)) e") == 0 ]]
	# finance's balances against the lines' sums
	ftok=$(login 17105000109)
	curl -sS -f -H "Authorization: Bearer $ftok" "$GATEWAY_URL/api/v1/operator/ledger/accounts" >"$STORM_DIR/accounts.json"
	q -c "SELECT account, sum(debit_fen), sum(credit_fen) FROM payments.ledger_lines GROUP BY account" | tr '|' ' ' >"$STORM_DIR/sums"
	while read -r acct d c; do
		jq -e --arg a "$acct" --argjson d "$d" --argjson c "$c" \
			'[.items[] | select(.account == $a)] | length == 1 and .[0].debit_fen == $d and .[0].credit_fen == $c and .[0].balance_fen == ($d - $c)' \
			"$STORM_DIR/accounts.json" >/dev/null || { echo "account $acct: API disagrees with its lines ($d/$c)" >&2; exit 1; }
	done <"$STORM_DIR/sums"
	# each receipt of the storm has its one entry, of its amount, and nothing else moved
	ids=$(awk '{print $1}' "$STORM_DIR/trades" | sed "s/.*/'&'/" | paste -sd, -)
	[[ $(q -c "SELECT count(*) FROM payments.receipts r WHERE r.intent_id IN ($ids) AND r.amount_fen <>
		(SELECT sum(l.debit_fen) FROM payments.ledger_entries e JOIN payments.ledger_lines l ON l.entry_id = e.id
		 WHERE e.kind = 'payment.received' AND e.ref = r.id::text)") == 0 ]]
	[[ $(q -c "SELECT count(*) FROM payments.ledger_entries e JOIN payments.receipts r ON e.ref = r.id::text
		WHERE e.kind = 'payment.received' AND r.intent_id IN ($ids)") == "$N" ]]
	echo "ledger balanced"
	;;
logged)
	before=$(cat "$STORM_DIR/log_lines_before")
	bad=$(cat "$STORM_DIR/bad")
	n=$(tail -n +"$((before + 1))" "$VAR_DIR/log/payments.log" | grep -F '"msg":"payment notify refused"' |
		grep -F PAYMENT_NOTIFY_SIGNATURE_INVALID | grep -c '"request_id":"[0-9a-f]')
	echo "refusals logged: $n of $bad"
	[[ $n == "$bad" ]]
	;;
*)
	echo "usage: $0 prepare | storm | credited | ledger | logged" >&2
	exit 2
	;;
esac
