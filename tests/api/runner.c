/*
 * api-test: drives a running gateway with the case files in tests/api/cases/.
 * A case file is a JSON array of cases, each one request and what its response
 * must hold (status, headers, a JSON subset pattern, a text); cases run in
 * order and may save values for later ones. A body may be JSON, raw text or
 * multipart/form-data with files ("multipart"); a response body may be checked
 * byte for byte (its SHA-256, size and first bytes). A case may instead send its
 * request several times at once ("parallel"), repeat it until it passes
 * ("until_ms"), or run a shell command ("exec"). See tests/api/README.md.
 *
 * Output is TAP-like ("ok 3 - regions.json: ...", diagnostics on "#" lines)
 * and ends with the line "N passed, N failed"; the exit status is 1 when a
 * case failed, 2 on a usage error.
 */
#include "bytes.h"
#include "expect.h"
#include "http.h"
#include "match.h"
#include "multipart.h"
#include "proc.h"
#include "selftest.h"
#include "strbuf.h"
#include "vars.h"

#include "mem.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY_SIZE      ((json_int_t)256 << 20)
#define SHOWN_BODY         600
#define SHOWN_BINARY       32  /* bytes, as hex, of a body that is not text */
#define SHOWN_RACER_BODY   200 /* of each response of a "parallel" case */
#define SHOWN_OUTPUT_LINES 20  /* of an "exec" command */
#define UNTIL_EVERY_MS     200

struct runner {
	CURL *curl;
	const char *base;
	json_t *vars;     /* name -> value, from --var and "save" */
	int ip_per_file;  /* --client-ip-per-file */
	char file_ip[32]; /* this file's X-Forwarded-For, "" when none */
	int n;
	int passed;
	int failed;
	int skipped;
};

/*
 * One case's result (or one attempt's): failed once any check fails, bad when
 * the case itself is wrong so that trying again cannot help; diag is printed
 * after its line.
 */
struct outcome {
	int failed;
	int bad;
	struct strbuf diag;
};

static const char *const case_keys[] = {
        "name",      "method",          "path",     "headers", "body",   "body_raw",
        "body_size", "multipart",       "expect",   "save",    "max_ms", "parallel",
        "exec",      "exec_timeout_ms", "until_ms", "skip",    "note",   NULL};
static const char *const expect_keys[] = {
        "status", "headers",     "json",      "body_contains",   "status_counts",
        "exit",   "body_sha256", "body_size", "body_prefix_hex", NULL};

