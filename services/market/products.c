/*
 * Products: an institution's inst_admin creates drafts, edits them, publishes them and
 * takes them offline; anyone reads a published product (GET /products/{id}). An edit of
 * a published product changes the product only: a demand keeps the terms it was
 * submitted under (copied into it). Money in fen, rates in basis points.
 */
#include "catalogue.h"

#include "change.h"
#include "dbrow.h"
#include "market.pb-c.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 20
#define TERM_MAX 600

ProtobufCMessage *market_product_row(svc_ctx *ctx, const PGresult *res, int row, void *arg)
{
	(void)arg;
	return &market_product_from_row(ctx, res, row)->base;
}

Market__Product *market_product_from_row(svc_ctx *ctx, const PGresult *res, int row)
{
	Market__Product *p = arena_alloc(ctx->arena, sizeof *p);
	market__product__init(p);
	p->id = dbrow_text(ctx->arena, res, row, 0);
	p->institution_id = dbrow_text(ctx->arena, res, row, 1);
	p->institution_name = dbrow_text(ctx->arena, res, row, 2);
	p->institution_logo_url = dbrow_text(ctx->arena, res, row, 3);
	p->institution_kind = dbrow_text(ctx->arena, res, row, 4);
	p->name = dbrow_text(ctx->arena, res, row, 5);
	p->state = dbrow_text(ctx->arena, res, row, 6);
	p->has_rate_min_bp = p->has_rate_max_bp = p->has_amount_min_fen = p->has_amount_max_fen =
	        p->has_term_min = p->has_term_max = 1;
	p->rate_min_bp = (int32_t)strtol(PQgetvalue(res, row, 7), NULL, 10);
	p->rate_max_bp = (int32_t)strtol(PQgetvalue(res, row, 8), NULL, 10);
	p->amount_min_fen = strtoll(PQgetvalue(res, row, 9), NULL, 10);
	p->amount_max_fen = strtoll(PQgetvalue(res, row, 10), NULL, 10);
	p->term_min = (int32_t)strtol(PQgetvalue(res, row, 11), NULL, 10);
	p->term_max = (int32_t)strtol(PQgetvalue(res, row, 12), NULL, 10);
	p->term_unit = dbrow_text(ctx->arena, res, row, 13);
	market_json_strings(ctx, PQgetvalue(res, row, 14), &p->guarantees, &p->n_guarantees);
	market_json_strings(ctx, PQgetvalue(res, row, 15), &p->target_regions,
	                    &p->n_target_regions);
	market_json_strings(ctx, PQgetvalue(res, row, 16), &p->target_industries,
	                    &p->n_target_industries);
	market_json_strings(ctx, PQgetvalue(res, row, 17), &p->features, &p->n_features);
	p->description = dbrow_text(ctx->arena, res, row, 18);
	market_json_strings(ctx, PQgetvalue(res, row, 19), &p->required_materials,
	                    &p->n_required_materials);
	p->published_at = dbrow_text(ctx->arena, res, row, 20);
	p->created_at = dbrow_text(ctx->arena, res, row, 21);
	p->updated_at = dbrow_text(ctx->arena, res, row, 22);
	return p;
}

/* The product (of institution inst, or published when inst is NULL), or ST_NOT_FOUND. */
static int product_load(svc_ctx *ctx, const char *id, const char *inst, Market__Product **out)
{
	PGresult *res = NULL;
	int rv;
	if (!id || !validate_uuid(id))
		return status_err(ST_NOT_FOUND, NULL);
	const char *vals[] = {id, inst};
	if ((rv = db_exec(ctx->db,
	                  "SELECT " MARKET_PRODUCT_COLS " FROM products p JOIN institutions i"
	                  " ON i.id = p.institution_id WHERE p.id = $1::uuid AND ($2::uuid IS NULL"
	                  " AND p.state = 'published' OR p.institution_id = $2::uuid)",
	                  2, vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1)
		rv = status_err(ST_NOT_FOUND, NULL);
	else
		*out = market_product_from_row(ctx, res, 0);
	PQclear(res);
	return rv;
}

int market_product_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	Market__Product *p = NULL;
	int rv = product_load(ctx, ((const Market__ProductRef *)in)->id, NULL, &p);
	if (rv == ST_OK)
		*out = &p->base;
	return rv;
}

int market_inst_product_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	market_staff me;
	Market__Product *p = NULL;
	int rv = market_staff_caller(ctx, NULL, &me);
	if (rv == ST_OK)
		rv = product_load(ctx, ((const Market__ProductRef *)in)->id, me.institution_id, &p);
	if (rv == ST_OK)
		*out = &p->base;
	return rv;
}

