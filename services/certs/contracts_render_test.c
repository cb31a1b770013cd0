/* Page rendering (contracts_render.c): a page of a small PDF becomes a PNG of the expected
 * size, a page number out of range and an enormous page are refused, garbage is not
 * rendered. */
#include "certs.h"
#include "contracts.h"
#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char two_pages[] = "%PDF-1.4\n"
                                "1 0 obj\n"
                                "<< /Type /Catalog /Pages 2 0 R >>\n"
                                "endobj\n"
                                "2 0 obj\n"
                                "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>\n"
                                "endobj\n"
                                "3 0 obj\n"
                                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                                "<< /Font << /F1 7 0 R >> >> /Contents 4 0 R >>\n"
                                "endobj\n"
                                "4 0 obj\n"
                                "<< /Length 48 >>\n"
                                "stream\n"
                                "BT /F1 24 Tf 72 720 Td (Contract page one) Tj ET\n"
                                "endstream\n"
                                "endobj\n"
                                "5 0 obj\n"
                                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                                "<< /Font << /F1 7 0 R >> >> /Contents 6 0 R >>\n"
                                "endobj\n"
                                "6 0 obj\n"
                                "<< /Length 48 >>\n"
                                "stream\n"
                                "BT /F1 24 Tf 72 720 Td (Contract page two) Tj ET\n"
                                "endstream\n"
                                "endobj\n"
                                "7 0 obj\n"
                                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\n"
                                "endobj\n"
                                "xref\n"
                                "0 8\n"
                                "0000000000 65535 f \n"
                                "0000000009 00000 n \n"
                                "0000000058 00000 n \n"
                                "0000000121 00000 n \n"
                                "0000000247 00000 n \n"
                                "0000000345 00000 n \n"
                                "0000000471 00000 n \n"
                                "0000000569 00000 n \n"
                                "trailer\n"
                                "<< /Size 8 /Root 1 0 R >>\n"
                                "startxref\n"
                                "639\n"
                                "%%EOF\n"
                                "";

static const char huge_page[] = "%PDF-1.4\n"
                                "1 0 obj\n"
                                "<< /Type /Catalog /Pages 2 0 R >>\n"
                                "endobj\n"
                                "2 0 obj\n"
                                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
                                "endobj\n"
                                "3 0 obj\n"
                                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] "
                                "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>\n"
                                "endobj\n"
                                "4 0 obj\n"
                                "<< /Length 40 >>\n"
                                "stream\n"
                                "BT /F1 24 Tf 72 720 Td (Huge page) Tj ET\n"
                                "endstream\n"
                                "endobj\n"
                                "5 0 obj\n"
                                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\n"
                                "endobj\n"
                                "xref\n"
                                "0 6\n"
                                "0000000000 65535 f \n"
                                "0000000009 00000 n \n"
                                "0000000058 00000 n \n"
                                "0000000115 00000 n \n"
                                "0000000245 00000 n \n"
                                "0000000335 00000 n \n"
                                "trailer\n"
                                "<< /Size 6 /Root 1 0 R >>\n"
                                "startxref\n"
                                "405\n"
                                "%%EOF\n"
                                "";

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void a_page_is_a_png_of_its_size_at_the_dpi(void **state)
{
	(void)state;
	unsigned char *png = NULL;
	size_t n = 0;
	assert_int_equal(certs_contract_render((const unsigned char *)two_pages,
	                                       sizeof two_pages - 1, 1, 72, &png, &n),
	                 ST_OK);
	assert_true(n > 33);
	assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
	/* IHDR: an A4 page (595 × 842 points) at 72 dpi */
	assert_int_equal(be32(png + 16), 595);
	assert_int_equal(be32(png + 20), 842);
	free(png);
}

static void out_of_range_and_garbage_are_refused(void **state)
{
	(void)state;
	unsigned char *png = NULL;
	size_t n = 0;
	assert_int_equal(certs_contract_render((const unsigned char *)two_pages,
	                                       sizeof two_pages - 1, 2, 72, &png, &n),
	                 ST_CONTRACT_PAGE);
	assert_int_equal(
	        certs_contract_render((const unsigned char *)"not a pdf", 9, 0, 72, &png, &n),
	        ST_CONTRACT_RENDER);
	assert_null(png);
}

static void an_enormous_page_is_refused_not_allocated(void **state)
{
	(void)state;
	unsigned char *png = NULL;
	size_t n = 0;
	/* 14400 × 14400 points: even at 24 dpi 4800 × 4800 pixels, over the limit */
	assert_int_equal(certs_contract_render((const unsigned char *)huge_page,
	                                       sizeof huge_page - 1, 0, 110, &png, &n),
	                 ST_CONTRACT_PAGE_TOO_LARGE);
	assert_null(png);
}

static void a_large_page_is_scaled_down_to_the_limit(void **state)
{
	(void)state;
	unsigned char *png = NULL;
	size_t n = 0;
	/* an A4 page asked at 1200 dpi: the longer side is held to CERTS_RENDER_MAX_SIDE and the
	 * area to CERTS_RENDER_MAX_PIXELS */
	assert_int_equal(certs_contract_render((const unsigned char *)two_pages,
	                                       sizeof two_pages - 1, 0, 1200, &png, &n),
	                 ST_OK);
	uint32_t w = be32(png + 16), h = be32(png + 20);
	assert_true(h <= CERTS_RENDER_MAX_SIDE);
	assert_true((long)w * (long)h <= CERTS_RENDER_MAX_PIXELS + 2L * CERTS_RENDER_MAX_SIDE);
	free(png);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(a_page_is_a_png_of_its_size_at_the_dpi),
	        cmocka_unit_test(out_of_range_and_garbage_are_refused),
	        cmocka_unit_test(an_enormous_page_is_refused_not_allocated),
	        cmocka_unit_test(a_large_page_is_scaled_down_to_the_limit),
	};
	int rv = cmocka_run_group_tests(tests, NULL, NULL);
	certs_pdf_shutdown();
	return rv;
}
