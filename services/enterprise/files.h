/*
 * Uploaded files: judged by their content (magic bytes), at most 5 MiB, stored in
 * PostgreSQL sealed (AES-256-GCM) and content-addressed by the plaintext's SHA-256
 * (file_blobs) with one row per upload
 * (files) naming its owner, and downloaded by whoever may see that owner.
 */
#ifndef ENTERPRISE_FILES_H
#define ENTERPRISE_FILES_H

#include "crypto.h"
#include "db.h"
#include "files.pb-c.h"
#include "svc.h"
#include "upload.h"

#include <stddef.h>
#include <stdint.h>

/*
 * Checks and stores one upload inside the caller's open transaction: empty
 * (ST_FILE_EMPTY), over 5 MiB (ST_FILE_TOO_LARGE) or of another type (ST_FILE_TYPE)
 * are refused naming field. owner_type ("certification") and owner_id say whose it
 * is, uploaded_by the person. On ST_OK *info (in ctx->arena) describes it.
 */
int enterprise_file_store(svc_ctx *ctx, const Files__Upload *up, const char *field,
                          const char *owner_type, const char *owner_id, const char *uploaded_by,
                          const char *fallback_name, Files__FileInfo **info);

/*
 * Inside change_run's transaction: deletes upload file_id, and its bytes when no other
 * upload has the same content. ST_OK (also when there was no such file) or ST_DB.
 */
int enterprise_file_delete(svc_ctx *ctx, const char *file_id);

/*
 * At start: seals the blobs written before sealing (file_blobs.sealed false) with k, in
 * one transaction, rows locked so that replicas starting together do each once.
 * ST_OK or ST_DB/ST_INTERNAL (logged).
 */
int enterprise_files_seal_existing(svc_ctx *ctx);

/* The FileInfo of row `row` of a result whose columns col.. are id, name, content_type,
 * size, sha256 (in ctx->arena). */
Files__FileInfo *enterprise_file_info_from_row(svc_ctx *ctx, const PGresult *r, int row, int col);

/* The columns enterprise_file_info_from_row() reads, for a table aliased f. */
#define ENTERPRISE_FILE_COLS "f.id, f.name, f.content_type, f.size, f.sha256"

/* Certification.GetFile: the bytes, for whoever may see the owner; 404 otherwise. */
int enterprise_file_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
