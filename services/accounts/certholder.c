/*
 * CheckCertificateHolder (bus-only, certs alone): what certs needs of a person to bind
 * a certificate and to sign with a cloud key, without learning the phone or the ID
 * number: the ID number's blind index (the personal profile's serialNumber is the same
 * HMAC) and, when a code is given, the person's SMS code for the purpose checked and
 * used up against the phone accounts keeps.
 */
#include "accounts.h"

#include "accounts.pb-c.h"
#include "caller.h"
#include "status.h"
#include "validate.h"

#include <string.h>

int accounts_certholder_check(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__CheckCertificateHolderRequest *req =
	        (const Accounts__CheckCertificateHolderRequest *)in;
	const char *svc = caller_service(ctx);
	accounts_login_row row;
	PGresult *r = NULL;
	int rv;
	if (!svc || strcmp(svc, "certs") != 0)
		return status_err(ST_ROUTE_NOT_FOUND, NULL);
	if (!req->person_id || !validate_uuid(req->person_id))
		return status_err(ST_FIELD_RANGE, "person_id");
	if ((rv = accounts_login_row_by_id(ctx, req->person_id, &row)) != ST_OK)
		return rv == ST_NOT_FOUND ? status_err(ST_NOT_FOUND, "person_id") : rv;
	if (row.disabled)
		return status_err(ST_ACCOUNT_DISABLED, NULL);
	if (req->sms_code && *req->sms_code &&
	    (rv = accounts_sms_verify(ctx, row.phone, req->sms_purpose ? req->sms_purpose : "",
	                              req->sms_code, 1, "sms_code")) != ST_OK)
		return rv;
	const char *v[] = {req->person_id};
	if ((rv = db_query(ctx->db,
	                   "SELECT id_number_hash FROM persons WHERE id = $1::uuid"
	                   " AND verified_at IS NOT NULL",
	                   1, v, NULL, NULL, 0, &r)) != ST_OK)
		return rv;
	Accounts__CertificateHolder *h = arena_alloc(ctx->arena, sizeof *h);
	accounts__certificate_holder__init(h);
	h->person_id = req->person_id;
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
		h->id_number_hash = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
	h->has_disabled = 1;
	PQclear(r);
	*out = &h->base;
	return ST_OK;
}
