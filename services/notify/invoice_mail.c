/*
 * Invoice e-mails (issue 18): payments.invoice.issued | reversed queue one e-mail each
 * (invoice_mails, in the subscriber's transaction); the delivery threads claim due rows
 * as deliveries.c does (FOR UPDATE SKIP LOCKED, a lease), ask payments for the address,
 * text and PDF (GetInvoiceMail, a bus-only method answering notify only: `~payments` in
 * services.list, from these threads only) and send it with the PDF attached. A failed try
 * waits notify_backoff_ms() like a delivery; after DELIVERY_MAX_TRIES it is 'failed'. An
 * intent without an e-mail address gives 'skipped'.
 */
#include "notify.h"

#include "change.h"
#include "crypto.h"
#include "dbrow.h"
#include "log.h"
#include "payments_invoices.pb-c.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INVOICE_MAIL_BATCH 8

int notify_payments_apply(svc_ctx *ctx, const Events__Event *ev)
{
	int rv = notify_messages_apply(ctx, ev);
	if (rv != ST_OK || !ev->type ||
	    (strcmp(ev->type, "payments.invoice.issued") != 0 &&
	     strcmp(ev->type, "payments.invoice.reversed") != 0))
		return rv;
	ProtobufCAllocator al = arena_pb_allocator(ctx->arena);
	const Payments__InvoiceEvent *p =
	        ev->has_payload ? (const Payments__InvoiceEvent *)protobuf_c_message_unpack(
	                                  &payments__invoice_event__descriptor, &al,
	                                  ev->payload.len, ev->payload.data)
	                        : NULL;
	/* A payload that cannot name its invoice would hold back every later event. */
	if (!p || !p->invoice_id || !validate_uuid(p->invoice_id) || !p->no) {
		log_kv(LOGL_WARN, ev->id, "invoice event without a usable invoice, no e-mail",
		       "type", ev->type, NULL);
		return ST_OK;
	}
	const char *v[] = {ev->id, ev->type, p->invoice_id, p->no};
	return change_exec(
	        ctx,
	        "INSERT INTO invoice_mails (event_id, event_type, invoice_id, invoice_no)"
	        " VALUES ($1, $2, $3::uuid, $4) ON CONFLICT (event_id) DO NOTHING",
	        4, v, NULL);
}

struct invoice_try {
	const char *id, *invoice_id;
	int tries;
	const char *state, *provider, *error;
	long long delay_ms;
};

/* Asks payments and sends; fills t's outcome. No transaction open. */
static void invoice_mail_send(svc_ctx *ctx, struct invoice_try *t)
{
	struct notify_app *app = NOTIFY_APP(ctx);
	Payments__InvoiceRef req = PAYMENTS__INVOICE_REF__INIT;
	Bus__Caller caller = BUS__CALLER__INIT;
	ProtobufCMessage *got = NULL;
	req.id = (char *)t->invoice_id;
	caller.request_id = arena_printf(ctx->arena, "invoice-mail-%s", t->id);
	int rv = app->payments
	                 ? bus_call(app->payments, "GetInvoiceMail", &caller, 10000, &req.base,
	                            &payments__invoice_mail__descriptor, ctx->arena, &got)
	                 : ST_UNAVAILABLE;
	if (rv == ST_INVOICE_NO_EMAIL) {
		status_clear();
		t->state = "skipped";
		t->error = "no_address";
		return;
	}
	if (rv != ST_OK) {
		t->error = arena_strdup(ctx->arena, status_code_name(rv));
		status_clear();
		return;
	}
	const Payments__InvoiceMail *m = (const Payments__InvoiceMail *)got;
	if (!m->to || validate_email(m->to) != 0 || !app->mail || !m->pdf || !m->pdf->has_data) {
		t->state = "skipped";
		t->error = "no_address";
		return;
	}
	notify_mail_attachment att = {m->pdf->name ? m->pdf->name : "invoice.pdf",
	                              "application/pdf", m->pdf->data.data, m->pdf->data.len};
	char *html = notify_mail_html(m->subject, m->text);
	notify_mail_msg msg = {.to = m->to,
	                       .subject = m->subject,
	                       .text = m->text,
	                       .html = html,
	                       .attachments = &att,
	                       .nattachments = 1,
	                       .delivery_id = t->id};
	rv = app->mail->send(app->mail, &msg, caller.request_id);
	free(html);
	if (rv == 0) {
		t->state = "sent";
		t->provider = app->mail->name;
	} else {
		t->error = rv == NOTIFY_SEND_TIMEOUT ? "timeout" : "failed";
	}
}

