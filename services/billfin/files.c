/*
 * Uploads of an order (the bill's front, the trade contract, the invoice): judged by
 * content and named by common/upload.h, sealed at rest (AES-256-GCM) and stored once per
 * SHA-256 in file_blobs, one row of files per upload; downloaded by whoever may see the
 * order (the handlers check it first).
 */
#include "billfin.h"

#include "change.h"
#include "dbrow.h"
#include "log.h"
#include "status.h"
#include "upload.h"
#include "validate.h"

#include <openssl/crypto.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *files_aad(svc_ctx *ctx, const char *sha)
{
	return arena_printf(ctx->arena, "billfin.file_blobs.data/%s", sha);
}

int billfin_file_store(svc_ctx *ctx, const Files__Upload *up, const char *field,
                       const char *order_id, const char *kind, const char *person_id,
                       const char **file_id)
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
	upload_clean_name(up->name, kind, ext, name, sizeof name);
	snprintf(size, sizeof size, "%zu", n);
	unsigned char *sealed = NULL;
	size_t sealed_len = 0;
	if (crypto_seal(&BILLFIN_APP(ctx)->keys, up->data.data, n, files_aad(ctx, sha), &sealed,
	                &sealed_len) != 0)
		return status_err(ST_INTERNAL, NULL);
	const char *v1[] = {sha, (const char *)sealed, size};
	const int lens[] = {0, (int)sealed_len, 0};
	const int fmts[] = {0, 1, 0};
	rv = change_query(ctx,
	                  "INSERT INTO file_blobs (sha256, data, size) VALUES ($1, $2, $3::bigint)"
	                  " ON CONFLICT (sha256) DO NOTHING",
	                  3, v1, lens, fmts, NULL);
	free(sealed);
	if (rv != ST_OK)
		return rv;
	const char *v2[] = {order_id, kind, name, ct, size, sha, person_id};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO files (order_id, kind, name, content_type, size, sha256,"
	             " uploaded_by) VALUES ($1::uuid, $2, $3, $4, $5::bigint, $6, $7::uuid)"
	             " RETURNING id::text",
	             7, v2, &r)) != ST_OK)
		return rv;
	*file_id = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	return ST_OK;
}

int billfin_file_download(svc_ctx *ctx, const char *order_id, const char *file_id,
                          ProtobufCMessage **out)
{
	PGresult *r = NULL, *b = NULL;
	int rv;
	if (!file_id || !validate_uuid(file_id))
		return status_err(ST_NOT_FOUND, "file_id");
	const char *v[] = {file_id, order_id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT name, content_type, sha256 FROM files WHERE id = $1::uuid"
	                  " AND order_id = $2::uuid",
	                  2, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		rv = status_err(ST_NOT_FOUND, "file_id");
		goto out;
	}
	const char *sha = PQgetvalue(r, 0, 2);
	const char *v2[] = {sha};
	if ((rv = db_query(ctx->db, "SELECT data FROM file_blobs WHERE sha256 = $1", 1, v2, NULL,
	                   NULL, 1, &b)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	char *plain = NULL;
	size_t len = 0;
	if (PQntuples(b) != 1 ||
	    crypto_open(&BILLFIN_APP(ctx)->keys, (const unsigned char *)PQgetvalue(b, 0, 0),
	                (size_t)PQgetlength(b, 0, 0), files_aad(ctx, sha), &plain, &len) != 0) {
		log_kv(LOGL_ERROR, ctx->request_id, "file blob missing or does not open", "file_id",
		       file_id, NULL);
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = dbrow_text(ctx->arena, r, 0, 0);
	d->content_type = dbrow_text(ctx->arena, r, 0, 1);
	d->has_data = 1;
	d->data.len = len;
	d->data.data = arena_alloc(ctx->arena, len ? len : 1);
	memcpy(d->data.data, plain, len);
	OPENSSL_cleanse(plain, len);
	free(plain);
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
