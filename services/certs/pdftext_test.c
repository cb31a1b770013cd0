/*
 * Text positions (pdftext.c): a cairo PDF with CJK text in WenQuanYi (Type0 fonts, /W
 * widths, ToUnicode CMaps — what the platform's own documents are) finds its keywords
 * where cairo drew them, also one drawn by two show calls, on the right page; hand-made
 * documents exercise simple fonts (WinAnsi without ToUnicode, /Widths), TJ kerning, Tz,
 * Tc, cm, q/Q, T*, a Form XObject, a Flate-compressed stream, and a ToUnicode bfrange with
 * an array; bad keywords and broken files are refused.
 */
#include "pdfread.h"
#include "pdftext.h"
#include "status.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <zlib.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static cairo_status_t buf_write(void *arg, const unsigned char *data, unsigned int n)
{
	pdfread_buf_put(arg, data, n);
	return CAIRO_STATUS_SUCCESS;
}

static void near(double got, double want, double tol)
{
	if (fabs(got - want) > tol)
		fail_msg("%.2f is not within %.2f of %.2f", got, tol, want);
}

/* Two A4 pages: 甲方（盖章）： on the first at (72, 100) from the top, drawn by two
 * show calls that split 盖章; 乙方（盖章）： on the second at (300, 500). */
static void cairo_doc(pdfread_buf *b)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(buf_write, b, 595, 842);
	cairo_t *c = cairo_create(s);
	cairo_select_font_face(c, "WenQuanYi Micro Hei", CAIRO_FONT_SLANT_NORMAL,
	                       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c, 20);
	cairo_move_to(c, 72, 100);
	cairo_show_text(c, "甲方（盖");
	cairo_show_text(c, "章）：");
	cairo_move_to(c, 72, 300);
	cairo_show_text(c, "合同编号 HT-2026");
	cairo_show_page(c);
	cairo_move_to(c, 300, 500);
	cairo_show_text(c, "乙方（盖章）：");
	cairo_show_page(c);
	cairo_destroy(c);
	cairo_surface_destroy(s);
}

static void cjk_keywords_where_cairo_drew_them(void **state)
{
	(void)state;
	pdfread_buf b = {0};
	cairo_doc(&b);
	pdftext_hit hits[8];
	size_t n = 0;
	assert_int_equal(pdftext_find(b.p, b.len, "甲方", hits, 8, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].page, 0);
	/* Two 20 pt CJK characters from x 72 on the baseline 842 - 100. */
	near(hits[0].x, 72, 1);
	near(hits[0].w, 40, 2);
	near(hits[0].y, 742 - 4, 1);
	near(hits[0].h, 20, 1);

	/* 盖章 on both pages: page order; the first split between two show operators. */
	assert_int_equal(pdftext_find(b.p, b.len, "盖章", hits, 8, &n), ST_OK);
	assert_int_equal(n, 2);
	assert_int_equal(hits[0].page, 0);
	assert_int_equal(hits[1].page, 1);
	near(hits[0].x, 72 + 3 * 20, 2);
	near(hits[0].w, 40, 2);
	near(hits[0].y, 738, 1);
	near(hits[1].x, 300 + 3 * 20, 2);
	near(hits[1].y, 842 - 500 - 4, 1);

	/* Latin text in the same font, white space in the keyword ignored. */
	assert_int_equal(pdftext_find(b.p, b.len, "编号HT-2026", hits, 8, &n), ST_OK);
	assert_int_equal(n, 1);
	near(hits[0].y, 842 - 300 - 4, 1);
	assert_int_equal(pdftext_find(b.p, b.len, "丙方", hits, 8, &n), ST_OK);
	assert_int_equal(n, 0);
	/* max bounds what is written. */
	assert_int_equal(pdftext_find(b.p, b.len, "方", hits, 1, &n), ST_OK);
	assert_int_equal(n, 1);
	free(b.p);
}

/* A classic-xref PDF of the given objects (1-based; a stream's data after its dict). */
typedef struct obj {
	const char *dict;
	const unsigned char *data;
	size_t len;
} obj;

