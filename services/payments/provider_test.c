/* Unit tests of the providers' shared pieces with fixed vectors: WeChat Pay's strings to sign
 * and Authorization header, SHA256withRSA signing and verification, AEAD_AES_256_GCM
 * decryption of a notify resource, Alipay's sorted sign content, amounts and URL coding.
 * The key is a test key made for this file; the signatures and the ciphertext were made with
 * the openssl command and Python's cryptography, not with the code under test. */
#include "provider.h"

#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char test_key[] = "-----BEGIN PRIVATE KEY-----\n"
                               "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC1VceIxiDi4cf/\n"
                               "DUMhe+UgdS6JCkCEKarFDBt0qnOAXqqQul18/98j0+vn/hqNWJcJyf60cIH/C1bC\n"
                               "k9CzTXd/VsbzyRB0/dYxYK8dxJiuuwJIhwbTJnJit8HL8FXluNNLNcRvbYa+T5jr\n"
                               "k7Zz4726Kg0UMo3mCrQgfVvUuz4fGAk8fvdFb2PSqk4r5oGeXBhDHhBQEy4eGasw\n"
                               "g6KHRTZvI9p+A0onGG7n+g2qeGEJ+JNu6zBYLGKlaInqElIVe6COOHZsolTGQm04\n"
                               "s3WsROQq8Fwe/EzjWMMpEf7VSqZyEqezPScrpuN2xRHik8tj7Opu4HBL/F2RAg3f\n"
                               "xL0LjDWBAgMBAAECggEAAabV8a71PBTQoX1ofMkaEHFceLlaYTvNDUToXn1E7ooU\n"
                               "32sWUeP692VL8iPIBZI3/rn3fSiz0JfaO40CW6eT/rm9V7Qk0hh7xCI6bnIzePQN\n"
                               "Y92gk5bPZ/Aux9piVBSVToi/ROEFEdW5Nb7ddJf3eEnKFIVW/PBrX8BYOvIVTAih\n"
                               "bmeR4fuKlMn69qj/V0BQ57w5mNjWw64X5pL5yuuPL52N4Xw9qzB2/GWmS7Kpn3F0\n"
                               "KdqNUR+g+HidhE2jG7dBFiQqgG1mF1lTk1wwvCdY3QGM6jErrHj6zh8WjHJqbkF6\n"
                               "Z3tOElIGGtm8lw79fB3RNGMK1ETAb2P7ixfKFPphYQKBgQD58+Z057Ahtr95PmB1\n"
                               "L5izn1azgtePYDLo7JF/VKTpguAxFH5vMInNWTO1qB1f+q+U3D0JHMnuBW0sy6ZB\n"
                               "KF1d1ZqWZsTWjaVbe5/o6wkHyZgU6mFXD6+3mRfa9nTy2z74vmehh9jHNuhgFKI6\n"
                               "UbI0/mzqri1vmJOCVaMLgluv4QKBgQC5uOQT5b8x9QI5qQlOlB82EeNDzursDARp\n"
                               "vBb35cBqAndCWLpxxftjuW6FfywytisDocfcMExMWcrrAjjNl9dCZSs+jGDrCbHH\n"
                               "uPNmJ2TfAL5bCLN64xLB+wL2GSWHWCELUsmErL9nu0FQ8PsfCENafndQ0vtpQcKK\n"
                               "9Aj3+um5oQKBgEF6MxTM3Mb4KJCKVppcLZRgWUYNMIrOmIeL8VF5yvmg3zn8NGLM\n"
                               "RE0W4QTlVUyfTv+f8h1A/WTs5vylHJhVCqBaJHTh1w6dbIPajrllWKhBlyVjgLxd\n"
                               "z5o48JbbmSdFZ+mhd2RJQfBt4dHJlfXREO3w+HdByYVCYuHxrRSGwZ4BAoGAShOx\n"
                               "BS6yIB71kEIX8DusZ0ijOTyi/xub9wCKuL3vDVmGb/QsCY1KQ/CGYMDkxCVc6snw\n"
                               "iabKB/oYsbvlJDvYJCduJDihv53SRzNCAhDcbwZA5taFoBJKPQz9lWNaUK2aIIYY\n"
                               "0s6EWb+awcocn7gQBVxEAvzkQot0KTBFE4QFDYECgYEAqk6vvTyjorM65csgQjLf\n"
                               "5dfY5c2PxFRaZDiVikSQHQOZtztCw53NpQQl/MvnveRIIw9af17yp5Ew2aZfvQMA\n"
                               "tiJ1znuTB3g+2O6BHjkWgC474E/KxdohnvcLE9Qjhrm3ofTbi8Mc7vAwVElEIlPY\n"
                               "rCWKsGoeGvdk3UtrOO4yUTI=\n"
                               "-----END PRIVATE KEY-----\n";

