/*
 * Subset matching of a JSON response against a case file's pattern.
 *
 * Plain values match by equality (numbers by value, so 1 matches 1.0), objects
 * key by key with extra actual keys allowed, arrays element by element with
 * equal length. Strings starting with '$' and objects whose keys start with
 * '$' are operators; an unknown operator is a pattern error rather than a
 * mismatch, so a typo in a case file cannot pass silently.
 */
#include "match.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mctx {
	char path[256];
	size_t len;
	struct match_diag *d;
};

static int match_value(struct mctx *c, const json_t *p, const json_t *a);

void match_describe(const json_t *v, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	if (!v) {
		snprintf(out, outlen, "(absent)");
		return;
	}
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!s) {
		snprintf(out, outlen, "(unprintable)");
		return;
	}
	size_t n = strlen(s);
	if (n < outlen) {
		memcpy(out, s, n + 1);
	} else if (outlen > 4) {
		size_t cut = outlen - 4;
		/* Back up to the first byte of a UTF-8 sequence. */
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		memcpy(out, s, cut);
		memcpy(out + cut, "...", 4);
	} else {
		out[0] = '\0';
	}
	free(s);
}

static int mismatch(struct mctx *c, int code, const json_t *p, const json_t *a, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));

/* Records the first failure at the current path and returns code. */
static int mismatch(struct mctx *c, int code, const json_t *p, const json_t *a, const char *fmt,
                    ...)
{
	struct match_diag *d = c->d;
	snprintf(d->path, sizeof d->path, "%s", c->path);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof d->reason, fmt, ap);
	va_end(ap);
	match_describe(p, d->expected, sizeof d->expected);
	match_describe(a, d->actual, sizeof d->actual);
	return code;
}

static int ident_like(const char *k)
{
	if (!*k)
		return 0;
	for (const char *s = k; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (!(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch >= 0x80))
			return 0;
	}
	return 1;
}

/* Appends a path segment and returns the length to restore afterwards. */
static size_t path_push_key(struct mctx *c, const char *key)
{
	size_t old = c->len;
	int n;
	if (ident_like(key))
		n = snprintf(c->path + old, sizeof c->path - old, ".%s", key);
	else
		n = snprintf(c->path + old, sizeof c->path - old, "[\"%s\"]", key);
	if (n > 0)
		c->len = strnlen(c->path, sizeof c->path - 1);
	return old;
}

static size_t path_push_index(struct mctx *c, size_t i)
{
	size_t old = c->len;
	if (snprintf(c->path + old, sizeof c->path - old, "[%zu]", i) > 0)
		c->len = strnlen(c->path, sizeof c->path - 1);
	return old;
}

static void path_pop(struct mctx *c, size_t old)
{
	c->len = old;
	c->path[old] = '\0';
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static const char *type_name(const json_t *a)
{
	if (!a)
		return "absent";
	switch (json_typeof(a)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "real";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}
	return "unknown";
}

static int match_regex(struct mctx *c, const json_t *p, const char *re, const json_t *a)
{
	regex_t rx;
	int rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[128];
		regerror(rc, &rx, msg, sizeof msg);
		return mismatch(c, MATCH_BAD_PATTERN, p, a, "bad regex: %s", msg);
	}
	int r;
	if (!json_is_string(a))
		r = mismatch(c, MATCH_FAIL, p, a, "expected a string, got %s", type_name(a));
	else if (regexec(&rx, json_string_value(a), 0, NULL, 0) != 0)
		r = mismatch(c, MATCH_FAIL, p, a, "does not match the regex");
	else
		r = MATCH_OK;
	regfree(&rx);
	return r;
}

static int match_string(struct mctx *c, const json_t *p, const json_t *a)
{
	const char *s = json_string_value(p);
	if (s[0] == '$' && s[1] != '$') {
		if (strcmp(s, "$any") == 0)
			return a ? MATCH_OK : mismatch(c, MATCH_FAIL, p, a, "missing");
		if (strcmp(s, "$absent") == 0)
			return a ? mismatch(c, MATCH_FAIL, p, a, "should be absent") : MATCH_OK;
		if (!a)
			return mismatch(c, MATCH_FAIL, p, a, "missing");
		if (strcmp(s, "$nonempty") == 0) {
			if ((json_is_string(a) && json_string_length(a) > 0) ||
			    (json_is_array(a) && json_array_size(a) > 0) ||
			    (json_is_object(a) && json_object_size(a) > 0))
				return MATCH_OK;
			return mismatch(c, MATCH_FAIL, p, a,
			                "expected a non-empty string or array");
		}
		if (strncmp(s, "$re:", 4) == 0)
			return match_regex(c, p, s + 4, a);
		return mismatch(c, MATCH_BAD_PATTERN, p, a,
		                "unknown operator %s (write $$ for a literal $)", s);
	}
	if (!a)
		return mismatch(c, MATCH_FAIL, p, a, "missing");
	const char *want = s[0] == '$' ? s + 1 : s;
	if (!json_is_string(a))
		return mismatch(c, MATCH_FAIL, p, a, "expected a string, got %s", type_name(a));
	if (strcmp(want, json_string_value(a)) != 0)
		return mismatch(c, MATCH_FAIL, p, a, "strings differ");
	return MATCH_OK;
}

