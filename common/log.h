/*
 * JSON-lines logging to stderr. The level is checked before anything is
 * formatted, and a line is built in a stack buffer (no allocation) and written
 * with one write(), so concurrent threads never interleave within a line.
 * Every line carries time, level, service and, when known, the request id, so
 * one request can be followed across daemons. Never pass personal data unmasked.
 */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stddef.h>
#include <stdint.h>

enum { LOGL_DEBUG, LOGL_INFO, LOGL_WARN, LOGL_ERROR };

/* Sets the service name and minimum level ("debug", "info", "warn", "error").
 * Returns 0, or -1 for an unknown level name. Call once before threads start. */
int log_setup(const char *service, const char *level);
int log_enabled(int level);
/* One line: msg plus key/value string pairs ending with NULL; a NULL value is
 * skipped. request_id may be NULL. */
void log_kv(int level, const char *request_id, const char *msg, ...) __attribute__((sentinel));

/* A line built field by field (for typed values); lives on the caller's stack. */
typedef struct log_line {
	int level;
	size_t len;
	char buf[2048];
} log_line;

/* Starts a line; check log_enabled(level) first. */
void log_line_begin(log_line *l, int level, const char *msg, const char *request_id);
void log_line_str(log_line *l, const char *key, const char *val); /* NULL: JSON null */
void log_line_int(log_line *l, const char *key, int64_t val);
void log_line_ms(log_line *l, const char *key, int64_t micros); /* milliseconds, 3 decimals */
/* Closes the line and writes it; the line stays in l->buf[0, l->len) for a copy. */
void log_line_end(log_line *l);

#endif
