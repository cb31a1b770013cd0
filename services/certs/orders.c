/*
 * Certificate orders (订单), the payer's side: the price table (public), an order of
 * applications of one holder (the person's own, or the session's enterprise's), its
 * list, detail and cancellation. An order is written first (unpaid, one change_run),
 * then its intent is asked of payments outside the transaction (CreateIntent is
 * idempotent on the order id as reference): when payments does not answer, the order
 * stays unpaid without intent and the next GET or the tick asks again. What the payer
 * pays and how is payments' (transfer reference code, slips, online); what the order
 * becomes follows payments' events (orders_events.c). Outside the scope: 404.
 */
#include "orders.h"

#include "caller.h"
#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "log.h"
#include "payments.pb-c.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AAD_TAX_ID  "certs.cert_orders.invoice_tax_id"
#define AAD_EMAIL   "certs.cert_orders.invoice_email"
#define AAD_RNAME   "certs.cert_orders.recipient_name"
#define AAD_RPHONE  "certs.cert_orders.recipient_phone"
#define AAD_ADDRESS "certs.cert_orders.address"

#define ORDERS_MAX_APPLICATIONS 20

static const char order_cols[] =
        "o.id::text, o.no, o.profile, o.enterprise_id::text, o.created_by::text, o.state,"
        " o.payment_method, o.total_fen, o.received_fen, o.excess_fen, o.refunded_fen,"
        " o.invoice_title, o.invoice_tax_id_masked, o.invoice_email_masked,"
        " o.recipient_name_masked, o.recipient_phone_masked, o.address_masked,"
        " o.intent_id::text, " DBROW_CST("o.paid_at") ", " DBROW_CST("o.created_at") ", " DBROW_CST(
                "o.updated_at");

static int64_t cell_i64(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static Certs__Order *order_row(svc_ctx *ctx, const PGresult *r, int i)
{
	arena *a = ctx->arena;
	Certs__Order *o = arena_alloc(a, sizeof *o);
	certs__order__init(o);
	o->id = dbrow_text(a, r, i, 0);
	o->no = dbrow_text(a, r, i, 1);
	o->profile = dbrow_text(a, r, i, 2);
	o->enterprise_id = dbrow_text(a, r, i, 3);
	o->created_by = dbrow_text(a, r, i, 4);
	o->state = dbrow_text(a, r, i, 5);
	o->state_label = (char *)certs_orders_state_label(o->state);
	o->payment_method = dbrow_text(a, r, i, 6);
	o->has_total_fen = o->has_received_fen = o->has_due_fen = o->has_excess_fen =
	        o->has_refunded_fen = 1;
	o->total_fen = cell_i64(r, i, 7);
	o->received_fen = cell_i64(r, i, 8);
	o->excess_fen = cell_i64(r, i, 9);
	o->refunded_fen = cell_i64(r, i, 10);
	int open = strcmp(o->state, "unpaid") == 0 || strcmp(o->state, "partial") == 0;
	o->due_fen = open && o->total_fen > o->received_fen ? o->total_fen - o->received_fen : 0;
	o->invoice_title = dbrow_text(a, r, i, 11);
	o->invoice_tax_id_masked = dbrow_text(a, r, i, 12);
	o->invoice_email_masked = dbrow_text(a, r, i, 13);
	o->recipient_name_masked = dbrow_text(a, r, i, 14);
	o->recipient_phone_masked = dbrow_text(a, r, i, 15);
	o->mailing_address_masked = dbrow_text(a, r, i, 16);
	o->intent_id = dbrow_text(a, r, i, 17);
	o->paid_at = dbrow_text(a, r, i, 18);
	o->created_at = dbrow_text(a, r, i, 19);
	o->updated_at = dbrow_text(a, r, i, 20);
	return o;
}

static int order_lines(svc_ctx *ctx, Certs__Order *o)
{
	PGresult *r = NULL;
	const char *v[] = {o->id};
	int rv = db_exec(ctx->db,
	                 "SELECT l.application_id::text, a.no, l.description, l.item, l.amount_fen,"
	                 " l.tax_rate_bp FROM cert_order_lines l LEFT JOIN cert_applications a"
	                 " ON a.id = l.application_id WHERE l.order_id = $1::uuid ORDER BY l.line",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(r);
	o->lines = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *o->lines);
	for (int i = 0; i < n; i++) {
		Certs__OrderLine *l = arena_alloc(ctx->arena, sizeof *l);
		certs__order_line__init(l);
		l->application_id = dbrow_text(ctx->arena, r, i, 0);
		l->application_no = dbrow_text(ctx->arena, r, i, 1);
		l->description = dbrow_text(ctx->arena, r, i, 2);
		l->item = dbrow_text(ctx->arena, r, i, 3);
		l->has_amount_fen = l->has_tax_rate_bp = 1;
		l->amount_fen = cell_i64(r, i, 4);
		l->tax_rate_bp = (int32_t)cell_i64(r, i, 5);
		o->lines[o->n_lines++] = l;
	}
	PQclear(r);
	return ST_OK;
}

/* The scope's condition over $2 for table alias o. */
static const char *scope_sql(const applications_scope *s)
{
	return s->enterprise ? "o.enterprise_id = $2::uuid"
	                     : "o.created_by = $2::uuid AND o.enterprise_id IS NULL";
}

/* Order id within scope s (NULL: any) into *o, lines included. */
static int order_load(svc_ctx *ctx, const applications_scope *s, const char *id, Certs__Order **o)
{
	PGresult *r = NULL;
	if (!id || !validate_uuid(id))
		return status_err(ST_CERTORDER_NOT_FOUND, "id");
	const char *v[] = {id, s ? (s->enterprise ? s->eid : s->pid) : NULL};
	int rv = db_exec(ctx->db,
	                 arena_printf(ctx->arena,
	                              "SELECT %s FROM cert_orders o WHERE o.id = $1::uuid%s%s",
	                              order_cols, s ? " AND " : "", s ? scope_sql(s) : ""),
	                 s ? 2 : 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_CERTORDER_NOT_FOUND, "id");
	}
	*o = order_row(ctx, r, 0);
	PQclear(r);
	return order_lines(ctx, *o);
}

