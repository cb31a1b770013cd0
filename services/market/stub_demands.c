/* Placeholder of the Demands service until demands*.c lands (then this file goes). */
#include "market.h"
#include "market.pb-c.h"
#include "status.h"

static int demands_pending(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)ctx;
	(void)in;
	(void)out;
	return status_err(ST_UNAVAILABLE, NULL);
}

static const svc_handler demands_handlers[] = {
        {"SubmitDemand", demands_pending},
        {"ListEnterpriseDemands", demands_pending},
        {"GetEnterpriseDemand", demands_pending},
        {"WithdrawDemand", demands_pending},
        {"ListInstitutionDemands", demands_pending},
        {"GetInstitutionDemand", demands_pending},
        {"TakeDemand", demands_pending},
        {"ReviewDemand", demands_pending},
        {"DisburseDemand", demands_pending},
};

const svc_api market_demands_api = SVC_API(&market__demands__descriptor, demands_handlers);
