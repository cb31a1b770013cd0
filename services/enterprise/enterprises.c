/* GetEnterprise: a certified enterprise as the other services read it (bus-only). */
#include "enterprise.h"

#include "dbrow.h"
#include "enterprise.pb-c.h"
#include "status.h"
#include "validate.h"

int enterprise_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Enterprise__GetEnterpriseRequest *req = (const Enterprise__GetEnterpriseRequest *)in;
	PGresult *res = NULL;
	int rv;
	if (!validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
	const char *vals[] = {req->id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT id::text, name, uscc, region_code, industry, "
	                  "legal_rep_name, " DBROW_CST(
	                          "certified_at") " FROM enterprises WHERE id = $1::uuid",
	                  1, vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		rv = status_err(ST_NOT_FOUND, "id");
		goto out;
	}
	Enterprise__EnterpriseInfo *e = arena_alloc(ctx->arena, sizeof *e);
	enterprise__enterprise_info__init(e);
	e->id = dbrow_text(ctx->arena, res, 0, 0);
	e->name = dbrow_text(ctx->arena, res, 0, 1);
	e->uscc = dbrow_text(ctx->arena, res, 0, 2);
	e->region_code = dbrow_text(ctx->arena, res, 0, 3);
	e->industry = dbrow_text(ctx->arena, res, 0, 4);
	e->legal_rep_name = dbrow_text(ctx->arena, res, 0, 5);
	/* A row exists only once certification is approved. */
	e->certification_state = "certified";
	e->certified_at = dbrow_text(ctx->arena, res, 0, 6);
	*out = &e->base;
	rv = ST_OK;
out:
	PQclear(res);
	return rv;
}
