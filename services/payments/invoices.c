/*
 * E-invoices (数电票 fields): issuing (the tick), lists, the PDF download and the e-mail's
 * content for notify. Decisions (README.md "Invoices"):
 * - A blue invoice is issued for every intent that became paid and carries an invoice
 *   title (the payer asked for one); its items are the intent's (tax-inclusive), the
 *   total its amount_fen. Excess (over-payment) is never invoiced.
 * - A red invoice follows each refund of invoiced money: the refund less the part of it
 *   that came from the excess (refunds.excess_fen). Its lines spread that amount over the
 *   blue items cumulatively (invoice_calc_red_split); a line reversing a whole item keeps
 *   its quantity (negated) and unit price, a partial one only the amount.
 * - Issued by the tick on any replica, each in one transaction with its audit entry and
 *   event; a second issue loses on the unique index (blue) or refund_id (red) and
 *   records nothing.
 */
#include "invoices.h"

#include "capitals.h"
#include "caller.h"
#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "invoice_calc.h"
#include "log.h"
#include "payments.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INVOICE_BATCH     16
#define INVOICE_MAX_ITEMS 64

static const payments_invoices_cfg *cfg;

int payments_invoices_setup(const payments_invoices_cfg *c)
{
	char no[32];
	if (invoice_calc_no(0, c->region, 1, no, sizeof no) != 0) {
		log_kv(LOGL_ERROR, NULL, "INVOICE_REGION must be 2 digits", NULL);
		return ST_INTERNAL;
	}
	if (!c->seller_name || !*c->seller_name || !c->seller_tax_id || !*c->seller_tax_id) {
		log_kv(LOGL_ERROR, NULL,
		       "INVOICE_SELLER_NAME and INVOICE_SELLER_TAX_ID are required", NULL);
		return ST_INTERNAL;
	}
	cfg = c;
	return ST_OK;
}

/* ---- loading ------------------------------------------------------------------------ */

#define INVOICE_COLS                                                                               \
	"v.id::text, v.no, v.kind, v.intent_id::text, t.no, v.blue_id::text, b.no,"                \
	" to_char(v.issued_on, 'YYYY-MM-DD'), v.seller_name, v.seller_tax_id, v.buyer_name,"       \
	" v.buyer_tax_id_masked, v.total_fen, v.tax_fen, v.total_capitals, " DBROW_CST(            \
	        "v.created_at") ", t.invoice_email_masked"
#define INVOICE_FROM                                                                               \
	" FROM invoices v JOIN intents t ON t.id = v.intent_id"                                    \
	" LEFT JOIN invoices b ON b.id = v.blue_id"

