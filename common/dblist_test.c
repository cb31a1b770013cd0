/* Unit tests of dblist (paged lists filled through descriptors) on results built in
 * memory: no server needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dblist.h"
#include "dblist_test.pb-c.h"
#include "status.h"

/* A text result of one column holding the given cells. */
static PGresult *rows_of(const char *const *cells, int n)
{
	PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc att = {.name = (char *)"name", .typid = 25, .typlen = -1};
	assert_int_equal(PQsetResultAttrs(r, 1, &att), 1);
	for (int i = 0; i < n; i++)
		assert_int_equal(PQsetvalue(r, i, 0, (char *)cells[i], (int)strlen(cells[i])), 1);
	return r;
}

/* Maps a row to an Item; arg, when set, counts the calls. */
static ProtobufCMessage *item_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	Dltest__Item *it = arena_alloc(ctx->arena, sizeof *it);
	dltest__item__init(it);
	it->name = arena_strdup(ctx->arena, PQgetvalue(r, row, 0));
	if (arg)
		++*(int *)arg;
	return &it->base;
}

/* Fails on the row named "bad". */
static ProtobufCMessage *failing_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	if (strcmp(PQgetvalue(r, row, 0), "bad") == 0)
		return NULL;
	return item_row(ctx, r, row, arg);
}

/* An item of the wrong type. */
static ProtobufCMessage *other_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)r;
	(void)row;
	(void)arg;
	Dltest__Other *o = arena_alloc(ctx->arena, sizeof *o);
	dltest__other__init(o);
	return &o->base;
}

static void test_dblist_page_init_defaults_and_texts(void **state)
{
	(void)state;
	dblist_page pg;
	assert_int_equal(dblist_page_init(0, 0, 0, 0, &pg), ST_OK);
	assert_int_equal(pg.page, 1);
	assert_int_equal(pg.size, 20);
	assert_string_equal(pg.limit, "20");
	assert_string_equal(pg.offset, "0");
	assert_int_equal(dblist_page_init(1, 3, 1, 100, &pg), ST_OK);
	assert_string_equal(pg.limit, "100");
	assert_string_equal(pg.offset, "200");
	/* The largest page: the offset does not overflow an int. */
	assert_int_equal(dblist_page_init(1, INT32_MAX, 1, 100, &pg), ST_OK);
	assert_string_equal(pg.offset, "214748364600");
}

static void test_dblist_page_init_refuses_and_names_the_field(void **state)
{
	(void)state;
	dblist_page pg = {.page = 7};
	assert_int_equal(dblist_page_init(1, 0, 0, 0, &pg), ST_FIELD_RANGE);
	assert_string_equal(status_field(), "page");
	assert_int_equal(pg.page, 7);
	assert_int_equal(dblist_page_init(0, 0, 1, 101, &pg), ST_PAGE_SIZE);
	assert_string_equal(status_field(), "page_size");
	assert_int_equal(dblist_page_init(0, 0, 1, 0, &pg), ST_FIELD_RANGE);
	assert_string_equal(status_field(), "page_size");
	assert_int_equal(pg.page, 7);
}

static void test_dblist_fill_maps_every_row_and_sets_the_page(void **state)
{
	(void)state;
	svc_ctx ctx = {.arena = arena_new()};
	const char *cells[] = {"甲", "乙", "丙"};
	PGresult *r = rows_of(cells, 3);
	dblist_page pg;
	assert_int_equal(dblist_page_init(1, 2, 1, 3, &pg), ST_OK);
	int calls = 0;
	Dltest__Page *l = (Dltest__Page *)dblist_new(&ctx, &dltest__page__descriptor);
	assert_int_equal(dblist_fill(&ctx, &l->base, r, item_row, &calls), ST_OK);
	PQclear(r);
	dblist_total(&l->base, 8, &pg);
	assert_int_equal(calls, 3);
	assert_int_equal(l->n_items, 3);
	assert_string_equal(l->items[0]->name, "甲");
	assert_string_equal(l->items[2]->name, "丙");
	assert_true(l->has_total && l->has_page && l->has_page_size);
	assert_int_equal(l->total, 8);
	assert_int_equal(l->page, 2);
	assert_int_equal(l->page_size, 3);
	assert_null(l->note);
	arena_free(ctx.arena);
}

