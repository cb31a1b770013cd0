/* Unit tests of httpc: whole exchanges with a small HTTP/1.1 server run by the test on a thread,
 * on 127.0.0.1 and an ephemeral port, answering as each test tells it (or not at all). */
#include "httpc.h"

#include "status.h"
#include "stub_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

/* ---- the server ------------------------------------------------------------------------- */

enum answer {
	ANSWER_AS_TOLD, /* status line, extra header lines and body of the test */
	ANSWER_NEVER,   /* read the request, then hold the connection until the client hangs up */
	ANSWER_STREAM,  /* 200 without Content-Length: stream_len bytes, then close */
};

struct server {
	stub_http *stub;
	int port;
	char base[64];   /* http://127.0.0.1:<port> */
	atomic_int stop; /* ends a silent answer's wait */
	atomic_int requests;
	/* what to answer (set before the exchange) */
	enum answer answer;
	const char *status_line; /* "HTTP/1.1 200 OK" */
	const char *headers;     /* extra header lines, each ending in \r\n; may be NULL */
	const char *body;
	size_t stream_len;
	/* the last request (written by the server thread before it answers) */
	pthread_mutex_t lock;
	char method[16], target[256];
	char head[8192]; /* the header lines, after the request line */
	char *req_body;
	size_t req_body_len;
};

