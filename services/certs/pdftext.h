/*
 * Where text sits on the pages of a PDF, for keyword positioning of seals: the page
 * content streams interpreted for their text (BT/ET, Tf, Tm, Td/TD/T*, TL, Tc/Tw/Tz/Ts,
 * Tj/TJ/'/", cm, q/Q, Form XObjects), each shown glyph mapped to Unicode (Type0 fonts
 * through /ToUnicode CMaps, simple fonts through /ToUnicode or WinAnsi) and placed with its
 * width (/W, /Widths). A keyword may span several show operators. Pure: bytes in.
 */
#ifndef CERTS_PDFTEXT_H
#define CERTS_PDFTEXT_H

#include <stddef.h>

/* A keyword's box on a page: 0-based page, bottom-left corner and size in PDF points
 * (the page's default user space). */
typedef struct pdftext_hit {
	int page;
	double x, y, w, h;
} pdftext_hit;

/* Characters of a keyword accepted. */
#define PDFTEXT_KEYWORD_MAX 64

/*
 * Every occurrence of keyword_utf8 (whitespace in the text is ignored for matching) in page
 * order, top to bottom: up to max into hits, *n the number written. ST_OK (possibly none),
 * ST_PDF_INVALID, ST_PDF_ENCRYPTED, ST_KEYWORD_INVALID (empty, too long, not UTF-8).
 */
int pdftext_find(const unsigned char *pdf, size_t len, const char *keyword_utf8, pdftext_hit *hits,
                 size_t max, size_t *n);

#endif
