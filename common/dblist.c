/* A paged list answered one way: page, count, rows, and the list message filled
 * through its descriptor, so no handler repeats the steps for its own type. */
#include "dblist.h"

#include "mem.h"
#include "status.h"
#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int dblist_page_init(int has_page, int page, int has_size, int size, dblist_page *out)
{
	const char *field = NULL;
	int p, s, rv;
	if ((rv = validate_page(has_page, page, has_size, size, &p, &s, &field)) != 0)
		return status_err(rv, field);
	out->page = p;
	out->size = s;
	snprintf(out->limit, sizeof out->limit, "%d", s);
	snprintf(out->offset, sizeof out->offset, "%lld", (long long)(p - 1) * s);
	return ST_OK;
}

ProtobufCMessage *dblist_new(svc_ctx *ctx, const ProtobufCMessageDescriptor *desc)
{
	ProtobufCMessage *m = arena_alloc(ctx->arena, desc->sizeof_message);
	desc->message_init(m);
	return m;
}

static void *member_at(ProtobufCMessage *m, unsigned off) { return (char *)m + off; }

/* Sets an int32 field by name when the message has it, with its has_ flag. */
static void set_int32(ProtobufCMessage *m, const char *name, int32_t v)
{
	const ProtobufCFieldDescriptor *f =
	        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
	if (!f || f->type != PROTOBUF_C_TYPE_INT32 || f->label == PROTOBUF_C_LABEL_REPEATED)
		return;
	*(int32_t *)member_at(m, f->offset) = v;
	if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset)
		*(protobuf_c_boolean *)member_at(m, f->quantifier_offset) = 1;
}

int dblist_fill(svc_ctx *ctx, ProtobufCMessage *list, const PGresult *rows, dblist_row_fn row,
                void *arg)
{
	const ProtobufCFieldDescriptor *f =
	        protobuf_c_message_descriptor_get_field_by_name(list->descriptor, "items");
	if (!f || f->label != PROTOBUF_C_LABEL_REPEATED || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return status_err(ST_INTERNAL, NULL);
	size_t *n_items = member_at(list, f->quantifier_offset);
	ProtobufCMessage ***items = member_at(list, f->offset);
	size_t n = rows ? (size_t)PQntuples(rows) : 0;
	/* Room for what is there already and the new rows; never a zero-size block. */
	ProtobufCMessage **grown = arena_alloc(ctx->arena, (*n_items + n + 1) * sizeof *grown);
	for (size_t i = 0; i < *n_items; i++)
		grown[i] = (*items)[i];
	*items = grown;
	for (size_t i = 0; i < n; i++) {
		ProtobufCMessage *item = row(ctx, rows, (int)i, arg);
		/* The callback that gave NULL set the detail it had. */
		if (!item)
			return ST_INTERNAL;
		if (item->descriptor != f->descriptor)
			return status_err(ST_INTERNAL, NULL);
		grown[(*n_items)++] = item;
	}
	return ST_OK;
}

void dblist_total(ProtobufCMessage *list, long long total, const dblist_page *pg)
{
	set_int32(list, "total", total < 0 ? 0 : total > INT32_MAX ? INT32_MAX : (int32_t)total);
	if (!pg)
		return;
	set_int32(list, "page", pg->page);
	set_int32(list, "page_size", pg->size);
}

int dblist_query(svc_ctx *ctx, const ProtobufCMessageDescriptor *desc, const dblist_page *pg,
                 const char *count_sql, int ncount, const char *page_sql, int npage,
                 const char *const *vals, dblist_row_fn row, void *arg, ProtobufCMessage **out)
{
	PGresult *r = NULL;
	int rv;
	if ((rv = db_exec(ctx->db, count_sql, ncount, vals, &r)) != ST_OK)
		return status_err(rv, NULL);
	long long total = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	r = NULL;
	if ((rv = db_exec(ctx->db, page_sql, npage, vals, &r)) != ST_OK)
		return status_err(rv, NULL);
	ProtobufCMessage *list = dblist_new(ctx, desc);
	if ((rv = dblist_fill(ctx, list, r, row, arg)) != ST_OK)
		goto out;
	dblist_total(list, total, pg);
	*out = list;
out:
	PQclear(r);
	return rv;
}
