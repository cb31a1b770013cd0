/* Unit tests of the status registry: unique numbers and codes, HTTP mapping,
 * Chinese messages, and the thread-local error detail. */
#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

struct row {
	int num, http;
	const char *code, *msg;
};
static const struct row rows[] = {
#define X(sym, num, http, code, msg) {num, http, code, msg},
#include "status.def"
#undef X
};
#define NROWS (sizeof rows / sizeof rows[0])

static void test_status_numbers_and_codes_are_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++)
		for (size_t k = i + 1; k < NROWS; k++) {
			assert_int_not_equal(rows[i].num, rows[k].num);
			assert_string_not_equal(rows[i].code, rows[k].code);
		}
}

static void test_status_every_row_has_an_http_status_and_a_chinese_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++) {
		assert_true(rows[i].http >= 200 && rows[i].http < 600);
		/* At least one multi-byte UTF-8 character: the message is Chinese. */
		int non_ascii = 0;
		for (const unsigned char *p = (const unsigned char *)rows[i].msg; *p; p++)
			non_ascii |= *p >= 0x80;
		assert_true(non_ascii);
		assert_int_equal(status_http(rows[i].num), rows[i].http);
		assert_string_equal(status_code_name(rows[i].num), rows[i].code);
	}
}

static void test_status_unknown_number_maps_to_internal_error(void **state)
{
	(void)state;
	assert_int_equal(status_http(99999), 500);
	assert_string_equal(status_code_name(99999), "INTERNAL_ERROR");
	assert_false(status_known(99999));
}

static void test_status_err_keeps_field_and_message_override(void **state)
{
	(void)state;
	assert_int_equal(status_err(ST_REGION_UNKNOWN, "parent"), ST_REGION_UNKNOWN);
	assert_string_equal(status_field(), "parent");
	assert_string_equal(status_text(ST_REGION_UNKNOWN), status_message(ST_REGION_UNKNOWN));
	status_errmsg(ST_JSON_MALFORMED, "body", "第 1 行");
	assert_string_equal(status_text(ST_JSON_MALFORMED), "第 1 行");
	status_set_retry_after(7);
	status_set_field("payload");
	assert_string_equal(status_field(), "payload");
	assert_string_equal(status_text(ST_JSON_MALFORMED), "第 1 行");
	assert_int_equal(status_retry_after(), 7);
	status_clear();
	assert_string_equal(status_field(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_status_numbers_and_codes_are_unique),
	        cmocka_unit_test(test_status_every_row_has_an_http_status_and_a_chinese_message),
	        cmocka_unit_test(test_status_unknown_number_maps_to_internal_error),
	        cmocka_unit_test(test_status_err_keeps_field_and_message_override),
	};
	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