static void send_all(int c, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(c, p, n, MSG_NOSIGNAL); /* the client may hang up first */
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* The value of header name in head ("" when absent) into out. */
static void head_value(const char *head, const char *name, char *out, size_t outlen)
{
	size_t k = strlen(name);
	out[0] = '\0';
	for (const char *l = head; l && *l; l = strstr(l, "\r\n"), l = l ? l + 2 : NULL) {
		if (strncasecmp(l, name, k) == 0 && l[k] == ':') {
			const char *v = l + k + 1;
			while (*v == ' ')
				v++;
			snprintf(out, outlen, "%.*s", (int)strcspn(v, "\r"), v);
			return;
		}
	}
}

static void serve_one(struct server *s, int c)
{
	static char buf[1 << 16];
	size_t n = 0;
	char *end = NULL, clen[32];
	while (!end) {
		if (n == sizeof buf - 1)
			return;
		ssize_t got = read(c, buf + n, sizeof buf - 1 - n);
		if (got <= 0)
			return;
		n += (size_t)got;
		buf[n] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	end[2] = '\0'; /* the head keeps its last line's CRLF */
	const char *head = strstr(buf, "\r\n") + 2;
	head_value(head, "Content-Length", clen, sizeof clen);
	size_t want = clen[0] ? strtoul(clen, NULL, 10) : 0, got = n - (size_t)(end + 4 - buf);
	if (want > (16u << 20))
		return;
	char *body = malloc(want + 1);
	memcpy(body, end + 4, got < want ? got : want);
	for (got = got < want ? got : want; got < want;) {
		ssize_t r = read(c, body + got, want - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	body[got] = '\0';
	pthread_mutex_lock(&s->lock);
	sscanf(buf, "%15s %255s", s->method, s->target);
	snprintf(s->head, sizeof s->head, "%s", head);
	free(s->req_body);
	s->req_body = body;
	s->req_body_len = got;
	pthread_mutex_unlock(&s->lock);
	atomic_fetch_add(&s->requests, 1);

	if (s->answer == ANSWER_NEVER) {
		while (!atomic_load(&s->stop)) {
			struct pollfd pfd = {.fd = c, .events = POLLIN};
			if (poll(&pfd, 1, 20) > 0 && read(c, buf, sizeof buf) <= 0)
				break;
		}
	} else if (s->answer == ANSWER_STREAM) {
		static const char h[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
		char chunk[4096];
		memset(chunk, 'x', sizeof chunk);
		send_all(c, h, sizeof h - 1);
		for (size_t left = s->stream_len; left > 0;) {
			size_t k = left < sizeof chunk ? left : sizeof chunk;
			send_all(c, chunk, k);
			left -= k;
		}
	} else {
		char out[1024];
		int h = snprintf(out, sizeof out,
		                 "%s\r\n%sContent-Length: %zu\r\nConnection: close\r\n\r\n",
		                 s->status_line, s->headers ? s->headers : "", strlen(s->body));
		send_all(c, out, (size_t)h);
		send_all(c, s->body, strlen(s->body));
	}
}

/* The stub server's callback: one connection. */
static void serve_conn(int c, void *arg) { serve_one(arg, c); }

static int server_start(void **state)
{
	struct server *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	pthread_mutex_init(&s->lock, NULL);
	s->status_line = "HTTP/1.1 200 OK";
	s->body = "";
	if (!(s->stub = stub_http_start(serve_conn, s, &s->port)))
		return -1;
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
	*state = s;
	return 0;
}

static int server_stop(void **state)
{
	struct server *s = *state;
	atomic_store(&s->stop, 1);
	stub_http_stop(s->stub);
	pthread_mutex_destroy(&s->lock);
	free(s->req_body);
	free(s);
	return 0;
}

/* The server's base URL + path, in a static buffer. */
static const char *url_of(const struct server *s, const char *path)
{
	static char url[320];
	snprintf(url, sizeof url, "%s%s", s->base, path);
	return url;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

/* ---- answers --------------------------------------------------------------------------- */

static void test_get_200_with_body(void **state)
{
	struct server *s = *state;
	s->body = "{\"code\":\"0000\"}";
	httpc_request rq = {.method = "GET",
	                    .url = url_of(s, "/enterprises?uscc=1&page=1"),
	                    .timeout_ms = 2000,
	                    .max_body = 1024};
	httpc_response r;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"code\":\"0000\"}");
	assert_int_equal(r.body_len, strlen("{\"code\":\"0000\"}"));
	assert_string_equal(r.error, "");
	assert_null(r.values);
	assert_int_equal(r.nvalues, 0);
	pthread_mutex_lock(&s->lock);
	assert_string_equal(s->method, "GET");
	assert_string_equal(s->target, "/enterprises?uscc=1&page=1");
	assert_int_equal(s->req_body_len, 0);
	pthread_mutex_unlock(&s->lock);
	httpc_response_free(&r);
	assert_null(r.body);
	httpc_response_free(&r); /* twice is harmless */
}

static void test_an_error_status_is_an_answer(void **state)
{
	struct server *s = *state;
	s->status_line = "HTTP/1.1 500 Internal Server Error";
	s->body = "{\"code\":\"9999\"}";
	httpc_request rq = {
	        .method = "GET", .url = url_of(s, "/"), .timeout_ms = 2000, .max_body = 64};
	httpc_response r;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_OK);
	assert_int_equal(r.status, 500);
	assert_string_equal(r.body, "{\"code\":\"9999\"}");
	httpc_response_free(&r);
}

static void test_an_empty_body_is_an_empty_string(void **state)
{
	struct server *s = *state;
	s->status_line = "HTTP/1.1 204 No Content";
	s->body = "";
	httpc_request rq = {
	        .method = "GET", .url = url_of(s, "/"), .timeout_ms = 2000, .max_body = 64};
	httpc_response r;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_OK);
	assert_int_equal(r.status, 204);
	assert_non_null(r.body);
	assert_string_equal(r.body, "");
	assert_int_equal(r.body_len, 0);
	/* the caller may take the body */
	char *taken = r.body;
	r.body = NULL;
	httpc_response_free(&r);
	free(taken);
}

/* ---- what is sent ---------------------------------------------------------------------- */

static void test_post_sends_body_headers_and_content_type(void **state)
{
	struct server *s = *state;
	s->body = "{}";
	/* 1.5 MiB with a NUL inside: sent by length, and past the size (1 MiB in libcurl 7.88)
	 * libcurl would send "Expect: 100-continue" for and wait for an answer to */
	static char body[3 << 19];
	for (size_t i = 0; i < sizeof body; i++)
		body[i] = (char)('a' + i % 26);
	body[10] = '\0';
	const char *const headers[] = {"X-Test-One: first", "X-Test-Two: second value", "Accept:"};
	httpc_request rq = {.method = "POST",
	                    .url = url_of(s, "/bank4"),
	                    .headers = headers,
	                    .nheaders = 3,
	                    .content_type = "application/json; charset=utf-8",
	                    .body = body,
	                    .body_len = sizeof body,
	                    .timeout_ms = 2000,
	                    .max_body = 64};
	httpc_response r;
	char v[128];
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_OK);
	assert_int_equal(r.status, 200);
	httpc_response_free(&r);
	pthread_mutex_lock(&s->lock);
	assert_string_equal(s->method, "POST");
	assert_string_equal(s->target, "/bank4");
	assert_int_equal(s->req_body_len, sizeof body);
	assert_memory_equal(s->req_body, body, sizeof body);
	head_value(s->head, "X-Test-One", v, sizeof v);
	assert_string_equal(v, "first");
	head_value(s->head, "X-Test-Two", v, sizeof v);
	assert_string_equal(v, "second value");
	head_value(s->head, "Content-Type", v, sizeof v);
	assert_string_equal(v, "application/json; charset=utf-8");
	head_value(s->head, "Content-Length", v, sizeof v);
	assert_int_equal(strtoul(v, NULL, 10), sizeof body);
	assert_null(strcasestr(s->head, "Expect:"));
	assert_null(strcasestr(s->head, "Accept:")); /* "Accept:" removed libcurl's own */
	pthread_mutex_unlock(&s->lock);
}

static void test_post_without_body_or_content_type(void **state)
{
	struct server *s = *state;
	s->body = "ok";
	httpc_request rq = {
	        .method = "POST", .url = url_of(s, "/x"), .timeout_ms = 2000, .max_body = 64};
	httpc_response r;
	char v[64];
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_OK);
	assert_string_equal(r.body, "ok");
	httpc_response_free(&r);
	pthread_mutex_lock(&s->lock);
	assert_string_equal(s->method, "POST");
	head_value(s->head, "Content-Length", v, sizeof v);
	assert_string_equal(v, "0");
	assert_int_equal(s->req_body_len, 0);
	pthread_mutex_unlock(&s->lock);
}

/* ---- response headers -------------------------------------------------------------------- */

static void test_wanted_response_headers_are_picked(void **state)
{
	struct server *s = *state;
	s->headers = "X-KYC-Timestamp:  1700000000 \r\n"
	             "x-kyc-signature: \tabc123\r\n"
	             "X-Repeated: one\r\n"
	             "X-Repeated: two\r\n"
	             "X-Empty:\r\n";
	s->body = "{}";
	const char *const want[] = {"X-KYC-Timestamp", "X-KYC-Signature", "X-Repeated",
	                            "X-Empty",         "X-Absent",        "X-KYC"};
	httpc_request rq = {.method = "GET",
	                    .url = url_of(s, "/"),
	                    .timeout_ms = 2000,
	                    .max_body = 64,
	                    .want = want,
	                    .nwant = 6};
	httpc_response r;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_OK);
	assert_int_equal(r.nvalues, 6);
	assert_string_equal(r.values[0], "1700000000");
	assert_string_equal(r.values[1], "abc123");
	assert_string_equal(r.values[2], "two");
	assert_string_equal(r.values[3], "");
	assert_null(r.values[4]);
	assert_null(r.values[5]); /* a prefix of a name is not the name */
	httpc_response_free(&r);
	assert_null(r.values);
	assert_int_equal(r.nvalues, 0);
}

