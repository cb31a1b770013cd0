/* Unit tests for crypto: published test vectors, round trips and tampering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto.h"

/* Cheap parameters (1 MiB) for tests that are about the format, not the cost. */
static const struct crypto_kdf_params FAST = {1024, 8, 1};

#define ENC_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define MAC_HEX "202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F"

static void hex_of(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", in[i]);
}

static crypto_keys test_keys(void)
{
	crypto_keys k;
	assert_int_equal(crypto_keys_from_hex(&k, ENC_HEX, MAC_HEX), 0);
	return k;
}

/* ---- randomness ---------------------------------------------------------------- */

static void test_random_bytes_fills_buffer_differently_each_call(void **state)
{
	(void)state;
	unsigned char a[32] = {0}, b[32] = {0};
	assert_int_equal(crypto_random_bytes(a, sizeof a), 0);
	assert_int_equal(crypto_random_bytes(b, sizeof b), 0);
	assert_memory_not_equal(a, b, sizeof a);
	assert_int_equal(crypto_random_bytes(a, 0), 0);
}

static void test_token_is_base64url_without_padding(void **state)
{
	(void)state;
	char t1[64], t2[64];
	assert_int_equal(crypto_token(t1, sizeof t1, 32), 0);
	assert_int_equal(crypto_token(t2, sizeof t2, 32), 0);
	assert_int_equal(strlen(t1), 43);
	assert_int_equal(
	        strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_string_not_equal(t1, t2);
	assert_int_equal(crypto_token(t1, sizeof t1, 1), 0);
	assert_int_equal(strlen(t1), 2);
	assert_int_equal(crypto_token(t1, sizeof t1, 2), 0);
	assert_int_equal(strlen(t1), 3);
	assert_int_equal(crypto_token(t1, sizeof t1, 3), 0);
	assert_int_equal(strlen(t1), 4);
}

static void test_token_rejects_small_buffer_zero_and_huge_sizes(void **state)
{
	(void)state;
	char t[64];
	assert_int_equal(crypto_token(t, 43, 32), -1); /* no room for the NUL */
	assert_int_equal(crypto_token(t, 44, 32), 0);
	assert_int_equal(crypto_token(t, sizeof t, 0), -1);
	assert_int_equal(crypto_token(t, sizeof t, 1025), -1);
}

static void test_ct_equal_returns_1_only_for_equal_bytes(void **state)
{
	(void)state;
	assert_int_equal(crypto_ct_equal("abcd", "abcd", 4), 1);
	assert_int_equal(crypto_ct_equal("abcd", "abce", 4), 0);
	assert_int_equal(crypto_ct_equal("xbcd", "abcd", 4), 0);
	assert_int_equal(crypto_ct_equal("abcd", "abce", 3), 1);
}

/* ---- scrypt and password strings ------------------------------------------------ */

static void test_scrypt_raw_matches_rfc7914_vector_2(void **state)
{
	(void)state;
	unsigned char out[64];
	char hex[129];
	assert_int_equal(crypto_scrypt_raw("password", (const unsigned char *)"NaCl", 4, 1024, 8,
	                                   16, out, sizeof out),
	                 0);
	hex_of(out, sizeof out, hex);
	assert_string_equal(hex,
	                    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
	                    "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

static void test_scrypt_raw_matches_rfc7914_vector_1_empty_inputs(void **state)
{
	(void)state;
	unsigned char out[64];
	char hex[129];
	assert_int_equal(crypto_scrypt_raw("", NULL, 0, 16, 1, 1, out, sizeof out), 0);
	hex_of(out, sizeof out, hex);
	assert_string_equal(hex,
	                    "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
	                    "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
}

static void test_scrypt_raw_rejects_n_not_power_of_two(void **state)
{
	(void)state;
	unsigned char out[32];
	assert_int_equal(crypto_scrypt_raw("pw", (const unsigned char *)"salt", 4, 1000, 8, 1, out,
	                                   sizeof out),
	                 -1);
	assert_int_equal(
	        crypto_scrypt_raw("pw", (const unsigned char *)"salt", 4, 1, 8, 1, out, sizeof out),
	        -1);
}

static void test_password_hash_defaults_to_ln15_r8_p3_phc_string(void **state)
{
	(void)state;
	char enc[CRYPTO_PASSWORD_HASH_MAX];
	assert_int_equal(crypto_password_hash("Abcdef12!", NULL, enc, sizeof enc), 0);
	const char *prefix = "$scrypt$ln=15,r=8,p=3$";
	assert_memory_equal(enc, prefix, strlen(prefix));
	const char *salt = enc + strlen(prefix);
	const char *dollar = strchr(salt, '$');
	assert_non_null(dollar);
	assert_int_equal(dollar - salt, 22);      /* 16 bytes, no padding */
	assert_int_equal(strlen(dollar + 1), 43); /* 32 bytes, no padding */
	assert_null(strchr(salt, '='));           /* no padding */
	assert_int_equal(crypto_password_verify("Abcdef12!", enc), 1);
	assert_int_equal(crypto_password_verify("Abcdef12?", enc), 0);
}

static void test_password_verify_rejects_wrong_password(void **state)
{
	(void)state;
	char enc[CRYPTO_PASSWORD_HASH_MAX];
	assert_int_equal(crypto_password_hash("Correct#Horse9", &FAST, enc, sizeof enc), 0);
	assert_int_equal(crypto_password_verify("Correct#Horse9", enc), 1);
	assert_int_equal(crypto_password_verify("correct#Horse9", enc), 0);
	assert_int_equal(crypto_password_verify("Correct#Horse", enc), 0);
	assert_int_equal(crypto_password_verify("", enc), 0);
}

static void test_password_hash_salts_each_hash(void **state)
{
	(void)state;
	char a[CRYPTO_PASSWORD_HASH_MAX], b[CRYPTO_PASSWORD_HASH_MAX];
	assert_int_equal(crypto_password_hash("Same#Pass1", &FAST, a, sizeof a), 0);
	assert_int_equal(crypto_password_hash("Same#Pass1", &FAST, b, sizeof b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(crypto_password_verify("Same#Pass1", a), 1);
	assert_int_equal(crypto_password_verify("Same#Pass1", b), 1);
}

static void test_password_verify_reads_parameters_from_the_string(void **state)
{
	(void)state;
	char enc[CRYPTO_PASSWORD_HASH_MAX];
	struct crypto_kdf_params prm = {1u << 14, 8, 5}; /* another OWASP configuration */
	assert_int_equal(crypto_password_hash("Other#Params1", &prm, enc, sizeof enc), 0);
	assert_memory_equal(enc, "$scrypt$ln=14,r=8,p=5$", 22);
	assert_int_equal(crypto_password_verify("Other#Params1", enc), 1);
}

static void test_password_verify_accepts_string_made_by_python_hashlib(void **state)
{
	(void)state;
	/* hashlib.scrypt(b"correct horse battery staple", salt=bytes(range(16)), n=1024, r=8,
	 * p=1, dklen=32), written as a PHC string with base64 without padding. */
	const char *enc = "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$"
	                  "mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";
	assert_int_equal(crypto_password_verify("correct horse battery staple", enc), 1);
	assert_int_equal(crypto_password_verify("correct horse battery stapler", enc), 0);
}

static void test_password_verify_rejects_malformed_strings(void **state)
{
	(void)state;
	static const char *bad[] = {
	        "",
	        "$scrypt$",
	        "plaintext",
	        "$argon2id$v=19$m=65536,t=3,p=4$AAECAwQFBgcICQoLDA0ODw$"
	        "mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU",
	        /* missing hash */
	        "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw",
	        "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$",
	        /* parameters misspelt, reordered, signed, with leading zeros or missing */
	        "$scrypt$ln=010,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$"
	        "mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU",
	        "$scrypt$ln=+10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$"
	        "mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU",
	        "$scrypt$r=8,ln=10,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/"
	        "AXJlRU",
	        "$scrypt$ln=10,r=8$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/"
	        "AXJlRU",
	        "$scrypt$ln=10,r=8,p=$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/"
	        "AXJlRU",
	        /* base64: padding, url alphabet, stray character, non-zero trailing bits */
	        "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw==$"
	        "mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/"
	        "AXJlRU",
	        "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S_"
	        "AXJlRU",
	        "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/"
	        "AXJlRU$",
	        "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODx$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/"
	        "AXJlRU",
	        /* impossible base64 length, salt of 3 bytes, hash of 12 bytes */
	        "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0OD$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/"
	        "AXJlRU",
	        "$scrypt$ln=10,r=8,p=1$AAEC$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU",
	        "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rv = crypto_password_verify("correct horse battery staple", bad[i]);
		if (rv != -1)
			fail_msg("bad[%zu] = \"%s\" gave %d", i, bad[i], rv);
	}
	assert_int_equal(crypto_password_verify("x", NULL), -1);
	assert_int_equal(crypto_password_verify(NULL,
	                                        "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$"
	                                        "mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU"),
	                 -1);
}

static void test_password_verify_refuses_costly_parameters_from_a_tampered_row(void **state)
{
	(void)state;
	static const char *params[] = {
	        "ln=9,r=8,p=1",           /* below 2^10 */
	        "ln=21,r=8,p=1",          /* above 2^20 */
	        "ln=63,r=8,p=1",          /* 2^63 */
	        "ln=64,r=8,p=1",          /* shift past 64 bits */
	        "ln=20,r=8,p=1",          /* 1 GiB */
	        "ln=17,r=8,p=5",          /* 5 * 2^20 work */
	        "ln=10,r=33,p=1",         /* r above 32 */
	        "ln=10,r=8,p=17",         /* p above 16 */
	        "ln=10,r=0,p=1",          /* r zero */
	        "ln=10,r=8,p=0",          /* p zero */
	        "ln=10,r=4294967304,p=1", /* r past 32 bits */
	};
	char enc[160];
	for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
		snprintf(enc, sizeof enc, "$scrypt$%s$AAECAwQFBgcICQoLDA0ODw$%s", params[i],
		         "mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU");
		int rv = crypto_password_verify("correct horse battery staple", enc);
		if (rv != -1)
			fail_msg("%s gave %d", params[i], rv);
	}
}

static void test_password_hash_rejects_bad_params_and_small_buffer(void **state)
{
	(void)state;
	char enc[CRYPTO_PASSWORD_HASH_MAX];
	struct crypto_kdf_params not_pow2 = {1000, 8, 1}, huge = {1u << 21, 8, 1},
	                         p0 = {1024, 8, 0};
	assert_int_equal(crypto_password_hash("pw", &not_pow2, enc, sizeof enc), -1);
	assert_int_equal(crypto_password_hash("pw", &huge, enc, sizeof enc), -1);
	assert_int_equal(crypto_password_hash("pw", &p0, enc, sizeof enc), -1);
	assert_int_equal(crypto_password_hash("pw", &FAST, enc, 40), -1);
	assert_int_equal(crypto_password_hash(NULL, &FAST, enc, sizeof enc), -1);
}

/* ---- sealing ----------------------------------------------------------------------- */

static void test_keys_from_hex_accepts_64_hex_digits_either_case(void **state)
{
	(void)state;
	crypto_keys k = test_keys();
	assert_int_equal(k.enc[0], 0x00);
	assert_int_equal(k.enc[31], 0x1f);
	assert_int_equal(k.mac[10], 0x2a);
	assert_int_equal(k.mac[31], 0x3f);
}

static void test_keys_from_hex_rejects_bad_input_and_leaves_keys_untouched(void **state)
{
	(void)state;
	crypto_keys k, before;
	memset(&k, 0x5a, sizeof k);
	before = k;
	assert_int_equal(crypto_keys_from_hex(&k, ENC_HEX "00", MAC_HEX), -1);
	assert_int_equal(crypto_keys_from_hex(&k, ENC_HEX, "2021"), -1);
	assert_int_equal(crypto_keys_from_hex(
	                         &k,
	                         "g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1",
	                         MAC_HEX),
	                 -1);
	assert_int_equal(crypto_keys_from_hex(&k, NULL, MAC_HEX), -1);
	assert_int_equal(crypto_keys_from_hex(&k, ENC_HEX, MAC_HEX " "), -1);
	assert_memory_equal(&k, &before, sizeof k);
}

static void test_seal_open_round_trip(void **state)
{
	(void)state;
	crypto_keys k = test_keys();
	const char *msg = "430102199003071234";
	unsigned char *ct = NULL;
	size_t ctlen = 0;
	assert_int_equal(
	        crypto_seal(&k, msg, strlen(msg), "accounts.persons.id_number", &ct, &ctlen), 0);
	assert_int_equal(ctlen, strlen(msg) + CRYPTO_SEAL_OVERHEAD);
	assert_int_equal(ct[0], 1);
	assert_null(memmem(ct, ctlen, msg, strlen(msg)));

	char *pt = NULL;
	size_t ptlen = 0;
	assert_int_equal(crypto_open(&k, ct, ctlen, "accounts.persons.id_number", &pt, &ptlen), 0);
	assert_int_equal(ptlen, strlen(msg));
	assert_string_equal(pt, msg);
	free(pt);
	free(ct);
}

static void test_seal_open_round_trip_empty_and_binary(void **state)
{
	(void)state;
	crypto_keys k = test_keys();
	unsigned char *ct = NULL;
	size_t ctlen = 0;
	char *pt = NULL;
	size_t ptlen = 1;
	assert_int_equal(crypto_seal(&k, "", 0, NULL, &ct, &ctlen), 0);
	assert_int_equal(ctlen, CRYPTO_SEAL_OVERHEAD);
	assert_int_equal(crypto_open(&k, ct, ctlen, "", &pt, &ptlen), 0); /* NULL aad == "" */
	assert_int_equal(ptlen, 0);
	assert_string_equal(pt, "");
	free(pt);
	free(ct);

	const unsigned char bin[5] = {0, 1, 0, 255, 0};
	assert_int_equal(crypto_seal(&k, bin, sizeof bin, "t.c", &ct, &ctlen), 0);
	assert_int_equal(crypto_open(&k, ct, ctlen, "t.c", &pt, &ptlen), 0);
	assert_int_equal(ptlen, sizeof bin);
	assert_memory_equal(pt, bin, sizeof bin);
	assert_int_equal(pt[ptlen], '\0');
	free(pt);
	free(ct);
}

static void test_seal_uses_a_fresh_nonce_each_time(void **state)
{
	(void)state;
	crypto_keys k = test_keys();
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	assert_int_equal(crypto_seal(&k, "same", 4, "t.c", &a, &alen), 0);
	assert_int_equal(crypto_seal(&k, "same", 4, "t.c", &b, &blen), 0);
	assert_int_equal(alen, blen);
	assert_memory_not_equal(a + 1, b + 1, 12);
	assert_memory_not_equal(a, b, alen);
	free(a);
	free(b);
}

static void test_open_rejects_any_flipped_bit_in_version_nonce_ciphertext_or_tag(void **state)
{
	(void)state;
	crypto_keys k = test_keys();
	unsigned char *ct = NULL;
	size_t ctlen = 0;
	assert_int_equal(crypto_seal(&k, "6222020200112345679", 19, "t.c", &ct, &ctlen), 0);
	for (size_t i = 0; i < ctlen; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			char *pt = (char *)0x1;
			size_t ptlen = 99;
			ct[i] ^= (unsigned char)(1u << bit);
			int rv = crypto_open(&k, ct, ctlen, "t.c", &pt, &ptlen);
			ct[i] ^= (unsigned char)(1u << bit);
			if (rv != -1)
				fail_msg("byte %zu bit %d flipped still opened", i, bit);
			assert_ptr_equal(pt, (char *)0x1); /* out-parameters untouched */
			assert_int_equal(ptlen, 99);
		}
	}
	free(ct);
}

static void test_open_rejects_ciphertext_moved_to_another_column(void **state)
{
	(void)state;
	crypto_keys k = test_keys();
	unsigned char *ct = NULL;
	size_t ctlen = 0;
	char *pt = NULL;
	size_t ptlen = 0;
	assert_int_equal(crypto_seal(&k, "13812341234", 11, "accounts.persons.phone", &ct, &ctlen),
	                 0);
	assert_int_equal(crypto_open(&k, ct, ctlen, "accounts.persons.id_number", &pt, &ptlen), -1);
	assert_int_equal(crypto_open(&k, ct, ctlen, NULL, &pt, &ptlen), -1);
	assert_int_equal(crypto_open(&k, ct, ctlen, "accounts.persons.phone", &pt, &ptlen), 0);
	free(pt);
	free(ct);
}

static void test_open_rejects_wrong_key(void **state)
{
	(void)state;
	crypto_keys k = test_keys(), other = k;
	other.enc[0] ^= 1;
	unsigned char *ct = NULL;
	size_t ctlen = 0;
	char *pt = NULL;
	size_t ptlen = 0;
	assert_int_equal(crypto_seal(&k, "secret", 6, "t.c", &ct, &ctlen), 0);
	assert_int_equal(crypto_open(&other, ct, ctlen, "t.c", &pt, &ptlen), -1);
	free(ct);
}

static void test_open_rejects_truncated_and_extended_input(void **state)
{
	(void)state;
	crypto_keys k = test_keys();
	unsigned char *ct = NULL;
	size_t ctlen = 0;
	char *pt = NULL;
	size_t ptlen = 0;
	assert_int_equal(crypto_seal(&k, "secret", 6, "t.c", &ct, &ctlen), 0);
	for (size_t n = 0; n < ctlen; n++)
		assert_int_equal(crypto_open(&k, ct, n, "t.c", &pt, &ptlen), -1);
	unsigned char *longer = malloc(ctlen + 1);
	assert_non_null(longer);
	memcpy(longer, ct, ctlen);
	longer[ctlen] = 0;
	assert_int_equal(crypto_open(&k, longer, ctlen + 1, "t.c", &pt, &ptlen), -1);
	free(longer);
	free(ct);
}

/* ---- digests -------------------------------------------------------------------------- */

static void test_lookup_hash_matches_rfc4231_test_case_2(void **state)
{
	(void)state;
	/* Key "Jefe": HMAC pads keys with zeros to the block size, so "Jefe" followed by
	 * 28 zero bytes is the same key. */
	crypto_keys k;
	char out[65];
	assert_int_equal(
	        crypto_keys_from_hex(&k, ENC_HEX,
	                             "4a65666500000000000000000000000000000000000000000000000000"
	                             "000000"),
	        0);
	assert_int_equal(crypto_lookup_hash(&k, "what do ya want for nothing?", out), 0);
	assert_string_equal(out,
	                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void test_lookup_hash_is_stable_and_depends_on_mac_key(void **state)
{
	(void)state;
	crypto_keys k = test_keys(), other = k;
	other.mac[5] ^= 1;
	char a[65], b[65], c[65];
	assert_int_equal(crypto_lookup_hash(&k, "11010519491231002X", a), 0);
	assert_int_equal(crypto_lookup_hash(&k, "11010519491231002X", b), 0);
	assert_int_equal(crypto_lookup_hash(&other, "11010519491231002X", c), 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 64);
}

static void test_sha256_hex_of_abc_and_empty(void **state)
{
	(void)state;
	char out[65];
	assert_int_equal(crypto_sha256_hex("abc", 3, out), 0);
	assert_string_equal(out,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(crypto_sha256_hex("", 0, out), 0);
	assert_string_equal(out,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_random_bytes_fills_buffer_differently_each_call),
	        cmocka_unit_test(test_token_is_base64url_without_padding),
	        cmocka_unit_test(test_token_rejects_small_buffer_zero_and_huge_sizes),
	        cmocka_unit_test(test_ct_equal_returns_1_only_for_equal_bytes),
	        cmocka_unit_test(test_scrypt_raw_matches_rfc7914_vector_2),
	        cmocka_unit_test(test_scrypt_raw_matches_rfc7914_vector_1_empty_inputs),
	        cmocka_unit_test(test_scrypt_raw_rejects_n_not_power_of_two),
	        cmocka_unit_test(test_password_hash_defaults_to_ln15_r8_p3_phc_string),
	        cmocka_unit_test(test_password_verify_rejects_wrong_password),
	        cmocka_unit_test(test_password_hash_salts_each_hash),
	        cmocka_unit_test(test_password_verify_reads_parameters_from_the_string),
	        cmocka_unit_test(test_password_verify_accepts_string_made_by_python_hashlib),
	        cmocka_unit_test(test_password_verify_rejects_malformed_strings),
	        cmocka_unit_test(
	                test_password_verify_refuses_costly_parameters_from_a_tampered_row),
	        cmocka_unit_test(test_password_hash_rejects_bad_params_and_small_buffer),
	        cmocka_unit_test(test_keys_from_hex_accepts_64_hex_digits_either_case),
	        cmocka_unit_test(test_keys_from_hex_rejects_bad_input_and_leaves_keys_untouched),
	        cmocka_unit_test(test_seal_open_round_trip),
	        cmocka_unit_test(test_seal_open_round_trip_empty_and_binary),
	        cmocka_unit_test(test_seal_uses_a_fresh_nonce_each_time),
	        cmocka_unit_test(
	                test_open_rejects_any_flipped_bit_in_version_nonce_ciphertext_or_tag),
	        cmocka_unit_test(test_open_rejects_ciphertext_moved_to_another_column),
	        cmocka_unit_test(test_open_rejects_wrong_key),
	        cmocka_unit_test(test_open_rejects_truncated_and_extended_input),
	        cmocka_unit_test(test_lookup_hash_matches_rfc4231_test_case_2),
	        cmocka_unit_test(test_lookup_hash_is_stable_and_depends_on_mac_key),
	        cmocka_unit_test(test_sha256_hex_of_abc_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