static void fail(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_bad(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_line(struct outcome *o, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

static void add_line(struct outcome *o, const char *fmt, va_list ap)
{
	strbuf_add(&o->diag, "#   ", 4);
	strbuf_vprintf(&o->diag, fmt, ap);
	strbuf_add(&o->diag, "\n", 1);
}

/* Marks the case failed with one diagnostic line. */
static void fail(struct outcome *o, const char *fmt, ...)
{
	o->failed = 1;
	va_list ap;
	va_start(ap, fmt);
	add_line(o, fmt, ap);
	va_end(ap);
}

/* Marks the case failed for a fault of its own (a bad key, pattern or variable). */
static void fail_bad(struct outcome *o, const char *fmt, ...)
{
	o->failed = 1;
	o->bad = 1;
	va_list ap;
	va_start(ap, fmt);
	add_line(o, fmt, ap);
	va_end(ap);
}

/* A diagnostic line shown only when the case fails. */
static void note(struct outcome *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_line(o, fmt, ap);
	va_end(ap);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_until(double t)
{
	double left = t - now_ms();
	if (left <= 0)
		return;
	long long ns = (long long)(left * 1e6);
	struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000),
	                      .tv_nsec = (long)(ns % 1000000000)};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* How many bytes of text (len long) to show within max, cut at a UTF-8 boundary. */
static size_t shown_length(const char *text, size_t len, size_t max)
{
	size_t n = len < max ? len : max;
	while (n > 0 && n < len && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int check_keys(const json_t *obj, const char *const *known, const char *what,
                      struct outcome *o)
{
	const char *k;
	const json_t *v;
	int bad = 0;
	json_object_foreach((json_t *)obj, k, v)
	{
		size_t i = 0;
		while (known[i] && strcmp(known[i], k) != 0)
			i++;
		if (!known[i]) {
			fail_bad(o, "bad case: unknown key \"%s\" in %s", k, what);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/*
 * The request body of a case: "body", "body_raw", "body_size" or "multipart";
 * *has 0 for none. type gets the Content-Type to send unless the case's
 * headers set one ("" when none).
 */
static int make_body(struct runner *r, const json_t *c, struct strbuf *body, int *has, char *type,
                     size_t typelen, struct outcome *o)
{
	const json_t *j = json_object_get(c, "body"), *raw = json_object_get(c, "body_raw"),
	             *size = json_object_get(c, "body_size"),
	             *parts = json_object_get(c, "multipart");
	char err[512];
	*has = (j != NULL) + (raw != NULL) + (size != NULL) + (parts != NULL);
	if (*has > 1) {
		fail_bad(o, "bad case: give only one of body, body_raw, body_size and multipart");
		return -1;
	}
	snprintf(type, typelen, "%s", *has ? "application/json" : "");
	if (parts) {
		/* 128 random bits: the boundary cannot occur in the parts by chance. */
		char boundary[64] = "api-test-";
		if (bytes_random_hex(boundary + strlen(boundary), 16) != 0) {
			fail(o, "multipart: no random bytes for a boundary");
			return -1;
		}
		if (multipart_body(r->vars, parts, boundary, body, err, sizeof err) != 0) {
			fail_bad(o, "bad case: %s", err);
			return -1;
		}
		snprintf(type, typelen, "multipart/form-data; boundary=%s", boundary);
	} else if (j) {
		json_t *x = vars_expand_json(r->vars, j, err, sizeof err);
		if (!x) {
			fail_bad(o, "body: %s", err);
			return -1;
		}
		char *text = json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY);
		json_decref(x);
		if (!text) {
			fail(o, "body: cannot encode");
			return -1;
		}
		strbuf_add(body, text, strlen(text));
		free(text);
	} else if (raw) {
		if (!json_is_string(raw)) {
			fail_bad(o, "bad case: body_raw must be a string");
			return -1;
		}
		strbuf_add(body, json_string_value(raw), json_string_length(raw));
	} else if (size) {
		if (!json_is_integer(size) || json_integer_value(size) < 0 ||
		    json_integer_value(size) > MAX_BODY_SIZE) {
			fail_bad(o, "bad case: body_size must be an integer from 0 to %lld",
			         (long long)MAX_BODY_SIZE);
			return -1;
		}
		size_t n = (size_t)json_integer_value(size);
		body->cap = n + 3;
		body->p = xmalloc(body->cap);
		body->p[0] = '"';
		memset(body->p + 1, 'a', n);
		body->p[n + 1] = '"';
		body->p[n + 2] = '\0';
		body->len = n + 2;
	}
	return 0;
}

/* The request headers: the case's, then type as Content-Type unless the case set one. */
static int make_headers(struct runner *r, const json_t *c, const char *type,
                        struct curl_slist **out, struct outcome *o)
{
	const json_t *hs = json_object_get(c, "headers");
	struct curl_slist *list = NULL;
	int has_type = 0, has_xff = 0;
	char err[512];
	if (hs && !json_is_object(hs)) {
		fail_bad(o, "bad case: headers must be an object");
		return -1;
	}
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)hs, k, v)
	{
		struct strbuf line = {0};
		strbuf_add(&line, k, strlen(k));
		if (json_is_null(v)) {
			strbuf_add(&line, ":", 1); /* curl drops a header it would add */
		} else if (!json_is_string(v)) {
			fail_bad(o, "bad case: header %s must be a string or null", k);
		} else {
			char *val = vars_expand(r->vars, json_string_value(v), err, sizeof err);
			if (!val)
				fail_bad(o, "header %s: %s", k, err);
			else if (val[0] == '\0')
				strbuf_add(&line, ";", 1); /* curl's way to send an empty header */
			else {
				strbuf_add(&line, ": ", 2);
				strbuf_add(&line, val, strlen(val));
			}
			free(val);
		}
		if (strcasecmp(k, "content-type") == 0)
			has_type = 1;
		if (strcasecmp(k, "x-forwarded-for") == 0)
			has_xff = 1;
		if (!o->failed)
			list = curl_slist_append(list, line.p);
		free(line.p);
	}
	if (*type && !has_type) {
		char line[160];
		snprintf(line, sizeof line, "Content-Type: %s", type);
		list = curl_slist_append(list, line);
	}
	if (r->file_ip[0] && !has_xff) {
		char xff[64];
		snprintf(xff, sizeof xff, "X-Forwarded-For: %s", r->file_ip);
		list = curl_slist_append(list, xff);
	}
	*out = list;
	return o->failed ? -1 : 0;
}

static void check_status(const json_t *want, const struct http_response *resp, struct outcome *o)
{
	char err[512];
	int rc = expect_status(want, resp->status, err, sizeof err);
	if (rc < 0)
		fail_bad(o, "bad case: %s", err);
	else if (rc > 0)
		fail(o, "%s", err);
}

static void check_headers(struct runner *r, const json_t *want, const struct http_response *resp,
                          struct outcome *o)
{
	if (!want)
		return;
	if (!json_is_object(want)) {
		fail_bad(o, "bad case: expect.headers must be an object");
		return;
	}
	const char *k;
	const json_t *v;
	char err[512];
	json_object_foreach((json_t *)want, k, v)
	{
		if (!json_is_string(v)) {
			fail_bad(o, "bad case: expect.headers.%s must be a string", k);
			continue;
		}
		char *prefix = vars_expand(r->vars, json_string_value(v), err, sizeof err);
		if (!prefix) {
			fail_bad(o, "expect.headers.%s: %s", k, err);
			continue;
		}
		const char *first = http_header(resp, k, 0);
		if (strcmp(prefix, "$absent") == 0) {
			if (first)
				fail(o, "header %s: \"%s\", expected none", k, first);
		} else if (!first) {
			fail(o, "header %s missing, expected \"%s...\"", k, prefix);
		} else {
			int found = 0;
			const char *val;
			for (size_t i = 0; !found && (val = http_header(resp, k, i)); i++)
				found = strncmp(val, prefix, strlen(prefix)) == 0;
			if (!found)
				fail(o, "header %s: \"%s\", expected \"%s...\"", k, first, prefix);
		}
		free(prefix);
	}
}

/* The response body parsed as JSON (cached in *parsed), or NULL with err set. */
static json_t *response_json(const struct http_response *resp, json_t **parsed, char *err,
                             size_t errlen)
{
	if (*parsed)
		return *parsed;
	json_error_t e;
	*parsed = json_loadb(resp->body.p ? resp->body.p : "", resp->body.len, JSON_DECODE_ANY, &e);
	if (!*parsed)
		snprintf(err, errlen, "response is not JSON (%s)", e.text);
	return *parsed;
}

static void check_json(struct runner *r, const json_t *pattern, const struct http_response *resp,
                       json_t **parsed, struct outcome *o)
{
	if (!pattern)
		return;
	char err[512];
	json_t *p = vars_expand_json(r->vars, pattern, err, sizeof err);
	if (!p) {
		fail_bad(o, "expect.json: %s", err);
		return;
	}
	json_t *actual = response_json(resp, parsed, err, sizeof err);
	if (!actual) {
		fail(o, "%s", err);
	} else {
		struct match_diag d;
		int rc = match_json(p, actual, &d);
		if (rc == MATCH_BAD_PATTERN)
			fail_bad(o, "bad pattern at %s: %s (%s)", d.path, d.reason, d.expected);
		else if (rc == MATCH_FAIL)
			fail(o, "at %s: %s\n#     expected: %s\n#     actual:   %s", d.path,
			     d.reason, d.expected, d.actual);
	}
	json_decref(p);
}

static void check_contains(struct runner *r, const json_t *text, const struct http_response *resp,
                           struct outcome *o)
{
	if (!text)
		return;
	if (!json_is_string(text)) {
		fail_bad(o, "bad case: expect.body_contains must be a string");
		return;
	}
	char err[512];
	char *want = vars_expand(r->vars, json_string_value(text), err, sizeof err);
	if (!want) {
		fail_bad(o, "expect.body_contains: %s", err);
		return;
	}
	if (!resp->body.p || !memmem(resp->body.p, resp->body.len, want, strlen(want)))
		fail(o, "body does not contain \"%s\"", want);
	free(want);
}

/* expect.body_sha256, body_size and body_prefix_hex: the raw bytes of the body. */
static void check_body_bytes(struct runner *r, const json_t *expect,
                             const struct http_response *resp, struct outcome *o)
{
	static const char *const keys[] = {"body_sha256", "body_size", "body_prefix_hex", NULL};
	for (size_t i = 0; keys[i]; i++) {
		const json_t *want = json_object_get(expect, keys[i]);
		char err[512];
		int rc;
		if (!want)
			continue;
		json_t *x = vars_expand_json(r->vars, want, err, sizeof err);
		if (!x) {
			fail_bad(o, "expect.%s: %s", keys[i], err);
			continue;
		}
		if (i == 0)
			rc = expect_body_sha256(x, resp->body.p, resp->body.len, err, sizeof err);
		else if (i == 1)
			rc = expect_body_size(x, resp->body.len, err, sizeof err);
		else
			rc = expect_body_prefix_hex(x, resp->body.p, resp->body.len, err,
			                            sizeof err);
		json_decref(x);
		if (rc < 0)
			fail_bad(o, "bad case: %s", err);
		else if (rc > 0)
			fail(o, "%s", err);
	}
}

/* The values a case saves, into saved (name -> value). */
static void save_vars(const json_t *save, const struct http_response *resp, json_t **parsed,
                      json_t *saved, struct outcome *o)
{
	if (!save)
		return;
	if (!json_is_object(save)) {
		fail_bad(o, "bad case: save must be an object");
		return;
	}
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)save, k, v)
	{
		const char *path = json_string_value(v);
		char err[512] = "";
		json_t *val = NULL;
		if (!path) {
			fail_bad(o, "bad case: save.%s must be a path string", k);
			continue;
		}
		if (strcmp(path, "body_sha256") == 0) {
			char hex[BYTES_SHA256_HEX];
			bytes_sha256_hex(resp->body.p, resp->body.len, hex);
			val = json_string(hex);
		} else if (strncmp(path, "header:", 7) == 0) {
			const char *h = http_header(resp, path + 7, 0);
			val = h ? json_string(h) : NULL;
			if (!val)
				snprintf(err, sizeof err, "no header %s", path + 7);
		} else if (strncmp(path, "cookie:", 7) == 0) {
			val = http_cookie(resp, path + 7);
			if (!val)
				snprintf(err, sizeof err, "no cookie %s", path + 7);
		} else {
			json_t *root = response_json(resp, parsed, err, sizeof err);
			json_t *found = root ? vars_path_get(root, path, err, sizeof err) : NULL;
			val = found ? json_deep_copy(found) : NULL;
		}
		if (val)
			json_object_set_new(saved, k, val);
		else
			fail(o, "save %s: %s", k, err);
	}
}

/* Whether the n bytes at p are UTF-8 without NULs: text that can be shown as is. */
static int is_text(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	for (size_t i = 0; i < n; i++) {
		size_t more;
		if (s[i] == 0)
			return 0;
		if (s[i] < 0x80)
			continue;
		if (s[i] >= 0xC2 && s[i] < 0xE0)
			more = 1;
		else if (s[i] >= 0xE0 && s[i] < 0xF0)
			more = 2;
		else if (s[i] >= 0xF0 && s[i] < 0xF5)
			more = 3;
		else
			return 0;
		if (i + more >= n)
			return 0;
		for (size_t k = 1; k <= more; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		i += more;
	}
	return 1;
}

/* The start of a response body for a diagnostic: text as is, other bytes as hex. */
static void body_excerpt(const struct http_response *resp, size_t max, struct strbuf *out)
{
	const char *p = resp->body.p ? resp->body.p : "";
	size_t len = resp->body.len, n = shown_length(p, len, max);
	strbuf_add(out, "", 0);
	if (is_text(p, n)) {
		strbuf_add(out, p, n);
		strbuf_addstr(out, n < len ? "..." : "");
		return;
	}
	n = len < SHOWN_BINARY ? len : SHOWN_BINARY;
	strbuf_printf(out, "%zu bytes, not text:", len);
	for (size_t i = 0; i < n; i++)
		strbuf_printf(out, "%s%02x", i % 4 ? "" : " ", (unsigned char)p[i]);
	strbuf_addstr(out, n < len ? "..." : "");
}

static void show_response(const struct http_response *resp, struct outcome *o)
{
	const char *rid = http_header(resp, "x-request-id", 0);
	if (rid)
		note(o, "x-request-id: %s", rid);
	if (!resp->body.len)
		return;
	struct strbuf shown = {0};
	body_excerpt(resp, SHOWN_BODY, &shown);
	note(o, "body: %s", shown.p);
	free(shown.p);
}

static void report(struct runner *r, const char *file, const char *name, const char *suffix,
                   struct outcome *o)
{
	r->n++;
	if (o->failed)
		r->failed++;
	else
		r->passed++;
	printf("%sok %d - %s: %s%s\n", o->failed ? "not " : "", r->n, base_name(file), name,
	       suffix);
	if (o->failed && o->diag.p)
		fputs(o->diag.p, stdout);
}

/*
 * One exchange of a request case and every check on it, into o; the values
 * to save go into saved. *ms is the exchange's time, or -1 without a response.
 */
static void attempt(struct runner *r, const json_t *c, const struct http_request *rq,
                    struct outcome *o, json_t *saved, double *ms)
{
	const json_t *expect = json_object_get(c, "expect"), *jmax = json_object_get(c, "max_ms");
	struct http_response resp = {0};
	json_t *parsed = NULL;
	char err[512];
	*ms = -1;
	if (http_exchange(r->curl, rq, &resp, err, sizeof err) != 0) {
		fail(o, "%s", err);
		goto out;
	}
	*ms = resp.ms;
	if (resp.ended_early)
		note(o, "the server closed the connection before taking the whole body");
	note(o, "%s %s -> %ld in %.0f ms", rq->method, rq->url, resp.status, resp.ms);
	check_status(json_object_get(expect, "status"), &resp, o);
	check_headers(r, json_object_get(expect, "headers"), &resp, o);
	check_json(r, json_object_get(expect, "json"), &resp, &parsed, o);
	check_contains(r, json_object_get(expect, "body_contains"), &resp, o);
	check_body_bytes(r, expect, &resp, o);
	save_vars(json_object_get(c, "save"), &resp, &parsed, saved, o);
	if (jmax && resp.ms > json_number_value(jmax))
		fail(o, "took %.0f ms, more than max_ms %.0f", resp.ms, json_number_value(jmax));
	if (o->failed)
		show_response(&resp, o);
out:
	json_decref(parsed);
	http_response_free(&resp);
}

/*
 * Sends the request once, or with "until_ms" every UNTIL_EVERY_MS until an
 * attempt passes or the time is up; the last attempt is the case's result and
 * the one whose values are saved.
 */
static void run_attempts(struct runner *r, const json_t *c, const struct http_request *rq,
                         struct outcome *o, char *suffix, size_t suffixlen)
{
	const json_t *until = json_object_get(c, "until_ms"), *jmax = json_object_get(c, "max_ms");
	double until_ms = until ? (double)json_integer_value(until) : 0, start = now_ms(), ms = -1;
	struct outcome last = {0};
	json_t *saved = NULL;
	int attempts = 0;
	for (;;) {
		double t = now_ms();
		free(last.diag.p);
		last = (struct outcome){0};
		json_decref(saved);
		saved = json_object();
		attempts++;
		attempt(r, c, rq, &last, saved, &ms);
		if (!last.failed || last.bad || t + UNTIL_EVERY_MS > start + until_ms)
			break;
		sleep_until(t + UNTIL_EVERY_MS);
	}
	json_object_update(r->vars, saved);
	char took[32] = "";
	if (jmax && ms >= 0)
		snprintf(took, sizeof took, "%.0f ms", ms);
	if (until) {
		double total = now_ms() - start;
		if (last.bad)
			note(o, "not tried again: the case itself is wrong");
		else
			note(o, "none of %d attempt%s in %.0f ms (until_ms %.0f) passed; the last:",
			     attempts, attempts == 1 ? "" : "s", total, until_ms);
		snprintf(suffix, suffixlen, " (%s%s%d attempt%s in %.0f ms)", took,
		         *took ? "; " : "", attempts, attempts == 1 ? "" : "s", total);
	} else if (*took) {
		snprintf(suffix, suffixlen, " (%s)", took);
	}
	o->failed |= last.failed;
	if (last.diag.p)
		strbuf_add(&o->diag, last.diag.p, last.diag.len);
	free(last.diag.p);
	json_decref(saved);
}

/* What each response of a failed "parallel" case was. */
static void show_racers(const struct http_result *res, size_t n, struct outcome *o)
{
	for (size_t i = 0; i < n; i++) {
		const struct http_response *resp = &res[i].resp;
		if (res[i].failed) {
			note(o, "[%zu] no response: %s", i + 1, res[i].err);
			continue;
		}
		const char *rid = http_header(resp, "x-request-id", 0);
		struct strbuf shown = {0};
		body_excerpt(resp, SHOWN_RACER_BODY, &shown);
		note(o, "[%zu] %ld in %.0f ms%s%s: %s", i + 1, resp->status, resp->ms,
		     rid ? ", x-request-id " : "", rid ? rid : "", shown.p);
		free(shown.p);
	}
}

/* Sends the request "parallel" times at once and checks every status and their counts. */
static void run_parallel(const json_t *c, const struct http_request *rq, struct outcome *o,
                         char *suffix, size_t suffixlen)
{
	const json_t *expect = json_object_get(c, "expect"), *jmax = json_object_get(c, "max_ms");
	const json_t *counts = json_object_get(expect, "status_counts");
	size_t n = (size_t)json_integer_value(json_object_get(c, "parallel"));
	struct http_result *res = xcalloc(n, sizeof *res);
	long *statuses = xcalloc(n, sizeof *statuses);
	double slowest = 0;
	char err[512];
	if (http_exchange_parallel(rq, n, res, err, sizeof err) != 0) {
		fail(o, "%s", err);
		goto out;
	}
	note(o, "%s %s, %zu at once", rq->method, rq->url, n);
	size_t lost = 0;
	for (size_t i = 0; i < n; i++) {
		if (res[i].failed) {
			lost++;
			continue;
		}
		statuses[i] = res[i].resp.status;
		slowest = res[i].resp.ms > slowest ? res[i].resp.ms : slowest;
		int rc = expect_status(json_object_get(expect, "status"), statuses[i], err,
		                       sizeof err);
		if (rc < 0)
			fail_bad(o, "bad case: %s", err);
		else if (rc > 0)
			fail(o, "response %zu: %s", i + 1, err);
		if (jmax && res[i].resp.ms > json_number_value(jmax))
			fail(o, "response %zu took %.0f ms, more than max_ms %.0f", i + 1,
			     res[i].resp.ms, json_number_value(jmax));
	}
	if (lost)
		fail(o, "%zu of %zu requests got no response", lost, n);
	int rc = counts ? expect_status_counts(counts, statuses, n, err, sizeof err) : 0;
	if (rc < 0)
		fail_bad(o, "bad case: %s", err);
	else if (rc > 0)
		fail(o, "status_counts: %s", err);
	if (jmax)
		snprintf(suffix, suffixlen, " (slowest %.0f ms)", slowest);
	if (o->failed)
		show_racers(res, n, o);
out:
	for (size_t i = 0; i < n; i++)
		http_response_free(&res[i].resp);
	free(statuses);
	free(res);
}

/* A request case: builds the request, then sends it once, repeatedly or at once. */
static void run_request(struct runner *r, const json_t *c, const char *method, struct outcome *o,
                        char *suffix, size_t suffixlen)
{
	struct strbuf body = {0};
	struct curl_slist *headers = NULL;
	char *path = NULL, *url = NULL, err[512], type[128];
	int has_body = 0;
	if (make_body(r, c, &body, &has_body, type, sizeof type, o) != 0 ||
	    make_headers(r, c, type, &headers, o) != 0)
		goto out;
	if (json_object_get(c, "multipart"))
		note(o, "multipart/form-data body of %zu bytes", body.len);
	path = vars_expand(r->vars, json_string_value(json_object_get(c, "path")), err, sizeof err);
	if (!path) {
		fail_bad(o, "path: %s", err);
		goto out;
	}
	url = http_url(r->base, path);
	struct http_request rq = {.method = method,
	                          .url = url,
	                          .headers = headers,
	                          .body = &body,
	                          .has_body = has_body};
	if (json_object_get(c, "parallel"))
		run_parallel(c, &rq, o, suffix, suffixlen);
	else
		run_attempts(r, c, &rq, o, suffix, suffixlen);
out:
	curl_slist_free_all(headers);
	free(body.p);
	free(path);
	free(url);
}

/* The last lines of an "exec" command's output. */
static void show_output(const struct proc_result *res, struct outcome *o)
{
	if (res->out_total == 0) {
		note(o, "no output");
		return;
	}
	const char *text = res->out.p;
	size_t len = res->out.len, at = proc_tail_lines(text, len, SHOWN_OUTPUT_LINES);
	note(o, "output (%zu bytes), the last lines:", res->out_total);
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		note(o, "| %.*s", (int)(end - at), text + at);
		at = end + 1;
	}
}

/* The values an "exec" case saves from its output (stdout and stderr together): "output"
 * the text without its trailing newlines, "output_json" that text parsed as JSON. */
static void save_output(struct runner *r, const json_t *save, const struct proc_result *res,
                        struct outcome *o)
{
	const char *k;
	const json_t *v;
	if (res->out_total != res->out.len) {
		fail(o, "save: the output (%zu bytes) is longer than the %d kept", res->out_total,
		     PROC_TAIL_BYTES);
		return;
	}
	size_t len = res->out.len;
	while (len > 0 && (res->out.p[len - 1] == '\n' || res->out.p[len - 1] == '\r'))
		len--;
	json_object_foreach((json_t *)save, k, v)
	{
		json_t *val = NULL;
		json_error_t e;
		if (strcmp(json_string_value(v), "output") == 0)
			val = json_stringn(res->out.p ? res->out.p : "", len);
		else
			val = json_loadb(res->out.p ? res->out.p : "", len, JSON_DECODE_ANY, &e);
		if (!val) {
			fail(o, "save %s: the output is not %s", k,
			     strcmp(json_string_value(v), "output") == 0 ? "UTF-8 text" : "JSON");
			continue;
		}
		json_object_set_new(r->vars, k, val);
	}
}

/* An "exec" case: runs the shell command and checks its exit status. */
static void run_exec(struct runner *r, const json_t *c, struct outcome *o)
{
	struct proc_result res = {0};
	long timeout_ms = expect_exec_timeout_ms(c);
	int want = expect_exit_code(c);
	char err[512];
	char *cmd = vars_expand(r->vars, json_string_value(json_object_get(c, "exec")), err,
	                        sizeof err);
	if (!cmd) {
		fail_bad(o, "exec: %s", err);
		goto out;
	}
	if (proc_run(cmd, timeout_ms, &res, err, sizeof err) != 0) {
		fail(o, "exec: %s", err);
		goto out;
	}
	note(o, "$ %s", cmd);
	if (res.timed_out)
		fail(o, "still running after exec_timeout_ms %ld: its process group was killed",
		     timeout_ms);
	else if (!res.exited)
		fail(o, "killed by signal %d after %.0f ms", res.signal, res.ms);
	else if (res.code != want)
		fail(o, "exit status %d after %.0f ms, expected %d", res.code, res.ms, want);
	if (!o->failed && json_object_get(c, "save"))
		save_output(r, json_object_get(c, "save"), &res, o);
	if (o->failed)
		show_output(&res, o);
out:
	proc_result_free(&res);
	free(cmd);
}

static void run_case(struct runner *r, const char *file, size_t index, const json_t *c)
{
	struct outcome o = {0};
	char fallback[64], suffix[96] = "", err[512];
	snprintf(fallback, sizeof fallback, "case %zu", index + 1);
	const char *name = fallback;
	if (!json_is_object(c)) {
		fail_bad(&o, "bad case: not an object");
		goto out;
	}
	const json_t *jname = json_object_get(c, "name"), *skip = json_object_get(c, "skip");
	if (json_is_string(jname))
		name = json_string_value(jname);
	else
		fail_bad(&o, "bad case: \"name\" must say what the case checks");
	check_keys(c, case_keys, "the case", &o);
	if (json_is_string(skip) && !o.failed) {
		r->n++;
		r->skipped++;
		printf("ok %d - %s: %s # SKIP %s\n", r->n, base_name(file), name,
		       json_string_value(skip));
		return;
	}
	const json_t *expect = json_object_get(c, "expect"), *jmax = json_object_get(c, "max_ms");
	const json_t *jmethod = json_object_get(c, "method");
	const char *method = jmethod ? json_string_value(jmethod) : "GET";
	int exec = json_object_get(c, "exec") != NULL;
	if (expect && !json_is_object(expect))
		fail_bad(&o, "bad case: expect must be an object");
	else if (expect)
		check_keys(expect, expect_keys, "expect", &o);
	if (expect_case_shape(c, err, sizeof err) != 0)
		fail_bad(&o, "bad case: %s", err);
	if (!exec &&
	    (!method || !*method || strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method)))
		fail_bad(&o, "bad case: method must be an upper-case word");
	if (!exec && !json_is_string(json_object_get(c, "path")))
		fail_bad(&o, "bad case: path must be a string");
	if (jmax && (!json_is_number(jmax) || json_number_value(jmax) <= 0))
		fail_bad(&o, "bad case: max_ms must be a positive number");
	if (o.failed)
		goto out;
	if (exec)
		run_exec(r, c, &o);
	else
		run_request(r, c, method, &o, suffix, sizeof suffix);
out:
	report(r, file, name, suffix, &o);
	free(o.diag.p);
}

static void run_file(struct runner *r, const char *file)
{
	json_error_t e;
	json_t *cases = json_load_file(file, 0, &e);
	if (!cases || !json_is_array(cases)) {
		r->n++;
		r->failed++;
		printf("not ok %d - %s: cannot load the case file\n", r->n, base_name(file));
		if (!cases)
			printf("#   %s:%d: %s\n", file, e.line, e.text);
		else
			printf("#   %s: a case file is a JSON array of cases\n", file);
		json_decref(cases);
		return;
	}
	size_t i;
	const json_t *c;
	json_array_foreach(cases, i, c) { run_case(r, file, i, c); }
	json_decref(cases);
}

static int set_var(json_t *vars, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return -1;
	char *name = xstrndup(arg, (size_t)(eq - arg));
	json_t *v = json_string(eq + 1);
	int rc = v ? json_object_set_new(vars, name, v) : -1;
	free(name);
	return rc;
}

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "api-test: %s\n", msg);
	fprintf(stderr, "usage: api-test --base http://127.0.0.1:PORT [--var NAME=VALUE]... "
	                "[--client-ip-per-file] FILE.json...\n"
	                "       api-test --self-test\n");
	return 2;
}

