/* The pieces both payment providers share: keys, SHA256withRSA, AES-256-GCM, amounts, URL
 * encoding (provider.h). */
#include "provider.h"

#include "httpc.h"
#include "log.h"
#include "mem.h"
#include "status.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

EVP_PKEY *provider_key_parse(const char *pem, int private_key, char **serial)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = NULL;
	if (!b)
		return NULL;
	if (private_key) {
		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	} else if (strstr(pem, "BEGIN CERTIFICATE")) {
		X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		if (x) {
			k = X509_get_pubkey(x);
			if (k && serial) {
				BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
				char *hex = bn ? BN_bn2hex(bn) : NULL;
				*serial = hex ? xstrdup(hex) : NULL;
				OPENSSL_free(hex);
				BN_free(bn);
			}
			X509_free(x);
		}
	} else {
		k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	}
	BIO_free(b);
	if (k && EVP_PKEY_base_id(k) != EVP_PKEY_RSA) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	return k;
}

EVP_PKEY *provider_key_read(const char *path, int private_key, char **serial)
{
	FILE *f = path && *path ? fopen(path, "rb") : NULL;
	if (!f)
		return NULL;
	char buf[16384];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	EVP_PKEY *k = provider_key_parse(buf, private_key, serial);
	OPENSSL_cleanse(buf, sizeof buf);
	return k;
}

int provider_rsa_sign(EVP_PKEY *key, const char *data, size_t len, char **sig)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char raw[1024];
	size_t rawlen = sizeof raw;
	int rv = ST_INTERNAL;
	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_PKEY_size(key) > (int)sizeof raw ||
	    EVP_DigestSign(md, raw, &rawlen, (const unsigned char *)data, len) != 1)
		goto out;
	char *b64 = xmalloc(4 * ((rawlen + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, raw, (int)rawlen);
	*sig = b64;
	rv = ST_OK;
out:
	EVP_MD_CTX_free(md);
	return rv;
}

/* Standard base64 to bytes; the length, or -1. */
static long provider_b64_decode(const char *b64, unsigned char **out)
{
	size_t n = strlen(b64);
	if (n == 0 || n % 4 != 0 || n > 65536)
		return -1;
	unsigned char *buf = xmalloc(n / 4 * 3 + 1);
	int len = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)n);
	if (len < 0) {
		free(buf);
		return -1;
	}
	/* EVP_DecodeBlock counts the padding's zero bytes. */
	if (n >= 1 && b64[n - 1] == '=')
		len--;
	if (n >= 2 && b64[n - 2] == '=')
		len--;
	*out = buf;
	return len;
}

int provider_rsa_verify(EVP_PKEY *key, const char *data, size_t len, const char *sig_b64)
{
	unsigned char *sig = NULL;
	long slen = sig_b64 ? provider_b64_decode(sig_b64, &sig) : -1;
	int ok = 0;
	if (slen <= 0)
		goto out;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestVerify(md, sig, (size_t)slen, (const unsigned char *)data, len) == 1;
	EVP_MD_CTX_free(md);
out:
	free(sig);
	return ok;
}

int provider_aead_decrypt(const char *key32, const char *nonce, const char *aad,
                          const char *ciphertext_b64, char **plain, size_t *plain_len)
{
	unsigned char *ct = NULL;
	long n = ciphertext_b64 ? provider_b64_decode(ciphertext_b64, &ct) : -1;
	int rv = ST_PAY_NOTIFY_MALFORMED, len = 0, fin = 0;
	EVP_CIPHER_CTX *c = NULL;
	char *out = NULL;
	if (n < 17 || !key32 || strlen(key32) != 32 || !nonce || !*nonce)
		goto out;
	size_t ctlen = (size_t)n - 16;
	out = xmalloc(ctlen + 1);
	c = EVP_CIPHER_CTX_new();
	rv = ST_PAY_NOTIFY_SIGNATURE;
	if (!c || EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)strlen(nonce), NULL) != 1 ||
	    EVP_DecryptInit_ex(c, NULL, NULL, (const unsigned char *)key32,
	                       (const unsigned char *)nonce) != 1)
		goto out;
	if (aad && *aad &&
	    EVP_DecryptUpdate(c, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1)
		goto out;
	if (EVP_DecryptUpdate(c, (unsigned char *)out, &len, ct, (int)ctlen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, ct + ctlen) != 1 ||
	    EVP_DecryptFinal_ex(c, (unsigned char *)out + len, &fin) != 1)
		goto out;
	out[len + fin] = '\0';
	*plain = out;
	*plain_len = (size_t)(len + fin);
	out = NULL;
	rv = ST_OK;
out:
	EVP_CIPHER_CTX_free(c);
	free(out);
	free(ct);
	return rv;
}

