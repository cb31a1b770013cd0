/* Unit tests of the SMS limit windows (Asia/Shanghai hours and days) and refusal texts. */
#include "sms_limits.h"
#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

/* 2024-01-31T02:30:00Z is 10:30 in Beijing. */
static void test_windows_mid_morning_end_at_the_hour_and_at_midnight_beijing(void **state)
{
	(void)state;
	notify_sms_windows w;
	notify_sms_windows_at(1706668200000LL, &w);
	assert_int_equal(w.hour_end_ms, 1706670000000LL); /* 11:00 +08:00 = 03:00Z */
	assert_int_equal(w.day_end_ms, 1706716800000LL);  /* 2024-02-01 00:00 +08:00 = 16:00Z */
}

static void test_windows_turn_at_beijing_midnight_not_utc_midnight(void **state)
{
	(void)state;
	notify_sms_windows w;
	/* 23:59:59.999 in Beijing: both windows end one millisecond later. */
	notify_sms_windows_at(1706716799999LL, &w);
	assert_int_equal(w.hour_end_ms, 1706716800000LL);
	assert_int_equal(w.day_end_ms, 1706716800000LL);
	/* 00:00:00.000 in Beijing belongs to the new day, which ends 24 h later. */
	notify_sms_windows_at(1706716800000LL, &w);
	assert_int_equal(w.hour_end_ms, 1706720400000LL);
	assert_int_equal(w.day_end_ms, 1706803200000LL);
	/* 00:00Z is 08:00 in Beijing: still the same Beijing day. */
	notify_sms_windows_at(1706659200000LL, &w);
	assert_int_equal(w.day_end_ms, 1706716800000LL);
}

static void test_wait_rounds_up_and_is_never_zero(void **state)
{
	(void)state;
	assert_int_equal(notify_sms_wait_s(1000, 1000), 1);
	assert_int_equal(notify_sms_wait_s(1000, 500), 1);
	assert_int_equal(notify_sms_wait_s(0, 1), 1);
	assert_int_equal(notify_sms_wait_s(0, 1000), 1);
	assert_int_equal(notify_sms_wait_s(0, 1001), 2);
	assert_int_equal(notify_sms_wait_s(0, 60000), 60);
	assert_int_equal(notify_sms_wait_s(0, 86400000), 86400);
}

static void test_refusal_texts_name_the_wait_in_seconds(void **state)
{
	(void)state;
	char t[256];
	notify_sms_refusal_text(ST_SMS_TOO_FREQUENT, 42, t, sizeof t);
	assert_string_equal(t, "验证码发送过于频繁，请 42 秒后再试");
	notify_sms_refusal_text(ST_SMS_HOURLY_LIMIT, 2530, t, sizeof t);
	assert_string_equal(
	        t, "该手机号本小时获取验证码次数已达上限（5 次），请 2530 秒（约 43 分钟）后再试");
	notify_sms_refusal_text(ST_SMS_DAILY_LIMIT, 9000, t, sizeof t);
	assert_string_equal(t,
	                    "该手机号今日获取验证码次数已达上限（10 次），请 9000 秒（约 2 小时 30 "
	                    "分钟）后再试");
	notify_sms_refusal_text(ST_SMS_IP_LIMIT, 7200, t, sizeof t);
	assert_string_equal(t, "当前网络今日获取验证码次数已达上限，请 7200 秒（约 2 小时）后再试");
	notify_sms_refusal_text(ST_SMS_CODE_WRONG, 1, t, sizeof t);
	assert_string_equal(t, status_message(ST_SMS_CODE_WRONG));
}

static void test_refusal_text_is_cut_not_overflowed(void **state)
{
	(void)state;
	char t[8];
	notify_sms_refusal_text(ST_SMS_TOO_FREQUENT, 42, t, sizeof t);
	assert_true(strlen(t) < sizeof t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_windows_mid_morning_end_at_the_hour_and_at_midnight_beijing),
	        cmocka_unit_test(test_windows_turn_at_beijing_midnight_not_utc_midnight),
	        cmocka_unit_test(test_wait_rounds_up_and_is_never_zero),
	        cmocka_unit_test(test_refusal_texts_name_the_wait_in_seconds),
	        cmocka_unit_test(test_refusal_text_is_cut_not_overflowed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
