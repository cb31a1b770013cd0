/*
 * Portal articles, the editors' side (operators with content_editor, or admin; 404 for
 * anyone else): create, edit, preview (the article as the portal will show it, in any
 * state), publish, take offline, and the saved versions. Every change is one
 * transaction with its audit entry; every save of the content (creation included) also
 * writes the row as saved into article_versions, so an edit of a published article
 * keeps what was shown before. An edit of a published article is live at once; an
 * editor who wants to rework one quietly takes it offline first.
 */
#include "content.h"

#include "catalogue.h"
#include "change.h"
#include "dbrow.h"
#include "markdown.h"
#include "market.pb-c.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_REGIONS 20
#define MAX_TAGS    10
#define BODY_MAX    20000 /* characters: 60 KB at most, under GATEWAY_MAX_BODY_BYTES */

/* ---- reading ------------------------------------------------------------------------------ */

/* The article in any state, with its Markdown source, or ST_NOT_FOUND. */
static int article_load(svc_ctx *ctx, const char *id, Market__Article **out)
{
	PGresult *r = NULL;
	int rv;
	if (!id || !validate_uuid(id))
		return status_err(ST_NOT_FOUND, NULL);
	const char *vals[] = {id};
	if ((rv = db_exec(ctx->db, "SELECT " ARTICLE_COLS " FROM articles a WHERE a.id = $1::uuid",
	                  1, vals, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1)
		rv = status_err(ST_NOT_FOUND, NULL);
	else
		*out = content_article_from_row(ctx, r, 0, 1);
	PQclear(r);
	return rv;
}

int content_editor_article_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ArticleRef *req = (const Market__ArticleRef *)in;
	Market__Article *m = NULL;
	int rv;
	if ((rv = content_editor_check(ctx)) != ST_OK ||
	    (rv = article_load(ctx, req->id, &m)) != ST_OK)
		return rv;
	*out = &m->base;
	return ST_OK;
}

static ProtobufCMessage *editor_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &content_article_from_row(ctx, r, row, 0)->base;
}

int content_editor_articles_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ListEditorArticlesRequest *req =
	        (const Market__ListEditorArticlesRequest *)in;
	dblist_page pg;
	int rv;
	if ((rv = content_editor_check(ctx)) != ST_OK ||
	    (rv = dblist_page_init(req->has_page, req->page, req->has_page_size, req->page_size,
	                           &pg)) != ST_OK ||
	    (rv = market_text(req->q, 50, 0, "q")) != ST_OK)
		return rv;
	const char *cat = req->category && *req->category ? req->category : NULL;
	const char *state = req->state && *req->state ? req->state : NULL;
	if (cat && !content_category_name(cat))
		return status_err(ST_ARTICLE_CATEGORY_INVALID, "category");
	if (state && !content_state_name(state))
		return status_err(ST_ARTICLE_STATE_INVALID, "state");
	const char *vals[] = {cat, state, req->q && *req->q ? req->q : NULL, pg.limit, pg.offset};
	/* The editors' list is short and not public: a plain substring test will do. */
#define E_WHERE                                                                                    \
	" FROM articles a WHERE ($1::text IS NULL OR a.category = $1::text)"                       \
	" AND ($2::text IS NULL OR a.state = $2::text)"                                            \
	" AND ($3::text IS NULL OR strpos(lower(a.title || ' ' || a.summary), lower($3::text)) > " \
	"0)"
	rv = dblist_query(ctx, &market__article_list__descriptor, &pg, "SELECT count(*)" E_WHERE, 3,
	                  "SELECT " ARTICLE_COLS_LIST E_WHERE " ORDER BY a.updated_at DESC, a.id"
	                  " LIMIT $4::int OFFSET $5::bigint",
	                  5, vals, editor_row, NULL, out);
#undef E_WHERE
	return rv;
}

/* ---- the form's rules ------------------------------------------------------------------------ */

