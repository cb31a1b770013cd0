/*
 * Bill orders, the enterprise's side: the inquiry (询价) with the bill checked like the
 * bill system does and its acceptor on the disclosure platform, the confirmation (确认交易)
 * with a verified receiving account and the documents, documents replaced after a
 * rejection, close (关闭订单) and 完成背书. Any active member of the certified enterprise
 * acts (README "Who may act").
 */
#include "billfin.h"
#include "billno.h"
#include "discount.h"
#include "disclosure.h"
#include "orders.h"

#include "change.h"
#include "enterprise.pb-c.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* A required one-line text of at most max characters. */
static int text_required(const char *s, size_t max, const char *field)
{
	int rv;
	if (!s || !*s)
		return status_err(ST_FIELD_REQUIRED, field);
	if ((rv = validate_text(s, max)) != 0)
		return status_err(rv, field);
	return ST_OK;
}

static int day_required(const char *s, const char *field, int32_t *day)
{
	if (!s || !*s)
		return status_err(ST_FIELD_REQUIRED, field);
	if (validate_date(s) != 0 || billfin_day_parse(s, day) != ST_OK)
		return status_err(ST_DATE_INVALID, field);
	return ST_OK;
}

/* ---- inquiry ---------------------------------------------------------------------------- */

struct create {
	const Billfin__CreateBillOrderRequest *q;
	const billfin_enterprise *who;
	const char *funder_id, *funder_name;
	int bill_type;
	disclosure_acceptor acc;
	const char *id;
};

static int create_tx(svc_ctx *ctx, void *arg)
{
	struct create *c = arg;
	const Billfin__CreateBillOrderRequest *q = c->q;
	arena *a = ctx->arena;
	PGresult *r = NULL;
	/* The day's next number in this transaction: a rollback gives it back, and the row
	 * lock serialises two inquiries of the same day (no repeat, no gap). */
	int rv = change_exec(
	        ctx,
	        "INSERT INTO bill_numbers AS n (day, last)"
	        " VALUES ((now() AT TIME ZONE 'Asia/Shanghai')::date, 1)"
	        " ON CONFLICT (day) DO UPDATE SET last = n.last + 1 WHERE n.last < 999"
	        " RETURNING 'BF' || to_char(day, 'YYYYMMDD') || lpad(last::text, 3, '0'),"
	        " gen_random_uuid()::text",
	        0, NULL, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_BILL_DAILY_FULL, NULL);
	}
	const char *no = dbrow_text(a, r, 0, 0);
	c->id = dbrow_text(a, r, 0, 1);
	PQclear(r);
	const char *front = NULL;
	if ((rv = billfin_file_store(ctx, q->front, "front", c->id, "front", c->who->person_id,
	                             &front)) != ST_OK)
		return rv;
	char face[24], type[8];
	snprintf(face, sizeof face, "%lld", (long long)q->face_fen);
	snprintf(type, sizeof type, "%d", c->bill_type);
	const char *v[] = {c->id,
	                   no,
	                   c->who->enterprise_id,
	                   c->who->enterprise_name,
	                   c->who->person_id,
	                   c->funder_id,
	                   c->funder_name,
	                   q->bill_package_no,
	                   type,
	                   q->acceptor_name,
	                   q->acceptor_type,
	                   c->acc.uscc && *c->acc.uscc ? c->acc.uscc : NULL,
	                   c->acc.disclosed_on,
	                   face,
	                   q->issue_date,
	                   q->due_date,
	                   q->drawer,
	                   q->payee,
	                   q->sub_range,
	                   front};
	if ((rv = change_exec(ctx,
	                      "INSERT INTO orders (id, no, enterprise_id, enterprise_name,"
	                      " applicant_id, addressed_to, addressed_name, bill_package_no,"
	                      " bill_type, acceptor_name, acceptor_type, acceptor_uscc,"
	                      " acceptor_disclosed_on, face_fen, issue_date, due_date, drawer,"
	                      " payee, sub_range, front_file_id) VALUES ($1::uuid, $2, $3::uuid,"
	                      " $4, $5::uuid, $6::uuid, $7, $8, $9::int, $10, $11, $12,"
	                      " $13::date, $14::bigint, $15::date, $16::date, $17, $18, $19,"
	                      " $20::uuid)",
	                      20, v, NULL)) != ST_OK)
		return rv;
	return billfin_order_record(
	        ctx, c->id, "created", arena_printf(a, "person:%s", c->who->person_id), NULL,
	        json_pack("{s:s, s:s, s:I, s:s?}", "enterprise_id", c->who->enterprise_id,
	                  "acceptor_name", q->acceptor_name, "face_fen", (json_int_t)q->face_fen,
	                  "funder_id", c->funder_id));
}

