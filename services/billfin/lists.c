/*
 * The lists: the enterprise's orders with manual 000's filters (application date range,
 * acceptor keyword, face amount range) newest first, and the funder's and the operators'
 * queues oldest first. Each answers in ONE statement, so the per-state counts and the page
 * come from the same snapshot: the filtered rows once (f), their counts (c), the page.
 */
#include "billfin.h"
#include "orders.h"

#include "dblist.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* $1 enterprise, $2 funder, $3 operator, $4 from, $5 to, $6 keyword, $7 face min, $8 face
 * max, $9 state, $10 the states a queue awaits (NULL: all), $11 limit, $12 offset. */
#define LIST_SQL(order)                                                                            \
	"WITH f AS MATERIALIZED (SELECT o.* FROM orders o WHERE" BILLFIN_SCOPE_SQL                 \
	" AND ($4::date IS NULL OR o.created_at >= $4::date::timestamp AT TIME ZONE "              \
	"'Asia/Shanghai')"                                                                         \
	" AND ($5::date IS NULL OR o.created_at < ($5::date + 1)::timestamp AT TIME ZONE "         \
	"'Asia/Shanghai')"                                                                         \
	" AND ($6::text IS NULL OR strpos(o.acceptor_name, $6) > 0)"                               \
	" AND ($7::bigint IS NULL OR o.face_fen >= $7::bigint)"                                    \
	" AND ($8::bigint IS NULL OR o.face_fen <= $8::bigint)),"                                  \
	" c AS (SELECT coalesce(json_object_agg(state, n), '{}')::text AS j FROM"                  \
	" (SELECT state, count(*) AS n FROM f GROUP BY state) s)"                                  \
	" SELECT p.*, c.j FROM c LEFT JOIN LATERAL (SELECT " ORDERS_COLS " FROM f o"               \
	" WHERE ($9::text IS NULL OR o.state = $9) AND ($10::text[] IS NULL OR"                    \
	" o.state = ANY($10::text[])) ORDER BY " order " LIMIT $11::int OFFSET $12::bigint) p"     \
	" ON true"

static const char *const list_newest = LIST_SQL("o.created_at DESC, o.no DESC");
static const char *const list_oldest = LIST_SQL("o.created_at, o.no");

static const char *const states[] = {"quoting",    "confirming", "reviewing", "endorsing",
                                     "disbursing", "completed",  "closed"};

static int state_valid(const char *s)
{
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i], s) == 0)
			return 1;
	return 0;
}

static void counts_set(Billfin__BillOrderCounts *c, const char *state, int n)
{
	int32_t *t[] = {&c->quoting,    &c->confirming, &c->reviewing, &c->endorsing,
	                &c->disbursing, &c->completed,  &c->closed};
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i], state) == 0)
			*t[i] = n;
}

