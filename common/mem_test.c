/* Unit tests of the request arena: alignment, large blocks, reset, strings. */
#include "mem.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void test_arena_allocations_are_aligned_and_distinct(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *prev = NULL;
	for (int i = 1; i < 2000; i++) {
		char *p = arena_alloc(a, (size_t)(i % 37) + 1);
		assert_int_equal((uintptr_t)p % 16, 0);
		assert_ptr_not_equal(p, prev);
		memset(p, 0xab, (size_t)(i % 37) + 1);
		prev = p;
	}
	arena_free(a);
}

static void test_arena_large_allocation_gets_its_own_block(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *small = arena_alloc(a, 10);
	char *big = arena_alloc(a, 1 << 20);
	memset(big, 1, 1 << 20);
	char *after = arena_alloc(a, 10);
	/* The small allocations keep filling the first block around the big one. */
	assert_true(after > small && after - small < 4096);
	arena_free(a);
}

static void test_arena_reset_reuses_memory(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *first = arena_alloc(a, 64);
	for (int i = 0; i < 100; i++)
		arena_alloc(a, 4000);
	arena_reset(a);
	assert_ptr_equal(arena_alloc(a, 64), first);
	arena_free(a);
}

static void test_arena_strings_copy_and_format(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_string_equal(arena_strdup(a, "长沙市"), "长沙市");
	assert_string_equal(arena_strndup(a, "43010200", 4), "4301");
	assert_string_equal(arena_printf(a, "%s-%03d", "PO", 7), "PO-007");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_arena_allocations_are_aligned_and_distinct),
	        cmocka_unit_test(test_arena_large_allocation_gets_its_own_block),
	        cmocka_unit_test(test_arena_reset_reuses_memory),
	        cmocka_unit_test(test_arena_strings_copy_and_format),
	};
	return cmocka_run_group_tests_name("mem", tests, NULL, NULL);
}
