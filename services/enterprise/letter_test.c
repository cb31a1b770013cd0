/*
 * Unit tests of the authorisation letter (letter.c): the PDF's structure is read back
 * as a reader would (startxref -> xref table -> every object at its offset, the
 * content stream's /Length), the font is the standard CID font with the UCS-2 CMap,
 * the page is A4, the text is there, and lines wrap within the page.
 */
#include "certification.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The first occurrence of needle in the n bytes at hay, or NULL. */
static const char *find(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

/* The last occurrence, for the trailer's startxref. */
static const char *find_last(const char *hay, size_t n, const char *needle)
{
	const char *last = NULL, *p = hay;
	while ((p = find(p, n - (size_t)(p - hay), needle)) != NULL)
		last = p++;
	return last;
}

static void test_structure(void **state)
{
	(void)state;
	size_t n = 0;
	char *pdf = enterprise_letter_pdf(&n);
	assert_non_null(pdf);
	assert_true(n > 1000);
	assert_memory_equal(pdf, "%PDF-1.7\n", 9);
	assert_memory_equal(pdf + n - 6, "%%EOF\n", 6);

	/* startxref points at the xref table */
	const char *sx = find_last(pdf, n, "startxref\n");
	assert_non_null(sx);
	long xref = strtol(sx + 10, NULL, 10);
	assert_true(xref > 0 && (size_t)xref < n);
	assert_memory_equal(pdf + xref, "xref\n0 ", 7);

	/* "0 N" then N entries of exactly 20 bytes; every in-use one names its object */
	char *end = NULL;
	long count = strtol(pdf + xref + 7, &end, 10);
	assert_int_equal(count, 9);
	assert_int_equal(*end, '\n');
	const char *e = end + 1;
	assert_memory_equal(e, "0000000000 65535 f \n", 20);
	for (long i = 1; i < count; i++) {
		const char *entry = e + 20 * i;
		assert_memory_equal(entry + 10, " 00000 n \n", 10);
		long off = strtol(entry, NULL, 10);
		char head[32];
		int hl = snprintf(head, sizeof head, "%ld 0 obj\n", i);
		assert_true(off > 0 && (size_t)off + (size_t)hl < n);
		assert_memory_equal(pdf + off, head, (size_t)hl);
	}
	/* the trailer after the table */
	const char *tr = e + 20 * count;
	assert_memory_equal(tr, "trailer\n<< /Size 9 /Root 1 0 R /Info 8 0 R >>", 44);

	/* the content stream is as long as its /Length says */
	const char *len = find(pdf, n, "/Length ");
	assert_non_null(len);
	long slen = strtol(len + 8, NULL, 10);
	const char *body = find(len, n - (size_t)(len - pdf), "stream\n");
	assert_non_null(body);
	body += 7;
	assert_true(body + slen + 9 <= pdf + n);
	assert_memory_equal(body + slen, "endstream", 9);
	free(pdf);
}

static void test_font_page_and_text(void **state)
{
	(void)state;
	size_t n = 0;
	char *pdf = enterprise_letter_pdf(&n);
	assert_non_null(find(pdf, n, "/MediaBox [0 0 595 842]"));
	assert_non_null(find(pdf, n,
	                     "/Subtype /Type0 /BaseFont /STSong-Light /Encoding "
	                     "/UniGB-UCS2-H"));
	assert_non_null(find(pdf, n, "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1)"));
	/* no embedded font program */
	assert_null(find(pdf, n, "/FontFile"));
	/* 企业授权书 as UCS-2: 4F01 4E1A 6388 6743 4E66 */
	assert_non_null(find(pdf, n, "<4F014E1A638867434E66> Tj"));
	/* 统一社会信用代码 and the blanks of the form */
	assert_non_null(find(pdf, n, "7EDF4E00793E4F1A4FE175284EE37801"));
	assert_non_null(find(pdf, n, "005F005F005F"));
	/* the same bytes every time */
	size_t m = 0;
	char *again = enterprise_letter_pdf(&m);
	assert_int_equal(m, n);
	assert_memory_equal(again, pdf, n);
	free(again);
	free(pdf);
}

static void test_width_and_wrap(void **state)
{
	(void)state;
	assert_int_equal(enterprise_letter_text_width("企业"), 2000);
	assert_int_equal(enterprise_letter_text_width("ab_"), 1500);
	assert_int_equal(enterprise_letter_text_width(""), 0);
	size_t br[8];
	/* ten ideographs in lines of four: breaks after 4 and 8 characters */
	assert_int_equal(enterprise_letter_wrap("一二三四五六七八九十", 4000, br, 8), 2);
	assert_int_equal(br[0], 12);
	assert_int_equal(br[1], 24);
	/* closing punctuation never starts a line: it hangs */
	assert_int_equal(enterprise_letter_wrap("一二三四，五", 4000, br, 8), 1);
	assert_int_equal(br[0], 15);
	/* nothing to break */
	assert_int_equal(enterprise_letter_wrap("一二", 4000, br, 8), 0);
	/* at most max breaks */
	assert_int_equal(enterprise_letter_wrap("一二三四五六七八九十", 1000, br, 3), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_structure),
	        cmocka_unit_test(test_font_page_and_text),
	        cmocka_unit_test(test_width_and_wrap),
	};
	return cmocka_run_group_tests_name("enterprise_letter", tests, NULL, NULL);
}
