/*
 * Who acts on bill orders, decided live on every request: the enterprise side asks
 * enterprise (Readiness: certified, an active member, verified), the funder side asks
 * market (GetMyStaff with the caller's envelope, then the institution's kind), the
 * operator side reads the roles the gateway put in the envelope.
 */
#include "billfin.h"

#include "caller.h"
#include "enterprise_members.pb-c.h"
#include "market.pb-c.h"
#include "status.h"
#include "validate.h"

#include <string.h>
#include <time.h>

int32_t billfin_today(void)
{
	/* China Standard Time has no daylight saving: UTC+8 all year. */
	return (int32_t)(((int64_t)time(NULL) + 8 * 3600) / 86400);
}

int billfin_enterprise_caller(svc_ctx *ctx, billfin_enterprise *out)
{
	const char *pid = NULL, *claim;
	ProtobufCMessage *res = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	if (!(claim = caller_enterprise_claim(ctx)))
		return status_err(ST_DEMAND_NOT_CERTIFIED, "enterprise");
	if (!BILLFIN_APP(ctx)->enterprise)
		return status_err(ST_UNAVAILABLE, NULL);
	Enterprise__ReadinessRequest req = ENTERPRISE__READINESS_REQUEST__INIT;
	req.enterprise_id = (char *)claim;
	req.person_id = (char *)pid;
	if ((rv = bus_call(BILLFIN_APP(ctx)->enterprise, "Readiness", ctx->caller,
	                   bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                   &req.base, &enterprise__readiness_report__descriptor, ctx->arena,
	                   &res)) != ST_OK)
		return rv;
	const Enterprise__ReadinessReport *r = (const Enterprise__ReadinessReport *)res;
	if (!r->member)
		return status_err(r->certified ? ST_NOT_FOUND : ST_DEMAND_NOT_CERTIFIED,
		                  r->certified ? NULL : "enterprise");
	if (!r->certified)
		return status_err(ST_DEMAND_NOT_CERTIFIED, "enterprise");
	if (!r->person_verified)
		return status_err(ST_PERSON_NOT_VERIFIED, "person");
	out->person_id = pid;
	out->enterprise_id = r->enterprise_id ? r->enterprise_id : claim;
	out->enterprise_name = r->enterprise_name ? r->enterprise_name : "";
	out->role = r->role ? r->role : "";
	return ST_OK;
}

int billfin_funder_lookup(svc_ctx *ctx, const char *institution_id, const char **name)
{
	ProtobufCMessage *res = NULL;
	if (!validate_uuid(institution_id))
		return status_err(ST_BILL_FUNDER_INVALID, "funder_id");
	Market__InstitutionRef req = MARKET__INSTITUTION_REF__INIT;
	req.id = (char *)institution_id;
	int rv = bus_call(BILLFIN_APP(ctx)->market, "GetInstitution", ctx->caller,
	                  bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                  &req.base, &market__institution__descriptor, ctx->arena, &res);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_BILL_FUNDER_INVALID, "funder_id");
	if (rv != ST_OK)
		return rv;
	const Market__Institution *i = (const Market__Institution *)res;
	if (!i->kind || strcmp(i->kind, "bill_funder") != 0)
		return status_err(ST_BILL_FUNDER_INVALID, "funder_id");
	*name = i->name ? i->name : "";
	return ST_OK;
}

int billfin_funder_caller(svc_ctx *ctx, billfin_funder *out)
{
	const char *pid = NULL, *name = NULL;
	ProtobufCMessage *res = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	if (!BILLFIN_APP(ctx)->market)
		return status_err(ST_UNAVAILABLE, NULL);
	Market__GetMyStaffRequest req = MARKET__GET_MY_STAFF_REQUEST__INIT;
	if ((rv = bus_call(BILLFIN_APP(ctx)->market, "GetMyStaff", ctx->caller,
	                   bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                   &req.base, &market__staff__descriptor, ctx->arena, &res)) != ST_OK)
		return rv == ST_NOT_FOUND ? status_err(ST_NOT_FOUND, NULL) : rv;
	const Market__Staff *s = (const Market__Staff *)res;
	if (!s->role || strcmp(s->role, "bill_quoter") != 0 || !s->institution_id)
		return status_err(ST_BILL_QUOTER_REQUIRED, NULL);
	if ((rv = billfin_funder_lookup(ctx, s->institution_id, &name)) != ST_OK)
		return rv == ST_BILL_FUNDER_INVALID ? status_err(ST_BILL_QUOTER_REQUIRED, NULL)
		                                    : rv;
	out->person_id = pid;
	out->institution_id = s->institution_id;
	out->institution_name = name;
	return ST_OK;
}

int billfin_operator_caller(svc_ctx *ctx, const char *const *roles, const char **pid)
{
	int rv = caller_person(ctx, pid);
	if (rv != ST_OK)
		return rv;
	for (const char *const *r = roles; *r; r++)
		if (caller_has_role(ctx, *r))
			return ST_OK;
	return status_err(ST_NOT_FOUND, NULL);
}
