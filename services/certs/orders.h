/*
 * Certificate orders (订单), what their files share:
 *   orders_rules.c   the pure rules: tax ID, payment methods, line texts, states
 *   orders.c         prices, create, list, detail, cancel; the intent at payments
 *   orders_events.c  payments' events: paid (issuance of the accepted applications),
 *                    partly paid, refunded, closed
 * and what applications_officer.c needs for issuance when paid AND accepted.
 */
#ifndef CERTS_ORDERS_H
#define CERTS_ORDERS_H

#include "applications.h"
#include "certs_orders.pb-c.h"

#include <stddef.h>

/* ---- pure rules (orders_rules.c) ------------------------------------------------------ */

/* 1 when s is a tax ID the invoice accepts: 18 characters that are a USCC (GB 32100,
 * check character included) or a resident ID (an individual taxpayer), or 15, 16, 17, 19
 * or 20 upper-case letters and digits (older registrations). Else 0. */
int certs_orders_tax_id_valid(const char *s);

/* The intent's allowed methods for an order's payment_method: bank_transfer → the
 * transfer alone; online → wechat and alipay. n is set; NULL for an unknown method. */
const char *const *certs_orders_methods(const char *payment_method, size_t *n);

/* Whether an order of these applications may be paid this way: ST_OK, or
 * ST_CERTORDER_ONLINE_NEW when online and any is new (manual 004: new certificates only
 * by bank transfer), ST_CERTORDER_METHOD for an unknown method. */
int certs_orders_method_allowed(const char *payment_method, int has_new);

/* "新办 企业证书 USB Key 1年" for kind, profile, medium, years; "USB Key 介质" for the
 * hardware line. A static or arena-free string into out (outlen ≥ 64). */
void certs_orders_line_text(const char *item, const char *kind, const char *profile,
                            const char *medium, int years, char *out, size_t outlen);

/* The Chinese label of an order state (待支付 …); "" for an unknown one. */
const char *certs_orders_state_label(const char *state);

/* ---- issuance (applications_officer.c) ------------------------------------------------ */

/* Inside the caller's transaction: issues the certificate of application id, which must be
 * accepted (locked here), from the subject taken at its acceptance (subject_name and the
 * sealed subject_code_enc): the key made or the CSR signed, stored, the application issued
 * with its audit entry and event. Crypto runs inside the transaction; no call to another
 * service. ST_OK with *o the issued application (may be NULL), or an error. */
int applications_issue_tx(svc_ctx *ctx, const char *id, const char *actor, Certs__Application **o);

/* Inside the caller's transaction: the state of the open or paid order holding
 * application id, its row locked (FOR UPDATE) so that the payment and the acceptance of
 * the same application serialise; *state NULL when it is in none. */
int orders_lock_of_application(svc_ctx *ctx, const char *id, const char **state);

/* ---- handlers and jobs -------------------------------------------------------------- */

int certs_orders_prices(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
#define CERTS_ORDERS_BOTH(fn)                                                                      \
	int certs_order_my_##fn(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out); \
	int certs_order_ent_##fn(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
CERTS_ORDERS_BOTH(create)
CERTS_ORDERS_BOTH(list)
CERTS_ORDERS_BOTH(get)
CERTS_ORDERS_BOTH(cancel)

/* The intent of order id asked of payments when it has none (CreateIntent is idempotent
 * on the order id), its id stored. Outside any transaction. ST_OK or the call's error. */
int orders_intent_ensure(svc_ctx *ctx, const char *id);

/* svc_def.tick: orders left without an intent (payments was down) get one; ms to wait. */
int certs_orders_tick(svc_ctx *ctx);

/* The subscriber of source "payments" (events of owner "certs"). */
int certs_orders_payments_apply(svc_ctx *ctx, const Events__Event *ev);

#endif
