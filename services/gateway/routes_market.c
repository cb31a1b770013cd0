/* Routes of the market service: the loan marketplace (金融超市). */
#include "market.pb-c.h"
#include "routes.h"

/* Service Demands (proto/market.proto): financing demands (融资需求). */
#define DEM(m, p, rpc, created, summary)                                                           \
	{                                                                                          \
		m, p, "market", &market__demands__descriptor, rpc, GW_AUTH_SESSION, created,       \
		        summary, GW_SESSION_KEEP, NULL, 0, GW_LIMIT_NONE                           \
	}

static gw_route routes[] = {
        /* ---- financing demands (融资需求) ---- */
        DEM("POST", "/api/v1/enterprise/financing-demands", "SubmitDemand", 1,
            "企业：提交融资需求"),
        DEM("GET", "/api/v1/enterprise/financing-demands", "ListEnterpriseDemands", 0,
            "企业：我的融资需求（含接单状态、审核状态与审核意见）"),
        DEM("GET", "/api/v1/enterprise/financing-demands/{id}", "GetEnterpriseDemand", 0,
            "企业：融资需求详情"),
        DEM("POST", "/api/v1/enterprise/financing-demands/{id}/withdrawal", "WithdrawDemand", 0,
            "企业：撤回待接单的融资需求"),
        DEM("GET", "/api/v1/institution/financing-demands", "ListInstitutionDemands", 0,
            "机构：本机构产品的融资需求"),
        DEM("GET", "/api/v1/institution/financing-demands/{id}", "GetInstitutionDemand", 0,
            "机构：融资需求详情"),
        DEM("POST", "/api/v1/institution/financing-demands/{id}/taking", "TakeDemand", 0,
            "信贷员：接单"),
        DEM("POST", "/api/v1/institution/financing-demands/{id}/review", "ReviewDemand", 0,
            "信贷员：审核（通过或拒绝，拒绝须填写审核意见）"),
        DEM("POST", "/api/v1/institution/financing-demands/{id}/disbursement", "DisburseDemand", 0,
            "信贷员：登记放款结果"),
};

const gw_route_table gw_routes_market = {routes, sizeof routes / sizeof routes[0]};
