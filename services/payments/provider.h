/*
 * Online payment providers behind one interface: WeChat Pay API v3 (provider_wechat.c) and
 * Alipay (provider_alipay.c), each speaking its provider's real protocol over common/httpc.h.
 * In development both point at the provider simulator (services/paysim), which holds its own
 * keys and checks ours exactly as the provider does; no adapter has a test shortcut.
 *
 * A provider is opened once at start (provider_*_open, from the main thread) and then used by
 * every worker at once: its functions keep no mutable state. Results that outlive a call are
 * malloc'd and the caller frees them (said at each function). Every function returns ST_OK or
 * a code of status.def: ST_PAY_PROVIDER_TIMEOUT / _UNAVAILABLE (no answer), _REFUSED (an
 * answer saying no), _BAD_ANSWER (an answer that does not verify or parse); a notify that
 * does not verify is ST_PAY_NOTIFY_SIGNATURE, one that does not parse ST_PAY_NOTIFY_MALFORMED.
 */
#ifndef PAYMENTS_PROVIDER_H
#define PAYMENTS_PROVIDER_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

typedef struct provider provider;

/* What to ask the provider to collect. */
typedef struct provider_order {
	const char *out_trade_no; /* ours: one per attempt, [A-Za-z0-9_-]{6,32} */
	const char *description;  /* shown to the payer (the intent's purpose) */
	int64_t amount_fen;
	const char *notify_url; /* where the provider posts its asynchronous result */
	const char *return_url; /* Alipay: where the payer's browser returns (may be NULL) */
} provider_order;

typedef enum provider_trade_state {
	PROVIDER_TRADE_NOTPAY =
	        0, /* created, not paid (WeChat NOTPAY/USERPAYING, Alipay WAIT_BUYER_PAY) */
	PROVIDER_TRADE_SUCCESS, /* paid */
	PROVIDER_TRADE_CLOSED,  /* closed unpaid (or the trade does not exist) */
	PROVIDER_TRADE_REFUND,  /* paid, then refunded (WeChat REFUND, Alipay TRADE_CLOSED after a
	                           refund) */
	PROVIDER_TRADE_FAILED,  /* WeChat PAYERROR/REVOKED */
} provider_trade_state;

/* A trade as the provider reports it (query or notify). */
typedef struct provider_trade {
	char out_trade_no[65];
	char transaction_id[65]; /* the provider's id: WeChat transaction_id, Alipay trade_no */
	char app_id[65];         /* WeChat mchid, Alipay app_id: checked against ours */
	provider_trade_state state;
	int64_t amount_fen; /* the order's total */
} provider_trade;

/* A notify as the gateway passed it (raw body; WeChat's headers). */
typedef struct provider_notify {
	const char *body;
	size_t body_len;
	const char *timestamp, *nonce, *signature, *serial; /* Wechatpay-*; NULL for Alipay */
} provider_notify;

/* One line of a provider's statement. */
typedef struct provider_statement_row {
	char kind; /* 'P' a payment, 'R' a refund */
	char out_trade_no[65];
	char transaction_id[65];
	char refund_no[65]; /* 'R': our out_refund_no */
	int64_t amount_fen; /* 'P' the amount paid, 'R' the amount refunded */
	int64_t fee_fen; /* the provider's service fee ('R': fee given back, as a positive number)
	                  */
} provider_statement_row;

typedef struct provider_ops {
	/* The pay link: WeChat's code_url (for a QR code), Alipay's signed page-pay URL.
	 * *url malloc'd. */
	int (*create)(const provider *p, const provider_order *o, char **url);
	/* The trade now. A trade the provider does not know is PROVIDER_TRADE_CLOSED. */
	int (*query)(const provider *p, const char *out_trade_no, provider_trade *t);
	/* Refunds amount_fen of the trade (total_fen its whole amount) under out_refund_no
	 * (the same number again is the same refund at the provider). *refund_id malloc'd. */
	int (*refund)(const provider *p, const char *out_trade_no, const char *out_refund_no,
	              int64_t amount_fen, int64_t total_fen, const char *reason, char **refund_id);
	/* Verifies a notify and parses its trade. */
	int (*notify)(const provider *p, const provider_notify *n, provider_trade *t);
	/* The answer the provider expects to a notify handled with rv (ST_OK: taken). */
	void (*notify_answer)(int rv, int *http_status, const char **content_type, char *body,
	                      size_t cap);
	/* The statement of one day (YYYY-MM-DD). *rows malloc'd (free()), *n rows. */
	int (*statement)(const provider *p, const char *date, provider_statement_row **rows,
	                 size_t *n);
	void (*free_impl)(void *impl);
} provider_ops;

