/*
 * Idempotency keys (ARCHITECTURE.md "API conventions"): a creating or money-moving
 * request sent with `Idempotency-Key` has its effect once. The first request with a
 * key claims it; its successful response (status and packed body) is stored under
 * (principal, key) with the SHA-256 of the request; the same key and request later
 * get that response again, another request under the same key is a 409
 * (ST_IDEMPOTENCY_REUSED), and a request arriving while the first is still running
 * is a 409 (ST_IDEMPOTENCY_IN_PROGRESS). Keys live 24 hours. Rows live in the owning
 * service's own schema (idem_migration, a builtin migration of every service).
 *
 * svc.c calls idem_claim before a method flagged idempotent in its svc_api and
 * idem_finish after it; change_run marks the claim committed inside the handler's
 * transaction (idem_mark_committed), so a claim whose handler died before committing
 * can be taken again, and one whose effect committed never runs twice. The claiming
 * connection holds an advisory lock on the key until idem_finish: when it is gone (the
 * worker killed, its backend terminated) a retry takes the claim over at once; else a
 * claim is taken again only after IDEM_STALE_CLAIM_S. A dead claim whose change did
 * commit is settled as ST_IDEMPOTENCY_APPLIED (409 IDEMPOTENT_REQUEST_APPLIED): the
 * effect stands, its response died with the worker, the client must look, not resend.
 */
#ifndef COMMON_IDEM_H
#define COMMON_IDEM_H

#include "db.h"
#include "mem.h"

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

extern const db_migration idem_migration;

/* How long a key is remembered, and after how long an uncommitted claim (its
 * worker gone) may be taken again: longer than any request's deadline. */
#define IDEM_TTL_S         (24 * 3600)
#define IDEM_STALE_CLAIM_S 600

typedef struct idem_claim {
	const char *principal; /* "person:<id>", or "anonymous" */
	const char *key;
	char request_sha256[65];
	char claim_xid[24];    /* which claim of the key is ours (set by idem_claim_key) */
	int replay;            /* 1: answer with status and out below, run nothing */
	int status;            /* the stored status when replay */
	ProtobufCMessage *out; /* the stored response when replay (in the arena); may be NULL */
} idem_claim;

/*
 * The SHA-256 (hex) identifying a request under a key: method, the caller's
 * enterprise identity (the same body sent for another enterprise is another
 * request) and the packed body. out is NUL-terminated.
 */
void idem_request_hash(const char *method, const char *enterprise_id, const uint8_t *body,
                       size_t len, char out[65]);

/*
 * Claims key for principal (outside any transaction: the claim must be visible to a
 * concurrent request at once). c->principal, c->key and c->request_sha256 must be set.
 * Returns ST_OK with c->replay 0 (the caller runs the handler, then idem_finish), or
 * ST_OK with c->replay 1 and c->status, c->out (unpacked with out_desc into a) when the
 * key already holds a response for this request; ST_IDEMPOTENCY_REUSED when it holds
 * another request's; ST_IDEMPOTENCY_IN_PROGRESS while its first request runs; ST_DB.
 * Errors are set with status_err(…, "Idempotency-Key").
 */
int idem_claim_key(db_conn *db, arena *a, const ProtobufCMessageDescriptor *out_desc,
                   idem_claim *c);

/*
 * Ends a claim taken with c->replay 0: stores status and out (packed) when status is
 * ST_OK or ST_CREATED, else releases the key (an error changed nothing, so the same
 * key may be tried again, e.g. after a 503 or a corrected 400). A failure is logged,
 * not returned: the response already stands.
 */
void idem_finish(db_conn *db, const idem_claim *c, int status, const ProtobufCMessage *out,
                 const char *request_id);

/* Inside the handler's transaction: the claim's effect is being committed. Returns
 * ST_OK or ST_DB. */
int idem_mark_committed(db_conn *db, const idem_claim *c);

/* Deletes expired keys (at most limit rows); returns ST_OK or ST_DB. */
int idem_purge(db_conn *db, int limit);

#endif
