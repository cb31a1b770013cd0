/* market: wires the bus clients and the handlers to the runtime. */
#include "market.h"
#include "status.h"

static struct market_app app;
static config_common common;

static int market_start(svc_ctx *ctx)
{
	(void)ctx;
	if (bus_client_open(&app.enterprise, common.bus_urls, "enterprise") != 0)
		return ST_UNAVAILABLE;
	if (bus_client_open(&app.accounts, common.bus_urls, "accounts") != 0)
		return ST_UNAVAILABLE;
	return ST_OK;
}

int main(int argc, char **argv)
{
	/* One entry per service of proto/market.proto. */
	svc_api apis[] = {market_catalogue_api, market_demands_api, market_content_api};
	svc_def def = {.name = "market",
	               .apis = apis,
	               .napis = sizeof apis / sizeof apis[0],
	               .start = market_start,
	               .app = &app};
	int rv = svc_main(&def, argc, argv, &common, NULL, 0);
	bus_client_close(app.enterprise);
	bus_client_close(app.accounts);
	return rv;
}
