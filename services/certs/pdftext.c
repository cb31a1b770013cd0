/* Text positions from PDF content streams, for keyword positioning (see pdftext.h). */
#include "pdftext.h"
#include "mem.h"
#include "pdfread.h"
#include "status.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bounds that keep a hostile document from costing more than a real one. */
#define MAX_PAGES      2000
#define MAX_OPERANDS   32
#define MAX_ARRAY      4096
#define MAX_QDEPTH     64
#define MAX_FORM_DEPTH 6
#define MAX_CHARS      (256 * 1024)  /* per page */
#define MAX_OPS        (1024 * 1024) /* per page, forms included */
#define MAX_FORM_RUNS  512           /* Form XObjects drawn per page */
#define MAX_MAP        65536         /* ToUnicode and /W entries per font */
#define MAX_FONTS      256

/* ---- tokens ------------------------------------------------------------------------ */

typedef enum { T_EOF, T_NUM, T_NAME, T_STR, T_HEX, T_ASTART, T_AEND, T_DSTART, T_DEND, T_OP } tkind;

typedef struct tok {
	tkind k;
	double num;
	const unsigned char *p; /* names without the slash, strings without delimiters, ops */
	size_t n;
} tok;

typedef struct lx {
	const unsigned char *s;
	size_t len, pos;
} lx;

static int ws(int c)
{
	return c == 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

static tok next_tok(lx *l)
{
	tok t = {T_EOF, 0, NULL, 0};
	for (;;) {
		while (l->pos < l->len && ws(l->s[l->pos]))
			l->pos++;
		if (l->pos < l->len && l->s[l->pos] == '%') {
			while (l->pos < l->len && l->s[l->pos] != '\n' && l->s[l->pos] != '\r')
				l->pos++;
			continue;
		}
		break;
	}
	if (l->pos >= l->len)
		return t;
	const unsigned char *s = l->s;
	size_t b = l->pos;
	int c = s[b];
	if (c == '(') {
		int depth = 1;
		size_t i = b + 1;
		for (; i < l->len && depth > 0; i++) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '(')
				depth++;
			else if (s[i] == ')')
				depth--;
		}
		t.k = T_STR;
		t.p = s + b + 1;
		t.n = (i > l->len ? l->len : i) - b - 1 - (depth == 0 ? 1 : 0);
		l->pos = i > l->len ? l->len : i;
		return t;
	}
	if (c == '<' && b + 1 < l->len && s[b + 1] == '<') {
		l->pos += 2;
		t.k = T_DSTART;
		return t;
	}
	if (c == '>' && b + 1 < l->len && s[b + 1] == '>') {
		l->pos += 2;
		t.k = T_DEND;
		return t;
	}
	if (c == '<') {
		size_t i = b + 1;
		while (i < l->len && s[i] != '>')
			i++;
		t.k = T_HEX;
		t.p = s + b + 1;
		t.n = i - b - 1;
		l->pos = i < l->len ? i + 1 : i;
		return t;
	}
	if (c == '[' || c == ']' || c == '{' || c == '}' || c == '>' || c == ')') {
		l->pos++;
		t.k = c == '[' ? T_ASTART : c == ']' ? T_AEND : T_OP;
		t.p = s + b;
		t.n = 1;
		return t;
	}
	if (c == '/') {
		size_t i = b + 1;
		while (i < l->len && !ws(s[i]) && !delim(s[i]))
			i++;
		t.k = T_NAME;
		t.p = s + b + 1;
		t.n = i - b - 1;
		l->pos = i;
		return t;
	}
	size_t i = b;
	while (i < l->len && !ws(s[i]) && !delim(s[i]))
		i++;
	if (i == b)
		i++;
	t.p = s + b;
	t.n = i - b;
	l->pos = i;
	if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
		char buf[40];
		size_t n = t.n < sizeof buf - 1 ? t.n : sizeof buf - 1;
		memcpy(buf, t.p, n);
		buf[n] = 0;
		char *end;
		double v = strtod(buf, &end);
		if (end != buf && isfinite(v)) {
			t.k = T_NUM;
			t.num = v;
			return t;
		}
	}
	t.k = T_OP;
	return t;
}

