/* Routes of the certs service: the platform CA's public PKI files (issue 17). */
#include "certs.pb-c.h"
#include "certs_apps.pb-c.h"
#include "certs_contracts.pb-c.h"
#include "certs_orders.pb-c.h"
#include "certs_seals.pb-c.h"
#include "certs_signing.pb-c.h"
#include "certs_verify.pb-c.h"
#include "routes.h"

/* Certificate applications (certapps). */
#define CAPP(m, p, rpc, created, summary, flags)                                                   \
	{                                                                                          \
		m, p, "certs", &certs__cert_applications__descriptor, rpc, GW_AUTH_SESSION,        \
		        created, summary, GW_SESSION_KEEP, NULL, flags, GW_LIMIT_NONE              \
	}
#define CAPP_SIDE(base, side, who)                                                                 \
	CAPP("POST", base, "Create" side "Application", 1, who "：提交证书申请单（新办或续费）",   \
	     0),                                                                                   \
	        CAPP("GET", base, "List" side "Applications", 0, who "：证书申请单列表", 0),       \
	        CAPP("GET", base "/{id}", "Get" side "Application", 0, who "：证书申请单详情", 0), \
	        CAPP("PATCH", base "/{id}", "Update" side "Application", 0,                        \
	             who "：修改待审核或已驳回的申请单（已驳回的修改后重新提交）", 0),             \
	        CAPP("DELETE", base "/{id}", "Delete" side "Application", 0,                       \
	             who "：删除待审核的申请单", 0),                                               \
	        CAPP("POST", base "/{id}/materials", "Upload" side "Material", 1,                  \
	             who "：上传申请材料扫描件", GW_MULTIPART),                                    \
	        CAPP("GET", base "/{id}/form.pdf", "Get" side "Form", 0,                           \
	             who "：打印申请表（PDF）", GW_FILE_REPLY),                                    \
	        CAPP("GET", base "/{id}/receipt.pdf", "Get" side "Receipt", 0,                     \
	             who "：打印申请回执（PDF）", GW_FILE_REPLY),                                  \
	        CAPP("GET", base "/{id}/pkcs12", "Get" side "Pkcs12", 0,                           \
	             who "：下载软证书（PKCS#12，仅一次）", GW_FILE_REPLY)
/* Certificate orders (certorders). */
#define CORD(m, p, rpc, auth, created, summary)                                                    \
	{                                                                                          \
		m, p, "certs", &certs__cert_orders__descriptor, rpc, auth, created, summary,       \
		        GW_SESSION_KEEP, NULL, 0, GW_LIMIT_NONE                                    \
	}
#define CORD_SIDE(base, side, who)                                                                 \
	CORD("POST", base, "Create" side "Order", GW_AUTH_SESSION, 1,                              \
	     who "：下单缴费（同一持有人的申请单；新办仅对公转账，续费可在线支付）"),              \
	        CORD("GET", base, "List" side "Orders", GW_AUTH_SESSION, 0, who "：订单管理"),     \
	        CORD("GET", base "/{id}", "Get" side "Order", GW_AUTH_SESSION, 0,                  \
	             who "：订单详情（含支付状态与转账信息）"),                                    \
	        CORD("POST", base "/{id}/cancellation", "Cancel" side "Order", GW_AUTH_SESSION, 0, \
	             who "：取消未付款的订单（申请单可重新下单）")
/* Seals (印章) and their grants. */
#define SEAL(m, p, rpc, created, summary, flags)                                                   \
	{                                                                                          \
		m, p, "certs", &certs__cert_seals__descriptor, rpc, GW_AUTH_SESSION, created,      \
		        summary, GW_SESSION_KEEP, NULL, flags, GW_LIMIT_NONE                       \
	}
