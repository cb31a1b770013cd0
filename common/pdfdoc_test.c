/* pdfdoc: a one-page document with Chinese text embeds its CJK font (a subset) and draws a
 * QR code; boxes align; the caches are released at the end (the leak checker runs). The
 * text itself is checked with pdftotext in the API cases (cert-applications.json,
 * payments-invoices.json). */
#include "pdfdoc.h"

#include "status.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h> /* cmocka needs these three before its header */
#include <cmocka.h>

static int contains(const unsigned char *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

static size_t render(int with_qr, unsigned char **out)
{
	size_t len = 0;
	pdfdoc *d = pdfdoc_begin(PDFDOC_A4_W, PDFDOC_A4_H);
	double y = pdfdoc_text(d, 50, 50, PDFDOC_SANS " Bold 18", "电子发票（普通发票）");
	assert_true(y > 50);
	double y2 = pdfdoc_text_box(d, 300, y, 200, PDFDOC_RIGHT, PDFDOC_SANS " 9", "¥1,234.56");
	assert_true(y2 > y);
	if (with_qr)
		pdfdoc_qr(d, "01,32,,26112000000000000001,1234.56,20261207,", 450, 40, 90);
	assert_int_equal(pdfdoc_finish(d, out, &len), ST_OK);
	return len;
}

static void test_document_embeds_cjk_font(void **state)
{
	(void)state;
	unsigned char *p = NULL;
	size_t n = render(1, &p);
	assert_true(n > 2000);
	assert_memory_equal(p, "%PDF-", 5);
	assert_true(contains(p + n - 8, 8, "%%EOF"));
	assert_true(contains(p, n, "/Type /Page"));
	assert_true(contains(p, n, "/FontFile"));
	free(p);
}

static void test_qr_code_is_drawn(void **state)
{
	(void)state;
	unsigned char *with = NULL, *without = NULL;
	size_t a = render(1, &with), b = render(0, &without);
	/* Hundreds of filled modules make the page's content stream longer. */
	assert_true(a > b);
	free(with);
	free(without);
}

static int teardown(void **state)
{
	(void)state;
	pdfdoc_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_document_embeds_cjk_font),
	        cmocka_unit_test(test_qr_code_is_drawn),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
