/* Scheduled jobs under replicas: one run per (job, period) (see jobs.h). */
#include "jobs.h"

#include "status.h"

#include <stdio.h>
#include <stdlib.h>

const db_migration jobs_migration = {
        "000_common_jobs",
        "CREATE TABLE job_runs (job text NOT NULL, period text NOT NULL,"
        " claimed_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz,"
        " outcome text, runs int NOT NULL DEFAULT 1, PRIMARY KEY (job, period));"};

int jobs_claim(db_conn *c, const char *job, const char *period)
{
	char stale[16];
	snprintf(stale, sizeof stale, "%d", JOBS_STALE_S);
	const char *v[] = {job, period, stale};
	PGresult *r = NULL;
	/* The conflict branch takes over a run claimed long ago and never finished. */
	int rv = db_exec(c,
	                 "INSERT INTO job_runs (job, period) VALUES ($1, $2) "
	                 "ON CONFLICT (job, period) DO UPDATE SET claimed_at = now(), "
	                 "runs = job_runs.runs + 1 "
	                 "WHERE job_runs.finished_at IS NULL AND job_runs.claimed_at < "
	                 "now() - make_interval(secs => $3::int) RETURNING 1",
	                 3, v, &r);
	if (rv != ST_OK)
		return -rv;
	int won = PQntuples(r) == 1;
	PQclear(r);
	return won;
}

int jobs_finish(db_conn *c, const char *job, const char *period, const char *outcome)
{
	const char *v[] = {job, period, outcome ? outcome : ""};
	return db_exec(c,
	               "UPDATE job_runs SET finished_at = now(), outcome = $3 "
	               "WHERE job = $1 AND period = $2",
	               3, v, NULL);
}
