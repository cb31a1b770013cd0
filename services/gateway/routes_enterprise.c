/* Routes of the enterprise service. */
#include "enterprise.pb-c.h"
#include "enterprise_registry.pb-c.h"
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
        /* Service Registry (proto/enterprise_registry.proto): logged-in users only. */
        {"GET", "/api/v1/registry/enterprises", "enterprise", &enterprise__registry__descriptor,
         "SearchRegistry", GW_AUTH_SESSION, 0, "工商登记信息查询（按统一社会信用代码或企业名称）",
         GW_SESSION_KEEP, NULL, 0},
};

const gw_route_table gw_routes_enterprise = {routes, sizeof routes / sizeof routes[0]};
