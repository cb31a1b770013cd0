/*
 * The bank-payout adapter over a bank's HTTP JSON API (common/httpc):
 *   POST {PAYOUT_URL}/payouts  {"request_id","account_number","account_name","bank_name",
 *                               "amount_fen","memo"}
 *   GET  {PAYOUT_URL}/payouts/{request_id}
 * Headers: Accept: application/json, X-Payout-App-Key, X-Request-Id. Answer:
 *   {"code":"0000","data":{"reference":"…","status":"processing|succeeded|failed",
 *    "reason":"账户不存在"}}; code "4004" no such order (GET). The bank is idempotent on
 * request_id: a POST of a known id answers that order.
 */
#include "payout.h"

#include "httpc.h"
#include "log.h"
#include "status.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAYOUT_RESPONSE_MAX (64 * 1024)

struct payout_http {
	payout_provider base; /* first */
	char *url, *app_key;
	long timeout_ms;
};

/* Reads an answer into *out: ST_OK, ST_NOT_FOUND ("4004") or ST_UNAVAILABLE. */
static int http_parse(const httpc_response *r, payout_status *out)
{
	int rv = ST_UNAVAILABLE;
	json_t *o = json_loadb(r->body, r->body_len, 0, NULL);
	const char *code = json_string_value(json_object_get(o, "code"));
	json_t *d = json_object_get(o, "data");
	const char *ref = json_string_value(json_object_get(d, "reference"));
	const char *st = json_string_value(json_object_get(d, "status"));
	const char *reason = json_string_value(json_object_get(d, "reason"));
	if (code && strcmp(code, "4004") == 0) {
		rv = ST_NOT_FOUND;
		goto out;
	}
	if (r->status != 200 || !code || strcmp(code, "0000") != 0 || !ref || !st)
		goto out;
	memset(out, 0, sizeof *out);
	if (strcmp(st, "processing") == 0)
		out->state = PAYOUT_PROCESSING;
	else if (strcmp(st, "succeeded") == 0)
		out->state = PAYOUT_SUCCEEDED;
	else if (strcmp(st, "failed") == 0)
		out->state = PAYOUT_FAILED;
	else
		goto out;
	snprintf(out->reference, sizeof out->reference, "%s", ref);
	if (out->state == PAYOUT_FAILED)
		snprintf(out->reason, sizeof out->reason, "%s", reason ? reason : "银行退回");
	rv = ST_OK;
out:
	json_decref(o);
	return rv;
}

static int http_call(struct payout_http *p, const char *method, const char *url, const char *body,
                     const char *request_id, payout_status *out)
{
	char key[300], rid[160];
	snprintf(key, sizeof key, "X-Payout-App-Key: %s", p->app_key);
	snprintf(rid, sizeof rid, "X-Request-Id: %s", request_id ? request_id : "");
	const char *headers[] = {"Accept: application/json", rid, key};
	httpc_request rq = {.method = method,
	                    .url = url,
	                    .headers = headers,
	                    .nheaders = *p->app_key ? 3 : 2,
	                    .content_type = body ? "application/json" : NULL,
	                    .body = body,
	                    .body_len = body ? strlen(body) : 0,
	                    .timeout_ms = p->timeout_ms,
	                    .max_body = PAYOUT_RESPONSE_MAX};
	httpc_response r;
	httpc_result hr = httpc_exchange(&rq, &r);
	int rv = hr == HTTPC_OK ? http_parse(&r, out) : ST_UNAVAILABLE;
	if (rv == ST_UNAVAILABLE) {
		char status[16];
		snprintf(status, sizeof status, "%ld", r.status);
		log_kv(LOGL_WARN, request_id, "bank payout API failed", "method", method, "status",
		       status, "error", r.error ? r.error : "", NULL);
	}
	httpc_response_free(&r);
	return rv;
}

static int http_submit(payout_provider *p_, const payout_order *o, const char *request_id,
                       payout_status *out)
{
	struct payout_http *p = (struct payout_http *)p_;
	char url[1200];
	snprintf(url, sizeof url, "%s/payouts", p->url);
	json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "request_id", o->request_id,
	                      "account_number", o->account_number, "account_name",
	                      o->account_name ? o->account_name : "", "bank_name",
	                      o->bank_name ? o->bank_name : "", "amount_fen",
	                      (json_int_t)o->amount_fen, "memo", o->memo ? o->memo : "");
	char *body = b ? json_dumps(b, JSON_COMPACT) : NULL;
	json_decref(b);
	if (!body)
		return ST_UNAVAILABLE;
	int rv = http_call(p, "POST", url, body, request_id, out);
	/* The body holds the account number: wiped before it is freed. */
	memset(body, 0, strlen(body));
	free(body);
	return rv == ST_NOT_FOUND ? ST_UNAVAILABLE : rv;
}

static int http_query(payout_provider *p_, const char *id, const char *request_id,
                      payout_status *out)
{
	struct payout_http *p = (struct payout_http *)p_;
	char url[1200];
	/* id is a uuid: nothing to escape. */
	snprintf(url, sizeof url, "%s/payouts/%s", p->url, id);
	return http_call(p, "GET", url, NULL, request_id, out);
}

static void http_free(payout_provider *p_)
{
	struct payout_http *p = (struct payout_http *)p_;
	if (!p)
		return;
	free(p->url);
	free(p->app_key);
	free(p);
	httpc_global_cleanup();
}

int payout_http_open(const payout_config *c, payout_provider **out)
{
	if (!c->url ||
	    (strncmp(c->url, "http://", 7) != 0 && strncmp(c->url, "https://", 8) != 0)) {
		log_kv(LOGL_ERROR, NULL, "PAYOUT_URL must be an http:// or https:// URL", NULL);
		return -1;
	}
	if (httpc_global_init() != ST_OK)
		return -1;
	struct payout_http *p = xcalloc(1, sizeof *p);
	p->base.name = "http";
	p->base.submit = http_submit;
	p->base.query = http_query;
	p->base.free = http_free;
	p->url = xstrdup(c->url);
	size_t n = strlen(p->url);
	while (n > 0 && p->url[n - 1] == '/')
		p->url[--n] = '\0';
	p->app_key = xstrdup(c->app_key ? c->app_key : "");
	p->timeout_ms = c->timeout_ms;
	*out = &p->base;
	return 0;
}
