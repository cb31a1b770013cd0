/* The PKI protocols' pure halves (pki.c): OCSP requests parsed against our issuing CAs and
 * answered (good, revoked with time and reason, unknown; nonce echoed; signed by the
 * delegated responder, SM2 with the GM ID), refused as malformed or unauthorized; the
 * TSA's answers (SHA-256 granted and verifiable, SHA-1 and garbage rejected). */
#include "ca.h"
#include "pki.h"
#include "status.h"

#include <openssl/x509v3.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct pki {
	ca_alg alg;
	EVP_PKEY *rkey, *ikey, *lkey, *okey;
	X509 *root, *issuing, *leaf, *responder;
	char serial[33];
};

static void pki_make(struct pki *p, ca_alg alg)
{
	memset(p, 0, sizeof *p);
	p->alg = alg;
	assert_int_equal(ca_keygen(alg, &p->rkey), ST_OK);
	assert_int_equal(ca_keygen(alg, &p->ikey), ST_OK);
	assert_int_equal(ca_keygen(alg, &p->lkey), ST_OK);
	assert_int_equal(ca_make_ca(alg, "t root", 30, 1, NULL, p->rkey, p->rkey, &p->root), ST_OK);
	assert_int_equal(
	        ca_make_ca(alg, "t issuing", 30, 0, p->root, p->rkey, p->ikey, &p->issuing), ST_OK);
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"leaf", -1, -1,
	                           0);
	ca_ee_spec s = {.subject = n, .days = 30, .key_usage = "critical,digitalSignature"};
	assert_int_equal(ca_issue(alg, p->issuing, p->ikey, p->lkey, &s, &p->leaf, p->serial),
	                 ST_OK);
	X509_NAME_free(n);
	assert_int_equal(pki_signer_make(PKI_SIGNER_OCSP, alg, p->issuing, p->ikey, PKI_OCSP_DAYS,
	                                 &p->responder, &p->okey),
	                 ST_OK);
}

static void pki_free(struct pki *p)
{
	EVP_PKEY_free(p->rkey);
	EVP_PKEY_free(p->ikey);
	EVP_PKEY_free(p->lkey);
	EVP_PKEY_free(p->okey);
	X509_free(p->root);
	X509_free(p->issuing);
	X509_free(p->leaf);
	X509_free(p->responder);
}

/* A DER request for leaf (SHA-1 CertID, as openssl ocsp sends) with a nonce. */
static unsigned char *req_der(X509 *leaf, X509 *issuer, int *len, OCSP_REQUEST **keep)
{
	OCSP_REQUEST *r = OCSP_REQUEST_new();
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), leaf, issuer);
	assert_non_null(OCSP_request_add0_id(r, id));
	assert_int_equal(OCSP_request_add1_nonce(r, NULL, 16), 1);
	unsigned char *der = NULL;
	*len = i2d_OCSP_REQUEST(r, &der);
	assert_true(*len > 0);
	*keep = r;
	return der;
}

/* The SM2 signature of a basic response, checked with SM3 and the GM ID (OpenSSL 3.0's
 * OCSP_basic_verify uses the empty default ID, so it cannot). */
static int sm2_verify(OCSP_BASICRESP *bs, X509 *signer)
{
	unsigned char *tbs = NULL;
	int n = i2d_OCSP_RESPDATA((OCSP_RESPDATA *)OCSP_resp_get0_respdata(bs), &tbs);
	const ASN1_OCTET_STRING *sig = OCSP_resp_get0_signature(bs);
	EVP_PKEY *pub = X509_get0_pubkey(signer);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(pub, NULL);
	EVP_PKEY_CTX_set1_id(pc, CA_SM2_ID, CA_SM2_ID_LEN);
	EVP_MD_CTX_set_pkey_ctx(m, pc);
	int ok = EVP_DigestVerifyInit(m, NULL, EVP_sm3(), NULL, pub) == 1 &&
	         EVP_DigestVerify(m, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig),
	                          tbs, (size_t)n) == 1;
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(pc);
	OPENSSL_free(tbs);
	return ok;
}

/* Rule: good, revoked (time and reason), unknown; nonce echoed; next update in 1 h; the
 * delegated responder's signature verifies against the CA chain. */
