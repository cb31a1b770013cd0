/*
 * Alipay open API (provider.h): alipay.trade.page.pay as a signed redirect URL,
 * alipay.trade.query and alipay.trade.refund posted to the gateway, the bill through
 * alipay.data.dataservice.bill.downloadurl.query, and the asynchronous notify. RSA2 is
 * SHA256withRSA over the parameters other than sign and sign_type, sorted, "k=v&…"; an
 * answer is verified over the exact text of its "<method>_response" node with Alipay's public
 * key; a notify (form-encoded) over its sorted parameters, then its app_id checked.
 */
#include "provider.h"

#include "httpc.h"
#include "mem.h"
#include "status.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct alipay {
	char *gateway_url, *app_id;
	EVP_PKEY *key, *alipay_key;
	long timeout_ms;
} alipay;

#define ALIPAY_MAX_BODY   (1024 * 1024)
#define ALIPAY_MAX_PARAMS 40

typedef struct alipay_params {
	const char *k[ALIPAY_MAX_PARAMS];
	const char *v[ALIPAY_MAX_PARAMS];
	size_t n;
} alipay_params;

static void alipay_copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static void alipay_add(alipay_params *p, const char *k, const char *v)
{
	if (v && *v && p->n < ALIPAY_MAX_PARAMS) {
		p->k[p->n] = k;
		p->v[p->n++] = v;
	}
}

/* The signed, URL-encoded query of one API call (malloc'd). */
static int alipay_build(const alipay *a, const char *method, const char *biz,
                        const char *notify_url, const char *return_url, char **query)
{
	char ts[24];
	time_t now = time(NULL) + 8 * 3600; /* Alipay's timestamp is Beijing time */
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
	alipay_params p = {.n = 0};

	alipay_add(&p, "app_id", a->app_id);
	alipay_add(&p, "method", method);
	alipay_add(&p, "format", "JSON");
	alipay_add(&p, "charset", "utf-8");
	alipay_add(&p, "sign_type", "RSA2");
	alipay_add(&p, "timestamp", ts);
	alipay_add(&p, "version", "1.0");
	alipay_add(&p, "notify_url", notify_url);
	alipay_add(&p, "return_url", return_url);
	alipay_add(&p, "biz_content", biz);
	char *content = provider_alipay_sign_content(p.k, p.v, p.n), *sig = NULL;
	int rv = provider_rsa_sign(a->key, content, strlen(content), &sig);
	free(content);
	if (rv)
		return rv;
	p.k[p.n] = "sign";
	p.v[p.n++] = sig;
	size_t cap = 64, len = 0;
	char *q = xmalloc(cap);
	q[0] = '\0';
	for (size_t i = 0; i < p.n; i++) {
		char *ev = provider_urlencode(p.v[i]);
		size_t need = len + strlen(p.k[i]) + strlen(ev) + 3;
		if (need > cap)
			q = xrealloc(q, cap = need * 2);
		len += (size_t)snprintf(q + len, cap - len, "%s%s=%s", i ? "&" : "", p.k[i], ev);
		free(ev);
	}
	free(sig);
	*query = q;
	return ST_OK;
}

