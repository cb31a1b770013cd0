/*
 * Idempotency keys against a real PostgreSQL (common/idem.c): the first response
 * replayed, another request under the key refused, a key in flight refused, an error
 * forgotten, an effect committed never run twice, expiry after 24 h. And db.c's log of
 * a failed statement: no row values. Needs TEST_PG_URL (a role that may create
 * schemas); run by tests/run-all.sh.
 */
#include "bus.pb-c.h"
#include "change.h"
#include "db.h"
#include "idem.h"
#include "log.h"
#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static struct {
	char url[1024];
	db_conn *db;
	arena *arena;
	Bus__Caller caller;
	svc_ctx ctx;
} env;

static int idem_setup(void **state)
{
	(void)state;
	const char *pg = getenv("TEST_PG_URL");
	char url[1024];
	if (!pg) {
		fprintf(stderr, "TEST_PG_URL is required\n");
		return -1;
	}
	log_setup("idem_test", "error");
	db_conn *admin = db_open(pg);
	if (!admin)
		return -1;
	PGresult *r = PQexec(db_pg(admin), "DROP SCHEMA IF EXISTS idm CASCADE; CREATE SCHEMA idm;"
	                                   "CREATE TABLE idm.people (id int PRIMARY KEY,"
	                                   " phone text NOT NULL CHECK (length(phone) = 11));");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	db_close(admin);
	if (!ok)
		return -1;
	snprintf(url, sizeof url, "%s options='-csearch_path=idm'", pg);
	snprintf(env.url, sizeof env.url, "%s", url);
	if (!(env.db = db_open(url)))
		return -1;
	const db_migration builtin[] = {idem_migration};
	if (db_migrate(env.db, builtin, 1, NULL) != ST_OK)
		return -1;
	env.arena = arena_new();
	bus__caller__init(&env.caller);
	env.ctx = (svc_ctx){.service = "idm",
	                    .caller = &env.caller,
	                    .request_id = "",
	                    .db = env.db,
	                    .arena = env.arena};
	return 0;
}

static int idem_teardown(void **state)
{
	(void)state;
	db_close(env.db);
	arena_free(env.arena);
	return 0;
}

static idem_claim claim_of(const char *key, const char *body)
{
	idem_claim c = {.principal = "person:p1", .key = key};
	idem_request_hash("Create", "", (const uint8_t *)body, strlen(body), c.request_sha256);
	return c;
}

static int tx_noop(svc_ctx *ctx, void *arg)
{
	(void)ctx;
	(void)arg;
	return ST_CREATED;
}

/* Rule: the same key and request give the first response (status and body) again. */
static void test_idem_same_key_same_request_replays_the_first_response(void **state)
{
	(void)state;
	idem_claim c = claim_of("k1", "body-1");
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &c),
	                 ST_OK);
	assert_int_equal(c.replay, 0);
	Bus__PingResponse resp = BUS__PING_RESPONSE__INIT;
	resp.service = "first";
	idem_finish(env.db, &c, ST_CREATED, &resp.base, "");

	idem_claim again = claim_of("k1", "body-1");
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &again),
	                 ST_OK);
	assert_int_equal(again.replay, 1);
	assert_int_equal(again.status, ST_CREATED);
	assert_non_null(again.out);
	assert_string_equal(((Bus__PingResponse *)again.out)->service, "first");
}

/* Rule: the same key with another request is a 409 IDEMPOTENCY_KEY_REUSED. */
static void test_idem_same_key_other_request_is_reused(void **state)
{
	(void)state;
	idem_claim other = claim_of("k1", "body-2");
	status_clear();
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &other),
	                 ST_IDEMPOTENCY_REUSED);
	assert_string_equal(status_field(), "Idempotency-Key");
	/* Another enterprise identity with the same body is another request too. */
	idem_claim c = {.principal = "person:p1", .key = "k1"};
	idem_request_hash("Create", "ent-2", (const uint8_t *)"body-1", 6, c.request_sha256);
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &c),
	                 ST_IDEMPOTENCY_REUSED);
}

/* Rule: a second request while the first runs (on another worker's connection) is a 409
 * IN_PROGRESS, never a second run. */
static void test_idem_key_in_flight_is_in_progress(void **state)
{
	(void)state;
	db_conn *other = db_open(env.url);
	assert_non_null(other);
	idem_claim first = claim_of("k2", "b");
	assert_int_equal(idem_claim_key(other, env.arena, &bus__ping_response__descriptor, &first),
	                 ST_OK);
	idem_claim second = claim_of("k2", "b");
	assert_int_equal(
	        idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &second),
	        ST_IDEMPOTENCY_IN_PROGRESS);
	idem_finish(other, &first, ST_OK, NULL, "");
	db_close(other);
}

