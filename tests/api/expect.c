/*
 * The shape of an API test case and its expectations on statuses, exit codes
 * and the raw bytes of a body.
 */
#include "expect.h"

#include "bytes.h"
#include "match.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The keys that describe a request and so make no sense beside "exec". */
static const char *const request_keys[] = {"path",     "method",    "headers",   "body",
                                           "body_raw", "body_size", "multipart", "save",
                                           "max_ms",   "parallel",  "until_ms",  NULL};
/* The other ways to give a request body, which "multipart" replaces. */
static const char *const body_keys[] = {"body", "body_raw", "body_size", NULL};

static int expect_err(char *err, size_t errlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Writes a message into err and returns -1. */
static int expect_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int int_within(const json_t *v, json_int_t lo, json_int_t hi)
{
	return json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi;
}

static int status_list_valid(const json_t *want)
{
	if (json_is_integer(want))
		return 1;
	if (!json_is_array(want) || json_array_size(want) == 0)
		return 0;
	size_t i;
	const json_t *s;
	json_array_foreach(want, i, s)
	{
		if (!json_is_integer(s))
			return 0;
	}
	return 1;
}

/* "201": three digits from 100 to 599; the code in *code. */
static int status_key(const char *k, long *code)
{
	if (strlen(k) != 3 || strspn(k, "0123456789") != 3)
		return 0;
	*code = strtol(k, NULL, 10);
	return *code >= 100 && *code <= 599;
}

static int counts_valid(const json_t *want, size_t n, char *err, size_t errlen)
{
	if (!json_is_object(want) || json_object_size(want) == 0)
		return expect_err(err, errlen,
		                  "expect.status_counts must be an object of status -> count, "
		                  "like {\"201\": 1, \"409\": 1}");
	const char *k;
	const json_t *v;
	json_int_t sum = 0;
	json_object_foreach((json_t *)want, k, v)
	{
		long code;
		if (!status_key(k, &code))
			return expect_err(err, errlen,
			                  "expect.status_counts: \"%s\" is not a status code", k);
		if (!int_within(v, 0, EXPECT_PARALLEL_MAX))
			return expect_err(err, errlen,
			                  "expect.status_counts.%s must be a count from 0 to %d", k,
			                  EXPECT_PARALLEL_MAX);
		sum += json_integer_value(v);
	}
	if (sum > (json_int_t)n)
		return expect_err(err, errlen,
		                  "expect.status_counts adds up to %lld responses, more than the "
		                  "%zu sent",
		                  (long long)sum, n);
	return 0;
}

/* Every key of expect must be one of allowed (a NULL-terminated list). */
static int expect_only(const json_t *expect, const char *const *allowed, const char *who, char *err,
                       size_t errlen)
{
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)expect, k, v)
	{
		size_t i = 0;
		while (allowed[i] && strcmp(allowed[i], k) != 0)
			i++;
		if (!allowed[i])
			return expect_err(err, errlen, "%s does not go with expect.%s", who, k);
	}
	return 0;
}

static int exec_shape(const json_t *c, const json_t *expect, char *err, size_t errlen)
{
	static const char *const allowed[] = {"exit", NULL};
	const json_t *exec = json_object_get(c, "exec");
	const json_t *timeout = json_object_get(c, "exec_timeout_ms");
	const json_t *code = json_is_object(expect) ? json_object_get(expect, "exit") : NULL;
	if (!json_is_string(exec) || json_string_length(exec) == 0)
		return expect_err(err, errlen, "exec must be a shell command");
	for (size_t i = 0; request_keys[i]; i++)
		if (strcmp(request_keys[i], "save") != 0 && json_object_get(c, request_keys[i]))
			return expect_err(err, errlen, "exec does not go with %s", request_keys[i]);
	const json_t *save = json_object_get(c, "save");
	const char *k;
	const json_t *v;
	if (save && !json_is_object(save))
		return expect_err(err, errlen, "save must be an object");
	json_object_foreach((json_t *)save, k, v)
	{
		const char *from = json_string_value(v);
		if (!from || (strcmp(from, "output") != 0 && strcmp(from, "output_json") != 0))
			return expect_err(
			        err, errlen,
			        "with exec, save.%s must be \"output\" or \"output_json\"", k);
	}
	if (json_is_object(expect) && expect_only(expect, allowed, "exec", err, errlen) != 0)
		return -1;
	if (timeout && !int_within(timeout, 1, EXPECT_EXEC_TIMEOUT_MAX))
		return expect_err(err, errlen, "exec_timeout_ms must be an integer from 1 to %d",
		                  EXPECT_EXEC_TIMEOUT_MAX);
	if (code && !int_within(code, 0, 255))
		return expect_err(err, errlen, "expect.exit must be an integer from 0 to 255");
	return 0;
}

