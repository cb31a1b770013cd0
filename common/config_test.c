/* Unit tests of the configuration table: defaults, bounds, required values. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_config_uses_defaults_when_unset(void **state)
{
	(void)state;
	const char *name = NULL;
	long port = 0;
	config_item items[] = {
	        {"CFGTEST_NAME", CFG_STR, "gateway", 0, 0, "a name", &name},
	        {"CFGTEST_PORT", CFG_INT, "8080", 1, 65535, "a port", &port},
	};
	char err[128];
	unsetenv("CFGTEST_NAME");
	unsetenv("CFGTEST_PORT");
	assert_int_equal(config_load(items, 2, err, sizeof err), 0);
	assert_string_equal(name, "gateway");
	assert_int_equal(port, 8080);
}

static void test_config_reads_the_environment(void **state)
{
	(void)state;
	long port = 0;
	config_item items[] = {{"CFGTEST_PORT", CFG_INT, "8080", 1, 65535, "a port", &port}};
	char err[128];
	setenv("CFGTEST_PORT", "9090", 1);
	assert_int_equal(config_load(items, 1, err, sizeof err), 0);
	assert_int_equal(port, 9090);
	unsetenv("CFGTEST_PORT");
}

static void test_config_out_of_bounds_or_garbage_stops_with_the_variable_named(void **state)
{
	(void)state;
	long port = 0;
	config_item items[] = {{"CFGTEST_PORT", CFG_INT, "8080", 1, 65535, "a port", &port}};
	char err[128];
	const char *bad[] = {"70000", "0", "80a", "", " 80", "-1", "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		setenv("CFGTEST_PORT", bad[i], 1);
		/* An empty value means unset: the default applies. */
		int rv = config_load(items, 1, err, sizeof err);
		if (bad[i][0] == '\0') {
			assert_int_equal(rv, 0);
			continue;
		}
		assert_int_equal(rv, -1);
		assert_non_null(strstr(err, "CFGTEST_PORT"));
	}
	unsetenv("CFGTEST_PORT");
}

static void test_config_required_item_without_value_is_an_error(void **state)
{
	(void)state;
	const char *url = NULL;
	config_item items[] = {{"CFGTEST_URL", CFG_STR, NULL, 0, 0, "a URL", &url}};
	char err[128];
	unsetenv("CFGTEST_URL");
	assert_int_equal(config_load(items, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "CFGTEST_URL is required"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_config_uses_defaults_when_unset),
	        cmocka_unit_test(test_config_reads_the_environment),
	        cmocka_unit_test(
	                test_config_out_of_bounds_or_garbage_stops_with_the_variable_named),
	        cmocka_unit_test(test_config_required_item_without_value_is_an_error),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
