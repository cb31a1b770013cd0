/*
 * Financing demands, the enterprise's side: submit (with the product's terms copied and
 * the daily number), list, detail, withdraw while 待接单. The enterprise identity is the
 * session's claim, checked live with enterprise (Readiness) on every request.
 */
#include "demands.h"

#include "caller.h"
#include "change.h"
#include "dbrow.h"
#include "enterprise.pb-c.h"
#include "enterprise_members.pb-c.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/*
 * The caller's enterprise (the session's claim) as enterprise reports it now, into *rep:
 * ST_DEMAND_NOT_CERTIFIED without an enterprise identity or for one not certified,
 * ST_NOT_FOUND when the caller is no longer a member of it.
 */
static int demands_enterprise(svc_ctx *ctx, const char **pid, Enterprise__ReadinessReport **rep)
{
	const char *claim;
	ProtobufCMessage *out = NULL;
	int rv = caller_person(ctx, pid);
	if (rv != ST_OK)
		return rv;
	if (!(claim = caller_enterprise_claim(ctx)))
		return status_err(ST_DEMAND_NOT_CERTIFIED, "enterprise");
	if (!MARKET_APP(ctx)->enterprise)
		return status_err(ST_UNAVAILABLE, NULL);
	Enterprise__ReadinessRequest req = ENTERPRISE__READINESS_REQUEST__INIT;
	req.enterprise_id = (char *)claim;
	req.person_id = (char *)*pid;
	if ((rv = bus_call(MARKET_APP(ctx)->enterprise, "Readiness", ctx->caller,
	                   bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                   &req.base, &enterprise__readiness_report__descriptor, ctx->arena,
	                   &out)) != ST_OK)
		return rv;
	Enterprise__ReadinessReport *r = (Enterprise__ReadinessReport *)out;
	if (!r->member)
		return status_err(r->certified ? ST_NOT_FOUND : ST_DEMAND_NOT_CERTIFIED,
		                  r->certified ? NULL : "enterprise");
	if (!r->certified)
		return status_err(ST_DEMAND_NOT_CERTIFIED, "enterprise");
	*rep = r;
	return ST_OK;
}

/* ---- submit --------------------------------------------------------------------------- */

struct submit {
	const Market__SubmitDemandRequest *req;
	const char *pid, *enterprise_id, *enterprise_name, *agreements;
	char *id;
};

/* The product as it is now (locked against a concurrent edit), checked against the request. */
static int submit_product_check(svc_ctx *ctx, const struct submit *s, PGresult **out)
{
	const Market__SubmitDemandRequest *q = s->req;
	PGresult *r = NULL;
	char amount[24], months[16], rate[16];
	snprintf(amount, sizeof amount, "%lld", (long long)q->amount_fen);
	snprintf(months, sizeof months, "%d",
	         strcmp(q->term_unit, "年") == 0 ? q->term * 12 : q->term);
	snprintf(rate, sizeof rate, "%d", (int)q->expected_rate_bp);
	const char *v[] = {q->product_id, amount, months, q->branch_id,
	                   q->has_expected_rate_bp ? rate : NULL};
	int rv = change_query(ctx,
	                      "SELECT p.state = 'published', $2::bigint BETWEEN p.amount_min_fen "
	                      "AND p.amount_max_fen,"
	                      " $3::int BETWEEN p.term_min_months AND p.term_max_months,"
	                      " EXISTS (SELECT 1 FROM branches b WHERE b.id = $4::uuid"
	                      "  AND b.institution_id = p.institution_id),"
	                      " p.institution_id::text, i.name, p.name,"
	                      " $5::int IS NULL OR $5::int BETWEEN p.rate_min_bp AND p.rate_max_bp"
	                      " FROM products p JOIN institutions i ON i.id = p.institution_id"
	                      " WHERE p.id = $1::uuid FOR SHARE OF p",
	                      5, v, NULL, NULL, &r);
	if (rv != ST_OK)
		return rv;
	rv = PQntuples(r) != 1 ? status_err(ST_NOT_FOUND, "product_id")
	     : PQgetvalue(r, 0, 0)[0] != 't'
	             ? status_err(ST_DEMAND_PRODUCT_UNAVAILABLE, "product_id")
	     : PQgetvalue(r, 0, 1)[0] != 't' ? status_err(ST_DEMAND_AMOUNT_RANGE, "amount_fen")
	     : PQgetvalue(r, 0, 2)[0] != 't' ? status_err(ST_DEMAND_TERM_RANGE, "term")
	     : PQgetvalue(r, 0, 3)[0] != 't' ? status_err(ST_BRANCH_NOT_OF_INSTITUTION, "branch_id")
	     : PQgetvalue(r, 0, 7)[0] != 't' ? status_err(ST_DEMAND_RATE_RANGE, "expected_rate_bp")
	                                     : ST_OK;
	if (rv != ST_OK) {
		PQclear(r);
		return rv;
	}
	*out = r;
	return ST_OK;
}

