/* Institutions and branches: the operators' side and the public catalogue. */
#include "market.h"
#include "market.pb-c.h"
#include "status.h"

static int market_pending(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)ctx;
	(void)in;
	(void)out;
	return status_err(ST_UNAVAILABLE, NULL);
}

static const svc_handler catalogue_handlers[] = {
        {"ListInstitutions", market_pending},
        {"GetInstitution", market_pending},
        {"SearchProducts", market_pending},
        {"GetProduct", market_pending},
        {"CreateInstitution", market_pending},
        {"UpdateInstitution", market_pending},
        {"CreateBranch", market_pending},
        {"AddStaff", market_pending},
        {"ListStaff", market_pending},
        {"RemoveStaff", market_pending},
        {"GetMyStaff", market_pending},
        {"AddInstitutionStaff", market_pending},
        {"ListInstitutionStaff", market_pending},
        {"RemoveInstitutionStaff", market_pending},
        {"CreateProduct", market_pending},
        {"UpdateProduct", market_pending},
        {"GetInstitutionProduct", market_pending},
        {"ListInstitutionProducts", market_pending},
        {"PublishProduct", market_pending},
        {"OfflineProduct", market_pending},
};

const svc_api market_catalogue_api = SVC_API(&market__market__descriptor, catalogue_handlers);
