/*
 * Uploaded files (see files.h). The bytes live once per SHA-256 in file_blobs, sealed
 * like ID numbers (the scans show them); every upload is a row of files naming its
 * owner, and a file uploaded twice is stored once. A replaced upload is deleted with
 * its bytes when nothing else points at them. Who may download a file is its owner's
 * rule: for a certification, certification_view.c decides.
 */
#include "files.h"

#include "certification.h"
#include "change.h"
#include "crypto.h"
#include "enterprise.h"
#include "enterprise_kyb.pb-c.h"
#include "log.h"
#include "members.h"
#include "status.h"
#include "upload.h"
#include "validate.h"

#include <openssl/crypto.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- storing -------------------------------------------------------------------- */

/* Where sealed bytes live: the column and the content's address, so a blob copied under
 * another address does not open. */
static const char *files_aad(svc_ctx *ctx, const char *sha)
{
	return arena_printf(ctx->arena, "enterprise.file_blobs.data/%s", sha);
}

int enterprise_file_delete(svc_ctx *ctx, const char *file_id)
{
	PGresult *r = NULL;
	const char *v[] = {file_id};
	int rv = change_exec(ctx, "DELETE FROM files WHERE id = $1 RETURNING sha256", 1, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) == 1) {
		const char *v2[] = {PQgetvalue(r, 0, 0)};
		rv = change_exec(ctx,
		                 "DELETE FROM file_blobs b WHERE b.sha256 = $1 AND NOT EXISTS "
		                 "(SELECT 1 FROM files f WHERE f.sha256 = b.sha256)",
		                 1, v2, NULL);
	}
	PQclear(r);
	return rv;
}

/* The body of enterprise_files_seal_existing's transaction; arg counts the blobs sealed. */
static int files_seal_existing_tx(svc_ctx *ctx, void *arg)
{
	long *n = arg;
	PGresult *r = NULL;
	/* Row locks: replicas starting together convert each blob once. Binary results:
	 * the data as stored, not its hex text. */
	int rv = db_query(
	        ctx->db,
	        "SELECT sha256, data FROM file_blobs WHERE NOT sealed FOR UPDATE SKIP LOCKED", 0,
	        NULL, NULL, NULL, 1, &r);
	if (rv != ST_OK)
		rv = status_err(rv, NULL);
	for (int i = 0; rv == ST_OK && i < PQntuples(r); i++) {
		const char *sha = PQgetvalue(r, i, 0);
		unsigned char *sealed = NULL;
		size_t len = 0;
		if (crypto_seal(&ENTERPRISE_APP(ctx)->keys, PQgetvalue(r, i, 1),
		                (size_t)PQgetlength(r, i, 1), files_aad(ctx, sha), &sealed,
		                &len) != 0) {
			rv = status_err(ST_INTERNAL, NULL);
			break;
		}
		const char *v[] = {sha, (const char *)sealed};
		const int lens[] = {0, (int)len};
		const int fmts[] = {0, 1};
		rv = change_query(
		        ctx, "UPDATE file_blobs SET data = $2, sealed = true WHERE sha256 = $1", 2,
		        v, lens, fmts, NULL);
		free(sealed);
		(*n)++;
	}
	PQclear(r);
	return rv;
}

int enterprise_files_seal_existing(svc_ctx *ctx)
{
	long n = 0;
	int rv = change_run(ctx, files_seal_existing_tx, &n);
	if (rv != ST_OK) {
		log_kv(LOGL_ERROR, NULL, "sealing plaintext file blobs failed", NULL);
		return rv;
	}
	if (n)
		log_kv(LOGL_INFO, NULL, "plaintext file blobs sealed", "count",
		       arena_printf(ctx->arena, "%ld", n), NULL);
	return ST_OK;
}

Files__FileInfo *enterprise_file_info_from_row(svc_ctx *ctx, const PGresult *r, int row, int col)
{
	Files__FileInfo *fi = arena_alloc(ctx->arena, sizeof *fi);
	files__file_info__init(fi);
	fi->id = arena_strdup(ctx->arena, PQgetvalue(r, row, col));
	fi->name = arena_strdup(ctx->arena, PQgetvalue(r, row, col + 1));
	fi->content_type = arena_strdup(ctx->arena, PQgetvalue(r, row, col + 2));
	fi->has_size = 1;
	fi->size = strtoll(PQgetvalue(r, row, col + 3), NULL, 10);
	fi->sha256 = arena_strdup(ctx->arena, PQgetvalue(r, row, col + 4));
	return fi;
}

