/* payments: wires config, the handlers and the subscriptions. */
#include "memberproj.h"
#include "payments.h"
#include "status.h"

static struct payments_app app;
static config_common common;
static const char *pii_enc, *pii_mac;

static int payments_start(svc_ctx *ctx)
{
	(void)ctx;
	app.development = config_is_development(&common);
	if (crypto_keys_from_hex(&app.pii, pii_enc, pii_mac) != 0)
		return ST_INTERNAL;
	/* online: payments_refunder_register("wechat", …), ("alipay", …) here */
	return ST_OK;
}

static const svc_handler payments_handlers[] = {
        {"CreateIntent", payments_create_intent},
        {"GetIntent", payments_get_intent},
        {"CloseIntent", payments_close_intent},
        {"DevCreateIntent", payments_dev_create_intent},
        {"GetPayerIntent", payments_payer_get},
        {"UploadSlip", payments_upload_slip},
        {"ListOperatorIntents", payments_operator_list},
        {"GetOperatorIntent", payments_operator_get},
        {"GetOperatorSlip", payments_operator_slip},
        {"RecordReceipt", payments_record_receipt},
        {"RefundIntent", payments_refund_intent},
        {"ListLedgerAccounts", payments_ledger_accounts},
        {"ListLedgerEntries", payments_ledger_entries},
};
/* The owners' methods: the owner is the calling service. */
static const char *const payments_bus_only[] = {"CreateIntent", "GetIntent", "CloseIntent", NULL};
static const char *const payments_idempotent[] = {"DevCreateIntent", "UploadSlip", "RecordReceipt",
                                                  "RefundIntent", NULL};

/* The payer's scope reads memberships from enterprise's events; billfin's completed
 * orders are posted to the ledger. */
static const svc_subscription payments_subs[] = {{"enterprise", memberproj_apply},
                                                 {"billfin", payments_billfin_apply}};

int main(int argc, char **argv)
{
	config_item items[] = {
	        {"PAYMENTS_ACCOUNT_NAME", CFG_STR, "中小企业融资服务平台有限公司", 0, 0,
	         "the platform's receiving account for bank transfers (对公转账): account name",
	         &app.account_name},
	        {"PAYMENTS_BANK_NAME", CFG_STR, "中国工商银行北京金融街支行", 0, 0,
	         "the receiving account's bank and branch (开户行)", &app.bank_name},
	        {"PAYMENTS_ACCOUNT_NO", CFG_STR, "0200001234567890123", 0, 0,
	         "the receiving account's number (账号)", &app.account_no},
	        CRYPTO_KEY_CONFIG_ITEMS(&pii_enc, &pii_mac),
	};
	svc_api apis[] = {SVC_API(&payments__payments__descriptor, payments_handlers,
	                          .bus_only = payments_bus_only,
	                          .idempotent = payments_idempotent)};
	svc_def def = {.name = "payments",
	               .apis = apis,
	               .napis = sizeof apis / sizeof apis[0],
	               .migrations = &memberproj_migration,
	               .nmigrations = 1,
	               .subs = payments_subs,
	               .nsubs = sizeof payments_subs / sizeof payments_subs[0],
	               .start = payments_start,
	               .app = &app};
	return svc_main(&def, argc, argv, &common, items, sizeof items / sizeof items[0]);
}