static int64_t cell_i64(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static Payments__Invoice *invoice_from_row(svc_ctx *ctx, const PGresult *r, int row)
{
	arena *a = ctx->arena;
	Payments__Invoice *v = arena_alloc(a, sizeof *v);
	payments__invoice__init(v);
	v->id = dbrow_text(a, r, row, 0);
	v->no = dbrow_text(a, r, row, 1);
	v->kind = dbrow_text(a, r, row, 2);
	v->kind_label = strcmp(v->kind, "red") == 0 ? "红字发票" : "蓝字发票";
	v->intent_id = dbrow_text(a, r, row, 3);
	v->intent_no = dbrow_text(a, r, row, 4);
	v->blue_id = dbrow_text(a, r, row, 5);
	v->blue_no = dbrow_text(a, r, row, 6);
	v->issued_on = dbrow_text(a, r, row, 7);
	v->seller_name = dbrow_text(a, r, row, 8);
	v->seller_tax_id = dbrow_text(a, r, row, 9);
	v->buyer_name = dbrow_text(a, r, row, 10);
	v->buyer_tax_id_masked = dbrow_text(a, r, row, 11);
	v->has_total_fen = v->has_tax_fen = v->has_amount_fen = 1;
	v->total_fen = cell_i64(r, row, 12);
	v->tax_fen = cell_i64(r, row, 13);
	v->amount_fen = v->total_fen - v->tax_fen;
	v->total_capitals = dbrow_text(a, r, row, 14);
	v->created_at = dbrow_text(a, r, row, 15);
	v->email_masked = dbrow_text(a, r, row, 16);
	return v;
}

/* Fills the items of invoices vs[0..n-1]. */
static int invoice_items_attach(svc_ctx *ctx, Payments__Invoice **vs, size_t n)
{
	PGresult *r = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *v[] = {vs[i]->id};
		int rv = db_exec(
		        ctx->db,
		        "SELECT name, quantity, unit_price_fen, amount_fen, tax_rate_bp,"
		        " tax_fen FROM invoice_items WHERE invoice_id = $1::uuid ORDER BY pos",
		        1, v, &r);
		if (rv != ST_OK)
			return status_err(rv, NULL);
		int m = PQntuples(r);
		vs[i]->items = arena_alloc(ctx->arena, (size_t)(m ? m : 1) * sizeof *vs[i]->items);
		for (int j = 0; j < m; j++) {
			Payments__InvoiceItem *it = arena_alloc(ctx->arena, sizeof *it);
			payments__invoice_item__init(it);
			it->name = dbrow_text(ctx->arena, r, j, 0);
			it->has_quantity = 1;
			it->quantity = (int32_t)cell_i64(r, j, 1);
			it->has_unit_price_fen = !PQgetisnull(r, j, 2);
			it->unit_price_fen = cell_i64(r, j, 2);
			it->has_amount_fen = it->has_tax_rate_bp = it->has_tax_fen = 1;
			it->amount_fen = cell_i64(r, j, 3);
			it->tax_rate_bp = (int32_t)cell_i64(r, j, 4);
			it->tax_fen = cell_i64(r, j, 5);
			vs[i]->items[vs[i]->n_items++] = it;
		}
		PQclear(r);
	}
	return ST_OK;
}

/* The invoice id with its items: ST_OK, ST_NOT_FOUND (field id), ST_DB. */
static int invoice_load(svc_ctx *ctx, const char *id, Payments__Invoice **out)
{
	PGresult *r = NULL;
	if (!id || !validate_uuid(id))
		return status_err(ST_NOT_FOUND, "id");
	const char *v[] = {id};
	int rv = db_exec(ctx->db, "SELECT " INVOICE_COLS INVOICE_FROM " WHERE v.id = $1::uuid", 1,
	                 v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "id");
	}
	Payments__Invoice *inv = invoice_from_row(ctx, r, 0);
	PQclear(r);
	if ((rv = invoice_items_attach(ctx, &inv, 1)) != ST_OK)
		return rv;
	*out = inv;
	return ST_OK;
}

/* ---- issuing ------------------------------------------------------------------------ */

struct invoice_line {
	const char *name;
	int32_t quantity;
	int has_price;
	int64_t unit_price_fen, amount_fen, tax_fen;
	int32_t rate_bp;
};

struct issue {
	const char *intent_id;
	const char *refund_id; /* red: the refund; NULL for blue */
	const char *title, *tax_masked;
	int issued; /* 1 when this call wrote the invoice */
};

/* Inserts the invoice row, its lines, the audit entry and the event; the row's id in *id.
 * ST_OK with *id NULL when another issue of the same invoice committed first. */
