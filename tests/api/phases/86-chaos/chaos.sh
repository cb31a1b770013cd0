#!/usr/bin/env bash
# Chaos under load on the replicated stack of rstack.sh (phase 86-chaos, `make chaos`).
#   chaos.sh run SECONDS   the load for SECONDS while the faults go on, then the checks
# The load, through both gateways alternately, from 3 clients (bash + curl: every request
# is one curl whose status, attempt count and answer go to a line of $CH_DIR/*.log, which
# is all the checks need; no binary to build, and curl's own cost is small beside the
# sanitizer-built daemons'):
#   reg     an SMS code, then POST /api/v1/accounts (phones 16501wnnnnn)
#   demand  POST /api/v1/enterprise/financing-demands, then its withdrawal (a transition)
#   bill    POST /api/v1/enterprise/bill-orders (an inquiry, multipart), then its closure
#   (each registration's event becomes a welcome message in notify: the messages)
# A request that gets no answer, a 5xx or 409 IDEMPOTENCY_IN_PROGRESS is sent again,
# with the same Idempotency-Key, up to 40 times 0.25 s apart; a 409 to a repeated withdrawal means it took effect,
# and so does 409 IDEMPOTENT_REQUEST_APPLIED (the worker died after committing, before answering).
# The faults, every CHAOS_EVERY (default 3) seconds in turn: kill -9 of a random replica
# of a random service (started again 1 s later, as its Deployment would), kill -9 of a
# bus (the same), pg_terminate_backend of a random service's connections.
# The checks: every acknowledged (2xx) request's effect is in the database once (lost =
# 0); no person, demand or bill order twice, no demand or order number twice, no welcome message twice
# (duplicated = 0); every event of every source's outbox applied by every subscriber;
# every service's audit chain verifies. Reads RS_VAR RS_GW RS_PG RS_REDIS BIN_DIR, and
# CH_TOKEN (an enterprise admin's session ready to apply) and CH_PRODUCT, CH_BRANCH, and
# CH_BILL_TOKEN (an enterprise admin's session that may inquire of 资金方甲).
set -uo pipefail
: "${RS_VAR:?}" "${RS_GW:?}" "${RS_PG:?}" "${BIN_DIR:?}" "${CH_TOKEN:?}" "${CH_PRODUCT:?}" \
	"${CH_BILL_TOKEN:?}"
cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." || exit 2
CH_DIR=$RS_VAR/chaos
EVERY=${CHAOS_EVERY:-3}
RSTACK="bash tests/api/phases/85-replicas/rstack.sh"
mkdir -p "$CH_DIR"

secret() { sed -n "s/^$1=//p" "$RS_VAR/secrets.env" | tail -n 1; }
su_sql() {
	PGPASSWORD=$(secret PG_SUPERUSER_PASSWORD) psql -X -q -At -v ON_ERROR_STOP=1 \
		-h "$RS_VAR/run" -p "$RS_PG" -U "$(secret PG_SUPERUSER)" -d sme "$@"
}
services() { bash deploy/services.sh table | awk '{print $1}'; }
db_services() { bash deploy/services.sh table | awk '$3 == "yes" {print $1}'; }
uuid() { cat /proc/sys/kernel/random/uuid; }

