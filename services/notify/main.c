/* notify: wires the SMS provider, the handlers and the event subscriptions to the runtime. */
#include "notify.h"
#include "notify.pb-c.h"
#include "memberproj.h"
#include "status.h"

static config_common common;
static struct notify_app app = {.common = &common};
static long delivery_workers;
static const char *pii_enc, *pii_mac;

static int notify_start(svc_ctx *ctx)
{
	if (crypto_keys_from_hex(&app.keys, pii_enc, pii_mac) != 0)
		return ST_INTERNAL;
	int rv = notify_sms_setup(NOTIFY_APP(ctx));
	if (rv == ST_OK)
		rv = notify_mail_setup(NOTIFY_APP(ctx));
	/* Addresses come from accounts at send time, on the delivery threads only. */
	if (rv == ST_OK && bus_client_open(&app.accounts, common.bus_urls, "accounts") != 0)
		rv = ST_INTERNAL;
	/* invoices (issue 18): payments' invoice e-mails, asked from the delivery threads. */
	if (rv == ST_OK && bus_client_open(&app.payments, common.bus_urls, "payments") != 0)
		rv = ST_INTERNAL;
	return rv;
}

/* The delivery threads' round: the queue of deliveries, then the invoice e-mails. */
static int notify_tick(svc_ctx *ctx)
{
	int wait = notify_deliveries_tick(ctx);
	return notify_invoice_mail_tick(ctx) ? 0 : wait;
}

/* Service Notify of proto/notify.proto, bound by method name. */
static const svc_handler notify_handlers[] = {
        {"IssueSmsCode", notify_sms_issue},
        {"VerifySmsCode", notify_sms_verify},
        {"ListDevSms", notify_sms_dev_list},
        {"ListMessages", notify_messages_list},
        {"UnreadCount", notify_messages_unread_count},
        {"MarkRead", notify_messages_mark_read},
        {"MarkAllRead", notify_messages_mark_all_read},
        {"ListDevMail", notify_mail_dev_list},
        {"SetDevSmsFault", notify_sms_dev_fault_set},
        {"GetPreferences", notify_prefs_get},
        {"PutPreferences", notify_prefs_put},
        {"ListDeliveries", notify_deliveries_list},
        {"RetryDelivery", notify_deliveries_retry},
};

/* In-site messages come from these sources' events (durable: outbox and replay);
 * enterprise's also keep the membership projection, so notify calls no service. */
static const svc_subscription notify_subs[] = {
        {"accounts", notify_accounts_apply}, {"enterprise", notify_enterprise_apply},
        {"market", notify_market_apply},     {"billfin", notify_billfin_apply},
        {"certs", notify_certs_apply},       {"payments", notify_payments_apply}};

/* Asked by accounts only (it checks the codes it asked for): no gateway route. */
static const char *const notify_bus_only[] = {"VerifySmsCode", NULL};
/* Sending a code costs an SMS: a retry with the same Idempotency-Key sends none. */
static const char *const notify_idempotent[] = {"IssueSmsCode", NULL};

