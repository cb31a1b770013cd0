/*
 * WeChat Pay API v3 (provider.h): Native orders, query by out_trade_no, domestic refunds, the
 * trade bill, and the payment notify. Requests carry
 * `Authorization: WECHATPAY2-SHA256-RSA2048
 * mchid=…,nonce_str=…,signature=…,timestamp=…,serial_no=…` signed with the merchant key over
 * "METHOD\nURL\ntimestamp\nnonce\nbody\n"; answers and notifies are verified with the platform
 * certificate over "timestamp\nnonce\nbody\n" (Wechatpay-Timestamp/Nonce/Signature/Serial); a
 * notify's resource is AEAD_AES_256_GCM under the APIv3 key. An answer without a valid signature is
 * not believed (ST_PAY_PROVIDER_BAD_ANSWER).
 */
#include "provider.h"

#include "httpc.h"
#include "mem.h"
#include "status.h"

#include <jansson.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct wechat {
	char *base_url, *mchid, *appid, *serial_no, *apiv3_key, *platform_serial;
	EVP_PKEY *key, *platform;
	long timeout_ms;
} wechat;

/* A notify or an answer older than this is refused (WeChat's SDKs use 5 minutes). */
#define WECHAT_MAX_SKEW_S 300
#define WECHAT_MAX_BODY   (1024 * 1024)

static void wechat_nonce(char out[33])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char raw[16];
	if (RAND_bytes(raw, sizeof raw) != 1)
		abort();
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[32] = '\0';
}

/* The answer's signature: Wechatpay-Serial names our platform certificate, the time is
 * recent, the signature verifies. */
static int wechat_verify(const wechat *w, const char *ts, const char *nonce, const char *sig,
                         const char *serial, const char *body, size_t len)
{
	if (!ts || !nonce || !sig || !serial || !*ts || !*nonce)
		return 0;
	if (strcasecmp(serial, w->platform_serial) != 0)
		return 0;
	char *end = NULL;
	long long t = strtoll(ts, &end, 10);
	if (!end || *end || llabs((long long)time(NULL) - t) > WECHAT_MAX_SKEW_S)
		return 0;
	char *msg = provider_wechat_answer_string(ts, nonce, body, len);
	int ok = provider_rsa_verify(w->platform, msg, strlen(msg), sig);
	free(msg);
	return ok;
}

/*
 * One signed exchange: method on path (path and query, as signed), body for a POST (NULL:
 * GET). ST_OK with *r filled (any HTTP status; a 2xx answer's signature verified), else the
 * failure (r freed).
 */
static int wechat_call(const wechat *w, const char *method, const char *path, const char *body,
                       httpc_response *r)
{
	char nonce[33], ts[24], *sig = NULL, *auth = NULL, *hauth = NULL;
	wechat_nonce(nonce);
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	char *msg = provider_wechat_request_string(method, path, ts, nonce, body ? body : "");
	int rv = provider_rsa_sign(w->key, msg, strlen(msg), &sig);
	free(msg);
	if (rv)
		return rv;
	auth = provider_wechat_authorization(w->mchid, nonce, ts, w->serial_no, sig);
	size_t hn = strlen(auth) + 32;
	hauth = xmalloc(hn);
	snprintf(hauth, hn, "Authorization: %s", auth);
	size_t un = strlen(w->base_url) + strlen(path) + 1;
	char *url = xmalloc(un);
	snprintf(url, un, "%s%s", w->base_url, path);
	const char *headers[] = {hauth, "Accept: application/json", "User-Agent: sme-payments/1"};
	const char *want[] = {"Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature",
	                      "Wechatpay-Serial"};
	httpc_request rq = {
	        .method = body ? "POST" : "GET",
	        .url = url,
	        .headers = headers,
	        .nheaders = 3,
	        .content_type = body ? "application/json" : NULL,
	        .body = body,
	        .body_len = body ? strlen(body) : 0,
	        .timeout_ms = w->timeout_ms,
	        .max_body = WECHAT_MAX_BODY,
	        .want = want,
	        .nwant = 4,
	};
	httpc_result hr = httpc_exchange(&rq, r);
	free(url);
	free(hauth);
	free(auth);
	free(sig);
	if (hr != HTTPC_OK) {
		httpc_response_free(r);
		return provider_http_status(hr);
	}
	if (r->status >= 200 && r->status < 300 &&
	    !wechat_verify(w, r->values[0], r->values[1], r->values[2], r->values[3], r->body,
	                   r->body_len)) {
		httpc_response_free(r);
		return ST_PAY_PROVIDER_BAD_ANSWER;
	}
	return ST_OK;
}

