/*
 * api-test: drives a running gateway with the case files in tests/api/cases/.
 * A case file is a JSON array of cases, each one request and what its response
 * must hold (status, headers, a JSON subset pattern, a text); cases run in
 * order and may save values for later ones. See tests/api/README.md.
 *
 * Output is TAP-like ("ok 3 - regions.json: ...", diagnostics on "#" lines)
 * and ends with the line "N passed, N failed"; the exit status is 1 when a
 * case failed, 2 on a usage error.
 */
#include "http.h"
#include "match.h"
#include "selftest.h"
#include "strbuf.h"
#include "vars.h"

#include "mem.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY_SIZE ((json_int_t)256 << 20)
#define SHOWN_BODY    600

struct runner {
	CURL *curl;
	const char *base;
	json_t *vars; /* name -> value, from --var and "save" */
	int n;
	int passed;
	int failed;
	int skipped;
};

/* One case's result: failed once any check fails; diag is printed after its line. */
struct outcome {
	int failed;
	struct strbuf diag;
};

static const char *const case_keys[] = {"name",     "method",    "path",   "headers", "body",
                                        "body_raw", "body_size", "expect", "save",    "max_ms",
                                        "skip",     "note",      NULL};
static const char *const expect_keys[] = {"status", "headers", "json", "body_contains", NULL};

