/* The time-stamping authority (RFC 3161) behind POST /pki/tsa: the platform's RSA TSA
 * certificate signs; serials come from PostgreSQL's tsa_serial, unique across replicas.
 * Every answer, a rejection included, is a TimeStampResp (application/timestamp-reply). */
#include "certs.h"
#include "files.pb-c.h"
#include "pki.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

int certs_timestamp(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__PkiRequest *q = (const Certs__PkiRequest *)in;
	struct certs_app *app = CERTS_APP(ctx);
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	PGresult *r = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	int granted = 0;
	STACK_OF(X509) *chain = sk_X509_new_null();
	int rv = chain ? ST_OK : status_err(ST_INTERNAL, NULL);
	if (rv == ST_OK)
		rv = certs_pki_signer(ctx, PKI_TSA_NAME, &cert, &key);
	if (rv == ST_OK)
		rv = db_query(ctx->db, "SELECT nextval('tsa_serial')", 0, NULL, NULL, NULL, 0, &r);
	if (rv != ST_OK)
		goto out;
	long long serial = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	/* certReq: the issuing CA travels with the TSA's own certificate. */
	if (!sk_X509_push(chain, app->ca[CA_RSA].issuing)) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	if ((rv = pki_tsa_answer(cert, key, chain, serial, q->has_body ? q->body.data : NULL,
	                         q->has_body ? q->body.len : 0, &der, &len, &granted)) != ST_OK)
		goto out;
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->content_type = "application/timestamp-reply";
	d->has_data = 1;
	d->data.len = len;
	d->data.data = arena_alloc(ctx->arena, len ? len : 1);
	memcpy(d->data.data, der, len);
	*out = &d->base;
out:
	OPENSSL_free(der);
	PQclear(r);
	sk_X509_free(chain);
	X509_free(cert);
	EVP_PKEY_free(key);
	return rv;
}
