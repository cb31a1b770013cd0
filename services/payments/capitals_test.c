/* The 大写 conversion against a table of worked examples (the rules in capitals.c). */
#include "capitals.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h> /* cmocka needs these three before its header */
#include <cmocka.h>

static const struct {
	int64_t fen;
	const char *want;
	const char *rule;
} TABLE[] = {
        {0, "零元整", "zero"},
        {1, "壹分", "under one yuan: no 元, no 零"},
        {5, "伍分", "under one yuan"},
        {50, "伍角整", "角 without 分 ends with 整"},
        {56, "伍角陆分", "角 and 分"},
        {100, "壹元整", "整 after 元"},
        {105, "壹元零伍分", "零角 between a yuan part and 分"},
        {150, "壹元伍角整", "角 without 分 ends with 整"},
        {1000, "壹拾元整", "a leading 拾 is 壹拾"},
        {1050, "壹拾元伍角整", "no 零 between 元 and 角"},
        {1001, "壹拾元零壹分", "零角"},
        {123456, "壹仟贰佰叁拾肆元伍角陆分", "the issue's example"},
        {100100, "壹仟零壹元整", "one 零 for a run of two zeros"},
        {101000, "壹仟零壹拾元整", "壹拾 after 零"},
        {110000, "壹仟壹佰元整", "trailing zeros silent"},
        {100000100, "壹佰万零壹元整", "1,000,001.00: one 零 across the 万 boundary"},
        {1001001, "壹万零壹拾元零壹分", "10,010.01"},
        {1000000, "壹万元整", "万"},
        {1010000, "壹万零壹佰元整", "零 when the lower group lacks its 仟"},
        {1100000, "壹万壹仟元整", "no 零 when the lower group has its 仟"},
        {10000000, "壹拾万元整", "壹拾万"},
        {100000000, "壹佰万元整", "壹佰万"},
        {1000000000, "壹仟万元整", "壹仟万"},
        {10000000000, "壹亿元整", "100,000,000: 亿, nothing after"},
        {10000000010, "壹亿元壹角整", "1,0000,0000.10"},
        {10000000100, "壹亿零壹元整", "零 across two empty groups"},
        {10010000000, "壹亿零壹拾万元整", "零 before a 万 group lacking its 仟"},
        {11000000000, "壹亿壹仟万元整", "no 零 when the 万 group has its 仟"},
        {10001000000, "壹亿零壹万元整", "1,0001,0000"},
        {100000000000, "壹拾亿元整", "壹拾亿"},
        {100000000000000, "壹万亿元整", "above 亿 the part carries its own 万"},
        {100001000000000, "壹万亿零壹仟万元整", "1,0000,1000,0000: the empty 亿 group read as 零"},
        {101000000000000, "壹万零壹佰亿元整", "1,0100,0000,0000"},
        {101000000000, "壹拾亿壹仟万元整", "10,1000,0000: a group's trailing zero is silent"},
        {9007199254740991, "玖拾万零柒佰壹拾玖亿玖仟贰佰伍拾肆万柒仟肆佰零玖元玖角壹分",
         "2^53 − 1 fen, the largest API amount"},
        {-100, "负壹元整", "red letter: 负"},
        {-105, "负壹元零伍分", "red letter with 零角"},
        {-10000000000, "负壹亿元整", "red letter: 亿"},
};

static void test_worked_examples(void **state)
{
	(void)state;
	char buf[CAPITALS_MAX];
	for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
		assert_int_equal(capitals_fen(TABLE[i].fen, buf, sizeof buf), 0);
		if (strcmp(buf, TABLE[i].want) != 0)
			fail_msg("%lld fen (%s): got %s, want %s", (long long)TABLE[i].fen,
			         TABLE[i].rule, buf, TABLE[i].want);
	}
}

static void test_extremes_and_small_buffers(void **state)
{
	(void)state;
	char buf[CAPITALS_MAX];
	/* Any int64 fits CAPITALS_MAX; INT64_MIN has no absolute value. */
	assert_int_equal(capitals_fen(INT64_MAX, buf, sizeof buf), 0);
	assert_int_equal(capitals_fen(-INT64_MAX, buf, sizeof buf), 0);
	assert_int_equal(strncmp(buf, "负", strlen("负")), 0);
	assert_int_equal(capitals_fen(INT64_MIN, buf, sizeof buf), -1);
	assert_string_equal(buf, "");
	/* Too small: refused with an empty string, never a cut-off amount. */
	char small[10];
	assert_int_equal(capitals_fen(123456, small, sizeof small), -1);
	assert_string_equal(small, "");
	assert_int_equal(capitals_fen(100, small, sizeof small), 0); /* 壹元整: 9 bytes + NUL */
	assert_string_equal(small, "壹元整");
	assert_int_equal(capitals_fen(100, small, 9), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_worked_examples),
	        cmocka_unit_test(test_extremes_and_small_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
