/*
 * The business-registry wire format (request path, answer parsing and rendering: pure
 * functions, shared by both providers and unit-tested) and the transport of the "http"
 * provider (common/httpc.c). The "sandbox" provider differs only in its transport:
 * registry_sandbox_serve() renders its records with registry_wire_render() and the client
 * parses them back with registry_wire_parse().
 */
#include "registry.h"

#include "httpc.h"
#include "log.h"
#include "mem.h"
#include "status.h"
#include "validate.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- request ---------------------------------------------------------------------------- */

/* Appends s percent-encoded (RFC 3986: unreserved characters stay) at out + *at. */
static int wire_encode(const char *s, char *out, size_t outlen, size_t *at)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		            (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
		            *p == '~';
		size_t need = plain ? 1 : 3;
		if (*at + need >= outlen)
			return -1;
		if (plain) {
			out[(*at)++] = (char)*p;
		} else {
			out[(*at)++] = '%';
			out[(*at)++] = hex[*p >> 4];
			out[(*at)++] = hex[*p & 15];
		}
	}
	out[*at] = '\0';
	return 0;
}

int registry_wire_path(const registry_query *q, char *out, size_t outlen)
{
	size_t at;
	int n;
	if (!q || !out || (!q->uscc == !q->name) || q->page < 1 || q->page_size < 1 ||
	    q->page_size > REGISTRY_PAGE_SIZE_MAX)
		return -1;
	n = snprintf(out, outlen, "/enterprises?%s=", q->uscc ? "uscc" : "name");
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	at = (size_t)n;
	if (wire_encode(q->uscc ? q->uscc : q->name, out, outlen, &at) != 0)
		return -1;
	n = snprintf(out + at, outlen - at, "&page=%d&page_size=%d", q->page, q->page_size);
	if (n < 0 || (size_t)n >= outlen - at)
		return -1;
	return 0;
}

/* ---- capital ---------------------------------------------------------------------------- */

int registry_capital_parse(const char *s, int64_t *fen)
{
	static const char *const suffixes[] = {"万元人民币", "万人民币", "万元", "万"};
	size_t n, i = 0, int_digits = 0, frac_digits = 0;
	int64_t whole = 0, frac = 0;
	if (!s || !fen)
		return -1;
	n = strlen(s);
	for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
		size_t sl = strlen(suffixes[k]);
		if (n > sl && memcmp(s + n - sl, suffixes[k], sl) == 0) {
			n -= sl;
			break;
		}
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, int_digits++)
		whole = whole * 10 + (s[i] - '0');
	if (int_digits == 0 || int_digits > 12)
		return -1;
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, frac_digits++)
			if (frac_digits < 6)
				frac = frac * 10 + (s[i] - '0');
		if (frac_digits == 0 || frac_digits > 6)
			return -1;
	}
	if (i != n)
		return -1;
	for (size_t k = frac_digits; k < 6; k++)
		frac *= 10;
	*fen = whole * 1000000 + frac;
	return 0;
}

void registry_capital_format(int64_t fen, char out[32])
{
	if (fen < 0)
		fen = 0;
	int64_t whole = fen / 1000000, frac = fen % 1000000;
	if (frac == 0) {
		snprintf(out, 32, "%" PRId64, whole);
		return;
	}
	char digits[8];
	snprintf(digits, sizeof digits, "%06" PRId64, frac);
	size_t len = 6;
	while (len > 0 && digits[len - 1] == '0')
		len--;
	digits[len] = '\0';
	snprintf(out, 32, "%" PRId64 ".%s", whole, digits);
}

/* ---- answer ---------------------------------------------------------------------------- */

/* The string at key as an arena copy; NULL when absent, not a string, empty or holding NUL. */
static const char *wire_str(const json_t *o, const char *key, arena *a)
{
	const json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);
	if (!s || !*s || strlen(s) != json_string_length(v))
		return NULL;
	return arena_strdup(a, s);
}

