/*
 * SignWithCloudKey (bus-only, for the signing half of issue 19): a digest signed with a
 * cloud certificate's platform-kept key, after its holder's SMS code of purpose sign is
 * checked (and used up) against the holder's phone by accounts. The certificate must be
 * valid, not revoked, on medium cloud and held by the person asking. Audited
 * (certificate.signed, with the digest), no event.
 *
 * What is signed is the digest as given: sha256 for RSA (PKCS#1 v1.5 DigestInfo) and
 * ECDSA; sm3 for SM2, where the digest is e = SM3(Z || M) with Z computed from the GM ID
 * 1234567812345678 and the certificate's key (GM/T 0009), as an SM2 signature over M
 * needs.
 */
#include "certs.h"
#include "accounts.pb-c.h"
#include "caller.h"
#include "change.h"
#include "proof.h"
#include "status.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <stdlib.h>
#include <string.h>

#define CLOUD_CALL_MS 3000

/* The holder's SMS code (purpose sign), checked by accounts against the phone. */
int certs_cloud_code_check(svc_ctx *ctx, const char *person_id, const char *code)
{
	struct certs_app *app = CERTS_APP(ctx);
	Accounts__CheckCertificateHolderRequest q =
	        ACCOUNTS__CHECK_CERTIFICATE_HOLDER_REQUEST__INIT;
	ProtobufCMessage *o = NULL;
	if (!code || !*code)
		return status_err(ST_FIELD_REQUIRED, "sms_code");
	if (!app->accounts)
		return status_err(ST_UNAVAILABLE, NULL);
	q.person_id = (char *)person_id;
	q.sms_purpose = "sign";
	q.sms_code = (char *)code;
	return bus_call(app->accounts, "CheckCertificateHolder", ctx->caller, CLOUD_CALL_MS,
	                &q.base, &accounts__certificate_holder__descriptor, ctx->arena, &o);
}

struct cloud_audit {
	const char *serial, *actor, *alg, *digest_hex;
};

static int cloud_audit_tx(svc_ctx *ctx, void *arg)
{
	const struct cloud_audit *a = arg;
	return change_record(
	        ctx, a->actor, arena_printf(ctx->arena, "certificate/%s", a->serial),
	        "certificate.signed",
	        json_pack("{s:s,s:s}", "digest_algorithm", a->alg, "digest", a->digest_hex), NULL);
}

