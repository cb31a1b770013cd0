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

typedef struct pades_input {
	const unsigned char *pdf;
	size_t pdf_len;
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

/* The /ByteRange of a signature whose /Contents hex string (with its < >) starts at
 * `at` and is `len` bytes long, in a file of `total` bytes: [0, at, at + len, rest]. */
void pades_byterange(size_t total, size_t at, size_t len, size_t br[4]);

/* The PDF date of t (UTC): "D:YYYYMMDDHHmmSS+00'00'" into out (at least 24 bytes). */
void pades_date(time_t t, char out[32]);

#endif