static void test_only_the_final_answer_headers_count(void **state)
{
	struct server *s = *state;
	/* an interim 1xx answer before the final one, each with X-Sig */
	s->status_line = "HTTP/1.1 102 Processing\r\nX-Sig: interim\r\nX-Only-Interim: 1\r\n\r\n"
	                 "HTTP/1.1 200 OK";
	s->headers = "X-Sig: final\r\n";
	s->body = "done";
	const char *const want[] = {"X-Sig", "X-Only-Interim"};
	httpc_request rq = {.method = "GET",
	                    .url = url_of(s, "/"),
	                    .timeout_ms = 2000,
	                    .max_body = 64,
	                    .want = want,
	                    .nwant = 2};
	httpc_response r;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "done");
	assert_string_equal(r.values[0], "final");
	assert_null(r.values[1]);
	httpc_response_free(&r);
}

/* ---- failures --------------------------------------------------------------------------- */

static void test_a_silent_server_times_out(void **state)
{
	struct server *s = *state;
	struct timespec t0;
	s->answer = ANSWER_NEVER;
	httpc_request rq = {.method = "POST",
	                    .url = url_of(s, "/slow"),
	                    .body = "{}",
	                    .body_len = 2,
	                    .timeout_ms = 200,
	                    .max_body = 64};
	httpc_response r;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_TIMEOUT);
	long took = ms_since(&t0);
	assert_true(took >= 190 && took < 2000);
	assert_int_equal(r.status, 0);
	assert_null(r.body);
	assert_null(r.values);
	assert_true(r.error[0] != '\0');
	assert_int_equal(atomic_load(&s->requests), 1); /* it did arrive */
	httpc_response_free(&r);
}

