/*
 * PAdES B-T signatures checked by the tools others use (services/certs/pades.c): a PDF
 * made with cairo is signed twice, by an RSA and an ECDSA certificate issued through the
 * platform CA's own code (ca.c), each time-stamped by the platform TSA's code (pki.c) in
 * process. Then, from their output (pdfsig exits 0 either way):
 *   - pdfsig, trusting the two test roots through a throw-away NSS database: each
 *     signature "Signature is Valid." and "Certificate is Trusted."; the last one "Total
 *     document signed", the first one's signed ranges ending where its revision ended
 *     (an earlier signature covers its own revision, not the later ones);
 *   - qpdf --check: no syntax or stream errors;
 *   - each signature's time-stamp token (read back from the PDF's /Contents) verifies
 *     with `openssl ts -verify` over the signature value against the RSA root;
 *   - one byte changed inside the signed ranges after signing: pdfsig no longer says
 *     "Signature is Valid." for either signature;
 *   - a PDF with a cross-reference stream and object streams (qpdf's rewrite of the
 *     same document) signs and verifies too; an SM2 signature with an RSA one beside it
 *     leaves the RSA one valid and the document sound;
 *   - several widgets in one signature field: a seal with its date stamp on page 1, then
 *     the cross-page seal (骑缝章) sliced over both pages: two signatures for pdfsig, both
 *     valid, each page's /Annots holding its widgets, each field's /Kids its widgets.
 * Needs pdfsig (poppler-utils), qpdf, certutil (libnss3-tools), openssl; no stack.
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
#include <openssl/cms.h>
#include <fontconfig/fontconfig.h>
#include <openssl/pem.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

typedef struct pki_set {
	X509 *root[2], *iss[2];
	EVP_PKEY *rootk[2], *issk[2];
	X509 *tsa;
	EVP_PKEY *tsak;
	X509 *signer[2]; /* RSA, ECDSA */
	EVP_PKEY *signerk[2];
	STACK_OF(X509) * chain[2];
	long long serial;
	char dir[64];
} pki_set;

static pki_set P;

/* ---- helpers ------------------------------------------------------------------------ */

static cairo_status_t buf_write(void *arg, const unsigned char *data, unsigned int n)
{
	pdfread_buf_put(arg, data, n);
	return CAIRO_STATUS_SUCCESS;
}

/* A two-page A4 document; its title is the marker the tamper test changes. */
static void make_pdf(pdfread_buf *b)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(buf_write, b, 595, 842);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "contract-original");
	cairo_t *c = cairo_create(s);
	for (int p = 0; p < 2; p++) {
		cairo_move_to(c, 72, 100);
		cairo_line_to(c, 500, 100 + 50 * p);
		cairo_stroke(c);
		cairo_show_page(c);
	}
	cairo_destroy(c);
	cairo_surface_destroy(s);
}

/* The seal images the platform draws (seal_image.c): an enterprise's round contract seal
 * for the first signer, a person's square name seal for the second. */
static void make_png(pdfread_buf *b, int who)
{
	unsigned char *png = NULL;
	size_t len = 0;
	int rv = who ? seal_image_square("李四", 200, &png, &len)
	             : seal_image_round("甲公司科技有限公司", "合同专用章", 300, &png, &len);
	assert_int_equal(rv, ST_OK);
	pdfread_buf_put(b, png, len);
	free(png);
}

