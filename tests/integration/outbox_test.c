/*
 * The event path end to end: a source service appends events to its outbox, a
 * subscriber service applies them, and every event must be applied exactly once
 * across a subscriber restart, a bus restart, and two buses side by side (every
 * event then arrives twice). Needs TEST_PG_URL (a role that may create schemas),
 * BIN_DIR (the bus binary) and VAR_DIR; run by tests/run-all.sh.
 */
#include "bus.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "status.h"
#include "svc.h"

#include <nng/protocol/pubsub0/sub.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

struct outbox_env {
	char src_url[1024];
	char sink_url[1024];
	char bus_urls[1024];
	char bus_base[2][512];
	pid_t bus_pid[2];
	db_conn *src;  /* appends events */
	db_conn *sink; /* reads what was applied */
	svc_server *source_server;
	svc_server *sink_server;
	long appended;
};

static struct outbox_env env;

/* The subscriber's effect: one row per event id, counting deliveries applied. */
static int outbox_sink_apply(svc_ctx *ctx, const Events__Event *ev)
{
	char seq[24];
	snprintf(seq, sizeof seq, "%lld", (long long)ev->seq);
	const char *v[] = {ev->id, seq};
	return db_exec(ctx->db,
	               "INSERT INTO applied (event_id, seq) VALUES ($1::uuid, $2::int8)"
	               " ON CONFLICT (event_id) DO UPDATE SET n = applied.n + 1",
	               2, v, NULL);
}

static const svc_subscription outbox_subs[] = {{"evsrc", outbox_sink_apply}};
static const svc_def outbox_source_def = {.name = "evsrc"};
static const svc_def outbox_sink_def = {.name = "evsink", .subs = outbox_subs, .nsubs = 1};

static pid_t outbox_bus_start(int i)
{
	char listen[600], logpath[600];
	snprintf(listen, sizeof listen, "BUS_LISTEN=%s", env.bus_base[i]);
	snprintf(logpath, sizeof logpath, "%s/log/outbox-test-bus%d.log", getenv("VAR_DIR"), i);
	pid_t pid = fork();
	if (pid == 0) {
		char bin[600];
		snprintf(bin, sizeof bin, "%s/bus", getenv("BIN_DIR"));
		FILE *f = freopen(logpath, "a", stderr);
		(void)f;
		putenv(listen);
		putenv("BUS_SERVICES=evsrc,evsink");
		execl(bin, bin, (char *)NULL);
		_exit(127);
	}
	/* Wait until it listens (a condition, not a sleep). */
	char probe_env[600];
	snprintf(probe_env, sizeof probe_env, "%s", env.bus_base[i]);
	for (int k = 0; k < 200; k++) {
		char addr[700];
		nng_socket s;
		bus_endpoint(probe_env, "events-out", addr, sizeof addr);
		nng_sub0_open(&s);
		int rv = nng_dial(s, addr, NULL, 0);
		nng_close(s);
		if (rv == 0)
			break;
		usleep(25000);
	}
	return pid;
}

static void outbox_bus_kill(int i)
{
	kill(env.bus_pid[i], SIGKILL);
	waitpid(env.bus_pid[i], NULL, 0);
	env.bus_pid[i] = 0;
}

static long outbox_query_long(const char *sql)
{
	PGresult *r = NULL;
	if (db_exec(env.sink, sql, 0, NULL, &r) != ST_OK)
		return -1;
	long v = PQntuples(r) && !PQgetisnull(r, 0, 0) ? strtol(PQgetvalue(r, 0, 0), NULL, 10) : -1;
	PQclear(r);
	return v;
}

/* Waits (bounded) until the subscriber's cursor reaches the number appended. */
static int outbox_wait_applied(void)
{
	for (int k = 0; k < 600; k++) {
		if (outbox_query_long("SELECT last_seq FROM inbox_cursor WHERE source = 'evsrc'") ==
		    env.appended)
			return 1;
		usleep(50000);
	}
	return 0;
}

static void outbox_append(int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(db_begin(env.src), ST_OK);
		assert_int_equal(events_append(env.src, "evsrc.thing.happened", "thing/1", NULL),
		                 ST_OK);
		assert_int_equal(db_commit(env.src), ST_OK);
		env.appended++;
	}
}

static svc_server *outbox_server(const svc_def *def, const char *url)
{
	svc_settings set = {
	        .bus_urls = env.bus_urls, .db_url = url, .workers = 2, .replay_interval_ms = 300};
	svc_server *s = NULL;
	assert_int_equal(svc_server_start(def, &set, &s), ST_OK);
	return s;
}

