/*
 * payments' e-invoices (proto/payments_invoices.proto, service Invoices): issued by the tick
 * after payment (blue) and after a refund of invoiced money (red, 红冲), listed for the
 * payer and finance, rendered as PDF (invoice_pdf.c), handed to notify for the e-mail.
 */
#ifndef PAYMENTS_INVOICES_H
#define PAYMENTS_INVOICES_H

#include "payments_invoices.pb-c.h"
#include "svc.h"

#include <stddef.h>

/* The settings of invoices (main.c's config table); read-only once workers run. */
typedef struct payments_invoices_cfg {
	const char *seller_name;   /* INVOICE_SELLER_NAME */
	const char *seller_tax_id; /* INVOICE_SELLER_TAX_ID */
	const char *region;        /* INVOICE_REGION: 2 digits, the number's digits 3-4 */
	long default_rate_bp;      /* INVOICE_DEFAULT_TAX_RATE_BP: an intent without items */
	long poll_ms;              /* INVOICE_POLL_MS: the tick's wait when nothing is due */
} payments_invoices_cfg;

/* Checks cfg and keeps it (it must outlive the service) for the tick and the handlers; from
 * the start hook, before workers run. ST_OK, or ST_INTERNAL (logged, naming the setting). */
int payments_invoices_setup(const payments_invoices_cfg *cfg);

/* One round of the invoice tick (svc_def.tick): blue invoices of paid intents without one,
 * then red ones of refunds without one, a batch each; the ms to wait before the next. */
int payments_invoices_tick(svc_ctx *ctx);

/* Handlers of service Invoices. */
int payments_invoices_of_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_invoice_pdf(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_invoices_operator_list(svc_ctx *ctx, const ProtobufCMessage *in,
                                    ProtobufCMessage **out);
int payments_invoice_mail(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/*
 * The PDF of inv (invoice_pdf.c): title, number, date, seller and buyer (buyer_tax_id in
 * full: NULL prints the mask), the items, totals in figures and 大写, a QR code of the
 * verification data. ST_OK with *out (malloc: the caller frees) and *len, or ST_INTERNAL.
 */
int payments_invoice_pdf_render(const Payments__Invoice *inv, const char *buyer_tax_id,
                                unsigned char **out, size_t *len);

/* The QR code's text: "01,<kind 32 blue | 33 red>,,<no>,<total in yuan>,<yyyymmdd>,<seller
 * tax ID>" (the fields a verifier needs; in the arena-free buffer out). */
void payments_invoice_qr_text(const Payments__Invoice *inv, char *out, size_t cap);

#endif
