/*
 * The signing engine's pure parts (pdfread.c, pades.c, cades.c): finding the last
 * cross-reference section (table, stream, /Prev chain), objects and pages; the ByteRange
 * arithmetic; and a signature made in process whose byte range covers all but its
 * /Contents and whose CMS OpenSSL verifies over exactly those bytes. pdfsig, qpdf and
 * openssl ts check the same engine from outside in tests/integration/pades_test.c.
 */
#include "cades.h"
#include "ca.h"
#include "pades.h"
#include "pdfread.h"
#include "pki.h"
#include "status.h"

#include <cairo.h>
#include <openssl/cms.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* A classic file of the n objects (numbered from 1) at the offsets its table names. */
static void build_pdf(pdfread_buf *b, const char *const *objs, int n)
{
	size_t off[16];
	pdfread_buf_put(b, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 15);
	for (int i = 0; i < n; i++) {
		off[i] = b->len;
		pdfread_buf_printf(b, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	size_t x = b->len;
	pdfread_buf_printf(b, "xref\n0 %d\n0000000000 65535 f\r\n", n + 1);
	for (int i = 0; i < n; i++)
		pdfread_buf_printf(b, "%010zu 00000 n\r\n", off[i]);
	pdfread_buf_printf(b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	                   n + 1, x);
}

/* Two pages; the first has a title holding ">>" and an escaped parenthesis. */
static void classic_pdf(pdfread_buf *b)
{
	const char *const objs[] = {
	        "<< /Type /Catalog /Pages 2 0 R >>",
	        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
	        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Title (a >> b \\) c) >>",
	        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [] >>",
	};
	build_pdf(b, objs, 4);
}

/* The same document behind a cross-reference stream (unfiltered, W [1 2 1]). */
static void stream_pdf(pdfread_buf *b)
{
	const char *objs[] = {
	        "<< /Type /Catalog /Pages 2 0 R >>",
	        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
	        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	};
	size_t off[4];
	pdfread_buf_put(b, "%PDF-1.7\n", 9);
	for (int i = 0; i < 3; i++) {
		off[i] = b->len;
		pdfread_buf_printf(b, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	off[3] = b->len;
	unsigned char rows[5][4] = {{0, 0, 0, 255}};
	for (int i = 0; i < 4; i++) {
		rows[i + 1][0] = 1;
		rows[i + 1][1] = (unsigned char)(off[i] >> 8);
		rows[i + 1][2] = (unsigned char)off[i];
		rows[i + 1][3] = 0;
	}
	pdfread_buf_printf(b, "4 0 obj\n<< /Type /XRef /Size 5 /W [1 2 1] /Root 1 0 R /Length 20 >>"
	                      "\nstream\n");
	pdfread_buf_put(b, rows, sizeof rows);
	pdfread_buf_printf(b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", off[3]);
}

static void finds_the_classic_table_and_pages(void **state)
{
	(void)state;
	pdfread_buf b = {0};
	classic_pdf(&b);
	pdfread *d = NULL;
	assert_int_equal(pdfread_open(b.p, b.len, &d), ST_OK);
	assert_int_equal(pdfread_xref_is_stream(d), 0);
	assert_memory_equal(b.p + pdfread_startxref(d), "xref", 4);
	assert_int_equal(pdfread_size(d), 5);
	assert_int_equal(pdfread_page_count(d), 2);
	long num = 0;
	const pdfo *page = NULL;
	assert_int_equal(pdfread_page(d, 1, &num, &page), ST_OK);
	assert_int_equal(num, 4);
	assert_non_null(pdfo_get(page, "Annots"));
	assert_int_equal(pdfread_page(d, 0, &num, &page), ST_OK);
	assert_int_equal(num, 3);
	/* A string holding ">>" and an escaped parenthesis does not end the dictionary. */
	const pdfo *t = pdfo_get(page, "Title");
	assert_non_null(t);
	assert_int_equal(t->rawlen, strlen("(a >> b \\) c)"));
	assert_int_equal(pdfread_page(d, 2, &num, &page), ST_PDF_PAGE);
	assert_int_equal(pdfread_page(d, -1, &num, &page), ST_PDF_PAGE);
	pdfread_free(d);
	free(b.p);
}

static void finds_a_cross_reference_stream(void **state)
{
	(void)state;
	pdfread_buf b = {0};
	stream_pdf(&b);
	pdfread *d = NULL;
	assert_int_equal(pdfread_open(b.p, b.len, &d), ST_OK);
	assert_int_equal(pdfread_xref_is_stream(d), 1);
	assert_true(pdfo_is_name(pdfo_get(pdfread_trailer(d), "Type"), "XRef"));
	long num = 0;
	const pdfo *page = NULL;
	assert_int_equal(pdfread_page(d, 0, &num, &page), ST_OK);
	assert_int_equal(num, 3);
	pdfread_free(d);
	free(b.p);
}

/* Not a PDF, a startxref to nowhere, an encrypted file, a /Prev that loops. */
static void refuses_what_it_cannot_read(void **state)
{
	(void)state;
	pdfread *d = NULL;
	const char *junk = "not a pdf at all, not even close to one; no startxref";
	assert_int_equal(pdfread_open((const unsigned char *)junk, strlen(junk), &d),
	                 ST_PDF_INVALID);
	const char *nowhere = "%PDF-1.4\n1 0 obj << >> endobj\nstartxref\n99999\n%%EOF\n";
	assert_int_equal(pdfread_open((const unsigned char *)nowhere, strlen(nowhere), &d),
	                 ST_PDF_INVALID);
	pdfread_buf b = {0};
	classic_pdf(&b);
	char *tr = memmem(b.p, b.len, "/Root 1 0 R >>", 14);
	assert_non_null(tr);
	/* Same length: "/Root 1 0 R >>" → "/Encrypt 1 0 R" needs the Root too: a new trailer. */
	pdfread_buf e = {0};
	pdfread_buf_put(&e, b.p, (size_t)((unsigned char *)tr - b.p));
	size_t x = (size_t)(strstr((char *)b.p, "xref\n") - (char *)b.p);
	pdfread_buf_printf(&e, "/Root 1 0 R /Encrypt 2 0 R >>\nstartxref\n%zu\n%%%%EOF\n", x);
	assert_int_equal(pdfread_open(e.p, e.len, &d), ST_PDF_ENCRYPTED);
	/* A /Prev naming its own section: read once, not forever. */
	pdfread_buf l = {0};
	pdfread_buf_put(&l, b.p, (size_t)((unsigned char *)tr - b.p));
	pdfread_buf_printf(&l, "/Root 1 0 R /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", x, x);
	assert_int_equal(pdfread_open(l.p, l.len, &d), ST_OK);
	pdfread_free(d);
	/* A page tree that lists itself: refused within the depth and visit bounds. */
	const char *const cyc[] = {
	        "<< /Type /Catalog /Pages 2 0 R >>",
	        "<< /Type /Pages /Kids [2 0 R 2 0 R 2 0 R 2 0 R 2 0 R 2 0 R 2 0 R 2 0 R] >>",
	};
	pdfread_buf c = {0};
	build_pdf(&c, cyc, 2);
	assert_int_equal(pdfread_open(c.p, c.len, &d), ST_OK);
	long num = 0;
	const pdfo *page = NULL;
	assert_int_equal(pdfread_page(d, 0, &num, &page), ST_PDF_INVALID);
	pdfread_free(d);
	free(c.p);
	free(b.p);
	free(e.p);
	free(l.p);
}

static void objects_parse_and_write_back(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *src = "<</A 1 0 R/B[1 -2.5(x)<414243>/N true null]/C<</D/E>>>>";
	pdfo *o = pdfo_parse(a, src, strlen(src));
	assert_non_null(o);
	assert_int_equal(o->type, PDFO_DICT);
	assert_int_equal(pdfo_get(o, "A")->type, PDFO_REF);
	assert_int_equal(pdfo_get(o, "B")->n, 7);
	pdfo *o2 = pdfo_dict_set(a, o, "A", pdfo_raw(a, PDFO_NUM, "7"));
	o2 = pdfo_dict_set(a, o2, "F", pdfo_array_add(a, NULL, pdfo_ref(a, 9)));
	pdfread_buf b = {0};
	pdfo_write(&b, o2);
	assert_string_equal((char *)b.p,
	                    "<< /A 7 /B [ 1 -2.5 (x) <414243> /N true null ] /C << /D /E >>"
	                    " /F [ 9 0 R ] >>");
	/* The original is untouched by the copy's changes. */
	assert_int_equal(pdfo_get(o, "A")->type, PDFO_REF);
	assert_null(pdfo_parse(a, "<< /A >>", 8));
	assert_null(pdfo_parse(a, "[1 2", 4));
	free(b.p);
	arena_free(a);
}

/* The range leaves out exactly the /Contents string: [0, at) and [at + len, total). */
static void byte_range_arithmetic(void **state)
{
	(void)state;
	size_t br[4];
	pades_byterange(10000, 1234, 500, br);
	assert_int_equal(br[0], 0);
	assert_int_equal(br[1], 1234);
	assert_int_equal(br[2], 1734);
	assert_int_equal(br[3], 10000 - 1734);
	assert_int_equal(br[1] + 500 + br[3], 10000);
	char d[32];
	pades_date(0, d);
	assert_string_equal(d, "D:19700101000000+00'00'");
}

/* ---- a signature made in process ----------------------------------------------------- */

static struct {
	X509 *root, *tsa, *leaf;
	EVP_PKEY *rootk, *tsak, *leafk;
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
		rv = pki_tsa_answer(K.tsa, K.tsak, NULL, 1, q, qlen, &resp, &rlen, &granted);
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

static void seal_png(pdfread_buf *b, int size)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size);
	cairo_t *c = cairo_create(s);
	cairo_set_source_rgba(c, 1, 0, 0, 0.8);
	cairo_rectangle(c, 2, 2, size - 4, size - 4);
	cairo_fill(c);
	cairo_destroy(c);
	cairo_surface_write_to_png_stream(s, png_put, b);
	cairo_surface_destroy(s);
}

static int keys_setup(void **state)
{
	(void)state;
	char serial[33];
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"签署人", -1, -1,
	                           0);
	ca_ee_spec spec = {.subject = n, .days = 10, .key_usage = "critical,nonRepudiation"};
	int ok = ca_keygen(CA_ECDSA, &K.rootk) == ST_OK && ca_keygen(CA_ECDSA, &K.leafk) == ST_OK &&
	         ca_make_ca(CA_ECDSA, "root", 10, 0, NULL, K.rootk, K.rootk, &K.root) == ST_OK &&
	         ca_issue(CA_ECDSA, K.root, K.rootk, K.leafk, &spec, &K.leaf, serial) == ST_OK &&
	         pki_signer_make(PKI_SIGNER_TSA, CA_ECDSA, K.root, K.rootk, 10, &K.tsa, &K.tsak) ==
	                 ST_OK;
	X509_NAME_free(n);
	return ok ? 0 : -1;
}

static int keys_teardown(void **state)
{
	(void)state;
	X509_free(K.root);
	X509_free(K.tsa);
	X509_free(K.leaf);
	EVP_PKEY_free(K.rootk);
	EVP_PKEY_free(K.tsak);
	EVP_PKEY_free(K.leafk);
	return 0;
}

static pades_input input_for(const pdfread_buf *pdf, const pdfread_buf *png)
{
	pades_input in = {.pdf = pdf->p,
	                  .pdf_len = pdf->len,
	                  .page = 1,
	                  .x = 100,
	                  .y = 100,
	                  .w = 80,
	                  .h = 80,
	                  .png = png->p,
	                  .png_len = png->len,
	                  .cert = K.leaf,
	                  .sign = cades_key_sign,
	                  .sign_arg = K.leafk,
	                  .tsa = tsa_here,
	                  .when = 1700000000};
	return in;
}

static void signature_covers_all_but_its_contents(void **state)
{
	(void)state;
	pdfread_buf pdf = {0}, png = {0};
	classic_pdf(&pdf);
	seal_png(&png, 64);
	pades_input in = input_for(&pdf, &png);
	unsigned char *out = NULL;
	size_t len = 0;
	assert_int_equal(pades_sign(&in, &out, &len), ST_OK);
	assert_memory_equal(out, pdf.p, pdf.len);

	pdfread *d = NULL;
	assert_int_equal(pdfread_open(out, len, &d), ST_OK);
	assert_int_equal(pdfread_startxref(d) > pdf.len, 1);
	long num = 0;
	const pdfo *page = NULL;
	assert_int_equal(pdfread_page(d, 1, &num, &page), ST_OK);
	const pdfo *annots = pdfo_get(page, "Annots");
	assert_int_equal(annots->n, 1);
	const pdfo *w = pdfread_resolve(d, annots->items[0]);
	assert_true(pdfo_is_name(pdfo_get(w, "FT"), "Sig"));
	assert_int_equal(pdfo_get(w, "P")->num, num);
	const pdfo *sig = pdfread_resolve(d, pdfo_get(w, "V"));
	assert_true(pdfo_is_name(pdfo_get(sig, "SubFilter"), "ETSI.CAdES.detached"));
	const pdfo *m = pdfo_get(sig, "M");
	assert_int_equal(m->rawlen, strlen("(D:20231114221320+00'00')"));
	assert_memory_equal(m->raw, "(D:20231114221320+00'00')", m->rawlen);
	const pdfo *br = pdfo_get(sig, "ByteRange"), *c = pdfo_get(sig, "Contents");
	assert_int_equal(br->n, 4);
	size_t at = (size_t)(c->raw - (const char *)out);
	assert_int_equal(br->items[0]->num, 0);
	assert_int_equal(br->items[1]->num, (long)at);
	assert_int_equal(br->items[2]->num, (long)(at + c->rawlen));
	assert_int_equal(br->items[3]->num, (long)(len - at - c->rawlen));
	const pdfo *form = pdfread_resolve(
	        d, pdfo_get(pdfread_resolve(d, pdfo_get(pdfread_trailer(d), "Root")), "AcroForm"));
	assert_int_equal(pdfo_get(form, "Fields")->n, 1);

	/* The CMS verifies over the two ranges and nothing else. */
	size_t n = (c->rawlen - 2) / 2;
	unsigned char *der = malloc(n);
	for (size_t i = 0; i < n; i++) {
		unsigned int v;
		assert_int_equal(sscanf(c->raw + 1 + 2 * i, "%2x", &v), 1);
		der[i] = (unsigned char)v;
	}
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)n);
	assert_non_null(cms);
	BIO *content = BIO_new(BIO_s_mem());
	BIO_write(content, out, (int)at);
	BIO_write(content, out + at + c->rawlen, (int)(len - at - c->rawlen));
	assert_int_equal(
	        CMS_verify(cms, NULL, NULL, content, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY),
	        1);
	BIO_free(content);
	/* One byte more in the content: no longer. */
	content = BIO_new(BIO_s_mem());
	BIO_write(content, out, (int)at + 1);
	BIO_write(content, out + at + c->rawlen, (int)(len - at - c->rawlen));
	assert_int_equal(
	        CMS_verify(cms, NULL, NULL, content, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY),
	        0);
	BIO_free(content);
	CMS_ContentInfo_free(cms);
	free(der);
	pdfread_free(d);
	free(out);
	free(pdf.p);
	free(png.p);
}

