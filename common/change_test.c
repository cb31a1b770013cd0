/* Unit tests of what the change helper decides without a database: how many rows a
 * statement's result counts (a guarded UPDATE that matched none is the lost race).
 * The transaction itself is tested in tests/integration/change_test.c. */
#include "change.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static void test_change_rows_counts_returned_rows(void **state)
{
	(void)state;
	PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	assert_non_null(r);
	PGresAttDesc col = {
	        .name = (char *)"id", .format = 0, .typid = 25, .typlen = -1, .atttypmod = -1};
	assert_int_equal(PQsetResultAttrs(r, 1, &col), 1);
	assert_int_equal(change_rows(r), 0);
	assert_int_equal(PQsetvalue(r, 0, 0, (char *)"a", 1), 1);
	assert_int_equal(PQsetvalue(r, 1, 0, (char *)"b", 1), 1);
	assert_int_equal(change_rows(r), 2);
	PQclear(r);
}

static void test_change_rows_of_a_command_without_rows_is_zero(void **state)
{
	(void)state;
	PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_COMMAND_OK);
	assert_non_null(r);
	assert_int_equal(change_rows(r), 0);
	PQclear(r);
	assert_int_equal(change_rows(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_change_rows_counts_returned_rows),
	        cmocka_unit_test(test_change_rows_of_a_command_without_rows_is_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