static void test_nothing_listening_is_a_connection_failure(void **state)
{
	(void)state;
	/* a port nobody listens on: bind one, note it, close it */
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(a.sin_port));
	const char *const want[] = {"X-Sig"};
	httpc_request rq = {.method = "GET",
	                    .url = url,
	                    .timeout_ms = 1000,
	                    .connect_timeout_ms = 500,
	                    .max_body = 64,
	                    .want = want,
	                    .nwant = 1};
	httpc_response r;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_CONNECT);
	assert_int_equal(r.status, 0);
	assert_null(r.body);
	assert_null(r.values);
	assert_true(r.error[0] != '\0');
}

static void test_a_declared_oversized_body_is_too_large(void **state)
{
	struct server *s = *state;
	static char big[1025];
	memset(big, 'y', sizeof big - 1);
	s->body = big; /* Content-Length: 1024 */
	httpc_request rq = {
	        .method = "GET", .url = url_of(s, "/"), .timeout_ms = 2000, .max_body = 1023};
	httpc_response r;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_TOO_LARGE);
	assert_string_equal(r.error, "response too large");
	assert_null(r.body);
	assert_int_equal(r.status, 0);
	/* exactly at the cap is fine */
	rq.max_body = 1024;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_OK);
	assert_int_equal(r.body_len, 1024);
	assert_int_equal(strlen(r.body), 1024);
	httpc_response_free(&r);
}

static void test_a_streamed_oversized_body_is_too_large(void **state)
{
	struct server *s = *state;
	s->answer = ANSWER_STREAM; /* no Content-Length: only counting can tell */
	s->stream_len = 300 * 1024;
	httpc_request rq = {.method = "GET",
	                    .url = url_of(s, "/huge"),
	                    .timeout_ms = 5000,
	                    .max_body = 256 * 1024};
	httpc_response r;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_TOO_LARGE);
	assert_string_equal(r.error, "response too large");
	assert_null(r.body);
	/* at the cap */
	s->stream_len = 256 * 1024;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_OK);
	assert_int_equal(r.body_len, 256 * 1024);
	assert_int_equal(r.body[0], 'x');
	assert_int_equal(r.body[r.body_len], '\0');
	httpc_response_free(&r);
}

static void test_other_schemes_are_refused(void **state)
{
	(void)state;
	httpc_request rq = {.method = "GET",
	                    .url = "file:///etc/passwd",
	                    .timeout_ms = 1000,
	                    .max_body = 1 << 20};
	httpc_response r;
	assert_int_equal(httpc_exchange(&rq, &r), HTTPC_ERROR);
	assert_null(r.body);
	assert_true(r.error[0] != '\0');
}

