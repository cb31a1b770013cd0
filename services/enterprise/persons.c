/*
 * Persons as enterprise knows them: a projection of accounts' events
 * (accounts.person.registered, accounts.person.verified), never written by
 * requests; and Readiness, what a person still lacks to act for an enterprise.
 */
#include "enterprise.h"
#include "members.h"

#include "log.h"
#include "status.h"

#include <string.h>

int enterprise_person_verified(svc_ctx *ctx, const char *person_id)
{
	PGresult *res = NULL;
	if (!enterprise_uuid_ok(person_id))
		return 0;
	const char *vals[] = {person_id};
	if (db_exec(ctx->db,
	            "SELECT 1 FROM persons WHERE person_id = $1::uuid AND verified_at IS NOT NULL",
	            1, vals, &res) != ST_OK) {
		log_kv(LOGL_ERROR, ctx->request_id, "persons projection unreadable", NULL);
		return 0;
	}
	int verified = PQntuples(res) == 1;
	PQclear(res);
	return verified;
}