static int compare_numbers(const json_t *x, const json_t *y)
{
	if (json_is_integer(x) && json_is_integer(y)) {
		json_int_t a = json_integer_value(x), b = json_integer_value(y);
		return a < b ? -1 : a > b;
	}
	double a = json_number_value(x), b = json_number_value(y);
	return a < b ? -1 : a > b;
}

static int op_contains(struct mctx *c, const json_t *ops, const json_t *arg, const json_t *a)
{
	if (json_is_string(arg) && json_is_string(a) && json_string_value(arg)[0] != '$') {
		if (strstr(json_string_value(a), json_string_value(arg)))
			return MATCH_OK;
		return mismatch(c, MATCH_FAIL, ops, a, "does not contain the text");
	}
	if (!json_is_array(a))
		return mismatch(c, MATCH_FAIL, ops, a, "$contains: expected an array, got %s",
		                type_name(a));
	size_t i;
	const json_t *el;
	json_array_foreach(a, i, el)
	{
		struct match_diag scratch;
		struct mctx sub = {.len = c->len, .d = &scratch};
		memcpy(sub.path, c->path, c->len + 1);
		int r = match_value(&sub, arg, el);
		if (r == MATCH_OK)
			return MATCH_OK;
		if (r == MATCH_BAD_PATTERN) {
			*c->d = scratch;
			return r;
		}
	}
	return mismatch(c, MATCH_FAIL, ops, a, "no element of %zu matches", json_array_size(a));
}

static int op_len(struct mctx *c, const json_t *ops, const json_t *arg, const json_t *a)
{
	if (!json_is_integer(arg) || json_integer_value(arg) < 0)
		return mismatch(c, MATCH_BAD_PATTERN, ops, a, "$len takes a non-negative integer");
	size_t want = (size_t)json_integer_value(arg), have;
	if (json_is_array(a))
		have = json_array_size(a);
	else if (json_is_string(a))
		have = utf8_length(json_string_value(a));
	else if (json_is_object(a))
		have = json_object_size(a);
	else
		return mismatch(c, MATCH_FAIL, ops, a, "$len: expected an array or string, got %s",
		                type_name(a));
	if (have != want)
		return mismatch(c, MATCH_FAIL, ops, a, "length %zu, expected %zu", have, want);
	return MATCH_OK;
}

static int op_each(struct mctx *c, const json_t *ops, const json_t *arg, const json_t *a)
{
	if (!json_is_array(a))
		return mismatch(c, MATCH_FAIL, ops, a, "$each: expected an array, got %s",
		                type_name(a));
	size_t i;
	const json_t *el;
	json_array_foreach(a, i, el)
	{
		size_t old = path_push_index(c, i);
		int r = match_value(c, arg, el);
		path_pop(c, old);
		if (r != MATCH_OK)
			return r;
	}
	return MATCH_OK;
}

static int op_all(struct mctx *c, const json_t *ops, const json_t *arg, const json_t *a)
{
	if (!json_is_array(arg))
		return mismatch(c, MATCH_BAD_PATTERN, ops, a, "$all takes an array of patterns");
	size_t i;
	const json_t *p;
	json_array_foreach(arg, i, p)
	{
		int r = match_value(c, p, a);
		if (r != MATCH_OK)
			return r;
	}
	return MATCH_OK;
}

static int op_bound(struct mctx *c, const char *op, const json_t *ops, const json_t *arg,
                    const json_t *a)
{
	if (!json_is_number(arg))
		return mismatch(c, MATCH_BAD_PATTERN, ops, a, "%s takes a number", op);
	if (!json_is_number(a))
		return mismatch(c, MATCH_FAIL, ops, a, "%s: expected a number, got %s", op,
		                type_name(a));
	int cmp = compare_numbers(a, arg);
	if (strcmp(op, "$gte") == 0 ? cmp < 0 : cmp > 0)
		return mismatch(c, MATCH_FAIL, ops, a, "out of bounds");
	return MATCH_OK;
}

