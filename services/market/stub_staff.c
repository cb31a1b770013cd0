/*
 * Placeholder of staff.c's live staff check until staff.c lands from the institutions
 * work (then this file goes): the same contract as market.h states, read from market's
 * own staff table on every request.
 */
#include "market.h"

#include "caller.h"
#include "dbrow.h"
#include "status.h"

#include <string.h>

int market_staff_caller(svc_ctx *ctx, const char *role, market_staff *out)
{
	const char *pid = NULL;
	PGresult *res = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	const char *vals[] = {pid};
	if ((rv = db_exec(ctx->db,
	                  "SELECT id::text, institution_id::text, branch_id::text, role FROM staff"
	                  " WHERE person_id = $1::uuid AND state = 'active'",
	                  1, vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		rv = status_err(ST_NOT_FOUND, NULL);
		goto out;
	}
	if (role && strcmp(PQgetvalue(res, 0, 3), role) != 0) {
		rv = status_err(ST_MARKET_ROLE_REQUIRED, NULL);
		goto out;
	}
	out->id = dbrow_text(ctx->arena, res, 0, 0);
	out->institution_id = dbrow_text(ctx->arena, res, 0, 1);
	out->branch_id = dbrow_text(ctx->arena, res, 0, 2);
	out->role = dbrow_text(ctx->arena, res, 0, 3);
	out->person_id = pid;
	rv = ST_OK;
out:
	PQclear(res);
	return rv;
}
