# Puts the edited entry back as it was; the chain must then verify whole.
psql "$AUDIT_SU" -X -q -At -v ON_ERROR_STOP=1 -v actor="$AUDIT_ACTOR" -v seq="$AUDIT_SEQ" <<'SQL' &&
SET session_replication_role = replica;
UPDATE enterprise.audit_log SET actor = :'actor' WHERE seq = :'seq';
SQL
	DB_URL=$AUDIT_DB_URL "$BIN_DIR/enterprise" admin audit-verify | grep -qx 'enterprise: audit chain intact'
