/*
 * The sandbox business registry: the bundled synthetic data set (CSV, parsed and checked
 * at start, then read-only and shared by every worker) and the in-process server that
 * answers the wire format as a real registry would, failures included.
 */
#include "registry.h"

#include "log.h"
#include "mem.h"
#include "status.h"
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct registry_dataset {
	char *text;            /* the CSV, unquoted in place; the records point into it */
	registry_record *rows; /* sorted by USCC */
	size_t n;
};

#define CSV_FIELDS 12
static const char CSV_HEADER[] = "uscc,name,legal_rep,status,type,founded_on,"
                                 "registered_capital_wan,authority,industry,business_scope,"
                                 "address,region_code";

/* ---- CSV ----------------------------------------------------------------------------- */

struct csv {
	char *p, *end;
	long line; /* of p */
};

/*
 * Reads one field at c->p (RFC 4180), unquoting it in place and terminating it with NUL.
 * *delim gets what ended it: ',', '\n' (also for "\r\n") or '\0' at the end of the text.
 * Returns the field, or NULL for a stray quote.
 */
static char *csv_field(struct csv *c, char *delim)
{
	char *start = c->p, *w = c->p;
	if (c->p < c->end && *c->p == '"') {
		c->p++;
		for (;;) {
			if (c->p >= c->end)
				return NULL; /* unterminated */
			if (*c->p == '"') {
				if (c->p + 1 < c->end && c->p[1] == '"') {
					*w++ = '"';
					c->p += 2;
					continue;
				}
				c->p++;
				break;
			}
			if (*c->p == '\n')
				c->line++;
			*w++ = *c->p++;
		}
	} else {
		while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
			if (*c->p == '"')
				return NULL;
			c->p++;
		}
		w = c->p;
	}
	if (c->p < c->end && *c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
		c->p++;
	if (c->p >= c->end) {
		*delim = '\0';
	} else if (*c->p == ',' || *c->p == '\n') {
		*delim = *c->p++;
		if (*delim == '\n')
			c->line++;
	} else {
		return NULL; /* text after a closing quote, or a lone '\r' */
	}
	*w = '\0';
	return start;
}

static int csv_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int csv_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || !csv_digits(s, 4) || s[4] != '-' || !csv_digits(s + 5, 2) ||
	    s[7] != '-' || !csv_digits(s + 8, 2))
		return 0;
	int y = (int)strtol(s, NULL, 10), m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] &&
	       !(m == 2 && d == 29 && !leap);
}

