/*
 * Financing demands, the institution's side: the demands for its products (a branch
 * officer sees its branch's), take (接单), review (审核: 通过 / 拒绝 with 审核意见) and the
 * outcome (放款). The caller's staff membership is read live on every request; each
 * step is a loan_officer's and a guarded transition (of two officers at once, one wins,
 * the other gets the 409).
 */
#include "demands.h"

#include "change.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

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
	if ((rv = inst_scope(ctx, "loan_officer", &st, &sc)) != ST_OK)
		return rv;
	if (!validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
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
	const char *opinion = req->opinion && *req->opinion ? req->opinion : NULL;
	if (!approve && !opinion)
		return status_err(ST_DEMAND_OPINION_REQUIRED, "opinion");
	if (opinion && validate_text(opinion, 500) != 0)
		return status_err(ST_FIELD_RANGE, "opinion");
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
	if (validate_text(req->loan_contract_no, 64) != 0)
		return status_err(ST_FIELD_RANGE, "loan_contract_no");
	snprintf(amount, sizeof amount, "%lld", (long long)req->amount_fen);
	const char *extra[] = {st.id, amount, req->disbursed_on, req->loan_contract_no};
	demands_step s = {.id = req->id,
	                  .from = "approved",
	                  .to = "disbursed",
	                  .set = "disbursed_by = $4::uuid, disbursed_amount_fen = $5::bigint,"
	                         " disbursed_on = $6::date, loan_contract_no = $7,"
	                         " disbursed_at = now()",
	                  .extra = extra,
	                  .nextra = 4,
	                  .lost = ST_DEMAND_NOT_APPROVED};
	return inst_step(ctx, &st, &sc, &s, out);
}
