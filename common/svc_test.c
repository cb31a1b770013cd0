/* Unit tests of binding handlers to proto methods by name (svc_apis_check). */
#include "status.h"
#include "svc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static int test_handler(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)ctx;
	(void)in;
	(void)out;
	return ST_OK;
}

/* A two-method service as protoc-c would describe it; only names matter here. */
static const ProtobufCMethodDescriptor test_methods[] = {
        {"Open", &bus__ping_request__descriptor, &bus__ping_response__descriptor},
        {"Close", &bus__ping_request__descriptor, &bus__ping_response__descriptor},
};
static const unsigned test_method_index[] = {1, 0};
static const ProtobufCServiceDescriptor test_desc = {
        PROTOBUF_C__SERVICE_DESCRIPTOR_MAGIC,
        "test.Door",
        "Door",
        "Test__Door",
        "test",
        2,
        test_methods,
        test_method_index,
};

static void test_svc_binds_every_method_by_name_in_any_order(void **state)
{
	(void)state;
	const svc_handler h[] = {{"Close", test_handler}, {"Open", test_handler}};
	const svc_api apis[] = {SVC_API(&test_desc, h)};
	assert_int_equal(svc_apis_check(apis, 1), ST_OK);
	assert_int_equal(svc_apis_check(NULL, 0), ST_OK);
}

static void test_svc_refuses_a_method_without_handler(void **state)
{
	(void)state;
	const svc_handler h[] = {{"Open", test_handler}};
	const svc_api apis[] = {SVC_API(&test_desc, h)};
	assert_int_equal(svc_apis_check(apis, 1), ST_INTERNAL);
}

static void test_svc_refuses_a_handler_naming_no_method(void **state)
{
	(void)state;
	const svc_handler h[] = {
	        {"Open", test_handler}, {"Close", test_handler}, {"Slam", test_handler}};
	const svc_api apis[] = {SVC_API(&test_desc, h)};
	assert_int_equal(svc_apis_check(apis, 1), ST_INTERNAL);
	/* Method names are case-sensitive, as on the wire. */
	const svc_handler lower[] = {{"open", test_handler}, {"Close", test_handler}};
	const svc_api apis2[] = {SVC_API(&test_desc, lower)};
	assert_int_equal(svc_apis_check(apis2, 1), ST_INTERNAL);
	const svc_handler none[] = {
	        {NULL, test_handler}, {"Open", test_handler}, {"Close", test_handler}};
	const svc_api apis3[] = {SVC_API(&test_desc, none)};
	assert_int_equal(svc_apis_check(apis3, 1), ST_INTERNAL);
}

static void test_svc_refuses_a_name_bound_twice(void **state)
{
	(void)state;
	const svc_handler h[] = {
	        {"Open", test_handler}, {"Close", test_handler}, {"Open", test_handler}};
	const svc_api apis[] = {SVC_API(&test_desc, h)};
	assert_int_equal(svc_apis_check(apis, 1), ST_INTERNAL);
	/* The same method name in two services of one process: the bus names methods only. */
	const svc_handler ok[] = {{"Open", test_handler}, {"Close", test_handler}};
	const svc_api twice[] = {SVC_API(&test_desc, ok), SVC_API(&test_desc, ok)};
	assert_int_equal(svc_apis_check(twice, 2), ST_INTERNAL);
	/* Ping belongs to the built-in Control service. */
	const svc_handler ping[] = {{"Ping", test_handler}};
	const svc_api control[] = {SVC_API(&bus__control__descriptor, ping)};
	assert_int_equal(svc_apis_check(control, 1), ST_INTERNAL);
}

static void test_svc_refuses_a_null_handler(void **state)
{
	(void)state;
	const svc_handler h[] = {{"Open", test_handler}, {"Close", NULL}};
	const svc_api apis[] = {SVC_API(&test_desc, h)};
	assert_int_equal(svc_apis_check(apis, 1), ST_INTERNAL);
}

/* Rule: a method declared idempotent must be one of its own table's (a typo cannot
 * leave a creating method silently without Idempotency-Key). */
static void test_svc_idempotent_names_must_be_bound(void **state)
{
	(void)state;
	const svc_handler h[] = {{"Open", test_handler}, {"Close", test_handler}};
	static const char *const good[] = {"Open", NULL};
	static const char *const typo[] = {"Opn", NULL};
	static const char *const builtin[] = {"Ping", NULL};
	const svc_api ok[] = {SVC_API(&test_desc, h, .idempotent = good)};
	const svc_api bad[] = {SVC_API(&test_desc, h, .idempotent = typo)};
	const svc_api other[] = {SVC_API(&test_desc, h, .idempotent = builtin)};
	assert_int_equal(svc_apis_check(ok, 1), ST_OK);
	assert_int_equal(svc_apis_check(bad, 1), ST_INTERNAL);
	assert_int_equal(svc_apis_check(other, 1), ST_INTERNAL);
}

static void test_svc_server_does_not_start_with_a_bad_table(void **state)
{
	(void)state;
	const svc_handler h[] = {{"Open", test_handler}};
	const svc_api apis[] = {SVC_API(&test_desc, h)};
	const svc_def def = {.name = "test", .apis = apis, .napis = 1};
	/* Refused before any connection is tried: the database address is never read. */
	const svc_settings set = {.db_url = "host=/nonexistent dbname=none", .workers = 1};
	svc_server *s = NULL;
	assert_int_equal(svc_server_start(&def, &set, &s), ST_INTERNAL);
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_svc_binds_every_method_by_name_in_any_order),
	        cmocka_unit_test(test_svc_refuses_a_method_without_handler),
	        cmocka_unit_test(test_svc_refuses_a_handler_naming_no_method),
	        cmocka_unit_test(test_svc_refuses_a_name_bound_twice),
	        cmocka_unit_test(test_svc_refuses_a_null_handler),
	        cmocka_unit_test(test_svc_idempotent_names_must_be_bound),
	        cmocka_unit_test(test_svc_server_does_not_start_with_a_bad_table),
	};
	return cmocka_run_group_tests_name("svc", tests, NULL, NULL);
}
