/* A growable, always NUL-terminated byte string for the API test runner. */
#ifndef API_STRBUF_H
#define API_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Zero-initialise; p stays NULL until the first add. The owner frees p. */
struct strbuf {
	char *p;
	size_t len;
	size_t cap;
};

/* Appends n bytes (which may hold NULs); aborts on exhaustion like xmalloc. */
void strbuf_add(struct strbuf *b, const void *s, size_t n);
void strbuf_addstr(struct strbuf *b, const char *s);
void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

#endif
