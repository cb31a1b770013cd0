/*
 * Identities (角色切换): a person acts as themself (personal) or for an enterprise they
 * belong to (admin or member). The active one lives in the session, which the gateway
 * copies into every request envelope.
 *
 * Enterprise memberships are the enterprise service's; accounts reads its own projection
 * of them (common/memberproj.h, from enterprise's events), never
 * enterprise itself: enterprise calls accounts (CheckIdentity), so a call back would let
 * a worker of each wait on the other. A membership approved, removed or handed over a
 * moment ago shows once its event is applied (milliseconds, at worst the next replay).
 * The role put into the session is the one of the switch; enterprise checks the live
 * membership on every enterprise-scoped request, so a session naming an enterprise its
 * person has left acts for it no more, however late the projection.
 */
#include "accounts.h"

#include "log.h"
#include "memberproj.h"
#include "session.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

static Accounts__Identity *identity_personal(svc_ctx *ctx, const Accounts__Person *p, int active)
{
	Accounts__Identity *id = arena_alloc(ctx->arena, sizeof *id);
	accounts__identity__init(id);
	id->type = "personal";
	id->name = p->name ? p->name : p->phone_masked;
	id->has_active = 1;
	id->active = active;
	return id;
}

static Accounts__Identity *identity_enterprise(svc_ctx *ctx, const memberproj_row *e, int active)
{
	Accounts__Identity *id = arena_alloc(ctx->arena, sizeof *id);
	accounts__identity__init(id);
	id->type = "enterprise";
	id->enterprise_id = (char *)e->enterprise_id;
	id->name = (char *)e->enterprise_name;
	id->role = (char *)e->role;
	id->has_active = 1;
	id->active = active;
	return id;
}

/* The caller's person, loaded (a session whose person is gone is no session). */
static int identities_person(svc_ctx *ctx, const char **pid, Accounts__Person **p)
{
	int rv = caller_person(ctx, pid);
	if (rv == ST_OK)
		rv = accounts_person_load(ctx, *pid, p);
	return rv == ST_NOT_FOUND ? status_err(ST_UNAUTHENTICATED, NULL) : rv;
}

/*
 * The session names an enterprise its person no longer belongs to (removed, left):
 * back to the personal identity, so that the list, the envelope and whatever trusts it
 * agree again. Best effort: enterprise refuses such a session on its own anyway.
 */
static void identities_reset(svc_ctx *ctx, const char *pid)
{
	const char *sid = ctx->caller->session_id;
	session_info info;
	if (!ctx->redis || !sid || !*sid || session_get(ctx->redis, sid, &info) != ST_OK ||
	    strcmp(info.person_id, pid) != 0)
		return;
	info.enterprise_id[0] = '\0';
	info.enterprise_role[0] = '\0';
	if (session_set_identity(ctx->redis, sid, &info) == ST_OK)
		log_kv(LOGL_INFO, ctx->request_id, "identity reset to personal: membership ended",
		       "person", pid, NULL);
}

int accounts_identities_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	const char *pid = NULL;
	const char *active = ctx->caller->enterprise_id ? ctx->caller->enterprise_id : "";
	Accounts__Person *p = NULL;
	memberproj_row *ents = NULL;
	size_t nents = 0;
	int rv = identities_person(ctx, &pid, &p);
	if (rv != ST_OK)
		return rv;
	if ((rv = memberproj_list(ctx, pid, &ents, &nents)) != ST_OK)
		return rv;
	if (*active) {
		size_t i = 0;
		while (i < nents && strcmp(ents[i].enterprise_id, active) != 0)
			i++;
		if (i == nents) {
			identities_reset(ctx, pid);
			active = "";
		}
	}
	Accounts__ListIdentitiesResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__list_identities_response__init(resp);
	resp->items = arena_alloc(ctx->arena, (nents + 1) * sizeof *resp->items);
	resp->items[resp->n_items++] = identity_personal(ctx, p, !*active);
	for (size_t i = 0; i < nents; i++)
		resp->items[resp->n_items++] = identity_enterprise(
		        ctx, &ents[i], strcmp(ents[i].enterprise_id, active) == 0);
	*out = &resp->base;
	return ST_OK;
}

int accounts_identity_switch(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__SwitchIdentityRequest *req = (const Accounts__SwitchIdentityRequest *)in;
	const char *pid = NULL, *sid = ctx->caller->session_id;
	Accounts__Person *p = NULL;
	memberproj_row membership, *target = NULL;
	session_info info;
	int rv = identities_person(ctx, &pid, &p);
	if (rv != ST_OK)
		return rv;
	if (!req->type || !*req->type)
		return status_err(ST_FIELD_REQUIRED, "type");
	int personal = strcmp(req->type, "personal") == 0;
	if (!personal && strcmp(req->type, "enterprise") != 0)
		return status_err(ST_FIELD_RANGE, "type");
	if (!personal) {
		if (!req->enterprise_id || !*req->enterprise_id)
			return status_err(ST_FIELD_REQUIRED, "enterprise_id");
		if ((rv = memberproj_get(ctx, pid, req->enterprise_id, &membership)) != ST_OK)
			return rv;
		target = &membership;
	}
	if (!sid || !*sid)
		return status_err(ST_UNAUTHENTICATED, NULL);
	if (!ctx->redis)
		return status_err(ST_UNAVAILABLE, NULL);
	if ((rv = session_get(ctx->redis, sid, &info)) != ST_OK)
		return rv;
	if (strcmp(info.person_id, pid) != 0)
		return status_err(ST_UNAUTHENTICATED, NULL);
	snprintf(info.enterprise_id, sizeof info.enterprise_id, "%s",
	         target ? target->enterprise_id : "");
	snprintf(info.enterprise_role, sizeof info.enterprise_role, "%s",
	         target ? target->role : "");
	if ((rv = session_set_identity(ctx->redis, sid, &info)) != ST_OK)
		return status_err(rv, NULL);
	*out = target ? &identity_enterprise(ctx, target, 1)->base
	              : &identity_personal(ctx, p, 1)->base;
	return ST_OK;
}
