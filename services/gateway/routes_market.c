/* Routes of the market service: the loan marketplace (金融超市). */
#include "market.pb-c.h"
#include "routes.h"

#define MKT(m, p, rpc, auth, created, summary)                                                     \
	{                                                                                          \
		m, p, "market", &market__market__descriptor, rpc, auth, created, summary,          \
		        GW_SESSION_KEEP, NULL, 0, GW_LIMIT_NONE                                    \
	}
#define DEM(m, p, rpc, created, summary)                                                           \
	{                                                                                          \
		m, p, "market", &market__demands__descriptor, rpc, GW_AUTH_SESSION, created,       \
		        summary, GW_SESSION_KEEP, NULL, 0, GW_LIMIT_NONE                           \
	}
#define CNT(m, p, rpc, auth, created, summary, flags)                                              \
	{                                                                                          \
		m, p, "market", &market__content__descriptor, rpc, auth, created, summary,         \
		        GW_SESSION_KEEP, NULL, flags, GW_LIMIT_NONE                                \
	}
#define S GW_AUTH_SESSION

static gw_route routes[] = {
        MKT("GET", "/api/v1/institutions", "ListInstitutions", GW_AUTH_NONE, 0, "金融机构列表"),
        MKT("GET", "/api/v1/institutions/{id}", "GetInstitution", GW_AUTH_NONE, 0,
            "金融机构详情（含支行）"),
        MKT("GET", "/api/v1/products", "SearchProducts", GW_AUTH_NONE, 0,
            "金融超市：搜索已上架的贷款产品（关键词、担保方式、额度、期限、利率、机构、地区）"),
        MKT("GET", "/api/v1/products/{id}", "GetProduct", GW_AUTH_NONE, 0, "贷款产品详情"),
        MKT("POST", "/api/v1/operator/institutions", "CreateInstitution", S, 1,
            "运营：新建金融机构"),
        MKT("PATCH", "/api/v1/operator/institutions/{id}", "UpdateInstitution", S, 0,
            "运营：修改金融机构"),
        MKT("POST", "/api/v1/operator/institutions/{institution_id}/branches", "CreateBranch", S, 1,
            "运营：新建支行"),
        MKT("POST", "/api/v1/operator/institutions/{institution_id}/staff", "AddStaff", S, 1,
            "运营：按手机号添加机构人员"),
        MKT("GET", "/api/v1/operator/institutions/{institution_id}/staff", "ListStaff", S, 0,
            "运营：机构人员列表"),
        MKT("DELETE", "/api/v1/operator/institutions/{institution_id}/staff/{id}", "RemoveStaff", S,
            0, "运营：移除机构人员"),
        MKT("GET", "/api/v1/institution/me", "GetMyStaff", S, 0, "机构人员：我的机构身份"),
        MKT("POST", "/api/v1/institution/staff", "AddInstitutionStaff", S, 1,
            "机构管理员：按手机号添加本机构人员"),
        MKT("GET", "/api/v1/institution/staff", "ListInstitutionStaff", S, 0,
            "机构管理员：本机构人员列表"),
        MKT("DELETE", "/api/v1/institution/staff/{id}", "RemoveInstitutionStaff", S, 0,
            "机构管理员：移除本机构人员"),
        MKT("POST", "/api/v1/institution/products", "CreateProduct", S, 1,
            "机构管理员：新建贷款产品（草稿）"),
        MKT("GET", "/api/v1/institution/products", "ListInstitutionProducts", S, 0,
            "机构人员：本机构的贷款产品"),
        MKT("GET", "/api/v1/institution/products/{id}", "GetInstitutionProduct", S, 0,
            "机构人员：本机构的贷款产品详情"),
        MKT("PATCH", "/api/v1/institution/products/{id}", "UpdateProduct", S, 0,
            "机构管理员：修改贷款产品"),
        MKT("POST", "/api/v1/institution/products/{id}/publication", "PublishProduct", S, 0,
            "机构管理员：上架贷款产品"),
        MKT("POST", "/api/v1/institution/products/{id}/withdrawal", "OfflineProduct", S, 0,
            "机构管理员：下架贷款产品"),
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
        CNT("GET", "/api/v1/articles", "ListArticles", GW_AUTH_NONE, 0,
            "已发布的文章（惠企政策、新闻资讯、平台公告、关于我们）：栏目、关键词、地区筛选", 0),
        CNT("GET", "/api/v1/articles/{id}", "GetArticle", GW_AUTH_NONE, 0, "文章详情（仅已发布）",
            0),
        CNT("GET", "/api/v1/home-feed", "GetHomeFeed", GW_AUTH_NONE, 0,
            "首页：置顶文章与各栏目最新文章", 0),
        CNT("GET", "/api/v1/site-settings", "GetSiteSettings", GW_AUTH_NONE, 0,
            "站点设置：客服电话、服务时间、ICP 备案号、页脚链接（ETag）", GW_ETAG),
        CNT("POST", "/api/v1/operator/articles", "CreateArticle", S, 1,
            "内容编辑：新建文章（草稿）", 0),
        CNT("GET", "/api/v1/operator/articles", "ListEditorArticles", S, 0,
            "内容编辑：文章列表（全部状态）", 0),
        CNT("GET", "/api/v1/operator/articles/{id}", "GetEditorArticle", S, 0,
            "内容编辑：预览文章（任意状态，含 Markdown 原文与渲染结果）", 0),
        CNT("PATCH", "/api/v1/operator/articles/{id}", "UpdateArticle", S, 0,
            "内容编辑：修改文章（保留历史版本）", 0),
        CNT("POST", "/api/v1/operator/articles/{id}/publication", "PublishArticle", S, 0,
            "内容编辑：发布文章", 0),
        CNT("POST", "/api/v1/operator/articles/{id}/withdrawal", "OfflineArticle", S, 0,
            "内容编辑：下线文章", 0),
        CNT("GET", "/api/v1/operator/articles/{id}/versions", "ListArticleVersions", S, 0,
            "内容编辑：文章的历史版本", 0),
        CNT("PUT", "/api/v1/operator/site-settings", "UpdateSiteSettings", S, 0,
            "内容编辑：修改站点设置", 0),
};

const gw_route_table gw_routes_market = {routes, sizeof routes / sizeof routes[0]};
