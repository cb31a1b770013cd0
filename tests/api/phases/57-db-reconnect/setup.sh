# Phase 57-db-reconnect: PostgreSQL terminates the services' connections (an
# administrator's pg_terminate_backend, a failover) and nobody notices (issue 22).
# libpq learns that a connection is gone only when a statement fails on it, so the
# first request on every worker used to fail with 500 DATABASE_ERROR, and the event
# publisher kept waiting for a NOTIFY on a connection that had forgotten its LISTEN.
# dbr.sh terminates the backends and reads the services' logs.
# (`|| return 1` on each command: see 20-sms-limits/setup.sh.)
DBR_SU=$(superuser_conninfo) && export DBR_SU || return 1
command -v psql >/dev/null 2>&1 || {
	log "# psql is not installed (postgresql-client)"
	false
} || return 1
DBR="bash tests/api/phases/57-db-reconnect/dbr.sh" && export DBR || return 1