/* ---- prices ---------------------------------------------------------------------------- */

int certs_orders_prices(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	PGresult *r = NULL;
	int rv = db_exec(
	        ctx->db,
	        "SELECT kind, medium, years, service_fen, tax_rate_bp, hardware_fen,"
	        " hardware_tax_rate_bp FROM cert_prices"
	        " ORDER BY kind, array_position(ARRAY['usbkey','cloud','software'], medium),"
	        " years",
	        0, NULL, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	Certs__CertificatePriceList *l = arena_alloc(ctx->arena, sizeof *l);
	certs__certificate_price_list__init(l);
	int n = PQntuples(r);
	l->items = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *l->items);
	for (int i = 0; i < n; i++) {
		Certs__CertificatePrice *p = arena_alloc(ctx->arena, sizeof *p);
		certs__certificate_price__init(p);
		p->kind = dbrow_text(ctx->arena, r, i, 0);
		p->medium = dbrow_text(ctx->arena, r, i, 1);
		p->has_years = p->has_service_fen = p->has_tax_rate_bp = p->has_hardware_fen =
		        p->has_hardware_tax_rate_bp = p->has_total_fen = 1;
		p->years = (int32_t)cell_i64(r, i, 2);
		p->service_fen = cell_i64(r, i, 3);
		p->tax_rate_bp = (int32_t)cell_i64(r, i, 4);
		p->hardware_fen = cell_i64(r, i, 5);
		p->hardware_tax_rate_bp = (int32_t)cell_i64(r, i, 6);
		p->total_fen = p->service_fen + p->hardware_fen;
		l->items[l->n_items++] = p;
	}
	PQclear(r);
	l->has_total = 1;
	l->total = n;
	*out = &l->base;
	return ST_OK;
}

/* ---- the intent ------------------------------------------------------------------------ */

static int payments_call(svc_ctx *ctx, const char *method, const ProtobufCMessage *q,
                         Payments__Intent **out)
{
	ProtobufCMessage *o = NULL;
	int rv = bus_call(CERTS_APP(ctx)->payments, method, ctx->caller,
	                  bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                  q, &payments__intent__descriptor, ctx->arena, &o);
	if (rv != ST_OK)
		return rv;
	*out = (Payments__Intent *)o;
	return ST_OK;
}

struct intent_store {
	const char *id, *intent_id;
	int stored;
};

