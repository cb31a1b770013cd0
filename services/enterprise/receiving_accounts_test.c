/* Unit tests of the pure rules of proven receiving accounts: the micro-deposit amount,
 * the unseal callers, the sandbox bank's outcomes and its ledger (idempotent, async). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "payout.h"
#include "receiving_accounts.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Rule: the amount is 1-99 fen, uniform: bytes >= 198 are dropped, never folded. */
static void test_deposit_amount(void **state)
{
	(void)state;
	int fen = 0;
	unsigned char b1[] = {0};
	assert_int_equal(enterprise_deposit_amount(b1, 1, &fen), 0);
	assert_int_equal(fen, 1);
	unsigned char b2[] = {98};
	assert_int_equal(enterprise_deposit_amount(b2, 1, &fen), 0);
	assert_int_equal(fen, 99);
	unsigned char b3[] = {99};
	assert_int_equal(enterprise_deposit_amount(b3, 1, &fen), 0);
	assert_int_equal(fen, 1);
	unsigned char b4[] = {198, 255, 197};
	assert_int_equal(enterprise_deposit_amount(b4, 3, &fen), 0);
	assert_int_equal(fen, 99);
	unsigned char b5[] = {200, 230};
	fen = 7;
	assert_int_equal(enterprise_deposit_amount(b5, 2, &fen), -1);
	assert_int_equal(fen, 7);
	/* Every byte value that is kept gives each amount exactly twice. */
	int seen[100] = {0};
	for (int v = 0; v < 256; v++) {
		unsigned char b = (unsigned char)v;
		if (enterprise_deposit_amount(&b, 1, &fen) == 0)
			seen[fen]++;
	}
	for (int a = 1; a <= 99; a++)
		assert_int_equal(seen[a], 2);
	assert_int_equal(seen[0], 0);
}

/* Rule: only the services listed in ENTERPRISE_ACCOUNT_UNSEAL_CALLERS may unseal. */
static void test_unseal_allowed(void **state)
{
	(void)state;
	assert_true(enterprise_unseal_allowed("billfin,payments", "billfin"));
	assert_true(enterprise_unseal_allowed("billfin,payments", "payments"));
	assert_true(enterprise_unseal_allowed(" billfin , payments ", "payments"));
	assert_false(enterprise_unseal_allowed("billfin,payments", "market"));
	assert_false(enterprise_unseal_allowed("billfin,payments", "bill"));
	assert_false(enterprise_unseal_allowed("billfin,payments", "billfins"));
	assert_false(enterprise_unseal_allowed("billfin,payments", ""));
	assert_false(enterprise_unseal_allowed("billfin,payments", NULL));
	assert_false(enterprise_unseal_allowed("", "billfin"));
	assert_false(enterprise_unseal_allowed(NULL, "billfin"));
}

/* Rule: the sandbox bank's documented endings (README "The sandbox bank"). */
static void test_sandbox_outcomes(void **state)
{
	(void)state;
	const char *reason;
	long hold;
	assert_int_equal(payout_sandbox_outcome("6222000000000404", &reason, &hold), PAYOUT_FAILED);
	assert_string_equal(reason, "账户不存在");
	assert_int_equal(payout_sandbox_outcome("6222000000000409", &reason, &hold), PAYOUT_FAILED);
	assert_string_equal(reason, "户名不符");
	assert_int_equal(payout_sandbox_outcome("6222000000000408", &reason, &hold),
	                 PAYOUT_SUCCEEDED);
	assert_true(hold >= 3600L * 1000);
	assert_int_equal(payout_sandbox_outcome("6222000000001234", &reason, &hold),
	                 PAYOUT_SUCCEEDED);
	assert_null(reason);
	assert_int_equal(hold, 0);
}

/* Rule: the sandbox accepts at once (processing), settles later, and a request id paid
 * twice is one payment; the statement shows credits only once settled. */
static void test_sandbox_ledger(void **state)
{
	(void)state;
	char dir[] = "/tmp/payout_test_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof path, "%s/bank/payouts.jsonl", dir);
	payout_config c = {.kind = PAYOUT_PROVIDER_SANDBOX, .sandbox_file = path, .settle_ms = 0};
	payout_provider *p = NULL;
	assert_int_not_equal(payout_open(&c, 1, &p), 0); /* never in production */
	c.settle_ms = 3600L * 1000;
	assert_int_equal(payout_open(&c, 0, &p), 0);
	payout_order o = {.request_id = "00000000-0000-0000-0000-0000000000a1",
	                  .account_number = "600012341234",
	                  .account_name = "测试",
	                  .bank_name = "测试银行",
	                  .amount_fen = 37,
	                  .memo = "m"};
	payout_status s1, s2;
	assert_int_equal(payout_submit(p, &o, NULL, &s1), ST_OK);
	assert_int_equal(s1.state, PAYOUT_PROCESSING);
	assert_true(strlen(s1.reference) > 3);
	assert_int_equal(payout_submit(p, &o, NULL, &s2), ST_OK);
	assert_string_equal(s1.reference, s2.reference);
	assert_int_equal(payout_query(p, o.request_id, NULL, &s2), ST_OK);
	assert_int_equal(s2.state, PAYOUT_PROCESSING);
	assert_int_equal(payout_query(p, "00000000-0000-0000-0000-0000000000ff", NULL, &s2),
	                 ST_NOT_FOUND);
	arena *a = arena_new();
	payout_credit *items;
	size_t n, total;
	assert_int_equal(payout_sandbox_statement(p, o.account_number, 50, a, &items, &n, &total),
	                 ST_OK);
	assert_int_equal(n, 0); /* not settled yet */
	payout_close(p);
	/* The same ledger read by a bank that settles at once: one credit, not two. */
	c.settle_ms = 0;
	assert_int_equal(payout_open(&c, 0, &p), 0);
	assert_int_equal(payout_query(p, o.request_id, NULL, &s2), ST_OK);
	assert_int_equal(s2.state, PAYOUT_SUCCEEDED);
	assert_int_equal(payout_sandbox_statement(p, o.account_number, 50, a, &items, &n, &total),
	                 ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].amount_fen, 37);
	payout_order bad = o;
	bad.request_id = "00000000-0000-0000-0000-0000000000a2";
	bad.account_number = "600012340404";
	assert_int_equal(payout_submit(p, &bad, NULL, &s2), ST_OK);
	assert_int_equal(s2.state, PAYOUT_FAILED);
	assert_string_equal(s2.reason, "账户不存在");
	payout_close(p);
	arena_free(a);
	unlink(path);
	snprintf(path, sizeof path, "%s/bank", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_deposit_amount),
	        cmocka_unit_test(test_unseal_allowed),
	        cmocka_unit_test(test_sandbox_outcomes),
	        cmocka_unit_test(test_sandbox_ledger),
	};
	return cmocka_run_group_tests_name("enterprise_receiving_accounts", tests, NULL, NULL);
}
