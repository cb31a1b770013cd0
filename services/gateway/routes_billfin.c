/* Routes of the billfin service: commercial-bill financing (商票融资, manual 000). */
#include "billfin.pb-c.h"
#include "routes.h"

#define BFX(m, p, rpc, created, summary, flags)                                                    \
	{                                                                                          \
		m, p, "billfin", &billfin__billfin__descriptor, rpc, GW_AUTH_SESSION, created,     \
		        summary, GW_SESSION_KEEP, NULL, flags, GW_LIMIT_NONE                       \
	}
#define BF(m, p, rpc, created, summary) BFX(m, p, rpc, created, summary, 0)
#define MP                              GW_MULTIPART
#define FILE_REPLY                      GW_FILE_REPLY

static gw_route routes[] = {
        BFX("POST", "/api/v1/enterprise/bill-orders", "CreateBillOrder", 1,
            "企业：商票询价（上传票面正面图并填写票据信息）", MP),
        BF("GET", "/api/v1/enterprise/bill-orders", "ListEnterpriseBillOrders", 0,
           "企业：融资订单（申请时间、承兑人、票面金额筛选，含各状态数量）"),
        BF("GET", "/api/v1/enterprise/bill-orders/{id}", "GetEnterpriseBillOrder", 0,
           "企业：融资订单详情（含报价明细）"),
        BFX("POST", "/api/v1/enterprise/bill-orders/{id}/confirmation", "ConfirmBillOrder", 0,
            "企业：确认交易（选择已验证的收款账户，上传贸易合同与发票）", MP),
        BFX("POST", "/api/v1/enterprise/bill-orders/{id}/documents", "ReplaceBillDocuments", 0,
            "企业：审核驳回后重新上传贸易合同与发票", MP),
        BF("POST", "/api/v1/enterprise/bill-orders/{id}/closure", "CloseEnterpriseBillOrder", 0,
           "企业：关闭订单（放款前）"),
        BF("POST", "/api/v1/enterprise/bill-orders/{id}/endorsement", "EndorseBillOrder", 0,
           "企业：完成背书"),
        BFX("GET", "/api/v1/enterprise/bill-orders/{id}/files/{file_id}", "GetEnterpriseBillFile",
            0, "企业：下载订单的票面图、合同或发票", FILE_REPLY),
        BF("GET", "/api/v1/institution/bill-orders", "ListFunderBillOrders", 0,
           "资金方：待办的商票融资订单（最早的在前）"),
        BF("GET", "/api/v1/institution/bill-orders/{id}", "GetFunderBillOrder", 0,
           "资金方：商票融资订单详情"),
        BF("POST", "/api/v1/institution/bill-orders/{id}/quotes", "FunderQuote", 1,
           "资金方报价员：报价（年贴现率或每十万扣息）"),
        BF("POST", "/api/v1/institution/bill-orders/{id}/disbursement", "FunderDisburse", 0,
           "资金方：签收票据并登记放款"),
        BF("GET", "/api/v1/institution/bill-orders/{id}/payee-account", "GetPayeeAccount", 0,
           "资金方：放款中订单的收款账户（完整账号，逐次审计）"),
        BFX("GET", "/api/v1/institution/bill-orders/{id}/files/{file_id}", "GetFunderBillFile", 0,
            "资金方：下载订单的票面正面图（报价依据）", FILE_REPLY),
        BF("GET", "/api/v1/operator/bill-orders", "ListOperatorBillOrders", 0,
           "运营：待办的商票融资订单（最早的在前）"),
        BF("GET", "/api/v1/operator/bill-orders/{id}", "GetOperatorBillOrder", 0,
           "运营：商票融资订单详情"),
        BF("POST", "/api/v1/operator/bill-orders/{id}/quotes", "OperatorQuote", 1,
           "运营报价员：为任意资金方订单报价（平台报价）"),
        BF("POST", "/api/v1/operator/bill-orders/{id}/review", "ReviewBillOrder", 0,
           "运营审核员：审核贸易合同与发票（通过并给出背书信息，或驳回）"),
        BF("POST", "/api/v1/operator/bill-orders/{id}/closure", "CloseOperatorBillOrder", 0,
           "运营：关闭订单（放款前）"),
        BF("POST", "/api/v1/operator/bill-orders/{id}/disbursement", "OperatorDisburse", 0,
           "运营财务：平台报价订单的签收与放款登记"),
        BFX("GET", "/api/v1/operator/bill-orders/{id}/files/{file_id}", "GetOperatorBillFile", 0,
            "运营：下载订单的票面图、合同或发票", FILE_REPLY),
        BF("POST", "/api/v1/operator/holiday-years", "LoadHolidayYear", 1,
           "运营管理员：载入一年的官方节假日安排（holiday-cn 格式）"),
        BF("GET", "/api/v1/operator/holiday-years", "ListHolidayYears", 0,
           "运营：已载入的官方节假日年份"),
};

const gw_route_table gw_routes_billfin = {routes, sizeof routes / sizeof routes[0]};