static int tok_is(const tok *t, const char *s)
{
	size_t n = strlen(s);
	return t->n == n && memcmp(t->p, s, n) == 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The bytes of a string token (escapes undone, hex decoded) into out (xmalloc'd). */
static size_t str_bytes(const tok *t, unsigned char **out)
{
	unsigned char *o = xmalloc(t->n + 1);
	size_t n = 0;
	if (t->k == T_HEX) {
		int hi = -1;
		for (size_t i = 0; i < t->n; i++) {
			int v = hexval(t->p[i]);
			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
			} else {
				o[n++] = (unsigned char)(hi * 16 + v);
				hi = -1;
			}
		}
		if (hi >= 0)
			o[n++] = (unsigned char)(hi * 16);
		*out = o;
		return n;
	}
	for (size_t i = 0; i < t->n; i++) {
		unsigned char c = t->p[i];
		if (c != '\\' || i + 1 >= t->n) {
			o[n++] = c;
			continue;
		}
		c = t->p[++i];
		switch (c) {
		case 'n':
			o[n++] = '\n';
			break;
		case 'r':
			o[n++] = '\r';
			break;
		case 't':
			o[n++] = '\t';
			break;
		case 'b':
			o[n++] = '\b';
			break;
		case 'f':
			o[n++] = '\f';
			break;
		case '\r':
			if (i + 1 < t->n && t->p[i + 1] == '\n')
				i++;
			break;
		case '\n':
			break;
		default:
			if (c >= '0' && c <= '7') {
				int v = c - '0', k = 1;
				while (k < 3 && i + 1 < t->n && t->p[i + 1] >= '0' &&
				       t->p[i + 1] <= '7') {
					v = v * 8 + (t->p[++i] - '0');
					k++;
				}
				o[n++] = (unsigned char)v;
			} else {
				o[n++] = c;
			}
		}
	}
	*out = o;
	return n;
}

/* ---- fonts ---------------------------------------------------------------------------- */

typedef struct umap {
	uint32_t code;
	uint8_t n;
	uint32_t cp[4];
} umap;

/* Ranges and widths are looked up by binary search: overlapping ones (not valid in a
 * CMap or /W) may then miss. */
typedef struct urange {
	uint32_t lo, hi;
	uint8_t n;
	uint32_t cp[4]; /* for lo; the last one counts up */
} urange;

typedef struct wrange {
	uint32_t lo, hi;
	double w;
} wrange;

typedef struct font {
	long num; /* object number (cache key); -1 for a direct dictionary */
	int two_byte;
	double dw, scale; /* default width, glyph units to text space (1/1000, or Type3) */
	umap *m;
	size_t nm, capm;
	urange *r;
	size_t nr, capr;
	wrange *w;
	size_t nw, capw;
	int has_tounicode;
	uint32_t enc[256]; /* simple fonts without ToUnicode */
} font;

static int umap_cmp(const void *a, const void *b)
{
	uint32_t x = ((const umap *)a)->code, y = ((const umap *)b)->code;
	return (x > y) - (x < y);
}

static int urange_cmp(const void *a, const void *b)
{
	uint32_t x = ((const urange *)a)->lo, y = ((const urange *)b)->lo;
	return (x > y) - (x < y);
}

static int wrange_cmp(const void *a, const void *b)
{
	uint32_t x = ((const wrange *)a)->lo, y = ((const wrange *)b)->lo;
	return (x > y) - (x < y);
}

/* UTF-16BE bytes as code points (at most 4). */
static uint8_t utf16_cps(const unsigned char *b, size_t n, uint32_t cp[4])
{
	uint8_t k = 0;
	for (size_t i = 0; i + 1 < n && k < 4; i += 2) {
		uint32_t u = (uint32_t)b[i] << 8 | b[i + 1];
		if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
			uint32_t lo = (uint32_t)b[i + 2] << 8 | b[i + 3];
			if (lo >= 0xDC00 && lo < 0xE000) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			}
		}
		cp[k++] = u;
	}
	return k;
}

static uint32_t code_of(const unsigned char *b, size_t n)
{
	uint32_t c = 0;
	for (size_t i = 0; i < n && i < 4; i++)
		c = c << 8 | b[i];
	return c;
}

static void map_add(font *f, uint32_t code, const uint32_t *cp, uint8_t n)
{
	if (f->nm >= MAX_MAP || n == 0)
		return;
	if (f->nm == f->capm) {
		f->capm = f->capm ? f->capm * 2 : 64;
		f->m = xrealloc(f->m, f->capm * sizeof *f->m);
	}
	umap *e = &f->m[f->nm++];
	e->code = code;
	e->n = n;
	memcpy(e->cp, cp, n * sizeof *cp);
}

/* A ToUnicode CMap: bfchar pairs, bfrange triples (a base value counting up, or an array
 * of values). Everything else in it is skipped. */
