#!/usr/bin/env bash
# The checks of phase 50-kyc-storage, run as the database superuser (KYC_PG_URL from
# setup.sh). The plaintexts searched for are every number of the sandbox's test citizens
# (services/accounts/kyc_sandbox.c) and of the verification cases: ID numbers, bank
# cards and phones. A row matches when its text form (row::text, every column) holds a
# plaintext as text, as the hex of its bytes (a bytea column shows as \x…) or as its
# base64; the upper-cased ID number is searched case-insensitively.
# The e-mail checks search every address the API cases send as "email" the same way.
# legacy-setup and legacy-check: the addresses stored in clear before migration 007 are
# sealed by accounts at its next start (a plain column put back, accounts restarted).
#   bash check.sh control | present | plaintext | sealed | email | legacy-setup | legacy-check
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." || exit 2
: "${KYC_PG_URL:?set by setup.sh}"

fail() {
	printf '%s\n' "$*" >&2
	exit 1
}

mapfile -t PLAINS < <(grep -ohE '"[0-9]{11,19}[Xx]?"' services/accounts/kyc_sandbox.c \
	tests/api/cases/verification.json | tr -d '"' | tr x X | sort -u)
((${#PLAINS[@]} >= 30)) || fail "only ${#PLAINS[@]} plaintexts found in the sources"
LIST=$(IFS=,; printf '{%s}' "${PLAINS[*]}")

# psql with the plaintexts as :'plains'; SQL on stdin; tuples only, unaligned.
q() { psql "$KYC_PG_URL" -X -q -At -v ON_ERROR_STOP=1 -v plains="$LIST" "$@"; }

# The needles of every plaintext (text, hex of its bytes, base64), as a CTE.
NEEDLES="needles AS (
  SELECT p.v, n.s FROM unnest(:'plains'::text[]) AS p(v),
  LATERAL (VALUES (p.v), (encode(convert_to(p.v, 'UTF8'), 'hex')),
                  (encode(convert_to(p.v, 'UTF8'), 'base64'))) AS n(s))"

case ${1:-} in
control)
	# A row holding the first plaintext in a text column and as raw bytes must be found
	# twice, or the search itself is broken and the other checks would pass vacuously.
	read -r -d '' sql <<SQL
WITH $NEEDLES,
control AS (SELECT 'x' || (:'plains'::text[])[1] || 'y' AS a, convert_to((:'plains'::text[])[1], 'UTF8') AS b
            UNION ALL SELECT 'none', '\x00'::bytea)
SELECT count(*) FROM control r JOIN needles nd ON upper(r::text) LIKE '%' || upper(nd.s) || '%';
SQL
	out=$(q <<<"$sql") || fail "psql failed"
	[[ $out == 2 ]] || fail "the control rows gave $out hits, expected 2"
	echo "control: 2 hits as expected (${#PLAINS[@]} plaintexts searched)"
	;;
present)
	read -r -d '' sql <<'SQL'
SELECT (SELECT count(*) FROM accounts.persons WHERE verified_at IS NOT NULL AND id_number_enc IS NOT NULL)
       || ' ' || (SELECT count(*) FROM accounts.verifications WHERE bank_card_enc IS NOT NULL)
       || ' ' || (SELECT count(*) FROM accounts.verifications);
SQL
	out=$(q <<<"$sql") || fail "psql failed"
	read -r persons cards all <<<"$out"
	echo "verified persons $persons, verifications with a card $cards, verifications $all"
	((persons > 0 && cards > 0)) ||
		fail "nothing to check: tests/api/cases/verification.json stores the rows this phase reads"
	;;
plaintext)
	# Every table of the schema, so the audit log and the outbox count too.
	read -r -d '' sql <<'SQL'
CREATE TEMP TABLE needles AS
  SELECT p.v, n.s FROM unnest(:'plains'::text[]) AS p(v),
  LATERAL (VALUES (p.v), (encode(convert_to(p.v, 'UTF8'), 'hex')),
                  (encode(convert_to(p.v, 'UTF8'), 'base64'))) AS n(s);
SELECT format($q$SELECT DISTINCT %L || ' holds ' || left(nd.v, 3) || '…' || right(nd.v, 2)
                  || ' in clear' FROM %I.%I r
                  JOIN needles nd ON upper(r::text) LIKE '%%' || upper(nd.s) || '%%'$q$,
              table_schema || '.' || table_name, table_schema, table_name)
  FROM information_schema.tables
 WHERE table_schema = 'accounts' AND table_type = 'BASE TABLE' ORDER BY table_name
