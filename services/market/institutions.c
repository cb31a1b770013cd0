/*
 * Institutions (金融机构) and their branches (支行): operators (admin, market_admin)
 * create and edit them; anyone reads the catalogue (GET /institutions, /{id} with its
 * branches). Also the helpers of catalogue.h and the Market service's handler table.
 */
#include "catalogue.h"

#include "caller.h"
#include "change.h"
#include "dbrow.h"
#include "market.pb-c.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------------ */

int market_text(const char *s, size_t max, int required, const char *field)
{
	int rv;
	if (!s || !*s)
		return required ? status_err(ST_FIELD_REQUIRED, field) : ST_OK;
	if ((rv = validate_text(s, max)) != 0)
		return status_err(rv, field);
	return ST_OK;
}

const char *market_pg_array(svc_ctx *ctx, char *const *items, size_t n)
{
	size_t len = 3;
	for (size_t i = 0; i < n; i++)
		len += 2 * strlen(items[i]) + 3;
	char *out = arena_alloc(ctx->arena, len), *p = out;
	*p++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		*p++ = '"';
		for (const char *c = items[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*p++ = '\\';
			*p++ = *c;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return out;
}

void market_json_strings(svc_ctx *ctx, const char *json, char ***items, size_t *n)
{
	json_t *a = json_loads(json ? json : "[]", 0, NULL);
	size_t k = json_is_array(a) ? json_array_size(a) : 0;
	*items = arena_alloc(ctx->arena, (k ? k : 1) * sizeof **items);
	*n = 0;
	for (size_t i = 0; i < k; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (s)
			(*items)[(*n)++] = arena_strdup(ctx->arena, s);
	}
	json_decref(a);
}

const char *market_actor(svc_ctx *ctx)
{
	return arena_printf(ctx->arena, "person:%s", ctx->caller->person_id);
}

int market_operator(const svc_ctx *ctx)
{
	return caller_has_role(ctx, "market_admin") || caller_has_role(ctx, "admin");
}

/* The operator routes do not exist for anyone else. */
static int operator_check(svc_ctx *ctx)
{
	const char *pid = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	return market_operator(ctx) ? ST_OK : status_err(ST_NOT_FOUND, NULL);
}

/* ---- institutions ----------------------------------------------------------------- */

static const char *const kinds[][2] = {{"bank", "银行"},
                                       {"guarantee", "担保公司"},
                                       {"microcredit", "小额贷款公司"},
                                       {"bill_funder", "保理/商票资金方"}};

static const char *kind_name(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i][0], kind) == 0)
			return kinds[i][1];
	return NULL;
}

#define INST_COLS                                                                                  \
	"i.id::text, i.kind, i.name, i.uscc, i.logo_url, i.description, " DBROW_CST(               \
	        "i.created_at") ", " DBROW_CST("i.updated_at") ","                                 \
	                                                       " (SELECT count(*) FROM products "  \
	                                                       "p WHERE p.institution_id = i.id"   \
	                                                       " AND p.state = 'published')"

static Market__Institution *inst_from_row(svc_ctx *ctx, const PGresult *res, int row)
{
	Market__Institution *m = arena_alloc(ctx->arena, sizeof *m);
	market__institution__init(m);
	m->id = dbrow_text(ctx->arena, res, row, 0);
	m->kind = dbrow_text(ctx->arena, res, row, 1);
	m->kind_name = (char *)kind_name(m->kind);
	m->name = dbrow_text(ctx->arena, res, row, 2);
	m->uscc = dbrow_text(ctx->arena, res, row, 3);
	m->logo_url = dbrow_text(ctx->arena, res, row, 4);
	m->description = dbrow_text(ctx->arena, res, row, 5);
	m->created_at = dbrow_text(ctx->arena, res, row, 6);
	m->updated_at = dbrow_text(ctx->arena, res, row, 7);
	m->has_product_count = 1;
	m->product_count = (int32_t)strtol(PQgetvalue(res, row, 8), NULL, 10);
	return m;
}

#define BRANCH_COLS                                                                                \
	"id::text, institution_id::text, name, address, region_code, phone, " DBROW_CST(           \
	        "created_at")

