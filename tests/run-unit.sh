#!/usr/bin/env bash
# Runs unit test binaries (cmocka) one after another, streaming their output
# (cmocka's own "[  PASSED  ]" / "[  FAILED  ]" summaries stay visible), and
# ends with "N passed, N failed" counting binaries. Exits 1 when one failed.
#   bash tests/run-unit.sh build/asan/tests/*
# A binary that runs longer than UNIT_TIMEOUT seconds (default 300) fails.
set -uo pipefail

UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
# fontconfig's caches at exit are not ours (tests/lsan.supp says why).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp:print_suppressions=0}
passed=0
failed=0
failures=()

run_one() {
	local bin=$1 rc
	printf '# %s\n' "$bin"
	if [[ ! -f $bin || ! -x $bin ]]; then
		printf 'not ok - %s: not an executable file\n' "$bin"
		return 1
	fi
	if command -v timeout >/dev/null 2>&1; then
		timeout --foreground -k 10 "$UNIT_TIMEOUT" "$bin"
	else
		"$bin"
	fi
	rc=$?
	if ((rc == 0)); then
		printf 'ok - %s\n' "$bin"
		return 0
	fi
	if ((rc == 124)); then
		printf 'not ok - %s: timed out after %ss\n' "$bin" "$UNIT_TIMEOUT"
	else
		printf 'not ok - %s: exit status %d\n' "$bin" "$rc"
	fi
	return 1
}

for bin in "$@"; do
	if run_one "$bin"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$bin")
	fi
done

if ((failed > 0)); then
	printf '# failed: %s\n' "${failures[*]}"
fi
printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
