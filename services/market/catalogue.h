/*
 * market: the catalogue's handlers (service Market of proto/market.proto) and the
 * helpers its files share. Bound by name in institutions.c.
 */
#ifndef MARKET_CATALOGUE_H
#define MARKET_CATALOGUE_H

#include "market.h"

#include "dblist.h"
#include "dbrow.h"

#include <libpq-fe.h>
#include <stddef.h>

/* Text of at most max characters; required: absent or "" is FIELD_REQUIRED. */
int market_text(const char *s, size_t max, int required, const char *field);
/* A PostgreSQL array literal of n strings (arena), each quoted. */
const char *market_pg_array(svc_ctx *ctx, char *const *items, size_t n);
/* A JSON array of strings (a cell of to_json(text[])) into arena strings. */
void market_json_strings(svc_ctx *ctx, const char *json, char ***items, size_t *n);
/* The actor of an audit entry: "person:<id>". */
const char *market_actor(svc_ctx *ctx);

/* institutions.c */
int market_institutions_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_institution_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_institution_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_institution_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_branch_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* staff.c */
int market_staff_add(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_staff_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_staff_remove(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_staff_me(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_inst_staff_add(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_inst_staff_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_inst_staff_remove(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* products.c */
int market_product_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_product_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_inst_product_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_inst_products_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_product_publish(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_product_offline(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_product_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* The columns of a product row (p: products, i: institutions) and its decoding. */
#define MARKET_PRODUCT_COLS                                                                        \
	"p.id::text, p.institution_id::text, i.name, i.logo_url, i.kind, p.name, p.state,"         \
	" p.rate_min_bp, p.rate_max_bp, p.amount_min_fen, p.amount_max_fen, p.term_min,"           \
	" p.term_max, p.term_unit, to_json(p.guarantees)::text, to_json(p.target_regions)::text,"  \
	" to_json(p.target_industries)::text, to_json(p.features)::text, p.description,"           \
	" to_json(p.required_materials)::text, " DBROW_CST("p.published_at") ", " DBROW_CST(       \
	        "p.created_at") ", " DBROW_CST("p.updated_at")
struct Market__Product;
struct Market__Product *market_product_from_row(svc_ctx *ctx, const PGresult *res, int row);
/* The same as a dblist row callback (arg unused). */
ProtobufCMessage *market_product_row(svc_ctx *ctx, const PGresult *res, int row, void *arg);

/* search.c */
int market_products_search(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
