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

static const char *const test_modes[] = {"sandbox", "http", NULL};

static void test_config_enum_takes_an_allowed_value_as_its_index(void **state)
{
	(void)state;
	int kind = 99;
	config_item items[] = {{"CFGTEST_KIND", CFG_ENUM, "sandbox", 0, 0, "a provider",
	                        CONFIG_ENUM(test_modes, &kind)}};
	char err[160];
	unsetenv("CFGTEST_KIND");
	assert_int_equal(config_load(items, 1, err, sizeof err), 0);
	assert_int_equal(kind, 0);
	setenv("CFGTEST_KIND", "http", 1);
	assert_int_equal(config_load(items, 1, err, sizeof err), 0);
	assert_int_equal(kind, 1);
	unsetenv("CFGTEST_KIND");
}

static void test_config_enum_refuses_other_values_naming_the_allowed_ones(void **state)
{
	(void)state;
	int kind = 99;
	config_item items[] = {{"CFGTEST_KIND", CFG_ENUM, "sandbox", 0, 0, "a provider",
	                        CONFIG_ENUM(test_modes, &kind)}};
	char err[160];
	const char *bad[] = {"ldap", "HTTP", "http ", "sand"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		setenv("CFGTEST_KIND", bad[i], 1);
		assert_int_equal(config_load(items, 1, err, sizeof err), -1);
		assert_non_null(strstr(err, "CFGTEST_KIND"));
		assert_non_null(strstr(err, "sandbox, http"));
		assert_int_equal(kind, 99);
	}
	unsetenv("CFGTEST_KIND");
}

static void test_config_enum_with_empty_default_can_stay_unset(void **state)
{
	(void)state;
	int kind = 99;
	config_item items[] = {
	        {"CFGTEST_KIND", CFG_ENUM, "", 0, 0, "a provider", CONFIG_ENUM(test_modes, &kind)}};
	char err[160];
	setenv("CFGTEST_KIND", "", 1);
	assert_int_equal(config_load(items, 1, err, sizeof err), 0);
	assert_int_equal(kind, -1);
	unsetenv("CFGTEST_KIND");
}

static void test_config_help_and_markdown_show_bounds_and_values(void **state)
{
	(void)state;
	int kind = 0;
	long n = 0;
	const char *s = NULL;
	config_item items[] = {
	        {"CFGTEST_KIND", CFG_ENUM, "", 0, 0, "a provider", CONFIG_ENUM(test_modes, &kind)},
	        {"CFGTEST_N", CFG_INT, "3", 1, 9, "a | count", &n},
	        {"CFGTEST_S", CFG_STR, NULL, 0, 0, "a name", &s},
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	config_markdown(f, items, 3);
	fclose(f);
	assert_string_equal(buf,
	                    "| `CFGTEST_KIND` | empty | a provider; one of `sandbox`, `http` |\n"
	                    "| `CFGTEST_N` | `3` | a \\| count; 1..9 |\n"
	                    "| `CFGTEST_S` | required | a name |\n");
	free(buf);
	f = open_memstream(&buf, &len);
	config_usage(f, "t", items, 3);
	fclose(f);
	assert_non_null(strstr(buf, "one of: sandbox | http"));
	free(buf);
}

static void test_config_common_items_check_mode_and_level(void **state)
{
	(void)state;
	config_common c;
	config_item items[] = {CONFIG_COMMON_ITEMS(&c)};
	size_t n = sizeof items / sizeof items[0];
	char err[160];
	unsetenv("LOG_LEVEL");
	setenv("PLATFORM_MODE", "production", 1);
	assert_int_equal(config_load(items, n, err, sizeof err), 0);
	assert_int_equal(c.mode, CONFIG_PRODUCTION);
	assert_false(config_is_development(&c));
	assert_int_equal(c.log_level, 1); /* info */
	setenv("PLATFORM_MODE", "prod", 1);
	assert_int_equal(config_load(items, n, err, sizeof err), -1);
	assert_non_null(strstr(err, "PLATFORM_MODE"));
	unsetenv("PLATFORM_MODE");
	setenv("LOG_LEVEL", "verbose", 1);
	assert_int_equal(config_load(items, n, err, sizeof err), -1);
	assert_non_null(strstr(err, "debug, info, warn, error"));
	unsetenv("LOG_LEVEL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_config_uses_defaults_when_unset),
	        cmocka_unit_test(test_config_reads_the_environment),
	        cmocka_unit_test(
	                test_config_out_of_bounds_or_garbage_stops_with_the_variable_named),
	        cmocka_unit_test(test_config_required_item_without_value_is_an_error),
	        cmocka_unit_test(test_config_enum_takes_an_allowed_value_as_its_index),
	        cmocka_unit_test(test_config_enum_refuses_other_values_naming_the_allowed_ones),
	        cmocka_unit_test(test_config_enum_with_empty_default_can_stay_unset),
	        cmocka_unit_test(test_config_help_and_markdown_show_bounds_and_values),
	        cmocka_unit_test(test_config_common_items_check_mode_and_level),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
