/*
 * SMS providers: one interface, chosen by SMS_PROVIDER (DOMAIN.md "External
 * providers"). `dev` appends what it would send to a local sink file that
 * development tools read (sms_dev.c); `http` calls an Aliyun-style SMS HTTP API
 * (sms_http.c). Both are thread-safe: workers share one provider.
 */
#ifndef NOTIFY_SMS_PROVIDER_H
#define NOTIFY_SMS_PROVIDER_H

#include <stddef.h>

typedef struct notify_sms_param {
	const char *name;
	const char *value;
} notify_sms_param;

/* One message to send; every string is the caller's and only read during send. */
typedef struct notify_sms_msg {
	const char *phone;              /* 11 digits, already validated */
	const char *purpose;            /* register, login, ... (the dev sink records it) */
	const char *text;               /* the whole text as the person reads it, sign included */
	const char *template_id;        /* the provider's template for text (TemplateCode) */
	const notify_sms_param *params; /* the template's variables, e.g. {"code", "123456"} */
	size_t nparams;
	const char *delivery_id; /* the queue's row (NULL for codes): sink and logs */
} notify_sms_msg;

typedef struct notify_sms_provider notify_sms_provider;

/* What a send answers besides 0 (accepted): the attempt's outcome in the queue. */
enum {
	NOTIFY_SEND_FAILED = -1,       /* refused or broken answer */
	NOTIFY_SEND_TIMEOUT = -2,      /* no answer in time */
	NOTIFY_SEND_RATE_LIMITED = -3, /* the provider throttles us */
};

/* SMS_PROVIDER's and SMS_SECONDARY_PROVIDER's values (none: the secondary only), in the order of
 * notify_sms_provider_names (NULL-terminated). */
enum { NOTIFY_SMS_DEV, NOTIFY_SMS_HTTP, NOTIFY_SMS_NONE };
extern const char *const notify_sms_provider_names[];

struct notify_sms_provider {
	const char *name; /* "primary", "secondary": its place, for the attempts recorded */
	/* 0 when the provider accepted the message, a NOTIFY_SEND_* failure otherwise
	 * (logged, phone masked).
	 * request_id (may be NULL) goes into the log lines. */
	int (*send)(notify_sms_provider *p, const notify_sms_msg *m, const char *request_id);
	/* Whether this provider already accepted the message sent with delivery_id as its
	 * out-id (OutId): 1 yes, 0 no, -1 cannot tell. Asked before a delivery whose sender
	 * died is sent again. NULL: the provider cannot tell. */
	int (*sent_before)(notify_sms_provider *p, const char *delivery_id);
	/* Frees the provider. */
	void (*free)(notify_sms_provider *p);
};

/* The development sandbox: one JSON line per message appended to path (directories
 * created as needed), with the provider's name and the delivery id (out-id). Before each
 * send it reads fault_path (if present): "fail", "timeout" or "rate_limit" make it behave
 * so, without writing; "slow_ack" accepts (writes) and answers 3 s later, the window in
 * which a killed sender leaves an accepted message unrecorded; SetDevSmsFault writes that
 * file (development mode only). sent_before looks the out-id up in the sink, as a real
 * provider's delivery report (Aliyun QuerySendDetails lists OutId) would. NULL when path cannot
 * be created (logged). */
notify_sms_provider *notify_sms_dev_new(const char *name, const char *path, const char *fault_path);

typedef struct notify_sms_http_config {
	const char *url;       /* SMS_HTTP_URL, http:// or https:// */
	const char *key_id;    /* SMS_HTTP_KEY_ID (AccessKeyId) */
	const char *secret;    /* SMS_HTTP_SECRET (signs each request) */
	const char *sign_name; /* SMS_SIGN_NAME (SignName) */
	long timeout_ms;       /* whole exchange; connecting gets at most half */
} notify_sms_http_config;

/* The HTTP provider named name; copies the configuration. Needs curl_global_init() done. */
notify_sms_provider *notify_sms_http_new(const char *name, const notify_sms_http_config *cfg);

/*
 * The request signature of the HTTP API (exported for tests): the parameters
 * sorted by name, each "enc(name)=enc(value)" joined by '&' (enc: RFC 3986
 * percent-encoding, only A-Z a-z 0-9 - _ . ~ left as is), string to sign
 * "POST&%2F&" + enc(that), then base64(HMAC-SHA256(key secret + "&", it)).
 * 0 with the base64 text in out (45 bytes suffice), -1 when it does not fit.
 */
int notify_sms_http_signature(const notify_sms_param *params, size_t n, const char *secret,
                              char *out, size_t outlen);

#endif
