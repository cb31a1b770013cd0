/*
 * The gateway's direct requests (services/gateway/README.md, "Direct requests") under
 * attack: a gateway of its own (BUS_AUTH off, GATEWAY_DEADLINE_MS 300) whose
 * GATEWAY_RPC_LISTEN this test's fake replicas of market dial, and a fake bus
 * (a REP listening on the bus front the gateway dials), so that the test holds both
 * ends. Every call is GET /api/v1/institutions (market's ListInstitutions, public).
 * Needs BIN_DIR and VAR_DIR; run by tests/run-all.sh.
 */
#include "bus.h"
#include "bus.pb-c.h"
#include "status.h"

#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define METHOD "ListInstitutions"
#define PATH   "/api/v1/institutions"

static struct {
	char dir[512], rpc_base[600], bus_base[600], direct_url[700], bus_front[700], log_path[600];
	int port;
	pid_t gw_pid;
	nng_socket bus; /* the fake bus: answers what the gateway sends through the bus */
} env;

static int gateway_start(const char *lsan_supp);
static int gateway_stop(void);

/* ---- HTTP -------------------------------------------------------------------- */

/* Sends GET path; the connected descriptor, or -1. */
static int http_send(const char *path)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)env.port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Bounds every read: a gateway that never answers fails the test, not hangs it. */
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	char req[512];
	int n = snprintf(req, sizeof req,
	                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads the whole response; its HTTP status (0: none came), the body in body. */
static int http_finish(int fd, char *body, size_t bodylen)
{
	static char buf[1 << 16];
	size_t len = 0;
	ssize_t n;
	if (fd < 0)
		return 0;
	while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	int status = 0;
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return 0;
	const char *b = strstr(buf, "\r\n\r\n");
	if (body)
		snprintf(body, bodylen, "%s", b ? b + 4 : "");
	return status;
}

static int http_get(const char *path, char *body, size_t bodylen)
{
	return http_finish(http_send(path), body, bodylen);
}

/* gateway_direct_replicas{service="market"} from /metrics; -1 when not there. */
static long direct_replicas(void)
{
	static char body[1 << 16];
	if (http_get("/metrics", body, sizeof body) != 200)
		return -1;
	const char *key = "gateway_direct_replicas{service=\"market\"} ";
	const char *p = strstr(body, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Polls the gauge until it is want (bounded: 10 s); the last value read. */
static long wait_replicas(long want)
{
	long v = -1;
	for (int k = 0; k < 500 && (v = direct_replicas()) != want; k++)
		usleep(20000);
	return v;
}

/* ---- fake replicas ------------------------------------------------------------ */

static nng_socket replica_open(void)
{
	nng_socket s;
	assert_int_equal(nng_rep0_open_raw(&s), 0);
	nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 5000);
	return s;
}

static nng_socket replica_connect(void)
{
	nng_socket s = replica_open();
	assert_int_equal(nng_dial(s, env.direct_url, NULL, 0), 0);
	return s;
}

static int call_answered_by(nng_socket replica);

/* The one replica of sock (already connected) is counted and answers a call; once it
 * has gone the count is back to 0. */
static void replica_serves_then_leaves(nng_socket sock)
{
	assert_int_equal(wait_replicas(1), 1);
	assert_int_equal(call_answered_by(sock), 200);
	nng_close(sock);
	assert_int_equal(wait_replicas(0), 0);
}

/* The body of a reply: a bus.Response with status code (0: none, i.e. OK). */
static void reply_set(nng_msg *m, int code)
{
	Bus__Status st = BUS__STATUS__INIT;
	Bus__Response r = BUS__RESPONSE__INIT;
	uint8_t buf[64];
	if (code) {
		st.has_code = 1;
		st.code = code;
		r.status = &st;
	}
	size_t n = bus__response__pack(&r, buf);
	nng_msg_clear(m);
	nng_msg_append(m, buf, n);
}

/* The next request for METHOD on s (its header is the way back); anything else the
 * gateway sends meanwhile (its health pings) is answered OK. NULL after 5 s. */
static nng_msg *replica_take(nng_socket s)
{
	nng_msg *m;
	while (nng_recvmsg(s, &m, 0) == 0) {
		Bus__Request *req = bus__request__unpack(NULL, nng_msg_len(m), nng_msg_body(m));
		int ours = req && req->method && strcmp(req->method, METHOD) == 0;
		bus__request__free_unpacked(req, NULL);
		if (ours)
			return m;
		reply_set(m, 0);
		if (nng_sendmsg(s, m, 0) != 0)
			nng_msg_free(m);
	}
	return NULL;
}

/* Drops whatever requests wait on s (left by a case that did not answer them). */
static void replica_drain(nng_socket s)
{
	nng_msg *m;
	while (nng_recvmsg(s, &m, NNG_FLAG_NONBLOCK) == 0)
		nng_msg_free(m);
}

/* One call answered OK by s: the HTTP status. Requests of calls that timed out may
 * still arrive first (their replies are dropped by the gateway), so every request
 * is answered until the HTTP response is there. */
static int call_answered_by(nng_socket s)
{
	int fd = http_send(PATH);
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	for (int k = 0; fd >= 0 && k < 20; k++) {
		nng_msg *m = replica_take(s);
		if (!m)
			break;
		reply_set(m, 0);
		if (nng_sendmsg(s, m, 0) != 0)
			nng_msg_free(m);
		if (poll(&pfd, 1, 200) == 1)
			break;
	}
	return http_finish(fd, NULL, 0);
}

/* A failed call's error is the deadline's (504), or "unavailable" (503) once the health
 * pings have marked the service down (server.c, gw_call_done). */
static void assert_deadline_class(int status, const char *body)
{
	assert_true(status == 504 || status == 503);
	assert_true(strstr(body, "DEADLINE_EXCEEDED") || strstr(body, "SERVICE_UNAVAILABLE"));
}

/* ---- cases -------------------------------------------------------------------- */

/* Rule: a reply the gateway cannot match to a call (no request id, a 1-byte message, an
 * unknown id) is dropped: that call ends in the deadline error, the gateway keeps
 * serving, and the next call is answered. */
static void test_an_unmatched_reply_is_dropped_and_the_gateway_keeps_serving(void **state)
{
	(void)state;
	char body[4096];
	for (int variant = 0; variant < 3; variant++) {
		nng_socket r = replica_connect();
		assert_int_equal(wait_replicas(1), 1);
		int fd = http_send(PATH);
		nng_msg *m = replica_take(r);
		assert_non_null(m);
		uint32_t pipe_id = 0, id = 0;
		assert_int_equal(nng_msg_header_trim_u32(m, &pipe_id), 0);
		assert_int_equal(nng_msg_header_trim_u32(m, &id), 0);
		nng_msg_header_clear(m);
		nng_msg_header_append_u32(m, pipe_id); /* raw REP: the pipe to answer on */
		if (variant == 0) {
			/* No request id: the body's first word is taken for one. */
			nng_msg_clear(m);
			nng_msg_append(m, "garbage, no header", 18);
		} else if (variant == 1) {
			nng_msg_clear(m);
			nng_msg_append(m, "x", 1);
		} else {
			nng_msg_header_append_u32(m, (id ^ 0x5a5au) | 0x80000000u);
			reply_set(m, 0);
		}
		if (nng_sendmsg(r, m, 0) != 0)
			nng_msg_free(m);
		assert_deadline_class(http_finish(fd, body, sizeof body), body);
		/* A garbled message makes nng drop the pipe; the replica dials again. */
		assert_int_equal(wait_replicas(1), 1);
		assert_int_equal(call_answered_by(r), 200);
		nng_close(r);
		assert_int_equal(wait_replicas(0), 0);
	}
}

/* Rule: a reply for a call that already timed out never answers a later call, even one
 * waiting on the same replica: the later call gets its own reply. */
static void test_a_late_reply_does_not_answer_the_next_call(void **state)
{
	(void)state;
	char body[4096];
	nng_socket r = replica_connect();
	assert_int_equal(wait_replicas(1), 1);
	int fd1 = http_send(PATH);
	nng_msg *late = replica_take(r);
	assert_non_null(late);
	assert_deadline_class(http_finish(fd1, body, sizeof body), body);
	int fd2 = http_send(PATH);
	nng_msg *m = replica_take(r);
	assert_non_null(m);
	/* The late reply first, and an error the second call must not show. */
	reply_set(late, ST_NOT_FOUND);
	assert_int_equal(nng_sendmsg(r, late, 0), 0);
	reply_set(m, 0);
	assert_int_equal(nng_sendmsg(r, m, 0), 0);
	assert_int_equal(http_finish(fd2, body, sizeof body), 200);
	nng_close(r);
	assert_int_equal(wait_replicas(0), 0);
}

/* Rule: a reply that is not a bus.Response (2 MiB of 0xff under the right id) is a clean
 * BAD_MESSAGE error, and the next call is answered. */
static void test_an_oversized_garbage_reply_is_a_clean_error(void **state)
{
	(void)state;
	char body[4096];
	nng_socket r = replica_connect();
	assert_int_equal(wait_replicas(1), 1);
	int fd = http_send(PATH);
	nng_msg *m = replica_take(r);
	assert_non_null(m);
	nng_msg_clear(m);
	assert_int_equal(nng_msg_realloc(m, 2u << 20), 0);
	memset(nng_msg_body(m), 0xff, 2u << 20);
	assert_int_equal(nng_sendmsg(r, m, 0), 0);
	assert_int_equal(http_finish(fd, body, sizeof body), 500);
	assert_non_null(strstr(body, "BAD_MESSAGE"));
	assert_int_equal(call_answered_by(r), 200);
	nng_close(r);
	assert_int_equal(wait_replicas(0), 0);
}

/* Rule: a connected replica that never answers costs the call its deadline
 * (GATEWAY_DEADLINE_MS), not a hang, and the next call is answered. */
static void test_a_silent_replica_ends_in_the_deadline_error(void **state)
{
	(void)state;
	char body[4096];
	nng_socket r = replica_connect();
	assert_int_equal(wait_replicas(1), 1);
	assert_deadline_class(http_get(PATH, body, sizeof body), body);
	assert_deadline_class(http_get(PATH, body, sizeof body), body);
	replica_drain(r);
	assert_int_equal(call_answered_by(r), 200);
	nng_close(r);
	assert_int_equal(wait_replicas(0), 0);
}

/* Rule: the replica count follows nng's pipes through churn (200 replicas connecting
 * and leaving at once): 1 with one replica left, 0 with none; with none, calls go
 * through the bus; the listener still takes replicas afterwards. */
static void test_the_replica_count_survives_churn(void **state)
{
	(void)state;
	nng_socket stay = replica_connect();
	for (int i = 0; i < 200; i++) {
		nng_socket s = replica_open();
		assert_int_equal(nng_dial(s, env.direct_url, NULL, 0), 0);
		nng_close(s);
	}
	replica_serves_then_leaves(stay);
	/* None connected: the call goes through the bus (the fake bus answers it). */
	assert_int_equal(call_answered_by(env.bus), 200);
	replica_drain(env.bus);
	replica_serves_then_leaves(replica_connect());
}

/* Rule: replicas that go away in the middle of nng's handshake (200 of them, from a
 * process of their own) do not make the count drift, and the gateway keeps serving.
 * nng 1.5.2 then stops accepting on that listener (nanomsg/nng#1518, fixed in 1.6.0):
 * later replicas are not taken and calls go through the bus; with a fixed nng, a later
 * replica must be taken. Runs last: it breaks the listener on nng 1.5. */
static void test_replicas_gone_during_the_handshake_do_not_skew_the_count(void **state)
{
	(void)state;
	/* The gateway so far must have left cleanly; the next one holds half-negotiated
	 * pipes of nng's (#1518) at its exit, which LeakSanitizer is told to ignore. */
	char supp[600];
	snprintf(supp, sizeof supp, "%s/lsan-nng1518.supp", env.dir);
	FILE *f = fopen(supp, "w");
	assert_non_null(f);
	fputs("leak:libnng.so\n", f);
	fclose(f);
	assert_int_equal(gateway_stop(), 0);
	assert_int_equal(gateway_start(supp), 0);
	nng_socket stay = replica_connect();
	assert_int_equal(wait_replicas(1), 1);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/proc/self/exe", "gateway_direct_test", "--abort-handshakes", env.direct_url,
		      (char *)NULL);
		_exit(127);
	}
	int ws = 0;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	replica_serves_then_leaves(stay);
	assert_int_equal(call_answered_by(env.bus), 200);
	replica_drain(env.bus);
#if NNG_MAJOR_VERSION > 1 || NNG_MINOR_VERSION >= 6
	replica_serves_then_leaves(replica_connect());
#endif
}

