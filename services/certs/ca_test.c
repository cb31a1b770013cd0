/* The platform CA's cryptography (ca.c): every algorithm creates a chain that verifies,
 * issues from a good CSR, refuses a CSR whose signature is broken or whose key is of
 * the wrong type or size, and draws distinct 128-bit serials. */
#include "ca.h"
#include "profiles.h"
#include "status.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* A PEM CSR for key, signed with the GM ID for SM2; corrupt flips a signature bit. */
static char *make_csr(ca_alg alg, EVP_PKEY *key, int corrupt)
{
	X509_REQ *r = X509_REQ_new();
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"t", -1, -1, 0);
	X509_REQ_set_subject_name(r, n);
	X509_REQ_set_pubkey(r, key);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *p = NULL;
	if (alg == CA_SM2) {
		p = EVP_PKEY_CTX_new(key, NULL);
		EVP_PKEY_CTX_set1_id(p, CA_SM2_ID, CA_SM2_ID_LEN);
		EVP_MD_CTX_set_pkey_ctx(m, p);
	}
	EVP_DigestSignInit(m, NULL, alg == CA_SM2 ? EVP_sm3() : EVP_sha256(), NULL, key);
	assert_true(X509_REQ_sign_ctx(r, m) > 0);
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(p); /* NULL but for SM2, whose context the MD context does not own */
	if (corrupt) {
		const ASN1_BIT_STRING *sig = NULL;
		X509_REQ_get0_signature(r, &sig, NULL);
		((ASN1_BIT_STRING *)sig)->data[10] ^= 1;
	}
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509_REQ(b, r);
	char *d = NULL;
	long len = BIO_get_mem_data(b, &d);
	char *out = malloc((size_t)len + 1);
	memcpy(out, d, (size_t)len);
	out[len] = '\0';
	BIO_free(b);
	X509_NAME_free(n);
	X509_REQ_free(r);
	return out;
}

static int verify_chain(X509 *root, X509 *iss, X509 *leaf)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_add_cert(st, root);
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	sk_X509_push(untrusted, iss);
	X509_STORE_CTX *c = X509_STORE_CTX_new();
	X509_STORE_CTX_init(c, st, leaf, untrusted);
	int ok = X509_verify_cert(c);
	X509_STORE_CTX_free(c);
	sk_X509_free(untrusted);
	X509_STORE_free(st);
	return ok;
}

/* Rule: each algorithm's root → issuing CA → end-entity chain verifies (SM2 with the GM
 * ID), and a CRL of it is produced. */
static void ca_chain_issue_verify(ca_alg alg)
{
	EVP_PKEY *rk, *ik, *ek, *pub = NULL;
	X509 *root, *iss, *leaf;
	assert_int_equal(ca_keygen(alg, &rk), ST_OK);
	assert_int_equal(ca_keygen(alg, &ik), ST_OK);
	assert_int_equal(ca_keygen(alg, &ek), ST_OK);
	assert_int_equal(ca_make_ca(alg, "root", 3650, 1, NULL, rk, rk, &root), ST_OK);
	assert_int_equal(ca_make_ca(alg, "iss", 3650, 0, root, rk, ik, &iss), ST_OK);
	char *csr = make_csr(alg, ek, 0);
	assert_int_equal(ca_csr_check(alg, (unsigned char *)csr, strlen(csr), &pub), ST_OK);
	crypto_keys keys = {0};
	X509_NAME *name = NULL;
	profile_subject s = {"测试企业", "测试企业", "91110000MA01234567", NULL};
	assert_int_equal(profile_subject_name(PROFILE_ENTERPRISE, &s, &keys, &name), ST_OK);
	ca_ee_spec spec;
	profile_spec(PROFILE_ENTERPRISE, name, 1, "http://x/pki/a.crl", "http://x/pki/ocsp", &spec);
	char serial[33];
	assert_int_equal(ca_issue(alg, iss, ik, pub, &spec, &leaf, serial), ST_OK);
	assert_int_equal(strlen(serial), 32);
	assert_int_equal(verify_chain(root, iss, leaf), 1);
	ca_revoked r = {serial, time(NULL), 1};
	unsigned char *der = NULL;
	size_t len = 0;
	assert_int_equal(ca_crl(alg, iss, ik, &r, 1, 1, 25, &der, &len), ST_OK);
	assert_true(len > 0);
	OPENSSL_free(der);
	X509_NAME_free(name);
	free(csr);
	X509_free(root);
	X509_free(iss);
	X509_free(leaf);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(ek);
	EVP_PKEY_free(pub);
}

static void test_rsa_chain(void **state)
{
	(void)state;
	ca_chain_issue_verify(CA_RSA);
}

