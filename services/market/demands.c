/*
 * Financing demands (融资需求): reading, listing and the guarded transitions both sides
 * share, and the Demands service's table. A demand's status is one column; what manual
 * 001 shows as two (接单状态, 审核状态) is derived from it (demand_statuses).
 */
#include "demands.h"

#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Instants as RFC 3339 in China Standard Time (DBROW_CST), one per line. */
#define DEMAND_CREATED   DBROW_CST("d.created_at")
#define DEMAND_TAKEN     DBROW_CST("d.taken_at")
#define DEMAND_REVIEWED  DBROW_CST("d.reviewed_at")
#define DEMAND_DISBURSED DBROW_CST("d.disbursed_at")
#define DEMAND_WITHDRAWN DBROW_CST("d.withdrawn_at")
#define DEMAND_UPDATED   DBROW_CST("d.updated_at")
#define DEMAND_COLS                                                                                \
	"d.id::text, d.no, d.institution_id::text, d.institution_name, d.product_id::text,"        \
	" d.product_name, d.enterprise_id::text, d.enterprise_name, d.amount_fen,"                 \
	" d.expected_rate_bp, d.term, d.term_unit, d.branch_id::text, b.name, d.purpose,"          \
	" array_to_json(d.agreements)::text, d.status, d.review_opinion, " DEMAND_CREATED          \
	", " DEMAND_TAKEN ", " DEMAND_REVIEWED ", d.disbursed_amount_fen, d.disbursed_on::text,"   \
	" d.loan_contract_no, " DEMAND_DISBURSED ", " DEMAND_WITHDRAWN                             \
	", d.applicant_id::text, d.taken_by::text, " DEMAND_UPDATED                                \
	", d.terms_rate_min_bp, d.terms_rate_max_bp, d.terms_amount_min_fen,"                      \
	" d.terms_amount_max_fen, d.terms_term_min, d.terms_term_max, d.terms_term_unit,"          \
	" array_to_json(d.terms_guarantees)::text"
#define DEMAND_FROM " FROM demands d LEFT JOIN branches b ON b.id = d.branch_id"

/* The scope as SQL over $1 (enterprise), $2 (institution) and $3 (its branch or NULL). */
#define DEMAND_SCOPE                                                                               \
	" (d.enterprise_id = $1::uuid OR (d.institution_id = $2::uuid"                             \
	" AND ($3::uuid IS NULL OR d.branch_id = $3::uuid)))"

/* 接单状态 and 审核状态 of a status. */
static void demand_statuses(const char *status, const char **take, const char **review)
{
	static const struct {
		const char *status, *take, *review;
	} t[] = {
	        {"pending", "待接单", ""},       {"taken", "已接单", "待审核"},
	        {"approved", "已接单", "通过"},  {"rejected", "已接单", "拒绝"},
	        {"disbursed", "已接单", "通过"}, {"withdrawn", "已撤回", ""},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].status, status) == 0) {
			*take = t[i].take;
			*review = t[i].review;
			return;
		}
	*take = *review = "";
}