/* The raw text of the JSON value after "key": in body (an object), [*start, *start+*len). */
static int alipay_node(const char *body, const char *key, const char **start, size_t *len)
{
	char pat[96];
	snprintf(pat, sizeof pat, "\"%.90s\"", key);
	const char *p = strstr(body, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	if (*p++ != ':')
		return -1;
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	if (*p != '{')
		return -1;
	int depth = 0, in_str = 0;
	for (const char *q = p; *q; q++) {
		if (in_str) {
			if (*q == '\\' && q[1])
				q++;
			else if (*q == '"')
				in_str = 0;
		} else if (*q == '"') {
			in_str = 1;
		} else if (*q == '{') {
			depth++;
		} else if (*q == '}' && --depth == 0) {
			*start = p;
			*len = (size_t)(q - p + 1);
			return 0;
		}
	}
	return -1;
}

/* POSTs one call; on ST_OK *node is the verified "<method>_response" object (decref it). */
static int alipay_call(const alipay *a, const char *method, json_t *biz_obj, json_t **node)
{
	char *biz = json_dumps(biz_obj, JSON_COMPACT), *form = NULL;
	int rv = alipay_build(a, method, biz, NULL, NULL, &form);
	free(biz);
	if (rv)
		return rv;
	const char *headers[] = {"Accept: application/json", "User-Agent: sme-payments/1"};
	httpc_request rq = {
	        .method = "POST",
	        .url = a->gateway_url,
	        .headers = headers,
	        .nheaders = 2,
	        .content_type = "application/x-www-form-urlencoded;charset=utf-8",
	        .body = form,
	        .body_len = strlen(form),
	        .timeout_ms = a->timeout_ms,
	        .max_body = ALIPAY_MAX_BODY,
	};
	httpc_response r;
	httpc_result hr = httpc_exchange(&rq, &r);
	free(form);
	if (hr != HTTPC_OK) {
		httpc_response_free(&r);
		return provider_http_status(hr);
	}
	char key[96];
	snprintf(key, sizeof key, "%s_response", method);
	for (char *c = key; *c; c++)
		if (*c == '.')
			*c = '_';
	const char *start = NULL;
	size_t len = 0;
	json_t *all = json_loadb(r.body, r.body_len, 0, NULL);
	json_t *sign = json_object_get(all, "sign");
	rv = ST_PAY_PROVIDER_BAD_ANSWER;
	if (r.status == 200 && json_is_string(sign) &&
	    alipay_node(r.body, key, &start, &len) == 0 &&
	    provider_rsa_verify(a->alipay_key, start, len, json_string_value(sign))) {
		*node = json_incref(json_object_get(all, key));
		rv = *node ? ST_OK : ST_PAY_PROVIDER_BAD_ANSWER;
	}
	json_decref(all);
	httpc_response_free(&r);
	return rv;
}

static const char *alipay_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int alipay_ok(json_t *node)
{
	const char *code = alipay_str(node, "code");
	return code && strcmp(code, "10000") == 0;
}

static int alipay_create(const provider *p, const provider_order *o, char **url)
{
	const alipay *a = p->impl;
	char yuan[32];
	provider_fen_to_yuan(o->amount_fen, yuan, sizeof yuan);
	json_t *biz = json_pack("{s:s, s:s, s:s, s:s}", "out_trade_no", o->out_trade_no,
	                        "product_code", "FAST_INSTANT_TRADE_PAY", "total_amount", yuan,
	                        "subject", o->description);
	char *text = json_dumps(biz, JSON_COMPACT), *query = NULL;
	json_decref(biz);
	int rv = alipay_build(a, "alipay.trade.page.pay", text, o->notify_url, o->return_url,
	                      &query);
	free(text);
	if (rv)
		return rv;
	size_t n = strlen(a->gateway_url) + strlen(query) + 2;
	char *u = xmalloc(n);
	snprintf(u, n, "%s?%s", a->gateway_url, query);
	free(query);
	*url = u;
	return ST_OK;
}

static provider_trade_state alipay_state(const char *s)
{
	if (!s)
		return PROVIDER_TRADE_NOTPAY;
	if (strcmp(s, "TRADE_SUCCESS") == 0 || strcmp(s, "TRADE_FINISHED") == 0)
		return PROVIDER_TRADE_SUCCESS;
	if (strcmp(s, "TRADE_CLOSED") == 0)
		return PROVIDER_TRADE_CLOSED;
	return PROVIDER_TRADE_NOTPAY;
}

static int alipay_query(const provider *p, const char *out_trade_no, provider_trade *t)
{
	const alipay *a = p->impl;
	json_t *biz = json_pack("{s:s}", "out_trade_no", out_trade_no), *node = NULL;
	int rv = alipay_call(a, "alipay.trade.query", biz, &node);
	json_decref(biz);
	if (rv)
		return rv;
	memset(t, 0, sizeof *t);
	alipay_copy(t->out_trade_no, sizeof t->out_trade_no, out_trade_no);
	const char *sub = alipay_str(node, "sub_code");
	if (!alipay_ok(node)) {
		if (sub && strcmp(sub, "ACQ.TRADE_NOT_EXIST") == 0)
			t->state = PROVIDER_TRADE_CLOSED;
		else
			rv = ST_PAY_PROVIDER_REFUSED;
		goto out;
	}
	alipay_copy(t->transaction_id, sizeof t->transaction_id, alipay_str(node, "trade_no"));
	alipay_copy(t->app_id, sizeof t->app_id, a->app_id);
	t->state = alipay_state(alipay_str(node, "trade_status"));
	t->amount_fen = provider_yuan_to_fen(alipay_str(node, "total_amount"));
	if (t->amount_fen < 0)
		rv = ST_PAY_PROVIDER_BAD_ANSWER;
out:
	json_decref(node);
	return rv;
}

static int alipay_refund(const provider *p, const char *out_trade_no, const char *out_refund_no,
                         int64_t amount_fen, int64_t total_fen, const char *reason,
                         char **refund_id)
{
	const alipay *a = p->impl;
	char yuan[32];
	(void)total_fen;
	provider_fen_to_yuan(amount_fen, yuan, sizeof yuan);
	json_t *biz = json_pack("{s:s, s:s, s:s, s:s}", "out_trade_no", out_trade_no,
	                        "refund_amount", yuan, "out_request_no", out_refund_no,
	                        "refund_reason", reason ? reason : ""),
	       *node = NULL;
	int rv = alipay_call(a, "alipay.trade.refund", biz, &node);
	json_decref(biz);
	if (rv)
		return rv;
	const char *change = alipay_str(node, "fund_change");
	if (!alipay_ok(node) || !change)
		rv = ST_PAY_PROVIDER_REFUSED;
	else /* Alipay names a refund by our request number within the trade. */
		*refund_id = xstrdup(out_refund_no);
	json_decref(node);
	return rv;
}

/* Splits a form body into params (pointers into text, decoded in place). */
static int alipay_form_parse(char *text, alipay_params *p)
{
	p->n = 0;
	char *save = NULL;
	for (char *kv = strtok_r(text, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq || p->n == ALIPAY_MAX_PARAMS)
			return -1;
		*eq = '\0';
		if (provider_urldecode(kv) || provider_urldecode(eq + 1))
			return -1;
		for (size_t i = 0; i < p->n; i++)
			if (strcmp(p->k[i], kv) == 0)
				return -1; /* a repeated name could be signed one way and read
				              another */
		p->k[p->n] = kv;
		p->v[p->n++] = eq + 1;
	}
	return 0;
}

static const char *alipay_param(const alipay_params *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->k[i], key) == 0)
			return p->v[i];
	return NULL;
}

