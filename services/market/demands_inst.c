/*
 * Financing demands, the institution's side: the demands for its products (a branch
 * officer sees its branch's), take (接单), review (审核: 通过 / 拒绝 with 审核意见) and the
 * outcome (放款). The caller's staff membership is read live on every request; each
 * step is a loan_officer's and a guarded transition (of two officers at once, one wins,
 * the other gets the 409).
 */
#include "demands.h"

#include "change.h"
#include "enterprise_members.pb-c.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The caller as staff (role NULL: any) and the scope they see. */
static int inst_scope(svc_ctx *ctx, const char *role, market_staff *st, demands_scope *sc)
{
	int rv = market_staff_caller(ctx, role, st);
	if (rv != ST_OK)
		return rv;
	sc->enterprise_id = NULL;
	sc->institution_id = st->institution_id;
	sc->branch_id = st->branch_id;
	return ST_OK;
}

int market_demands_institution_list(svc_ctx *ctx, const ProtobufCMessage *in,
                                    ProtobufCMessage **out)
{
	market_staff st;
	demands_scope sc;
	Market__DemandList *l = NULL;
	int rv;
	if ((rv = inst_scope(ctx, NULL, &st, &sc)) != ST_OK)
		return rv;
	if ((rv = demands_list(ctx, &sc, (const Market__ListDemandsRequest *)in, &l)) != ST_OK)
		return rv;
	*out = &l->base;
	return ST_OK;
}

int market_demand_institution_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	market_staff st;
	demands_scope sc;
	Market__Demand *d = NULL;
	int rv;
	if ((rv = inst_scope(ctx, NULL, &st, &sc)) != ST_OK)
		return rv;
	if ((rv = demands_load(ctx, &sc, ((const Market__DemandRef *)in)->id, &d)) != ST_OK)
		return rv;
	*out = &d->base;
	return ST_OK;
}

/*
 * Refuses (ST_DEMAND_CONFLICT) an officer who is an active member of the enterprise whose
 * demand d is: nobody takes or decides their own enterprise's financing. Asked of
 * enterprise live, before any transaction (a removed membership frees the officer at once).
 */
static int inst_no_conflict(svc_ctx *ctx, const market_staff *st, const Market__Demand *d)
{
	ProtobufCMessage *out = NULL;
	int rv;
	if (!MARKET_APP(ctx)->enterprise)
		return status_err(ST_UNAVAILABLE, NULL);
	Enterprise__ReadinessRequest req = ENTERPRISE__READINESS_REQUEST__INIT;
	req.enterprise_id = d->enterprise_id;
	req.person_id = (char *)st->person_id;
	if ((rv = bus_call(MARKET_APP(ctx)->enterprise, "Readiness", ctx->caller,
	                   bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                   &req.base, &enterprise__readiness_report__descriptor, ctx->arena,
	                   &out)) != ST_OK)
		return rv;
	if (((const Enterprise__ReadinessReport *)out)->member)
		return status_err(ST_DEMAND_CONFLICT, "id");
	return ST_OK;
}

/* The demand id within sc, if the officer st may act on it (not their enterprise's). */
static int inst_demand(svc_ctx *ctx, const market_staff *st, const demands_scope *sc,
                       const char *id, Market__Demand **out)
{
	Market__Demand *d = NULL;
	int rv = demands_load(ctx, sc, id, &d);
	if (rv == ST_OK)
		rv = inst_no_conflict(ctx, st, d);
	if (rv == ST_OK)
		*out = d;
	return rv;
}

/* A text with nothing but blanks (ASCII or the ideographic space) is no text: NULL. */
static const char *inst_nonblank(const char *s)
{
	const char *p = s;
	while (p && *p) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		else if (strncmp(p, "\xe3\x80\x80", 3) == 0)
			p += 3;
		else
			return s;
	}
	return NULL;
}

/* Today in China Standard Time (UTC+8, no summer time) as YYYY-MM-DD, in the arena. */
static const char *inst_today(svc_ctx *ctx)
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	char *buf = arena_alloc(ctx->arena, 11);
	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
	return buf;
}

/* Runs step s as the loan officer st and replies with the demand as it now is. */
static int inst_step(svc_ctx *ctx, const market_staff *st, const demands_scope *sc, demands_step *s,
                     ProtobufCMessage **out)
{
	Market__Demand *d = NULL;
	int rv;
	s->sc = sc;
	s->actor = arena_printf(ctx->arena, "staff:%s", st->id);
	s->actor_person_id = st->person_id;
	if ((rv = change_run(ctx, demands_step_tx, s)) != ST_OK)
		return rv;
	if ((rv = demands_load(ctx, sc, s->id, &d)) != ST_OK)
		return rv;
	*out = &d->base;
	return ST_OK;
}

