/*
 * Bank transfer (对公转账, manual 004): the payer transfers to the platform's receiving
 * account writing the intent's reference code in the note, and uploads remittance slips
 * (汇款凭证; several, now or later). finance works the queue (open intents taking bank
 * transfers, their slips) and records what the bank statement shows arrived: the amount,
 * the bank's transaction number and the date. Exact → paid; less → still open with the
 * difference due; more → paid with a refundable excess. One bank transaction number is
 * credited once, whatever the request.
 */
#include "payments.h"

#include "blobs.h"
#include "caller.h"
#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "status.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the payer's slips ------------------------------------------------------------- */

struct slip {
	const Payments__UploadSlipRequest *q;
	const char *person;
};

static int slip_tx(svc_ctx *ctx, void *arg)
{
	struct slip *s = arg;
	PGresult *r = NULL;
	blobs_info b;
	char size[24];
	const char *iv[] = {s->q->id};
	/* a closed intent, or one not taking bank transfers, has nothing to prove */
	int rv = change_exec(
	        ctx,
	        "SELECT 1 FROM intents WHERE id = $1::uuid AND state IN ('open', 'paid')"
	        " AND 'bank_transfer' = ANY(methods) FOR UPDATE",
	        1, iv, &r);
	if (rv != ST_OK)
		return rv;
	int ok = PQntuples(r) > 0;
	PQclear(r);
	if (!ok)
		return status_err(ST_PAY_SLIP_NOT_ALLOWED, "id");
	if ((rv = blobs_put(ctx, &PAYMENTS_APP(ctx)->pii, "payments", s->q->slip, "slip",
	                    "汇款凭证", &b)) != ST_OK)
		return rv;
	snprintf(size, sizeof size, "%zu", b.size);
	const char *v[] = {s->q->id, b.name, b.content_type, size, b.sha256, s->person};
	if ((rv = change_exec(ctx,
	                      "INSERT INTO slips (intent_id, name, content_type, size, sha256,"
	                      " uploaded_by) VALUES ($1::uuid, $2, $3, $4::bigint, $5, $6::uuid)"
	                      " RETURNING id::text",
	                      6, v, &r)) != ST_OK)
		return rv;
	char *id = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", s->person),
	                     arena_printf(ctx->arena, "payment_intent/%s", s->q->id),
	                     "payment_slip.uploaded",
	                     json_pack("{s:s, s:s, s:s}", "slip_id", id, "sha256", b.sha256,
	                               "content_type", b.content_type),
	                     NULL);
}

