/*
 * PAdES signatures per second (issue 19's bench figure), in process, one thread:
 *
 *   padesbench DIR SECONDS
 *
 * Makes an RSA root and issuing CA, an RSA-2048 signer and the platform TSA's certificate
 * with the certs service's own code (ca.c, pki.c: as tests/integration/pades_test.c does),
 * a PDF of about 100 KB (cairo: two pages of text and an incompressible image) and the
 * seal image (seal_image.c); then signs that PDF again and again for SECONDS with
 * pades_sign (the visible seal, the CAdES SignedData, the RFC 3161 token from pki.c's TSA
 * in process: two RSA signatures each) and prints "signatures/s pdf_bytes signed_bytes".
 * It leaves in DIR what `pdfsig -add-signature` needs for the same document: in.pdf,
 * signer.p12 (key and certificate, password "bench", friendly name "bench-signer") and
 * root.pem, and the last signed PDF as signed.pdf (deploy/bench/pades.sh).
 */
#include "ca.h"
#include "cades.h"
#include "pades.h"
#include "pdfread.h"
#include "pki.h"
#include "seal_image.h"
#include "status.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct pb_pki {
	X509 *root, *iss, *signer, *tsa;
	EVP_PKEY *rootk, *issk, *signerk, *tsak;
	STACK_OF(X509) * chain;
	long long serial;
} pb_pki;

static cairo_status_t pb_write(void *arg, const unsigned char *data, unsigned int n)
{
	pdfread_buf_put(arg, data, n);
	return CAIRO_STATUS_SUCCESS;
}

/* Two A4 pages of text and, on the first, a 180×176 image of noise (xorshift: the same
 * bytes every run), which Flate cannot shrink: about 100 KB in all. */
static void pb_make_pdf(pdfread_buf *b)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(pb_write, b, 595, 842);
	cairo_t *c = cairo_create(s);
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 180, 176);
	unsigned char *px = cairo_image_surface_get_data(img);
	int stride = cairo_image_surface_get_stride(img);
	uint32_t x = 2463534242u;
	cairo_surface_flush(img);
	for (int row = 0; row < 176; row++)
		for (int col = 0; col < 180 * 4; col++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			px[row * stride + col] = (unsigned char)x;
		}
	cairo_surface_mark_dirty(img);
	cairo_select_font_face(c, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c, 10);
	for (int p = 0; p < 2; p++) {
		for (int l = 0; l < 60; l++) {
			char line[96];
			snprintf(line, sizeof line, "Clause %d.%d: the parties agree to the terms below.",
			         p + 1, l + 1);
			cairo_move_to(c, 60, 60 + 12 * l);
			cairo_show_text(c, line);
		}
		if (p == 0) {
			cairo_set_source_surface(c, img, 360, 620);
			cairo_paint(c);
			cairo_set_source_rgb(c, 0, 0, 0);
		}
		cairo_show_page(c);
	}
	cairo_surface_destroy(img);
	cairo_destroy(c);
	cairo_surface_destroy(s);
}

static int pb_tsa(void *arg, const unsigned char imprint[32], unsigned char **token,
                  size_t *toklen)
{
	pb_pki *p = arg;
	unsigned char *q = NULL, *resp = NULL;
	size_t qlen = 0, rlen = 0;
	int granted = 0;
	STACK_OF(X509) *chain = sk_X509_new_null();
	sk_X509_push(chain, p->iss);
	int rv = cades_tsa_query(imprint, &q, &qlen);
	if (rv == ST_OK)
		rv = pki_tsa_answer(p->tsa, p->tsak, chain, ++p->serial, q, qlen, &resp, &rlen,
		                    &granted);
	if (rv == ST_OK)
		rv = cades_tsa_token(resp, rlen, token, toklen);
	sk_X509_free(chain);
	free(q);
	OPENSSL_free(resp);
	return rv;
}