static const char *wechat_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void wechat_copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static int wechat_create(const provider *p, const provider_order *o, char **url)
{
	const wechat *w = p->impl;
	json_t *req = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:I, s:s}}", "appid", w->appid,
	                        "mchid", w->mchid, "description", o->description, "out_trade_no",
	                        o->out_trade_no, "notify_url", o->notify_url, "amount", "total",
	                        (json_int_t)o->amount_fen, "currency", "CNY");
	char *body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	httpc_response r;
	int rv = wechat_call(w, "POST", "/v3/pay/transactions/native", body, &r);
	free(body);
	if (rv)
		return rv;
	json_t *ans = json_loadb(r.body, r.body_len, 0, NULL);
	if (r.status != 200)
		rv = ST_PAY_PROVIDER_REFUSED;
	else if (!wechat_str(ans, "code_url"))
		rv = ST_PAY_PROVIDER_BAD_ANSWER;
	else
		*url = xstrdup(wechat_str(ans, "code_url"));
	json_decref(ans);
	httpc_response_free(&r);
	return rv;
}

/* The transaction object of a query answer or a decrypted notify. */
static int wechat_trade_parse(json_t *o, provider_trade *t)
{
	const char *state = wechat_str(o, "trade_state"), *no = wechat_str(o, "out_trade_no");
	json_t *total = json_object_get(json_object_get(o, "amount"), "total");
	if (!state || !no || !json_is_integer(total))
		return ST_PAY_PROVIDER_BAD_ANSWER;
	memset(t, 0, sizeof *t);
	wechat_copy(t->out_trade_no, sizeof t->out_trade_no, no);
	wechat_copy(t->transaction_id, sizeof t->transaction_id, wechat_str(o, "transaction_id"));
	wechat_copy(t->app_id, sizeof t->app_id, wechat_str(o, "mchid"));
	t->amount_fen = json_integer_value(total);
	if (strcmp(state, "SUCCESS") == 0)
		t->state = PROVIDER_TRADE_SUCCESS;
	else if (strcmp(state, "REFUND") == 0)
		t->state = PROVIDER_TRADE_REFUND;
	else if (strcmp(state, "CLOSED") == 0)
		t->state = PROVIDER_TRADE_CLOSED;
	else if (strcmp(state, "PAYERROR") == 0 || strcmp(state, "REVOKED") == 0)
		t->state = PROVIDER_TRADE_FAILED;
	else
		t->state = PROVIDER_TRADE_NOTPAY;
	return ST_OK;
}

static int wechat_query(const provider *p, const char *out_trade_no, provider_trade *t)
{
	const wechat *w = p->impl;
	char *no = provider_urlencode(out_trade_no), *mch = provider_urlencode(w->mchid);
	size_t n = strlen(no) + strlen(mch) + 64;
	char *path = xmalloc(n);
	snprintf(path, n, "/v3/pay/transactions/out-trade-no/%s?mchid=%s", no, mch);
	free(no);
	free(mch);
	httpc_response r;
	int rv = wechat_call(w, "GET", path, NULL, &r);
	free(path);
	if (rv)
		return rv;
	json_t *ans = json_loadb(r.body, r.body_len, 0, NULL);
	if (r.status == 404) {
		memset(t, 0, sizeof *t);
		wechat_copy(t->out_trade_no, sizeof t->out_trade_no, out_trade_no);
		t->state = PROVIDER_TRADE_CLOSED;
	} else if (r.status != 200) {
		rv = ST_PAY_PROVIDER_REFUSED;
	} else {
		rv = wechat_trade_parse(ans, t);
	}
	json_decref(ans);
	httpc_response_free(&r);
	return rv;
}

static int wechat_refund(const provider *p, const char *out_trade_no, const char *out_refund_no,
                         int64_t amount_fen, int64_t total_fen, const char *reason,
                         char **refund_id)
{
	const wechat *w = p->impl;
	json_t *req = json_pack("{s:s, s:s, s:s, s:{s:I, s:I, s:s}}", "out_trade_no", out_trade_no,
	                        "out_refund_no", out_refund_no, "reason", reason ? reason : "",
	                        "amount", "refund", (json_int_t)amount_fen, "total",
	                        (json_int_t)total_fen, "currency", "CNY");
	char *body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	httpc_response r;
	int rv = wechat_call(w, "POST", "/v3/refund/domestic/refunds", body, &r);
	free(body);
	if (rv)
		return rv;
	json_t *ans = json_loadb(r.body, r.body_len, 0, NULL);
	const char *status = wechat_str(ans, "status"), *id = wechat_str(ans, "refund_id");
	if (r.status != 200)
		rv = ST_PAY_PROVIDER_REFUSED;
	else if (!id || !status)
		rv = ST_PAY_PROVIDER_BAD_ANSWER;
	else if (strcmp(status, "SUCCESS") != 0 && strcmp(status, "PROCESSING") != 0)
		rv = ST_PAY_PROVIDER_REFUSED;
	else
		*refund_id = xstrdup(id);
	json_decref(ans);
	httpc_response_free(&r);
	return rv;
}

