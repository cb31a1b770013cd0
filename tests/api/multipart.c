/* multipart/form-data bodies for the API test runner (RFC 7578, as browsers send them). */
#include "multipart.h"

#include "bytes.h"
#include "vars.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const text_keys[] = {"name", "value", NULL};
static const char *const file_keys[] = {"name", "filename", "content_type", "base64", "hex",
                                        "text", "pad_to",   "path",         NULL};
static const char *const content_keys[] = {"base64", "hex", "text", "path", NULL};

static int part_err(char *err, size_t errlen, size_t i, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Writes "multipart[i]" and a message into err and returns -1. */
static int part_err(char *err, size_t errlen, size_t i, const char *fmt, ...)
{
	int n = snprintf(err, errlen, "multipart[%zu]", i);
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int only_keys(const json_t *part, const char *const *keys, const char *kind, size_t i,
                     char *err, size_t errlen)
{
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)part, k, v)
	{
		size_t j = 0;
		while (keys[j] && strcmp(keys[j], k) != 0)
			j++;
		if (!keys[j])
			return part_err(err, errlen, i, ": \"%s\" does not go with a %s part", k,
			                kind);
	}
	return 0;
}

/* A string of the part with its {{name}}s expanded (malloc'd), or NULL with err. */
static char *expanded(const json_t *vars, const json_t *part, const char *key, size_t i, char *err,
                      size_t errlen)
{
	const json_t *v = json_object_get(part, key);
	char why[384];
	if (!json_is_string(v)) {
		part_err(err, errlen, i, ".%s must be a string", key);
		return NULL;
	}
	char *s = vars_expand(vars, json_string_value(v), why, sizeof why);
	if (!s)
		part_err(err, errlen, i, ".%s: %s", key, why);
	return s;
}

/* s quoted for a Content-Disposition parameter: ", CR and LF percent-encoded. */
static void add_quoted(struct strbuf *b, const char *s)
{
	strbuf_add(b, "\"", 1);
	for (; *s; s++) {
		if (*s == '"')
			strbuf_add(b, "%22", 3);
		else if (*s == '\r')
			strbuf_add(b, "%0D", 3);
		else if (*s == '\n')
			strbuf_add(b, "%0A", 3);
		else
			strbuf_add(b, s, 1);
	}
	strbuf_add(b, "\"", 1);
}

/* The bytes of a file part: its one content key decoded, then padded to "pad_to". */
static int file_content(const json_t *vars, const json_t *part, size_t i, struct strbuf *out,
                        char *err, size_t errlen)
{
	const json_t *pad_to = json_object_get(part, "pad_to");
	const char *key = NULL;
	char why[384], pad[4096];
	for (size_t j = 0; content_keys[j]; j++) {
		if (!json_object_get(part, content_keys[j]))
			continue;
		if (key)
			return part_err(err, errlen, i,
			                ": give only one of base64, hex, text and path");
		key = content_keys[j];
	}
	if (pad_to && (!json_is_integer(pad_to) || json_integer_value(pad_to) < 0 ||
	               json_integer_value(pad_to) > MULTIPART_PAD_MAX))
		return part_err(err, errlen, i, ".pad_to must be an integer from 0 to %lld",
		                (long long)MULTIPART_PAD_MAX);
	if (!key)
		return part_err(err, errlen, i, ": a file part needs base64, hex, text or path");
	if (strcmp(key, "path") == 0) {
		/* A file a fixture wrote (a signed PDF: binary, and larger than a saved output). */
		char *path = expanded(vars, part, "path", i, err, errlen);
		if (!path)
			return -1;
		FILE *f = fopen(path, "rb");
		if (!f) {
			part_err(err, errlen, i, ".path: cannot open %s", path);
			free(path);
			return -1;
		}
		size_t n;
		while ((n = fread(pad, 1, sizeof pad, f)) > 0)
			strbuf_add(out, pad, n);
		fclose(f);
		free(path);
	} else if (strcmp(key, "text") == 0) {
		char *text = expanded(vars, part, "text", i, err, errlen);
		if (!text)
			return -1;
		strbuf_add(out, text, strlen(text));
		free(text);
	} else {
		const char *s = json_string_value(json_object_get(part, key));
		if (!s)
			return part_err(err, errlen, i, ".%s must be a string", key);
		int rc = strcmp(key, "hex") == 0 ? bytes_from_hex(s, out, why, sizeof why)
		                                 : bytes_from_base64(s, out, why, sizeof why);
		if (rc != 0)
			return part_err(err, errlen, i, ".%s: %s", key, why);
	}
	size_t want = pad_to ? (size_t)json_integer_value(pad_to) : 0;
	if (pad_to && out->len > want)
		return part_err(err, errlen, i,
		                ".pad_to: the content is already %zu bytes, more than %zu",
		                out->len, want);
	memset(pad, 'A', sizeof pad);
	while (pad_to && out->len < want) {
		size_t n = want - out->len < sizeof pad ? want - out->len : sizeof pad;
		strbuf_add(out, pad, n);
	}
	return 0;
}

