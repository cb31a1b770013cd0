/* Routes of the certs service: the platform CA's public PKI files (issue 17). */
#include "certs.pb-c.h"
#include "routes.h"

/* certmgmt's rows. */
#define CRT(m, p, rpc, auth, created, summary, effect, flags, limit)                               \
	{                                                                                          \
		m, p, "certs", &certs__certs__descriptor, rpc, auth, created, summary, effect,     \
		        NULL, flags, limit                                                         \
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
};

const gw_route_table gw_routes_certs = {routes, sizeof routes / sizeof routes[0]};
