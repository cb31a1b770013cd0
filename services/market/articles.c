/*
 * Portal articles, the public side: the list (category, search, region, expiry), one
 * published article, the home page's feed; also what the editors' side shares (the
 * row mapping, the names of codes, region resolution through enterprise) and the
 * Content service's handler table.
 *
 * Search: `q` is found like the products' (search.c) through the GIN index of
 * articles.search_grams (market_grams of the title and summary, a generated column),
 * then the candidates are checked for the whole substring in the title or the summary.
 * One statement text with q and one without, so a generic plan serves one path each.
 *
 * Regions: an article applies to the regions it names and everything under them (a
 * provincial policy applies to every county of the province), or nationwide when it
 * names none. A query's region_code is resolved by enterprise (ResolveRegions), which
 * owns the regions table: the code is checked to exist, normalised (430102000000 and
 * 430102 are one county) and comes back with its ancestors, which the query matches
 * with `region_codes && path`.
 */
#include "content.h"

#include "caller.h"
#include "catalogue.h"
#include "dbrow.h"
#include "enterprise.pb-c.h"
#include "market.pb-c.h"
#include "status.h"
#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- codes ----------------------------------------------------------------------------- */

static const char *const categories[][2] = {{"policy", "惠企政策"},
                                            {"news", "新闻资讯"},
                                            {"notice", "平台公告"},
                                            {"about", "关于我们"}};
static const char *const states[][2] = {
        {"draft", "草稿"}, {"published", "已发布"}, {"offline", "已下线"}};
#define NCATEGORIES (sizeof categories / sizeof categories[0])

const char *content_category_name(const char *code)
{
	for (size_t i = 0; code && i < NCATEGORIES; i++)
		if (strcmp(categories[i][0], code) == 0)
			return categories[i][1];
	return NULL;
}

const char *content_state_name(const char *code)
{
	for (size_t i = 0; code && i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i][0], code) == 0)
			return states[i][1];
	return NULL;
}

int content_editor_check(svc_ctx *ctx)
{
	const char *pid = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	if (caller_has_role(ctx, "content_editor") || caller_has_role(ctx, "admin"))
		return ST_OK;
	return status_err(ST_NOT_FOUND, NULL);
}

/* ---- rows ------------------------------------------------------------------------------ */

Market__Article *content_article_from_row(svc_ctx *ctx, const PGresult *r, int row, int with_source)
{
	Market__Article *m = arena_alloc(ctx->arena, sizeof *m);
	market__article__init(m);
	m->id = dbrow_text(ctx->arena, r, row, 0);
	m->category = dbrow_text(ctx->arena, r, row, 1);
	m->category_name = (char *)content_category_name(m->category);
	m->title = dbrow_text(ctx->arena, r, row, 2);
	m->summary = dbrow_text(ctx->arena, r, row, 3);
	m->body = with_source ? dbrow_text(ctx->arena, r, row, 4) : NULL;
	m->body_html = dbrow_text(ctx->arena, r, row, 5);
	m->cover_url = dbrow_text(ctx->arena, r, row, 6);
	m->source = dbrow_text(ctx->arena, r, row, 7);
	m->source_url = dbrow_text(ctx->arena, r, row, 8);
	m->authority = dbrow_text(ctx->arena, r, row, 9);
	m->effective_on = dbrow_text(ctx->arena, r, row, 10);
	m->expires_on = dbrow_text(ctx->arena, r, row, 11);
	m->has_expired = 1;
	m->expired = PQgetvalue(r, row, 12)[0] == 't';
	market_json_strings(ctx, PQgetvalue(r, row, 13), &m->region_codes, &m->n_region_codes);
	market_json_strings(ctx, PQgetvalue(r, row, 14), &m->tags, &m->n_tags);
	m->state = dbrow_text(ctx->arena, r, row, 15);
	m->state_name = (char *)content_state_name(m->state);
	m->has_pinned = 1;
	m->pinned = PQgetvalue(r, row, 16)[0] == 't';
	m->has_pin_order = 1;
	m->pin_order = (int32_t)strtol(PQgetvalue(r, row, 17), NULL, 10);
	m->has_version = 1;
	m->version = (int32_t)strtol(PQgetvalue(r, row, 18), NULL, 10);
	m->published_at = dbrow_text(ctx->arena, r, row, 19);
	m->created_at = dbrow_text(ctx->arena, r, row, 20);
	m->updated_at = dbrow_text(ctx->arena, r, row, 21);
	return m;
}

static ProtobufCMessage *public_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &content_article_from_row(ctx, r, row, 0)->base;
}

/* ---- regions through enterprise -------------------------------------------------------- */