struct provider {
	const char *method; /* "wechat" | "alipay" */
	const provider_ops *ops;
	void *impl;
};

typedef struct provider_wechat_config {
	const char *base_url;           /* https://api.mch.weixin.qq.com */
	const char *mchid, *appid;      /* the merchant's number and its app */
	const char *serial_no;          /* the merchant certificate's serial (hex) */
	const char *key_file;           /* the merchant's private key, PEM */
	const char *platform_cert_file; /* WeChat Pay's platform certificate, PEM */
	const char *apiv3_key;          /* 32 bytes: decrypts notify resources */
	long timeout_ms;
} provider_wechat_config;

typedef struct provider_alipay_config {
	const char *gateway_url;     /* https://openapi.alipay.com/gateway.do */
	const char *app_id;          /* the merchant's app */
	const char *key_file;        /* the app's private key, PEM */
	const char *public_key_file; /* Alipay's public key, PEM */
	long timeout_ms;
} provider_alipay_config;

/* Opens a provider (keys read and checked). *out is the caller's, freed with
 * provider_close(); ST_OK or ST_INTERNAL (logged, naming the file). */
int provider_wechat_open(const provider_wechat_config *c, provider **out);
int provider_alipay_open(const provider_alipay_config *c, provider **out);
void provider_close(provider *p);

/* ---- shared pieces (provider.c), tested with fixed vectors in provider_test.c ---- */

/* Reads a PEM private key, public key or certificate (its public key; *serial, when not
 * NULL, its serial in upper-case hex, malloc'd). NULL / ST_INTERNAL when unreadable. */
EVP_PKEY *provider_key_read(const char *path, int private_key, char **serial);
EVP_PKEY *provider_key_parse(const char *pem, int private_key, char **serial);

/* SHA256withRSA (PKCS#1 v1.5) of data, base64: *sig malloc'd. */
int provider_rsa_sign(EVP_PKEY *key, const char *data, size_t len, char **sig);
/* 1 when sig_b64 is a valid SHA256withRSA signature of data under key, else 0. */
int provider_rsa_verify(EVP_PKEY *key, const char *data, size_t len, const char *sig_b64);

/* AEAD_AES_256_GCM as WeChat Pay uses it: ciphertext_b64 = base64(ciphertext || 16-byte tag),
 * key 32 bytes, nonce and associated data as text. *plain malloc'd and NUL-terminated.
 * ST_OK, or ST_PAY_NOTIFY_SIGNATURE when the tag does not verify. */
int provider_aead_decrypt(const char *key32, const char *nonce, const char *aad,
                          const char *ciphertext_b64, char **plain, size_t *plain_len);

/* WeChat's strings to sign: a request "METHOD\nURL\ntimestamp\nnonce\nbody\n" (URL the path
 * and query), an answer or notify "timestamp\nnonce\nbody\n". malloc'd. */
char *provider_wechat_request_string(const char *method, const char *url_path,
                                     const char *timestamp, const char *nonce, const char *body);
char *provider_wechat_answer_string(const char *timestamp, const char *nonce, const char *body,
                                    size_t body_len);
/* The Authorization header's value. malloc'd. */
char *provider_wechat_authorization(const char *mchid, const char *nonce, const char *timestamp,
                                    const char *serial_no, const char *signature);

/* Alipay's content to sign: the parameters other than sign and sign_type (and those with an
 * empty value), sorted by name (bytes), joined "k=v&k=v" with the values as they are (not
 * URL-encoded). malloc'd. */
char *provider_alipay_sign_content(const char *const *keys, const char *const *values, size_t n);

/* Amounts: "12.34" (yuan, at most 2 decimals, no sign) -> 1234 fen; -1 when not such a text. */
int64_t provider_yuan_to_fen(const char *text);
/* 1234 -> "12.34" into buf (>= 24 bytes). */
void provider_fen_to_yuan(int64_t fen, char *buf, size_t cap);

/* Percent-encodes text (RFC 3986 unreserved kept) into a malloc'd string. */
char *provider_urlencode(const char *text);
/* Decodes application/x-www-form-urlencoded text in place ('+' is a space); -1 on a bad %. */
int provider_urldecode(char *text);

/* The provider's outcome of an exchange that failed before an answer. */
int provider_http_status(int result);

#endif