static int url_http(const char *s)
{
	if (!validate_url_inert(s))
		return 0;
	if (strncasecmp(s, "https://", 8) == 0)
		return s[8] != '\0' && s[8] != '/';
	if (strncasecmp(s, "http://", 7) == 0)
		return s[7] != '\0' && s[7] != '/';
	return 0;
}

static int list_check(char *const *items, size_t n, size_t max_items, size_t max_chars,
                      const char *field)
{
	int rv;
	if (n > max_items)
		return status_err(ST_TOO_MANY_ITEMS, field);
	for (size_t i = 0; i < n; i++) {
		if (!items[i] || !*items[i])
			return status_err(ST_FIELD_REQUIRED, field);
		if ((rv = validate_text(items[i], max_chars)) != 0)
			return status_err(rv, field);
	}
	return ST_OK;
}

/* A date field: absent or "" (PATCH: clears it), else a real calendar day. */
static int date_check(const char *s, const char *field)
{
	int rv;
	if (!s || !*s)
		return ST_OK;
	return (rv = validate_date(s)) != 0 ? status_err(rv, field) : ST_OK;
}

/*
 * The form's own fields. `was` is the stored article on an edit (NULL: a creation), so
 * that the dates are checked as they will be after the edit.
 */
static int form_check(const Market__ArticleForm *f, const Market__Article *was)
{
	int rv, create = was == NULL;
	if (create || f->category) {
		if (!f->category || !*f->category)
			return status_err(ST_FIELD_REQUIRED, "category");
		if (!content_category_name(f->category))
			return status_err(ST_ARTICLE_CATEGORY_INVALID, "category");
	}
	if ((rv = market_text(f->title, 100, create || f->title, "title")) != ST_OK ||
	    (rv = market_text(f->summary, 300, 0, "summary")) != ST_OK ||
	    (rv = market_text(f->cover_url, 500, 0, "cover_url")) != ST_OK ||
	    (rv = market_text(f->source, 100, 0, "source")) != ST_OK ||
	    (rv = market_text(f->source_url, 500, 0, "source_url")) != ST_OK ||
	    (rv = market_text(f->authority, 100, 0, "authority")) != ST_OK ||
	    (rv = date_check(f->effective_on, "effective_on")) != ST_OK ||
	    (rv = date_check(f->expires_on, "expires_on")) != ST_OK ||
	    (rv = list_check(f->tags, f->n_tags, MAX_TAGS, 20, "tags")) != ST_OK ||
	    (rv = list_check(f->region_codes, f->n_region_codes, MAX_REGIONS, 12,
	                     "region_codes")) != ST_OK)
		return rv;
	if (f->body && (rv = validate_text_lines(f->body, BODY_MAX)) != 0)
		return status_err(rv, "body");
	if (f->cover_url && *f->cover_url && !validate_image_url(f->cover_url))
		return status_err(ST_COVER_URL_INVALID, "cover_url");
	if (f->source_url && *f->source_url && !url_http(f->source_url))
		return status_err(ST_SOURCE_URL_INVALID, "source_url");
	if (f->has_pin_order && (f->pin_order < 0 || f->pin_order > 9999))
		return status_err(ST_FIELD_RANGE, "pin_order");
	/* The dates as they will be: a sent one ("" clears it), else the stored one. */
	const char *eff = f->effective_on ? f->effective_on : was ? was->effective_on : NULL;
	const char *exp = f->expires_on ? f->expires_on : was ? was->expires_on : NULL;
	if (eff && *eff && exp && *exp && strcmp(exp, eff) < 0)
		return status_err(ST_ARTICLE_DATES, "expires_on");
	return ST_OK;
}

/* ---- writing --------------------------------------------------------------------------------- */

struct article_write {
	const Market__ArticleForm *f;
	const char *regions;   /* a text[] literal of the normalised codes, or NULL: keep */
	const char *tags;      /* the same for the tags */
	const char *body_html; /* rendered body, or NULL: keep */
	const char *id;        /* the creation's */
	int version;           /* the version saved */
};

