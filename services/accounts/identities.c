/*
 * Identities (角色切换): a person acts as themself (personal) or for an enterprise they
 * belong to (admin or member). The active one lives in the session, which the gateway
 * copies into every request envelope.
 *
 * Enterprise memberships are the enterprise service's; until it answers for them,
 * identities_enterprises() finds none. It is the one place to ask it (over the bus),
 * so listing and switching pick enterprise identities up together.
 */
#include "accounts.h"

#include "session.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

/* An enterprise identity: the membership of the person in one certified enterprise. */
struct enterprise_identity {
	const char *enterprise_id;
	const char *name;
	const char *role; /* admin | member */
};

/*
 * The person's enterprise identities (arena-allocated). None yet: membership
 * (加入企业) is the enterprise service's, which will answer this over the bus.
 */
static int identities_enterprises(svc_ctx *ctx, const char *person_id,
                                  struct enterprise_identity **out, size_t *n)
{
	(void)ctx;
	(void)person_id;
	*out = NULL;
	*n = 0;
	return ST_OK;
}

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

static Accounts__Identity *identity_enterprise(svc_ctx *ctx, const struct enterprise_identity *e,
                                               int active)
{
	Accounts__Identity *id = arena_alloc(ctx->arena, sizeof *id);
	accounts__identity__init(id);
	id->type = "enterprise";
	id->enterprise_id = (char *)e->enterprise_id;
	id->name = (char *)e->name;
	id->role = (char *)e->role;
	id->has_active = 1;
	id->active = active;
	return id;
}

/* The caller's person, loaded (a session whose person is gone is no session). */
static int identities_person(svc_ctx *ctx, const char **pid, Accounts__Person **p)
{
	int rv = accounts_caller_person(ctx, pid);
	if (rv == ST_OK)
		rv = accounts_person_load(ctx, *pid, p);
	return rv == ST_NOT_FOUND ? status_err(ST_UNAUTHENTICATED, NULL) : rv;
}

int accounts_identities_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	const char *pid = NULL;
	const char *active = ctx->caller->enterprise_id ? ctx->caller->enterprise_id : "";
	Accounts__Person *p = NULL;
	struct enterprise_identity *ents = NULL;
	size_t nents = 0;
	int rv = identities_person(ctx, &pid, &p);
	if (rv != ST_OK)
		return rv;
	if ((rv = identities_enterprises(ctx, pid, &ents, &nents)) != ST_OK)
		return rv;
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
	struct enterprise_identity *ents = NULL, *target = NULL;
	size_t nents = 0;
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
		if ((rv = identities_enterprises(ctx, pid, &ents, &nents)) != ST_OK)
			return rv;
		for (size_t i = 0; i < nents && !target; i++)
			if (strcmp(ents[i].enterprise_id, req->enterprise_id) == 0)
				target = &ents[i];
		/* Not one of the caller's enterprises: as if it did not exist. */
		if (!target)
			return status_err(ST_NOT_FOUND, "enterprise_id");
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
