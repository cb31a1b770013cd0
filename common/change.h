/*
 * One way to change state: run a function inside one transaction, make guarded
 * changes in it, record each change (audit entry + optional outbox event), and end
 * the transaction in exactly one place. A handler reads
 *
 *     static int approve_tx(svc_ctx *ctx, void *arg)
 *     {
 *             struct approve *a = arg;
 *             int rv = change_guard(ctx, ST_CERT_DECIDED, NULL,
 *                                   "UPDATE … WHERE id = $1 AND state = 'submitted' "
 *                                   "RETURNING …", 1, v, &r);
 *             if (rv != ST_OK)
 *                     return rv;
 *             …
 *             rv = change_record(ctx, actor, subject, "x.approved",
 *                                json_pack("{s:s}", "uscc", uscc), &ev);
 *             PQclear(r);
 *             return rv;
 *     }
 *     …
 *     if ((rv = change_run(ctx, approve_tx, &a)) != ST_OK)
 *             return rv;
 *
 * Every function here sets the error detail with status_err() before returning an
 * error, so a caller returns the code as it is. None may be called while another
 * module's transaction is open, and fn never calls db_begin/db_commit/db_rollback.
 */
#ifndef COMMON_CHANGE_H
#define COMMON_CHANGE_H

#include "svc.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>

/* The body of a transaction; arg is the caller's. Returns ST_OK (or ST_CREATED) to
 * commit, anything else to roll back. */
typedef int (*change_fn)(svc_ctx *ctx, void *arg);

/*
 * Runs fn(ctx, arg) inside one transaction on ctx->db: BEGIN, fn, then COMMIT when fn
 * returned ST_OK or ST_CREATED, ROLLBACK otherwise. Everything fn wrote (rows, audit
 * entries, outbox events) is committed together or not at all. Returns fn's status
 * (its detail untouched), or, with the transaction rolled back: ST_DB when BEGIN
 * failed, ST_DB or ST_CONFLICT (serialization failure) when COMMIT failed, ST_INTERNAL
 * when a transaction was already open on ctx->db (not nestable). A result fn leaves
 * in arg (e.g. an id) is meaningful only when ST_OK/ST_CREATED came back. When the
 * request runs under an Idempotency-Key claim (ctx->idem), the claim is marked committed
 * in the same transaction (idem.h); a claim taken over meanwhile gives
 * ST_IDEMPOTENCY_IN_PROGRESS, rolled back.
 */
int change_run(svc_ctx *ctx, change_fn fn, void *arg);

/* An outbox event recorded with a change; published after commit. */
typedef struct change_event {
	const char *type;                /* "<source>.<noun>.<verb>" */
	const char *subject;             /* NULL: the audit entry's subject */
	const ProtobufCMessage *payload; /* NULL: none; packed before change_record returns */
} change_event;

/*
 * Records one change inside fn's transaction: the audit entry (actor "person:<id>",
 * subject "certification/<id>", action a stable verb) with detail rendered by
 * audit_detail() (NULL gives "{}"; never unmasked personal data), then, when ev is not
 * NULL, the outbox event. Takes detail (released whatever happens). Returns ST_OK or
 * ST_DB; the caller returns it so that change_run rolls back.
 */
int change_record(svc_ctx *ctx, const char *actor, const char *subject, const char *action,
                  json_t *detail, const change_event *ev);

/*
 * A guarded statement (`UPDATE … WHERE state = $expected`, usually with RETURNING):
 * ST_OK when it returned or touched at least one row, with *res (the caller
 * PQclear()s; res may be NULL). When it matched no row, the request lost a race or
 * met the record in another state: status_err(lost, field), lost being the caller's
 * 409 code (0 gives ST_CONFLICT). A failing statement gives status_err(ST_DB or
 * ST_CONFLICT, NULL). *res is NULL on every error.
 */
int change_guard(svc_ctx *ctx, int lost, const char *field, const char *sql, int n,
                 const char *const *vals, PGresult **res);
/* The same with binary parameters (lens, fmts as for db_query). */
int change_guard_query(svc_ctx *ctx, int lost, const char *field, const char *sql, int n,
                       const char *const *vals, const int *lens, const int *fmts, PGresult **res);

/*
 * Any other statement of the change: db_exec() whose failure is the request's failure.
 * ST_OK with *res (caller PQclear()s; res may be NULL), else status_err(ST_DB or
 * ST_CONFLICT, NULL) with *res NULL.
 */
int change_exec(svc_ctx *ctx, const char *sql, int n, const char *const *vals, PGresult **res);
/* The same with binary parameters (lens, fmts as for db_query). */
int change_query(svc_ctx *ctx, const char *sql, int n, const char *const *vals, const int *lens,
                 const int *fmts, PGresult **res);

/*
 * A statement that may break a unique constraint (an INSERT of something that must
 * exist once): a unique violation gives status_err(taken, field), e.g.
 * ST_CERT_EXISTS "uscc"; otherwise as change_guard_query without the row check.
 */
int change_unique(svc_ctx *ctx, int taken, const char *field, const char *sql, int n,
                  const char *const *vals, const int *lens, const int *fmts, PGresult **res);

/* Rows a statement's result returned (SELECT, RETURNING) or else touched (UPDATE,
 * DELETE, INSERT without RETURNING); 0 for NULL. */
long change_rows(const PGresult *r);

#endif
