/*
 * Unit tests of the pure rules of accounts: the lock message in Beijing time, operator
 * roles, agreements and person ids.
 */
#include "accounts.h"
#include "validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* 2024-05-01T02:14:00Z is 10:14 in Beijing. */
#define T_0214Z 1714529640LL

static void test_lock_message_is_beijing_time_rounded_up(void **state)
{
	(void)state;
	char msg[160];
	accounts_lock_message(T_0214Z, T_0214Z - 900, msg, sizeof msg);
	assert_string_equal(msg, "账号已锁定，请于 10:14（北京时间）后再试");
	/* 10:14:01 -> after 10:15: never name a minute at which it is still locked */
	accounts_lock_message(T_0214Z + 1, T_0214Z - 900, msg, sizeof msg);
	assert_string_equal(msg, "账号已锁定，请于 10:15（北京时间）后再试");
	accounts_lock_message(T_0214Z + 59, T_0214Z, msg, sizeof msg);
	assert_string_equal(msg, "账号已锁定，请于 10:15（北京时间）后再试");
}

static void test_lock_message_names_the_day_when_not_today(void **state)
{
	(void)state;
	char msg[160];
	/* 2024-05-01T15:59:00Z is 23:59 on May 1st in Beijing; 16:05Z is 00:05 on May 2nd */
	long long now = 1714579140LL, until = now + 360;
	accounts_lock_message(until, now, msg, sizeof msg);
	assert_string_equal(msg, "账号已锁定，请于 5月2日 00:05（北京时间）后再试");
	/* the host's zone plays no part: 23:59 Beijing is still "today" there */
	accounts_lock_message(now, now - 60, msg, sizeof msg);
	assert_string_equal(msg, "账号已锁定，请于 23:59（北京时间）后再试");
}

static void test_lock_message_fits_a_small_buffer(void **state)
{
	(void)state;
	char small[8];
	accounts_lock_message(T_0214Z, T_0214Z, small, sizeof small);
	assert_true(strlen(small) < sizeof small);
}

static void test_roles_normalise(void **state)
{
	(void)state;
	char out[128];
	assert_int_equal(accounts_roles_normalise("admin,reviewer", out, sizeof out), 0);
	assert_string_equal(out, "reviewer,admin");
	assert_int_equal(accounts_roles_normalise("reviewer,quoter,finance,ca_officer,admin", out,
	                                          sizeof out),
	                 0);
	assert_string_equal(out, "reviewer,quoter,finance,ca_officer,admin");
	assert_int_equal(accounts_roles_normalise("market_admin,reviewer", out, sizeof out), 0);
	assert_string_equal(out, "reviewer,market_admin");
	assert_int_equal(accounts_roles_normalise("content_editor,admin", out, sizeof out), 0);
	assert_string_equal(out, "admin,content_editor");
	assert_int_equal(accounts_roles_normalise("finance,finance", out, sizeof out), 0);
	assert_string_equal(out, "finance");
}

static void test_roles_refused(void **state)
{
	(void)state;
	char out[128];
	const char *bad[] = {"",      "root",           "admin,",   ",admin", "admin,,finance",
	                     "Admin", "admin, finance", "reviewers"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(accounts_roles_normalise(bad[i], out, sizeof out), -1);
	assert_int_equal(accounts_roles_normalise(NULL, out, sizeof out), -1);
	char tiny[6];
	assert_int_equal(accounts_roles_normalise("reviewer", tiny, sizeof tiny), -1);
}

static void test_agreements(void **state)
{
	(void)state;
	Accounts__Agreement reg = ACCOUNTS__AGREEMENT__INIT, credit = ACCOUNTS__AGREEMENT__INIT;
	reg.id = "register";
	reg.version = "2023-01";
	credit.id = "credit_query_personal";
	credit.version = "v1";
	Accounts__Agreement *both[] = {&credit, &reg};
	assert_true(accounts_agreements_valid(both, 2));
	assert_false(accounts_agreements_valid(both, 1)); /* no register */
	assert_false(accounts_agreements_valid(NULL, 0));

	reg.version = "";
	assert_false(accounts_agreements_valid(both, 2));
	reg.version = NULL;
	assert_false(accounts_agreements_valid(both, 2));
	reg.version = "2023 01"; /* space */
	assert_false(accounts_agreements_valid(both, 2));
	reg.version = "012345678901234567890123456789012"; /* 33 */
	assert_false(accounts_agreements_valid(both, 2));
	reg.version = "2023-01";
	credit.id = "Credit";
	assert_false(accounts_agreements_valid(both, 2));
	credit.id = NULL;
	assert_false(accounts_agreements_valid(both, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lock_message_is_beijing_time_rounded_up),
	        cmocka_unit_test(test_lock_message_names_the_day_when_not_today),
	        cmocka_unit_test(test_lock_message_fits_a_small_buffer),
	        cmocka_unit_test(test_roles_normalise),
	        cmocka_unit_test(test_roles_refused),
	        cmocka_unit_test(test_agreements),
	};
	return cmocka_run_group_tests_name("accounts_rules", tests, NULL, NULL);
}