static int op_type(struct mctx *c, const json_t *ops, const json_t *arg, const json_t *a)
{
	static const char *const names[] = {"string", "number", "integer", "real",
	                                    "object", "array",  "boolean", "null"};
	const char *want = json_string_value(arg);
	int known = 0;
	for (size_t i = 0; want && i < sizeof names / sizeof names[0]; i++)
		known |= strcmp(want, names[i]) == 0;
	if (!known)
		return mismatch(c, MATCH_BAD_PATTERN, ops, a,
		                "$type takes string, number, integer, real, object, array, "
		                "boolean or null");
	const char *have = type_name(a);
	if (strcmp(want, have) == 0 || (strcmp(want, "number") == 0 && json_is_number(a)))
		return MATCH_OK;
	return mismatch(c, MATCH_FAIL, ops, a, "expected type %s, got %s", want, have);
}

/* An object pattern whose keys start with '$': every operator must hold. */
static int match_ops(struct mctx *c, const json_t *ops, const json_t *a)
{
	const char *k;
	const json_t *arg;
	json_object_foreach((json_t *)ops, k, arg)
	{
		if (k[0] != '$')
			return mismatch(c, MATCH_BAD_PATTERN, ops, a,
			                "an object pattern mixes operators and keys (\"%s\")", k);
	}
	if (!a)
		return mismatch(c, MATCH_FAIL, ops, a, "missing");
	json_object_foreach((json_t *)ops, k, arg)
	{
		int r;
		if (strcmp(k, "$contains") == 0)
			r = op_contains(c, ops, arg, a);
		else if (strcmp(k, "$len") == 0)
			r = op_len(c, ops, arg, a);
		else if (strcmp(k, "$each") == 0)
			r = op_each(c, ops, arg, a);
		else if (strcmp(k, "$all") == 0)
			r = op_all(c, ops, arg, a);
		else if (strcmp(k, "$gte") == 0 || strcmp(k, "$lte") == 0)
			r = op_bound(c, k, ops, arg, a);
		else if (strcmp(k, "$type") == 0)
			r = op_type(c, ops, arg, a);
		else
			r = mismatch(c, MATCH_BAD_PATTERN, ops, a, "unknown operator %s", k);
		if (r != MATCH_OK)
			return r;
	}
	return MATCH_OK;
}

static int has_operator(const json_t *p)
{
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)p, k, v)
	{
		if (k[0] == '$')
			return 1;
	}
	return 0;
}

static int match_object(struct mctx *c, const json_t *p, const json_t *a)
{
	if (has_operator(p))
		return match_ops(c, p, a);
	if (!a)
		return mismatch(c, MATCH_FAIL, p, a, "missing");
	if (!json_is_object(a))
		return mismatch(c, MATCH_FAIL, p, a, "expected an object, got %s", type_name(a));
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)p, k, v)
	{
		size_t old = path_push_key(c, k);
		int r = match_value(c, v, json_object_get(a, k));
		path_pop(c, old);
		if (r != MATCH_OK)
			return r;
	}
	return MATCH_OK;
}

static int match_array(struct mctx *c, const json_t *p, const json_t *a)
{
	if (!a)
		return mismatch(c, MATCH_FAIL, p, a, "missing");
	if (!json_is_array(a))
		return mismatch(c, MATCH_FAIL, p, a, "expected an array, got %s", type_name(a));
	if (json_array_size(a) != json_array_size(p))
		return mismatch(c, MATCH_FAIL, p, a, "array length %zu, expected %zu",
		                json_array_size(a), json_array_size(p));
	size_t i;
	const json_t *v;
	json_array_foreach(p, i, v)
	{
		size_t old = path_push_index(c, i);
		int r = match_value(c, v, json_array_get(a, i));
		path_pop(c, old);
		if (r != MATCH_OK)
			return r;
	}
	return MATCH_OK;
}

static int match_value(struct mctx *c, const json_t *p, const json_t *a)
{
	switch (json_typeof(p)) {
	case JSON_STRING:
		return match_string(c, p, a);
	case JSON_OBJECT:
		return match_object(c, p, a);
	case JSON_ARRAY:
		return match_array(c, p, a);
	case JSON_INTEGER:
	case JSON_REAL:
		if (!json_is_number(a))
			return mismatch(c, MATCH_FAIL, p, a, "expected a number, got %s",
			                type_name(a));
		if (compare_numbers(p, a) != 0)
			return mismatch(c, MATCH_FAIL, p, a, "numbers differ");
		return MATCH_OK;
	case JSON_TRUE:
	case JSON_FALSE:
	case JSON_NULL:
		if (!a || json_typeof(a) != json_typeof(p))
			return mismatch(c, MATCH_FAIL, p, a, "values differ");
		return MATCH_OK;
	}
	return mismatch(c, MATCH_BAD_PATTERN, p, a, "unknown JSON type");
}

int match_json(const json_t *pattern, const json_t *actual, struct match_diag *d)
{
	struct match_diag scratch;
	struct mctx c = {.path = "$", .len = 1, .d = d ? d : &scratch};
	return match_value(&c, pattern, actual);
}
