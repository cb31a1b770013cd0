/*
 * Verification of PDF signatures (pades_verify.c) on documents signed by pades_sign: a valid
 * RSA signature (ranges, digest, signature, signing-certificate-v2, chain and time-stamp
 * against the trust store, /M, the signer's names); two signatures (the first followed by a
 * revision that only adds a signature, the second total); one byte changed inside the
 * ranges (digest mismatch for both); a later revision that changes a page (content
 * changed); an SM2 signature (SM3, the GM ID); no trust store (nothing chains); an unsigned
 * document, garbage, a ByteRange that does not match its /Contents.
 */
#include "ca.h"
#include "cades.h"
#include "pades.h"
#include "pades_verify.h"
#include "pdfread.h"
#include "pki.h"
#include "status.h"

#include <cairo.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static struct {
	X509 *root, *tsa, *leaf, *sroot, *sleaf;
	EVP_PKEY *rootk, *tsak, *leafk, *srootk, *sleafk;
	X509_STORE *store;
	long serial;
} K;

static int tsa_here(void *arg, const unsigned char imprint[32], unsigned char **token,
                    size_t *toklen)
{
	(void)arg;
	unsigned char *q = NULL, *resp = NULL;
	size_t qlen = 0, rlen = 0;
	int granted = 0;
	int rv = cades_tsa_query(imprint, &q, &qlen);
	if (rv == ST_OK)
		rv = pki_tsa_answer(K.tsa, K.tsak, NULL, ++K.serial, q, qlen, &resp, &rlen,
		                    &granted);
	if (rv == ST_OK)
		rv = cades_tsa_token(resp, rlen, token, toklen);
	free(q);
	OPENSSL_free(resp);
	return rv;
}

static cairo_status_t png_put(void *arg, const unsigned char *data, unsigned int n)
{
	pdfread_buf_put(arg, data, n);
	return CAIRO_STATUS_SUCCESS;
}

static void seal_png(pdfread_buf *b)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 64);
	cairo_t *c = cairo_create(s);
	cairo_set_source_rgba(c, 1, 0, 0, 0.8);
	cairo_rectangle(c, 2, 2, 60, 60);
	cairo_fill(c);
	cairo_destroy(c);
	cairo_surface_write_to_png_stream(s, png_put, b);
	cairo_surface_destroy(s);
}

