# Phase 55-half-written: no half-written state (issue 13, item 7). Faults are injected
# as the database superuser: a deferred constraint trigger (public.phase55_refuse) makes
# the COMMIT of one chosen change fail, for one phone only, so the cases see what a
# failed commit leaves behind; notify's faults are a Redis key of the wrong type and an
# SMS sink that cannot be written. Every request comes from 127.0.0.1: the SMS counter
# of that address is saved here and put back by teardown.sh.
# (`|| return 1` on each command: see 20-sms-limits/setup.sh.)
HW_SU=$(superuser_conninfo) && export HW_SU || return 1
command -v psql >/dev/null 2>&1 || {
	log "# psql is not installed (postgresql-client)"
	false
} || return 1
SMSCTL="bash tests/api/phases/20-sms-limits/smsctl.sh"
HW_PHONES="15955512345 15755599901 15955500077"
export SMSCTL HW_PHONES
HW_IP_BEFORE=$($SMSCTL get ip 127.0.0.1) || return 1
HW_IP_BEFORE_PTTL=$($SMSCTL pttl ip 127.0.0.1) || return 1
export HW_IP_BEFORE HW_IP_BEFORE_PTTL
$SMSCTL del ip 127.0.0.1 || return 1
$SMSCTL del gap $HW_PHONES || return 1
psql "$HW_SU" -X -q -v ON_ERROR_STOP=1 <<'SQL' || return 1
CREATE OR REPLACE FUNCTION public.phase55_refuse() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'phase 55: this commit is refused (fault injection)'; END $$;
SQL
