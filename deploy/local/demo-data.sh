#!/usr/bin/env bash
# Demo data of a local stack, run by deploy/local/stack.sh once the stack is ready:
# one personal user, one platform operator with every operator role, one staff
# member of the institution "demo-bank", the market's institution admin and an enterprise
# admin of a certified enterprise who passed a face check (the one who can apply for a
# loan), created with the accounts admin CLI. Their
# phones and passwords go to $VAR_DIR/demo-accounts.txt (mode 600), which stack.sh
# prints. Idempotent: a second run reuses the passwords in that file and leaves the
# accounts as they are (a lost file gets new passwords, set on the existing accounts).
#   bash deploy/local/demo-data.sh
# The same CLI with this stack's database and keys, for people and tests:
#   bash deploy/local/demo-data.sh admin unlock --phone 19900000001
# Environment (exported by stack.sh): VAR_DIR, BIN_DIR, PG_PORT, REDIS_PORT.
set -euo pipefail
umask 077

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VAR_DIR=$(realpath -m -- "${VAR_DIR:-$ROOT/var}")
BIN_DIR=$(realpath -m -- "${BIN_DIR:-$ROOT/build/release/bin}")
PG_PORT=${PG_PORT:-5433}
REDIS_PORT=${REDIS_PORT:-6380}
SECRETS=$VAR_DIR/secrets.env
OUT=$VAR_DIR/demo-accounts.txt

readonly OPERATOR_ROLES=reviewer,quoter,finance,ca_officer,admin,market_admin,content_editor
readonly INSTITUTION=demo-bank
# Outside 13x-18x, where the API tests take their phones.
readonly PERSON_PHONE=19900000001 OPERATOR_PHONE=19900000002 STAFF_PHONE=19900000003
readonly INST_ADMIN_PHONE=19900000004 ENT_ADMIN_PHONE=19900000005 BILL_QUOTER_PHONE=19900000006
# The demo enterprise, certified, and its admin: sandbox citizen 郑强 (Shandong), face-checked;
# no API case verifies him as a person (an ID number is verified once).
readonly ENT_USCC=91430102MA4L3C5K2G ENT_NAME=长沙智造科技有限公司
# The market's demo catalogue; staff join its first institution, 广发银行长沙分行.
readonly MARKET_INSTITUTION=00000000-0000-4000-8000-000000000001
# The demo bill funder (商票资金方) of the catalogue, whose bill_quoter quotes in billfin.
readonly BILL_FUNDER=00000000-0000-4000-8000-000000000009

say() { [[ ${STACK_QUIET:-0} == 1 ]] || printf 'demo-data: %s\n' "$*"; }
die() {
	printf 'demo-data: %s\n' "$*" >&2
	exit 1
}

