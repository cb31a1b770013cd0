/*
 * Scheduled jobs under replicas: a job (the daily CRL, auto-revocation, the digest)
 * runs once per period however many replicas of its service tick. Each replica's tick
 * asks jobs_claim for the current period; the first INSERT of (job, period) wins, the
 * others see the row and skip. The row also records when the run finished, so a run
 * whose replica died before finishing is taken over after JOBS_STALE_S.
 *
 * A period is a key the caller chooses ("2026-12-07" for a daily job, the hour for an
 * hourly one): it comes from the database's clock (jobs_period), so a test that moves
 * the database's notion of "today" moves the jobs with it.
 */
#ifndef COMMON_JOBS_H
#define COMMON_JOBS_H

#include "db.h"

extern const db_migration jobs_migration;

/* A claimed run not finished after this long is another replica's to take. */
#define JOBS_STALE_S 600

/*
 * Claims job's run for period (outside any transaction). Returns 1 when this caller
 * runs it (then jobs_finish after), 0 when another replica has run it or is running
 * it, or a negative status (ST_DB) on failure.
 */
int jobs_claim(db_conn *c, const char *job, const char *period);

/* Marks the claimed run finished with a short outcome ("revoked 3"). ST_OK or ST_DB. */
int jobs_finish(db_conn *c, const char *job, const char *period, const char *outcome);

#endif