static Market__Branch *branch_from_row(svc_ctx *ctx, const PGresult *res, int row)
{
	Market__Branch *b = arena_alloc(ctx->arena, sizeof *b);
	market__branch__init(b);
	b->id = dbrow_text(ctx->arena, res, row, 0);
	b->institution_id = dbrow_text(ctx->arena, res, row, 1);
	b->name = dbrow_text(ctx->arena, res, row, 2);
	b->address = dbrow_text(ctx->arena, res, row, 3);
	b->region_code = dbrow_text(ctx->arena, res, row, 4);
	b->phone = dbrow_text(ctx->arena, res, row, 5);
	b->created_at = dbrow_text(ctx->arena, res, row, 6);
	return b;
}

/* The institution with its branches, or ST_NOT_FOUND. */
static int inst_load(svc_ctx *ctx, const char *id, Market__Institution **out)
{
	PGresult *res = NULL;
	int rv;
	if (!id || !validate_uuid(id))
		return status_err(ST_NOT_FOUND, NULL);
	const char *vals[] = {id};
	if ((rv = db_exec(ctx->db, "SELECT " INST_COLS " FROM institutions i WHERE i.id = $1::uuid",
	                  1, vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return status_err(ST_NOT_FOUND, NULL);
	}
	Market__Institution *m = inst_from_row(ctx, res, 0);
	PQclear(res);
	if ((rv = db_exec(ctx->db,
	                  "SELECT " BRANCH_COLS " FROM branches WHERE institution_id = $1::uuid"
	                  " ORDER BY region_code, name",
	                  1, vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(res);
	m->branches = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *m->branches);
	for (int i = 0; i < n; i++)
		m->branches[m->n_branches++] = branch_from_row(ctx, res, i);
	PQclear(res);
	*out = m;
	return ST_OK;
}

int market_institution_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__InstitutionRef *req = (const Market__InstitutionRef *)in;
	Market__Institution *m = NULL;
	int rv = inst_load(ctx, req->id, &m);
	if (rv == ST_OK)
		*out = &m->base;
	return rv;
}

static ProtobufCMessage *inst_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &inst_from_row(ctx, r, row)->base;
}

int market_institutions_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ListInstitutionsRequest *req = (const Market__ListInstitutionsRequest *)in;
	dblist_page pg;
	int rv;
	if ((rv = dblist_page_init(req->has_page, req->page, req->has_page_size, req->page_size,
	                           &pg)) != ST_OK)
		return rv;
	if (req->kind && *req->kind && !kind_name(req->kind))
		return status_err(ST_INSTITUTION_KIND_INVALID, "kind");
	if ((rv = market_text(req->q, 50, 0, "q")) != ST_OK)
		return rv;
	const char *vals[] = {req->kind ? req->kind : "", req->q ? req->q : "", pg.limit,
	                      pg.offset};
#define INST_WHERE                                                                                 \
	" FROM institutions i WHERE ($1 = '' OR i.kind = $1)"                                      \
	" AND ($2 = '' OR strpos(lower(i.name), lower($2)) > 0)"
	rv = dblist_query(ctx, &market__institution_list__descriptor, &pg,
	                  "SELECT count(*)" INST_WHERE, 2,
	                  "SELECT " INST_COLS INST_WHERE " ORDER BY i.created_at, i.id"
	                  " LIMIT $3::int OFFSET $4::bigint",
	                  4, vals, inst_row, NULL, out);
#undef INST_WHERE
	return rv;
}

struct inst_write {
	const Market__InstitutionForm *f;
	const char *id; /* set by the create */
};

static int inst_create_tx(svc_ctx *ctx, void *arg)
{
	struct inst_write *w = arg;
	PGresult *res = NULL;
	const char *vals[] = {w->f->kind,
	                      w->f->name,
	                      w->f->uscc,
	                      w->f->logo_url ? w->f->logo_url : "",
	                      w->f->description ? w->f->description : "",
	                      market_actor(ctx)};
	int rv = change_unique(ctx, ST_INSTITUTION_EXISTS, "name",
	                       "INSERT INTO institutions (kind, name, uscc, logo_url, description,"
	                       " created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text",
	                       6, vals, NULL, NULL, &res);
	if (rv != ST_OK)
		return rv;
	w->id = arena_strdup(ctx->arena, PQgetvalue(res, 0, 0));
	PQclear(res);
	return change_record(ctx, vals[5], arena_printf(ctx->arena, "institution/%s", w->id),
	                     "institution.created",
	                     json_pack("{s:s, s:s, s:s}", "kind", w->f->kind, "name", w->f->name,
	                               "uscc", w->f->uscc),
	                     NULL);
}

static int inst_update_tx(svc_ctx *ctx, void *arg)
{
	struct inst_write *w = arg;
	PGresult *res = NULL;
	const Market__InstitutionForm *f = w->f;
	const char *vals[] = {
	        f->id,       f->kind ? f->kind : "", f->name ? f->name : "", f->uscc ? f->uscc : "",
	        f->logo_url, f->description};
	int rv = change_unique(ctx, ST_INSTITUTION_EXISTS, "name",
	                       "UPDATE institutions SET kind = coalesce(nullif($2, ''), kind),"
	                       " name = coalesce(nullif($3, ''), name),"
	                       " uscc = coalesce(nullif($4, ''), uscc),"
	                       " logo_url = coalesce($5, logo_url),"
	                       " description = coalesce($6, description), updated_at = now()"
	                       " WHERE id = $1::uuid RETURNING id",
	                       6, vals, NULL, NULL, &res);
	if (rv != ST_OK)
		return rv;
	long n = change_rows(res);
	PQclear(res);
	if (n != 1)
		return status_err(ST_NOT_FOUND, NULL);
	/* The search text carries the institution's name. */
	if (f->name && *f->name &&
	    (rv = change_exec(ctx,
	                      "UPDATE products p SET search_text = p.name || ' ' || i.name || ' '"
	                      " || array_to_string(p.features || p.guarantees, ' ')"
	                      " FROM institutions i WHERE i.id = p.institution_id"
	                      " AND p.institution_id = $1::uuid",
	                      1, vals, NULL)) != ST_OK)
		return rv;
	if (f->name && *f->name &&
	    (rv = change_exec(ctx,
	                      "UPDATE products SET search_grams = market_grams(search_text)"
	                      " WHERE institution_id = $1::uuid",
	                      1, vals, NULL)) != ST_OK)
		return rv;
	return change_record(ctx, market_actor(ctx),
	                     arena_printf(ctx->arena, "institution/%s", f->id),
	                     "institution.updated", NULL, NULL);
}

static int inst_validate(const Market__InstitutionForm *f, int create)
{
	int rv;
	if (create || f->kind) {
		if (!f->kind || !*f->kind)
			return status_err(ST_FIELD_REQUIRED, "kind");
		if (!kind_name(f->kind))
			return status_err(ST_INSTITUTION_KIND_INVALID, "kind");
	}
	if ((rv = market_text(f->name, 100, create || f->name, "name")) != ST_OK)
		return rv;
	if (create || f->uscc) {
		if (!f->uscc || !*f->uscc)
			return status_err(ST_FIELD_REQUIRED, "uscc");
		if ((rv = validate_uscc(f->uscc)) != 0)
			return status_err(rv, "uscc");
	}
	if ((rv = market_text(f->logo_url, 500, 0, "logo_url")) != ST_OK ||
	    (rv = market_text(f->description, 2000, 0, "description")) != ST_OK)
		return rv;
	if (f->logo_url && *f->logo_url && !validate_image_url(f->logo_url))
		return status_err(ST_LOGO_URL_INVALID, "logo_url");
	return ST_OK;
}

int market_institution_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	struct inst_write w = {(const Market__InstitutionForm *)in, NULL};
	Market__Institution *m = NULL;
	int rv;
	if ((rv = operator_check(ctx)) != ST_OK || (rv = inst_validate(w.f, 1)) != ST_OK ||
	    (rv = change_run(ctx, inst_create_tx, &w)) != ST_OK ||
	    (rv = inst_load(ctx, w.id, &m)) != ST_OK)
		return rv;
	*out = &m->base;
	return ST_CREATED;
}