static void ocsp_roundtrip(ca_alg alg)
{
	struct pki p;
	pki_make(&p, alg);
	X509 *issuers[CA_NALG] = {0};
	issuers[alg] = p.issuing;
	int states[] = {V_OCSP_CERTSTATUS_GOOD, V_OCSP_CERTSTATUS_REVOKED,
	                V_OCSP_CERTSTATUS_UNKNOWN};
	for (int k = 0; k < 3; k++) {
		OCSP_REQUEST *orig = NULL;
		int len = 0;
		unsigned char *der = req_der(p.leaf, p.issuing, &len, &orig);
		pki_ocsp_req q;
		assert_int_equal(pki_ocsp_parse(der, (size_t)len, issuers, &q),
		                 OCSP_RESPONSE_STATUS_SUCCESSFUL);
		assert_int_equal(q.alg, alg);
		assert_int_equal(q.n, 1);
		assert_string_equal(q.serial[0], p.serial);
		pki_ocsp_status st = {states[k], 1700000000, 1};
		unsigned char *out = NULL;
		size_t olen = 0;
		time_t now = time(NULL);
		assert_int_equal(pki_ocsp_answer(&q, &st, p.responder, p.okey, now, &out, &olen),
		                 ST_OK);
		const unsigned char *pp = out;
		OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &pp, (long)olen);
		assert_non_null(resp);
		assert_int_equal(OCSP_response_status(resp), OCSP_RESPONSE_STATUS_SUCCESSFUL);
		OCSP_BASICRESP *bs = OCSP_response_get1_basic(resp);
		assert_non_null(bs);
		assert_int_equal(OCSP_check_nonce(orig, bs), 1);
		if (alg == CA_SM2) {
			assert_true(sm2_verify(bs, p.responder));
		} else {
			X509_STORE *store = X509_STORE_new();
			X509_STORE_add_cert(store, p.root);
			STACK_OF(X509) *untrusted = sk_X509_new_null();
			sk_X509_push(untrusted, p.issuing);
			assert_int_equal(OCSP_basic_verify(bs, untrusted, store, 0), 1);
			sk_X509_free(untrusted);
			X509_STORE_free(store);
		}
		OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), p.leaf, p.issuing);
		int status = -1, reason = -1;
		ASN1_GENERALIZEDTIME *rev = NULL, *thisu = NULL, *nextu = NULL;
		assert_int_equal(
		        OCSP_resp_find_status(bs, id, &status, &reason, &rev, &thisu, &nextu), 1);
		assert_int_equal(status, states[k]);
		int days = 0, secs = 0;
		assert_true(ASN1_TIME_diff(&days, &secs, thisu, nextu));
		assert_int_equal(days * 86400 + secs, 3600);
		if (states[k] == V_OCSP_CERTSTATUS_REVOKED) {
			assert_int_equal(reason, 1);
			assert_int_equal(ASN1_TIME_cmp_time_t(rev, 1700000000), 0);
		}
		OCSP_CERTID_free(id);
		OCSP_BASICRESP_free(bs);
		OCSP_RESPONSE_free(resp);
		OPENSSL_free(out);
		pki_ocsp_req_free(&q);
		OCSP_REQUEST_free(orig);
		OPENSSL_free(der);
	}
	pki_free(&p);
}

static void test_ocsp_rsa(void **state)
{
	(void)state;
	ocsp_roundtrip(CA_RSA);
}
static void test_ocsp_ecdsa(void **state)
{
	(void)state;
	ocsp_roundtrip(CA_ECDSA);
}
static void test_ocsp_sm2(void **state)
{
	(void)state;
	ocsp_roundtrip(CA_SM2);
}

/* Rule: a request about a CA that is not ours is unauthorized; one naming two CAs too. */
static void test_ocsp_unauthorized(void **state)
{
	(void)state;
	struct pki a, b;
	pki_make(&a, CA_ECDSA);
	pki_make(&b, CA_ECDSA);
	X509 *issuers[CA_NALG] = {NULL, a.issuing, NULL};
	OCSP_REQUEST *orig = NULL;
	int len = 0;
	unsigned char *der = req_der(b.leaf, b.issuing, &len, &orig);
	pki_ocsp_req q;
	assert_int_equal(pki_ocsp_parse(der, (size_t)len, issuers, &q),
	                 OCSP_RESPONSE_STATUS_UNAUTHORIZED);
	assert_null(q.req);
	OPENSSL_free(der);
	OCSP_REQUEST_free(orig);
	/* Ours and a stranger's in one request. */
	issuers[CA_RSA] = b.issuing; /* b stands in for a second CA of ours */
	OCSP_REQUEST *r = OCSP_REQUEST_new();
	OCSP_request_add0_id(r, OCSP_cert_to_id(EVP_sha1(), a.leaf, a.issuing));
	OCSP_request_add0_id(r, OCSP_cert_to_id(EVP_sha1(), b.leaf, b.issuing));
	der = NULL;
	len = i2d_OCSP_REQUEST(r, &der);
	assert_int_equal(pki_ocsp_parse(der, (size_t)len, issuers, &q),
	                 OCSP_RESPONSE_STATUS_UNAUTHORIZED);
	OPENSSL_free(der);
	OCSP_REQUEST_free(r);
	pki_free(&a);
	pki_free(&b);
}

