/*
 * Unit tests of the quote arithmetic: every row of the worked examples in
 * tests/billfin/discount-examples.tsv, the exact conversion between the two forms,
 * and each refusal with its field.
 */
#include "discount.h"

#include "status.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_file.h"

#include <setjmp.h> /* cmocka needs these three before its header */
#include <cmocka.h>

#define HOLIDAY_DIR "services/billfin/data/holidays/"
#define EXAMPLES    "tests/billfin/discount-examples.tsv"

static char *read_file(const char *path, size_t *len)
{
	char *buf = test_file_read(path, len);
	assert_non_null(buf);
	return buf;
}

/* The official years 2023-2026, as the examples' header says. */
static int cal_setup(void **state)
{
	billfin_calendar *cal = billfin_calendar_new();
	for (int y = 2023; y <= 2026; y++) {
		char path[128];
		snprintf(path, sizeof path, HOLIDAY_DIR "%d.json", y);
		size_t len;
		char *json = read_file(path, &len);
		int got;
		int rv = billfin_calendar_add_year(cal, json, len, &got);
		free(json);
		if (rv != ST_OK)
			return -1;
	}
	*state = cal;
	return 0;
}

static int cal_teardown(void **state)
{
	billfin_calendar_free(*state);
	return 0;
}

static int32_t D(const char *s)
{
	int32_t day;
	assert_int_equal(billfin_day_parse(s, &day), ST_OK);
	return day;
}

/* A whole decimal field ("-" is 0); fails the test on anything else. */
static int64_t num(const char *s)
{
	if (strcmp(s, "-") == 0)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		fail_msg("not a number: '%s'", s);
	return v;
}

#define NCOLS 16

static void test_worked_examples(void **state)
{
	const billfin_calendar *cal = *state;
	size_t len;
	char *text = read_file(EXAMPLES, &len);
	int rows = 0, provisional_rows = 0, per_100k_rows = 0;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (*line && *line != '#') {
			char *col[NCOLS];
			int n = 0;
			for (char *p = line; p && n < NCOLS; n++) {
				col[n] = p;
				p = strchr(p, '\t');
				if (p)
					*p++ = '\0';
			}
			if (n != NCOLS)
				fail_msg("row '%s': %d columns, expected %d", col[0], n, NCOLS);
			billfin_quote_in in = {
			        .face_fen = num(col[1]),
			        .discount_day = D(col[2]),
			        .due_day = D(col[3]),
			        .rate_bp = (int32_t)num(col[4]),
			        .per_100k_fen = num(col[5]),
			        .adjust_days = (int32_t)num(col[6]),
			        .fee_fen = num(col[7]),
			};
			billfin_quote_out q;
			int rv = billfin_quote_compute(cal, &in, &q);
			if (rv != ST_OK)
				fail_msg("row %s: status %d field %s", col[0], rv, status_field());
			char eff[11];
			billfin_day_format(q.effective_due_day, eff);
			if (strcmp(eff, col[8]) != 0 || q.days != num(col[9]) ||
			    q.provisional != num(col[10]) || q.interest_fen != num(col[11]) ||
			    q.net_fen != num(col[12]) || q.rate_bp != num(col[13]) ||
			    q.per_100k_fen != num(col[14]))
				fail_msg("row %s: got %s %d %d %lld %lld %d %lld", col[0], eff,
				         q.days, q.provisional, (long long)q.interest_fen,
				         (long long)q.net_fen, q.rate_bp,
				         (long long)q.per_100k_fen);
			provisional_rows += q.provisional;
			per_100k_rows += in.per_100k_fen != 0;
			rows++;
		}
		line = nl ? nl + 1 : NULL;
	}
	/* The cases the issue names are all there. */
	assert_true(rows >= 8);
	assert_true(provisional_rows >= 1);
	assert_true(per_100k_rows >= 1);
	free(text);
}

static billfin_quote_in base(void)
{
	billfin_quote_in in = {
	        .face_fen = 100000000,
	        .discount_day = D("2026-03-02"),
	        .due_day = D("2026-08-31"),
	        .rate_bp = 185,
	};
	return in;
}

/*
 * Each form converts into the other exactly: where 25 × r × days ÷ 9 is whole, quoting
 * that 每十万扣息 gives the same interest and net as the rate, and the reported
 * fractions are the exact values.
 */
