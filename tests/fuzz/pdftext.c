/* Fuzzes keyword positioning (services/certs/pdftext.c). The first byte picks the mode,
 * the keyword runs to the first NUL, the rest is the payload:
 *   even: the payload is a whole PDF (the reader, the page tree, fonts, streams);
 *   odd:  the payload is a page's content stream, then after "\0\0" a ToUnicode CMap,
 *         both placed in a fixed document with a WinAnsi font /F1, a Type0 font /F2
 *         (Identity-H, that CMap, /W) and a Form XObject /X1 drawing the same content —
 *         the interpreter and the CMap parser without the file structure in the way.
 * Only ST_OK, ST_PDF_INVALID, ST_PDF_ENCRYPTED and ST_KEYWORD_INVALID come back; the hits
 * are at most max, on a page of the document, with finite, non-negative sizes. */
#include "fuzz.h"
#include "pdfread.h"
#include "pdftext.h"
#include "status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void obj(pdfread_buf *b, size_t *off, int num, const char *dict, const void *data,
                size_t len)
{
	off[num] = b->len;
	if (!data) {
		pdfread_buf_printf(b, "%d 0 obj\n%s\nendobj\n", num, dict);
		return;
	}
	pdfread_buf_printf(b, "%d 0 obj\n<< %s /Length %zu >>\nstream\n", num, dict, len);
	pdfread_buf_put(b, data, len);
	pdfread_buf_printf(b, "\nendstream\nendobj\n");
}

static void wrap(const uint8_t *p, size_t n, pdfread_buf *b)
{
	const uint8_t *cut = NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == 0 && p[i + 1] == 0) {
			cut = p + i;
			break;
		}
	size_t clen = cut ? (size_t)(cut - p) : n;
	const uint8_t *cmap = cut ? cut + 2 : (const uint8_t *)"";
	size_t mlen = cut ? n - clen - 2 : 0;
	size_t off[9] = {0};
	pdfread_buf_printf(b, "%%PDF-1.7\n");
	obj(b, off, 1, "<< /Type /Catalog /Pages 2 0 R >>", NULL, 0);
	obj(b, off, 2,
	    "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] /Resources << /Font"
	    " << /F1 5 0 R /F2 6 0 R >> /XObject << /X1 8 0 R >> >> >>",
	    NULL, 0);
	obj(b, off, 3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>", NULL, 0);
	obj(b, off, 4, "", p, clen);
	obj(b, off, 5,
	    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Differences"
	    " [65 /uni76D6 /space /B] >> /FirstChar 32 /Widths [278 500 600] >>",
	    NULL, 0);
	obj(b, off, 6,
	    "<< /Type /Font /Subtype /Type0 /Encoding /Identity-H /DescendantFonts [<< /Subtype"
	    " /CIDFontType2 /DW 900 /W [1 [500 600] 3 9 700] >>] /ToUnicode 7 0 R >>",
	    NULL, 0);
	obj(b, off, 7, "", cmap, mlen);
	obj(b, off, 8, "/Type /XObject /Subtype /Form /Matrix [1 0 0 1 5 5] /BBox [0 0 9 9]", p,
	    clen);
	size_t x = b->len;
	pdfread_buf_printf(b, "xref\n0 9\n0000000000 65535 f\r\n");
	for (int i = 1; i < 9; i++)
		pdfread_buf_printf(b, "%010zu 00000 n\r\n", off[i]);
	pdfread_buf_printf(b, "trailer\n<< /Size 9 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int mode = data[0] & 1;
	const uint8_t *kw = data + 1, *end = memchr(kw, 0, size - 1);
	if (!end || end - kw > 256)
		return 0;
	char keyword[257];
	memcpy(keyword, kw, (size_t)(end - kw));
	keyword[end - kw] = 0;
	const uint8_t *p = end + 1;
	size_t n = size - (size_t)(p - data);
	pdfread_buf b = {0};
	if (mode)
		wrap(p, n, &b);
	else
		pdfread_buf_put(&b, p, n);
	pdftext_hit hits[8];
	size_t nh = 99;
	int rv = pdftext_find(b.p, b.len, keyword, hits, 8, &nh);
	if (rv != ST_OK && rv != ST_PDF_INVALID && rv != ST_PDF_ENCRYPTED &&
	    rv != ST_KEYWORD_INVALID)
		abort();
	if (rv != ST_OK && nh != 0)
		abort();
	if (nh > 8)
		abort();
	for (size_t i = 0; i < nh; i++)
		if (hits[i].page < 0 || !isfinite(hits[i].x) || !isfinite(hits[i].y) ||
		    !(hits[i].w >= 0) || !(hits[i].h >= 0) || !isfinite(hits[i].w) ||
		    !isfinite(hits[i].h))
			abort();
	free(b.p);
	return 0;
}