static int invoice_insert(svc_ctx *ctx, const struct issue *is, const char *kind,
                          const char *blue_id, const char *owner, const char *reference,
                          const struct invoice_line *l, size_t n, const char **id)
{
	PGresult *r = NULL;
	int64_t total = 0, tax = 0;
	char capitals[CAPITALS_MAX], total_s[24], tax_s[24], no[32];
	*id = NULL;
	for (size_t i = 0; i < n; i++) {
		total += l[i].amount_fen;
		tax += l[i].tax_fen;
	}
	if (capitals_fen(total, capitals, sizeof capitals) != 0)
		return status_err(ST_INTERNAL, NULL);
	/* The serial and the year of the issue date (China Standard Time). */
	int rv = change_exec(ctx,
	                     "SELECT nextval('invoice_serial'), to_char(now() AT TIME ZONE"
	                     " 'Asia/Shanghai', 'YY')::int",
	                     0, NULL, &r);
	if (rv != ST_OK)
		return rv;
	int64_t serial = cell_i64(r, 0, 0);
	int yy = (int)cell_i64(r, 0, 1);
	PQclear(r);
	if (invoice_calc_no(yy, cfg->region, serial, no, sizeof no) != 0)
		return status_err(ST_INTERNAL, NULL);
	snprintf(total_s, sizeof total_s, "%lld", (long long)total);
	snprintf(tax_s, sizeof tax_s, "%lld", (long long)tax);
	const char *v[] = {no,
	                   kind,
	                   is->intent_id,
	                   blue_id,
	                   is->refund_id,
	                   cfg->seller_name,
	                   cfg->seller_tax_id,
	                   is->title,
	                   is->tax_masked,
	                   total_s,
	                   tax_s,
	                   capitals};
	/* A blue invoice already there (another replica's tick): nothing, no error. A red one
	 * of the same refund conflicts on refund_id the same way. */
	rv = change_exec(
	        ctx,
	        "INSERT INTO invoices (no, kind, intent_id, blue_id, refund_id, issued_on,"
	        " seller_name, seller_tax_id, buyer_name, buyer_tax_id_masked, total_fen,"
	        " tax_fen, total_capitals) VALUES ($1, $2, $3::uuid, $4::uuid, $5::uuid,"
	        " (now() AT TIME ZONE 'Asia/Shanghai')::date, $6, $7, $8, $9,"
	        " $10::bigint, $11::bigint, $12) ON CONFLICT DO NOTHING RETURNING id::text",
	        12, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return ST_OK;
	}
	const char *inv = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	for (size_t i = 0; i < n; i++) {
		char pos[24], q[16], price[24], amount[24], rate[16], t[24];
		snprintf(pos, sizeof pos, "%zu", i + 1);
		snprintf(q, sizeof q, "%d", l[i].quantity);
		snprintf(price, sizeof price, "%lld", (long long)l[i].unit_price_fen);
		snprintf(amount, sizeof amount, "%lld", (long long)l[i].amount_fen);
		snprintf(rate, sizeof rate, "%d", l[i].rate_bp);
		snprintf(t, sizeof t, "%lld", (long long)l[i].tax_fen);
		const char *w[] = {inv,    pos,  l[i].name, q, l[i].has_price ? price : NULL,
		                   amount, rate, t};
		if ((rv = change_exec(ctx,
		                      "INSERT INTO invoice_items (invoice_id, pos, name, quantity,"
		                      " unit_price_fen, amount_fen, tax_rate_bp, tax_fen) VALUES"
		                      " ($1::uuid, $2::int, $3, $4::int, $5::bigint, $6::bigint,"
		                      " $7::int, $8::bigint)",
		                      8, w, NULL)) != ST_OK)
			return rv;
	}
	Payments__InvoiceEvent ev = PAYMENTS__INVOICE_EVENT__INIT;
	ev.invoice_id = (char *)inv;
	ev.intent_id = (char *)is->intent_id;
	ev.owner = (char *)owner;
	ev.reference = (char *)reference;
	ev.no = no;
	ev.kind = (char *)kind;
	ev.has_total_fen = 1;
	ev.total_fen = total;
	int red = strcmp(kind, "red") == 0;
	change_event ce = {red ? "payments.invoice.reversed" : "payments.invoice.issued", NULL,
	                   &ev.base};
	rv = change_record(ctx, "service:payments", arena_printf(ctx->arena, "invoice/%s", inv),
	                   red ? "invoice.reversed" : "invoice.issued",
	                   json_pack("{s:s, s:s, s:s, s:I, s:s?}", "no", no, "kind", kind,
	                             "intent_id", is->intent_id, "total_fen", (json_int_t)total,
	                             "refund_id", is->refund_id),
	                   &ce);
	if (rv == ST_OK)
		*id = inv;
	return rv;
}