static void test_forms_convert_exactly(void **state)
{
	const billfin_calendar *cal = *state;
	int checked = 0;
	for (int32_t r = 1; r <= BILLFIN_RATE_MAX_BP; r += 37) {
		for (int adjust = 0; adjust <= 30; adjust += 3) {
			billfin_quote_in in = base();
			in.rate_bp = r;
			in.adjust_days = adjust;
			in.face_fen = 123456789 + r;
			billfin_quote_out a, b;
			assert_int_equal(billfin_quote_compute(cal, &in, &a), ST_OK);
			/* The exact 每十万扣息: num/den = 25 r days / 9. */
			assert_int_equal((__int128)a.per_100k_num * 9,
			                 (__int128)25 * r * a.days * a.per_100k_den);
			if (a.per_100k_den != 1)
				continue;
			in.rate_bp = 0;
			in.per_100k_fen = a.per_100k_num;
			assert_int_equal(billfin_quote_compute(cal, &in, &b), ST_OK);
			assert_int_equal(b.interest_fen, a.interest_fen);
			assert_int_equal(b.net_fen, a.net_fen);
			assert_int_equal(b.rate_num, r);
			assert_int_equal(b.rate_den, 1);
			assert_int_equal(b.rate_bp, r);
			checked++;
		}
	}
	assert_true(checked > 100);
	/* A 每十万扣息 whose rate is not whole: 9 × 50,000 ÷ (25 × 182) = 9000/91 bp. */
	billfin_quote_in in = base();
	in.rate_bp = 0;
	in.per_100k_fen = 50000;
	billfin_quote_out q;
	assert_int_equal(billfin_quote_compute(cal, &in, &q), ST_OK);
	assert_int_equal(q.rate_num, 9000);
	assert_int_equal(q.rate_den, 91);
	assert_int_equal(q.rate_bp, 99);
	assert_int_equal(q.per_100k_num, 50000);
	assert_int_equal(q.per_100k_den, 1);
}

/* Half a fen rounds up, less than half down (the worked example holds the .5 case). */
static void test_rounding_half_up(void **state)
{
	const billfin_calendar *cal = *state;
	billfin_quote_in in = base();
	in.rate_bp = 0;
	in.per_100k_fen = 1;
	billfin_quote_out q;
	in.face_fen = 5000000; /* 0.5 fen */
	assert_int_equal(billfin_quote_compute(cal, &in, &q), ST_OK);
	assert_int_equal(q.interest_fen, 1);
	in.face_fen = 4999999; /* 0.4999999 fen */
	assert_int_equal(billfin_quote_compute(cal, &in, &q), ST_OK);
	assert_int_equal(q.interest_fen, 0);
	in.face_fen = 14999999; /* 1.4999999 */
	assert_int_equal(billfin_quote_compute(cal, &in, &q), ST_OK);
	assert_int_equal(q.interest_fen, 1);
	in.face_fen = 15000000; /* 1.5 */
	assert_int_equal(billfin_quote_compute(cal, &in, &q), ST_OK);
	assert_int_equal(q.interest_fen, 2);
}

/* The extremes do not overflow: face 10^12 fen, 36 %, 400 days, either form. */
static void test_extremes_do_not_overflow(void **state)
{
	const billfin_calendar *cal = *state;
	billfin_quote_in in = base();
	in.face_fen = BILLFIN_FACE_MAX_FEN;
	in.rate_bp = BILLFIN_RATE_MAX_BP;
	in.discount_day = D("2025-10-09") - 370; /* 370 + 30 adjustment = 400 days */
	in.due_day = D("2025-10-09");
	in.adjust_days = 30;
	billfin_quote_out q;
	assert_int_equal(billfin_quote_compute(cal, &in, &q), ST_OK);
	assert_int_equal(q.days, 400);
	assert_int_equal(q.interest_fen, 400000000000LL); /* 10^12 × 0.36 × 400 / 360 */
	assert_int_equal(q.per_100k_fen, 4000000);
	in.rate_bp = 0;
	in.per_100k_fen = 4000000; /* the ceiling: 10,000 × 400 */
	assert_int_equal(billfin_quote_compute(cal, &in, &q), ST_OK);
	assert_int_equal(q.interest_fen, 400000000000LL);
	assert_int_equal(q.rate_bp, 3600);
}