static int tsa_in_process(void *arg, const unsigned char imprint[32], unsigned char **token,
                          size_t *toklen)
{
	pki_set *p = arg;
	unsigned char *q = NULL, *resp = NULL;
	size_t qlen = 0, rlen = 0;
	int granted = 0;
	STACK_OF(X509) *chain = sk_X509_new_null();
	sk_X509_push(chain, p->iss[0]);
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

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void write_pem(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
}

/* The command's stdout and stderr (malloc'd) and its exit status. */
static char *run(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *run(int *status, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	pdfread_buf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		pdfread_buf_put(&b, chunk, n);
	pdfread_buf_put(&b, "", 0);
	int st = pclose(f);
	if (status)
		*status = st;
	return (char *)b.p;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static char *pdfsig(const char *file)
{
	/* Without -no-ocsp: with it, pdfsig 22.12 reports every chain as "Unknown issue with
	 * Certificate" (its OCSP-disabled policy fails); the test certificates name no OCSP
	 * responder, so nothing is fetched either way. */
	char *o = run(NULL, "pdfsig -nssdir sql:%s/nss %s", P.dir, file);
	if (getenv("PADES_TEST_VERBOSE"))
		fprintf(stderr, "%s", o);
	return o;
}

static int sign_with(int who, int page, const unsigned char *pdf, size_t len, unsigned char **out,
                     size_t *outlen)
{
	pdfread_buf png = {0};
	make_png(&png, who);
	pades_input in = {
	        .pdf = pdf,
	        .pdf_len = len,
	        .page = page,
	        .x = 380,
	        .y = 80 + 10 * who,
	        .w = 120,
	        .h = 120,
	        .png = png.p,
	        .png_len = png.len,
	        .cert = P.signer[who],
	        .chain = P.chain[who],
	        .sign = cades_key_sign,
	        .sign_arg = P.signerk[who],
	        .tsa = tsa_in_process,
	        .tsa_arg = &P,
	};
	int rv = pades_sign(&in, out, outlen);
	free(png.p);
	return rv;
}

/* The /Contents and /ByteRange of the i-th signature field (in /Fields order). */
static void signature_of(const unsigned char *pdf, size_t len, int i, unsigned char **cms,
                         size_t *cmslen)
{
	pdfread *d = NULL;
	assert_int_equal(pdfread_open(pdf, len, &d), ST_OK);
	const pdfo *cat = pdfread_resolve(d, pdfo_get(pdfread_trailer(d), "Root"));
	const pdfo *form = pdfread_resolve(d, pdfo_get(cat, "AcroForm"));
	const pdfo *fields = pdfread_resolve(d, pdfo_get(form, "Fields"));
	assert_non_null(fields);
	assert_true((size_t)i < fields->n);
	const pdfo *w = pdfread_resolve(d, fields->items[i]);
	const pdfo *v = pdfread_resolve(d, pdfo_get(w, "V"));
	const pdfo *c = pdfo_get(v, "Contents");
	assert_non_null(c);
	assert_true(c->type == PDFO_STR && c->raw[0] == '<');
	/* Hex digits, the placeholder's trailing zeros included: DER says where it ends. */
	size_t nhex = c->rawlen - 2;
	unsigned char *bin = malloc(nhex / 2);
	for (size_t k = 0; k < nhex / 2; k++) {
		unsigned int byte;
		assert_int_equal(sscanf(c->raw + 1 + 2 * k, "%2x", &byte), 1);
		bin[k] = (unsigned char)byte;
	}
	*cms = bin;
	*cmslen = nhex / 2;
	pdfread_free(d);
}

/* The signature value and time-stamp token of a CMS, written to files for openssl ts. */
static void token_files(const unsigned char *cms, size_t len, const char *sigf, const char *tokf)
{
	const unsigned char *p = cms;
	CMS_ContentInfo *ci = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	assert_non_null(ci);
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(ci);
	assert_int_equal(sk_CMS_SignerInfo_num(sis), 1);
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	write_file(sigf, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig));
	int at = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
	assert_true(at >= 0);
	X509_ATTRIBUTE *a = CMS_unsigned_get_attr(si, at);
	ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(a, 0);
	assert_int_equal(t->type, V_ASN1_SEQUENCE);
	write_file(tokf, t->value.sequence->data, (size_t)t->value.sequence->length);
	/* No signingTime: PAdES puts the time in /M. */
	assert_true(CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) < 0);
	CMS_ContentInfo_free(ci);
}

/* ---- setup ------------------------------------------------------------------------- */

static X509_NAME *subject(const char *cn)
{
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"CN", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	return n;
}

static int pades_setup(void **state)
{
	(void)state;
	snprintf(P.dir, sizeof P.dir, "/tmp/pades-test.XXXXXX");
	if (!mkdtemp(P.dir))
		return -1;
	const ca_alg algs[2] = {CA_RSA, CA_ECDSA};
	const char *names[2] = {"甲公司", "乙公司"};
	for (int i = 0; i < 2; i++) {
		ca_alg alg = algs[i];
		char serial[33];
		if (ca_keygen(alg, &P.rootk[i]) != ST_OK || ca_keygen(alg, &P.issk[i]) != ST_OK ||
		    ca_keygen(alg, &P.signerk[i]) != ST_OK ||
		    ca_make_ca(alg, i ? "Test ECDSA Root" : "Test RSA Root", 3650, 1, NULL,
		               P.rootk[i], P.rootk[i], &P.root[i]) != ST_OK ||
		    ca_make_ca(alg, i ? "Test ECDSA Issuing" : "Test RSA Issuing", 3650, 0,
		               P.root[i], P.rootk[i], P.issk[i], &P.iss[i]) != ST_OK)
			return -1;
		ca_ee_spec spec = {.subject = subject(names[i]),
		                   .days = 365,
		                   .key_usage = "critical,digitalSignature,nonRepudiation"};
		int rv = ca_issue(alg, P.iss[i], P.issk[i], P.signerk[i], &spec, &P.signer[i],
		                  serial);
		X509_NAME_free(spec.subject);
		if (rv != ST_OK)
			return -1;
		P.chain[i] = sk_X509_new_null();
		sk_X509_push(P.chain[i], P.iss[i]);
		sk_X509_push(P.chain[i], P.root[i]);
	}
	if (pki_signer_make(PKI_SIGNER_TSA, CA_RSA, P.iss[0], P.issk[0], 365, &P.tsa, &P.tsak) !=
	    ST_OK)
		return -1;
	/* pdfsig trusts what its NSS database trusts: the two roots, as CAs. */
	char path[128];
	snprintf(path, sizeof path, "%s/rsa-root.pem", P.dir);
	write_pem(path, P.root[0]);
	snprintf(path, sizeof path, "%s/ecdsa-root.pem", P.dir);
	write_pem(path, P.root[1]);
	snprintf(path, sizeof path, "%s/tsa-chain.pem", P.dir);
	write_pem(path, P.iss[0]);
	int st = 0;
	char *o = run(&st,
	              "mkdir %s/nss && certutil -N -d sql:%s/nss --empty-password && "
	              "certutil -A -d sql:%s/nss -n rsa-root -t C,C,C -i %s/rsa-root.pem && "
	              "certutil -A -d sql:%s/nss -n ecdsa-root -t C,C,C -i %s/ecdsa-root.pem",
	              P.dir, P.dir, P.dir, P.dir, P.dir, P.dir);
	if (st != 0)
		fprintf(stderr, "certutil: %s\n", o);
	free(o);
	return st == 0 ? 0 : -1;
}

static int pades_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		X509_free(P.root[i]);
		X509_free(P.iss[i]);
		X509_free(P.signer[i]);
		EVP_PKEY_free(P.rootk[i]);
		EVP_PKEY_free(P.issk[i]);
		EVP_PKEY_free(P.signerk[i]);
		sk_X509_free(P.chain[i]);
	}
	X509_free(P.tsa);
	EVP_PKEY_free(P.tsak);
	if (!getenv("PADES_TEST_KEEP"))
		free(run(NULL, "rm -rf %s", P.dir));
	/* cairo's and fontconfig's process-wide caches, released for the leak checker. */
	cairo_debug_reset_static_data();
	FcFini();
	return 0;
}

