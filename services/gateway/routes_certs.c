/* Routes of the certs service: the platform CA's public PKI files (issue 17). */
#include "certs.pb-c.h"
#include "certs_apps.pb-c.h"
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
};

const gw_route_table gw_routes_certs = {routes, sizeof routes / sizeof routes[0]};
