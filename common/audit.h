/*
 * The append-only, hash-chained audit log every service keeps in its own schema
 * (ARCHITECTURE.md "Security baseline"): who changed which record, how, and why.
 * Each row's hash is SHA-256 over the previous row's hash and the row's own
 * fields, so an edited or deleted row breaks the chain from there on.
 */
#ifndef COMMON_AUDIT_H
#define COMMON_AUDIT_H

#include "db.h"
#include "mem.h"

#include <jansson.h>

/* The table and its guard against UPDATE and DELETE; a builtin migration of every service. */
extern const db_migration audit_migration;

/*
 * Appends one entry inside the caller's open transaction (the chain is serialised by
 * a transaction-level advisory lock, released at commit). actor is who acted
 * ("person:<id>", "operator:<id>", "system"), subject the record ("person/<id>"),
 * action a stable verb ("person.registered"), detail a JSON object text or NULL.
 * Never put unmasked personal data in detail. Returns ST_OK or ST_DB.
 */
int audit_append(db_conn *db, const char *actor, const char *subject, const char *action,
                 const char *detail_json);

/* The compact JSON text of obj for audit_append's detail, in arena a; takes obj
 * (NULL, e.g. a failed json_pack, gives "{}"). */
const char *audit_detail(arena *a, json_t *obj);

/* Recomputes the chain: ST_OK when intact, ST_CONFLICT (with the first bad seq in
 * *bad_seq) when a row was altered, ST_DB on failure. */
int audit_verify(db_conn *db, long long *bad_seq);

#endif