/* ---- tests ----------------------------------------------------------------------- */

/* Two signers in sequence: both valid, trusted, time-stamped; the document structurally
 * sound; then one byte changed breaks both. */
static void two_signatures_stay_valid_and_detect_change(void **state)
{
	(void)state;
	pdfread_buf pdf = {0};
	make_pdf(&pdf);
	unsigned char *one = NULL, *two = NULL;
	size_t onelen = 0, twolen = 0;
	assert_int_equal(sign_with(0, 0, pdf.p, pdf.len, &one, &onelen), ST_OK);
	assert_int_equal(sign_with(1, 1, one, onelen, &two, &twolen), ST_OK);
	/* The first revision is a prefix of the second: an incremental update. */
	assert_true(twolen > onelen && memcmp(one, two, onelen) == 0);

	char f[128], g[128], h[128];
	snprintf(f, sizeof f, "%s/two.pdf", P.dir);
	write_file(f, two, twolen);
	char *out = pdfsig(f);
	assert_int_equal(count(out, "Signature is Valid."), 2);
	assert_int_equal(count(out, "Certificate is Trusted."), 2);
	assert_int_equal(count(out, "ETSI.CAdES.detached"), 2);
	assert_non_null(strstr(out, "Signer Certificate Common Name: 甲公司"));
	assert_non_null(strstr(out, "Signer Certificate Common Name: 乙公司"));
	/* Signature #2 (the last) covers the whole file; #1 exactly its own revision. */
	const char *s2 = strstr(out, "Signature #2:");
	assert_non_null(s2);
	assert_non_null(strstr(s2, "Total document signed"));
	char end1[64];
	snprintf(end1, sizeof end1, " - %zu]\n", onelen);
	const char *ranges1 = strstr(out, "Signed Ranges:");
	assert_true(ranges1 && ranges1 < s2);
	assert_non_null(strstr(ranges1, end1));
	assert_true(strstr(ranges1, end1) < s2);
	free(out);

	int st = 0;
	out = run(&st, "qpdf --check %s", f);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "No syntax or stream encoding errors found"));
	free(out);

	for (int i = 0; i < 2; i++) {
		unsigned char *cms = NULL;
		size_t cmslen = 0;
		signature_of(two, twolen, i, &cms, &cmslen);
		snprintf(g, sizeof g, "%s/sig%d.bin", P.dir, i);
		snprintf(h, sizeof h, "%s/tst%d.der", P.dir, i);
		token_files(cms, cmslen, g, h);
		free(cms);
		out = run(&st,
		          "openssl ts -verify -data %s -in %s -token_in -CAfile %s/rsa-root.pem "
		          "-untrusted %s/tsa-chain.pem",
		          g, h, P.dir, P.dir);
		assert_non_null(strstr(out, "Verification: OK"));
		free(out);
	}

	/* One byte of the original's title, inside both signatures' ranges. */
	char *mark = memmem(two, twolen, "contract-original", 17);
	assert_non_null(mark);
	mark[9] = 'X';
	snprintf(f, sizeof f, "%s/tampered.pdf", P.dir);
	write_file(f, two, twolen);
	out = pdfsig(f);
	assert_int_equal(count(out, "Signature is Valid."), 0);
	assert_int_equal(count(out, "Signature Validation: Digest Mismatch."), 2);
	free(out);

	free(one);
	free(two);
	free(pdf.p);
}