static void tounicode_parse(font *f, const unsigned char *s, size_t len)
{
	lx l = {s, len, 0};
	tok t;
	while ((t = next_tok(&l)).k != T_EOF) {
		if (t.k != T_OP)
			continue;
		if (tok_is(&t, "beginbfchar")) {
			for (;;) {
				tok a = next_tok(&l);
				if (a.k != T_HEX)
					break;
				tok b = next_tok(&l);
				if (b.k != T_HEX)
					break;
				unsigned char *sb, *db;
				size_t sn = str_bytes(&a, &sb), dn = str_bytes(&b, &db);
				uint32_t cp[4];
				uint8_t n = utf16_cps(db, dn, cp);
				map_add(f, code_of(sb, sn), cp, n);
				free(sb);
				free(db);
			}
		} else if (tok_is(&t, "beginbfrange")) {
			for (;;) {
				tok a = next_tok(&l);
				if (a.k != T_HEX)
					break;
				tok b = next_tok(&l), c = next_tok(&l);
				if (b.k != T_HEX)
					break;
				unsigned char *ab, *bb;
				size_t an = str_bytes(&a, &ab), bn = str_bytes(&b, &bb);
				uint32_t lo = code_of(ab, an), hi = code_of(bb, bn);
				free(ab);
				free(bb);
				if (hi < lo || hi - lo > MAX_MAP)
					continue;
				if (c.k == T_HEX) {
					unsigned char *db;
					size_t dn = str_bytes(&c, &db);
					urange r = {lo, hi, 0, {0}};
					r.n = utf16_cps(db, dn, r.cp);
					free(db);
					if (r.n && f->nr < MAX_MAP) {
						if (f->nr == f->capr) {
							f->capr = f->capr ? f->capr * 2 : 16;
							f->r = xrealloc(f->r,
							                f->capr * sizeof *f->r);
						}
						f->r[f->nr++] = r;
					}
				} else if (c.k == T_ASTART) {
					uint32_t code = lo;
					tok e;
					while ((e = next_tok(&l)).k == T_HEX) {
						unsigned char *db;
						size_t dn = str_bytes(&e, &db);
						uint32_t cp[4];
						uint8_t n = utf16_cps(db, dn, cp);
						if (code <= hi)
							map_add(f, code, cp, n);
						code++;
						free(db);
					}
				} else {
					break;
				}
			}
		}
	}
	if (f->nm)
		qsort(f->m, f->nm, sizeof *f->m, umap_cmp);
	if (f->nr)
		qsort(f->r, f->nr, sizeof *f->r, urange_cmp);
	f->has_tounicode = 1;
}

static void width_add(font *f, uint32_t lo, uint32_t hi, double w)
{
	if (f->nw >= MAX_MAP || !isfinite(w))
		return;
	if (f->nw == f->capw) {
		f->capw = f->capw ? f->capw * 2 : 64;
		f->w = xrealloc(f->w, f->capw * sizeof *f->w);
	}
	f->w[f->nw++] = (wrange){lo, hi, w};
}

static double num_of(pdfread *d, const pdfo *o, double dflt)
{
	o = pdfread_resolve(d, o);
	if (!o || o->type != PDFO_NUM)
		return dflt;
	char buf[40];
	size_t n = o->rawlen < sizeof buf - 1 ? o->rawlen : sizeof buf - 1;
	memcpy(buf, o->raw, n);
	buf[n] = 0;
	double v = strtod(buf, NULL);
	return isfinite(v) ? v : dflt;
}

