/* Routes of the payments service: payment intents (the payer, finance), bank transfer,
 * refunds and the ledger (issue 18). online and invoices add their rows in their blocks. */
#include "payments.pb-c.h"
#include "routes.h"

#define PYX(m, p, rpc, auth, created, summary, flags)                                              \
	{                                                                                          \
		m, p, "payments", &payments__payments__descriptor, rpc, auth, created, summary,    \
		        GW_SESSION_KEEP, NULL, flags, GW_LIMIT_NONE                                \
	}
#define PY(m, p, rpc, created, summary) PYX(m, p, rpc, GW_AUTH_SESSION, created, summary, 0)

static gw_route routes[] = {
        /* core: the payer */
        PY("GET", "/api/v1/payments/intents/{id}", "GetPayerIntent", 0,
           "付款人：支付单（金额、应付、对公转账收款账户与识别码、汇款凭证）"),
        PYX("POST", "/api/v1/payments/intents/{id}/slips", "UploadSlip", GW_AUTH_SESSION, 1,
            "付款人：上传汇款凭证（可多张，可稍后上传）", GW_MULTIPART),
        /* core: finance */
        PY("GET", "/api/v1/operator/payments/intents", "ListOperatorIntents", 0,
           "财务：支付单（按状态、支付方式筛选；对公转账待确认队列）"),
        PY("GET", "/api/v1/operator/payments/intents/{id}", "GetOperatorIntent", 0,
           "财务：支付单详情（含汇款凭证、到账与退款记录）"),
        PYX("GET", "/api/v1/operator/payments/slips/{id}", "GetOperatorSlip", GW_AUTH_SESSION, 0,
            "财务：下载汇款凭证", GW_FILE_REPLY),
        PY("POST", "/api/v1/operator/payments/intents/{id}/receipts", "RecordReceipt", 0,
           "财务：登记对公转账到账（金额、银行流水号、到账日期）"),
        PY("POST", "/api/v1/operator/payments/intents/{id}/refunds", "RefundIntent", 0,
           "财务：退款（不超过已收款减已退款）"),
        PY("GET", "/api/v1/operator/ledger/accounts", "ListLedgerAccounts", 0,
           "财务：总账科目余额（由分录汇总，借贷合计）"),
        PY("GET", "/api/v1/operator/ledger/entries", "ListLedgerEntries", 0,
           "财务：记账分录（按科目、类型、业务筛选）"),
        /* core: development only */
        PYX("POST", "/api/v1/dev/payments/intents", "DevCreateIntent", GW_AUTH_DEV, 1,
            "开发环境：创建属于 dev 的支付单（测试用）", 0),
        /* online */
        /* invoices */
};

const gw_route_table gw_routes_payments = {routes, sizeof routes / sizeof routes[0]};
