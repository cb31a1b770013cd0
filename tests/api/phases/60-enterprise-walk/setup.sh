# Phase 60-enterprise-walk: the enterprise side end to end through the real flow —
# registration, real-name verification (sandbox citizens 李秀英 and 陈静), registry look-up,
# certification with its four files, an operator's rejection with a reason, resubmission,
# approval, a second person joining, switching and acting for the enterprise, removal —
# and another enterprise kept out of the first one's files. check.sh reads the enterprise
# schema as the database superuser (WALK_PG_URL); fixture.sh makes the other enterprise.
WALK_PG_URL=$(superuser_conninfo) && export WALK_PG_URL
command -v psql >/dev/null 2>&1 || {
	log "# psql is not installed (postgresql-client)"
	false
}