\gexec
SQL
	out=$(q <<<"$sql") || fail "psql failed"
	tables=$(q <<<"SELECT string_agg(table_name, ', ' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'accounts' AND table_type = 'BASE TABLE'") ||
		fail "psql failed"
	[[ $tables == *persons* && $tables == *verifications* ]] ||
		fail "accounts.persons or accounts.verifications is missing (tables: $tables)"
	if [[ -n $out ]]; then
		printf '%s\n' "$out"
		fail "personal numbers stored in clear"
	fi
	echo "no plaintext in any table of schema accounts ($tables)"
	;;
sealed)
	# crypto_seal: version byte 1, 12-byte nonce, ciphertext as long as the plaintext,
	# 16-byte tag. ID numbers are 18 characters, phones 11, cards 15-19.
	read -r -d '' sql <<'SQL'
SELECT t || ' ' || id || ' ' || col || ' length ' || len || ' version ' || ver FROM (
  SELECT 'persons' AS t, id::text AS id, 'id_number_enc' AS col, length(id_number_enc) AS len,
         get_byte(id_number_enc, 0) AS ver, 18 AS lo, 18 AS hi
    FROM accounts.persons WHERE id_number_enc IS NOT NULL
  UNION ALL SELECT 'persons', id::text, 'phone_enc', length(phone_enc), get_byte(phone_enc, 0), 11, 11
    FROM accounts.persons
  UNION ALL SELECT 'verifications', id::text, 'id_number_enc', length(id_number_enc),
         get_byte(id_number_enc, 0), 18, 18 FROM accounts.verifications
  UNION ALL SELECT 'verifications', id::text, 'phone_enc', length(phone_enc), get_byte(phone_enc, 0), 11, 11
    FROM accounts.verifications
  UNION ALL SELECT 'verifications', id::text, 'bank_card_enc', length(bank_card_enc),
         get_byte(bank_card_enc, 0), 15, 19 FROM accounts.verifications WHERE bank_card_enc IS NOT NULL
) s WHERE ver <> 1 OR len < lo + 29 OR len > hi + 29;
SQL
	out=$(q <<<"$sql") || fail "psql failed"
	if [[ -n $out ]]; then
		printf '%s\n' "$out"
		fail "columns that are not seals"
	fi
	echo "every sealed column has a seal's shape"
	;;