static int intent_store_tx(svc_ctx *ctx, void *arg)
{
	struct intent_store *s = arg;
	PGresult *r = NULL;
	const char *v[] = {s->id, s->intent_id};
	int rv = change_exec(ctx,
	                     "UPDATE cert_orders SET intent_id = $2::uuid, updated_at = now()"
	                     " WHERE id = $1::uuid AND intent_id IS NULL AND state = 'unpaid'",
	                     2, v, &r);
	if (rv != ST_OK)
		return rv;
	s->stored = change_rows(r) == 1;
	PQclear(r);
	if (!s->stored)
		return ST_OK;
	return change_record(
	        ctx, "system:certs", arena_printf(ctx->arena, "certificate_order/%s", s->id),
	        "order.intent_created", json_pack("{s:s}", "intent_id", s->intent_id), NULL);
}

int orders_intent_ensure(svc_ctx *ctx, const char *id)
{
	struct certs_app *app = CERTS_APP(ctx);
	PGresult *r = NULL;
	char *tax = NULL, *email = NULL;
	const char *v[] = {id};
	int rv = db_exec(ctx->db,
	                 "SELECT o.no, o.enterprise_id::text, o.created_by::text, o.payment_method,"
	                 " o.total_fen, o.invoice_title, o.invoice_tax_id_enc, o.invoice_email_enc"
	                 " FROM cert_orders o WHERE o.id = $1::uuid AND o.intent_id IS NULL"
	                 " AND o.state = 'unpaid'",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return ST_OK; /* it has one, or needs none any more */
	}
	if ((rv = dbrow_open(ctx, &app->pii, r, 0, 6, AAD_TAX_ID, &tax)) != ST_OK ||
	    (rv = dbrow_open(ctx, &app->pii, r, 0, 7, AAD_EMAIL, &email)) != ST_OK) {
		PQclear(r);
		return rv;
	}
	Payments__CreateIntentRequest q = PAYMENTS__CREATE_INTENT_REQUEST__INIT;
	const char *no = dbrow_text(ctx->arena, r, 0, 0);
	q.reference = (char *)id;
	q.purpose = arena_printf(ctx->arena, "数字证书订单 %s", no);
	q.has_amount_fen = 1;
	q.amount_fen = cell_i64(r, 0, 4);
	if (!PQgetisnull(r, 0, 1))
		q.payer_enterprise_id = dbrow_text(ctx->arena, r, 0, 1);
	else
		q.payer_account_id = dbrow_text(ctx->arena, r, 0, 2);
	size_t nm = 0;
	const char *const *m = certs_orders_methods(PQgetvalue(r, 0, 3), &nm);
	q.methods = (char **)m;
	q.n_methods = nm;
	q.invoice_title = dbrow_text(ctx->arena, r, 0, 5);
	q.invoice_tax_id = tax;
	q.invoice_email = email;
	PQclear(r);
	Certs__Order lo = CERTS__ORDER__INIT;
	lo.id = (char *)id;
	if ((rv = order_lines(ctx, &lo)) != ST_OK)
		return rv;
	q.items = arena_alloc(ctx->arena, (lo.n_lines ? lo.n_lines : 1) * sizeof *q.items);
	for (size_t i = 0; i < lo.n_lines; i++) {
		Payments__IntentItem *it = arena_alloc(ctx->arena, sizeof *it);
		payments__intent_item__init(it);
		it->name = lo.lines[i]->application_no
		                   ? arena_printf(ctx->arena, "%s（%s）", lo.lines[i]->description,
		                                  lo.lines[i]->application_no)
		                   : lo.lines[i]->description;
		it->has_quantity = it->has_unit_price_fen = it->has_amount_fen =
		        it->has_tax_rate_bp = 1;
		it->quantity = 1;
		it->unit_price_fen = it->amount_fen = lo.lines[i]->amount_fen;
		it->tax_rate_bp = lo.lines[i]->tax_rate_bp;
		q.items[q.n_items++] = it;
	}
	Payments__Intent *in = NULL;
	if ((rv = payments_call(ctx, "CreateIntent", &q.base, &in)) != ST_OK) {
		log_kv(LOGL_WARN, ctx->request_id,
		       "order without intent: payments did not create it", "order", id, "error",
		       status_code_name(rv), NULL);
		return rv;
	}
	struct intent_store s = {.id = id, .intent_id = in->id};
	if (!in->id || (rv = change_run(ctx, intent_store_tx, &s)) != ST_OK)
		return in->id ? rv : status_err(ST_INTERNAL, NULL);
	if (!s.stored) {
		/* Cancelled while payments answered: the intent it made is not wanted. */
		Payments__IntentRef ref = PAYMENTS__INTENT_REF__INIT;
		ref.id = in->id;
		Payments__Intent *closed = NULL;
		if (payments_call(ctx, "CloseIntent", &ref.base, &closed) != ST_OK)
			status_clear();
	}
	return ST_OK;
}

