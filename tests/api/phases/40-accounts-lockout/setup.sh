# Accounts: lockout and its end, the lock of an unregistered phone, racing guesses,
# disabled and verified persons. What no API sets (a lock in the past, disabled,
# verified) is set with psql as the superuser; nothing shortens LOGIN_LOCKOUT_S.
# The persons come from the admin CLI (deploy/local/demo-data.sh admin ...), which
# prints their ids; the cases use them from the environment.
ACCOUNTS_SU=$(superuser_conninfo)
export ACCOUNTS_SU

# accounts_person PHONE [ARGS...]: creates (or resets) a person, prints its id.
accounts_person() {
	local phone=$1
	shift
	bash deploy/local/demo-data.sh admin create-person --phone "$phone" --password 'Passw0rd!Go' \
		--reset-password "$@" | sed -n 's/.*(person \([0-9a-f-]\{36\}\)).*/\1/p'
}

LOCK_ID=$(accounts_person 13900009001) &&
	RACE_ID=$(accounts_person 13900009002) &&
	DISABLED_ID=$(accounts_person 13900009003) &&
	VERIFIED_ID=$(accounts_person 13900009004 --name 钱认证) &&
	export LOCK_ID RACE_ID DISABLED_ID VERIFIED_ID &&
	[[ -n $LOCK_ID && -n $RACE_ID && -n $DISABLED_ID && -n $VERIFIED_ID ]]
