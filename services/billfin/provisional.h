/*
 * The provisional calendar of a year without an official schedule: the statutory public
 * holidays that the 全国年节及纪念日放假办法 (as revised in 2024, in force from 2025) fixes by
 * date, the lunar ones computed, and no 调休 (no make-up working day, no bridged days).
 */
#ifndef BILLFIN_PROVISIONAL_H
#define BILLFIN_PROVISIONAL_H

#include <stdint.h>

/* The days (calendar.h day numbers) of the movable festivals of a Gregorian year. */
typedef struct billfin_festivals {
	int32_t chuxi;    /* 除夕, the last day of the lunar year before 春节 */
	int32_t chunjie;  /* 春节, 正月初一 */
	int32_t qingming; /* 清明, the solar term */
	int32_t duanwu;   /* 端午, 五月初五 */
	int32_t zhongqiu; /* 中秋, 八月十五 */
} billfin_festivals;

/* The festivals of year (2001-2099) into *out; ST_BILLFIN_CALENDAR_RANGE otherwise. */
int billfin_festivals_of(int year, billfin_festivals *out);

/*
 * *holiday = 1 when day is a statutory public holiday of the provisional calendar:
 * 元旦 Jan 1; 春节 除夕 and 正月初一-初三; 清明; 劳动节 May 1-2; 端午; 中秋; 国庆 Oct 1-3.
 * Weekends are not counted here. ST_BILLFIN_CALENDAR_RANGE (field "date") outside
 * years 2001-2099.
 */
int billfin_provisional_holiday(int32_t day, int *holiday);

#endif
