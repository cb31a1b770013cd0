/* Cryptography on OpenSSL 3 libcrypto: CSPRNG, scrypt password hashes, AES-256-GCM, HMAC. */
#include "crypto.h"
#include "validate.h"

#include "log.h"
#include "mem.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define TOKEN_MAX_BYTES 1024
#define SALT_LEN        16
#define HASH_LEN        32
#define SALT_MIN        8
#define SALT_MAX        64
#define HASH_MIN        16
#define HASH_MAX        64
#define LN_MIN          10
#define LN_MAX          20
#define R_MAX           32u
#define P_MAX           16u
#define MEM_MAX         (256ull << 20) /* 128 * r * N bytes */
#define WORK_MAX        (1ull << 22)   /* N * r * p */
#define SEAL_VERSION    1
#define NONCE_LEN       12
#define TAG_LEN         16
#define SCRYPT_PREFIX   "$scrypt$ln="

static const char B64_STD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char B64_URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Characters base64 without padding needs for n bytes. */
static size_t b64_len(size_t n) { return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0); }

/* Writes b64_len(n) characters and a NUL; out must have room for them. */
static void b64_encode(const unsigned char *in, size_t n, const char *alphabet, char *out)
{
	size_t o = 0, i = 0;
	for (; i + 3 <= n; i += 3) {
		unsigned long v =
		        (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 1) {
		unsigned long v = (unsigned long)in[i] << 16;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
	} else if (n - i == 2) {
		unsigned long v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
	}
	out[o] = '\0';
}

static int b64_std_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict decoding of standard base64 without padding: every character from the
 * alphabet, no impossible length, unused trailing bits zero (one spelling per value).
 */
static int b64_decode(const char *in, size_t inlen, unsigned char *out, size_t cap, size_t *outlen)
{
	if (inlen % 4 == 1 || inlen / 4 * 3 + (inlen % 4 ? inlen % 4 - 1 : 0) > cap)
		return -1;
	unsigned long acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < inlen; i++) {
		int v = b64_std_value(in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6 | (unsigned long)v) & 0xFFFFFF;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits & 0xFF);
		}
	}
	if (acc & ((1ul << bits) - 1))
		return -1;
	*outlen = o;
	return 0;
}

static void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Exactly 64 hex digits into 32 bytes. */
static int hex_decode32(const char *hex, unsigned char out[32])
{
	if (!hex || strnlen(hex, 65) != 64)
		return -1;
	for (size_t i = 0; i < 32; i++) {
		int hi = validate_hex_digit(hex[2 * i]), lo = validate_hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int crypto_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		int chunk = n > INT_MAX ? INT_MAX : (int)n;
		if (RAND_bytes(p, chunk) != 1)
			return -1;
		p += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

int crypto_token(char *out, size_t outlen, size_t nbytes)
{
	unsigned char buf[TOKEN_MAX_BYTES];
	if (!out || nbytes == 0 || nbytes > TOKEN_MAX_BYTES || b64_len(nbytes) >= outlen)
		return -1;
	if (crypto_random_bytes(buf, nbytes) != 0)
		return -1;
	b64_encode(buf, nbytes, B64_URL, out);
	OPENSSL_cleanse(buf, nbytes);
	return 0;
}

int crypto_ct_equal(const void *a, const void *b, size_t n) { return CRYPTO_memcmp(a, b, n) == 0; }

int crypto_scrypt_raw(const char *pw, const unsigned char *salt, size_t saltlen, uint64_t n,
                      uint32_t r, uint32_t p, unsigned char *out, size_t outlen)
{
	int rv = -1;
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *ctx = NULL;
	if (!pw || (!salt && saltlen) || !out || outlen == 0 || n < 2 || (n & (n - 1)) || r == 0 ||
	    p == 0)
		goto out;
	/* OpenSSL refuses to use more than maxmem: allow what these parameters need,
	 * 128*r*(N+2) for V plus 128*r*p for B, and a little for the rest. */
	uint64_t unit = 128u * (uint64_t)r;
	if (n > UINT64_MAX - 2 - p || n + 2 + p > (UINT64_MAX - (1u << 20)) / unit)
		goto out;
	uint64_t maxmem = (n + 2 + p) * unit + (1u << 20);

	kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	if (!kdf || !(ctx = EVP_KDF_CTX_new(kdf)))
		goto out;
	OSSL_PARAM params[] = {
	        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pw, strlen(pw)),
	        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen),
	        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
	        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
	        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
	        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
	        OSSL_PARAM_construct_end(),
	};
	if (EVP_KDF_derive(ctx, out, outlen, params) != 1)
		goto out;
	rv = 0;
out:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rv;
}

