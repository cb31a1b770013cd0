#!/usr/bin/env bash
# Static checks of the deployment files (nothing here starts a container or talks
# to a cluster): they and the service folders agree with services/services.list
# (deploy/services.sh check, and proof that the check catches a disagreement),
# docker-compose.yml parses under docker-compose, the Kubernetes base renders under
# kustomize, and the committed development secrets agree with each other. Prints "ok - …", "skip - …" or "not ok - …" per check and exits
# non-zero when a check failed.
#   bash tests/deploy-check.sh
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

passed=0 failed=0 skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

ok() { echo "ok - $1"; passed=$((passed + 1)); }
skip() { echo "skip - $1"; skipped=$((skipped + 1)); }
not_ok() {
	echo "not ok - $1"
	sed 's/^/#   /' "$out" | head -n 40
	failed=$((failed + 1))
}

# The one list of services: every generated region and file, the service folders
# and the names in compose and k8s agree with it, and its call graph is acyclic and
# covers every bus client the services' code opens.
if bash deploy/services.sh check >"$out" 2>&1; then
	ok "deployment files and service folders agree with services/services.list"
else
	not_ok "deployment files and service folders agree with services/services.list"
fi

# A scratch tree holding what the check reads, changed one way per case: each must fail.
scratch_tree() {
	local dir=$1 f
	mkdir -p "$dir/services" "$dir/proto"
	cp -r deploy docker-compose.yml "$dir/"
	cp proto/*.proto "$dir/proto/"
	cp services/services.list "$dir/services/"
	for f in services/*/main.c services/gateway/routes_*.c; do
		mkdir -p "$dir/$(dirname "$f")"
		cp "$f" "$dir/$f"
	done
}
# set_calls TREE SERVICE CALLS: the calls column of SERVICE's line in TREE's list.
set_calls() {
	awk -v s="$2" -v c="$3" '$1 == s { $4 = c } 1' "$1/services/services.list" >"$1/list.new" &&
		mv "$1/list.new" "$1/services/services.list"
}
services_check_catches() {
	local tmp case rc=0
	tmp=$(mktemp -d)
	for case in listed-without-folder folder-not-listed stray-compose-service stray-k8s-file \
		stale-region call-cycle call-unknown call-undeclared; do
		rm -rf "$tmp/tree"
		scratch_tree "$tmp/tree"
		case $case in
		listed-without-folder) echo 'ghost 16 yes' >>"$tmp/tree/services/services.list" ;;
		folder-not-listed) mkdir "$tmp/tree/services/ghost" && : >"$tmp/tree/services/ghost/main.c" ;;
		stray-compose-service) sed -i 's/^services:$/&\n  ghost:\n    image: x/' "$tmp/tree/docker-compose.yml" ;;
		stray-k8s-file) cp deploy/k8s/services/notify.yaml "$tmp/tree/deploy/k8s/services/ghost.yaml" ;;
		stale-region) sed -i 's/port: 7004 }/port: 7006 }/' "$tmp/tree/deploy/k8s/bus.yaml" ;;
		# notify calling enterprise closes enterprise -> accounts -> notify -> enterprise.
		call-cycle) set_calls "$tmp/tree" notify enterprise ;;
		call-unknown) set_calls "$tmp/tree" notify ghost ;;
		# enterprise's main.c opens a bus client to accounts.
		call-undeclared) set_calls "$tmp/tree" enterprise - ;;
		esac
		if SERVICES_ROOT=$tmp/tree bash deploy/services.sh check >/dev/null 2>&1; then
			echo "services.sh check passed a tree with: $case"
			rc=1
		fi
	done
	rm -rf "$tmp"
	return "$rc"
}
if services_check_catches >"$out" 2>&1; then
	ok "services/services.list check fails on each kind of disagreement"
else
	not_ok "services/services.list check fails on each kind of disagreement"
fi

# config -q prints nothing when the file is good; a warning (an unset variable,
# say) is a failure too.
if command -v docker-compose >/dev/null 2>&1; then
	if docker-compose -f docker-compose.yml config -q >"$out" 2>&1 && [[ ! -s $out ]]; then
		ok "docker-compose config"
	else
		not_ok "docker-compose config"
	fi
else
	skip "docker-compose config (docker-compose not installed)"
fi

# Debian 12's kubernetes-client (1.20) embeds kustomize v2, which predates the
# `labels` and targeted `patches` the base uses; it cannot judge the files.
if command -v kubectl >/dev/null 2>&1 &&
	! kubectl version --client 2>/dev/null | grep -Eq 'Kustomize Version: v([3-9]|[1-9][0-9])'; then
	skip "kubectl kustomize deploy/k8s (this kubectl embeds kustomize older than v3)"
elif command -v kubectl >/dev/null 2>&1; then
	if kubectl kustomize deploy/k8s 2>"$out" >/dev/null; then
		ok "kubectl kustomize deploy/k8s"
	else
		not_ok "kubectl kustomize deploy/k8s"
	fi
else
	skip "kubectl kustomize deploy/k8s (kubectl not installed)"
fi

# docker-compose.yml repeats each role's dev password in that service's DB_URL,
# and dev.env repeats the Redis password in REDIS_URL: they must agree.
dev_secrets_agree() {
	local pgenv=deploy/docker/dev-postgres.env devenv=deploy/docker/dev.env
	local svc pw want n=0 redis_pw
	while read -r svc pw; do
		want=$(sed -n "s/^${svc^^}_DB_PASSWORD=//p" "$pgenv")
		if [[ -z $want || $want != "$pw" ]]; then
			echo "DB_URL of $svc in docker-compose.yml vs ${svc^^}_DB_PASSWORD in $pgenv"
			return 1
		fi
		n=$((n + 1))
	done < <(sed -n 's/^ *DB_URL: .* user=\([a-z]*\) password=\([^ ]*\).*$/\1 \2/p' docker-compose.yml)
	want=$(bash deploy/services.sh table | awk '$3 == "yes"' | wc -l)
	if ((n != want)); then
		echo "found $n service DB_URLs in docker-compose.yml, services/services.list has $want"
		return 1
	fi
	redis_pw=$(sed -n 's/^REDIS_PASSWORD=//p' "$devenv")
	if [[ -z $redis_pw ]] || ! grep -qF "REDIS_URL=redis://:${redis_pw}@" "$devenv"; then
		echo "REDIS_URL vs REDIS_PASSWORD in $devenv"
		return 1
	fi
}
if dev_secrets_agree >"$out" 2>&1; then
	ok "development secrets agree (compose DB_URLs, dev env files)"
else
	not_ok "development secrets agree (compose DB_URLs, dev env files)"
fi

echo "deploy-check: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
