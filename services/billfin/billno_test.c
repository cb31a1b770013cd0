/* Unit tests of the bill checks: package number, sub-bill range, issue and due dates. */
#include "billno.h"

#include "calendar.h"
#include "status.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <setjmp.h> /* cmocka needs these three before its header */
#include <cmocka.h>

static int32_t D(const char *s)
{
	int32_t day;
	assert_int_equal(billfin_day_parse(s, &day), ST_OK);
	return day;
}

/* type 2 | acceptor bank 313100000013 | registered 20260415 | serial 00012345 | check 7 */
#define GOOD_NO                                                                                    \
	"2"                                                                                        \
	"313100000013"                                                                             \
	"20260415"                                                                                 \
	"00012345"                                                                                 \
	"7"

static void expect_no(const char *no, int code)
{
	int type = -1;
	int32_t day = -1;
	int rv = billfin_billno_check(no, &type, &day);
	if (rv != code)
		fail_msg("'%s': %d, expected %d", no ? no : "(null)", rv, code);
	if (code != ST_OK) {
		assert_string_equal(status_field(), "bill_package_no");
		assert_int_equal(type, -1);
		assert_int_equal(day, -1);
	}
}

static void test_billno(void **state)
{
	(void)state;
	int type;
	int32_t day;
	assert_int_equal(billfin_billno_check(GOOD_NO, &type, &day), ST_OK);
	assert_int_equal(type, 2);
	assert_int_equal(day, D("2026-04-15"));
	assert_int_equal(billfin_billno_check("1"
	                                      "313100000013"
	                                      "20240229"
	                                      "00000001"
	                                      "0",
	                                      &type, &day),
	                 ST_OK);
	assert_int_equal(type, 1);
	assert_int_equal(day, D("2024-02-29"));
	/* The check digit is not checked (its algorithm is not public): any digit passes. */
	for (char c = '0'; c <= '9'; c++) {
		char no[31];
		memcpy(no, GOOD_NO, sizeof no);
		no[29] = c;
		expect_no(no, ST_OK);
	}
	expect_no(NULL, ST_BILL_NO_FORMAT);
	expect_no("", ST_BILL_NO_FORMAT);
	expect_no("2313100000013202604150001234", ST_BILL_NO_FORMAT);   /* 28 digits */
	expect_no(GOOD_NO "1", ST_BILL_NO_FORMAT);                      /* 31 digits */
	expect_no("2313100000013202604150001234 7", ST_BILL_NO_FORMAT); /* a space */
	expect_no("2313100000013202604150001234A7", ST_BILL_NO_FORMAT); /* a letter */
	expect_no(" 23131000000132026041500012347", ST_BILL_NO_FORMAT); /* leading space */
	expect_no("3"
	          "313100000013"
	          "20260415"
	          "00012345"
	          "7",
	          ST_BILL_NO_TYPE);
	expect_no("0"
	          "313100000013"
	          "20260415"
	          "00012345"
	          "7",
	          ST_BILL_NO_TYPE);
	expect_no("2"
	          "313100000013"
	          "20260229"
	          "00012345"
	          "7",
	          ST_BILL_NO_DATE);
	expect_no("2"
	          "313100000013"
	          "20261301"
	          "00012345"
	          "7",
	          ST_BILL_NO_DATE);
	expect_no("2"
	          "313100000013"
	          "20260400"
	          "00012345"
	          "7",
	          ST_BILL_NO_DATE);
	expect_no("2"
	          "313100000013"
	          "00000101"
	          "00012345"
	          "7",
	          ST_BILL_NO_DATE);
}

static void expect_range(const char *range, long long face, int code)
{
	int rv = billfin_subrange_check(range, face);
	if (rv != code)
		fail_msg("'%s' face %lld: %d, expected %d", range ? range : "(null)", face, rv,
		         code);
	if (code != ST_OK)
		assert_string_equal(status_field(), "sub_range");
}