int market_institution_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	struct inst_write w = {(const Market__InstitutionForm *)in, NULL};
	Market__Institution *m = NULL;
	int rv;
	if ((rv = operator_check(ctx)) != ST_OK)
		return rv;
	if (!w.f->id || !validate_uuid(w.f->id))
		return status_err(ST_NOT_FOUND, NULL);
	if ((rv = inst_validate(w.f, 0)) != ST_OK ||
	    (rv = change_run(ctx, inst_update_tx, &w)) != ST_OK ||
	    (rv = inst_load(ctx, w.f->id, &m)) != ST_OK)
		return rv;
	*out = &m->base;
	return ST_OK;
}

/* ---- branches ----------------------------------------------------------------------- */

struct branch_new {
	const Market__BranchForm *f;
	Market__Branch *b;
};

static int branch_tx(svc_ctx *ctx, void *arg)
{
	struct branch_new *a = arg;
	PGresult *res = NULL;
	const char *vals[] = {a->f->institution_id, a->f->name, a->f->address ? a->f->address : "",
	                      a->f->region_code, a->f->phone ? a->f->phone : ""};
	int rv = change_unique(ctx, ST_BRANCH_EXISTS, "name",
	                       "INSERT INTO branches (institution_id, name, address, region_code,"
	                       " phone) SELECT id, $2, $3, $4, $5 FROM institutions"
	                       " WHERE id = $1::uuid RETURNING " BRANCH_COLS,
	                       5, vals, NULL, NULL, &res);
	if (rv != ST_OK)
		return rv;
	if (change_rows(res) != 1) {
		PQclear(res);
		return status_err(ST_NOT_FOUND, NULL);
	}
	a->b = branch_from_row(ctx, res, 0);
	PQclear(res);
	return change_record(ctx, market_actor(ctx),
	                     arena_printf(ctx->arena, "branch/%s", a->b->id), "branch.created",
	                     json_pack("{s:s, s:s, s:s}", "institution_id", a->f->institution_id,
	                               "name", a->f->name, "region_code", a->f->region_code),
	                     NULL);
}