static int wechat_notify(const provider *p, const provider_notify *n, provider_trade *t)
{
	const wechat *w = p->impl;
	if (!wechat_verify(w, n->timestamp, n->nonce, n->signature, n->serial, n->body,
	                   n->body_len))
		return ST_PAY_NOTIFY_SIGNATURE;
	json_t *o = json_loadb(n->body, n->body_len, 0, NULL), *plain = NULL;
	json_t *res = json_object_get(o, "resource");
	const char *event = wechat_str(o, "event_type");
	char *text = NULL;
	size_t len = 0;
	int rv = ST_PAY_NOTIFY_MALFORMED;
	if (!event || strcmp(event, "TRANSACTION.SUCCESS") != 0 || !json_is_object(res) ||
	    !wechat_str(res, "algorithm") ||
	    strcmp(wechat_str(res, "algorithm"), "AEAD_AES_256_GCM"))
		goto out;
	if ((rv = provider_aead_decrypt(w->apiv3_key, wechat_str(res, "nonce"),
	                                wechat_str(res, "associated_data"),
	                                wechat_str(res, "ciphertext"), &text, &len)))
		goto out;
	plain = json_loadb(text, len, 0, NULL);
	rv = !plain || wechat_trade_parse(plain, t) != ST_OK ? ST_PAY_NOTIFY_MALFORMED
	     : strcmp(t->app_id, w->mchid) != 0              ? ST_PAY_NOTIFY_MISMATCH
	                                                     : ST_OK;
out:
	json_decref(plain);
	json_decref(o);
	free(text);
	return rv;
}

static void wechat_notify_answer(int rv, int *http_status, const char **content_type, char *body,
                                 size_t cap)
{
	if (rv == ST_OK) {
		*http_status = 204;
		*content_type = "application/json";
		body[0] = '\0';
		return;
	}
	*http_status = status_http(rv) >= 500 ? 500 : status_http(rv);
	*content_type = "application/json";
	json_t *o = json_pack("{s:s, s:s}", "code", "FAIL", "message", status_text(rv));
	char *s = json_dumps(o, JSON_COMPACT);
	snprintf(body, cap, "%s", s ? s : "{\"code\":\"FAIL\"}");
	free(s);
	json_decref(o);
}

/* A bill field: WeChat writes each one behind a back quote (so spreadsheets keep numbers
 * as text). */
static char *wechat_field(char *f) { return *f == '`' ? f + 1 : f; }