int content_regions_resolve(svc_ctx *ctx, char *const *codes, size_t n, int lineage,
                            const char *field, char ***out, size_t *nout)
{
	ProtobufCMessage *reply = NULL;
	int rv;
	if (!MARKET_APP(ctx)->enterprise)
		return status_err(ST_UNAVAILABLE, NULL);
	Enterprise__ResolveRegionsRequest req = ENTERPRISE__RESOLVE_REGIONS_REQUEST__INIT;
	req.codes = (char **)codes;
	req.n_codes = n;
	rv = bus_call(MARKET_APP(ctx)->enterprise, "ResolveRegions", ctx->caller,
	              bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	              &req.base, &enterprise__resolve_regions_response__descriptor, ctx->arena,
	              &reply);
	if (rv == ST_REGION_CODE_INVALID || rv == ST_REGION_UNKNOWN) {
		/* enterprise names codes[i]; the caller's field is ours */
		const char *f = status_field(), *idx = f ? strchr(f, '[') : NULL;
		return status_err(rv, idx && !lineage ? arena_printf(ctx->arena, "%s%s", field, idx)
		                                      : field);
	}
	if (rv != ST_OK)
		return rv == ST_DEADLINE ? status_err(ST_UNAVAILABLE, NULL) : rv;
	Enterprise__ResolveRegionsResponse *resp = (Enterprise__ResolveRegionsResponse *)reply;
	if (resp->n_items != n)
		return status_err(ST_INTERNAL, NULL);
	if (lineage) {
		Enterprise__ResolvedRegion *it = resp->items[0];
		*out = arena_alloc(ctx->arena, (it->n_path ? it->n_path : 1) * sizeof **out);
		for (size_t k = 0; k < it->n_path; k++)
			(*out)[k] = it->path[k]->code;
		*nout = it->n_path;
		return ST_OK;
	}
	*out = arena_alloc(ctx->arena, (n ? n : 1) * sizeof **out);
	for (size_t i = 0; i < n; i++)
		(*out)[i] = resp->items[i]->code;
	*nout = n;
	return ST_OK;
}

/* ---- the public list --------------------------------------------------------------------- */

#define TODAY "(now() AT TIME ZONE 'Asia/Shanghai')::date"
#define L_WHERE                                                                                    \
	" FROM articles a WHERE a.state = 'published'"                                             \
	" AND ($1::text IS NULL OR a.category = $1::text)"                                         \
	" AND ($3::text[] IS NULL OR cardinality(a.region_codes) = 0"                              \
	" OR a.region_codes && $3::text[])"                                                        \
	" AND ($4::boolean OR a.expires_on IS NULL OR a.expires_on >= " TODAY ")"
#define L_Q                                                                                        \
	" AND a.search_grams @> market_query_grams($2::text)"                                      \
	" AND (strpos(regexp_replace(lower(a.title), '\\s+', '', 'g'), "                           \
	"regexp_replace(lower($2::text), "                                                         \
	"'\\s+', '', 'g')) > 0 OR strpos(regexp_replace(lower(a.summary), '\\s+', '', 'g'),"       \
	" regexp_replace(lower($2::text), '\\s+', '', 'g')) > 0)"
#define L_NOQ   " AND $2::text IS NULL"
#define L_ORDER " ORDER BY a.published_at DESC, a.id LIMIT $5::int OFFSET $6::bigint"

static const char *const list_sql[2] = {"SELECT " ARTICLE_COLS_LIST L_WHERE L_NOQ L_ORDER,
                                        "SELECT " ARTICLE_COLS_LIST L_WHERE L_Q L_ORDER};
static const char *const count_sql[2] = {"SELECT count(*)" L_WHERE L_NOQ,
                                         "SELECT count(*)" L_WHERE L_Q};

/* A keyword of 1..50 characters with something besides spaces, else NULL. */
static int article_q(const char *q, const char **out)
{
	int rv;
	*out = NULL;
	if (!q || !q[strspn(q, " ")])
		return ST_OK;
	if ((rv = validate_text(q, 50)) != 0)
		return status_err(rv, "q");
	*out = q;
	return ST_OK;
}

int content_articles_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ListArticlesRequest *req = (const Market__ListArticlesRequest *)in;
	const char *q = NULL, *category = NULL, *path = NULL;
	dblist_page pg;
	int rv;
	if ((rv = dblist_page_init(req->has_page, req->page, req->has_page_size, req->page_size,
	                           &pg)) != ST_OK ||
	    (rv = article_q(req->q, &q)) != ST_OK)
		return rv;
	if (req->category && *req->category) {
		if (!content_category_name(req->category))
			return status_err(ST_ARTICLE_CATEGORY_INVALID, "category");
		category = req->category;
	}
	if (req->region_code && *req->region_code) {
		char **codes = NULL;
		size_t n = 0;
		if ((rv = market_text(req->region_code, 12, 0, "region_code")) != ST_OK ||
		    (rv = content_regions_resolve(ctx, (char *const *)&req->region_code, 1, 1,
		                                  "region_code", &codes, &n)) != ST_OK)
			return rv;
		path = market_pg_array(ctx, codes, n);
	}
	const char *vals[] = {
	        category, q,
	        path,     req->has_include_expired && req->include_expired ? "true" : "false",
	        pg.limit, pg.offset};
	return dblist_query(ctx, &market__article_list__descriptor, &pg, count_sql[q != NULL], 4,
	                    list_sql[q != NULL], 6, vals, public_row, NULL, out);
}