# send OUT METHOD PATH BODY [CURL ARG…]: one request (BODY - : none, multipart fields
# in the arguments), repeated on no answer or a 5xx.
# Prints "STATUS ATTEMPTS" and leaves the last answer's body in OUT.
send() {
	local out=$1 method=$2 path=$3 body=$4 code attempt gw
	shift 4
	for ((attempt = 1; attempt <= 40; attempt++)); do
		gw=$((RS_GW + (RANDOM % 2)))
		if [[ $body == - ]]; then
			code=$(curl -s -o "$out" -m 10 -w '%{http_code}' -X "$method" \
				-H "X-Forwarded-For: $CLIENT_IP" "$@" "http://127.0.0.1:$gw$path" 2>/dev/null) ||
				code=000
		else
			code=$(curl -s -o "$out" -m 10 -w '%{http_code}' -X "$method" \
				-H 'Content-Type: application/json' -H "X-Forwarded-For: $CLIENT_IP" "$@" \
				--data-binary "$body" "http://127.0.0.1:$gw$path" 2>/dev/null) || code=000
		fi
		# IDEMPOTENCY_IN_PROGRESS says "try again shortly" (common/idem.h).
		[[ $code == 000 || $code == 5* ]] ||
			{ [[ $code == 409 ]] && grep -q '"IDEMPOTENCY_IN_PROGRESS"' "$out"; } || break
		sleep 0.25
	done
	# IDEMPOTENT_REQUEST_APPLIED: it took effect, its answer died with the worker (no id).
	[[ $code == 409 ]] && grep -q '"IDEMPOTENT_REQUEST_APPLIED"' "$out" && code=applied
	echo "$code $attempt"
}

# A register code's text from the dev SMS sink (repeated: notify may be restarting).
sms_code() {
	local phone=$1 out=$2 i
	for ((i = 0; i < 40; i++)); do
		if [[ $(curl -s -o "$out" -m 10 -w '%{http_code}' \
			"http://127.0.0.1:$RS_GW/api/v1/dev/sms?phone=$phone" 2>/dev/null) == 200 ]]; then
			jq -r '[.items[] | select(.purpose == "register")][0].code // empty' "$out" && return 0
		fi
		sleep 0.25
	done
	return 1
}

# reg_client W DEADLINE: registrations until DEADLINE (epoch seconds).
reg_client() {
	local w=$1 deadline=$2 n=0 phone key res code tries tmp smscode
	tmp=$CH_DIR/reg$w.tmp
	CLIENT_IP=198.18.$w.1
	while (($(date +%s) < deadline)); do
		n=$((n + 1))
		printf -v phone '1650%d%d%05d' "$RUN" "$w" "$n"
		CLIENT_IP=198.18.$w.$((n % 250 + 1))
		res=$(send "$tmp" POST /api/v1/sms-codes "{\"phone\":\"$phone\",\"purpose\":\"register\"}")
		[[ ${res%% *} == 201 ]] || {
			echo "sms $phone - ${res// / } -" >>"$CH_DIR/reg$w.log"
			continue
		}
		smscode=$(sms_code "$phone" "$tmp") || smscode=000000
		key=$(uuid)
		res=$(send "$tmp" POST /api/v1/accounts \
			"{\"phone\":\"$phone\",\"sms_code\":\"$smscode\",\"password\":\"Chaos-2026-x\",\"password_confirm\":\"Chaos-2026-x\",\"agreements\":[{\"id\":\"register\",\"version\":\"2023-01\"}]}" \
			-H "Idempotency-Key: $key")
		read -r code tries <<<"$res"
		echo "reg $phone $key $code $tries $(jq -r '.id // .person.id // "-"' "$tmp" 2>/dev/null)" >>"$CH_DIR/reg$w.log"
	done
}

# demand_client W DEADLINE: a demand and its withdrawal, until DEADLINE.
demand_client() {
	local w=$1 deadline=$2 key res code tries id tmp
	tmp=$CH_DIR/dem$w.tmp
	CLIENT_IP=198.18.9.$w
	while (($(date +%s) < deadline)); do
		key=$(uuid)
		res=$(send "$tmp" POST /api/v1/enterprise/financing-demands \
			"{\"product_id\":\"$CH_PRODUCT\",\"amount_fen\":50000000,\"term\":12,\"term_unit\":\"月\",\"expected_rate_bp\":400,\"branch_id\":\"$CH_BRANCH\",\"purpose\":\"混沌测试 $RUN\",\"agreements\":[\"financing-2024\"]}" \
			-H "Authorization: Bearer $CH_TOKEN" -H "Idempotency-Key: $key")
		read -r code tries <<<"$res"
		id=$(jq -r '.id // "-"' "$tmp" 2>/dev/null)
		echo "demand - $key $code $tries $id" >>"$CH_DIR/dem$w.log"
		[[ $code == 2* && $id != - ]] || continue
		res=$(send "$tmp" POST "/api/v1/enterprise/financing-demands/$id/withdrawal" '{}' \
			-H "Authorization: Bearer $CH_TOKEN")
		read -r code tries <<<"$res"
		# A repeated withdrawal that finds it done is 409: it took effect (checked below).
		[[ $code == 409 && $tries -gt 1 ]] && code=200
		echo "withdraw $id - $code $tries $id" >>"$CH_DIR/dem$w.log"
	done
}