/* The intent's payment information into o->payment; nothing when payments does not answer
 * (the order is shown without it). */
static void order_payment(svc_ctx *ctx, Certs__Order *o)
{
	if (!o->intent_id)
		return;
	Payments__IntentRef ref = PAYMENTS__INTENT_REF__INIT;
	ref.id = o->intent_id;
	Payments__Intent *in = NULL;
	if (payments_call(ctx, "GetIntent", &ref.base, &in) != ST_OK) {
		status_clear();
		return;
	}
	Certs__OrderPayment *p = arena_alloc(ctx->arena, sizeof *p);
	certs__order_payment__init(p);
	p->intent_id = in->id;
	p->intent_no = in->no;
	p->state = in->state;
	p->state_label = in->state_label;
	p->methods = in->methods;
	p->n_methods = in->n_methods;
	p->method = in->method;
	p->has_amount_fen = p->has_received_fen = p->has_due_fen = p->has_excess_fen =
	        p->has_refunded_fen = 1;
	p->amount_fen = in->amount_fen;
	p->received_fen = in->received_fen;
	p->due_fen = in->due_fen;
	p->excess_fen = in->excess_fen;
	p->refunded_fen = in->refunded_fen;
	if (in->transfer) {
		p->account_name = in->transfer->account_name;
		p->bank_name = in->transfer->bank_name;
		p->account_no = in->transfer->account_no;
		p->reference_code = in->transfer->reference_code;
	}
	o->payment = p;
}

/* ---- create ---------------------------------------------------------------------------- */

enum { Z_TAX, Z_EMAIL, Z_RNAME, Z_RPHONE, Z_ADDRESS, Z_N };

struct create {
	const applications_scope *s;
	const Certs__OrderForm *q;
	const char *ids; /* {id,…} */
	unsigned char *buf[Z_N];
	size_t len[Z_N];
	char masked[Z_N][256];
	const char *id;
};

static int form_check(const Certs__OrderForm *q)
{
	int rv;
	if (q->n_application_ids < 1 || q->n_application_ids > ORDERS_MAX_APPLICATIONS)
		return status_err(ST_CERTORDER_EMPTY, "application_ids");
	for (size_t i = 0; i < q->n_application_ids; i++) {
		if (!validate_uuid(q->application_ids[i]))
			return status_err(ST_CERTAPP_NOT_FOUND, "application_ids");
		for (size_t k = 0; k < i; k++)
			if (strcmp(q->application_ids[i], q->application_ids[k]) == 0)
				return status_err(ST_CERTORDER_EMPTY, "application_ids");
	}
	size_t nm;
	if (!certs_orders_methods(q->payment_method, &nm))
		return status_err(ST_CERTORDER_METHOD, "payment_method");
	if (!q->invoice_title || !*q->invoice_title || validate_text(q->invoice_title, 100) != 0)
		return status_err(ST_CERTORDER_INVOICE_TITLE, "invoice_title");
	if (!certs_orders_tax_id_valid(q->invoice_tax_id))
		return status_err(ST_CERTORDER_TAX_ID, "invoice_tax_id");
	if (!q->invoice_email || validate_email(q->invoice_email) != 0)
		return status_err(ST_CERTORDER_EMAIL, "invoice_email");
	if (q->recipient_name && *q->recipient_name &&
	    (rv = validate_person_name(q->recipient_name)) != 0)
		return status_err(rv, "recipient_name");
	if (q->recipient_phone && *q->recipient_phone &&
	    (rv = validate_mobile(q->recipient_phone)) != 0)
		return status_err(rv, "recipient_phone");
	if (q->mailing_address && (rv = validate_text(q->mailing_address, 200)) != 0)
		return status_err(rv, "mailing_address");
	return ST_OK;
}