/* Rule: what is not one DER OCSP request is malformedRequest, and that answer is an
 * OCSPResponse carrying the status alone. */
static void test_ocsp_malformed(void **state)
{
	(void)state;
	struct pki p;
	pki_make(&p, CA_RSA);
	X509 *issuers[CA_NALG] = {p.issuing, NULL, NULL};
	pki_ocsp_req q;
	const unsigned char junk[] = "not a request";
	assert_int_equal(pki_ocsp_parse(junk, sizeof junk, issuers, &q),
	                 OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	assert_int_equal(pki_ocsp_parse(NULL, 0, issuers, &q),
	                 OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	OCSP_REQUEST *orig = NULL;
	int len = 0;
	unsigned char *der = req_der(p.leaf, p.issuing, &len, &orig);
	unsigned char *longer = malloc((size_t)len + 1);
	memcpy(longer, der, (size_t)len);
	longer[len] = 0;
	assert_int_equal(pki_ocsp_parse(longer, (size_t)len + 1, issuers, &q),
	                 OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	assert_int_equal(pki_ocsp_parse(der, (size_t)len - 1, issuers, &q),
	                 OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	/* An empty request list. */
	OCSP_REQUEST *empty = OCSP_REQUEST_new();
	unsigned char *e = NULL;
	int elen = i2d_OCSP_REQUEST(empty, &e);
	assert_int_equal(pki_ocsp_parse(e, (size_t)elen, issuers, &q),
	                 OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	unsigned char *out = NULL;
	size_t olen = 0;
	assert_int_equal(pki_ocsp_error(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, &out, &olen), ST_OK);
	const unsigned char *pp = out;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &pp, (long)olen);
	assert_int_equal(OCSP_response_status(resp), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	OCSP_RESPONSE_free(resp);
	OPENSSL_free(out);
	OPENSSL_free(e);
	OCSP_REQUEST_free(empty);
	free(longer);
	OPENSSL_free(der);
	OCSP_REQUEST_free(orig);
	pki_free(&p);
}

/* Rule: the GET form's base64 decodes exactly (padding not counted), anything else is
 * refused. */
static void test_b64(void **state)
{
	(void)state;
	unsigned char *out = NULL;
	size_t len = 0;
	assert_int_equal(pki_b64_decode((const unsigned char *)"YWJj", 4, &out, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "abc", 3);
	OPENSSL_free(out);
	assert_int_equal(pki_b64_decode((const unsigned char *)"YWI=", 4, &out, &len), 0);
	assert_int_equal(len, 2);
	OPENSSL_free(out);
	assert_int_equal(pki_b64_decode((const unsigned char *)"YQ==", 4, &out, &len), 0);
	assert_int_equal(len, 1);
	OPENSSL_free(out);
	assert_int_equal(pki_b64_decode((const unsigned char *)"YW J", 4, &out, &len), -1);
	assert_int_equal(pki_b64_decode((const unsigned char *)"YWJ", 3, &out, &len), -1);
	assert_int_equal(pki_b64_decode((const unsigned char *)"Y=Jj", 4, &out, &len), -1);
	assert_int_equal(pki_b64_decode((const unsigned char *)"YW=j", 4, &out, &len), -1);
}

/* Rule: the responder certificate carries id-pkix-ocsp-nocheck and OCSPSigning; the
 * TSA's the critical timeStamping EKU (OpenSSL's TSA purpose check). */
static void test_signers(void **state)
{
	(void)state;
	struct pki p;
	pki_make(&p, CA_RSA);
	assert_true(X509_get_ext_by_NID(p.responder, NID_id_pkix_OCSP_noCheck, -1) >= 0);
	assert_true(X509_get_extended_key_usage(p.responder) & XKU_OCSP_SIGN);
	X509 *t = NULL;
	EVP_PKEY *k = NULL;
	assert_int_equal(
	        pki_signer_make(PKI_SIGNER_TSA, CA_RSA, p.issuing, p.ikey, PKI_TSA_DAYS, &t, &k),
	        ST_OK);
	assert_int_equal(X509_check_purpose(t, X509_PURPOSE_TIMESTAMP_SIGN, 0), 1);
	X509_free(t);
	EVP_PKEY_free(k);
	pki_free(&p);
}

/* A DER TimeStampReq over data with md, certReq set. */
static unsigned char *ts_query(const EVP_MD *md, const char *data, int *len, TS_REQ **keep)
{
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned dlen = 0;
	EVP_Digest(data, strlen(data), dg, &dlen, md, NULL);
	TS_REQ *r = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	X509_ALGOR_set0(alg, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, NULL);
	TS_MSG_IMPRINT_set_algo(mi, alg);
	TS_MSG_IMPRINT_set_msg(mi, dg, (int)dlen);
	TS_REQ_set_version(r, 1);
	TS_REQ_set_msg_imprint(r, mi);
	TS_REQ_set_cert_req(r, 1);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	unsigned char *der = NULL;
	*len = i2d_TS_REQ(r, &der);
	*keep = r;
	return der;
}

/* Rule: a SHA-256 query is granted with our policy, the serial given, accuracy 1 s, and
 * verifies against the chain; SHA-1 and garbage are rejections, not errors. */
static void test_tsa(void **state)
{
	(void)state;
	struct pki p;
	pki_make(&p, CA_RSA);
	X509 *t = NULL;
	EVP_PKEY *k = NULL;
	assert_int_equal(
	        pki_signer_make(PKI_SIGNER_TSA, CA_RSA, p.issuing, p.ikey, PKI_TSA_DAYS, &t, &k),
	        ST_OK);
	STACK_OF(X509) *chain = sk_X509_new_null();
	sk_X509_push(chain, p.issuing);
	TS_REQ *req = NULL;
	int qlen = 0;
	unsigned char *q = ts_query(EVP_sha256(), "hello", &qlen, &req);
	unsigned char *out = NULL;
	size_t olen = 0;
	int granted = 0;
	assert_int_equal(pki_tsa_answer(t, k, chain, 42, q, (size_t)qlen, &out, &olen, &granted),
	                 ST_OK);
	assert_int_equal(granted, 1);
	const unsigned char *pp = out;
	TS_RESP *resp = d2i_TS_RESP(NULL, &pp, (long)olen);
	TS_TST_INFO *info = TS_RESP_get_tst_info(resp);
	long long serial = 0;
	assert_int_equal(ASN1_INTEGER_get_int64((int64_t *)&serial, TS_TST_INFO_get_serial(info)),
	                 1);
	assert_int_equal(serial, 42);
	char oid[80];
	OBJ_obj2txt(oid, sizeof oid, TS_TST_INFO_get_policy_id(info), 1);
	assert_string_equal(oid, PKI_TSA_POLICY);
	assert_int_equal(ASN1_INTEGER_get(TS_ACCURACY_get_seconds(TS_TST_INFO_get_accuracy(info))),
	                 1);
	TS_VERIFY_CTX *v = TS_REQ_to_TS_VERIFY_CTX(req, NULL);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_add_cert(store, p.root);
	TS_VERIFY_CTX_set_store(v, store);
	assert_int_equal(TS_RESP_verify_response(v, resp), 1);
	TS_VERIFY_CTX_free(v);
	TS_RESP_free(resp);
	OPENSSL_free(out);
	OPENSSL_free(q);
	TS_REQ_free(req);
	/* SHA-1: rejected (badAlg). */
	q = ts_query(EVP_sha1(), "hello", &qlen, &req);
	assert_int_equal(pki_tsa_answer(t, k, chain, 43, q, (size_t)qlen, &out, &olen, &granted),
	                 ST_OK);
	assert_int_equal(granted, 0);
	pp = out;
	resp = d2i_TS_RESP(NULL, &pp, (long)olen);
	assert_int_equal(
	        ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))),
	        TS_STATUS_REJECTION);
	TS_RESP_free(resp);
	OPENSSL_free(out);
	OPENSSL_free(q);
	TS_REQ_free(req);
	assert_int_equal(pki_tsa_answer(t, k, chain, 44, (const unsigned char *)"junk", 4, &out,
	                                &olen, &granted),
	                 ST_OK);
	assert_int_equal(granted, 0);
	OPENSSL_free(out);
	sk_X509_free(chain);
	X509_free(t);
	EVP_PKEY_free(k);
	pki_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ocsp_rsa),       cmocka_unit_test(test_ocsp_ecdsa),
	        cmocka_unit_test(test_ocsp_sm2),       cmocka_unit_test(test_ocsp_unauthorized),
	        cmocka_unit_test(test_ocsp_malformed), cmocka_unit_test(test_b64),
	        cmocka_unit_test(test_signers),        cmocka_unit_test(test_tsa),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