# bill_client W DEADLINE: an inquiry (a bill order) and its closure, until DEADLINE.
# inquiry OUT KEY: one bill order (an inquiry to 资金方甲, multipart) sent with KEY;
# prints "STATUS ATTEMPTS" (send).
inquiry() {
	local png=$CH_DIR/front.png today
	# The 1×1 PNG of billfin-walk.json.
	printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS' >"$png"
	today=$(TZ=Asia/Shanghai date +%s)
	send "$1" POST /api/v1/enterprise/bill-orders - \
		-H "Authorization: Bearer $CH_BILL_TOKEN" -H "Idempotency-Key: $2" \
		-F "front=@$png;type=image/png;filename=front.png" \
		-F bill_package_no=210210009999620240105000000010 \
		-F "acceptor_name=测试承兑一号实业有限公司" -F acceptor_type=enterprise \
		-F face_fen=20000000 \
		-F "issue_date=$(TZ=Asia/Shanghai date -d "@$((today - 10 * 86400))" +%F)" \
		-F "due_date=$(TZ=Asia/Shanghai date -d "@$((today + 90 * 86400))" +%F)" \
		-F "drawer=测试出票有限公司" -F "payee=商票测试甲实业有限公司" \
		-F sub_range=1-20000000 -F funder_id=00000000-0000-4000-8000-0000000bf001
}

# bill_client W DEADLINE: an inquiry (a bill order) and its closure, until DEADLINE.
bill_client() {
	local w=$1 deadline=$2 key res code tries id tmp
	tmp=$CH_DIR/bill$w.tmp
	CLIENT_IP=198.18.8.$w
	while (($(date +%s) < deadline)); do
		key=$(uuid)
		res=$(inquiry "$tmp" "$key")
		read -r code tries <<<"$res"
		id=$(jq -r '.id // "-"' "$tmp" 2>/dev/null)
		echo "bill - $key $code $tries $id" >>"$CH_DIR/bill$w.log"
		[[ $code == 2* && $id != - ]] || continue
		res=$(send "$tmp" POST "/api/v1/enterprise/bill-orders/$id/closure" '{"reason":"混沌测试"}' \
			-H "Authorization: Bearer $CH_BILL_TOKEN")
		read -r code tries <<<"$res"
		[[ $code == 409 && $tries -gt 1 ]] && code=200
		echo "close $id - $code $tries $id" >>"$CH_DIR/bill$w.log"
	done
}