/* awaiting: a Postgres array of states a queue shows by default, or NULL (all). */
static int list_run(svc_ctx *ctx, const billfin_scope *sc,
                    const Billfin__ListBillOrdersRequest *req, const char *awaiting,
                    int newest_first, ProtobufCMessage **out)
{
	const char *state = NULL, *q = NULL, *from = NULL, *to = NULL;
	char min[24], max[24];
	dblist_page pg;
	PGresult *r = NULL;
	int rv;
	if ((rv = dblist_page_init(req->has_page, req->page, req->has_page_size, req->page_size,
	                           &pg)) != ST_OK)
		return rv;
	if (req->state && *req->state) {
		if (!state_valid(req->state))
			return status_err(ST_BILL_STATE_FILTER, "state");
		state = req->state;
	}
	if (req->date_from && *req->date_from) {
		if ((rv = validate_date(req->date_from)) != 0)
			return status_err(rv, "date_from");
		from = req->date_from;
	}
	if (req->date_to && *req->date_to) {
		if ((rv = validate_date(req->date_to)) != 0)
			return status_err(rv, "date_to");
		to = req->date_to;
	}
	if (req->q && *req->q) {
		if ((rv = validate_text(req->q, 50)) != 0)
			return status_err(rv, "q");
		q = req->q;
	}
	if (req->has_face_min_fen && validate_amount_fen(req->face_min_fen) != 0)
		return status_err(ST_FIELD_RANGE, "face_min_fen");
	if (req->has_face_max_fen && validate_amount_fen(req->face_max_fen) != 0)
		return status_err(ST_FIELD_RANGE, "face_max_fen");
	if (req->has_face_min_fen && req->has_face_max_fen && req->face_min_fen > req->face_max_fen)
		return status_err(ST_BILL_AMOUNT_RANGE, "face_min_fen");
	snprintf(min, sizeof min, "%lld", (long long)req->face_min_fen);
	snprintf(max, sizeof max, "%lld", (long long)req->face_max_fen);
	const char *v[] = {sc->enterprise_id,
	                   sc->funder_id,
	                   sc->operator? "true" : NULL,
	                   from,
	                   to,
	                   q,
	                   req->has_face_min_fen ? min : NULL,
	                   req->has_face_max_fen ? max : NULL,
	                   state,
	                   state ? NULL : awaiting,
	                   pg.limit,
	                   pg.offset};
	if ((rv = db_exec(ctx->db, newest_first ? list_newest : list_oldest, 12, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	Billfin__BillOrderList *l =
	        (Billfin__BillOrderList *)dblist_new(ctx, &billfin__bill_order_list__descriptor);
	Billfin__BillOrderCounts *c = arena_alloc(ctx->arena, sizeof *c);
	billfin__bill_order_counts__init(c);
	c->has_all = c->has_quoting = c->has_confirming = c->has_reviewing = 1;
	c->has_endorsing = c->has_disbursing = c->has_completed = c->has_closed = 1;
	int n = PQntuples(r), total = 0;
	json_t *j = n > 0 ? json_loads(PQgetvalue(r, 0, OC_NCOLS), 0, NULL) : NULL;
	const char *k;
	json_t *val;
	json_object_foreach(j, k, val)
	{
		int cnt = (int)json_integer_value(val);
		counts_set(c, k, cnt);
		c->all += cnt;
		if (state ? strcmp(state, k) == 0 : !awaiting || strstr(awaiting, k) != NULL)
			total += cnt;
	}
	json_decref(j);
	l->items = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *l->items);
	for (int i = 0; i < n; i++)
		if (!PQgetisnull(r, i, OC_ID))
			l->items[l->n_items++] = orders_from_row(ctx, r, i, sc->operator);
	PQclear(r);
	dblist_total(&l->base, total, &pg);
	l->counts = c;
	*out = &l->base;
	return ST_OK;
}

int billfin_list_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	billfin_enterprise who;
	int rv;
	if ((rv = billfin_enterprise_caller(ctx, &who)) != ST_OK)
		return rv;
	billfin_scope sc = {who.enterprise_id, NULL, 0};
	return list_run(ctx, &sc, (const Billfin__ListBillOrdersRequest *)in, NULL, 1, out);
}

int billfin_list_funder(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	billfin_funder f;
	int rv;
	if ((rv = billfin_funder_caller(ctx, &f)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, f.institution_id, 0};
	/* What awaits a funder: a quote, a re-quote, a payment. */
	return list_run(ctx, &sc, (const Billfin__ListBillOrdersRequest *)in,
	                "{quoting,confirming,disbursing}", 0, out);
}

int billfin_list_operator(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	static const char *const roles[] = {"quoter", "reviewer", "finance", "admin", NULL};
	const char *pid = NULL;
	int rv;
	if ((rv = billfin_operator_caller(ctx, roles, &pid)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, NULL, 1};
	/* What awaits operators: quotes (orders to any funder), reviews, payments. */
	return list_run(ctx, &sc, (const Billfin__ListBillOrdersRequest *)in,
	                "{quoting,reviewing,disbursing}", 0, out);
}
