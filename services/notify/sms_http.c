/*
 * The HTTP SMS provider, shaped like Aliyun's SendSms: a JSON POST to
 * SMS_HTTP_URL of AccessKeyId, Action, PhoneNumbers, SignName, TemplateCode,
 * TemplateParam, Timestamp, SignatureNonce, ... and a Signature over all of them
 * (HMAC-SHA256 with SMS_HTTP_SECRET, see sms_provider.h); the answer is
 * {"Code":"OK",...} or {"Code":"<reason>","Message":"..."}. Any other outcome
 * (timeout, HTTP error, unparsable body) is a failure: the caller does not
 * store the code.
 */
#include "sms_provider.h"

#include "crypto.h"
#include "httpc.h"
#include "log.h"
#include "mem.h"
#include "validate.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOTIFY_HTTP_RESPONSE_MAX (64 * 1024)

struct notify_sms_http {
	notify_sms_provider base; /* first: the provider pointer is the struct's */
	char *url, *key_id, *secret, *sign_name;
	long timeout_ms;
};

/* ---- signing --------------------------------------------------------------------- */

struct notify_buf {
	char *p;
	size_t len, cap;
};

static void notify_buf_add(struct notify_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* RFC 3986 percent-encoding of every byte but the unreserved ones. */
static void notify_buf_add_enc(struct notify_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.' || *c == '~') {
			notify_buf_add(b, (const char *)c, 1);
		} else {
			char e[3] = {'%', hex[*c >> 4], hex[*c & 15]};
			notify_buf_add(b, e, 3);
		}
	}
}

