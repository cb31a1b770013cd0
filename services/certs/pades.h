/*
 * PAdES baseline B-T signatures (ETSI EN 319 142-1) on a PDF: one incremental update per
 * signature, so that every earlier signature's /ByteRange stays intact and valid. The
 * update adds a signature field merged with its widget annotation on the chosen page (the
 * seal image as its visible appearance), the /Sig dictionary (/Filter /Adobe.PPKLite,
 * /SubFilter /ETSI.CAdES.detached, /M, /ByteRange, /Contents) and a CAdES SignedData
 * (cades.h) over the byte range, time-stamped by the TSA callback. The cross-reference
 * section is written in the form of the one before it (table or stream). Pure: bytes in,
 * bytes out; the key and the TSA are reached through callbacks.
 */
#ifndef CERTS_PADES_H
#define CERTS_PADES_H

#include "cades.h"

#include <stddef.h>
#include <time.h>

/* Bytes reserved for the CMS besides the certificates it carries (signature, attributes
 * and the time-stamp token with the TSA's two certificates). */
#define PADES_CMS_RESERVE 12288

/* One visible appearance of a signature: the image on a page's rectangle. */
typedef struct pades_widget {
	int page;          /* 0-based */
	double x, y, w, h; /* in the page's user space (PDF points) */
	const unsigned char *png;
	size_t png_len;
} pades_widget;

typedef struct pades_input {
	const unsigned char *pdf;
	size_t pdf_len;
	/* nwidgets > 0: these widgets, all kids of ONE signature field (the cross-page seal, a
	 * seal with its date stamp); page/rect/png below are then ignored. nwidgets 0: the one
	 * widget below, merged with its field (the output of the first slice, unchanged). */
	const pades_widget *widgets;
	size_t nwidgets;
	int page;                 /* 0-based */
	double x, y, w, h;        /* the seal's rectangle in the page's user space (PDF points) */
	const unsigned char *png; /* the seal image (PNG; its alpha becomes an /SMask) */
	size_t png_len;
	X509 *cert;             /* the signer's certificate */
	STACK_OF(X509) * chain; /* issuing CA, root: carried in the CMS; may be NULL */
	cades_sign_fn sign;
	void *sign_arg;
	cades_tsa_fn tsa;
	void *tsa_arg;
	time_t when; /* /M; 0: now */
} pades_input;

/*
 * The PDF with one more signature appended. ST_OK with *out (malloc'd; the caller frees)
 * and *out_len; ST_PDF_INVALID, ST_PDF_ENCRYPTED, ST_PDF_PAGE, ST_PDF_RECT,
 * ST_SEAL_IMAGE_INVALID, ST_SIGN_ALG_UNSUPPORTED (not RSA, P-256 or SM2), ST_SIGN_TIMESTAMP, or
 * what the signing callback returned.
 */
int pades_sign(const pades_input *in, unsigned char **out, size_t *out_len);

/* At most this many widgets in one signature (a cross-page seal over as many pages). */
#define PADES_MAX_WIDGETS 200

/*
 * The cross-page seal (骑缝章): the seal image cut into one vertical slice per page (the
 * first page the leftmost slice), each slice size_pt / pages wide and size_pt high at the
 * right edge of its page's /CropBox (else /MediaBox), vertically centred. Slices narrower
 * than 16 px are scaled up. ST_OK with *out (malloc'd array of *n widgets, each png pointing
 * into *slices) and *slices (malloc'd array of *n malloc'd PNGs): free them with
 * pades_cross_page_free. ST_PDF_INVALID, ST_PDF_ENCRYPTED, ST_SEAL_IMAGE_INVALID,
 * ST_PDF_RECT (size_pt not in 20–400, or more than PADES_MAX_WIDGETS pages).
 */
int pades_cross_page_widgets(const unsigned char *pdf, size_t len, const unsigned char *png,
                             size_t png_len, double size_pt, pades_widget **out, size_t *n,
                             unsigned char ***slices);
void pades_cross_page_free(pades_widget *widgets, unsigned char **slices, size_t n);

/* The /ByteRange of a signature whose /Contents hex string (with its < >) starts at
 * `at` and is `len` bytes long, in a file of `total` bytes: [0, at, at + len, rest]. */
void pades_byterange(size_t total, size_t at, size_t len, size_t br[4]);

/* The PDF date of t (UTC): "D:YYYYMMDDHHmmSS+00'00'" into out (at least 24 bytes). */
void pades_date(time_t t, char out[32]);

#endif