/* Rule (issue 22): a claim whose worker died (its connection gone: kill -9, a terminated
 * backend) is taken over by the client's retry at once, not after the stale time, and
 * the dead claim cannot commit its change any more. */
static void test_idem_claim_of_a_dead_worker_is_taken_over_at_once(void **state)
{
	(void)state;
	db_conn *worker = db_open(env.url);
	assert_non_null(worker);
	idem_claim dead = claim_of("k6", "b");
	assert_int_equal(idem_claim_key(worker, env.arena, &bus__ping_response__descriptor, &dead),
	                 ST_OK);
	db_close(worker);
	idem_claim retry = claim_of("k6", "b");
	/* The server notices the closed connection a moment later. */
	int rv = ST_IDEMPOTENCY_IN_PROGRESS;
	for (int i = 0; i < 100 && rv == ST_IDEMPOTENCY_IN_PROGRESS; i++) {
		rv = idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &retry);
		if (rv == ST_IDEMPOTENCY_IN_PROGRESS)
			usleep(20000);
	}
	assert_int_equal(rv, ST_OK);
	assert_int_equal(retry.replay, 0);
	env.ctx.idem = &dead;
	assert_int_equal(change_run(&env.ctx, tx_noop, NULL), ST_IDEMPOTENCY_IN_PROGRESS);
	env.ctx.idem = &retry;
	assert_int_equal(change_run(&env.ctx, tx_noop, NULL), ST_CREATED);
	env.ctx.idem = NULL;
	idem_finish(env.db, &retry, ST_CREATED, NULL, "");
}

/* Rule (issue 22): a worker killed after its change committed but before its response
 * was stored leaves a key no retry could ever be answered on; the retry learns the
 * request took effect (IDEMPOTENT_REQUEST_APPLIED), and so does every later one — the
 * change is never run again. */
static void test_idem_committed_claim_of_a_dead_worker_answers_applied(void **state)
{
	(void)state;
	db_conn *worker = db_open(env.url);
	assert_non_null(worker);
	idem_claim dead = claim_of("k7", "b");
	assert_int_equal(idem_claim_key(worker, env.arena, &bus__ping_response__descriptor, &dead),
	                 ST_OK);
	svc_ctx wctx = env.ctx;
	wctx.db = worker;
	wctx.idem = &dead;
	assert_int_equal(change_run(&wctx, tx_noop, NULL), ST_CREATED);
	db_close(worker); /* killed before idem_finish */
	for (int round = 0; round < 2; round++) {
		idem_claim retry = claim_of("k7", "b");
		int rv = ST_IDEMPOTENCY_IN_PROGRESS;
		for (int i = 0; i < 100 && rv == ST_IDEMPOTENCY_IN_PROGRESS; i++) {
			rv = idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor,
			                    &retry);
			if (rv == ST_IDEMPOTENCY_IN_PROGRESS)
				usleep(20000);
		}
		assert_int_equal(rv, ST_OK);
		assert_int_equal(retry.replay, 1);
		assert_int_equal(retry.status, ST_IDEMPOTENCY_APPLIED);
	}
}

/* Rule: an error that committed nothing is not stored: the key may be used again. */
static void test_idem_error_without_effect_releases_the_key(void **state)
{
	(void)state;
	idem_claim c = claim_of("k3", "bad");
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &c),
	                 ST_OK);
	idem_finish(env.db, &c, ST_VALIDATION, NULL, "");
	idem_claim fixed = claim_of("k3", "fixed");
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &fixed),
	                 ST_OK);
	assert_int_equal(fixed.replay, 0);
	idem_finish(env.db, &fixed, ST_OK, NULL, "");
}

/* Rule: once the change committed, even a later error is kept, so a retry never runs it
 * again; and a claim taken over (stale) cannot commit its change any more. */
static void test_idem_committed_effect_is_never_run_twice(void **state)
{
	(void)state;
	idem_claim c = claim_of("k4", "b");
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &c),
	                 ST_OK);
	env.ctx.idem = &c;
	assert_int_equal(change_run(&env.ctx, tx_noop, NULL), ST_CREATED);
	env.ctx.idem = NULL;
	idem_finish(env.db, &c, ST_INTERNAL, NULL, "");
	idem_claim retry = claim_of("k4", "b");
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &retry),
	                 ST_OK);
	assert_int_equal(retry.replay, 1);
	assert_int_equal(retry.status, ST_INTERNAL);

	/* A claim whose worker died before committing is taken again after the stale time. */
	idem_claim dead = claim_of("k5", "b");
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &dead),
	                 ST_OK);
	assert_int_equal(db_exec(env.db,
	                         "UPDATE idempotency SET created_at = now() - interval '11 minutes'"
	                         " WHERE key = 'k5'",
	                         0, NULL, NULL),
	                 ST_OK);
	idem_claim next = claim_of("k5", "b");
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &next),
	                 ST_OK);
	assert_int_equal(next.replay, 0);
	/* The dead claim, were it to wake, cannot commit its change. */
	env.ctx.idem = &dead;
	assert_int_equal(change_run(&env.ctx, tx_noop, NULL), ST_IDEMPOTENCY_IN_PROGRESS);
	env.ctx.idem = NULL;
	idem_finish(env.db, &next, ST_OK, NULL, "");
}