int certs_cloud_key_find(svc_ctx *ctx, const char *serial, const char *holder, certs_cloud_key *out)
{
	PGresult *r = NULL;
	int rv;
	memset(out, 0, sizeof *out);
	if (!serial || strlen(serial) != 32 || strspn(serial, "0123456789ABCDEF") != 32)
		return status_err(ST_CERT_NOT_FOUND, "serial");
	const char *v[] = {serial, holder ? holder : ""};
	if ((rv = db_query(
	             ctx->db,
	             "SELECT c.ca, c.revoked_at IS NOT NULL, now() BETWEEN c.not_before AND"
	             " c.not_after, coalesce(c.medium, '') = 'cloud', k.key_sealed, c.cert_der"
	             " FROM certificates c LEFT JOIN cloud_keys k ON k.serial = c.serial"
	             " WHERE c.serial = $1 AND ($2 = '' OR (c.holder_account_id = $2"
	             " AND " CERTS_HOLDER_LIVE("c") "))",
	             2, v, NULL, NULL, 1, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		rv = status_err(ST_CERT_NOT_FOUND, "serial");
		goto out;
	}
	if (PQgetvalue(r, 0, 1)[0]) {
		rv = status_err(ST_CERT_REVOKED, "serial");
		goto out;
	}
	if (!PQgetvalue(r, 0, 2)[0]) {
		rv = status_err(ST_CERT_EXPIRED, "serial");
		goto out;
	}
	if (!PQgetvalue(r, 0, 3)[0] || PQgetisnull(r, 0, 4)) {
		rv = status_err(ST_CERT_NOT_CLOUD, "serial");
		goto out;
	}
	char alg[16];
	snprintf(alg, sizeof alg, "%.*s", PQgetlength(r, 0, 0), PQgetvalue(r, 0, 0));
	int a = ca_alg_parse(alg);
	if (a < 0) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	snprintf(out->serial, sizeof out->serial, "%s", serial);
	out->alg = (ca_alg)a;
	out->sealed_len = (size_t)PQgetlength(r, 0, 4);
	out->sealed = arena_alloc(ctx->arena, out->sealed_len ? out->sealed_len : 1);
	memcpy(out->sealed, PQgetvalue(r, 0, 4), out->sealed_len);
	out->der_len = (size_t)PQgetlength(r, 0, 5);
	out->der = arena_alloc(ctx->arena, out->der_len ? out->der_len : 1);
	memcpy(out->der, PQgetvalue(r, 0, 5), out->der_len);
	rv = ST_OK;
out:
	PQclear(r);
	return rv;
}

int certs_cloud_key_open(svc_ctx *ctx, certs_cloud_key *k)
{
	struct certs_app *app = CERTS_APP(ctx);
	char *plain = NULL;
	size_t plainlen = 0;
	int rv = ST_OK;
	char *aad = arena_printf(ctx->arena, "certs.cloud_keys/%s", k->serial);
	if (crypto_open(&app->ca_seal, k->sealed, k->sealed_len, aad, &plain, &plainlen) != 0 ||
	    !(k->key = ca_key_from_der((const unsigned char *)plain, plainlen)) ||
	    !(k->cert = ca_cert_from_der(k->der, k->der_len)) || !(k->chain = sk_X509_new_null()) ||
	    !sk_X509_push(k->chain, app->ca[k->alg].issuing) ||
	    !sk_X509_push(k->chain, app->ca[k->alg].root))
		rv = status_err(ST_INTERNAL, NULL);
	else
		ca_cert_set_id(k->alg, k->cert);
	if (plain) {
		OPENSSL_cleanse(plain, plainlen);
		free(plain);
	}
	if (rv != ST_OK)
		certs_cloud_key_close(k);
	return rv;
}

void certs_cloud_key_close(certs_cloud_key *k)
{
	EVP_PKEY_free(k->key);
	X509_free(k->cert);
	sk_X509_free(k->chain); /* the CAs belong to the app */
	k->key = NULL;
	k->cert = NULL;
	k->chain = NULL;
}

int certs_cloud_sign(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__SignWithCloudKeyRequest *q = (const Certs__SignWithCloudKeyRequest *)in;
	certs_cloud_key k;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	int rv;
	const char *serial = q->serial ? q->serial : "";
	if (strlen(serial) != 32 || strspn(serial, "0123456789ABCDEF") != 32)
		return status_err(ST_CERT_NOT_FOUND, "serial");
	if (!q->person_id || !*q->person_id)
		return status_err(ST_FIELD_REQUIRED, "person_id");
	const char *dalg = q->digest_algorithm ? q->digest_algorithm : "";
	if (!q->has_digest || q->digest.len != 32)
		return status_err(ST_CERT_DIGEST, "digest");
	if ((rv = certs_cloud_key_find(ctx, serial, q->person_id, &k)) != ST_OK)
		return rv;
	int sm2 = k.alg == CA_SM2;
	if (strcmp(dalg, sm2 ? "sm3" : "sha256") != 0)
		return status_err(ST_CERT_DIGEST, "digest_algorithm");
	/* The code is used up before the key is touched. */
	if ((rv = certs_cloud_code_check(ctx, q->person_id, q->sms_code)) != ST_OK)
		return rv;
	if ((rv = certs_cloud_key_open(ctx, &k)) != ST_OK)
		return rv;
	if ((rv = proof_sign_digest(k.key, q->digest.data, q->digest.len, &sig, &siglen)) != ST_OK)
		goto out;
	char hex[65];
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", q->digest.data[i]);
	struct cloud_audit a = {serial,
	                        q->actor && *q->actor
	                                ? q->actor
	                                : arena_printf(ctx->arena, "person:%s", q->person_id),
	                        dalg, hex};
	if ((rv = change_run(ctx, cloud_audit_tx, &a)) != ST_OK)
		goto out;
	Certs__SignWithCloudKeyResponse *o = arena_alloc(ctx->arena, sizeof *o);
	certs__sign_with_cloud_key_response__init(o);
	o->serial = arena_strdup(ctx->arena, serial);
	o->signature_algorithm = sm2               ? "sm2-with-sm3"
	                         : k.alg == CA_RSA ? "sha256WithRSAEncryption"
	                                           : "ecdsa-with-SHA256";
	o->has_signature = 1;
	o->signature.len = siglen;
	o->signature.data = arena_alloc(ctx->arena, siglen);
	memcpy(o->signature.data, sig, siglen);
	*out = &o->base;
	rv = ST_OK;
out:
	OPENSSL_free(sig);
	certs_cloud_key_close(&k);
	return rv;
}

/* Development: the same for the logged-in holder (the phase test's curl). */
int certs_dev_cloud_sign(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	Certs__SignWithCloudKeyRequest q;
	const char *pid = NULL;
	if (!CERTS_APP(ctx)->development)
		return status_err(ST_NOT_FOUND, NULL);
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	q = *(const Certs__SignWithCloudKeyRequest *)in;
	q.person_id = (char *)pid;
	q.actor = NULL;
	return certs_cloud_sign(ctx, &q.base, out);
}

/* Development: a cloud certificate's own key sealed into cloud_keys (see the proto). */
int certs_dev_store_cloud_key(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__DevCloudKeyRequest *q = (const Certs__DevCloudKeyRequest *)in;
	struct certs_app *app = CERTS_APP(ctx);
	PGresult *r = NULL;
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	unsigned char *der = NULL, *sealed = NULL;
	size_t derlen = 0, slen = 0;
	int rv;
	if (!app->development)
		return status_err(ST_NOT_FOUND, NULL);
	const char *serial = q->serial ? q->serial : "";
	const char *v[] = {serial};
	if ((rv = db_query(
	             ctx->db,
	             "SELECT cert_der FROM certificates WHERE serial = $1 AND medium = 'cloud'", 1,
	             v, NULL, NULL, 1, &r)) != ST_OK)
		return rv;
	BIO *b = q->key_pem ? BIO_new_mem_buf(q->key_pem, (int)strlen(q->key_pem)) : NULL;
	k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	if (PQntuples(r) != 1) {
		rv = status_err(ST_CERT_NOT_CLOUD, "serial");
		goto out;
	}
	x = ca_cert_from_der((const unsigned char *)PQgetvalue(r, 0, 0),
	                     (size_t)PQgetlength(r, 0, 0));
	if (!k || !x || X509_check_private_key(x, k) != 1) {
		rv = status_err(ST_CERT_KEY_MISMATCH, "key_pem");
		goto out;
	}
	char *aad = arena_printf(ctx->arena, "certs.cloud_keys/%s", serial);
	if (ca_key_der(k, &der, &derlen) != ST_OK ||
	    crypto_seal(&app->ca_seal, der, derlen, aad, &sealed, &slen) != 0) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	const char *iv[] = {serial, (const char *)sealed};
	int lens[] = {0, (int)slen}, fmts[] = {0, 1};
	if ((rv = db_query(ctx->db,
	                   "INSERT INTO cloud_keys (serial, key_sealed) VALUES ($1, $2)"
	                   " ON CONFLICT (serial) DO UPDATE SET key_sealed = EXCLUDED.key_sealed",
	                   2, iv, lens, fmts, 0, NULL)) != ST_OK)
		goto out;
	Certs__DevCloudKeyResponse *o = arena_alloc(ctx->arena, sizeof *o);
	certs__dev_cloud_key_response__init(o);
	o->serial = arena_strdup(ctx->arena, serial);
	*out = &o->base;
	rv = ST_CREATED;
out:
	ERR_clear_error();
	if (der) {
		OPENSSL_cleanse(der, derlen);
		OPENSSL_free(der);
	}
	free(sealed);
	X509_free(x);
	EVP_PKEY_free(k);
	PQclear(r);
	return rv;
}