/* The row as saved, into article_versions (in the same transaction). */
static int version_save(svc_ctx *ctx, const char *id, const char *actor)
{
	const char *vals[] = {id, actor};
	return change_exec(ctx,
	                   "INSERT INTO article_versions (article_id, version, snapshot, edited_by)"
	                   " SELECT a.id, a.version, to_jsonb(a) - 'search_grams', $2"
	                   " FROM articles a WHERE a.id = $1::uuid",
	                   2, vals, NULL);
}

static const char *bool_text(int has, int v) { return has ? (v ? "true" : "false") : NULL; }

static int create_tx(svc_ctx *ctx, void *arg)
{
	struct article_write *w = arg;
	const Market__ArticleForm *f = w->f;
	PGresult *r = NULL;
	const char *actor = market_actor(ctx);
	const char *vals[] = {f->category,
	                      f->title,
	                      f->summary ? f->summary : "",
	                      f->body ? f->body : "",
	                      w->body_html ? w->body_html : "",
	                      f->cover_url ? f->cover_url : "",
	                      f->source ? f->source : "",
	                      f->source_url ? f->source_url : "",
	                      f->authority ? f->authority : "",
	                      f->effective_on && *f->effective_on ? f->effective_on : NULL,
	                      f->expires_on && *f->expires_on ? f->expires_on : NULL,
	                      w->regions ? w->regions : "{}",
	                      w->tags ? w->tags : "{}",
	                      bool_text(1, f->has_pinned && f->pinned),
	                      arena_printf(ctx->arena, "%d", f->has_pin_order ? f->pin_order : 0),
	                      actor};
	int rv = change_exec(ctx,
	                     "INSERT INTO articles (category, title, summary, body, body_html,"
	                     " cover_url, source, source_url, authority, effective_on, expires_on,"
	                     " region_codes, tags, pinned, pin_order, created_by, updated_by)"
	                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::date, $11::date,"
	                     " $12::text[], $13::text[], $14::boolean, $15::int, $16, $16)"
	                     " RETURNING id::text",
	                     16, vals, &r);
	if (rv != ST_OK)
		return rv;
	w->id = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
	w->version = 1;
	PQclear(r);
	if ((rv = version_save(ctx, w->id, actor)) != ST_OK)
		return rv;
	return change_record(ctx, actor, arena_printf(ctx->arena, "article/%s", w->id),
	                     "article.created",
	                     json_pack("{s:s, s:s, s:i}", "category", f->category, "title",
	                               f->title, "version", 1),
	                     NULL);
}

