/*
 * notify: the service's shared state and its handlers, one file per concern:
 *   sms_codes.c   IssueSmsCode, VerifySmsCode: codes and sending limits in Redis
 *   sms_limits.c  the limits' windows and refusal texts (pure)
 *   sms_dev.c     the development SMS provider (a JSON-lines sink) and ListDevSms
 *   sms_http.c    the HTTP SMS provider (Aliyun-style signed JSON API)
 *   templates.c   SMS and in-site message texts (pure)
 *   messages.c    in-site messages (我的消息): event apply, list, counts, read marks
 *   channels.c    which events go by SMS and e-mail, to whom, in which category (pure)
 *   deliveries.c  the delivery queue: enqueue with the event, send with retries and
 *                 failover (svc_def.tick), digests, the operator's list and retry
 *   prefs.c       GET/PUT notification preferences
 *   mail_dev.c    the development mail sink and ListDevMail; mail_smtp.c the SMTP provider
 *   invoice_mail.c payments' invoices e-mailed with their PDF (issue 18)
 */
#ifndef NOTIFY_NOTIFY_H
#define NOTIFY_NOTIFY_H

#include "bus.h"
#include "channels.h"
#include "crypto.h"
#include "mail_provider.h"
#include "sms_provider.h"
#include "svc.h"

struct notify_app {
	const config_common *common;  /* filled by svc_main before start */
	crypto_keys keys;             /* PII_MAC_KEY keys Redis names, PII_ENC_KEY seals codes */
	notify_sms_provider *sms;     /* the primary, chosen at start; freed by main */
	notify_sms_provider *sms2;    /* the secondary (failover), NULL when none */
	char sink_path[1024];         /* $VAR_DIR/sms/outbox.jsonl: the dev provider's file */
	int sms_provider;             /* SMS_PROVIDER: NOTIFY_SMS_* or -1 (by mode) */
	int sms2_provider;            /* SMS_SECONDARY_PROVIDER: NOTIFY_SMS_* or -1 (by mode) */
	notify_sms_http_config http;  /* SMS_HTTP_* */
	notify_sms_http_config http2; /* SMS_SECONDARY_HTTP_* */
	notify_mail_provider *mail;   /* chosen at start; freed by main */
	int mail_provider;            /* MAIL_PROVIDER: NOTIFY_MAIL_* or -1 (by mode) */
	notify_mail_smtp_config smtp; /* MAIL_SMTP_*, MAIL_FROM */
	char mail_sink_path[1024];    /* $VAR_DIR/mail/outbox.jsonl */
	bus_client *accounts;         /* GetContacts, from the delivery threads only */
	bus_client *payments;         /* GetInvoiceMail, from the delivery threads only */
	long delivery_batch;          /* DELIVERY_BATCH: rows one claim takes */
	long delivery_max_tries;      /* DELIVERY_MAX_TRIES */
	long delivery_backoff_ms;     /* DELIVERY_BACKOFF_MS: the wait after the first failed try */
	long delivery_backoff_cap_ms; /* DELIVERY_BACKOFF_MAX_MS */
	long delivery_poll_ms;        /* DELIVERY_POLL_MS: the wait when nothing is due */
	long delivery_lease_s;        /* DELIVERY_LEASE_S: a claim's lease */
	long http_timeout_ms;         /* SMS_HTTP_TIMEOUT_MS */
	int curl_ready;               /* curl_global_init() done, to be undone */
};

/* The app of a request (ctx->app). */
#define NOTIFY_APP(ctx) ((struct notify_app *)(ctx)->app)

/* Chooses and builds the SMS provider (refusing dev in production). Runs once at
 * start, after the keys are loaded; ST_OK or an error that stops the start (logged). */
int notify_sms_setup(struct notify_app *app);
/* Frees what notify_sms_setup() made; after the workers stopped. */
void notify_sms_teardown(struct notify_app *app);

