/* notify: wires the SMS provider, the handlers and the event subscriptions to the runtime. */
#include "notify.h"
#include "notify.pb-c.h"
#include "memberproj.h"
#include "status.h"

static config_common common;
static struct notify_app app = {.common = &common};
static const char *pii_enc, *pii_mac;

static int notify_start(svc_ctx *ctx)
{
	if (crypto_keys_from_hex(&app.keys, pii_enc, pii_mac) != 0)
		return ST_INTERNAL;
	return notify_sms_setup(NOTIFY_APP(ctx));
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
};

/* In-site messages come from these sources' events (durable: outbox and replay);
 * enterprise's also keep the membership projection, so notify calls no service. */
static const svc_subscription notify_subs[] = {{"accounts", notify_messages_apply},
                                               {"enterprise", notify_enterprise_apply},
                                               {"market", notify_market_apply},
                                               {"billfin", notify_billfin_apply}};

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
	               .app = &app};
	int rv = svc_main(&def, argc, argv, &common, items, sizeof items / sizeof items[0]);
	notify_sms_teardown(&app);
	return rv;
}