static int multipart_shape(const json_t *c, char *err, size_t errlen)
{
	const json_t *parts = json_object_get(c, "multipart");
	if (!json_is_array(parts) || json_array_size(parts) == 0)
		return expect_err(err, errlen, "multipart must be a non-empty array of parts");
	for (size_t i = 0; body_keys[i]; i++)
		if (json_object_get(c, body_keys[i]))
			return expect_err(err, errlen, "multipart does not go with %s",
			                  body_keys[i]);
	return 0;
}

static int parallel_shape(const json_t *c, const json_t *expect, char *err, size_t errlen)
{
	static const char *const allowed[] = {"status", "status_counts", NULL};
	const json_t *par = json_object_get(c, "parallel");
	if (!int_within(par, EXPECT_PARALLEL_MIN, EXPECT_PARALLEL_MAX))
		return expect_err(err, errlen, "parallel must be an integer from %d to %d",
		                  EXPECT_PARALLEL_MIN, EXPECT_PARALLEL_MAX);
	if (json_object_get(c, "until_ms"))
		return expect_err(err, errlen, "parallel does not go with until_ms");
	if (json_object_get(c, "save"))
		return expect_err(err, errlen,
		                  "parallel does not go with save (which response would it be?)");
	if (!json_is_object(expect))
		return 0;
	if (expect_only(expect, allowed, "parallel", err, errlen) != 0)
		return -1;
	const json_t *counts = json_object_get(expect, "status_counts");
	if (counts && counts_valid(counts, (size_t)json_integer_value(par), err, errlen) != 0)
		return -1;
	return 0;
}

int expect_case_shape(const json_t *c, char *err, size_t errlen)
{
	const json_t *expect = json_object_get(c, "expect");
	const json_t *until = json_object_get(c, "until_ms");
	const json_t *status = json_is_object(expect) ? json_object_get(expect, "status") : NULL;
	if (status && !status_list_valid(status))
		return expect_err(err, errlen,
		                  "expect.status must be an integer or a list of them");
	if (json_object_get(c, "exec"))
		return exec_shape(c, expect, err, errlen);
	if (json_object_get(c, "exec_timeout_ms"))
		return expect_err(err, errlen, "exec_timeout_ms goes only with exec");
	if (json_is_object(expect) && json_object_get(expect, "exit"))
		return expect_err(err, errlen, "expect.exit goes only with exec");
	if (json_object_get(c, "multipart") && multipart_shape(c, err, errlen) != 0)
		return -1;
	if (until && !int_within(until, 1, EXPECT_UNTIL_MAX_MS))
		return expect_err(err, errlen, "until_ms must be an integer from 1 to %d",
		                  EXPECT_UNTIL_MAX_MS);
	if (json_object_get(c, "parallel"))
		return parallel_shape(c, expect, err, errlen);
	if (json_is_object(expect) && json_object_get(expect, "status_counts"))
		return expect_err(err, errlen, "expect.status_counts goes only with parallel");
	return 0;
}

int expect_status(const json_t *want, long status, char *err, size_t errlen)
{
	if (!want)
		return 0;
	if (!status_list_valid(want))
		return expect_err(err, errlen,
		                  "expect.status must be an integer or a list of them");
	if (json_is_integer(want)) {
		if (status == (long)json_integer_value(want))
			return 0;
		snprintf(err, errlen, "status %ld, expected %lld", status,
		         (long long)json_integer_value(want));
		return 1;
	}
	size_t i;
	const json_t *s;
	json_array_foreach(want, i, s)
	{
		if (status == (long)json_integer_value(s))
			return 0;
	}
	char *list = json_dumps(want, JSON_COMPACT);
	snprintf(err, errlen, "status %ld, expected one of %s", status, list ? list : "?");
	free(list);
	return 1;
}

/* "201 x2, 409 x1" for the statuses, in order of first appearance (0: no response). */
static void describe_statuses(const long *statuses, size_t n, char *out, size_t outlen)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t count = 0;
		int seen = 0;
		for (size_t j = 0; j < i; j++)
			seen |= statuses[j] == statuses[i];
		if (seen)
			continue;
		for (size_t j = i; j < n; j++)
			count += statuses[j] == statuses[i];
		int w;
		if (statuses[i] == 0)
			w = snprintf(out + used, outlen - used, "%sno response x%zu",
			             used ? ", " : "", count);
		else
			w = snprintf(out + used, outlen - used, "%s%ld x%zu", used ? ", " : "",
			             statuses[i], count);
		if (w < 0 || (size_t)w >= outlen - used)
			return;
		used += (size_t)w;
	}
}

