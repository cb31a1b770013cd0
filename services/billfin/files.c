/*
 * Uploads of an order (the bill's front, the trade contract, the invoice): the bytes judged,
 * sealed and stored once per SHA-256 by common/blobs.h, one row of files per upload;
 * downloaded by whoever may see the order (the handlers check it first).
 */
#include "billfin.h"

#include "blobs.h"
#include "change.h"
#include "dbrow.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

int billfin_file_store(svc_ctx *ctx, const Files__Upload *up, const char *field,
                       const char *order_id, const char *kind, const char *person_id,
                       const char **file_id)
{
	blobs_info b;
	char size[24];
	PGresult *r = NULL;
	int rv = blobs_put(ctx, &BILLFIN_APP(ctx)->keys, "billfin", up, field, kind, &b);
	if (rv != ST_OK)
		return rv;
	snprintf(size, sizeof size, "%zu", b.size);
	const char *v[] = {order_id, kind, b.name, b.content_type, size, b.sha256, person_id};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO files (order_id, kind, name, content_type, size, sha256,"
	             " uploaded_by) VALUES ($1::uuid, $2, $3, $4, $5::bigint, $6, $7::uuid)"
	             " RETURNING id::text",
	             7, v, &r)) != ST_OK)
		return rv;
	*file_id = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	return ST_OK;
}

int billfin_file_download(svc_ctx *ctx, const char *order_id, const char *file_id,
                          ProtobufCMessage **out)
{
	PGresult *r = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
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
	if ((rv = blobs_get(ctx, &BILLFIN_APP(ctx)->keys, "billfin", PQgetvalue(r, 0, 2), &data,
	                    &len)) != ST_OK)
		goto out;
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = dbrow_text(ctx->arena, r, 0, 0);
	d->content_type = dbrow_text(ctx->arena, r, 0, 1);
	d->has_data = 1;
	d->data.len = len;
	d->data.data = data;
	/* Images show in the browser; a PDF is saved (it may carry scripts). */
	d->has_inline_ = 1;
	d->inline_ = strncmp(d->content_type, "image/", 6) == 0;
	*out = &d->base;
	rv = ST_OK;
out:
	PQclear(r);
	return rv;
}
