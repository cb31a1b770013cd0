/*
 * The daily certificate jobs, run from svc_def.tick once per day in Asia/Shanghai (the
 * database's clock: a test that moves not_after moves them too) by exactly one replica
 * (jobs_claim):
 *   certs.autorevoke  certificates 90 days past notAfter are revoked, reason
 *                     cessationOfOperation, through RevokeCertificate (CRL re-signed,
 *                     audit, event certs.certificate.revoked);
 *   certs.expiring    certs.certificate.expiring 30 and 7 days before notAfter, once per
 *                     certificate and threshold (cert_expiry_notices).
 * A run takes at most JOBS_BATCH certificates of each kind; the rest wait for tomorrow's
 * run or the development route's.
 */
#include "certs.h"
#include "change.h"
#include "jobs.h"
#include "log.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOBS_BATCH    500
#define JOBS_CHECK_MS 60000

static int jobs_autorevoke(svc_ctx *ctx, int *count)
{
	PGresult *r = NULL;
	char lim[16];
	snprintf(lim, sizeof lim, "%d", JOBS_BATCH);
	const char *v[] = {lim};
	int rv = db_exec(
	        ctx->db,
	        "SELECT serial FROM certificates WHERE revoked_at IS NULL"
	        " AND not_after < now() - interval '90 days' ORDER BY not_after LIMIT $1::int",
	        1, v, &r);
	if (rv != ST_OK)
		return rv;
	for (int i = 0; i < PQntuples(r); i++) {
		Certs__RevokeCertificateRequest q = CERTS__REVOKE_CERTIFICATE_REQUEST__INIT;
		ProtobufCMessage *o = NULL;
		q.serial = PQgetvalue(r, i, 0);
		q.has_reason = 1;
		q.reason = 5; /* cessationOfOperation */
		q.actor = "system:certs.autorevoke";
		int one = certs_revoke(ctx, &q.base, &o);
		if (one == ST_OK)
			(*count)++;
		else if (one != ST_CERT_ALREADY_REVOKED)
			log_kv(LOGL_WARN, ctx->request_id, "auto-revocation failed", "serial",
			       q.serial, "code", status_code_name(one), NULL);
	}
	PQclear(r);
	return ST_OK;
}

struct notice_tx {
	const char *serial, *ca, *profile, *not_after, *holder, *enterprise, *days;
	int sent;
};

static int notice_tx(svc_ctx *ctx, void *arg)
{
	struct notice_tx *t = arg;
	PGresult *r = NULL;
	const char *v[] = {t->serial, t->days};
	int rv = change_exec(ctx,
	                     "INSERT INTO cert_expiry_notices (serial, threshold_days)"
	                     " VALUES ($1, $2::int) ON CONFLICT DO NOTHING RETURNING serial",
	                     2, v, &r);
	if (rv != ST_OK)
		return rv;
	t->sent = PQntuples(r) == 1;
	PQclear(r);
	if (!t->sent)
		return ST_OK;
	Certs__CertificateEvent e = CERTS__CERTIFICATE_EVENT__INIT;
	e.serial = (char *)t->serial;
	e.ca = (char *)t->ca;
	e.profile = (char *)t->profile;
	e.not_after = (char *)t->not_after;
	e.holder_account_id = *t->holder ? (char *)t->holder : NULL;
	e.holder_enterprise_id = *t->enterprise ? (char *)t->enterprise : NULL;
	e.has_days_left = 1;
	e.days_left = (int32_t)strtol(t->days, NULL, 10);
	change_event ev = {.type = "certs.certificate.expiring", .payload = &e.base};
	return change_record(
	        ctx, "system:certs.expiring", arena_printf(ctx->arena, "certificate/%s", t->serial),
	        "certificate.expiring", json_pack("{s:i}", "days_left", e.days_left), &ev);
}

