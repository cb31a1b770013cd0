/* Routes of the enterprise service. */
#include "enterprise.pb-c.h"
#include "enterprise_kyb.pb-c.h"
#include "enterprise_registry.pb-c.h"
#include "enterprise_members.pb-c.h"
#include "routes.h"

#define ENT(m, p, rpc, auth, created, summary, flags)                                              \
	{                                                                                          \
		m, p, "enterprise", &enterprise__enterprise__descriptor, rpc, auth, created,       \
		        summary, GW_SESSION_KEEP, NULL, flags, GW_LIMIT_NONE                       \
	}

/* Service Membership (proto/enterprise_members.proto): 加入企业, members, 收款账户. */
#define MEM(m, p, rpc, created, summary)                                                           \
	{                                                                                          \
		m, p, "enterprise", &enterprise__membership__descriptor, rpc, GW_AUTH_SESSION,     \
		        created, summary, GW_SESSION_KEEP, NULL, 0, GW_LIMIT_NONE                  \
	}
#define MEM_L(m, p, rpc, created, summary, limit)                                                  \
	{                                                                                          \
		m, p, "enterprise", &enterprise__membership__descriptor, rpc, GW_AUTH_SESSION,     \
		        created, summary, GW_SESSION_KEEP, NULL, 0, limit                          \
	}

/* Service Certification (proto/enterprise_kyb.proto): 企业认证, its review and files. */
#define CERT(m, p, rpc, auth, created, summary, flags)                                             \
	{                                                                                          \
		m, p, "enterprise", &enterprise__certification__descriptor, rpc, auth, created,    \
		        summary, GW_SESSION_KEEP, NULL, flags, GW_LIMIT_NONE                       \
	}
#define CERT_L(m, p, rpc, auth, created, summary, flags, limit)                                    \
	{                                                                                          \
		m, p, "enterprise", &enterprise__certification__descriptor, rpc, auth, created,    \
		        summary, GW_SESSION_KEEP, NULL, flags, limit                               \
	}