# faults DEADLINE: one fault every EVERY seconds, in turn.
faults() {
	local deadline=$1 turn=0 svcs name pid
	mapfile -t svcs < <(services)
	mapfile -t dbsvcs < <(db_services)
	while (($(date +%s) + EVERY < deadline)); do
		sleep "$EVERY"
		case $((turn % 3)) in
		0)
			name=${svcs[RANDOM % ${#svcs[@]}]}
			((RANDOM % 2)) && name+=.2
			;;
		1) name=bus$((RANDOM % 2)) ;;
		2)
			name=${dbsvcs[RANDOM % ${#dbsvcs[@]}]}
			n=$(su_sql -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = '$name'")
			echo "fault: terminated $n backends of $name" >>"$CH_DIR/faults.log"
			turn=$((turn + 1))
			continue
			;;
		esac
		pid=$(cat "$RS_VAR/run/$name.pid" 2>/dev/null)
		kill -KILL "$pid" 2>/dev/null
		echo "fault: kill -9 $name (pid $pid)" >>"$CH_DIR/faults.log"
		sleep 1
		VAR_DIR=$RS_VAR GATEWAY_PORT=$RS_GW PG_PORT=$RS_PG REDIS_PORT=$RS_REDIS BUS_COUNT=2 \
			REPLICAS=2 STACK_QUIET=1 bash deploy/local/stack.sh start "$name" >>"$CH_DIR/faults.log" 2>&1
		turn=$((turn + 1))
	done
}

# waits up to 60 s for SQL to print t.
wait_sql() {
	local i
	for ((i = 0; i < 120; i++)); do
		[[ $(su_sql -c "$1") == t ]] && return 0
		sleep 0.5
	done
	return 1
}

# How many bill orders the load created: those whose transaction began after LOAD_T0.
load_orders() { su_sql -c "SELECT count(*) FROM billfin.orders WHERE created_at >= '$LOAD_T0'"; }

# dupadd WHAT N: N duplicates of kind WHAT (the result line names every kind that had any).
dupadd() {
	[[ $2 =~ ^[0-9]+$ ]] || {
		echo "# the duplicate check $1 could not be counted: '$2'"
		bad=1
		return
	}
	dup=$((dup + $2))
	(($2 == 0)) || dupwhat+=" $1=$2"
}

# What a duplicate was: the rows nobody was told of, and the idempotency keys of the
# two services whose change took effect without its response being stored.
dup_details() {
	echo "# orders and demands of the run no acknowledged request names:"
	su_sql -c "SELECT 'order ' || id || ' ' || no || ' ' || created_at FROM billfin.orders WHERE created_at >= '$LOAD_T0' AND id::text <> ALL(ARRAY[${bids:-''}]::text[])" | sed 's/^/#   /'
	su_sql -c "SELECT 'demand ' || id || ' ' || no || ' ' || created_at FROM market.demands WHERE purpose = '混沌测试 $RUN' AND id::text <> ALL(ARRAY[${dids:-''}]::text[])" | sed 's/^/#   /'
	for s in accounts market billfin; do
		su_sql -c "SELECT '$s key ' || key || ' status ' || coalesce(status::text, '-') || ' committed ' || committed || ' ' || created_at FROM $s.idempotency WHERE created_at >= '$LOAD_T0' AND (status IS NULL OR status NOT IN (0, 1))" | sed 's/^/#   /'
	done
}

check() {
	local bad=0 dupwhat="" n sent acked failed retried lost=0 dup=0 ids dids wids s src q out
	cat "$CH_DIR"/reg*.log "$CH_DIR"/dem*.log "$CH_DIR"/bill*.log >"$CH_DIR/all.log" 2>/dev/null
	sent=$(wc -l <"$CH_DIR/all.log")
	acked=$(awk '$4 ~ /^2/ || $4 == "applied"' "$CH_DIR/all.log" | wc -l)
	failed=$(awk '$4 !~ /^2/ && $4 != "applied"' "$CH_DIR/all.log" | wc -l)
	retried=$(awk '$5 > 1' "$CH_DIR/all.log" | wc -l)
	ids=$(awk '$1 == "reg" && $4 ~ /^2/ {printf "%s\x27%s\x27", sep, $6; sep=","}' "$CH_DIR/all.log")
	dids=$(awk '$1 == "demand" && $4 ~ /^2/ {printf "%s\x27%s\x27", sep, $6; sep=","}' "$CH_DIR/all.log")
	wids=$(awk '$1 == "withdraw" && $4 ~ /^2/ {printf "%s\x27%s\x27", sep, $6; sep=","}' "$CH_DIR/all.log")
	# lost: an acknowledged effect the database does not hold.
	if [[ -n $ids ]]; then
		lost=$((lost + $(su_sql -c "SELECT count(DISTINCT x) FROM unnest(ARRAY[$ids]::uuid[]) x WHERE NOT EXISTS (SELECT FROM accounts.persons p WHERE p.id = x)")))
		# duplicated: the same person acknowledged to two different keys.
		dupadd reg-id-twice "$(awk '$1 == "reg" && $4 ~ /^2/ {print $6}' "$CH_DIR/all.log" | sort | uniq -d | wc -l)"
	fi
	if [[ -n $dids ]]; then
		lost=$((lost + $(su_sql -c "SELECT count(DISTINCT x) FROM unnest(ARRAY[$dids]::uuid[]) x WHERE NOT EXISTS (SELECT FROM market.demands d WHERE d.id = x)")))
		dupadd demand-id-twice "$(awk '$1 == "demand" && $4 ~ /^2/ {print $6}' "$CH_DIR/all.log" | sort | uniq -d | wc -l)"
	fi
	if [[ -n $wids ]]; then
		lost=$((lost + $(su_sql -c "SELECT count(*) FROM market.demands WHERE id = ANY(ARRAY[$wids]::uuid[]) AND status <> 'withdrawn'")))
	fi
	bids=$(awk '$1 == "bill" && $4 ~ /^2/ {printf "%s\x27%s\x27", sep, $6; sep=","}' "$CH_DIR/all.log")
	cids=$(awk '$1 == "close" && $4 ~ /^2/ {printf "%s\x27%s\x27", sep, $6; sep=","}' "$CH_DIR/all.log")
	if [[ -n $bids ]]; then
		lost=$((lost + $(su_sql -c "SELECT count(DISTINCT x) FROM unnest(ARRAY[$bids]::uuid[]) x WHERE NOT EXISTS (SELECT FROM billfin.orders o WHERE o.id = x)")))
		dupadd order-id-twice "$(awk '$1 == "bill" && $4 ~ /^2/ {print $6}' "$CH_DIR/all.log" | sort | uniq -d | wc -l)"
	fi
	if [[ -n $cids ]]; then
		lost=$((lost + $(su_sql -c "SELECT count(*) FROM billfin.orders WHERE id = ANY(ARRAY[$cids]::uuid[]) AND state <> 'closed'")))
	fi
	dupadd order-no-twice "$(su_sql -c "SELECT count(*) FROM (SELECT no FROM billfin.orders GROUP BY no HAVING count(*) > 1) o")"
	n=$(($(load_orders) - $(awk '$1 == "bill" && ($4 ~ /^2/ || $4 == "applied")' "$CH_DIR/all.log" | wc -l)))
	dupadd orders-unacknowledged $((n > 0 ? n : 0))
	# Effects nobody was told of: persons and demands beyond the acknowledged ones.
	dupadd demands-unacknowledged "$(su_sql -c "SELECT greatest(0, (SELECT count(*) FROM market.demands WHERE purpose = '混沌测试 $RUN') - $(awk '$1 == "demand" && ($4 ~ /^2/ || $4 == "applied")' "$CH_DIR/all.log" | wc -l))")"
	dupadd demand-no-twice "$(su_sql -c "SELECT count(*) FROM (SELECT no FROM market.demands GROUP BY no HAVING count(*) > 1) d")"
	# Every source's events applied by every subscriber (inbox_cursor = outbox_head).
	q=""
	for s in $(db_services); do
		for src in $(su_sql -c "SELECT source FROM $s.inbox_cursor" 2>/dev/null); do
			q+="${q:+ AND }(SELECT last_seq FROM $s.inbox_cursor WHERE source = '$src') = (SELECT seq FROM $src.outbox_head)"
		done
	done
	if [[ -n $q ]] && ! wait_sql "SELECT $q"; then
		echo "# not every event was applied by every subscriber within 60 s:"
		for s in $(db_services); do
			su_sql -c "SELECT '$s <- ' || source || ': applied ' || last_seq FROM $s.inbox_cursor" 2>/dev/null
		done
		bad=1
	fi
	# Every acknowledged registration's welcome message, exactly once.
	if [[ -n $ids ]]; then
		if ! wait_sql "SELECT bool_and(n = 1) FROM (SELECT x, (SELECT count(*) FROM notify.messages m WHERE m.person_id = x::text AND m.event_type = 'accounts.person.registered') n FROM unnest(ARRAY[$ids]::uuid[]) x) c"; then
			echo "# some registration has no welcome message, or two"
			bad=1
		fi
	fi
	dupadd message-twice "$(su_sql -c "SELECT count(*) FROM (SELECT 1 FROM notify.messages GROUP BY event_id, recipient HAVING count(*) > 1) m")"
	for s in $(db_services); do
		out=$(DB_URL="host=$RS_VAR/run port=$RS_PG dbname=sme user=$s password=$(secret "${s^^}_DB_PASSWORD")" \
			"$BIN_DIR/$s" admin audit-verify 2>&1) || {
			echo "# $s: audit-verify failed: $out"
			bad=1
		}
	done
	if [[ $BEFORE_COUNTED != 0 ]]; then
		echo "# the checker counts $BEFORE_COUNTED order(s) made before the load as the load's"
		bad=1
	fi
	# A load that did nothing would prove nothing.
	for s in reg demand withdraw bill close; do
		if ! awk -v k="$s" '$1 == k && $4 ~ /^2/ {n++} END {exit n == 0}' "$CH_DIR/all.log"; then
			echo "# no $s was acknowledged"
			bad=1
		fi
	done
	((dup == 0)) || dup_details
	echo "# faults: $(grep -c '^fault' "$CH_DIR/faults.log" 2>/dev/null)"
	grep '^fault' "$CH_DIR/faults.log" 2>/dev/null | sed 's/^/#   /'
	echo "chaos: sent $sent, acknowledged $acked, failed $failed, retried $retried, lost $lost, duplicated $dup${dupwhat:+ (${dupwhat# })}" |
		tee "$CH_DIR/result"
	((lost == 0 && dup == 0 && failed == 0 && bad == 0))
}

case ${1:-} in
run)
	secs=${2:?seconds}
	# A digit of the phones that differs from run to run on one stack (16501… then 16502…).
	RUN=$(($(cat "$CH_DIR/runs" 2>/dev/null || echo 0) + 1))
	((RUN <= 2)) || {
		echo "chaos.sh: two runs on one stack at most (phones 16501… and 16502…)" >&2
		exit 2
	}
	echo "$RUN" >"$CH_DIR/runs"
	rm -f "$CH_DIR"/*.log
	# An order made just before the load, as the setup's last ones may be (billfin-walk.json
	# ends with a burst of 8): the checker must not count it as the load's. It did when
	# the load's start was `date +%s`, a whole second: on a machine fast enough to end
	# the setup within a second of the load, the burst counted as 8 orders nobody was
	# told of (duplicated = 8 with nothing done twice).
	CLIENT_IP=198.18.8.99
	res=$(inquiry "$CH_DIR/before.tmp" "$(uuid)")
	[[ $res == 2* ]] || {
		echo "chaos.sh: the inquiry before the load answered ${res%% *}" >&2
		exit 2
	}
	# The database's clock at the load's start, to the microsecond.
	LOAD_T0=$(su_sql -c "SELECT clock_timestamp()") || exit 2
	START=$(date +%s)
	BEFORE_COUNTED=$(load_orders)
	deadline=$((START + secs))
	reg_client 1 "$deadline" &
	reg_client 2 "$deadline" &
	demand_client 1 "$deadline" &
	bill_client 1 "$deadline" &
	faults "$deadline" &
	wait
	# Every process up again before counting (a fault in the last second).
	$RSTACK up >/dev/null 2>&1 || true
	check
	;;
*)
	echo "usage: chaos.sh run SECONDS" >&2
	exit 2
	;;
esac