/* DER SET OF order for the re-encoded attributes. */
static int der_order(const void *x, const void *y)
{
	const pdfread_buf *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->p, b->p, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* SM2 (OpenSSL 3.0's CMS cannot make or check it): SM3 digests, and the signature over the
 * DER signed attributes verifies with SM3 and the GM ID (and not with the empty ID). The
 * attributes are taken apart by OpenSSL's parser and encoded again, not read from our
 * own bytes. */
static void sm2_signature_verifies_with_the_gm_id(void **state)
{
	(void)state;
	EVP_PKEY *rk = NULL, *k = NULL;
	X509 *root = NULL, *leaf = NULL;
	char serial[33];
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"SM2 签署人", -1,
	                           -1, 0);
	ca_ee_spec spec = {.subject = n, .days = 10, .key_usage = "critical,nonRepudiation"};
	assert_int_equal(ca_keygen(CA_SM2, &rk), ST_OK);
	assert_int_equal(ca_keygen(CA_SM2, &k), ST_OK);
	assert_int_equal(ca_make_ca(CA_SM2, "sm2 root", 10, 0, NULL, rk, rk, &root), ST_OK);
	assert_int_equal(ca_issue(CA_SM2, root, rk, k, &spec, &leaf, serial), ST_OK);
	X509_NAME_free(n);
	ca_cert_set_id(CA_SM2, leaf);

	pdfread_buf pdf = {0}, png = {0};
	classic_pdf(&pdf);
	seal_png(&png, 64);
	pades_input in = input_for(&pdf, &png);
	in.cert = leaf;
	in.sign_arg = k;
	unsigned char *out = NULL;
	size_t len = 0;
	assert_int_equal(pades_sign(&in, &out, &len), ST_OK);

	pdfread *d = NULL;
	assert_int_equal(pdfread_open(out, len, &d), ST_OK);
	long num = 0;
	const pdfo *page = NULL;
	assert_int_equal(pdfread_page(d, 1, &num, &page), ST_OK);
	const pdfo *w = pdfread_resolve(d, pdfo_get(page, "Annots")->items[0]);
	const pdfo *c = pdfo_get(pdfread_resolve(d, pdfo_get(w, "V")), "Contents");
	size_t at = (size_t)(c->raw - (const char *)out), dn = (c->rawlen - 2) / 2;
	unsigned char *der = malloc(dn);
	for (size_t i = 0; i < dn; i++) {
		unsigned int v;
		assert_int_equal(sscanf(c->raw + 1 + 2 * i, "%2x", &v), 1);
		der[i] = (unsigned char)v;
	}
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)dn);
	assert_non_null(cms);
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	X509_ALGOR *dig = NULL, *sig = NULL;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	assert_int_equal(OBJ_obj2nid(dig->algorithm), NID_sm3);
	assert_int_equal(OBJ_obj2nid(sig->algorithm), NID_SM2_with_SM3);

	/* message-digest: SM3 of the two ranges. */
	unsigned char md[32];
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_DigestInit_ex(m, EVP_sm3(), NULL);
	EVP_DigestUpdate(m, out, at);
	EVP_DigestUpdate(m, out + at + c->rawlen, len - at - c->rawlen);
	EVP_DigestFinal_ex(m, md, NULL);
	EVP_MD_CTX_free(m);
	ASN1_OCTET_STRING *mdattr = CMS_signed_get0_data_by_OBJ(
	        si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
	assert_non_null(mdattr);
	assert_int_equal(ASN1_STRING_length(mdattr), 32);
	assert_memory_equal(ASN1_STRING_get0_data(mdattr), md, 32);

	/* The signed attributes as signed: a DER SET OF the attributes. */
	int na = CMS_signed_get_attr_count(si);
	assert_int_equal(na, 3);
	pdfread_buf attr[3] = {{0}}, all = {0}, set = {0};
	for (int i = 0; i < na; i++) {
		unsigned char *e = NULL;
		int el = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &e);
		assert_true(el > 0);
		pdfread_buf_put(&attr[i], e, (size_t)el);
		OPENSSL_free(e);
	}
	qsort(attr, 3, sizeof attr[0], der_order);
	for (int i = 0; i < 3; i++)
		pdfread_buf_put(&all, attr[i].p, attr[i].len);
	assert_true(all.len < 65536);
	unsigned char hdr[4] = {0x31, 0x82, (unsigned char)(all.len >> 8), (unsigned char)all.len};
	size_t hl = 4;
	if (all.len < 128) {
		hdr[1] = (unsigned char)all.len;
		hl = 2;
	} else if (all.len < 256) {
		hdr[1] = 0x81;
		hdr[2] = (unsigned char)all.len;
		hl = 3;
	}
	pdfread_buf_put(&set, hdr, hl);
	pdfread_buf_put(&set, all.p, all.len);
	ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
	for (int with_id = 1; with_id >= 0; with_id--) {
		EVP_MD_CTX *v = EVP_MD_CTX_new();
		EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(X509_get0_pubkey(leaf), NULL);
		if (with_id)
			assert_true(EVP_PKEY_CTX_set1_id(pc, CA_SM2_ID, CA_SM2_ID_LEN) > 0);
		EVP_MD_CTX_set_pkey_ctx(v, pc);
		assert_int_equal(
		        EVP_DigestVerifyInit(v, NULL, EVP_sm3(), NULL, X509_get0_pubkey(leaf)), 1);
		int ok = EVP_DigestVerify(v, ASN1_STRING_get0_data(sv),
		                          (size_t)ASN1_STRING_length(sv), set.p, set.len);
		assert_int_equal(ok, with_id ? 1 : 0);
		EVP_MD_CTX_free(v);
		EVP_PKEY_CTX_free(pc);
	}
	for (int i = 0; i < 3; i++)
		free(attr[i].p);
	free(all.p);
	free(set.p);
	CMS_ContentInfo_free(cms);
	free(der);
	pdfread_free(d);
	free(out);
	free(pdf.p);
	free(png.p);
	X509_free(root);
	X509_free(leaf);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(k);
}

