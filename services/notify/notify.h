/*
 * notify: the service's shared state and its handlers, one file per concern:
 *   sms_codes.c   IssueSmsCode, VerifySmsCode: codes and sending limits in Redis
 *   sms_limits.c  the limits' windows and refusal texts (pure)
 *   sms_dev.c     the development SMS provider (a JSON-lines sink) and ListDevSms
 *   sms_http.c    the HTTP SMS provider (Aliyun-style signed JSON API)
 *   templates.c   SMS and in-site message texts (pure)
 *   messages.c    in-site messages (我的消息): event apply, list, counts, read marks
 */
#ifndef NOTIFY_NOTIFY_H
#define NOTIFY_NOTIFY_H

#include "crypto.h"
#include "sms_provider.h"
#include "svc.h"

struct notify_app {
	const config_common *common; /* filled by svc_main before start */
	crypto_keys keys;            /* PII_MAC_KEY keys Redis names, PII_ENC_KEY seals codes */
	notify_sms_provider *sms;    /* chosen at start; freed by main */
	char sink_path[1024];        /* $VAR_DIR/sms/outbox.jsonl: the dev provider's file */
	int sms_provider;            /* SMS_PROVIDER: NOTIFY_SMS_* or -1 (by mode) */
	notify_sms_http_config http; /* SMS_HTTP_* */
	long http_timeout_ms;        /* SMS_HTTP_TIMEOUT_MS */
	int curl_ready;              /* curl_global_init() done, to be undone */
};

/* The app of a request (ctx->app). */
#define NOTIFY_APP(ctx) ((struct notify_app *)(ctx)->app)

/* Chooses and builds the SMS provider (refusing dev in production). Runs once at
 * start, after the keys are loaded; ST_OK or an error that stops the start (logged). */
int notify_sms_setup(struct notify_app *app);
/* Frees what notify_sms_setup() made; after the workers stopped. */
void notify_sms_teardown(struct notify_app *app);

/* Handlers, in the order of service Notify in proto/notify.proto. */
int notify_sms_issue(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_sms_verify(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_sms_dev_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_messages_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_messages_unread_count(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_messages_mark_read(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int notify_messages_mark_all_read(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* Applies one event of accounts or enterprise: the in-site message, once per
 * (event, recipient). Unknown types are ST_OK. */
int notify_messages_apply(svc_ctx *ctx, const Events__Event *ev);
/* Applies one event of enterprise: the membership projection (common/memberproj.h),
 * then the message, in the subscriber's one transaction. */
int notify_enterprise_apply(svc_ctx *ctx, const Events__Event *ev);
/* Applies one event of market: the enterprise's message, and for a submitted demand one
 * to each loan officer the event names (so notify keeps no projection of staff). */
int notify_market_apply(svc_ctx *ctx, const Events__Event *ev);
/* Applies one event of billfin: the enterprise's message (quote, review result,
 * disbursement), and for a new inquiry one to each bill quoter of the addressed funder, or
 * of every bill funder for an inquiry to any (notify's projection of market's staff). */
int notify_billfin_apply(svc_ctx *ctx, const Events__Event *ev);

#endif
