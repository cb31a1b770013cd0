/* billfin: wires config, the disclosure platform, the holiday years and the handlers. */
#include "billfin.h"
#include "disclosure.h"
#include "status.h"

static struct billfin_app app;
static config_common common;
static const char *pii_enc, *pii_mac;

static int billfin_start(svc_ctx *ctx)
{
	app.development = config_is_development(&common);
	if (crypto_keys_from_hex(&app.keys, pii_enc, pii_mac) != 0)
		return ST_INTERNAL;
	if (bus_client_open(&app.enterprise, common.bus_urls, "enterprise") != 0)
		return ST_UNAVAILABLE;
	if (bus_client_open(&app.market, common.bus_urls, "market") != 0)
		return ST_UNAVAILABLE;
	if (billfin_disclosure_open(&app) != ST_OK)
		return ST_INTERNAL;
	return billfin_holidays_seed(ctx);
}

static const svc_handler billfin_handlers[] = {
        {"CreateBillOrder", billfin_order_create},
        {"ListEnterpriseBillOrders", billfin_list_enterprise},
        {"GetEnterpriseBillOrder", billfin_order_enterprise_get},
        {"ConfirmBillOrder", billfin_order_confirm},
        {"ReplaceBillDocuments", billfin_order_documents},
        {"CloseEnterpriseBillOrder", billfin_order_enterprise_close},
        {"EndorseBillOrder", billfin_order_endorse},
        {"GetEnterpriseBillFile", billfin_order_enterprise_file},
        {"ListFunderBillOrders", billfin_list_funder},
        {"GetFunderBillOrder", billfin_order_funder_get},
        {"FunderQuote", billfin_quote_funder},
        {"FunderDisburse", billfin_disburse_funder},
        {"GetPayeeAccount", billfin_payee_account},
        {"GetFunderBillFile", billfin_order_funder_file},
        {"ListOperatorBillOrders", billfin_list_operator},
        {"GetOperatorBillOrder", billfin_order_operator_get},
        {"OperatorQuote", billfin_quote_operator},
        {"ReviewBillOrder", billfin_order_review},
        {"CloseOperatorBillOrder", billfin_order_operator_close},
        {"OperatorDisburse", billfin_disburse_operator},
        {"GetOperatorBillFile", billfin_order_operator_file},
        {"LoadHolidayYear", billfin_holiday_load},
        {"ListHolidayYears", billfin_holiday_list},
};

/* Creating and money-moving POSTs: a retry with the same Idempotency-Key does nothing twice. */
static const char *const billfin_idempotent[] = {
        "CreateBillOrder",  "FunderQuote", "OperatorQuote", "ConfirmBillOrder", "FunderDisburse",
        "OperatorDisburse", NULL};

int main(int argc, char **argv)
{
	pthread_mutex_init(&app.cal_lock, NULL);
	config_item items[] = {
	        {"DISCLOSURE_PROVIDER", CFG_ENUM, "", 0, 0,
	         "bill disclosure platform; empty: sandbox in development, refused in production",
	         CONFIG_ENUM(disclosure_provider_names, &app.disclosure_kind)},
	        {"DISCLOSURE_URL", CFG_STR, "", 0, 0,
	         "base URL of the http disclosure-platform API", &app.disclosure_url},
	        {"DISCLOSURE_SANDBOX_FILE", CFG_STR,
	         "services/billfin/data/disclosure/acceptors.csv", 0, 0,
	         "the sandbox disclosure platform's data set (CSV)", &app.disclosure_file},
	        {"DISCLOSURE_TIMEOUT_MS", CFG_INT, "3000", 100, 60000,
	         "deadline of one call to the disclosure platform", &app.disclosure_timeout_ms},
	        {"HOLIDAYS_DIR", CFG_STR, "services/billfin/data/holidays", 0, 0,
	         "official holiday years (holiday-cn JSON) seeded into the table at start",
	         &app.holidays_dir},
	        CRYPTO_KEY_CONFIG_ITEMS(&pii_enc, &pii_mac),
	};
	svc_api apis[] = {SVC_API(&billfin__billfin__descriptor, billfin_handlers,
	                          .idempotent = billfin_idempotent)};
	svc_def def = {.name = "billfin",
	               .apis = apis,
	               .napis = sizeof apis / sizeof apis[0],
	               .start = billfin_start,
	               .app = &app};
	int rv = svc_main(&def, argc, argv, &common, items, sizeof items / sizeof items[0]);
	billfin_disclosure_close(&app);
	billfin_holidays_close(&app);
	bus_client_close(app.enterprise);
	bus_client_close(app.market);
	pthread_mutex_destroy(&app.cal_lock);
	return rv;
}