/* WinAnsi's codes 0x80–0x9F that differ from Latin-1 (the rest of the upper half is). */
static const uint16_t winansi_80[32] = {
        0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* A glyph name as a code point: single characters, uniXXXX, and the few names of
 * punctuation that keywords contain. 0 when unknown. */
static uint32_t glyph_name_cp(const char *s, size_t n)
{
	static const struct {
		const char *name;
		uint32_t cp;
	} names[] = {
	        {"space", ' '},     {"period", '.'},     {"comma", ','},     {"colon", ':'},
	        {"semicolon", ';'}, {"hyphen", '-'},     {"parenleft", '('}, {"parenright", ')'},
	        {"slash", '/'},     {"underscore", '_'}, {"zero", '0'},      {"one", '1'},
	        {"two", '2'},       {"three", '3'},      {"four", '4'},      {"five", '5'},
	        {"six", '6'},       {"seven", '7'},      {"eight", '8'},     {"nine", '9'}};
	if (n == 1 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return (uint32_t)s[0];
	if (n == 7 && memcmp(s, "uni", 3) == 0) {
		uint32_t v = 0;
		for (size_t i = 3; i < 7; i++) {
			int h = hexval(s[i]);
			if (h < 0)
				return 0;
			v = v * 16 + (uint32_t)h;
		}
		return v;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == n && memcmp(names[i].name, s, n) == 0)
			return names[i].cp;
	return 0;
}

static void simple_encoding(pdfread *d, font *f, const pdfo *fd)
{
	for (uint32_t c = 0; c < 256; c++)
		f->enc[c] = c >= 32 && c < 127 ? c : c >= 0xA0 ? c : 0;
	for (uint32_t c = 0x80; c < 0xA0; c++)
		f->enc[c] = winansi_80[c - 0x80];
	const pdfo *e = pdfread_resolve(d, pdfo_get(fd, "Encoding"));
	const pdfo *diff =
	        e && e->type == PDFO_DICT ? pdfread_resolve(d, pdfo_get(e, "Differences")) : NULL;
	if (!diff || diff->type != PDFO_ARRAY)
		return;
	long code = 0;
	for (size_t i = 0; i < diff->n; i++) {
		const pdfo *it = diff->items[i];
		if (it->type == PDFO_NUM) {
			code = it->num;
		} else if (it->type == PDFO_NAME) {
			if (code >= 0 && code < 256)
				f->enc[code] = glyph_name_cp(it->raw + 1, it->rawlen - 1);
			code++;
		}
	}
}

static void font_free(font *f)
{
	if (!f)
		return;
	free(f->m);
	free(f->r);
	free(f->w);
	free(f);
}

static font *font_load(pdfread *d, const pdfo *fd, long num)
{
	font *f = xcalloc(1, sizeof *f);
	f->num = num;
	f->scale = 0.001;
	const pdfo *sub = pdfread_resolve(d, pdfo_get(fd, "Subtype"));
	f->two_byte = pdfo_is_name(sub, "Type0");
	if (f->two_byte) {
		const pdfo *desc = pdfread_resolve(d, pdfo_get(fd, "DescendantFonts"));
		const pdfo *cid = desc && desc->type == PDFO_ARRAY && desc->n
		                          ? pdfread_resolve(d, desc->items[0])
		                          : NULL;
		f->dw = num_of(d, pdfo_get(cid, "DW"), 1000);
		const pdfo *w = pdfread_resolve(d, pdfo_get(cid, "W"));
		for (size_t i = 0; w && w->type == PDFO_ARRAY && i + 1 < w->n;) {
			const pdfo *a = pdfread_resolve(d, w->items[i]);
			const pdfo *b = pdfread_resolve(d, w->items[i + 1]);
			if (!a || a->type != PDFO_NUM || a->num < 0 || !b)
				break;
			if (b->type == PDFO_ARRAY) {
				for (size_t k = 0; k < b->n; k++)
					width_add(f, (uint32_t)(a->num + (long)k),
					          (uint32_t)(a->num + (long)k),
					          num_of(d, b->items[k], f->dw));
				i += 2;
			} else if (i + 2 < w->n && b->type == PDFO_NUM && b->num >= a->num) {
				width_add(f, (uint32_t)a->num, (uint32_t)b->num,
				          num_of(d, w->items[i + 2], f->dw));
				i += 3;
			} else {
				break;
			}
		}
	} else {
		const pdfo *desc = pdfread_resolve(d, pdfo_get(fd, "FontDescriptor"));
		f->dw = num_of(d, pdfo_get(desc, "MissingWidth"), 0);
		long first = (long)num_of(d, pdfo_get(fd, "FirstChar"), 0);
		const pdfo *w = pdfread_resolve(d, pdfo_get(fd, "Widths"));
		for (size_t k = 0; w && w->type == PDFO_ARRAY && k < w->n && k < 256; k++)
			width_add(f, (uint32_t)(first + (long)k), (uint32_t)(first + (long)k),
			          num_of(d, w->items[k], f->dw));
		if (pdfo_is_name(sub, "Type3")) {
			const pdfo *fm = pdfread_resolve(d, pdfo_get(fd, "FontMatrix"));
			if (fm && fm->type == PDFO_ARRAY && fm->n == 6)
				f->scale = num_of(d, fm->items[0], 0.001);
		}
		simple_encoding(d, f, fd);
	}
	if (f->nw)
		qsort(f->w, f->nw, sizeof *f->w, wrange_cmp);
	const pdfo *tu = pdfo_get(fd, "ToUnicode");
	if (tu && tu->type == PDFO_REF) {
		unsigned char *s = NULL;
		size_t n = 0;
		if (pdfread_stream(d, tu->num, &s, &n) == ST_OK)
			tounicode_parse(f, s, n);
		free(s);
	}
	return f;
}

static double font_width(const font *f, uint32_t code)
{
	size_t lo = 0, hi = f->nw;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->w[mid].lo > code)
			hi = mid;
		else if (f->w[mid].hi < code)
			lo = mid + 1;
		else
			return f->w[mid].w;
	}
	return f->dw;
}

static uint8_t font_unicode(const font *f, uint32_t code, uint32_t cp[4])
{
	if (f->has_tounicode) {
		umap key = {.code = code};
		const umap *m = f->nm ? bsearch(&key, f->m, f->nm, sizeof *f->m, umap_cmp) : NULL;
		if (m) {
			memcpy(cp, m->cp, m->n * sizeof *cp);
			return m->n;
		}
		size_t lo = 0, hi = f->nr;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			const urange *r = &f->r[mid];
			if (r->lo > code) {
				hi = mid;
			} else if (r->hi < code) {
				lo = mid + 1;
			} else {
				memcpy(cp, r->cp, r->n * sizeof *cp);
				cp[r->n - 1] += code - r->lo;
				return r->n;
			}
		}
	}
	if (!f->two_byte && code < 256 && f->enc[code]) {
		cp[0] = f->enc[code];
		return 1;
	}
	return 0;
}

/* ---- the interpreter ---------------------------------------------------------------- */