/* ---- validation ----------------------------------------------------------------------- */

static int list_ok(char *const *items, size_t n, size_t max_chars, const char *field)
{
	if (n > LIST_MAX)
		return status_err(ST_TOO_MANY_ITEMS, field);
	for (size_t i = 0; i < n; i++) {
		int rv = items[i][0] ? validate_text(items[i], max_chars) : ST_FIELD_REQUIRED;
		if (rv != 0)
			return status_err(rv, field);
	}
	return ST_OK;
}

static int digits(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9')
			return 0;
	return (int)n;
}

/* The whole product as it will be stored (a PATCH merged over the stored one first). */
static int product_validate(const Market__Product *p)
{
	static const char *const guarantees[] = {"信用", "抵押", "保证", "质押"};
	int rv;
	if ((rv = market_text(p->name, 100, 1, "name")) != ST_OK)
		return rv;
	if (!p->has_rate_min_bp)
		return status_err(ST_FIELD_REQUIRED, "rate_min_bp");
	if (p->rate_min_bp < 1 || p->rate_min_bp > 10000)
		return status_err(ST_RATE_INVALID, "rate_min_bp");
	if (p->rate_max_bp < p->rate_min_bp || p->rate_max_bp > 10000)
		return status_err(ST_RATE_INVALID, "rate_max_bp");
	if (!p->has_amount_min_fen)
		return status_err(ST_FIELD_REQUIRED, "amount_min_fen");
	if (!p->has_amount_max_fen)
		return status_err(ST_FIELD_REQUIRED, "amount_max_fen");
	if (p->amount_min_fen < 1 || validate_amount_fen(p->amount_min_fen) != 0)
		return status_err(ST_AMOUNT_RANGE_INVALID, "amount_min_fen");
	if (p->amount_max_fen < p->amount_min_fen || validate_amount_fen(p->amount_max_fen) != 0)
		return status_err(ST_AMOUNT_RANGE_INVALID, "amount_max_fen");
	if (!p->has_term_min)
		return status_err(ST_FIELD_REQUIRED, "term_min");
	if (!p->has_term_max)
		return status_err(ST_FIELD_REQUIRED, "term_max");
	if (p->term_min < 1 || p->term_min > TERM_MAX)
		return status_err(ST_TERM_RANGE_INVALID, "term_min");
	if (p->term_max < p->term_min || p->term_max > TERM_MAX)
		return status_err(ST_TERM_RANGE_INVALID, "term_max");
	if (!p->term_unit || !*p->term_unit)
		return status_err(ST_FIELD_REQUIRED, "term_unit");
	if (strcmp(p->term_unit, "月") != 0 && strcmp(p->term_unit, "年") != 0)
		return status_err(ST_TERM_UNIT_INVALID, "term_unit");
	if (p->n_guarantees == 0)
		return status_err(ST_FIELD_REQUIRED, "guarantees");
	if (p->n_guarantees > 4)
		return status_err(ST_GUARANTEE_INVALID, "guarantees");
	for (size_t i = 0; i < p->n_guarantees; i++) {
		int ok = 0;
		for (size_t k = 0; k < 4; k++)
			ok |= strcmp(p->guarantees[i], guarantees[k]) == 0;
		if (!ok)
			return status_err(ST_GUARANTEE_INVALID, "guarantees");
	}
	if (p->n_target_regions > LIST_MAX)
		return status_err(ST_TOO_MANY_ITEMS, "target_regions");
	for (size_t i = 0; i < p->n_target_regions; i++) {
		int n = digits(p->target_regions[i]);
		if (n != 2 && n != 4 && n != 6)
			return status_err(ST_REGION_CODE_INVALID, "target_regions");
	}
	if (p->n_target_industries > LIST_MAX)
		return status_err(ST_TOO_MANY_ITEMS, "target_industries");
	for (size_t i = 0; i < p->n_target_industries; i++) {
		const char *s = p->target_industries[i];
		if (strlen(s) != 1 || s[0] < 'A' || s[0] > 'T')
			return status_err(ST_INDUSTRY_INVALID, "target_industries");
	}
	if ((rv = list_ok(p->features, p->n_features, 20, "features")) != ST_OK ||
	    (rv = list_ok(p->required_materials, p->n_required_materials, 100,
	                  "required_materials")) != ST_OK ||
	    (rv = market_text(p->description, 5000, 0, "description")) != ST_OK)
		return rv;
	return ST_OK;
}

