#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz/ (built by `make VARIANT=fuzz fuzz-bins`).
#   bash tests/fuzz/run.sh BUILD_DIR SECONDS [merge]
# For each fuzzer NAME in BUILD_DIR/fuzz/:
#   1. every kept crashing input tests/fuzz/NAME/regressions/* runs once (must not crash)
#   2. the fuzzer runs SECONDS seconds from tests/fuzz/NAME/corpus (new inputs go to a
#      scratch directory, so the tree changes only with `merge`)
#   3. with `merge`: the new inputs that add coverage are merged into the corpus
# A crash leaves its input in tests/fuzz/NAME/regressions/ (commit it with the fix).
# Prints one ok / not ok line per fuzzer with its executions, then "fuzz: N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
if (($# < 2)) || [[ ! -d $1/fuzz ]] || [[ ! $2 =~ ^[0-9]+$ ]]; then
	echo "usage: bash tests/fuzz/run.sh BUILD_DIR SECONDS [merge]" >&2
	exit 2
fi
BIN=$1/fuzz
SECS=$2
MERGE=${3:-}
passed=0
failed=0
SCRATCH=$(mktemp -d /tmp/sme-fuzz.XXXXXX) || exit 2
trap 'rm -rf "$SCRATCH"' EXIT
# A leak in a harness run is a finding too; UBSan stops at the first report.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

for bin in "$BIN"/*; do
	[[ -x $bin ]] || continue
	name=${bin##*/}
	dir=tests/fuzz/$name
	work=$SCRATCH/$name
	mkdir -p "$work/new" "$dir/corpus" "$dir/regressions"
	regressions=("$dir"/regressions/*)
	if [[ -e ${regressions[0]} ]] && ! "$bin" "${regressions[@]}" >"$work/regressions.log" 2>&1; then
		tail -n 30 "$work/regressions.log"
		printf 'not ok - %s: a kept regression input crashes again\n' "$name"
		failed=$((failed + 1))
		continue
	fi
	"$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/" "$work/new" "$dir/corpus" >"$work/fuzz.log" 2>&1
	rc=$?
	execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$work/fuzz.log" | tail -n 1)
	crash=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | head -n 1)
	if ((rc != 0)) || [[ -n $crash ]]; then
		grep -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$work/fuzz.log" | head -n 30
		if [[ -n $crash ]]; then
			cp "$crash" "$dir/regressions/"
			printf '# kept %s/regressions/%s\n' "$dir" "${crash##*/}"
		fi
		printf 'not ok - %s: crashed after %s executions\n' "$name" "${execs:-?}"
		failed=$((failed + 1))
		continue
	fi
	if [[ $MERGE == merge ]]; then
		"$bin" -merge=1 "$dir/corpus" "$work/new" >"$work/merge.log" 2>&1 ||
			printf '# %s: merge failed (see nothing lost: the corpus is unchanged)\n' "$name"
	fi
	printf 'ok - %s: %s executions in %ss, corpus %s files\n' "$name" "${execs:-?}" "$SECS" \
		"$(find "$dir/corpus" -type f | wc -l)"
	passed=$((passed + 1))
done
printf 'fuzz: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