static long long demand_ll(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* A JSON array of strings (array_to_json) into *out, *n; nothing on a NULL cell. */
static void demand_strings(arena *a, const PGresult *r, int row, int col, char ***out, size_t *n)
{
	json_t *j = PQgetisnull(r, row, col) ? NULL : json_loads(PQgetvalue(r, row, col), 0, NULL);
	*n = 0;
	if (json_is_array(j) && json_array_size(j) > 0) {
		*out = arena_alloc(a, json_array_size(j) * sizeof **out);
		for (size_t i = 0; i < json_array_size(j); i++)
			if (json_is_string(json_array_get(j, i)))
				(*out)[(*n)++] =
				        arena_strdup(a, json_string_value(json_array_get(j, i)));
	}
	json_decref(j);
}

static Market__Demand *demand_from_row(svc_ctx *ctx, const PGresult *r, int row,
                                       int institution_view)
{
	arena *a = ctx->arena;
	Market__Demand *d = arena_alloc(a, sizeof *d);
	market__demand__init(d);
	d->id = dbrow_text(a, r, row, 0);
	d->no = dbrow_text(a, r, row, 1);
	d->institution_id = dbrow_text(a, r, row, 2);
	d->institution_name = dbrow_text(a, r, row, 3);
	d->product_id = dbrow_text(a, r, row, 4);
	d->product_name = dbrow_text(a, r, row, 5);
	d->enterprise_id = dbrow_text(a, r, row, 6);
	d->enterprise_name = dbrow_text(a, r, row, 7);
	d->has_amount_fen = 1;
	d->amount_fen = demand_ll(r, row, 8);
	if (!PQgetisnull(r, row, 9)) {
		d->has_expected_rate_bp = 1;
		d->expected_rate_bp = (int32_t)demand_ll(r, row, 9);
	}
	d->has_term = 1;
	d->term = (int32_t)demand_ll(r, row, 10);
	d->term_unit = dbrow_text(a, r, row, 11);
	d->branch_id = dbrow_text(a, r, row, 12);
	d->branch_name = dbrow_text(a, r, row, 13);
	d->purpose = dbrow_text(a, r, row, 14);
	demand_strings(a, r, row, 15, &d->agreements, &d->n_agreements);
	d->status = dbrow_text(a, r, row, 16);
	const char *take, *review;
	demand_statuses(d->status, &take, &review);
	d->take_status = (char *)take;
	d->review_status = (char *)review;
	d->review_opinion = dbrow_text(a, r, row, 17);
	d->created_at = dbrow_text(a, r, row, 18);
	d->taken_at = dbrow_text(a, r, row, 19);
	d->reviewed_at = dbrow_text(a, r, row, 20);
	if (!PQgetisnull(r, row, 21)) {
		d->has_disbursed_amount_fen = 1;
		d->disbursed_amount_fen = demand_ll(r, row, 21);
	}
	d->disbursed_on = dbrow_text(a, r, row, 22);
	d->loan_contract_no = dbrow_text(a, r, row, 23);
	d->disbursed_at = dbrow_text(a, r, row, 24);
	d->withdrawn_at = dbrow_text(a, r, row, 25);
	if (institution_view) {
		d->applicant_id = dbrow_text(a, r, row, 26);
		d->taken_by = dbrow_text(a, r, row, 27);
	}
	d->updated_at = dbrow_text(a, r, row, 28);
	Market__ProductTerms *t = arena_alloc(a, sizeof *t);
	market__product_terms__init(t);
	t->product_name = d->product_name;
	t->has_rate_min_bp = t->has_rate_max_bp = t->has_amount_min_fen = 1;
	t->has_amount_max_fen = t->has_term_min = t->has_term_max = 1;
	t->rate_min_bp = (int32_t)demand_ll(r, row, 29);
	t->rate_max_bp = (int32_t)demand_ll(r, row, 30);
	t->amount_min_fen = demand_ll(r, row, 31);
	t->amount_max_fen = demand_ll(r, row, 32);
	t->term_min = (int32_t)demand_ll(r, row, 33);
	t->term_max = (int32_t)demand_ll(r, row, 34);
	t->term_unit = dbrow_text(a, r, row, 35);
	demand_strings(a, r, row, 36, &t->guarantees, &t->n_guarantees);
	d->terms = t;
	return d;
}

int demands_load(svc_ctx *ctx, const demands_scope *sc, const char *id, Market__Demand **out)
{
	PGresult *r = NULL;
	int rv;
	if (!validate_uuid(id))
		return status_err(ST_NOT_FOUND, "id");
	const char *v[] = {sc->enterprise_id, sc->institution_id, sc->branch_id, id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT " DEMAND_COLS DEMAND_FROM
	                  " WHERE d.id = $4::uuid AND" DEMAND_SCOPE,
	                  4, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		rv = status_err(ST_NOT_FOUND, "id");
		goto out;
	}
	*out = demand_from_row(ctx, r, 0, sc->enterprise_id == NULL);
	rv = ST_OK;
out:
	PQclear(r);
	return rv;
}

static int demand_status_valid(const char *s)
{
	static const char *const all[] = {"pending",  "taken",     "approved",
	                                  "rejected", "disbursed", "withdrawn"};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(all[i], s) == 0)
			return 1;
	return 0;
}

/*
 * The lists: one statement text per side (the enterprise's, an institution's, a branch's),
 * so that each is planned on its own index (demands_enterprise_listed, …_institution_listed,
 * …_branch_listed: scope, then created_at DESC, no DESC as the ORDER BY) even as a generic
 * plan; an OR of the sides would keep both off their indexes. Parameters: $1 the enterprise
 * or the institution, $2 from, $3 to, $4 keyword; the page adds $5 status, $6 limit,
 * $7 offset; a branch's statements take the branch last ($5 in counts, $8 in the page).
 */
/* A day's bounds are its Beijing midnights: the date becomes a timestamp first, since a bare
 * date AT TIME ZONE is read as midnight in the session's zone (UTC) and moved 8 hours. */
#define L_DATES                                                                                    \
	" AND ($2::date IS NULL OR d.created_at >= $2::date::timestamp AT TIME ZONE "              \
	"'Asia/Shanghai')"                                                                         \
	" AND ($3::date IS NULL OR d.created_at < ($3::date + 1)::timestamp AT TIME ZONE "         \
	"'Asia/Shanghai')"
