/* Result cells into a request's arena: nullable text and sealed columns. */
#include "dbrow.h"

#include "log.h"
#include "status.h"

#include <openssl/crypto.h>
#include <stdlib.h>

char *dbrow_text(arena *a, const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : arena_strdup(a, PQgetvalue(r, row, col));
}

int dbrow_open(svc_ctx *ctx, const crypto_keys *k, const PGresult *r, int row, int col,
               const char *aad, char **out)
{
	size_t n = 0, plen = 0;
	char *plain = NULL;
	*out = NULL;
	if (PQgetisnull(r, row, col))
		return ST_OK;
	unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col), &n);
	int ok = raw && crypto_open(k, raw, n, aad, &plain, &plen) == 0;
	PQfreemem(raw);
	if (!ok) {
		log_kv(LOGL_ERROR, ctx->request_id, "a sealed column does not open", "aad", aad,
		       NULL);
		return status_err(ST_INTERNAL, NULL);
	}
	*out = arena_strndup(ctx->arena, plain, plen);
	OPENSSL_cleanse(plain, plen);
	free(plain);
	return ST_OK;
}
