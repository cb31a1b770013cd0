/* The signing flow's pure rules (signing.h): a page's size, the seal a date stamp rides with. */
#include "pdfread.h"
#include "signing.h"
#include "status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double pdfo_number(const pdfo *o)
{
	char buf[64];
	if (!o || o->type != PDFO_NUM || o->rawlen >= sizeof buf)
		return NAN;
	memcpy(buf, o->raw, o->rawlen);
	buf[o->rawlen] = 0;
	return strtod(buf, NULL);
}

int signing_page_size(const unsigned char *pdf, size_t len, int page, double *w, double *h)
{
	pdfread *d = NULL;
	const pdfo *pg = NULL;
	long num = 0;
	int rv = pdfread_open(pdf, len, &d);
	if (rv != ST_OK)
		return status_err(rv, "document");
	if (page < 0 || page >= pdfread_page_count(d) ||
	    pdfread_page(d, page, &num, &pg) != ST_OK) {
		rv = status_err(ST_PDF_PAGE, "page");
		goto out;
	}
	/* /MediaBox is inheritable: walk up the page tree (at most 32 levels). */
	const pdfo *box = NULL;
	for (int i = 0; pg && i < 32 && !box; i++) {
		box = pdfread_resolve(d, pdfo_get(pg, "MediaBox"));
		if (!box)
			pg = pdfread_resolve(d, pdfo_get(pg, "Parent"));
	}
	double b[4] = {NAN, NAN, NAN, NAN};
	for (size_t i = 0; box && box->type == PDFO_ARRAY && box->n == 4 && i < 4; i++)
		b[i] = pdfo_number(pdfread_resolve(d, box->items[i]));
	if (!isfinite(b[0] + b[1] + b[2] + b[3])) {
		b[0] = b[1] = 0; /* the default of PDF 1.7 §7.7.3.3 is none: assume A4 */
		b[2] = 595;
		b[3] = 842;
	}
	*w = fabs(b[2] - b[0]);
	*h = fabs(b[3] - b[1]);
	rv = ST_OK;
out:
	pdfread_free(d);
	return rv;
}

size_t signing_nearest(const signing_spot *seals, size_t n, const signing_spot *date)
{
	size_t best = 0;
	double bestd = INFINITY;
	for (size_t k = 0; k < n; k++) {
		/* a seal on the date's own page first (a cross-page seal is on every page, but its
		 * slices sit at the edge: the last choice) */
		int other = seals[k].cross || seals[k].page != date->page;
		double d = hypot(seals[k].x - date->x, seals[k].y - date->y) + (other ? 1e7 : 0);
		if (d < bestd) {
			bestd = d;
			best = k;
		}
	}
	return best;
}
