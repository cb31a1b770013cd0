/* Proof of possession (a signature over a challenge) and revocation reasons; pure. */
#include "proof.h"

#include "ca.h"
#include "mem.h"
#include "status.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <stdlib.h>
#include <string.h>

int proof_cert_parse(const char *pem, const char *field, X509 **out)
{
	size_t n = pem ? strlen(pem) : 0;
	if (n < 27 || n > 16384 || !strstr(pem, "-----BEGIN CERTIFICATE-----"))
		return status_err(ST_CERT_PEM, field);
	BIO *b = BIO_new_mem_buf(pem, (int)n);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	ERR_clear_error();
	if (!x)
		return status_err(ST_CERT_PEM, field);
	*out = x;
	return ST_OK;
}

int proof_cert_serial(X509 *x, char out[33])
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	int ok = hex && strlen(hex) == 32;
	if (ok)
		memcpy(out, hex, 33);
	OPENSSL_free(hex);
	BN_free(bn);
	return ok ? ST_OK : status_err(ST_CERT_NOT_OURS, "certificate_pem");
}

int proof_verify(X509 *x, const unsigned char *data, size_t len, const unsigned char *sig,
                 size_t siglen)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = 0;
	if (!k || !m)
		goto out;
	if (EVP_PKEY_is_a(k, "SM2")) {
		/* SM2 hashes Z (from the GM ID and the key) with the data: the ID must be set
		 * on a context of our own before the verification starts. */
		if (!(pctx = EVP_PKEY_CTX_new(k, NULL)) ||
		    EVP_PKEY_CTX_set1_id(pctx, CA_SM2_ID, CA_SM2_ID_LEN) <= 0)
			goto out;
		EVP_MD_CTX_set_pkey_ctx(m, pctx);
		if (EVP_DigestVerifyInit(m, NULL, EVP_sm3(), NULL, k) <= 0)
			goto out;
	} else if (EVP_PKEY_is_a(k, "RSA") || EVP_PKEY_is_a(k, "EC")) {
		if (EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, k) <= 0)
			goto out;
	} else {
		goto out;
	}
	ok = EVP_DigestVerify(m, sig, siglen, data, len) == 1;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(pctx);
	return ok ? ST_OK : status_err(ST_CERT_SIGNATURE, "signature");
}

int proof_sign_digest(EVP_PKEY *k, const unsigned char *dgst, size_t n, unsigned char **sig,
                      size_t *siglen)
{
	EVP_PKEY_CTX *p = EVP_PKEY_CTX_new(k, NULL);
	unsigned char *s = NULL;
	size_t len = 0;
	int ok = p && EVP_PKEY_sign_init(p) > 0;
	if (ok && EVP_PKEY_is_a(k, "RSA"))
		ok = EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PADDING) > 0 &&
		     EVP_PKEY_CTX_set_signature_md(p, EVP_sha256()) > 0;
	ok = ok && EVP_PKEY_sign(p, NULL, &len, dgst, n) > 0 && (s = OPENSSL_malloc(len)) &&
	     EVP_PKEY_sign(p, s, &len, dgst, n) > 0;
	EVP_PKEY_CTX_free(p);
	ERR_clear_error();
	if (!ok) {
		OPENSSL_free(s);
		return status_err(ST_INTERNAL, NULL);
	}
	*sig = s;
	*siglen = len;
	return ST_OK;
}

/* n as exactly 32 big-endian bytes into out. */
static int proof_bn32(const BIGNUM *n, unsigned char *out)
{
	return BN_bn2binpad(n, out, 32) == 32;
}

int proof_sm2_e(EVP_PKEY *k, const unsigned char *msg, size_t n, unsigned char e[32])
{
	/* Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), ENTL the ID's bit length. */
	unsigned char buf[2 + CA_SM2_ID_LEN + 6 * 32], pub[65];
	size_t publen = 0;
	unsigned char z[32];
	unsigned int zl = 0, el = 0;
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_sm2);
	BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new(), *x = BN_new(), *y = BN_new();
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok = g && p && a && b && x && y && m &&
	         EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub,
	                                         &publen) == 1 &&
	         publen == 65 && pub[0] == 0x04 && EC_GROUP_get_curve(g, p, a, b, NULL) == 1 &&
	         EC_POINT_get_affine_coordinates(g, EC_GROUP_get0_generator(g), x, y, NULL) == 1;
	if (ok) {
		unsigned char *q = buf;
		*q++ = (unsigned char)((CA_SM2_ID_LEN * 8) >> 8);
		*q++ = (unsigned char)((CA_SM2_ID_LEN * 8) & 0xff);
		memcpy(q, CA_SM2_ID, CA_SM2_ID_LEN);
		q += CA_SM2_ID_LEN;
		ok = proof_bn32(a, q) && proof_bn32(b, q + 32) && proof_bn32(x, q + 64) &&
		     proof_bn32(y, q + 96);
		memcpy(q + 128, pub + 1, 64);
	}
	ok = ok && EVP_Digest(buf, sizeof buf, z, &zl, EVP_sm3(), NULL) == 1 &&
	     EVP_DigestInit_ex(m, EVP_sm3(), NULL) == 1 && EVP_DigestUpdate(m, z, zl) == 1 &&
	     EVP_DigestUpdate(m, msg, n) == 1 && EVP_DigestFinal_ex(m, e, &el) == 1 && el == 32;
	EVP_MD_CTX_free(m);
	BN_free(p);
	BN_free(a);
	BN_free(b);
	BN_free(x);
	BN_free(y);
	EC_GROUP_free(g);
	ERR_clear_error();
	return ok ? ST_OK : status_err(ST_INTERNAL, NULL);
}

int proof_base64(const char *s, const char *field, unsigned char **out, size_t *len)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 4096)
		return status_err(ST_CERT_SIGNATURE_FORMAT, field);
	char *t = xmalloc(n + 4);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\n' && s[i] != '\r' && s[i] != ' ')
			t[m++] = s[i];
	while (m % 4)
		t[m++] = '=';
	unsigned char *buf = xmalloc(m / 4 * 3 + 1);
	int r = m ? EVP_DecodeBlock(buf, (const unsigned char *)t, (int)m) : -1;
	if (r < 0) {
		free(t);
		free(buf);
		return status_err(ST_CERT_SIGNATURE_FORMAT, field);
	}
	/* DecodeBlock counts the padding's zero bytes. */
	for (size_t i = m; i > 0 && t[i - 1] == '='; i--)
		r--;
	free(t);
	*out = buf;
	*len = (size_t)r;
	return ST_OK;
}

static const struct {
	const char *name;
	int code;
} proof_reasons[] = {
        {"unspecified", 0},        {"keyCompromise", 1}, {"cACompromise", 2},
        {"affiliationChanged", 3}, {"superseded", 4},    {"cessationOfOperation", 5},
        {"certificateHold", 6},    {"removeFromCRL", 8}, {"privilegeWithdrawn", 9},
        {"aACompromise", 10},
};

int proof_reason_parse(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof proof_reasons / sizeof proof_reasons[0]; i++)
		if (strcmp(name, proof_reasons[i].name) == 0) {
			int c = proof_reasons[i].code;
			/* A holder does not speak for a CA, nor holds or unholds. */
			return c == 2 || c == 6 || c == 8 || c == 10 ? -1 : c;
		}
	return -1;
}

const char *proof_reason_name(int code)
{
	for (size_t i = 0; i < sizeof proof_reasons / sizeof proof_reasons[0]; i++)
		if (proof_reasons[i].code == code)
			return proof_reasons[i].name;
	return "";
}
