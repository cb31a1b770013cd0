/*
 * Payment intents: an owner service asks to be paid (CreateIntent, bus-only, the owner
 * being the calling service), reads and closes its intents; the payer (the person, or an
 * active member of the enterprise) reads theirs; money received by any method is credited
 * here (payments_credit_tx), once per (method, external_id), with its ledger entry and
 * event. Another payer's intent is 404.
 */
#include "payments.h"

#include "caller.h"
#include "change.h"
#include "dbrow.h"
#include "memberproj.h"
#include "status.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS 50
/* 100 亿元: no intent is larger */
#define MAX_FEN 1000000000000LL

static const char *const state_labels[][2] = {
        {"open", "待支付"}, {"paid", "已支付"}, {"closed", "已关闭"}, {"refunded", "已退款"}};

static const char intent_cols[] =
        "i.id::text, i.no, i.owner, i.reference, i.purpose, i.amount_fen::text,"
        " i.received_fen::text, i.excess_fen::text, i.refunded_fen::text,"
        " CASE WHEN i.state = 'open' THEN i.amount_fen - i.applied_fen ELSE 0 END::text, i.state,"
        " array_to_string(i.methods, ','), i.method, i.reference_code, i.invoice_title,"
        " i.invoice_tax_id_masked, i.invoice_email_masked, " DBROW_CST(
                "i.created_at") ", " DBROW_CST("i.paid_at") ", i.payer_account_id::text, "
                                                            "i.payer_enterprise_id::text,"
                                                            " " DBROW_CST("i.closed_at");

static int64_t num(const PGresult *r, int i, int c)
{
	return strtoll(PQgetvalue(r, i, c), NULL, 10);
}

static Payments__Intent *intent_row(svc_ctx *ctx, const PGresult *r, int i)
{
	struct payments_app *app = PAYMENTS_APP(ctx);
	Payments__Intent *o = arena_alloc(ctx->arena, sizeof *o);
	payments__intent__init(o);
	o->id = dbrow_text(ctx->arena, r, i, 0);
	o->no = dbrow_text(ctx->arena, r, i, 1);
	o->owner = dbrow_text(ctx->arena, r, i, 2);
	o->reference = dbrow_text(ctx->arena, r, i, 3);
	o->purpose = dbrow_text(ctx->arena, r, i, 4);
	o->has_amount_fen = o->has_received_fen = o->has_excess_fen = o->has_refunded_fen =
	        o->has_due_fen = o->has_refundable_fen = 1;
	o->amount_fen = num(r, i, 5);
	o->received_fen = num(r, i, 6);
	o->excess_fen = num(r, i, 7);
	o->refunded_fen = num(r, i, 8);
	o->due_fen = num(r, i, 9);
	o->refundable_fen = o->received_fen - o->refunded_fen;
	o->state = dbrow_text(ctx->arena, r, i, 10);
	for (size_t k = 0; k < sizeof state_labels / sizeof state_labels[0]; k++)
		if (strcmp(o->state, state_labels[k][0]) == 0)
			o->state_label = (char *)state_labels[k][1];
	char *m = dbrow_text(ctx->arena, r, i, 11);
	o->methods = arena_alloc(ctx->arena, 3 * sizeof *o->methods);
	for (char *p = m; p && *p && o->n_methods < 3;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		o->methods[o->n_methods++] = p;
		p = comma ? comma + 1 : NULL;
	}
	o->method = dbrow_text(ctx->arena, r, i, 12);
	Payments__TransferInfo *t = arena_alloc(ctx->arena, sizeof *t);
	payments__transfer_info__init(t);
	t->account_name = (char *)app->account_name;
	t->bank_name = (char *)app->bank_name;
	t->account_no = (char *)app->account_no;
	t->reference_code = dbrow_text(ctx->arena, r, i, 13);
	o->transfer = t;
	o->invoice_title = dbrow_text(ctx->arena, r, i, 14);
	o->invoice_tax_id_masked = dbrow_text(ctx->arena, r, i, 15);
	o->invoice_email_masked = dbrow_text(ctx->arena, r, i, 16);
	o->created_at = dbrow_text(ctx->arena, r, i, 17);
	o->paid_at = dbrow_text(ctx->arena, r, i, 18);
	o->payer_account_id = dbrow_text(ctx->arena, r, i, 19);
	o->payer_enterprise_id = dbrow_text(ctx->arena, r, i, 20);
	o->closed_at = dbrow_text(ctx->arena, r, i, 21);
	return o;
}