static void test_ecdsa_chain(void **state)
{
	(void)state;
	ca_chain_issue_verify(CA_ECDSA);
}

static void test_sm2_chain(void **state)
{
	(void)state;
	ca_chain_issue_verify(CA_SM2);
}

/* Rule: a CSR whose signature does not verify is refused (601), per algorithm. */
static void test_bad_signature(void **state)
{
	(void)state;
	for (int a = 0; a < CA_NALG; a++) {
		EVP_PKEY *k, *pub = NULL;
		assert_int_equal(ca_keygen((ca_alg)a, &k), ST_OK);
		char *csr = make_csr((ca_alg)a, k, 1);
		assert_int_equal(ca_csr_check((ca_alg)a, (unsigned char *)csr, strlen(csr), &pub),
		                 ST_CERT_CSR_SIGNATURE);
		assert_null(pub);
		free(csr);
		EVP_PKEY_free(k);
	}
	EVP_PKEY *pub = NULL;
	assert_int_equal(ca_csr_check(CA_RSA, (const unsigned char *)"junk", 4, &pub),
	                 ST_CERT_CSR_INVALID);
}

/* Rule: the key must be of the chosen algorithm's type and size (602): RSA-1024 and a
 * P-256 key for RSA, an RSA key for ECDSA, a P-256 key for SM2, a P-384 key for ECDSA. */
static void test_wrong_key(void **state)
{
	(void)state;
	struct {
		ca_alg want;
		EVP_PKEY *k;
	} c[] = {
	        {CA_RSA, EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)},
	        {CA_RSA, EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")},
	        {CA_ECDSA, EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)},
	        {CA_ECDSA, EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384")},
	        {CA_SM2, EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		ca_alg own = EVP_PKEY_is_a(c[i].k, "RSA") ? CA_RSA : CA_ECDSA;
		char *csr = make_csr(own, c[i].k, 0);
		EVP_PKEY *pub = NULL;
		assert_int_equal(ca_csr_check(c[i].want, (unsigned char *)csr, strlen(csr), &pub),
		                 ST_CERT_KEY_MISMATCH);
		free(csr);
		EVP_PKEY_free(c[i].k);
	}
}

/* Rule: serials are 128 random bits, 32 hex digits, distinct across many draws. */
static void test_serials_unique(void **state)
{
	(void)state;
	enum { N = 2000 };
	static char seen[N][33];
	for (int i = 0; i < N; i++) {
		X509 *x = X509_new();
		assert_int_equal(ca_serial_set(x, seen[i]), ST_OK);
		assert_int_equal(strlen(seen[i]), 32);
		X509_free(x);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
	}
}

/* Rule: a sealed CA key comes back as a key that signs (the round trip the store uses). */
static void test_key_roundtrip(void **state)
{
	(void)state;
	for (int a = 0; a < CA_NALG; a++) {
		EVP_PKEY *k, *back;
		unsigned char *der = NULL;
		size_t len = 0;
		assert_int_equal(ca_keygen((ca_alg)a, &k), ST_OK);
		assert_int_equal(ca_key_der(k, &der, &len), ST_OK);
		assert_non_null(back = ca_key_from_der(der, len));
		assert_int_equal(EVP_PKEY_eq(k, back), 1);
		X509 *root = NULL;
		assert_int_equal(ca_make_ca((ca_alg)a, "r", 10, -1, NULL, back, back, &root),
		                 ST_OK);
		assert_int_equal(X509_verify(root, k), 1);
		X509_free(root);
		OPENSSL_free(der);
		EVP_PKEY_free(k);
		EVP_PKEY_free(back);
	}
}

/* Rule: the personal profile never writes the ID number, only its keyed hash. */
static void test_personal_hash(void **state)
{
	(void)state;
	crypto_keys keys = {0};
	X509_NAME *n = NULL;
	profile_subject s = {"张三", NULL, NULL, "11010519491231002X"};
	assert_int_equal(profile_subject_name(PROFILE_PERSONAL, &s, &keys, &n), ST_OK);
	char *text = X509_NAME_oneline(n, NULL, 0);
	assert_null(strstr(text, "11010519491231002X"));
	assert_non_null(strstr(text, "serialNumber="));
	OPENSSL_free(text);
	X509_NAME_free(n);
	s.id_number = "123";
	assert_int_equal(profile_subject_name(PROFILE_PERSONAL, &s, &keys, &n), ST_CERT_SUBJECT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rsa_chain),     cmocka_unit_test(test_ecdsa_chain),
	        cmocka_unit_test(test_sm2_chain),     cmocka_unit_test(test_bad_signature),
	        cmocka_unit_test(test_wrong_key),     cmocka_unit_test(test_serials_unique),
	        cmocka_unit_test(test_key_roundtrip), cmocka_unit_test(test_personal_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
