#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gateway.h"

/* Rule (issue 22): a dead service is known within 1 s: with a free worker its answers
 * come at once, so a second of silence means it is gone. */
static void test_dead_service_known_within_one_second(void **state)
{
	(void)state;
	assert_true(GW_STALE_MS <= 1000);
	assert_int_equal(gw_health_stale_after_ms(8, 0), GW_STALE_MS);
	assert_int_equal(gw_health_stale_after_ms(8, 6), GW_STALE_MS);
	/* Gauges not reported (an older service): the short window. */
	assert_int_equal(gw_health_stale_after_ms(-1, -1), GW_STALE_MS);
}

/* Rule: while every worker was busy (the ping took the last one) pings wait behind the
 * requests: the longer window keeps /readyz from flapping under load. */
static void test_saturated_service_gets_the_longer_window(void **state)
{
	(void)state;
	assert_int_equal(gw_health_stale_after_ms(8, 7), GW_STALE_BUSY_MS);
	assert_int_equal(gw_health_stale_after_ms(2, 1), GW_STALE_BUSY_MS);
	assert_int_equal(gw_health_stale_after_ms(2, 2), GW_STALE_BUSY_MS);
	assert_true(GW_STALE_BUSY_MS > GW_STALE_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dead_service_known_within_one_second),
	        cmocka_unit_test(test_saturated_service_gets_the_longer_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