static int load_items(svc_ctx *ctx, Payments__Intent *o)
{
	PGresult *r = NULL;
	const char *v[] = {o->id};
	int rv = db_exec(
	        ctx->db,
	        "SELECT name, quantity::text, unit_price_fen::text, amount_fen::text,"
	        " tax_rate_bp::text FROM intent_items WHERE intent_id = $1::uuid ORDER BY pos",
	        1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(r);
	o->items = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *o->items);
	for (int i = 0; i < n; i++) {
		Payments__IntentItem *it = arena_alloc(ctx->arena, sizeof *it);
		payments__intent_item__init(it);
		it->name = dbrow_text(ctx->arena, r, i, 0);
		it->has_quantity = it->has_unit_price_fen = it->has_amount_fen =
		        it->has_tax_rate_bp = 1;
		it->quantity = (int32_t)num(r, i, 1);
		it->unit_price_fen = num(r, i, 2);
		it->amount_fen = num(r, i, 3);
		it->tax_rate_bp = (int32_t)num(r, i, 4);
		o->items[o->n_items++] = it;
	}
	PQclear(r);
	return ST_OK;
}

static int load_slips(svc_ctx *ctx, Payments__Intent *o)
{
	PGresult *r = NULL;
	const char *v[] = {o->id};
	int rv = db_exec(ctx->db,
	                 "SELECT id::text, name, content_type, size::text, sha256, " DBROW_CST(
	                         "created_at") " FROM slips WHERE intent_id = $1::uuid ORDER BY "
	                                       "created_at, id",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(r);
	o->slips = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *o->slips);
	for (int i = 0; i < n; i++) {
		Payments__Slip *s = arena_alloc(ctx->arena, sizeof *s);
		payments__slip__init(s);
		Files__FileInfo *f = arena_alloc(ctx->arena, sizeof *f);
		files__file_info__init(f);
		s->id = f->id = dbrow_text(ctx->arena, r, i, 0);
		f->name = dbrow_text(ctx->arena, r, i, 1);
		f->content_type = dbrow_text(ctx->arena, r, i, 2);
		f->has_size = 1;
		f->size = num(r, i, 3);
		f->sha256 = dbrow_text(ctx->arena, r, i, 4);
		s->file = f;
		s->uploaded_at = dbrow_text(ctx->arena, r, i, 5);
		o->slips[o->n_slips++] = s;
	}
	PQclear(r);
	return ST_OK;
}

/* finance's view: the receipts and refunds of the intent */
static int load_money(svc_ctx *ctx, Payments__Intent *o)
{
	PGresult *r = NULL, *f = NULL;
	const char *v[] = {o->id};
	int rv;
	if ((rv = db_exec(ctx->db,
	                  "SELECT id::text, method, external_id, amount_fen::text, fee_fen::text,"
	                  " excess_fen::text, received_on::text, actor, " DBROW_CST(
	                          "created_at") " FROM receipts WHERE intent_id = $1::uuid ORDER "
	                                        "BY created_at, id",
	                  1, v, &r)) != ST_OK ||
	    (rv = db_exec(ctx->db,
	                  "SELECT id::text, method, external_refund_id, amount_fen::text, reason,"
	                  " actor, " DBROW_CST("created_at") " FROM refunds WHERE intent_id = "
	                                                     "$1::uuid ORDER BY created_at, id",
	                  1, v, &f)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	int n = PQntuples(r), m = PQntuples(f);
	o->receipts = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *o->receipts);
	for (int i = 0; i < n; i++) {
		Payments__Receipt *x = arena_alloc(ctx->arena, sizeof *x);
		payments__receipt__init(x);
		x->id = dbrow_text(ctx->arena, r, i, 0);
		x->method = dbrow_text(ctx->arena, r, i, 1);
		x->external_id = dbrow_text(ctx->arena, r, i, 2);
		x->has_amount_fen = x->has_fee_fen = x->has_excess_fen = 1;
		x->amount_fen = num(r, i, 3);
		x->fee_fen = num(r, i, 4);
		x->excess_fen = num(r, i, 5);
		x->received_on = dbrow_text(ctx->arena, r, i, 6);
		x->actor = dbrow_text(ctx->arena, r, i, 7);
		x->created_at = dbrow_text(ctx->arena, r, i, 8);
		o->receipts[o->n_receipts++] = x;
	}
	o->refunds = arena_alloc(ctx->arena, (size_t)(m ? m : 1) * sizeof *o->refunds);
	for (int i = 0; i < m; i++) {
		Payments__Refund *x = arena_alloc(ctx->arena, sizeof *x);
		payments__refund__init(x);
		x->id = dbrow_text(ctx->arena, f, i, 0);
		x->method = dbrow_text(ctx->arena, f, i, 1);
		x->external_refund_id = dbrow_text(ctx->arena, f, i, 2);
		x->has_amount_fen = 1;
		x->amount_fen = num(f, i, 3);
		x->reason = dbrow_text(ctx->arena, f, i, 4);
		x->actor = dbrow_text(ctx->arena, f, i, 5);
		x->created_at = dbrow_text(ctx->arena, f, i, 6);
		o->refunds[o->n_refunds++] = x;
	}
	rv = ST_OK;
out:
	PQclear(r);
	PQclear(f);
	return rv;
}

int payments_intent_load(svc_ctx *ctx, const char *id, int finance, Payments__Intent **out)
{
	PGresult *r = NULL;
	if (!validate_uuid(id))
		return status_err(ST_NOT_FOUND, "id");
	const char *v[] = {id};
	int rv = db_exec(ctx->db,
	                 arena_printf(ctx->arena, "SELECT %s FROM intents i WHERE i.id = $1::uuid",
	                              intent_cols),
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) == 0) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "id");
	}
	Payments__Intent *o = intent_row(ctx, r, 0);
	PQclear(r);
	if ((rv = load_items(ctx, o)) != ST_OK || (rv = load_slips(ctx, o)) != ST_OK)
		return rv;
	if (finance && (rv = load_money(ctx, o)) != ST_OK)
		return rv;
	*out = o;
	return ST_OK;
}