/* ---- one article, the home feed ------------------------------------------------------------ */

int content_article_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ArticleRef *req = (const Market__ArticleRef *)in;
	PGresult *r = NULL;
	int rv;
	if (!req->id || !validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, NULL);
	const char *vals[] = {req->id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT " ARTICLE_COLS " FROM articles a WHERE a.id = $1::uuid"
	                  " AND a.state = 'published'",
	                  1, vals, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1)
		rv = status_err(ST_NOT_FOUND, NULL);
	else
		*out = &content_article_from_row(ctx, r, 0, 0)->base;
	PQclear(r);
	return rv;
}

#define FEED_PINNED_MAX 10
#define FEED_LIVE       "a.state = 'published' AND (a.expires_on IS NULL OR a.expires_on >= " TODAY ")"

int content_home_feed(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__HomeFeedRequest *req = (const Market__HomeFeedRequest *)in;
	PGresult *r = NULL;
	int rv, per = 5;
	if (req->has_per_category) {
		if (req->per_category < 1 || req->per_category > 20)
			return status_err(ST_FIELD_RANGE, "per_category");
		per = req->per_category;
	}
	Market__HomeFeed *f = arena_alloc(ctx->arena, sizeof *f);
	market__home_feed__init(f);
	const char *pv[] = {arena_printf(ctx->arena, "%d", FEED_PINNED_MAX)};
	if ((rv = db_exec(ctx->db,
	                  "SELECT " ARTICLE_COLS_LIST " FROM articles a WHERE " FEED_LIVE
	                  " AND a.pinned ORDER BY a.pin_order, a.published_at DESC, a.id"
	                  " LIMIT $1::int",
	                  1, pv, &r)) != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(r);
	f->pinned = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *f->pinned);
	for (int i = 0; i < n; i++)
		f->pinned[f->n_pinned++] = content_article_from_row(ctx, r, i, 0);
	PQclear(r);
	/* The newest `per` of each category: one statement, ranked per category. */
	const char *sv[] = {arena_printf(ctx->arena, "%d", per)};
	if ((rv = db_exec(ctx->db,
	                  "SELECT * FROM (SELECT " ARTICLE_COLS_LIST ", row_number() OVER"
	                  " (PARTITION BY a.category ORDER BY a.published_at DESC, a.id) AS rn"
	                  " FROM articles a WHERE " FEED_LIVE ") x WHERE x.rn <= $1::int"
	                  " ORDER BY x.rn",
	                  1, sv, &r)) != ST_OK)
		return status_err(rv, NULL);
	n = PQntuples(r);
	f->sections = arena_alloc(ctx->arena, NCATEGORIES * sizeof *f->sections);
	for (size_t c = 0; c < NCATEGORIES; c++) {
		Market__ArticleSection *s = arena_alloc(ctx->arena, sizeof *s);
		market__article_section__init(s);
		s->category = (char *)categories[c][0];
		s->category_name = (char *)categories[c][1];
		s->items = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *s->items);
		for (int i = 0; i < n; i++)
			if (strcmp(PQgetvalue(r, i, 1), s->category) == 0)
				s->items[s->n_items++] = content_article_from_row(ctx, r, i, 0);
		f->sections[f->n_sections++] = s;
	}
	PQclear(r);
	*out = &f->base;
	return ST_OK;
}

/* ---- the Content service ---------------------------------------------------------------- */

static const svc_handler content_handlers[] = {
        {"ListArticles", content_articles_list},
        {"GetArticle", content_article_get},
        {"GetHomeFeed", content_home_feed},
        {"GetSiteSettings", content_site_get},
        {"CreateArticle", content_article_create},
        {"UpdateArticle", content_article_update},
        {"GetEditorArticle", content_editor_article_get},
        {"ListEditorArticles", content_editor_articles_list},
        {"PublishArticle", content_article_publish},
        {"OfflineArticle", content_article_offline},
        {"ListArticleVersions", content_article_versions},
        {"UpdateSiteSettings", content_site_update},
};

static const char *const content_idempotent[] = {"CreateArticle", NULL};

const svc_api market_content_api =
        SVC_API(&market__content__descriptor, content_handlers, .idempotent = content_idempotent);
