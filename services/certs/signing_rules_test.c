/* The signing flow's pure rules (signing_rules.c): a page's size from its MediaBox, inherited
 * or offset, pages out of range and broken files; the seal a date stamp rides with. */
#include "signing.h"
#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* A PDF of two pages whose objects are given (1: catalog, 2: pages, 3 and 4: the pages);
 * the xref offsets counted here. */
static size_t make_pdf(char *out, size_t cap, const char *pages, const char *p1, const char *p2)
{
	const char *objs[] = {"<< /Type /Catalog /Pages 2 0 R >>", pages, p1, p2};
	long off[4];
	size_t n = (size_t)snprintf(out, cap, "%%PDF-1.4\n");
	for (int i = 0; i < 4; i++) {
		off[i] = (long)n;
		n += (size_t)snprintf(out + n, cap - n, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	long x = (long)n;
	n += (size_t)snprintf(out + n, cap - n, "xref\n0 5\n0000000000 65535 f \n");
	for (int i = 0; i < 4; i++)
		n += (size_t)snprintf(out + n, cap - n, "%010ld 00000 n \n", off[i]);
	n += (size_t)snprintf(out + n, cap - n,
	                      "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", x);
	return n;
}

static void page_size_inherited_and_own(void **state)
{
	(void)state;
	char pdf[2048];
	/* page 1 inherits the tree's A4; page 2 says its own landscape box, offset from 0 */
	size_t n =
	        make_pdf(pdf, sizeof pdf,
	                 "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595 842] >>",
	                 "<< /Type /Page /Parent 2 0 R >>",
	                 "<< /Type /Page /Parent 2 0 R /MediaBox [10 20 852.5 615] >>");
	double w = 0, h = 0;
	assert_int_equal(signing_page_size((unsigned char *)pdf, n, 0, &w, &h), ST_OK);
	assert_true(w == 595 && h == 842);
	assert_int_equal(signing_page_size((unsigned char *)pdf, n, 1, &w, &h), ST_OK);
	assert_true(w == 842.5 && h == 595);
}

static void page_out_of_range_and_broken_file(void **state)
{
	(void)state;
	char pdf[2048];
	size_t n = make_pdf(pdf, sizeof pdf, "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
	                    "<< /Type /Page /Parent 2 0 R >>", "<< /Type /Page /Parent 2 0 R >>");
	double w = 0, h = 0;
	/* no MediaBox anywhere: A4 assumed rather than a division by zero in the page */
	assert_int_equal(signing_page_size((unsigned char *)pdf, n, 1, &w, &h), ST_OK);
	assert_true(w == 595 && h == 842);
	assert_int_equal(signing_page_size((unsigned char *)pdf, n, 2, &w, &h), ST_PDF_PAGE);
	assert_int_equal(signing_page_size((unsigned char *)pdf, n, -1, &w, &h), ST_PDF_PAGE);
	assert_int_equal(
	        signing_page_size((const unsigned char *)"%PDF-1.4\nnot a pdf", 18, 0, &w, &h),
	        ST_PDF_INVALID);
}

static void date_rides_with_the_nearest_seal_of_its_page(void **state)
{
	(void)state;
	const signing_spot seals[] = {
	        {0, 60, 300, 0},  /* page 1 */
	        {1, 400, 500, 0}, /* page 2, far from the date */
	        {1, 0, 0, 1},     /* a cross-page seal: on every page, at the edge */
	        {1, 80, 320, 0},  /* page 2, near the date */
	};
	/* on page 2 beside the last seal: that one, not page 1's at the same spot */
	assert_int_equal(signing_nearest(seals, 4, &(signing_spot){1, 80, 280, 0}), 3);
	/* on page 1: page 1's seal, however close the others' coordinates */
	assert_int_equal(signing_nearest(seals, 4, &(signing_spot){0, 400, 480, 0}), 0);
	/* on a page without a seal: the nearest of all, the cross-page seal not preferred */
	assert_int_equal(signing_nearest(seals, 4, &(signing_spot){5, 390, 490, 0}), 1);
	/* only a cross-page seal: that one */
	assert_int_equal(signing_nearest(&seals[2], 1, &(signing_spot){0, 10, 10, 0}), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(page_size_inherited_and_own),
	        cmocka_unit_test(page_out_of_range_and_broken_file),
	        cmocka_unit_test(date_rides_with_the_nearest_seal_of_its_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
