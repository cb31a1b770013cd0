/* Unit tests of dbrow (result cells into the arena) on results built in memory: no
 * server needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dbrow.h"
#include "status.h"

#define ENC_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define MAC_HEX "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"

/* A one-row, two-column text result: cell 0 holds value (NULL: SQL NULL), cell 1 "x". */
static PGresult *one_row(const char *value)
{
	PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc att[2] = {{.name = (char *)"a", .typid = 25, .typlen = -1},
	                       {.name = (char *)"b", .typid = 25, .typlen = -1}};
	assert_int_equal(PQsetResultAttrs(r, 2, att), 1);
	assert_int_equal(PQsetvalue(r, 0, 0, (char *)value, value ? (int)strlen(value) : -1), 1);
	assert_int_equal(PQsetvalue(r, 0, 1, (char *)"x", 1), 1);
	return r;
}

static void test_dbrow_text_copies_or_gives_null(void **state)
{
	(void)state;
	arena *a = arena_new();
	PGresult *r = one_row("甲");
	char *s = dbrow_text(a, r, 0, 0);
	PQclear(r);
	assert_string_equal(s, "甲");
	r = one_row(NULL);
	assert_null(dbrow_text(a, r, 0, 0));
	assert_string_equal(dbrow_text(a, r, 0, 1), "x");
	PQclear(r);
	arena_free(a);
}

static void test_dbrow_open_reverses_a_seal_and_refuses_another_aad(void **state)
{
	(void)state;
	crypto_keys k;
	assert_int_equal(crypto_keys_from_hex(&k, ENC_HEX, MAC_HEX), 0);
	unsigned char *sealed = NULL;
	size_t n = 0;
	assert_int_equal(crypto_seal(&k, "13800000000", 11, "t.phone", &sealed, &n), 0);
	size_t hexlen = 0;
	/* bytea's text form: \x and two hex digits a byte. */
	char *hex = malloc(2 + 2 * n + 1);
	hex[0] = '\\';
	hex[1] = 'x';
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 + 2 * i, 3, "%02x", sealed[i]);
	hexlen = strlen(hex);
	assert_int_equal(hexlen, 2 + 2 * n);
	free(sealed);

	Bus__Caller caller = BUS__CALLER__INIT;
	svc_ctx ctx = {.caller = &caller, .request_id = "", .arena = arena_new()};
	PGresult *r = one_row(hex);
	char *out = NULL;
	assert_int_equal(dbrow_open(&ctx, &k, r, 0, 0, "t.phone", &out), ST_OK);
	assert_string_equal(out, "13800000000");
	assert_int_equal(dbrow_open(&ctx, &k, r, 0, 0, "t.card", &out), ST_INTERNAL);
	assert_null(out);
	PQclear(r);
	r = one_row(NULL);
	out = (char *)"stale";
	assert_int_equal(dbrow_open(&ctx, &k, r, 0, 0, "t.phone", &out), ST_OK);
	assert_null(out);
	PQclear(r);
	free(hex);
	arena_free(ctx.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dbrow_text_copies_or_gives_null),
	        cmocka_unit_test(test_dbrow_open_reverses_a_seal_and_refuses_another_aad),
	};
	return cmocka_run_group_tests_name("dbrow", tests, NULL, NULL);
}
