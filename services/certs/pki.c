/* The pure halves of the PKI protocols (pki.h): OCSP requests and answers, the TSA's
 * answer, the signing certificates. No database, no service state. */
#include "pki.h"
#include "status.h"

#include <openssl/x509v3.h>

#include <stdlib.h>
#include <string.h>

void pki_ocsp_req_free(pki_ocsp_req *q)
{
	OCSP_REQUEST_free(q->req);
	q->req = NULL;
}

/* The serial of a CertID as upper-case hex (certificates.serial's form); -1 when too long. */
static int ocsp_serial_hex(const ASN1_INTEGER *s, char *out, size_t size)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(s, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	int rv = hex && strlen(hex) < size ? 0 : -1;
	if (rv == 0)
		snprintf(out, size, "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	return rv;
}

/* Which issuing CA a CertID names (its name and key hashes, under the CertID's own hash
 * algorithm), or -1. */
static int ocsp_ca_of(OCSP_CERTID *id, X509 *const issuers[CA_NALG])
{
	ASN1_OBJECT *md_obj = NULL;
	if (!OCSP_id_get0_info(NULL, &md_obj, NULL, NULL, id))
		return -1;
	const EVP_MD *md = EVP_get_digestbyobj(md_obj);
	if (!md)
		return -1;
	for (int a = 0; a < CA_NALG; a++) {
		if (!issuers[a])
			continue;
		OCSP_CERTID *mine = OCSP_cert_to_id(md, NULL, issuers[a]);
		int same = mine && OCSP_id_issuer_cmp(mine, id) == 0;
		OCSP_CERTID_free(mine);
		if (same)
			return a;
	}
	return -1;
}

int pki_ocsp_parse(const unsigned char *der, size_t len, X509 *const issuers[CA_NALG],
                   pki_ocsp_req *out)
{
	memset(out, 0, sizeof *out);
	const unsigned char *p = der;
	if (!der || len == 0 || len > 65536)
		return OCSP_RESPONSE_STATUS_MALFORMEDREQUEST;
	out->req = d2i_OCSP_REQUEST(NULL, &p, (long)len);
	if (!out->req || p != der + len)
		goto malformed;
	int n = OCSP_request_onereq_count(out->req);
	if (n <= 0 || n > PKI_OCSP_MAX_IDS)
		goto malformed;
	for (int i = 0; i < n; i++) {
		OCSP_CERTID *id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(out->req, i));
		ASN1_INTEGER *serial = NULL;
		if (!id || !OCSP_id_get0_info(NULL, NULL, NULL, &serial, id) || !serial ||
		    ocsp_serial_hex(serial, out->serial[i], sizeof out->serial[i]) != 0)
			goto malformed;
		int a = ocsp_ca_of(id, issuers);
		if (a < 0 || (i > 0 && (ca_alg)a != out->alg)) {
			pki_ocsp_req_free(out);
			return OCSP_RESPONSE_STATUS_UNAUTHORIZED;
		}
		out->alg = (ca_alg)a;
	}
	out->n = (size_t)n;
	return OCSP_RESPONSE_STATUS_SUCCESSFUL;
malformed:
	pki_ocsp_req_free(out);
	return OCSP_RESPONSE_STATUS_MALFORMEDREQUEST;
}

static int ocsp_der(OCSP_RESPONSE *r, unsigned char **der, size_t *len)
{
	*der = NULL;
	int n = r ? i2d_OCSP_RESPONSE(r, der) : -1;
	if (n <= 0)
		return status_err(ST_INTERNAL, NULL);
	*len = (size_t)n;
	return ST_OK;
}

int pki_ocsp_error(int status, unsigned char **der, size_t *len)
{
	OCSP_RESPONSE *r = OCSP_response_create(status, NULL);
	int rv = ocsp_der(r, der, len);
	OCSP_RESPONSE_free(r);
	return rv;
}

