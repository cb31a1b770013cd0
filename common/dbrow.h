/*
 * Reading a result row into a request: instants selected as RFC 3339 in China
 * Standard Time, nullable text columns and sealed (AES-GCM) bytea columns copied
 * into the request's arena.
 */
#ifndef COMMON_DBROW_H
#define COMMON_DBROW_H

#include "crypto.h"
#include "mem.h"
#include "svc.h"

#include <libpq-fe.h>

/* SQL text selecting timestamptz column col as "2026-01-02T03:04:05+08:00", the form
 * every response shows instants in; NULL stays NULL. */
#define DBROW_CST(col)                                                                             \
	"to_char(" col " AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"

/* The cell's text copied into a, or NULL when the cell is SQL NULL. */
char *dbrow_text(arena *a, const PGresult *r, int row, int col);

/*
 * Opens the cell, a bytea (text form "\x…") sealed with crypto_seal() under aad, into
 * *out in ctx->arena; *out is NULL for SQL NULL. ST_OK, or ST_INTERNAL (logged) when it
 * does not open. The plaintext is wiped from the heap; the arena copy lives until reply.
 */
int dbrow_open(svc_ctx *ctx, const crypto_keys *k, const PGresult *r, int row, int col,
               const char *aad, char **out);

#endif
