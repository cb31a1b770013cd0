/* "{{name}}" substitution and path lookup for the API test runner's cases. */
#include "vars.h"

#include "mem.h"
#include "strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch == '.';
}

/* Copies the trimmed name between "{{" (at start) and "}}" (at end) into out. */
static int placeholder_name(const char *start, const char *end, char *out, size_t outlen)
{
	while (start < end && *start == ' ')
		start++;
	while (end > start && end[-1] == ' ')
		end--;
	size_t n = (size_t)(end - start);
	if (n == 0 || n >= outlen)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!name_char(start[i]))
			return -1;
	memcpy(out, start, n);
	out[n] = '\0';
	return 0;
}

char *vars_expand(const json_t *vars, const char *s, char *err, size_t errlen)
{
	struct strbuf b = {0};
	strbuf_add(&b, "", 0);
	const char *p = s;
	for (;;) {
		const char *open = strstr(p, "{{");
		if (!open) {
			strbuf_add(&b, p, strlen(p));
			return b.p;
		}
		strbuf_add(&b, p, (size_t)(open - p));
		const char *close = strstr(open + 2, "}}");
		char name[128];
		if (!close) {
			snprintf(err, errlen, "\"{{\" without \"}}\" in \"%s\"", s);
			break;
		}
		if (placeholder_name(open + 2, close, name, sizeof name) != 0) {
			snprintf(err, errlen, "bad variable name in \"%s\"", s);
			break;
		}
		const json_t *v = json_object_get(vars, name);
		if (!v) {
			snprintf(err, errlen, "undefined variable {{%s}}", name);
			break;
		}
		if (json_is_string(v)) {
			strbuf_add(&b, json_string_value(v), json_string_length(v));
		} else {
			char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			if (text)
				strbuf_add(&b, text, strlen(text));
			free(text);
		}
		p = close + 2;
	}
	free(b.p);
	return NULL;
}

/* The variable when s is exactly one "{{name}}", else NULL. */
static const json_t *whole_placeholder(const json_t *vars, const char *s)
{
	size_t n = strlen(s);
	if (n < 5 || strncmp(s, "{{", 2) != 0 || strcmp(s + n - 2, "}}") != 0)
		return NULL;
	const char *close = strstr(s + 2, "}}");
	if (close != s + n - 2)
		return NULL;
	char name[128];
	if (placeholder_name(s + 2, close, name, sizeof name) != 0)
		return NULL;
	return json_object_get(vars, name);
}

json_t *vars_expand_json(const json_t *vars, const json_t *v, char *err, size_t errlen)
{
	if (json_is_string(v)) {
		const json_t *whole = whole_placeholder(vars, json_string_value(v));
		if (whole)
			return json_deep_copy(whole);
		char *s = vars_expand(vars, json_string_value(v), err, errlen);
		if (!s)
			return NULL;
		json_t *out = json_string(s);
		if (!out)
			snprintf(err, errlen, "expanded string is not valid UTF-8");
		free(s);
		return out;
	}
	if (json_is_object(v)) {
		json_t *out = json_object();
		const char *k;
		const json_t *el;
		json_object_foreach((json_t *)v, k, el)
		{
			json_t *x = vars_expand_json(vars, el, err, errlen);
			if (!x) {
				json_decref(out);
				return NULL;
			}
			json_object_set_new(out, k, x);
		}
		return out;
	}
	if (json_is_array(v)) {
		json_t *out = json_array();
		size_t i;
		const json_t *el;
		json_array_foreach(v, i, el)
		{
			json_t *x = vars_expand_json(vars, el, err, errlen);
			if (!x) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, x);
		}
		return out;
	}
	return json_deep_copy(v);
}

static json_t *path_index(json_t *cur, const char **pp, const char *path, char *err, size_t errlen)
{
	const char *p = *pp + 1;
	char *end;
	errno = 0;
	long i = strtol(p, &end, 10);
	if (end == p || *end != ']' || errno != 0) {
		snprintf(err, errlen, "bad index in path \"%s\"", path);
		return NULL;
	}
	*pp = end + 1;
	if (!json_is_array(cur)) {
		snprintf(err, errlen, "path \"%s\": not an array before [%ld]", path, i);
		return NULL;
	}
	long size = (long)json_array_size(cur);
	if (i < 0)
		i += size;
	if (i < 0 || i >= size) {
		snprintf(err, errlen, "path \"%s\": index out of range (array of %ld)", path, size);
		return NULL;
	}
	return json_array_get(cur, (size_t)i);
}

json_t *vars_path_get(json_t *root, const char *path, char *err, size_t errlen)
{
	json_t *cur = root;
	const char *p = path;
	if (*p == '.')
		p++;
	if (*p == '\0')
		return root;
	int first = 1;
	while (*p) {
		if (*p == '[') {
			cur = path_index(cur, &p, path, err, errlen);
			if (!cur)
				return NULL;
			first = 0;
			continue;
		}
		if (!first) {
			if (*p != '.') {
				snprintf(err, errlen, "malformed path \"%s\"", path);
				return NULL;
			}
			p++;
		}
		first = 0;
		size_t n = strcspn(p, ".[");
		if (n == 0) {
			snprintf(err, errlen, "empty key in path \"%s\"", path);
			return NULL;
		}
		char *key = xstrndup(p, n);
		json_t *next = json_is_object(cur) ? json_object_get(cur, key) : NULL;
		if (!next)
			snprintf(err, errlen, "path \"%s\": no key \"%s\"", path, key);
		free(key);
		if (!next)
			return NULL;
		cur = next;
		p += n;
	}
	return cur;
}
