/* enterprise: wires config, reference data, providers and the handlers to the runtime. */
#include "certification.h"
#include "enterprise.h"
#include "enterprise.pb-c.h"
#include "files.h"
#include "members.h"
#include "payout.h"
#include "regions.h"
#include "registry.h"
#include "status.h"

#include <stdio.h>

static struct enterprise_app app;
static config_common common;
static long registry_timeout_ms, payout_settle_ms, payout_timeout_ms;
static const char *pii_enc, *pii_mac;

static int enterprise_start(svc_ctx *ctx)
{
	app.development = config_is_development(&common);
	if (crypto_keys_from_hex(&app.keys, pii_enc, pii_mac) != 0)
		return ST_INTERNAL;
	if (bus_client_open(&app.accounts, common.bus_urls, "accounts") != 0)
		return ST_UNAVAILABLE;
	if (enterprise_registry_open(&app, registry_timeout_ms) != ST_OK)
		return ST_INTERNAL;
	char ledger[1024];
	snprintf(ledger, sizeof ledger, "%s/bank/payouts.jsonl", common.var_dir);
	payout_config pc = {.kind = app.payout_kind,
	                    .url = app.payout_url,
	                    .app_key = app.payout_app_key,
	                    .sandbox_file = *app.payout_file ? app.payout_file : ledger,
	                    .settle_ms = payout_settle_ms,
	                    .timeout_ms = payout_timeout_ms};
	if (payout_open(&pc, !app.development, &app.payout) != 0)
		return ST_INTERNAL;
	/* Blobs stored before they were sealed (migration 006) are sealed before any request. */
	if (enterprise_files_seal_existing(ctx) != ST_OK)
		return ST_INTERNAL;
	return enterprise_regions_load(ctx->db, app.regions_dir);
}

/* Service Enterprise of proto/enterprise.proto, bound by method name. */
static const svc_handler enterprise_handlers[] = {
        {"ListRegions", enterprise_regions_list},
        {"ResolveRegions", enterprise_regions_resolve},
        {"GetEnterprise", enterprise_get},
        {"GetReceivingAccount", enterprise_receiving_account_get},
        {"UnsealReceivingAccount", enterprise_receiving_account_unseal},
};

/* Asked by other services only (no gateway route answers them). */
static const char *const enterprise_bus_only[] = {"GetEnterprise", "GetReceivingAccount",
                                                  "UnsealReceivingAccount", NULL};

int main(int argc, char **argv)
{
	config_item items[] = {
	        {"REGIONS_DIR", CFG_STR, "services/enterprise/data/regions", 0, 0,
	         "directory of the GB/T 2260 division CSV files", &app.regions_dir},
	        {"REGISTRY_PROVIDER", CFG_ENUM, "", 0, 0,
	         "business registry; empty: sandbox in development, refused in production",
	         CONFIG_ENUM(registry_provider_names, &app.registry_provider)},
	        {"REGISTRY_URL", CFG_STR, "", 0, 0, "base URL of the http business-registry API",
	         &app.registry_url},
	        {"REGISTRY_APP_KEY", CFG_STR, "", 0, 0,
	         "http provider: the account key; empty: none", &app.registry_app_key},
	        {"REGISTRY_SANDBOX_FILE", CFG_STR,
	         "services/enterprise/data/registry/enterprises.csv", 0, 0,
	         "the sandbox registry's data set (CSV)", &app.registry_file},
	        {"REGISTRY_TIMEOUT_MS", CFG_INT, "3000", 100, 60000,
	         "deadline of one call to the business registry", &registry_timeout_ms},
	        {"PAYOUT_PROVIDER", CFG_ENUM, "sandbox", 0, 0,
	         "bank payouts (micro-deposits); the sandbox is refused in production",
	         CONFIG_ENUM(payout_provider_names, &app.payout_kind)},
	        {"PAYOUT_URL", CFG_STR, "", 0, 0, "base URL of the http bank-payout API",
	         &app.payout_url},
	        {"PAYOUT_APP_KEY", CFG_STR, "", 0, 0,
	         "http payout provider: the account key; empty: none", &app.payout_app_key},
	        {"PAYOUT_TIMEOUT_MS", CFG_INT, "5000", 100, 60000,
	         "deadline of one call to the bank-payout API", &payout_timeout_ms},
	        {"PAYOUT_SANDBOX_FILE", CFG_STR, "", 0, 0,
	         "the sandbox bank's ledger and statement; empty: $VAR_DIR/bank/payouts.jsonl",
	         &app.payout_file},
	        {"PAYOUT_SANDBOX_SETTLE_MS", CFG_INT, "1000", 0, 3600000,
	         "the sandbox bank: from accepting a payout to its result", &payout_settle_ms},
	        {"ENTERPRISE_ACCOUNT_UNSEAL_CALLERS", CFG_STR, "billfin,payments", 0, 0,
	         "services that may unseal a verified receiving account's number (comma-separated)",
	         &app.unseal_callers},
	        CRYPTO_KEY_CONFIG_ITEMS(&pii_enc, &pii_mac),
	};
	/* One entry per service of the enterprise daemon's proto files. */
	svc_api apis[] = {
	        SVC_API(&enterprise__enterprise__descriptor, enterprise_handlers,
	                .bus_only = enterprise_bus_only),
	        enterprise_registry_api,
	        enterprise_membership_api,
	        enterprise_certification_api,
	};
	/* One entry per source of events (the subscriber finds a source's first). */
	svc_subscription subs[] = {enterprise_persons_subscription};
	svc_def def = {.name = "enterprise",
	               .apis = apis,
	               .napis = sizeof apis / sizeof apis[0],
	               .subs = subs,
	               .nsubs = sizeof subs / sizeof subs[0],
	               .start = enterprise_start,
	               .app = &app};
	int rv = svc_main(&def, argc, argv, &common, items, sizeof items / sizeof items[0]);
	enterprise_registry_close(&app);
	payout_close(app.payout);
	bus_client_close(app.accounts);
	return rv;
}
