/* Who is calling, read from the request envelope's caller. */
#include "caller.h"

#include "status.h"
#include "validate.h"

#include <string.h>

int caller_person(const svc_ctx *ctx, const char **person_id)
{
	const char *id = ctx->caller->person_id;
	if (!id || !validate_uuid(id))
		return status_err(ST_UNAUTHENTICATED, NULL);
	*person_id = id;
	return ST_OK;
}

int caller_has_role(const svc_ctx *ctx, const char *role)
{
	for (size_t i = 0; role && i < ctx->caller->n_operator_roles; i++)
		if (ctx->caller->operator_roles[i] &&
		    strcmp(ctx->caller->operator_roles[i], role) == 0)
			return 1;
	return 0;
}

const char *caller_enterprise_claim(const svc_ctx *ctx)
{
	const char *eid = ctx->caller->enterprise_id;
	return eid && *eid ? eid : NULL;
}

const char *caller_service(const svc_ctx *ctx)
{
	const char *s = ctx->caller->service;
	return s && *s ? s : NULL;
}
