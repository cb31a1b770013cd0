/*
 * The single-use challenges of binding and certificate login: 32 random bytes
 * (base64url), valid 5 minutes, kept as their SHA-256 only. Taking one deletes it, so
 * of two requests with the same challenge exactly one proceeds.
 */
#include "certs.h"
#include "caller.h"
#include "proof.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

#define CHALLENGE_TTL_S 300

static int challenge_issue(svc_ctx *ctx, const char *purpose, const char *person_id,
                           ProtobufCMessage **out)
{
	char tok[64], h[65];
	if (crypto_token(tok, sizeof tok, 32) != 0)
		return status_err(ST_INTERNAL, NULL);
	crypto_sha256_hex(tok, strlen(tok), h);
	const char *v[] = {h, purpose, person_id ? person_id : ""};
	/* Expired ones go as new ones come, so the table stays small without a job. */
	int rv = db_exec(ctx->db,
	                 "DELETE FROM cert_challenges WHERE expires_at < now() - interval '1 hour'",
	                 0, NULL, NULL);
	if (rv == ST_OK)
		rv = db_exec(ctx->db,
		             "INSERT INTO cert_challenges (challenge_sha256, purpose, person_id, "
		             "expires_at) VALUES ($1, $2, NULLIF($3, ''), now() + interval '300 "
		             "seconds')",
		             3, v, NULL);
	if (rv != ST_OK)
		return rv;
	Certs__Challenge *c = arena_alloc(ctx->arena, sizeof *c);
	certs__challenge__init(c);
	c->challenge = arena_strdup(ctx->arena, tok);
	c->has_expires_in = 1;
	c->expires_in = CHALLENGE_TTL_S;
	*out = &c->base;
	return ST_CREATED;
}

int certs_challenge_take(svc_ctx *ctx, const char *purpose, const char *person_id,
                         const char *challenge)
{
	char h[65];
	PGresult *r = NULL;
	if (!challenge || !*challenge || strlen(challenge) > 128)
		return status_err(ST_CERT_CHALLENGE, "challenge");
	crypto_sha256_hex(challenge, strlen(challenge), h);
	const char *v[] = {h, purpose, person_id ? person_id : ""};
	int rv = db_exec(ctx->db,
	                 "DELETE FROM cert_challenges WHERE challenge_sha256 = $1 AND purpose = $2"
	                 " AND coalesce(person_id, '') = $3 RETURNING expires_at > now()",
	                 3, v, &r);
	if (rv != ST_OK)
		return rv;
	int ok = PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return ok ? ST_OK : status_err(ST_CERT_CHALLENGE, "challenge");
}

int certs_challenge_bind(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	const char *pid = NULL;
	int rv = caller_person(ctx, &pid);
	return rv != ST_OK ? rv : challenge_issue(ctx, "bind", pid, out);
}

int certs_challenge_login(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	return challenge_issue(ctx, "login", NULL, out);
}

/* The text of the subject's entry nid, in the arena; "" when absent. */
static const char *challenge_subject_entry(arena *a, X509 *x, int nid)
{
	X509_NAME *n = X509_get_subject_name(x);
	int i = n ? X509_NAME_get_index_by_NID(n, nid, -1) : -1;
	unsigned char *u = NULL;
	if (i < 0)
		return "";
	int len = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
	const char *s = len >= 0 ? arena_printf(a, "%.*s", len, (const char *)u) : "";
	OPENSSL_free(u);
	return s;
}

int certs_possession_check(svc_ctx *ctx, const Certs__CertificateProof *p, const char *purpose,
                           const char *person_id, certs_held *out)
{
	X509 *x = NULL;
	unsigned char *sig = NULL, *der = NULL;
	size_t siglen = 0, derlen = 0;
	PGresult *r = NULL;
	certs_held h;
	memset(&h, 0, sizeof h);
	/* The challenge goes first and is used up whatever follows: a signature is tried
	 * once per challenge, never guessed at. */
	int rv = certs_challenge_take(ctx, purpose, person_id, p->challenge);
	if (rv != ST_OK)
		return rv;
	if ((rv = proof_cert_parse(p->certificate_pem, "certificate_pem", &x)) != ST_OK)
		goto out;
	if ((rv = proof_base64(p->signature, "signature", &sig, &siglen)) != ST_OK)
		goto out;
	if ((rv = proof_cert_serial(x, h.serial)) != ST_OK)
		goto out;
	const char *v[] = {h.serial};
	if ((rv = db_query(
	             ctx->db,
	             "SELECT cert_der, revoked_at IS NOT NULL,"
	             " now() BETWEEN not_before AND not_after, profile,"
	             " CASE WHEN " CERTS_HOLDER_LIVE(
	                     "certificates") " THEN coalesce(holder_account_id, '') ELSE '' END,"
	                                     " coalesce(holder_enterprise_id, '')"
	                                     " FROM certificates WHERE serial = $1",
	             1, v, NULL, NULL, 1, &r)) != ST_OK)
		goto out;
	int len = ca_cert_der(x, &der, &derlen) == ST_OK ? 1 : 0;
	/* Ours: the very certificate we issued under that serial, byte for byte. */
	if (!len || PQntuples(r) != 1 || (size_t)PQgetlength(r, 0, 0) != derlen ||
	    memcmp(PQgetvalue(r, 0, 0), der, derlen) != 0) {
		rv = status_err(ST_CERT_NOT_OURS, "certificate_pem");
		goto out;
	}
	if (PQgetvalue(r, 0, 1)[0]) {
		rv = status_err(ST_CERT_REVOKED, "certificate_pem");
		goto out;
	}
	if (!PQgetvalue(r, 0, 2)[0]) {
		rv = status_err(ST_CERT_EXPIRED, "certificate_pem");
		goto out;
	}
	if ((rv = proof_verify(x, (const unsigned char *)p->challenge, strlen(p->challenge), sig,
	                       siglen)) != ST_OK)
		goto out;
	h.profile = arena_strdup(ctx->arena, PQgetvalue(r, 0, 3));
	h.holder_account = arena_strdup(ctx->arena, PQgetvalue(r, 0, 4));
	h.holder_enterprise = arena_strdup(ctx->arena, PQgetvalue(r, 0, 5));
	h.id_hash = strcmp(h.profile, "personal") == 0
	                    ? challenge_subject_entry(ctx->arena, x, NID_serialNumber)
	                    : "";
	h.organization = strcmp(h.profile, "enterprise") == 0
	                         ? challenge_subject_entry(ctx->arena, x, NID_organizationName)
	                         : "";
	*out = h;
	rv = ST_OK;
out:
	PQclear(r);
	OPENSSL_free(der);
	free(sig);
	X509_free(x);
	return rv;
}
