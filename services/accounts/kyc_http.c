/*
 * The identity-check client: the provider wire format (request building, signing,
 * response parsing: pure functions, unit-tested), the client flow shared by both
 * providers, and the transport of the "http" provider (common/httpc.c). The "sandbox" provider
 * differs only in its transport: kyc_sandbox_serve() answers in-process.
 */
#include "kyc.h"

#include "crypto.h"
#include "httpc.h"
#include "log.h"
#include "mem.h"
#include "status.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KYC_RESPONSE_MAX (64 * 1024) /* a provider answer is a few hundred bytes */

struct kyc_provider {
	int sandbox;
	char *url; /* base, without a trailing '/' */
	long timeout_ms;
	char *app_id;
	char *secret;
};

/* ---- wire format ---------------------------------------------------------------- */

static const char *const kyc_call_names[] = {"bank4", "carrier3", "face_start", "face_result"};

static int kyc_session_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > KYC_SESSION_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int kyc_wire_request(enum kyc_call call, const kyc_request *rq, const char *request_id,
                     const char **method, char *path, size_t pathlen, char **body)
{
	json_t *o = NULL;
	int rv = -1;
	if (!rq || !request_id)
		return -1;
	switch (call) {
	case KYC_CALL_BANK4:
		if (!rq->name || !rq->id_number || !rq->bank_card || !rq->phone)
			return -1;
		o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "request_id", request_id, "name",
		              rq->name, "id_number", rq->id_number, "bank_card", rq->bank_card,
		              "phone", rq->phone);
		*method = "POST";
		snprintf(path, pathlen, "/bank4");
		break;
	case KYC_CALL_CARRIER3:
		if (!rq->name || !rq->id_number || !rq->phone)
			return -1;
		o = json_pack("{s:s, s:s, s:s, s:s}", "request_id", request_id, "name", rq->name,
		              "id_number", rq->id_number, "phone", rq->phone);
		*method = "POST";
		snprintf(path, pathlen, "/carrier3");
		break;
	case KYC_CALL_FACE_START:
		if (!rq->name || !rq->id_number)
			return -1;
		o = json_pack("{s:s, s:s, s:s}", "request_id", request_id, "name", rq->name,
		              "id_number", rq->id_number);
		*method = "POST";
		snprintf(path, pathlen, "/face/sessions");
		break;
	case KYC_CALL_FACE_RESULT:
		if (!kyc_session_id_valid(rq->session_id))
			return -1;
		*method = "GET";
		if ((size_t)snprintf(path, pathlen, "/face/sessions/%s", rq->session_id) >= pathlen)
			return -1;
		*body = NULL;
		return 0;
	default:
		return -1;
	}
	if (!o) /* json_pack refuses strings that are not UTF-8 */
		goto out;
	*body = json_dumps(o, JSON_COMPACT);
	if (*body)
		rv = 0;
out:
	json_decref(o);
	return rv;
}

/* The Chinese explanation of a mismatch of factor in call ("" for an unknown factor). */
static const char *kyc_wire_reason(enum kyc_call call, const char *factor)
{
	if (!factor)
		return "";
	if (strcmp(factor, "name") == 0)
		return "姓名与身份证号不一致";
	if (strcmp(factor, "id_number") == 0)
		return "身份证号不存在或与姓名不一致";
	if (strcmp(factor, "bank_card") == 0)
		return "银行卡号与姓名、身份证号不一致";
	if (strcmp(factor, "phone") == 0)
		return call == KYC_CALL_BANK4 ? "手机号与该银行卡的预留手机号不一致"
		                              : "手机号不是该身份证号本人实名登记的号码";
	if (strcmp(factor, "face") == 0)
		return "人脸比对不一致，请本人重新进行人脸识别";
	return "";
}

