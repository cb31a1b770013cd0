/* PDF documents in memory: cairo + pango + fontconfig + libqrencode (pdfdoc.h). */
#include "pdfdoc.h"

#include "mem.h"
#include "status.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <stdlib.h>
#include <string.h>

struct pdfdoc {
	cairo_surface_t *s;
	cairo_t *cr;
	double w, h;
	unsigned char *data;
	size_t len, cap;
	int failed;
};

static cairo_status_t pdfdoc_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdfdoc *b = closure;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		while (cap < b->len + len)
			cap *= 2;
		unsigned char *p = realloc(b->data, cap);
		if (!p) {
			b->failed = 1;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

pdfdoc *pdfdoc_begin(double w, double h)
{
	pdfdoc *d = xcalloc(1, sizeof *d);
	d->w = w;
	d->h = h;
	d->s = cairo_pdf_surface_create_for_stream(pdfdoc_write, d, w, h);
	d->cr = cairo_create(d->s);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	return d;
}

cairo_t *pdfdoc_cairo(pdfdoc *d) { return d->cr; }

double pdfdoc_text_box(pdfdoc *d, double x, double y, double width, enum pdfdoc_align align,
                       const char *font, const char *text)
{
	PangoLayout *l = pango_cairo_create_layout(d->cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	int w, h;
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align == PDFDOC_RIGHT    ? PANGO_ALIGN_RIGHT
	                              : align == PDFDOC_CENTER ? PANGO_ALIGN_CENTER
	                                                       : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, text ? text : "", -1);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, l);
	pango_layout_get_pixel_size(l, &w, &h);
	pango_font_description_free(fd);
	g_object_unref(l);
	return y + h;
}

double pdfdoc_text(pdfdoc *d, double x, double y, const char *font, const char *text)
{
	return pdfdoc_text_box(d, x, y, d->w - x - 50, PDFDOC_LEFT, font, text);
}

void pdfdoc_qr(pdfdoc *d, const char *text, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return;
	double m = size / (q->width + 8); /* a 4-module quiet zone each side */
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(d->cr, x + (c + 4) * m, y + (r + 4) * m, m, m);
	cairo_fill(d->cr);
	QRcode_free(q);
}

int pdfdoc_finish(pdfdoc *d, unsigned char **out, size_t *len)
{
	cairo_show_page(d->cr);
	cairo_destroy(d->cr);
	cairo_surface_finish(d->s);
	int st = cairo_surface_status(d->s);
	cairo_surface_destroy(d->s);
	int rv = st == CAIRO_STATUS_SUCCESS && !d->failed ? ST_OK : ST_INTERNAL;
	if (rv == ST_OK) {
		*out = d->data;
		*len = d->len;
	} else {
		free(d->data);
	}
	free(d);
	return rv;
}

void pdfdoc_shutdown(void)
{
	/* Not FcFini(): it asserts (fccache.c, FcCacheFini) when pango's font-sorting thread
	 * still holds a cache chain, as certs_pdf_test did once at exit; fontconfig's caches
	 * are left to the leak checker's libfontconfig suppression (tests/lsan.supp). */
	pango_cairo_font_map_set_default(NULL);
}