static void test_invalid_requests_are_refused_without_io(void **state)
{
	struct server *s = *state;
	const char *const crlf[] = {"X-Evil: a\r\nX-Injected: b"};
	const char *const noname[] = {"no colon here"};
	const char *const badwant[] = {"X-A:"};
	const httpc_request ok = {
	        .method = "GET", .url = url_of(s, "/"), .timeout_ms = 1000, .max_body = 64};
	httpc_request bad[10];
	for (size_t i = 0; i < 10; i++)
		bad[i] = ok;
	bad[0].method = "PUT";
	bad[1].body = "x"; /* a GET with a body */
	bad[1].body_len = 1;
	bad[2].content_type = "text/plain"; /* a GET with a content type */
	bad[3].timeout_ms = 0;
	bad[4].max_body = 0;
	bad[5].headers = crlf;
	bad[5].nheaders = 1;
	bad[6].headers = noname;
	bad[6].nheaders = 1;
	bad[7].want = badwant;
	bad[7].nwant = 1;
	bad[8].url = NULL;
	bad[9].method = "POST";
	bad[9].content_type = "text/plain\r\nX-Injected: b";
	httpc_response r;
	for (size_t i = 0; i < 10; i++) {
		assert_int_equal(httpc_exchange(&bad[i], &r), HTTPC_ERROR);
		assert_string_equal(r.error, "invalid request");
		assert_null(r.body);
	}
	assert_int_equal(httpc_exchange(NULL, &r), HTTPC_ERROR);
	assert_int_equal(atomic_load(&s->requests), 0);
	/* and the valid one goes through */
	assert_int_equal(httpc_exchange(&ok, &r), HTTPC_OK);
	assert_int_equal(atomic_load(&s->requests), 1);
	httpc_response_free(&r);
}

/* ---- threads -------------------------------------------------------------------------------- */

struct worker {
	const char *url;
	int ok;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	const char *const want[] = {"X-Sig"};
	httpc_request rq = {.method = "GET",
	                    .url = w->url,
	                    .timeout_ms = 5000,
	                    .max_body = 64,
	                    .want = want,
	                    .nwant = 1};
	for (int i = 0; i < 10; i++) {
		httpc_response r;
		if (httpc_exchange(&rq, &r) == HTTPC_OK && r.status == 200 &&
		    strcmp(r.body, "same") == 0 && r.values[0] && strcmp(r.values[0], "s") == 0)
			w->ok++;
		httpc_response_free(&r);
	}
	return NULL;
}

static void test_exchanges_run_on_several_threads(void **state)
{
	struct server *s = *state;
	struct worker w[4];
	pthread_t t[4];
	char url[96];
	s->headers = "X-Sig: s\r\n";
	s->body = "same";
	snprintf(url, sizeof url, "%s/", s->base);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){.url = url};
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].ok, 10);
	}
	assert_int_equal(atomic_load(&s->requests), 40);
}

int main(void)
{
#define WITH_SERVER(t) cmocka_unit_test_setup_teardown(t, server_start, server_stop)
	const struct CMUnitTest tests[] = {
	        WITH_SERVER(test_get_200_with_body),
	        WITH_SERVER(test_an_error_status_is_an_answer),
	        WITH_SERVER(test_an_empty_body_is_an_empty_string),
	        WITH_SERVER(test_post_sends_body_headers_and_content_type),
	        WITH_SERVER(test_post_without_body_or_content_type),
	        WITH_SERVER(test_wanted_response_headers_are_picked),
	        WITH_SERVER(test_only_the_final_answer_headers_count),
	        WITH_SERVER(test_a_silent_server_times_out),
	        cmocka_unit_test(test_nothing_listening_is_a_connection_failure),
	        WITH_SERVER(test_a_declared_oversized_body_is_too_large),
	        WITH_SERVER(test_a_streamed_oversized_body_is_too_large),
	        cmocka_unit_test(test_other_schemes_are_refused),
	        WITH_SERVER(test_invalid_requests_are_refused_without_io),
	        WITH_SERVER(test_exchanges_run_on_several_threads),
	};
	if (httpc_global_init() != ST_OK)
		return 1;
	int rv = cmocka_run_group_tests(tests, NULL, NULL);
	httpc_global_cleanup();
	return rv;
}