static const char test_pub[] = "-----BEGIN PUBLIC KEY-----\n"
                               "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtVXHiMYg4uHH/w1DIXvl\n"
                               "IHUuiQpAhCmqxQwbdKpzgF6qkLpdfP/fI9Pr5/4ajViXCcn+tHCB/wtWwpPQs013\n"
                               "f1bG88kQdP3WMWCvHcSYrrsCSIcG0yZyYrfBy/BV5bjTSzXEb22Gvk+Y65O2c+O9\n"
                               "uioNFDKN5gq0IH1b1Ls+HxgJPH73RW9j0qpOK+aBnlwYQx4QUBMuHhmrMIOih0U2\n"
                               "byPafgNKJxhu5/oNqnhhCfiTbuswWCxipWiJ6hJSFXugjjh2bKJUxkJtOLN1rETk\n"
                               "KvBcHvxM41jDKRH+1UqmchKnsz0nK6bjdsUR4pPLY+zqbuBwS/xdkQIN38S9C4w1\n"
                               "gQIDAQAB\n"
                               "-----END PUBLIC KEY-----\n";

/* openssl dgst -sha256 -sign test_key over WeChat's example request string. */
static const char wechat_sig[] =
        "nCdOteDoMahltX+7674sm6GasJWCdcF7qQI4hsI8R3lyF+V8nmJTl/Kni6O7MBK/Szn+j6XeVIE5l8oB5AWohU/"
        "i5dsG/BU7yXFaZDv573UFqfbQmjDTqL70k3XU/dv7ap4ZqomXhgDalO5N7vmYF5xCihKcX0PRxYKfx19nvXZz//"
        "UhtjbQkDk9estt6Syqk6VI0hVrxQSodSoKUOIjqx75jwCIdTI5IapVu7huRlAXQCDuG4/"
        "mrcdzqh9QHmJwWuSH29vzbzWGK6+S1MS7Tqm6zxuNDAqKy23xwLCa1yrf/"
        "kAAOhZsGkJ6vH1VF3LaLL1qlzZ6YZ2rsaeLuPOnZw==";
/* The same over the Alipay sign content of test_alipay_sign_content_sorts. */
static const char alipay_sig[] =
        "sqosL9XT6grtenJpw8YfBC0ubf4Nd2V7EPQgb3zmfpOOn2K058bHQCaF6STOR6Xdp/"
        "oy5joQuE60kHEz398y7VzFbeVJjeN87tebcTNVHVT/"
        "C4dpcJaH+Kz7LimDXsKqUtLCdewQAopvu6RCZbYI+RtQCPQlWyfdIjq55WwXsZKO++"
        "obaS6pliUR9CSwfasWtW3n4oVGT7fHR5NIx5bNt20WKtKOGlmC4UHwi9CUyqbZg+u3FdJGiQIZ+"
        "n9JX7T4VxTdZSCm6IUJcFcYGixpr+lEmXLmdjKuOed4H0a0lrERu0TIgorkpr7Es8EbEqsO9CDpfIHvV6+"
        "RDZbjHWjeDQ==";