static void refuses_bad_input(void **state)
{
	(void)state;
	pdfread_buf pdf = {0}, png = {0}, tiny = {0};
	classic_pdf(&pdf);
	seal_png(&png, 64);
	seal_png(&tiny, 8);
	unsigned char *out = NULL;
	size_t len = 0;
	pades_input in = input_for(&pdf, &png);
	in.page = 2;
	assert_int_equal(pades_sign(&in, &out, &len), ST_PDF_PAGE);
	in = input_for(&pdf, &png);
	in.w = 0;
	assert_int_equal(pades_sign(&in, &out, &len), ST_PDF_RECT);
	in = input_for(&pdf, &png);
	in.png_len = 20;
	assert_int_equal(pades_sign(&in, &out, &len), ST_SEAL_IMAGE_INVALID);
	in = input_for(&pdf, &tiny);
	assert_int_equal(pades_sign(&in, &out, &len), ST_SEAL_IMAGE_INVALID);
	in = input_for(&pdf, &png);
	in.pdf_len = 100;
	assert_int_equal(pades_sign(&in, &out, &len), ST_PDF_INVALID);
	/* An EC key on another curve than P-256 or SM2: not signed with. */
	EVP_PKEY *p384 = EVP_EC_gen("secp384r1");
	X509 *x384 = NULL;
	assert_non_null(p384);
	assert_int_equal(ca_make_ca(CA_ECDSA, "p384", 10, 0, NULL, p384, p384, &x384), ST_OK);
	in = input_for(&pdf, &png);
	in.cert = x384;
	in.sign_arg = p384;
	assert_int_equal(pades_sign(&in, &out, &len), ST_SIGN_ALG_UNSUPPORTED);
	X509_free(x384);
	EVP_PKEY_free(p384);
	assert_null(out);
	free(pdf.p);
	free(png.p);
	free(tiny.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(finds_the_classic_table_and_pages),
	        cmocka_unit_test(finds_a_cross_reference_stream),
	        cmocka_unit_test(refuses_what_it_cannot_read),
	        cmocka_unit_test(objects_parse_and_write_back),
	        cmocka_unit_test(byte_range_arithmetic),
	        cmocka_unit_test(signature_covers_all_but_its_contents),
	        cmocka_unit_test(sm2_signature_verifies_with_the_gm_id),
	        cmocka_unit_test(refuses_bad_input),
	};
	return cmocka_run_group_tests(tests, keys_setup, keys_teardown);
}