static int update_tx(svc_ctx *ctx, void *arg)
{
	struct article_write *w = arg;
	const Market__ArticleForm *f = w->f;
	PGresult *r = NULL;
	const char *actor = market_actor(ctx);
	const char *vals[] = {f->id,
	                      f->category && *f->category ? f->category : NULL,
	                      f->title,
	                      f->summary,
	                      f->body,
	                      w->body_html,
	                      f->cover_url,
	                      f->source,
	                      f->source_url,
	                      f->authority,
	                      f->effective_on,
	                      f->expires_on,
	                      w->regions,
	                      bool_text(f->has_clear_regions, f->clear_regions),
	                      w->tags,
	                      bool_text(f->has_pinned, f->pinned),
	                      f->has_pin_order ? arena_printf(ctx->arena, "%d", f->pin_order)
	                                       : NULL,
	                      f->has_version ? arena_printf(ctx->arena, "%d", f->version) : NULL,
	                      actor};
	int rv = change_guard(
	        ctx, ST_ARTICLE_VERSION, "version",
	        "UPDATE articles SET category = coalesce($2, category), title = coalesce($3, "
	        "title),"
	        " summary = coalesce($4, summary), body = coalesce($5, body),"
	        " body_html = coalesce($6, body_html), cover_url = coalesce($7, cover_url),"
	        " source = coalesce($8, source), source_url = coalesce($9, source_url),"
	        " authority = coalesce($10, authority),"
	        " effective_on = CASE WHEN $11::text IS NULL THEN effective_on"
	        " ELSE nullif($11::text, '')::date END,"
	        " expires_on = CASE WHEN $12::text IS NULL THEN expires_on"
	        " ELSE nullif($12::text, '')::date END,"
	        " region_codes = CASE WHEN coalesce($14::boolean, false) THEN '{}'::text[]"
	        " ELSE coalesce($13::text[], region_codes) END,"
	        " tags = coalesce($15::text[], tags), pinned = coalesce($16::boolean, pinned),"
	        " pin_order = coalesce($17::int, pin_order), version = version + 1,"
	        " updated_by = $19, updated_at = now()"
	        " WHERE id = $1::uuid AND ($18::int IS NULL OR version = $18::int)"
	        " RETURNING version",
	        19, vals, &r);
	if (rv != ST_OK)
		return rv;
	w->version = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if ((rv = version_save(ctx, f->id, actor)) != ST_OK)
		return rv;
	return change_record(ctx, actor, arena_printf(ctx->arena, "article/%s", f->id),
	                     "article.updated", json_pack("{s:i}", "version", w->version), NULL);
}

/* The form's lists as text[] literals (regions normalised by enterprise) and its body
 * rendered: the work done before the transaction opens (no bus call inside one). */
static int form_prepare(svc_ctx *ctx, struct article_write *w)
{
	const Market__ArticleForm *f = w->f;
	int rv;
	if (f->n_region_codes) {
		char **codes = NULL;
		size_t n = 0;
		if ((rv = content_regions_resolve(ctx, f->region_codes, f->n_region_codes, 0,
		                                  "region_codes", &codes, &n)) != ST_OK)
			return rv;
		w->regions = market_pg_array(ctx, codes, n);
	}
	if (f->n_tags)
		w->tags = market_pg_array(ctx, f->tags, f->n_tags);
	if (f->body)
		w->body_html = markdown_html(ctx->arena, f->body);
	return ST_OK;
}

int content_article_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	struct article_write w = {.f = (const Market__ArticleForm *)in};
	Market__Article *m = NULL;
	int rv;
	if ((rv = content_editor_check(ctx)) != ST_OK || (rv = form_check(w.f, NULL)) != ST_OK ||
	    (rv = form_prepare(ctx, &w)) != ST_OK ||
	    (rv = change_run(ctx, create_tx, &w)) != ST_OK ||
	    (rv = article_load(ctx, w.id, &m)) != ST_OK)
		return rv;
	*out = &m->base;
	return ST_CREATED;
}

int content_article_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	struct article_write w = {.f = (const Market__ArticleForm *)in};
	Market__Article *was = NULL, *m = NULL;
	int rv;
	if ((rv = content_editor_check(ctx)) != ST_OK ||
	    (rv = article_load(ctx, w.f->id, &was)) != ST_OK ||
	    (rv = form_check(w.f, was)) != ST_OK || (rv = form_prepare(ctx, &w)) != ST_OK ||
	    (rv = change_run(ctx, update_tx, &w)) != ST_OK ||
	    (rv = article_load(ctx, w.f->id, &m)) != ST_OK)
		return rv;
	*out = &m->base;
	return ST_OK;
}

/* ---- publishing --------------------------------------------------------------------------------
 */

struct article_step {
	const char *id;
	const char *to; /* published | offline */
};