/* The child of the case above: dials without waiting and closes at once, 200 times.
 * It leaves by _exit: nng 1.5 leaks a dial closed in flight, and that is not ours. */
static int abort_handshakes(const char *url)
{
	for (int i = 0; i < 200; i++) {
		nng_socket s;
		if (nng_rep0_open_raw(&s) != 0)
			_exit(1);
		nng_dial(s, url, NULL, NNG_FLAG_NONBLOCK);
		nng_close(s);
	}
	_exit(0);
}

/* Rule: a peer of another protocol (REQ, PUB) on the direct endpoint is refused by nng
 * and is not counted: calls keep going through the bus. */
static void test_a_peer_of_another_protocol_is_not_a_replica(void **state)
{
	(void)state;
	nng_socket req, pub;
	assert_int_equal(nng_req0_open(&req), 0);
	assert_int_equal(nng_pub0_open(&pub), 0);
	nng_dial(req, env.direct_url, NULL, NNG_FLAG_NONBLOCK);
	nng_dial(pub, env.direct_url, NULL, NNG_FLAG_NONBLOCK);
	/* They have had the time to try (and nng the time to refuse them) when the bus has
	 * answered a call that goes after them. */
	for (int k = 0; k < 10; k++)
		assert_int_equal(call_answered_by(env.bus), 200);
	assert_int_equal(direct_replicas(), 0);
	/* A real replica among them is counted alone and gets the calls. */
	nng_socket r = replica_connect();
	assert_int_equal(wait_replicas(1), 1);
	assert_int_equal(call_answered_by(r), 200);
	assert_int_equal(direct_replicas(), 1);
	nng_close(r);
	nng_close(req);
	nng_close(pub);
	assert_int_equal(wait_replicas(0), 0);
	replica_drain(env.bus);
}

