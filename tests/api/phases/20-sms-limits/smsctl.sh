#!/usr/bin/env bash
# notify's SMS keys in the test stack's Redis (services/notify/README.md, "Redis keys"),
# for phase scripts and `exec` cases. Needs VAR_DIR (secrets.env) and REDIS_PORT.
#   bash smsctl.sh hash VALUE               H(VALUE): HMAC-SHA256 under PII_MAC_KEY, hex
#   bash smsctl.sh key KIND VALUE           notify:sms:KIND:H(VALUE) (KIND gap, hour, day, ip)
#   bash smsctl.sh get KIND VALUE           the counter ("" when absent)
#   bash smsctl.sh set KIND VALUE N [SECS]  the counter to N, expiring in SECS (default 3600)
#   bash smsctl.sh del KIND VALUE...        deletes those keys
#   bash smsctl.sh pttl KIND VALUE          milliseconds left (-2 absent, -1 no expiry)
#   bash smsctl.sh redis ARGS...            any redis-cli command
set -euo pipefail

secret_of() {
	local line
	line=$(grep -E "^(export[[:space:]]+)?$1=" "$VAR_DIR/secrets.env" | tail -n 1) || {
		echo "smsctl: $1 not in $VAR_DIR/secrets.env" >&2
		exit 2
	}
	line=${line#*=}
	line=${line%\"}
	printf '%s\n' "${line#\"}"
}

hash_of() {
	printf %s "$1" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(secret_of PII_MAC_KEY)" |
		awk '{print $NF}'
}

rcli() { REDISCLI_AUTH=$(secret_of REDIS_PASSWORD) redis-cli --no-auth-warning -p "$REDIS_PORT" "$@"; }

key_of() { printf 'notify:sms:%s:%s\n' "$1" "$(hash_of "$2")"; }

cmd=${1:-}
shift || true
case $cmd in
hash) hash_of "$1" ;;
key) key_of "$1" "$2" ;;
get) rcli GET "$(key_of "$1" "$2")" ;;
set) rcli SET "$(key_of "$1" "$2")" "$3" EX "${4:-3600}" >/dev/null ;;
pttl) rcli PTTL "$(key_of "$1" "$2")" ;;
del)
	kind=$1
	shift
	for v in "$@"; do rcli DEL "$(key_of "$kind" "$v")" >/dev/null; done
	;;
redis) rcli "$@" ;;
*)
	sed -n '2,10p' "$0" >&2
	exit 2
	;;
esac