static void build_pdf(pdfread_buf *b)
{
	const char *objs[] = {
	        "<< /Type /Catalog /Pages 2 0 R >>",
	        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
	        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Title (contract-original) "
	        ">>",
	        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	};
	size_t off[4];
	pdfread_buf_put(b, "%PDF-1.7\n", 9);
	for (int i = 0; i < 4; i++) {
		off[i] = b->len;
		pdfread_buf_printf(b, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	size_t x = b->len;
	pdfread_buf_printf(b, "xref\n0 5\n0000000000 65535 f\r\n");
	for (int i = 0; i < 4; i++)
		pdfread_buf_printf(b, "%010zu 00000 n\r\n", off[i]);
	pdfread_buf_printf(b, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", x);
}

static X509_NAME *cn(const char *s)
{
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"CN", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)s, -1, -1, 0);
	return n;
}

static int setup(void **state)
{
	(void)state;
	char serial[33];
	ca_ee_spec spec = {
	        .subject = cn("甲公司"), .days = 10, .key_usage = "critical,nonRepudiation"};
	ca_ee_spec sspec = {
	        .subject = cn("乙公司"), .days = 10, .key_usage = "critical,nonRepudiation"};
	int ok = ca_keygen(CA_RSA, &K.rootk) == ST_OK && ca_keygen(CA_RSA, &K.leafk) == ST_OK &&
	         ca_make_ca(CA_RSA, "Test RSA Root", 10, 0, NULL, K.rootk, K.rootk, &K.root) ==
	                 ST_OK &&
	         ca_issue(CA_RSA, K.root, K.rootk, K.leafk, &spec, &K.leaf, serial) == ST_OK &&
	         pki_signer_make(PKI_SIGNER_TSA, CA_RSA, K.root, K.rootk, 10, &K.tsa, &K.tsak) ==
	                 ST_OK &&
	         ca_keygen(CA_SM2, &K.srootk) == ST_OK && ca_keygen(CA_SM2, &K.sleafk) == ST_OK &&
	         ca_make_ca(CA_SM2, "Test SM2 Root", 10, 0, NULL, K.srootk, K.srootk, &K.sroot) ==
	                 ST_OK &&
	         ca_issue(CA_SM2, K.sroot, K.srootk, K.sleafk, &sspec, &K.sleaf, serial) == ST_OK;
	X509_NAME_free(spec.subject);
	X509_NAME_free(sspec.subject);
	K.store = X509_STORE_new();
	ok = ok && X509_STORE_add_cert(K.store, K.root) == 1 &&
	     X509_STORE_add_cert(K.store, K.sroot) == 1;
	return ok ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	X509_STORE_free(K.store);
	X509 *x[] = {K.root, K.tsa, K.leaf, K.sroot, K.sleaf};
	EVP_PKEY *k[] = {K.rootk, K.tsak, K.leafk, K.srootk, K.sleafk};
	for (int i = 0; i < 5; i++) {
		X509_free(x[i]);
		EVP_PKEY_free(k[i]);
	}
	cairo_debug_reset_static_data();
	return 0;
}

static void sign(const unsigned char *pdf, size_t len, int sm2, int page, unsigned char **out,
                 size_t *outlen)
{
	pdfread_buf png = {0};
	seal_png(&png);
	pades_input in = {.pdf = pdf,
	                  .pdf_len = len,
	                  .page = page,
	                  .x = 100,
	                  .y = 100,
	                  .w = 80,
	                  .h = 80,
	                  .png = png.p,
	                  .png_len = png.len,
	                  .cert = sm2 ? K.sleaf : K.leaf,
	                  .sign = cades_key_sign,
	                  .sign_arg = sm2 ? K.sleafk : K.leafk,
	                  .tsa = tsa_here,
	                  .when = 1796587200};
	assert_int_equal(pades_sign(&in, out, outlen), ST_OK);
	free(png.p);
}

static void all_good(const pades_sig *s)
{
	assert_int_equal(s->byterange_ok, 1);
	assert_int_equal(s->digest_ok, 1);
	assert_int_equal(s->signature_ok, 1);
	assert_int_equal(s->signing_cert, 1);
	assert_int_equal(s->chain_ok, 1);
	assert_int_equal(s->timestamp, 1);
	assert_int_equal(s->timestamp_imprint_ok, 1);
	assert_int_equal(s->timestamp_ok, 1);
}

static void valid_rsa_signature(void **state)
{
	(void)state;
	pdfread_buf pdf = {0};
	build_pdf(&pdf);
	unsigned char *one = NULL;
	size_t len = 0;
	sign(pdf.p, pdf.len, 0, 1, &one, &len);
	pades_sig *s = NULL;
	size_t n = 0;
	pades_doc doc;
	assert_int_equal(pades_verify(one, len, K.store, &s, &n, &doc), ST_OK);
	assert_int_equal(n, 1);
	all_good(&s[0]);
	assert_string_equal(s[0].algorithm, "RSA");
	assert_string_equal(s[0].digest, "sha256");
	assert_string_equal(s[0].subfilter, "ETSI.CAdES.detached");
	assert_string_equal(s[0].signing_time, "2026-12-06T20:00:00Z");
	assert_non_null(strstr(s[0].subject, "CN=甲公司"));
	assert_non_null(strstr(s[0].issuer, "CN=Test RSA Root"));
	assert_int_equal(strlen(s[0].serial), 32);
	assert_int_equal(strlen(s[0].timestamp_time), 20);
	assert_non_null(s[0].cert_der);
	assert_int_equal(s[0].later, PADES_LATER_NONE);
	assert_int_equal(s[0].covered, len);
	assert_int_equal(s[0].bytes_after, 0);
	assert_int_equal(doc.revisions, 2);
	assert_int_equal(doc.modified_after_last_signature, 0);
	assert_string_equal(s[0].field, "Signature5");
	pades_verify_free(s, n);

	/* Without a trust store: the signature itself still verifies, nothing chains. */
	assert_int_equal(pades_verify(one, len, NULL, &s, &n, &doc), ST_OK);
	assert_int_equal(s[0].signature_ok, 1);
	assert_int_equal(s[0].digest_ok, 1);
	assert_int_equal(s[0].chain_ok, 0);
	assert_int_equal(s[0].timestamp_ok, 0);
	assert_int_equal(s[0].timestamp_imprint_ok, 1);
	pades_verify_free(s, n);
	free(one);
	free(pdf.p);
}

/* Two signatures; the first is followed by a revision that only adds a signature. Then one
 * byte of the original changed: both digests mismatch, the attributes still verify. */
static void two_signatures_then_tampered(void **state)
{
	(void)state;
	pdfread_buf pdf = {0};
	build_pdf(&pdf);
	unsigned char *one = NULL, *two = NULL;
	size_t onelen = 0, twolen = 0;
	sign(pdf.p, pdf.len, 0, 0, &one, &onelen);
	sign(one, onelen, 1, 1, &two, &twolen);
	pades_sig *s = NULL;
	size_t n = 0;
	pades_doc doc;
	assert_int_equal(pades_verify(two, twolen, K.store, &s, &n, &doc), ST_OK);
	assert_int_equal(n, 2);
	all_good(&s[0]);
	all_good(&s[1]);
	assert_int_equal(s[0].covered, onelen);
	assert_int_equal(s[0].bytes_after, twolen - onelen);
	assert_int_equal(s[0].revisions_after, 1);
	assert_int_equal(s[0].later, PADES_LATER_SIGNATURES_ONLY);
	assert_int_equal(s[1].later, PADES_LATER_NONE);
	/* The second is SM2: SM3, checked with the GM ID. */
	assert_string_equal(s[1].algorithm, "SM2");
	assert_string_equal(s[1].digest, "sm3");
	assert_non_null(strstr(s[1].subject, "CN=乙公司"));
	assert_int_equal(doc.revisions, 3);
	assert_int_equal(doc.modified_after_last_signature, 0);
	pades_verify_free(s, n);

	char *mark = memmem(two, twolen, "contract-original", 17);
	assert_non_null(mark);
	mark[9] = 'X';
	assert_int_equal(pades_verify(two, twolen, K.store, &s, &n, &doc), ST_OK);
	assert_int_equal(n, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(s[i].digest_ok, 0);
		assert_int_equal(s[i].signature_ok, 1);
		assert_int_equal(s[i].byterange_ok, 1);
	}
	pades_verify_free(s, n);
	free(one);
	free(two);
	free(pdf.p);
}

/* An incremental update after the signature that rotates a page: content changed. */
static void later_revision_changes_a_page(void **state)
{
	(void)state;
	pdfread_buf pdf = {0};
	build_pdf(&pdf);
	unsigned char *one = NULL;
	size_t len = 0;
	sign(pdf.p, pdf.len, 0, 0, &one, &len);
	pdfread *d = NULL;
	assert_int_equal(pdfread_open(one, len, &d), ST_OK);
	long num = 0;
	const pdfo *page = NULL;
	assert_int_equal(pdfread_page(d, 1, &num, &page), ST_OK);
	pdfread_buf b = {0};
	pdfread_buf_put(&b, one, len);
	size_t at = b.len;
	pdfread_buf_printf(&b, "%ld 0 obj\n", num);
	pdfo_write(&b, pdfo_dict_set(pdfread_arena(d), page, "Rotate",
	                             pdfo_raw(pdfread_arena(d), PDFO_NUM, "90")));
	pdfread_buf_printf(&b, "\nendobj\n");
	size_t x = b.len;
	pdfread_buf_printf(
	        &b,
	        "xref\n%ld 1\n%010zu 00000 n\r\ntrailer\n<< /Size %ld /Root 1 0 R /Prev %zu"
	        " >>\nstartxref\n%zu\n%%%%EOF\n",
	        num, at, pdfread_size(d), pdfread_startxref(d), x);
	pdfread_free(d);
	pades_sig *s = NULL;
	size_t n = 0;
	pades_doc doc;
	assert_int_equal(pades_verify(b.p, b.len, K.store, &s, &n, &doc), ST_OK);
	assert_int_equal(n, 1);
	/* The signature itself still verifies: what it signed is unchanged. */
	assert_int_equal(s[0].digest_ok, 1);
	assert_int_equal(s[0].signature_ok, 1);
	assert_int_equal(s[0].later, PADES_LATER_CONTENT_CHANGED);
	assert_int_equal(s[0].revisions_after, 1);
	assert_int_equal(doc.modified_after_last_signature, 1);
	assert_string_equal(pades_later_name(s[0].later), "content_changed");
	pades_verify_free(s, n);
	free(b.p);
	free(one);
	free(pdf.p);
}

/* A ByteRange whose gap is not its /Contents; an unsigned document; garbage. */
static void broken_and_unsigned(void **state)
{
	(void)state;
	pdfread_buf pdf = {0};
	build_pdf(&pdf);
	pades_sig *s = NULL;
	size_t n = 9;
	pades_doc doc;
	assert_int_equal(pades_verify(pdf.p, pdf.len, K.store, &s, &n, &doc), ST_OK);
	assert_int_equal(n, 0);
	assert_int_equal(doc.revisions, 1);
	pades_verify_free(s, n);
	const unsigned char junk[] = "%PDF-1.7 garbage";
	assert_int_equal(pades_verify(junk, sizeof junk - 1, K.store, &s, &n, &doc),
	                 ST_PDF_INVALID);
	assert_null(s);

	unsigned char *one = NULL;
	size_t len = 0;
	sign(pdf.p, pdf.len, 0, 0, &one, &len);
	/* Move the range's second start one byte (same width of digits). */
	char *br = memmem(one, len, "/ByteRange [0 ", 14);
	assert_non_null(br);
	char *second = strchr(br + 14, ' ') + 1;
	second[9] = (char)(second[9] == '9' ? '8' : second[9] + 1);
	assert_int_equal(pades_verify(one, len, K.store, &s, &n, &doc), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].byterange_ok, 0);
	assert_int_equal(s[0].digest_ok, 0);
	pades_verify_free(s, n);
	free(one);
	free(pdf.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(valid_rsa_signature),
	        cmocka_unit_test(two_signatures_then_tampered),
	        cmocka_unit_test(later_revision_changes_a_page),
	        cmocka_unit_test(broken_and_unsigned),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
