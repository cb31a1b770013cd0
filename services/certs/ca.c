/* The platform CA's cryptography (ca.h). */
#include "ca.h"
#include "status.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <stdlib.h>
#include <string.h>

const char *const ca_alg_names[CA_NALG] = {"rsa", "ecdsa", "sm2"};

int ca_alg_parse(const char *s)
{
	for (int i = 0; s && i < CA_NALG; i++)
		if (strcmp(s, ca_alg_names[i]) == 0)
			return i;
	return -1;
}

int ca_keygen(ca_alg alg, EVP_PKEY **out)
{
	EVP_PKEY *k = NULL;
	switch (alg) {
	case CA_RSA:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		break;
	case CA_ECDSA:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case CA_SM2:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
		break;
	default:
		break;
	}
	if (!k)
		return status_err(ST_INTERNAL, NULL);
	*out = k;
	return ST_OK;
}

/* A digest-sign context for key; SM2 gets SM3 and the GM ID. */
static EVP_MD_CTX *ca_md_ctx(ca_alg alg, EVP_PKEY *key)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	if (!m)
		return NULL;
	if (alg == CA_SM2) {
		pctx = EVP_PKEY_CTX_new(key, NULL);
		if (!pctx || EVP_PKEY_CTX_set1_id(pctx, CA_SM2_ID, CA_SM2_ID_LEN) <= 0)
			goto fail;
		EVP_MD_CTX_set_pkey_ctx(m, pctx);
		if (EVP_DigestSignInit(m, NULL, EVP_sm3(), NULL, key) <= 0)
			goto fail;
		return m;
	}
	if (EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, key) <= 0)
		goto fail;
	return m;
fail:
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(pctx);
	return NULL;
}

/* The EVP_MD_CTX does not own a pkey ctx set with EVP_MD_CTX_set_pkey_ctx (SM2's), but
 * owns the one EVP_DigestSignInit made itself. */
static void ca_md_ctx_free(ca_alg alg, EVP_MD_CTX *m)
{
	if (!m)
		return;
	EVP_PKEY_CTX *p = alg == CA_SM2 ? EVP_MD_CTX_get_pkey_ctx(m) : NULL;
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(p);
}

int ca_sign_cert(ca_alg alg, X509 *x, EVP_PKEY *key)
{
	EVP_MD_CTX *m = ca_md_ctx(alg, key);
	int ok = m && X509_sign_ctx(x, m) > 0;
	ca_md_ctx_free(alg, m);
	ca_cert_set_id(alg, x);
	return ok ? ST_OK : status_err(ST_INTERNAL, NULL);
}

int ca_sign_crl(ca_alg alg, X509_CRL *c, EVP_PKEY *key)
{
	EVP_MD_CTX *m = ca_md_ctx(alg, key);
	int ok = m && X509_CRL_sign_ctx(c, m) > 0;
	ca_md_ctx_free(alg, m);
	return ok ? ST_OK : status_err(ST_INTERNAL, NULL);
}

void ca_cert_set_id(ca_alg alg, X509 *x)
{
	if (alg != CA_SM2)
		return;
	ASN1_OCTET_STRING *id = ASN1_OCTET_STRING_new();
	if (!id || !ASN1_OCTET_STRING_set(id, (const unsigned char *)CA_SM2_ID, CA_SM2_ID_LEN)) {
		ASN1_OCTET_STRING_free(id);
		return;
	}
	X509_set0_distinguishing_id(x, id);
}

int ca_serial_set(X509 *x, char hex[33])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof b) != 1)
		return status_err(ST_INTERNAL, NULL);
	b[0] &= 0x7f; /* positive */
	b[0] |= 0x40; /* and 16 bytes long, so the hex is always 32 digits */
	BIGNUM *bn = BN_bin2bn(b, sizeof b, NULL);
	ASN1_INTEGER *ai = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	int ok = ai && X509_set_serialNumber(x, ai) == 1;
	for (size_t i = 0; ok && i < sizeof b; i++)
		snprintf(hex + 2 * i, 3, "%02X", b[i]);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return ok ? ST_OK : status_err(ST_INTERNAL, NULL);
}