static void test_subrange(void **state)
{
	(void)state;
	expect_range("0", 123456, ST_OK);            /* not splittable: any face */
	expect_range("1-10000000", 10000000, ST_OK); /* ¥100,000.00 */
	expect_range("000000000001-000010000000", 10000000, ST_OK);
	expect_range("10000001-20000000", 10000000, ST_OK);
	expect_range("5-5", 1, ST_OK);
	expect_range("1-999999999999", 999999999999LL, ST_OK);
	expect_range("1-10000000", 9999999, ST_SUBRANGE_AMOUNT);
	expect_range("1-10000000", 10000001, ST_SUBRANGE_AMOUNT);
	expect_range("0-9", 10, ST_SUBRANGE_FORMAT);                          /* start ≥ 1 */
	expect_range("10-9", 0, ST_SUBRANGE_FORMAT);                          /* end ≥ start */
	expect_range("1-1000000000000", 1000000000000LL, ST_SUBRANGE_FORMAT); /* 13 digits */
	expect_range("0000000000001-2", 2, ST_SUBRANGE_FORMAT);
	expect_range(NULL, 1, ST_SUBRANGE_FORMAT);
	expect_range("", 1, ST_SUBRANGE_FORMAT);
	expect_range("00", 1, ST_SUBRANGE_FORMAT);
	expect_range("1", 1, ST_SUBRANGE_FORMAT);
	expect_range("1-", 1, ST_SUBRANGE_FORMAT);
	expect_range("-1", 1, ST_SUBRANGE_FORMAT);
	expect_range("1--2", 2, ST_SUBRANGE_FORMAT);
	expect_range("1-2 ", 2, ST_SUBRANGE_FORMAT);
	expect_range(" 1-2", 2, ST_SUBRANGE_FORMAT);
	expect_range("+1-2", 2, ST_SUBRANGE_FORMAT);
	expect_range("1–2", 2, ST_SUBRANGE_FORMAT); /* an en dash */
}

static void expect_dates(const char *issue, const char *due, const char *today, int code)
{
	int rv = billfin_bill_dates_check(D(issue), D(due), D(today));
	if (rv != code)
		fail_msg("issue %s due %s today %s: %d, expected %d", issue, due, today, rv, code);
	if (code != ST_OK)
		assert_string_equal(status_field(), "due_date");
}

static void test_bill_dates(void **state)
{
	(void)state;
	expect_dates("2026-06-15", "2026-12-15", "2026-12-07", ST_OK);
	expect_dates("2026-06-15", "2026-06-15", "2026-06-01", ST_BILL_DUE_BEFORE_ISSUE);
	expect_dates("2026-06-15", "2026-06-14", "2026-06-01", ST_BILL_DUE_BEFORE_ISSUE);
	/* 6 months: the same day six months on, or the month's end when it is shorter. */
	expect_dates("2026-06-15", "2026-12-16", "2026-12-07", ST_BILL_TERM_TOO_LONG);
	expect_dates("2026-08-31", "2027-02-28", "2026-12-07", ST_OK);
	expect_dates("2026-08-31", "2027-03-01", "2026-12-07", ST_BILL_TERM_TOO_LONG);
	expect_dates("2027-08-31", "2028-02-29", "2027-09-01", ST_OK);
	expect_dates("2027-08-31", "2028-03-01", "2027-09-01", ST_BILL_TERM_TOO_LONG);
	expect_dates("2026-08-29", "2027-02-28", "2026-12-07", ST_OK);
	/* Not already due: due after today. */
	expect_dates("2026-06-15", "2026-12-07", "2026-12-07", ST_BILL_ALREADY_DUE);
	expect_dates("2026-06-15", "2026-12-06", "2026-12-07", ST_BILL_ALREADY_DUE);
	expect_dates("2026-06-15", "2026-12-08", "2026-12-07", ST_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_billno),
	        cmocka_unit_test(test_subrange),
	        cmocka_unit_test(test_bill_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