typedef struct mat {
	double a, b, c, d, e, f;
} mat;

static mat mat_mul(mat x, mat y)
{
	return (mat){x.a * y.a + x.b * y.c,       x.a * y.b + x.b * y.d,
	             x.c * y.a + x.d * y.c,       x.c * y.b + x.d * y.d,
	             x.e * y.a + x.f * y.c + y.e, x.e * y.b + x.f * y.d + y.f};
}

static const mat IDENT = {1, 0, 0, 1, 0, 0};

typedef struct gstate {
	mat ctm;
	double tc, tw, th, tl, ts, tfs;
	font *f;
} gstate;

typedef struct pchar {
	uint32_t cp;
	double x0, y0, x1, y1;
} pchar;

typedef struct interp {
	pdfread *d;
	font **fonts; /* the document's cache */
	size_t nfonts;
	pchar *ch; /* the page's characters in content order */
	size_t nch, capch;
	long ops;
	gstate g, stack[MAX_QDEPTH];
	int depth;
	mat tm, tlm;
	tok arr[MAX_ARRAY];
	size_t narr;
	long forms[MAX_FORM_DEPTH]; /* the forms being drawn (a form drawing itself is skipped) */
	int nforms, form_runs;
} interp;

static font *font_for(interp *in, const pdfo *res, const tok *name)
{
	const pdfo *fonts = pdfread_resolve(in->d, pdfo_get(res, "Font"));
	if (!fonts || fonts->type != PDFO_DICT)
		return NULL;
	const pdfo *ref = NULL;
	for (size_t i = 0; i + 1 < fonts->n; i += 2) {
		const pdfo *k = fonts->items[i];
		if (k->rawlen == name->n + 1 && memcmp(k->raw + 1, name->p, name->n) == 0) {
			ref = fonts->items[i + 1];
			break;
		}
	}
	if (!ref)
		return NULL;
	long num = ref->type == PDFO_REF ? ref->num : -1;
	for (size_t i = 0; num >= 0 && i < in->nfonts; i++)
		if (in->fonts[i]->num == num)
			return in->fonts[i];
	const pdfo *fd = pdfread_resolve(in->d, ref);
	if (!fd || fd->type != PDFO_DICT || in->nfonts >= MAX_FONTS)
		return NULL;
	font *f = font_load(in->d, fd, num);
	in->fonts = xrealloc(in->fonts, (in->nfonts + 1) * sizeof *in->fonts);
	in->fonts[in->nfonts++] = f;
	return f;
}

static void add_char(interp *in, uint32_t cp, const double box[4])
{
	if (in->nch >= MAX_CHARS)
		return;
	if (in->nch == in->capch) {
		in->capch = in->capch ? in->capch * 2 : 256;
		in->ch = xrealloc(in->ch, in->capch * sizeof *in->ch);
	}
	in->ch[in->nch++] = (pchar){cp, box[0], box[1], box[2], box[3]};
}

/* The string's glyphs placed and advanced (PDF 32000-1 9.4.4). */
static void show(interp *in, const tok *t)
{
	gstate *g = &in->g;
	unsigned char *b;
	size_t n = str_bytes(t, &b);
	size_t step = g->f && g->f->two_byte ? 2 : 1;
	for (size_t i = 0; i + step <= n; i += step) {
		uint32_t code = code_of(b + i, step);
		double w0 = g->f ? font_width(g->f, code) * g->f->scale : 0.5;
		double adv = w0 * g->tfs + g->tc + (step == 1 && code == 32 ? g->tw : 0);
		mat trm = mat_mul(in->tm, g->ctm);
		/* The glyph's box in text space: its advance wide, from the descender (-0.2 em)
		 * to the ascender (0.8 em) around the baseline raised by Ts. */
		double xs[2] = {0, w0 * g->tfs * g->th},
		       ys[2] = {g->ts - 0.2 * g->tfs, g->ts + 0.8 * g->tfs};
		double box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
		for (int k = 0; k < 4; k++) {
			double x = xs[k & 1], y = ys[k >> 1];
			double ux = trm.a * x + trm.c * y + trm.e,
			       uy = trm.b * x + trm.d * y + trm.f;
			box[0] = fmin(box[0], ux);
			box[1] = fmin(box[1], uy);
			box[2] = fmax(box[2], ux);
			box[3] = fmax(box[3], uy);
		}
		uint32_t cp[4];
		uint8_t k = g->f ? font_unicode(g->f, code, cp) : 0;
		for (uint8_t j = 0; j < k; j++)
			add_char(in, cp[j], box);
		in->tm = mat_mul((mat){1, 0, 0, 1, adv * g->th, 0}, in->tm);
	}
	free(b);
}

static void td(interp *in, double tx, double ty)
{
	in->tlm = mat_mul((mat){1, 0, 0, 1, tx, ty}, in->tlm);
	in->tm = in->tlm;
}