static void print_totals(const struct runner *r)
{
	if (r->skipped)
		printf("%d passed, %d failed, %d skipped\n", r->passed, r->failed, r->skipped);
	else
		printf("%d passed, %d failed\n", r->passed, r->failed);
}

int main(int argc, char **argv)
{
	struct runner r = {0};
	int self_test = 0, nfiles = 0, rc = 0;
	const char **files = xcalloc((size_t)argc, sizeof *files);
	r.vars = json_object();
	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		/* {{run_id}}: digits that differ from run to run, for unique test data. */
		char id[32];
		snprintf(id, sizeof id, "%06lld%04d", (long long)(time(NULL) % 1000000),
		         (int)(getpid() % 10000));
		json_object_set_new(r.vars, "run_id", json_string(id));
	}
	{
		/* {{today}}: the date in China Standard Time (UTC+8), for dates the platform
		 * bounds by today (a loan's disbursement date). */
		char day[16];
		time_t t = time(NULL) + 8 * 3600;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		json_object_set_new(r.vars, "today", json_string(day));
		/* {{today_minus_10}}, {{today_plus_90}}, {{today_plus_200}}: dates around today
		 * for rules that bound a span from today (a bill's issue and due dates). */
		static const struct {
			const char *name;
			int days;
		} around[] = {
		        {"today_minus_10", -10}, {"today_plus_90", 90}, {"today_plus_200", 200}};
		for (size_t k = 0; k < sizeof around / sizeof around[0]; k++) {
			time_t u = t + (time_t)around[k].days * 86400;
			gmtime_r(&u, &tm);
			strftime(day, sizeof day, "%Y-%m-%d", &tm);
			json_object_set_new(r.vars, around[k].name, json_string(day));
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--self-test") == 0) {
			self_test = 1;
		} else if (strcmp(a, "--base") == 0 && i + 1 < argc) {
			r.base = argv[++i];
		} else if (strncmp(a, "--base=", 7) == 0) {
			r.base = a + 7;
		} else if (strcmp(a, "--var") == 0 && i + 1 < argc) {
			if (set_var(r.vars, argv[++i]) != 0)
				rc = usage("--var takes NAME=VALUE");
		} else if (strcmp(a, "--client-ip-per-file") == 0) {
			r.ip_per_file = 1;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			rc = usage(NULL);
		} else if (a[0] == '-' && a[1] == '-') {
			rc = usage("unknown option");
		} else {
			files[nfiles++] = a;
		}
		if (rc)
			goto out;
	}
	if (self_test) {
		selftest_run(&r.passed, &r.failed);
		print_totals(&r);
		rc = r.failed ? 1 : 0;
		goto out;
	}
	if (!r.base || nfiles == 0) {
		rc = usage(!r.base ? "--base is required" : "no case files");
		goto out;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || !(r.curl = curl_easy_init())) {
		fprintf(stderr, "api-test: cannot initialise libcurl\n");
		rc = 2;
		goto out;
	}
	for (int i = 0; i < nfiles; i++) {
		/* Each file its own client address (TEST-NET 198.18.0.0/15), so per-IP limits
		 * such as SMS codes per day are budgeted per file, not per run. */
		if (r.ip_per_file)
			snprintf(r.file_ip, sizeof r.file_ip, "198.18.%d.%d", i / 250, i % 250 + 1);
		run_file(&r, files[i]);
	}
	curl_easy_cleanup(r.curl);
	curl_global_cleanup();
	print_totals(&r);
	rc = r.failed ? 1 : 0;
out:
	json_decref(r.vars);
	free(files);
	return rc;
}
