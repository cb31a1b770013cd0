/* One transaction per change, its audit entry and event, guarded statements (see change.h). */
#include "change.h"

#include "audit.h"
#include "events.h"
#include "idem.h"
#include "log.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

static int change_ok(int rv) { return rv == ST_OK || rv == ST_CREATED; }

int change_run(svc_ctx *ctx, change_fn fn, void *arg)
{
	int rv, crv;
	if (PQtransactionStatus(db_pg(ctx->db)) == PQTRANS_INTRANS) {
		/* A nested change would commit its caller's half-done work. */
		log_kv(LOGL_ERROR, ctx->request_id, "change_run inside an open transaction", NULL);
		return status_err(ST_INTERNAL, NULL);
	}
	if ((rv = db_begin(ctx->db)) != ST_OK) {
		rv = status_err(ST_DB, NULL);
		goto fail;
	}
	rv = fn(ctx, arg);
	if (!change_ok(rv))
		goto fail;
	/* The key's request has an effect from this commit on: never run it again. */
	if (ctx->idem && (crv = idem_mark_committed(ctx->db, ctx->idem)) != ST_OK) {
		rv = crv;
		goto fail;
	}
	if ((crv = db_commit(ctx->db)) != ST_OK) {
		rv = status_err(crv, NULL);
		goto fail;
	}
	return rv;
fail:
	db_rollback(ctx->db);
	return rv;
}

int change_record(svc_ctx *ctx, const char *actor, const char *subject, const char *action,
                  json_t *detail, const change_event *ev)
{
	int rv = audit_append(ctx->db, actor, subject, action, audit_detail(ctx->arena, detail));
	if (rv == ST_OK && ev)
		rv = events_append(ctx->db, ev->type, ev->subject ? ev->subject : subject,
		                   ev->payload);
	return rv == ST_OK ? ST_OK : status_err(rv, NULL);
}

long change_rows(const PGresult *r)
{
	if (!r)
		return 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		return PQntuples(r);
	/* PQcmdTuples takes a non-const result but only reads it. */
	const char *n = PQcmdTuples((PGresult *)r);
	return n && *n ? strtol(n, NULL, 10) : 0;
}

int change_guard_query(svc_ctx *ctx, int lost, const char *field, const char *sql, int n,
                       const char *const *vals, const int *lens, const int *fmts, PGresult **res)
{
	PGresult *r = NULL;
	if (res)
		*res = NULL;
	int rv = db_query(ctx->db, sql, n, vals, lens, fmts, 0, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (change_rows(r) == 0) {
		PQclear(r);
		return status_err(lost ? lost : ST_CONFLICT, field);
	}
	if (res)
		*res = r;
	else
		PQclear(r);
	return ST_OK;
}

int change_guard(svc_ctx *ctx, int lost, const char *field, const char *sql, int n,
                 const char *const *vals, PGresult **res)
{
	return change_guard_query(ctx, lost, field, sql, n, vals, NULL, NULL, res);
}

int change_query(svc_ctx *ctx, const char *sql, int n, const char *const *vals, const int *lens,
                 const int *fmts, PGresult **res)
{
	int rv = db_query(ctx->db, sql, n, vals, lens, fmts, 0, res);
	return rv == ST_OK ? ST_OK : status_err(rv, NULL);
}

int change_exec(svc_ctx *ctx, const char *sql, int n, const char *const *vals, PGresult **res)
{
	return change_query(ctx, sql, n, vals, NULL, NULL, res);
}

int change_unique(svc_ctx *ctx, int taken, const char *field, const char *sql, int n,
                  const char *const *vals, const int *lens, const int *fmts, PGresult **res)
{
	int rv = db_query(ctx->db, sql, n, vals, lens, fmts, 0, res);
	if (rv == ST_CONFLICT && strcmp(db_last_sqlstate(), "23505") == 0)
		return status_err(taken, field);
	return rv == ST_OK ? ST_OK : status_err(rv, NULL);
}
