/*
 * Unit tests of days and the business-day calendar: day numbers, parsing and formatting,
 * "6 months", the strict check of an uploaded holiday schedule, official and
 * provisional answers, and the computed festivals against the official schedules
 * 2023-2026, published later dates, and a reference table for 2001-2099.
 */
#include "calendar.h"
#include "provisional.h"

#include "status.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_file.h"

#include <setjmp.h> /* cmocka needs these three before its header */
#include <cmocka.h>

#define HOLIDAY_DIR "services/billfin/data/holidays/"
#define FESTIVALS   "tests/billfin/festivals-2001-2099.tsv"

static char *read_file(const char *path, size_t *len)
{
	char *buf = test_file_read(path, len);
	assert_non_null(buf);
	return buf;
}

static void load_year(billfin_calendar *cal, int year)
{
	char path[128];
	snprintf(path, sizeof path, HOLIDAY_DIR "%d.json", year);
	size_t len;
	char *json = read_file(path, &len);
	int got = 0;
	assert_int_equal(billfin_calendar_add_year(cal, json, len, &got), ST_OK);
	assert_int_equal(got, year);
	free(json);
}

static int32_t D(const char *s)
{
	int32_t day;
	assert_int_equal(billfin_day_parse(s, &day), ST_OK);
	return day;
}

