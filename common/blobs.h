/*
 * Uploaded bytes at rest: judged by content (upload.h), at most UPLOAD_MAX_BYTES, sealed
 * (AES-256-GCM, aad "<service>.file_blobs.data/<sha256>") and stored once per SHA-256 of
 * the plaintext in the service's table file_blobs (sha256, data, size). The service keeps
 * its own rows naming each upload's owner; this module holds the bytes only. Used by
 * certs (application materials) and billfin (an order's uploads); enterprise's files.c
 * (certification materials) predates it and stores the same way.
 */
#ifndef COMMON_BLOBS_H
#define COMMON_BLOBS_H

#include "crypto.h"
#include "files.pb-c.h"
#include "svc.h"

#include <stddef.h>

typedef struct blobs_info {
	char sha256[65];
	char name[128];           /* upload_clean_name() */
	const char *content_type; /* static, judged from the content */
	size_t size;
} blobs_info;

/*
 * Inside change_run's transaction: checks up (absent ST_FIELD_REQUIRED, empty
 * ST_FILE_EMPTY, too large ST_FILE_TOO_LARGE, another type ST_FILE_TYPE, each naming
 * field), seals and stores its bytes under service's aad unless already there. On ST_OK
 * *info describes it (fallback names it when the client gave no name).
 */
int blobs_put(svc_ctx *ctx, const crypto_keys *k, const char *service, const Files__Upload *up,
              const char *field, const char *fallback, blobs_info *info);
/* The same with its own size cap instead of UPLOAD_MAX_BYTES, for a caller that checked
 * the size itself against a larger limit of its own (certs: a contract's PDF, 20 MiB,
 * and its signed revisions); blobs_put is the rule everywhere else. */
int blobs_put_max(svc_ctx *ctx, const crypto_keys *k, const char *service, const Files__Upload *up,
                  const char *field, const char *fallback, size_t max, blobs_info *info);

/*
 * The bytes of sha256 opened into *data (ctx->arena) and *len. ST_OK, or ST_INTERNAL
 * (logged) when missing or not opening, or ST_DB.
 */
int blobs_get(svc_ctx *ctx, const crypto_keys *k, const char *service, const char *sha256,
              unsigned char **data, size_t *len);

#endif
