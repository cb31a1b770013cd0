/* CMS SignedData for PAdES B-T, written in DER by hand (see cades.h). */
#include "cades.h"
#include "mem.h"
#include "pdfread.h"
#include "proof.h"
#include "status.h"

#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/ts.h>

#include <stdlib.h>
#include <string.h>

/* ---- DER ---------------------------------------------------------------------- */

/* tag, definite length, value. */
static void der_tlv(pdfread_buf *b, unsigned char tag, const void *v, size_t n)
{
	unsigned char h[6];
	size_t k = 0;
	h[k++] = tag;
	if (n < 0x80) {
		h[k++] = (unsigned char)n;
	} else if (n < 0x100) {
		h[k++] = 0x81;
		h[k++] = (unsigned char)n;
	} else if (n < 0x10000) {
		h[k++] = 0x82;
		h[k++] = (unsigned char)(n >> 8);
		h[k++] = (unsigned char)n;
	} else {
		h[k++] = 0x83;
		h[k++] = (unsigned char)(n >> 16);
		h[k++] = (unsigned char)(n >> 8);
		h[k++] = (unsigned char)n;
	}
	pdfread_buf_put(b, h, k);
	pdfread_buf_put(b, v, n);
}

/* Wraps inner as the value of tag into b, and empties inner. */
static void der_wrap(pdfread_buf *b, unsigned char tag, pdfread_buf *inner)
{
	der_tlv(b, tag, inner->p, inner->len);
	inner->len = 0;
}

static void der_oid(pdfread_buf *b, int nid)
{
	const ASN1_OBJECT *o = OBJ_nid2obj(nid);
	der_tlv(b, 0x06, OBJ_get0_data(o), OBJ_length(o));
}

/* AlgorithmIdentifier: the OID, with NULL parameters when null_params. */
static void der_alg(pdfread_buf *b, int nid, int null_params)
{
	pdfread_buf in = {0};
	der_oid(&in, nid);
	if (null_params)
		pdfread_buf_put(&in, "\x05\x00", 2);
	der_wrap(b, 0x30, &in);
	free(in.p);
}

/* An OpenSSL object's own DER (a Name, an INTEGER). */
static int der_i2d(pdfread_buf *b, int len, unsigned char *p)
{
	if (len <= 0 || !p)
		return -1;
	pdfread_buf_put(b, p, (size_t)len);
	OPENSSL_free(p);
	return 0;
}

static int der_name(pdfread_buf *b, const X509_NAME *n)
{
	unsigned char *p = NULL;
	int len = i2d_X509_NAME(n, &p);
	return der_i2d(b, len, p);
}

static int der_serial(pdfread_buf *b, X509 *x)
{
	unsigned char *p = NULL;
	int len = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &p);
	return der_i2d(b, len, p);
}

static int der_cert(pdfread_buf *b, X509 *x)
{
	unsigned char *p = NULL;
	int len = i2d_X509(x, &p);
	return der_i2d(b, len, p);
}

/* Attribute ::= SEQUENCE { type, SET { value } }, value already DER. */
static void der_attr(pdfread_buf *b, int nid, const unsigned char *v, size_t n)
{
	pdfread_buf in = {0}, set = {0};
	der_oid(&in, nid);
	der_tlv(&set, 0x31, v, n);
	pdfread_buf_put(&in, set.p, set.len);
	der_wrap(b, 0x30, &in);
	free(in.p);
	free(set.p);
}

/* DER orders a SET OF by the encodings (X.690 11.6): shorter ones padded with zeros. */
static int der_cmp(const void *x, const void *y)
{
	const pdfread_buf *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->p, b->p, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* ---- keys ----------------------------------------------------------------------- */

typedef enum { KEY_RSA, KEY_ECDSA, KEY_SM2, KEY_OTHER } key_kind;

static key_kind kind_of(X509 *cert)
{
	EVP_PKEY *k = X509_get0_pubkey(cert);
	if (!k)
		return KEY_OTHER;
	if (EVP_PKEY_is_a(k, "RSA"))
		return KEY_RSA;
	if (EVP_PKEY_is_a(k, "SM2"))
		return KEY_SM2;
	if (EVP_PKEY_is_a(k, "EC")) {
		char curve[64];
		size_t n = 0;
		if (!EVP_PKEY_get_utf8_string_param(k, "group", curve, sizeof curve, &n))
			return KEY_OTHER;
		if (strcmp(curve, "prime256v1") == 0)
			return KEY_ECDSA;
		if (strcmp(curve, "SM2") == 0)
			return KEY_SM2;
	}
	return KEY_OTHER;
}

int cades_cert_supported(X509 *cert) { return kind_of(cert) != KEY_OTHER; }

const EVP_MD *cades_md(X509 *cert)
{
	key_kind k = kind_of(cert);
	return k == KEY_OTHER ? NULL : k == KEY_SM2 ? EVP_sm3() : EVP_sha256();
}

int cades_key_sign(void *arg, const unsigned char *digest, size_t dlen, unsigned char **sig,
                   size_t *siglen)
{
	unsigned char *s = NULL;
	size_t n = 0;
	int rv = proof_sign_digest(arg, digest, dlen, &s, &n);
	if (rv != ST_OK)
		return rv;
	*sig = xmalloc(n);
	memcpy(*sig, s, n);
	*siglen = n;
	OPENSSL_free(s);
	return ST_OK;
}

/* ---- time stamps ---------------------------------------------------------------- */

int cades_tsa_query(const unsigned char imprint[32], unsigned char **der, size_t *len)
{
	TS_REQ *q = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_INTEGER *nonce = NULL;
	BIGNUM *bn = BN_new();
	unsigned char *p = NULL;
	int rv = ST_INTERNAL, n;
	if (!q || !mi || !alg || !bn || !TS_REQ_set_version(q, 1))
		goto out;
	X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
	if (!TS_MSG_IMPRINT_set_algo(mi, alg) ||
	    !TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)imprint, 32) ||
	    !TS_REQ_set_msg_imprint(q, mi) || !TS_REQ_set_cert_req(q, 1))
		goto out;
	if (!BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    !(nonce = BN_to_ASN1_INTEGER(bn, NULL)) || !TS_REQ_set_nonce(q, nonce))
		goto out;
	if ((n = i2d_TS_REQ(q, &p)) <= 0)
		goto out;
	*der = xmalloc((size_t)n);
	memcpy(*der, p, (size_t)n);
	*len = (size_t)n;
	rv = ST_OK;
