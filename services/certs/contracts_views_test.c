/* The pure rules of contracts (contracts_views.c): whose turn it is, the contract number,
 * the expiry's RFC 3339 form, the views' names and the labels. */
#include "contracts.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static void sequential_turn_is_the_lowest_waiting_seq(void **state)
{
	(void)state;
	certs_contract_signer s[3] = {{.seq = 1, .state = "signed"},
	                              {.seq = 2, .state = "waiting"},
	                              {.seq = 3, .state = "waiting"}};
	assert_false(certs_contract_turn(s, 3, 0, 1)); /* signed already */
	assert_true(certs_contract_turn(s, 3, 1, 1));
	assert_false(certs_contract_turn(s, 3, 2, 1)); /* seq 2 still waiting */
	s[1].state = "signed";
	assert_true(certs_contract_turn(s, 3, 2, 1));
	assert_false(certs_contract_turn(s, 3, 3, 1)); /* out of range */
}

static void parallel_turn_is_every_waiting_signer(void **state)
{
	(void)state;
	certs_contract_signer s[3] = {{.seq = 1, .state = "waiting"},
	                              {.seq = 2, .state = "refused"},
	                              {.seq = 3, .state = "waiting"}};
	assert_true(certs_contract_turn(s, 3, 0, 0));
	assert_false(certs_contract_turn(s, 3, 1, 0));
	assert_true(certs_contract_turn(s, 3, 2, 0));
	/* sequential: a refusal does not pass the turn on (refusal ends the contract) */
	assert_false(certs_contract_turn(s, 3, 2, 1));
}

static void number_is_ht_day_and_six_digits(void **state)
{
	(void)state;
	char out[24];
	assert_int_equal(certs_contract_number("20261207", 1, out, sizeof out), 0);
	assert_string_equal(out, "HT20261207000001");
	assert_int_equal(certs_contract_number("20261207", 999999, out, sizeof out), 0);
	assert_string_equal(out, "HT20261207999999");
	assert_int_equal(certs_contract_number("20261207", 0, out, sizeof out), -1);
	assert_int_equal(certs_contract_number("20261207", 1000000, out, sizeof out), -1);
	assert_int_equal(certs_contract_number("2026127", 1, out, sizeof out), -1);
	assert_int_equal(certs_contract_number("2026120a", 1, out, sizeof out), -1);
	assert_int_equal(certs_contract_number("20261207", 1, out, 16), -1); /* no room */
}

static void expiry_is_rfc3339_with_an_offset(void **state)
{
	(void)state;
	assert_true(certs_contract_time_valid("2026-12-31T18:00:00+08:00"));
	assert_true(certs_contract_time_valid("2026-12-31T10:00:00Z"));
	assert_true(certs_contract_time_valid("2026-12-31T10:00:00.123Z"));
	assert_false(certs_contract_time_valid("2026-12-31T18:00:00")); /* no offset */
	assert_false(certs_contract_time_valid("2026-12-31 18:00:00+08:00"));
	assert_false(certs_contract_time_valid("2026-12-31"));
	assert_false(certs_contract_time_valid("2026-12-31T18:00:00+0800"));
	assert_false(certs_contract_time_valid("2026-12-31T18:00:00.Z"));
	assert_false(certs_contract_time_valid("tomorrow"));
	assert_false(certs_contract_time_valid(NULL));
}

static void seven_views_and_labels(void **state)
{
	(void)state;
	const char *v[] = {"to_me",     "to_others", "completed", "voided",
	                   "initiated", "drafts",    "expiring"};
	for (size_t i = 0; i < 7; i++)
		assert_true(certs_contract_view_valid(v[i]));
	assert_false(certs_contract_view_valid("all"));
	assert_false(certs_contract_view_valid(NULL));
	assert_string_equal(certs_contract_state_label("signing"), "签署中");
	assert_string_equal(certs_contract_state_label("expired"), "已过期");
	assert_string_equal(certs_contract_state_label("x"), "");
	assert_string_equal(certs_contract_signer_label("waiting"), "待签署");
	assert_string_equal(certs_contract_action_label("sent"), "发起签署");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(sequential_turn_is_the_lowest_waiting_seq),
	        cmocka_unit_test(parallel_turn_is_every_waiting_signer),
	        cmocka_unit_test(number_is_ht_day_and_six_digits),
	        cmocka_unit_test(expiry_is_rfc3339_with_an_offset),
	        cmocka_unit_test(seven_views_and_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
