/*
 * One way to answer a paged list (ARCHITECTURE.md "Lists"): validated page and
 * page_size with their LIMIT/OFFSET texts, a count query, a page query, and the list
 * message filled through its descriptor. A list message is any message with a
 * repeated message field `items`, an int32 `total` and, when paged, int32 `page` and
 * `page_size`; every part lives in ctx->arena.
 */
#ifndef COMMON_DBLIST_H
#define COMMON_DBLIST_H

#include "svc.h"

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>

/* A validated page: the SQL parameters limit ($n::int) and offset ($n::bigint) as text. */
typedef struct dblist_page {
	int page, size;
	char limit[16], offset[24];
} dblist_page;

/* One result row as an item of the list (ctx->arena), or NULL when it cannot be
 * made: the fill stops there (a callback with a code of its own keeps it in arg). */
typedef ProtobufCMessage *(*dblist_row_fn)(svc_ctx *ctx, const PGresult *r, int row, void *arg);

/*
 * validate_page() (page 1 and size 20 by default, size at most 100) and the
 * LIMIT/OFFSET texts into *out. ST_OK, or the code with status_err() naming "page"
 * or "page_size"; *out is set only on success.
 */
int dblist_page_init(int has_page, int page, int has_size, int size, dblist_page *out);

/* A message of type desc in ctx->arena, initialised and empty. */
ProtobufCMessage *dblist_new(svc_ctx *ctx, const ProtobufCMessageDescriptor *desc);

/*
 * Appends row(ctx, rows, i, arg) for every row of rows to list's items. ST_OK, or
 * ST_INTERNAL when list has no repeated message field items, row gave an item of
 * another type (detail set), or row gave NULL (the detail is the callback's: it
 * calls status_err() before); items made before that stay in list. rows is not cleared; NULL has no
 * rows.
 */
int dblist_fill(svc_ctx *ctx, ProtobufCMessage *list, const PGresult *rows, dblist_row_fn row,
                void *arg);

/* Sets total (clamped to 0..INT32_MAX) and, when pg is not NULL and the message has
 * them, page and page_size. */
void dblist_total(ProtobufCMessage *list, long long total, const dblist_page *pg);

/*
 * The whole list: count_sql (its first ncount of vals; one row, one column) gives
 * total, page_sql (npage of vals, the caller placing pg->limit and pg->offset among
 * them) gives the rows mapped by row. ST_OK with *out a list of type desc in
 * ctx->arena; else a code with its detail set (a failed statement: its code, field
 * NULL) and *out untouched.
 */
int dblist_query(svc_ctx *ctx, const ProtobufCMessageDescriptor *desc, const dblist_page *pg,
                 const char *count_sql, int ncount, const char *page_sql, int npage,
                 const char *const *vals, dblist_row_fn row, void *arg, ProtobufCMessage **out);

#endif
