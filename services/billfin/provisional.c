/*
 * The provisional calendar (provisional.h): fixed-date holidays, and the lunar ones from
 * the month-length table below.
 */
#include "provisional.h"

#include "calendar.h"
#include "status.h"

/*
 * The compact table of lunar years 1900-2100, widely published (it descends from the
 * Hong Kong Observatory's Gregorian-lunar conversion tables and circulates as
 * `lunarInfo` in many calendar libraries; checked here by the unit test against the
 * official schedules 2023-2026 and published dates of later 春节). For lunar year
 * 1900 + i, bits:
 *   16     the leap month has 30 days (else 29), when there is one;
 *   15..4  months 1..12 (bit 15 month 1): 30 days when set, else 29;
 *   3..0   the leap month (the 闰 month follows that month), 0 for none.
 * Lunar year 1900 began on 1900-01-31. One entry is corrected: 2033 is 0x04afb (闰十一月),
 * as GB/T 33661-2017 (农历的编算和颁行) computes it, where the old table says 0x04bd7
 * (闰七月) and so puts 中秋 2033 on October 7 instead of September 8 (the "2033 problem").
 * Years 2001-2099 of this table were compared with an astronomical computation
 * (lunar-javascript 1.7.7): every month length and leap month agrees.
 */
static const uint32_t lunar_info[] = {
        0x04bd8, 0x04ae0, 0x0a570, 0x054d5, 0x0d260, 0x0d950, 0x16554, 0x056a0, 0x09ad0, 0x055d2,
        0x04ae0, 0x0a5b6, 0x0a4d0, 0x0d250, 0x1d255, 0x0b540, 0x0d6a0, 0x0ada2, 0x095b0, 0x14977,
        0x04970, 0x0a4b0, 0x0b4b5, 0x06a50, 0x06d40, 0x1ab54, 0x02b60, 0x09570, 0x052f2, 0x04970,
        0x06566, 0x0d4a0, 0x0ea50, 0x06e95, 0x05ad0, 0x02b60, 0x186e3, 0x092e0, 0x1c8d7, 0x0c950,
        0x0d4a0, 0x1d8a6, 0x0b550, 0x056a0, 0x1a5b4, 0x025d0, 0x092d0, 0x0d2b2, 0x0a950, 0x0b557,
        0x06ca0, 0x0b550, 0x15355, 0x04da0, 0x0a5b0, 0x14573, 0x052b0, 0x0a9a8, 0x0e950, 0x06aa0,
        0x0aea6, 0x0ab50, 0x04b60, 0x0aae4, 0x0a570, 0x05260, 0x0f263, 0x0d950, 0x05b57, 0x056a0,
        0x096d0, 0x04dd5, 0x04ad0, 0x0a4d0, 0x0d4d4, 0x0d250, 0x0d558, 0x0b540, 0x0b6a0, 0x195a6,
        0x095b0, 0x049b0, 0x0a974, 0x0a4b0, 0x0b27a, 0x06a50, 0x06d40, 0x0af46, 0x0ab60, 0x09570,
        0x04af5, 0x04970, 0x064b0, 0x074a3, 0x0ea50, 0x06b58, 0x055c0, 0x0ab60, 0x096d5, 0x092e0,
        0x0c960, 0x0d954, 0x0d4a0, 0x0da50, 0x07552, 0x056a0, 0x0abb7, 0x025d0, 0x092d0, 0x0cab5,
        0x0a950, 0x0b4a0, 0x0baa4, 0x0ad50, 0x055d9, 0x04ba0, 0x0a5b0, 0x15176, 0x052b0, 0x0a930,
        0x07954, 0x06aa0, 0x0ad50, 0x05b52, 0x04b60, 0x0a6e6, 0x0a4e0, 0x0d260, 0x0ea65, 0x0d530,
        0x05aa0, 0x076a3, 0x096d0, 0x04afb, 0x04ad0, 0x0a4d0, 0x1d0b6, 0x0d250, 0x0d520, 0x0dd45,
        0x0b5a0, 0x056d0, 0x055b2, 0x049b0, 0x0a577, 0x0a4b0, 0x0aa50, 0x1b255, 0x06d20, 0x0ada0,
        0x14b63, 0x09370, 0x049f8, 0x04970, 0x064b0, 0x168a6, 0x0ea50, 0x06b20, 0x1a6c4, 0x0aae0,
        0x092e0, 0x0d2e3, 0x0c960, 0x0d557, 0x0d4a0, 0x0da50, 0x05d55, 0x056a0, 0x0a6d0, 0x055d4,
        0x052d0, 0x0a9b8, 0x0a950, 0x0b4a0, 0x0b6a6, 0x0ad50, 0x055a0, 0x0aba4, 0x0a5b0, 0x052b0,
        0x0b273, 0x06930, 0x07337, 0x06aa0, 0x0ad50, 0x14b55, 0x04b60, 0x0a570, 0x054e4, 0x0d160,
        0x0e968, 0x0d520, 0x0daa0, 0x16aa6, 0x056d0, 0x04ae0, 0x0a9d4, 0x0a2d0, 0x0d150, 0x0f252,
        0x0d520,
};