static int submit_tx(svc_ctx *ctx, void *arg)
{
	struct submit *s = arg;
	const Market__SubmitDemandRequest *q = s->req;
	arena *a = ctx->arena;
	PGresult *p = NULL, *r = NULL;
	int rv = submit_product_check(ctx, s, &p);
	if (rv != ST_OK)
		return rv;
	const char *institution_id = dbrow_text(a, p, 0, 4);
	const char *institution_name = dbrow_text(a, p, 0, 5);
	const char *product_name = dbrow_text(a, p, 0, 6);
	PQclear(p);

	/* The day's next number, in this transaction: a rollback gives it back (no gap). */
	if ((rv = change_query(
	             ctx,
	             "INSERT INTO demand_numbers AS n (day, last)"
	             " VALUES ((now() AT TIME ZONE 'Asia/Shanghai')::date, 1)"
	             " ON CONFLICT (day) DO UPDATE SET last = n.last + 1 WHERE n.last < 999"
	             " RETURNING 'PO' || to_char(day, 'YYYYMMDD') || lpad(last::text, 3, '0')",
	             0, NULL, NULL, NULL, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_DEMAND_DAILY_FULL, NULL);
	}
	const char *no = dbrow_text(a, r, 0, 0);
	PQclear(r);

	char amount[24], term[16], rate[16];
	snprintf(amount, sizeof amount, "%lld", (long long)q->amount_fen);
	snprintf(term, sizeof term, "%d", q->term);
	snprintf(rate, sizeof rate, "%d", q->expected_rate_bp);
	const char *v[] = {no,
	                   q->product_id,
	                   q->branch_id,
	                   s->enterprise_id,
	                   s->enterprise_name,
	                   s->pid,
	                   amount,
	                   term,
	                   q->term_unit,
	                   q->has_expected_rate_bp ? rate : NULL,
	                   q->purpose ? q->purpose : "",
	                   s->agreements};
	if ((rv = change_query(
	             ctx,
	             "INSERT INTO demands (no, product_id, institution_id, branch_id, "
	             "enterprise_id,"
	             " enterprise_name, applicant_id, amount_fen, term, term_unit, "
	             "expected_rate_bp,"
	             " purpose, agreements, product_name, institution_name, terms_rate_min_bp,"
	             " terms_rate_max_bp, terms_amount_min_fen, terms_amount_max_fen, "
	             "terms_term_min,"
	             " terms_term_max, terms_term_unit, terms_guarantees)"
	             " SELECT $1, p.id, p.institution_id, $3::uuid, $4::uuid, $5, $6::uuid,"
	             " $7::bigint, $8::int, $9, $10::int, $11,"
	             " ARRAY(SELECT json_array_elements_text($12::json)), p.name, i.name,"
	             " p.rate_min_bp, p.rate_max_bp, p.amount_min_fen, p.amount_max_fen, "
	             "p.term_min,"
	             " p.term_max, p.term_unit, p.guarantees"
	             " FROM products p JOIN institutions i ON i.id = p.institution_id"
	             " WHERE p.id = $2::uuid RETURNING id::text",
	             12, v, NULL, NULL, &r)) != ST_OK)
		return rv;
	s->id = dbrow_text(a, r, 0, 0);
	PQclear(r);

	/* Who hears of it: the loan officers of the institution-wide staff and of the branch. */
	const char *vo[] = {institution_id, q->branch_id};
	if ((rv = change_query(
	             ctx,
	             "SELECT person_id::text FROM staff WHERE institution_id = $1::uuid"
	             " AND state = 'active' AND role = 'loan_officer'"
	             " AND (branch_id IS NULL OR branch_id = $2::uuid) ORDER BY created_at",
	             2, vo, NULL, NULL, &r)) != ST_OK)
		return rv;
	Market__DemandEvent ev = MARKET__DEMAND_EVENT__INIT;
	int n = PQntuples(r);
	ev.officer_person_ids = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *ev.officer_person_ids);
	for (int i = 0; i < n; i++)
		ev.officer_person_ids[ev.n_officer_person_ids++] = dbrow_text(a, r, i, 0);
	PQclear(r);
	ev.demand_id = s->id;
	ev.no = (char *)no;
	ev.status = "pending";
	ev.enterprise_id = (char *)s->enterprise_id;
	ev.enterprise_name = (char *)s->enterprise_name;
	ev.applicant_id = (char *)s->pid;
	ev.institution_id = (char *)institution_id;
	ev.institution_name = (char *)institution_name;
	ev.branch_id = (char *)q->branch_id;
	ev.product_id = (char *)q->product_id;
	ev.product_name = (char *)product_name;
	ev.has_amount_fen = 1;
	ev.amount_fen = q->amount_fen;
	ev.actor_person_id = (char *)s->pid;
	change_event e = {"market.demand.submitted", NULL, &ev.base};
	return change_record(ctx, arena_printf(a, "person:%s", s->pid),
	                     arena_printf(a, "demand/%s", s->id), "demand.submitted",
	                     json_pack("{s:s, s:s, s:s, s:I}", "no", no, "enterprise_id",
	                               s->enterprise_id, "product_id", q->product_id, "amount_fen",
	                               (json_int_t)q->amount_fen),
	                     &e);
}