/* The intent's owner and reference, locked for the issue. */
static int intent_lock(svc_ctx *ctx, const char *intent_id, const char **owner,
                       const char **reference, const char **purpose, int64_t *amount)
{
	PGresult *r = NULL;
	const char *v[] = {intent_id};
	int rv = change_exec(ctx,
	                     "SELECT owner, reference, purpose, amount_fen FROM intents"
	                     " WHERE id = $1::uuid FOR UPDATE",
	                     1, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "intent_id");
	}
	*owner = dbrow_text(ctx->arena, r, 0, 0);
	*reference = dbrow_text(ctx->arena, r, 0, 1);
	*purpose = dbrow_text(ctx->arena, r, 0, 2);
	*amount = cell_i64(r, 0, 3);
	PQclear(r);
	return ST_OK;
}

static int blue_tx(svc_ctx *ctx, void *arg)
{
	struct issue *is = arg;
	PGresult *r = NULL;
	const char *owner, *reference, *purpose, *id = NULL;
	int64_t amount;
	int rv = intent_lock(ctx, is->intent_id, &owner, &reference, &purpose, &amount);
	if (rv != ST_OK)
		return rv;
	const char *v[] = {is->intent_id};
	if ((rv = change_exec(ctx,
	                      "SELECT name, quantity, unit_price_fen, amount_fen, tax_rate_bp"
	                      " FROM intent_items WHERE intent_id = $1::uuid ORDER BY pos",
	                      1, v, &r)) != ST_OK)
		return rv;
	int n = PQntuples(r);
	if (n > INVOICE_MAX_ITEMS) {
		PQclear(r);
		return status_err(ST_INTERNAL, NULL);
	}
	struct invoice_line l[INVOICE_MAX_ITEMS];
	for (int i = 0; i < n; i++) {
		l[i] = (struct invoice_line){.name = dbrow_text(ctx->arena, r, i, 0),
		                             .quantity = (int32_t)cell_i64(r, i, 1),
		                             .has_price = 1,
		                             .unit_price_fen = cell_i64(r, i, 2),
		                             .amount_fen = cell_i64(r, i, 3),
		                             .rate_bp = (int32_t)cell_i64(r, i, 4)};
		l[i].tax_fen = invoice_calc_tax(l[i].amount_fen, l[i].rate_bp);
	}
	PQclear(r);
	if (n == 0) {
		/* An intent without items: one line of its purpose at the default rate. */
		l[0] = (struct invoice_line){
		        purpose, 1, 1, amount, amount, 0, (int32_t)cfg->default_rate_bp};
		l[0].tax_fen = invoice_calc_tax(amount, l[0].rate_bp);
		n = 1;
	}
	if ((rv = invoice_insert(ctx, is, "blue", NULL, owner, reference, l, (size_t)n, &id)) ==
	    ST_OK)
		is->issued = id != NULL;
	return rv;
}