static int invoice_finish_tx(svc_ctx *ctx, void *arg)
{
	struct invoice_try *t = arg;
	char tries[16], delay[24];
	snprintf(tries, sizeof tries, "%d", t->tries);
	snprintf(delay, sizeof delay, "%lld", t->delay_ms);
	const char *v[] = {t->id, t->state, delay, t->provider, t->error, tries};
	return change_exec(
	        ctx,
	        "UPDATE invoice_mails SET state = $2, lease_until = NULL,"
	        " next_at = CASE WHEN $2 = 'pending'"
	        " THEN now() + make_interval(secs => $3::bigint / 1000.0) ELSE next_at END,"
	        " provider = COALESCE($4, provider), last_error = $5,"
	        " sent_at = CASE WHEN $2 = 'sent' THEN now() END"
	        " WHERE id = $1::uuid AND state = 'sending' AND tries = $6::int",
	        6, v, NULL);
}

int notify_invoice_mail_tick(svc_ctx *ctx)
{
	struct notify_app *app = NOTIFY_APP(ctx);
	PGresult *r = NULL;
	char batch[16], lease[16];
	snprintf(batch, sizeof batch, "%d", INVOICE_MAIL_BATCH);
	snprintf(lease, sizeof lease, "%ld", app->delivery_lease_s);
	const char *v[] = {batch, lease};
	int rv = db_exec(ctx->db,
	                 "UPDATE invoice_mails m SET state = 'sending', tries = m.tries + 1,"
	                 " lease_until = now() + make_interval(secs => $2::int)"
	                 " FROM (SELECT id FROM invoice_mails"
	                 " WHERE (state = 'pending' AND next_at <= now())"
	                 " OR (state = 'sending' AND lease_until < now())"
	                 " ORDER BY next_at LIMIT $1::int FOR UPDATE SKIP LOCKED) c"
	                 " WHERE m.id = c.id RETURNING m.id::text, m.invoice_id::text, m.tries",
	                 2, v, &r);
	if (rv != ST_OK) {
		status_clear();
		return 0;
	}
	int n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		struct invoice_try t = {.id = dbrow_text(ctx->arena, r, i, 0),
		                        .invoice_id = dbrow_text(ctx->arena, r, i, 1),
		                        .tries = (int)strtol(PQgetvalue(r, i, 2), NULL, 10),
		                        .state = "pending"};
		invoice_mail_send(ctx, &t);
		if (strcmp(t.state, "pending") == 0) {
			if (t.tries >= app->delivery_max_tries) {
				t.state = "failed";
			} else {
				unsigned short rnd = 0;
				crypto_random_bytes(&rnd, sizeof rnd);
				t.delay_ms = notify_backoff_ms(t.tries, app->delivery_backoff_ms,
				                               app->delivery_backoff_cap_ms, rnd);
			}
		}
		if (change_run(ctx, invoice_finish_tx, &t) != ST_OK) {
			log_kv(LOGL_ERROR, t.id,
			       "invoice e-mail outcome not recorded; its lease will end", NULL);
			status_clear();
		} else if (strcmp(t.state, "sent") != 0) {
			log_kv(LOGL_WARN, t.id, "invoice e-mail not sent", "state", t.state,
			       "error", t.error ? t.error : "", NULL);
		}
	}
	PQclear(r);
	return n >= INVOICE_MAIL_BATCH;
}