static int alipay_notify(const provider *pv, const provider_notify *n, provider_trade *t)
{
	const alipay *a = pv->impl;
	if (!n->body || n->body_len == 0 || n->body_len > 16384 || memchr(n->body, 0, n->body_len))
		return ST_PAY_NOTIFY_MALFORMED;
	char *text = xstrndup(n->body, n->body_len), *content = NULL;
	alipay_params p;
	int rv = ST_PAY_NOTIFY_MALFORMED;
	if (alipay_form_parse(text, &p))
		goto out;
	const char *sign = alipay_param(&p, "sign"), *type = alipay_param(&p, "sign_type");
	rv = ST_PAY_NOTIFY_SIGNATURE;
	if (!sign || (type && strcmp(type, "RSA2") != 0))
		goto out;
	content = provider_alipay_sign_content(p.k, p.v, p.n);
	if (!provider_rsa_verify(a->alipay_key, content, strlen(content), sign))
		goto out;
	rv = ST_PAY_NOTIFY_MALFORMED;
	const char *no = alipay_param(&p, "out_trade_no"),
	           *amount = alipay_param(&p, "total_amount");
	if (!no || !amount || !alipay_param(&p, "trade_status"))
		goto out;
	memset(t, 0, sizeof *t);
	alipay_copy(t->out_trade_no, sizeof t->out_trade_no, no);
	alipay_copy(t->transaction_id, sizeof t->transaction_id, alipay_param(&p, "trade_no"));
	alipay_copy(t->app_id, sizeof t->app_id, alipay_param(&p, "app_id"));
	t->state = alipay_state(alipay_param(&p, "trade_status"));
	t->amount_fen = provider_yuan_to_fen(amount);
	rv = t->amount_fen < 0                   ? ST_PAY_NOTIFY_MALFORMED
	     : strcmp(t->app_id, a->app_id) != 0 ? ST_PAY_NOTIFY_MISMATCH
	                                         : ST_OK;
out:
	free(content);
	free(text);
	return rv;
}

static void alipay_notify_answer(int rv, int *http_status, const char **content_type, char *body,
                                 size_t cap)
{
	/* Alipay stops retrying only on the exact text "success". */
	*content_type = "text/plain; charset=utf-8";
	*http_status = rv == ST_OK ? 200 : status_http(rv) >= 500 ? 500 : status_http(rv);
	snprintf(body, cap, "%s", rv == ST_OK ? "success" : "failure");
}

