/*
 * 印章 (issue 19, manual 002 申请印章): an enterprise's seals, created by its admin, and each
 * person's own signature, each backed by an issued cloud certificate of its holder, the
 * image generated (seal_image.h, with the holder's verified name) or uploaded (a
 * transparent PNG, judged and decoded). Who may use a seal (certs_seal_use_check): an
 * enterprise seal, a member with an unrevoked grant (seals_grants.c) while still a member;
 * a personal one, its owner alone.
 */
#include "certs.h"
#include "caller.h"
#include "certs_seals.pb-c.h"
#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "enterprise.pb-c.h"
#include "blobs.h"
#include "memberproj.h"
#include "seal_image.h"
#include "seals.h"
#include "status.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

/* SQL over certificate alias c: usable for signing now (issued, valid, not revoked, cloud
 * with its key kept). */
#define SEAL_CERT_USABLE(c)                                                                        \
	"(" c ".revoked_at IS NULL AND now() >= " c ".not_before AND now() < " c ".not_after"      \
	" AND " c ".medium = 'cloud' AND EXISTS (SELECT 1 FROM cloud_keys k WHERE k.serial = " c   \
	".serial))"

int certs_seal_use_check(svc_ctx *ctx, const char *seal_id, const char *person_id,
                         const char *enterprise_id, certs_seal_use *out)
{
	PGresult *r = NULL;
	int rv;
	if (!seal_id || !validate_uuid(seal_id) || !person_id || !validate_uuid(person_id) ||
	    (enterprise_id && !validate_uuid(enterprise_id)))
		return status_err(ST_SEAL_NOT_FOUND, "seal_id");
	const char *v[] = {seal_id, person_id};
	if ((rv = change_exec(
	             ctx,
	             "SELECT s.kind, s.name, coalesce(s.enterprise_id::text, ''),"
	             " coalesce(s.person_id::text, ''), s.cert_serial, s.companion_serial,"
	             " s.image_sha256, s.disabled_at IS NOT NULL,"
	             " " SEAL_CERT_USABLE("c") " AND (cc.serial IS NULL OR " SEAL_CERT_USABLE(
	                     "cc") "),"
	                           " EXISTS (SELECT 1 FROM enterprise_memberships m WHERE "
	                           "m.person_id = $2::uuid"
	                           " AND m.enterprise_id = s.enterprise_id),"
	                           " EXISTS (SELECT 1 FROM seal_grants g WHERE g.seal_id = s.id"
	                           " AND g.person_id = $2::uuid AND g.revoked_at IS NULL),"
	                           " EXISTS (SELECT 1 FROM seal_grants g WHERE g.seal_id = s.id"
	                           " AND g.person_id = $2::uuid)"
	                           " FROM seals s JOIN certificates c ON c.serial = s.cert_serial"
	                           " LEFT JOIN certificates cc ON cc.serial = s.companion_serial"
	                           " WHERE s.id = $1::uuid",
	             2, v, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		rv = status_err(ST_SEAL_NOT_FOUND, "seal_id");
		goto out;
	}
	const char *ent = PQgetvalue(r, 0, 2), *owner = PQgetvalue(r, 0, 3);
	int member = PQgetvalue(r, 0, 9)[0] == 't', granted = PQgetvalue(r, 0, 10)[0] == 't',
	    ever = PQgetvalue(r, 0, 11)[0] == 't';
	if (!enterprise_id) {
		/* Personally: one's own signature only. */
		if (!*owner || strcmp(owner, person_id) != 0) {
			rv = status_err(ST_SEAL_NOT_FOUND, "seal_id");
			goto out;
		}
	} else if (!*ent || strcmp(ent, enterprise_id) != 0 || (!member && !ever)) {
		/* Another enterprise's seal, or a stranger to this one: its existence does not
		 * leak. */
		rv = status_err(ST_SEAL_NOT_FOUND, "seal_id");
		goto out;
	} else if (!member || !granted) {
		rv = status_err(ST_SEAL_NOT_AUTHORISED, "seal_id");
		goto out;
	}
	if (PQgetvalue(r, 0, 7)[0] == 't') {
		rv = status_err(ST_SEAL_DISABLED, "seal_id");
		goto out;
	}
	if (PQgetvalue(r, 0, 8)[0] != 't') {
		rv = status_err(ST_SEAL_CERT_UNAVAILABLE, "seal_id");
		goto out;
	}
	arena *a = ctx->arena;
	memset(out, 0, sizeof *out);
	out->id = arena_strdup(a, seal_id);
	out->kind = dbrow_text(a, r, 0, 0);
	out->name = dbrow_text(a, r, 0, 1);
	out->enterprise_id = *ent ? dbrow_text(a, r, 0, 2) : NULL;
	out->cert_serial = dbrow_text(a, r, 0, 4);
	out->companion_serial = dbrow_text(a, r, 0, 5);
	rv = blobs_get(ctx, &CERTS_APP(ctx)->pii, "certs", PQgetvalue(r, 0, 6), &out->png,
	               &out->png_len);
out:
	PQclear(r);
	return rv;
}