static int ca_ext(X509 *x, X509V3_CTX *v, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, v, nid, value);
	int ok = e && X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

/* Serial, validity, subject, issuer, key: the frame of every certificate. */
static int ca_frame(X509 *x, X509_NAME *subject, X509 *issuer, EVP_PKEY *pub, int days,
                    time_t not_before, char serial[33])
{
	time_t nb = not_before ? not_before : time(NULL);
	if (X509_set_version(x, 2) != 1 || ca_serial_set(x, serial) != ST_OK ||
	    !X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &nb) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &nb) ||
	    X509_set_subject_name(x, subject) != 1 ||
	    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : subject) != 1 ||
	    X509_set_pubkey(x, pub) != 1)
		return -1;
	return 0;
}

int ca_make_ca(ca_alg alg, const char *cn, int days, int pathlen, X509 *issuer, EVP_PKEY *ikey,
               EVP_PKEY *key, X509 **out)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	char serial[33], bc[40];
	X509V3_CTX v;
	int rv = ST_INTERNAL;
	if (!x || !n ||
	    X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"CN", -1, -1,
	                               0) != 1 ||
	    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	                               (const unsigned char *)"SME Financing Platform", -1, -1,
	                               0) != 1 ||
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
	                               0) != 1)
		goto out;
	if (ca_frame(x, n, issuer, key, days, 0, serial) != 0)
		goto out;
	X509V3_set_ctx(&v, issuer ? issuer : x, x, NULL, NULL, 0);
	if (pathlen >= 0)
		snprintf(bc, sizeof bc, "critical,CA:TRUE,pathlen:%d", pathlen);
	else
		snprintf(bc, sizeof bc, "critical,CA:TRUE");
	if (ca_ext(x, &v, NID_basic_constraints, bc) != 0 ||
	    ca_ext(x, &v, NID_key_usage, "critical,keyCertSign,cRLSign") != 0 ||
	    ca_ext(x, &v, NID_subject_key_identifier, "hash") != 0 ||
	    ca_ext(x, &v, NID_authority_key_identifier, "keyid:always") != 0)
		goto out;
	if ((rv = ca_sign_cert(alg, x, issuer ? ikey : key)) != ST_OK)
		goto out;
	*out = x;
	x = NULL;
out:
	X509_NAME_free(n);
	X509_free(x);
	return rv == ST_OK ? ST_OK : status_err(ST_INTERNAL, NULL);
}