static void build(pdfread_buf *b, const obj *o, int n)
{
	size_t off[32];
	pdfread_buf_printf(b, "%%PDF-1.7\n");
	for (int i = 0; i < n; i++) {
		off[i] = b->len;
		if (o[i].data) {
			pdfread_buf_printf(b, "%d 0 obj\n<< %s /Length %zu >>\nstream\n", i + 1,
			                   o[i].dict, o[i].len);
			pdfread_buf_put(b, o[i].data, o[i].len);
			pdfread_buf_printf(b, "\nendstream\nendobj\n");
		} else {
			pdfread_buf_printf(b, "%d 0 obj\n%s\nendobj\n", i + 1, o[i].dict);
		}
	}
	size_t x = b->len;
	pdfread_buf_printf(b, "xref\n0 %d\n0000000000 65535 f\r\n", n + 1);
	for (int i = 0; i < n; i++)
		pdfread_buf_printf(b, "%010zu 00000 n\r\n", off[i]);
	pdfread_buf_printf(b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	                   n + 1, x);
}

static const char *S(const char *s) { return s; }

static void simple_fonts_operators_and_forms(void **state)
{
	(void)state;
	/* Helvetica (WinAnsi, /Widths: 'S' 667, 'i' 222, 'g' 556, 'n' 556, ' ' 278). */
	const char *content =
	        "q 2 0 0 2 0 0 cm BT /F1 10 Tf 50 100 Td (Total:) Tj ET Q\n"
	        "BT /F1 12 Tf 14 TL 100 500 Td (first line) Tj T* [(Si) 500 (gn)] TJ ET\n"
	        "q BT /F1 10 Tf 50 Tz 3 Tc 100 300 Td (Sign) Tj ET Q\n"
	        "q 1 0 0 1 200 50 cm /X1 Do Q\n"
	        "BT /F2 10 Tf 300 600 Td <00010002> Tj ET\n";
	uLongf zl = compressBound((uLong)strlen(content));
	unsigned char *z = malloc(zl);
	assert_int_equal(compress(z, &zl, (const Bytef *)content, (uLong)strlen(content)), Z_OK);
	const char *form = "BT /F1 10 Tf 0 0 Td (Sign) Tj ET";
	const char *cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
	                   "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
	                   "1 beginbfrange <0001> <0002> [<76D6> <7AE0>] endbfrange\n"
	                   "endcmap end end";
	char widths[1200];
	size_t wl = 0;
	wl += (size_t)snprintf(widths + wl, sizeof widths - wl, "[");
	for (int c = 32; c < 127; c++) {
		int w = c == 'S' ? 667 : c == 'i' ? 222 : c == ' ' ? 278 : 556;
		wl += (size_t)snprintf(widths + wl, sizeof widths - wl, " %d", w);
	}
	snprintf(widths + wl, sizeof widths - wl, " ]");
	char f1[1400];
	snprintf(f1, sizeof f1,
	         "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding"
	         " /FirstChar 32 /LastChar 126 /Widths %s >>",
	         widths);
	obj o[] = {
	        {S("<< /Type /Catalog /Pages 2 0 R >>"), NULL, 0},
	        {S("<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792]"
	           " /Resources << /Font << /F1 5 0 R /F2 7 0 R >> /XObject << /X1 6 0 R >> >> >>"),
	         NULL, 0},
	        {S("<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"), NULL, 0},
	        {S("/Filter /FlateDecode"), z, zl},
	        {f1, NULL, 0},
	        {S("/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Matrix [1 0 0 1 10 20]"),
	         (const unsigned char *)form, strlen(form)},
	        {S("<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H"
	           " /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /DW 1000"
	           " /W [1 [500] 2 2 800] >>] /ToUnicode 8 0 R >>"),
	         NULL, 0},
	        {S(""), (const unsigned char *)cmap, strlen(cmap)},
	};
	pdfread_buf b = {0};
	build(&b, o, 8);
	free(z);
	if (getenv("PDFTEXT_KEEP")) {
		FILE *kf = fopen(getenv("PDFTEXT_KEEP"), "wb");
		fwrite(b.p, 1, b.len, kf);
		fclose(kf);
	}
	pdftext_hit h[8];
	size_t n = 0;

	/* Under cm 2: x 100, baseline 200, 20 pt high, 2 × (667+556+556+...) wide. */
	assert_int_equal(pdftext_find(b.p, b.len, "Total:", h, 8, &n), ST_OK);
	assert_int_equal(n, 1);
	near(h[0].x, 100, 0.01);
	near(h[0].y, 200 - 4, 0.01);
	near(h[0].h, 20, 0.01);

	/* "Sign" found three times: T* (500 - 14) with a TJ kerned by 500/1000 em; with Tz 50
	 * and Tc 3; and through the Form XObject (cm 200 50, /Matrix 10 20). Top to bottom. */
	assert_int_equal(pdftext_find(b.p, b.len, "Sign", h, 8, &n), ST_OK);
	assert_int_equal(n, 3);
	near(h[0].x, 100, 0.01);
	near(h[0].y, 486 - 2.4, 0.01);
	/* S i, then -6 pt kerning, g n: (0.667 + 0.222) * 12 - 6 + (0.556 + 0.556) * 12. */
	near(h[0].w, (0.667 + 0.222) * 12 - 6 + 1.112 * 12, 0.01);
	near(h[1].y, 300 - 2, 0.01);
	/* Tz 50: each glyph (w·10 + 3) · 0.5 advanced; the box is the last glyph's width. */
	near(h[1].w, ((0.667 + 0.222 + 0.556) * 10 + 9) * 0.5 + 0.556 * 10 * 0.5, 0.01);
	near(h[2].x, 210, 0.01);
	near(h[2].y, 70 - 2, 0.01);

	/* The Type0 font's two codes through the bfrange array: 盖章, 0.5 + 0.8 em (Tz and Tc
	 * were restored by Q). */
	assert_int_equal(pdftext_find(b.p, b.len, "盖章", h, 8, &n), ST_OK);
	assert_int_equal(n, 1);
	near(h[0].x, 300, 0.01);
	near(h[0].w, 13, 0.01);
	assert_int_equal(pdftext_find(b.p, b.len, "first line", h, 8, &n), ST_OK);
	assert_int_equal(n, 1);
	free(b.p);
}

