/* Unit tests of the pure parts of redis.c (URL parsing); commands are exercised
 * against a real server by the services' API tests. */
#include "redis.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static void test_redis_url_with_password_port_and_db(void **state)
{
	(void)state;
	char host[64], pw[64];
	int port, db;
	assert_int_equal(redis_url_parse("redis://:s3cret@127.0.0.1:6380/2", host, sizeof host,
	                                 &port, pw, sizeof pw, &db),
	                 0);
	assert_string_equal(host, "127.0.0.1");
	assert_string_equal(pw, "s3cret");
	assert_int_equal(port, 6380);
	assert_int_equal(db, 2);
}

static void test_redis_url_defaults_port_6379_and_db_0(void **state)
{
	(void)state;
	char host[64], pw[64];
	int port, db;
	assert_int_equal(
	        redis_url_parse("redis://cache", host, sizeof host, &port, pw, sizeof pw, &db), 0);
	assert_string_equal(host, "cache");
	assert_string_equal(pw, "");
	assert_int_equal(port, 6379);
	assert_int_equal(db, 0);
}

static void test_redis_url_rejects_other_schemes_and_bad_ports(void **state)
{
	(void)state;
	char host[64], pw[64];
	int port, db;
	assert_int_equal(redis_url_parse("http://x", host, sizeof host, &port, pw, sizeof pw, &db),
	                 -1);
	assert_int_equal(
	        redis_url_parse("redis://x:0", host, sizeof host, &port, pw, sizeof pw, &db), -1);
	assert_int_equal(
	        redis_url_parse("redis://x:70000", host, sizeof host, &port, pw, sizeof pw, &db),
	        -1);
	assert_int_equal(
	        redis_url_parse("redis://x:12a", host, sizeof host, &port, pw, sizeof pw, &db), -1);
	assert_int_equal(
	        redis_url_parse("redis://x/99", host, sizeof host, &port, pw, sizeof pw, &db), -1);
	assert_int_equal(redis_url_parse("redis://", host, sizeof host, &port, pw, sizeof pw, &db),
	                 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_redis_url_with_password_port_and_db),
	        cmocka_unit_test(test_redis_url_defaults_port_6379_and_db_0),
	        cmocka_unit_test(test_redis_url_rejects_other_schemes_and_bad_ports),
	};
	return cmocka_run_group_tests_name("redis", tests, NULL, NULL);
}