/* A document whose objects sit in object streams behind a cross-reference stream. */
static void xref_stream_document_signs(void **state)
{
	(void)state;
	pdfread_buf pdf = {0}, packed = {0};
	make_pdf(&pdf);
	char f[128], g[128];
	snprintf(f, sizeof f, "%s/plain.pdf", P.dir);
	snprintf(g, sizeof g, "%s/packed.pdf", P.dir);
	write_file(f, pdf.p, pdf.len);
	int st = 0;
	free(run(&st, "qpdf --object-streams=generate %s %s", f, g));
	assert_int_equal(st, 0);
	FILE *in = fopen(g, "rb");
	assert_non_null(in);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		pdfread_buf_put(&packed, chunk, n);
	fclose(in);
	pdfread *d = NULL;
	assert_int_equal(pdfread_open(packed.p, packed.len, &d), ST_OK);
	assert_int_equal(pdfread_xref_is_stream(d), 1);
	pdfread_free(d);

	unsigned char *one = NULL, *two = NULL;
	size_t onelen = 0, twolen = 0;
	assert_int_equal(sign_with(1, 1, packed.p, packed.len, &one, &onelen), ST_OK);
	assert_int_equal(sign_with(0, 0, one, onelen, &two, &twolen), ST_OK);
	snprintf(f, sizeof f, "%s/packed-signed.pdf", P.dir);
	write_file(f, two, twolen);
	char *out = pdfsig(f);
	assert_int_equal(count(out, "Signature is Valid."), 2);
	assert_non_null(strstr(strstr(out, "Signature #2:"), "Total document signed"));
	free(out);
	out = run(&st, "qpdf --check %s", f);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "No syntax or stream encoding errors found"));
	free(out);
	free(one);
	free(two);
	free(pdf.p);
	free(packed.p);
}

/*
 * An SM2 signature (SM3, the GM ID), then an RSA one of the same document beside it, as
 * the signing flow does: no common reader checks SM2 (pdfsig 22.12 prints "Unrecognized
 * Hash ID" and "Unknown Validation Failure." for it), the RSA one is valid and covers the whole
 * document, the structure is sound, and the SM2 signature's time-stamp verifies like any other. The
 * SM2 signature value itself is checked with the GM ID in services/certs/pades_test.c.
 */
