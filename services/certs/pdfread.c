/* Reading a PDF's cross-reference chain, objects and page tree (see pdfread.h). */
#include "pdfread.h"
#include "status.h"

#include <zlib.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nesting of arrays and dictionaries, sections of a /Prev chain, levels of a page tree:
 * bounds so that a hostile file cannot recurse or loop without end. */
#define PDF_MAX_DEPTH    64
#define PDF_MAX_SECTIONS 256
#define PDF_MAX_OBJECTS  (8 * 1024 * 1024)
#define PDF_MAX_INFLATE  (256u * 1024 * 1024)
/* Object streams opened inside one another (a /Length in another stream) and page-tree
 * nodes visited in one walk (a node listing itself many times would otherwise take
 * exponential time within the depth bound). */
#define PDF_MAX_NESTED_STREAMS 4
#define PDF_MAX_VISITS         200000

typedef struct xref_entry {
	unsigned char type; /* 0 unset/free, 1 in file, 2 in an object stream */
	size_t off;         /* type 1: byte offset; type 2: the stream's object number */
	long idx;           /* type 2: index within the stream; type 1: generation */
} xref_entry;

typedef struct objstm {
	long num;
	unsigned char *data; /* inflated, xmalloc'd */
	size_t len;
	long n, first;
	struct objstm *next;
} objstm;

struct pdfread {
	const unsigned char *buf;
	size_t len;
	arena *a;
	xref_entry *x;
	long nx;
	const pdfo *trailer;
	size_t startxref;
	int xref_stream;
	objstm *streams;
	int nesting;
};

void pdfread_buf_put(pdfread_buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = 0;
}

void pdfread_buf_printf(pdfread_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		pdfread_buf_put(b, small, (size_t)n);
		return;
	}
	char *big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	pdfread_buf_put(b, big, (size_t)n);
	free(big);
}

/* ---- lexing and parsing ---------------------------------------------------- */

typedef struct lex {
	const char *s;
	size_t len, pos;
	arena *a;
} lex;