/* The form over p: present fields replace (a repeated field when it has items). */
static void product_merge(Market__Product *p, const Market__ProductForm *f)
{
	if (f->name)
		p->name = f->name;
	if (f->has_rate_min_bp) {
		p->has_rate_min_bp = 1;
		p->rate_min_bp = f->rate_min_bp;
		if (!f->has_rate_max_bp)
			p->rate_max_bp = f->rate_min_bp; /* a fixed rate unless a range is given */
	}
	if (f->has_rate_max_bp)
		p->rate_max_bp = f->rate_max_bp;
	if (f->has_amount_min_fen) {
		p->has_amount_min_fen = 1;
		p->amount_min_fen = f->amount_min_fen;
	}
	if (f->has_amount_max_fen) {
		p->has_amount_max_fen = 1;
		p->amount_max_fen = f->amount_max_fen;
	}
	if (f->has_term_min) {
		p->has_term_min = 1;
		p->term_min = f->term_min;
	}
	if (f->has_term_max) {
		p->has_term_max = 1;
		p->term_max = f->term_max;
	}
	if (f->term_unit)
		p->term_unit = f->term_unit;
#define MERGE_LIST(x)                                                                              \
	if (f->n_##x) {                                                                            \
		p->x = f->x;                                                                       \
		p->n_##x = f->n_##x;                                                               \
	}
	MERGE_LIST(guarantees)
	MERGE_LIST(target_regions)
	MERGE_LIST(target_industries)
	MERGE_LIST(features)
	MERGE_LIST(required_materials)
#undef MERGE_LIST
	if (f->description)
		p->description = f->description;
}

/* ---- writes ---------------------------------------------------------------------------- */

struct product_write {
	const char *inst;
	Market__Product *p; /* in: the values; out: the stored row */
	const char *id;     /* NULL: create */
	const char *to;     /* a state change: published | offline */
};

/* The product's values as statement parameters $2..$16 ($1 is the id or institution). */
#define PRODUCT_VALUES                                                                             \
	"$2, $3::int, $4::int, $5::bigint, $6::bigint, $7::int, $8::int, $9,"                      \
	" $10::text[], $11::text[], $12::text[], $13::text[], $14, $15::text[]"
#define PRODUCT_SEARCH_TEXT                                                                        \
	"$2 || ' ' || i.name || ' ' || array_to_string($13::text[] || $10::text[], ' ')"
#define PRODUCT_MONTHS(t) "(CASE WHEN $9 = '年' THEN 12 ELSE 1 END) * " t "::int"

static void product_params(svc_ctx *ctx, const struct product_write *w, const char *vals[16])
{
	const Market__Product *p = w->p;
	vals[0] = w->id ? w->id : w->inst;
	vals[1] = p->name;
	vals[2] = arena_printf(ctx->arena, "%d", p->rate_min_bp);
	vals[3] = arena_printf(ctx->arena, "%d", p->rate_max_bp);
	vals[4] = arena_printf(ctx->arena, "%lld", (long long)p->amount_min_fen);
	vals[5] = arena_printf(ctx->arena, "%lld", (long long)p->amount_max_fen);
	vals[6] = arena_printf(ctx->arena, "%d", p->term_min);
	vals[7] = arena_printf(ctx->arena, "%d", p->term_max);
	vals[8] = p->term_unit;
	vals[9] = market_pg_array(ctx, p->guarantees, p->n_guarantees);
	vals[10] = market_pg_array(ctx, p->target_regions, p->n_target_regions);
	vals[11] = market_pg_array(ctx, p->target_industries, p->n_target_industries);
	vals[12] = market_pg_array(ctx, p->features, p->n_features);
	vals[13] = p->description ? p->description : "";
	vals[14] = market_pg_array(ctx, p->required_materials, p->n_required_materials);
	vals[15] = market_actor(ctx);
}