/* Rule: more replicas than GW_DIRECT_MAX (64; it once capped the count) are all counted, calls
 * flow, and the count follows them as they leave, down to 0. */
static void test_many_replicas_are_counted_as_they_come_and_go(void **state)
{
	(void)state;
	enum { N = 70 };
	nng_dialer d[N];
	nng_socket r = replica_open();
	for (int i = 0; i < N; i++)
		assert_int_equal(nng_dial(r, env.direct_url, &d[i], 0), 0);
	assert_int_equal(wait_replicas(N), N);
	for (int k = 0; k < 5; k++)
		assert_int_equal(call_answered_by(r), 200);
	/* The last to come stays: the count must not reach 0 while it is there. */
	for (int i = 0; i < N - 1; i++)
		nng_dialer_close(d[i]);
	assert_int_equal(wait_replicas(1), 1);
	assert_int_equal(call_answered_by(r), 200);
	nng_close(r);
	assert_int_equal(wait_replicas(0), 0);
}

/* Rule: another unix user cannot connect to the direct endpoint (it would take the
 * gateway's requests and answer them unsigned), whatever the gateway's umask (it runs
 * with umask 0 here). As root, a child that became nobody tries; otherwise the mode. */
static void test_another_user_cannot_connect(void **state)
{
	(void)state;
	char path[700];
	struct stat st;
	snprintf(path, sizeof path, "%s/rpc/rpc.market.back", env.dir);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	if (geteuid() != 0) {
		assert_int_equal(st.st_mode & 0022, 0);
		return;
	}
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		if (strlen(path) >= sizeof sa.sun_path)
			_exit(3);
		memcpy(sa.sun_path, path, strlen(path) + 1);
		_exit(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 ? 1 : 0);
	}
	int ws = 0;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
}