/* Lines: a header, one line per trade or refund, then "总交易单数,…" and its totals. */
static int wechat_bill_parse(char *text, provider_statement_row **rows, size_t *n)
{
	size_t cap = 16, m = 0;
	provider_statement_row *out = xmalloc(cap * sizeof *out);
	char *save = NULL;
	int line = 0;
	for (char *l = strtok_r(text, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
		if (line++ == 0)
			continue;
		if (strncmp(l, "总", 3) == 0)
			break;
		/* 交易时间,公众账号ID,商户号,微信订单号,商户订单号,交易状态,订单金额,退款金额,
		 * 微信退款单号,商户退款单号,手续费 */
		char *f[11];
		int k = 0;
		char *s2 = NULL;
		for (char *c = strtok_r(l, ",", &s2); c && k < 11; c = strtok_r(NULL, ",", &s2))
			f[k++] = wechat_field(c);
		if (k < 11)
			goto bad;
		if (m == cap)
			out = xrealloc(out, (cap *= 2) * sizeof *out);
		provider_statement_row *r = &out[m++];
		memset(r, 0, sizeof *r);
		int refund = strcmp(f[5], "REFUND") == 0;
		r->kind = refund ? 'R' : 'P';
		wechat_copy(r->transaction_id, sizeof r->transaction_id, f[3]);
		wechat_copy(r->out_trade_no, sizeof r->out_trade_no, f[4]);
		if (refund)
			wechat_copy(r->refund_no, sizeof r->refund_no, f[9]);
		r->amount_fen = provider_yuan_to_fen(refund ? f[7] : f[6]);
		r->fee_fen = provider_yuan_to_fen(f[10][0] == '-' ? f[10] + 1 : f[10]);
		if (r->amount_fen < 0 || r->fee_fen < 0)
			goto bad;
	}
	*rows = out;
	*n = m;
	return ST_OK;
bad:
	free(out);
	return ST_PAY_PROVIDER_BAD_ANSWER;
}

static int wechat_statement(const provider *p, const char *date, provider_statement_row **rows,
                            size_t *n)
{
	const wechat *w = p->impl;
	char path[96];
	snprintf(path, sizeof path, "/v3/bill/tradebill?bill_date=%.10s&bill_type=ALL", date);
	httpc_response r;
	int rv = wechat_call(w, "GET", path, NULL, &r);
	if (rv)
		return rv;
	json_t *ans = json_loadb(r.body, r.body_len, 0, NULL);
	const char *dl = wechat_str(ans, "download_url");
	char *dlpath = NULL;
	if (r.status != 200)
		rv = ST_PAY_PROVIDER_REFUSED;
	else if (!dl || strncmp(dl, w->base_url, strlen(w->base_url)) != 0)
		rv = ST_PAY_PROVIDER_BAD_ANSWER; /* the bill comes from the API's own host only */
	else
		dlpath = xstrdup(dl + strlen(w->base_url));
	json_decref(ans);
	httpc_response_free(&r);
	if (rv)
		return rv;
	/* The download is signed like any request; its answer (a file) is not. */
	char nonce[33], ts[24], *sig = NULL;
	wechat_nonce(nonce);
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	char *msg = provider_wechat_request_string("GET", dlpath, ts, nonce, "");
	rv = provider_rsa_sign(w->key, msg, strlen(msg), &sig);
	free(msg);
	if (rv) {
		free(dlpath);
		return rv;
	}
	char *auth = provider_wechat_authorization(w->mchid, nonce, ts, w->serial_no, sig);
	size_t hn = strlen(auth) + 32, un = strlen(w->base_url) + strlen(dlpath) + 1;
	char *hauth = xmalloc(hn), *url = xmalloc(un);
	snprintf(hauth, hn, "Authorization: %s", auth);
	snprintf(url, un, "%s%s", w->base_url, dlpath);
	const char *headers[] = {hauth};
	httpc_request rq = {.method = "GET",
	                    .url = url,
	                    .headers = headers,
	                    .nheaders = 1,
	                    .timeout_ms = w->timeout_ms,
	                    .max_body = 16 * WECHAT_MAX_BODY};
	httpc_result hr = httpc_exchange(&rq, &r);
	free(url);
	free(hauth);
	free(auth);
	free(sig);
	free(dlpath);
	if (hr != HTTPC_OK) {
		httpc_response_free(&r);
		return provider_http_status(hr);
	}
	rv = r.status == 200 ? wechat_bill_parse(r.body, rows, n) : ST_PAY_PROVIDER_REFUSED;
	httpc_response_free(&r);
	return rv;
}

static void wechat_free(void *impl)
{
	wechat *w = impl;
	if (!w)
		return;
	free(w->base_url);
	free(w->mchid);
	free(w->appid);
	free(w->serial_no);
	if (w->apiv3_key)
		OPENSSL_cleanse(w->apiv3_key, strlen(w->apiv3_key));
	free(w->apiv3_key);
	free(w->platform_serial);
	EVP_PKEY_free(w->key);
	EVP_PKEY_free(w->platform);
	free(w);
}

static const provider_ops wechat_ops = {
        .create = wechat_create,
        .query = wechat_query,
        .refund = wechat_refund,
        .notify = wechat_notify,
        .notify_answer = wechat_notify_answer,
        .statement = wechat_statement,
        .free_impl = wechat_free,
};

int provider_wechat_open(const provider_wechat_config *c, provider **out)
{
	wechat *w = xcalloc(1, sizeof *w);
	w->key = provider_key_read(c->key_file, 1, NULL);
	w->platform = provider_key_read(c->platform_cert_file, 0, &w->platform_serial);
	if (!w->key || !w->platform || !w->platform_serial || !c->apiv3_key ||
	    strlen(c->apiv3_key) != 32) {
		wechat_free(w);
		return ST_INTERNAL;
	}
	w->base_url = xstrdup(c->base_url);
	size_t bl = strlen(w->base_url);
	if (bl && w->base_url[bl - 1] == '/')
		w->base_url[bl - 1] = '\0';
	w->mchid = xstrdup(c->mchid);
	w->appid = xstrdup(c->appid);
	w->serial_no = xstrdup(c->serial_no);
	w->apiv3_key = xstrdup(c->apiv3_key);
	w->timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : 10000;
	provider *p = xcalloc(1, sizeof *p);
	p->method = "wechat";
	p->ops = &wechat_ops;
	p->impl = w;
	*out = p;
	return ST_OK;
}