static int region_code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n != 6 && n != 9)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int market_branch_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	struct branch_new a = {(const Market__BranchForm *)in, NULL};
	int rv;
	if ((rv = operator_check(ctx)) != ST_OK)
		return rv;
	if (!a.f->institution_id || !validate_uuid(a.f->institution_id))
		return status_err(ST_NOT_FOUND, NULL);
	if ((rv = market_text(a.f->name, 100, 1, "name")) != ST_OK ||
	    (rv = market_text(a.f->address, 200, 0, "address")) != ST_OK ||
	    (rv = market_text(a.f->phone, 30, 0, "phone")) != ST_OK)
		return rv;
	if (!a.f->region_code || !*a.f->region_code)
		return status_err(ST_FIELD_REQUIRED, "region_code");
	if (!region_code_ok(a.f->region_code))
		return status_err(ST_REGION_CODE_INVALID, "region_code");
	if ((rv = change_run(ctx, branch_tx, &a)) != ST_OK)
		return rv;
	*out = &a.b->base;
	return ST_CREATED;
}

/* ---- the Market service ------------------------------------------------------------ */

static const svc_handler catalogue_handlers[] = {
        {"ListInstitutions", market_institutions_list},
        {"GetInstitution", market_institution_get},
        {"SearchProducts", market_products_search},
        {"GetProduct", market_product_get},
        {"CreateInstitution", market_institution_create},
        {"UpdateInstitution", market_institution_update},
        {"CreateBranch", market_branch_create},
        {"AddStaff", market_staff_add},
        {"ListStaff", market_staff_list},
        {"RemoveStaff", market_staff_remove},
        {"GetMyStaff", market_staff_me},
        {"AddInstitutionStaff", market_inst_staff_add},
        {"ListInstitutionStaff", market_inst_staff_list},
        {"RemoveInstitutionStaff", market_inst_staff_remove},
        {"CreateProduct", market_product_create},
        {"UpdateProduct", market_product_update},
        {"GetInstitutionProduct", market_inst_product_get},
        {"ListInstitutionProducts", market_inst_products_list},
        {"PublishProduct", market_product_publish},
        {"OfflineProduct", market_product_offline},
};

/* The creating POSTs honour Idempotency-Key. */
static const char *const catalogue_idempotent[] = {"CreateInstitution", "CreateBranch",
                                                   "AddStaff",          "AddInstitutionStaff",
                                                   "CreateProduct",     NULL};

const svc_api market_catalogue_api = SVC_API(&market__market__descriptor, catalogue_handlers,
                                             .idempotent = catalogue_idempotent);