int enterprise_file_store(svc_ctx *ctx, const Files__Upload *up, const char *field,
                          const char *owner_type, const char *owner_id, const char *uploaded_by,
                          const char *fallback_name, Files__FileInfo **info)
{
	const char *ct = NULL, *ext = NULL;
	char sha[65], name[128], size[24];
	PGresult *r = NULL;
	int rv;

	if (!up)
		return status_err(ST_FIELD_REQUIRED, field);
	size_t n = up->has_data ? up->data.len : 0;
	if (n == 0)
		return status_err(ST_FILE_EMPTY, field);
	if (n > UPLOAD_MAX_BYTES)
		return status_err(ST_FILE_TOO_LARGE, field);
	if (upload_judge(up->data.data, n, &ct, &ext) != 0)
		return status_err(ST_FILE_TYPE, field);
	if (crypto_sha256_hex(up->data.data, n, sha) != 0)
		return status_err(ST_INTERNAL, NULL);
	upload_clean_name(up->name, fallback_name, ext, name, sizeof name);
	snprintf(size, sizeof size, "%zu", n);

	/* Content-addressed by the plaintext: the same bytes are stored once, whoever uploads
	 * them; the sealed copy is bound to its address by the aad. */
	unsigned char *sealed = NULL;
	size_t sealed_len = 0;
	if (crypto_seal(&ENTERPRISE_APP(ctx)->keys, up->data.data, n, files_aad(ctx, sha), &sealed,
	                &sealed_len) != 0)
		return status_err(ST_INTERNAL, NULL);
	const char *v1[] = {sha, (const char *)sealed, size};
	const int lens[] = {0, (int)sealed_len, 0};
	const int fmts[] = {0, 1, 0};
	rv = db_query(ctx->db,
	              "INSERT INTO file_blobs (sha256, data, size, sealed) VALUES ($1, $2, "
	              "$3::bigint, true) ON CONFLICT (sha256) DO NOTHING",
	              3, v1, lens, fmts, 0, NULL);
	free(sealed);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	const char *v2[] = {owner_type, owner_id, name, ct, size, sha, uploaded_by};
	if ((rv = db_exec(ctx->db,
	                  "INSERT INTO files AS f (owner_type, owner_id, name, content_type, size, "
	                  "sha256, uploaded_by) VALUES ($1, $2, $3, $4, $5::bigint, $6, $7) "
	                  "RETURNING " ENTERPRISE_FILE_COLS,
	                  7, v2, &r)) != ST_OK)
		return status_err(rv, NULL);
	*info = enterprise_file_info_from_row(ctx, r, 0, 0);
	PQclear(r);
	log_kv(LOGL_INFO, ctx->request_id, "file stored", "file_id", (*info)->id, "owner",
	       owner_type, "owner_id", owner_id, "content_type", ct, "size", size, NULL);
	return ST_OK;
}

/* ---- downloading ------------------------------------------------------------------ */

/* Whether the caller may see the owner; ST_NOT_FOUND when not (never 403). */
static int files_owner_visible(svc_ctx *ctx, const char *owner_type, const char *owner_id)
{
	if (strcmp(owner_type, "certification") == 0)
		return enterprise_certification_visible(ctx, owner_id);
	return status_err(ST_NOT_FOUND, NULL);
}

int enterprise_file_get(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__GetFileRequest *in = (const Enterprise__GetFileRequest *)in_;
	const char *pid = NULL;
	PGresult *r = NULL, *b = NULL;
	int rv;

	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if (!in->id || !validate_uuid(in->id))
		return status_err(ST_NOT_FOUND, NULL);
	const char *v[] = {in->id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT owner_type, owner_id, name, content_type, sha256 FROM files "
	                  "WHERE id = $1",
	                  1, v, &r)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	if (PQntuples(r) != 1) {
		rv = status_err(ST_NOT_FOUND, NULL);
		goto out;
	}
	if ((rv = files_owner_visible(ctx, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1))) != ST_OK)
		goto out;
	const char *v2[] = {PQgetvalue(r, 0, 4)};
	if ((rv = db_query(ctx->db, "SELECT data, sealed FROM file_blobs WHERE sha256 = $1", 1, v2,
	                   NULL, NULL, 1, &b)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	if (PQntuples(b) != 1) {
		log_kv(LOGL_ERROR, ctx->request_id, "file without its blob", "file_id", in->id,
		       NULL);
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = arena_strdup(ctx->arena, PQgetvalue(r, 0, 2));
	d->content_type = arena_strdup(ctx->arena, PQgetvalue(r, 0, 3));
	d->has_data = 1;
	/* Binary result: "sealed" is one byte, 1 for true. A plaintext blob is one written
	 * before sealing that the start has not converted yet (an older replica's). */
	if (*PQgetvalue(b, 0, 1)) {
		char *plain = NULL;
		size_t len = 0;
		if (crypto_open(&ENTERPRISE_APP(ctx)->keys,
		                (const unsigned char *)PQgetvalue(b, 0, 0),
		                (size_t)PQgetlength(b, 0, 0), files_aad(ctx, v2[0]), &plain,
		                &len) != 0) {
			log_kv(LOGL_ERROR, ctx->request_id, "file blob does not open", "file_id",
			       in->id, NULL);
			rv = status_err(ST_INTERNAL, NULL);
			goto out;
		}
		d->data.len = len;
		d->data.data = arena_alloc(ctx->arena, len ? len : 1);
		memcpy(d->data.data, plain, len);
		OPENSSL_cleanse(plain, len);
		free(plain);
	} else {
		d->data.len = (size_t)PQgetlength(b, 0, 0);
		d->data.data = arena_alloc(ctx->arena, d->data.len ? d->data.len : 1);
		memcpy(d->data.data, PQgetvalue(b, 0, 0), d->data.len);
	}
	/* Images show in the browser; a PDF is saved (it may carry scripts). */
	d->has_inline_ = 1;
	d->inline_ = strncmp(d->content_type, "image/", 6) == 0;
	*out = &d->base;
	rv = ST_OK;
out:
	PQclear(r);
	PQclear(b);
	return rv;
}