static int jobs_expiring(svc_ctx *ctx, int *count)
{
	static const char *const thresholds[] = {"7", "30"};
	char lim[16];
	snprintf(lim, sizeof lim, "%d", JOBS_BATCH);
	for (size_t k = 0; k < 2; k++) {
		PGresult *r = NULL;
		const char *v[] = {thresholds[k], lim};
		/* Within 7 days: the 7-day notice only (the 30-day one would say too much). */
		int rv = db_exec(
		        ctx->db,
		        "SELECT c.serial, c.ca, c.profile, to_char(c.not_after AT TIME ZONE 'UTC',"
		        " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), coalesce(c.holder_account_id, ''),"
		        " coalesce(c.holder_enterprise_id, '') FROM certificates c"
		        " WHERE c.revoked_at IS NULL AND c.not_after > now()"
		        " AND c.not_after <= now() + make_interval(days => $1::int)"
		        " AND ($1::int = 7 OR c.not_after > now() + interval '7 days')"
		        " AND NOT EXISTS (SELECT 1 FROM cert_expiry_notices n"
		        " WHERE n.serial = c.serial AND n.threshold_days = $1::int)"
		        " ORDER BY c.not_after LIMIT $2::int",
		        2, v, &r);
		if (rv != ST_OK)
			return rv;
		for (int i = 0; i < PQntuples(r); i++) {
			struct notice_tx t = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
			                      PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
			                      PQgetvalue(r, i, 4), PQgetvalue(r, i, 5),
			                      thresholds[k],       0};
			if ((rv = change_run(ctx, notice_tx, &t)) != ST_OK) {
				PQclear(r);
				return rv;
			}
			*count += t.sent;
		}
		PQclear(r);
	}
	return ST_OK;
}

/* Today in Asia/Shanghai by the database's clock. */
static int jobs_today(svc_ctx *ctx, char out[16])
{
	PGresult *r = NULL;
	int rv =
	        db_exec(ctx->db, "SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')",
	                0, NULL, &r);
	if (rv != ST_OK)
		return rv;
	snprintf(out, 16, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return ST_OK;
}

/* One job for one period when claimed (or always, force). */
static int jobs_run(svc_ctx *ctx, const char *job, const char *period, int force,
                    int (*fn)(svc_ctx *, int *), int *count)
{
	int claimed = force ? 1 : jobs_claim(ctx->db, job, period);
	if (claimed <= 0)
		return claimed < 0 ? ST_DB : ST_OK;
	int rv = fn(ctx, count);
	if (!force && rv == ST_OK) {
		char outcome[32];
		snprintf(outcome, sizeof outcome, "%d", *count);
		jobs_finish(ctx->db, job, period, outcome);
	}
	if (*count)
		log_kv(LOGL_INFO, ctx->request_id, "certificate job ran", "job", job, NULL);
	return rv;
}

int certs_jobs_tick(svc_ctx *ctx)
{
	char today[16];
	int revoked = 0, notices = 0;
	if (jobs_today(ctx, today) != ST_OK)
		return JOBS_CHECK_MS;
	jobs_run(ctx, "certs.autorevoke", today, 0, jobs_autorevoke, &revoked);
	jobs_run(ctx, "certs.expiring", today, 0, jobs_expiring, &notices);
	return JOBS_CHECK_MS;
}

/* Development: both jobs now, whether or not today's runs happened (the tests move
 * not_after and then run them). */
int certs_dev_run_jobs(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	int revoked = 0, notices = 0, rv;
	if (!CERTS_APP(ctx)->development)
		return status_err(ST_NOT_FOUND, NULL);
	if ((rv = jobs_run(ctx, "certs.autorevoke", "", 1, jobs_autorevoke, &revoked)) != ST_OK ||
	    (rv = jobs_run(ctx, "certs.expiring", "", 1, jobs_expiring, &notices)) != ST_OK)
		return rv;
	Certs__DevRunCertJobsResponse *r = arena_alloc(ctx->arena, sizeof *r);
	certs__dev_run_cert_jobs_response__init(r);
	r->has_revoked = r->has_notices = 1;
	r->revoked = revoked;
	r->notices = notices;
	*out = &r->base;
	return ST_OK;
}
