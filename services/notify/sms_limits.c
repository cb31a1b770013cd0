/* SMS limit windows and refusal texts (see sms_limits.h). */
#include "sms_limits.h"

#include "status.h"

#include <stdio.h>

void notify_sms_windows_at(int64_t now_ms, notify_sms_windows *w)
{
	/* Local time as a count from the epoch: boundaries are multiples there. */
	int64_t local_ms = now_ms + (int64_t)NOTIFY_CST_OFFSET_S * 1000;
	int64_t hour_ms = 3600 * 1000, day_ms = 86400 * (int64_t)1000;
	w->hour_end_ms = now_ms - local_ms % hour_ms + hour_ms;
	w->day_end_ms = now_ms - local_ms % day_ms + day_ms;
}

int notify_sms_wait_s(int64_t now_ms, int64_t until_ms)
{
	int64_t ms = until_ms - now_ms;
	if (ms <= 0)
		return 1;
	int64_t s = (ms + 999) / 1000;
	return s > 86400 * 2 ? 86400 * 2 : (int)s;
}

/* "42 秒", "2530 秒（约 43 分钟）", "9000 秒（约 2 小时 30 分钟）": seconds are exact,
 * the rounded words are for people. */
static void notify_wait_words(int s, char *out, size_t outlen)
{
	if (s <= 90) {
		snprintf(out, outlen, "%d 秒", s);
		return;
	}
	int minutes = (s + 59) / 60;
	if (minutes < 60)
		snprintf(out, outlen, "%d 秒（约 %d 分钟）", s, minutes);
	else if (minutes % 60 == 0)
		snprintf(out, outlen, "%d 秒（约 %d 小时）", s, minutes / 60);
	else
		snprintf(out, outlen, "%d 秒（约 %d 小时 %d 分钟）", s, minutes / 60, minutes % 60);
}

void notify_sms_refusal_text(int code, int wait_s, char *out, size_t outlen)
{
	char wait[64];
	notify_wait_words(wait_s, wait, sizeof wait);
	switch (code) {
	case ST_SMS_TOO_FREQUENT:
		snprintf(out, outlen, "验证码发送过于频繁，请 %s后再试", wait);
		break;
	case ST_SMS_HOURLY_LIMIT:
		snprintf(out, outlen, "该手机号本小时获取验证码次数已达上限（%d 次），请 %s后再试",
		         NOTIFY_SMS_PER_HOUR, wait);
		break;
	case ST_SMS_DAILY_LIMIT:
		snprintf(out, outlen, "该手机号今日获取验证码次数已达上限（%d 次），请 %s后再试",
		         NOTIFY_SMS_PER_DAY, wait);
		break;
	case ST_SMS_IP_LIMIT:
		snprintf(out, outlen, "当前网络今日获取验证码次数已达上限，请 %s后再试", wait);
		break;
	default:
		snprintf(out, outlen, "%s", status_message(code));
	}
}
