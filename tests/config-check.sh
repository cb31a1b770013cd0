#!/usr/bin/env bash
# The configuration the READMEs describe against the daemons' config tables (config.h):
#   tables   each daemon's `--help-markdown` rows are split in two: a row printed the
#            same by two daemons or more goes to the shared table of the top-level
#            README.md, every other row to the table of services/<daemon>/README.md;
#            each table sits between "<!-- config:begin -->" and "<!-- config:end -->"
#            and must equal what the daemons print (a mismatch shows a diff);
#   getenv   no getenv() outside common/config.c (unit tests aside): a setting that
#            is not in a table is in no --help and no README.
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, N failed".
#   bash tests/config-check.sh BUILD_DIR          check
#   bash tests/config-check.sh BUILD_DIR --fix    rewrite the tables from the daemons
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
LC_ALL=C.UTF-8

if (($# < 1)) || [[ ! -d $1/bin ]]; then
	echo "usage: bash tests/config-check.sh BUILD_DIR [--fix]" >&2
	exit 2
fi
BIN=$1/bin
FIX=0
[[ ${2:-} == --fix ]] && FIX=1
BEGIN='<!-- config:begin -->'
END='<!-- config:end -->'
HEAD=$'| variable | default | meaning |\n|---|---|---|'

passed=0
failed=0
ok() { printf 'ok - %s\n' "$*"; passed=$((passed + 1)); }
not_ok() { printf 'not ok - %s\n' "$*"; failed=$((failed + 1)); }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The text between the markers of $1 (nothing when they are missing).
block() { awk -v b="$BEGIN" -v e="$END" '$0 == e { f = 0 } f { print } $0 == b { f = 1 }' "$1"; }

# Replaces the block of $1 with the file $2, or appends a Configuration section.
write_block() {
	local readme=$1 content=$2
	if grep -qxF "$BEGIN" "$readme"; then
		awk -v b="$BEGIN" -v e="$END" -v c="$content" '
			$0 == b { print; while ((getline l < c) > 0) print l; skip = 1; next }
			$0 == e { skip = 0 }
			!skip { print }' "$readme" >"$tmp/new" && cat "$tmp/new" >"$readme"
	else
		printf '\n## Configuration\n\n%s\n%s\n%s\n' "$BEGIN" "$(cat "$content")" "$END" >>"$readme"
	fi
}

# Compares (or with --fix rewrites) the block of README $1 with the file $2.
check_block() {
	local readme=$1 want=$2
	block "$readme" >"$tmp/have"
	if cmp -s "$want" "$tmp/have" && grep -qxF "$BEGIN" "$readme"; then
		ok "config table of $readme"
	elif ((FIX)); then
		write_block "$readme" "$want"
		ok "config table of $readme rewritten"
	else
		not_ok "config table of $readme differs from the daemons' (--fix rewrites it):"
		diff -u --label "$readme (README)" --label "$readme (daemons)" "$tmp/have" "$want" |
			sed 's/^/#   /'
	fi
}

daemons=()
for m in services/*/main.c; do
	d=${m#services/}
	daemons+=("${d%/main.c}")
done
for d in "${daemons[@]}"; do
	if ! "$BIN/$d" --help-markdown >"$tmp/$d.rows" 2>"$tmp/$d.err"; then
		not_ok "$d --help-markdown failed: $(head -c 300 "$tmp/$d.err")"
		: >"$tmp/$d.rows"
	fi
done

# Shared: the rows two daemons or more print alike, in order of first appearance.
for d in "${daemons[@]}"; do sort -u "$tmp/$d.rows"; done | sort | uniq -d >"$tmp/shared.set"
for d in "${daemons[@]}"; do cat "$tmp/$d.rows"; done |
	awk 'NR == FNR { s[$0] = 1; next } s[$0] && !seen[$0]++' "$tmp/shared.set" - >"$tmp/shared.rows"
{
	printf '%s\n' "$HEAD"
	cat "$tmp/shared.rows"
} >"$tmp/shared.want"
check_block README.md "$tmp/shared.want"

for d in "${daemons[@]}"; do
	{
		printf '%s\n' "$HEAD"
		grep -vxFf "$tmp/shared.set" "$tmp/$d.rows"
	} >"$tmp/$d.want"
	check_block "services/$d/README.md" "$tmp/$d.want"
done

hits=$(grep -rnE --include='*.c' --include='*.h' '\b(secure_)?getenv[[:space:]]*\(' common services |
	grep -v '^common/config\.c:' | grep -v '_test\.c:')
if [[ -z $hits ]]; then
	ok "no getenv() outside common/config.c"
else
	not_ok "getenv() outside common/config.c (add the setting to a config table):"
	printf '%s\n' "$hits" | sed 's/^/#   /'
fi

printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
