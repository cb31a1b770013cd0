/*
 * The operators' side: the review (审核) of the documents by a reviewer — approve with the
 * endorsement instructions (→ 待背书) or reject with a reason (the enterprise replaces the
 * documents) — the operator's close, and reading any order and its files.
 */
#include "billfin.h"
#include "orders.h"

#include "change.h"
#include "status.h"
#include "validate.h"

#include <string.h>

static const char *const review_roles[] = {"reviewer", NULL};
static const char *const close_roles[] = {"reviewer", "admin", NULL};
static const char *const read_roles[] = {"quoter", "reviewer", "finance", "admin", NULL};

static int review_text(const char *s, size_t max, int code, const char *field)
{
	int rv;
	if (!s || !*s)
		return status_err(code, field);
	if ((rv = validate_text(s, max)) != 0)
		return status_err(rv, field);
	return ST_OK;
}

int billfin_order_review(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__ReviewBillOrderRequest *q = (const Billfin__ReviewBillOrderRequest *)in;
	const char *pid = NULL;
	int rv;
	if ((rv = billfin_operator_caller(ctx, review_roles, &pid)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, NULL, 1};
	if ((rv = billfin_scope_check(ctx, &sc, q->id)) != ST_OK)
		return rv;
	if (!q->decision || !*q->decision)
		return status_err(ST_FIELD_REQUIRED, "decision");
	int approve = strcmp(q->decision, "approve") == 0;
	if (!approve && strcmp(q->decision, "reject") != 0)
		return status_err(ST_BILL_DECISION, "decision");
	billfin_step st = {.sc = &sc,
	                   .id = q->id,
	                   .from = "{reviewing}",
	                   .guard = " AND review_status = 'pending'",
	                   .actor = arena_printf(ctx->arena, "person:%s", pid),
	                   .lost = ST_BILL_NOT_UNDER_REVIEW};
	if (approve) {
		if ((rv = review_text(q->endorsee_name, 100, ST_BILL_ENDORSEE_REQUIRED,
		                      "endorsee_name")) != ST_OK ||
		    (rv = review_text(q->endorsee_bank, 100, ST_BILL_ENDORSEE_REQUIRED,
		                      "endorsee_bank")) != ST_OK)
			return rv;
		if (!q->endorsee_account || !*q->endorsee_account)
			return status_err(ST_BILL_ENDORSEE_REQUIRED, "endorsee_account");
		if ((rv = validate_account_number(q->endorsee_account)) != 0)
			return status_err(rv, "endorsee_account");
		const char *extra[] = {q->endorsee_name, q->endorsee_account, q->endorsee_bank,
		                       pid};
		st.to = "endorsing";
		st.action = "approved";
		st.set = "review_status = 'approved', review_reason = NULL, endorsee_name = $4,"
		         " endorsee_account = $5, endorsee_bank = $6, reviewed_by = $7::uuid,"
		         " reviewed_at = now()";
		st.extra = extra;
		st.nextra = 4;
		return billfin_step_run(ctx, &st, out);
	}
	if (!q->reason || !*q->reason)
		return status_err(ST_BILL_REASON_REQUIRED, "reason");
	if ((rv = validate_text_lines(q->reason, 500)) != 0)
		return status_err(rv, "reason");
	const char *extra[] = {q->reason, pid};
	st.to = "reviewing";
	st.action = "rejected";
	st.reason = q->reason;
	st.set = "review_status = 'rejected', review_reason = $4, reviewed_by = $5::uuid,"
	         " reviewed_at = now()";
	st.extra = extra;
	st.nextra = 2;
	return billfin_step_run(ctx, &st, out);
}

int billfin_order_operator_close(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__CloseBillOrderRequest *q = (const Billfin__CloseBillOrderRequest *)in;
	const char *pid = NULL;
	int rv;
	if ((rv = billfin_operator_caller(ctx, close_roles, &pid)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, NULL, 1};
	if ((rv = billfin_scope_check(ctx, &sc, q->id)) != ST_OK)
		return rv;
	if (!q->reason || !*q->reason)
		return status_err(ST_BILL_REASON_REQUIRED, "reason");
	if ((rv = validate_text(q->reason, 200)) != 0)
		return status_err(rv, "reason");
	const char *extra[] = {q->reason, pid};
	billfin_step st = {.sc = &sc,
	                   .id = q->id,
	                   .from = "{quoting,confirming,reviewing,endorsing}",
	                   .to = "closed",
	                   .action = "closed",
	                   .set = "close_reason = $4, closed_by = 'operator',"
	                          " closed_by_person = $5::uuid, closed_at = now()",
	                   .actor = arena_printf(ctx->arena, "person:%s", pid),
	                   .reason = q->reason,
	                   .extra = extra,
	                   .nextra = 2,
	                   .lost = ST_BILL_NOT_CLOSABLE};
	return billfin_step_run(ctx, &st, out);
}

int billfin_order_operator_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const char *pid = NULL;
	Billfin__BillOrder *o = NULL;
	int rv;
	if ((rv = billfin_operator_caller(ctx, read_roles, &pid)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, NULL, 1};
	if ((rv = billfin_order_load(ctx, &sc, ((const Billfin__BillOrderRef *)in)->id, &o)) !=
	    ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

int billfin_order_operator_file(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__GetBillFileRequest *q = (const Billfin__GetBillFileRequest *)in;
	const char *pid = NULL;
	int rv;
	if ((rv = billfin_operator_caller(ctx, read_roles, &pid)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, NULL, 1};
	if ((rv = billfin_scope_check(ctx, &sc, q->id)) != ST_OK)
		return rv;
	return billfin_file_download(ctx, q->id, q->file_id, out);
}
