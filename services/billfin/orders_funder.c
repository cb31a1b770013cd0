/*
 * The funder's side: reading its orders, the disbursement (签收 + payment → 已完成) by the
 * funder whose quote was confirmed (or by an operator of role finance for the platform's
 * own offer), and the payee's full account number while the order is 放款中 — unsealed by
 * enterprise for this funder only, each time audited there.
 */
#include "billfin.h"
#include "orders.h"

#include "change.h"
#include "enterprise.pb-c.h"
#include "status.h"
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int billfin_order_funder_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	billfin_funder f;
	Billfin__BillOrder *o = NULL;
	int rv;
	if ((rv = billfin_funder_caller(ctx, &f)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, f.institution_id, 0};
	if ((rv = billfin_order_load(ctx, &sc, ((const Billfin__BillOrderRef *)in)->id, &o)) !=
	    ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

/* A funder prices the bill from its front (the inquiry's image), so it may download that;
 * the trade contract and invoice are for the platform's reviewers and the enterprise. */
int billfin_order_funder_file(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__GetBillFileRequest *q = (const Billfin__GetBillFileRequest *)in;
	billfin_funder f;
	PGresult *r = NULL;
	int rv;
	if ((rv = billfin_funder_caller(ctx, &f)) != ST_OK)
		return rv;
	if (!q->id || !validate_uuid(q->id))
		return status_err(ST_NOT_FOUND, "id");
	if (!q->file_id || !validate_uuid(q->file_id))
		return status_err(ST_NOT_FOUND, "file_id");
	const char *v[] = {NULL, f.institution_id, NULL, q->id, q->file_id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT 1 FROM orders o WHERE o.id = $4::uuid AND o.front_file_id ="
	                  " $5::uuid AND" BILLFIN_SCOPE_SQL,
	                  5, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	int front = PQntuples(r) == 1;
	PQclear(r);
	if (!front)
		return status_err(ST_NOT_FOUND, "file_id");
	return billfin_file_download(ctx, q->id, q->file_id, out);
}

/* RFC 3339 with seconds and an offset: 2026-05-26T10:00:00+08:00 or …Z. */
static int paid_at_valid(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t n = s ? strlen(s) : 0;
	if (n < 20)
		return 0;
	for (size_t i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return 0;
	char day[11];
	memcpy(day, s, 10);
	day[10] = '\0';
	if (validate_date(day) != 0)
		return 0;
	const char *z = s + 19;
	if (*z == '.')
		for (z++; isdigit((unsigned char)*z); z++)
			;
	if (strcmp(z, "Z") == 0)
		return 1;
	return strlen(z) == 6 && (z[0] == '+' || z[0] == '-') && isdigit((unsigned char)z[1]) &&
	       isdigit((unsigned char)z[2]) && z[3] == ':' && isdigit((unsigned char)z[4]) &&
	       isdigit((unsigned char)z[5]);
}

struct disburse {
	const Billfin__DisburseBillOrderRequest *q;
	const billfin_scope *sc;
	const char *person_id;
	int platform; /* the operator's: only an order on the platform's own quote */
};

static int disburse_tx(svc_ctx *ctx, void *arg)
{
	struct disburse *d = arg;
	const Billfin__DisburseBillOrderRequest *q = d->q;
	PGresult *r = NULL;
	char amount[24];
	int rv = billfin_scope_check(ctx, d->sc, q->id);
	if (rv != ST_OK)
		return rv;
	snprintf(amount, sizeof amount, "%lld", (long long)q->amount_fen);
	const char *paid_at = q->paid_at && *q->paid_at ? q->paid_at : NULL;
	const char *v0[] = {q->id, paid_at};
	if ((rv = change_exec(ctx,
	                      "SELECT o.state, q.net_fen, o.funder_id IS NULL,"
	                      " $2::timestamptz IS NULL OR ($2::timestamptz >= o.endorsed_at AND"
	                      " $2::timestamptz <= now())"
	                      " FROM orders o LEFT JOIN quotes q ON q.id = o.quote_id"
	                      " WHERE o.id = $1::uuid FOR UPDATE OF o",
	                      2, v0, &r)) != ST_OK)
		return rv;
	int disbursing = strcmp(PQgetvalue(r, 0, 0), "disbursing") == 0;
	long long net = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	int platform = PQgetvalue(r, 0, 2)[0] == 't';
	int when = PQgetvalue(r, 0, 3)[0] == 't';
	PQclear(r);
	if (d->platform && !platform)
		return status_err(ST_BILL_PLATFORM_FUNDED, "id");
	if (!disbursing)
		return status_err(ST_BILL_NOT_DISBURSING, "state");
	if (q->amount_fen != net)
		return status_err(ST_BILL_AMOUNT_NOT_NET, "amount_fen");
	if (!when)
		return status_err(ST_BILL_PAID_AT, "paid_at");
	const char *v[] = {q->id,   "{disbursing}", "completed", amount,
	                   paid_at, q->reference,   d->person_id};
	if ((rv = change_guard(ctx, ST_BILL_NOT_DISBURSING, "state",
	                       "UPDATE orders SET state = $3, signed_at = now(), paid_fen ="
	                       " $4::bigint, paid_at = coalesce($5::timestamptz, now()), "
	                       "payment_reference = $6,"
	                       " disbursed_by = $7::uuid, completed_at = now(), updated_at = now()"
	                       " WHERE id = $1::uuid AND state = ANY($2::text[])",
	                       7, v, NULL)) != ST_OK)
		return rv;
	return billfin_order_record(
	        ctx, q->id, "disbursed", arena_printf(ctx->arena, "person:%s", d->person_id), NULL,
	        json_pack("{s:I, s:s, s:s}", "paid_fen", (json_int_t)q->amount_fen, "paid_at",
	                  paid_at ? paid_at : "now", "reference", q->reference));
}

static int disburse_run(svc_ctx *ctx, struct disburse *d, ProtobufCMessage **out)
{
	const Billfin__DisburseBillOrderRequest *q = d->q;
	Billfin__BillOrder *o = NULL;
	int rv;
	if ((rv = billfin_scope_check(ctx, d->sc, q->id)) != ST_OK)
		return rv;
	if (!q->has_signed_for || !q->signed_for)
		return status_err(ST_BILL_SIGN_REQUIRED, "signed_for");
	if (!q->has_amount_fen)
		return status_err(ST_FIELD_REQUIRED, "amount_fen");
	if (q->amount_fen < 1 || validate_amount_fen(q->amount_fen) != 0)
		return status_err(ST_FIELD_RANGE, "amount_fen");
	if (q->paid_at && *q->paid_at && !paid_at_valid(q->paid_at))
		return status_err(ST_BILL_PAID_AT, "paid_at");
	if (!q->reference || !*q->reference)
		return status_err(ST_FIELD_REQUIRED, "reference");
	if ((rv = validate_text(q->reference, 64)) != 0)
		return status_err(rv, "reference");
	if ((rv = change_run(ctx, disburse_tx, d)) != ST_OK)
		return rv;
	if ((rv = billfin_order_load(ctx, d->sc, q->id, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

int billfin_disburse_funder(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	billfin_funder f;
	int rv;
	if ((rv = billfin_funder_caller(ctx, &f)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, f.institution_id, 0};
	struct disburse d = {(const Billfin__DisburseBillOrderRequest *)in, &sc, f.person_id, 0};
	return disburse_run(ctx, &d, out);
}

int billfin_disburse_operator(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	static const char *const roles[] = {"finance", NULL};
	const char *pid = NULL;
	int rv;
	if ((rv = billfin_operator_caller(ctx, roles, &pid)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, NULL, 1};
	struct disburse d = {(const Billfin__DisburseBillOrderRequest *)in, &sc, pid, 1};
	return disburse_run(ctx, &d, out);
}

struct payee_seen {
	const char *order_id, *no, *person_id, *institution_id, *account_id;
};

static int payee_seen_tx(svc_ctx *ctx, void *arg)
{
	const struct payee_seen *s = arg;
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", s->person_id),
	                     arena_printf(ctx->arena, "bill_order/%s", s->order_id),
	                     "bill_order.payee_account_viewed",
	                     json_pack("{s:s, s:s, s:s}", "no", s->no, "funder_id",
	                               s->institution_id, "account_id", s->account_id),
	                     NULL);
}

int billfin_payee_account(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__BillOrderRef *q = (const Billfin__BillOrderRef *)in;
	billfin_funder f;
	PGresult *r = NULL;
	ProtobufCMessage *res = NULL;
	int rv;
	if ((rv = billfin_funder_caller(ctx, &f)) != ST_OK)
		return rv;
	if (!q->id || !validate_uuid(q->id))
		return status_err(ST_NOT_FOUND, "id");
	/* Only the confirmed funder, only while it is to pay. */
	const char *v[] = {q->id, f.institution_id};
	if ((rv = db_exec(
	             ctx->db,
	             "SELECT o.state = 'disbursing', o.enterprise_id::text, o.account_id::text,"
	             " o.no, qq.net_fen FROM orders o JOIN quotes qq ON qq.id = o.quote_id"
	             " WHERE o.id = $1::uuid AND o.funder_id = $2::uuid",
	             2, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "id");
	}
	int paying = PQgetvalue(r, 0, 0)[0] == 't';
	Enterprise__UnsealReceivingAccountRequest req =
	        ENTERPRISE__UNSEAL_RECEIVING_ACCOUNT_REQUEST__INIT;
	req.enterprise_id = dbrow_text(ctx->arena, r, 0, 1);
	req.account_id = dbrow_text(ctx->arena, r, 0, 2);
	req.purpose = "bill_disbursement";
	req.reference = dbrow_text(ctx->arena, r, 0, 3);
	long long net = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
	PQclear(r);
	if (!paying)
		return status_err(ST_BILL_NOT_DISBURSING, "state");
	if ((rv = bus_call(BILLFIN_APP(ctx)->enterprise, "UnsealReceivingAccount", ctx->caller,
	                   bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                   &req.base, &enterprise__unsealed_receiving_account__descriptor,
	                   ctx->arena, &res)) != ST_OK)
		return rv;
	const Enterprise__UnsealedReceivingAccount *u =
	        (const Enterprise__UnsealedReceivingAccount *)res;
	Billfin__PayeeAccount *p = arena_alloc(ctx->arena, sizeof *p);
	billfin__payee_account__init(p);
	p->order_id = q->id;
	if (u->account) {
		p->account_name = u->account->account_name;
		p->bank_name = u->account->bank_name;
		p->branch_name = u->account->branch_name;
	}
	p->account_number = u->account_number;
	p->has_amount_fen = 1;
	p->amount_fen = net;
	/* Enterprise audits the unseal as billfin's; this entry names the person who saw it.
	 * No entry, no number. */
	struct payee_seen s = {q->id, req.reference, f.person_id, f.institution_id, req.account_id};
	if ((rv = change_run(ctx, payee_seen_tx, &s)) != ST_OK)
		return rv;
	*out = &p->base;
	return ST_OK;
}