static void refuses_bad_keywords_and_files(void **state)
{
	(void)state;
	pdftext_hit h[2];
	size_t n = 9;
	const unsigned char junk[] = "not a pdf at all";
	pdfread_buf b = {0};
	cairo_doc(&b);
	assert_int_equal(pdftext_find(b.p, b.len, "", h, 2, &n), ST_KEYWORD_INVALID);
	assert_string_equal(status_field(), "keyword");
	assert_int_equal(n, 0);
	assert_int_equal(pdftext_find(b.p, b.len, "   ", h, 2, &n), ST_KEYWORD_INVALID);
	assert_int_equal(pdftext_find(b.p, b.len, "\xff\xfe", h, 2, &n), ST_KEYWORD_INVALID);
	assert_int_equal(pdftext_find(b.p, b.len, NULL, h, 2, &n), ST_KEYWORD_INVALID);
	char longkw[3 * 65 + 1] = {0};
	for (int i = 0; i < 65; i++)
		memcpy(longkw + 3 * i, "章", 3);
	assert_int_equal(pdftext_find(b.p, b.len, longkw, h, 2, &n), ST_KEYWORD_INVALID);
	assert_int_equal(pdftext_find(junk, sizeof junk - 1, "章", h, 2, &n), ST_PDF_INVALID);
	free(b.p);
}

static int done(void **state)
{
	(void)state;
	cairo_debug_reset_static_data();
	FcFini();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(cjk_keywords_where_cairo_drew_them),
	        cmocka_unit_test(simple_fonts_operators_and_forms),
	        cmocka_unit_test(refuses_bad_keywords_and_files),
	};
	return cmocka_run_group_tests(tests, NULL, done);
}