email)
	# Personal data sealed at rest: no e-mail address of the cases in clear in any table
	# of the schema, the plain columns gone, the sealed ones holding version-1 seals. Its
	# own control first: a row holding an address as text and as raw bytes is found twice.
	mapfile -t MAILS < <(grep -ohE '"email": "[^"@]+@[^"]+"' tests/api/cases/*.json |
		sed -E 's/^"email": "(.*)"$/\1/' | sort -u)
	((${#MAILS[@]} >= 10)) || fail "only ${#MAILS[@]} e-mail addresses found in the cases"
	MLIST=$(IFS=,; printf '{%s}' "${MAILS[*]}")
	m() { psql "$KYC_PG_URL" -X -q -At -v ON_ERROR_STOP=1 -v plains="$MLIST" "$@"; }
	read -r -d '' sql <<SQL
WITH $NEEDLES,
control AS (SELECT 'x' || (:'plains'::text[])[1] || 'y' AS a, convert_to((:'plains'::text[])[1], 'UTF8') AS b
            UNION ALL SELECT 'none', '\x00'::bytea)
SELECT count(*) FROM control r JOIN needles nd ON upper(r::text) LIKE '%' || upper(nd.s) || '%';
SQL
	out=$(m <<<"$sql") || fail "psql failed"
	[[ $out == 2 ]] || fail "the control rows gave $out hits, expected 2"
	read -r -d '' sql <<'SQL'
SELECT (SELECT count(*) FROM accounts.persons WHERE email_enc IS NOT NULL)
       || ' ' || (SELECT count(*) FROM accounts.verifications WHERE email_enc IS NOT NULL)
       || ' ' || (SELECT count(*) FROM information_schema.columns
                   WHERE table_schema = 'accounts' AND column_name = 'email');
SQL
	out=$(m <<<"$sql") || fail "psql failed"
	read -r persons verifs plain <<<"$out"
	((persons > 0 && verifs > 0)) ||
		fail "nothing to check: persons with an e-mail $persons, verifications $verifs"
	((plain == 0)) || fail "a plain column email is still in schema accounts"
	read -r -d '' sql <<'SQL'
CREATE TEMP TABLE needles AS
  SELECT p.v, n.s FROM unnest(:'plains'::text[]) AS p(v),
  LATERAL (VALUES (p.v), (encode(convert_to(p.v, 'UTF8'), 'hex')),
                  (encode(convert_to(p.v, 'UTF8'), 'base64'))) AS n(s);
SELECT format($q$SELECT DISTINCT %L || ' holds ' || left(nd.v, 2) || '…@' || split_part(nd.v, '@', 2)
                  || ' in clear' FROM %I.%I r
                  JOIN needles nd ON upper(r::text) LIKE '%%' || upper(nd.s) || '%%'$q$,
              table_schema || '.' || table_name, table_schema, table_name)
  FROM information_schema.tables
 WHERE table_schema = 'accounts' AND table_type = 'BASE TABLE' ORDER BY table_name
\gexec
SELECT t || ' ' || id || ' email_enc length ' || len || ' version ' || ver FROM (
  SELECT 'persons' AS t, id::text AS id, length(email_enc) AS len, get_byte(email_enc, 0) AS ver,
         length(email_masked) AS masked FROM accounts.persons WHERE email_enc IS NOT NULL
  UNION ALL SELECT 'verifications', id::text, length(email_enc), get_byte(email_enc, 0),
         length(email_masked) FROM accounts.verifications
) s WHERE ver <> 1 OR len < masked - 3 + 29;
SQL
	out=$(m <<<"$sql") || fail "psql failed"
	if [[ -n $out ]]; then
		printf '%s\n' "$out"
		fail "e-mail addresses stored in clear or not sealed"
	fi
	echo "no e-mail address in clear in schema accounts (${#MAILS[@]} searched; $persons persons, $verifs verifications sealed)"
	;;
legacy-setup)
	# The state before 007's sealing: plain columns holding addresses, one person's seal gone.
	bash deploy/local/stack.sh stop accounts >/dev/null || fail "accounts did not stop"
	read -r -d '' sql <<'SQL'
ALTER TABLE accounts.persons ADD COLUMN email text;
ALTER TABLE accounts.verifications ADD COLUMN email text;
UPDATE accounts.persons SET email = 'legacy.p@example.com', email_enc = NULL, email_masked = NULL
 WHERE id = (SELECT id FROM accounts.persons WHERE email_enc IS NOT NULL ORDER BY id LIMIT 1);
UPDATE accounts.verifications SET email = 'legacy.v@example.org'
 WHERE id = (SELECT id FROM accounts.verifications ORDER BY id LIMIT 1);
SELECT (SELECT count(*) FROM accounts.persons WHERE email IS NOT NULL)
       + (SELECT count(*) FROM accounts.verifications WHERE email IS NOT NULL);
SQL
	out=$(q <<<"$sql") || fail "psql failed"
	[[ $out == 2 ]] || fail "$out plain addresses written, expected 2"
	bash deploy/local/stack.sh start accounts >/dev/null || fail "accounts did not start"
	echo "2 addresses in clear, accounts restarted"
	;;
legacy-check)
	read -r -d '' sql <<'SQL'
SELECT (SELECT count(*) FROM information_schema.columns
         WHERE table_schema = 'accounts' AND column_name = 'email')
       || ' ' || (SELECT count(*) FROM accounts.persons WHERE email_masked = 'l***@example.com'
                     AND get_byte(email_enc, 0) = 1 AND length(email_enc) = 20 + 29)
       || ' ' || (SELECT count(*) FROM accounts.verifications WHERE email_masked = 'l***@example.org'
                     AND get_byte(email_enc, 0) = 1 AND length(email_enc) = 20 + 29)
       || ' ' || (SELECT count(*) FROM accounts.verifications WHERE email_enc IS NULL OR email_masked IS NULL)
       || ' ' || (SELECT count(*) FROM accounts.persons r WHERE r::text LIKE '%legacy%')
       || ' ' || (SELECT count(*) FROM accounts.verifications r WHERE r::text LIKE '%legacy%');
SQL
	out=$(q <<<"$sql") || fail "psql failed"
	[[ $out == "0 1 1 0 0 0" ]] ||
		fail "expected no plain column, both addresses sealed and masked, none in clear: $out"
	echo "the plain addresses sealed at start, the plain columns dropped"
	;;
*)
	fail "usage: bash check.sh control | present | plaintext | sealed | email | legacy-setup | legacy-check"
	;;
esac
