/* Unit tests for the client address behind trusted proxies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "client_ip.h"

static const char *ip_of(const char *peer, const char *trusted, const char *xff)
{
	static char out[64];
	gw_client_ip(peer, trusted, xff, out, sizeof out);
	return out;
}

static void test_header_ignored_without_trusted_proxies(void **state)
{
	(void)state;
	assert_string_equal(ip_of("203.0.113.9", "", "198.51.100.1"), "203.0.113.9");
	assert_string_equal(ip_of("203.0.113.9", NULL, "198.51.100.1"), "203.0.113.9");
}

static void test_header_ignored_from_an_untrusted_peer(void **state)
{
	(void)state;
	assert_string_equal(ip_of("203.0.113.9", "10.0.0.1", "198.51.100.1"), "203.0.113.9");
}

static void test_rightmost_untrusted_entry_is_the_client(void **state)
{
	(void)state;
	/* The client may forge the left part; only what trusted hops appended counts. */
	assert_string_equal(
	        ip_of("10.0.0.1", "10.0.0.1,10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.2"),
	        "198.51.100.7");
	assert_string_equal(ip_of("10.0.0.1", "10.0.0.1", "2001:db8::1"), "2001:db8::1");
}

static void test_malformed_or_all_trusted_falls_back_to_peer(void **state)
{
	(void)state;
	assert_string_equal(ip_of("10.0.0.1", "10.0.0.1", "not-an-ip"), "10.0.0.1");
	assert_string_equal(ip_of("10.0.0.1", "10.0.0.1", "1.2.3.4,"), "10.0.0.1");
	assert_string_equal(ip_of("10.0.0.1", "10.0.0.1", "10.0.0.1"), "10.0.0.1");
	assert_string_equal(ip_of("10.0.0.1", "10.0.0.1", ""), "10.0.0.1");
	assert_string_equal(ip_of("10.0.0.1", "10.0.0.1", NULL), "10.0.0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_header_ignored_without_trusted_proxies),
	        cmocka_unit_test(test_header_ignored_from_an_untrusted_peer),
	        cmocka_unit_test(test_rightmost_untrusted_entry_is_the_client),
	        cmocka_unit_test(test_malformed_or_all_trusted_falls_back_to_peer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