/* log2(n) into *ln when the parameters are within the bounds in crypto.h. */
static int kdf_params_ok(uint64_t n, uint32_t r, uint32_t p, int *ln)
{
	int l = 0;
	while (l < 63 && ((uint64_t)1 << l) < n)
		l++;
	if (((uint64_t)1 << l) != n || l < LN_MIN || l > LN_MAX)
		return 0;
	if (r < 1 || r > R_MAX || p < 1 || p > P_MAX)
		return 0;
	if (128u * (uint64_t)r * n > MEM_MAX || n * r * p > WORK_MAX)
		return 0;
	*ln = l;
	return 1;
}

int crypto_password_hash(const char *pw, const struct crypto_kdf_params *prm, char *out,
                         size_t outlen)
{
	int rv = -1;
	struct crypto_kdf_params def = {CRYPTO_KDF_DEFAULT_N, CRYPTO_KDF_DEFAULT_R,
	                                CRYPTO_KDF_DEFAULT_P};
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char buf[CRYPTO_PASSWORD_HASH_MAX];
	int ln;
	if (!prm)
		prm = &def;
	if (!pw || !out || !kdf_params_ok(prm->n, prm->r, prm->p, &ln))
		goto out;
	if (crypto_random_bytes(salt, sizeof salt) != 0 ||
	    crypto_scrypt_raw(pw, salt, sizeof salt, prm->n, prm->r, prm->p, hash, sizeof hash) !=
	            0)
		goto out;
	int head = snprintf(buf, sizeof buf, SCRYPT_PREFIX "%d,r=%u,p=%u$", ln, (unsigned)prm->r,
	                    (unsigned)prm->p);
	if (head < 0)
		goto out;
	size_t len = (size_t)head + b64_len(sizeof salt) + 1 + b64_len(sizeof hash);
	if (len >= sizeof buf || len >= outlen)
		goto out;
	size_t pos = (size_t)head;
	b64_encode(salt, sizeof salt, B64_STD, buf + pos);
	pos += b64_len(sizeof salt);
	buf[pos++] = '$';
	b64_encode(hash, sizeof hash, B64_STD, buf + pos);
	memcpy(out, buf, len + 1);
	rv = 0;
out:
	OPENSSL_cleanse(hash, sizeof hash);
	return rv;
}

/* A decimal number without sign or leading zeros, at most max; advances *s past it. */
static int parse_uint(const char **s, uint64_t max, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		x = x * 10 + (uint64_t)(*p - '0');
		if (x > max)
			return -1;
	}
	*s = p;
	*v = x;
	return 0;
}

/* Consumes the literal lit at *s. */
static int expect(const char **s, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(*s, lit, n) != 0)
		return -1;
	*s += n;
	return 0;
}

int crypto_password_verify(const char *pw, const char *encoded)
{
	int rv = -1;
	unsigned char salt[SALT_MAX], want[HASH_MAX], got[HASH_MAX];
	size_t saltlen, wantlen = 0;
	uint64_t ln, r, p;
	const char *s = encoded;
	int ln_checked;
	if (!pw || !s)
		goto out;
	if (expect(&s, SCRYPT_PREFIX) || parse_uint(&s, 63, &ln) || expect(&s, ",r=") ||
	    parse_uint(&s, UINT32_MAX, &r) || expect(&s, ",p=") || parse_uint(&s, UINT32_MAX, &p) ||
	    expect(&s, "$"))
		goto out;
	if (!kdf_params_ok((uint64_t)1 << ln, (uint32_t)r, (uint32_t)p, &ln_checked))
		goto out;
	const char *dollar = strchr(s, '$');
	if (!dollar || b64_decode(s, (size_t)(dollar - s), salt, sizeof salt, &saltlen) ||
	    saltlen < SALT_MIN)
		goto out;
	s = dollar + 1;
	if (b64_decode(s, strlen(s), want, sizeof want, &wantlen) || wantlen < HASH_MIN)
		goto out;
	if (crypto_scrypt_raw(pw, salt, saltlen, (uint64_t)1 << ln, (uint32_t)r, (uint32_t)p, got,
	                      wantlen) != 0)
		goto out;
	rv = CRYPTO_memcmp(got, want, wantlen) == 0;
out:
	OPENSSL_cleanse(got, sizeof got);
	return rv;
}

