/* payments: wires config, the handlers and the subscriptions. */
#include "invoices.h"
#include "memberproj.h"
#include "payments.h"
#include "pdfdoc.h"
#include "status.h"
/* online */
#include "online.h"

static struct payments_app app;
static config_common common;
static const char *pii_enc, *pii_mac;
static long tick_threads;
/* invoices */
static payments_invoices_cfg invoices_cfg;

static int payments_start(svc_ctx *ctx)
{
	(void)ctx;
	app.development = config_is_development(&common);
	if (crypto_keys_from_hex(&app.pii, pii_enc, pii_mac) != 0)
		return ST_INTERNAL;
	/* online: the providers opened, their refunders registered */
	int rv = online_start(ctx);
	if (rv != ST_OK)
		return rv;
	/* invoices */
	return payments_invoices_setup(&invoices_cfg);
}

/* Background work of the parts of the service, one after the other; the shortest wait wins. */
static int payments_tick(svc_ctx *ctx)
{
	int wait = 5000;
	/* online: queries of payments without a notify, refunds owed, daily reconciliation */
	int w = online_tick(ctx);
	if (w < wait)
		wait = w;
	/* invoices: issued after payment and refund */
	w = payments_invoices_tick(ctx);
	if (w < wait)
		wait = w;
	return wait;
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

/* online */
static const svc_handler online_handlers[] = {
        {"StartOnline", online_start_payment},     {"GetOnlineQr", online_qr},
        {"WechatNotify", online_wechat_notify},    {"AlipayNotify", online_alipay_notify},
        {"ListReconciliation", online_recon_list}, {"RunReconciliation", online_recon_run},
        {"DevCloseIntent", online_dev_close},
};
static const char *const online_idempotent[] = {"StartOnline", "RunReconciliation", NULL};

/* invoices: service Invoices (proto/payments_invoices.proto). */
static const svc_handler invoices_handlers[] = {
        {"ListIntentInvoices", payments_invoices_of_intent},
        {"GetInvoicePdf", payments_invoice_pdf},
        {"ListOperatorInvoices", payments_invoices_operator_list},
        {"GetInvoiceMail", payments_invoice_mail},
};
/* notify's delivery thread only (the answer holds the e-mail address). */
static const char *const invoices_bus_only[] = {"GetInvoiceMail", NULL};

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
	        /* online */
	        ONLINE_CONFIG_ITEMS(&online_cfg),
	        /* invoices */
	        {"INVOICE_SELLER_NAME", CFG_STR, "中小企业融资服务平台有限公司", 0, 0,
	         "the seller (销售方) printed on every e-invoice: name", &invoices_cfg.seller_name},
	        {"INVOICE_SELLER_TAX_ID", CFG_STR, "91110102MA01PAYX18", 0, 0,
	         "the seller's unified social credit code (纳税人识别号)",
	         &invoices_cfg.seller_tax_id},
	        {"INVOICE_REGION", CFG_STR, "11", 0, 0,
	         "2 digits: the seller's province code (GB/T 2260), digits 3-4 of invoice numbers",
	         &invoices_cfg.region},
	        {"INVOICE_DEFAULT_TAX_RATE_BP", CFG_INT, "600", 0, 10000,
	         "tax rate (basis points) of an intent that has no items",
	         &invoices_cfg.default_rate_bp},
	        {"INVOICE_POLL_MS", CFG_INT, "500", 50, 60000,
	         "how often an idle invoice thread looks for paid intents and refunds to invoice",
	         &invoices_cfg.poll_ms},
	        {"PAYMENTS_TICKS", CFG_INT, "1", 0, 8,
	         "background threads (invoices to issue, online payments to query, refunds owed, "
	         "reconciliation; 0: none on this replica)",
	         &tick_threads},
	};
	svc_api apis[] = {SVC_API(&payments__payments__descriptor, payments_handlers,
	                          .bus_only = payments_bus_only, .idempotent = payments_idempotent),
	                  /* online */
	                  SVC_API(&payments_online__payments_online__descriptor, online_handlers,
	                          .idempotent = online_idempotent),
	                  /* invoices */
	                  SVC_API(&payments__invoices__descriptor, invoices_handlers,
	                          .bus_only = invoices_bus_only)};
	svc_def def = {.name = "payments",
	               .apis = apis,
	               .napis = sizeof apis / sizeof apis[0],
	               .migrations = &memberproj_migration,
	               .nmigrations = 1,
	               .subs = payments_subs,
	               .nsubs = sizeof payments_subs / sizeof payments_subs[0],
	               .start = payments_start,
	               .tick = payments_tick,
	               .ntick = &tick_threads,
	               .app = &app};
	int rv = svc_main(&def, argc, argv, &common, items, sizeof items / sizeof items[0]);
	/* invoices: the PDF's font caches, released for the leak checker */
	pdfdoc_shutdown();
	return rv;
}