int expect_status_counts(const json_t *want, const long *statuses, size_t n, char *err,
                         size_t errlen)
{
	if (counts_valid(want, n, err, errlen) != 0)
		return -1;
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)want, k, v)
	{
		long code = 0;
		size_t have = 0;
		status_key(k, &code);
		for (size_t i = 0; i < n; i++)
			have += statuses[i] == code;
		if (have != (size_t)json_integer_value(v)) {
			char got[256];
			describe_statuses(statuses, n, got, sizeof got);
			snprintf(err, errlen, "expected %s x%lld, got %s", k,
			         (long long)json_integer_value(v), got);
			return 1;
		}
	}
	return 0;
}

int expect_exit_code(const json_t *c)
{
	const json_t *code = json_object_get(json_object_get(c, "expect"), "exit");
	return json_is_integer(code) ? (int)json_integer_value(code) : 0;
}

long expect_exec_timeout_ms(const json_t *c)
{
	const json_t *t = json_object_get(c, "exec_timeout_ms");
	return json_is_integer(t) ? (long)json_integer_value(t) : EXPECT_EXEC_TIMEOUT_MS;
}

static int hex_digits(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdefABCDEF") == n;
}

int expect_body_sha256(const json_t *want, const char *body, size_t len, char *err, size_t errlen)
{
	const char *w = json_string_value(want);
	char got[BYTES_SHA256_HEX];
	if (!w || !hex_digits(w, BYTES_SHA256_HEX - 1))
		return expect_err(err, errlen, "expect.body_sha256 must be 64 hex digits");
	bytes_sha256_hex(body, len, got);
	if (strcasecmp(got, w) == 0)
		return 0;
	snprintf(err, errlen, "body_sha256 %s (%zu bytes), expected %s", got, len, w);
	return 1;
}

int expect_body_size(const json_t *want, size_t len, char *err, size_t errlen)
{
	if (json_is_integer(want) && json_integer_value(want) >= 0) {
		if ((json_int_t)len == json_integer_value(want))
			return 0;
		snprintf(err, errlen, "body of %zu bytes, expected %lld", len,
		         (long long)json_integer_value(want));
		return 1;
	}
	if (!json_is_object(want))
		return expect_err(err, errlen,
		                  "expect.body_size must be a number of bytes or a pattern such as "
		                  "{\"$gte\": 1}");
	json_t *actual = json_integer((json_int_t)len);
	struct match_diag d;
	int rc = match_json(want, actual, &d);
	json_decref(actual);
	if (rc == MATCH_BAD_PATTERN)
		return expect_err(err, errlen, "expect.body_size: %s (%s)", d.reason, d.expected);
	if (rc == MATCH_FAIL) {
		snprintf(err, errlen, "body of %zu bytes, expected %s", len, d.expected);
		return 1;
	}
	return 0;
}

int expect_body_prefix_hex(const json_t *want, const char *body, size_t len, char *err,
                           size_t errlen)
{
	struct strbuf prefix = {0};
	char why[256];
	int rc = -1;
	if (!json_is_string(want)) {
		expect_err(err, errlen, "expect.body_prefix_hex must be a string of hex digits");
		goto out;
	}
	if (bytes_from_hex(json_string_value(want), &prefix, why, sizeof why) != 0) {
		expect_err(err, errlen, "expect.body_prefix_hex: %s", why);
		goto out;
	}
	if (prefix.len == 0) {
		expect_err(err, errlen, "expect.body_prefix_hex: no bytes given");
		goto out;
	}
	rc = len >= prefix.len && memcmp(body, prefix.p, prefix.len) == 0 ? 0 : 1;
	if (rc == 0)
		goto out;
	size_t shown = len < 16 ? len : 16;
	char got[2 * 16 + 1] = "";
	for (size_t i = 0; i < shown; i++)
		snprintf(got + 2 * i, 3, "%02x", (unsigned char)body[i]);
	snprintf(err, errlen, "body starts with %s%s (%zu bytes), expected %s",
	         shown ? got : "(empty)", shown < len ? "..." : "", len, json_string_value(want));
out:
	free(prefix.p);
	return rc;
}
