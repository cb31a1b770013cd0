/* Round enterprise seals and square name seals as transparent PNGs (see seal_image.h). */
#include "seal_image.h"
#include "mem.h"
#include "status.h"

#include <cairo.h>
#include <glib.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEAL_FONT "WenQuanYi Micro Hei"
/* Seal red (朱红), a little transparent at the edges only through antialiasing. */
#define SEAL_R 0.86
#define SEAL_G 0.08
#define SEAL_B 0.10
/* The widest arc the name may take (radians): about 250°, the bottom left open. */
#define ARC_MAX (250.0 * M_PI / 180.0)

typedef struct png_out {
	unsigned char *p;
	size_t len, cap;
} png_out;

static cairo_status_t png_put(void *arg, const unsigned char *data, unsigned int n)
{
	png_out *o = arg;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 65536;
		while (cap < o->len + n)
			cap *= 2;
		o->p = xrealloc(o->p, cap);
		o->cap = cap;
	}
	memcpy(o->p + o->len, data, n);
	o->len += n;
	return CAIRO_STATUS_SUCCESS;
}

/* Characters of s, or -1 when it is not UTF-8 or has control characters. */
static long text_chars(const char *s)
{
	if (!s || !g_utf8_validate(s, -1, NULL))
		return -1;
	long n = 0;
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		if (g_unichar_iscntrl(g_utf8_get_char(p)))
			return -1;
		n++;
	}
	return n;
}

/* One character (its UTF-8 bytes at p) centred on the origin, at size pt (pixels). A seal
 * shows single CJK characters, which need no shaping: cairo's own text API (fontconfig,
 * FreeType) rather than pango, whose font map finishes work on a thread of its own. */
static void glyph(cairo_t *cr, const char *p, double size, double xscale)
{
	char ch[8];
	size_t n = (size_t)(g_utf8_next_char(p) - p);
	if (n >= sizeof ch)
		return;
	memcpy(ch, p, n);
	ch[n] = 0;
	cairo_select_font_face(cr, SEAL_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, size);
	cairo_text_extents_t e;
	cairo_text_extents(cr, ch, &e);
	cairo_save(cr);
	cairo_scale(cr, xscale, 1.0);
	/* Centred on its ink: CJK glyphs sit unevenly in their advance boxes. */
	cairo_move_to(cr, -(e.x_bearing + e.width / 2.0), -(e.y_bearing + e.height / 2.0));
	cairo_show_text(cr, ch);
	cairo_restore(cr);
}

/* A line of text centred on (x, y), fitted into width w. */
static void line(cairo_t *cr, const char *s, double x, double y, double size, double w)
{
	long n = text_chars(s);
	double step = fmin(size * 1.05, w / (double)n);
	double xscale = fmin(1.0, step / size);
	double x0 = x - step * (double)n / 2.0 + step / 2.0;
	long i = 0;
	for (const char *p = s; *p; p = g_utf8_next_char(p), i++) {
		cairo_save(cr);
		cairo_translate(cr, x0 + step * (double)i, y);
		glyph(cr, p, size, xscale);
		cairo_restore(cr);
	}
}

static void star(cairo_t *cr, double cx, double cy, double r)
{
	for (int k = 0; k < 10; k++) {
		double a = -M_PI / 2 + k * M_PI / 5, rr = (k % 2) ? r * 0.382 : r;
		if (k == 0)
			cairo_move_to(cr, cx + rr * cos(a), cy + rr * sin(a));
		else
			cairo_line_to(cr, cx + rr * cos(a), cy + rr * sin(a));
	}
	cairo_close_path(cr);
	cairo_fill(cr);
}

int seal_image_png(cairo_surface_t *s, unsigned char **png, size_t *len)
{
	png_out o = {0};
	cairo_surface_flush(s);
	if (cairo_surface_write_to_png_stream(s, png_put, &o) != CAIRO_STATUS_SUCCESS) {
		free(o.p);
		return ST_INTERNAL;
	}
	*png = o.p;
	*len = o.len;
	return ST_OK;
}

