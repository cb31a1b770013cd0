/*
 * Byte strings in the API test cases: hex and base64 text decoded into bytes,
 * the SHA-256 digest of a body as hex, random hex for a multipart boundary.
 */
#ifndef API_BYTES_H
#define API_BYTES_H

#include "strbuf.h"

#include <stddef.h>

#define BYTES_SHA256_HEX 65 /* 64 lower-case hex digits and a NUL */

/*
 * Appends the bytes written as hex digits in s (either case; spaces, tabs and
 * newlines are ignored) to out. Returns 0, or -1 with the reason in err on a
 * character that is not a hex digit or an odd number of digits.
 */
int bytes_from_hex(const char *s, struct strbuf *out, char *err, size_t errlen);

/*
 * Appends the bytes written as base64 in s to out: the standard alphabet (the
 * URL-safe '-' and '_' too), '=' padding optional, whitespace ignored. Returns
 * 0, or -1 with the reason in err on a foreign character, text after the
 * padding or a length that no bytes have.
 */
int bytes_from_base64(const char *s, struct strbuf *out, char *err, size_t errlen);

/* The SHA-256 digest of len bytes at p as 64 lower-case hex digits. */
void bytes_sha256_hex(const void *p, size_t len, char out[BYTES_SHA256_HEX]);

/* Writes n random bytes as 2n lower-case hex digits and a NUL into out. Returns 0 or -1. */
int bytes_random_hex(char *out, size_t n);

#endif
