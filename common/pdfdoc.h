/*
 * One way to make a PDF document: cairo's PDF surface written into memory, pango for the
 * text (Chinese through fontconfig: WenQuanYi Micro Hei or Noto Sans CJK, embedded as a
 * subset), libqrencode for QR codes. Used by certs (application form and receipt) and
 * payments (e-invoices). A document is built by one thread; fontconfig and pango keep
 * process-wide caches that pdfdoc_shutdown() releases at exit.
 */
#ifndef COMMON_PDFDOC_H
#define COMMON_PDFDOC_H

#include <cairo.h>
#include <stddef.h>

#define PDFDOC_A4_W 595.0 /* A4 in points */
#define PDFDOC_A4_H 842.0
/* The font family list of every document: pango falls back from one to the next. */
#define PDFDOC_SANS "WenQuanYi Micro Hei, Noto Sans CJK SC"

typedef struct pdfdoc pdfdoc;

enum pdfdoc_align { PDFDOC_LEFT, PDFDOC_CENTER, PDFDOC_RIGHT };

/* A new document of one w × h page (points); freed by pdfdoc_finish. Aborts on OOM. */
pdfdoc *pdfdoc_begin(double w, double h);

/* The page's cairo context, for lines and boxes; owned by the document. */
cairo_t *pdfdoc_cairo(pdfdoc *d);

/*
 * text (NULL: nothing) in font (a pango description: PDFDOC_SANS " 11") at (x, y), wrapped
 * at the page's width less a 50-point margin. Returns the y below it.
 */
double pdfdoc_text(pdfdoc *d, double x, double y, const char *font, const char *text);

/* The same within a box of width points from x, aligned; returns the y below it. */
double pdfdoc_text_box(pdfdoc *d, double x, double y, double width, enum pdfdoc_align align,
                       const char *font, const char *text);

/* A QR code (error correction M, 8-bit mode) of text, size points square with a 4-module
 * quiet zone, its top left at (x, y); nothing when text cannot be encoded. */
void pdfdoc_qr(pdfdoc *d, const char *text, double x, double y, double size);

/*
 * Ends the page and the document and frees d. ST_OK with *out (malloc: the caller frees)
 * and *len, or ST_INTERNAL (cairo failed; nothing to free).
 */
int pdfdoc_finish(pdfdoc *d, unsigned char **out, size_t *len);

/* Releases pango's font map (at exit); no document may be in use. fontconfig's caches stay
 * (FcFini asserts while pango's thread holds one; tests/lsan.supp). cairo's static caches stay
 * (still reachable, so not leaks): resetting them asserts when a font is still referenced by the
 * font sorting pango 1.50 does on a thread of its own — about one run in forty under load. */
void pdfdoc_shutdown(void);

#endif