static int csv_fail(char *err, size_t errlen, long line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int csv_fail(char *err, size_t errlen, long line, const char *fmt, ...)
{
	char what[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (err && errlen && line > 0)
		snprintf(err, errlen, "line %ld: %s", line, what);
	else if (err && errlen)
		snprintf(err, errlen, "%s", what);
	return -1;
}

static const char *csv_opt(const char *s) { return *s ? s : NULL; }

/* Checks the fields of one row and fills *r. */
static int csv_row(char **f, long line, registry_record *r, char *err, size_t errlen)
{
	int check = validate_uscc(f[0]);
	if (check != 0 && check != ST_USCC_CHECKSUM)
		return csv_fail(err, errlen, line, "malformed USCC %s (%s)", f[0],
		                status_code_name(check));
	/* A legal representative may be missing, as some registries' records lack one. */
	if (!*f[1])
		return csv_fail(err, errlen, line, "name is required");
	if (strcmp(f[3], "存续") != 0 && strcmp(f[3], "在业") != 0 && strcmp(f[3], "注销") != 0 &&
	    strcmp(f[3], "吊销") != 0)
		return csv_fail(err, errlen, line, "status must be 存续, 在业, 注销 or 吊销");
	if (!csv_date(f[5]))
		return csv_fail(err, errlen, line, "founded_on is not a YYYY-MM-DD date");
	/* A plain number here: the unit is the column's. */
	if (strspn(f[6], "0123456789.") != strlen(f[6]) ||
	    registry_capital_parse(f[6], &r->registered_capital_fen) != 0)
		return csv_fail(err, errlen, line,
		                "registered_capital_wan is not a number of 万元");
	if (!registry_industry_name(f[8]))
		return csv_fail(err, errlen, line, "industry is not a GB/T 4754 section letter");
	if (strlen(f[11]) != 6 || !csv_digits(f[11], 6))
		return csv_fail(err, errlen, line, "region_code is not a 6-digit county code");
	r->uscc = f[0];
	r->name = f[1];
	r->legal_rep = csv_opt(f[2]);
	r->status = f[3];
	r->type = csv_opt(f[4]);
	r->founded_on = f[5];
	r->authority = csv_opt(f[7]);
	r->industry = f[8];
	r->business_scope = csv_opt(f[9]);
	r->address = csv_opt(f[10]);
	r->region_code = f[11];
	return 0;
}

static int record_cmp(const void *a, const void *b)
{
	return strcmp(((const registry_record *)a)->uscc, ((const registry_record *)b)->uscc);
}

int registry_dataset_parse(const char *csv, size_t len, registry_dataset **out, char *err,
                           size_t errlen)
{
	registry_dataset *d = xcalloc(1, sizeof *d);
	size_t cap = 256, hlen = strlen(CSV_HEADER);
	int rv = -1;
	d->text = xmalloc(len + 1);
	memcpy(d->text, csv, len);
	d->text[len] = '\0';
	d->rows = xmalloc(cap * sizeof *d->rows);
	struct csv c = {d->text, d->text + len, 1};

	if (len >= 3 && memcmp(c.p, "\xEF\xBB\xBF", 3) == 0) /* a BOM from a spreadsheet */
		c.p += 3;
	if ((size_t)(c.end - c.p) < hlen || memcmp(c.p, CSV_HEADER, hlen) != 0 ||
	    (c.p[hlen] != '\n' && c.p[hlen] != '\r')) {
		csv_fail(err, errlen, 1, "the header must be %s", CSV_HEADER);
		goto out;
	}
	c.p += hlen;
	if (*c.p == '\r')
		c.p++;
	c.p++;
	c.line = 2;
	while (c.p < c.end) {
		char *f[CSV_FIELDS], delim = ',';
		long line = c.line;
		size_t nf = 0;
		if (*c.p == '\n' || (*c.p == '\r' && c.p + 1 < c.end && c.p[1] == '\n')) {
			c.p += *c.p == '\r' ? 2 : 1; /* a blank line */
			c.line++;
			continue;
		}
		while (delim == ',') {
			char *v = csv_field(&c, &delim);
			if (!v) {
				csv_fail(err, errlen, c.line, "malformed quoting");
				goto out;
			}
			if (nf == CSV_FIELDS) {
				csv_fail(err, errlen, line, "more than %d fields", CSV_FIELDS);
				goto out;
			}
			f[nf++] = v;
		}
		if (nf != CSV_FIELDS) {
			csv_fail(err, errlen, line, "%zu fields instead of %d", nf, CSV_FIELDS);
			goto out;
		}
		if (d->n == cap)
			d->rows = xrealloc(d->rows, (cap *= 2) * sizeof *d->rows);
		if (csv_row(f, line, &d->rows[d->n], err, errlen) != 0)
			goto out;
		d->n++;
	}
	if (d->n == 0) {
		csv_fail(err, errlen, c.line, "no records");
		goto out;
	}
	qsort(d->rows, d->n, sizeof *d->rows, record_cmp);
	for (size_t i = 1; i < d->n; i++)
		if (strcmp(d->rows[i - 1].uscc, d->rows[i].uscc) == 0) {
			csv_fail(err, errlen, 0, "USCC %s appears twice", d->rows[i].uscc);
			goto out;
		}
	*out = d;
	d = NULL;
	rv = 0;
out:
	registry_dataset_free(d);
	return rv;
}

int registry_dataset_load(const char *path, registry_dataset **out)
{
	char err[256];
	size_t cap = 1 << 16, n = 0, got;
	FILE *f = fopen(path, "rb");
	if (!f) {
		log_kv(LOGL_ERROR, NULL, "registry sandbox file missing", "path", path, NULL);
		return -1;
	}
	char *buf = xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0)
		if ((n += got) == cap)
			buf = xrealloc(buf, cap *= 2);
	int bad = ferror(f);
	fclose(f);
	int rv = bad ? -1 : registry_dataset_parse(buf, n, out, err, sizeof err);
	free(buf);
	if (rv != 0)
		log_kv(LOGL_ERROR, NULL, "registry sandbox file malformed", "path", path, "error",
		       bad ? "read error" : err, NULL);
	return rv;
}

void registry_dataset_free(registry_dataset *d)
{
	if (!d)
		return;
	free(d->rows);
	free(d->text);
	free(d);
}

size_t registry_dataset_count(const registry_dataset *d) { return d ? d->n : 0; }

const registry_record *registry_dataset_at(const registry_dataset *d, size_t i)
{
	return d && i < d->n ? &d->rows[i] : NULL;
}

/* ---- the server ------------------------------------------------------------------------ */

/* Percent-decodes s[0..n) in place into a NUL-terminated string; -1 on a bad escape or NUL. */
static int url_decode(char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '%') {
			int hi, lo;
			if (i + 2 >= n || (hi = validate_hex_digit(s[i + 1])) < 0 ||
			    (lo = validate_hex_digit(s[i + 2])) < 0)
				return -1;
			ch = (char)(hi * 16 + lo);
			i += 2;
		} else if (ch == '+') {
			ch = ' ';
		}
		if (ch == '\0')
			return -1;
		s[w++] = ch;
	}
	s[w] = '\0';
	return 0;
}

