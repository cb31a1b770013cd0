# Phase 50-kyc-storage: personal numbers of real-name verification are stored only
# sealed. The cases read the accounts schema as the database superuser (check.sh) after
# tests/api/cases/verification.json has stored verified, failed and pending rows.
KYC_PG_URL=$(superuser_conninfo) && export KYC_PG_URL
command -v psql >/dev/null 2>&1 || {
	log "# psql is not installed (postgresql-client)"
	false
}