static int product_event(svc_ctx *ctx, const Market__Product *p, const char *type)
{
	Market__ProductEvent ev = MARKET__PRODUCT_EVENT__INIT;
	ev.product_id = p->id;
	ev.institution_id = p->institution_id;
	ev.name = p->name;
	ev.state = p->state;
	change_event e = {type, NULL, &ev.base};
	return change_record(ctx, market_actor(ctx), arena_printf(ctx->arena, "product/%s", p->id),
	                     type + strlen("market."), json_pack("{s:s}", "state", p->state), &e);
}

static int product_store_row(svc_ctx *ctx, struct product_write *w, PGresult *res)
{
	if (change_rows(res) != 1) {
		PQclear(res);
		return status_err(ST_NOT_FOUND, NULL);
	}
	w->p = market_product_from_row(ctx, res, 0);
	PQclear(res);
	return ST_OK;
}

static int product_create_tx(svc_ctx *ctx, void *arg)
{
	struct product_write *w = arg;
	const char *vals[16];
	PGresult *res = NULL;
	product_params(ctx, w, vals);
	int rv = change_exec(
	        ctx,
	        "WITH p AS (INSERT INTO products (institution_id, name, rate_min_bp, rate_max_bp,"
	        " amount_min_fen, amount_max_fen, term_min, term_max, term_unit, guarantees,"
	        " target_regions, target_industries, features, description, required_materials,"
	        " term_min_months, term_max_months, search_text, search_grams, created_by)"
	        " SELECT i.id, " PRODUCT_VALUES ", " PRODUCT_MONTHS("$7") ", " PRODUCT_MONTHS(
	                "$8") ", " PRODUCT_SEARCH_TEXT ", market_grams(" PRODUCT_SEARCH_TEXT
	                      "), $16"
	                      " FROM institutions i WHERE i.id = $1::uuid RETURNING *)"
	                      " SELECT " MARKET_PRODUCT_COLS
	                      " FROM p JOIN institutions i ON i.id = p.institution_id",
	        16, vals, &res);
	if (rv != ST_OK || (rv = product_store_row(ctx, w, res)) != ST_OK)
		return rv;
	return change_record(ctx, vals[15], arena_printf(ctx->arena, "product/%s", w->p->id),
	                     "product.created", json_pack("{s:s}", "name", w->p->name), NULL);
}

static int product_update_tx(svc_ctx *ctx, void *arg)
{
	struct product_write *w = arg;
	const char *vals[17];
	PGresult *res = NULL;
	product_params(ctx, w, vals);
	vals[16] = w->inst;
	int rv = change_exec(
	        ctx,
	        "WITH p AS (UPDATE products p SET name = $2, rate_min_bp = $3::int,"
	        " rate_max_bp = $4::int, amount_min_fen = $5::bigint, amount_max_fen = $6::bigint,"
	        " term_min = $7::int, term_max = $8::int, term_unit = $9, guarantees = $10::text[],"
	        " target_regions = $11::text[], target_industries = $12::text[],"
	        " features = $13::text[], description = $14, required_materials = $15::text[],"
	        " term_min_months = " PRODUCT_MONTHS("$7") ", term_max_months = " PRODUCT_MONTHS(
	                "$8") ", search_text = " PRODUCT_SEARCH_TEXT
	                      ", search_grams = market_grams(" PRODUCT_SEARCH_TEXT "),"
	                      " updated_at = now() FROM institutions i WHERE p.id = $1::uuid"
	                      " AND p.institution_id = $17::uuid AND i.id = p.institution_id"
	                      " AND $16 <> '' RETURNING p.*)"
	                      " SELECT " MARKET_PRODUCT_COLS
	                      " FROM p JOIN institutions i ON i.id = p.institution_id",
	        17, vals, &res);
	if (rv != ST_OK || (rv = product_store_row(ctx, w, res)) != ST_OK)
		return rv;
	return change_record(ctx, vals[15], arena_printf(ctx->arena, "product/%s", w->p->id),
	                     "product.updated", NULL, NULL);
}

