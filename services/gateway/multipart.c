/* multipart/form-data parsing (see multipart.h). */
#include "multipart.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const unsigned char *mp_find(const unsigned char *hay, size_t n, const char *needle,
                                    size_t m)
{
	if (m == 0 || n < m)
		return NULL;
	for (size_t i = 0; i + m <= n; i++)
		if (hay[i] == (unsigned char)needle[0] && memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

/* An RFC 5987 ext-value (UTF-8'lang'pct-encoded) decoded into out; 0 or -1. */
static int mp_ext_value(const char *v, char *out, size_t cap)
{
	if (strncasecmp(v, "UTF-8'", 6) != 0)
		return -1;
	const char *p = strchr(v + 6, '\'');
	if (!p)
		return -1;
	size_t n = 0;
	for (p++; *p; p++) {
		int c = (unsigned char)*p;
		if (c == '%') {
			int hi = validate_hex_digit(p[1]),
			    lo = hi < 0 ? -1 : validate_hex_digit(p[2]);
			if (lo < 0)
				return -1;
			c = hi * 16 + lo;
			p += 2;
		}
		if (n + 1 >= cap || c == 0)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

/*
 * The value of parameter key in a header value such as
 * `form-data; name="file"; filename="a.pdf"`, as RFC 7578 / 2183 / 2045 read it:
 * parameters split at `;` outside quoted strings (a quoted filename may hold `;`),
 * names compared without case, quoted-pair escapes honoured, and `key*` (RFC 5987,
 * UTF-8) preferred to `key`. 0, 1 when absent, -1 when malformed or too long.
 */
static int mp_param(const char *v, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	int found = 0;
	char value[1024];
	const char *p = strchr(v, ';');
	while (p && *p == ';') {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		const char *name = p;
		while (*p && *p != '=' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		size_t nlen = (size_t)(p - name);
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			return nlen == 0 && (*p == ';' || !*p) ? (found ? 0 : 1) : -1;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = 0;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (n + 1 >= sizeof value)
					return -1;
				value[n++] = *p;
			}
			if (*p != '"')
				return -1;
			p++;
		} else {
			for (; *p && *p != ';' && *p != ' ' && *p != '\t'; p++) {
				if (n + 1 >= sizeof value)
					return -1;
				value[n++] = *p;
			}
		}
		value[n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != ';')
			return -1;
		if (nlen == klen + 1 && name[klen] == '*' && strncasecmp(name, key, klen) == 0) {
			/* The extended form wins over the plain one wherever it stands. */
			if (mp_ext_value(value, out, cap) != 0)
				return -1;
			found = 2;
		} else if (nlen == klen && strncasecmp(name, key, klen) == 0 && found < 2) {
			if (found == 1 || n + 1 > cap)
				return -1; /* a parameter given twice is ambiguous */
			memcpy(out, value, n + 1);
			found = 1;
		}
	}
	return found ? 0 : 1;
}

/* Parses the header block [h, h+n) of one part into part. */
static int mp_part_headers(const unsigned char *h, size_t n, gw_part *part)
{
	int has_disposition = 0;
	while (n > 0) {
		const unsigned char *eol = mp_find(h, n, "\r\n", 2);
		size_t len = eol ? (size_t)(eol - h) : n;
		char line[1024];
		if (len >= sizeof line)
			return -1;
		memcpy(line, h, len);
		line[len] = '\0';
		char *colon = strchr(line, ':');
		if (!colon)
			return -1;
		*colon = '\0';
		char *value = colon + 1;
		while (*value == ' ' || *value == '\t')
			value++;
		if (strcasecmp(line, "Content-Disposition") == 0) {
			if (strncasecmp(value, "form-data", 9) != 0 ||
			    (value[9] && value[9] != ';' && value[9] != ' ' && value[9] != '\t'))
				return -1;
			if (mp_param(value, "name", part->name, sizeof part->name) != 0 ||
			    !part->name[0])
				return -1;
			if (mp_param(value, "filename", part->filename, sizeof part->filename) < 0)
				return -1;
			has_disposition = 1;
		} else if (strcasecmp(line, "Content-Type") == 0) {
			snprintf(part->content_type, sizeof part->content_type, "%s", value);
		}
		if (!eol)
			break;
		h = eol + 2;
		n -= len + 2;
	}
	return has_disposition ? 0 : -1;
}

int gw_multipart_parse(const char *content_type, const unsigned char *body, size_t len,
                       gw_part *parts, size_t *nparts)
{
	char boundary[80], delim[96];
	*nparts = 0;
	if (!content_type || strncasecmp(content_type, "multipart/form-data", 19) != 0)
		return -1;
	if (mp_param(content_type, "boundary", boundary, sizeof boundary) != 0 ||
	    strlen(boundary) < 1 || strlen(boundary) > 70)
		return -1;
	/* The first delimiter may open the body; later ones follow a CRLF. */
	int dlen = snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	const unsigned char *p;
	if (len >= (size_t)dlen - 2 && memcmp(body, delim + 2, (size_t)dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = mp_find(body, len, delim, (size_t)dlen)))
		p += dlen;
	else
		return -1;
	const unsigned char *end = body + len;
	for (;;) {
		/* After a delimiter: "--" closes the body, CRLF opens a part. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return *nparts > 0 ? 0 : -1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return -1;
		p += 2;
		if (*nparts == GW_MULTIPART_MAX_PARTS)
			return -1;
		const unsigned char *hend = mp_find(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			return -1;
		gw_part *part = &parts[*nparts];
		memset(part, 0, sizeof *part);
		if (mp_part_headers(p, (size_t)(hend - p), part) != 0)
			return -1;
		const unsigned char *data = hend + 4;
		const unsigned char *next =
		        mp_find(data, (size_t)(end - data), delim, (size_t)dlen);
		if (!next)
			return -1;
		part->data = data;
		part->len = (size_t)(next - data);
		(*nparts)++;
		p = next + dlen;
	}
}