/* ---- the gateway ---------------------------------------------------------------- */

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof sa;
	int port = -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static int setup(void **state)
{
	(void)state;
	const char *var = getenv("VAR_DIR"), *bin = getenv("BIN_DIR");
	if (!var || !bin) {
		fprintf(stderr, "gateway_direct_test: BIN_DIR and VAR_DIR are needed\n");
		return -1;
	}
	snprintf(env.dir, sizeof env.dir, "%s/gwdirect.XXXXXX", var);
	if (!mkdtemp(env.dir) || chmod(env.dir, 0711) != 0)
		return -1;
	snprintf(env.rpc_base, sizeof env.rpc_base, "ipc://%s/rpc", env.dir);
	if (bus_endpoint(env.rpc_base, "rpc.market.back", env.direct_url, sizeof env.direct_url))
		return -1;
	char bus_base[600], bus_dir[560];
	snprintf(bus_dir, sizeof bus_dir, "%s/bus", env.dir);
	snprintf(bus_base, sizeof bus_base, "ipc://%s", bus_dir);
	if (mkdir(bus_dir, 0700) != 0 ||
	    bus_endpoint(bus_base, "rpc.market.front", env.bus_front, sizeof env.bus_front))
		return -1;
	env.bus = replica_open();
	if (nng_listen(env.bus, env.bus_front, NULL, 0) != 0)
		return -1;
	snprintf(env.bus_base, sizeof env.bus_base, "%s", bus_base);
	return gateway_start(NULL);
}

