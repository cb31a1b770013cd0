/* Status codes: the registry in status.def, looked up by number. */
#ifndef COMMON_STATUS_H
#define COMMON_STATUS_H

typedef enum {
#define X(sym, num, http, code, msg) sym = num,
#include "status.def"
#undef X
} status_t;

/* HTTP status for a code; 500 for a number not in the registry. */
int status_http(int code);
/* Stable English code ("PHONE_TAKEN"); "INTERNAL_ERROR" for an unknown number. */
const char *status_code_name(int code);
/* Chinese message; never NULL. */
const char *status_message(int code);
/* 1 when the number is in the registry. */
int status_known(int code);

/*
 * Error detail travels beside the returned code in thread-local storage, so a
 * failing function reads `return status_err(ST_REGION_UNKNOWN, "parent");`.
 * The field (and an optional message replacing the registry's) stay set until
 * the next status_err*() or status_clear() on the same thread.
 */
int status_err(int code, const char *field);
int status_errmsg(int code, const char *field, const char *message);
void status_clear(void);
/* Names another field for the error already set, keeping its message and Retry-After:
 * re-wrapping a callee's error keeps what it said (e.g. "code" becomes "sms_code"). */
void status_set_field(const char *field);
/* Seconds before the caller may try again (429, 423), set after status_err*()
 * and cleared by the next one; 0 when none. The gateway sends it as Retry-After. */
void status_set_retry_after(int seconds);
int status_retry_after(void);
/* "" when no field was named. */
const char *status_field(void);
/* The override given to status_errmsg(), else the registry's message for code. */
const char *status_text(int code);

#endif