int payments_upload_slip(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Payments__UploadSlipRequest *q = (const Payments__UploadSlipRequest *)in;
	struct slip s = {q, NULL};
	Payments__Intent *o;
	int rv = payments_payer_check(ctx, q->id);
	if (rv != ST_OK || (rv = caller_person(ctx, &s.person)) != ST_OK ||
	    (rv = change_run(ctx, slip_tx, &s)) != ST_OK ||
	    (rv = payments_intent_load(ctx, q->id, 0, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_CREATED;
}

/* ---- finance ----------------------------------------------------------------------- */

static ProtobufCMessage *list_row(svc_ctx *ctx, const PGresult *r, int i, void *arg)
{
	Payments__Intent *o;
	(void)arg;
	return payments_intent_load(ctx, PQgetvalue(r, i, 0), 0, &o) == ST_OK ? &o->base : NULL;
}

int payments_operator_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Payments__ListIntentsRequest *q = (const Payments__ListIntentsRequest *)in;
	static const char *const states[] = {"open", "paid", "closed", "refunded"};
	static const char *const methods[] = {"bank_transfer", "wechat", "alipay"};
	dblist_page pg;
	int rv = payments_finance_check(ctx), ok;
	if (rv != ST_OK)
		return rv;
	const char *state = q->state && *q->state ? q->state : NULL,
	           *method = q->method && *q->method ? q->method : NULL,
	           *qq = q->q && *q->q ? q->q : NULL;
	ok = !state;
	for (size_t i = 0; !ok && i < sizeof states / sizeof states[0]; i++)
		ok = strcmp(state, states[i]) == 0;
	if (!ok)
		return status_err(ST_FIELD_RANGE, "state");
	ok = !method;
	for (size_t i = 0; !ok && i < sizeof methods / sizeof methods[0]; i++)
		ok = strcmp(method, methods[i]) == 0;
	if (!ok)
		return status_err(ST_PAY_METHOD, "method");
	if (qq && validate_text(qq, 64) != 0)
		return status_err(ST_FIELD_RANGE, "q");
	if ((rv = dblist_page_init(q->has_page, q->page, q->has_page_size, q->page_size, &pg)) !=
	    ST_OK)
		return rv;
	const char *v[] = {state, method, qq, pg.limit, pg.offset};
#define LIST_WHERE                                                                                 \
	" FROM intents WHERE ($1::text IS NULL OR state = $1)"                                     \
	" AND ($2::text IS NULL OR $2 = ANY(methods) OR method = $2)"                              \
	" AND ($3::text IS NULL OR no = $3 OR reference_code = upper($3) OR reference = $3)"
	rv = dblist_query(ctx, &payments__intent_list__descriptor, &pg,
	                  "SELECT COUNT(*)" LIST_WHERE, 3,
	                  "SELECT id::text" LIST_WHERE
	                  " ORDER BY created_at, id LIMIT $4::int OFFSET $5::bigint",
	                  5, v, list_row, NULL, out);
#undef LIST_WHERE
	return rv;
}

int payments_operator_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	Payments__Intent *o;
	int rv = payments_finance_check(ctx);
	if (rv != ST_OK ||
	    (rv = payments_intent_load(ctx, ((const Payments__IntentRef *)in)->id, 1, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

int payments_operator_slip(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const char *id = ((const Payments__SlipRef *)in)->id;
	PGresult *r = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	int rv = payments_finance_check(ctx);
	if (rv != ST_OK)
		return rv;
	if (!validate_uuid(id))
		return status_err(ST_NOT_FOUND, "id");
	const char *v[] = {id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT name, content_type, sha256 FROM slips WHERE id = $1::uuid", 1, v,
	                  &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) == 0) {
		rv = status_err(ST_NOT_FOUND, "id");
		goto out;
	}
	if ((rv = blobs_get(ctx, &PAYMENTS_APP(ctx)->pii, "payments", PQgetvalue(r, 0, 2), &data,
	                    &len)) != ST_OK)
		goto out;
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = dbrow_text(ctx->arena, r, 0, 0);
	d->content_type = dbrow_text(ctx->arena, r, 0, 1);
	d->has_data = 1;
	d->data.len = len;
	d->data.data = data;
	/* images show in the browser; a PDF is saved (it may carry scripts) */
	d->has_inline_ = 1;
	d->inline_ = strncmp(d->content_type, "image/", 6) == 0;
	*out = &d->base;
out:
	PQclear(r);
	return rv;
}

static int bank_txn_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

/* Today in China Standard Time as YYYY-MM-DD. */
static void today_cst(char out[11])
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

struct receipt {
	payments_credit c;
	payments_credit_result res;
};

static int receipt_tx(svc_ctx *ctx, void *arg)
{
	struct receipt *x = arg;
	int rv = payments_credit_tx(ctx, &x->c, &x->res);
	if (rv == ST_OK && x->res.already)
		return status_err(ST_PAY_RECEIPT_RECORDED, "bank_txn_no");
	return rv;
}

int payments_record_receipt(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Payments__RecordReceiptRequest *q = (const Payments__RecordReceiptRequest *)in;
	Payments__Intent *o;
	const char *pid;
	char today[11];
	int rv = payments_finance_check(ctx);
	if (rv != ST_OK || (rv = payments_intent_load(ctx, q->id, 0, &o)) != ST_OK)
		return rv;
	if (!q->has_amount_fen || q->amount_fen <= 0 || q->amount_fen > 1000000000000LL)
		return status_err(ST_PAY_AMOUNT, "amount_fen");
	if (!bank_txn_valid(q->bank_txn_no))
		return status_err(ST_PAY_BANK_TXN, "bank_txn_no");
	today_cst(today);
	if (!q->received_on || validate_date(q->received_on) != 0 ||
	    strcmp(q->received_on, today) > 0)
		return status_err(ST_PAY_RECEIVED_ON, "received_on");
	int allowed = 0;
	for (size_t i = 0; i < o->n_methods; i++)
		allowed |= strcmp(o->methods[i], "bank_transfer") == 0;
	if (!allowed)
		return status_err(ST_PAY_TRANSFER_NOT_ALLOWED, "id");
	caller_person(ctx, &pid);
	struct receipt x = {.c = {.intent_id = o->id,
	                          .method = "bank_transfer",
	                          .external_id = q->bank_txn_no,
	                          .amount_fen = q->amount_fen,
	                          .fee_fen = 0,
	                          .actor = arena_printf(ctx->arena, "operator:%s", pid),
	                          .received_on = q->received_on}};
	if ((rv = change_run(ctx, receipt_tx, &x)) != ST_OK ||
	    (rv = payments_intent_load(ctx, o->id, 1, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}
