/*
 * Scheduled jobs under replicas against a real PostgreSQL (common/jobs.c): of many
 * replicas claiming one (job, period) at the same moment exactly one runs it; a run
 * that finished is not taken again, even long after; a run claimed and never finished
 * (its replica died) is taken over once it is stale, by one claimer only; another
 * period or another job is a run of its own. Needs TEST_PG_URL; run by tests/run-all.sh.
 */
#include "db.h"
#include "jobs.h"
#include "log.h"
#include "status.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Replicas claiming at once: more than the platform ever runs of one service. */
#define CLAIMERS 12

static struct {
	char url[1024];
	db_conn *db;
} env;

static int jobs_setup(void **state)
{
	(void)state;
	const char *pg = getenv("TEST_PG_URL");
	if (!pg) {
		fprintf(stderr, "TEST_PG_URL is required\n");
		return -1;
	}
	log_setup("jobs_test", "error");
	db_conn *admin = db_open(pg);
	if (!admin)
		return -1;
	PGresult *r = PQexec(db_pg(admin), "DROP SCHEMA IF EXISTS jbs CASCADE; CREATE SCHEMA jbs;");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	db_close(admin);
	if (!ok)
		return -1;
	snprintf(env.url, sizeof env.url, "%s options='-csearch_path=jbs'", pg);
	if (!(env.db = db_open(env.url)))
		return -1;
	const db_migration builtin[] = {jobs_migration};
	return db_migrate(env.db, builtin, 1, NULL) == ST_OK ? 0 : -1;
}

static int jobs_teardown(void **state)
{
	(void)state;
	db_close(env.db);
	return 0;
}

/* One replica: its own connection, released at the barrier with the others. */
struct claimer {
	db_conn *db;
	const char *job, *period;
	pthread_barrier_t *go;
	int result;
};

static void *claimer_run(void *arg)
{
	struct claimer *c = arg;
	pthread_barrier_wait(c->go);
	c->result = jobs_claim(c->db, c->job, c->period);
	return NULL;
}

/* CLAIMERS connections claim (job, period) together; returns how many won (-1: an
 * error). */
static int claim_together(const char *job, const char *period)
{
	struct claimer c[CLAIMERS];
	pthread_t t[CLAIMERS];
	pthread_barrier_t go;
	int wins = 0;
	pthread_barrier_init(&go, NULL, CLAIMERS);
	for (int i = 0; i < CLAIMERS; i++) {
		c[i] = (struct claimer){.job = job, .period = period, .go = &go};
		assert_non_null(c[i].db = db_open(env.url));
	}
	for (int i = 0; i < CLAIMERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, claimer_run, &c[i]), 0);
	for (int i = 0; i < CLAIMERS; i++) {
		pthread_join(t[i], NULL);
		if (c[i].result < 0)
			wins = -1;
		else if (wins >= 0)
			wins += c[i].result;
		db_close(c[i].db);
	}
	pthread_barrier_destroy(&go);
	return wins;
}

static long runs_of(const char *job, const char *period)
{
	const char *v[] = {job, period};
	PGresult *r = NULL;
	long n = -1;
	if (db_exec(env.db, "SELECT runs FROM job_runs WHERE job = $1 AND period = $2", 2, v, &r) ==
	            ST_OK &&
	    PQntuples(r) == 1)
		n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

/* Moves a run's claim back by secs (a replica that claimed it that long ago). */
static void claimed_ago(const char *job, const char *period, int secs)
{
	char s[16];
	snprintf(s, sizeof s, "%d", secs);
	const char *v[] = {job, period, s};
	assert_int_equal(db_exec(env.db,
	                         "UPDATE job_runs SET claimed_at = now() - make_interval(secs =>"
	                         " $3::int) WHERE job = $1 AND period = $2",
	                         3, v, NULL),
	                 ST_OK);
}

/* Rule: a job runs once per period however many replicas tick at the same moment. */
static void test_jobs_concurrent_claimers_one_wins(void **state)
{
	(void)state;
	for (int round = 0; round < 5; round++) {
		char period[32];
		snprintf(period, sizeof period, "2026-12-%02d", round + 1);
		assert_int_equal(claim_together("crl", period), 1);
		assert_int_equal(runs_of("crl", period), 1);
	}
	/* Another job of the same period, and the same job's next period, are runs of
	 * their own. */
	assert_int_equal(claim_together("digest", "2026-12-01"), 1);
	assert_int_equal(claim_together("crl", "2026-12-06"), 1);
}

/* Rule: a run that finished is never run again in its period, however old it is. */
static void test_jobs_finished_run_not_taken_again(void **state)
{
	(void)state;
	assert_int_equal(jobs_claim(env.db, "revoke", "2026-12-07"), 1);
	assert_int_equal(jobs_finish(env.db, "revoke", "2026-12-07", "revoked 3"), ST_OK);
	assert_int_equal(jobs_claim(env.db, "revoke", "2026-12-07"), 0);
	claimed_ago("revoke", "2026-12-07", 10 * JOBS_STALE_S);
	assert_int_equal(claim_together("revoke", "2026-12-07"), 0);
	assert_int_equal(runs_of("revoke", "2026-12-07"), 1);
}

/* Rule: a run claimed by a replica that died before finishing is taken over once
 * stale (by one of the claimers), and not while it may still be running. */
static void test_jobs_unfinished_stale_run_taken_over(void **state)
{
	(void)state;
	assert_int_equal(jobs_claim(env.db, "quote-expiry", "2026-12-07T10"), 1);
	/* Still running (claimed just now, or shortly before the stale time). */
	assert_int_equal(claim_together("quote-expiry", "2026-12-07T10"), 0);
	claimed_ago("quote-expiry", "2026-12-07T10", JOBS_STALE_S - 30);
	assert_int_equal(claim_together("quote-expiry", "2026-12-07T10"), 0);
	/* Its replica is gone: one replica takes it over, the others still skip. */
	claimed_ago("quote-expiry", "2026-12-07T10", JOBS_STALE_S + 30);
	assert_int_equal(claim_together("quote-expiry", "2026-12-07T10"), 1);
	assert_int_equal(runs_of("quote-expiry", "2026-12-07T10"), 2);
	/* The takeover's claim is fresh: nobody takes it again at once; once finished, never. */
	assert_int_equal(jobs_claim(env.db, "quote-expiry", "2026-12-07T10"), 0);
	assert_int_equal(jobs_finish(env.db, "quote-expiry", "2026-12-07T10", "expired 2"), ST_OK);
	claimed_ago("quote-expiry", "2026-12-07T10", JOBS_STALE_S + 30);
	assert_int_equal(claim_together("quote-expiry", "2026-12-07T10"), 0);
	assert_int_equal(runs_of("quote-expiry", "2026-12-07T10"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_jobs_concurrent_claimers_one_wins),
	        cmocka_unit_test(test_jobs_finished_run_not_taken_again),
	        cmocka_unit_test(test_jobs_unfinished_stale_run_taken_over),
	};
	return cmocka_run_group_tests(tests, jobs_setup, jobs_teardown);
}