/* The request's own checks, before anyone is asked; the agreements as a JSON array. */
static int submit_validate(svc_ctx *ctx, const Market__SubmitDemandRequest *q, const char **agr)
{
	int rv;
	if (!q->product_id || !*q->product_id)
		return status_err(ST_FIELD_REQUIRED, "product_id");
	if (!validate_uuid(q->product_id))
		return status_err(ST_NOT_FOUND, "product_id");
	if (!q->has_amount_fen)
		return status_err(ST_FIELD_REQUIRED, "amount_fen");
	if (q->amount_fen < 1 || validate_amount_fen(q->amount_fen) != 0)
		return status_err(ST_FIELD_RANGE, "amount_fen");
	if (!q->has_term)
		return status_err(ST_FIELD_REQUIRED, "term");
	if (q->term < 1 || q->term > 1200)
		return status_err(ST_FIELD_RANGE, "term");
	if (!q->term_unit || !*q->term_unit)
		return status_err(ST_FIELD_REQUIRED, "term_unit");
	if (strcmp(q->term_unit, "月") != 0 && strcmp(q->term_unit, "年") != 0)
		return status_err(ST_DEMAND_TERM_UNIT, "term_unit");
	if (q->has_expected_rate_bp && (q->expected_rate_bp < 0 || q->expected_rate_bp > 10000))
		return status_err(ST_FIELD_RANGE, "expected_rate_bp");
	if (!q->branch_id || !*q->branch_id)
		return status_err(ST_FIELD_REQUIRED, "branch_id");
	if (!validate_uuid(q->branch_id))
		return status_err(ST_BRANCH_NOT_OF_INSTITUTION, "branch_id");
	if (q->purpose && (rv = validate_text(q->purpose, 500)) != 0)
		return status_err(rv, "purpose");
	if (q->n_agreements == 0)
		return status_err(ST_DEMAND_AGREEMENTS, "agreements");
	json_t *j = json_array();
	for (size_t i = 0; i < q->n_agreements; i++) {
		if (!q->agreements[i] || !*q->agreements[i]) {
			json_decref(j);
			return status_err(ST_DEMAND_AGREEMENTS, "agreements");
		}
		if ((rv = validate_text(q->agreements[i], 64)) != 0) {
			json_decref(j);
			return status_err(rv, "agreements");
		}
		json_array_append_new(j, json_string(q->agreements[i]));
	}
	char *txt = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	*agr = arena_strdup(ctx->arena, txt);
	free(txt);
	return ST_OK;
}

