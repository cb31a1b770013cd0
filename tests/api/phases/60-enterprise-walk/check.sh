#!/usr/bin/env bash
# Receiving-account numbers are stored only sealed: run as the database superuser
# (WALK_PG_URL from setup.sh) after tests/api/cases/receiving-accounts.json and this
# phase's walk have added accounts. The plaintexts searched for are every
# "account_number" of those case files (spaces dropped); a row matches when its text
# form (every column) holds one as text, as the hex of its bytes or as its base64.
#   bash check.sh sealed
#   bash check.sh scans    certification scans (file_blobs) are sealed: none in clear
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." || exit 2
: "${WALK_PG_URL:?set by setup.sh}"

fail() {
	printf '%s\n' "$*" >&2
	exit 1
}

if [[ ${1:-} == scans ]]; then
	# Every blob a version-1 seal (29 bytes longer than the upload), none starting with the
	# magic bytes of a jpg, png, bmp or pdf, none holding the PDF text of the walk's letter.
	out=$(psql "$WALK_PG_URL" -X -q -At -v ON_ERROR_STOP=1 <<'SQL'
SELECT count(*) || ' ' || count(*) FILTER (WHERE NOT sealed OR get_byte(data, 0) <> 1
       OR length(data) <> size + 29 OR substr(data, 1, 3) = '\xffd8ff'::bytea
       OR substr(data, 1, 4) = '\x89504e47'::bytea OR substr(data, 1, 2) = 'BM'::bytea
       OR position('%PDF-'::bytea IN data) > 0)
  FROM enterprise.file_blobs;
SQL
	) || fail "psql failed"
	read -r rows bad <<<"$out"
	((rows >= 4)) || fail "only $rows file blobs stored: the uploads did not run"
	((bad == 0)) || fail "$bad file blobs stored in clear"
	echo "$rows file blobs, all sealed"
	exit 0
fi
[[ ${1:-} == sealed ]] || fail "usage: bash check.sh sealed | scans"
mapfile -t PLAINS < <(grep -ohE '"account_number": "[0-9 ]{6,40}"' tests/api/cases/receiving-accounts.json \
	tests/api/phases/60-enterprise-walk/walk.json | sed -E 's/.*: "//; s/"$//; s/ //g' | sort -u)
((${#PLAINS[@]} >= 4)) || fail "only ${#PLAINS[@]} account numbers found in the case files"
LIST=$(IFS=,; printf '{%s}' "${PLAINS[*]}")

q() { psql "$WALK_PG_URL" -X -q -At -v ON_ERROR_STOP=1 -v plains="$LIST" "$@"; }

# Something to check: accounts stored, each a version-1 AES-GCM seal as long as its mask
# (one '*' or digit per digit of the number) plus 29 bytes.
read -r -d '' sql <<'SQL'
SELECT count(*) || ' ' || count(*) FILTER (WHERE get_byte(account_number_enc, 0) <> 1
       OR length(account_number_enc) <> char_length(account_number_masked) + 29
       OR account_number_masked !~ '^\*+[0-9]{4}$')
  FROM enterprise.receiving_accounts;
SQL
out=$(q <<<"$sql") || fail "psql failed"
read -r rows bad <<<"$out"
((rows >= 4)) || fail "only $rows receiving accounts stored: the cases that add them did not run"
((bad == 0)) || fail "$bad receiving accounts whose number is not a seal of its mask's length"

# Every table of the schema, the audit log and the outbox included.
read -r -d '' sql <<'SQL'
CREATE TEMP TABLE needles AS
  SELECT p.v, n.s FROM unnest(:'plains'::text[]) AS p(v),
  LATERAL (VALUES (p.v), (encode(convert_to(p.v, 'UTF8'), 'hex')),
                  (encode(convert_to(p.v, 'UTF8'), 'base64'))) AS n(s);
SELECT format($q$SELECT DISTINCT %L || ' holds ' || left(nd.v, 3) || '…' || right(nd.v, 2)
                  || ' in clear' FROM %I.%I r
                  JOIN needles nd ON r::text LIKE '%%' || nd.s || '%%'$q$,
              table_schema || '.' || table_name, table_schema, table_name)
  FROM information_schema.tables
 WHERE table_schema = 'enterprise' AND table_type = 'BASE TABLE'
   AND table_name NOT IN ('regions') ORDER BY table_name
\gexec
SQL
out=$(q <<<"$sql") || fail "psql failed"
if [[ -n $out ]]; then
	printf '%s\n' "$out"
	fail "account numbers stored in clear"
fi
echo "$rows receiving accounts, all sealed; none of ${#PLAINS[@]} numbers in clear in schema enterprise"
