/* FindPerson: the registered person of a phone, for services only (bus-only). */
#include "accounts.h"

#include "accounts.pb-c.h"
#include "status.h"
#include "validate.h"

#include <string.h>

int accounts_person_find(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__FindPersonRequest *req = (const Accounts__FindPersonRequest *)in;
	char hash[65];
	PGresult *res = NULL;
	int rv;
	if (!req->phone || !*req->phone)
		return status_err(ST_FIELD_REQUIRED, "phone");
	if (validate_mobile(req->phone) != 0)
		return status_err(ST_MOBILE_INVALID, "phone");
	if (accounts_phone_hash(ACCOUNTS_APP(ctx), req->phone, hash) != 0)
		return status_err(ST_INTERNAL, NULL);
	const char *vals[] = {hash};
	if ((rv = db_exec(
	             ctx->db,
	             "SELECT id::text, phone_masked, verified_at IS NOT NULL, name FROM persons"
	             " WHERE phone_hash = $1",
	             1, vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		rv = status_err(ST_NOT_FOUND, "phone");
		goto out;
	}
	Accounts__FoundPerson *p = arena_alloc(ctx->arena, sizeof *p);
	accounts__found_person__init(p);
	p->person_id = arena_strdup(ctx->arena, PQgetvalue(res, 0, 0));
	p->phone_masked = arena_strdup(ctx->arena, PQgetvalue(res, 0, 1));
	p->has_verified = 1;
	p->verified = PQgetvalue(res, 0, 2)[0] == 't';
	if (req->name) {
		p->has_name_matches = 1;
		p->name_matches = p->verified && !PQgetisnull(res, 0, 3) &&
		                  strcmp(PQgetvalue(res, 0, 3), req->name) == 0;
	}
	*out = &p->base;
	rv = ST_OK;
out:
	PQclear(res);
	return rv;
}