static int seal_all(svc_ctx *ctx, struct create *c, int mailing)
{
	const Certs__OrderForm *q = c->q;
	const char *plain[Z_N] = {
	        q->invoice_tax_id, q->invoice_email, mailing ? q->recipient_name : NULL,
	        mailing ? q->recipient_phone : NULL, mailing ? q->mailing_address : NULL};
	const char *aad[Z_N] = {AAD_TAX_ID, AAD_EMAIL, AAD_RNAME, AAD_RPHONE, AAD_ADDRESS};
	for (int i = 0; i < Z_N; i++)
		if (plain[i] && *plain[i] &&
		    crypto_seal(&CERTS_APP(ctx)->pii, plain[i], strlen(plain[i]), aad[i],
		                &c->buf[i], &c->len[i]) != 0)
			return status_err(ST_INTERNAL, NULL);
	validate_mask_middle(q->invoice_tax_id, 4, 4, c->masked[Z_TAX], sizeof c->masked[0]);
	validate_mask_email(q->invoice_email, c->masked[Z_EMAIL], sizeof c->masked[0]);
	if (mailing) {
		validate_mask_middle(q->recipient_name, 1, 0, c->masked[Z_RNAME],
		                     sizeof c->masked[0]);
		validate_mask_mobile(q->recipient_phone, c->masked[Z_RPHONE]);
		validate_mask_middle(q->mailing_address, 6, 0, c->masked[Z_ADDRESS],
		                     sizeof c->masked[0]);
	}
	return ST_OK;
}

static int order_record(svc_ctx *ctx, const char *actor, const Certs__Order *o, const char *action,
                        json_t *detail)
{
	Certs__OrderEvent e = CERTS__ORDER_EVENT__INIT;
	e.order_id = o->id;
	e.no = o->no;
	e.state = o->state;
	e.created_by = o->created_by;
	e.enterprise_id = o->enterprise_id;
	e.has_total_fen = e.has_received_fen = e.has_due_fen = e.has_excess_fen =
	        e.has_refunded_fen = 1;
	e.total_fen = o->total_fen;
	e.received_fen = o->received_fen;
	e.due_fen = o->due_fen;
	e.excess_fen = o->excess_fen;
	e.refunded_fen = o->refunded_fen;
	change_event ev = {arena_printf(ctx->arena, "certs.order.%s", o->state), NULL, &e.base};
	return change_record(ctx, actor, arena_printf(ctx->arena, "certificate_order/%s", o->id),
	                     action, detail, &ev);
}

/* The order's row (after a change) reloaded into *o inside the transaction. */
static int order_reload(svc_ctx *ctx, const char *id, Certs__Order **o)
{
	return order_load(ctx, NULL, id, o);
}

