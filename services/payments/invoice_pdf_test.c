/* The invoice PDF (invoice_pdf.c): a one-page document with the CJK font embedded, for a
 * blue invoice and a red one; the QR code's verification text. The printed text is checked
 * with pdftotext in tests/api/cases/payments-invoices.json; INVOICE_PDF_OUT=<dir> keeps the
 * files for a look. */
#include "invoices.h"

#include "pdfdoc.h"
#include "status.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
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

static Payments__InvoiceItem item(const char *name, int32_t q, int64_t price, int64_t amount,
                                  int64_t tax)
{
	Payments__InvoiceItem it = PAYMENTS__INVOICE_ITEM__INIT;
	it.name = (char *)name;
	it.has_quantity = it.has_amount_fen = it.has_tax_rate_bp = it.has_tax_fen = 1;
	it.quantity = q;
	it.has_unit_price_fen = q != 0;
	it.unit_price_fen = price;
	it.amount_fen = amount;
	it.tax_rate_bp = 600;
	it.tax_fen = tax;
	return it;
}

static void keep(const char *name, const unsigned char *p, size_t n)
{
	const char *dir = getenv("INVOICE_PDF_OUT");
	char path[512];
	if (!dir)
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
}

static void test_blue_and_red_invoices_render(void **state)
{
	(void)state;
	Payments__InvoiceItem a = item("*信息技术服务*数字证书（企业，SM2，2 年）", 2, 30000, 60000,
	                               3396),
	                      b = item("*信息技术服务*USB Key", 1, 6000, 6000, 340);
	Payments__InvoiceItem *items[] = {&a, &b};
	Payments__Invoice inv = PAYMENTS__INVOICE__INIT;
	inv.no = "26110000000000000042";
	inv.kind = "blue";
	inv.issued_on = "2026-12-07";
	inv.seller_name = "中小企业融资服务平台有限公司";
	inv.seller_tax_id = "91110102MA01PAYX18";
	inv.buyer_name = "发票测试甲科技有限公司";
	inv.buyer_tax_id_masked = "9143**********0011";
	inv.intent_no = "PAY20261207000001";
	inv.items = items;
	inv.n_items = 2;
	inv.total_fen = 66000;
	inv.tax_fen = 3736;
	inv.total_capitals = "陆佰陆拾元整";
	unsigned char *p = NULL;
	size_t n = 0;
	assert_int_equal(payments_invoice_pdf_render(&inv, "91430100MA4CA00011", &p, &n), ST_OK);
	assert_true(n > 2000);
	assert_memory_equal(p, "%PDF-", 5);
	assert_true(contains(p, n, "/FontFile"));
	keep("blue.pdf", p, n);
	free(p);

	Payments__InvoiceItem r = item("*信息技术服务*USB Key", 0, 0, -3000, -170);
	Payments__InvoiceItem *ritems[] = {&r};
	inv.kind = "red";
	inv.no = "26110000000000000043";
	inv.blue_no = "26110000000000000042";
	inv.items = ritems;
	inv.n_items = 1;
	inv.total_fen = -3000;
	inv.tax_fen = -170;
	inv.total_capitals = "负叁拾元整";
	assert_int_equal(payments_invoice_pdf_render(&inv, NULL, &p, &n), ST_OK);
	assert_memory_equal(p, "%PDF-", 5);
	keep("red.pdf", p, n);
	free(p);
}

static void test_qr_text_holds_the_verification_fields(void **state)
{
	(void)state;
	Payments__Invoice inv = PAYMENTS__INVOICE__INIT;
	char qr[256];
	inv.no = "26110000000000000042";
	inv.kind = "blue";
	inv.issued_on = "2026-12-07";
	inv.seller_tax_id = "91110102MA01PAYX18";
	inv.total_fen = 123456;
	payments_invoice_qr_text(&inv, qr, sizeof qr);
	assert_string_equal(qr, "01,32,,26110000000000000042,1234.56,20261207,91110102MA01PAYX18");
	inv.kind = "red";
	inv.total_fen = -5;
	payments_invoice_qr_text(&inv, qr, sizeof qr);
	assert_string_equal(qr, "01,33,,26110000000000000042,-0.05,20261207,91110102MA01PAYX18");
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
	        cmocka_unit_test(test_blue_and_red_invoices_render),
	        cmocka_unit_test(test_qr_text_holds_the_verification_fields),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