static gw_route routes[] = {
        ENT("GET", "/api/v1/regions", "ListRegions", GW_AUTH_NONE, 0,
            "行政区划列表（省、市、区县、乡镇街道）", 0),
        ENT("POST", "/api/v1/region-lookups", "ResolveRegions", GW_AUTH_NONE, 0,
            "按行政区划代码批量查询名称与上级区划", 0),
        /* Service Registry (proto/enterprise_registry.proto): logged-in users only. */
        {"GET", "/api/v1/registry/enterprises", "enterprise", &enterprise__registry__descriptor,
         "SearchRegistry", GW_AUTH_SESSION, 0, "工商登记信息查询（按统一社会信用代码或企业名称）",
         GW_SESSION_KEEP, NULL, 0, GW_LIMIT_REGISTRY},
        CERT_L("POST", "/api/v1/enterprise/certifications", "CreateCertification", GW_AUTH_SESSION,
               1, "企业认证：新建认证申请（草稿，按工商登记信息核对）", 0, GW_LIMIT_DRAFT),
        CERT("GET", "/api/v1/enterprise/certifications", "ListCertifications", GW_AUTH_SESSION, 0,
             "企业认证：我的认证申请（最新在前）", 0),
        CERT("GET", "/api/v1/enterprise/certifications/{id}", "GetCertification", GW_AUTH_SESSION,
             0, "企业认证：查看我的认证申请（含材料、状态与驳回原因）", 0),
        CERT("PATCH", "/api/v1/enterprise/certifications/{id}", "UpdateCertification",
             GW_AUTH_SESSION, 0, "企业认证：修改草稿或被驳回的申请", 0),
        CERT("POST", "/api/v1/enterprise/certifications/{id}/files", "UploadCertificationFile",
             GW_AUTH_SESSION, 1,
             "企业认证：上传材料（营业执照、法定代表人身份证正反面、企业授权书）", GW_MULTIPART),
        CERT("POST", "/api/v1/enterprise/certifications/{id}/submission", "SubmitCertification",
             GW_AUTH_SESSION, 0, "企业认证：提交审核（需已完成个人实名认证）", 0),
        CERT("POST", "/api/v1/enterprise/certifications/{id}/legal-rep-check", "StartLegalRepCheck",
             GW_AUTH_SESSION, 1,
             "企业认证：发起法定代表人身份核验（人脸识别、银行卡四要素或运营商三要素）", 0),
        CERT("POST", "/api/v1/enterprise/certifications/{id}/legal-rep-check/confirmation",
             "ConfirmLegalRepCheck", GW_AUTH_SESSION, 0,
             "企业认证：确认法定代表人核验结果，核验通过即完成认证", 0),
        CERT("GET", "/api/v1/enterprise/authorization-letter", "GetAuthorizationLetter",
             GW_AUTH_NONE, 0, "下载《企业授权书》模板（PDF）", GW_FILE_REPLY),
        CERT("GET", "/api/v1/operator/certifications", "ListReviewQueue", GW_AUTH_SESSION, 0,
             "平台审核：企业认证审核队列（待审核按提交时间先后）", 0),
        CERT("GET", "/api/v1/operator/certifications/{id}", "GetReviewCertification",
             GW_AUTH_SESSION, 0, "平台审核：查看企业认证申请及材料", 0),
        CERT("POST", "/api/v1/operator/certifications/{id}/approval", "ApproveCertification",
             GW_AUTH_SESSION, 0, "平台审核：通过企业认证（申请人成为企业管理员）", 0),
        CERT("POST", "/api/v1/operator/certifications/{id}/rejection", "RejectCertification",
             GW_AUTH_SESSION, 0, "平台审核：驳回企业认证（须填写原因）", 0),
        CERT("GET", "/api/v1/files/{id}", "GetFile", GW_AUTH_SESSION, 0,
             "下载上传的文件（仅限可查看其所属申请的用户）", GW_FILE_REPLY),
        MEM_L("POST", "/api/v1/enterprise/join-requests", "JoinEnterprise", 1,
              "申请加入企业（按统一社会信用代码或企业全称，需已完成个人实名认证）", GW_LIMIT_JOIN),
        MEM("GET", "/api/v1/enterprise/join-requests", "ListMyJoinRequests", 0,
            "我加入的企业：我的加入申请及成员身份"),
        MEM("POST", "/api/v1/enterprise/join-requests/{id}/withdrawal", "WithdrawJoinRequest", 0,
            "撤销加入申请"),
        MEM("POST", "/api/v1/enterprise/join-requests/{id}/approval", "ApproveJoinRequest", 0,
            "企业管理员：同意加入申请"),
        MEM("POST", "/api/v1/enterprise/join-requests/{id}/rejection", "RejectJoinRequest", 0,
            "企业管理员：拒绝加入申请（须填写原因）"),
        MEM("GET", "/api/v1/enterprise/members", "ListMembers", 0,
            "当前企业的成员（管理员另见待审核的加入申请）"),
        MEM("DELETE", "/api/v1/enterprise/members/{person_id}", "RemoveMember", 0,
            "企业管理员移除成员；成员传自己的 ID 即退出企业"),
        MEM("POST", "/api/v1/enterprise/admin-handover", "HandOverAdmin", 0,
            "企业管理员：将管理员身份移交给其他成员"),
        MEM("GET", "/api/v1/enterprise/readiness", "GetMyReadiness", 0,
            "当前身份办理企业业务尚缺的条件（实名、企业认证、成员身份）"),
        MEM("POST", "/api/v1/enterprise/receiving-accounts", "CreateReceivingAccount", 1,
            "企业管理员：添加收款账户（账户名称为认证企业名称）"),
        MEM("GET", "/api/v1/enterprise/receiving-accounts", "ListReceivingAccounts", 0,
            "当前企业的收款账户（账号脱敏，含最近一次小额打款验证的状态）"),
        MEM("GET", "/api/v1/enterprise/receiving-accounts/{id}", "ShowReceivingAccount", 0,
            "查看当前企业的一个收款账户（含小额打款验证状态）"),
        MEM("PUT", "/api/v1/enterprise/receiving-accounts/{id}", "UpdateReceivingAccount", 0,
            "企业管理员：修改未验证的收款账户（开户银行、支行、账号）"),
        MEM("DELETE", "/api/v1/enterprise/receiving-accounts/{id}", "DeleteReceivingAccount", 0,
            "企业管理员：删除未验证的收款账户"),
        MEM("POST", "/api/v1/enterprise/receiving-accounts/{id}/micro-deposits",
            "StartMicroDeposit", 1,
            "企业管理员：发起小额打款验证（平台向该账户打入 0.01–0.99 元随机金额）"),
        MEM("POST", "/api/v1/enterprise/receiving-accounts/{id}/verify", "VerifyReceivingAccount",
            0, "企业管理员：填写到账金额完成验证（最多 3 次，48 小时内有效）"),
        {"GET", "/api/v1/dev/bank-statement", "enterprise", &enterprise__membership__descriptor,
         "ListDevBankStatement", GW_AUTH_DEV, 0, "开发模式：沙箱银行的入账流水（小额打款金额）",
         GW_SESSION_KEEP, NULL, 0, GW_LIMIT_NONE},
};

const gw_route_table gw_routes_enterprise = {routes, sizeof routes / sizeof routes[0]};