static int pb_setup(pb_pki *p)
{
	char serial[33];
	if (ca_keygen(CA_RSA, &p->rootk) != ST_OK || ca_keygen(CA_RSA, &p->issk) != ST_OK ||
	    ca_keygen(CA_RSA, &p->signerk) != ST_OK ||
	    ca_make_ca(CA_RSA, "Bench RSA Root", 3650, 1, NULL, p->rootk, p->rootk, &p->root) !=
	            ST_OK ||
	    ca_make_ca(CA_RSA, "Bench RSA Issuing", 3650, 0, p->root, p->rootk, p->issk, &p->iss) !=
	            ST_OK)
		return -1;
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"CN", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"压测签署方",
	                           -1, -1, 0);
	ca_ee_spec spec = {
	        .subject = n, .days = 365, .key_usage = "critical,digitalSignature,nonRepudiation"};
	int rv = ca_issue(CA_RSA, p->iss, p->issk, p->signerk, &spec, &p->signer, serial);
	X509_NAME_free(n);
	if (rv != ST_OK)
		return -1;
	p->chain = sk_X509_new_null();
	sk_X509_push(p->chain, p->iss);
	sk_X509_push(p->chain, p->root);
	return pki_signer_make(PKI_SIGNER_TSA, CA_RSA, p->iss, p->issk, 365, &p->tsa, &p->tsak) ==
	                       ST_OK
	               ? 0
	               : -1;
}

static void pb_free(pb_pki *p)
{
	X509_free(p->root);
	X509_free(p->iss);
	X509_free(p->signer);
	X509_free(p->tsa);
	EVP_PKEY_free(p->rootk);
	EVP_PKEY_free(p->issk);
	EVP_PKEY_free(p->signerk);
	EVP_PKEY_free(p->tsak);
	sk_X509_free(p->chain);
}

static int pb_write_file(const char *dir, const char *name, const void *data, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(data, 1, n, f) == n;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* signer.p12 and root.pem, for the NSS database pdfsig signs from. */
static int pb_write_pki(const char *dir, pb_pki *p)
{
	char path[512];
	int rv = -1;
	PKCS12 *p12 = PKCS12_create("bench", "bench-signer", p->signerk, p->signer, p->chain, 0,
	                            0, 0, 0, 0);
	unsigned char *der = NULL;
	int len = p12 ? i2d_PKCS12(p12, &der) : -1;
	if (len <= 0 || pb_write_file(dir, "signer.p12", der, (size_t)len) != 0)
		goto out;
	snprintf(path, sizeof path, "%s/root.pem", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		goto out;
	int ok = PEM_write_X509(f, p->root);
	if (fclose(f) != 0 || !ok)
		goto out;
	rv = 0;
out:
	OPENSSL_free(der);
	PKCS12_free(p12);
	return rv;
}

static double pb_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: padesbench DIR SECONDS\n");
		return 2;
	}
	const char *dir = argv[1];
	double seconds = strtod(argv[2], NULL);
	pb_pki p = {0};
	pdfread_buf pdf = {0};
	unsigned char *png = NULL, *out = NULL;
	size_t png_len = 0, out_len = 0;
	long n = 0;
	int rc = 1;
	if (seconds <= 0 || pb_setup(&p) != 0 ||
	    seal_image_round("压测签署方有限公司", "合同专用章", 300, &png, &png_len) != ST_OK) {
		fprintf(stderr, "padesbench: setup failed\n");
		goto out;
	}
	pb_make_pdf(&pdf);
	if (pb_write_file(dir, "in.pdf", pdf.p, pdf.len) != 0 || pb_write_pki(dir, &p) != 0) {
		fprintf(stderr, "padesbench: cannot write into %s\n", dir);
		goto out;
	}
	pades_input in = {
	        .pdf = pdf.p,
	        .pdf_len = pdf.len,
	        .page = 0,
	        .x = 380,
	        .y = 80,
	        .w = 120,
	        .h = 120,
	        .png = png,
	        .png_len = png_len,
	        .cert = p.signer,
	        .chain = p.chain,
	        .sign = cades_key_sign,
	        .sign_arg = p.signerk,
	        .tsa = pb_tsa,
	        .tsa_arg = &p,
	};
	double t0 = pb_now(), t1 = t0;
	while (t1 - t0 < seconds) {
		free(out);
		out = NULL;
		int st = pades_sign(&in, &out, &out_len);
		if (st != ST_OK) {
			fprintf(stderr, "padesbench: pades_sign: status %d\n", st);
			goto out;
		}
		n++;
		t1 = pb_now();
	}
	if (pb_write_file(dir, "signed.pdf", out, out_len) != 0)
		goto out;
	printf("%.1f %zu %zu\n", (double)n / (t1 - t0), pdf.len, out_len);
	rc = 0;
out:
	free(out);
	free(png);
	free(pdf.p);
	pb_free(&p);
	return rc;
}
