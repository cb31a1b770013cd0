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

static void test_trusted_networks_in_cidr(void **state)
{
	(void)state;
	assert_string_equal(ip_of("10.42.7.9", "10.42.0.0/16", "198.51.100.7"), "198.51.100.7");
	assert_string_equal(ip_of("10.43.7.9", "10.42.0.0/16", "198.51.100.7"), "10.43.7.9");
	assert_string_equal(ip_of("fd00::5", "fd00::/8", "2001:db8::1"), "2001:db8::1");
	assert_string_equal(ip_of("10.42.7.9", "10.42.0.0/33", "198.51.100.7"), "10.42.7.9");
}

static const char *key_of(const char *ip)
{
	static char out[64];
	gw_client_ip_key(ip, out, sizeof out);
	return out;
}

static void test_limit_key_is_the_ipv4_address_or_the_ipv6_64(void **state)
{
	(void)state;
	assert_string_equal(key_of("198.51.100.7"), "198.51.100.7");
	assert_string_equal(key_of("::ffff:198.51.100.7"), "198.51.100.7");
	/* Two addresses of one /64 share a key; another /64 does not. */
	assert_string_equal(key_of("2001:db8:1:2::1"), "2001:db8:1:2::/64");
	assert_string_equal(key_of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
	assert_string_equal(key_of("2001:db8:1:3::1"), "2001:db8:1:3::/64");
	assert_string_equal(key_of("-"), "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_header_ignored_without_trusted_proxies),
	        cmocka_unit_test(test_header_ignored_from_an_untrusted_peer),
	        cmocka_unit_test(test_rightmost_untrusted_entry_is_the_client),
	        cmocka_unit_test(test_malformed_or_all_trusted_falls_back_to_peer),
	        cmocka_unit_test(test_trusted_networks_in_cidr),
	        cmocka_unit_test(test_limit_key_is_the_ipv4_address_or_the_ipv6_64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