int main(int argc, char **argv)
{
	config_item items[] = {
	        {"SMS_PROVIDER", CFG_ENUM, "", 0, 0,
	         "empty: dev in development, http in production (dev is refused there)",
	         CONFIG_ENUM(notify_sms_provider_names, &app.sms_provider)},
	        {"SMS_HTTP_URL", CFG_STR, "", 0, 0, "http provider: the SendSms endpoint",
	         &app.http.url},
	        {"SMS_HTTP_KEY_ID", CFG_STR, "", 0, 0, "http provider: AccessKeyId",
	         &app.http.key_id},
	        {"SMS_HTTP_SECRET", CFG_STR, "", 0, 0, "http provider: the key that signs requests",
	         &app.http.secret},
	        {"SMS_HTTP_TIMEOUT_MS", CFG_INT, "5000", 100, 30000,
	         "http provider: time allowed for one send (connecting gets half)",
	         &app.http_timeout_ms},
	        {"SMS_SECONDARY_PROVIDER", CFG_ENUM, "", 0, 0,
	         "the failover SMS provider; empty: a second sandbox in development, none in "
	         "production",
	         CONFIG_ENUM(notify_sms_provider_names, &app.sms2_provider)},
	        {"SMS_SECONDARY_HTTP_URL", CFG_STR, "", 0, 0,
	         "secondary http provider: the endpoint", &app.http2.url},
	        {"SMS_SECONDARY_HTTP_KEY_ID", CFG_STR, "", 0, 0,
	         "secondary http provider: AccessKeyId", &app.http2.key_id},
	        {"SMS_SECONDARY_HTTP_SECRET", CFG_STR, "", 0, 0,
	         "secondary http provider: the key that signs requests", &app.http2.secret},
	        {"MAIL_PROVIDER", CFG_ENUM, "", 0, 0,
	         "empty: dev in development, smtp in production (dev is refused there)",
	         CONFIG_ENUM(notify_mail_provider_names, &app.mail_provider)},
	        {"MAIL_SMTP_URL", CFG_STR, "", 0, 0,
	         "smtp provider: smtp://host:587 (STARTTLS required) or smtps://host:465",
	         &app.smtp.url},
	        {"MAIL_SMTP_USER", CFG_STR, "", 0, 0, "smtp provider: login name", &app.smtp.user},
	        {"MAIL_SMTP_PASSWORD", CFG_STR, "", 0, 0,
	         "smtp provider: login password (a secret)", &app.smtp.password},
	        {"MAIL_FROM", CFG_STR, "", 0, 0, "smtp provider: the sender address",
	         &app.smtp.from},
	        {"MAIL_SMTP_TIMEOUT_MS", CFG_INT, "10000", 500, 60000,
	         "smtp provider: time allowed for one e-mail", &app.smtp.timeout_ms},
	        {"DELIVERY_WORKERS", CFG_INT, "2", 0, 64,
	         "threads sending queued SMS and e-mail (0: this replica sends none)",
	         &delivery_workers},
	        {"DELIVERY_BATCH", CFG_INT, "16", 1, 500, "deliveries one claim takes",
	         &app.delivery_batch},
	        {"DELIVERY_MAX_TRIES", CFG_INT, "5", 1, 20,
	         "tries before a delivery is marked failed", &app.delivery_max_tries},
	        {"DELIVERY_BACKOFF_MS", CFG_INT, "30000", 10, 3600000,
	         "wait after the first failed try; doubles each try, with jitter",
	         &app.delivery_backoff_ms},
	        {"DELIVERY_BACKOFF_MAX_MS", CFG_INT, "3600000", 10, 86400000,
	         "the longest wait between tries", &app.delivery_backoff_cap_ms},
	        {"DELIVERY_POLL_MS", CFG_INT, "200", 10, 60000,
	         "how often an idle delivery thread looks for due rows", &app.delivery_poll_ms},
	        {"DELIVERY_LEASE_S", CFG_INT, "60", 5, 3600,
	         "how long a claimed delivery stays a replica's before others may take it",
	         &app.delivery_lease_s},
	        {"SMS_SIGN_NAME", CFG_STR, "中小企业金融服务平台", 0, 0,
	         "the SMS signature (签名) shown as 【…】", &app.http.sign_name},
	        CRYPTO_KEY_CONFIG_ITEMS(&pii_enc, &pii_mac),
	};
	svc_api apis[] = {SVC_API(&notify__notify__descriptor, notify_handlers,
	                          .bus_only = notify_bus_only, .idempotent = notify_idempotent)};
	svc_def def = {.name = "notify",
	               .apis = apis,
	               .napis = sizeof apis / sizeof apis[0],
	               .migrations = &memberproj_migration,
	               .nmigrations = 1,
	               .subs = notify_subs,
	               .nsubs = sizeof notify_subs / sizeof notify_subs[0],
	               .start = notify_start,
	               .app = &app,
	               .tick = notify_tick,
	               .ntick = &delivery_workers};
	int rv = svc_main(&def, argc, argv, &common, items, sizeof items / sizeof items[0]);
	notify_mail_teardown(&app);
	notify_sms_teardown(&app);
	bus_client_close(app.accounts);
	bus_client_close(app.payments);
	return rv;
}
