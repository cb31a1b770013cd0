#!/usr/bin/env bash
# Static checks of `make lint` (the first step of `make test`):
#   format       every C file under common/ services/ tests/ is as .clang-format says
#   banned calls sprintf, strcpy, strcat, strtok, atoi, gets, rand ... (STYLE.md)
#   readmes      every daemon folder services/<name>/ with a main.c has a README.md
#   scripts      shell scripts parse (bash -n)
#   case files   API case files are valid JSON arrays
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, N failed";
# exits 1 when a check failed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

BANNED='\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|atoll|gets|rand|srand)[[:space:]]*\('
passed=0
failed=0

ok() {
	printf 'ok - %s\n' "$*"
	passed=$((passed + 1))
}

not_ok() {
	printf 'not ok - %s\n' "$*"
	failed=$((failed + 1))
}

# Tracked and untracked-but-not-ignored files matching the patterns, that exist.
list_files() {
	local f
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -co --exclude-standard -- "$@"
	else
		local p
		for p in "$@"; do
			find "${p%%/*}" -type f -path "$p" 2>/dev/null
		done
	fi | sort -u | while IFS= read -r f; do
		[[ -f $f ]] && printf '%s\n' "$f"
	done
}

check_format() {
	if ! command -v clang-format >/dev/null 2>&1; then
		printf 'skip - format: clang-format is not installed\n'
		return
	fi
	local f bad=()
	for f in "${C_FILES[@]}"; do
		clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
	done
	if ((${#bad[@]} == 0)); then
		ok "format: ${#C_FILES[@]} C files match .clang-format"
		return
	fi
	not_ok "format: ${#bad[@]} of ${#C_FILES[@]} C files differ from .clang-format (fix with: clang-format -i FILE)"
	for f in "${bad[@]}"; do
		printf '#   %s\n' "$f"
		# The first differences, to show what is meant.
		clang-format --dry-run --Werror "$f" 2>&1 | grep -E '^[^ ].*: (error|warning):' |
			head -n 3 | sed 's/^/#     /'
	done
}

check_banned() {
	local hits
	((${#C_FILES[@]} == 0)) && {
		ok "banned calls: no C files"
		return
	}
	# Lines that are only a comment do not count.
	hits=$(grep -nHE "$BANNED" -- "${C_FILES[@]}" |
		grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|/\*|\*)')
	if [[ -z $hits ]]; then
		ok "banned calls: none in ${#C_FILES[@]} C files"
		return
	fi
	not_ok "banned calls (use snprintf, memcpy with a length, strtok_r, strtol with checks, a CSPRNG):"
	printf '%s\n' "$hits" | sed 's/^/#   /'
}

check_readmes() {
	local dir missing=() n=0
	for dir in services/*/; do
		[[ -f ${dir}main.c ]] || continue
		n=$((n + 1))
		[[ -f ${dir}README.md ]] || missing+=("${dir}README.md")
	done
	if ((${#missing[@]} == 0)); then
		ok "readmes: all $n daemon folders have a README.md"
	else
		not_ok "readmes: missing ${missing[*]}"
	fi
}

check_scripts() {
	local f bad=() files
	mapfile -t files < <(list_files '*.sh' '.ci/run')
	for f in "${files[@]}"; do
		bash -n "$f" 2>/dev/null || bad+=("$f")
	done
	if ((${#bad[@]} == 0)); then
		ok "scripts: ${#files[@]} shell scripts parse"
	else
		not_ok "scripts: syntax errors in ${bad[*]} (see bash -n FILE)"
	fi
}

check_cases() {
	local files
	mapfile -t files < <(list_files 'tests/api/cases/*.json' 'tests/api/phases/*.json')
	if ((${#files[@]} == 0)); then
		ok "case files: none yet"
		return
	fi
	if ! command -v python3 >/dev/null 2>&1; then
		printf 'skip - case files: python3 is not installed\n'
		return
	fi
	local out
	if out=$(python3 - "${files[@]}" 2>&1 <<'EOF'
import json, sys
bad = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            cases = json.load(f)
        if not isinstance(cases, list):
            raise ValueError("a case file is a JSON array of cases")
    except Exception as e:
        print("#   %s: %s" % (path, e))
        bad = 1
sys.exit(bad)
EOF
	); then
		ok "case files: ${#files[@]} parse as JSON arrays"
	else
		not_ok "case files: not valid JSON arrays"
		printf '%s\n' "$out"
	fi
}

mapfile -t C_FILES < <(list_files 'common/*.[ch]' 'services/*.[ch]' 'tests/*.[ch]')

check_format
check_banned
check_readmes
check_scripts
check_cases

printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