static int wire_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "YYYY-MM-DD", or the date of "YYYY-MM-DD HH:MM:SS"; NULL otherwise. */
static const char *wire_date(const char *s, arena *a)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) < 10 || (s[10] != '\0' && s[10] != ' ' && s[10] != 'T') ||
	    !wire_digits(s, 4) || s[4] != '-' || !wire_digits(s + 5, 2) || s[7] != '-' ||
	    !wire_digits(s + 8, 2))
		return NULL;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return NULL;
	return arena_strndup(a, s, 10);
}

static int wire_status_known(const char *s)
{
	static const char *const known[] = {"存续", "在业", "注销", "吊销"};
	for (size_t i = 0; s && i < sizeof known / sizeof known[0]; i++)
		if (strcmp(s, known[i]) == 0)
			return 1;
	return 0;
}

/* One item into *r; -1 when a required field is missing or wrong. */
static int wire_item(const registry_query *q, const json_t *it, arena *a, registry_record *r)
{
	const char *s;
	int check;
	if (!json_is_object(it))
		return -1;
	memset(r, 0, sizeof *r);
	r->uscc = wire_str(it, "creditCode", a);
	r->name = wire_str(it, "entName", a);
	r->status = wire_str(it, "regStatus", a);
	if (!r->uscc || !r->name || !wire_status_known(r->status))
		return -1;
	check = validate_uscc(r->uscc);
	if ((check != 0 && check != ST_USCC_CHECKSUM) || (q->uscc && strcmp(q->uscc, r->uscc) != 0))
		return -1;
	r->legal_rep = wire_str(it, "legalPerson", a);
	r->type = wire_str(it, "entType", a);
	r->founded_on = wire_date(json_string_value(json_object_get(it, "establishDate")), a);
	r->registered_capital_fen = -1;
	s = json_string_value(json_object_get(it, "regCapital"));
	if (s && registry_capital_parse(s, &r->registered_capital_fen) != 0)
		r->registered_capital_fen = -1;
	r->authority = wire_str(it, "regOrg", a);
	s = wire_str(it, "industryCode", a);
	r->industry = registry_industry_name(s) ? s : NULL;
	r->business_scope = wire_str(it, "businessScope", a);
	r->address = wire_str(it, "regAddress", a);
	s = wire_str(it, "areaCode", a);
	r->region_code = s && strlen(s) == 6 && wire_digits(s, 6) ? s : NULL;
	return 0;
}

int registry_wire_parse(const registry_query *q, long http_status, const char *body, size_t len,
                        arena *a, registry_result *out)
{
	json_t *root = NULL;
	int rv = ST_REGISTRY_UNAVAILABLE;
	if (!q || !out)
		return rv;
	if (http_status == 408 || http_status == 504)
		return ST_REGISTRY_TIMEOUT;
	if (!body)
		return rv;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	const char *code = json_string_value(json_object_get(root, "code"));
	if (!code)
		goto out;
	if (strcmp(code, "2001") == 0) {
		rv = ST_REGISTRY_TIMEOUT;
		goto out;
	}
	const json_t *data = json_object_get(root, "data");
	const json_t *items = json_object_get(data, "items");
	const json_t *total = json_object_get(data, "total");
	if (strcmp(code, "0000") != 0 || http_status != 200 || !json_is_array(items) ||
	    !json_is_integer(total))
		goto out;
	size_t n = json_array_size(items);
	json_int_t t = json_integer_value(total);
	if (n > (size_t)q->page_size || t < 0 || (json_int_t)n > t)
		goto out;
	registry_record *recs = arena_alloc(a, (n ? n : 1) * sizeof *recs);
	for (size_t i = 0; i < n; i++)
		if (wire_item(q, json_array_get(items, i), a, &recs[i]) != 0)
			goto out;
	out->items = recs;
	out->n = n;
	out->total = (int64_t)t;
	rv = ST_OK;
out:
	json_decref(root);
	return rv;
}

