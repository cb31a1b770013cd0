/*
 * The public product search (GET /products): published products only, every filter of
 * SearchProductsRequest combined, `total` exact. `q` is found through the GIN index of
 * products.search_grams (market_grams of the product's name, its institution's name,
 * its tags and guarantee methods: every character and pair of adjacent characters),
 * which serves a Chinese substring of any length under any locale; the candidates are
 * then checked for the whole substring. One statement text per (q or not, sort), so a
 * prepared statement's generic plan never has to serve both the GIN path and the
 * ordered-index path. README "Search" has the plans at 100,000 products.
 */
#include "catalogue.h"

#include "market.pb-c.h"
#include "status.h"
#include "validate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define S_FROM " FROM products p JOIN institutions i ON i.id = p.institution_id"
#define S_FILTERS                                                                                  \
	" WHERE p.state = 'published'"                                                             \
	" AND ($2::text IS NULL OR p.guarantees @> ARRAY[$2::text])"                               \
	" AND ($3::bigint IS NULL OR $3::bigint BETWEEN p.amount_min_fen AND p.amount_max_fen)"    \
	" AND ($4::int IS NULL OR $4::int BETWEEN p.term_min_months AND p.term_max_months)"        \
	" AND ($5::int IS NULL OR p.rate_min_bp <= $5::int)"                                       \
	" AND ($6::uuid IS NULL OR p.institution_id = $6::uuid)"                                   \
	" AND ($7::text IS NULL OR cardinality(p.target_regions) = 0 OR p.target_regions &&"       \
	" ARRAY[left($7::text, 2), left($7::text, 4), left($7::text, 6)])"
#define S_Q                                                                                        \
	" AND p.search_grams @> market_query_grams($1::text)"                                      \
	" AND strpos(regexp_replace(lower(p.search_text), '\\s+', '', 'g'),"                       \
	" regexp_replace(lower($1::text), '\\s+', '', 'g')) > 0"
#define S_NOQ            " AND $1::text IS NULL"
#define S_PAGE           " LIMIT $8::int OFFSET $9::bigint"
#define S_LIST(q, order) "SELECT " MARKET_PRODUCT_COLS S_FROM S_FILTERS q " ORDER BY " order S_PAGE
#define S_COUNT(q)       "SELECT count(*)" S_FROM S_FILTERS q

#define O_NEWEST "p.published_at DESC, p.id"
#define O_RATE   "p.rate_min_bp, p.published_at DESC, p.id"
#define O_AMOUNT "p.amount_max_fen DESC, p.published_at DESC, p.id"

static const char *const list_sql[2][3] = {
        {S_LIST(S_NOQ, O_NEWEST), S_LIST(S_NOQ, O_RATE), S_LIST(S_NOQ, O_AMOUNT)},
        {S_LIST(S_Q, O_NEWEST), S_LIST(S_Q, O_RATE), S_LIST(S_Q, O_AMOUNT)},
};
static const char *const count_sql[2] = {S_COUNT(S_NOQ), S_COUNT(S_Q)};

/* A keyword of 1..50 characters with something besides spaces. */
static int search_q(const char *q, const char **out)
{
	*out = NULL;
	if (!q)
		return ST_OK;
	const char *p = q;
	int rv;
	while (*p == ' ')
		p++;
	if (!*p)
		return ST_OK;
	if ((rv = validate_text(q, 50)) != 0)
		return status_err(rv, "q");
	*out = q;
	return ST_OK;
}

int market_products_search(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__SearchProductsRequest *req = (const Market__SearchProductsRequest *)in;
	const char *q = NULL;
	dblist_page pg;
	int rv, sort = 0;
	if ((rv = dblist_page_init(req->has_page, req->page, req->has_page_size, req->page_size,
	                           &pg)) != ST_OK ||
	    (rv = search_q(req->q, &q)) != ST_OK)
		return rv;
	if (req->sort && *req->sort) {
		if (strcmp(req->sort, "newest") == 0)
			sort = 0;
		else if (strcmp(req->sort, "rate") == 0)
			sort = 1;
		else if (strcmp(req->sort, "amount") == 0)
			sort = 2;
		else
			return status_err(ST_SORT_INVALID, "sort");
	}
	const char *g = req->guarantee && *req->guarantee ? req->guarantee : NULL;
	if (g && strcmp(g, "信用") != 0 && strcmp(g, "抵押") != 0 && strcmp(g, "保证") != 0 &&
	    strcmp(g, "质押") != 0)
		return status_err(ST_GUARANTEE_INVALID, "guarantee");
	if (req->has_amount_fen && (req->amount_fen < 1 || validate_amount_fen(req->amount_fen)))
		return status_err(ST_FIELD_RANGE, "amount_fen");
	if (req->has_term_months && (req->term_months < 1 || req->term_months > 7200))
		return status_err(ST_FIELD_RANGE, "term_months");
	if (req->has_max_rate_bp && (req->max_rate_bp < 0 || req->max_rate_bp > 10000))
		return status_err(ST_FIELD_RANGE, "max_rate_bp");
	const char *inst = req->institution_id && *req->institution_id ? req->institution_id : NULL;
	if (inst && !validate_uuid(inst))
		return status_err(ST_FIELD_RANGE, "institution_id");
	const char *region = req->region_code && *req->region_code ? req->region_code : NULL;
	if (region) {
		size_t n = strlen(region);
		int ok = n >= 2 && n <= 9;
		for (size_t i = 0; ok && i < n; i++)
			ok = region[i] >= '0' && region[i] <= '9';
		if (!ok)
			return status_err(ST_REGION_CODE_INVALID, "region_code");
	}
	const char *vals[] = {
	        q,
	        g,
	        req->has_amount_fen ? arena_printf(ctx->arena, "%lld", (long long)req->amount_fen)
	                            : NULL,
	        req->has_term_months ? arena_printf(ctx->arena, "%d", req->term_months) : NULL,
	        req->has_max_rate_bp ? arena_printf(ctx->arena, "%d", req->max_rate_bp) : NULL,
	        inst,
	        region,
	        pg.limit,
	        pg.offset};
	return dblist_query(ctx, &market__product_list__descriptor, &pg, count_sql[q != NULL], 7,
	                    list_sql[q != NULL][sort], 9, vals, market_product_row, NULL, out);
}
