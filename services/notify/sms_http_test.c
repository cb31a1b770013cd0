/* Unit tests of the HTTP SMS provider: the signature, and whole exchanges with a
 * one-connection server on 127.0.0.1 (accepted, refused, failed, silent). */
#include "sms_provider.h"
#include "stub_http.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

/* Computed independently (Python: hmac, hashlib, urllib.parse.quote(safe='-_.~')). */
static void test_signature_matches_an_independent_computation(void **state)
{
	(void)state;
	const notify_sms_param p[] = {
	        {"Timestamp", "2024-01-31T02:30:00Z"},
	        {"AccessKeyId", "testid"},
	        {"Action", "SendSms"},
	        {"PhoneNumbers", "13800138000"},
	        {"SignName", "中小企业金融服务平台"},
	        {"TemplateCode", "SMS_CODE_LOGIN"},
	        {"TemplateParam", "{\"code\":\"123456\"}"},
	        {"SignatureNonce", "abc-_.~ *"},
	};
	char sig[64];
	assert_int_equal(
	        notify_sms_http_signature(p, sizeof p / sizeof p[0], "testsecret", sig, sizeof sig),
	        0);
	assert_string_equal(sig, "btN0wdmzT0QvuuDzVxru6MVZ+kZ3/RQS+SK805CreQM=");
	char small[20];
	assert_int_equal(notify_sms_http_signature(p, 1, "testsecret", small, sizeof small), -1);
}

/* ---- a server for one exchange ------------------------------------------------------ */

struct fake {
	stub_http *stub;
	int port;
	const char *status_line; /* NULL: read the request and never answer */
	const char *body;
	char request_body[4096];
};

/* One exchange on connection c (the stub server's callback). */
static void fake_serve(int c, void *arg)
{
	struct fake *f = arg;
	char buf[8192];
	size_t n = 0;
	ssize_t got;
	char *end = NULL;
	while (n < sizeof buf - 1 && (got = read(c, buf + n, sizeof buf - 1 - n)) > 0) {
		n += (size_t)got;
		buf[n] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (!end)
			continue;
		const char *cl = strcasestr(buf, "Content-Length:");
		size_t want = cl ? strtoul(cl + 15, NULL, 10) : 0;
		if (n - (size_t)(end + 4 - buf) >= want)
			break;
	}
	if (end)
		snprintf(f->request_body, sizeof f->request_body, "%s", end + 4);
	if (f->status_line) {
		char resp[1024];
		int len = snprintf(resp, sizeof resp,
		                   "%s\r\nContent-Type: application/json\r\nContent-Length: "
		                   "%zu\r\nConnection: close\r\n\r\n%s",
		                   f->status_line, strlen(f->body), f->body);
		if (write(c, resp, (size_t)len) < 0)
			perror("write");
	} else {
		/* Silent: hold the connection until the client gives up. */
		while (read(c, buf, sizeof buf) > 0)
			;
	}
}

static void fake_start(struct fake *f, const char *status_line, const char *body)
{
	f->status_line = status_line;
	f->body = body;
	f->stub = stub_http_start(fake_serve, f, &f->port);
	assert_non_null(f->stub);
}

static void fake_stop(struct fake *f) { stub_http_stop(f->stub); }

static int send_to(int port, long timeout_ms)
{
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	notify_sms_http_config cfg = {.url = url,
	                              .key_id = "testid",
	                              .secret = "testsecret",
	                              .sign_name = "测试平台",
	                              .timeout_ms = timeout_ms};
	notify_sms_provider *p = notify_sms_http_new("primary", &cfg);
	const notify_sms_param params[] = {{"code", "042917"}};
	notify_sms_msg m = {.phone = "13800138000",
	                    .purpose = "login",
	                    .text = "【测试平台】您的验证码为042917",
	                    .template_id = "SMS_CODE_LOGIN",
	                    .params = params,
	                    .nparams = 1,
	                    .delivery_id = "0b6f2c1e-5d7a-4c1b-9a3e-2f4d6b8c0a11"};
	int rv = p->send(p, &m, "test");
	p->free(p);
	return rv;
}