static void test_wechat_request_string_is_method_url_time_nonce_body(void **state)
{
	(void)state;
	char *s = provider_wechat_request_string("GET", "/v3/certificates", "1554208460",
	                                         "593BEC0C930BF1AFEB40B4A08C8FB242", "");
	assert_string_equal(
	        s, "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n");
	free(s);
	s = provider_wechat_answer_string("1554208460", "N", "{\"a\":1}", 7);
	assert_string_equal(s, "1554208460\nN\n{\"a\":1}\n");
	free(s);
	s = provider_wechat_authorization("1900009191", "N1", "1554208460",
	                                  "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", "SIG");
	assert_string_equal(s, "WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"N1\","
	                       "signature=\"SIG\",timestamp=\"1554208460\","
	                       "serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\"");
	free(s);
}

static void test_rsa_signature_matches_openssl_and_verifies(void **state)
{
	(void)state;
	EVP_PKEY *k = provider_key_parse(test_key, 1, NULL),
	         *pub = provider_key_parse(test_pub, 0, NULL);
	assert_non_null(k);
	assert_non_null(pub);
	char *m = provider_wechat_request_string("GET", "/v3/certificates", "1554208460",
	                                         "593BEC0C930BF1AFEB40B4A08C8FB242", "");
	char *sig = NULL;
	assert_int_equal(provider_rsa_sign(k, m, strlen(m), &sig), ST_OK);
	assert_string_equal(sig, wechat_sig);
	assert_true(provider_rsa_verify(pub, m, strlen(m), wechat_sig));
	/* One byte of the message changed, or of the signature: refused. */
	m[0] = 'P';
	assert_false(provider_rsa_verify(pub, m, strlen(m), wechat_sig));
	m[0] = 'G';
	sig[10] = sig[10] == 'A' ? 'B' : 'A';
	assert_false(provider_rsa_verify(pub, m, strlen(m), sig));
	assert_false(provider_rsa_verify(pub, m, strlen(m), "not base64!"));
	assert_false(provider_rsa_verify(pub, m, strlen(m), ""));
	free(sig);
	free(m);
	EVP_PKEY_free(k);
	EVP_PKEY_free(pub);
}

static void test_aead_decrypts_the_resource_and_refuses_a_wrong_tag(void **state)
{
	(void)state;
	const char *key = "0123456789abcdef0123456789abcdef",
	           *ct = "Eu6k3KOMCfFZPsMoOqloD2wBiy6brE00a8ph6KA9qo8zps/"
	                 "eFHai7HtYvIJ64eaz7TTfwNIxGKS3m213jpm6dfzDuf3KwFdvKXt3GkgMgWKJgYoAzb0dK4IE"
	                 "M5Fk7CkXna2S15bdJHqC9RO9Dt8UzmeYxm8bYgwHJOGCpvxZXGWw+qN4btwGzA==";
	char *plain = NULL;
	size_t len = 0;
	assert_int_equal(
	        provider_aead_decrypt(key, "abcdefghijkl", "transaction", ct, &plain, &len), ST_OK);
	assert_string_equal(
	        plain, "{\"mchid\":\"1900000001\",\"out_trade_no\":\"PO1\",\"transaction_id\":"
	               "\"4200000001\",\"trade_state\":\"SUCCESS\",\"amount\":{\"total\":100}}");
	assert_int_equal(len, strlen(plain));
	free(plain);
	/* Another associated data, nonce or key: the tag does not verify. */
	assert_int_equal(provider_aead_decrypt(key, "abcdefghijkl", "refund", ct, &plain, &len),
	                 ST_PAY_NOTIFY_SIGNATURE);
	assert_int_equal(
	        provider_aead_decrypt(key, "abcdefghijkm", "transaction", ct, &plain, &len),
	        ST_PAY_NOTIFY_SIGNATURE);
	assert_int_equal(provider_aead_decrypt("1123456789abcdef0123456789abcdef", "abcdefghijkl",
	                                       "transaction", ct, &plain, &len),
	                 ST_PAY_NOTIFY_SIGNATURE);
	/* A key of the wrong size, or a text too short to hold a tag: malformed. */
	assert_int_equal(
	        provider_aead_decrypt("short", "abcdefghijkl", "transaction", ct, &plain, &len),
	        ST_PAY_NOTIFY_MALFORMED);
	assert_int_equal(
	        provider_aead_decrypt(key, "abcdefghijkl", "transaction", "AAAA", &plain, &len),
	        ST_PAY_NOTIFY_MALFORMED);
}

