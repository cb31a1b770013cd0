/* The application form and receipt (pdf.c): a PDF document of one page with an embedded
 * CJK font, for full and sparse applications; the form and the receipt differ. The text
 * itself is checked with pdftotext in tests/api/cases/cert-applications.json. */
#include "applications.h"
#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static Certs__Application sample(void)
{
	Certs__Application o = CERTS__APPLICATION__INIT;
	o.id = "00000000-0000-4000-8000-000000000001";
	o.no = "CA20240101000001";
	o.profile = "enterprise";
	o.kind = "new";
	o.medium = "usbkey";
	o.algorithm = "sm2";
	o.has_validity_years = 1;
	o.validity_years = 2;
	o.subject_name = "证书测试甲科技有限公司";
	o.subject_code_masked = "91430100MA4CA00011";
	o.contact_name_masked = "王**";
	o.contact_phone_masked = "171****9999";
	o.mailing_address_masked = "福建省福州市********";
	o.state_label = "待审核";
	o.agreement_version = "2024-01";
	return o;
}

static int contains(const unsigned char *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

static void check_pdf(const unsigned char *p, size_t n)
{
	assert_true(n > 2000);
	assert_memory_equal(p, "%PDF-", 5);
	assert_true(contains(p + n - 8, 8, "%%EOF"));
	assert_true(contains(p, n, "/Type /Page"));
	/* The CJK font is embedded (a subset), not left to the reader's fonts. */
	assert_true(contains(p, n, "/FontFile"));
}

static void test_form_and_receipt_are_pdfs_with_embedded_font(void **state)
{
	(void)state;
	Certs__Application o = sample();
	unsigned char *form = NULL, *receipt = NULL;
	size_t fn = 0, rn = 0;
	assert_int_equal(certs_pdf_render(&o, 0, &form, &fn), ST_OK);
	assert_int_equal(certs_pdf_render(&o, 1, &receipt, &rn), ST_OK);
	check_pdf(form, fn);
	check_pdf(receipt, rn);
	assert_false(fn == rn && memcmp(form, receipt, fn) == 0);
	free(form);
	free(receipt);
}

static void test_sparse_personal_application_renders(void **state)
{
	(void)state;
	Certs__Application o = CERTS__APPLICATION__INIT;
	o.no = "CA20240101000002";
	o.profile = "personal";
	o.kind = "renewal";
	o.medium = "cloud";
	o.algorithm = "rsa";
	unsigned char *p = NULL;
	size_t n = 0;
	assert_int_equal(certs_pdf_render(&o, 0, &p, &n), ST_OK);
	check_pdf(p, n);
	free(p);
}

static int teardown(void **state)
{
	(void)state;
	certs_pdf_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_form_and_receipt_are_pdfs_with_embedded_font),
	        cmocka_unit_test(test_sparse_personal_application_renders),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