static void run(interp *in, const unsigned char *s, size_t len, const pdfo *res, int depth);

/* Do: a Form XObject's content with its own resources (or the caller's), its /Matrix. */
static void do_xobject(interp *in, const pdfo *res, const tok *name, int depth)
{
	if (depth >= MAX_FORM_DEPTH)
		return;
	const pdfo *xo = pdfread_resolve(in->d, pdfo_get(res, "XObject"));
	if (!xo || xo->type != PDFO_DICT)
		return;
	const pdfo *ref = NULL;
	for (size_t i = 0; i + 1 < xo->n; i += 2)
		if (xo->items[i]->rawlen == name->n + 1 &&
		    memcmp(xo->items[i]->raw + 1, name->p, name->n) == 0)
			ref = xo->items[i + 1];
	if (!ref || ref->type != PDFO_REF || in->form_runs >= MAX_FORM_RUNS)
		return;
	for (int i = 0; i < in->nforms; i++)
		if (in->forms[i] == ref->num)
			return;
	in->form_runs++;
	const pdfo *dict = pdfread_get(in->d, ref->num);
	if (!dict || !pdfo_is_name(pdfread_resolve(in->d, pdfo_get(dict, "Subtype")), "Form"))
		return;
	unsigned char *data = NULL;
	size_t n = 0;
	if (pdfread_stream(in->d, ref->num, &data, &n) != ST_OK)
		return;
	const pdfo *fres = pdfread_resolve(in->d, pdfo_get(dict, "Resources"));
	const pdfo *m = pdfread_resolve(in->d, pdfo_get(dict, "Matrix"));
	gstate saved = in->g;
	mat savedtm = in->tm, savedtlm = in->tlm;
	int saveddepth = in->depth;
	if (m && m->type == PDFO_ARRAY && m->n == 6) {
		mat fm = {num_of(in->d, m->items[0], 1), num_of(in->d, m->items[1], 0),
		          num_of(in->d, m->items[2], 0), num_of(in->d, m->items[3], 1),
		          num_of(in->d, m->items[4], 0), num_of(in->d, m->items[5], 0)};
		in->g.ctm = mat_mul(fm, in->g.ctm);
	}
	in->forms[in->nforms++] = ref->num;
	run(in, data, n, fres && fres->type == PDFO_DICT ? fres : res, depth + 1);
	in->nforms--;
	in->g = saved;
	in->tm = savedtm;
	in->tlm = savedtlm;
	in->depth = saveddepth;
	free(data);
}