static int outbox_setup(void **state)
{
	(void)state;
	const char *pg = getenv("TEST_PG_URL"), *var = getenv("VAR_DIR");
	if (!pg || !var || !getenv("BIN_DIR")) {
		fprintf(stderr, "TEST_PG_URL, VAR_DIR and BIN_DIR are required\n");
		return -1;
	}
	log_setup("outbox_test", "warn");
	db_conn *admin = db_open(pg);
	if (!admin)
		return -1;
	PGresult *r = PQexec(db_pg(admin), "DROP SCHEMA IF EXISTS evsrc CASCADE;"
	                                   "DROP SCHEMA IF EXISTS evsink CASCADE;"
	                                   "CREATE SCHEMA evsrc; CREATE SCHEMA evsink;"
	                                   "CREATE TABLE evsink.applied (event_id uuid PRIMARY KEY,"
	                                   " seq bigint NOT NULL, n int NOT NULL DEFAULT 1);");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	db_close(admin);
	if (!ok)
		return -1;
	snprintf(env.src_url, sizeof env.src_url, "%s options='-csearch_path=evsrc'", pg);
	snprintf(env.sink_url, sizeof env.sink_url, "%s options='-csearch_path=evsink'", pg);
	for (int i = 0; i < 2; i++)
		snprintf(env.bus_base[i], sizeof env.bus_base[i], "ipc://%s/run/outbox-bus%d", var,
		         i);
	snprintf(env.bus_urls, sizeof env.bus_urls, "%s,%s", env.bus_base[0], env.bus_base[1]);
	env.bus_pid[0] = outbox_bus_start(0);
	env.source_server = outbox_server(&outbox_source_def, env.src_url);
	env.sink_server = outbox_server(&outbox_sink_def, env.sink_url);
	env.src = db_open(env.src_url);
	env.sink = db_open(env.sink_url);
	return env.src && env.sink ? 0 : -1;
}

static int outbox_teardown(void **state)
{
	(void)state;
	svc_server_stop(env.sink_server);
	svc_server_stop(env.source_server);
	for (int i = 0; i < 2; i++)
		if (env.bus_pid[i])
			outbox_bus_kill(i);
	db_close(env.src);
	db_close(env.sink);
	nng_fini();
	return 0;
}

static void test_events_reach_a_running_subscriber_once(void **state)
{
	(void)state;
	outbox_append(100);
	assert_true(outbox_wait_applied());
	assert_int_equal(outbox_query_long("SELECT count(*) FROM applied"), 100);
}

static void test_events_published_while_subscriber_stopped_arrive_after_restart(void **state)
{
	(void)state;
	svc_server_stop(env.sink_server);
	env.sink_server = NULL;
	outbox_append(100);
	env.sink_server = outbox_server(&outbox_sink_def, env.sink_url);
	assert_true(outbox_wait_applied());
	assert_int_equal(outbox_query_long("SELECT count(*) FROM applied"), 200);
}

static void test_events_published_while_bus_down_arrive_after_bus_restart(void **state)
{
	(void)state;
	outbox_bus_kill(0);
	outbox_append(100);
	env.bus_pid[0] = outbox_bus_start(0);
	outbox_append(50);
	assert_true(outbox_wait_applied());
	assert_int_equal(outbox_query_long("SELECT count(*) FROM applied"), 350);
}

static void test_two_buses_deliver_each_event_once(void **state)
{
	(void)state;
	env.bus_pid[1] = outbox_bus_start(1);
	outbox_append(100);
	outbox_bus_kill(0);
	outbox_append(50);
	assert_true(outbox_wait_applied());
	env.bus_pid[0] = outbox_bus_start(0);
	assert_int_equal(outbox_query_long("SELECT count(*) FROM applied"), 500);
}

static void test_every_event_applied_exactly_once_in_order(void **state)
{
	(void)state;
	assert_int_equal(outbox_query_long("SELECT max(n) FROM applied"), 1);
	assert_int_equal(outbox_query_long("SELECT count(DISTINCT seq) FROM applied"),
	                 env.appended);
	assert_int_equal(outbox_query_long("SELECT min(seq) FROM applied"), 1);
	assert_int_equal(outbox_query_long("SELECT max(seq) FROM applied"), env.appended);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_events_reach_a_running_subscriber_once),
	        cmocka_unit_test(
	                test_events_published_while_subscriber_stopped_arrive_after_restart),
	        cmocka_unit_test(test_events_published_while_bus_down_arrive_after_bus_restart),
	        cmocka_unit_test(test_two_buses_deliver_each_event_once),
	        cmocka_unit_test(test_every_event_applied_exactly_once_in_order),
	};
	return cmocka_run_group_tests_name("outbox", tests, outbox_setup, outbox_teardown);
}