static int is_ws(int c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static int is_delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

static void skip_ws(lex *l)
{
	while (l->pos < l->len) {
		int c = (unsigned char)l->s[l->pos];
		if (is_ws(c)) {
			l->pos++;
		} else if (c == '%') {
			while (l->pos < l->len && l->s[l->pos] != '\n' && l->s[l->pos] != '\r')
				l->pos++;
		} else {
			break;
		}
	}
}

/* A regular token (number, keyword): its length at pos. */
static size_t token_len(const lex *l)
{
	size_t i = l->pos;
	while (i < l->len && !is_ws((unsigned char)l->s[i]) && !is_delim((unsigned char)l->s[i]))
		i++;
	return i - l->pos;
}

static int token_is(const lex *l, const char *kw)
{
	size_t n = strlen(kw);
	return token_len(l) == n && memcmp(l->s + l->pos, kw, n) == 0;
}

/* An unsigned integer token at pos (without moving); -1 when none. */
static long peek_uint(const lex *l, size_t *n)
{
	size_t k = token_len(l);
	if (k == 0 || k > 18)
		return -1;
	long v = 0;
	for (size_t i = 0; i < k; i++) {
		char c = l->s[l->pos + i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*n = k;
	return v;
}

pdfo *pdfo_new(arena *a, pdfo_type t)
{
	pdfo *o = arena_calloc(a, sizeof *o);
	o->type = t;
	return o;
}

static void push(arena *a, pdfo *o, pdfo *item, size_t *cap)
{
	if (o->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		pdfo **items = arena_alloc(a, nc * sizeof *items);
		if (o->n)
			memcpy(items, o->items, o->n * sizeof *items);
		o->items = items;
		*cap = nc;
	}
	o->items[o->n++] = item;
}

static pdfo *parse_obj(lex *l, int depth);

static pdfo *parse_scalar(lex *l, pdfo_type t, size_t start)
{
	pdfo *o = pdfo_new(l->a, t);
	o->raw = l->s + start;
	o->rawlen = l->pos - start;
	return o;
}

static pdfo *parse_literal(lex *l)
{
	size_t start = l->pos++;
	int nest = 1;
	while (l->pos < l->len && nest > 0) {
		char c = l->s[l->pos++];
		if (c == '\\')
			l->pos++;
		else if (c == '(')
			nest++;
		else if (c == ')')
			nest--;
	}
	if (nest || l->pos > l->len)
		return NULL;
	return parse_scalar(l, PDFO_STR, start);
}

static pdfo *parse_container(lex *l, int depth, int dict)
{
	pdfo *o = pdfo_new(l->a, dict ? PDFO_DICT : PDFO_ARRAY);
	size_t cap = 0;
	l->pos += dict ? 2 : 1;
	for (;;) {
		skip_ws(l);
		if (l->pos >= l->len)
			return NULL;
		if (dict && l->pos + 1 < l->len && l->s[l->pos] == '>' && l->s[l->pos + 1] == '>') {
			l->pos += 2;
			break;
		}
		if (!dict && l->s[l->pos] == ']') {
			l->pos++;
			break;
		}
		pdfo *item = parse_obj(l, depth + 1);
		if (!item || (dict && (o->n % 2) == 0 && item->type != PDFO_NAME))
			return NULL;
		push(l->a, o, item, &cap);
	}
	return dict && (o->n % 2) ? NULL : o;
}

static pdfo *parse_obj(lex *l, int depth)
{
	if (depth > PDF_MAX_DEPTH)
		return NULL;
	skip_ws(l);
	if (l->pos >= l->len)
		return NULL;
	size_t start = l->pos;
	char c = l->s[l->pos];
	if (c == '<' && l->pos + 1 < l->len && l->s[l->pos + 1] == '<')
		return parse_container(l, depth, 1);
	if (c == '[')
		return parse_container(l, depth, 0);
	if (c == '(')
		return parse_literal(l);
	if (c == '<') {
		const char *e = memchr(l->s + l->pos, '>', l->len - l->pos);
		if (!e)
			return NULL;
		l->pos = (size_t)(e - l->s) + 1;
		return parse_scalar(l, PDFO_STR, start);
	}
	if (c == '/') {
		l->pos++;
		l->pos += token_len(l);
		return parse_scalar(l, PDFO_NAME, start);
	}
	size_t n = token_len(l);
	if (n == 0)
		return NULL;
	if (token_is(l, "true") || token_is(l, "false")) {
		l->pos += n;
		return parse_scalar(l, PDFO_BOOL, start);
	}
	if (token_is(l, "null")) {
		l->pos += n;
		return parse_scalar(l, PDFO_NULL, start);
	}
	/* "num gen R" is a reference; otherwise a number. */
	size_t k1, k2;
	long num = peek_uint(l, &k1);
	if (num >= 0) {
		lex t = *l;
		t.pos += k1;
		skip_ws(&t);
		long gen = peek_uint(&t, &k2);
		if (gen >= 0) {
			t.pos += k2;
			skip_ws(&t);
			if (token_is(&t, "R")) {
				l->pos = t.pos + 1;
				pdfo *r = pdfo_new(l->a, PDFO_REF);
				r->num = num;
				r->gen = gen;
				return r;
			}
		}
	}
	const char *s = l->s + l->pos;
	if (!(s[0] == '-' || s[0] == '+' || s[0] == '.' || (s[0] >= '0' && s[0] <= '9')))
		return NULL;
	l->pos += n;
	pdfo *o = parse_scalar(l, PDFO_NUM, start);
	/* The integer part, read within the token (the buffer has no terminating NUL). */
	size_t k = (s[0] == '-' || s[0] == '+') ? 1 : 0;
	long v = 0;
	for (; k < n && s[k] >= '0' && s[k] <= '9' && v < 100000000000L; k++)
		v = v * 10 + (s[k] - '0');
	o->num = s[0] == '-' ? -v : v;
	return o;
}

pdfo *pdfo_parse(arena *a, const char *text, size_t len)
{
	lex l = {text, len, 0, a};
	return parse_obj(&l, 0);
}

const pdfo *pdfo_get(const pdfo *dict, const char *key)
{
	if (!dict || dict->type != PDFO_DICT)
		return NULL;
	size_t k = strlen(key);
	for (size_t i = 0; i + 1 < dict->n; i += 2) {
		const pdfo *n = dict->items[i];
		if (n->rawlen == k + 1 && memcmp(n->raw + 1, key, k) == 0)
			return dict->items[i + 1];
	}
	return NULL;
}

int pdfo_is_name(const pdfo *o, const char *name)
{
	size_t k = strlen(name);
	return o && o->type == PDFO_NAME && o->rawlen == k + 1 && memcmp(o->raw + 1, name, k) == 0;
}

void pdfo_write(pdfread_buf *b, const pdfo *o)
{
	switch (o->type) {
	case PDFO_REF:
		pdfread_buf_printf(b, "%ld %ld R", o->num, o->gen);
		break;
	case PDFO_ARRAY:
	case PDFO_DICT:
		pdfread_buf_put(b, o->type == PDFO_DICT ? "<<" : "[", o->type == PDFO_DICT ? 2 : 1);
		for (size_t i = 0; i < o->n; i++) {
			pdfread_buf_put(b, " ", 1);
			pdfo_write(b, o->items[i]);
		}
		pdfread_buf_put(b, o->type == PDFO_DICT ? " >>" : " ]",
		                o->type == PDFO_DICT ? 3 : 2);
		break;
	default:
		pdfread_buf_put(b, o->raw, o->rawlen);
	}
}

pdfo *pdfo_ref(arena *a, long num)
{
	pdfo *r = pdfo_new(a, PDFO_REF);
	r->num = num;
	return r;
}

pdfo *pdfo_raw(arena *a, pdfo_type t, const char *text)
{
	pdfo *o = pdfo_new(a, t);
	o->raw = arena_strdup(a, text);
	o->rawlen = strlen(text);
	if (t == PDFO_NUM)
		o->num = strtol(text, NULL, 10);
	return o;
}

static pdfo *copy_items(arena *a, const pdfo *src, pdfo_type t, size_t extra)
{
	pdfo *o = pdfo_new(a, t);
	size_t n = src ? src->n : 0;
	o->items = arena_alloc(a, (n + extra) * sizeof *o->items + 1);
	if (n)
		memcpy(o->items, src->items, n * sizeof *o->items);
	o->n = n;
	return o;
}

pdfo *pdfo_dict_set(arena *a, const pdfo *dict, const char *key, pdfo *v)
{
	pdfo *o = copy_items(a, dict, PDFO_DICT, 2);
	size_t k = strlen(key);
	for (size_t i = 0; i + 1 < o->n; i += 2) {
		if (o->items[i]->rawlen == k + 1 && memcmp(o->items[i]->raw + 1, key, k) == 0) {
			o->items[i + 1] = v;
			return o;
		}
	}
	o->items[o->n++] = pdfo_raw(a, PDFO_NAME, arena_printf(a, "/%s", key));
	o->items[o->n++] = v;
	return o;
}

pdfo *pdfo_array_add(arena *a, const pdfo *array, pdfo *v)
{
	pdfo *o = copy_items(a, array, PDFO_ARRAY, 1);
	o->items[o->n++] = v;
	return o;
}

/* ---- streams --------------------------------------------------------------- */

/* The PNG predictors (ISO 32000-1 7.4.4.4) undone in place: rows of 1 + cols bytes. */
static int unpredict(unsigned char *p, size_t len, long cols, size_t *outlen)
{
	if (cols <= 0 || cols > 1 << 20)
		return -1;
	size_t row = (size_t)cols + 1, rows = len / row;
	unsigned char *prev = NULL;
	size_t o = 0;
	for (size_t r = 0; r < rows; r++) {
		unsigned char *cur = p + r * row;
		int f = cur[0];
		unsigned char *d = cur + 1;
		for (size_t i = 0; i < (size_t)cols; i++) {
			int left = i ? d[i - 1] : 0, up = prev ? prev[i] : 0;
			int ul = (i && prev) ? prev[i - 1] : 0;
			switch (f) {
			case 0:
				break;
			case 1:
				d[i] = (unsigned char)(d[i] + left);
				break;
			case 2:
				d[i] = (unsigned char)(d[i] + up);
				break;
			case 3:
				d[i] = (unsigned char)(d[i] + (left + up) / 2);
				break;
			case 4: {
				int pp = left + up - ul, pa = abs(pp - left), pb = abs(pp - up),
				    pc = abs(pp - ul);
				int pr = (pa <= pb && pa <= pc) ? left : (pb <= pc ? up : ul);
				d[i] = (unsigned char)(d[i] + pr);
				break;
			}
			default:
				return -1;
			}
		}
		prev = d;
	}
	/* Compact: drop each row's filter byte. */
	for (size_t r = 0; r < rows; r++) {
		memmove(p + o, p + r * row + 1, (size_t)cols);
		o += (size_t)cols;
	}
	*outlen = o;
	return 0;
}

static int inflate_all(const unsigned char *in, size_t inlen, unsigned char **out, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return -1;
	size_t cap = inlen * 4 + 1024, len = 0;
	unsigned char *p = xmalloc(cap);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)inlen;
	int rc;
	do {
		if (len == cap) {
			if (cap >= PDF_MAX_INFLATE)
				break;
			cap *= 2;
			p = xrealloc(p, cap);
		}
		z.next_out = p + len;
		z.avail_out = (uInt)(cap - len);
		rc = inflate(&z, Z_NO_FLUSH);
		len = cap - z.avail_out;
	} while (rc == Z_OK);
	inflateEnd(&z);
	/* A stream cut short still yields what was inflated (readers are lenient so). */
	if (rc != Z_STREAM_END && rc != Z_BUF_ERROR && len == 0) {
		free(p);
		return -1;
	}
	*out = p;
	*outlen = len;
	return 0;
}

/* The decoded data of the stream whose dictionary dict was parsed ending at *pos.
 * ST_OK with *out (xmalloc'd), or ST_PDF_INVALID. */
static int stream_data(pdfread *d, const pdfo *dict, size_t pos, unsigned char **out,
                       size_t *outlen)
{
	lex l = {(const char *)d->buf, d->len, pos, d->a};
	skip_ws(&l);
	if (!token_is(&l, "stream"))
		return ST_PDF_INVALID;
	l.pos += 6;
	if (l.pos < l.len && l.s[l.pos] == '\r')
		l.pos++;
	if (l.pos < l.len && l.s[l.pos] == '\n')
		l.pos++;
	const pdfo *lo = pdfread_resolve(d, pdfo_get(dict, "Length"));
	if (!lo || lo->type != PDFO_NUM || lo->num < 0 || (size_t)lo->num > d->len - l.pos)
		return ST_PDF_INVALID;
	const unsigned char *raw = d->buf + l.pos;
	size_t rawlen = (size_t)lo->num;
	const pdfo *f = pdfread_resolve(d, pdfo_get(dict, "Filter"));
	const pdfo *parms = pdfread_resolve(d, pdfo_get(dict, "DecodeParms"));
	if (f && f->type == PDFO_ARRAY) {
		if (f->n > 1)
			return ST_PDF_INVALID;
		f = f->n ? f->items[0] : NULL;
		if (parms && parms->type == PDFO_ARRAY)
			parms = parms->n ? pdfread_resolve(d, parms->items[0]) : NULL;
	}
	unsigned char *p = NULL;
	size_t n = 0;
	if (!f) {
		p = xmalloc(rawlen + 1);
		memcpy(p, raw, rawlen);
		n = rawlen;
	} else if (pdfo_is_name(f, "FlateDecode")) {
		if (inflate_all(raw, rawlen, &p, &n) != 0)
			return ST_PDF_INVALID;
	} else {
		return ST_PDF_INVALID;
	}
	const pdfo *pred = pdfo_get(parms, "Predictor");
	if (pred && pred->type == PDFO_NUM && pred->num >= 10) {
		const pdfo *cols = pdfo_get(parms, "Columns");
		if (unpredict(p, n, cols && cols->type == PDFO_NUM ? cols->num : 1, &n) != 0) {
			free(p);
			return ST_PDF_INVALID;
		}
	} else if (pred && pred->type == PDFO_NUM && pred->num > 1) {
		free(p);
		return ST_PDF_INVALID;
	}
	*out = p;
	*outlen = n;
	return ST_OK;
}

/* "num gen obj" at off: the object after it, and the position past it. */
static pdfo *object_at(pdfread *d, size_t off, long want, size_t *end)
{
	if (off >= d->len)
		return NULL;
	lex l = {(const char *)d->buf, d->len, off, d->a};
	skip_ws(&l);
	size_t k;
	long num = peek_uint(&l, &k);
	if (num < 0 || (want >= 0 && num != want))
		return NULL;
	l.pos += k;
	skip_ws(&l);
	if (peek_uint(&l, &k) < 0)
		return NULL;
	l.pos += k;
	skip_ws(&l);
	if (!token_is(&l, "obj"))
		return NULL;
	l.pos += 3;
	pdfo *o = parse_obj(&l, 0);
	if (end)
		*end = l.pos;
	return o;
}

/* ---- cross-reference sections ---------------------------------------------- */

static void xref_set(pdfread *d, long num, int type, size_t off, long idx)
{
	if (num < 0 || num >= PDF_MAX_OBJECTS)
		return;
	if (num >= d->nx) {
		long nn = d->nx ? d->nx : 64;
		while (nn <= num)
			nn *= 2;
		d->x = xrealloc(d->x, (size_t)nn * sizeof *d->x);
		memset(d->x + d->nx, 0, (size_t)(nn - d->nx) * sizeof *d->x);
		d->nx = nn;
	}
	/* Sections are read newest first: an entry already set stays. */
	if (d->x[num].type != 0 || (d->x[num].off == 1 && d->x[num].idx == -1))
		return;
	if (type == 0) {
		d->x[num].off = 1; /* marks "freed in a newer section" */
		d->x[num].idx = -1;
		return;
	}
	d->x[num].type = (unsigned char)type;
	d->x[num].off = off;
	d->x[num].idx = idx;
}

static size_t be_field(const unsigned char *p, long w)
{
	size_t v = 0;
	for (long i = 0; i < w; i++)
		v = (v << 8) | p[i];
	return v;
}

/* A cross-reference stream at off; its dictionary into *dict. */
static int read_xref_stream(pdfread *d, size_t off, const pdfo **dict)
{
	size_t end;
	pdfo *o = object_at(d, off, -1, &end);
	if (!o || o->type != PDFO_DICT || !pdfo_is_name(pdfo_get(o, "Type"), "XRef"))
		return ST_PDF_INVALID;
	const pdfo *w = pdfo_get(o, "W"), *size = pdfo_get(o, "Size"),
	           *index = pdfo_get(o, "Index");
	if (!w || w->type != PDFO_ARRAY || w->n != 3 || !size || size->type != PDFO_NUM)
		return ST_PDF_INVALID;
	long ws[3], rowlen = 0;
	for (int i = 0; i < 3; i++) {
		if (w->items[i]->type != PDFO_NUM || w->items[i]->num < 0 || w->items[i]->num > 8)
			return ST_PDF_INVALID;
		ws[i] = w->items[i]->num;
		rowlen += ws[i];
	}
	if (rowlen == 0)
		return ST_PDF_INVALID;
	unsigned char *data = NULL;
	size_t len = 0;
	int rv = stream_data(d, o, end, &data, &len);
	if (rv != ST_OK)
		return rv;
	size_t row = 0, rows = len / (size_t)rowlen;
	size_t nranges = index && index->type == PDFO_ARRAY ? index->n / 2 : 1;
	for (size_t r = 0; r < nranges; r++) {
		long first = 0, count = size->num;
		if (index && index->type == PDFO_ARRAY) {
			if (index->items[2 * r]->type != PDFO_NUM ||
			    index->items[2 * r + 1]->type != PDFO_NUM)
				break;
			first = index->items[2 * r]->num;
			count = index->items[2 * r + 1]->num;
		}
		for (long i = 0; i < count && row < rows; i++, row++) {
			const unsigned char *p = data + row * (size_t)rowlen;
			size_t t = ws[0] ? be_field(p, ws[0]) : 1;
			size_t f2 = be_field(p + ws[0], ws[1]);
			size_t f3 = be_field(p + ws[0] + ws[1], ws[2]);
			if (t == 1)
				xref_set(d, first + i, 1, f2, (long)f3);
			else if (t == 2)
				xref_set(d, first + i, 2, f2, (long)f3);
			else if (t == 0)
				xref_set(d, first + i, 0, 0, 0);
		}
	}
	free(data);
	*dict = o;
	return ST_OK;
}

/* A classic table at off ("xref" … "trailer" dict); the trailer into *dict. */
static int read_xref_table(pdfread *d, size_t off, const pdfo **dict)
{
	lex l = {(const char *)d->buf, d->len, off, d->a};
	skip_ws(&l);
	if (!token_is(&l, "xref"))
		return ST_PDF_INVALID;
	l.pos += 4;
	for (;;) {
		skip_ws(&l);
		if (token_is(&l, "trailer"))
			break;
		size_t k;
		long first = peek_uint(&l, &k), count;
		if (first < 0)
			return ST_PDF_INVALID;
		l.pos += k;
		skip_ws(&l);
		if ((count = peek_uint(&l, &k)) < 0)
			return ST_PDF_INVALID;
		l.pos += k;
		for (long i = 0; i < count; i++) {
			skip_ws(&l);
			long o = peek_uint(&l, &k);
			if (o < 0)
				return ST_PDF_INVALID;
			l.pos += k;
			skip_ws(&l);
			long gen = peek_uint(&l, &k);
			if (gen < 0)
				return ST_PDF_INVALID;
			l.pos += k;
			skip_ws(&l);
			if (l.pos >= l.len || (l.s[l.pos] != 'n' && l.s[l.pos] != 'f'))
				return ST_PDF_INVALID;
			xref_set(d, first + i, l.s[l.pos] == 'n' ? 1 : 0, (size_t)o, gen);
			l.pos++;
		}
	}
	l.pos += 7;
	pdfo *t = parse_obj(&l, 0);
	if (!t || t->type != PDFO_DICT)
		return ST_PDF_INVALID;
	*dict = t;
	return ST_OK;
}

static int read_chain(pdfread *d, size_t off)
{
	size_t seen[PDF_MAX_SECTIONS];
	int nseen = 0;
	for (;;) {
		for (int i = 0; i < nseen; i++)
			if (seen[i] == off)
				return ST_OK; /* a /Prev loop: what was read stands */
		if (nseen == PDF_MAX_SECTIONS || off >= d->len)
			return ST_PDF_INVALID;
		seen[nseen++] = off;
		const pdfo *t = NULL;
		lex l = {(const char *)d->buf, d->len, off, d->a};
		skip_ws(&l);
		int table = token_is(&l, "xref");
		int rv = table ? read_xref_table(d, off, &t) : read_xref_stream(d, off, &t);
		if (rv != ST_OK)
			return rv;
		if (!d->trailer) {
			d->trailer = t;
			d->xref_stream = !table;
		}
		const pdfo *xs = pdfo_get(t, "XRefStm");
		if (table && xs && xs->type == PDFO_NUM && xs->num > 0) {
			const pdfo *ignored;
			if ((rv = read_xref_stream(d, (size_t)xs->num, &ignored)) != ST_OK)
				return rv;
		}
		const pdfo *prev = pdfo_get(t, "Prev");
		if (!prev || prev->type != PDFO_NUM || prev->num < 0)
			return ST_OK;
		off = (size_t)prev->num;
	}
}

int pdfread_open(const unsigned char *buf, size_t len, pdfread **out)
{
	if (len < 32 || memcmp(buf, "%PDF-", 5) != 0)
		return ST_PDF_INVALID;
	/* startxref within the last 1 KiB, the last one when several. */
	size_t from = len > 1024 ? len - 1024 : 0, at = 0;
	int found = 0;
	for (size_t i = from; i + 9 <= len; i++)
		if (memcmp(buf + i, "startxref", 9) == 0) {
			at = i + 9;
			found = 1;
		}
	if (!found)
		return ST_PDF_INVALID;
	pdfread *d = xcalloc(1, sizeof *d);
	d->buf = buf;
	d->len = len;
	d->a = arena_new();
	lex l = {(const char *)buf, len, at, d->a};
	skip_ws(&l);
	size_t k;
	long off = peek_uint(&l, &k);
	int rv = off < 0 ? ST_PDF_INVALID : read_chain(d, (size_t)off);
	if (rv == ST_OK && (!d->trailer || !pdfo_get(d->trailer, "Root")))
		rv = ST_PDF_INVALID;
	if (rv == ST_OK && pdfo_get(d->trailer, "Encrypt"))
		rv = ST_PDF_ENCRYPTED;
	if (rv != ST_OK) {
		pdfread_free(d);
		return rv;
	}
	d->startxref = (size_t)off;
	*out = d;
	return ST_OK;
}

void pdfread_free(pdfread *d)
{
	if (!d)
		return;
	for (objstm *s = d->streams, *n; s; s = n) {
		n = s->next;
		free(s->data);
		free(s);
	}
	free(d->x);
	arena_free(d->a);
	free(d);
}

const pdfo *pdfread_trailer(const pdfread *d) { return d->trailer; }

size_t pdfread_startxref(const pdfread *d) { return d->startxref; }

int pdfread_xref_is_stream(const pdfread *d) { return d->xref_stream; }

long pdfread_gen(const pdfread *d, long num)
{
	return num >= 0 && num < d->nx && d->x[num].type == 1 ? d->x[num].idx : 0;
}

arena *pdfread_arena(pdfread *d) { return d->a; }

long pdfread_size(const pdfread *d)
{
	const pdfo *s = pdfo_get(d->trailer, "Size");
	long n = s && s->type == PDFO_NUM ? s->num : 0;
	for (long i = d->nx - 1; i >= n; i--)
		if (d->x[i].type) {
			n = i + 1;
			break;
		}
	return n;
}

static objstm *objstm_get(pdfread *d, long num)
{
	for (objstm *s = d->streams; s; s = s->next)
		if (s->num == num)
			return s;
	if (num < 0 || num >= d->nx || d->x[num].type != 1)
		return NULL;
	if (d->nesting >= PDF_MAX_NESTED_STREAMS)
		return NULL;
	size_t end;
	pdfo *o = object_at(d, d->x[num].off, num, &end);
	if (!o || o->type != PDFO_DICT || !pdfo_is_name(pdfo_get(o, "Type"), "ObjStm"))
		return NULL;
	const pdfo *n = pdfo_get(o, "N"), *first = pdfo_get(o, "First");
	if (!n || n->type != PDFO_NUM || !first || first->type != PDFO_NUM || n->num < 0 ||
	    first->num < 0)
		return NULL;
	objstm *s = xcalloc(1, sizeof *s);
	d->nesting++;
	int rv = stream_data(d, o, end, &s->data, &s->len);
	d->nesting--;
	if (rv != ST_OK || (size_t)first->num > s->len) {
		free(s->data);
		free(s);
		return NULL;
	}
	s->num = num;
	s->n = n->num;
	s->first = first->num;
	s->next = d->streams;
	d->streams = s;
	return s;
}

const pdfo *pdfread_get(pdfread *d, long num)
{
	if (num < 0 || num >= d->nx)
		return NULL;
	xref_entry *e = &d->x[num];
	if (e->type == 1)
		return object_at(d, e->off, num, NULL);
	if (e->type != 2)
		return NULL;
	objstm *s = objstm_get(d, (long)e->off);
	if (!s || e->idx >= s->n)
		return NULL;
	/* The header: N pairs "objnum offset"; the idx-th names our object. */
	lex l = {(const char *)s->data, (size_t)s->first, 0, d->a};
	size_t k;
	long objoff = -1;
	for (long i = 0; i <= e->idx; i++) {
		skip_ws(&l);
		long on = peek_uint(&l, &k);
		if (on < 0)
			return NULL;
		l.pos += k;
		skip_ws(&l);
		long oo = peek_uint(&l, &k);
		if (oo < 0)
			return NULL;
		l.pos += k;
		if (i == e->idx && on == num)
			objoff = oo;
	}
	if (objoff < 0 || (size_t)(s->first + objoff) >= s->len)
		return NULL;
	lex b = {(const char *)s->data, s->len, (size_t)(s->first + objoff), d->a};
	return parse_obj(&b, 0);
}

const pdfo *pdfread_resolve(pdfread *d, const pdfo *o)
{
	/* A reference to a reference is not valid PDF; one step is all. */
	return o && o->type == PDFO_REF ? pdfread_get(d, o->num) : o;
}

/* ---- the page tree ----------------------------------------------------------- */

/* Walks node for the page of index *i (counting down); depth and *visits bound the walk. */
static int page_walk(pdfread *d, const pdfo *ref, int *i, int depth, long *visits, long *num,
                     const pdfo **page)
{
	if (depth > PDF_MAX_DEPTH || ++*visits > PDF_MAX_VISITS || !ref || ref->type != PDFO_REF)
		return ST_PDF_INVALID;
	const pdfo *node = pdfread_get(d, ref->num);
	if (!node || node->type != PDFO_DICT)
		return ST_PDF_INVALID;
	const pdfo *type = pdfo_get(node, "Type");
	if (pdfo_is_name(type, "Page") || !pdfo_get(node, "Kids")) {
		if ((*i)-- == 0) {
			*num = ref->num;
			*page = node;
			return ST_OK;
		}
		return ST_PDF_PAGE;
	}
	/* A subtree wholly before the page is skipped by its /Count. */
	const pdfo *count = pdfread_resolve(d, pdfo_get(node, "Count"));
	if (count && count->type == PDFO_NUM && count->num >= 0 && count->num <= *i) {
		*i -= (int)count->num;
		return ST_PDF_PAGE;
	}
	const pdfo *kids = pdfread_resolve(d, pdfo_get(node, "Kids"));
	if (!kids || kids->type != PDFO_ARRAY)
		return ST_PDF_INVALID;
	for (size_t k = 0; k < kids->n; k++) {
		int rv = page_walk(d, kids->items[k], i, depth + 1, visits, num, page);
		if (rv != ST_PDF_PAGE)
			return rv;
	}
	return ST_PDF_PAGE;
}

static const pdfo *pages_root(pdfread *d)
{
	const pdfo *root = pdfread_resolve(d, pdfo_get(d->trailer, "Root"));
	return root && root->type == PDFO_DICT ? pdfo_get(root, "Pages") : NULL;
}

int pdfread_page(pdfread *d, int i, long *num, const pdfo **page)
{
	if (i < 0)
		return ST_PDF_PAGE;
	const pdfo *pages = pages_root(d);
	if (!pages)
		return ST_PDF_INVALID;
	long visits = 0;
	return page_walk(d, pages, &i, 0, &visits, num, page);
}

int pdfread_page_count(pdfread *d)
{
	const pdfo *pages = pdfread_resolve(d, pages_root(d));
	const pdfo *c = pdfread_resolve(d, pdfo_get(pages, "Count"));
	return c && c->type == PDFO_NUM && c->num > 0 && c->num < 1000000 ? (int)c->num : 0;
}

int pdfread_stream(pdfread *d, long num, unsigned char **out, size_t *len)
{
	/* Streams live in the file itself: objects in object streams cannot be streams. */
	if (num < 0 || num >= d->nx || d->x[num].type != 1)
		return ST_PDF_INVALID;
	size_t end;
	pdfo *o = object_at(d, d->x[num].off, num, &end);
	if (!o || o->type != PDFO_DICT)
		return ST_PDF_INVALID;
	return stream_data(d, o, end, out, len);
}

int pdfread_entry(const pdfread *d, long num, size_t *where)
{
	if (num < 0 || num >= d->nx || !d->x[num].type)
		return 0;
	*where = d->x[num].off;
	return d->x[num].type;
}