/* Contracts (合同). */
#define CTR(m, p, rpc, created, summary, flags)                                                    \
	{                                                                                          \
		m, p, "certs", &certs__contracts__descriptor, rpc, GW_AUTH_SESSION, created,       \
		        summary, GW_SESSION_KEEP, NULL, flags, GW_LIMIT_NONE                       \
	}
/* certmgmt's rows. */
#define CRT(m, p, rpc, auth, created, summary, effect, flags, limit)                               \
	{                                                                                          \
		m, p, "certs", &certs__certs__descriptor, rpc, auth, created, summary, effect,     \
		        NULL, flags, limit                                                         \
	}

/* signing's rows. */
#define CSIGN(m, p, rpc, created, summary, flags)                                                  \
	{                                                                                          \
		m, p, "certs", &certs__contract_signing__descriptor, rpc, GW_AUTH_SESSION,         \
		        created, summary, GW_SESSION_KEEP, NULL, flags, GW_LIMIT_NONE              \
	}

static gw_route routes[] = {
        {"GET", "/pki/{file}", "certs", &certs__certs__descriptor, "GetCrl", GW_AUTH_NONE, 0,
         "证书吊销列表（CRL，DER）：/pki/<ca>.crl，ca 为 rsa、ecdsa 或 sm2", GW_SESSION_KEEP, NULL,
         GW_FILE_REPLY, GW_LIMIT_NONE},
        {"POST", "/api/v1/dev/certs/certificates", "certs", &certs__certs__descriptor,
         "DevIssueCertificate", GW_AUTH_DEV, 1, "开发环境：由 CSR 签发证书（测试用）",
         GW_SESSION_KEEP, NULL, 0, GW_LIMIT_NONE},
        {"POST", "/api/v1/dev/certs/revocations", "certs", &certs__certs__descriptor,
         "DevRevokeCertificate", GW_AUTH_DEV, 0, "开发环境：吊销证书（测试用）", GW_SESSION_KEEP,
         NULL, 0, GW_LIMIT_NONE},
        /* pki: the OCSP responder and the TSA speak DER (GW_RAW_BODY, GW_FILE_REPLY). */
        {"GET", "/pki/ocsp/{request+}", "certs", &certs__certs__descriptor, "Ocsp", GW_AUTH_NONE, 0,
         "OCSP 查询（RFC 6960 GET：路径为 URL 编码的 base64 请求）", GW_SESSION_KEEP, NULL,
         GW_FILE_REPLY | GW_RAW_BODY, GW_LIMIT_NONE},
        {"POST", "/pki/ocsp", "certs", &certs__certs__descriptor, "Ocsp", GW_AUTH_NONE, 0,
         "OCSP 查询（RFC 6960 POST：application/ocsp-request）", GW_SESSION_KEEP, NULL,
         GW_FILE_REPLY | GW_RAW_BODY, GW_LIMIT_NONE},
        {"POST", "/pki/tsa", "certs", &certs__certs__descriptor, "Timestamp", GW_AUTH_NONE, 0,
         "时间戳（RFC 3161：application/timestamp-query）", GW_SESSION_KEEP, NULL,
         GW_FILE_REPLY | GW_RAW_BODY, GW_LIMIT_NONE},
        CAPP_SIDE("/api/v1/me/certificate-applications", "My", "个人"),
        CAPP_SIDE("/api/v1/enterprise/certificate-applications", "Enterprise", "企业"),
        CAPP("GET", "/api/v1/operator/certificate-applications", "ListOfficerApplications", 0,
             "证书审核员：申请单列表（按状态筛选）", 0),
        CAPP("GET", "/api/v1/operator/certificate-applications/{id}", "GetOfficerApplication", 0,
             "证书审核员：申请单详情（含材料）", 0),
        CAPP("GET", "/api/v1/operator/certificate-applications/{id}/materials/{file_id}",
             "GetOfficerMaterial", 0, "证书审核员：查看申请材料扫描件", GW_FILE_REPLY),
        CAPP("POST", "/api/v1/operator/certificate-applications/{id}/acceptance",
             "AcceptApplication", 0, "证书审核员：受理并制证（签发证书）", 0),
        CAPP("POST", "/api/v1/operator/certificate-applications/{id}/rejection",
             "RejectApplication", 0, "证书审核员：驳回（须填写原因）", 0),
        CAPP("POST", "/api/v1/operator/certificate-applications/{id}/shipment", "ShipApplication",
             0, "证书审核员：已寄出（快递公司、运单号）", 0),
        CAPP("POST", "/api/v1/operator/certificate-applications/{id}/readiness", "ReadyApplication",
             0, "证书审核员：可领取", 0),
        CAPP("POST", "/api/v1/operator/certificate-applications/{id}/completion",
             "CompleteApplication", 0, "证书审核员：已完成", 0),
        /* certorders: prices, 下单缴费, 订单管理. */
        CORD("GET", "/api/v1/certificate-prices", "ListCertificatePrices", GW_AUTH_NONE, 0,
             "数字证书价格表（办理类型 × 介质 × 年限，含税率）"),
        CORD_SIDE("/api/v1/me/certificate-orders", "My", "个人"),
        CORD_SIDE("/api/v1/enterprise/certificate-orders", "Enterprise", "企业"),
        /* certmgmt: 证书管理, binding, certificate login, development helpers. */
        CRT("GET", "/api/v1/me/certificates", "ListMyCertificates", GW_AUTH_SESSION, 0,
            "我的证书（个人证书及绑定到我的证书）", GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("GET", "/api/v1/me/certificates/{serial}", "GetMyCertificate", GW_AUTH_SESSION, 0,
            "我的证书详情", GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("GET", "/api/v1/me/certificates/{serial}/{file}", "DownloadMyCertificate",
            GW_AUTH_SESSION, 0, "下载证书：certificate.pem、certificate.der 或 chain.pem",
            GW_SESSION_KEEP, GW_FILE_REPLY, GW_LIMIT_NONE),
        CRT("POST", "/api/v1/me/certificates/{serial}/revocations", "RevokeMyCertificate",
            GW_AUTH_SESSION, 0, "吊销我的证书（RFC 5280 吊销原因）", GW_SESSION_KEEP, 0,
            GW_LIMIT_NONE),
        CRT("GET", "/api/v1/enterprise/certificates", "ListEnterpriseCertificates", GW_AUTH_SESSION,
            0, "企业证书（当前企业身份，成员可见）", GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("GET", "/api/v1/enterprise/certificates/{serial}", "GetEnterpriseCertificate",
            GW_AUTH_SESSION, 0, "企业证书详情", GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("GET", "/api/v1/enterprise/certificates/{serial}/{file}",
            "DownloadEnterpriseCertificate", GW_AUTH_SESSION, 0,
            "下载企业证书：certificate.pem、certificate.der 或 chain.pem", GW_SESSION_KEEP,
            GW_FILE_REPLY, GW_LIMIT_NONE),
        CRT("POST", "/api/v1/enterprise/certificates/{serial}/revocations",
            "RevokeEnterpriseCertificate", GW_AUTH_SESSION, 0, "吊销企业证书（持有人或企业管理员）",
            GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("POST", "/api/v1/me/certificate-bindings/challenges", "CreateBindingChallenge",
            GW_AUTH_SESSION, 1, "获取绑定证书的校验码（5 分钟内一次有效）", GW_SESSION_KEEP, 0,
            GW_LIMIT_NONE),
        CRT("POST", "/api/v1/me/certificate-bindings", "BindMyCertificate", GW_AUTH_SESSION, 0,
            "绑定个人证书（证书 + 对校验码的签名）", GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("POST", "/api/v1/enterprise/certificate-bindings/challenges", "CreateBindingChallenge",
            GW_AUTH_SESSION, 1, "获取绑定企业证书的校验码", GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("POST", "/api/v1/enterprise/certificate-bindings", "BindEnterpriseCertificate",
            GW_AUTH_SESSION, 0, "绑定企业证书（企业管理员；证书 + 对校验码的签名）",
            GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("POST", "/api/v1/sessions/certificate-challenges", "CreateLoginChallenge", GW_AUTH_NONE,
            1, "获取证书登录的校验码（5 分钟内一次有效）", GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("POST", "/api/v1/sessions/certificate", "CertificateLogin", GW_AUTH_NONE, 0,
            "证书登录（证书 + 对校验码的签名）", GW_SESSION_ISSUE, 0, GW_LIMIT_LOGIN),
        CRT("POST", "/api/v1/dev/certs/cloud-keys", "DevStoreCloudKey", GW_AUTH_DEV, 1,
            "开发环境：保存云证书私钥（测试用）", GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("POST", "/api/v1/dev/certs/cloud-signatures", "DevSignWithCloudKey", GW_AUTH_DEV, 0,
            "开发环境：以云证书签名（测试用）", GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        CRT("POST", "/api/v1/dev/certs/jobs", "DevRunCertJobs", GW_AUTH_DEV, 0,
            "开发环境：立即运行证书定时任务（测试用）", GW_SESSION_KEEP, 0, GW_LIMIT_NONE),
        /* seals: 印章管理 (enterprise seals, grants), the personal signature, usable seals. */
        SEAL("GET", "/api/v1/enterprise/seals", "ListEnterpriseSeals", 0,
             "企业印章列表（成员可见；?state=active|disabled）", 0),
        SEAL("POST", "/api/v1/enterprise/seals", "CreateEnterpriseSeal", 1,
             "申请印章：企业管理员以企业云证书生成印章（公章、合同专用章、财务专用章、法定代表人章"
             "）",
             0),
        SEAL("POST", "/api/v1/enterprise/seals/upload", "UploadEnterpriseSeal", 1,
             "上传印章图片（透明背景 PNG）并绑定企业云证书（企业管理员）", GW_MULTIPART),
        SEAL("GET", "/api/v1/enterprise/seals/{id}", "GetEnterpriseSeal", 0, "企业印章详情", 0),
        SEAL("GET", "/api/v1/enterprise/seals/{id}/image", "GetEnterpriseSealImage", 0,
             "企业印章图片（PNG）", GW_FILE_REPLY),
        SEAL("POST", "/api/v1/enterprise/seals/{id}/disable", "DisableEnterpriseSeal", 0,
             "停用企业印章（企业管理员）", 0),
        SEAL("GET", "/api/v1/enterprise/seals/{id}/grants", "ListSealGrants", 0,
             "印章授权记录（企业管理员）", 0),
        SEAL("POST", "/api/v1/enterprise/seals/{id}/grants", "GrantSeal", 1,
             "授权成员使用印章（企业管理员）", 0),
        SEAL("POST", "/api/v1/enterprise/seals/{id}/grants/{person_id}/revoke", "RevokeSealGrant",
             0, "撤销成员的印章使用授权（企业管理员）", 0),
        SEAL("GET", "/api/v1/me/seals", "ListMySeals", 0, "我的个人签名", 0),
        SEAL("POST", "/api/v1/me/seals", "CreateMySeal", 1, "以个人云证书生成个人签名（每人一枚）",
             0),
        SEAL("GET", "/api/v1/me/seals/{id}/image", "GetMySealImage", 0, "个人签名图片（PNG）",
             GW_FILE_REPLY),
        SEAL("POST", "/api/v1/me/seals/{id}/disable", "DisableMySeal", 0, "停用个人签名", 0),
        SEAL("GET", "/api/v1/me/usable-seals", "ListUsableSeals", 0,
             "当前可用的印章（?enterprise_id= 以该企业身份；不带则为个人签名）", 0),
        /* contracts: 合同 (upload, signers, send, void, the seven views, preview, trail). */
        CTR("POST", "/api/v1/contracts", "UploadContract", 1,
            "上传合同文件（PDF，不超过 20 MB，未加密）→ 草稿", GW_MULTIPART | GW_DOCUMENT),
        CTR("GET", "/api/v1/contracts", "ListContracts", 0,
            "合同列表：view=to_me 待我签署、to_others 待他人签署、completed、voided、initiated、"
            "drafts、expiring 即将过期",
            0),
        CTR("GET", "/api/v1/contracts/counts", "CountContracts", 0, "合同各列表的数量", 0),
        CTR("GET", "/api/v1/contracts/{id}", "GetContract", 0, "合同详情（签署方及其状态）", 0),
        CTR("PUT", "/api/v1/contracts/{id}", "UpdateContract", 0,
            "编辑草稿：名称、签署顺序、截止时间、签署方（手机号 + 实名姓名，可选企业身份）", 0),
        CTR("DELETE", "/api/v1/contracts/{id}", "DeleteContract", 0, "删除草稿", 0),
        CTR("POST", "/api/v1/contracts/{id}/send", "SendContract", 0, "发起签署（草稿 → 签署中）",
            0),
        CTR("POST", "/api/v1/contracts/{id}/void", "VoidContract", 0,
            "作废签署中的合同（发起人，须填写原因）", 0),
        CTR("GET", "/api/v1/contracts/{id}/document", "GetContractDocument", 0,
            "下载合同文档（当前版本；version=0 为原始文件）", GW_FILE_REPLY),
        CTR("GET", "/api/v1/contracts/{id}/pages/{n}", "GetContractPage", 0,
            "合同第 n 页的预览图（PNG）", GW_FILE_REPLY),
        CTR("GET", "/api/v1/contracts/{id}/trail", "GetContractTrail", 0, "签署轨迹", 0),
        /* signing: placements, the confirmation by SMS code, refusal, the completion certificate.
         */
        CSIGN("GET", "/api/v1/contracts/{contract_id}/placements", "ListPlacements", 0,
              "签署方在合同上放置的签章（确认签署前可调整）", 0),
        CSIGN("POST", "/api/v1/contracts/{contract_id}/placements", "CreatePlacement", 1,
              "放置签章：印章（seal_id）、日期章（kind date）或骑缝章（kind cross_page），"
              "页码与坐标（PDF 点）或关键字",
              0),
        CSIGN("PUT", "/api/v1/contracts/{contract_id}/placements/{placement_id}", "UpdatePlacement",
              0, "移动签章（页码、坐标或关键字）", 0),
        CSIGN("DELETE", "/api/v1/contracts/{contract_id}/placements/{placement_id}",
              "DeletePlacement", 0, "删除签章", 0),
        CSIGN("POST", "/api/v1/contracts/{contract_id}/sign", "SignContract", 0,
              "确认签署（短信验证码，用途 sign）：每枚印章一个 PAdES B-T 签名", 0),
        CSIGN("POST", "/api/v1/contracts/{contract_id}/refuse", "RefuseContract", 0,
              "拒签（填写原因）", 0),
        CSIGN("GET", "/api/v1/contracts/{id}/completion-certificate", "GetCompletionCertificate", 0,
              "签署完成证明（PDF，平台签名）", GW_FILE_REPLY),
        /* engine (sigengine): 验签 — any uploaded PDF, nothing stored. */
        {"POST", "/api/v1/signature-verifications", "certs",
         &certs__signature_verification__descriptor, "VerifySignatures", GW_AUTH_SESSION, 0,
         "验签：上传已签署的 PDF，逐个查看签名的验证结果（文件不保存）", GW_SESSION_KEEP, NULL,
         GW_MULTIPART | GW_DOCUMENT, GW_LIMIT_VERIFY},
};

const gw_route_table gw_routes_certs = {routes, sizeof routes / sizeof routes[0]};