#define L_KW_ENT " AND ($4::text IS NULL OR strpos(d.product_name, $4) > 0)"
#define L_KW_INST                                                                                  \
	" AND ($4::text IS NULL OR strpos(d.product_name, $4) > 0"                                 \
	" OR strpos(d.enterprise_name, $4) > 0)"
#define L_ENT  " d.enterprise_id = $1::uuid"
#define L_INST " d.institution_id = $1::uuid"
#define L_COUNT(scope, kw)                                                                         \
	"SELECT d.status, count(*) FROM demands d WHERE" scope L_DATES kw " GROUP BY d.status"
#define L_PAGE(scope, kw)                                                                          \
	"SELECT " DEMAND_COLS DEMAND_FROM " WHERE" scope L_DATES kw                                \
	" AND ($5::text IS NULL OR d.status = $5)"                                                 \
	" ORDER BY d.created_at DESC, d.no DESC LIMIT $6::int OFFSET $7::bigint"

enum { SIDE_ENTERPRISE, SIDE_INSTITUTION, SIDE_BRANCH };
static const char *const count_sql[3] = {
        L_COUNT(L_ENT, L_KW_ENT),
        L_COUNT(L_INST, L_KW_INST),
        L_COUNT(" d.branch_id = $5::uuid AND" L_INST, L_KW_INST),
};
static const char *const page_sql[3] = {
        L_PAGE(L_ENT, L_KW_ENT),
        L_PAGE(L_INST, L_KW_INST),
        L_PAGE(" d.branch_id = $8::uuid AND" L_INST, L_KW_INST),
};

static void demand_count_set(Market__DemandCounts *c, const char *status, int n)
{
	struct {
		const char *s;
		int32_t *v;
		protobuf_c_boolean *has;
	} t[] = {{"pending", &c->pending, &c->has_pending},
	         {"taken", &c->taken, &c->has_taken},
	         {"approved", &c->approved, &c->has_approved},
	         {"rejected", &c->rejected, &c->has_rejected},
	         {"disbursed", &c->disbursed, &c->has_disbursed},
	         {"withdrawn", &c->withdrawn, &c->has_withdrawn}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].s, status) == 0)
			*t[i].v = n;
}

/* arg: an int, 1 for the institution's view of the row. */
static ProtobufCMessage *demand_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	return &demand_from_row(ctx, r, row, *(const int *)arg)->base;
}

int demands_list(svc_ctx *ctx, const demands_scope *sc, const Market__ListDemandsRequest *req,
                 Market__DemandList **out)
{
	const char *status = NULL, *q = NULL;
	dblist_page pg;
	int rv, total = 0;
	PGresult *r = NULL;
	if ((rv = dblist_page_init(req->has_page, req->page, req->has_page_size, req->page_size,
	                           &pg)) != ST_OK)
		return rv;
	if (req->status && *req->status) {
		if (!demand_status_valid(req->status))
			return status_err(ST_DEMAND_STATUS, "status");
		status = req->status;
	}
	const char *from = req->date_from && *req->date_from ? req->date_from : NULL;
	const char *to = req->date_to && *req->date_to ? req->date_to : NULL;
	if (from && (rv = validate_date(from)) != 0)
		return status_err(rv, "date_from");
	if (to && (rv = validate_date(to)) != 0)
		return status_err(rv, "date_to");
	if (req->q && *req->q) {
		if ((rv = validate_text(req->q, 50)) != 0)
			return status_err(rv, "q");
		q = req->q;
	}
	Market__DemandList *l =
	        (Market__DemandList *)dblist_new(ctx, &market__demand_list__descriptor);
	Market__DemandCounts *c = arena_alloc(ctx->arena, sizeof *c);
	market__demand_counts__init(c);
	c->has_pending = c->has_taken = c->has_approved = c->has_rejected = 1;
	c->has_disbursed = c->has_withdrawn = 1;

	int side = sc->enterprise_id ? SIDE_ENTERPRISE
	           : sc->branch_id   ? SIDE_BRANCH
	                             : SIDE_INSTITUTION;
	const char *key = side == SIDE_ENTERPRISE ? sc->enterprise_id : sc->institution_id;
	const char *vc[] = {key, from, to, q, sc->branch_id};
	if ((rv = db_exec(ctx->db, count_sql[side], side == SIDE_BRANCH ? 5 : 4, vc, &r)) != ST_OK)
		return status_err(rv, NULL);
	for (int i = 0; i < PQntuples(r); i++) {
		int n = (int)demand_ll(r, i, 1);
		demand_count_set(c, PQgetvalue(r, i, 0), n);
		if (!status || strcmp(status, PQgetvalue(r, i, 0)) == 0)
			total += n;
	}
	PQclear(r);

	const char *vi[] = {key, from, to, q, status, pg.limit, pg.offset, sc->branch_id};
	if ((rv = db_exec(ctx->db, page_sql[side], side == SIDE_BRANCH ? 8 : 7, vi, &r)) != ST_OK)
		return status_err(rv, NULL);
	int institution_side = sc->enterprise_id == NULL;
	rv = dblist_fill(ctx, &l->base, r, demand_row, &institution_side);
	PQclear(r);
	if (rv != ST_OK)
		return rv;
	dblist_total(&l->base, total, &pg);
	l->counts = c;
	*out = l;
	return ST_OK;
}