/* Whether call checks factor, so a mismatch may name it. */
static int kyc_factor_checked(enum kyc_call call, const char *f)
{
	static const char *const bank4[] = {"name", "id_number", "bank_card", "phone", NULL};
	static const char *const carrier3[] = {"name", "id_number", "phone", NULL};
	static const char *const face[] = {"name", "id_number", "face", NULL};
	const char *const *set = call == KYC_CALL_BANK4      ? bank4
	                         : call == KYC_CALL_CARRIER3 ? carrier3
	                                                     : face;
	for (; *set; set++)
		if (strcmp(*set, f) == 0)
			return 1;
	return 0;
}

static void kyc_result_set(kyc_result *r, enum kyc_outcome o, enum kyc_call call,
                           const char *factor)
{
	memset(r, 0, sizeof *r);
	r->outcome = o;
	if (factor) {
		snprintf(r->failed_factor, sizeof r->failed_factor, "%s", factor);
		snprintf(r->reason, sizeof r->reason, "%s", kyc_wire_reason(call, factor));
	}
}

/* data.result of a check or a finished face session. */
static void kyc_parse_verdict(enum kyc_call call, const json_t *data, kyc_result *r)
{
	const char *res = json_string_value(json_object_get(data, "result"));
	const char *mis = json_string_value(json_object_get(data, "mismatch"));
	if (!res)
		return;
	if (strcmp(res, "1") == 0)
		kyc_result_set(r, KYC_MATCH, call, NULL);
	else if (strcmp(res, "2") == 0 && mis && kyc_factor_checked(call, mis))
		kyc_result_set(r, KYC_MISMATCH, call, mis);
	else if (strcmp(res, "3") == 0)
		kyc_result_set(r, KYC_MISMATCH, call, "id_number");
}

void kyc_wire_parse(enum kyc_call call, long http_status, const char *body, size_t len,
                    kyc_result *r, kyc_face_session *fs)
{
	json_t *root = NULL;
	kyc_result_set(r, KYC_ERROR, call, NULL);
	if (http_status == 408 || http_status == 504) {
		kyc_result_set(r, KYC_TIMEOUT, call, NULL);
		return;
	}
	if (!body)
		return;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	const char *code = json_string_value(json_object_get(root, "code"));
	if (!code)
		goto out;
	if (strcmp(code, "2001") == 0) {
		kyc_result_set(r, KYC_TIMEOUT, call, NULL);
		goto out;
	}
	const json_t *data = json_object_get(root, "data");
	if (strcmp(code, "0000") != 0 || http_status != 200 || !json_is_object(data))
		goto out;
	switch (call) {
	case KYC_CALL_BANK4:
	case KYC_CALL_CARRIER3:
		kyc_parse_verdict(call, data, r);
		break;
	case KYC_CALL_FACE_START: {
		const char *sid = json_string_value(json_object_get(data, "session_id"));
		const char *url = json_string_value(json_object_get(data, "url"));
		if (!kyc_session_id_valid(sid) || !url || strlen(url) >= sizeof fs->url ||
		    (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
			break;
		snprintf(fs->id, sizeof fs->id, "%s", sid);
		snprintf(fs->url, sizeof fs->url, "%s", url);
		kyc_result_set(r, KYC_MATCH, call, NULL);
		break;
	}
	case KYC_CALL_FACE_RESULT: {
		const char *st = json_string_value(json_object_get(data, "status"));
		if (st && strcmp(st, "pending") == 0)
			kyc_result_set(r, KYC_PENDING, call, NULL);
		else if (st && strcmp(st, "done") == 0)
			kyc_parse_verdict(call, data, r);
		break;
	}
	}
out:
	json_decref(root);
}

int kyc_wire_sign(const char *secret, const char *verb, const char *path, const char *timestamp,
                  const char *nonce, const char *body, size_t len, char out[65])
{
	char digest[65];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	if (crypto_sha256_hex(body ? body : "", body ? len : 0, digest) != 0)
		return -1;
	size_t n = strlen(verb) + strlen(path) + strlen(timestamp) + strlen(nonce) + 64 + 5;
	char *msg = xmalloc(n);
	int m = snprintf(msg, n, "%s\n%s\n%s\n%s\n%s", verb, path, timestamp, nonce, digest);
	int rv = -1;
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg, (size_t)m,
	         mac, &maclen) &&
	    maclen == 32) {
		for (unsigned i = 0; i < 32; i++)
			snprintf(out + 2 * i, 3, "%02x", mac[i]);
		rv = 0;
	}
	free(msg);
	return rv;
}