# The value of KEY in secrets.env (KEY=VALUE lines, as stack.sh writes them; not sourced).
secret() {
	local line
	line=$(grep -E "^(export[[:space:]]+)?$1=" "$SECRETS" | tail -n 1) || return 1
	line=${line#*=}
	line=${line%$'\r'}
	if [[ $line == \"*\" || $line == \'*\' ]]; then
		line=${line:1:${#line}-2}
	fi
	printf '%s\n' "$line"
}

# A libpq conninfo value, quoted when it needs to be.
conninfo_value() {
	local v=$1
	if [[ $v =~ ^[A-Za-z0-9._/:@+-]+$ ]]; then
		printf '%s' "$v"
	else
		v=${v//\\/\\\\}
		printf "'%s'" "${v//\'/\\\'}"
	fi
}

# accounts admin ARGS... with the stack's database role, PII keys and Redis.
accounts_admin() {
	[[ -r $SECRETS ]] || die "$SECRETS is missing: run 'make up' first"
	[[ -x $BIN_DIR/accounts ]] || die "$BIN_DIR/accounts is not built"
	local pw
	pw=$(secret ACCOUNTS_DB_PASSWORD) || die "ACCOUNTS_DB_PASSWORD is not in $SECRETS"
	DB_URL="host=$(conninfo_value "$VAR_DIR/run") port=$PG_PORT dbname=sme user=accounts password=$(conninfo_value "$pw")" \
		PII_ENC_KEY=$(secret PII_ENC_KEY) PII_MAC_KEY=$(secret PII_MAC_KEY) \
		REDIS_URL="redis://:$(secret REDIS_PASSWORD)@127.0.0.1:$REDIS_PORT/0" \
		"$BIN_DIR/accounts" admin "$@"
}

# A password the policy accepts: upper, lower, punctuation and 8 random hex digits.
new_password() { printf 'Demo-%s' "$(od -An -vtx1 -N4 /dev/urandom | tr -d ' \n')"; }

# The password of ROLE in an earlier demo-accounts.txt, else a new one.
password_of() {
	local pw=
	[[ -f $OUT ]] && pw=$(awk -v r="$1" '$1 == r { print $3; exit }' "$OUT")
	[[ -n $pw ]] || pw=$(new_password)
	printf '%s\n' "$pw"
}

# The demo catalogue and articles (services/market/demo/*.sql) as the market role.
market_catalogue() {
	local pw
	pw=$(secret MARKET_DB_PASSWORD) || return 0
	PGPASSWORD=$pw psql -X -q -v ON_ERROR_STOP=1 -h "$VAR_DIR/run" -p "$PG_PORT" -U market -d sme \
		-f "$ROOT/services/market/demo/catalogue.sql" \
		-f "$ROOT/services/market/demo/articles.sql" >/dev/null
}

# The loan officer and the institution admin join the demo institution through the market's
# own API, as the demo operator (a second run finds them there: 409).
market_staff() {
	local url=${GATEWAY_URL:-} token
	[[ -n $url ]] || return 0
	token=$(curl -fsS -H 'Content-Type: application/json' \
		-d "{\"method\":\"password\",\"phone\":\"$OPERATOR_PHONE\",\"password\":\"$1\"}" \
		"$url/api/v1/sessions" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	[[ -n $token ]] || die "the demo operator could not log in"
	local phone role inst code
	for phone_role in "$STAFF_PHONE:loan_officer:$MARKET_INSTITUTION" \
		"$INST_ADMIN_PHONE:inst_admin:$MARKET_INSTITUTION" "$BILL_QUOTER_PHONE:bill_quoter:$BILL_FUNDER"; do
		phone=${phone_role%%:*} role=${phone_role#*:} inst=${role#*:} role=${role%%:*}
		code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
			-H 'Content-Type: application/json' -d "{\"phone\":\"$phone\",\"role\":\"$role\"}" \
			"$url/api/v1/operator/institutions/$inst/staff")
		[[ $code == 201 || $code == 409 ]] || die "adding $phone as $role: HTTP $code"
	done
}

# POST JSON to the gateway as token $1: prints the HTTP status, the body in $2.
gw_post() {
	curl -sS -o "$2" -w '%{http_code}' -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/json' -d "$4" "$GATEWAY_URL$3"
}

# The demo enterprise admin verifies by face through the API (a second run: already
# verified, 409); the enterprise is then written certified as tests/api/phases/
# 60-enterprise-walk/fixture.sh does, since certification (KYB) needs an operator's review
# of uploaded scans.
demo_enterprise() {
	[[ -n ${GATEWAY_URL:-} ]] || return 0
	local body token pid code
	body=$(mktemp "${TMPDIR:-/tmp}/demo-data.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -f '$body'" RETURN
	curl -fsS -o "$body" -H 'Content-Type: application/json' \
		-d "{\"method\":\"password\",\"phone\":\"$ENT_ADMIN_PHONE\",\"password\":\"$1\"}" \
		"$GATEWAY_URL/api/v1/sessions" || die "the demo enterprise admin could not log in"
	token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$body")
	pid=$(sed -n 's/.*"person":{[^}]*"id":"\([^"]*\)".*/\1/p' "$body")
	[[ -n $token && -n $pid ]] || die "the demo enterprise admin's session: $(cat "$body")"
	code=$(gw_post "$token" "$body" /api/v1/me/verification \
		'{"name":"郑强","id_number":"370202198405280973","email":"zhengqiang@example.com","phone":"15710100011","method":"face"}')
	if [[ $code == 201 ]]; then
		code=$(gw_post "$token" "$body" /api/v1/me/verification/confirmation '{}')
		[[ $code == 200 ]] || die "the demo face check: HTTP $code $(cat "$body")"
	elif [[ $code != 409 ]]; then
		die "the demo verification: HTTP $code $(cat "$body")"
	fi
	PGPASSWORD=$(secret PG_SUPERUSER_PASSWORD) psql -X -q -v ON_ERROR_STOP=1 -h "$VAR_DIR/run" \
		-p "$PG_PORT" -U "$(secret PG_SUPERUSER || echo postgres)" -d sme \
		-v uscc="$ENT_USCC" -v name="$ENT_NAME" -v admin="$pid" >/dev/null <<'SQL'
BEGIN;
INSERT INTO enterprise.enterprises (uscc, name, legal_rep_name, region_code, address, industry)
VALUES (:'uscc', :'name', '郑强', '430102', '长沙市芙蓉区五一大道 100 号', '制造业')
ON CONFLICT (uscc) DO NOTHING;
INSERT INTO enterprise.memberships (enterprise_id, person_id, role, state, reason, decided_at)
SELECT id, :'admin'::uuid, 'admin', 'active', 'demo data: first certifier', now()
  FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (enterprise_id, person_id) DO NOTHING;
INSERT INTO accounts.enterprise_memberships (person_id, enterprise_id, enterprise_name, role)
SELECT :'admin'::uuid, id, name, 'admin' FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (person_id, enterprise_id) DO NOTHING;
INSERT INTO notify.enterprise_memberships (person_id, enterprise_id, enterprise_name, role)
SELECT :'admin'::uuid, id, name, 'admin' FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (person_id, enterprise_id) DO NOTHING;
INSERT INTO certs.enterprise_memberships (person_id, enterprise_id, enterprise_name, role)
SELECT :'admin'::uuid, id, name, 'admin' FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (person_id, enterprise_id) DO NOTHING;
INSERT INTO payments.enterprise_memberships (person_id, enterprise_id, enterprise_name, role)
SELECT :'admin'::uuid, id, name, 'admin' FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (person_id, enterprise_id) DO NOTHING;
COMMIT;
SQL
}

main() {
	if [[ ${1:-} == admin ]]; then
		shift
		accounts_admin "$@"
		return
	fi
	(($# == 0)) || die "usage: bash deploy/local/demo-data.sh [admin ARGS...]"
	if [[ ! -x $BIN_DIR/accounts ]]; then
		say "accounts is not built: no demo accounts"
		return 0
	fi
	local person operator staff instadmin entadmin quoter log
	person=$(password_of person)
	operator=$(password_of operator)
	staff=$(password_of staff)
	instadmin=$(password_of inst_admin)
	quoter=$(password_of bill_quoter)
	entadmin=$(password_of ent_admin)
	log=$(mktemp "${TMPDIR:-/tmp}/demo-data.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -f '$log'" RETURN
	{
		accounts_admin create-person --phone "$PERSON_PHONE" --password "$person" \
			--name 张小明 --reset-password &&
			accounts_admin create-operator --phone "$OPERATOR_PHONE" --password "$operator" \
				--roles "$OPERATOR_ROLES" --name 王运营 --reset-password &&
			accounts_admin create-staff --phone "$STAFF_PHONE" --password "$staff" \
				--institution "$INSTITUTION" --name 李信贷 --reset-password &&
			accounts_admin create-person --phone "$INST_ADMIN_PHONE" --password "$instadmin" \
				--name 赵机构 --reset-password &&
			accounts_admin create-person --phone "$ENT_ADMIN_PHONE" --password "$entadmin" \
				--name 郑强 --reset-password &&
			accounts_admin create-person --phone "$BILL_QUOTER_PHONE" --password "$quoter" \
				--name 钱报价 --reset-password
	} >"$log" 2>&1 || {
		cat "$log" >&2
		die "creating the demo accounts failed"
	}
	[[ ${STACK_QUIET:-0} == 1 ]] || sed 's/^/demo-data: /' "$log"
	market_catalogue || die "loading the market's demo catalogue failed"
	market_staff "$operator"
	demo_enterprise "$entadmin"
	cat >"$OUT.tmp" <<EOF
# Demo accounts of this stack (deploy/local/demo-data.sh): log in with phone + password.
person    $PERSON_PHONE  $person  personal user 个人用户 (张小明)
operator  $OPERATOR_PHONE  $operator  platform operator 平台运营, roles $OPERATOR_ROLES
staff     $STAFF_PHONE  $staff  loan officer 信贷员 of 广发银行长沙分行 (market)
inst_admin  $INST_ADMIN_PHONE  $instadmin  institution admin 机构管理员 of 广发银行长沙分行 (market)
bill_quoter  $BILL_QUOTER_PHONE  $quoter  bill_quoter 商票报价员 of 湘江商票保理有限公司 (billfin)
ent_admin  $ENT_ADMIN_PHONE  $entadmin  enterprise admin 企业管理员 of $ENT_NAME (certified; 郑强, face-checked): applies for loans
EOF
	mv -f "$OUT.tmp" "$OUT"
	say "demo accounts in $OUT"
}

main "$@"