static int lunar_leap_month(int ly) { return (int)(lunar_info[ly - 1900] & 0xf); }

static int lunar_leap_days(int ly)
{
	if (!lunar_leap_month(ly))
		return 0;
	return (lunar_info[ly - 1900] & 0x10000) ? 30 : 29;
}

/* Days of ordinary (not leap) month m of lunar year ly. */
static int lunar_month_days(int ly, int m)
{
	return (lunar_info[ly - 1900] & (0x10000u >> m)) ? 30 : 29;
}

static int lunar_year_days(int ly)
{
	int n = lunar_leap_days(ly);
	for (int m = 1; m <= 12; m++)
		n += lunar_month_days(ly, m);
	return n;
}

/* The day of lunar date ly-m-d (an ordinary month), ly 1900-2100. */
static int32_t lunar_to_day(int ly, int m, int d)
{
	int32_t day = billfin_day_from_ymd(1900, 1, 31);
	for (int y = 1900; y < ly; y++)
		day += lunar_year_days(y);
	int leap = lunar_leap_month(ly);
	for (int i = 1; i < m; i++) {
		day += lunar_month_days(ly, i);
		if (i == leap)
			day += lunar_leap_days(ly);
	}
	return day + d - 1;
}

/*
 * 清明 (sun at longitude 15°) by the widely used 寿星 formula for the 21st century:
 * April floor(Y × 0.2422 + 4.81) − floor(Y / 4), Y the year's last two digits, in
 * integers; it has no exception for 清明 in 2001-2099 (the unit test checks it against
 * the official schedules 2023-2026).
 */
static int32_t qingming_day(int year)
{
	int yy = year % 100;
	return billfin_day_from_ymd(year, 4, (yy * 2422 + 48100) / 10000 - yy / 4);
}

int billfin_festivals_of(int year, billfin_festivals *out)
{
	if (year < BILLFIN_CAL_YEAR_MIN || year > BILLFIN_CAL_YEAR_MAX)
		return status_err(ST_BILLFIN_CALENDAR_RANGE, "date");
	out->chunjie = lunar_to_day(year, 1, 1);
	out->chuxi = out->chunjie - 1;
	out->qingming = qingming_day(year);
	out->duanwu = lunar_to_day(year, 5, 5);
	out->zhongqiu = lunar_to_day(year, 8, 15);
	return ST_OK;
}

int billfin_provisional_holiday(int32_t day, int *holiday)
{
	int y, m, d;
	billfin_day_to_ymd(day, &y, &m, &d);
	billfin_festivals f;
	int rv = billfin_festivals_of(y, &f);
	if (rv != ST_OK)
		return rv;
	int h = (m == 1 && d == 1) || (m == 5 && d <= 2) || (m == 10 && d <= 3) ||
	        (day >= f.chuxi && day <= f.chunjie + 2) || day == f.qingming || day == f.duanwu ||
	        day == f.zhongqiu;
	*holiday = h;
	return ST_OK;
}
