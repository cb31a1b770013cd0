/* The hash-chained audit log (see audit.h). */
#include "audit.h"

#include "status.h"

#include <stdlib.h>
#include <string.h>

/* The hash is computed in SQL so that writer and verifier share one definition. */
#define AUDIT_ROW_HASH                                                                             \
	"encode(sha256(convert_to(coalesce(p.prev, '') || '|' || a.seq || '|' || "                 \
	"to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '|' || a.actor || "   \
	"'|' || a.subject || '|' || a.action || '|' || coalesce(a.detail::text, ''), 'UTF8')), "   \
	"'hex')"

const db_migration audit_migration = {
        "000_common_audit",
        "CREATE TABLE audit_log (seq bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(),"
        " actor text NOT NULL, subject text NOT NULL, action text NOT NULL, detail jsonb,"
        " prev_hash text, hash text NOT NULL);"
        "CREATE INDEX audit_log_subject ON audit_log (subject, seq);"
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;"
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log"
        " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();"};

int audit_append(db_conn *db, const char *actor, const char *subject, const char *action,
                 const char *detail_json)
{
	/* One writer at a time per schema: the chain needs the previous row. */
	int rv = db_exec(db, "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit'))",
	                 0, NULL, NULL);
	if (rv != ST_OK)
		return rv;
	const char *vals[] = {actor, subject, action, detail_json};
	return db_exec(
	        db,
	        "WITH p AS (SELECT (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS prev,"
	        " coalesce((SELECT max(seq) FROM audit_log), 0) + 1 AS seq),"
	        " a AS (SELECT p.seq, now() AS at, $1::text AS actor, $2::text AS subject,"
	        " $3::text AS action, $4::jsonb AS detail FROM p)"
	        " INSERT INTO audit_log (seq, at, actor, subject, action, detail, prev_hash, hash)"
	        " SELECT a.seq, a.at, a.actor, a.subject, a.action, a.detail, "
	        "p.prev, " AUDIT_ROW_HASH " FROM a, p",
	        4, vals, NULL);
}

const char *audit_detail(arena *a, json_t *obj)
{
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	const char *copy = arena_strdup(a, text ? text : "{}");
	free(text);
	json_decref(obj);
	return copy;
}

int audit_verify(db_conn *db, long long *bad_seq)
{
	PGresult *res = NULL;
	int rv = db_exec(db,
	                 "SELECT a.seq FROM (SELECT seq, at, actor, subject, action, detail, hash,"
	                 " lag(hash) OVER (ORDER BY seq) AS prev_real, prev_hash FROM audit_log) a,"
	                 " LATERAL (SELECT a.prev_real AS prev) p"
	                 " WHERE a.hash <> " AUDIT_ROW_HASH
	                 " OR a.prev_hash IS DISTINCT FROM a.prev_real ORDER BY a.seq LIMIT 1",
	                 0, NULL, &res);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(res) > 0) {
		*bad_seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		rv = ST_CONFLICT;
	}
	PQclear(res);
	return rv;
}