static void sm2_signature_then_rsa_beside_it(void **state)
{
	(void)state;
	EVP_PKEY *rk = NULL, *k = NULL;
	X509 *root = NULL, *leaf = NULL;
	char serial[33];
	assert_int_equal(ca_keygen(CA_SM2, &rk), ST_OK);
	assert_int_equal(ca_keygen(CA_SM2, &k), ST_OK);
	assert_int_equal(ca_make_ca(CA_SM2, "SM2 Root", 30, 1, NULL, rk, rk, &root), ST_OK);
	ca_ee_spec spec = {.subject = subject("甲公司"),
	                   .days = 30,
	                   .key_usage = "critical,digitalSignature,nonRepudiation"};
	assert_int_equal(ca_issue(CA_SM2, root, rk, k, &spec, &leaf, serial), ST_OK);
	X509_NAME_free(spec.subject);
	pdfread_buf pdf = {0}, png = {0};
	make_pdf(&pdf);
	make_png(&png, 0);
	pades_input in = {.pdf = pdf.p,
	                  .pdf_len = pdf.len,
	                  .x = 380,
	                  .y = 80,
	                  .w = 120,
	                  .h = 120,
	                  .png = png.p,
	                  .png_len = png.len,
	                  .cert = leaf,
	                  .sign = cades_key_sign,
	                  .sign_arg = k,
	                  .tsa = tsa_in_process,
	                  .tsa_arg = &P};
	unsigned char *one = NULL, *two = NULL;
	size_t onelen = 0, twolen = 0;
	assert_int_equal(pades_sign(&in, &one, &onelen), ST_OK);
	assert_int_equal(sign_with(0, 0, one, onelen, &two, &twolen), ST_OK);
	char f[128], g[128], h[128];
	snprintf(f, sizeof f, "%s/sm2-rsa.pdf", P.dir);
	write_file(f, two, twolen);
	char *out = pdfsig(f);
	assert_int_equal(count(out, "Signature #"), 2);
	assert_int_equal(count(out, "Signature is Valid."), 1);
	const char *s2 = strstr(out, "Signature #2:");
	assert_non_null(strstr(s2, "Signature is Valid."));
	assert_non_null(strstr(s2, "Total document signed"));
	free(out);
	int st = 0;
	out = run(&st, "qpdf --check %s", f);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "No syntax or stream encoding errors found"));
	free(out);
	unsigned char *cms = NULL;
	size_t cmslen = 0;
	signature_of(two, twolen, 0, &cms, &cmslen);
	snprintf(g, sizeof g, "%s/sm2-sig.bin", P.dir);
	snprintf(h, sizeof h, "%s/sm2-tst.der", P.dir);
	token_files(cms, cmslen, g, h);
	free(cms);
	out = run(&st,
	          "openssl ts -verify -data %s -in %s -token_in -CAfile %s/rsa-root.pem "
	          "-untrusted %s/tsa-chain.pem",
	          g, h, P.dir, P.dir);
	assert_non_null(strstr(out, "Verification: OK"));
	free(out);
	free(one);
	free(two);
	free(pdf.p);
	free(png.p);
	X509_free(root);
	X509_free(leaf);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(k);
}

/* The widgets (/Annots entries) of page i. */
static size_t annots_of(pdfread *d, int i)
{
	long num = 0;
	const pdfo *page = NULL;
	assert_int_equal(pdfread_page(d, i, &num, &page), ST_OK);
	const pdfo *a = pdfread_resolve(d, pdfo_get(page, "Annots"));
	return a && a->type == PDFO_ARRAY ? a->n : 0;
}

/*
 * One signature with a seal and its date stamp (two widgets on page 1), then a second with
 * the cross-page seal (one slice per page at the right edge): pdfsig sees two signatures,
 * both valid, the last total; qpdf finds the structure sound; page 1 holds three widgets,
 * page 2 one; each field's /Kids are its two widgets.
 */
