/* Unit tests of the SMTP mail provider against a one-connection fake SMTP server on
 * 127.0.0.1: a server that does not offer STARTTLS gets no login and no message. */
#include "mail_provider.h"
#include "sms_provider.h"
#include "stub_http.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

struct fake_smtp {
	char seen[4096]; /* every command the client sent */
	size_t n;
};

static void fake_write(int c, const char *s)
{
	if (write(c, s, strlen(s)) < 0)
		perror("write");
}

/* An SMTP server without STARTTLS: greets, answers EHLO, refuses the rest. */
static void fake_smtp_serve(int c, void *arg)
{
	struct fake_smtp *f = arg;
	char buf[1024];
	ssize_t got;
	fake_write(c, "220 fake ESMTP\r\n");
	while ((got = read(c, buf, sizeof buf - 1)) > 0) {
		buf[got] = '\0';
		if (f->n + (size_t)got < sizeof f->seen) {
			memcpy(f->seen + f->n, buf, (size_t)got);
			f->n += (size_t)got;
			f->seen[f->n] = '\0';
		}
		if (strncmp(buf, "EHLO", 4) == 0)
			fake_write(c, "250-fake\r\n250 AUTH PLAIN LOGIN\r\n");
		else if (strncmp(buf, "QUIT", 4) == 0) {
			fake_write(c, "221 bye\r\n");
			break;
		} else
			fake_write(c, "502 not here\r\n");
	}
}

/* The rule: STARTTLS is required (CURLUSESSL_ALL); without it the password and the
 * message never cross the wire in clear, and the send is a failure to retry. */
static void test_no_starttls_no_login_no_message(void **state)
{
	(void)state;
	struct fake_smtp f = {{0}, 0};
	int port = 0;
	stub_http *srv = stub_http_start(fake_smtp_serve, &f, &port);
	assert_non_null(srv);
	char url[64];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
	notify_mail_smtp_config cfg = {.url = url,
	                               .user = "mailer",
	                               .password = "s3cret",
	                               .from = "noreply@example.com",
	                               .timeout_ms = 3000};
	notify_mail_provider *p = notify_mail_smtp_new(&cfg);
	const unsigned char pdf[] = "%PDF-1.4";
	notify_mail_attachment att = {"发票.pdf", "application/pdf", pdf, sizeof pdf - 1};
	notify_mail_msg m = {.to = "someone@example.com",
	                     .subject = "电子发票",
	                     .text = "正文",
	                     .html = "<p>正文</p>",
	                     .attachments = &att,
	                     .nattachments = 1,
	                     .delivery_id = "test"};
	assert_int_not_equal(p->send(p, &m, "test"), 0);
	p->free(p);
	stub_http_stop(srv);
	assert_non_null(strstr(f.seen, "EHLO"));
	assert_null(strstr(f.seen, "AUTH"));
	assert_null(strstr(f.seen, "s3cret"));
	assert_null(strstr(f.seen, "MAIL FROM"));
	assert_null(strstr(f.seen, "RCPT"));
}

/* Nobody listening: a failure (to retry later), not a crash or a hang. */
static void test_nobody_listening_is_a_failure(void **state)
{
	(void)state;
	notify_mail_smtp_config cfg = {.url = "smtp://127.0.0.1:1",
	                               .user = "",
	                               .password = "",
	                               .from = "noreply@example.com",
	                               .timeout_ms = 2000};
	notify_mail_provider *p = notify_mail_smtp_new(&cfg);
	notify_mail_msg m = {.to = "a@example.com", .subject = "s", .text = "t"};
	assert_int_equal(p->send(p, &m, "test"), NOTIFY_SEND_FAILED);
	p->free(p);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_no_starttls_no_login_no_message),
	        cmocka_unit_test(test_nobody_listening_is_a_failure),
	};
	int rv = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rv;
}
