# Phase 70-audit-verify: `<daemon> admin audit-verify` walks the audit hash chain and
# names the first broken entry. The audit table refuses UPDATE through a trigger, so the
# edit is made as the database superuser with session_replication_role = replica (which
# skips ordinary triggers); teardown.sh puts the original value back and checks the chain
# is whole again. The entry edited is the enterprise schema's second, written by the
# cases before the phases.
AUDIT_SU=$(superuser_conninfo) && export AUDIT_SU
command -v psql >/dev/null 2>&1 || {
	log "# psql is not installed (postgresql-client)"
	false
}
audit_pw=$(secret ENTERPRISE_DB_PASSWORD) &&
	audit_pw=${audit_pw//\\/\\\\} &&
	AUDIT_DB_URL="host=$VAR_DIR/run port=$PG_PORT dbname=sme user=enterprise password='${audit_pw//\'/\\\'}'" &&
	export AUDIT_DB_URL &&
	AUDIT_SEQ=$(psql "$AUDIT_SU" -X -q -At -c \
		'SELECT seq FROM enterprise.audit_log ORDER BY seq LIMIT 1 OFFSET 1') &&
	AUDIT_ACTOR=$(psql "$AUDIT_SU" -X -q -At -c \
		"SELECT actor FROM enterprise.audit_log WHERE seq = ${AUDIT_SEQ:-0}") &&
	export AUDIT_SEQ AUDIT_ACTOR &&
	[[ -n $AUDIT_SEQ && -n $AUDIT_ACTOR ]]
