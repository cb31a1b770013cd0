/* Routes of the enterprise service. */
#include "enterprise.pb-c.h"
#include "routes.h"

#define ENT(m, p, rpc, auth, created, summary, flags)                                              \
	{                                                                                          \
		m, p, "enterprise", &enterprise__enterprise__descriptor, rpc, auth, created,       \
		        summary, GW_SESSION_KEEP, NULL, flags                                      \
	}

static gw_route routes[] = {
        ENT("GET", "/api/v1/regions", "ListRegions", GW_AUTH_NONE, 0,
            "行政区划列表（省、市、区县、乡镇街道）", 0),
        ENT("POST", "/api/v1/region-lookups", "ResolveRegions", GW_AUTH_NONE, 0,
            "按行政区划代码批量查询名称与上级区划", 0),
};

const gw_route_table gw_routes_enterprise = {routes, sizeof routes / sizeof routes[0]};
