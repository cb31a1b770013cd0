/* Proof of possession (proof.c): for every algorithm a signature over the challenge by
 * the certificate's key verifies (SM2 with SM3 and the GM ID), one over other bytes, by
 * another key, or with SM2's default ID does not; PEM and base64 are checked; holders
 * may give only the revocation reasons that are theirs. */
#include "ca.h"
#include "proof.h"
#include "status.h"

#include <openssl/pem.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char challenge[] = "Zm9vYmFyYmF6cXV4LWNoYWxsZW5nZS10ZXN0";

/* A signature over data with key; SM2 with the GM ID unless plain_id. */
static unsigned char *sign(EVP_PKEY *key, int sm2, int plain_id, const char *data, size_t *len)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *p = NULL;
	if (sm2) {
		p = EVP_PKEY_CTX_new(key, NULL);
		if (!plain_id)
			EVP_PKEY_CTX_set1_id(p, CA_SM2_ID, CA_SM2_ID_LEN);
		EVP_MD_CTX_set_pkey_ctx(m, p);
	}
	assert_true(EVP_DigestSignInit(m, NULL, sm2 ? EVP_sm3() : EVP_sha256(), NULL, key) > 0);
	size_t n = 0;
	assert_true(EVP_DigestSign(m, NULL, &n, (const unsigned char *)data, strlen(data)) > 0);
	unsigned char *s = malloc(n);
	assert_true(EVP_DigestSign(m, s, &n, (const unsigned char *)data, strlen(data)) > 0);
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(p);
	*len = n;
	return s;
}

static X509 *cert_for(ca_alg alg, EVP_PKEY *key)
{
	X509 *x = NULL;
	assert_int_equal(ca_make_ca(alg, "proof test", 30, -1, NULL, key, key, &x), ST_OK);
	return x;
}

static void check_alg(ca_alg alg)
{
	EVP_PKEY *key = NULL, *other = NULL;
	assert_int_equal(ca_keygen(alg, &key), ST_OK);
	assert_int_equal(ca_keygen(alg, &other), ST_OK);
	X509 *x = cert_for(alg, key);
	int sm2 = alg == CA_SM2;
	size_t n = 0;
	unsigned char *s = sign(key, sm2, 0, challenge, &n);
	assert_int_equal(proof_verify(x, (const unsigned char *)challenge, strlen(challenge), s, n),
	                 ST_OK);
	/* Other bytes: another challenge, or the same signed by another key. */
	assert_int_equal(proof_verify(x, (const unsigned char *)"other", 5, s, n),
	                 ST_CERT_SIGNATURE);
	free(s);
	s = sign(other, sm2, 0, challenge, &n);
	assert_int_equal(proof_verify(x, (const unsigned char *)challenge, strlen(challenge), s, n),
	                 ST_CERT_SIGNATURE);
	free(s);
	if (sm2) {
		/* Without the GM ID the Z value differs: not a GM-conformant signature. */
		s = sign(key, 1, 1, challenge, &n);
		assert_int_equal(
		        proof_verify(x, (const unsigned char *)challenge, strlen(challenge), s, n),
		        ST_CERT_SIGNATURE);
		free(s);
	}
	/* The PEM round trip and the serial's form. */
	char *pem = ca_cert_pem(x);
	X509 *y = NULL;
	char serial[33];
	assert_int_equal(proof_cert_parse(pem, "certificate_pem", &y), ST_OK);
	assert_int_equal(proof_cert_serial(y, serial), ST_OK);
	assert_int_equal(strlen(serial), 32);
	X509_free(y);
	free(pem);
	X509_free(x);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

static void test_rsa(void **state)
{
	(void)state;
	check_alg(CA_RSA);
}

static void test_ecdsa(void **state)
{
	(void)state;
	check_alg(CA_ECDSA);
}

static void test_sm2(void **state)
{
	(void)state;
	check_alg(CA_SM2);
}

/* A digest signed as the cloud keys sign: for SM2 e = SM3(Z || M) signed raw is an
 * ordinary SM2-with-SM3 signature over M (GM ID); for RSA and ECDSA the SHA-256 digest. */
static void check_digest(ca_alg alg)
{
	EVP_PKEY *key = NULL;
	assert_int_equal(ca_keygen(alg, &key), ST_OK);
	X509 *x = cert_for(alg, key);
	unsigned char d[32], *sig = NULL;
	unsigned int dl = 0;
	size_t n = 0;
	if (alg == CA_SM2)
		assert_int_equal(
		        proof_sm2_e(key, (const unsigned char *)challenge, strlen(challenge), d),
		        ST_OK);
	else
		assert_int_equal(
		        EVP_Digest(challenge, strlen(challenge), d, &dl, EVP_sha256(), NULL), 1);
	assert_int_equal(proof_sign_digest(key, d, 32, &sig, &n), ST_OK);
	assert_int_equal(
	        proof_verify(x, (const unsigned char *)challenge, strlen(challenge), sig, n),
	        ST_OK);
	/* Another message does not verify under it. */
	assert_int_equal(proof_verify(x, (const unsigned char *)"x", 1, sig, n), ST_CERT_SIGNATURE);
	OPENSSL_free(sig);
	X509_free(x);
	EVP_PKEY_free(key);
}

static void test_digest_signatures(void **state)
{
	(void)state;
	check_digest(CA_RSA);
	check_digest(CA_ECDSA);
	check_digest(CA_SM2);
}

static void test_pem_and_base64(void **state)
{
	(void)state;
	X509 *x = NULL;
	unsigned char *b = NULL;
	size_t n = 0;
	assert_int_equal(proof_cert_parse("not a certificate", "f", &x), ST_CERT_PEM);
	assert_int_equal(
	        proof_cert_parse("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	                         "f", &x),
	        ST_CERT_PEM);
	assert_int_equal(proof_base64("aGVsbG8", "signature", &b, &n), ST_OK);
	assert_int_equal(n, 5);
	assert_memory_equal(b, "hello", 5);
	free(b);
	assert_int_equal(proof_base64("aGVs\nbG8=", "signature", &b, &n), ST_OK);
	assert_int_equal(n, 5);
	free(b);
	assert_int_equal(proof_base64("", "signature", &b, &n), ST_CERT_SIGNATURE_FORMAT);
	assert_int_equal(proof_base64("@@@@", "signature", &b, &n), ST_CERT_SIGNATURE_FORMAT);
}

static void test_reasons(void **state)
{
	(void)state;
	assert_int_equal(proof_reason_parse("keyCompromise"), 1);
	assert_int_equal(proof_reason_parse("affiliationChanged"), 3);
	assert_int_equal(proof_reason_parse("superseded"), 4);
	assert_int_equal(proof_reason_parse("cessationOfOperation"), 5);
	/* A CA's own reasons and hold/unhold are not a holder's to give. */
	assert_int_equal(proof_reason_parse("cACompromise"), -1);
	assert_int_equal(proof_reason_parse("certificateHold"), -1);
	assert_int_equal(proof_reason_parse("removeFromCRL"), -1);
	assert_int_equal(proof_reason_parse("1"), -1);
	assert_int_equal(proof_reason_parse(NULL), -1);
	assert_string_equal(proof_reason_name(5), "cessationOfOperation");
	assert_string_equal(proof_reason_name(7), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rsa),
	        cmocka_unit_test(test_ecdsa),
	        cmocka_unit_test(test_sm2),
	        cmocka_unit_test(test_digest_signatures),
	        cmocka_unit_test(test_pem_and_base64),
	        cmocka_unit_test(test_reasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