int pki_ocsp_answer(const pki_ocsp_req *q, const pki_ocsp_status *st, X509 *signer, EVP_PKEY *key,
                    time_t now, unsigned char **der, size_t *len)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_RESPONSE *r = NULL;
	ASN1_TIME *this_upd = ASN1_TIME_set(NULL, now);
	ASN1_TIME *next_upd = ASN1_TIME_set(NULL, now + 3600);
	EVP_MD_CTX *m = NULL;
	int rv = ST_INTERNAL;
	if (!bs || !this_upd || !next_upd)
		goto out;
	for (size_t i = 0; i < q->n; i++) {
		OCSP_CERTID *id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(q->req, (int)i));
		ASN1_TIME *rev = NULL;
		if (st[i].status == V_OCSP_CERTSTATUS_REVOKED &&
		    !(rev = ASN1_TIME_set(NULL, st[i].revoked_at)))
			goto out;
		OCSP_SINGLERESP *one = OCSP_basic_add1_status(
		        bs, id, st[i].status,
		        st[i].status == V_OCSP_CERTSTATUS_REVOKED ? st[i].reason : -1, rev,
		        this_upd, next_upd);
		ASN1_TIME_free(rev);
		if (!one)
			goto out;
	}
	/* 2: the request had no nonce, nothing to echo. */
	if (OCSP_copy_nonce(bs, q->req) <= 0)
		goto out;
	if (!(m = ca_sign_ctx_new(q->alg, key)) || OCSP_basic_sign_ctx(bs, signer, m, NULL, 0) <= 0)
		goto out;
	r = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	rv = ocsp_der(r, der, len);
out:
	ca_sign_ctx_free(q->alg, m);
	OCSP_RESPONSE_free(r);
	OCSP_BASICRESP_free(bs);
	ASN1_TIME_free(this_upd);
	ASN1_TIME_free(next_upd);
	return rv == ST_OK ? ST_OK : status_err(ST_INTERNAL, NULL);
}

int pki_b64_decode(const unsigned char *in, size_t n, unsigned char **out, size_t *len)
{
	*out = NULL;
	if (n == 0 || n % 4 != 0 || n > 65536)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = in[i];
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		         (c >= '0' && c <= '9') || c == '+' || c == '/' || (c == '=' && i >= n - 2);
		if (!ok || (i == n - 2 && c == '=' && in[n - 1] != '='))
			return -1;
	}
	unsigned char *buf = OPENSSL_malloc(n / 4 * 3 + 1);
	int k = buf ? EVP_DecodeBlock(buf, in, (int)n) : -1;
	if (k < 0) {
		OPENSSL_free(buf);
		return -1;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	k -= (in[n - 1] == '=') + (in[n - 2] == '=');
	*out = buf;
	*len = (size_t)k;
	return 0;
}

/* TS_RESP_CTX's serial callback: the serial the caller drew from the database. */
static ASN1_INTEGER *tsa_serial_cb(TS_RESP_CTX *ctx, void *data)
{
	(void)ctx;
	ASN1_INTEGER *s = ASN1_INTEGER_new();
	if (s && !ASN1_INTEGER_set_int64(s, *(const long long *)data)) {
		ASN1_INTEGER_free(s);
		s = NULL;
	}
	return s;
}