/* ---- transitions ---------------------------------------------------------------------- */

#define DEMAND_EVENT_COLS                                                                          \
	" id::text, no, enterprise_id::text, enterprise_name, applicant_id::text,"                 \
	" institution_id::text, institution_name, branch_id::text, product_id::text,"              \
	" product_name, amount_fen, disbursed_amount_fen, disbursed_on::text"

int demands_step_tx(svc_ctx *ctx, void *arg)
{
	const demands_step *s = arg;
	const demands_scope *sc = s->sc;
	PGresult *r = NULL;
	const char *v0[] = {sc->enterprise_id, sc->institution_id, sc->branch_id, s->id};
	int rv = change_query(ctx, "SELECT 1 FROM demands d WHERE d.id = $4::uuid AND" DEMAND_SCOPE,
	                      4, v0, NULL, NULL, &r);
	if (rv != ST_OK)
		return rv;
	int seen = PQntuples(r) == 1;
	PQclear(r);
	if (!seen)
		return status_err(ST_NOT_FOUND, "id");

	const char *v[8] = {s->id, s->from, s->to};
	for (int i = 0; i < s->nextra && i < 5; i++)
		v[3 + i] = s->extra[i];
	const char *sql =
	        arena_printf(ctx->arena,
	                     "UPDATE demands SET status = $3, %s, updated_at = now()"
	                     " WHERE id = $1::uuid AND status = $2%s RETURNING" DEMAND_EVENT_COLS,
	                     s->set, s->guard ? s->guard : "");
	if ((rv = change_guard(ctx, s->lost, "status", sql, 3 + s->nextra, v, &r)) != ST_OK)
		return rv;
	Market__DemandEvent ev = MARKET__DEMAND_EVENT__INIT;
	arena *a = ctx->arena;
	ev.demand_id = dbrow_text(a, r, 0, 0);
	ev.no = dbrow_text(a, r, 0, 1);
	ev.status = (char *)s->to;
	ev.enterprise_id = dbrow_text(a, r, 0, 2);
	ev.enterprise_name = dbrow_text(a, r, 0, 3);
	ev.applicant_id = dbrow_text(a, r, 0, 4);
	ev.institution_id = dbrow_text(a, r, 0, 5);
	ev.institution_name = dbrow_text(a, r, 0, 6);
	ev.branch_id = dbrow_text(a, r, 0, 7);
	ev.product_id = dbrow_text(a, r, 0, 8);
	ev.product_name = dbrow_text(a, r, 0, 9);
	ev.has_amount_fen = 1;
	ev.amount_fen = demand_ll(r, 0, 10);
	if (!PQgetisnull(r, 0, 11)) {
		ev.has_disbursed_amount_fen = 1;
		ev.disbursed_amount_fen = demand_ll(r, 0, 11);
	}
	ev.disbursed_on = dbrow_text(a, r, 0, 12);
	ev.opinion = (char *)s->opinion;
	ev.actor_person_id = (char *)s->actor_person_id;
	PQclear(r);
	change_event e = {arena_printf(a, "market.demand.%s", s->to), NULL, &ev.base};
	return change_record(
	        ctx, s->actor, arena_printf(a, "demand/%s", s->id),
	        arena_printf(a, "demand.%s", s->to),
	        json_pack("{s:s, s:s, s:s}", "no", ev.no, "from", s->from, "to", s->to), &e);
}

/* ---- the service table ------------------------------------------------------------------ */

static const svc_handler demands_handlers[] = {
        {"SubmitDemand", market_demand_submit},
        {"ListEnterpriseDemands", market_demands_enterprise_list},
        {"GetEnterpriseDemand", market_demand_enterprise_get},
        {"WithdrawDemand", market_demand_withdraw},
        {"ListInstitutionDemands", market_demands_institution_list},
        {"GetInstitutionDemand", market_demand_institution_get},
        {"TakeDemand", market_demand_take},
        {"ReviewDemand", market_demand_review},
        {"DisburseDemand", market_demand_disburse},
};

/* Creating and money-recording POSTs: a retry with the same Idempotency-Key does nothing twice. */
static const char *const demands_idempotent[] = {"SubmitDemand", "DisburseDemand", NULL};

const svc_api market_demands_api =
        SVC_API(&market__demands__descriptor, demands_handlers, .idempotent = demands_idempotent);