/* Called after each provider's answer within one send: its name and 0 or NOTIFY_SEND_*. */
typedef void (*notify_sms_tried_fn)(void *arg, const char *provider, int outcome);
/* Sends m through the primary and, when it fails, the secondary provider. 0 when one
 * accepted it, else the last failure; tried (may be NULL) sees every answer. */
int notify_sms_send_failover(struct notify_app *app, const notify_sms_msg *m,
                             const char *request_id, notify_sms_tried_fn tried, void *arg);

/* Whether the development sink at path holds a line of delivery_id (and of provider,
 * unless NULL): 1, 0 (none, or no file), -1 (unreadable). The sandboxes' sent_before. */
int notify_sink_has(const char *path, const char *delivery_id, const char *provider);

/* Chooses and builds the mail provider (refusing dev in production); ST_OK or an error
 * that stops the start (logged). notify_mail_teardown frees it. */
int notify_mail_setup(struct notify_app *app);
void notify_mail_teardown(struct notify_app *app);

/* Queues the SMS and e-mail the channel table gives event_type (nothing when none) for the
 * message's person, or the enterprise's admins (all members, as the table says), minus
 * what each turned off; inside the subscriber's transaction. */
int notify_deliveries_enqueue(svc_ctx *ctx, const char *event_id, const char *event_type,
                              const char *person_id, const char *enterprise_id, const char *title,
                              const char *body);
/* Queues the SMS and e-mail the channel table's staff row of event_type (who: officers or
 * operators) gives, for each of persons (n; malformed ids left out), minus what each turned
 * off; inside the subscriber's transaction. */
int notify_deliveries_enqueue_staff(svc_ctx *ctx, const char *event_id, const char *event_type,
                                    enum notify_audience who, const char *title, const char *body,
                                    char *const *persons, size_t n);
/* One round of the delivery threads (svc_def.tick): digests due, then a batch claimed and
 * sent. Returns the ms to wait before the next round. */
int notify_deliveries_tick(svc_ctx *ctx);

/* Handlers, in the order of service Notify in proto/notify.proto. */
int notify_sms_issue(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_sms_verify(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_sms_dev_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_messages_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_messages_unread_count(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_messages_mark_read(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_messages_mark_all_read(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_mail_dev_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_sms_dev_fault_set(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_prefs_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_prefs_put(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_deliveries_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_deliveries_retry(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* Applies one event of accounts or enterprise: the in-site message, once per
 * (event, recipient). Unknown types are ST_OK. */
int notify_messages_apply(svc_ctx *ctx, const Events__Event *ev);
/* Applies one event of accounts: the projection of operators' roles
 * (accounts.operator.roles_set), then the message. */
int notify_accounts_apply(svc_ctx *ctx, const Events__Event *ev);
/* Applies one event of enterprise: the membership projection (common/memberproj.h),
 * then the message, in the subscriber's one transaction. */
int notify_enterprise_apply(svc_ctx *ctx, const Events__Event *ev);
/* certs' events: the applicant's messages, and the ca_officers' of a new or resubmitted
 * application. */
int notify_certs_apply(svc_ctx *ctx, const Events__Event *ev);
/* Applies one event of market: the enterprise's message, and for a submitted demand one
 * to each loan officer the event names (so notify keeps no projection of staff). */
int notify_market_apply(svc_ctx *ctx, const Events__Event *ev);
/* Applies one event of billfin: the enterprise's message (quote, review result,
 * disbursement), and for a new inquiry one to each bill quoter of the addressed funder, or
 * of every bill funder for an inquiry to any (notify's projection of market's staff). */
int notify_billfin_apply(svc_ctx *ctx, const Events__Event *ev);

/* payments' events: the in-site messages, then, for payments.invoice.issued | reversed, the
 * invoice's e-mail queued (invoice_mails), in the subscriber's transaction. */
int notify_payments_apply(svc_ctx *ctx, const Events__Event *ev);
/* One round of the invoice e-mails on a delivery thread: a batch claimed, each one's
 * address and PDF asked of payments, sent, recorded. 1 when the batch was full (more may
 * be due), else 0. */
int notify_invoice_mail_tick(svc_ctx *ctx);

#endif