static void test_dblist_fill_empty_and_appending(void **state)
{
	(void)state;
	svc_ctx ctx = {.arena = arena_new()};
	Dltest__Page *l = (Dltest__Page *)dblist_new(&ctx, &dltest__page__descriptor);
	PGresult *r = rows_of(NULL, 0);
	assert_int_equal(dblist_fill(&ctx, &l->base, r, item_row, NULL), ST_OK);
	PQclear(r);
	assert_int_equal(l->n_items, 0);
	assert_non_null(l->items);
	const char *a[] = {"a"}, *b[] = {"b", "c"};
	r = rows_of(a, 1);
	assert_int_equal(dblist_fill(&ctx, &l->base, r, item_row, NULL), ST_OK);
	PQclear(r);
	r = rows_of(b, 2);
	assert_int_equal(dblist_fill(&ctx, &l->base, r, item_row, NULL), ST_OK);
	PQclear(r);
	assert_int_equal(l->n_items, 3);
	assert_string_equal(l->items[0]->name, "a");
	assert_string_equal(l->items[2]->name, "c");
	arena_free(ctx.arena);
}

static void test_dblist_total_clamps_and_skips_what_is_missing(void **state)
{
	(void)state;
	svc_ctx ctx = {.arena = arena_new()};
	dblist_page pg;
	assert_int_equal(dblist_page_init(0, 0, 0, 0, &pg), ST_OK);
	Dltest__Page *l = (Dltest__Page *)dblist_new(&ctx, &dltest__page__descriptor);
	dblist_total(&l->base, 5000000000LL, &pg);
	assert_int_equal(l->total, INT32_MAX);
	dblist_total(&l->base, -1, &pg);
	assert_int_equal(l->total, 0);
	/* Without a page: total only. */
	l = (Dltest__Page *)dblist_new(&ctx, &dltest__page__descriptor);
	dblist_total(&l->base, 4, NULL);
	assert_true(l->has_total);
	assert_false(l->has_page || l->has_page_size);
	/* A list without page fields takes the total alone. */
	Dltest__Unpaged *u = (Dltest__Unpaged *)dblist_new(&ctx, &dltest__unpaged__descriptor);
	dblist_total(&u->base, 9, &pg);
	assert_true(u->has_total);
	assert_int_equal(u->total, 9);
	arena_free(ctx.arena);
}

static void test_dblist_fill_refuses_a_bad_row_or_message(void **state)
{
	(void)state;
	svc_ctx ctx = {.arena = arena_new()};
	const char *cells[] = {"ok", "bad", "never"};
	PGresult *r = rows_of(cells, 3);
	Dltest__Page *l = (Dltest__Page *)dblist_new(&ctx, &dltest__page__descriptor);
	assert_int_equal(dblist_fill(&ctx, &l->base, r, failing_row, NULL), ST_INTERNAL);
	assert_int_equal(l->n_items, 1);
	l = (Dltest__Page *)dblist_new(&ctx, &dltest__page__descriptor);
	assert_int_equal(dblist_fill(&ctx, &l->base, r, other_row, NULL), ST_INTERNAL);
	assert_int_equal(l->n_items, 0);
	ProtobufCMessage *m = dblist_new(&ctx, &dltest__not_alist__descriptor);
	assert_int_equal(dblist_fill(&ctx, m, r, item_row, NULL), ST_INTERNAL);
	PQclear(r);
	arena_free(ctx.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dblist_page_init_defaults_and_texts),
	        cmocka_unit_test(test_dblist_page_init_refuses_and_names_the_field),
	        cmocka_unit_test(test_dblist_fill_maps_every_row_and_sets_the_page),
	        cmocka_unit_test(test_dblist_fill_empty_and_appending),
	        cmocka_unit_test(test_dblist_total_clamps_and_skips_what_is_missing),
	        cmocka_unit_test(test_dblist_fill_refuses_a_bad_row_or_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