/* "#" lines are comments; a header line; then 支付宝交易号,商户订单号,业务类型（交易|退款）,
 * 订单金额（元）,服务费（元）,退款请求号. */
static int alipay_bill_parse(char *text, provider_statement_row **rows, size_t *n)
{
	size_t cap = 16, m = 0;
	provider_statement_row *out = xmalloc(cap * sizeof *out);
	char *save = NULL;
	int header = 1;
	for (char *l = strtok_r(text, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
		if (*l == '#')
			continue;
		if (header) {
			header = 0;
			continue;
		}
		char *f[6];
		int k = 0;
		/* Fields may be empty (no refund number): split by hand. */
		for (char *c = l; k < 6;) {
			f[k++] = c;
			char *comma = strchr(c, ',');
			if (!comma)
				break;
			*comma = '\0';
			c = comma + 1;
		}
		if (k < 6)
			goto bad;
		for (int i = 0; i < 6; i++)
			while (*f[i] == ' ' || *f[i] == '\t')
				f[i]++;
		if (m == cap)
			out = xrealloc(out, (cap *= 2) * sizeof *out);
		provider_statement_row *r = &out[m++];
		memset(r, 0, sizeof *r);
		r->kind = strcmp(f[2], "退款") == 0 ? 'R' : 'P';
		alipay_copy(r->transaction_id, sizeof r->transaction_id, f[0]);
		alipay_copy(r->out_trade_no, sizeof r->out_trade_no, f[1]);
		alipay_copy(r->refund_no, sizeof r->refund_no, f[5]);
		r->amount_fen = provider_yuan_to_fen(f[3][0] == '-' ? f[3] + 1 : f[3]);
		r->fee_fen = provider_yuan_to_fen(f[4][0] == '-' ? f[4] + 1 : f[4]);
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

static int alipay_statement(const provider *p, const char *date, provider_statement_row **rows,
                            size_t *n)
{
	const alipay *a = p->impl;
	char d[11];
	snprintf(d, sizeof d, "%.10s", date);
	json_t *biz = json_pack("{s:s, s:s}", "bill_type", "trade", "bill_date", d), *node = NULL;
	int rv = alipay_call(a, "alipay.data.dataservice.bill.downloadurl.query", biz, &node);
	json_decref(biz);
	if (rv)
		return rv;
	const char *url = alipay_str(node, "bill_download_url");
	if (!alipay_ok(node) || !url) {
		json_decref(node);
		return ST_PAY_PROVIDER_REFUSED;
	}
	httpc_request rq = {.method = "GET",
	                    .url = url,
	                    .timeout_ms = a->timeout_ms,
	                    .max_body = 16 * ALIPAY_MAX_BODY};
	httpc_response r;
	httpc_result hr = httpc_exchange(&rq, &r);
	json_decref(node);
	if (hr != HTTPC_OK) {
		httpc_response_free(&r);
		return provider_http_status(hr);
	}
	rv = r.status == 200 ? alipay_bill_parse(r.body, rows, n) : ST_PAY_PROVIDER_REFUSED;
	httpc_response_free(&r);
	return rv;
}

static void alipay_free(void *impl)
{
	alipay *a = impl;
	if (!a)
		return;
	free(a->gateway_url);
	free(a->app_id);
	EVP_PKEY_free(a->key);
	EVP_PKEY_free(a->alipay_key);
	free(a);
}

static const provider_ops alipay_ops = {
        .create = alipay_create,
        .query = alipay_query,
        .refund = alipay_refund,
        .notify = alipay_notify,
        .notify_answer = alipay_notify_answer,
        .statement = alipay_statement,
        .free_impl = alipay_free,
};

int provider_alipay_open(const provider_alipay_config *c, provider **out)
{
	alipay *a = xcalloc(1, sizeof *a);
	a->key = provider_key_read(c->key_file, 1, NULL);
	a->alipay_key = provider_key_read(c->public_key_file, 0, NULL);
	if (!a->key || !a->alipay_key || !c->app_id || !*c->app_id) {
		alipay_free(a);
		return ST_INTERNAL;
	}
	a->gateway_url = xstrdup(c->gateway_url);
	a->app_id = xstrdup(c->app_id);
	a->timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : 10000;
	provider *p = xcalloc(1, sizeof *p);
	p->method = "alipay";
	p->ops = &alipay_ops;
	p->impl = a;
	*out = p;
	return ST_OK;
}
