/* The daily CRL job and the life of the platform's signing certificates: each issuing
 * CA's delegated OCSP responder (90 days, renewed with fewer than 30 left) and the TSA. */
#include "certs.h"
#include "change.h"
#include "jobs.h"
#include "log.h"
#include "pki.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

/* A signer's row: its certificate (NULL when none) and, with key non-NULL, its key. */
static int signer_load(svc_ctx *ctx, const char *name, X509 **cert, EVP_PKEY **key)
{
	PGresult *r = NULL;
	const char *v[] = {name};
	*cert = NULL;
	int rv =
	        db_query(ctx->db, "SELECT algorithm, cert_der, key_sealed FROM cas WHERE name = $1",
	                 1, v, NULL, NULL, 1, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return ST_OK;
	}
	char alg_s[16];
	snprintf(alg_s, sizeof alg_s, "%.*s", PQgetlength(r, 0, 0), PQgetvalue(r, 0, 0));
	int alg = ca_alg_parse(alg_s);
	*cert = ca_cert_from_der((const unsigned char *)PQgetvalue(r, 0, 1),
	                         (size_t)PQgetlength(r, 0, 1));
	if (*cert && alg >= 0)
		ca_cert_set_id((ca_alg)alg, *cert);
	if (key)
		*key = certs_store_open(CERTS_APP(ctx), name,
		                        (const unsigned char *)PQgetvalue(r, 0, 2),
		                        (size_t)PQgetlength(r, 0, 2));
	PQclear(r);
	if (!*cert || alg < 0 || (key && !*key)) {
		X509_free(*cert);
		*cert = NULL;
		if (key) {
			EVP_PKEY_free(*key);
			*key = NULL;
		}
		log_kv(LOGL_ERROR, NULL, "signing certificate not loadable (wrong CERTS_CA_KEY?)",
		       "name", name, NULL);
		return status_err(ST_INTERNAL, NULL);
	}
	return ST_OK;
}

int certs_pki_signer(svc_ctx *ctx, const char *name, X509 **cert, EVP_PKEY **key)
{
	int rv = signer_load(ctx, name, cert, key);
	if (rv == ST_OK && !*cert)
		return status_err(ST_INTERNAL, NULL);
	return rv;
}

/* 1 when x is missing or ends within PKI_OCSP_RENEW_DAYS. */
static int signer_due(X509 *x)
{
	int days = 0, secs = 0;
	if (!x || !ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)))
		return 1;
	return days < PKI_OCSP_RENEW_DAYS;
}

/* Makes or renews one signer (the old row replaced) when due. */
static int signer_renew(svc_ctx *ctx, pki_signer_kind kind, ca_alg alg, const char *name,
                        int *renewed)
{
	struct certs_app *app = CERTS_APP(ctx);
	X509 *old = NULL, *x = NULL;
	EVP_PKEY *k = NULL;
	int rv = signer_load(ctx, name, &old, NULL);
	if (rv != ST_OK || !signer_due(old))
		goto out;
	if ((rv = pki_signer_make(kind, alg, app->ca[alg].issuing, app->ca[alg].issuing_key,
	                          kind == PKI_SIGNER_OCSP ? PKI_OCSP_DAYS : PKI_TSA_DAYS, &x,
	                          &k)) != ST_OK)
		goto out;
	const char *v[] = {name};
	if ((rv = change_exec(ctx, "DELETE FROM cas WHERE name = $1", 1, v, NULL)) != ST_OK)
		goto out;
	rv = certs_store_put(ctx, name, alg,
	                     kind == PKI_SIGNER_OCSP  ? "ocsp"
	                     : kind == PKI_SIGNER_TSA ? "tsa"
	                                              : "docsign",
	                     x, k);
	(*renewed)++;
out:
	X509_free(old);
	X509_free(x);
	EVP_PKEY_free(k);
	return rv;
}

int certs_pki_signers_tx(svc_ctx *ctx, int *renewed)
{
	/* Replicas starting together (or the job and a start) wait for one another. */
	int rv = change_exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('certs.pki'))", 0, NULL,
	                     NULL);
	for (int a = 0; a < CA_NALG && rv == ST_OK; a++) {
		char name[32];
		snprintf(name, sizeof name, "%s-ocsp", ca_alg_names[a]);
		rv = signer_renew(ctx, PKI_SIGNER_OCSP, (ca_alg)a, name, renewed);
	}
	if (rv == ST_OK)
		rv = signer_renew(ctx, PKI_SIGNER_TSA, CA_RSA, PKI_TSA_NAME, renewed);
	/* signing: the platform's document signer (completion certificates), like the TSA */
	if (rv == ST_OK)
		rv = signer_renew(ctx, PKI_SIGNER_DOC, CA_RSA, PKI_DOC_SIGNER_NAME, renewed);
	return rv;
}

static int pki_start_tx(svc_ctx *ctx, void *arg)
{
	(void)arg;
	int renewed = 0;
	int rv = certs_pki_signers_tx(ctx, &renewed);
	if (rv != ST_OK || renewed == 0)
		return rv;
	return change_record(ctx, "system:certs", "ca/platform", "pki.signers.renewed",
	                     json_pack("{s:i}", "renewed", renewed), NULL);
}

int certs_pki_start(svc_ctx *ctx) { return change_run(ctx, pki_start_tx, NULL); }

struct daily {
	const char *period;
	int renewed;
};

/* Every issuing CA's CRL re-signed (a new number, next update in 25 h) and the
 * responders renewed when near their end: one transaction, one audit entry. */
static int crl_daily_tx(svc_ctx *ctx, void *arg)
{
	struct daily *d = arg;
	int rv = ST_OK;
	for (int a = 0; a < CA_NALG && rv == ST_OK; a++)
		rv = certs_crl_resign(ctx, (ca_alg)a);
	if (rv == ST_OK)
		rv = certs_pki_signers_tx(ctx, &d->renewed);
	if (rv != ST_OK)
		return rv;
	return change_record(ctx, "system:certs", "ca/platform", "crl.daily",
	                     json_pack("{s:s,s:i}", "period", d->period, "renewed", d->renewed),
	                     NULL);
}

/* Each replica asks once a minute; the first to claim the day's period runs it. */
#define CRL_TICK_MS 60000

int certs_pki_tick(svc_ctx *ctx)
{
	PGresult *r = NULL;
	if (db_query(ctx->db, "SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')", 0,
	             NULL, NULL, NULL, 0, &r) != ST_OK)
		return CRL_TICK_MS;
	struct daily d = {arena_strdup(ctx->arena, PQgetvalue(r, 0, 0)), 0};
	PQclear(r);
	if (jobs_claim(ctx->db, "crl-daily", d.period) != 1)
		return CRL_TICK_MS;
	int rv = change_run(ctx, crl_daily_tx, &d);
	if (rv != ST_OK) {
		/* Left claimed: another tick takes it over once JOBS_STALE_S has passed. */
		log_kv(LOGL_ERROR, NULL, "daily CRL failed", "period", d.period, "code",
		       status_code_name(rv), NULL);
		return CRL_TICK_MS;
	}
	char outcome[48];
	snprintf(outcome, sizeof outcome, "crls 3, signers renewed %d", d.renewed);
	jobs_finish(ctx->db, "crl-daily", d.period, outcome);
	return CRL_TICK_MS;
}
