/*
 * market: portal content (service Content of proto/market.proto). articles.c: the public
 * reads, the row mapping, the rules an article's fields follow and the handler table;
 * articles_edit.c: the editors' routes; site.c: the site settings.
 */
#ifndef MARKET_CONTENT_H
#define MARKET_CONTENT_H

#include "market.h"

#include <libpq-fe.h>
#include <stddef.h>

struct Market__Article;

/* The columns of an article row (a: articles); ARTICLE_COLS_LIST leaves the bodies
 * out (lists show summaries). */
#define ARTICLE_COLS_(body)                                                                        \
	"a.id::text, a.category, a.title, a.summary, " body ", a.cover_url, a.source,"             \
	" a.source_url, a.authority, a.effective_on::text, a.expires_on::text,"                    \
	" coalesce(a.expires_on < (now() AT TIME ZONE 'Asia/Shanghai')::date, false),"             \
	" to_json(a.region_codes)::text, to_json(a.tags)::text, a.state, a.pinned,"                \
	" a.pin_order, a.version, " DBROW_CST("a.published_at") ", " DBROW_CST(                    \
	        "a.created_at") ", " DBROW_CST("a.updated_at")
#define ARTICLE_COLS      ARTICLE_COLS_("a.body, a.body_html")
#define ARTICLE_COLS_LIST ARTICLE_COLS_("NULL::text, NULL::text")

/* A row of ARTICLE_COLS(_LIST) as a message in ctx->arena; with_source 0 drops the
 * Markdown source (the public routes serve body_html only). */
struct Market__Article *content_article_from_row(svc_ctx *ctx, const PGresult *r, int row,
                                                 int with_source);

/* ST_OK when the caller is an operator with the role content_editor or admin;
 * ST_UNAUTHENTICATED without a person; else ST_NOT_FOUND (the routes do not exist
 * for anyone else). */
int content_editor_check(svc_ctx *ctx);

/* The Chinese name of a category code (policy, news, notice, about), or NULL. */
const char *content_category_name(const char *code);
/* The same for a state (draft, published, offline). */
const char *content_state_name(const char *code);

/*
 * Region codes as enterprise (the owner of the regions table) resolves them, through
 * its bus method ResolveRegions: the n codes normalised (short form) into *out, or,
 * with lineage set, the one code's ancestors and itself (province first) into *out
 * and *nout. Field names the refusal: INVALID_REGION_CODE, UNKNOWN_REGION. ST_OK, a
 * code with its detail set, or ST_UNAVAILABLE when enterprise does not answer.
 */
int content_regions_resolve(svc_ctx *ctx, char *const *codes, size_t n, int lineage,
                            const char *field, char ***out, size_t *nout);

/* articles.c: public */
int content_articles_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int content_article_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int content_home_feed(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* articles_edit.c: content_editor (or admin) */
int content_article_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int content_article_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int content_editor_article_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int content_editor_articles_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int content_article_publish(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int content_article_offline(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int content_article_versions(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* site.c */
int content_site_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int content_site_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