out:
	OPENSSL_free(p);
	BN_free(bn);
	ASN1_INTEGER_free(nonce);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(q);
	return rv;
}

int cades_tsa_token(const unsigned char *resp, size_t len, unsigned char **token, size_t *toklen)
{
	const unsigned char *p = resp;
	TS_RESP *r = d2i_TS_RESP(NULL, &p, (long)len);
	unsigned char *t = NULL;
	int rv = ST_SIGN_TIMESTAMP, n;
	if (!r || p != resp + len)
		goto out;
	long st = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(r)));
	if ((st != TS_STATUS_GRANTED && st != TS_STATUS_GRANTED_WITH_MODS) || !TS_RESP_get_token(r))
		goto out;
	if ((n = i2d_PKCS7(TS_RESP_get_token(r), &t)) <= 0)
		goto out;
	*token = xmalloc((size_t)n);
	memcpy(*token, t, (size_t)n);
	*toklen = (size_t)n;
	rv = ST_OK;
out:
	OPENSSL_free(t);
	TS_RESP_free(r);
	return rv;
}

/* 1 when token is a time-stamp token over the SHA-256 imprint. */
static int token_matches(const unsigned char *token, size_t len, const unsigned char imprint[32])
{
	const unsigned char *p = token;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
	TS_TST_INFO *info = p7 && p == token + len ? PKCS7_to_TS_TST_INFO(p7) : NULL;
	int ok = 0;
	if (info) {
		TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(info);
		ASN1_OCTET_STRING *d = TS_MSG_IMPRINT_get_msg(mi);
		X509_ALGOR *alg = TS_MSG_IMPRINT_get_algo(mi);
		ok = OBJ_obj2nid(alg->algorithm) == NID_sha256 && ASN1_STRING_length(d) == 32 &&
		     memcmp(ASN1_STRING_get0_data(d), imprint, 32) == 0;
	}
	TS_TST_INFO_free(info);
	PKCS7_free(p7);
	return ok;
}

/* ---- SignedData ------------------------------------------------------------------- */

/* signing-certificate-v2's value: SigningCertificateV2 { certs { ESSCertIDv2 } }. */
static int signing_cert_v2(pdfread_buf *b, X509 *cert)
{
	unsigned char h[SHA256_DIGEST_LENGTH];
	unsigned int hl = 0;
	pdfread_buf id = {0}, is = {0}, gn = {0}, t = {0};
	int rv = -1;
	if (!X509_digest(cert, EVP_sha256(), h, &hl) || hl != sizeof h)
		goto out;
	/* hashAlgorithm is sha256, the DEFAULT: absent. */
	der_tlv(&id, 0x04, h, sizeof h);
	if (der_name(&t, X509_get_issuer_name(cert)) != 0)
		goto out;
	der_wrap(&gn, 0xA4, &t); /* GeneralName directoryName [4], explicit (Name is a CHOICE) */
	der_wrap(&is, 0x30, &gn);
	if (der_serial(&is, cert) != 0)
		goto out;
	der_wrap(&id, 0x30, &is);
	der_wrap(&t, 0x30, &id); /* ESSCertIDv2 */
	der_wrap(&gn, 0x30, &t); /* SEQUENCE OF ESSCertIDv2 */
	der_wrap(b, 0x30, &gn);  /* SigningCertificateV2 */
	rv = 0;
out:
	free(id.p);
	free(is.p);
	free(gn.p);
	free(t.p);
	return rv;
}