/* An operand: a token, or (k == T_ASTART) the array arr[num .. num + n). */
static void run(interp *in, const unsigned char *s, size_t len, const pdfo *res, int depth)
{
	lx l = {s, len, 0};
	tok ops[MAX_OPERANDS];
	int nops = 0;
	size_t arr_base = in->narr;
	for (;;) {
		tok t = next_tok(&l);
		if (t.k == T_EOF || ++in->ops > MAX_OPS)
			break;
		if (t.k == T_ASTART) {
			/* The array's scalars (nested arrays flattened) go to arr. */
			size_t start = in->narr;
			int nest = 1;
			while (nest > 0) {
				tok e = next_tok(&l);
				if (e.k == T_EOF)
					break;
				if (e.k == T_ASTART)
					nest++;
				else if (e.k == T_AEND)
					nest--;
				else if (in->narr < MAX_ARRAY)
					in->arr[in->narr++] = e;
			}
			t.num = (double)start;
			t.n = in->narr - start;
		} else if (t.k == T_DSTART) {
			int nest = 1;
			while (nest > 0) {
				tok e = next_tok(&l);
				if (e.k == T_EOF)
					break;
				nest += e.k == T_DSTART ? 1 : e.k == T_DEND ? -1 : 0;
			}
			t.k = T_NAME; /* an inline dictionary (BDC's properties): a placeholder */
			t.n = 0;
		}
		if (t.k != T_OP) {
			if (nops < MAX_OPERANDS)
				ops[nops++] = t;
			continue;
		}
		gstate *g = &in->g;
#define NUM(i) (ops[i].k == T_NUM ? ops[i].num : 0)
		if (tok_is(&t, "BI")) {
			/* An inline image: its data runs from ID to an EI between white space. */
			while (l.pos + 3 <= l.len &&
			       !(l.s[l.pos] == 'I' && l.s[l.pos + 1] == 'D' && ws(l.s[l.pos + 2])))
				l.pos++;
			l.pos += 3;
			while (l.pos + 2 < l.len &&
			       !(ws(l.s[l.pos]) && l.s[l.pos + 1] == 'E' && l.s[l.pos + 2] == 'I' &&
			         (l.pos + 3 >= l.len || ws(l.s[l.pos + 3]))))
				l.pos++;
			l.pos += 3;
		} else if (tok_is(&t, "q")) {
			if (in->depth < MAX_QDEPTH)
				in->stack[in->depth++] = *g;
		} else if (tok_is(&t, "Q")) {
			if (in->depth > 0)
				*g = in->stack[--in->depth];
		} else if (tok_is(&t, "cm") && nops >= 6) {
			mat m = {NUM(nops - 6), NUM(nops - 5), NUM(nops - 4),
			         NUM(nops - 3), NUM(nops - 2), NUM(nops - 1)};
			g->ctm = mat_mul(m, g->ctm);
		} else if (tok_is(&t, "BT")) {
			in->tm = in->tlm = IDENT;
		} else if (tok_is(&t, "Tf") && nops >= 2 && ops[nops - 2].k == T_NAME) {
			g->f = font_for(in, res, &ops[nops - 2]);
			g->tfs = NUM(nops - 1);
		} else if (tok_is(&t, "Tc") && nops >= 1) {
			g->tc = NUM(nops - 1);
		} else if (tok_is(&t, "Tw") && nops >= 1) {
			g->tw = NUM(nops - 1);
		} else if (tok_is(&t, "Tz") && nops >= 1) {
			g->th = NUM(nops - 1) / 100.0;
		} else if (tok_is(&t, "TL") && nops >= 1) {
			g->tl = NUM(nops - 1);
		} else if (tok_is(&t, "Ts") && nops >= 1) {
			g->ts = NUM(nops - 1);
		} else if (tok_is(&t, "Td") && nops >= 2) {
			td(in, NUM(nops - 2), NUM(nops - 1));
		} else if (tok_is(&t, "TD") && nops >= 2) {
			g->tl = -NUM(nops - 1);
			td(in, NUM(nops - 2), NUM(nops - 1));
		} else if (tok_is(&t, "Tm") && nops >= 6) {
			in->tm = in->tlm = (mat){NUM(nops - 6), NUM(nops - 5), NUM(nops - 4),
			                         NUM(nops - 3), NUM(nops - 2), NUM(nops - 1)};
		} else if (tok_is(&t, "T*")) {
			td(in, 0, -g->tl);
		} else if (tok_is(&t, "Tj") && nops >= 1 &&
		           (ops[nops - 1].k == T_STR || ops[nops - 1].k == T_HEX)) {
			show(in, &ops[nops - 1]);
		} else if (tok_is(&t, "'") && nops >= 1 &&
		           (ops[nops - 1].k == T_STR || ops[nops - 1].k == T_HEX)) {
			td(in, 0, -g->tl);
			show(in, &ops[nops - 1]);
		} else if (tok_is(&t, "\"") && nops >= 3 &&
		           (ops[nops - 1].k == T_STR || ops[nops - 1].k == T_HEX)) {
			g->tw = NUM(nops - 3);
			g->tc = NUM(nops - 2);
			td(in, 0, -g->tl);
			show(in, &ops[nops - 1]);
		} else if (tok_is(&t, "TJ") && nops >= 1 && ops[nops - 1].k == T_ASTART) {
			size_t a0 = (size_t)ops[nops - 1].num, an = ops[nops - 1].n;
			for (size_t i = a0; i < a0 + an && i < in->narr; i++) {
				if (in->arr[i].k == T_NUM)
					in->tm = mat_mul(
					        (mat){1, 0, 0, 1,
					              -in->arr[i].num / 1000.0 * g->tfs * g->th, 0},
					        in->tm);
				else if (in->arr[i].k == T_STR || in->arr[i].k == T_HEX)
					show(in, &in->arr[i]);
			}
		} else if (tok_is(&t, "Do") && nops >= 1 && ops[nops - 1].k == T_NAME) {
			do_xobject(in, res, &ops[nops - 1], depth);
		}
#undef NUM
		nops = 0;
		in->narr = arr_base;
	}
	in->narr = arr_base;
}

/* The page's resources, inherited through /Parent. */
static const pdfo *page_resources(pdfread *d, const pdfo *page)
{
	for (int i = 0; page && page->type == PDFO_DICT && i < 32; i++) {
		const pdfo *r = pdfread_resolve(d, pdfo_get(page, "Resources"));
		if (r && r->type == PDFO_DICT)
			return r;
		page = pdfread_resolve(d, pdfo_get(page, "Parent"));
	}
	return NULL;
}

/* The page's content streams joined (a space between: an operator may not span two). */
static void page_content(pdfread *d, const pdfo *page, pdfread_buf *b)
{
	const pdfo *c = pdfo_get(page, "Contents");
	const pdfo *arr = c && c->type == PDFO_REF ? pdfread_get(d, c->num) : c;
	size_t n = arr && arr->type == PDFO_ARRAY ? arr->n : 1;
	for (size_t i = 0; i < n; i++) {
		const pdfo *ref = arr && arr->type == PDFO_ARRAY ? arr->items[i] : c;
		unsigned char *s = NULL;
		size_t len = 0;
		if (!ref || ref->type != PDFO_REF || pdfread_stream(d, ref->num, &s, &len) != ST_OK)
			continue;
		pdfread_buf_put(b, s, len);
		pdfread_buf_put(b, "\n", 1);
		free(s);
	}
}