static void wire_set(json_t *o, const char *key, const char *value)
{
	if (value && *value)
		json_object_set_new(o, key, json_string(value));
}

static char *wire_dump(json_t *root)
{
	char *s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s) {
		log_kv(LOGL_ERROR, NULL, "registry: cannot render an answer", NULL);
		abort(); /* only out of memory or invalid UTF-8 in our own data */
	}
	return s;
}

char *registry_wire_render(const registry_record *const *items, size_t n, int64_t total, int page,
                           int page_size)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const registry_record *r = items[i];
		json_t *o = json_object();
		char wan[32], cap[48];
		wire_set(o, "creditCode", r->uscc);
		wire_set(o, "entName", r->name);
		wire_set(o, "legalPerson", r->legal_rep);
		wire_set(o, "regStatus", r->status);
		wire_set(o, "entType", r->type);
		wire_set(o, "establishDate", r->founded_on);
		if (r->registered_capital_fen >= 0) {
			registry_capital_format(r->registered_capital_fen, wan);
			snprintf(cap, sizeof cap, "%s万元人民币", wan);
			wire_set(o, "regCapital", cap);
		}
		wire_set(o, "regOrg", r->authority);
		wire_set(o, "industryCode", r->industry);
		wire_set(o, "industryName", registry_industry_name(r->industry));
		wire_set(o, "businessScope", r->business_scope);
		wire_set(o, "regAddress", r->address);
		wire_set(o, "areaCode", r->region_code);
		json_array_append_new(arr, o);
	}
	json_t *root = json_pack("{s:s, s:s, s:{s:I, s:i, s:i, s:o}}", "code", "0000", "message",
	                         "成功", "data", "total", (json_int_t)total, "page", page,
	                         "pageSize", page_size, "items", arr);
	return wire_dump(root);
}

char *registry_wire_render_error(const char *code, const char *message)
{
	return wire_dump(json_pack("{s:s, s:s}", "code", code, "message", message));
}

/* ---- the HTTP transport ------------------------------------------------------------------ */

/* A header value we may send as is: 1-99 visible ASCII characters (no CR/LF injection). */
static int http_header_safe(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n == 0 || n >= 100)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] > '~')
			return 0;
	return 1;
}

void registry_http_get(const char *base_url, registry_exchange *x)
{
	char key[160], rid[160];
	const char *h[3] = {"Accept: application/json"};
	size_t nh = 1;
	httpc_response resp;
	size_t ulen = strlen(base_url) + strlen(x->path) + 1;
	char *url = xmalloc(ulen);
	snprintf(url, ulen, "%s%s", base_url, x->path);
	if (http_header_safe(x->app_key)) {
		snprintf(key, sizeof key, "X-Registry-App-Key: %s", x->app_key);
		h[nh++] = key;
	}
	if (http_header_safe(x->request_id)) {
		snprintf(rid, sizeof rid, "X-Request-Id: %s", x->request_id);
		h[nh++] = rid;
	}
	const httpc_request rq = {.method = "GET",
	                          .url = url,
	                          .headers = h,
	                          .nheaders = nh,
	                          .timeout_ms = x->timeout_ms,
	                          .connect_timeout_ms = x->timeout_ms,
	                          .max_body = REGISTRY_RESPONSE_MAX};
	httpc_result e = httpc_exchange(&rq, &resp);
	if (e == HTTPC_TIMEOUT) {
		x->timed_out = 1;
	} else if (e != HTTPC_OK) {
		x->failed = 1;
		log_kv(LOGL_WARN, x->request_id, "registry unreachable", "error", resp.error, NULL);
	} else {
		x->status = resp.status;
		x->body = resp.body; /* the caller frees it */
		x->body_len = resp.body_len;
		resp.body = NULL;
	}
	httpc_response_free(&resp);
	free(url);
}
