/*
 * VerifySignatures (POST /api/v1/signature-verifications, 验签): the signatures of an
 * uploaded PDF checked by pades_verify against the platform's CAs, each signer certificate
 * looked up in the certificates table (ours? revoked? expired?), a verdict per signature.
 * Nothing is stored; the session is required (see the README: the check costs CPU, the
 * rate limit counts per person).
 */
#include "certs.h"
#include "certs_verify.pb-c.h"
#include "contracts.h"
#include "db.h"
#include "caller.h"
#include "pades_verify.h"
#include "pdfread.h"
#include "status.h"
#include "verify.h"

#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The platform's roots and issuing CAs as trust anchors: copies, so that the SM2 ID set
 * for verification never touches the CAs the signing threads use. */
static X509_STORE *trust_store(struct certs_app *app)
{
	X509_STORE *st = X509_STORE_new();
	for (int a = 0; st && a < CA_NALG; a++) {
		X509 *pair[2] = {app->ca[a].root, app->ca[a].issuing};
		for (int k = 0; k < 2; k++) {
			unsigned char *der = NULL;
			int n = pair[k] ? i2d_X509(pair[k], &der) : -1;
			const unsigned char *p = der;
			X509 *x = n > 0 ? d2i_X509(NULL, &p, n) : NULL;
			OPENSSL_free(der);
			if (!x)
				continue;
			ca_cert_set_id((ca_alg)a, x);
			X509_STORE_add_cert(st, x);
			X509_free(x);
		}
	}
	return st;
}

/* The certificate's row in our table, when it is the very certificate of that serial. */
static int cert_status(svc_ctx *ctx, const pades_sig *s, Certs__VerifiedSignature *v,
                       time_t *revoked_at)
{
	PGresult *r = NULL;
	*revoked_at = 0;
	v->certificate_status = "unknown_issuer";
	if (!s->cert_der || strlen(s->serial) != 32)
		return ST_OK;
	const char *vals[] = {s->serial};
	int rv = db_query(
	        ctx->db,
	        "SELECT cert_der,"
	        " to_char(not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	        " to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	        " extract(epoch FROM revoked_at)::bigint::text, (not_after < now())::text"
	        " FROM certificates WHERE serial = $1",
	        1, vals, NULL, NULL, 0, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) == 1) {
		size_t n = 0;
		unsigned char *der =
		        PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &n);
		int ours = der && n == s->cert_len && memcmp(der, s->cert_der, n) == 0;
		PQfreemem(der);
		if (ours) {
			v->not_after = arena_strdup(ctx->arena, PQgetvalue(r, 0, 1));
			if (!PQgetisnull(r, 0, 2)) {
				v->certificate_status = "revoked";
				v->revoked_at = arena_strdup(ctx->arena, PQgetvalue(r, 0, 2));
				*revoked_at = (time_t)strtoll(PQgetvalue(r, 0, 3), NULL, 10);
			} else {
				v->certificate_status = strcmp(PQgetvalue(r, 0, 4), "true") == 0
				                                ? "expired"
				                                : "good";
			}
		}
	}
	PQclear(r);
	return ST_OK;
}

static Certs__VerifiedSignature *sig_message(svc_ctx *ctx, const pades_sig *s, int *rv)
{
	arena *a = ctx->arena;
	Certs__VerifiedSignature *v = arena_alloc(a, sizeof *v);
	certs__verified_signature__init(v);
	Certs__VerifiedTimestamp *t = arena_alloc(a, sizeof *t);
	certs__verified_timestamp__init(t);
	v->field = arena_strdup(a, s->field);
	v->subfilter = arena_strdup(a, s->subfilter);
	v->signing_time = arena_strdup(a, s->signing_time);
	v->signer = arena_strdup(a, s->subject);
	v->issuer = arena_strdup(a, s->issuer);
	v->serial = arena_strdup(a, s->serial);
	v->algorithm = arena_strdup(a, s->algorithm);
	v->digest = arena_strdup(a, s->digest);
	v->has_byte_range_valid = v->has_digest_matches = v->has_signature_valid = 1;
	v->byte_range_valid = s->byterange_ok;
	v->digest_matches = s->digest_ok;
	v->signature_valid = s->signature_ok;
	v->signing_certificate = s->signing_cert > 0    ? "matches"
	                         : s->signing_cert == 0 ? "mismatch"
	                                                : "absent";
	v->has_chain_trusted = 1;
	v->chain_trusted = s->chain_ok;
	t->has_present = t->has_valid = t->has_imprint_matches = 1;
	t->present = s->timestamp;
	t->valid = s->timestamp_ok;
	t->imprint_matches = s->timestamp_imprint_ok;
	t->time = arena_strdup(a, s->timestamp_time);
	t->tsa = arena_strdup(a, s->tsa_subject);
	v->timestamp = t;
	v->has_covers_whole_document = v->has_bytes_after = v->has_revisions_after = 1;
	v->covers_whole_document = s->covered > 0 && s->bytes_after == 0;
	v->bytes_after = (int64_t)s->bytes_after;
	v->revisions_after = s->revisions_after;
	v->later_changes = (char *)pades_later_name(s->later);
	time_t revoked_at = 0;
	*rv = cert_status(ctx, s, v, &revoked_at);
	v->verdict = (char *)pades_verdict(s, v->certificate_status, revoked_at);
	return v;
}

int certs_verify_signatures(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__VerifySignaturesRequest *q = (const Certs__VerifySignaturesRequest *)in;
	const char *person;
	int rv = caller_person(ctx, &person);
	if (rv != ST_OK)
		return rv;
	if (!q->file || !q->file->has_data || q->file->data.len == 0)
		return status_err(ST_FIELD_REQUIRED, "file");
	if (q->file->data.len > CERTS_CONTRACT_MAX_BYTES)
		return status_err(ST_VERIFY_TOO_LARGE, "file");
	pades_sig *sigs = NULL;
	size_t n = 0;
	pades_doc doc;
	X509_STORE *st = trust_store(CERTS_APP(ctx));
	rv = pades_verify(q->file->data.data, q->file->data.len, st, &sigs, &n, &doc);
	X509_STORE_free(st);
	if (rv == ST_PDF_ENCRYPTED)
		return status_err(ST_VERIFY_PDF_ENCRYPTED, "file");
	if (rv != ST_OK)
		return status_err(rv, "file");
	Certs__VerificationReport *r = arena_alloc(ctx->arena, sizeof *r);
	certs__verification_report__init(r);
	r->n_signatures = n;
	r->signatures = arena_alloc(ctx->arena, (n ? n : 1) * sizeof *r->signatures);
	for (size_t i = 0; i < n && rv == ST_OK; i++)
		r->signatures[i] = sig_message(ctx, &sigs[i], &rv);
	pades_verify_free(sigs, n);
	if (rv != ST_OK)
		return rv;
	Certs__VerifiedDocument *d = arena_alloc(ctx->arena, sizeof *d);
	certs__verified_document__init(d);
	unsigned char h[SHA256_DIGEST_LENGTH];
	SHA256(q->file->data.data, q->file->data.len, h);
	char *hex = arena_alloc(ctx->arena, 2 * sizeof h + 1);
	for (size_t i = 0; i < sizeof h; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	d->sha256 = hex;
	d->has_size = d->has_revisions = d->has_modified_after_last_signature = d->has_pages = 1;
	d->size = (int64_t)doc.size;
	d->revisions = doc.revisions;
	d->modified_after_last_signature = doc.modified_after_last_signature;
	d->pages = doc.pages;
	r->document = d;
	*out = &r->base;
	return ST_OK;
}
