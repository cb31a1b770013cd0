/* Unit tests of the ledger's entry check: balanced, non-empty, one side per line, known
 * account forms; and the cash account of each method. */
#include "payments.h"

#include "status.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <setjmp.h> /* cmocka needs these three before its header */
#include <cmocka.h>

static void test_balanced_entry_passes(void **state)
{
	(void)state;
	ledger_line l[] = {{"asset:bank:platform", 10000, 0},
	                   {"revenue:certs", 0, 8000},
	                   {"liability:excess:00000000-0000-4000-8000-000000000001", 0, 2000}};
	assert_int_equal(ledger_check(l, 3), ST_OK);
}

static void test_unbalanced_entry_refused(void **state)
{
	(void)state;
	ledger_line l[] = {{"asset:bank:platform", 10000, 0}, {"revenue:certs", 0, 9999}};
	assert_int_equal(ledger_check(l, 2), ST_PAY_LEDGER_UNBALANCED);
}

static void test_empty_or_single_line_refused(void **state)
{
	(void)state;
	ledger_line l[] = {{"asset:bank:platform", 0, 0}};
	assert_int_equal(ledger_check(NULL, 0), ST_PAY_LEDGER_UNBALANCED);
	assert_int_equal(ledger_check(l, 0), ST_PAY_LEDGER_UNBALANCED);
	assert_int_equal(ledger_check(l, 1), ST_PAY_LEDGER_UNBALANCED);
}

static void test_line_with_both_or_neither_side_refused(void **state)
{
	(void)state;
	ledger_line both[] = {{"asset:bank:platform", 100, 100}, {"revenue:certs", 0, 0}};
	ledger_line neg[] = {{"asset:bank:platform", -100, 0}, {"revenue:certs", 0, -100}};
	assert_int_equal(ledger_check(both, 2), ST_PAY_LEDGER_UNBALANCED);
	assert_int_equal(ledger_check(neg, 2), ST_PAY_LEDGER_UNBALANCED);
}

static void test_account_forms(void **state)
{
	(void)state;
	ledger_line bad_kind[] = {{"cash:platform", 100, 0}, {"revenue:certs", 0, 100}};
	ledger_line bare[] = {{"asset:", 100, 0}, {"revenue:certs", 0, 100}};
	ledger_line space[] = {{"asset:bank platform", 100, 0}, {"revenue:certs", 0, 100}};
	ledger_line memo[] = {{"memo:funder:platform:bills", 100, 0},
	                      {"memo:enterprise:e1:disbursed", 0, 90},
	                      {"memo:funder:platform:discount_income", 0, 10}};
	assert_int_equal(ledger_check(bad_kind, 2), ST_PAY_LEDGER_ACCOUNT);
	assert_int_equal(ledger_check(bare, 2), ST_PAY_LEDGER_ACCOUNT);
	assert_int_equal(ledger_check(space, 2), ST_PAY_LEDGER_ACCOUNT);
	assert_int_equal(ledger_check(memo, 3), ST_OK);
}

static void test_cash_accounts(void **state)
{
	(void)state;
	assert_string_equal(ledger_cash_account("bank_transfer"), "asset:bank:platform");
	assert_string_equal(ledger_cash_account("wechat"), "asset:clearing:wechat");
	assert_string_equal(ledger_cash_account("alipay"), "asset:clearing:alipay");
	assert_null(ledger_cash_account("cash"));
	assert_null(ledger_cash_account(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_balanced_entry_passes),
	        cmocka_unit_test(test_unbalanced_entry_refused),
	        cmocka_unit_test(test_empty_or_single_line_refused),
	        cmocka_unit_test(test_line_with_both_or_neither_side_refused),
	        cmocka_unit_test(test_account_forms),
	        cmocka_unit_test(test_cash_accounts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