int market_demand_take(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__DemandRef *req = (const Market__DemandRef *)in;
	market_staff st;
	demands_scope sc;
	int rv;
	Market__Demand *d = NULL;
	if ((rv = inst_scope(ctx, "loan_officer", &st, &sc)) != ST_OK)
		return rv;
	if (!validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
	if ((rv = inst_demand(ctx, &st, &sc, req->id, &d)) != ST_OK)
		return rv;
	const char *extra[] = {st.id};
	demands_step s = {.id = req->id,
	                  .from = "pending",
	                  .to = "taken",
	                  .set = "taken_by = $4::uuid, taken_at = now()",
	                  .extra = extra,
	                  .nextra = 1,
	                  .lost = ST_DEMAND_NOT_PENDING};
	return inst_step(ctx, &st, &sc, &s, out);
}

int market_demand_review(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ReviewDemandRequest *req = (const Market__ReviewDemandRequest *)in;
	market_staff st;
	demands_scope sc;
	Market__Demand *d = NULL;
	int rv;
	if ((rv = inst_scope(ctx, "loan_officer", &st, &sc)) != ST_OK)
		return rv;
	if (!validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
	if (!req->decision || !*req->decision)
		return status_err(ST_FIELD_REQUIRED, "decision");
	int approve = strcmp(req->decision, "approve") == 0;
	if (!approve && strcmp(req->decision, "reject") != 0)
		return status_err(ST_DEMAND_DECISION, "decision");
	const char *opinion = inst_nonblank(req->opinion);
	if (!approve && !opinion)
		return status_err(ST_DEMAND_OPINION_REQUIRED, "opinion");
	if (opinion && (rv = validate_text(opinion, 500)) != 0)
		return status_err(rv, "opinion");
	if ((rv = inst_demand(ctx, &st, &sc, req->id, &d)) != ST_OK)
		return rv;
	const char *extra[] = {st.id, opinion};
	demands_step s = {.id = req->id,
	                  .from = "taken",
	                  .to = approve ? "approved" : "rejected",
	                  .set = "reviewed_by = $4::uuid, reviewed_at = now(), review_opinion = $5",
	                  .opinion = opinion,
	                  .extra = extra,
	                  .nextra = 2,
	                  .lost = ST_DEMAND_NOT_TAKEN};
	return inst_step(ctx, &st, &sc, &s, out);
}

int market_demand_disburse(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__DisburseDemandRequest *req = (const Market__DisburseDemandRequest *)in;
	market_staff st;
	demands_scope sc;
	Market__Demand *d = NULL;
	char amount[24];
	int rv;
	if ((rv = inst_scope(ctx, "loan_officer", &st, &sc)) != ST_OK)
		return rv;
	if (!validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
	if (!req->has_amount_fen)
		return status_err(ST_FIELD_REQUIRED, "amount_fen");
	if (req->amount_fen < 1 || validate_amount_fen(req->amount_fen) != 0)
		return status_err(ST_FIELD_RANGE, "amount_fen");
	if (!req->disbursed_on || !*req->disbursed_on)
		return status_err(ST_FIELD_REQUIRED, "disbursed_on");
	if ((rv = validate_date(req->disbursed_on)) != 0)
		return status_err(rv, "disbursed_on");
	if (!req->loan_contract_no || !*req->loan_contract_no)
		return status_err(ST_FIELD_REQUIRED, "loan_contract_no");
	if ((rv = validate_text(req->loan_contract_no, 64)) != 0)
		return status_err(rv, "loan_contract_no");
	if ((rv = inst_demand(ctx, &st, &sc, req->id, &d)) != ST_OK)
		return rv;
	/* Bounded by the approved demand (a bank lends no more than was asked) and dated from
	 * its approval to today; a demand not approved gets the guard's 409 below. */
	if (strcmp(d->status, "approved") == 0) {
		if (req->amount_fen > d->amount_fen)
			return status_err(ST_DISBURSED_AMOUNT_RANGE, "amount_fen");
		if (!d->reviewed_at || strncmp(req->disbursed_on, d->reviewed_at, 10) < 0 ||
		    strcmp(req->disbursed_on, inst_today(ctx)) > 0)
			return status_err(ST_DISBURSED_ON_RANGE, "disbursed_on");
	}
	snprintf(amount, sizeof amount, "%lld", (long long)req->amount_fen);
	const char *extra[] = {st.id, amount, req->disbursed_on, req->loan_contract_no};
	demands_step s = {
	        .id = req->id,
	        .from = "approved",
	        .to = "disbursed",
	        .set = "disbursed_by = $4::uuid, disbursed_amount_fen = $5::bigint,"
	               " disbursed_on = $6::date, loan_contract_no = $7,"
	               " disbursed_at = now()",
	        .guard = " AND $5::bigint <= amount_fen"
	                 " AND $6::date >= (reviewed_at AT TIME ZONE 'Asia/Shanghai')::date"
	                 " AND $6::date <= (now() AT TIME ZONE 'Asia/Shanghai')::date",
	        .extra = extra,
	        .nextra = 4,
	        .lost = ST_DEMAND_NOT_APPROVED};
	return inst_step(ctx, &st, &sc, &s, out);
}