/* ---- matching ------------------------------------------------------------------------ */

static int is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000 || c == 0xA0;
}

/* UTF-8 to code points without white space; -1 when not UTF-8 or too long. */
static long keyword_cps(const char *s, uint32_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0, chars = 0;
	while (*p) {
		uint32_t c;
		int k;
		if (*p < 0x80) {
			c = *p;
			k = 0;
		} else if ((*p & 0xE0) == 0xC0) {
			c = *p & 0x1F;
			k = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			c = *p & 0x0F;
			k = 2;
		} else if ((*p & 0xF8) == 0xF0) {
			c = *p & 0x07;
			k = 3;
		} else {
			return -1;
		}
		p++;
		for (int i = 0; i < k; i++, p++) {
			if ((*p & 0xC0) != 0x80)
				return -1;
			c = c << 6 | (*p & 0x3F);
		}
		if (c < 0x20 && !is_space(c))
			return -1;
		if (++chars > PDFTEXT_KEYWORD_MAX)
			return -1;
		if (is_space(c))
			continue;
		if ((size_t)n >= max)
			return -1;
		out[n++] = c;
	}
	return n;
}

static int hit_cmp(const void *a, const void *b)
{
	const pdftext_hit *x = a, *y = b;
	if (x->page != y->page)
		return x->page - y->page;
	/* Top to bottom, then left to right: a line's height apart is another line. */
	if (fabs(x->y - y->y) > fmin(x->h, y->h) / 2)
		return x->y > y->y ? -1 : 1;
	return (x->x > y->x) - (x->x < y->x);
}

/* The keyword's occurrences among the page's characters (white space skipped). */
static size_t page_hits(const interp *in, int page, const uint32_t *kw, size_t kn,
                        pdftext_hit *hits, size_t max, size_t have)
{
	size_t *idx = xmalloc((in->nch + 1) * sizeof *idx), m = 0;
	for (size_t i = 0; i < in->nch; i++)
		if (!is_space(in->ch[i].cp))
			idx[m++] = i;
	for (size_t i = 0; i + kn <= m && have < max;) {
		size_t k = 0;
		while (k < kn && in->ch[idx[i + k]].cp == kw[k])
			k++;
		if (k < kn) {
			i++;
			continue;
		}
		double box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
		for (k = 0; k < kn; k++) {
			const pchar *c = &in->ch[idx[i + k]];
			box[0] = fmin(box[0], c->x0);
			box[1] = fmin(box[1], c->y0);
			box[2] = fmax(box[2], c->x1);
			box[3] = fmax(box[3], c->y1);
		}
		if (isfinite(box[0]) && isfinite(box[1]) && isfinite(box[2]) && isfinite(box[3]))
			hits[have++] = (pdftext_hit){page, box[0], box[1], box[2] - box[0],
			                             box[3] - box[1]};
		i += kn;
	}
	free(idx);
	return have;
}

int pdftext_find(const unsigned char *pdf, size_t len, const char *keyword_utf8, pdftext_hit *hits,
                 size_t max, size_t *n)
{
	uint32_t kw[PDFTEXT_KEYWORD_MAX];
	*n = 0;
	long kn = keyword_utf8 ? keyword_cps(keyword_utf8, kw, PDFTEXT_KEYWORD_MAX) : -1;
	if (kn < 1)
		return status_err(ST_KEYWORD_INVALID, "keyword");
	pdfread *d = NULL;
	int rv = pdfread_open(pdf, len, &d);
	if (rv != ST_OK)
		return rv;
	interp *in = xcalloc(1, sizeof *in);
	in->d = d;
	int pages = pdfread_page_count(d);
	size_t have = 0;
	for (int p = 0; p < pages && p < MAX_PAGES && have < max; p++) {
		long num;
		const pdfo *page;
		if (pdfread_page(d, p, &num, &page) != ST_OK)
			continue;
		pdfread_buf content = {0};
		page_content(d, page, &content);
		in->nch = 0;
		in->ops = 0;
		in->form_runs = 0;
		in->nforms = 0;
		in->depth = 0;
		in->narr = 0;
		in->g = (gstate){IDENT, 0, 0, 1, 0, 0, 0, NULL};
		in->tm = in->tlm = IDENT;
		run(in, content.p, content.len, page_resources(d, page), 0);
		free(content.p);
		size_t before = have;
		have = page_hits(in, p, kw, (size_t)kn, hits, max, have);
		qsort(hits + before, have - before, sizeof *hits, hit_cmp);
	}
	for (size_t i = 0; i < in->nfonts; i++)
		font_free(in->fonts[i]);
	free(in->fonts);
	free(in->ch);
	free(in);
	pdfread_free(d);
	*n = have;
	return ST_OK;
}
