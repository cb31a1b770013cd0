/*
 * pdfsign: PDFs for the API cases of 验签 (tests/api/fixtures/sigverify.sh), made with the
 * signing engine itself (services/certs/pades.c) and a certificate the running stack issued.
 *   pdfsign make OUT                                   a two-page cairo PDF (CJK text)
 *   pdfsign sign IN OUT KEY CERT CHAIN TSA_URL [PAGE]  IN signed once more: KEY (PEM), CERT
 *                                     (PEM), CHAIN (PEM: issuing CA, root), time-stamped by
 *                                     the stack's TSA at TSA_URL (curl), a round seal on PAGE
 *   pdfsign tamper IN OUT                              one byte of the first page's text changed
 * Exits 0 on success; says what failed on stderr otherwise.
 */
#include "cades.h"
#include "pades.h"
#include "pdfread.h"
#include "seal_image.h"
#include "status.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <openssl/pem.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static cairo_status_t put(void *arg, const unsigned char *data, unsigned int n)
{
	pdfread_buf_put(arg, data, n);
	return CAIRO_STATUS_SUCCESS;
}

static int slurp(const char *path, pdfread_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		pdfread_buf_put(b, chunk, n);
	fclose(f);
	return 0;
}

static int spill(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int make(const char *out)
{
	pdfread_buf b = {0};
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(put, &b, 595, 842);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "sigverify-original");
	cairo_t *c = cairo_create(s);
	cairo_select_font_face(c, "WenQuanYi Micro Hei", CAIRO_FONT_SLANT_NORMAL,
	                       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c, 18);
	for (int p = 0; p < 2; p++) {
		cairo_move_to(c, 72, 100);
		cairo_show_text(c, p ? "乙方（盖章）：" : "验签测试合同 甲方（盖章）：");
		cairo_show_page(c);
	}
	cairo_destroy(c);
	cairo_surface_destroy(s);
	int rv = spill(out, b.p, b.len);
	free(b.p);
	return rv;
}

/* The TSA over HTTP: curl posts the query, the answer's token is kept. */
static int tsa_http(void *arg, const unsigned char imprint[32], unsigned char **token,
                    size_t *toklen)
{
	const char *url = arg;
	unsigned char *q = NULL;
	size_t qlen = 0;
	char qf[] = "/tmp/pdfsign-q.XXXXXX", rf[] = "/tmp/pdfsign-r.XXXXXX";
	int fq = mkstemp(qf), fr = mkstemp(rf);
	int rv = ST_SIGN_TIMESTAMP;
	if (fq < 0 || fr < 0 || cades_tsa_query(imprint, &q, &qlen) != ST_OK)
		goto out;
	if (write(fq, q, qlen) != (ssize_t)qlen)
		goto out;
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "curl -sf -H 'Content-Type: application/timestamp-query' --data-binary @%s -o %s "
	         "'%s'",
	         qf, rf, url);
	if (system(cmd) != 0)
		goto out;
	pdfread_buf r = {0};
	if (slurp(rf, &r) == 0)
		rv = cades_tsa_token(r.p, r.len, token, toklen);
	free(r.p);
out:
	free(q);
	if (fq >= 0) {
		close(fq);
		unlink(qf);
	}
	if (fr >= 0) {
		close(fr);
		unlink(rf);
	}
	return rv;
}

static int sign(char **a, int argc)
{
	pdfread_buf pdf = {0};
	unsigned char *png = NULL, *out = NULL;
	size_t pnglen = 0, outlen = 0;
	EVP_PKEY *k = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = sk_X509_new_null();
	int rv = 1;
	FILE *f;
	if (slurp(a[2], &pdf) != 0) {
		fprintf(stderr, "cannot read %s\n", a[2]);
		goto out;
	}
	if ((f = fopen(a[4], "r"))) {
		k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if ((f = fopen(a[5], "r"))) {
		cert = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if ((f = fopen(a[6], "r"))) {
		X509 *x;
		while ((x = PEM_read_X509(f, NULL, NULL, NULL)))
			sk_X509_push(chain, x);
		fclose(f);
	}
	if (!k || !cert) {
		fprintf(stderr, "cannot read the key or the certificate\n");
		goto out;
	}
	if (seal_image_round("验签测试有限公司", "合同专用章", 300, &png, &pnglen) != ST_OK)
		goto out;
	pades_input in = {.pdf = pdf.p,
	                  .pdf_len = pdf.len,
	                  .page = argc > 8 ? (int)strtol(a[8], NULL, 10) : 0,
	                  .x = 380,
	                  .y = 500,
	                  .w = 120,
	                  .h = 120,
	                  .png = png,
	                  .png_len = pnglen,
	                  .cert = cert,
	                  .chain = chain,
	                  .sign = cades_key_sign,
	                  .sign_arg = k,
	                  .tsa = tsa_http,
	                  .tsa_arg = a[7]};
	int st = pades_sign(&in, &out, &outlen);
	if (st != ST_OK) {
		fprintf(stderr, "pades_sign: %d\n", st);
		goto out;
	}
	rv = spill(a[3], out, outlen) == 0 ? 0 : 1;
out:
	free(pdf.p);
	free(png);
	free(out);
	EVP_PKEY_free(k);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	return rv;
}

static int tamper(const char *in, const char *out)
{
	pdfread_buf b = {0};
	if (slurp(in, &b) != 0)
		return 1;
	char *m = memmem(b.p, b.len, "sigverify-original", 18);
	if (!m) {
		fprintf(stderr, "no marker in %s\n", in);
		free(b.p);
		return 1;
	}
	m[10] = 'X';
	int rv = spill(out, b.p, b.len);
	free(b.p);
	return rv ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rv = 2;
	if (argc == 3 && strcmp(argv[1], "make") == 0)
		rv = make(argv[2]) ? 1 : 0;
	else if ((argc == 8 || argc == 9) && strcmp(argv[1], "sign") == 0)
		rv = sign(argv, argc);
	else if (argc == 4 && strcmp(argv[1], "tamper") == 0)
		rv = tamper(argv[2], argv[3]);
	else
		fprintf(stderr,
		        "usage: pdfsign make OUT | sign IN OUT KEY CERT CHAIN TSA_URL [PAGE] | "
		        "tamper IN OUT\n");
	/* cairo's and fontconfig's process-wide caches, released for the leak checker. */
	cairo_debug_reset_static_data();
	FcFini();
	return rv;
}