/* ---- the HTTP transport ---------------------------------------------------------------- */

static void kyc_http_send(const kyc_provider *p, kyc_exchange *x)
{
	static const char *const want[] = {"X-KYC-Timestamp", "X-KYC-Signature"};
	char app[160], ts[160], nonce[160], sig[160];
	const char *h[] = {"Accept: application/json", app, ts, nonce, sig};
	httpc_response resp;
	size_t ulen = strlen(p->url) + strlen(x->path) + 1;
	char *url = xmalloc(ulen);
	snprintf(url, ulen, "%s%s", p->url, x->path);
	snprintf(app, sizeof app, "X-KYC-App-Id: %s", x->app_id);
	snprintf(ts, sizeof ts, "X-KYC-Timestamp: %s", x->timestamp);
	snprintf(nonce, sizeof nonce, "X-KYC-Nonce: %s", x->nonce);
	snprintf(sig, sizeof sig, "X-KYC-Signature: %s", x->signature);
	const httpc_request rq = {.method = x->method,
	                          .url = url,
	                          .headers = h,
	                          .nheaders = sizeof h / sizeof h[0],
	                          .content_type =
	                                  x->body ? "application/json; charset=utf-8" : NULL,
	                          .body = x->body,
	                          .body_len = x->body_len,
	                          .timeout_ms = p->timeout_ms,
	                          .connect_timeout_ms = p->timeout_ms,
	                          .max_body = KYC_RESPONSE_MAX,
	                          .want = want,
	                          .nwant = 2};
	httpc_result e = httpc_exchange(&rq, &resp);
	if (e == HTTPC_TIMEOUT) {
		x->timed_out = 1;
	} else if (e != HTTPC_OK) {
		x->failed = 1;
		log_kv(LOGL_WARN, NULL, "kyc provider unreachable", "path", x->path, "error",
		       resp.error, NULL);
	} else {
		x->status = resp.status;
		x->resp_body = resp.body; /* the client frees it */
		x->resp_len = resp.body_len;
		resp.body = NULL;
		if (resp.values[0] && strlen(resp.values[0]) < sizeof x->resp_timestamp)
			snprintf(x->resp_timestamp, sizeof x->resp_timestamp, "%s", resp.values[0]);
		if (resp.values[1] && strlen(resp.values[1]) < sizeof x->resp_signature)
			snprintf(x->resp_signature, sizeof x->resp_signature, "%s", resp.values[1]);
	}
	httpc_response_free(&resp);
	free(url);
}

/* ---- the client ------------------------------------------------------------------- */