/* Starts the gateway under test (lsan_supp: LeakSanitizer's suppressions for it, NULL:
 * the inherited ones), its log in VAR_DIR/log/; 0 once /metrics answers. */
static int gateway_start(const char *lsan_supp)
{
	const char *var = getenv("VAR_DIR"), *bin = getenv("BIN_DIR");
	if ((env.port = free_port()) < 0)
		return -1;
	snprintf(env.log_path, sizeof env.log_path, "%s/log/gateway-direct-test%s.log", var,
	         lsan_supp ? "-2" : "");
	env.gw_pid = fork();
	if (env.gw_pid < 0)
		return -1;
	if (env.gw_pid == 0) {
		char port[16], path[600];
		snprintf(port, sizeof port, "%d", env.port);
		setenv("GATEWAY_PORT", port, 1);
		setenv("GATEWAY_ADDR", "127.0.0.1", 1);
		setenv("GATEWAY_RPC_LISTEN", env.rpc_base, 1);
		setenv("GATEWAY_DEADLINE_MS", "300", 1);
		setenv("BUS_URLS", env.bus_base, 1);
		if (lsan_supp) {
			char opt[700];
			snprintf(opt, sizeof opt, "suppressions=%s:print_suppressions=0",
			         lsan_supp);
			setenv("LSAN_OPTIONS", opt, 1);
		}
		setenv("BUS_AUTH", "off", 1);
		setenv("PLATFORM_MODE", "development", 1);
		setenv("LOG_LEVEL", "info", 1);
		/* Sessions are not needed by a public route; nobody listens there. */
		setenv("REDIS_URL", "redis://127.0.0.1:1/0", 1);
		unsetenv("GATEWAY_ACCESS_LOG_FILE");
		umask(0);
		if (!freopen(env.log_path, "w", stdout) || dup2(fileno(stdout), 2) < 0)
			_exit(127);
		snprintf(path, sizeof path, "%s/gateway", bin);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	for (int k = 0; k < 1000 && direct_replicas() != 0; k++)
		usleep(20000);
	return direct_replicas() == 0 ? 0 : -1;
}

/* Stops the gateway: 0 when it exited cleanly (no crash, no leak reported by ASan). */
static int gateway_stop(void)
{
	int ws = 0;
	if (env.gw_pid <= 0)
		return -1;
	kill(env.gw_pid, SIGTERM);
	waitpid(env.gw_pid, &ws, 0);
	env.gw_pid = 0;
	return WIFEXITED(ws) && WEXITSTATUS(ws) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	int rv = gateway_stop();
	nng_close(env.bus);
	return rv;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--abort-handshakes") == 0)
		return abort_handshakes(argv[2]);
	signal(SIGPIPE, SIG_IGN);
	if (getenv("GATEWAY_DIRECT_TEST_ONLY"))
		cmocka_set_test_filter(getenv("GATEWAY_DIRECT_TEST_ONLY"));
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_an_unmatched_reply_is_dropped_and_the_gateway_keeps_serving),
	        cmocka_unit_test(test_a_late_reply_does_not_answer_the_next_call),
	        cmocka_unit_test(test_an_oversized_garbage_reply_is_a_clean_error),
	        cmocka_unit_test(test_a_silent_replica_ends_in_the_deadline_error),
	        cmocka_unit_test(test_the_replica_count_survives_churn),
	        cmocka_unit_test(test_a_peer_of_another_protocol_is_not_a_replica),
	        cmocka_unit_test(test_many_replicas_are_counted_as_they_come_and_go),
	        cmocka_unit_test(test_another_user_cannot_connect),
	        cmocka_unit_test(test_replicas_gone_during_the_handshake_do_not_skew_the_count),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