int market_demand_submit(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__SubmitDemandRequest *q = (const Market__SubmitDemandRequest *)in;
	Enterprise__ReadinessReport *rep = NULL;
	ProtobufCMessage *info = NULL;
	Market__Demand *d = NULL;
	const char *pid = NULL, *agreements = NULL;
	int rv;
	if ((rv = demands_enterprise(ctx, &pid, &rep)) != ST_OK)
		return rv;
	/* Each missing thing is named: the person's verification, then the face check. */
	if (!rep->person_verified)
		return status_err(ST_PERSON_NOT_VERIFIED, "applicant");
	if (!rep->face_checked)
		return status_err(ST_DEMAND_FACE_CHECK, "face_check");
	if ((rv = submit_validate(ctx, q, &agreements)) != ST_OK)
		return rv;
	Enterprise__GetEnterpriseRequest gq = ENTERPRISE__GET_ENTERPRISE_REQUEST__INIT;
	gq.id = rep->enterprise_id;
	if ((rv = bus_call(MARKET_APP(ctx)->enterprise, "GetEnterprise", ctx->caller,
	                   bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                   &gq.base, &enterprise__enterprise_info__descriptor, ctx->arena,
	                   &info)) != ST_OK)
		return rv;
	const Enterprise__EnterpriseInfo *e = (const Enterprise__EnterpriseInfo *)info;
	struct submit s = {q, pid, rep->enterprise_id, e->name ? e->name : "", agreements, NULL};
	if ((rv = change_run(ctx, submit_tx, &s)) != ST_OK)
		return rv;
	demands_scope sc = {rep->enterprise_id, NULL, NULL};
	if ((rv = demands_load(ctx, &sc, s.id, &d)) != ST_OK)
		return rv;
	*out = &d->base;
	return ST_CREATED;
}

/* ---- list, detail, withdraw ---------------------------------------------------------------- */

int market_demands_enterprise_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	Enterprise__ReadinessReport *rep = NULL;
	Market__DemandList *l = NULL;
	const char *pid = NULL;
	int rv;
	if ((rv = demands_enterprise(ctx, &pid, &rep)) != ST_OK)
		return rv;
	demands_scope sc = {rep->enterprise_id, NULL, NULL};
	if ((rv = demands_list(ctx, &sc, (const Market__ListDemandsRequest *)in, &l)) != ST_OK)
		return rv;
	*out = &l->base;
	return ST_OK;
}

int market_demand_enterprise_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	Enterprise__ReadinessReport *rep = NULL;
	Market__Demand *d = NULL;
	const char *pid = NULL;
	int rv;
	if ((rv = demands_enterprise(ctx, &pid, &rep)) != ST_OK)
		return rv;
	demands_scope sc = {rep->enterprise_id, NULL, NULL};
	if ((rv = demands_load(ctx, &sc, ((const Market__DemandRef *)in)->id, &d)) != ST_OK)
		return rv;
	*out = &d->base;
	return ST_OK;
}

int market_demand_withdraw(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__DemandRef *req = (const Market__DemandRef *)in;
	Enterprise__ReadinessReport *rep = NULL;
	Market__Demand *d = NULL;
	const char *pid = NULL;
	int rv;
	if ((rv = demands_enterprise(ctx, &pid, &rep)) != ST_OK)
		return rv;
	if (!validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
	demands_scope sc = {rep->enterprise_id, NULL, NULL};
	demands_step st = {.sc = &sc,
	                   .id = req->id,
	                   .from = "pending",
	                   .to = "withdrawn",
	                   .set = "withdrawn_at = now()",
	                   .actor = arena_printf(ctx->arena, "person:%s", pid),
	                   .actor_person_id = pid,
	                   .lost = ST_DEMAND_NOT_PENDING};
	if ((rv = change_run(ctx, demands_step_tx, &st)) != ST_OK)
		return rv;
	if ((rv = demands_load(ctx, &sc, req->id, &d)) != ST_OK)
		return rv;
	*out = &d->base;
	return ST_OK;
}
