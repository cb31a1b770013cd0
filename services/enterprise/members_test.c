/* Unit tests of the pure rules of membership, readiness and receiving accounts. */
#include "members.h"

#include "status.h"
#include "validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static void test_uuid_text_is_canonical_lower_case(void **state)
{
	(void)state;
	assert_true(validate_uuid("0f8fad5b-d9cb-469f-a165-70867728950e"));
	assert_false(validate_uuid("0F8FAD5B-D9CB-469F-A165-70867728950E"));
	assert_false(validate_uuid("0f8fad5bd9cb469fa16570867728950e"));
	assert_false(validate_uuid("0f8fad5b-d9cb-469f-a165-70867728950"));
	assert_false(validate_uuid("0f8fad5b-d9cb-469f-a165-70867728950e0"));
	assert_false(validate_uuid("0f8fad5b-d9cb-469f-a165-70867728950g"));
	assert_false(validate_uuid("' OR 1=1 --"));
	assert_false(validate_uuid(""));
	assert_false(validate_uuid(NULL));
}

static void test_the_six_membership_states(void **state)
{
	(void)state;
	const char *ok[] = {"requested", "active", "rejected", "withdrawn", "removed", "left"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_true(enterprise_member_state_known(ok[i]));
	assert_false(enterprise_member_state_known("Active"));
	assert_false(enterprise_member_state_known("pending"));
	assert_false(enterprise_member_state_known(""));
	assert_false(enterprise_member_state_known(NULL));
}

static void test_join_target_needs_a_uscc_or_a_name(void **state)
{
	(void)state;
	char uscc[20];
	const char *field = NULL;
	assert_int_equal(enterprise_join_target(NULL, NULL, uscc, &field), ST_JOIN_TARGET_REQUIRED);
	assert_string_equal(field, "uscc");
	assert_int_equal(enterprise_join_target("", "", uscc, &field), ST_JOIN_TARGET_REQUIRED);
	/* A name alone: no USCC to look up by. */
	assert_int_equal(enterprise_join_target(NULL, "长沙麓谷智联科技有限公司", uscc, &field), 0);
	assert_null(field);
	assert_string_equal(uscc, "");
	/* A name past 100 characters cannot be a certified one. */
	char longname[400] = "";
	for (int i = 0; i < 101; i++)
		strncat(longname, "企", sizeof longname - strlen(longname) - 1);
	assert_int_equal(enterprise_join_target(NULL, longname, uscc, &field), ST_TEXT_TOO_LONG);
	assert_string_equal(field, "enterprise_name");
}

static void test_join_target_normalises_the_uscc_and_lets_the_registry_judge_its_check(void **state)
{
	(void)state;
	char uscc[20];
	const char *field = NULL;
	assert_int_equal(enterprise_join_target("919900000000000M1X", NULL, uscc, &field), 0);
	assert_string_equal(uscc, "919900000000000M1X");
	/* As typed: lower case and spaces between groups. */
	assert_int_equal(enterprise_join_target("9199 0000 0000 000m 1x", NULL, uscc, &field), 0);
	assert_string_equal(uscc, "919900000000000M1X");
	/* A wrong check character is left to the look-up (the registry outranks it). */
	assert_int_equal(enterprise_join_target("919900000000000M1Y", NULL, uscc, &field), 0);
	assert_string_equal(uscc, "919900000000000M1Y");
	/* Anything else malformed names the field. */
	assert_int_equal(enterprise_join_target("91990000000000M1X", NULL, uscc, &field),
	                 ST_USCC_INVALID);
	assert_string_equal(field, "uscc");
	assert_int_equal(enterprise_join_target("919900000000000M1XX0", NULL, uscc, &field),
	                 ST_USCC_INVALID);
	assert_int_equal(enterprise_join_target("919900000000000O1X", NULL, uscc, &field),
	                 ST_USCC_INVALID);
	assert_int_equal(enterprise_join_target("0Z9900000000000M1X", NULL, uscc, &field),
	                 ST_USCC_INVALID);
	assert_int_equal(enterprise_join_target("9A9900000000000M1X", NULL, uscc, &field),
	                 ST_USCC_TYPE);
	assert_int_equal(enterprise_join_target("9199A0000000000M1X", NULL, uscc, &field),
	                 ST_USCC_REGION);
}

static unsigned bit(int item) { return 1u << item; }

static void test_readiness_lists_what_is_missing_in_order(void **state)
{
	(void)state;
	assert_int_equal(enterprise_readiness_missing(1, 1, 1, 1), 0);
	assert_int_equal(enterprise_readiness_missing(0, 1, 1, 1),
	                 bit(ENTERPRISE_MISSING_PERSON_VERIFIED));
	assert_int_equal(enterprise_readiness_missing(1, 1, 0, 0),
	                 bit(ENTERPRISE_MISSING_CERTIFIED) | bit(ENTERPRISE_MISSING_MEMBER));
	assert_int_equal(enterprise_readiness_missing(1, 1, 1, 0), bit(ENTERPRISE_MISSING_MEMBER));
	/* Acting as a person: the identity is missing, nothing is said of any enterprise. */
	assert_int_equal(enterprise_readiness_missing(1, 0, 0, 0),
	                 bit(ENTERPRISE_MISSING_IDENTITY));
	assert_int_equal(enterprise_readiness_missing(0, 0, 1, 1),
	                 bit(ENTERPRISE_MISSING_PERSON_VERIFIED) |
	                         bit(ENTERPRISE_MISSING_IDENTITY));
	assert_string_equal(enterprise_readiness_code(ENTERPRISE_MISSING_PERSON_VERIFIED),
	                    "PERSON_NOT_VERIFIED");
	assert_string_equal(enterprise_readiness_code(ENTERPRISE_MISSING_IDENTITY),
	                    "ENTERPRISE_IDENTITY_REQUIRED");
	assert_string_equal(enterprise_readiness_code(ENTERPRISE_MISSING_CERTIFIED),
	                    "ENTERPRISE_NOT_CERTIFIED");
	assert_string_equal(enterprise_readiness_code(ENTERPRISE_MISSING_MEMBER), "NOT_A_MEMBER");
	assert_null(enterprise_readiness_code(ENTERPRISE_MISSING_COUNT));
	assert_null(enterprise_readiness_code(-1));
}

static void test_account_numbers_digits_only_spaces_dropped(void **state)
{
	(void)state;
	char out[40], tiny[8];
	assert_int_equal(
	        enterprise_account_number_normalize("4301 0123 4567 8901 234", out, sizeof out), 0);
	assert_string_equal(out, "4301012345678901234");
	assert_int_equal(enterprise_account_number_normalize("123456", out, sizeof out), 0);
	/* 6-32 digits, nothing else: no Luhn for settlement accounts. */
	assert_int_equal(enterprise_account_number_normalize("12345", out, sizeof out),
	                 ST_ACCOUNT_NUMBER_INVALID);
	assert_int_equal(enterprise_account_number_normalize("123456789012345678901234567890123",
	                                                     out, sizeof out),
	                 ST_ACCOUNT_NUMBER_INVALID);
	assert_int_equal(enterprise_account_number_normalize("4301-0123-4567", out, sizeof out),
	                 ST_ACCOUNT_NUMBER_INVALID);
	assert_int_equal(enterprise_account_number_normalize("43010１23456", out, sizeof out),
	                 ST_ACCOUNT_NUMBER_INVALID);
	assert_int_equal(enterprise_account_number_normalize("      ", out, sizeof out),
	                 ST_ACCOUNT_NUMBER_INVALID);
	assert_int_equal(enterprise_account_number_normalize(NULL, out, sizeof out),
	                 ST_ACCOUNT_NUMBER_INVALID);
	/* Too long for the buffer is refused, never cut. */
	assert_int_equal(enterprise_account_number_normalize("12345678", tiny, sizeof tiny),
	                 ST_ACCOUNT_NUMBER_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_uuid_text_is_canonical_lower_case),
	        cmocka_unit_test(test_the_six_membership_states),
	        cmocka_unit_test(test_join_target_needs_a_uscc_or_a_name),
	        cmocka_unit_test(
	                test_join_target_normalises_the_uscc_and_lets_the_registry_judge_its_check),
	        cmocka_unit_test(test_readiness_lists_what_is_missing_in_order),
	        cmocka_unit_test(test_account_numbers_digits_only_spaces_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