static void expect_refused(const billfin_calendar *cal, billfin_quote_in in, int code,
                           const char *field)
{
	billfin_quote_out q;
	memset(&q, 0x5a, sizeof q);
	int rv = billfin_quote_compute(cal, &in, &q);
	if (rv != code || strcmp(status_field(), field) != 0)
		fail_msg("expected %d %s, got %d %s", code, field, rv, status_field());
	/* The output is set only on success. */
	assert_int_equal(q.days, 0x5a5a5a5a);
}

static void test_refusals_name_their_field(void **state)
{
	const billfin_calendar *cal = *state;
	billfin_quote_in in;
	in = base(), in.face_fen = 0;
	expect_refused(cal, in, ST_BILL_FACE_RANGE, "face_fen");
	in = base(), in.face_fen = BILLFIN_FACE_MAX_FEN + 1;
	expect_refused(cal, in, ST_BILL_FACE_RANGE, "face_fen");
	in = base(), in.rate_bp = 0;
	expect_refused(cal, in, ST_DISCOUNT_RATE_FORM, "rate_bp");
	in = base(), in.per_100k_fen = 100;
	expect_refused(cal, in, ST_DISCOUNT_RATE_FORM, "rate_bp");
	in = base(), in.rate_bp = BILLFIN_RATE_MAX_BP + 1;
	expect_refused(cal, in, ST_DISCOUNT_RATE_RANGE, "rate_bp");
	in = base(), in.rate_bp = -5;
	expect_refused(cal, in, ST_DISCOUNT_RATE_RANGE, "rate_bp");
	in = base(), in.rate_bp = 0, in.per_100k_fen = -1;
	expect_refused(cal, in, ST_DISCOUNT_PER_100K_RANGE, "per_100k_fen");
	/* 182 days: the ceiling is 10,000 × 182 = 1,820,000 fen (36 %). */
	in = base(), in.rate_bp = 0, in.per_100k_fen = 1820001;
	expect_refused(cal, in, ST_DISCOUNT_PER_100K_RANGE, "per_100k_fen");
	in = base(), in.adjust_days = -1;
	expect_refused(cal, in, ST_DISCOUNT_ADJUST_DAYS, "adjust_days");
	in = base(), in.adjust_days = 31;
	expect_refused(cal, in, ST_DISCOUNT_ADJUST_DAYS, "adjust_days");
	in = base(), in.fee_fen = -1;
	expect_refused(cal, in, ST_DISCOUNT_FEE, "fee_fen");
	in = base(), in.fee_fen = in.face_fen;
	expect_refused(cal, in, ST_DISCOUNT_FEE, "fee_fen");
	/* Discounted on or after the (moved) due date. */
	in = base(), in.discount_day = in.due_day;
	expect_refused(cal, in, ST_DISCOUNT_DAYS, "discount_date");
	in = base(), in.discount_day = D("2025-10-09"), in.due_day = D("2025-10-01");
	expect_refused(cal, in, ST_DISCOUNT_DAYS, "discount_date");
	in = base(), in.discount_day = in.due_day - 401;
	expect_refused(cal, in, ST_DISCOUNT_DAYS, "discount_date");
	in = base(), in.discount_day = in.due_day - 371, in.adjust_days = 30;
	expect_refused(cal, in, ST_DISCOUNT_DAYS, "discount_date");
	/* Net not positive: the fee that leaves nothing is refused, one fen less leaves 1. */
	in = base();
	billfin_quote_out q;
	assert_int_equal(billfin_quote_compute(cal, &in, &q), ST_OK);
	in.fee_fen = in.face_fen - q.interest_fen;
	expect_refused(cal, in, ST_DISCOUNT_NET, "fee_fen");
	in.fee_fen--;
	assert_int_equal(billfin_quote_compute(cal, &in, &q), ST_OK);
	assert_int_equal(q.net_fen, 1);
	/* A due date the calendar cannot answer for. */
	in = base(), in.discount_day = D("2099-12-01"), in.due_day = D("2100-01-02");
	expect_refused(cal, in, ST_BILLFIN_CALENDAR_RANGE, "due_date");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_worked_examples),
	        cmocka_unit_test(test_forms_convert_exactly),
	        cmocka_unit_test(test_rounding_half_up),
	        cmocka_unit_test(test_extremes_do_not_overflow),
	        cmocka_unit_test(test_refusals_name_their_field),
	};
	return cmocka_run_group_tests(tests, cal_setup, cal_teardown);
}