static int kyc_random_hex(char *out, size_t nbytes)
{
	unsigned char b[32];
	if (nbytes > sizeof b || crypto_random_bytes(b, nbytes) != 0)
		return -1;
	for (size_t i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

/* One call; rid NULL: a fresh random request_id. */
static int kyc_call(kyc_provider *p, enum kyc_call call, const kyc_request *rq, const char *rid,
                    kyc_result *r, kyc_face_session *fs)
{
	char request_id[65], nonce[33], ts[24], sig[65], want[65], path[128];
	const char *method = NULL;
	char *body = NULL;
	kyc_exchange x = {0};
	struct timespec t0, t1;

	if (!p || !r || (rid && (!*rid || strlen(rid) >= sizeof request_id)))
		return -1;
	if (rid)
		snprintf(request_id, sizeof request_id, "%s", rid);
	else if (kyc_random_hex(request_id, 16) != 0)
		return -1;
	if (kyc_random_hex(nonce, 16) != 0)
		return -1;
	if (kyc_wire_request(call, rq, request_id, &method, path, sizeof path, &body) != 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	size_t blen = body ? strlen(body) : 0;
	if (kyc_wire_sign(p->secret, method, path, ts, nonce, body, blen, sig) != 0) {
		kyc_result_set(r, KYC_ERROR, call, NULL);
		goto out;
	}
	x = (kyc_exchange){.method = method,
	                   .path = path,
	                   .body = body,
	                   .body_len = blen,
	                   .app_id = p->app_id,
	                   .timestamp = ts,
	                   .nonce = nonce,
	                   .signature = sig};
	if (p->sandbox)
		kyc_sandbox_serve(p->secret, p->url, p->timeout_ms, &x);
	else
		kyc_http_send(p, &x);

	if (x.timed_out) {
		kyc_result_set(r, KYC_TIMEOUT, call, NULL);
	} else if (x.failed) {
		kyc_result_set(r, KYC_ERROR, call, NULL);
	} else if (x.status == 408 || x.status == 504) {
		kyc_wire_parse(call, x.status, NULL, 0, r, fs);
	} else if (kyc_wire_sign(p->secret, "RESPONSE", path, x.resp_timestamp, nonce, x.resp_body,
	                         x.resp_len, want) != 0 ||
	           strlen(x.resp_signature) != 64 || !crypto_ct_equal(want, x.resp_signature, 64)) {
		log_kv(LOGL_WARN, NULL, "kyc provider response signature invalid", "call",
		       kyc_call_names[call], NULL);
		kyc_result_set(r, KYC_ERROR, call, NULL);
	} else {
		kyc_wire_parse(call, x.status, x.resp_body, x.resp_len, r, fs);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (log_enabled(LOGL_DEBUG)) {
		static const char *const outcomes[] = {"match", "mismatch", "pending", "timeout",
		                                       "error"};
		log_line l;
		log_line_begin(&l, LOGL_DEBUG, "kyc provider call", NULL);
		log_line_str(&l, "call", kyc_call_names[call]);
		log_line_int(&l, "http_status", x.status);
		log_line_str(&l, "outcome", outcomes[r->outcome]);
		if (r->failed_factor[0])
			log_line_str(&l, "failed_factor", r->failed_factor);
		log_line_ms(&l, "latency_ms",
		            (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000 +
		                    (t1.tv_nsec - t0.tv_nsec) / 1000);
		log_line_end(&l);
	}
out:
	free(x.resp_body);
	free(body);
	return 0;
}

int kyc_face_start(kyc_provider *p, const char *name, const char *id_number, char *session_id,
                   size_t session_len, char *url, size_t url_len, kyc_result *r)
{
	kyc_request rq = {.name = name, .id_number = id_number};
	kyc_face_session fs;
	memset(&fs, 0, sizeof fs);
	if (!session_id || !url || session_len == 0 || url_len == 0)
		return -1;
	if (kyc_call(p, KYC_CALL_FACE_START, &rq, NULL, r, &fs) != 0)
		return -1;
	if (r->outcome == KYC_MATCH) {
		if (strlen(fs.id) >= session_len || strlen(fs.url) >= url_len) {
			kyc_result_set(r, KYC_ERROR, KYC_CALL_FACE_START, NULL);
			return 0;
		}
		snprintf(session_id, session_len, "%s", fs.id);
		snprintf(url, url_len, "%s", fs.url);
	}
	return 0;
}

int kyc_face_result(kyc_provider *p, const char *session_id, kyc_result *r)
{
	kyc_request rq = {.session_id = session_id};
	return kyc_call(p, KYC_CALL_FACE_RESULT, &rq, NULL, r, NULL);
}

int kyc_bank4(kyc_provider *p, const char *name, const char *id_number, const char *card,
              const char *phone, kyc_result *r)
{
	kyc_request rq = {.name = name, .id_number = id_number, .bank_card = card, .phone = phone};
	return kyc_call(p, KYC_CALL_BANK4, &rq, NULL, r, NULL);
}

int kyc_carrier3(kyc_provider *p, const char *name, const char *id_number, const char *phone,
                 kyc_result *r)
{
	kyc_request rq = {.name = name, .id_number = id_number, .phone = phone};
	return kyc_call(p, KYC_CALL_CARRIER3, &rq, NULL, r, NULL);
}

int kyc_check_as(kyc_provider *p, const kyc_request *rq, const char *request_id, kyc_result *r)
{
	if (!rq || !request_id)
		return -1;
	return kyc_call(p, rq->bank_card ? KYC_CALL_BANK4 : KYC_CALL_CARRIER3, rq, request_id, r,
	                NULL);
}

/* ---- opening ------------------------------------------------------------------------ */

const char *const kyc_provider_names[] = {"sandbox", "http", NULL};

/* "" counts as unset: the config table's default for the credentials. */
static const char *kyc_nonempty(const char *v) { return v && *v ? v : NULL; }

int kyc_provider_open(const kyc_settings *set, kyc_provider **out)
{
	int sandbox = set->provider != KYC_PROVIDER_HTTP;
	const char *url = set->url;
	const char *app_id = kyc_nonempty(set->app_id), *secret = kyc_nonempty(set->secret);
	long timeout_ms = set->timeout_ms;

	if (timeout_ms < 1) {
		log_kv(LOGL_ERROR, NULL, "KYC_TIMEOUT_MS must be positive", NULL);
		return -1;
	}
	if (sandbox && set->production) {
		if (set->provider < 0) {
			log_kv(LOGL_ERROR, NULL,
			       "production mode needs KYC_PROVIDER set explicitly (http, or "
			       "sandbox for a staging system)",
			       NULL);
			return -1;
		}
		log_kv(LOGL_WARN, NULL,
		       "KYC sandbox provider in production mode: identities are NOT checked "
		       "against real data",
		       NULL);
	}
	if (!sandbox) {
		if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)) {
			log_kv(LOGL_ERROR, NULL,
			       "KYC_URL must be an http(s) URL for KYC_PROVIDER=http", NULL);
			return -1;
		}
		if (!app_id || !secret) {
			log_kv(LOGL_ERROR, NULL,
			       "KYC_PROVIDER=http needs KYC_APP_ID and KYC_SECRET", NULL);
			return -1;
		}
		if (set->production && strncmp(url, "https://", 8) != 0) {
			log_kv(LOGL_ERROR, NULL, "KYC_URL must be https in production mode", NULL);
			return -1;
		}
		if (httpc_global_init() != ST_OK) {
			log_kv(LOGL_ERROR, NULL, "curl_global_init failed", NULL);
			return -1;
		}
	}
	kyc_provider *p = xcalloc(1, sizeof *p);
	p->sandbox = sandbox;
	p->url = xstrdup(url && *url ? url : "https://kyc-sandbox.invalid");
	size_t n = strlen(p->url);
	while (n > 0 && p->url[n - 1] == '/')
		p->url[--n] = '\0';
	p->timeout_ms = timeout_ms;
	p->app_id = xstrdup(app_id ? app_id : "sandbox");
	p->secret = xstrdup(secret ? secret : KYC_SANDBOX_SECRET);
	log_kv(LOGL_INFO, NULL, "kyc provider", "provider", sandbox ? "sandbox" : "http", "url",
	       p->url, NULL);
	*out = p;
	return 0;
}

void kyc_provider_close(kyc_provider *p)
{
	if (!p)
		return;
	if (!p->sandbox)
		httpc_global_cleanup();
	free(p->url);
	free(p->app_id);
	free(p->secret);
	free(p);
}
