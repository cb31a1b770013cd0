/* Routes of the certs service: the platform CA's public PKI files (issue 17). */
#include "certs.pb-c.h"
#include "routes.h"

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
};

const gw_route_table gw_routes_certs = {routes, sizeof routes / sizeof routes[0]};