/* Whether a file part has a content key, which makes it a file part. */
static int has_content(const json_t *part)
{
	for (size_t j = 0; content_keys[j]; j++)
		if (json_object_get(part, content_keys[j]))
			return 1;
	return 0;
}

static int add_part(const json_t *vars, const json_t *part, size_t i, const char *boundary,
                    struct strbuf *body, char *err, size_t errlen)
{
	const json_t *name = json_object_get(part, "name"), *type = NULL;
	struct strbuf content = {0};
	char *value = NULL, *filename = NULL;
	int rc = -1, file = 0;
	if (!json_is_object(part)) {
		part_err(err, errlen, i, " must be an object");
		goto out;
	}
	if (!json_is_string(name) || json_string_length(name) == 0) {
		part_err(err, errlen, i, ".name must be a non-empty string");
		goto out;
	}
	file = has_content(part);
	if (json_object_get(part, "value") && file) {
		part_err(err, errlen, i,
		         ": give value (a text field) or one of base64, hex and "
		         "text (a file), not both");
		goto out;
	}
	if (!file && !json_object_get(part, "value")) {
		part_err(err, errlen, i,
		         ": give value (a text field) or one of base64, hex and "
		         "text (a file)");
		goto out;
	}
	if (only_keys(part, file ? file_keys : text_keys, file ? "file" : "text", i, err, errlen) !=
	    0)
		goto out;
	if (!file) {
		if (!(value = expanded(vars, part, "value", i, err, errlen)))
			goto out;
		strbuf_add(&content, value, strlen(value));
	} else {
		type = json_object_get(part, "content_type");
		if (type &&
		    (!json_is_string(type) || json_string_length(type) == 0 ||
		     strcspn(json_string_value(type), "\r\n") != json_string_length(type))) {
			part_err(err, errlen, i, ".content_type must be a one-line string");
			goto out;
		}
		if (json_object_get(part, "filename") &&
		    !(filename = expanded(vars, part, "filename", i, err, errlen)))
			goto out;
		if (file_content(vars, part, i, &content, err, errlen) != 0)
			goto out;
	}
	strbuf_printf(body, "--%s\r\nContent-Disposition: form-data; name=", boundary);
	add_quoted(body, json_string_value(name));
	if (filename) {
		strbuf_addstr(body, "; filename=");
		add_quoted(body, filename);
	}
	strbuf_addstr(body, "\r\n");
	if (file)
		strbuf_printf(body, "Content-Type: %s\r\n",
		              type ? json_string_value(type) : MULTIPART_DEFAULT_TYPE);
	strbuf_addstr(body, "\r\n");
	strbuf_add(body, content.p, content.len);
	strbuf_addstr(body, "\r\n");
	rc = 0;
out:
	free(content.p);
	free(value);
	free(filename);
	return rc;
}

int multipart_body(const json_t *vars, const json_t *parts, const char *boundary,
                   struct strbuf *body, char *err, size_t errlen)
{
	if (!json_is_array(parts) || json_array_size(parts) == 0) {
		snprintf(err, errlen, "multipart must be a non-empty array of parts");
		return -1;
	}
	size_t i;
	const json_t *part;
	json_array_foreach(parts, i, part)
	{
		if (add_part(vars, part, i, boundary, body, err, errlen) != 0)
			return -1;
	}
	strbuf_printf(body, "--%s--\r\n", boundary);
	return 0;
}