static void test_alipay_sign_content_sorts_and_leaves_out_sign_and_empty(void **state)
{
	(void)state;
	const char *k[] = {"timestamp", "sign",        "method",     "app_id",
	                   "sign_type", "biz_content", "notify_url", "charset"};
	const char *v[] = {"2026-12-07 12:00:00",
	                   "XXX",
	                   "alipay.trade.query",
	                   "2021000000000001",
	                   "RSA2",
	                   "{\"out_trade_no\":\"PO1\"}",
	                   "",
	                   "utf-8"};
	char *s = provider_alipay_sign_content(k, v, 8);
	assert_string_equal(
	        s, "app_id=2021000000000001&biz_content={\"out_trade_no\":\"PO1\"}&charset=utf-8"
	           "&method=alipay.trade.query&timestamp=2026-12-07 12:00:00");
	EVP_PKEY *key = provider_key_parse(test_key, 1, NULL),
	         *pub = provider_key_parse(test_pub, 0, NULL);
	char *sig = NULL;
	assert_int_equal(provider_rsa_sign(key, s, strlen(s), &sig), ST_OK);
	assert_string_equal(sig, alipay_sig);
	assert_true(provider_rsa_verify(pub, s, strlen(s), alipay_sig));
	free(sig);
	free(s);
	EVP_PKEY_free(key);
	EVP_PKEY_free(pub);
}

static void test_amounts_in_yuan_convert_exactly(void **state)
{
	(void)state;
	assert_int_equal(provider_yuan_to_fen("12.34"), 1234);
	assert_int_equal(provider_yuan_to_fen("0.01"), 1);
	assert_int_equal(provider_yuan_to_fen("5"), 500);
	assert_int_equal(provider_yuan_to_fen("5.1"), 510);
	assert_int_equal(provider_yuan_to_fen("5.123"), -1);
	assert_int_equal(provider_yuan_to_fen("-1.00"), -1);
	assert_int_equal(provider_yuan_to_fen(".5"), -1);
	assert_int_equal(provider_yuan_to_fen("1e3"), -1);
	assert_int_equal(provider_yuan_to_fen(""), -1);
	char buf[24];
	provider_fen_to_yuan(1234, buf, sizeof buf);
	assert_string_equal(buf, "12.34");
	provider_fen_to_yuan(5, buf, sizeof buf);
	assert_string_equal(buf, "0.05");
	provider_fen_to_yuan(100000, buf, sizeof buf);
	assert_string_equal(buf, "1000.00");
}

static void test_url_coding_round_trips(void **state)
{
	(void)state;
	char *e = provider_urlencode("a b&c=d/é");
	assert_string_equal(e, "a%20b%26c%3Dd%2F%C3%A9");
	assert_int_equal(provider_urldecode(e), 0);
	assert_string_equal(e, "a b&c=d/é");
	free(e);
	char plus[] = "a+b%2B";
	assert_int_equal(provider_urldecode(plus), 0);
	assert_string_equal(plus, "a b+");
	char bad[] = "a%2";
	assert_int_equal(provider_urldecode(bad), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_wechat_request_string_is_method_url_time_nonce_body),
	        cmocka_unit_test(test_rsa_signature_matches_openssl_and_verifies),
	        cmocka_unit_test(test_aead_decrypts_the_resource_and_refuses_a_wrong_tag),
	        cmocka_unit_test(test_alipay_sign_content_sorts_and_leaves_out_sign_and_empty),
	        cmocka_unit_test(test_amounts_in_yuan_convert_exactly),
	        cmocka_unit_test(test_url_coding_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
