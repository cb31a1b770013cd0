/* Unit tests of caller: who is calling, from the envelope's caller. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "caller.h"
#include "status.h"

static void test_caller_person_roles_and_enterprise_claim(void **state)
{
	(void)state;
	Bus__Caller c = BUS__CALLER__INIT;
	svc_ctx ctx = {.caller = &c};
	const char *pid = NULL;
	assert_int_equal(caller_person(&ctx, &pid), ST_UNAUTHENTICATED);
	c.person_id = (char *)"not-a-uuid";
	assert_int_equal(caller_person(&ctx, &pid), ST_UNAUTHENTICATED);
	assert_null(pid);
	c.person_id = (char *)"00000000-0000-0000-0000-000000000001";
	assert_int_equal(caller_person(&ctx, &pid), ST_OK);
	assert_string_equal(pid, c.person_id);

	char *roles[] = {(char *)"auditor", (char *)"reviewer"};
	assert_false(caller_has_role(&ctx, "reviewer"));
	c.operator_roles = roles;
	c.n_operator_roles = 2;
	assert_true(caller_has_role(&ctx, "reviewer"));
	assert_false(caller_has_role(&ctx, "review"));
	assert_false(caller_has_role(&ctx, NULL));

	assert_null(caller_enterprise_claim(&ctx));
	c.enterprise_id = (char *)"";
	assert_null(caller_enterprise_claim(&ctx));
	c.enterprise_id = (char *)"e-1";
	assert_string_equal(caller_enterprise_claim(&ctx), "e-1");
}

/* Rule: only the bus-verified signer names a calling service; the gateway's calls have none. */
static void test_caller_service(void **state)
{
	(void)state;
	Bus__Caller c = BUS__CALLER__INIT;
	svc_ctx ctx = {.caller = &c};
	assert_null(caller_service(&ctx));
	c.service = (char *)"";
	assert_null(caller_service(&ctx));
	c.service = (char *)"billfin";
	assert_string_equal(caller_service(&ctx), "billfin");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_caller_person_roles_and_enterprise_claim),
	        cmocka_unit_test(test_caller_service),
	};
	return cmocka_run_group_tests_name("caller", tests, NULL, NULL);
}
