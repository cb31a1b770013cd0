#!/usr/bin/env bash
# Installs the Debian 12 packages a profile needs, only those that are missing.
#   bash deploy/local/deps.sh run|test|bench|monitor
# As root: `apt-get update` (once, only when something is missing), then
# `apt-get install -y --no-install-recommends …`. Not root: prints the
# `sudo apt-get install -y …` command to run and exits 1.
# Prints one line naming what it installed, nothing when all was present.
set -euo pipefail

readonly RUN_PKGS=(
	build-essential pkg-config protobuf-c-compiler libprotobuf-c-dev libnng-dev
	libevent-dev libjansson-dev libhiredis-dev libpq-dev libssl-dev libcurl4-openssl-dev libcmark-dev
	libpango1.0-dev libcairo2-dev libfontconfig-dev libqrencode-dev fonts-wqy-microhei zlib1g-dev
	libpoppler-glib-dev
	postgresql-15 redis-server curl ca-certificates procps util-linux iproute2
)
# The browser tests (tests/browser/): Debian's chromium driven by playwright-core from npm, and
# a CJK font so the screenshots show Chinese. clang and libclang-rt-14-dev: the libFuzzer
# harnesses of tests/fuzz/ (`make fuzz`, and briefly in `make test`). poppler-utils (pdftotext) and
# qpdf: the checks of the certificate application PDFs (tests/api/cases/cert-applications.json)
# and of signed PDFs (tests/integration/pades_test.c, with libnss3-tools' certutil for a
# throw-away NSS database trusting the test root). python3-cryptography: the payment attack
# cases sign WeChat and Alipay notifies independently of the C adapters
# (tests/api/fixtures/payattack.sh).
readonly TEST_PKGS=(libcmocka-dev clang-format clang libclang-rt-14-dev docker-compose jq python3 perl
	prometheus mtail chromium nodejs fonts-wqy-microhei poppler-utils qpdf libnss3-tools
	python3-cryptography)
# `make monitor` (deploy/monitoring/): Prometheus (promtool), mtail, lnav to read the logs.
readonly MONITOR_PKGS=(prometheus mtail lnav jq)
# No kubectl from Debian: its kubernetes-client (1.20) embeds kustomize v2, too old
# for deploy/k8s; tests/deploy-check.sh uses a kubectl that is already there.
readonly BENCH_PKGS=(wrk nginx-light postgresql-contrib jq python3 strace)

usage() {
	echo "usage: bash deploy/local/deps.sh run|test|bench|monitor" >&2
	exit 2
}

# True when PKG is installed (dpkg's status, not a trial run).
installed() {
	local status
	status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
	[[ $status == installed ]]
}

# Prints the packages among the arguments that are not installed.
missing_of() {
	local pkg
	for pkg in "$@"; do
		installed "$pkg" || printf '%s\n' "$pkg"
	done
}

APT_LOG=
cleanup() { [[ -z $APT_LOG ]] || rm -f "$APT_LOG"; }
trap cleanup EXIT

# Runs an apt-get command quietly; on failure shows its output and returns 1.
apt_quiet() {
	if ! DEBIAN_FRONTEND=noninteractive apt-get "$@" >"$APT_LOG" 2>&1; then
		echo "deps.sh: apt-get $* failed:" >&2
		tail -n 30 "$APT_LOG" >&2
		return 1
	fi
}

main() {
	(($# == 1)) || usage
	local profile=$1
	local -a wanted=("${RUN_PKGS[@]}") optional=()
	case $profile in
	run) ;;
	test)
		wanted+=("${TEST_PKGS[@]}")
		# Debian's npm, unless the nodejs installed brings its own (NodeSource's does, and
		# conflicts with Debian's npm package).
		command -v npm >/dev/null 2>&1 || wanted+=(npm)
		;;
	bench) wanted+=("${BENCH_PKGS[@]}") ;;
	monitor) wanted+=("${MONITOR_PKGS[@]}") ;;
	*) usage ;;
	esac

	local -a missing=() opt_missing=()
	mapfile -t missing < <(missing_of "${wanted[@]}")
	if ((${#optional[@]})); then
		mapfile -t opt_missing < <(missing_of "${optional[@]}")
	fi
	((${#missing[@]} + ${#opt_missing[@]})) || return 0

	if ((EUID != 0)); then
		if ((${#missing[@]} == 0)); then
			echo "deps.sh: optional, not installed (not root): ${opt_missing[*]}" >&2
			return 0
		fi
		echo "deps.sh: missing packages; as root, run:" >&2
		echo "sudo apt-get install -y ${missing[*]}${opt_missing[*]:+ ${opt_missing[*]}}"
		exit 1
	fi

	APT_LOG=$(mktemp)
	apt_quiet update
	local -a done_pkgs=()
	if ((${#missing[@]})); then
		apt_quiet install -y --no-install-recommends "${missing[@]}"
		done_pkgs+=("${missing[@]}")
	fi
	if ((${#opt_missing[@]})); then
		if apt_quiet install -y --no-install-recommends "${opt_missing[@]}" 2>/dev/null; then
			done_pkgs+=("${opt_missing[@]}")
		else
			echo "deps.sh: could not install ${opt_missing[*]} (optional, ignored)" >&2
		fi
	fi
	((${#done_pkgs[@]})) && echo "deps.sh: installed ${done_pkgs[*]}"
	return 0
}

main "$@"