/* Rule: keys expire after 24 h: the key is new again, and purged. */
static void test_idem_keys_expire_after_24_hours(void **state)
{
	(void)state;
	assert_int_equal(db_exec(env.db,
	                         "UPDATE idempotency SET created_at = now() - interval '25 hours'"
	                         " WHERE key = 'k1'",
	                         0, NULL, NULL),
	                 ST_OK);
	idem_claim other = claim_of("k1", "body-2");
	assert_int_equal(idem_claim_key(env.db, env.arena, &bus__ping_response__descriptor, &other),
	                 ST_OK);
	assert_int_equal(other.replay, 0);
	idem_finish(env.db, &other, ST_OK, NULL, "");
	assert_int_equal(db_exec(env.db,
	                         "UPDATE idempotency SET created_at = now() - interval '25 hours'",
	                         0, NULL, NULL),
	                 ST_OK);
	assert_int_equal(idem_purge(env.db, 100), ST_OK);
	PGresult *r = NULL;
	assert_int_equal(db_exec(env.db, "SELECT count(*) FROM idempotency", 0, NULL, &r), ST_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "0");
	PQclear(r);
}

/* Rule: a failed statement's log line names SQLSTATE, table and constraint, never the
 * row's values ("Failing row contains (…)"). */
static void test_db_error_log_holds_no_row_values(void **state)
{
	(void)state;
	char path[] = "/tmp/idem_test_log.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int saved = dup(2);
	log_setup("idem_test", "info");
	fflush(stderr);
	dup2(fd, 2);
	const char *v[] = {"1", "4301021988110901"};
	int rv = db_exec(env.db, "INSERT INTO people (id, phone) VALUES ($1::int, $2)", 2, v, NULL);
	const char *bad[] = {"not-a-number-430102"};
	int rv2 = db_exec(env.db, "SELECT $1::int", 1, bad, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_setup("idem_test", "error");
	assert_int_equal(rv, ST_DB);
	assert_int_equal(rv2, ST_DB);
	char buf[8192] = {0};
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	assert_non_null(strstr(buf, "23514"));
	assert_non_null(strstr(buf, "people_phone_check"));
	assert_non_null(strstr(buf, "22P02"));
	assert_null(strstr(buf, "430102"));
	assert_null(strstr(buf, "Failing row"));
}

/* Rule: every connection carries connect_timeout; DB_URL's own value wins. */
static void test_db_connect_sets_connect_timeout(void **state)
{
	(void)state;
	const char *infos[] = {"host=/nonexistent-dir dbname=x",
	                       "host=/nonexistent-dir dbname=x connect_timeout=2",
	                       "postgresql:///x?host=/nonexistent-dir&connect_timeout=3"};
	const char *want[] = {"5", "2", "3"};
	for (int i = 0; i < 3; i++) {
		PGconn *pg = db_connect(infos[i]);
		assert_non_null(pg);
		PQconninfoOption *o = PQconninfo(pg);
		const char *got = NULL;
		for (PQconninfoOption *p = o; p && p->keyword; p++)
			if (strcmp(p->keyword, "connect_timeout") == 0)
				got = p->val;
		assert_non_null(got);
		assert_string_equal(got, want[i]);
		PQconninfoFree(o);
		PQfinish(pg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_idem_same_key_same_request_replays_the_first_response),
	        cmocka_unit_test(test_idem_same_key_other_request_is_reused),
	        cmocka_unit_test(test_idem_key_in_flight_is_in_progress),
	        cmocka_unit_test(test_idem_claim_of_a_dead_worker_is_taken_over_at_once),
	        cmocka_unit_test(test_idem_error_without_effect_releases_the_key),
	        cmocka_unit_test(test_idem_committed_effect_is_never_run_twice),
	        cmocka_unit_test(test_idem_committed_claim_of_a_dead_worker_answers_applied),
	        cmocka_unit_test(test_idem_keys_expire_after_24_hours),
	        cmocka_unit_test(test_db_error_log_holds_no_row_values),
	        cmocka_unit_test(test_db_connect_sets_connect_timeout),
	};
	return cmocka_run_group_tests_name("idem", tests, idem_setup, idem_teardown);
}