int payments_finance_check(svc_ctx *ctx)
{
	const char *pid;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	return caller_has_role(ctx, "finance") ? ST_OK : status_err(ST_FORBIDDEN, NULL);
}

int payments_payer_check(svc_ctx *ctx, const char *id)
{
	const char *pid;
	PGresult *r = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (!validate_uuid(id))
		return status_err(ST_NOT_FOUND, "id");
	const char *v[] = {id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT payer_account_id::text, payer_enterprise_id::text FROM intents"
	                  " WHERE id = $1::uuid",
	                  1, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) == 0) {
		rv = status_err(ST_NOT_FOUND, "id");
		goto out;
	}
	if (!PQgetisnull(r, 0, 0)) {
		rv = strcmp(PQgetvalue(r, 0, 0), pid) == 0 ? ST_OK : status_err(ST_NOT_FOUND, "id");
		goto out;
	}
	memberproj_row m;
	rv = memberproj_get(ctx, pid, PQgetvalue(r, 0, 1), &m);
	if (rv == ST_NOT_FOUND)
		rv = status_err(ST_NOT_FOUND, "id");
out:
	PQclear(r);
	return rv;
}

int payments_intent_record(svc_ctx *ctx, const char *id, const char *verb, const char *actor,
                           const char *action)
{
	PGresult *r = NULL;
	const char *v[] = {id};
	int rv = change_exec(ctx,
	                     "SELECT owner, reference, amount_fen::text, received_fen::text,"
	                     " refunded_fen::text, excess_fen::text, method, state"
	                     " FROM intents WHERE id = $1::uuid",
	                     1, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "intent_id");
	}
	Payments__PaymentEvent e = PAYMENTS__PAYMENT_EVENT__INIT;
	e.intent_id = (char *)id;
	e.owner = dbrow_text(ctx->arena, r, 0, 0);
	e.reference = dbrow_text(ctx->arena, r, 0, 1);
	e.has_amount_fen = e.has_received_fen = e.has_refunded_fen = e.has_excess_fen = 1;
	e.amount_fen = num(r, 0, 2);
	e.received_fen = num(r, 0, 3);
	e.refunded_fen = num(r, 0, 4);
	e.excess_fen = num(r, 0, 5);
	e.method = dbrow_text(ctx->arena, r, 0, 6);
	e.state = dbrow_text(ctx->arena, r, 0, 7);
	PQclear(r);
	json_t *d =
	        json_pack("{s:s, s:I, s:I, s:I, s:s}", "state", e.state, "received_fen",
	                  (json_int_t)e.received_fen, "refunded_fen", (json_int_t)e.refunded_fen,
	                  "excess_fen", (json_int_t)e.excess_fen, "reference", e.reference);
	if (!verb)
		return change_record(ctx, actor, arena_printf(ctx->arena, "payment_intent/%s", id),
		                     action, d, NULL);
	change_event ev = {arena_printf(ctx->arena, "payments.payment.%s", verb), NULL, &e.base};
	return change_record(ctx, actor, arena_printf(ctx->arena, "payment_intent/%s", id), action,
	                     d, &ev);
}

