/* Unit tests of redis.c: URL parsing, which commands may be resent, and a silent
 * server seeing a non-idempotent command once; commands against a real server are
 * exercised by the services' API tests. */
#include "redis.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

static void test_redis_url_with_password_port_and_db(void **state)
{
	(void)state;
	char host[64], pw[64];
	int port, db;
	assert_int_equal(redis_url_parse("redis://:s3cret@127.0.0.1:6380/2", host, sizeof host,
	                                 &port, pw, sizeof pw, &db),
	                 0);
	assert_string_equal(host, "127.0.0.1");
	assert_string_equal(pw, "s3cret");
	assert_int_equal(port, 6380);
	assert_int_equal(db, 2);
}

static void test_redis_url_defaults_port_6379_and_db_0(void **state)
{
	(void)state;
	char host[64], pw[64];
	int port, db;
	assert_int_equal(
	        redis_url_parse("redis://cache", host, sizeof host, &port, pw, sizeof pw, &db), 0);
	assert_string_equal(host, "cache");
	assert_string_equal(pw, "");
	assert_int_equal(port, 6379);
	assert_int_equal(db, 0);
}

static void test_redis_url_rejects_other_schemes_and_bad_ports(void **state)
{
	(void)state;
	char host[64], pw[64];
	int port, db;
	assert_int_equal(redis_url_parse("http://x", host, sizeof host, &port, pw, sizeof pw, &db),
	                 -1);
	assert_int_equal(
	        redis_url_parse("redis://x:0", host, sizeof host, &port, pw, sizeof pw, &db), -1);
	assert_int_equal(
	        redis_url_parse("redis://x:70000", host, sizeof host, &port, pw, sizeof pw, &db),
	        -1);
	assert_int_equal(
	        redis_url_parse("redis://x:12a", host, sizeof host, &port, pw, sizeof pw, &db), -1);
	assert_int_equal(
	        redis_url_parse("redis://x/99", host, sizeof host, &port, pw, sizeof pw, &db), -1);
	assert_int_equal(redis_url_parse("redis://", host, sizeof host, &port, pw, sizeof pw, &db),
	                 -1);
}

/* Rule: only commands that change nothing may be sent again after a timeout. */
static void test_redis_only_reads_are_resendable(void **state)
{
	(void)state;
	const char *get[] = {"GET", "k"}, *ttl[] = {"ttl", "k"}, *incr[] = {"INCR", "k"};
	const char *setnx[] = {"SET", "k", "v", "NX"}, *del[] = {"DEL", "k"};
	const char *eval[] = {"EVAL", "return 1", "0"};
	const size_t getx_lens[] = {3, 1};
	const char *getx[] = {"GETEX", "k"};
	assert_int_equal(redis_cmd_resendable(2, get, NULL), 1);
	assert_int_equal(redis_cmd_resendable(2, ttl, NULL), 1);
	assert_int_equal(redis_cmd_resendable(2, incr, NULL), 0);
	assert_int_equal(redis_cmd_resendable(4, setnx, NULL), 0);
	assert_int_equal(redis_cmd_resendable(2, del, NULL), 0);
	assert_int_equal(redis_cmd_resendable(3, eval, NULL), 0);
	assert_int_equal(redis_cmd_resendable(0, NULL, NULL), 0);
	/* lens say where the name ends: "GET" of "GETEX". */
	assert_int_equal(redis_cmd_resendable(2, getx, getx_lens), 1);
	assert_int_equal(redis_cmd_resendable(2, getx, NULL), 0);
}

/* A server that accepts, reads, and never answers; counts a word in what it received. */
struct silent {
	int fd, stop;
	const char *word;
	int seen;
};

static void *silent_main(void *arg)
{
	struct silent *s = arg;
	int conns[8], nconns = 0;
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd p[9];
		int n = 0;
		p[n++] = (struct pollfd){.fd = s->fd, .events = POLLIN};
		for (int i = 0; i < nconns; i++)
			p[n++] = (struct pollfd){.fd = conns[i], .events = POLLIN};
		if (poll(p, (nfds_t)n, 20) <= 0)
			continue;
		if ((p[0].revents & POLLIN) && nconns < 8)
			conns[nconns++] = accept(s->fd, NULL, NULL);
		for (int i = 1; i < n; i++) {
			char buf[512];
			if (!(p[i].revents & POLLIN))
				continue;
			ssize_t got = read(p[i].fd, buf, sizeof buf - 1);
			if (got <= 0)
				continue;
			buf[got] = '\0';
			for (char *q = buf; (q = strstr(q, s->word)); q++)
				__atomic_add_fetch(&s->seen, 1, __ATOMIC_RELEASE);
		}
	}
	/* The client has closed every socket: take what is still queued, up to each EOF. */
	int fl = fcntl(s->fd, F_GETFL);
	fcntl(s->fd, F_SETFL, fl | O_NONBLOCK);
	int fd;
	while (nconns < 8 && (fd = accept(s->fd, NULL, NULL)) >= 0)
		conns[nconns++] = fd;
	for (int i = 0; i < nconns; i++) {
		char buf[512];
		ssize_t got;
		while ((got = read(conns[i], buf, sizeof buf - 1)) > 0) {
			buf[got] = '\0';
			for (char *q = buf; (q = strstr(q, s->word)); q++)
				s->seen++;
		}
		close(conns[i]);
	}
	return NULL;
}

static int silent_count(const char *cmd, const char *word)
{
	struct silent s = {.word = word};
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	s.fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s.fd >= 0);
	assert_int_equal(bind(s.fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(s.fd, 8), 0);
	assert_int_equal(getsockname(s.fd, (struct sockaddr *)&a, &al), 0);
	pthread_t t;
	pthread_create(&t, NULL, silent_main, &s);
	char url[64];
	snprintf(url, sizeof url, "redis://127.0.0.1:%d/0", ntohs(a.sin_port));
	redis_conn *c = redis_open(url, 100);
	assert_non_null(c);
	const char *argv[] = {cmd, "k"};
	assert_null(redis_cmd(c, 2, argv, NULL));
	redis_close(c);
	/* Closing the client's socket ended its bytes; the server has read what it will. */
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	close(s.fd);
	return __atomic_load_n(&s.seen, __ATOMIC_ACQUIRE);
}

/* Rule: an INCR that timed out is not sent again (the server may have counted it);
 * a GET is. */
static void test_redis_timed_out_incr_is_not_resent(void **state)
{
	(void)state;
	assert_int_equal(silent_count("INCR", "INCR"), 1);
	assert_int_equal(silent_count("GET", "GET"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_redis_url_with_password_port_and_db),
	        cmocka_unit_test(test_redis_url_defaults_port_6379_and_db_0),
	        cmocka_unit_test(test_redis_url_rejects_other_schemes_and_bad_ports),
	        cmocka_unit_test(test_redis_only_reads_are_resendable),
	        cmocka_unit_test(test_redis_timed_out_incr_is_not_resent),
	};
	return cmocka_run_group_tests_name("redis", tests, NULL, NULL);
}