static int create_tx(svc_ctx *ctx, void *arg)
{
	struct create *c = arg;
	const Certs__OrderForm *q = c->q;
	const applications_scope *s = c->s;
	PGresult *r = NULL;
	const char *v[] = {c->ids, s->enterprise ? s->eid : s->pid};
	int rv = change_exec(
	        ctx,
	        arena_printf(ctx->arena,
	                     "SELECT a.id::text, a.state, a.kind, a.profile, a.medium,"
	                     " a.validity_years, p.service_fen, p.tax_rate_bp, p.hardware_fen,"
	                     " p.hardware_tax_rate_bp, EXISTS (SELECT 1 FROM cert_order_lines l"
	                     " WHERE l.application_id = a.id AND l.open)"
	                     " FROM cert_applications a LEFT JOIN cert_prices p ON p.kind = a.kind"
	                     " AND p.medium = a.medium AND p.years = a.validity_years"
	                     " WHERE a.id = ANY($1::uuid[]) AND %s ORDER BY a.created_at, a.id"
	                     " FOR UPDATE OF a",
	                     applications_scope_sql(s)),
	        2, v, &r);
	if (rv != ST_OK)
		return rv;
	int n = PQntuples(r), has_new = 0, all_cloud = 1;
	int64_t total = 0;
	if ((size_t)n != q->n_application_ids) {
		rv = status_err(ST_CERTAPP_NOT_FOUND, "application_ids");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const char *st = PQgetvalue(r, i, 1);
		if (strcmp(st, "pending") != 0 && strcmp(st, "accepted") != 0) {
			rv = status_err(ST_CERTORDER_APP_STATE, "application_ids");
			goto out;
		}
		if (PQgetvalue(r, i, 10)[0] == 't') {
			rv = status_err(ST_CERTORDER_APP_TAKEN, "application_ids");
			goto out;
		}
		if (PQgetisnull(r, i, 6)) {
			rv = status_err(ST_CERTORDER_PRICE, "application_ids");
			goto out;
		}
		has_new |= strcmp(PQgetvalue(r, i, 2), "new") == 0;
		all_cloud &= strcmp(PQgetvalue(r, i, 4), "cloud") == 0;
		total += cell_i64(r, i, 6) + cell_i64(r, i, 8);
	}
	if ((rv = certs_orders_method_allowed(q->payment_method, has_new)) != ST_OK) {
		rv = status_err(rv, "payment_method");
		goto out;
	}
	if (!all_cloud) {
		const char *need[][2] = {{q->recipient_name, "recipient_name"},
		                         {q->recipient_phone, "recipient_phone"},
		                         {q->mailing_address, "mailing_address"}};
		for (int k = 0; k < 3; k++)
			if (!need[k][0] || !*need[k][0]) {
				rv = status_err(ST_CERTORDER_MAILING, need[k][1]);
				goto out;
			}
	}
	if ((rv = seal_all(ctx, c, !all_cloud)) != ST_OK)
		goto out;
	PGresult *nr = NULL;
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO cert_order_numbers AS n (day, last)"
	             " VALUES ((now() AT TIME ZONE 'Asia/Shanghai')::date, 1)"
	             " ON CONFLICT (day) DO UPDATE SET last = n.last + 1"
	             " WHERE n.last < 999999"
	             " RETURNING 'CO' || to_char(day, 'YYYYMMDD') || lpad(last::text, 6, '0')",
	             0, NULL, &nr)) != ST_OK)
		goto out;
	if (PQntuples(nr) != 1) {
		PQclear(nr);
		rv = status_err(ST_CERTORDER_DAILY_FULL, NULL);
		goto out;
	}
	const char *no = dbrow_text(ctx->arena, nr, 0, 0);
	PQclear(nr);
	char tot[24];
	snprintf(tot, sizeof tot, "%lld", (long long)total);
	const char *vo[] = {no,
	                    s->enterprise ? "enterprise" : "personal",
	                    s->eid,
	                    s->pid,
	                    q->payment_method,
	                    tot,
	                    q->invoice_title,
	                    (const char *)c->buf[Z_TAX],
	                    c->masked[Z_TAX],
	                    (const char *)c->buf[Z_EMAIL],
	                    c->masked[Z_EMAIL],
	                    (const char *)c->buf[Z_RNAME],
	                    c->buf[Z_RNAME] ? c->masked[Z_RNAME] : NULL,
	                    (const char *)c->buf[Z_RPHONE],
	                    c->buf[Z_RPHONE] ? c->masked[Z_RPHONE] : NULL,
	                    (const char *)c->buf[Z_ADDRESS],
	                    c->buf[Z_ADDRESS] ? c->masked[Z_ADDRESS] : NULL};
	int lens[17] = {0}, fmts[17] = {0};
	const int bin[] = {7, 9, 11, 13, 15};
	for (int k = 0; k < Z_N; k++) {
		lens[bin[k]] = (int)c->len[k];
		fmts[bin[k]] = 1;
	}
	PGresult *ir = NULL;
	if ((rv = change_query(
	             ctx,
	             "INSERT INTO cert_orders (no, profile, enterprise_id, created_by,"
	             " payment_method, total_fen, invoice_title, invoice_tax_id_enc,"
	             " invoice_tax_id_masked, invoice_email_enc, invoice_email_masked,"
	             " recipient_name_enc, recipient_name_masked, recipient_phone_enc,"
	             " recipient_phone_masked, address_enc, address_masked)"
	             " VALUES ($1, $2, $3::uuid, $4::uuid, $5, $6::bigint, $7, $8, $9, $10,"
	             " $11, $12, $13, $14, $15, $16, $17) RETURNING id::text",
	             17, vo, lens, fmts, &ir)) != ST_OK)
		goto out;
	c->id = dbrow_text(ctx->arena, ir, 0, 0);
	PQclear(ir);
	int line = 0;
	for (int i = 0; i < n && rv == ST_OK; i++) {
		for (int hw = 0; hw < 2 && rv == ST_OK; hw++) {
			int64_t amount = cell_i64(r, i, hw ? 8 : 6);
			if (amount <= 0)
				continue;
			char text[96], ln[12], am[24];
			certs_orders_line_text(hw ? "hardware" : "service", PQgetvalue(r, i, 2),
			                       PQgetvalue(r, i, 3), PQgetvalue(r, i, 4),
			                       (int)cell_i64(r, i, 5), text, sizeof text);
			snprintf(ln, sizeof ln, "%d", ++line);
			snprintf(am, sizeof am, "%lld", (long long)amount);
			const char *vl[] = {
			        c->id, ln, PQgetvalue(r, i, 0),         hw ? "hardware" : "service",
			        text,  am, PQgetvalue(r, i, hw ? 9 : 7)};
			rv = change_unique(
			        ctx, ST_CERTORDER_APP_TAKEN, "application_ids",
			        "INSERT INTO cert_order_lines (order_id, line, application_id,"
			        " item, description, amount_fen, tax_rate_bp) VALUES ($1::uuid,"
			        " $2::int, $3::uuid, $4, $5, $6::bigint, $7::int)",
			        7, vl, NULL, NULL, NULL);
		}
	}
	if (rv != ST_OK)
		goto out;
	Certs__Order *o = NULL;
	if ((rv = order_reload(ctx, c->id, &o)) != ST_OK)
		goto out;
	rv = order_record(ctx, s->actor, o, "order.created",
	                  json_pack("{s:s,s:s,s:I,s:i}", "no", no, "payment_method",
	                            q->payment_method, "total_fen", (json_int_t)total,
	                            "applications", n));