/* The signed attributes, DER-sorted, concatenated (without the SET header). */
static int signed_attrs(pdfread_buf *out, X509 *cert, const unsigned char digest[32])
{
	pdfread_buf a[3] = {{0}}, v = {0};
	int rv = -1;
	der_oid(&v, NID_pkcs7_data);
	der_attr(&a[0], NID_pkcs9_contentType, v.p, v.len);
	v.len = 0;
	der_tlv(&v, 0x04, digest, 32);
	der_attr(&a[1], NID_pkcs9_messageDigest, v.p, v.len);
	v.len = 0;
	if (signing_cert_v2(&v, cert) != 0)
		goto out;
	der_attr(&a[2], NID_id_smime_aa_signingCertificateV2, v.p, v.len);
	qsort(a, 3, sizeof a[0], der_cmp);
	for (int i = 0; i < 3; i++)
		pdfread_buf_put(out, a[i].p, a[i].len);
	rv = 0;
out:
	for (int i = 0; i < 3; i++)
		free(a[i].p);
	free(v.p);
	return rv;
}

int cades_sign(X509 *cert, STACK_OF(X509) * chain, const unsigned char content_digest[32],
               cades_sign_fn sign, void *sign_arg, cades_tsa_fn tsa, void *tsa_arg,
               unsigned char **der, size_t *len)
{
	key_kind kind = kind_of(cert);
	pdfread_buf attrs = {0}, set = {0}, si = {0}, t = {0}, sd = {0}, ci = {0};
	unsigned char *sig = NULL, *token = NULL;
	size_t siglen = 0, toklen = 0;
	unsigned char md[SHA256_DIGEST_LENGTH], imprint[SHA256_DIGEST_LENGTH];
	int rv = ST_INTERNAL;
	if (kind == KEY_OTHER)
		return ST_SIGN_ALG_UNSUPPORTED;
	int dnid = kind == KEY_SM2 ? NID_sm3 : NID_sha256;
	if (signed_attrs(&attrs, cert, content_digest) != 0)
		goto out;
	/* The signature covers the attributes as a SET (tag 0x31), RFC 5652 5.4; for SM2 the
	 * digest signed is e = SM3(Z || attributes), Z from the GM ID and the key. */
	der_tlv(&set, 0x31, attrs.p, attrs.len);
	if (kind == KEY_SM2) {
		if (proof_sm2_e(X509_get0_pubkey(cert), set.p, set.len, md) != ST_OK)
			goto out;
	} else {
		SHA256(set.p, set.len, md);
	}
	if ((rv = sign(sign_arg, md, sizeof md, &sig, &siglen)) != ST_OK)
		goto out;
	SHA256(sig, siglen, imprint);
	if ((rv = tsa(tsa_arg, imprint, &token, &toklen)) != ST_OK)
		goto out;
	if (!token_matches(token, toklen, imprint)) {
		rv = ST_SIGN_TIMESTAMP;
		goto out;
	}
	rv = ST_INTERNAL;

	/* SignerInfo */
	pdfread_buf_put(&si, "\x02\x01\x01", 3); /* version 1: issuerAndSerialNumber */
	if (der_name(&t, X509_get_issuer_name(cert)) != 0 || der_serial(&t, cert) != 0)
		goto out;
	der_wrap(&si, 0x30, &t);
	der_alg(&si, dnid, 0);
	der_tlv(&si, 0xA0, attrs.p, attrs.len);
	if (kind == KEY_RSA)
		der_alg(&si, NID_rsaEncryption, 1);
	else if (kind == KEY_SM2)
		der_alg(&si, NID_SM2_with_SM3, 0);
	else
		der_alg(&si, NID_ecdsa_with_SHA256, 0);
	der_tlv(&si, 0x04, sig, siglen);
	der_attr(&t, NID_id_smime_aa_timeStampToken, token, toklen);
	der_wrap(&si, 0xA1, &t);

	/* SignedData */
	pdfread_buf_put(&sd, "\x02\x01\x01", 3);
	der_alg(&t, dnid, 0);
	der_wrap(&sd, 0x31, &t);
	der_oid(&t, NID_pkcs7_data); /* detached: eContent absent */
	der_wrap(&sd, 0x30, &t);
	if (der_cert(&t, cert) != 0)
		goto out;
	for (int i = 0; chain && i < sk_X509_num(chain); i++)
		if (der_cert(&t, sk_X509_value(chain, i)) != 0)
			goto out;
	der_wrap(&sd, 0xA0, &t);
	der_wrap(&t, 0x30, &si);
	der_wrap(&sd, 0x31, &t);

	/* ContentInfo */
	der_oid(&ci, NID_pkcs7_signed);
	der_wrap(&t, 0x30, &sd);
	der_wrap(&ci, 0xA0, &t);
	der_wrap(&t, 0x30, &ci);
	*der = t.p;
	*len = t.len;
	t.p = NULL;
	rv = ST_OK;
out:
	free(attrs.p);
	free(set.p);
	free(si.p);
	free(t.p);
	free(sd.p);
	free(ci.p);
	free(sig);
	free(token);
	return rv;
}