int ca_issue(ca_alg alg, X509 *issuer, EVP_PKEY *ikey, EVP_PKEY *pub, const ca_ee_spec *s,
             X509 **out, char serial[33])
{
	X509 *x = X509_new();
	X509V3_CTX v;
	char buf[600];
	int rv = ST_INTERNAL;
	if (!x || ca_frame(x, s->subject, issuer, pub, s->days, s->not_before, serial) != 0 ||
	    (s->not_after && !ASN1_TIME_set(X509_getm_notAfter(x), s->not_after)))
		goto out;
	X509V3_set_ctx(&v, issuer, x, NULL, NULL, 0);
	if (ca_ext(x, &v, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
	    ca_ext(x, &v, NID_key_usage, s->key_usage) != 0 ||
	    ca_ext(x, &v, NID_subject_key_identifier, "hash") != 0 ||
	    ca_ext(x, &v, NID_authority_key_identifier, "keyid:always") != 0)
		goto out;
	if (s->ext_usage && ca_ext(x, &v, NID_ext_key_usage, s->ext_usage) != 0)
		goto out;
	if (s->crl_url && *s->crl_url) {
		snprintf(buf, sizeof buf, "URI:%s", s->crl_url);
		if (ca_ext(x, &v, NID_crl_distribution_points, buf) != 0)
			goto out;
	}
	if (s->ocsp_url && *s->ocsp_url) {
		snprintf(buf, sizeof buf, "OCSP;URI:%s", s->ocsp_url);
		if (ca_ext(x, &v, NID_info_access, buf) != 0)
			goto out;
	}
	if ((rv = ca_sign_cert(alg, x, ikey)) != ST_OK)
		goto out;
	*out = x;
	x = NULL;
out:
	X509_free(x);
	return rv == ST_OK ? ST_OK : status_err(ST_INTERNAL, NULL);
}

int ca_key_check(ca_alg alg, EVP_PKEY *pub)
{
	char group[64] = "";
	size_t glen = 0;
	switch (alg) {
	case CA_RSA:
		if (EVP_PKEY_is_a(pub, "RSA") && EVP_PKEY_get_bits(pub) == 2048)
			return ST_OK;
		break;
	case CA_ECDSA:
	case CA_SM2:
		if (!EVP_PKEY_is_a(pub, alg == CA_SM2 ? "SM2" : "EC") &&
		    !(alg == CA_SM2 && EVP_PKEY_is_a(pub, "EC")))
			break;
		if (EVP_PKEY_get_utf8_string_param(pub, "group", group, sizeof group, &glen) != 1)
			break;
		if (strcmp(group, alg == CA_SM2 ? "SM2" : "prime256v1") == 0)
			return ST_OK;
		break;
	default:
		break;
	}
	return status_err(ST_CERT_KEY_MISMATCH, "csr");
}

int ca_csr_check(ca_alg alg, const unsigned char *data, size_t len, EVP_PKEY **pub)
{
	X509_REQ *req = NULL;
	EVP_PKEY *k = NULL;
	int rv;
	BIO *b = BIO_new_mem_buf(data, (int)len);
	if (b && len > 10 && memcmp(data, "-----BEGIN", 10) == 0) {
		req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	} else if (b) {
		const unsigned char *p = data;
		req = d2i_X509_REQ(NULL, &p, (long)len);
	}
	BIO_free(b);
	if (!req) {
		rv = status_err(ST_CERT_CSR_INVALID, "csr");
		goto out;
	}
	/* The key type comes first: a wrong key's signature says nothing useful. */
	if (!(k = X509_REQ_get_pubkey(req))) {
		rv = status_err(ST_CERT_CSR_INVALID, "csr");
		goto out;
	}
	if ((rv = ca_key_check(alg, k)) != ST_OK)
		goto out;
	if (alg == CA_SM2) {
		ASN1_OCTET_STRING *id = ASN1_OCTET_STRING_new();
		if (!id ||
		    !ASN1_OCTET_STRING_set(id, (const unsigned char *)CA_SM2_ID, CA_SM2_ID_LEN)) {
			ASN1_OCTET_STRING_free(id);
			rv = status_err(ST_INTERNAL, NULL);
			goto out;
		}
		X509_REQ_set0_distinguishing_id(req, id);
	}
	if (X509_REQ_verify(req, k) != 1) {
		rv = status_err(ST_CERT_CSR_SIGNATURE, "csr");
		goto out;
	}
	*pub = k;
	k = NULL;
	rv = ST_OK;
out:
	ERR_clear_error();
	EVP_PKEY_free(k);
	X509_REQ_free(req);
	return rv;
}

int ca_spki_sha256(EVP_PKEY *pub, char out[65])
{
	unsigned char *der = NULL, md[32];
	int n = i2d_PUBKEY(pub, &der);
	if (n <= 0)
		return status_err(ST_INTERNAL, NULL);
	int ok = EVP_Digest(der, (size_t)n, md, NULL, EVP_sha256(), NULL) == 1;
	OPENSSL_free(der);
	for (size_t i = 0; ok && i < sizeof md; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return ok ? ST_OK : status_err(ST_INTERNAL, NULL);
}

int ca_reason_valid(int reason) { return reason >= 0 && reason <= 10 && reason != 7; }

int ca_crl(ca_alg alg, X509 *issuer, EVP_PKEY *ikey, const ca_revoked *r, size_t n, long number,
           int hours, unsigned char **der, size_t *len)
{
	X509_CRL *c = X509_CRL_new();
	ASN1_TIME *now = ASN1_TIME_new(), *next = ASN1_TIME_new();
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	BIGNUM *bn = NULL;
	X509V3_CTX v;
	int rv = ST_INTERNAL;
	time_t t = time(NULL);
	if (!c || !now || !next || !num || X509_CRL_set_version(c, 1) != 1 ||
	    X509_CRL_set_issuer_name(c, X509_get_subject_name(issuer)) != 1 ||
	    !X509_time_adj_ex(now, 0, 0, &t) || !X509_time_adj_ex(next, 0, hours * 3600L, &t) ||
	    X509_CRL_set1_lastUpdate(c, now) != 1 || X509_CRL_set1_nextUpdate(c, next) != 1 ||
	    ASN1_INTEGER_set(num, number) != 1 ||
	    X509_CRL_add1_ext_i2d(c, NID_crl_number, num, 0, 0) != 1)
		goto out;
	for (size_t i = 0; i < n; i++) {
		X509_REVOKED *e = X509_REVOKED_new();
		ASN1_TIME *at = ASN1_TIME_set(NULL, r[i].at);
		ASN1_ENUMERATED *why = ASN1_ENUMERATED_new();
		ASN1_INTEGER *sn = NULL;
		int ok = e && at && why && BN_hex2bn(&bn, r[i].serial) > 0 &&
		         (sn = BN_to_ASN1_INTEGER(bn, NULL)) &&
		         X509_REVOKED_set_serialNumber(e, sn) == 1 &&
		         X509_REVOKED_set_revocationDate(e, at) == 1 &&
		         ASN1_ENUMERATED_set(why, r[i].reason) == 1 &&
		         X509_REVOKED_add1_ext_i2d(e, NID_crl_reason, why, 0, 0) == 1 &&
		         X509_CRL_add0_revoked(c, e) == 1;
		ASN1_INTEGER_free(sn);
		ASN1_ENUMERATED_free(why);
		ASN1_TIME_free(at);
		if (!ok) {
			X509_REVOKED_free(e);
			goto out;
		}
	}
	X509V3_set_ctx(&v, issuer, NULL, NULL, c, 0);
	X509_EXTENSION *aki =
	        X509V3_EXT_conf_nid(NULL, &v, NID_authority_key_identifier, "keyid:always");
	int ok = aki && X509_CRL_add_ext(c, aki, -1) == 1;
	X509_EXTENSION_free(aki);
	if (!ok || X509_CRL_sort(c) != 1 || ca_sign_crl(alg, c, ikey) != ST_OK)
		goto out;
	unsigned char *d = NULL;
	int dl = i2d_X509_CRL(c, &d);
	if (dl <= 0)
		goto out;
	*der = d;
	*len = (size_t)dl;
	rv = ST_OK;
out:
	BN_free(bn);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	X509_CRL_free(c);
	return rv == ST_OK ? ST_OK : status_err(ST_INTERNAL, NULL);
}

int ca_cert_der(X509 *x, unsigned char **der, size_t *len)
{
	unsigned char *d = NULL;
	int n = i2d_X509(x, &d);
	if (n <= 0)
		return status_err(ST_INTERNAL, NULL);
	*der = d;
	*len = (size_t)n;
	return ST_OK;
}

char *ca_cert_pem(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *out = NULL, *p;
	long n;
	if (b && PEM_write_bio_X509(b, x) == 1 && (n = BIO_get_mem_data(b, &p)) > 0 &&
	    (out = malloc((size_t)n + 1))) {
		memcpy(out, p, (size_t)n);
		out[n] = '\0';
	}
	BIO_free(b);
	return out;
}

X509 *ca_cert_from_der(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	return d2i_X509(NULL, &p, (long)len);
}

int ca_key_der(EVP_PKEY *k, unsigned char **der, size_t *len)
{
	unsigned char *d = NULL;
	int n = i2d_PrivateKey(k, &d);
	if (n <= 0)
		return status_err(ST_INTERNAL, NULL);
	*der = d;
	*len = (size_t)n;
	return ST_OK;
}

EVP_PKEY *ca_key_from_der(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	return d2i_AutoPrivateKey(NULL, &p, (long)len);
}

EVP_MD_CTX *ca_sign_ctx_new(ca_alg alg, EVP_PKEY *key) { return ca_md_ctx(alg, key); }

void ca_sign_ctx_free(ca_alg alg, EVP_MD_CTX *m) { ca_md_ctx_free(alg, m); }
