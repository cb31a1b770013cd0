/*
 * Bill orders: how one is read within a scope (with its files and quotes), the guarded
 * transition every step shares, and the event each change publishes.
 */
#include "billfin.h"
#include "orders.h"

#include "change.h"
#include "dbrow.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *billfin_state_name(const char *state)
{
	static const struct {
		const char *code, *name;
	} t[] = {{"quoting", "待报价"},   {"confirming", "待确认"}, {"reviewing", "待审核"},
	         {"endorsing", "待背书"}, {"disbursing", "放款中"}, {"completed", "已完成"},
	         {"closed", "已关闭"}};
	for (size_t i = 0; state && i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].code, state) == 0)
			return t[i].name;
	return NULL;
}

void orders_face_wan(arena *a, int64_t fen, char **out)
{
	/* 万元 with four decimals is a whole yuan: the fen are rounded half up to the yuan. */
	int64_t yuan = (fen + 50) / 100;
	*out = arena_printf(a, "%lld.%04lld", (long long)(yuan / 10000), (long long)(yuan % 10000));
}

static long long cell_ll(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

Billfin__Quote *orders_quote_from_row(svc_ctx *ctx, const PGresult *r, int row, int c)
{
	arena *a = ctx->arena;
	Billfin__Quote *q = arena_alloc(a, sizeof *q);
	billfin__quote__init(q);
	q->id = dbrow_text(a, r, row, c + 0);
	q->institution_id = dbrow_text(a, r, row, c + 1);
	q->quoter_name = dbrow_text(a, r, row, c + 2);
	q->has_rate_bp = q->has_per_100k_fen = q->has_adjust_days = q->has_fee_fen = 1;
	q->rate_bp = (int32_t)cell_ll(r, row, c + 3);
	q->per_100k_fen = cell_ll(r, row, c + 4);
	q->rate_form = dbrow_text(a, r, row, c + 5);
	q->adjust_days = (int32_t)cell_ll(r, row, c + 6);
	q->fee_fen = cell_ll(r, row, c + 7);
	q->discount_date = dbrow_text(a, r, row, c + 8);
	q->due_date = dbrow_text(a, r, row, c + 9);
	q->effective_due_date = dbrow_text(a, r, row, c + 10);
	q->has_days = q->has_interest_fen = q->has_net_fen = 1;
	q->days = (int32_t)cell_ll(r, row, c + 11);
	q->interest_fen = cell_ll(r, row, c + 12);
	q->net_fen = cell_ll(r, row, c + 13);
	q->calendar = dbrow_text(a, r, row, c + 14);
	q->valid_until = dbrow_text(a, r, row, c + 15);
	q->has_expired = q->has_requote_required = 1;
	q->expired = PQgetvalue(r, row, c + 16)[0] == 't';
	q->requote_required = PQgetvalue(r, row, c + 17)[0] == 't';
	q->state = dbrow_text(a, r, row, c + 18);
	q->created_at = dbrow_text(a, r, row, c + 19);
	return q;
}

Billfin__BillOrder *orders_from_row(svc_ctx *ctx, const PGresult *r, int row, int operator)
{
	arena *a = ctx->arena;
	Billfin__BillOrder *o = arena_alloc(a, sizeof *o);
	billfin__bill_order__init(o);
	o->id = dbrow_text(a, r, row, OC_ID);
	o->no = dbrow_text(a, r, row, OC_NO);
	o->state = dbrow_text(a, r, row, OC_STATE);
	o->state_name = (char *)billfin_state_name(o->state);
	o->enterprise_id = dbrow_text(a, r, row, OC_ENTERPRISE_ID);
	o->enterprise_name = dbrow_text(a, r, row, OC_ENTERPRISE_NAME);
	if (!PQgetisnull(r, row, OC_FUNDER_ID)) {
		o->funder_id = dbrow_text(a, r, row, OC_FUNDER_ID);
		o->funder_name = dbrow_text(a, r, row, OC_FUNDER_NAME);
	} else if (!PQgetisnull(r, row, OC_QUOTE_ID)) {
		o->funder_name = "平台";
	} else if (!PQgetisnull(r, row, OC_ADDRESSED_TO)) {
		o->funder_id = dbrow_text(a, r, row, OC_ADDRESSED_TO);
		o->funder_name = dbrow_text(a, r, row, OC_ADDRESSED_NAME);
	} else {
		o->funder_name = "任意资金方";
	}
	o->bill_package_no = dbrow_text(a, r, row, OC_PACKAGE_NO);
	o->has_bill_type = 1;
	o->bill_type = (int32_t)cell_ll(r, row, OC_BILL_TYPE);
	Billfin__Acceptor *ac = arena_alloc(a, sizeof *ac);
	billfin__acceptor__init(ac);
	ac->name = dbrow_text(a, r, row, OC_ACCEPTOR_NAME);
	ac->type = dbrow_text(a, r, row, OC_ACCEPTOR_TYPE);
	ac->uscc = dbrow_text(a, r, row, OC_ACCEPTOR_USCC);
	ac->disclosed_on = dbrow_text(a, r, row, OC_ACCEPTOR_ON);
	o->acceptor = ac;
	o->has_face_fen = 1;
	o->face_fen = cell_ll(r, row, OC_FACE);
	orders_face_wan(a, o->face_fen, &o->face_wan);
	o->issue_date = dbrow_text(a, r, row, OC_ISSUE);
	o->due_date = dbrow_text(a, r, row, OC_DUE);
	o->has_days_to_due = 1;
	o->days_to_due = (int32_t)cell_ll(r, row, OC_DAYS_TO_DUE);
	o->drawer = dbrow_text(a, r, row, OC_DRAWER);
	o->payee = dbrow_text(a, r, row, OC_PAYEE);
	o->sub_range = dbrow_text(a, r, row, OC_SUB_RANGE);
	if (!PQgetisnull(r, row, OC_ACCOUNT_ID)) {
		Billfin__ReceivingAccountRef *ra = arena_alloc(a, sizeof *ra);
		billfin__receiving_account_ref__init(ra);
		ra->id = dbrow_text(a, r, row, OC_ACCOUNT_ID);
		ra->account_name = dbrow_text(a, r, row, OC_ACCOUNT_NAME);
		ra->bank_name = dbrow_text(a, r, row, OC_ACCOUNT_BANK);
		ra->branch_name = dbrow_text(a, r, row, OC_ACCOUNT_BRANCH);
		ra->account_number_masked = dbrow_text(a, r, row, OC_ACCOUNT_MASKED);
		o->receiving_account = ra;
	}
	o->review_status = dbrow_text(a, r, row, OC_REVIEW_STATUS);
	o->review_reason = dbrow_text(a, r, row, OC_REVIEW_REASON);
	o->endorsee_name = dbrow_text(a, r, row, OC_ENDORSEE_NAME);
	o->endorsee_account = dbrow_text(a, r, row, OC_ENDORSEE_ACCOUNT);
	o->endorsee_bank = dbrow_text(a, r, row, OC_ENDORSEE_BANK);
	o->signed_at = dbrow_text(a, r, row, OC_SIGNED_AT);
	if (!PQgetisnull(r, row, OC_PAID_FEN)) {
		o->has_paid_fen = 1;
		o->paid_fen = cell_ll(r, row, OC_PAID_FEN);
	}
	o->paid_at = dbrow_text(a, r, row, OC_PAID_AT);
	o->payment_reference = dbrow_text(a, r, row, OC_PAYMENT_REF);
	o->close_reason = dbrow_text(a, r, row, OC_CLOSE_REASON);
	o->closed_by = dbrow_text(a, r, row, OC_CLOSED_BY);
	o->created_at = dbrow_text(a, r, row, OC_CREATED_AT);
	o->confirmed_at = dbrow_text(a, r, row, OC_CONFIRMED_AT);
	o->reviewed_at = dbrow_text(a, r, row, OC_REVIEWED_AT);
	o->endorsed_at = dbrow_text(a, r, row, OC_ENDORSED_AT);
	o->completed_at = dbrow_text(a, r, row, OC_COMPLETED_AT);
	o->closed_at = dbrow_text(a, r, row, OC_CLOSED_AT);
	o->updated_at = dbrow_text(a, r, row, OC_UPDATED_AT);
	if (operator)
		o->applicant_id = dbrow_text(a, r, row, OC_APPLICANT_ID);
	return o;
}

/* The order's files (front, contract, invoice) as FileInfo. */
static int orders_files(svc_ctx *ctx, Billfin__BillOrder *o, const PGresult *r)
{
	PGresult *f = NULL;
	const char *v[] = {dbrow_text(ctx->arena, r, 0, OC_FRONT_FILE),
	                   dbrow_text(ctx->arena, r, 0, OC_CONTRACT_FILE),
	                   dbrow_text(ctx->arena, r, 0, OC_INVOICE_FILE)};
	int rv = db_exec(ctx->db,
	                 "SELECT id::text, name, content_type, size, sha256 FROM files"
	                 " WHERE id IN ($1::uuid, $2::uuid, $3::uuid)",
	                 3, v, &f);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	for (int i = 0; i < PQntuples(f); i++) {
		Files__FileInfo *fi = arena_alloc(ctx->arena, sizeof *fi);
		files__file_info__init(fi);
		fi->id = dbrow_text(ctx->arena, f, i, 0);
		fi->name = dbrow_text(ctx->arena, f, i, 1);
		fi->content_type = dbrow_text(ctx->arena, f, i, 2);
		fi->has_size = 1;
		fi->size = cell_ll(f, i, 3);
		fi->sha256 = dbrow_text(ctx->arena, f, i, 4);
		for (int k = 0; k < 3; k++)
			if (v[k] && strcmp(v[k], fi->id) == 0)
				*(k == 0 ? &o->front : k == 1 ? &o->contract : &o->invoice) = fi;
	}
	PQclear(f);
	return ST_OK;
}

/* The quotes the scope may see: before confirmation the open ones (a funder only its own),
 * after it the confirmed one. */
static int orders_quotes(svc_ctx *ctx, const billfin_scope *sc, Billfin__BillOrder *o)
{
	PGresult *r = NULL;
	const char *v[] = {o->id, sc->funder_id};
	int rv = db_exec(ctx->db,
	                 "SELECT " ORDERS_QUOTE_COLS " FROM quotes q WHERE q.order_id = $1::uuid"
	                 " AND q.state IN ('open', 'confirmed')"
	                 " AND ($2::uuid IS NULL OR q.institution_id = $2::uuid)"
	                 " ORDER BY q.created_at, q.id",
	                 2, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(r);
	o->quotes = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *o->quotes);
	for (int i = 0; i < n; i++) {
		Billfin__Quote *q = orders_quote_from_row(ctx, r, i, 0);
		if (strcmp(q->state, "confirmed") == 0)
			o->quote = q;
		else
			o->quotes[o->n_quotes++] = q;
	}
	PQclear(r);
	return ST_OK;
}

int billfin_order_load(svc_ctx *ctx, const billfin_scope *sc, const char *id,
                       Billfin__BillOrder **out)
{
	PGresult *r = NULL;
	int rv;
	if (!id || !validate_uuid(id))
		return status_err(ST_NOT_FOUND, "id");
	const char *v[] = {sc->enterprise_id, sc->funder_id, sc->operator? "true" : NULL, id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT " ORDERS_COLS
	                  " FROM orders o WHERE o.id = $4::uuid AND" BILLFIN_SCOPE_SQL,
	                  4, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		rv = status_err(ST_NOT_FOUND, "id");
		goto out;
	}
	Billfin__BillOrder *o = orders_from_row(ctx, r, 0, sc->operator);
	if ((rv = orders_files(ctx, o, r)) != ST_OK || (rv = orders_quotes(ctx, sc, o)) != ST_OK)
		goto out;
	/* A funder downloads only the bill's front (GetFunderBillFile): the contract and the
	 * invoice are the reviewers'. */
	if (sc->funder_id)
		o->contract = o->invoice = NULL;
	*out = o;
	rv = ST_OK;
out:
	PQclear(r);
	return rv;
}

static int order_record(svc_ctx *ctx, const char *id, const char *quote_id, const char *action,
                        const char *actor, const char *reason, json_t *detail)
{
	PGresult *r = NULL;
	arena *a = ctx->arena;
	const char *v[] = {id, quote_id};
	int rv = change_exec(
	        ctx,
	        "SELECT o.no, o.state, o.enterprise_id::text, o.applicant_id::text,"
	        " coalesce(o.funder_id, CASE WHEN o.quote_id IS NULL THEN o.addressed_to "
	        "END)::text,"
	        " o.face_fen, o.acceptor_name, o.review_status, o.quote_id::text, q.net_fen,"
	        " q.interest_fen, q.fee_fen, o.paid_fen, " DBROW_CST(
	                "o.paid_at") ","
	                             " o.payment_reference, o.account_id::text, "
	                             "o.bill_package_no, " DBROW_CST(
	                                     "q.valid_until") ", o.endorsee_name, o.endorsee_bank,"
	                                                      " o.due_date::text"
	                                                      " FROM orders o LEFT JOIN quotes q "
	                                                      "ON "
	                                                      "q.id = coalesce($2::uuid, "
	                                                      "o.quote_id)"
	                                                      " WHERE o.id = $1::uuid",
	        2, v, &r);
	if (rv != ST_OK) {
		json_decref(detail);
		return rv;
	}
	Billfin__BillOrderEvent ev = BILLFIN__BILL_ORDER_EVENT__INIT;
	ev.order_id = (char *)id;
	ev.no = dbrow_text(a, r, 0, 0);
	ev.state = dbrow_text(a, r, 0, 1);
	ev.enterprise_id = dbrow_text(a, r, 0, 2);
	ev.applicant_id = dbrow_text(a, r, 0, 3);
	ev.funder_id = dbrow_text(a, r, 0, 4);
	ev.has_face_fen = 1;
	ev.face_fen = cell_ll(r, 0, 5);
	ev.acceptor_name = dbrow_text(a, r, 0, 6);
	ev.review_status = dbrow_text(a, r, 0, 7);
	ev.quote_id = dbrow_text(a, r, 0, 8);
	if (!PQgetisnull(r, 0, 9)) {
		ev.has_net_fen = ev.has_interest_fen = ev.has_fee_fen = 1;
		ev.net_fen = cell_ll(r, 0, 9);
		ev.interest_fen = cell_ll(r, 0, 10);
		ev.fee_fen = cell_ll(r, 0, 11);
	}
	if (!PQgetisnull(r, 0, 12)) {
		ev.has_paid_fen = 1;
		ev.paid_fen = cell_ll(r, 0, 12);
	}
	ev.paid_at = dbrow_text(a, r, 0, 13);
	ev.payment_reference = dbrow_text(a, r, 0, 14);
	ev.receiving_account_id = dbrow_text(a, r, 0, 15);
	ev.bill_package_no = dbrow_text(a, r, 0, 16);
	ev.valid_until = dbrow_text(a, r, 0, 17);
	ev.endorsee_name = dbrow_text(a, r, 0, 18);
	ev.endorsee_bank = dbrow_text(a, r, 0, 19);
	ev.due_date = dbrow_text(a, r, 0, 20);
	if (quote_id)
		ev.quote_id = (char *)quote_id;
	ev.actor = (char *)actor;
	ev.reason = (char *)reason;
	PQclear(r);
	if (!detail)
		detail = json_object();
	json_object_set_new(detail, "no", json_string(ev.no));
	json_object_set_new(detail, "state", json_string(ev.state));
	change_event e = {arena_printf(a, "billfin.order.%s", ev.state), NULL, &ev.base};
	return change_record(ctx, actor, arena_printf(a, "bill_order/%s", id),
	                     arena_printf(a, "bill_order.%s", action), detail, &e);
}

int billfin_order_record(svc_ctx *ctx, const char *id, const char *action, const char *actor,
                         const char *reason, json_t *detail)
{
	return order_record(ctx, id, NULL, action, actor, reason, detail);
}

int billfin_order_record_quote(svc_ctx *ctx, const char *id, const char *quote_id,
                               const char *actor, json_t *detail)
{
	return order_record(ctx, id, quote_id, "quoted", actor, NULL, detail);
}

int billfin_scope_check(svc_ctx *ctx, const billfin_scope *sc, const char *id)
{
	PGresult *r = NULL;
	if (!id || !validate_uuid(id))
		return status_err(ST_NOT_FOUND, "id");
	const char *v[] = {sc->enterprise_id, sc->funder_id, sc->operator? "true" : NULL, id};
	int rv = change_exec(ctx,
	                     "SELECT 1 FROM orders o WHERE o.id = $4::uuid AND" BILLFIN_SCOPE_SQL,
	                     4, v, &r);
	if (rv != ST_OK)
		return rv;
	int seen = PQntuples(r) == 1;
	PQclear(r);
	return seen ? ST_OK : status_err(ST_NOT_FOUND, "id");
}

int billfin_step_tx(svc_ctx *ctx, void *arg)
{
	const billfin_step *s = arg;
	int rv = billfin_scope_check(ctx, s->sc, s->id);
	if (rv != ST_OK)
		return rv;
	const char *v[12] = {s->id, s->from, s->to};
	for (int i = 0; i < s->nextra && i < 9; i++)
		v[3 + i] = s->extra[i];
	const char *sql =
	        arena_printf(ctx->arena,
	                     "UPDATE orders SET state = $3%s%s, updated_at = now()"
	                     " WHERE id = $1::uuid AND state = ANY($2::text[])%s",
	                     s->set ? ", " : "", s->set ? s->set : "", s->guard ? s->guard : "");
	if ((rv = change_guard(ctx, s->lost, "state", sql, 3 + s->nextra, v, NULL)) != ST_OK)
		return rv;
	return billfin_order_record(ctx, s->id, s->action, s->actor, s->reason,
	                            s->reason ? json_pack("{s:s}", "reason", s->reason) : NULL);
}

int billfin_step_run(svc_ctx *ctx, billfin_step *st, ProtobufCMessage **out)
{
	Billfin__BillOrder *o = NULL;
	int rv;
	if ((rv = change_run(ctx, billfin_step_tx, st)) != ST_OK)
		return rv;
	if ((rv = billfin_order_load(ctx, st->sc, st->id, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}