static int red_tx(svc_ctx *ctx, void *arg)
{
	struct issue *is = arg;
	PGresult *r = NULL;
	const char *owner, *reference, *purpose, *id = NULL;
	int64_t amount;
	int rv = intent_lock(ctx, is->intent_id, &owner, &reference, &purpose, &amount);
	if (rv != ST_OK)
		return rv;
	/* The blue invoice, what its red ones reversed so far, and this refund's invoiced part
	 * (what did not come from the excess). */
	const char *v[] = {is->intent_id, is->refund_id};
	if ((rv = change_exec(ctx,
	                      "SELECT b.id::text, b.total_fen, COALESCE((SELECT -sum(x.total_fen)"
	                      " FROM invoices x WHERE x.blue_id = b.id), 0),"
	                      " (SELECT f.amount_fen - f.excess_fen FROM refunds f"
	                      " WHERE f.id = $2::uuid)"
	                      " FROM invoices b WHERE b.intent_id = $1::uuid AND b.kind = 'blue'",
	                      2, v, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return ST_OK; /* no blue invoice: nothing to reverse */
	}
	const char *blue = dbrow_text(ctx->arena, r, 0, 0);
	int64_t total = cell_i64(r, 0, 1), before = cell_i64(r, 0, 2), part = cell_i64(r, 0, 3);
	PQclear(r);
	if (part > total - before)
		part = total - before;
	if (part <= 0)
		return ST_OK;
	const char *w[] = {blue};
	if ((rv = change_exec(ctx,
	                      "SELECT name, quantity, unit_price_fen, amount_fen, tax_rate_bp"
	                      " FROM invoice_items WHERE invoice_id = $1::uuid ORDER BY pos",
	                      1, w, &r)) != ST_OK)
		return rv;
	int n = PQntuples(r);
	if (n == 0 || n > INVOICE_MAX_ITEMS) {
		PQclear(r);
		return status_err(ST_INTERNAL, NULL);
	}
	int64_t a[INVOICE_MAX_ITEMS], share[INVOICE_MAX_ITEMS];
	for (int i = 0; i < n; i++)
		a[i] = cell_i64(r, i, 3);
	if (invoice_calc_red_split(a, (size_t)n, before, before + part, share) != 0) {
		PQclear(r);
		return status_err(ST_INTERNAL, NULL);
	}
	struct invoice_line l[INVOICE_MAX_ITEMS];
	size_t m = 0;
	for (int i = 0; i < n; i++) {
		if (share[i] == 0)
			continue;
		int whole = share[i] == a[i];
		l[m] = (struct invoice_line){.name = dbrow_text(ctx->arena, r, i, 0),
		                             .quantity = whole ? -(int32_t)cell_i64(r, i, 1) : 0,
		                             .has_price = whole,
		                             .unit_price_fen = whole ? cell_i64(r, i, 2) : 0,
		                             .amount_fen = -share[i],
		                             .rate_bp = (int32_t)cell_i64(r, i, 4)};
		l[m].tax_fen = invoice_calc_tax(l[m].amount_fen, l[m].rate_bp);
		m++;
	}
	PQclear(r);
	if ((rv = invoice_insert(ctx, is, "red", blue, owner, reference, l, m, &id)) == ST_OK)
		is->issued = id != NULL;
	return rv;
}

/* Issues one invoice (blue when refund_id is NULL) in its own transaction; logged. */
static void invoice_issue(svc_ctx *ctx, const char *intent_id, const char *refund_id)
{
	struct issue is = {.intent_id = intent_id, .refund_id = refund_id};
	const char *tax_id = NULL, *email = NULL;
	int rv = payments_intent_invoice_contact(ctx, intent_id, &is.title, &tax_id, &email);
	if (rv == ST_OK && is.title && *is.title) {
		char masked[64];
		if (tax_id) {
			validate_mask_middle(tax_id, 4, 4, masked, sizeof masked);
			is.tax_masked = masked;
		}
		rv = change_run(ctx, refund_id ? red_tx : blue_tx, &is);
	}
	if (rv != ST_OK) {
		log_kv(LOGL_ERROR, intent_id, "invoice not issued; retried on the next round",
		       "error", status_code_name(rv), "kind", refund_id ? "red" : "blue", NULL);
		status_clear();
	} else if (is.issued) {
		log_kv(LOGL_INFO, intent_id, "invoice issued", "kind", refund_id ? "red" : "blue",
		       NULL);
	}
}

int payments_invoices_tick(svc_ctx *ctx)
{
	PGresult *r = NULL;
	char batch[16];
	int busy = 0;
	snprintf(batch, sizeof batch, "%d", INVOICE_BATCH);
	const char *v[] = {batch};
	/* Paid (or since refunded) intents that asked for an invoice and have none. */
	if (db_exec(ctx->db,
	            "SELECT i.id::text FROM intents i WHERE i.state IN ('paid', 'refunded')"
	            " AND i.paid_at IS NOT NULL AND COALESCE(i.invoice_title, '') <> ''"
	            " AND NOT EXISTS (SELECT 1 FROM invoices v WHERE v.intent_id = i.id"
	            " AND v.kind = 'blue') ORDER BY i.paid_at LIMIT $1::int",
	            1, v, &r) != ST_OK) {
		status_clear();
		return (int)cfg->poll_ms * 5;
	}
	int n = PQntuples(r);
	busy |= n >= INVOICE_BATCH;
	for (int i = 0; i < n; i++)
		invoice_issue(ctx, dbrow_text(ctx->arena, r, i, 0), NULL);
	PQclear(r);
	/* Refunds of invoiced money without their red invoice (a blue one left to reverse). */
	if (db_exec(ctx->db,
	            "SELECT f.id::text, f.intent_id::text FROM refunds f JOIN invoices b"
	            " ON b.intent_id = f.intent_id AND b.kind = 'blue'"
	            " WHERE f.amount_fen > f.excess_fen"
	            " AND NOT EXISTS (SELECT 1 FROM invoices x WHERE x.refund_id = f.id)"
	            " AND b.total_fen + COALESCE((SELECT sum(x.total_fen) FROM invoices x"
	            " WHERE x.blue_id = b.id), 0) > 0"
	            " ORDER BY f.created_at LIMIT $1::int",
	            1, v, &r) != ST_OK) {
		status_clear();
		return (int)cfg->poll_ms * 5;
	}
	n = PQntuples(r);
	busy |= n >= INVOICE_BATCH;
	for (int i = 0; i < n; i++)
		invoice_issue(ctx, dbrow_text(ctx->arena, r, i, 1),
		              dbrow_text(ctx->arena, r, i, 0));
	PQclear(r);
	return busy ? 0 : (int)cfg->poll_ms;
}

/* ---- the payer's and finance's views ------------------------------------------------ */

static ProtobufCMessage *invoice_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &invoice_from_row(ctx, r, row)->base;
}

int payments_invoices_of_intent(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Payments__IntentInvoicesRequest *in = (const Payments__IntentInvoicesRequest *)in_;
	dblist_page pg;
	int rv;
	if ((rv = payments_payer_check(ctx, in->id)) != ST_OK)
		return rv;
	if ((rv = dblist_page_init(0, 0, 1, 100, &pg)) != ST_OK)
		return rv;
	const char *v[] = {in->id, pg.limit, pg.offset};
	rv = dblist_query(ctx, &payments__invoice_list__descriptor, &pg,
	                  "SELECT count(*) FROM invoices WHERE intent_id = $1::uuid", 1,
	                  "SELECT " INVOICE_COLS INVOICE_FROM " WHERE v.intent_id = $1::uuid"
	                  " ORDER BY v.created_at, v.id LIMIT $2::int OFFSET $3::bigint",
	                  3, v, invoice_row, NULL, out);
	if (rv != ST_OK)
		return rv;
	Payments__InvoiceList *l = (Payments__InvoiceList *)*out;
	return invoice_items_attach(ctx, l->items, l->n_items);
}

int payments_invoices_operator_list(svc_ctx *ctx, const ProtobufCMessage *in_,
                                    ProtobufCMessage **out)
{
	const Payments__ListInvoicesRequest *in = (const Payments__ListInvoicesRequest *)in_;
	dblist_page pg;
	int rv;
	if ((rv = payments_finance_check(ctx)) != ST_OK)
		return rv;
	const char *kind = in->kind && *in->kind ? in->kind : NULL;
	if (kind && strcmp(kind, "blue") != 0 && strcmp(kind, "red") != 0)
		return status_err(ST_INVOICE_KIND, "kind");
	const char *q = in->q && *in->q ? in->q : NULL;
	if (q && validate_text(q, 100) != ST_OK)
		return status_err(ST_FIELD_RANGE, "q");
	if ((rv = dblist_page_init(in->has_page, in->page, in->has_page_size, in->page_size,
	                           &pg)) != ST_OK)
		return rv;
	const char *v[] = {kind, q, pg.limit, pg.offset};
#define INVOICE_WHERE                                                                              \
	" WHERE ($1::text IS NULL OR v.kind = $1) AND ($2::text IS NULL OR v.no = $2"              \
	" OR t.no = $2 OR strpos(v.buyer_name, $2) > 0)"
	return dblist_query(ctx, &payments__invoice_list__descriptor, &pg,
	                    "SELECT count(*)" INVOICE_FROM INVOICE_WHERE, 2,
	                    "SELECT " INVOICE_COLS INVOICE_FROM INVOICE_WHERE
	                    " ORDER BY v.created_at DESC, v.id LIMIT $3::int OFFSET $4::bigint",
	                    4, v, invoice_row, NULL, out);
#undef INVOICE_WHERE
}

/* The PDF of inv as a download in the arena. */
static int invoice_download(svc_ctx *ctx, const Payments__Invoice *inv, Files__Download **out)
{
	const char *title = NULL, *tax_id = NULL, *email = NULL;
	unsigned char *pdf = NULL;
	size_t len = 0;
	int rv = payments_intent_invoice_contact(ctx, inv->intent_id, &title, &tax_id, &email);
	if (rv != ST_OK)
		return rv;
	if (payments_invoice_pdf_render(inv, tax_id, &pdf, &len) != ST_OK)
		return status_err(ST_INTERNAL, NULL);
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = arena_printf(ctx->arena, "invoice-%s.pdf", inv->no);
	d->content_type = "application/pdf";
	d->has_data = 1;
	d->data.len = len;
	d->data.data = arena_alloc(ctx->arena, len ? len : 1);
	memcpy(d->data.data, pdf, len);
	free(pdf);
	*out = d;
	return ST_OK;
}

int payments_invoice_pdf(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Payments__InvoiceRef *in = (const Payments__InvoiceRef *)in_;
	const char *person = NULL;
	Payments__Invoice *inv = NULL;
	Files__Download *d = NULL;
	int rv;
	if ((rv = caller_person(ctx, &person)) != ST_OK)
		return rv;
	if ((rv = invoice_load(ctx, in->id, &inv)) != ST_OK)
		return rv;
	/* Finance sees every invoice; anyone else only as the intent's payer (else 404). */
	if (!caller_has_role(ctx, "finance") &&
	    (rv = payments_payer_check(ctx, inv->intent_id)) != ST_OK)
		return rv == ST_NOT_FOUND ? status_err(ST_NOT_FOUND, "id") : rv;
	if ((rv = invoice_download(ctx, inv, &d)) != ST_OK)
		return rv;
	*out = &d->base;
	return ST_OK;
}

int payments_invoice_mail(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Payments__InvoiceRef *in = (const Payments__InvoiceRef *)in_;
	const char *svc = caller_service(ctx), *title = NULL, *tax_id = NULL, *email = NULL;
	Payments__Invoice *inv = NULL;
	Files__Download *d = NULL;
	char total[32];
	int rv;
	/* notify's delivery thread only: the answer holds the address in clear. */
	if (!svc || strcmp(svc, "notify") != 0)
		return status_err(ST_NOT_FOUND, NULL);
	if ((rv = invoice_load(ctx, in->id, &inv)) != ST_OK)
		return rv;
	if ((rv = payments_intent_invoice_contact(ctx, inv->intent_id, &title, &tax_id, &email)) !=
	    ST_OK)
		return rv;
	if (!email || !*email)
		return status_err(ST_INVOICE_NO_EMAIL, "id");
	if ((rv = invoice_download(ctx, inv, &d)) != ST_OK)
		return rv;
	int red = strcmp(inv->kind, "red") == 0;
	invoice_calc_money(inv->total_fen, total, sizeof total);
	Payments__InvoiceMail *m = arena_alloc(ctx->arena, sizeof *m);
	payments__invoice_mail__init(m);
	m->to = (char *)email;
	m->subject = arena_printf(ctx->arena, "%s电子发票 %s", red ? "红字" : "", inv->no);
	m->text = arena_printf(
	        ctx->arena,
	        "您好：\n\n%s开具的%s（发票号码 %s，开票日期 %s，价税合计 ¥%s，"
	        "%s）已随本邮件附上，请查收。\n购买方：%s\n%s",
	        inv->seller_name, red ? "红字电子发票" : "电子发票", inv->no, inv->issued_on, total,
	        inv->total_capitals, inv->buyer_name,
	        red ? (inv->blue_no
	                       ? arena_printf(ctx->arena, "对应蓝字发票号码：%s\n", inv->blue_no)
	                       : "")
	            : "");
	m->pdf = d;
	*out = &m->base;
	return ST_OK;
}