static void seal_with_date_then_cross_page_seal(void **state)
{
	(void)state;
	pdfread_buf pdf = {0}, seal = {0};
	make_pdf(&pdf);
	make_png(&seal, 0);
	unsigned char *date = NULL;
	size_t datelen = 0;
	assert_int_equal(seal_image_date(1796587200, 400, &date, &datelen), ST_OK);
	pades_widget ws[2] = {{0, 380, 80, 120, 120, seal.p, seal.len},
	                      {0, 380, 60, 120, 24, date, datelen}};
	pades_input in = {.pdf = pdf.p,
	                  .pdf_len = pdf.len,
	                  .widgets = ws,
	                  .nwidgets = 2,
	                  .cert = P.signer[0],
	                  .chain = P.chain[0],
	                  .sign = cades_key_sign,
	                  .sign_arg = P.signerk[0],
	                  .tsa = tsa_in_process,
	                  .tsa_arg = &P};
	unsigned char *one = NULL, *two = NULL;
	size_t onelen = 0, twolen = 0;
	assert_int_equal(pades_sign(&in, &one, &onelen), ST_OK);

	pades_widget *cw = NULL;
	unsigned char **slices = NULL;
	size_t n = 0;
	assert_int_equal(
	        pades_cross_page_widgets(one, onelen, seal.p, seal.len, 120, &cw, &n, &slices),
	        ST_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		/* A4: the slice ends at the right edge, vertically centred, half the seal wide. */
		assert_int_equal(cw[i].page, (int)i);
		assert_true(fabs(cw[i].x + cw[i].w - 595) < 0.01);
		assert_true(fabs(cw[i].w - 60) < 0.01);
		assert_true(fabs(cw[i].y + cw[i].h / 2 - 421) < 0.01);
		assert_true(cw[i].png == slices[i]);
	}
	in = (pades_input){.pdf = one,
	                   .pdf_len = onelen,
	                   .widgets = cw,
	                   .nwidgets = n,
	                   .cert = P.signer[1],
	                   .chain = P.chain[1],
	                   .sign = cades_key_sign,
	                   .sign_arg = P.signerk[1],
	                   .tsa = tsa_in_process,
	                   .tsa_arg = &P};
	assert_int_equal(pades_sign(&in, &two, &twolen), ST_OK);
	pades_cross_page_free(cw, slices, n);

	char f[128];
	snprintf(f, sizeof f, "%s/cross.pdf", P.dir);
	write_file(f, two, twolen);
	char *out = pdfsig(f);
	assert_int_equal(count(out, "Signature #"), 2);
	assert_int_equal(count(out, "Signature is Valid."), 2);
	assert_non_null(strstr(strstr(out, "Signature #2:"), "Total document signed"));
	free(out);
	int st = 0;
	out = run(&st, "qpdf --check %s", f);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "No syntax or stream encoding errors found"));
	free(out);

	pdfread *d = NULL;
	assert_int_equal(pdfread_open(two, twolen, &d), ST_OK);
	assert_int_equal(annots_of(d, 0), 3);
	assert_int_equal(annots_of(d, 1), 1);
	const pdfo *cat = pdfread_resolve(d, pdfo_get(pdfread_trailer(d), "Root"));
	const pdfo *fields = pdfread_resolve(
	        d, pdfo_get(pdfread_resolve(d, pdfo_get(cat, "AcroForm")), "Fields"));
	assert_int_equal(fields->n, 2);
	for (size_t i = 0; i < 2; i++) {
		const pdfo *field = pdfread_resolve(d, fields->items[i]);
		const pdfo *kids = pdfread_resolve(d, pdfo_get(field, "Kids"));
		assert_true(pdfo_is_name(pdfo_get(field, "FT"), "Sig"));
		assert_int_equal(kids->n, 2);
		const pdfo *kid = pdfread_resolve(d, kids->items[1]);
		assert_true(pdfo_is_name(pdfo_get(kid, "Subtype"), "Widget"));
	}
	pdfread_free(d);

	/* Bad input: a size outside 20–400 pt, a broken image. */
	assert_int_equal(
	        pades_cross_page_widgets(one, onelen, seal.p, seal.len, 10, &cw, &n, &slices),
	        ST_PDF_RECT);
	assert_int_equal(pades_cross_page_widgets(one, onelen, seal.p, 20, 120, &cw, &n, &slices),
	                 ST_SEAL_IMAGE_INVALID);
	assert_null(cw);
	free(one);
	free(two);
	free(date);
	free(seal.p);
	free(pdf.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(two_signatures_stay_valid_and_detect_change),
	        cmocka_unit_test(xref_stream_document_signs),
	        cmocka_unit_test(sm2_signature_then_rsa_beside_it),
	        cmocka_unit_test(seal_with_date_then_cross_page_seal),
	};
	return cmocka_run_group_tests(tests, pades_setup, pades_teardown);
}
