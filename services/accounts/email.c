/* E-mail addresses at rest: sealed like the phone, with a masked copy for responses; and
 * the one-time sealing of the addresses stored in clear before migration 007. */
#include "accounts.h"

#include "log.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int accounts_email_seal(svc_ctx *ctx, const char *email, const char *aad, unsigned char **sealed,
                        size_t *sealed_len, char **masked)
{
	size_t cap = strlen(email) + 4;
	*masked = arena_alloc(ctx->arena, cap);
	validate_mask_email(email, *masked, cap);
	if (crypto_seal(&ACCOUNTS_APP(ctx)->keys, email, strlen(email), aad, sealed, sealed_len) !=
	    0)
		return status_err(ST_INTERNAL, NULL);
	return ST_OK;
}

/* Seals every plain address of table into email_enc and email_masked. */
static int legacy_seal_table(svc_ctx *ctx, const char *table, const char *aad, int *count)
{
	PGresult *res = NULL;
	int rv = db_exec(ctx->db,
	                 arena_printf(ctx->arena,
	                              "SELECT id::text, email FROM %s WHERE email IS NOT NULL",
	                              table),
	                 0, NULL, &res);
	if (rv != ST_OK)
		return rv;
	const char *update = arena_printf(
	        ctx->arena, "UPDATE %s SET email_enc = $2, email_masked = $3 WHERE id = $1::uuid",
	        table);
	*count = PQntuples(res);
	for (int i = 0; rv == ST_OK && i < *count; i++) {
		unsigned char *sealed = NULL;
		size_t len = 0;
		char *masked = NULL;
		if ((rv = accounts_email_seal(ctx, PQgetvalue(res, i, 1), aad, &sealed, &len,
		                              &masked)) != ST_OK)
			break;
		const char *vals[] = {PQgetvalue(res, i, 0), (const char *)sealed, masked};
		const int lens[] = {0, (int)len, 0};
		const int fmts[] = {0, 1, 0};
		rv = db_query(ctx->db, update, 3, vals, lens, fmts, 0, NULL);
		free(sealed);
	}
	PQclear(res);
	return rv;
}

/* 1 when persons still has its plain column email, 0 when not, -1 on error. */
static int legacy_present(svc_ctx *ctx)
{
	PGresult *res = NULL;
	if (db_exec(ctx->db,
	            "SELECT 1 FROM pg_attribute WHERE attrelid = 'persons'::regclass"
	            " AND attname = 'email' AND NOT attisdropped",
	            0, NULL, &res) != ST_OK)
		return -1;
	int present = PQntuples(res) == 1;
	PQclear(res);
	return present;
}

/*
 * The key lives only in the daemon's config, so no SQL migration can seal: this runs at
 * every start and does the work once. Replicas starting together queue on the table lock
 * and the later ones find the column gone. The drop is here, in the transaction that
 * sealed, because a migration dropping it would run before this start and lose the
 * addresses. A schema change, not a business one: no audit entry, no event.
 */
int accounts_email_seal_legacy(svc_ctx *ctx)
{
	int np = 0, nv = 0, rv;
	if ((rv = legacy_present(ctx)) <= 0)
		return rv == 0 ? ST_OK : ST_DB;
	if (db_begin(ctx->db) != ST_OK)
		return ST_DB;
	if ((rv = db_exec(ctx->db, "LOCK TABLE persons, verifications IN ACCESS EXCLUSIVE MODE", 0,
	                  NULL, NULL)) != ST_OK)
		goto fail;
	if ((rv = legacy_present(ctx)) <= 0) {
		db_rollback(ctx->db);
		return rv == 0 ? ST_OK : ST_DB;
	}
	if ((rv = legacy_seal_table(ctx, "persons", ACCOUNTS_EMAIL_AAD_PERSON, &np)) != ST_OK ||
	    (rv = legacy_seal_table(ctx, "verifications", ACCOUNTS_EMAIL_AAD_VERIFICATION, &nv)) !=
	            ST_OK)
		goto fail;
	if ((rv = db_exec(ctx->db, "ALTER TABLE persons DROP COLUMN email", 0, NULL, NULL)) !=
	            ST_OK ||
	    (rv = db_exec(
	             ctx->db,
	             "ALTER TABLE verifications DROP COLUMN email,"
	             " ALTER COLUMN email_enc SET NOT NULL, ALTER COLUMN email_masked SET NOT NULL",
	             0, NULL, NULL)) != ST_OK)
		goto fail;
	if ((rv = db_commit(ctx->db)) != ST_OK)
		return rv;
	char counts[48];
	snprintf(counts, sizeof counts, "%d persons, %d verifications", np, nv);
	log_kv(LOGL_INFO, ctx->request_id, "plain e-mail addresses sealed, columns dropped", "rows",
	       counts, NULL);
	return ST_OK;
fail:
	db_rollback(ctx->db);
	return rv;
}
