/* enterprise: wires the service's handlers and reference data to the runtime. */
#include "enterprise.pb-c.h"
#include "regions.h"
#include "status.h"
#include "svc.h"

struct enterprise_app {
	const char *regions_dir;
};

static struct enterprise_app app;

static int enterprise_start(svc_ctx *ctx)
{
	return enterprise_regions_load(ctx->db, app.regions_dir);
}

/* In the order of the Enterprise service in proto/enterprise.proto. */
static const svc_handler_fn enterprise_handlers[] = {enterprise_regions_list,
                                                     enterprise_regions_resolve};

int main(int argc, char **argv)
{
	config_common common;
	config_item items[] = {
	        {"REGIONS_DIR", CFG_STR, "services/enterprise/data/regions", 0, 0,
	         "directory of the GB/T 2260 division CSV files", &app.regions_dir},
	};
	svc_api apis[] = {{&enterprise__enterprise__descriptor, enterprise_handlers}};
	svc_def def = {.name = "enterprise",
	               .apis = apis,
	               .napis = 1,
	               .start = enterprise_start,
	               .app = &app};
	return svc_main(&def, argc, argv, &common, items, 1);
}