int payments_intent_invoice_contact(svc_ctx *ctx, const char *id, const char **title,
                                    const char **tax_id, const char **email)
{
	PGresult *r = NULL;
	char *t = NULL, *e = NULL;
	if (!validate_uuid(id))
		return status_err(ST_NOT_FOUND, "id");
	const char *v[] = {id};
	int rv = db_exec(ctx->db,
	                 "SELECT invoice_title, invoice_tax_id_enc, invoice_email_enc FROM intents"
	                 " WHERE id = $1::uuid",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) == 0) {
		rv = status_err(ST_NOT_FOUND, "id");
		goto out;
	}
	if ((rv = dbrow_open(ctx, &PAYMENTS_APP(ctx)->pii, r, 0, 1, PAYMENTS_AAD_TAX_ID, &t)) !=
	            ST_OK ||
	    (rv = dbrow_open(ctx, &PAYMENTS_APP(ctx)->pii, r, 0, 2, PAYMENTS_AAD_EMAIL, &e)) !=
	            ST_OK)
		goto out;
	*title = dbrow_text(ctx->arena, r, 0, 0);
	*tax_id = t;
	*email = e;
out:
	PQclear(r);
	return rv;
}

/* ---- CreateIntent ------------------------------------------------------------------ */

static int method_known(const char *m)
{
	return m && (strcmp(m, "bank_transfer") == 0 || strcmp(m, "wechat") == 0 ||
	             strcmp(m, "alipay") == 0);
}

static int reference_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

static int tax_id_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 15 || n > 20)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static int create_check(const Payments__CreateIntentRequest *q)
{
	int rv;
	if (!reference_valid(q->reference))
		return status_err(ST_PAY_REFERENCE, "reference");
	if (!q->purpose || !*q->purpose || validate_text(q->purpose, 64) != 0)
		return status_err(ST_PAY_PURPOSE, "purpose");
	if (!q->has_amount_fen || q->amount_fen <= 0 || q->amount_fen > MAX_FEN)
		return status_err(ST_PAY_AMOUNT, "amount_fen");
	int person = q->payer_account_id && *q->payer_account_id,
	    ent = q->payer_enterprise_id && *q->payer_enterprise_id;
	if (person == ent)
		return status_err(ST_PAY_PAYER, "payer_account_id");
	if (!validate_uuid(person ? q->payer_account_id : q->payer_enterprise_id))
		return status_err(ST_PAY_PAYER,
		                  person ? "payer_account_id" : "payer_enterprise_id");
	if (q->n_methods == 0 || q->n_methods > 3)
		return status_err(ST_PAY_METHOD, "methods");
	for (size_t i = 0; i < q->n_methods; i++) {
		if (!method_known(q->methods[i]))
			return status_err(ST_PAY_METHOD, "methods");
		for (size_t j = 0; j < i; j++)
			if (strcmp(q->methods[i], q->methods[j]) == 0)
				return status_err(ST_PAY_METHOD, "methods");
	}
	if (q->n_items == 0 || q->n_items > MAX_ITEMS)
		return status_err(ST_PAY_ITEM, "items");
	int64_t sum = 0;
	for (size_t i = 0; i < q->n_items; i++) {
		const Payments__IntentItem *it = q->items[i];
		if (!it->name || !*it->name || validate_text(it->name, 64) != 0 ||
		    !it->has_quantity || it->quantity <= 0 || it->quantity > 100000 ||
		    !it->has_unit_price_fen || it->unit_price_fen < 0 ||
		    it->unit_price_fen > MAX_FEN)
			return status_err(ST_PAY_ITEM, "items");
		if (!it->has_tax_rate_bp || it->tax_rate_bp < 0 || it->tax_rate_bp > 10000)
			return status_err(ST_PAY_TAX_RATE, "items");
		if (!it->has_amount_fen || it->amount_fen != it->unit_price_fen * it->quantity)
			return status_err(ST_PAY_ITEMS_SUM, "items");
		sum += it->amount_fen;
		if (sum > MAX_FEN)
			return status_err(ST_PAY_ITEMS_SUM, "items");
	}
	if (sum != q->amount_fen)
		return status_err(ST_PAY_ITEMS_SUM, "amount_fen");
	if (q->invoice_title && *q->invoice_title && validate_text(q->invoice_title, 100) != 0)
		return status_err(ST_PAY_INVOICE_TITLE, "invoice_title");
	if (q->invoice_tax_id && *q->invoice_tax_id && !tax_id_valid(q->invoice_tax_id))
		return status_err(ST_PAY_TAX_ID, "invoice_tax_id");
	if (q->invoice_email && *q->invoice_email && (rv = validate_email(q->invoice_email)) != 0)
		return status_err(rv, "invoice_email");
	return ST_OK;
}

