/* Routes of the enterprise service. */
#include "enterprise.pb-c.h"
#include "routes.h"

static gw_route routes[] = {
        {"GET", "/api/v1/regions", "enterprise", &enterprise__enterprise__descriptor, "ListRegions",
         GW_AUTH_NONE, 0, "行政区划列表（省、市、区县、乡镇街道）", GW_SESSION_KEEP, NULL},
        {"POST", "/api/v1/region-lookups", "enterprise", &enterprise__enterprise__descriptor,
         "ResolveRegions", GW_AUTH_NONE, 0, "按行政区划代码批量查询名称与上级区划", GW_SESSION_KEEP,
         NULL},
};

const gw_route_table gw_routes_enterprise = {routes, sizeof routes / sizeof routes[0]};