int crypto_keys_from_hex(crypto_keys *k, const char *enc_hex64, const char *mac_hex64)
{
	int rv = -1;
	crypto_keys tmp;
	if (!k || hex_decode32(enc_hex64, tmp.enc) || hex_decode32(mac_hex64, tmp.mac))
		goto out;
	memcpy(k, &tmp, sizeof tmp);
	rv = 0;
out:
	OPENSSL_cleanse(&tmp, sizeof tmp);
	if (rv)
		log_kv(LOGL_ERROR, NULL, "PII_ENC_KEY and PII_MAC_KEY must be 64 hex digits each",
		       NULL);
	return rv;
}

/*
 * Nonces are random: with 96 bits, NIST SP 800-38D allows 2^32 seals per key, far more
 * than a table of personal data holds; rotate enc before approaching that.
 */
int crypto_seal(const crypto_keys *k, const void *plain, size_t n, const char *aad,
                unsigned char **out, size_t *outlen)
{
	int rv = -1;
	EVP_CIPHER_CTX *ctx = NULL;
	unsigned char *buf = NULL;
	unsigned char version = SEAL_VERSION;
	size_t aadlen = aad ? strlen(aad) : 0;
	int len;
	if (!k || (!plain && n) || !out || !outlen || n > INT_MAX - CRYPTO_SEAL_OVERHEAD ||
	    aadlen > INT_MAX)
		goto out;
	buf = xmalloc(n + CRYPTO_SEAL_OVERHEAD);
	buf[0] = version;
	unsigned char *nonce = buf + 1, *ct = buf + 1 + NONCE_LEN, *tag = ct + n;
	if (crypto_random_bytes(nonce, NONCE_LEN) != 0)
		goto out;
	if (!(ctx = EVP_CIPHER_CTX_new()) ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) != 1 ||
	    EVP_EncryptInit_ex(ctx, NULL, NULL, k->enc, nonce) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &len, &version, 1) != 1)
		goto out;
	if (aadlen &&
	    EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)aadlen) != 1)
		goto out;
	if (n && EVP_EncryptUpdate(ctx, ct, &len, plain, (int)n) != 1)
		goto out;
	if (EVP_EncryptFinal_ex(ctx, ct + n, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) != 1)
		goto out;
	*out = buf;
	*outlen = n + CRYPTO_SEAL_OVERHEAD;
	buf = NULL;
	rv = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	free(buf);
	return rv;
}

int crypto_open(const crypto_keys *k, const unsigned char *in, size_t n, const char *aad,
                char **plain, size_t *plainlen)
{
	int rv = -1;
	EVP_CIPHER_CTX *ctx = NULL;
	char *buf = NULL;
	size_t aadlen = aad ? strlen(aad) : 0;
	size_t ctlen = 0;
	int len;
	if (!k || !in || !plain || !plainlen || n < CRYPTO_SEAL_OVERHEAD || n > INT_MAX ||
	    aadlen > INT_MAX || in[0] != SEAL_VERSION)
		goto out;
	const unsigned char *nonce = in + 1, *ct = in + 1 + NONCE_LEN;
	ctlen = n - CRYPTO_SEAL_OVERHEAD;
	const unsigned char *tag = ct + ctlen;
	buf = xmalloc(ctlen + 1);
	if (!(ctx = EVP_CIPHER_CTX_new()) ||
	    EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) != 1 ||
	    EVP_DecryptInit_ex(ctx, NULL, NULL, k->enc, nonce) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &len, in, 1) != 1)
		goto out;
	if (aadlen &&
	    EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)aadlen) != 1)
		goto out;
	if (ctlen && EVP_DecryptUpdate(ctx, (unsigned char *)buf, &len, ct, (int)ctlen) != 1)
		goto out;
	/* OpenSSL copies the expected tag; the cast only satisfies the generic ctrl signature. */
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, (void *)tag) != 1 ||
	    EVP_DecryptFinal_ex(ctx, (unsigned char *)buf + ctlen, &len) != 1)
		goto out;
	buf[ctlen] = '\0';
	*plain = buf;
	*plainlen = ctlen;
	buf = NULL;
	rv = 0;
out:
	if (buf) {
		OPENSSL_cleanse(buf, ctlen + 1);
		free(buf);
	}
	EVP_CIPHER_CTX_free(ctx);
	return rv;
}

int crypto_lookup_hash(const crypto_keys *k, const char *value, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!k || !value || !out)
		return -1;
	if (!HMAC(EVP_sha256(), k->mac, sizeof k->mac, (const unsigned char *)value, strlen(value),
	          md, &mdlen) ||
	    mdlen != 32)
		return -1;
	hex_encode(md, mdlen, out);
	return 0;
}

int crypto_sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if ((!data && n) || !out)
		return -1;
	if (EVP_Digest(n ? data : "", n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return -1;
	hex_encode(md, mdlen, out);
	return 0;
}
