/*
 * Day numbers and the business-day calendar (calendar.h). Official years are sorted
 * arrays of the listed days; a lookup tries the day's own year, then the neighbours
 * (whose schedules may list the turn of the year), then falls back on the weekend rule
 * of a loaded year or on the provisional calendar.
 */
#include "calendar.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "provisional.h"
#include "status.h"
#include "validate.h"

typedef struct cal_entry {
	int32_t day;
	int off; /* 1 a holiday, 0 a make-up working day */
} cal_entry;

typedef struct cal_year {
	int year;
	size_t n;
	cal_entry *days; /* sorted by day */
} cal_year;

struct billfin_calendar {
	size_t n;
	cal_year *years;
};

/* Civil-from-days and days-from-civil in integers (H. Hinnant, "chrono-Compatible
 * Low-Level Date Algorithms"): eras of 400 years, March-based years. */
int32_t billfin_day_from_ymd(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

/* In 64 bits, so that any int32_t day converts without overflow. */
void billfin_day_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int billfin_month_days(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2)
		return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
	return len[m - 1];
}

int billfin_day_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= billfin_month_days(y, m);
}

int billfin_day_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday. */
	return (int)(((day % 7) + 7 + 4) % 7);
}

int32_t billfin_day_add_months(int32_t day, int n)
{
	int y, m, d;
	billfin_day_to_ymd(day, &y, &m, &d);
	int64_t months = (int64_t)y * 12 + (m - 1) + n;
	int64_t yy = months >= 0 ? months / 12 : -((11 - months) / 12); /* floor */
	y = (int)yy;
	m = (int)(months - yy * 12) + 1;
	int last = billfin_month_days(y, m);
	return billfin_day_from_ymd(y, m, d < last ? d : last);
}

int billfin_day_parse(const char *s, int32_t *day)
{
	if (validate_date(s) != 0)
		return status_err(ST_DATE_INVALID, "date");
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	*day = billfin_day_from_ymd(y, m, d);
	return ST_OK;
}

void billfin_day_format(int32_t day, char out[11])
{
	int y, m, d;
	billfin_day_to_ymd(day, &y, &m, &d);
	if (!billfin_day_valid(y, m, d)) {
		memcpy(out, "0000-00-00", 11);
		return;
	}
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

billfin_calendar *billfin_calendar_new(void) { return xcalloc(1, sizeof(billfin_calendar)); }

void billfin_calendar_free(billfin_calendar *cal)
{
	if (!cal)
		return;
	for (size_t i = 0; i < cal->n; i++)
		free(cal->years[i].days);
	free(cal->years);
	free(cal);
}

static const cal_year *cal_find(const billfin_calendar *cal, int year)
{
	for (size_t i = 0; i < cal->n; i++)
		if (cal->years[i].year == year)
			return &cal->years[i];
	return NULL;
}

int billfin_calendar_has_year(const billfin_calendar *cal, int year)
{
	return cal_find(cal, year) != NULL;
}

static int entry_cmp(const void *a, const void *b)
{
	const cal_entry *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

/* Only the listed keys may appear in object o; the field names the first other one. */
static int keys_only(json_t *o, const char *const *keys, const char *where)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], k) != 0)
			i++;
		if (!keys[i]) {
			char f[160];
			snprintf(f, sizeof f, "%s%s%.60s", where, *where ? "." : "", k);
			return status_err(ST_HOLIDAY_FIELD, f);
		}
	}
	return ST_OK;
}

static int parse_day_entry(json_t *e, size_t i, int year, cal_entry *out)
{
	static const char *const keys[] = {"name", "date", "isOffDay", NULL};
	char f[64];
	snprintf(f, sizeof f, "days[%zu]", i);
	if (!json_is_object(e))
		return status_err(ST_HOLIDAY_FIELD, f);
	int rv = keys_only(e, keys, f);
	if (rv != ST_OK)
		return rv;
	json_t *name = json_object_get(e, "name");
	json_t *date = json_object_get(e, "date");
	json_t *off = json_object_get(e, "isOffDay");
	snprintf(f, sizeof f, "days[%zu].name", i);
	if (!json_is_string(name) || json_string_length(name) == 0 ||
	    validate_text(json_string_value(name), 30) != 0)
		return status_err(ST_HOLIDAY_FIELD, f);
	snprintf(f, sizeof f, "days[%zu].isOffDay", i);
	if (!json_is_boolean(off))
		return status_err(ST_HOLIDAY_FIELD, f);
	snprintf(f, sizeof f, "days[%zu].date", i);
	if (!json_is_string(date))
		return status_err(ST_HOLIDAY_FIELD, f);
	int32_t day;
	if (billfin_day_parse(json_string_value(date), &day) != ST_OK ||
	    day < billfin_day_from_ymd(year - 1, 12, 1) ||
	    day > billfin_day_from_ymd(year + 1, 1, 31))
		return status_err(ST_HOLIDAY_DATE, f);
	out->day = day;
	out->off = json_is_true(off);
	int wd = billfin_day_weekday(day);
	if (!out->off && wd != 0 && wd != 6)
		return status_err(ST_HOLIDAY_WORKDAY_WEEKDAY, f);
	return ST_OK;
}

