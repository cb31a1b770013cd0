/* SMS codes are notify's: accounts asks it over the bus to send and to check them. */
#include "accounts.h"

#include "notify.pb-c.h"
#include "status.h"

#include <stdio.h>

/* The longest a call to notify may take, and the least worth trying. */
#define SMS_CALL_MAX_MS 3000
#define SMS_CALL_MIN_MS 200

/*
 * Keeps notify's code, message and Retry-After but names the caller's field: notify
 * knows the code as "code", the person typed it into e.g. "sms_code". Server-side
 * failures (bus down, timeout) name no field.
 */
static int sms_rename_field(int rv, const char *field)
{
	status_set_field(status_http(rv) < 500 ? field : NULL);
	return rv;
}

int accounts_sms_verify(svc_ctx *ctx, const char *phone, const char *purpose, const char *code,
                        int consume, const char *field)
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	Notify__VerifySmsCodeRequest req = NOTIFY__VERIFY_SMS_CODE_REQUEST__INIT;
	ProtobufCMessage *out = NULL;
	if (!code || !*code)
		return status_err(ST_FIELD_REQUIRED, field);
	if (!app->notify)
		return status_err(ST_UNAVAILABLE, NULL);
	req.phone = (char *)phone;
	req.purpose = (char *)purpose;
	req.code = (char *)code;
	req.has_consume = 1;
	req.consume = consume != 0;
	int rv = bus_call(app->notify, "VerifySmsCode", ctx->caller,
	                  bus_call_timeout_ms(ctx->deadline_ms, SMS_CALL_MIN_MS, SMS_CALL_MAX_MS),
	                  &req.base, &notify__verify_sms_code_response__descriptor, ctx->arena,
	                  &out);
	if (rv == ST_OK || rv == ST_CREATED)
		return ST_OK;
	return sms_rename_field(rv, field);
}

int accounts_sms_issue(svc_ctx *ctx, const char *phone, const char *purpose)
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	Notify__IssueSmsCodeRequest req = NOTIFY__ISSUE_SMS_CODE_REQUEST__INIT;
	ProtobufCMessage *out = NULL;
	if (!app->notify)
		return status_err(ST_UNAVAILABLE, NULL);
	req.phone = (char *)phone;
	req.purpose = (char *)purpose;
	int rv =
	        bus_call(app->notify, "IssueSmsCode", ctx->caller,
	                 bus_call_timeout_ms(ctx->deadline_ms, SMS_CALL_MIN_MS, SMS_CALL_MAX_MS),
	                 &req.base, &notify__issue_sms_code_response__descriptor, ctx->arena, &out);
	/* notify's status as it came: its field names the request's own fields. */
	return rv == ST_OK || rv == ST_CREATED ? ST_OK : rv;
}
