/*
 * The SMS rules of DOMAIN.md ("Validation rules") as constants, and the pure
 * arithmetic of their windows: no I/O, so the unit tests can pin any instant.
 * The counters themselves live in Redis (sms_codes.c; keys in README.md).
 */
#ifndef NOTIFY_SMS_LIMITS_H
#define NOTIFY_SMS_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#define NOTIFY_SMS_CODE_TTL_S 300 /* a code stays valid 5 minutes */
#define NOTIFY_SMS_MAX_TRIES  5   /* wrong answers before the code is dead */
#define NOTIFY_SMS_GAP_S      60  /* one send per phone per 60 s */
#define NOTIFY_SMS_PER_HOUR   5   /* per phone per clock hour (+08:00) */
#define NOTIFY_SMS_PER_DAY    10  /* per phone per calendar day (+08:00) */
#define NOTIFY_SMS_PER_IP_DAY 30  /* per client IP per calendar day (+08:00) */

/* China Standard Time is UTC+8 all year (no daylight saving since 1991). */
#define NOTIFY_CST_OFFSET_S (8 * 3600)

/* Where the windows holding an instant end, as Unix milliseconds. */
typedef struct notify_sms_windows {
	int64_t hour_end_ms; /* the next full hour in Asia/Shanghai */
	int64_t day_end_ms;  /* the next midnight in Asia/Shanghai */
} notify_sms_windows;

/* The windows holding now_ms (Unix ms, >= 0). */
void notify_sms_windows_at(int64_t now_ms, notify_sms_windows *w);

/* Whole seconds from now_ms until until_ms, rounded up; at least 1, so a client
 * told to wait never retries into the same refusal. */
int notify_sms_wait_s(int64_t now_ms, int64_t until_ms);

/*
 * The Chinese message of a sending refusal (code one of ST_SMS_TOO_FREQUENT,
 * ST_SMS_HOURLY_LIMIT, ST_SMS_DAILY_LIMIT, ST_SMS_IP_LIMIT) naming the wait,
 * e.g. "验证码发送过于频繁，请 42 秒后再试". Always NUL-terminated in out.
 */
void notify_sms_refusal_text(int code, int wait_s, char *out, size_t outlen);

#endif
