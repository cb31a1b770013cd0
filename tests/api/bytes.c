/* Hex, base64 and SHA-256 for the byte strings of the API test cases. */
#include "bytes.h"
#include "validate.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void to_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int bytes_from_hex(const char *s, struct strbuf *out, char *err, size_t errlen)
{
	int high = -1;
	for (size_t i = 0; s[i]; i++) {
		if (is_space(s[i]))
			continue;
		int v = validate_hex_digit(s[i]);
		if (v < 0) {
			snprintf(err, errlen, "character %zu of the hex is not a hex digit", i + 1);
			return -1;
		}
		if (high < 0) {
			high = v;
			continue;
		}
		unsigned char b = (unsigned char)(high << 4 | v);
		strbuf_add(out, &b, 1);
		high = -1;
	}
	if (high >= 0) {
		snprintf(err, errlen, "the hex has an odd number of digits");
		return -1;
	}
	return 0;
}

static int base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int bytes_from_base64(const char *s, struct strbuf *out, char *err, size_t errlen)
{
	unsigned long acc = 0;
	size_t digits = 0, pads = 0;
	for (size_t i = 0; s[i]; i++) {
		if (is_space(s[i]))
			continue;
		if (s[i] == '=') {
			pads++;
			continue;
		}
		int v = base64_value(s[i]);
		if (v < 0 || pads) {
			snprintf(err, errlen, "character %zu of the base64 is %s", i + 1,
			         pads ? "after its padding" : "not base64");
			return -1;
		}
		acc = (acc << 6 | (unsigned long)v) & 0xFFFFFF;
		if (++digits % 4 == 0) {
			unsigned char b[3] = {(unsigned char)(acc >> 16), (unsigned char)(acc >> 8),
			                      (unsigned char)acc};
			strbuf_add(out, b, 3);
		}
	}
	size_t left = digits % 4;
	if (left == 1 || (pads && (left == 0 || pads != 4 - left))) {
		snprintf(err, errlen, "the base64 has %zu digits and %zu '=', which no bytes have",
		         digits, pads);
		return -1;
	}
	if (left == 2) {
		unsigned char b = (unsigned char)(acc >> 4);
		strbuf_add(out, &b, 1);
	} else if (left == 3) {
		unsigned char b[2] = {(unsigned char)(acc >> 10), (unsigned char)(acc >> 2)};
		strbuf_add(out, b, 2);
	}
	return 0;
}

void bytes_sha256_hex(const void *p, size_t len, char out[BYTES_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_Digest(p ? p : "", len, md, &n, EVP_sha256(), NULL) != 1 || n != 32) {
		out[0] = '\0';
		return;
	}
	to_hex(md, n, out);
}

int bytes_random_hex(char *out, size_t n)
{
	unsigned char b[64];
	if (n > sizeof b || RAND_bytes(b, (int)n) != 1)
		return -1;
	to_hex(b, n, out);
	return 0;
}