static int product_state_tx(svc_ctx *ctx, void *arg)
{
	struct product_write *w = arg;
	PGresult *res = NULL;
	const char *vals[] = {w->id, w->inst, w->to};
	/* draft|offline -> published; published -> offline. */
	int rv = change_guard(
	        ctx, ST_PRODUCT_STATE, "state",
	        "WITH p AS (UPDATE products SET state = $3, updated_at = now(),"
	        " published_at = CASE WHEN $3 = 'published' THEN now() ELSE published_at END"
	        " WHERE id = $1::uuid AND institution_id = $2::uuid AND ("
	        " $3 = 'published' AND state IN ('draft', 'offline')"
	        " OR $3 = 'offline' AND state = 'published') RETURNING *)"
	        " SELECT " MARKET_PRODUCT_COLS
	        " FROM p JOIN institutions i ON i.id = p.institution_id",
	        3, vals, &res);
	if (rv != ST_OK || (rv = product_store_row(ctx, w, res)) != ST_OK)
		return rv;
	return product_event(ctx, w->p,
	                     strcmp(w->to, "published") == 0 ? "market.product.published"
	                                                     : "market.product.offline");
}

int market_product_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ProductForm *f = (const Market__ProductForm *)in;
	market_staff me;
	Market__Product p = MARKET__PRODUCT__INIT;
	int rv = market_staff_caller(ctx, "inst_admin", &me);
	if (rv != ST_OK)
		return rv;
	product_merge(&p, f);
	if (!f->has_rate_max_bp)
		p.rate_max_bp = p.rate_min_bp;
	if ((rv = product_validate(&p)) != ST_OK)
		return rv;
	struct product_write w = {me.institution_id, &p, NULL, NULL};
	if ((rv = change_run(ctx, product_create_tx, &w)) != ST_OK)
		return rv;
	*out = &w.p->base;
	return ST_CREATED;
}

int market_product_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ProductForm *f = (const Market__ProductForm *)in;
	market_staff me;
	Market__Product *p = NULL;
	int rv = market_staff_caller(ctx, "inst_admin", &me);
	if (rv != ST_OK || (rv = product_load(ctx, f->id, me.institution_id, &p)) != ST_OK)
		return rv;
	product_merge(p, f);
	if ((rv = product_validate(p)) != ST_OK)
		return rv;
	struct product_write w = {me.institution_id, p, f->id, NULL};
	if ((rv = change_run(ctx, product_update_tx, &w)) != ST_OK)
		return rv;
	*out = &w.p->base;
	return ST_OK;
}

static int product_move(svc_ctx *ctx, const ProtobufCMessage *in, const char *to,
                        ProtobufCMessage **out)
{
	const char *id = ((const Market__ProductRef *)in)->id;
	market_staff me;
	Market__Product *p = NULL;
	int rv = market_staff_caller(ctx, "inst_admin", &me);
	if (rv != ST_OK || (rv = product_load(ctx, id, me.institution_id, &p)) != ST_OK)
		return rv;
	struct product_write w = {me.institution_id, p, id, to};
	if ((rv = change_run(ctx, product_state_tx, &w)) != ST_OK)
		return rv;
	*out = &w.p->base;
	return ST_OK;
}

int market_product_publish(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return product_move(ctx, in, "published", out);
}

int market_product_offline(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return product_move(ctx, in, "offline", out);
}

int market_inst_products_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ListInstitutionProductsRequest *req =
	        (const Market__ListInstitutionProductsRequest *)in;
	market_staff me;
	dblist_page pg;
	int rv;
	if ((rv = market_staff_caller(ctx, NULL, &me)) != ST_OK ||
	    (rv = dblist_page_init(req->has_page, req->page, req->has_page_size, req->page_size,
	                           &pg)) != ST_OK)
		return rv;
	const char *st = req->state ? req->state : "";
	if (*st && strcmp(st, "draft") != 0 && strcmp(st, "published") != 0 &&
	    strcmp(st, "offline") != 0)
		return status_err(ST_FIELD_RANGE, "state");
	const char *vals[] = {me.institution_id, st, pg.limit, pg.offset};
	return dblist_query(ctx, &market__product_list__descriptor, &pg,
	                    "SELECT count(*) FROM products WHERE institution_id = $1::uuid"
	                    " AND ($2 = '' OR state = $2)",
	                    2,
	                    "SELECT " MARKET_PRODUCT_COLS " FROM products p JOIN institutions i"
	                    " ON i.id = p.institution_id WHERE p.institution_id = $1::uuid"
	                    " AND ($2 = '' OR p.state = $2) ORDER BY p.updated_at DESC, p.id"
	                    " LIMIT $3::int OFFSET $4::bigint",
	                    4, vals, market_product_row, NULL, out);
}