int billfin_calendar_add_year(billfin_calendar *cal, const char *json, size_t len, int *year)
{
	static const char *const keys[] = {"$schema", "$id", "year", "papers", "days", NULL};
	cal_entry *days = NULL;
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	int rv;
	if (!root) {
		rv = status_err(ST_HOLIDAY_JSON, "json");
		goto out;
	}
	if (!json_is_object(root)) {
		rv = status_err(ST_HOLIDAY_FIELD, "json");
		goto out;
	}
	if ((rv = keys_only(root, keys, "")) != ST_OK)
		goto out;
	for (int i = 0; i < 2; i++) {
		json_t *v = json_object_get(root, keys[i]);
		if (v && !json_is_string(v)) {
			rv = status_err(ST_HOLIDAY_FIELD, keys[i]);
			goto out;
		}
	}
	json_t *jy = json_object_get(root, "year");
	if (!json_is_integer(jy)) {
		rv = status_err(ST_HOLIDAY_FIELD, "year");
		goto out;
	}
	json_int_t y = json_integer_value(jy);
	if (y < BILLFIN_CAL_YEAR_MIN || y > BILLFIN_CAL_YEAR_MAX) {
		rv = status_err(ST_HOLIDAY_YEAR, "year");
		goto out;
	}
	json_t *papers = json_object_get(root, "papers");
	if (!json_is_array(papers) || json_array_size(papers) == 0) {
		rv = status_err(ST_HOLIDAY_FIELD, "papers");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(papers); i++) {
		json_t *p = json_array_get(papers, i);
		if (!json_is_string(p) || json_string_length(p) == 0) {
			char f[32];
			snprintf(f, sizeof f, "papers[%zu]", i);
			rv = status_err(ST_HOLIDAY_FIELD, f);
			goto out;
		}
	}
	json_t *jdays = json_object_get(root, "days");
	size_t n = json_array_size(jdays);
	if (!json_is_array(jdays) || n == 0) {
		rv = status_err(ST_HOLIDAY_FIELD, "days");
		goto out;
	}
	days = xcalloc(n, sizeof *days);
	for (size_t i = 0; i < n; i++)
		if ((rv = parse_day_entry(json_array_get(jdays, i), i, (int)y, &days[i])) != ST_OK)
			goto out;
	/* A duplicate is named by its later position in the text. */
	for (size_t i = 1; i < n; i++)
		for (size_t k = 0; k < i; k++)
			if (days[k].day == days[i].day) {
				char f[64];
				snprintf(f, sizeof f, "days[%zu].date", i);
				rv = status_err(ST_HOLIDAY_DATE_DUPLICATE, f);
				goto out;
			}
	qsort(days, n, sizeof *days, entry_cmp);

	cal_year *slot = (cal_year *)cal_find(cal, (int)y);
	if (slot) {
		free(slot->days);
	} else {
		cal->years = xrealloc(cal->years, (cal->n + 1) * sizeof *cal->years);
		slot = &cal->years[cal->n++];
	}
	slot->year = (int)y;
	slot->n = n;
	slot->days = days;
	days = NULL;
	*year = (int)y;
	rv = ST_OK;
out:
	free(days);
	json_decref(root);
	return rv;
}

static const cal_entry *year_lookup(const cal_year *cy, int32_t day)
{
	if (!cy)
		return NULL;
	cal_entry key = {.day = day};
	return bsearch(&key, cy->days, cy->n, sizeof key, entry_cmp);
}

int billfin_calendar_is_business_day(const billfin_calendar *cal, int32_t day, int *business,
                                     int *provisional)
{
	int y, m, d;
	billfin_day_to_ymd(day, &y, &m, &d);
	const cal_year *own = cal_find(cal, y);
	const cal_entry *e = year_lookup(own, day);
	if (!e)
		e = year_lookup(cal_find(cal, y + 1), day);
	if (!e)
		e = year_lookup(cal_find(cal, y - 1), day);
	int wd = billfin_day_weekday(day);
	int weekend = wd == 0 || wd == 6;
	if (e) {
		*business = !e->off;
		*provisional = 0;
		return ST_OK;
	}
	if (own) {
		*business = !weekend;
		*provisional = 0;
		return ST_OK;
	}
	int holiday;
	int rv = billfin_provisional_holiday(day, &holiday);
	if (rv != ST_OK)
		return rv;
	*business = !weekend && !holiday;
	*provisional = 1;
	return ST_OK;
}

int billfin_calendar_next_business_day(const billfin_calendar *cal, int32_t day, int32_t *out,
                                       int *provisional)
{
	int any = 0;
	/* The longest run of days off in any schedule is 9 (春节 2024); a month is plenty. */
	for (int i = 0; i < 31; i++, day++) {
		int business, prov;
		int rv = billfin_calendar_is_business_day(cal, day, &business, &prov);
		if (rv != ST_OK)
			return rv;
		any |= prov;
		if (business) {
			*out = day;
			*provisional = any;
			return ST_OK;
		}
	}
	return status_err(ST_BILLFIN_CALENDAR_RANGE, "date");
}