static void test_day_numbers_round_trip_every_day(void **state)
{
	(void)state;
	assert_int_equal(billfin_day_from_ymd(1970, 1, 1), 0);
	assert_int_equal(billfin_day_from_ymd(1969, 12, 31), -1);
	assert_int_equal(billfin_day_from_ymd(2000, 3, 1) - billfin_day_from_ymd(2000, 2, 28), 2);
	assert_int_equal(billfin_day_from_ymd(2100, 3, 1) - billfin_day_from_ymd(2100, 2, 28), 1);
	/* Walk every date of years 1-9999 with a y-m-d counter: the numbers are consecutive. */
	int y = 1, m = 1, d = 1;
	int32_t day = billfin_day_from_ymd(1, 1, 1);
	while (y <= 9999) {
		assert_int_equal(billfin_day_from_ymd(y, m, d), day);
		int yy, mm, dd;
		billfin_day_to_ymd(day, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d)
			fail_msg("day %d: %d-%d-%d != %d-%d-%d", day, yy, mm, dd, y, m, d);
		day++;
		if (++d > billfin_month_days(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(billfin_day_weekday(0), 4);               /* 1970-01-01 Thursday */
	assert_int_equal(billfin_day_weekday(D("2026-12-07")), 1); /* Monday */
	assert_int_equal(billfin_day_weekday(D("2025-01-26")), 0); /* Sunday */
	assert_int_equal(billfin_day_weekday(D("1969-12-27")), 6); /* Saturday, before day 0 */
}

static void test_parse_uses_validate_date_and_names_the_field(void **state)
{
	(void)state;
	int32_t day = 12345;
	assert_int_equal(billfin_day_parse("2024-02-29", &day), ST_OK);
	assert_int_equal(day, billfin_day_from_ymd(2024, 2, 29));
	const char *bad[] = {"2026-02-29", "2026-2-01", "2026-02-01T00",
	                     "20260201",   "",          "0000-01-01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		day = 12345;
		assert_int_equal(billfin_day_parse(bad[i], &day), ST_DATE_INVALID);
		assert_string_equal(status_field(), "date");
		assert_int_equal(day, 12345);
	}
	assert_int_equal(billfin_day_parse(NULL, &day), ST_DATE_INVALID);
}

static void test_format(void **state)
{
	(void)state;
	char out[11];
	billfin_day_format(D("2027-02-05"), out);
	assert_string_equal(out, "2027-02-05");
	billfin_day_format(billfin_day_from_ymd(1, 1, 1), out);
	assert_string_equal(out, "0001-01-01");
	billfin_day_format(billfin_day_from_ymd(1, 1, 1) - 1, out);
	assert_string_equal(out, "0000-00-00");
	billfin_day_format(billfin_day_from_ymd(9999, 12, 31) + 1, out);
	assert_string_equal(out, "0000-00-00");
}

/* "6 months": the same day of the month six months later, clamped to the month's end. */
static void test_add_months_clamps_to_month_end(void **state)
{
	(void)state;
	assert_int_equal(billfin_day_add_months(D("2026-01-15"), 6), D("2026-07-15"));
	assert_int_equal(billfin_day_add_months(D("2026-08-31"), 6), D("2027-02-28"));
	assert_int_equal(billfin_day_add_months(D("2027-08-31"), 6), D("2028-02-29"));
	assert_int_equal(billfin_day_add_months(D("2026-12-31"), 6), D("2027-06-30"));
	assert_int_equal(billfin_day_add_months(D("2026-03-31"), -1), D("2026-02-28"));
	assert_int_equal(billfin_day_add_months(billfin_day_from_ymd(-1, 3, 31), -1),
	                 billfin_day_from_ymd(-1, 2, 28));
	assert_int_equal(billfin_day_add_months(billfin_day_from_ymd(1, 1, 31), -2),
	                 billfin_day_from_ymd(0, 11, 30));
}

static void test_shipped_schedules_load(void **state)
{
	(void)state;
	billfin_calendar *cal = billfin_calendar_new();
	for (int y = 2023; y <= 2026; y++) {
		assert_false(billfin_calendar_has_year(cal, y));
		load_year(cal, y);
		assert_true(billfin_calendar_has_year(cal, y));
	}
	assert_false(billfin_calendar_has_year(cal, 2027));
	/* Loading a year again replaces it. */
	load_year(cal, 2025);
	billfin_calendar_free(cal);
}

/* An uploaded schedule is checked strictly: each bad input names what is wrong. */
static void test_add_year_refuses_bad_input(void **state)
{
	(void)state;
#define DAY(date, off)          "{\"name\":\"春节\",\"date\":\"" date "\",\"isOffDay\":" off "}"
#define DOC(year, papers, days) "{\"year\":" year ",\"papers\":" papers ",\"days\":[" days "]}"
	static const struct {
		const char *json;
		int code;
		const char *field;
	} cases[] = {
	        {"{\"year\":2027,", ST_HOLIDAY_JSON, "json"},
	        {"[1,2]", ST_HOLIDAY_FIELD, "json"},
	        {"{\"year\":2027,\"year\":2027,\"papers\":[\"x\"],\"days\":[" DAY("2027-02-06",
	                                                                          "true") "]}",
	         ST_HOLIDAY_JSON, "json"},
	        {"{\"year\":2027,\"extra\":1,\"papers\":[\"x\"],\"days\":[" DAY("2027-02-06",
	                                                                        "true") "]}",
	         ST_HOLIDAY_FIELD, "extra"},
	        {"{\"$schema\":1,\"year\":2027,\"papers\":[\"x\"],\"days\":[" DAY("2027-02-06",
	                                                                          "true") "]}",
	         ST_HOLIDAY_FIELD, "$schema"},
	        {DOC("\"2027\"", "[\"x\"]", DAY("2027-02-06", "true")), ST_HOLIDAY_FIELD, "year"},
	        {DOC("2027.0", "[\"x\"]", DAY("2027-02-06", "true")), ST_HOLIDAY_FIELD, "year"},
	        {DOC("2100", "[\"x\"]", DAY("2100-02-06", "true")), ST_HOLIDAY_YEAR, "year"},
	        {DOC("2000", "[\"x\"]", DAY("2000-02-06", "true")), ST_HOLIDAY_YEAR, "year"},
	        {"{\"year\":2027,\"days\":[" DAY("2027-02-06", "true") "]}", ST_HOLIDAY_FIELD,
	         "papers"},
	        {DOC("2027", "[]", DAY("2027-02-06", "true")), ST_HOLIDAY_FIELD, "papers"},
	        {DOC("2027", "[\"x\",3]", DAY("2027-02-06", "true")), ST_HOLIDAY_FIELD,
	         "papers[1]"},
	        {DOC("2027", "[\"x\"]", ""), ST_HOLIDAY_FIELD, "days"},
	        {"{\"year\":2027,\"papers\":[\"x\"],\"days\":{}}", ST_HOLIDAY_FIELD, "days"},
	        {DOC("2027", "[\"x\"]", DAY("2027-02-06", "true") ",3"), ST_HOLIDAY_FIELD,
	         "days[1]"},
	        {DOC("2027", "[\"x\"]", "{\"name\":\"春节\",\"date\":\"2027-02-06\"}"),
	         ST_HOLIDAY_FIELD, "days[0].isOffDay"},
	        {DOC("2027", "[\"x\"]", DAY("2027-02-06", "\"true\"")), ST_HOLIDAY_FIELD,
	         "days[0].isOffDay"},
	        {DOC("2027", "[\"x\"]",
	             "{\"name\":\"\",\"date\":\"2027-02-06\",\"isOffDay\":true}"),
	         ST_HOLIDAY_FIELD, "days[0].name"},
	        {DOC("2027", "[\"x\"]",
	             "{\"name\":\"a\\nb\",\"date\":\"2027-02-06\",\"isOffDay\":true}"),
	         ST_HOLIDAY_FIELD, "days[0].name"},
	        {DOC("2027", "[\"x\"]", "{\"name\":\"春节\",\"date\":20270206,\"isOffDay\":true}"),
	         ST_HOLIDAY_FIELD, "days[0].date"},
	        {DOC("2027", "[\"x\"]",
	             "{\"name\":\"春节\",\"date\":\"2027-02-06\",\"isOffDay\":true,\"note\":1}"),
	         ST_HOLIDAY_FIELD, "days[0].note"},
	        {DOC("2027", "[\"x\"]", DAY("2027-02-29", "true")), ST_HOLIDAY_DATE,
	         "days[0].date"},
	        {DOC("2027", "[\"x\"]", DAY("2027/02/06", "true")), ST_HOLIDAY_DATE,
	         "days[0].date"},
	        {DOC("2027", "[\"x\"]", DAY("2026-11-30", "true")), ST_HOLIDAY_DATE,
	         "days[0].date"},
	        {DOC("2027", "[\"x\"]", DAY("2028-02-01", "true")), ST_HOLIDAY_DATE,
	         "days[0].date"},
	        {DOC("2027", "[\"x\"]",
	             DAY("2027-02-06", "true") "," DAY("2027-02-07", "true") "," DAY("2027-02-06",
	                                                                             "true")),
	         ST_HOLIDAY_DATE_DUPLICATE, "days[2].date"},
	        /* 2027-02-10 is a Wednesday: a make-up working day must be a weekend day. */
	        {DOC("2027", "[\"x\"]", DAY("2027-02-06", "true") "," DAY("2027-02-10", "false")),
	         ST_HOLIDAY_WORKDAY_WEEKDAY, "days[1].date"},
	};
	billfin_calendar *cal = billfin_calendar_new();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int year = -1;
		int rv =
		        billfin_calendar_add_year(cal, cases[i].json, strlen(cases[i].json), &year);
		if (rv != cases[i].code || strcmp(status_field(), cases[i].field) != 0)
			fail_msg("case %zu %s: got %d %s", i, cases[i].json, rv, status_field());
		assert_int_equal(year, -1);
		assert_false(billfin_calendar_has_year(cal, 2027));
	}
	/* The minimal good document, with a make-up working day on a Sunday (2027-02-14). */
	const char *good =
	        "{\"$schema\":\"s\",\"$id\":\"i\",\"year\":2027,\"papers\":[\"x\"],\"days\":[" DAY(
	                "2027-02-06", "true") "," DAY("2027-02-14", "false") "," DAY("2026-12-31",
	                                                                             "true") "]}";
	int year = 0;
	assert_int_equal(billfin_calendar_add_year(cal, good, strlen(good), &year), ST_OK);
	assert_int_equal(year, 2027);
	int business, prov;
	assert_int_equal(billfin_calendar_is_business_day(cal, D("2027-02-14"), &business, &prov),
	                 ST_OK);
	assert_true(business);
	assert_false(prov);
	/* A loaded year answers officially: 2027-02-05 (除夕) is not listed, so a Friday. */
	assert_int_equal(billfin_calendar_is_business_day(cal, D("2027-02-05"), &business, &prov),
	                 ST_OK);
	assert_true(business);
	assert_false(prov);
	/* 2026 is not loaded here, but 2027's schedule lists 2026-12-31: official. */
	assert_int_equal(billfin_calendar_is_business_day(cal, D("2026-12-31"), &business, &prov),
	                 ST_OK);
	assert_false(business);
	assert_false(prov);
	billfin_calendar_free(cal);
#undef DAY
#undef DOC
}

static void expect_day(const billfin_calendar *cal, const char *date, int business, int prov)
{
	int b = -1, p = -1;
	assert_int_equal(billfin_calendar_is_business_day(cal, D(date), &b, &p), ST_OK);
	if (b != business || p != prov)
		fail_msg("%s: business %d provisional %d, expected %d %d", date, b, p, business,
		         prov);
}

static void test_official_answers(void **state)
{
	(void)state;
	billfin_calendar *cal = billfin_calendar_new();
	for (int y = 2023; y <= 2026; y++)
		load_year(cal, y);
	expect_day(cal, "2025-01-26", 1, 0); /* Sunday, 调休 working day */
	expect_day(cal, "2025-01-25", 0, 0); /* Saturday */
	expect_day(cal, "2025-01-28", 0, 0); /* 除夕 */
	expect_day(cal, "2025-10-08", 0, 0); /* Wednesday in 国庆 */
	expect_day(cal, "2025-10-09", 1, 0);
	expect_day(cal, "2025-03-03", 1, 0); /* an ordinary Monday */
	expect_day(cal, "2024-02-09", 1,
	           0); /* 除夕 2024 was a working Friday (before the 2024 rules) */
	expect_day(cal, "2022-12-31", 0, 0); /* listed by 2023's schedule */
	expect_day(cal, "2022-12-30", 1, 1); /* 2022 not loaded: provisional */
	int32_t next;
	int prov;
	assert_int_equal(billfin_calendar_next_business_day(cal, D("2025-10-01"), &next, &prov),
	                 ST_OK);
	assert_int_equal(next, D("2025-10-09"));
	assert_false(prov);
	assert_int_equal(billfin_calendar_next_business_day(cal, D("2025-01-25"), &next, &prov),
	                 ST_OK);
	assert_int_equal(next, D("2025-01-26"));
	assert_int_equal(billfin_calendar_next_business_day(cal, D("2025-03-03"), &next, &prov),
	                 ST_OK);
	assert_int_equal(next, D("2025-03-03"));
	/* Into a year without a schedule: 2026-12-31 Thu official, then the weekend of 2027. */
	assert_int_equal(billfin_calendar_next_business_day(cal, D("2026-12-31"), &next, &prov),
	                 ST_OK);
	assert_int_equal(next, D("2026-12-31"));
	assert_false(prov);
	billfin_calendar_free(cal);
}

/* The provisional calendar: the 2024 rules, weekends, no 调休. */
static void test_provisional_answers(void **state)
{
	(void)state;
	billfin_calendar *cal = billfin_calendar_new();
	for (int y = 2023; y <= 2026; y++)
		load_year(cal, y);
	expect_day(cal, "2027-01-01", 0, 1); /* 元旦, a Friday */
	expect_day(cal, "2027-02-04", 1, 1);
	expect_day(cal, "2027-02-05", 0, 1); /* 除夕, a Friday */
	expect_day(cal, "2027-02-08", 0, 1); /* 初三, a Monday */
	expect_day(cal, "2027-02-09", 1, 1); /* no bridged days */
	expect_day(cal, "2027-04-05", 0, 1); /* 清明, a Monday */
	expect_day(cal, "2027-04-06", 1, 1);
	expect_day(cal, "2027-05-03", 1, 1); /* 劳动节 is May 1-2 (a weekend in 2027) */
	expect_day(cal, "2027-06-09", 0, 1); /* 端午 */
	expect_day(cal, "2027-09-15", 0, 1); /* 中秋 */
	expect_day(cal, "2027-10-01", 0, 1);
	expect_day(cal, "2027-10-04", 1, 1); /* 国庆 is Oct 1-3, no make-up */
	expect_day(cal, "2027-10-09", 0, 1); /* a Saturday stays off: no 调休 */
	int32_t next;
	int prov;
	assert_int_equal(billfin_calendar_next_business_day(cal, D("2027-02-05"), &next, &prov),
	                 ST_OK);
	assert_int_equal(next, D("2027-02-09"));
	assert_true(prov);
	/* Thirteen statutory days in 2027, none on another. */
	int holidays = 0;
	for (int32_t d = D("2027-01-01"); d <= D("2027-12-31"); d++) {
		int h;
		assert_int_equal(billfin_provisional_holiday(d, &h), ST_OK);
		holidays += h;
	}
	assert_int_equal(holidays, 13);
	/* Outside 2001-2099 a provisional answer is refused, not guessed. */
	int b;
	assert_int_equal(billfin_calendar_is_business_day(cal, D("2100-01-04"), &b, &prov),
	                 ST_BILLFIN_CALENDAR_RANGE);
	assert_string_equal(status_field(), "date");
	assert_int_equal(billfin_calendar_is_business_day(cal, D("2000-06-01"), &b, &prov),
	                 ST_BILLFIN_CALENDAR_RANGE);
	assert_int_equal(billfin_calendar_next_business_day(cal, D("2100-01-01"), &next, &prov),
	                 ST_BILLFIN_CALENDAR_RANGE);
	/* Any int32_t day converts without overflow (the sanitizers would tell). */
	assert_int_equal(billfin_calendar_next_business_day(cal, INT32_MAX, &next, &prov),
	                 ST_BILLFIN_CALENDAR_RANGE);
	assert_int_equal(billfin_calendar_next_business_day(cal, INT32_MIN, &next, &prov),
	                 ST_BILLFIN_CALENDAR_RANGE);
	char out[11];
	billfin_day_format(INT32_MIN, out);
	assert_string_equal(out, "0000-00-00");
	(void)billfin_day_add_months(INT32_MIN, -6);
	(void)billfin_day_add_months(INT32_MAX, 6);
	billfin_calendar_free(cal);
}

/* The official entry of date in the year's file is an off day named with festival. */
static void expect_official_off(json_t *doc, int32_t day, const char *festival)
{
	char date[11];
	billfin_day_format(day, date);
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(doc, "days"), i, e)
	{
		if (strcmp(json_string_value(json_object_get(e, "date")), date) != 0)
			continue;
		if (!json_is_true(json_object_get(e, "isOffDay")) ||
		    !strstr(json_string_value(json_object_get(e, "name")), festival))
			fail_msg("%s is listed but not as a %s day off", date, festival);
		return;
	}
	fail_msg("computed %s %s is not in the official schedule", festival, date);
}

/* The computed 春节, 清明, 端午, 中秋 are days off of those names in the official files. */
static void test_festivals_match_official_2023_2026(void **state)
{
	(void)state;
	for (int y = 2023; y <= 2026; y++) {
		char path[128];
		snprintf(path, sizeof path, HOLIDAY_DIR "%d.json", y);
		json_error_t err;
		json_t *doc = json_load_file(path, 0, &err);
		assert_non_null(doc);
		billfin_festivals f;
		assert_int_equal(billfin_festivals_of(y, &f), ST_OK);
		/* 除夕 became a statutory holiday with the 2024 revision, in force from 2025. */
		if (y >= 2025)
			expect_official_off(doc, f.chuxi, "春节");
		for (int k = 0; k < 3; k++)
			expect_official_off(doc, f.chunjie + k, "春节");
		expect_official_off(doc, f.qingming, "清明");
		expect_official_off(doc, f.duanwu, "端午");
		expect_official_off(doc, f.zhongqiu, "中秋");
		json_decref(doc);
	}
}

static void expect_festival(int32_t got, const char *date)
{
	char s[11];
	billfin_day_format(got, s);
	assert_string_equal(s, date);
}

/* Published dates of later years, and 2033 (the "2033 problem" of the old lunar table). */
static void test_festivals_known_later_dates(void **state)
{
	(void)state;
	billfin_festivals f;
	assert_int_equal(billfin_festivals_of(2027, &f), ST_OK);
	expect_festival(f.chuxi, "2027-02-05");
	expect_festival(f.chunjie, "2027-02-06");
	expect_festival(f.qingming, "2027-04-05");
	expect_festival(f.duanwu, "2027-06-09");
	expect_festival(f.zhongqiu, "2027-09-15");
	assert_int_equal(billfin_festivals_of(2028, &f), ST_OK);
	expect_festival(f.chunjie, "2028-01-26");
	expect_festival(f.zhongqiu, "2028-10-03");
	assert_int_equal(billfin_festivals_of(2033, &f), ST_OK);
	expect_festival(f.zhongqiu, "2033-09-08");
	assert_int_equal(billfin_festivals_of(2000, &f), ST_BILLFIN_CALENDAR_RANGE);
	assert_int_equal(billfin_festivals_of(2100, &f), ST_BILLFIN_CALENDAR_RANGE);
}

/* Every year 2001-2099 against the reference table (an astronomical computation). */
static void test_festivals_reference_2001_2099(void **state)
{
	(void)state;
	size_t len;
	char *text = read_file(FESTIVALS, &len);
	int rows = 0;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (*line != '#' && *line) {
			int y;
			char cx[11], cj[11], qm[11], dw[11], zq[11];
			assert_int_equal(
			        sscanf(line, "%d %10s %10s %10s %10s %10s", &y, cx, cj, qm, dw, zq),
			        6);
			billfin_festivals f;
			assert_int_equal(billfin_festivals_of(y, &f), ST_OK);
			expect_festival(f.chuxi, cx);
			expect_festival(f.chunjie, cj);
			expect_festival(f.qingming, qm);
			expect_festival(f.duanwu, dw);
			expect_festival(f.zhongqiu, zq);
			rows++;
		}
		line = nl ? nl + 1 : NULL;
	}
	assert_int_equal(rows, 99);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_day_numbers_round_trip_every_day),
	        cmocka_unit_test(test_weekday),
	        cmocka_unit_test(test_parse_uses_validate_date_and_names_the_field),
	        cmocka_unit_test(test_format),
	        cmocka_unit_test(test_add_months_clamps_to_month_end),
	        cmocka_unit_test(test_shipped_schedules_load),
	        cmocka_unit_test(test_add_year_refuses_bad_input),
	        cmocka_unit_test(test_official_answers),
	        cmocka_unit_test(test_provisional_answers),
	        cmocka_unit_test(test_festivals_match_official_2023_2026),
	        cmocka_unit_test(test_festivals_known_later_dates),
	        cmocka_unit_test(test_festivals_reference_2001_2099),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
