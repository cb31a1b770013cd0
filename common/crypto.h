/* Cryptography on OpenSSL 3 libcrypto: randomness, password hashing, PII sealing, digests. */
#ifndef COMMON_CRYPTO_H
#define COMMON_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every function is thread-safe and keeps no state between calls. Functions returning
 * int give 0 on success and -1 on failure unless stated otherwise; out-parameters are
 * written only on success (text outputs may hold "" after a failure).
 */

/* n bytes from OpenSSL's CSPRNG (RAND_bytes). */
int crypto_random_bytes(void *buf, size_t n);

/*
 * A random token of nbytes (1..1024) CSPRNG bytes, base64url (RFC 4648 §5) without
 * padding: ceil(4 * nbytes / 3) characters plus NUL must fit in outlen, else -1.
 * 32 bytes give a 43-character token.
 */
int crypto_token(char *out, size_t outlen, size_t nbytes);

/* 1 when the n bytes at a and b are equal, else 0; time depends only on n (CRYPTO_memcmp). */
int crypto_ct_equal(const void *a, const void *b, size_t n);

/* ---- passwords: scrypt (RFC 7914) through EVP_KDF "SCRYPT" ---------------------- */

/* n is the CPU/memory cost (a power of two), r the block size, p the parallelism. */
struct crypto_kdf_params {
	uint64_t n;
	uint32_t r, p;
};

/* OWASP's scrypt configuration N=2^15, r=8, p=3: 32 MiB and roughly 0.1 s per hash. */
#define CRYPTO_KDF_DEFAULT_N 32768u
#define CRYPTO_KDF_DEFAULT_R 8u
#define CRYPTO_KDF_DEFAULT_P 3u

/*
 * Bounds applied when hashing and, above all, when verifying a stored string (so a
 * tampered row cannot make a login cost gigabytes or minutes): 2^10 <= N <= 2^20,
 * 1 <= r <= 32, 1 <= p <= 16, memory 128*r*N <= 256 MiB, work N*r*p <= 2^22.
 * Every OWASP configuration (2^17/8/1 ... 2^13/8/10) fits.
 */

/* Room for any string crypto_password_hash() writes, NUL included. */
#define CRYPTO_PASSWORD_HASH_MAX 128

/*
 * Hashes the NUL-terminated pw with a fresh 16-byte salt into out, in the PHC string
 * format "$scrypt$ln=15,r=8,p=3$<salt>$<hash>" where ln = log2(N) and salt (16 bytes)
 * and hash (32 bytes) are standard base64 without padding. prm NULL means the
 * defaults. -1 when prm is out of bounds, outlen is too small (CRYPTO_PASSWORD_HASH_MAX
 * always suffices) or OpenSSL fails.
 */
int crypto_password_hash(const char *pw, const struct crypto_kdf_params *prm, char *out,
                         size_t outlen);

/*
 * Checks pw against a string from crypto_password_hash(): 1 when it matches, 0 when it
 * does not, -1 when encoded is malformed, its parameters are out of bounds, or OpenSSL
 * fails. The comparison is constant-time. Salts of 8-64 bytes and hashes of 16-64
 * bytes are accepted, so rows written with other lengths still verify.
 */
int crypto_password_verify(const char *pw, const char *encoded);

/*
 * Raw scrypt (RFC 7914) of the NUL-terminated pw: outlen bytes into out. No bounds
 * beyond OpenSSL's own (N a power of two > 1, memory within what it can allocate);
 * exported for test vectors and for callers that store the parameters themselves.
 */
int crypto_scrypt_raw(const char *pw, const unsigned char *salt, size_t saltlen, uint64_t n,
                      uint32_t r, uint32_t p, unsigned char *out, size_t outlen);

/* ---- personal data at rest: AES-256-GCM, and HMAC-SHA256 for look-ups ------------ */

/* enc seals values (AES-256-GCM); mac keys look-up hashes (HMAC-SHA256). Keep apart. */
typedef struct crypto_keys {
	unsigned char enc[32];
	unsigned char mac[32];
} crypto_keys;

/* Fills k from two strings of exactly 64 hex digits (either case); k untouched on -1,
 * which is logged (naming the settings, never their values). */
int crypto_keys_from_hex(crypto_keys *k, const char *enc_hex64, const char *mac_hex64);

/* The config-table rows (config.h) of the platform's keys, read as text into *enc and
 * *mac and turned into keys with crypto_keys_from_hex() by the daemon's start. */
/* clang-format off */
#define CRYPTO_KEY_CONFIG_ITEMS(enc, mac)                                                          \
	{"PII_ENC_KEY", CFG_STR, NULL, 0, 0,                                                       \
	 "AES-256-GCM key sealing personal data: 64 hex digits", (enc)},                           \
	{"PII_MAC_KEY", CFG_STR, NULL, 0, 0,                                                       \
	 "HMAC key of look-up hashes of personal data: 64 hex digits", (mac)}
/* clang-format on */

/* Bytes crypto_seal() adds to the plaintext: version 1 + nonce 12 + tag 16. */
#define CRYPTO_SEAL_OVERHEAD 29

/*
 * Encrypts n bytes of plain with k->enc. *out (from malloc, the caller frees) holds
 * n + CRYPTO_SEAL_OVERHEAD bytes: version byte 1 || 12-byte random nonce || ciphertext
 * || 16-byte tag, and *outlen its length. aad (NULL means "") names where the value
 * lives, e.g. "accounts.persons.id_number": it is authenticated with the version byte,
 * so a ciphertext copied into another column does not open there.
 */
int crypto_seal(const crypto_keys *k, const void *plain, size_t n, const char *aad,
                unsigned char **out, size_t *outlen);

/*
 * Reverses crypto_seal() with the same aad. On success *plain (from malloc, the caller
 * frees) holds *plainlen bytes plus a NUL terminator. -1, with nothing allocated, when
 * the input is short, of an unknown version, or was altered in any byte, or the key or
 * aad differ.
 */
int crypto_open(const crypto_keys *k, const unsigned char *in, size_t n, const char *aad,
                char **plain, size_t *plainlen);

/*
 * HMAC-SHA256 of the NUL-terminated value under k->mac as 64 lower-case hex digits:
 * a stable blind index, so an encrypted column can be searched by equality
 * (WHERE id_number_hash = $1). Normalise value (e.g. upper-case) before hashing.
 */
int crypto_lookup_hash(const crypto_keys *k, const char *value, char out[65]);

/* SHA-256 of n bytes as 64 lower-case hex digits. */
int crypto_sha256_hex(const void *data, size_t n, char out[65]);

#endif