struct create {
	const Payments__CreateIntentRequest *q;
	const char *owner;
	const unsigned char *tax, *email;
	size_t ntax, nemail;
	char tax_masked[32], email_masked[272];
	const char *id;
};

/* 8 characters of an alphabet without 0/O and 1/I: 32 letters, so a byte's low five bits
 * pick one without bias. */
static int reference_code(char out[9])
{
	static const char abc[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
	unsigned char b[8];
	if (crypto_random_bytes(b, sizeof b) != 0)
		return ST_INTERNAL;
	for (int i = 0; i < 8; i++)
		out[i] = abc[b[i] & 31];
	out[8] = '\0';
	return ST_OK;
}

static int existing(svc_ctx *ctx, struct create *c, int *found)
{
	PGresult *r = NULL;
	char amount[24];
	snprintf(amount, sizeof amount, "%lld", (long long)c->q->amount_fen);
	const char *v[] = {c->owner, c->q->reference};
	int rv = change_exec(ctx,
	                     "SELECT id::text, amount_fen::text FROM intents"
	                     " WHERE owner = $1 AND reference = $2",
	                     2, v, &r);
	if (rv != ST_OK)
		return rv;
	*found = PQntuples(r) > 0;
	if (*found) {
		c->id = dbrow_text(ctx->arena, r, 0, 0);
		if (strcmp(PQgetvalue(r, 0, 1), amount) != 0)
			rv = status_err(ST_PAY_AMOUNT_CHANGED, "amount_fen");
	}
	PQclear(r);
	return rv;
}

static int create_tx(svc_ctx *ctx, void *arg)
{
	struct create *c = arg;
	const Payments__CreateIntentRequest *q = c->q;
	PGresult *r = NULL;
	int found = 0, rv;
	if ((rv = existing(ctx, c, &found)) != ST_OK || found)
		return rv;
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO intent_numbers (day, last)"
	             " VALUES ((now() AT TIME ZONE 'Asia/Shanghai')::date, 1)"
	             " ON CONFLICT (day) DO UPDATE SET last = intent_numbers.last + 1"
	             " RETURNING 'PAY' || to_char(day, 'YYYYMMDD') || lpad(last::text, 6, '0')",
	             0, NULL, &r)) != ST_OK)
		return rv;
	char *no = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	char amount[24];
	snprintf(amount, sizeof amount, "%lld", (long long)q->amount_fen);
	size_t mlen = 2;
	for (size_t i = 0; i < q->n_methods; i++)
		mlen += strlen(q->methods[i]) + 1;
	char *methods = arena_alloc(ctx->arena, mlen), *p = methods;
	*p++ = '{';
	for (size_t i = 0; i < q->n_methods; i++) {
		size_t n = strlen(q->methods[i]);
		if (i)
			*p++ = ',';
		memcpy(p, q->methods[i], n);
		p += n;
	}
	*p++ = '}';
	*p = '\0';
	/* a reference code taken by another intent: draw again (ON CONFLICT leaves the
	 * transaction usable) */
	for (int attempt = 0; attempt < 8 && !c->id; attempt++) {
		char code[9];
		if ((rv = reference_code(code)) != ST_OK)
			return status_err(rv, NULL);
		const int B = 1;
		const char *v[] = {
		        no,
		        c->owner,
		        q->reference,
		        q->purpose,
		        amount,
		        methods,
		        q->payer_account_id && *q->payer_account_id ? q->payer_account_id : NULL,
		        q->payer_enterprise_id && *q->payer_enterprise_id ? q->payer_enterprise_id
		                                                          : NULL,
		        code,
		        q->invoice_title && *q->invoice_title ? q->invoice_title : NULL,
		        (const char *)c->tax,
		        c->tax ? c->tax_masked : NULL,
		        (const char *)c->email,
		        c->email ? c->email_masked : NULL};
		const int lens[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (int)c->ntax, 0, (int)c->nemail,
		                    0};
		const int fmts[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, B, 0, B, 0};
		if ((rv = change_query(
		             ctx,
		             "INSERT INTO intents (no, owner, reference, purpose, amount_fen, "
		             "methods,"
		             " payer_account_id, payer_enterprise_id, reference_code, "
		             "invoice_title,"
		             " invoice_tax_id_enc, invoice_tax_id_masked, invoice_email_enc,"
		             " invoice_email_masked) VALUES ($1, $2, $3, $4, $5::bigint, "
		             "$6::text[],"
		             " $7::uuid, $8::uuid, $9, $10, $11, $12, $13, $14)"
		             " ON CONFLICT DO NOTHING RETURNING id::text",
		             14, v, lens, fmts, &r)) != ST_OK)
			return rv;
		if (PQntuples(r) > 0)
			c->id = dbrow_text(ctx->arena, r, 0, 0);
		PQclear(r);
		if (!c->id && ((rv = existing(ctx, c, &found)) != ST_OK || found))
			return rv; /* the same reference committed meanwhile */
	}
	if (!c->id)
		return status_err(ST_CONFLICT, "reference_code");
	for (size_t i = 0; i < q->n_items; i++) {
		const Payments__IntentItem *it = q->items[i];
		char pos[24], qty[12], unit[24], amt[24], tax[12];
		snprintf(pos, sizeof pos, "%zu", i + 1);
		snprintf(qty, sizeof qty, "%d", it->quantity);
		snprintf(unit, sizeof unit, "%lld", (long long)it->unit_price_fen);
		snprintf(amt, sizeof amt, "%lld", (long long)it->amount_fen);
		snprintf(tax, sizeof tax, "%d", it->tax_rate_bp);
		const char *v[] = {c->id, pos, it->name, qty, unit, amt, tax};
		if ((rv = change_exec(ctx,
		                      "INSERT INTO intent_items (intent_id, pos, name, quantity,"
		                      " unit_price_fen, amount_fen, tax_rate_bp) VALUES ($1::uuid,"
		                      " $2::int, $3, $4::int, $5::bigint, $6::bigint, $7::int)",
		                      7, v, NULL)) != ST_OK)
			return rv;
	}
	return payments_intent_record(ctx, c->id, NULL,
	                              arena_printf(ctx->arena, "service:%s", c->owner),
	                              "payment_intent.created");
}