out:
	PQclear(r);
	return rv;
}

static int create(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__OrderForm *q = (const Certs__OrderForm *)in;
	applications_scope s;
	struct create c = {.q = q};
	Certs__Order *o = NULL;
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK)
		return rv;
	if ((rv = form_check(q)) != ST_OK)
		return rv;
	c.s = &s;
	size_t need = 3;
	for (size_t i = 0; i < q->n_application_ids; i++)
		need += strlen(q->application_ids[i]) + 1;
	char *ids = arena_alloc(ctx->arena, need), *p = ids;
	*p++ = '{';
	for (size_t i = 0; i < q->n_application_ids; i++) {
		size_t l = strlen(q->application_ids[i]);
		if (i)
			*p++ = ',';
		memcpy(p, q->application_ids[i], l);
		p += l;
	}
	*p++ = '}';
	*p = '\0';
	c.ids = ids;
	rv = change_run(ctx, create_tx, &c);
	for (int i = 0; i < Z_N; i++)
		free(c.buf[i]);
	if (rv != ST_OK)
		return rv;
	/* The order stands whether payments answers now or later (GET, tick). */
	if (orders_intent_ensure(ctx, c.id) != ST_OK)
		status_clear();
	if ((rv = order_load(ctx, &s, c.id, &o)) != ST_OK)
		return rv;
	order_payment(ctx, o);
	*out = &o->base;
	return ST_CREATED;
}

/* ---- list, detail, cancel ------------------------------------------------------------- */

static int get(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__OrderRef *q = (const Certs__OrderRef *)in;
	applications_scope s;
	Certs__Order *o = NULL;
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK || (rv = order_load(ctx, &s, q->id, &o)) != ST_OK)
		return rv;
	if (!o->intent_id && strcmp(o->state, "unpaid") == 0) {
		if (orders_intent_ensure(ctx, o->id) != ST_OK)
			status_clear();
		else if ((rv = order_load(ctx, &s, q->id, &o)) != ST_OK)
			return rv;
	}
	order_payment(ctx, o);
	*out = &o->base;
	return ST_OK;
}

static ProtobufCMessage *list_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &order_row(ctx, r, row)->base;
}