int pki_tsa_answer(X509 *cert, EVP_PKEY *key, STACK_OF(X509) * chain, long long serial,
                   const unsigned char *req, size_t reqlen, unsigned char **der, size_t *len,
                   int *granted)
{
	TS_RESP_CTX *c = TS_RESP_CTX_new();
	ASN1_OBJECT *policy = OBJ_txt2obj(PKI_TSA_POLICY, 1);
	BIO *in = BIO_new_mem_buf(req ? (const void *)req : "", req ? (int)reqlen : 0);
	TS_RESP *r = NULL;
	int rv = ST_INTERNAL;
	*der = NULL;
	*granted = 0;
	if (!c || !policy || !in || reqlen > 65536 || !TS_RESP_CTX_set_signer_cert(c, cert) ||
	    !TS_RESP_CTX_set_signer_key(c, key) ||
	    !TS_RESP_CTX_set_signer_digest(c, EVP_sha256()) ||
	    !TS_RESP_CTX_set_ess_cert_id_digest(c, EVP_sha256()) ||
	    !TS_RESP_CTX_set_def_policy(c, policy) || !TS_RESP_CTX_add_md(c, EVP_sha256()) ||
	    !TS_RESP_CTX_set_accuracy(c, 1, 0, 0) || (chain && !TS_RESP_CTX_set_certs(c, chain)))
		goto out;
	TS_RESP_CTX_set_serial_cb(c, tsa_serial_cb, &serial);
	if (!(r = TS_RESP_create_response(c, in)))
		goto out;
	*granted = TS_RESP_get_tst_info(r) != NULL;
	int n = i2d_TS_RESP(r, der);
	if (n <= 0)
		goto out;
	*len = (size_t)n;
	rv = ST_OK;
out:
	TS_RESP_free(r);
	BIO_free(in);
	ASN1_OBJECT_free(policy);
	TS_RESP_CTX_free(c);
	return rv == ST_OK ? ST_OK : status_err(ST_INTERNAL, NULL);
}

static const char *const signer_cn[3][CA_NALG] = {
        {"SME Platform OCSP Responder (RSA)", "SME Platform OCSP Responder (ECDSA)",
         "SME Platform OCSP Responder (SM2)"},
        {"SME Platform Time-Stamping Authority (RSA)",
         "SME Platform Time-Stamping Authority (ECDSA)",
         "SME Platform Time-Stamping Authority (SM2)"},
        {"SME Platform Document Signing (RSA)", "SME Platform Document Signing (ECDSA)",
         "SME Platform Document Signing (SM2)"}};

int pki_signer_make(pki_signer_kind kind, ca_alg alg, X509 *issuer, EVP_PKEY *ikey, int days,
                    X509 **cert, EVP_PKEY **key)
{
	X509_NAME *n = X509_NAME_new();
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	ASN1_NULL *nocheck = NULL;
	char serial[33];
	int rv = ST_INTERNAL;
	if (!n ||
	    !X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"CN", -1, -1,
	                                0) ||
	    !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	                                (const unsigned char *)"SME Platform", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	                                (const unsigned char *)signer_cn[kind][alg], -1, -1, 0))
		goto out;
	ca_ee_spec s = {.subject = n,
	                .days = days,
	                .key_usage = kind == PKI_SIGNER_OCSP
	                                     ? "critical,digitalSignature"
	                                     : "critical,digitalSignature,nonRepudiation",
	                /* the document signer: no extendedKeyUsage, as the holders' certificates */
	                .ext_usage = kind == PKI_SIGNER_OCSP  ? "OCSPSigning"
	                             : kind == PKI_SIGNER_TSA ? "critical,timeStamping"
	                                                      : NULL};
	if (ca_keygen(alg, &k) != ST_OK || ca_issue(alg, issuer, ikey, k, &s, &x, serial) != ST_OK)
		goto out;
	/* id-pkix-ocsp-nocheck: clients need not ask about the responder itself (its short
	 * life stands in for revocation checks); added after issue, so signed again. */
	if (kind == PKI_SIGNER_OCSP &&
	    (!(nocheck = ASN1_NULL_new()) ||
	     !X509_add1_ext_i2d(x, NID_id_pkix_OCSP_noCheck, nocheck, 0, 0) ||
	     ca_sign_cert(alg, x, ikey) != ST_OK))
		goto out;
	*cert = x;
	*key = k;
	x = NULL;
	k = NULL;
	rv = ST_OK;
out:
	ASN1_NULL_free(nocheck);
	X509_free(x);
	EVP_PKEY_free(k);
	X509_NAME_free(n);
	return rv == ST_OK ? ST_OK : status_err(ST_INTERNAL, NULL);
}