static int notify_param_cmp(const void *a, const void *b)
{
	const notify_sms_param *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

int notify_sms_http_signature(const notify_sms_param *params, size_t n, const char *secret,
                              char *out, size_t outlen)
{
	struct notify_buf canon = {0}, sts = {0}, key = {0};
	const notify_sms_param **sorted = xmalloc((n ? n : 1) * sizeof *sorted);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	int rv = -1;
	for (size_t i = 0; i < n; i++)
		sorted[i] = &params[i];
	qsort(sorted, n, sizeof *sorted, notify_param_cmp);
	notify_buf_add(&canon, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (i)
			notify_buf_add(&canon, "&", 1);
		notify_buf_add_enc(&canon, sorted[i]->name);
		notify_buf_add(&canon, "=", 1);
		notify_buf_add_enc(&canon, sorted[i]->value);
	}
	notify_buf_add(&sts, "POST&%2F&", 9);
	notify_buf_add_enc(&sts, canon.p);
	notify_buf_add(&key, secret, strlen(secret));
	notify_buf_add(&key, "&", 1);
	if (!HMAC(EVP_sha256(), key.p, (int)key.len, (const unsigned char *)sts.p, sts.len, mac,
	          &maclen))
		goto out;
	/* base64 of 32 bytes is 44 characters. */
	if (outlen < 4 * ((maclen + 2) / 3) + 1)
		goto out;
	EVP_EncodeBlock((unsigned char *)out, mac, (int)maclen);
	rv = 0;
out:
	OPENSSL_cleanse(key.p, key.len);
	free(key.p);
	free(canon.p);
	free(sts.p);
	free(sorted);
	return rv;
}

/* ---- sending ---------------------------------------------------------------------- */

/* {"code":"123456"} from the template parameters. NULL on failure; caller frees. */
static char *notify_template_param_json(const notify_sms_msg *m)
{
	json_t *o = json_object();
	for (size_t i = 0; i < m->nparams; i++)
		json_object_set_new(o, m->params[i].name, json_string(m->params[i].value));
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

static int notify_sms_http_send(notify_sms_provider *p_, const notify_sms_msg *m,
                                const char *request_id)
{
	struct notify_sms_http *p = (struct notify_sms_http *)p_;
	httpc_response resp = {0};
	char masked[16], nonce[40], stamp[32], signature[64], status_txt[16] = "";
	const char *why = "request failed";
	char *tparam = NULL, *body = NULL;
	json_t *req = NULL, *ans = NULL;
	int rv = -1;

	validate_mask_mobile(m->phone, masked);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (crypto_token(nonce, sizeof nonce, 16) != 0 ||
	    !(tparam = notify_template_param_json(m))) {
		why = "could not build the request";
		goto out;
	}
	const notify_sms_param params[] = {
	        {"AccessKeyId", p->key_id},
	        {"Action", "SendSms"},
	        {"Format", "JSON"},
	        {"PhoneNumbers", m->phone},
	        {"SignName", p->sign_name},
	        {"SignatureMethod", "HMAC-SHA256"},
	        {"SignatureNonce", nonce},
	        {"SignatureVersion", "1.0"},
	        {"TemplateCode", m->template_id},
	        {"TemplateParam", tparam},
	        {"Timestamp", stamp},
	        {"Version", "2017-05-25"},
	        /* the delivery id: the provider's delivery reports name it (last, so it can
	         * be left out for a verification code) */
	        {"OutId", m->delivery_id},
	};
	size_t np = sizeof params / sizeof params[0] - (m->delivery_id ? 0 : 1);
	if (notify_sms_http_signature(params, np, p->secret, signature, sizeof signature) != 0) {
		why = "could not sign the request";
		goto out;
	}
	req = json_object();
	for (size_t i = 0; i < np; i++)
		json_object_set_new(req, params[i].name, json_string(params[i].value));
	json_object_set_new(req, "Signature", json_string(signature));
	body = json_dumps(req, JSON_COMPACT);

	if (!body)
		goto out;
	static const char *const headers[] = {"Accept: application/json"};
	const httpc_request hr = {
	        .method = "POST",
	        .url = p->url,
	        .headers = headers,
	        .nheaders = 1,
	        .content_type = "application/json",
	        .body = body,
	        .body_len = strlen(body),
	        .timeout_ms = p->timeout_ms,
	        .connect_timeout_ms = p->timeout_ms / 2 > 0 ? p->timeout_ms / 2 : 1,
	        /* A provider answer is a few hundred bytes: refuse anything huge. */
	        .max_body = NOTIFY_HTTP_RESPONSE_MAX};
	if (httpc_exchange(&hr, &resp) != HTTPC_OK) {
		why = resp.error;
		goto out;
	}
	snprintf(status_txt, sizeof status_txt, "%ld", resp.status);
	ans = json_loads(resp.body, 0, NULL);
	const char *code = json_string_value(json_object_get(ans, "Code"));
	if (resp.status != 200 || !code || strcmp(code, "OK") != 0) {
		why = resp.status != 200 ? "http status" : code ? code : "unexpected answer";
		goto out;
	}
	rv = 0;
out:
	if (rv == 0) {
		log_kv(LOGL_DEBUG, request_id, "sms sent", "provider", "http", "phone", masked,
		       "template", m->template_id, NULL);
	} else {
		const char *msg = json_string_value(json_object_get(ans, "Message"));
		log_kv(LOGL_WARN, request_id, "sms provider refused or failed", "provider", "http",
		       "phone", masked, "template", m->template_id, "reason", why, "message", msg,
		       "http_status", *status_txt ? status_txt : NULL, NULL);
	}
	json_decref(ans);
	json_decref(req);
	httpc_response_free(&resp);
	free(body);
	free(tparam);
	return rv;
}

static void notify_sms_http_free(notify_sms_provider *p_)
{
	struct notify_sms_http *p = (struct notify_sms_http *)p_;
	if (!p)
		return;
	free(p->url);
	free(p->key_id);
	if (p->secret)
		OPENSSL_cleanse(p->secret, strlen(p->secret));
	free(p->secret);
	free(p->sign_name);
	free(p);
}

notify_sms_provider *notify_sms_http_new(const char *name, const notify_sms_http_config *cfg)
{
	struct notify_sms_http *p = xcalloc(1, sizeof *p);
	p->base.name = name;
	p->base.send = notify_sms_http_send;
	p->base.free = notify_sms_http_free;
	p->url = xstrdup(cfg->url);
	p->key_id = xstrdup(cfg->key_id);
	p->secret = xstrdup(cfg->secret);
	p->sign_name = xstrdup(cfg->sign_name);
	p->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 5000;
	return &p->base;
}