static void fail(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Marks the case failed with one diagnostic line. */
static void fail(struct outcome *o, const char *fmt, ...)
{
	o->failed = 1;
	strbuf_add(&o->diag, "#   ", 4);
	va_list ap;
	va_start(ap, fmt);
	strbuf_vprintf(&o->diag, fmt, ap);
	va_end(ap);
	strbuf_add(&o->diag, "\n", 1);
}

/* A diagnostic line shown only when the case fails. */
static void note(struct outcome *o, const char *fmt, ...)
{
	strbuf_add(&o->diag, "#   ", 4);
	va_list ap;
	va_start(ap, fmt);
	strbuf_vprintf(&o->diag, fmt, ap);
	va_end(ap);
	strbuf_add(&o->diag, "\n", 1);
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
			fail(o, "bad case: unknown key \"%s\" in %s", k, what);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* The request body of a case: "body", "body_raw" or "body_size"; *has 0 for none. */
static int make_body(struct runner *r, const json_t *c, struct strbuf *body, int *has,
                     struct outcome *o)
{
	const json_t *j = json_object_get(c, "body"), *raw = json_object_get(c, "body_raw"),
	             *size = json_object_get(c, "body_size");
	char err[512];
	*has = (j != NULL) + (raw != NULL) + (size != NULL);
	if (*has > 1) {
		fail(o, "bad case: give only one of body, body_raw and body_size");
		return -1;
	}
	if (j) {
		json_t *x = vars_expand_json(r->vars, j, err, sizeof err);
		if (!x) {
			fail(o, "body: %s", err);
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
			fail(o, "bad case: body_raw must be a string");
			return -1;
		}
		strbuf_add(body, json_string_value(raw), json_string_length(raw));
	} else if (size) {
		if (!json_is_integer(size) || json_integer_value(size) < 0 ||
		    json_integer_value(size) > MAX_BODY_SIZE) {
			fail(o, "bad case: body_size must be an integer from 0 to %lld",
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

static int make_headers(struct runner *r, const json_t *c, int has_body, struct curl_slist **out,
                        struct outcome *o)
{
	const json_t *hs = json_object_get(c, "headers");
	struct curl_slist *list = NULL;
	int has_type = 0;
	char err[512];
	if (hs && !json_is_object(hs)) {
		fail(o, "bad case: headers must be an object");
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
			fail(o, "bad case: header %s must be a string or null", k);
		} else {
			char *val = vars_expand(r->vars, json_string_value(v), err, sizeof err);
			if (!val)
				fail(o, "header %s: %s", k, err);
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
		if (!o->failed)
			list = curl_slist_append(list, line.p);
		free(line.p);
	}
	if (has_body && !has_type)
		list = curl_slist_append(list, "Content-Type: application/json");
	*out = list;
	return o->failed ? -1 : 0;
}

static void check_status(const json_t *want, const struct http_response *resp, struct outcome *o)
{
	if (!want)
		return;
	if (json_is_integer(want)) {
		if (resp->status != (long)json_integer_value(want))
			fail(o, "status %ld, expected %lld", resp->status,
			     (long long)json_integer_value(want));
		return;
	}
	if (json_is_array(want) && json_array_size(want) > 0) {
		size_t i;
		const json_t *s;
		json_array_foreach(want, i, s)
		{
			if (!json_is_integer(s)) {
				fail(o, "bad case: expect.status must be an integer or a list of "
				        "them");
				return;
			}
			if (resp->status == (long)json_integer_value(s))
				return;
		}
		char *list = json_dumps(want, JSON_COMPACT);
		fail(o, "status %ld, expected one of %s", resp->status, list ? list : "?");
		free(list);
		return;
	}
	fail(o, "bad case: expect.status must be an integer or a list of them");
}

static void check_headers(struct runner *r, const json_t *want, const struct http_response *resp,
                          struct outcome *o)
{
	if (!want)
		return;
	if (!json_is_object(want)) {
		fail(o, "bad case: expect.headers must be an object");
		return;
	}
	const char *k;
	const json_t *v;
	char err[512];
	json_object_foreach((json_t *)want, k, v)
	{
		if (!json_is_string(v)) {
			fail(o, "bad case: expect.headers.%s must be a string", k);
			continue;
		}
		char *prefix = vars_expand(r->vars, json_string_value(v), err, sizeof err);
		if (!prefix) {
			fail(o, "expect.headers.%s: %s", k, err);
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
		fail(o, "expect.json: %s", err);
		return;
	}
	json_t *actual = response_json(resp, parsed, err, sizeof err);
	if (!actual) {
		fail(o, "%s", err);
	} else {
		struct match_diag d;
		int rc = match_json(p, actual, &d);
		if (rc == MATCH_BAD_PATTERN)
			fail(o, "bad pattern at %s: %s (%s)", d.path, d.reason, d.expected);
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
		fail(o, "bad case: expect.body_contains must be a string");
		return;
	}
	char err[512];
	char *want = vars_expand(r->vars, json_string_value(text), err, sizeof err);
	if (!want) {
		fail(o, "expect.body_contains: %s", err);
		return;
	}
	if (!resp->body.p || !memmem(resp->body.p, resp->body.len, want, strlen(want)))
		fail(o, "body does not contain \"%s\"", want);
	free(want);
}

static void save_vars(struct runner *r, const json_t *save, const struct http_response *resp,
                      json_t **parsed, struct outcome *o)
{
	if (!save)
		return;
	if (!json_is_object(save)) {
		fail(o, "bad case: save must be an object");
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
			fail(o, "bad case: save.%s must be a path string", k);
			continue;
		}
		if (strncmp(path, "header:", 7) == 0) {
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
			json_object_set_new(r->vars, k, val);
		else
			fail(o, "save %s: %s", k, err);
	}
}

static void show_response(const struct http_response *resp, struct outcome *o)
{
	const char *rid = http_header(resp, "x-request-id", 0);
	if (rid)
		note(o, "x-request-id: %s", rid);
	if (!resp->body.len)
		return;
	size_t n = resp->body.len < SHOWN_BODY ? resp->body.len : SHOWN_BODY;
	while (n > 0 && n < resp->body.len && ((unsigned char)resp->body.p[n] & 0xC0) == 0x80)
		n--;
	note(o, "body: %.*s%s", (int)n, resp->body.p, n < resp->body.len ? "..." : "");
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

static void run_case(struct runner *r, const char *file, size_t index, const json_t *c)
{
	struct outcome o = {0};
	char fallback[64], suffix[64] = "", err[512];
	snprintf(fallback, sizeof fallback, "case %zu", index + 1);
	const char *name = fallback;
	if (!json_is_object(c)) {
		fail(&o, "bad case: not an object");
		report(r, file, name, "", &o);
		free(o.diag.p);
		return;
	}
	const json_t *jname = json_object_get(c, "name"), *skip = json_object_get(c, "skip");
	if (json_is_string(jname))
		name = json_string_value(jname);
	else
		fail(&o, "bad case: \"name\" must say what the case checks");
	check_keys(c, case_keys, "the case", &o);
	if (json_is_string(skip) && !o.failed) {
		r->n++;
		r->skipped++;
		printf("ok %d - %s: %s # SKIP %s\n", r->n, base_name(file), name,
		       json_string_value(skip));
		return;
	}
	const json_t *expect = json_object_get(c, "expect"), *jmax = json_object_get(c, "max_ms");
	const json_t *jmethod = json_object_get(c, "method"), *jpath = json_object_get(c, "path");
	const char *method = jmethod ? json_string_value(jmethod) : "GET";
	if (expect && !json_is_object(expect))
		fail(&o, "bad case: expect must be an object");
	else if (expect)
		check_keys(expect, expect_keys, "expect", &o);
	if (!method || !*method || strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method))
		fail(&o, "bad case: method must be an upper-case word");
	if (!json_is_string(jpath))
		fail(&o, "bad case: path must be a string");
	if (jmax && (!json_is_number(jmax) || json_number_value(jmax) <= 0))
		fail(&o, "bad case: max_ms must be a positive number");

	struct strbuf body = {0};
	struct curl_slist *headers = NULL;
	struct http_response resp = {0};
	json_t *parsed = NULL;
	char *path = NULL, *url = NULL;
	int has_body = 0;
	double ms = 0;
	if (o.failed || make_body(r, c, &body, &has_body, &o) != 0 ||
	    make_headers(r, c, has_body, &headers, &o) != 0)
		goto out;
	path = vars_expand(r->vars, json_string_value(jpath), err, sizeof err);
	if (!path) {
		fail(&o, "path: %s", err);
		goto out;
	}
	url = http_url(r->base, path);
	struct http_request rq = {.method = method,
	                          .url = url,
	                          .headers = headers,
	                          .body = &body,
	                          .has_body = has_body};
	if (http_exchange(r->curl, &rq, &resp, err, sizeof err) != 0) {
		fail(&o, "%s", err);
		goto out;
	}
	ms = resp.ms;
	if (resp.ended_early)
		note(&o, "the server closed the connection before taking the whole body");
	note(&o, "%s %s -> %ld in %.0f ms", method, url, resp.status, ms);
	check_status(json_object_get(expect, "status"), &resp, &o);
	check_headers(r, json_object_get(expect, "headers"), &resp, &o);
	check_json(r, json_object_get(expect, "json"), &resp, &parsed, &o);
	check_contains(r, json_object_get(expect, "body_contains"), &resp, &o);
	save_vars(r, json_object_get(c, "save"), &resp, &parsed, &o);
	if (jmax) {
		snprintf(suffix, sizeof suffix, " (%.0f ms)", ms);
		if (ms > json_number_value(jmax))
			fail(&o, "took %.0f ms, more than max_ms %.0f", ms,
			     json_number_value(jmax));
	}
	if (o.failed)
		show_response(&resp, &o);
out:
	report(r, file, name, suffix, &o);
	json_decref(parsed);
	http_response_free(&resp);
	curl_slist_free_all(headers);
	free(body.p);
	free(path);
	free(url);
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
	                "FILE.json...\n"
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
	for (int i = 0; i < nfiles; i++)
		run_file(&r, files[i]);
	curl_easy_cleanup(r.curl);
	curl_global_cleanup();
	print_totals(&r);
	rc = r.failed ? 1 : 0;
out:
	json_decref(r.vars);
	free(files);
	return rc;
}
