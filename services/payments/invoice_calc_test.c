/* The invoice arithmetic (invoice_calc.c): tax inside a tax-inclusive amount, the number,
 * a refund spread over the items for 红冲, amounts and rates as printed. */
#include "invoice_calc.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h> /* cmocka needs these three before its header */
#include <cmocka.h>

static void test_tax_is_rounded_share_of_inclusive_amount(void **state)
{
	(void)state;
	/* 106.00 at 6 %: 6.00 of tax exactly. */
	assert_int_equal(invoice_calc_tax(10600, 600), 600);
	/* 100.00 at 6 %: 100 × 6 / 106 = 5.660… → 5.66. */
	assert_int_equal(invoice_calc_tax(10000, 600), 566);
	/* 113.00 at 13 %: 13.00. */
	assert_int_equal(invoice_calc_tax(11300, 1300), 1300);
	/* Half a fen rounds away from zero: 53 × 600 / 10600 = 3.0 exactly; 1 fen at 100 %
	 * is 0.5 → 1. */
	assert_int_equal(invoice_calc_tax(53, 600), 3);
	assert_int_equal(invoice_calc_tax(1, 10000), 1);
	assert_int_equal(invoice_calc_tax(3, 10000), 2); /* 1.5 → 2 */
	/* No rate, no amount: no tax. */
	assert_int_equal(invoice_calc_tax(10000, 0), 0);
	assert_int_equal(invoice_calc_tax(0, 600), 0);
	/* A red line mirrors the blue one. */
	assert_int_equal(invoice_calc_tax(-10000, 600), -566);
	/* The largest API amount does not overflow: 2^53 − 1 fen at 13 %. */
	int64_t big = 9007199254740991LL;
	int64_t t = invoice_calc_tax(big, 1300);
	assert_true(t > 0 && t < big);
	/* |t − big × 13/113| ≤ 0.5: compared through the exact remainder. */
	__int128 diff = (__int128)t * 11300 - (__int128)big * 1300;
	assert_true(diff <= 5650 && diff >= -5650);
}

static void test_number_has_twenty_digits(void **state)
{
	(void)state;
	char no[32];
	assert_int_equal(invoice_calc_no(26, "35", 1, no, sizeof no), 0);
	assert_string_equal(no, "26350000000000000001");
	assert_int_equal(strlen(no), 20);
	assert_int_equal(invoice_calc_no(5, "11", 9999999999999999LL, no, sizeof no), 0);
	assert_string_equal(no, "05119999999999999999");
	assert_int_equal(invoice_calc_no(26, "3", 1, no, sizeof no), -1);
	assert_int_equal(invoice_calc_no(26, "3a", 1, no, sizeof no), -1);
	assert_int_equal(invoice_calc_no(100, "35", 1, no, sizeof no), -1);
	assert_int_equal(invoice_calc_no(26, "35", 0, no, sizeof no), -1);
	assert_int_equal(invoice_calc_no(26, "35", 10000000000000000LL, no, sizeof no), -1);
	assert_int_equal(invoice_calc_no(26, "35", 1, no, 20), -1);
}

static void test_red_split_adds_up_and_never_exceeds_an_item(void **state)
{
	(void)state;
	const int64_t a[] = {30000, 0, 10001, 59999}; /* total 100000 */
	int64_t out[4], sum[4] = {0};
	/* A full refund at once reverses every item exactly. */
	assert_int_equal(invoice_calc_red_split(a, 4, 0, 100000, out), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(out[i], a[i]);
	/* Three partial refunds: each red invoice adds up to its part, and together they are
	 * the items. */
	const int64_t steps[] = {0, 333, 50000, 100000};
	for (int s = 0; s < 3; s++) {
		assert_int_equal(invoice_calc_red_split(a, 4, steps[s], steps[s + 1], out), 0);
		int64_t part = 0;
		for (int i = 0; i < 4; i++) {
			assert_true(out[i] >= 0);
			part += out[i];
			sum[i] += out[i];
			assert_true(sum[i] <= a[i]);
		}
		assert_int_equal(part, steps[s + 1] - steps[s]);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(sum[i], a[i]);
	/* Out of range: beyond the total, backwards, no items. */
	assert_int_equal(invoice_calc_red_split(a, 4, 0, 100001, out), -1);
	assert_int_equal(invoice_calc_red_split(a, 4, 10, 5, out), -1);
	assert_int_equal(invoice_calc_red_split(a, 0, 0, 0, out), -1);
}

static void test_money_and_rate_as_printed(void **state)
{
	(void)state;
	char s[32];
	invoice_calc_money(123456, s, sizeof s);
	assert_string_equal(s, "1,234.56");
	invoice_calc_money(5, s, sizeof s);
	assert_string_equal(s, "0.05");
	invoice_calc_money(-100000000, s, sizeof s);
	assert_string_equal(s, "-1,000,000.00");
	invoice_calc_money(99999, s, sizeof s);
	assert_string_equal(s, "999.99");
	invoice_calc_rate(600, s, sizeof s);
	assert_string_equal(s, "6%");
	invoice_calc_rate(1300, s, sizeof s);
	assert_string_equal(s, "13%");
	invoice_calc_rate(150, s, sizeof s);
	assert_string_equal(s, "1.5%");
	invoice_calc_rate(0, s, sizeof s);
	assert_string_equal(s, "0%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_tax_is_rounded_share_of_inclusive_amount),
	        cmocka_unit_test(test_number_has_twenty_digits),
	        cmocka_unit_test(test_red_split_adds_up_and_never_exceeds_an_item),
	        cmocka_unit_test(test_money_and_rate_as_printed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
