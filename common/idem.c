/* Idempotency keys: claim, replay, store (see idem.h). */
#include "idem.h"

#include "log.h"
#include "status.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* claim_xid is the id of the transaction that took the claim: a second claim of the
 * same row (after expiry or a dead worker) gets another, so the first one's late
 * writes match nothing. */
const db_migration idem_migration = {
        "000_common_idempotency",
        "CREATE TABLE idempotency (principal text NOT NULL, key text NOT NULL,"
        " request_sha256 text NOT NULL, status integer, response bytea,"
        " committed boolean NOT NULL DEFAULT false,"
        " claim_xid bigint NOT NULL DEFAULT txid_current(),"
        " created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (principal, key));"
        "CREATE INDEX idempotency_created ON idempotency (created_at);"};

void idem_request_hash(const char *method, const char *enterprise_id, const uint8_t *body,
                       size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;
	const char *ent = enterprise_id ? enterprise_id : "";
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	/* NUL separators: "a" + "bc" and "ab" + "c" must differ. */
	if (!h || EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(h, method, strlen(method) + 1) != 1 ||
	    EVP_DigestUpdate(h, ent, strlen(ent) + 1) != 1 ||
	    (len && EVP_DigestUpdate(h, body, len) != 1) || EVP_DigestFinal_ex(h, md, &mdlen) != 1)
		abort();
	EVP_MD_CTX_free(h);
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static int idem_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The stored row of a key already claimed: a replay, or why not. */
static int idem_existing(db_conn *db, arena *a, const ProtobufCMessageDescriptor *out_desc,
                         idem_claim *c, int *gone)
{
	PGresult *r = NULL;
	const char *vals[] = {c->principal, c->key};
	int rv = db_exec(db,
	                 "SELECT request_sha256, status, encode(response, 'hex') FROM idempotency"
	                 " WHERE principal = $1 AND key = $2",
	                 2, vals, &r);
	if (rv != ST_OK)
		return status_err(ST_DB, NULL);
	*gone = PQntuples(r) == 0;
	if (*gone)
		goto out;
	if (strcmp(PQgetvalue(r, 0, 0), c->request_sha256) != 0) {
		rv = status_err(ST_IDEMPOTENCY_REUSED, "Idempotency-Key");
		goto out;
	}
	if (PQgetisnull(r, 0, 1)) {
		status_set_retry_after(1);
		rv = status_err(ST_IDEMPOTENCY_IN_PROGRESS, "Idempotency-Key");
		goto out;
	}
	c->status = (int)strtol(PQgetvalue(r, 0, 1), NULL, 10);
	c->out = NULL;
	if (!PQgetisnull(r, 0, 2) && (c->status == ST_OK || c->status == ST_CREATED)) {
		const char *hx = PQgetvalue(r, 0, 2);
		size_t n = strlen(hx) / 2;
		uint8_t *buf = arena_alloc(a, n ? n : 1);
		for (size_t i = 0; i < n; i++)
			buf[i] =
			        (uint8_t)(idem_hexval(hx[2 * i]) << 4 | idem_hexval(hx[2 * i + 1]));
		ProtobufCAllocator al = arena_pb_allocator(a);
		c->out = protobuf_c_message_unpack(out_desc, &al, n, buf);
		if (!c->out) {
			rv = status_err(ST_INTERNAL, NULL);
			goto out;
		}
	}
	c->replay = 1;
out:
	PQclear(r);
	return rv;
}

/* The key's advisory lock, held by the claiming connection from claim to finish: while
 * it is held the claimer is alive; PostgreSQL drops it with the claimer's connection (a
 * worker killed, its backend terminated), which is how a retry knows the claim is dead.
 * 1 when this connection holds it now, else 0. Two keys hashing alike only make a
 * retry wait, never run twice (claim_xid decides who commits). */
static int idem_lock(db_conn *db, const idem_claim *c, int lock)
{
	PGresult *r = NULL;
	const char *vals[] = {c->principal, c->key};
	int got = 0;
	if (db_exec(db,
	            lock ? "SELECT pg_try_advisory_lock(hashtextextended($1 || ' ' || $2, 0))"
	                 : "SELECT pg_advisory_unlock(hashtextextended($1 || ' ' || $2, 0))",
	            2, vals, &r) == ST_OK)
		got = PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return got;
}

/* Takes over a claim nobody holds any more (its connection is gone): one that committed
 * nothing is ours to run (ST_OK with c->claim_xid set); one whose change committed but
 * whose claimer died before storing the response can never be answered as it was, so it
 * is settled as ST_IDEMPOTENCY_APPLIED (ST_OK with c->replay: the client learns the
 * request took effect, and that it must not send it again under a new key). Else
 * ST_IDEMPOTENCY_IN_PROGRESS. */
static int idem_take_over(db_conn *db, idem_claim *c)
{
	PGresult *r = NULL;
	char applied[16];
	snprintf(applied, sizeof applied, "%d", ST_IDEMPOTENCY_APPLIED);
	const char *vals[] = {c->principal, c->key, c->request_sha256, applied};
	if (idem_lock(db, c, 1)) {
		int rv = db_exec(
		        db,
		        "UPDATE idempotency SET claim_xid = txid_current(), created_at = now()"
		        " WHERE principal = $1 AND key = $2 AND request_sha256 = $3"
		        " AND status IS NULL AND NOT committed RETURNING claim_xid",
		        3, vals, &r);
		if (rv == ST_OK && PQntuples(r) == 1) {
			snprintf(c->claim_xid, sizeof c->claim_xid, "%s", PQgetvalue(r, 0, 0));
			PQclear(r);
			status_clear();
			return ST_OK;
		}
		PQclear(r);
		r = NULL;
		rv = db_exec(db,
		             "UPDATE idempotency SET status = $4::int"
		             " WHERE principal = $1 AND key = $2 AND request_sha256 = $3"
		             " AND status IS NULL AND committed RETURNING 1",
		             4, vals, &r);
		int settled = rv == ST_OK && PQntuples(r) == 1;
		PQclear(r);
		idem_lock(db, c, 0);
		if (settled) {
			status_clear();
			c->replay = 1;
			c->status = ST_IDEMPOTENCY_APPLIED;
			c->out = NULL;
			return ST_OK;
		}
	}
	status_set_retry_after(1);
	return status_err(ST_IDEMPOTENCY_IN_PROGRESS, "Idempotency-Key");
}

int idem_claim_key(db_conn *db, arena *a, const ProtobufCMessageDescriptor *out_desc, idem_claim *c)
{
	char ttl[16], stale[16];
	snprintf(ttl, sizeof ttl, "%d", IDEM_TTL_S);
	snprintf(stale, sizeof stale, "%d", IDEM_STALE_CLAIM_S);
	const char *vals[] = {c->principal, c->key, c->request_sha256, ttl, stale};
	c->replay = 0;
	c->claim_xid[0] = '\0';
	idem_purge(db, 16);
	/* Two rounds: a key released between our INSERT and SELECT is free again. */
	for (int round = 0; round < 2; round++) {
		PGresult *r = NULL;
		int gone = 0;
		/* A row older than the TTL is a new key; a claim whose worker died before
		 * committing anything may be taken again. */
		int rv = db_exec(
		        db,
		        "INSERT INTO idempotency (principal, key, request_sha256) VALUES ($1, $2, "
		        "$3)"
		        " ON CONFLICT (principal, key) DO UPDATE SET request_sha256 ="
		        " EXCLUDED.request_sha256, status = NULL, response = NULL, committed = "
		        "false,"
		        " claim_xid = txid_current(), created_at = now()"
		        " WHERE idempotency.created_at < now() - make_interval(secs => $4::int)"
		        " OR (idempotency.status IS NULL AND NOT idempotency.committed"
		        " AND idempotency.created_at < now() - make_interval(secs => $5::int))"
		        " RETURNING claim_xid",
		        5, vals, &r);
		if (rv != ST_OK)
			return status_err(ST_DB, NULL);
		if (PQntuples(r) == 1) {
			snprintf(c->claim_xid, sizeof c->claim_xid, "%s", PQgetvalue(r, 0, 0));
			PQclear(r);
			idem_lock(db, c, 1);
			return ST_OK;
		}
		PQclear(r);
		rv = idem_existing(db, a, out_desc, c, &gone);
		if (rv == ST_IDEMPOTENCY_IN_PROGRESS)
			return idem_take_over(db, c);
		if (rv != ST_OK || !gone)
			return rv;
	}
	status_set_retry_after(1);
	return status_err(ST_IDEMPOTENCY_IN_PROGRESS, "Idempotency-Key");
}

void idem_finish(db_conn *db, const idem_claim *c, int status, const ProtobufCMessage *out,
                 const char *request_id)
{
	char st[16];
	snprintf(st, sizeof st, "%d", status);
	int ok = status == ST_OK || status == ST_CREATED;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rv;
	if (ok && out) {
		len = protobuf_c_message_get_packed_size(out);
		buf = malloc(len ? len : 1);
		if (!buf)
			abort();
		protobuf_c_message_pack(out, buf);
	}
	const char *vals[] = {c->principal, c->key, c->claim_xid, st, (const char *)buf};
	const int lens[] = {0, 0, 0, 0, (int)len};
	const int fmts[] = {0, 0, 0, 0, 1};
	/* An error that committed nothing is forgotten, so the key can be tried again; one
	 * that came after its change committed is kept, so a retry cannot run it twice. */
	rv = db_query(db,
	              "WITH d AS (DELETE FROM idempotency WHERE principal = $1 AND key = $2"
	              " AND claim_xid = $3::bigint AND NOT committed AND $4::int NOT IN (0, 1)"
	              " RETURNING 1)"
	              " UPDATE idempotency SET status = $4::int, response = $5::bytea"
	              " WHERE principal = $1 AND key = $2 AND claim_xid = $3::bigint"
	              " AND NOT EXISTS (SELECT 1 FROM d)",
	              5, vals, lens, fmts, 0, NULL);
	if (rv != ST_OK)
		log_kv(LOGL_WARN, request_id, "idempotency key not stored", NULL);
	idem_lock(db, c, 0);
	free(buf);
}

int idem_mark_committed(db_conn *db, const idem_claim *c)
{
	PGresult *r = NULL;
	const char *vals[] = {c->principal, c->key, c->claim_xid};
	int rv = db_exec(db,
	                 "UPDATE idempotency SET committed = true WHERE principal = $1 AND key = $2"
	                 " AND claim_xid = $3::bigint",
	                 3, vals, &r);
	if (rv != ST_OK)
		return status_err(ST_DB, NULL);
	long n = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	/* Our claim was taken over (it had gone stale): the other request owns the key now. */
	if (n == 0) {
		status_set_retry_after(1);
		return status_err(ST_IDEMPOTENCY_IN_PROGRESS, "Idempotency-Key");
	}
	return ST_OK;
}

int idem_purge(db_conn *db, int limit)
{
	char lim[16], ttl[16];
	snprintf(lim, sizeof lim, "%d", limit);
	snprintf(ttl, sizeof ttl, "%d", IDEM_TTL_S);
	const char *vals[] = {ttl, lim};
	return db_exec(db,
	               "DELETE FROM idempotency WHERE ctid IN (SELECT ctid FROM idempotency"
	               " WHERE created_at < now() - make_interval(secs => $1::int) LIMIT $2::int)",
	               2, vals, NULL);
}
