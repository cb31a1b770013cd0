/* Unit tests for the session cookies' attributes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sessions.h"

static void test_cookie_max_age_follows_the_session_and_secure_in_production(void **state)
{
	(void)state;
	char c[256];
	assert_int_equal(gw_session_cookie(c, sizeof c, SESSION_COOKIE, "tok", 43200, 1, 1), 0);
	assert_string_equal(c, "sme_session=tok; Path=/; HttpOnly; SameSite=Strict; "
	                       "Max-Age=43200; Secure");
	assert_int_equal(gw_session_cookie(c, sizeof c, "sme_csrf", "x", 43200, 0, 0), 0);
	assert_string_equal(c, "sme_csrf=x; Path=/; SameSite=Strict; Max-Age=43200");
}

static void test_cleared_cookie_has_max_age_zero(void **state)
{
	(void)state;
	char c[256];
	assert_int_equal(gw_session_cookie(c, sizeof c, SESSION_COOKIE, "", 0, 1, 1), 0);
	assert_string_equal(c,
	                    "sme_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
	assert_int_equal(gw_session_cookie(c, sizeof c, SESSION_COOKIE, "", -5, 1, 0), 0);
	assert_string_equal(c, "sme_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

static void test_cookie_too_long_is_refused(void **state)
{
	(void)state;
	char c[16];
	assert_int_equal(gw_session_cookie(c, sizeof c, SESSION_COOKIE, "tok", 60, 1, 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cookie_max_age_follows_the_session_and_secure_in_production),
	        cmocka_unit_test(test_cleared_cookie_has_max_age_zero),
	        cmocka_unit_test(test_cookie_too_long_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
