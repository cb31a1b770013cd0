#!/usr/bin/env bash
# What the development sinks got for a person's deliveries of accounts.password.changed,
# against notify's queue:
#   bash count.sh PERSON_ID PHONE EMAIL N
# prints, per channel, "sent S, unique U, lost L, duplicated D": S deliveries the queue
# marks sent, U of them found in the sink, L of them not found, D sink lines beyond the
# first for one delivery. Exit 0 only when each channel has S = U = N and L = D = 0.
#   bash count.sh wait PERSON_ID N SECONDS   until N SMS and N e-mails of the person are sent
#   bash count.sh sink PHONE                 lines of the phone in the SMS sink
#   bash count.sh already PERSON_ID          tries answered already_sent (a delivery taken
#                                            over from the killed replica that a provider had)
set -euo pipefail
# shellcheck source=tests/api/fixtures/superuser.sh
source tests/api/fixtures/superuser.sh
case $1 in
wait)
	for _ in $(seq 1 $(($4 * 5))); do
		n=$(q -v p="$2" <<'SQL'
SELECT least(count(*) FILTER (WHERE channel = 'sms'), count(*) FILTER (WHERE channel = 'email'))
  FROM notify.deliveries WHERE person_id = :'p'::uuid AND state = 'sent';
SQL
		)
		[[ $n -ge $3 ]] && exit 0
		sleep 0.2
	done
	echo "only $n of $3 sent on both channels" >&2
	exit 1
	;;
sink)
	grep -cF "\"phone\":\"$2\"" "$VAR_DIR/sms/outbox.jsonl" || true
	exit 0
	;;
already)
	q -v p="$2" <<'SQL'
SELECT count(*) FROM notify.delivery_attempts a JOIN notify.deliveries d ON d.id = a.delivery_id
 WHERE d.person_id = :'p'::uuid AND a.outcome = 'already_sent';
SQL
	exit 0
	;;
esac
pid=$1 phone=$2 email=$3 n=$4 ok=0
check() { # channel, sink file, the sink's address field, the address
	local ids sink sent unique lost dup
	ids=$(q -v p="$pid" -v c="$1" <<'SQL' | sort
SELECT id FROM notify.deliveries WHERE person_id = :'p'::uuid AND channel = :'c'
   AND event_type = 'accounts.password.changed';
SQL
	)
	sent=$(q -v p="$pid" -v c="$1" <<'SQL'
SELECT count(*) FROM notify.deliveries WHERE person_id = :'p'::uuid AND channel = :'c'
   AND event_type = 'accounts.password.changed' AND state = 'sent';
SQL
	)
	sink=$(grep -F "\"$3\":\"$4\"" "$2" | grep -o '"delivery_id":"[^"]*"' | cut -d'"' -f4 | sort || true)
	unique=$(comm -12 <(printf '%s\n' "$ids") <(uniq <<<"$sink") | grep -c . || true)
	lost=$(comm -23 <(printf '%s\n' "$ids") <(uniq <<<"$sink") | grep -c . || true)
	dup=$(($(grep -c . <<<"$sink" || true) - $(uniq <<<"$sink" | grep -c . || true)))
	echo "$1: sent $sent, unique $unique, lost $lost, duplicated $dup (of $n)"
	[[ $sent == "$n" && $unique == "$n" && $lost == 0 && $dup == 0 ]] || ok=1
}
check sms "$VAR_DIR/sms/outbox.jsonl" phone "$phone"
check email "$VAR_DIR/mail/outbox.jsonl" to "$email"
exit $ok
