/*
 * 加入企业: join requests, members, removal, admin hand-over, and the membership
 * look-ups accounts makes for identities (角色切换).
 *
 * One row per (enterprise, person) in memberships; its state moves requested ->
 * active | rejected | withdrawn, active -> removed | left, and a rejected,
 * withdrawn, removed or left row may be requested again (the same row). Every
 * transition is one UPDATE guarded by the expected state (and, for an admin's
 * action, by the caller still being the active admin), so racing requests cannot
 * both win; exactly one admin per enterprise is the partial unique index's job.
 */
#include "enterprise.h"
#include "members.h"

#include "log.h"
#include "status.h"

#include <string.h>

int enterprise_uuid_ok(const char *s)
{
	if (!s || strlen(s) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return 0;
		}
	}
	return 1;
}

/* ---- the caller ------------------------------------------------------------------ */

int enterprise_caller_person(svc_ctx *ctx, const char **person_id)
{
	const char *id = ctx->caller->person_id;
	if (!enterprise_uuid_ok(id))
		return status_err(ST_UNAUTHENTICATED, NULL);
	*person_id = id;
	return ST_OK;
}

int enterprise_caller_has_role(svc_ctx *ctx, const char *role)
{
	for (size_t i = 0; role && i < ctx->caller->n_operator_roles; i++)
		if (ctx->caller->operator_roles[i] &&
		    strcmp(ctx->caller->operator_roles[i], role) == 0)
			return 1;
	return 0;
}

int enterprise_caller_enterprise(svc_ctx *ctx, const char **enterprise_id, const char **role)
{
	const char *pid = NULL, *eid = ctx->caller->enterprise_id;
	PGresult *res = NULL;
	int rv = enterprise_caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	if (!eid || !*eid)
		return status_errmsg(ST_FORBIDDEN, NULL, "请先切换到企业身份");
	if (!enterprise_uuid_ok(eid))
		return status_err(ST_NOT_FOUND, NULL);
	/* Live, not from the session: a member removed after switching acts no more. */
	const char *vals[] = {eid, pid};
	rv = db_exec(ctx->db,
	             "SELECT role FROM memberships WHERE enterprise_id = $1::uuid"
	             " AND person_id = $2::uuid AND state = 'active'",
	             2, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		rv = status_err(ST_NOT_FOUND, NULL);
		goto out;
	}
	*enterprise_id = eid;
	*role = strcmp(PQgetvalue(res, 0, 0), "admin") == 0 ? "admin" : "member";
	rv = ST_OK;
out:
	PQclear(res);
	return rv;
}