/* A whole decimal number in [min, max], else -1. */
static long param_long(const char *s, long min, long max)
{
	if (!*s || strlen(s) > 9 || !csv_digits(s, strlen(s)))
		return -1;
	long v = strtol(s, NULL, 10);
	return v >= min && v <= max ? v : -1;
}

static void serve_answer(registry_exchange *x, long status, char *body)
{
	x->status = status;
	x->body = body;
	x->body_len = strlen(body);
}

static void serve_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Exact name first, then names starting with the fragment, then the rest, each in USCC
 * order: what someone typing a name expects on top. Returns the match count. */
static size_t serve_match_name(const registry_dataset *d, const char *frag, size_t *idx)
{
	size_t n = 0, flen = strlen(frag);
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < d->n; i++) {
			const char *name = d->rows[i].name;
			int exact = strcmp(name, frag) == 0;
			int prefix = !exact && strncmp(name, frag, flen) == 0;
			int inside = !exact && !prefix && strstr(name, frag) != NULL;
			if ((pass == 0 && exact) || (pass == 1 && prefix) || (pass == 2 && inside))
				idx[n++] = i;
		}
	return n;
}

void registry_sandbox_serve(const registry_dataset *d, registry_exchange *x)
{
	static const char prefix[] = "/enterprises?";
	char *query = NULL, *uscc = NULL, *name = NULL;
	size_t *idx = NULL;
	long page = 1, size = 20;
	x->status = 0;
	x->body = NULL;
	x->body_len = 0;
	if (!x->app_key || strcmp(x->app_key, REGISTRY_SANDBOX_APP_KEY) != 0) {
		serve_answer(x, 401, registry_wire_render_error("1002", "app key 无效"));
		goto out;
	}
	if (!x->path || strncmp(x->path, prefix, sizeof prefix - 1) != 0) {
		serve_answer(x, 404, registry_wire_render_error("1001", "接口不存在"));
		goto out;
	}
	query = xstrdup(x->path + sizeof prefix - 1);
	for (char *p = query; p && *p;) {
		char *amp = strchr(p, '&'), *eq;
		if (amp)
			*amp = '\0';
		if (!(eq = strchr(p, '=')) || url_decode(eq + 1, strlen(eq + 1)) != 0)
			goto bad;
		*eq = '\0';
		if (strcmp(p, "uscc") == 0)
			uscc = eq + 1;
		else if (strcmp(p, "name") == 0)
			name = eq + 1;
		else if (strcmp(p, "page") == 0)
			page = param_long(eq + 1, 1, 100000);
		else if (strcmp(p, "page_size") == 0)
			size = param_long(eq + 1, 1, REGISTRY_PAGE_SIZE_MAX);
		p = amp ? amp + 1 : NULL;
	}
	if (!uscc == !name || page < 0 || size < 0 || (name && !*name) ||
	    (uscc && validate_uscc(uscc) != 0 && validate_uscc(uscc) != ST_USCC_CHECKSUM))
		goto bad;
	if ((uscc && strcmp(uscc, REGISTRY_SANDBOX_TIMEOUT_USCC) == 0) ||
	    (name && strcmp(name, REGISTRY_SANDBOX_TIMEOUT_NAME) == 0)) {
		serve_sleep_ms(x->timeout_ms);
		x->timed_out = 1;
		goto out;
	}
	if ((uscc && strcmp(uscc, REGISTRY_SANDBOX_DOWN_USCC) == 0) ||
	    (name && strcmp(name, REGISTRY_SANDBOX_DOWN_NAME) == 0)) {
		serve_answer(x, 503, registry_wire_render_error("2002", "数据源暂不可用"));
		goto out;
	}
	idx = xmalloc((d->n ? d->n : 1) * sizeof *idx);
	size_t total = 0;
	if (uscc) {
		registry_record key = {.uscc = uscc};
		const registry_record *hit =
		        bsearch(&key, d->rows, d->n, sizeof *d->rows, record_cmp);
		if (hit)
			idx[total++] = (size_t)(hit - d->rows);
	} else {
		total = serve_match_name(d, name, idx);
	}
	size_t from = (size_t)(page - 1) * (size_t)size, n = 0;
	const registry_record *items[REGISTRY_PAGE_SIZE_MAX];
	for (size_t i = from; i < total && n < (size_t)size; i++)
		items[n++] = &d->rows[idx[i]];
	serve_answer(x, 200, registry_wire_render(items, n, (int64_t)total, (int)page, (int)size));
	goto out;
bad:
	serve_answer(x, 400, registry_wire_render_error("1001", "参数错误"));
out:
	free(idx);
	free(query);
}