/* The bill as the bill system would check it, before anyone is asked. */
static int create_validate(const Billfin__CreateBillOrderRequest *q, int *bill_type)
{
	int32_t reg = 0, issue = 0, due = 0, today = billfin_today();
	int rv;
	if (!q->front)
		return status_err(ST_FIELD_REQUIRED, "front");
	if (!q->bill_package_no || !*q->bill_package_no)
		return status_err(ST_FIELD_REQUIRED, "bill_package_no");
	if ((rv = billfin_billno_check(q->bill_package_no, bill_type, &reg)) != ST_OK)
		return rv;
	if (*bill_type != 2)
		return status_err(ST_BILL_NOT_COMMERCIAL, "bill_package_no");
	if ((rv = text_required(q->acceptor_name, 100, "acceptor_name")) != ST_OK)
		return rv;
	if (!q->acceptor_type || !*q->acceptor_type)
		return status_err(ST_FIELD_REQUIRED, "acceptor_type");
	/* A commercial acceptance bill is accepted by an enterprise (a bank's is type 1). */
	if (strcmp(q->acceptor_type, "enterprise") != 0)
		return status_err(ST_BILL_ACCEPTOR_TYPE, "acceptor_type");
	if (!q->has_face_fen)
		return status_err(ST_FIELD_REQUIRED, "face_fen");
	if (q->face_fen < 1 || validate_amount_fen(q->face_fen) != 0)
		return status_err(ST_FIELD_RANGE, "face_fen");
	/* The discount's bound here too: an order no quote can be computed for would wait in
	 * every funder's queue for nothing (a "0" sub-range does not bound the amount). */
	if (q->face_fen > BILLFIN_FACE_MAX_FEN)
		return status_err(ST_BILL_FACE_RANGE, "face_fen");
	if ((rv = day_required(q->issue_date, "issue_date", &issue)) != ST_OK ||
	    (rv = day_required(q->due_date, "due_date", &due)) != ST_OK)
		return rv;
	if (issue > today)
		return status_err(ST_BILL_ISSUE_AFTER_TODAY, "issue_date");
	if ((rv = billfin_bill_dates_check(issue, due, today)) != ST_OK)
		return rv;
	if ((rv = text_required(q->drawer, 100, "drawer")) != ST_OK ||
	    (rv = text_required(q->payee, 100, "payee")) != ST_OK)
		return rv;
	if (!q->sub_range || !*q->sub_range)
		return status_err(ST_FIELD_REQUIRED, "sub_range");
	if ((rv = billfin_subrange_check(q->sub_range, q->face_fen)) != ST_OK)
		return rv;
	if (!q->funder_id || !*q->funder_id)
		return status_err(ST_FIELD_REQUIRED, "funder_id");
	return ST_OK;
}