static int seal(svc_ctx *ctx, const char *plain, const char *aad, const unsigned char **out,
                size_t *n)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	if (!plain || !*plain)
		return ST_OK;
	if (crypto_seal(&PAYMENTS_APP(ctx)->pii, plain, strlen(plain), aad, &buf, &len) != 0)
		return status_err(ST_INTERNAL, NULL);
	unsigned char *a = arena_alloc(ctx->arena, len);
	memcpy(a, buf, len);
	free(buf);
	*out = a;
	*n = len;
	return ST_OK;
}

static int create_intent(svc_ctx *ctx, const Payments__CreateIntentRequest *q, const char *owner,
                         ProtobufCMessage **out)
{
	struct create c = {.q = q, .owner = owner};
	int rv = create_check(q);
	if (rv != ST_OK)
		return rv;
	if ((rv = seal(ctx, q->invoice_tax_id, PAYMENTS_AAD_TAX_ID, &c.tax, &c.ntax)) != ST_OK ||
	    (rv = seal(ctx, q->invoice_email, PAYMENTS_AAD_EMAIL, &c.email, &c.nemail)) != ST_OK)
		return rv;
	if (c.tax)
		validate_mask_middle(q->invoice_tax_id, 4, 4, c.tax_masked, sizeof c.tax_masked);
	if (c.email)
		validate_mask_email(q->invoice_email, c.email_masked, sizeof c.email_masked);
	if ((rv = change_run(ctx, create_tx, &c)) != ST_OK)
		return rv;
	Payments__Intent *o;
	if ((rv = payments_intent_load(ctx, c.id, 0, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

/* The owner: the service that signed the request; anyone else finds no such method. */
static int owner_of(svc_ctx *ctx, const char **owner)
{
	const char *s = caller_service(ctx);
	if (!s)
		return status_err(ST_ROUTE_NOT_FOUND, NULL);
	*owner = s;
	return ST_OK;
}

int payments_create_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const char *owner = NULL;
	int rv = owner_of(ctx, &owner);
	if (rv != ST_OK)
		return rv;
	return create_intent(ctx, (const Payments__CreateIntentRequest *)in, owner, out);
}

/* For the API tests before an owner exists: an intent of owner "dev", development only
 * (the route is GW_AUTH_DEV; this check keeps production's answer 404 whatever the route). */
int payments_dev_create_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Payments__DevCreateIntentRequest *q = (const Payments__DevCreateIntentRequest *)in;
	if (!PAYMENTS_APP(ctx)->development)
		return status_err(ST_NOT_FOUND, NULL);
	if (!q->intent)
		return status_err(ST_FIELD_REQUIRED, "intent");
	return create_intent(ctx, q->intent, "dev", out);
}

/* The owner's intent, or 404 for another owner's. */
static int owned(svc_ctx *ctx, const char *id, int finance, Payments__Intent **o)
{
	const char *owner = NULL;
	int rv = owner_of(ctx, &owner);
	if (rv != ST_OK || (rv = payments_intent_load(ctx, id, finance, o)) != ST_OK)
		return rv;
	return strcmp((*o)->owner, owner) == 0 ? ST_OK : status_err(ST_NOT_FOUND, "id");
}

int payments_get_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	Payments__Intent *o;
	int rv = owned(ctx, ((const Payments__IntentRef *)in)->id, 0, &o);
	if (rv == ST_OK)
		*out = &o->base;
	return rv;
}

struct close {
	const char *id, *actor;
};

static int close_tx(svc_ctx *ctx, void *arg)
{
	struct close *c = arg;
	PGresult *r = NULL;
	const char *v[] = {c->id};
	int rv = change_exec(ctx,
	                     "SELECT state, received_fen::text FROM intents WHERE id = $1::uuid"
	                     " FOR UPDATE",
	                     1, v, &r);
	if (rv != ST_OK)
		return rv;
	int open = strcmp(PQgetvalue(r, 0, 0), "open") == 0,
	    empty = strcmp(PQgetvalue(r, 0, 1), "0") == 0;
	PQclear(r);
	if (!open)
		return status_err(ST_PAY_NOT_OPEN, "state");
	if (!empty)
		return status_err(ST_PAY_HAS_RECEIPTS, "received_fen");
	if ((rv = change_guard(
	             ctx, ST_PAY_NOT_OPEN, "state",
	             "UPDATE intents SET state = 'closed', closed_at = now(), updated_at = now()"
	             " WHERE id = $1::uuid AND state = 'open' AND received_fen = 0",
	             1, v, NULL)) != ST_OK)
		return rv;
	return payments_intent_record(ctx, c->id, "closed", c->actor, "payment_intent.closed");
}

int payments_close_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	Payments__Intent *o;
	const char *id = ((const Payments__IntentRef *)in)->id;
	int rv = owned(ctx, id, 0, &o);
	if (rv != ST_OK)
		return rv;
	struct close c = {o->id, arena_printf(ctx->arena, "service:%s", o->owner)};
	if ((rv = change_run(ctx, close_tx, &c)) != ST_OK ||
	    (rv = payments_intent_load(ctx, o->id, 0, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

int payments_payer_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const char *id = ((const Payments__IntentRef *)in)->id;
	Payments__Intent *o;
	int rv = payments_payer_check(ctx, id);
	if (rv != ST_OK || (rv = payments_intent_load(ctx, id, 0, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

/* ---- money received ---------------------------------------------------------------- */

int payments_credit_tx(svc_ctx *ctx, const payments_credit *c, payments_credit_result *out)
{
	PGresult *r = NULL;
	int rv;
	memset(out, 0, sizeof *out);
	const char *cash = ledger_cash_account(c->method);
	if (!cash)
		return status_err(ST_PAY_METHOD, "method");
	if (!c->external_id || !*c->external_id || strlen(c->external_id) > 64)
		return status_err(ST_PAY_BANK_TXN, "external_id");
	if (c->amount_fen <= 0 || c->amount_fen > MAX_FEN)
		return status_err(ST_PAY_AMOUNT, "amount_fen");
	if (c->fee_fen < 0 || c->fee_fen > c->amount_fen)
		return status_err(ST_PAY_AMOUNT, "fee_fen");
	if (!validate_uuid(c->intent_id))
		return status_err(ST_NOT_FOUND, "intent_id");
	const char *v[] = {c->intent_id};
	/* the intent's row lock orders concurrent credits of one intent */
	if ((rv = change_exec(
	             ctx,
	             "SELECT state, amount_fen::text, applied_fen::text, owner FROM intents"
	             " WHERE id = $1::uuid FOR UPDATE",
	             1, v, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "intent_id");
	}
	char *state = dbrow_text(ctx->arena, r, 0, 0), *owner = dbrow_text(ctx->arena, r, 0, 3);
	int64_t amount = num(r, 0, 1), applied = num(r, 0, 2);
	PQclear(r);
	const char *dv[] = {c->method, c->external_id};
	if ((rv = change_exec(ctx,
	                      "SELECT id::text, (SELECT state FROM intents WHERE id = intent_id)"
	                      " FROM receipts WHERE method = $1 AND external_id = $2",
	                      2, dv, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) > 0) {
		out->already = 1;
		snprintf(out->receipt_id, sizeof out->receipt_id, "%s", PQgetvalue(r, 0, 0));
		snprintf(out->state, sizeof out->state, "%s", PQgetvalue(r, 0, 1));
		PQclear(r);
		return ST_OK;
	}
	PQclear(r);
	int open = strcmp(state, "open") == 0;
	int64_t take = open ? amount - applied : 0;
	if (take > c->amount_fen)
		take = c->amount_fen;
	int64_t surplus = c->amount_fen - take;
	char amt[24], fee[24], tk[24], sp[24];
	snprintf(amt, sizeof amt, "%lld", (long long)c->amount_fen);
	snprintf(fee, sizeof fee, "%lld", (long long)c->fee_fen);
	snprintf(tk, sizeof tk, "%lld", (long long)take);
	snprintf(sp, sizeof sp, "%lld", (long long)surplus);
	const char *rv_[] = {c->intent_id,
	                     c->method,
	                     c->external_id,
	                     amt,
	                     fee,
	                     tk,
	                     sp,
	                     c->received_on,
	                     c->actor ? c->actor : "system"};
	if ((rv = change_exec(ctx,
	                      "INSERT INTO receipts (intent_id, method, external_id, amount_fen,"
	                      " fee_fen, applied_fen, excess_fen, received_on, actor) VALUES"
	                      " ($1::uuid, $2, $3, $4::bigint, $5::bigint, $6::bigint, $7::bigint,"
	                      " COALESCE($8::date, (now() AT TIME ZONE 'Asia/Shanghai')::date), $9)"
	                      " RETURNING id::text",
	                      9, rv_, &r)) != ST_OK)
		return rv;
	snprintf(out->receipt_id, sizeof out->receipt_id, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	int paid = open && applied + take == amount;
	const char *uv[] = {c->intent_id, amt, tk, sp, c->method, paid ? "paid" : state};
	if ((rv = change_guard(ctx, ST_CONFLICT, "intent_id",
	                       "UPDATE intents SET received_fen = received_fen + $2::bigint,"
	                       " applied_fen = applied_fen + $3::bigint,"
	                       " excess_fen = excess_fen + $4::bigint,"
	                       " method = COALESCE(method, $5), state = $6,"
	                       " paid_at = CASE WHEN $6 = 'paid' AND paid_at IS NULL THEN now()"
	                       "   ELSE paid_at END, updated_at = now()"
	                       " WHERE id = $1::uuid RETURNING state",
	                       6, uv, &r)) != ST_OK)
		return rv;
	snprintf(out->state, sizeof out->state, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	/* Dr cash (net of the fee), Dr the fee; Cr the owner's revenue for what was due,
	 * Cr the excess held for the payer */
	ledger_line l[4];
	size_t n = 0;
	if (c->amount_fen - c->fee_fen > 0)
		l[n++] = (ledger_line){cash, c->amount_fen - c->fee_fen, 0};
	if (c->fee_fen > 0)
		l[n++] = (ledger_line){
		        arena_printf(ctx->arena, "expense:provider_fee:%s", c->method), c->fee_fen,
		        0};
	if (take > 0)
		l[n++] = (ledger_line){arena_printf(ctx->arena, "revenue:%s", owner), 0, take};
	if (surplus > 0)
		l[n++] = (ledger_line){
		        arena_printf(ctx->arena, "liability:excess:%s", c->intent_id), 0, surplus};
	if ((rv = ledger_post_tx(ctx, "payment.received", out->receipt_id, l, n)) != ST_OK)
		return rv;
	out->refund_due = surplus;
	const char *verb = paid ? "succeeded" : (open && take > 0 ? "partial" : NULL);
	return payments_intent_record(ctx, c->intent_id, verb, c->actor ? c->actor : "system",
	                              "payment.received");
}