char *provider_wechat_request_string(const char *method, const char *url_path,
                                     const char *timestamp, const char *nonce, const char *body)
{
	size_t n = strlen(method) + strlen(url_path) + strlen(timestamp) + strlen(nonce) +
	           strlen(body) + 6;
	char *s = xmalloc(n);
	snprintf(s, n, "%s\n%s\n%s\n%s\n%s\n", method, url_path, timestamp, nonce, body);
	return s;
}

char *provider_wechat_answer_string(const char *timestamp, const char *nonce, const char *body,
                                    size_t body_len)
{
	size_t a = strlen(timestamp), b = strlen(nonce);
	char *s = xmalloc(a + b + body_len + 4);
	char *p = s;
	memcpy(p, timestamp, a);
	p += a;
	*p++ = '\n';
	memcpy(p, nonce, b);
	p += b;
	*p++ = '\n';
	memcpy(p, body, body_len);
	p += body_len;
	*p++ = '\n';
	*p = '\0';
	return s;
}

char *provider_wechat_authorization(const char *mchid, const char *nonce, const char *timestamp,
                                    const char *serial_no, const char *signature)
{
	size_t n = strlen(mchid) + strlen(nonce) + strlen(timestamp) + strlen(serial_no) +
	           strlen(signature) + 128;
	char *s = xmalloc(n);
	snprintf(s, n,
	         "WECHATPAY2-SHA256-RSA2048 mchid=\"%s\",nonce_str=\"%s\",signature=\"%s\","
	         "timestamp=\"%s\",serial_no=\"%s\"",
	         mchid, nonce, signature, timestamp, serial_no);
	return s;
}

char *provider_alipay_sign_content(const char *const *keys, const char *const *values, size_t n)
{
	size_t *idx = xmalloc((n ? n : 1) * sizeof *idx), m = 0, total = 1;
	for (size_t i = 0; i < n; i++) {
		if (!values[i] || !*values[i] || strcmp(keys[i], "sign") == 0 ||
		    strcmp(keys[i], "sign_type") == 0)
			continue;
		/* Insertion sort: a request has a dozen parameters. */
		size_t k = m++;
		while (k > 0 && strcmp(keys[idx[k - 1]], keys[i]) > 0) {
			idx[k] = idx[k - 1];
			k--;
		}
		idx[k] = i;
		total += strlen(keys[i]) + strlen(values[i]) + 2;
	}
	char *s = xmalloc(total), *p = s;
	for (size_t j = 0; j < m; j++) {
		size_t kl = strlen(keys[idx[j]]), vl = strlen(values[idx[j]]);
		if (j)
			*p++ = '&';
		memcpy(p, keys[idx[j]], kl);
		p += kl;
		*p++ = '=';
		memcpy(p, values[idx[j]], vl);
		p += vl;
	}
	*p = '\0';
	free(idx);
	return s;
}

int64_t provider_yuan_to_fen(const char *text)
{
	int64_t yuan = 0;
	const char *p = text;
	if (!p || !*p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (yuan > 90071992547409LL)
			return -1;
		yuan = yuan * 10 + (*p - '0');
	}
	if (p == text)
		return -1;
	int64_t cents = 0;
	if (*p == '.') {
		p++;
		int d = 0;
		for (; *p >= '0' && *p <= '9' && d < 2; p++, d++)
			cents = cents * 10 + (*p - '0');
		if (d == 0)
			return -1;
		if (d == 1)
			cents *= 10;
	}
	return *p ? -1 : yuan * 100 + cents;
}

void provider_fen_to_yuan(int64_t fen, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(llabs(fen) / 100),
	         (long long)(llabs(fen) % 100));
}

char *provider_urlencode(const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(text);
	char *s = xmalloc(n * 3 + 1), *p = s;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.' || *c == '~') {
			*p++ = (char)*c;
		} else {
			*p++ = '%';
			*p++ = hex[*c >> 4];
			*p++ = hex[*c & 15];
		}
	}
	*p = '\0';
	return s;
}

static int provider_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int provider_urldecode(char *text)
{
	char *w = text;
	for (const char *r = text; *r; r++) {
		if (*r == '+') {
			*w++ = ' ';
		} else if (*r == '%') {
			int h = provider_hexval(r[1]), l = h < 0 ? -1 : provider_hexval(r[2]);
			if (h < 0 || l < 0)
				return -1;
			*w++ = (char)(h * 16 + l);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return 0;
}

int provider_http_status(int result)
{
	return result == HTTPC_TIMEOUT ? ST_PAY_PROVIDER_TIMEOUT : ST_PAY_PROVIDER_UNAVAILABLE;
}

void provider_close(provider *p)
{
	if (!p)
		return;
	p->ops->free_impl(p->impl);
	free(p);
}