int billfin_order_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__CreateBillOrderRequest *q = (const Billfin__CreateBillOrderRequest *)in;
	billfin_enterprise who;
	Billfin__BillOrder *o = NULL;
	struct create c = {.q = q, .who = &who};
	int rv;
	if ((rv = billfin_enterprise_caller(ctx, &who)) != ST_OK)
		return rv;
	if ((rv = create_validate(q, &c.bill_type)) != ST_OK)
		return rv;
	if (strcmp(q->funder_id, "any") != 0) {
		if ((rv = billfin_funder_lookup(ctx, q->funder_id, &c.funder_name)) != ST_OK)
			return rv;
		c.funder_id = q->funder_id;
	}
	if ((rv = billfin_disclosure_check(ctx, q->acceptor_name, q->acceptor_type, &c.acc)) !=
	    ST_OK)
		return rv;
	if ((rv = change_run(ctx, create_tx, &c)) != ST_OK)
		return rv;
	billfin_scope sc = {who.enterprise_id, NULL, 0};
	if ((rv = billfin_order_load(ctx, &sc, c.id, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_CREATED;
}

int billfin_order_enterprise_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	billfin_enterprise who;
	Billfin__BillOrder *o = NULL;
	int rv;
	if ((rv = billfin_enterprise_caller(ctx, &who)) != ST_OK)
		return rv;
	billfin_scope sc = {who.enterprise_id, NULL, 0};
	if ((rv = billfin_order_load(ctx, &sc, ((const Billfin__BillOrderRef *)in)->id, &o)) !=
	    ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

int billfin_order_enterprise_file(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__GetBillFileRequest *q = (const Billfin__GetBillFileRequest *)in;
	billfin_enterprise who;
	int rv;
	if ((rv = billfin_enterprise_caller(ctx, &who)) != ST_OK)
		return rv;
	billfin_scope sc = {who.enterprise_id, NULL, 0};
	if ((rv = billfin_scope_check(ctx, &sc, q->id)) != ST_OK)
		return rv;
	return billfin_file_download(ctx, q->id, q->file_id, out);
}

/* ---- confirmation ----------------------------------------------------------------------- */

struct confirm {
	const Billfin__ConfirmBillOrderRequest *q;
	const billfin_enterprise *who;
	const Enterprise__ReceivingAccount *acct;
};

static int confirm_tx(svc_ctx *ctx, void *arg)
{
	struct confirm *c = arg;
	const Billfin__ConfirmBillOrderRequest *q = c->q;
	billfin_scope sc = {c->who->enterprise_id, NULL, 0};
	PGresult *r = NULL;
	int rv = billfin_scope_check(ctx, &sc, q->id);
	if (rv != ST_OK)
		return rv;
	/* The quote, locked: a re-quote or a loaded holiday year waits for this confirmation
	 * or is seen by it. */
	const char *vq[] = {q->quote_id, q->id};
	if ((rv = change_exec(ctx,
	                      "SELECT valid_until <= now(), requote_required FROM quotes"
	                      " WHERE id = $1::uuid AND order_id = $2::uuid AND state = 'open'"
	                      " FOR UPDATE",
	                      2, vq, &r)) != ST_OK)
		return rv;
	int found = PQntuples(r) == 1;
	int expired = found && PQgetvalue(r, 0, 0)[0] == 't';
	int requote = found && PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	if (!found)
		return status_err(ST_BILL_QUOTE_UNKNOWN, "quote_id");
	if (expired)
		return status_err(ST_BILL_QUOTE_EXPIRED, "quote_id");
	if (requote)
		return status_err(ST_BILL_REQUOTE_REQUIRED, "quote_id");
	const char *contract = NULL, *invoice = NULL;
	if ((rv = billfin_file_store(ctx, q->contract, "contract", q->id, "contract",
	                             c->who->person_id, &contract)) != ST_OK ||
	    (rv = billfin_file_store(ctx, q->invoice, "invoice", q->id, "invoice",
	                             c->who->person_id, &invoice)) != ST_OK)
		return rv;
	const Enterprise__ReceivingAccount *a = c->acct;
	const char *v[] = {q->id,
	                   "{confirming}",
	                   "reviewing",
	                   q->quote_id,
	                   a->id,
	                   a->account_name,
	                   a->bank_name,
	                   a->branch_name ? a->branch_name : "",
	                   a->account_number_masked,
	                   contract,
	                   invoice};
	if ((rv = change_guard(
	             ctx, ST_BILL_STATE, "state",
	             "UPDATE orders o SET state = $3, quote_id = $4::uuid, funder_id ="
	             " q.institution_id, funder_name = CASE WHEN q.institution_id IS NOT NULL"
	             " THEN q.quoter_name END, account_id = $5::uuid, account_name = $6,"
	             " account_bank = $7, account_branch = $8, account_masked = $9,"
	             " contract_file_id = $10::uuid, invoice_file_id = $11::uuid,"
	             " review_status = 'pending', confirmed_at = now(), submitted_at = now(),"
	             " updated_at = now() FROM quotes q WHERE q.id = $4::uuid AND o.id = $1::uuid"
	             " AND o.state = ANY($2::text[])",
	             11, v, NULL)) != ST_OK)
		return rv;
	if ((rv = change_exec(ctx,
	                      "UPDATE quotes SET state = CASE WHEN id = $1::uuid THEN 'confirmed'"
	                      " ELSE 'superseded' END WHERE order_id = $2::uuid AND state = 'open'",
	                      2, vq, NULL)) != ST_OK)
		return rv;
	return billfin_order_record(ctx, q->id, "confirmed",
	                            arena_printf(ctx->arena, "person:%s", c->who->person_id), NULL,
	                            json_pack("{s:s, s:s, s:s}", "quote_id", q->quote_id,
	                                      "receiving_account_id", a->id, "account_masked",
	                                      a->account_number_masked));
}

/* The enterprise's receiving account (enterprise, masked): verified, in the certified name. */
static int confirm_account(svc_ctx *ctx, const billfin_enterprise *who, const char *id,
                           const Enterprise__ReceivingAccount **out)
{
	ProtobufCMessage *res = NULL;
	Enterprise__GetReceivingAccountRequest req =
	        ENTERPRISE__GET_RECEIVING_ACCOUNT_REQUEST__INIT;
	req.enterprise_id = (char *)who->enterprise_id;
	req.account_id = (char *)id;
	int rv = bus_call(BILLFIN_APP(ctx)->enterprise, "GetReceivingAccount", ctx->caller,
	                  bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                  &req.base, &enterprise__receiving_account__descriptor, ctx->arena, &res);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_BILL_ACCOUNT_UNKNOWN, "receiving_account_id");
	if (rv != ST_OK)
		return rv;
	const Enterprise__ReceivingAccount *a = (const Enterprise__ReceivingAccount *)res;
	if (!a->state || strcmp(a->state, "verified") != 0)
		return status_err(ST_ACCOUNT_NOT_VERIFIED, "receiving_account_id");
	if (!a->account_name || strcmp(a->account_name, who->enterprise_name) != 0)
		return status_err(ST_BILL_ACCOUNT_NAME, "receiving_account_id");
	if (!a->id || !a->account_number_masked || !a->bank_name)
		return status_err(ST_INTERNAL, NULL);
	*out = a;
	return ST_OK;
}

int billfin_order_confirm(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__ConfirmBillOrderRequest *q = (const Billfin__ConfirmBillOrderRequest *)in;
	billfin_enterprise who;
	Billfin__BillOrder *o = NULL;
	struct confirm c = {q, &who, NULL};
	int rv;
	if ((rv = billfin_enterprise_caller(ctx, &who)) != ST_OK)
		return rv;
	billfin_scope sc = {who.enterprise_id, NULL, 0};
	if ((rv = billfin_scope_check(ctx, &sc, q->id)) != ST_OK)
		return rv;
	if (!q->quote_id || !*q->quote_id)
		return status_err(ST_FIELD_REQUIRED, "quote_id");
	if (!validate_uuid(q->quote_id))
		return status_err(ST_BILL_QUOTE_UNKNOWN, "quote_id");
	if (!q->receiving_account_id || !*q->receiving_account_id)
		return status_err(ST_FIELD_REQUIRED, "receiving_account_id");
	if (!validate_uuid(q->receiving_account_id))
		return status_err(ST_BILL_ACCOUNT_UNKNOWN, "receiving_account_id");
	if (!q->contract)
		return status_err(ST_FIELD_REQUIRED, "contract");
	if (!q->invoice)
		return status_err(ST_FIELD_REQUIRED, "invoice");
	if ((rv = confirm_account(ctx, &who, q->receiving_account_id, &c.acct)) != ST_OK)
		return rv;
	if ((rv = change_run(ctx, confirm_tx, &c)) != ST_OK)
		return rv;
	if ((rv = billfin_order_load(ctx, &sc, q->id, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

/* ---- documents after a rejection -------------------------------------------------------- */

struct documents {
	const Billfin__ReplaceDocumentsRequest *q;
	const billfin_enterprise *who;
};

static int documents_tx(svc_ctx *ctx, void *arg)
{
	struct documents *d = arg;
	billfin_scope sc = {d->who->enterprise_id, NULL, 0};
	const char *contract = NULL, *invoice = NULL;
	int rv = billfin_scope_check(ctx, &sc, d->q->id);
	if (rv != ST_OK)
		return rv;
	if ((rv = billfin_file_store(ctx, d->q->contract, "contract", d->q->id, "contract",
	                             d->who->person_id, &contract)) != ST_OK ||
	    (rv = billfin_file_store(ctx, d->q->invoice, "invoice", d->q->id, "invoice",
	                             d->who->person_id, &invoice)) != ST_OK)
		return rv;
	const char *v[] = {d->q->id, contract, invoice};
	if ((rv = change_guard(ctx, ST_BILL_NOT_REJECTED, "state",
	                       "UPDATE orders SET contract_file_id = $2::uuid, invoice_file_id ="
	                       " $3::uuid, review_status = 'pending', submitted_at = now(),"
	                       " updated_at = now() WHERE id = $1::uuid AND state = 'reviewing'"
	                       " AND review_status = 'rejected'",
	                       3, v, NULL)) != ST_OK)
		return rv;
	return billfin_order_record(ctx, d->q->id, "documents_replaced",
	                            arena_printf(ctx->arena, "person:%s", d->who->person_id), NULL,
	                            NULL);
}

int billfin_order_documents(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__ReplaceDocumentsRequest *q = (const Billfin__ReplaceDocumentsRequest *)in;
	billfin_enterprise who;
	Billfin__BillOrder *o = NULL;
	struct documents d = {q, &who};
	int rv;
	if ((rv = billfin_enterprise_caller(ctx, &who)) != ST_OK)
		return rv;
	if ((rv = change_run(ctx, documents_tx, &d)) != ST_OK)
		return rv;
	billfin_scope sc = {who.enterprise_id, NULL, 0};
	if ((rv = billfin_order_load(ctx, &sc, q->id, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

/* ---- close and endorse ------------------------------------------------------------------ */

int billfin_order_enterprise_close(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__CloseBillOrderRequest *q = (const Billfin__CloseBillOrderRequest *)in;
	billfin_enterprise who;
	int rv;
	if ((rv = billfin_enterprise_caller(ctx, &who)) != ST_OK)
		return rv;
	billfin_scope sc = {who.enterprise_id, NULL, 0};
	if ((rv = billfin_scope_check(ctx, &sc, q->id)) != ST_OK)
		return rv;
	if (!q->reason || !*q->reason)
		return status_err(ST_BILL_REASON_REQUIRED, "reason");
	if ((rv = validate_text(q->reason, 200)) != 0)
		return status_err(rv, "reason");
	const char *extra[] = {q->reason, who.person_id};
	billfin_step st = {.sc = &sc,
	                   .id = q->id,
	                   .from = "{quoting,confirming,reviewing,endorsing}",
	                   .to = "closed",
	                   .action = "closed",
	                   .set = "close_reason = $4, closed_by = 'enterprise',"
	                          " closed_by_person = $5::uuid, closed_at = now()",
	                   .actor = arena_printf(ctx->arena, "person:%s", who.person_id),
	                   .reason = q->reason,
	                   .extra = extra,
	                   .nextra = 2,
	                   .lost = ST_BILL_NOT_CLOSABLE};
	return billfin_step_run(ctx, &st, out);
}

int billfin_order_endorse(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__BillOrderRef *q = (const Billfin__BillOrderRef *)in;
	billfin_enterprise who;
	int rv;
	if ((rv = billfin_enterprise_caller(ctx, &who)) != ST_OK)
		return rv;
	billfin_scope sc = {who.enterprise_id, NULL, 0};
	billfin_step st = {.sc = &sc,
	                   .id = q->id,
	                   .from = "{endorsing}",
	                   .to = "disbursing",
	                   .action = "endorsed",
	                   .set = "endorsed_at = now()",
	                   .actor = arena_printf(ctx->arena, "person:%s", who.person_id),
	                   .lost = ST_BILL_NOT_APPROVED};
	return billfin_step_run(ctx, &st, out);
}
