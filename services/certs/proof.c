/* Proof of possession (a signature over a challenge) and revocation reasons; pure. */
#include "proof.h"

#include "ca.h"
#include "mem.h"
#include "status.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

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
