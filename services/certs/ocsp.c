/* The OCSP responder (RFC 6960) behind GET /pki/ocsp/<b64> and POST /pki/ocsp: every
 * answer, errors included, is an OCSPResponse (application/ocsp-response). */
#include "certs.h"
#include "files.pb-c.h"
#include "pki.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

/* The answer as the HTTP body. */
static int ocsp_reply(svc_ctx *ctx, unsigned char *der, size_t len, ProtobufCMessage **out)
{
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->content_type = "application/ocsp-response";
	d->has_data = 1;
	d->data.len = len;
	d->data.data = arena_alloc(ctx->arena, len ? len : 1);
	memcpy(d->data.data, der, len);
	OPENSSL_free(der);
	*out = &d->base;
	return ST_OK;
}

static int ocsp_fail(svc_ctx *ctx, int status, ProtobufCMessage **out)
{
	unsigned char *der = NULL;
	size_t len = 0;
	int rv = pki_ocsp_error(status, &der, &len);
	return rv == ST_OK ? ocsp_reply(ctx, der, len, out) : rv;
}

/* Each serial's status in the register: unknown when the CA never issued it. */
static int ocsp_lookup(svc_ctx *ctx, const pki_ocsp_req *q, pki_ocsp_status *st)
{
	for (size_t i = 0; i < q->n; i++) {
		PGresult *r = NULL;
		const char *v[] = {q->serial[i], ca_alg_names[q->alg]};
		int rv = db_query(ctx->db,
		                  "SELECT revoked_at IS NOT NULL, "
		                  "coalesce(floor(extract(epoch FROM revoked_at))::bigint, 0), "
		                  "coalesce(revocation_reason, 0) FROM certificates "
		                  "WHERE serial = $1 AND ca = $2",
		                  2, v, NULL, NULL, 0, &r);
		if (rv != ST_OK)
			return rv;
		st[i] = (pki_ocsp_status){V_OCSP_CERTSTATUS_UNKNOWN, 0, 0};
		if (PQntuples(r) == 1) {
			long long at = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
			int revoked = PQgetvalue(r, 0, 0)[0] == 't';
			st[i].status = revoked ? V_OCSP_CERTSTATUS_REVOKED : V_OCSP_CERTSTATUS_GOOD;
			st[i].revoked_at = (time_t)at;
			st[i].reason = (int)strtol(PQgetvalue(r, 0, 2), NULL, 10);
		}
		PQclear(r);
	}
	return ST_OK;
}

int certs_ocsp(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__PkiRequest *q = (const Certs__PkiRequest *)in;
	struct certs_app *app = CERTS_APP(ctx);
	unsigned char *b64 = NULL, *der = NULL;
	size_t len = 0;
	const unsigned char *req = q->has_body ? q->body.data : NULL;
	size_t reqlen = q->has_body ? q->body.len : 0;
	X509 *signer = NULL;
	EVP_PKEY *key = NULL;
	pki_ocsp_req pq;
	pki_ocsp_status st[PKI_OCSP_MAX_IDS];
	if (!req && q->has_request) {
		if (pki_b64_decode(q->request.data, q->request.len, &b64, &len) != 0)
			return ocsp_fail(ctx, OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, out);
		req = b64;
		reqlen = len;
	}
	X509 *issuers[CA_NALG];
	for (int a = 0; a < CA_NALG; a++)
		issuers[a] = app->ca[a].issuing;
	int ost = pki_ocsp_parse(req, reqlen, issuers, &pq);
	OPENSSL_free(b64);
	if (ost != OCSP_RESPONSE_STATUS_SUCCESSFUL)
		return ocsp_fail(ctx, ost, out);
	int rv = certs_pki_signer(ctx, arena_printf(ctx->arena, "%s-ocsp", ca_alg_names[pq.alg]),
	                          &signer, &key);
	if (rv == ST_OK)
		rv = ocsp_lookup(ctx, &pq, st);
	if (rv == ST_OK)
		rv = pki_ocsp_answer(&pq, st, signer, key, time(NULL), &der, &len);
	pki_ocsp_req_free(&pq);
	X509_free(signer);
	EVP_PKEY_free(key);
	/* The register or the responder's key out of reach: the client may ask again. */
	if (rv != ST_OK)
		return ocsp_fail(ctx, OCSP_RESPONSE_STATUS_TRYLATER, out);
	return ocsp_reply(ctx, der, len, out);
}