int seal_image_round(const char *name, const char *kind, int px, unsigned char **png, size_t *len)
{
	long n = text_chars(name), nk = kind ? text_chars(kind) : 0;
	if (n < 1 || n > SEAL_NAME_MAX)
		return status_err(ST_SEAL_TEXT_INVALID, "name");
	if (nk < 0 || nk > SEAL_KIND_MAX)
		return status_err(ST_SEAL_TEXT_INVALID, "kind");
	if (px < SEAL_IMAGE_MIN_PX || px > SEAL_IMAGE_MAX_PX)
		return status_err(ST_FIELD_RANGE, "px");
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, px, px);
	cairo_t *cr = cairo_create(s);
	double c = px / 2.0, lw = px * 0.035, r = c - lw / 2 - px * 0.02;
	cairo_set_source_rgb(cr, SEAL_R, SEAL_G, SEAL_B);
	cairo_set_line_width(cr, lw);
	cairo_arc(cr, c, c, r, 0, 2 * M_PI);
	cairo_stroke(cr);
	star(cr, c, c, px * 0.15);

	/* The name: one glyph per step of the arc, each turned to face outwards. */
	double size = px * 0.13, rt = r - lw / 2 - size * 0.62;
	double step = size * 1.02 / rt;
	if (step * (double)n > ARC_MAX) {
		step = ARC_MAX / (double)n;
		size = fmin(size, step * rt / 1.02);
		rt = r - lw / 2 - size * 0.62;
	}
	double span = step * (double)n;
	long i = 0;
	for (const char *p = name; *p; p = g_utf8_next_char(p), i++) {
		double a = -span / 2 + step * ((double)i + 0.5);
		cairo_save(cr);
		cairo_translate(cr, c, c);
		cairo_rotate(cr, a);
		cairo_translate(cr, 0, -rt);
		glyph(cr, p, size, 0.85);
		cairo_restore(cr);
	}
	if (nk > 0)
		line(cr, kind, c, c + px * 0.27, px * 0.09, r * 1.1);
	cairo_destroy(cr);
	int rv = seal_image_png(s, png, len);
	cairo_surface_destroy(s);
	return rv;
}

int seal_image_square(const char *name, int px, unsigned char **png, size_t *len)
{
	long n = text_chars(name);
	if (n < 1 || n > SEAL_PERSON_MAX)
		return status_err(ST_SEAL_TEXT_INVALID, "name");
	if (px < SEAL_IMAGE_MIN_PX || px > SEAL_IMAGE_MAX_PX)
		return status_err(ST_FIELD_RANGE, "px");
	/* 张三 → 张三之印, 张三丰 → 张三丰印: four characters fill the square. */
	char text[64];
	snprintf(text, sizeof text, "%s%s", name,
	         n == 1   ? "之印"
	         : n == 2 ? "之印"
	         : n == 3 ? "印"
	                  : "");
	long chars = text_chars(text);
	long rows = (chars + 1) / 2;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, px, px);
	cairo_t *cr = cairo_create(s);
	double m = px * 0.04, lw = px * 0.05, in = m + lw;
	cairo_set_source_rgb(cr, SEAL_R, SEAL_G, SEAL_B);
	cairo_set_line_width(cr, lw);
	cairo_rectangle(cr, m + lw / 2, m + lw / 2, px - 2 * m - lw, px - 2 * m - lw);
	cairo_stroke(cr);
	/* Two columns, the right one first, each read top to bottom. */
	double cw = (px - 2 * in) / 2.0, rh = (px - 2 * in) / (double)rows;
	double size = fmin(cw, rh) * 0.86;
	long i = 0;
	for (const char *p = text; *p; p = g_utf8_next_char(p), i++) {
		long col = i / rows, row = i % rows;
		cairo_save(cr);
		cairo_translate(cr, px - in - cw * ((double)col + 0.5),
		                in + rh * ((double)row + 0.5));
		glyph(cr, p, size, fmin(1.0, cw / size * 0.95));
		cairo_restore(cr);
	}
	cairo_destroy(cr);
	int rv = seal_image_png(s, png, len);
	cairo_surface_destroy(s);
	return rv;
}

int seal_image_date(time_t when, int px, unsigned char **png, size_t *len)
{
	if (px < SEAL_DATE_MIN_PX || px > SEAL_IMAGE_MAX_PX)
		return status_err(ST_FIELD_RANGE, "px");
	/* China Standard Time has no daylight saving: a fixed offset, no TZ lookup. */
	time_t local = when + 8 * 3600;
	struct tm tm;
	char text[64];
	gmtime_r(&local, &tm);
	snprintf(text, sizeof text, "%04d年%02d月%02d日", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday);
	int h = px / 5;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, px, h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, SEAL_R, SEAL_G, SEAL_B);
	/* Eleven characters, digits narrower than the CJK ones: fitted to 96% of the width. */
	line(cr, text, px / 2.0, h / 2.0, fmin(h * 0.8, px * 0.096), px * 0.96);
	cairo_destroy(cr);
	int rv = seal_image_png(s, png, len);
	cairo_surface_destroy(s);
	return rv;
}
