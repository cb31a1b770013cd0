/*
 * Contracts: one page of a PDF as PNG for the preview (poppler-glib renders onto a cairo
 * image surface). The page's size is the document's to choose, so the scale shrinks until
 * the image fits CERTS_RENDER_MAX_PIXELS and CERTS_RENDER_MAX_SIDE, and a page that would
 * not fit even at 24 dpi is refused: a crafted page cannot make us allocate gigabytes.
 * Poppler keeps global state (its GlobalParams, font caches) that is not documented as
 * safe for concurrent documents, so renders take turns.
 */
#include "contracts.h"
#include "seal_image.h"

#include "status.h"

#include <cairo.h>
#include <math.h>
#include <poppler.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MIN_DPI 24

static pthread_mutex_t render_mu = PTHREAD_MUTEX_INITIALIZER;

/* The scale (pixels per point) for a page of w × h points at dpi, shrunk to the limits;
 * 0 when even MIN_DPI exceeds them. */
static double fit_scale(double w, double h, int dpi)
{
	if (!(w > 0) || !(h > 0) || !isfinite(w) || !isfinite(h))
		return 0;
	double s = dpi / 72.0;
	double side = (w > h ? w : h) * s;
	if (side > CERTS_RENDER_MAX_SIDE)
		s *= CERTS_RENDER_MAX_SIDE / side;
	double px = w * s * h * s;
	if (px > (double)CERTS_RENDER_MAX_PIXELS)
		s *= sqrt((double)CERTS_RENDER_MAX_PIXELS / px);
	return s < MIN_DPI / 72.0 ? 0 : s;
}

static int render_locked(const unsigned char *pdf, size_t len, int n, int dpi, unsigned char **png,
                         size_t *png_len)
{
	int rv = ST_CONTRACT_RENDER;
	GError *err = NULL;
	GBytes *bytes = g_bytes_new_static(pdf, len);
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	PopplerPage *page = NULL;
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	if (!doc)
		goto out;
	if (n < 0 || n >= poppler_document_get_n_pages(doc)) {
		rv = ST_CONTRACT_PAGE;
		goto out;
	}
	if (!(page = poppler_document_get_page(doc, n)))
		goto out;
	double w = 0, h = 0;
	poppler_page_get_size(page, &w, &h);
	double s = fit_scale(w, h, dpi);
	if (s == 0) {
		rv = ST_CONTRACT_PAGE_TOO_LARGE;
		goto out;
	}
	int pw = (int)ceil(w * s), ph = (int)ceil(h * s);
	surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
		goto out;
	cr = cairo_create(surf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, s, s);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	cr = NULL;
	if (seal_image_png(surf, png, png_len) != ST_OK)
		goto out;
	rv = ST_OK;
out:
	if (cr)
		cairo_destroy(cr);
	if (surf)
		cairo_surface_destroy(surf);
	if (page)
		g_object_unref(page);
	if (doc)
		g_object_unref(doc);
	g_bytes_unref(bytes);
	if (err)
		g_error_free(err);
	return rv;
}

int certs_contract_render(const unsigned char *pdf, size_t len, int n, int dpi, unsigned char **png,
                          size_t *png_len)
{
	pthread_mutex_lock(&render_mu);
	int rv = render_locked(pdf, len, n, dpi, png, png_len);
	pthread_mutex_unlock(&render_mu);
	return rv;
}