static int step_tx(svc_ctx *ctx, void *arg)
{
	struct article_step *s = arg;
	const char *actor = market_actor(ctx);
	const char *vals[] = {s->id, actor};
	int publish = strcmp(s->to, "published") == 0;
	int rv = change_guard(
	        ctx, ST_ARTICLE_STATE, "state",
	        publish ? "UPDATE articles SET state = 'published', published_at = now(),"
	                  " updated_by = $2, updated_at = now() WHERE id = $1::uuid"
	                  " AND state IN ('draft', 'offline')"
	                  " AND (category <> 'policy' OR authority <> '')"
	                : "UPDATE articles SET state = 'offline', updated_by = $2,"
	                  " updated_at = now() WHERE id = $1::uuid"
	                  " AND state = 'published'",
	        2, vals, NULL);
	if (rv != ST_OK)
		return rv;
	return change_record(ctx, actor, arena_printf(ctx->arena, "article/%s", s->id),
	                     publish ? "article.published" : "article.offline", NULL, NULL);
}

static int article_step(svc_ctx *ctx, const ProtobufCMessage *in, const char *to,
                        ProtobufCMessage **out)
{
	const Market__ArticleRef *req = (const Market__ArticleRef *)in;
	struct article_step s = {req->id, to};
	Market__Article *m = NULL;
	int rv;
	if ((rv = content_editor_check(ctx)) != ST_OK ||
	    (rv = article_load(ctx, req->id, &m)) != ST_OK)
		return rv;
	/* Said before the guard, which would only say "state": a policy names its issuer. */
	if (strcmp(to, "published") == 0 && strcmp(m->category, "policy") == 0 &&
	    (!m->authority || !*m->authority))
		return status_err(ST_POLICY_AUTHORITY_REQUIRED, "authority");
	if ((rv = change_run(ctx, step_tx, &s)) != ST_OK ||
	    (rv = article_load(ctx, req->id, &m)) != ST_OK)
		return rv;
	*out = &m->base;
	return ST_OK;
}

int content_article_publish(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return article_step(ctx, in, "published", out);
}

int content_article_offline(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return article_step(ctx, in, "offline", out);
}

/* ---- versions ----------------------------------------------------------------------------------
 */

static ProtobufCMessage *version_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	Market__ArticleVersion *v = arena_alloc(ctx->arena, sizeof *v);
	market__article_version__init(v);
	v->article_id = dbrow_text(ctx->arena, r, row, 0);
	v->has_version = 1;
	v->version = (int32_t)strtol(PQgetvalue(r, row, 1), NULL, 10);
	v->state = dbrow_text(ctx->arena, r, row, 2);
	v->title = dbrow_text(ctx->arena, r, row, 3);
	v->summary = dbrow_text(ctx->arena, r, row, 4);
	v->body = dbrow_text(ctx->arena, r, row, 5);
	v->body_html = dbrow_text(ctx->arena, r, row, 6);
	v->edited_by = dbrow_text(ctx->arena, r, row, 7);
	v->created_at = dbrow_text(ctx->arena, r, row, 8);
	return &v->base;
}

int content_article_versions(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ListArticleVersionsRequest *req =
	        (const Market__ListArticleVersionsRequest *)in;
	Market__Article *m = NULL;
	dblist_page pg;
	int rv;
	if ((rv = content_editor_check(ctx)) != ST_OK ||
	    (rv = article_load(ctx, req->id, &m)) != ST_OK ||
	    (rv = dblist_page_init(req->has_page, req->page, req->has_page_size, req->page_size,
	                           &pg)) != ST_OK)
		return rv;
	const char *vals[] = {req->id, pg.limit, pg.offset};
	return dblist_query(
	        ctx, &market__article_version_list__descriptor, &pg,
	        "SELECT count(*) FROM article_versions WHERE article_id = $1::uuid", 1,
	        "SELECT article_id::text, version, snapshot->>'state',"
	        " snapshot->>'title', snapshot->>'summary', snapshot->>'body',"
	        " snapshot->>'body_html', edited_by, " DBROW_CST(
	                "created_at") " FROM article_versions WHERE article_id = $1::uuid"
	                              " ORDER BY version DESC LIMIT $2::int OFFSET $3::bigint",
	        3, vals, version_row, NULL, out);
}
