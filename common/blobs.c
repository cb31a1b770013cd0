/* Sealed, content-addressed upload bytes (blobs.h). */
#include "blobs.h"

#include "change.h"
#include "log.h"
#include "status.h"
#include "upload.h"

#include <openssl/crypto.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *blobs_aad(svc_ctx *ctx, const char *service, const char *sha)
{
	return arena_printf(ctx->arena, "%s.file_blobs.data/%s", service, sha);
}

int blobs_put(svc_ctx *ctx, const crypto_keys *k, const char *service, const Files__Upload *up,
              const char *field, const char *fallback, blobs_info *info)
{
	return blobs_put_max(ctx, k, service, up, field, fallback, UPLOAD_MAX_BYTES, info);
}

int blobs_put_max(svc_ctx *ctx, const crypto_keys *k, const char *service, const Files__Upload *up,
                  const char *field, const char *fallback, size_t max, blobs_info *info)
{
	const char *ext = NULL;
	char size[24];
	unsigned char *sealed = NULL;
	size_t sealed_len = 0;
	if (!up)
		return status_err(ST_FIELD_REQUIRED, field);
	size_t n = up->has_data ? up->data.len : 0;
	if (n == 0)
		return status_err(ST_FILE_EMPTY, field);
	if (n > max)
		return status_err(ST_FILE_TOO_LARGE, field);
	if (upload_judge(up->data.data, n, &info->content_type, &ext) != 0)
		return status_err(ST_FILE_TYPE, field);
	if (crypto_sha256_hex(up->data.data, n, info->sha256) != 0)
		return status_err(ST_INTERNAL, NULL);
	upload_clean_name(up->name, fallback, ext, info->name, sizeof info->name);
	info->size = n;
	snprintf(size, sizeof size, "%zu", n);
	if (crypto_seal(k, up->data.data, n, blobs_aad(ctx, service, info->sha256), &sealed,
	                &sealed_len) != 0)
		return status_err(ST_INTERNAL, NULL);
	const char *v[] = {info->sha256, (const char *)sealed, size};
	const int lens[] = {0, (int)sealed_len, 0};
	const int fmts[] = {0, 1, 0};
	int rv = change_query(
	        ctx,
	        "INSERT INTO file_blobs (sha256, data, size) VALUES ($1, $2, $3::bigint)"
	        " ON CONFLICT (sha256) DO NOTHING",
	        3, v, lens, fmts, NULL);
	free(sealed);
	return rv;
}

int blobs_get(svc_ctx *ctx, const crypto_keys *k, const char *service, const char *sha256,
              unsigned char **data, size_t *len)
{
	PGresult *r = NULL;
	char *plain = NULL;
	size_t n = 0;
	const char *v[] = {sha256};
	int rv = db_query(ctx->db, "SELECT data FROM file_blobs WHERE sha256 = $1", 1, v, NULL,
	                  NULL, 1, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1 ||
	    crypto_open(k, (const unsigned char *)PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0),
	                blobs_aad(ctx, service, sha256), &plain, &n) != 0) {
		log_kv(LOGL_ERROR, ctx->request_id, "blob missing or does not open", "sha256",
		       sha256, NULL);
		PQclear(r);
		return status_err(ST_INTERNAL, NULL);
	}
	PQclear(r);
	*data = arena_alloc(ctx->arena, n ? n : 1);
	memcpy(*data, plain, n);
	*len = n;
	OPENSSL_cleanse(plain, n);
	free(plain);
	return ST_OK;
}