static void test_an_accepted_message_is_sent_signed(void **state)
{
	(void)state;
	struct fake f = {0};
	fake_start(&f, "HTTP/1.1 200 OK",
	           "{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"1\",\"RequestId\":\"r\"}");
	assert_int_equal(send_to(f.port, 3000), 0);
	fake_stop(&f);

	/* What arrived: the fields of the API, and a signature the secret reproduces. */
	json_t *req = json_loads(f.request_body, 0, NULL);
	assert_non_null(req);
	assert_string_equal(json_string_value(json_object_get(req, "PhoneNumbers")), "13800138000");
	assert_string_equal(json_string_value(json_object_get(req, "SignName")), "测试平台");
	assert_string_equal(json_string_value(json_object_get(req, "TemplateCode")),
	                    "SMS_CODE_LOGIN");
	assert_string_equal(json_string_value(json_object_get(req, "TemplateParam")),
	                    "{\"code\":\"042917\"}");
	assert_string_equal(json_string_value(json_object_get(req, "AccessKeyId")), "testid");
	/* the delivery id as OutId, which the provider's delivery reports name (issue 20) */
	assert_string_equal(json_string_value(json_object_get(req, "OutId")),
	                    "0b6f2c1e-5d7a-4c1b-9a3e-2f4d6b8c0a11");
	assert_non_null(json_string_value(json_object_get(req, "SignatureNonce")));
	assert_non_null(json_string_value(json_object_get(req, "Timestamp")));
	notify_sms_param p[32];
	size_t n = 0;
	const char *k;
	json_t *v;
	json_object_foreach(req, k, v)
	{
		if (strcmp(k, "Signature") != 0 && n < 32)
			p[n++] = (notify_sms_param){k, json_string_value(v)};
	}
	char sig[64];
	assert_int_equal(notify_sms_http_signature(p, n, "testsecret", sig, sizeof sig), 0);
	assert_string_equal(json_string_value(json_object_get(req, "Signature")), sig);
	json_decref(req);
}

static void test_a_refusal_by_code_is_a_failure(void **state)
{
	(void)state;
	struct fake f = {0};
	fake_start(&f, "HTTP/1.1 200 OK",
	           "{\"Code\":\"isv.BUSINESS_LIMIT_CONTROL\",\"Message\":\"触发分钟级流控\"}");
	assert_int_equal(send_to(f.port, 3000), -1);
	fake_stop(&f);
}

static void test_an_http_error_or_garbage_is_a_failure(void **state)
{
	(void)state;
	struct fake f = {0};
	fake_start(&f, "HTTP/1.1 500 Internal Server Error", "{\"Code\":\"OK\"}");
	assert_int_equal(send_to(f.port, 3000), -1);
	fake_stop(&f);
	struct fake g = {0};
	fake_start(&g, "HTTP/1.1 200 OK", "<html>maintenance</html>");
	assert_int_equal(send_to(g.port, 3000), -1);
	fake_stop(&g);
}

static void test_a_silent_server_times_out(void **state)
{
	(void)state;
	struct fake f = {0};
	fake_start(&f, NULL, NULL);
	assert_int_equal(send_to(f.port, 300), -1);
	fake_stop(&f);
}

static void test_nobody_listening_is_a_failure(void **state)
{
	(void)state;
	struct fake f = {0};
	fake_start(&f, "HTTP/1.1 200 OK", "{\"Code\":\"OK\"}");
	int port = f.port;
	/* Serve the one connection elsewhere, then close: the port is free again. */
	assert_int_equal(send_to(port, 3000), 0);
	fake_stop(&f);
	assert_int_equal(send_to(port, 1000), -1);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_signature_matches_an_independent_computation),
	        cmocka_unit_test(test_an_accepted_message_is_sent_signed),
	        cmocka_unit_test(test_a_refusal_by_code_is_a_failure),
	        cmocka_unit_test(test_an_http_error_or_garbage_is_a_failure),
	        cmocka_unit_test(test_a_silent_server_times_out),
	        cmocka_unit_test(test_nobody_listening_is_a_failure),
	};
	int rv = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rv;
}
