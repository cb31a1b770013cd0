/* JSON-lines logger (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char log_service[32] = "-";
static int log_min_level = LOGL_INFO;
static const char *const log_level_names[] = {"debug", "info", "warn", "error"};

int log_setup(const char *service, const char *level)
{
	snprintf(log_service, sizeof log_service, "%s", service ? service : "-");
	if (!level || !*level)
		return 0;
	for (int i = 0; i < 4; i++) {
		if (strcmp(level, log_level_names[i]) == 0) {
			log_min_level = i;
			return 0;
		}
	}
	return -1;
}

int log_enabled(int level) { return level >= log_min_level; }

/* RFC 3339 UTC time with milliseconds, e.g. 2026-11-24T11:21:37.123Z. */
static void log_time_now(char out[48])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, 48, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000));
}

/* Room kept for the closing "}\n" and a truncation marker. */
#define LOG_RESERVE 24

static void log_raw(log_line *l, const char *s, size_t n)
{
	if (l->len + n > sizeof l->buf - LOG_RESERVE)
		n = l->len < sizeof l->buf - LOG_RESERVE ? sizeof l->buf - LOG_RESERVE - l->len : 0;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

/* A JSON string: quotes, backslashes and control characters escaped; UTF-8 kept. */
static void log_quoted(log_line *l, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	log_raw(l, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			char esc[2] = {'\\', (char)*p};
			log_raw(l, esc, 2);
		} else if (*p < 0x20) {
			char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
			log_raw(l, esc, 6);
		} else {
			log_raw(l, (const char *)p, 1);
		}
	}
	log_raw(l, "\"", 1);
}

static void log_key(log_line *l, const char *key)
{
	log_raw(l, ",", 1);
	log_quoted(l, key);
	log_raw(l, ":", 1);
}

void log_line_begin(log_line *l, int level, const char *msg, const char *request_id)
{
	char now[48];
	log_time_now(now);
	l->level = level;
	l->len = 0;
	log_raw(l, "{\"time\":\"", 9);
	log_raw(l, now, strlen(now));
	log_raw(l, "\"", 1);
	log_line_str(l, "level", log_level_names[level & 3]);
	log_line_str(l, "service", log_service);
	log_line_str(l, "msg", msg);
	if (request_id && *request_id)
		log_line_str(l, "request_id", request_id);
}

void log_line_str(log_line *l, const char *key, const char *val)
{
	log_key(l, key);
	if (val)
		log_quoted(l, val);
	else
		log_raw(l, "null", 4);
}

void log_line_int(log_line *l, const char *key, int64_t val)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", (long long)val);
	log_key(l, key);
	log_raw(l, num, (size_t)n);
}

void log_line_ms(log_line *l, const char *key, int64_t micros)
{
	char num[32];
	int n = snprintf(num, sizeof num, "%lld.%03lld", (long long)(micros / 1000),
	                 (long long)(micros % 1000));
	log_key(l, key);
	log_raw(l, num, (size_t)n);
}

void log_line_end(log_line *l)
{
	if (l->len >= sizeof l->buf - LOG_RESERVE)
		log_line_str(l, "truncated", "yes");
	l->buf[l->len++] = '}';
	l->buf[l->len++] = '\n';
	/* One write per line; a short write on a full pipe loses the rest of the line. */
	ssize_t rv = write(STDERR_FILENO, l->buf, l->len);
	(void)rv;
}

void log_kv(int level, const char *request_id, const char *msg, ...)
{
	if (!log_enabled(level))
		return;
	log_line l;
	log_line_begin(&l, level, msg, request_id);
	va_list ap;
	va_start(ap, msg);
	for (;;) {
		const char *key = va_arg(ap, const char *);
		if (!key)
			break;
		const char *val = va_arg(ap, const char *);
		if (val)
			log_line_str(&l, key, val);
	}
	va_end(ap);
	log_line_end(&l);
}
