/* Lookups into the status registry (status.def). */
#include "status.h"

#include <stddef.h>
#include <string.h>

struct status_row {
	int num;
	int http;
	const char *code;
	const char *msg;
};

static const struct status_row status_rows[] = {
#define X(sym, num, http, code, msg) {num, http, code, msg},
#include "status.def"
#undef X
};

static const struct status_row *status_find(int num)
{
	for (size_t i = 0; i < sizeof status_rows / sizeof status_rows[0]; i++)
		if (status_rows[i].num == num)
			return &status_rows[i];
	return NULL;
}

int status_known(int code) { return status_find(code) != NULL; }

int status_http(int code)
{
	const struct status_row *r = status_find(code);
	return r ? r->http : 500;
}

const char *status_code_name(int code)
{
	const struct status_row *r = status_find(code);
	return r ? r->code : "INTERNAL_ERROR";
}

const char *status_message(int code)
{
	const struct status_row *r = status_find(code);
	return r ? r->msg : "系统繁忙，请稍后再试";
}

static _Thread_local char status_tl_field[128];
static _Thread_local char status_tl_message[256];
static _Thread_local int status_tl_retry_after;

static void status_copy(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strnlen(src, cap - 1) : 0;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

int status_errmsg(int code, const char *field, const char *message)
{
	status_copy(status_tl_field, sizeof status_tl_field, field);
	status_copy(status_tl_message, sizeof status_tl_message, message);
	status_tl_retry_after = 0;
	return code;
}

int status_err(int code, const char *field) { return status_errmsg(code, field, NULL); }

void status_clear(void)
{
	status_tl_field[0] = '\0';
	status_tl_message[0] = '\0';
	status_tl_retry_after = 0;
}

void status_set_field(const char *field)
{
	status_copy(status_tl_field, sizeof status_tl_field, field);
}

void status_set_retry_after(int seconds) { status_tl_retry_after = seconds > 0 ? seconds : 0; }

int status_retry_after(void) { return status_tl_retry_after; }

const char *status_field(void) { return status_tl_field; }

const char *status_text(int code)
{
	return status_tl_message[0] ? status_tl_message : status_message(code);
}