static int list(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ListOrdersRequest *q = (const Certs__ListOrdersRequest *)in;
	applications_scope s;
	dblist_page pg;
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK)
		return rv;
	if ((rv = dblist_page_init(q->has_page, q->page, q->has_page_size, q->page_size, &pg)) !=
	    ST_OK)
		return rv;
	const char *v[] = {q->state && *q->state ? q->state : NULL, s.enterprise ? s.eid : s.pid,
	                   pg.limit, pg.offset};
	const char *where = arena_printf(
	        ctx->arena, "WHERE ($1::text IS NULL OR o.state = $1) AND %s", scope_sql(&s));
	return dblist_query(
	        ctx, &certs__order_list__descriptor, &pg,
	        arena_printf(ctx->arena, "SELECT count(*) FROM cert_orders o %s", where), 2,
	        arena_printf(ctx->arena,
	                     "SELECT %s FROM cert_orders o %s ORDER BY o.created_at DESC, o.id"
	                     " LIMIT $3::int OFFSET $4::bigint",
	                     order_cols, where),
	        4, v, list_row, NULL, out);
}

struct cancel {
	const char *id, *actor;
	Certs__Order *o;
};

static int cancel_tx(svc_ctx *ctx, void *arg)
{
	struct cancel *c = arg;
	PGresult *r = NULL;
	const char *v[] = {c->id};
	int rv = change_exec(ctx,
	                     "UPDATE cert_orders SET state = 'cancelled', updated_at = now()"
	                     " WHERE id = $1::uuid AND state = 'unpaid'",
	                     1, v, &r);
	if (rv != ST_OK)
		return rv;
	long moved = change_rows(r);
	PQclear(r);
	if ((rv = order_reload(ctx, c->id, &c->o)) != ST_OK)
		return rv;
	if (!moved)
		/* payments' closed event, applied since the intent was closed, cancelled it
		 * already (and recorded it): the same outcome; anything else lost the race. */
		return strcmp(c->o->state, "cancelled") == 0
		               ? ST_OK
		               : status_err(ST_CERTORDER_STATE, "state");
	if ((rv = change_exec(ctx,
	                      "UPDATE cert_order_lines SET open = false WHERE order_id = $1::uuid",
	                      1, v, NULL)) != ST_OK)
		return rv;
	return order_record(ctx, c->actor, c->o, "order.cancelled", NULL);
}

static int cancel(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__OrderRef *q = (const Certs__OrderRef *)in;
	applications_scope s;
	Certs__Order *o = NULL;
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK || (rv = order_load(ctx, &s, q->id, &o)) != ST_OK)
		return rv;
	if (strcmp(o->state, "unpaid") != 0)
		return status_err(ST_CERTORDER_STATE, "state");
	if (o->intent_id) {
		/* Closed first: once closed nothing more can be paid into it; payments refuses
		 * (409) when money has arrived meanwhile, and then the order stands. */
		Payments__IntentRef ref = PAYMENTS__INTENT_REF__INIT;
		ref.id = o->intent_id;
		Payments__Intent *in2 = NULL;
		if ((rv = payments_call(ctx, "CloseIntent", &ref.base, &in2)) != ST_OK)
			return rv == ST_CONFLICT || status_http(rv) == 409
			               ? status_err(ST_CERTORDER_STATE, "state")
			               : rv;
	}
	struct cancel c = {.id = o->id, .actor = s.actor};
	if ((rv = change_run(ctx, cancel_tx, &c)) != ST_OK)
		return rv;
	*out = &c.o->base;
	return ST_OK;
}

/* ---- the tick ------------------------------------------------------------------------ */

int certs_orders_tick(svc_ctx *ctx)
{
	PGresult *r = NULL;
	if (db_exec(ctx->db,
	            "SELECT id::text FROM cert_orders WHERE intent_id IS NULL AND state = 'unpaid'"
	            " AND created_at < now() - interval '10 seconds' ORDER BY created_at LIMIT 20",
	            0, NULL, &r) != ST_OK)
		return 30000;
	int n = PQntuples(r);
	for (int i = 0; i < n; i++)
		if (orders_intent_ensure(ctx, PQgetvalue(r, i, 0)) != ST_OK)
			status_clear();
	PQclear(r);
	return 30000;
}

/* ---- the handlers ---------------------------------------------------------------------- */

#define ORDERS_BOTH(fn)                                                                            \
	int certs_order_my_##fn(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)  \
	{                                                                                          \
		return fn(ctx, 0, in, out);                                                        \
	}                                                                                          \
	int certs_order_ent_##fn(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out) \
	{                                                                                          \
		return fn(ctx, 1, in, out);                                                        \
	}
ORDERS_BOTH(create)
ORDERS_BOTH(list)
ORDERS_BOTH(get)
ORDERS_BOTH(cancel)
