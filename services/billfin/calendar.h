/*
 * Days and the business-day calendar of bill discounting: a day is an int32_t count of
 * days since 1970-01-01 (negative before); official years come from the State Council
 * schedules in the holiday-cn JSON format (data/holidays/README.md), every other year of
 * 2001-2099 from the provisional calendar of provisional.h.
 */
#ifndef BILLFIN_CALENDAR_H
#define BILLFIN_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

/* The range of years the calendar answers for, official or provisional. */
#define BILLFIN_CAL_YEAR_MIN 2001
#define BILLFIN_CAL_YEAR_MAX 2099

/* The day number of a Gregorian date; y-m-d must be real (see billfin_day_valid). */
int32_t billfin_day_from_ymd(int y, int m, int d);
void billfin_day_to_ymd(int32_t day, int *y, int *m, int *d);
/* 1 when y-m-d is a real date of years 1-9999. */
int billfin_day_valid(int y, int m, int d);
/* 0 Sunday .. 6 Saturday. */
int billfin_day_weekday(int32_t day);
/* Days in month m of year y (28-31). */
int billfin_month_days(int y, int m);
/*
 * The same day of the month n months later (n may be negative), clamped to the end of a
 * shorter month: 2026-08-31 + 6 months = 2027-02-28, 2027-08-31 + 6 = 2028-02-29.
 */
int32_t billfin_day_add_months(int32_t day, int n);
/*
 * "YYYY-MM-DD" (common/validate.h validate_date: a real date of years 0001-9999) into
 * *day; status_err(ST_DATE_INVALID, "date") otherwise (re-name it with status_set_field).
 */
int billfin_day_parse(const char *yyyy_mm_dd, int32_t *day);
/* "YYYY-MM-DD"; a day outside years 0001-9999 gives "0000-00-00". */
void billfin_day_format(int32_t day, char out[11]);

/*
 * The calendar: official years loaded by billfin_calendar_add_year. Once built it is
 * only read, so one calendar may be shared by threads; the caller frees it.
 */
typedef struct billfin_calendar billfin_calendar;

billfin_calendar *billfin_calendar_new(void);
void billfin_calendar_free(billfin_calendar *cal);

/*
 * Adds (or replaces) the official schedule of one year from its JSON text in the
 * holiday-cn format, checked strictly; on success *year is the year. The format:
 *   { "$schema": string, "$id": string (both optional), "year": 2001-2099,
 *     "papers": [ at least one string: the State Council notice ],
 *     "days": [ at least one { "name": non-empty text, "date": "YYYY-MM-DD",
 *                              "isOffDay": true|false } ] }
 * No other key anywhere, no duplicate key. A date lies from December 1 of the year
 * before to January 31 of the year after (2023's schedule lists 2022-12-31 for 元旦),
 * appears once, and a make-up working day (isOffDay false) falls on a Saturday or Sunday.
 * Errors (the field names the place, e.g. "days[3].date"; the calendar is unchanged):
 *   ST_HOLIDAY_JSON            not JSON (field "json");
 *   ST_HOLIDAY_FIELD           a key missing, unknown or of the wrong type;
 *   ST_HOLIDAY_YEAR            year outside 2001-2099;
 *   ST_HOLIDAY_DATE            a date not real or outside the year's window;
 *   ST_HOLIDAY_DATE_DUPLICATE  a date listed twice;
 *   ST_HOLIDAY_WORKDAY_WEEKDAY a make-up working day on Monday-Friday.
 */
int billfin_calendar_add_year(billfin_calendar *cal, const char *json, size_t len, int *year);
/* 1 when the official schedule of year is loaded. */
int billfin_calendar_has_year(const billfin_calendar *cal, int year);

/*
 * Whether day is a business day (not a weekend day unless a make-up working day, not a
 * public holiday) into *business, and into *provisional 1 when the answer comes from
 * the provisional calendar (the day's year has no official schedule and no loaded
 * schedule lists the day), else 0. ST_BILLFIN_CALENDAR_RANGE (field "date") outside
 * years 2001-2099 when the answer would be provisional.
 */
int billfin_calendar_is_business_day(const billfin_calendar *cal, int32_t day, int *business,
                                     int *provisional);
/*
 * day itself when it is a business day, else the first business day after it, into
 * *out; *provisional 1 when any day examined was answered provisionally. Errors as
 * billfin_calendar_is_business_day.
 */
int billfin_calendar_next_business_day(const billfin_calendar *cal, int32_t day, int32_t *out,
                                       int *provisional);

#endif
