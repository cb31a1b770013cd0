/* The CAs in PostgreSQL: created on first start by one replica, then loaded (certs.h). */
#include "certs.h"
#include "change.h"
#include "log.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

/* Roots live 20 years, issuing CAs 10: longer than any certificate they sign (3). */
#define ROOT_DAYS    (20 * 365)
#define ISSUING_DAYS (10 * 365)

static const char *const ca_cn_root[CA_NALG] = {
        "SME Platform Root CA (RSA)", "SME Platform Root CA (ECDSA)", "SME Platform Root CA (SM2)"};
static const char *const ca_cn_issuing[CA_NALG] = {"SME Platform Issuing CA (RSA)",
                                                   "SME Platform Issuing CA (ECDSA)",
                                                   "SME Platform Issuing CA (SM2)"};

/* Inserts one CA row with its key sealed. */
static int store_put(svc_ctx *ctx, const char *name, ca_alg alg, const char *role, X509 *x,
                     EVP_PKEY *k)
{
	struct certs_app *app = CERTS_APP(ctx);
	unsigned char *der = NULL, *kder = NULL, *sealed = NULL;
	size_t dlen = 0, klen = 0, slen = 0;
	char aad[64];
	int rv = ST_INTERNAL;
	snprintf(aad, sizeof aad, "certs.cas.key/%s", name);
	if (ca_cert_der(x, &der, &dlen) != ST_OK || ca_key_der(k, &kder, &klen) != ST_OK ||
	    crypto_seal(&app->ca_seal, kder, klen, aad, &sealed, &slen) != 0)
		goto out;
	const char *v[] = {name, ca_alg_names[alg], role, (const char *)der, (const char *)sealed};
	int lens[] = {0, 0, 0, (int)dlen, (int)slen};
	int fmts[] = {0, 0, 0, 1, 1};
	rv = change_query(ctx,
	                  "INSERT INTO cas (name, algorithm, role, cert_der, key_sealed) "
	                  "VALUES ($1, $2, $3, $4, $5)",
	                  5, v, lens, fmts, NULL);
out:
	if (kder)
		OPENSSL_cleanse(kder, klen);
	OPENSSL_free(kder);
	OPENSSL_free(der);
	free(sealed);
	return rv == ST_OK ? ST_OK : status_err(rv == ST_INTERNAL ? ST_INTERNAL : rv, NULL);
}

/* Creates the six CAs and their first CRLs when the table is empty; the advisory lock
 * makes replicas starting together wait for the first, which then finds them. */
static int store_create_tx(svc_ctx *ctx, void *arg)
{
	(void)arg;
	PGresult *r = NULL;
	int rv = change_exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('certs.cas'))", 0, NULL,
	                     NULL);
	if (rv != ST_OK)
		return rv;
	if ((rv = change_exec(ctx, "SELECT 1 FROM cas LIMIT 1", 0, NULL, &r)) != ST_OK)
		return rv;
	long have = change_rows(r);
	PQclear(r);
	if (have > 0)
		return ST_OK;
	for (int a = 0; a < CA_NALG && rv == ST_OK; a++) {
		EVP_PKEY *rk = NULL, *ik = NULL;
		X509 *root = NULL, *iss = NULL;
		char rname[32];
		snprintf(rname, sizeof rname, "%s-root", ca_alg_names[a]);
		rv = ca_keygen((ca_alg)a, &rk);
		if (rv == ST_OK)
			rv = ca_keygen((ca_alg)a, &ik);
		if (rv == ST_OK)
			rv = ca_make_ca((ca_alg)a, ca_cn_root[a], ROOT_DAYS, 1, NULL, rk, rk,
			                &root);
		if (rv == ST_OK)
			rv = ca_make_ca((ca_alg)a, ca_cn_issuing[a], ISSUING_DAYS, 0, root, rk, ik,
			                &iss);
		if (rv == ST_OK)
			rv = store_put(ctx, rname, (ca_alg)a, "root", root, rk);
		if (rv == ST_OK)
			rv = store_put(ctx, ca_alg_names[a], (ca_alg)a, "issuing", iss, ik);
		X509_free(root);
		X509_free(iss);
		EVP_PKEY_free(rk);
		EVP_PKEY_free(ik);
	}
	if (rv != ST_OK)
		return rv;
	return change_record(ctx, "system:certs", "ca/platform", "ca.created",
	                     json_pack("{s:s}", "algorithms", "rsa,ecdsa,sm2"), NULL);
}

/* Opens a sealed key of CA name. */
static EVP_PKEY *store_key(struct certs_app *app, const char *name, const unsigned char *s,
                           size_t n)
{
	char aad[64], *plain = NULL;
	size_t plen = 0;
	snprintf(aad, sizeof aad, "certs.cas.key/%s", name);
	if (crypto_open(&app->ca_seal, s, n, aad, &plain, &plen) != 0)
		return NULL;
	EVP_PKEY *k = ca_key_from_der((const unsigned char *)plain, plen);
	OPENSSL_cleanse(plain, plen);
	free(plain);
	return k;
}

static int store_load(svc_ctx *ctx)
{
	struct certs_app *app = CERTS_APP(ctx);
	PGresult *r = NULL;
	int rv = db_query(ctx->db,
	                  "SELECT name, algorithm, role, cert_der, key_sealed FROM cas "
	                  "WHERE role IN ('root', 'issuing')",
	                  0, NULL, NULL, NULL, 1, &r);
	if (rv != ST_OK)
		return rv;
	for (int i = 0; i < PQntuples(r); i++) {
		char name[32], alg_s[16], role[16];
		snprintf(name, sizeof name, "%.*s", PQgetlength(r, i, 0), PQgetvalue(r, i, 0));
		snprintf(alg_s, sizeof alg_s, "%.*s", PQgetlength(r, i, 1), PQgetvalue(r, i, 1));
		snprintf(role, sizeof role, "%.*s", PQgetlength(r, i, 2), PQgetvalue(r, i, 2));
		int alg = ca_alg_parse(alg_s);
		X509 *x = ca_cert_from_der((const unsigned char *)PQgetvalue(r, i, 3),
		                           (size_t)PQgetlength(r, i, 3));
		if (alg < 0 || !x) {
			X509_free(x);
			continue;
		}
		ca_cert_set_id((ca_alg)alg, x);
		struct certs_ca *c = &app->ca[alg];
		if (strcmp(role, "root") == 0) {
			X509_free(c->root);
			c->root = x;
			continue;
		}
		X509_free(c->issuing);
		c->issuing = x;
		EVP_PKEY_free(c->issuing_key);
		c->issuing_key = store_key(app, name, (const unsigned char *)PQgetvalue(r, i, 4),
		                           (size_t)PQgetlength(r, i, 4));
	}
	PQclear(r);
	for (int a = 0; a < CA_NALG; a++) {
		struct certs_ca *c = &app->ca[a];
		char *ip = NULL, *rp = NULL;
		if (!c->root || !c->issuing || !c->issuing_key || !(ip = ca_cert_pem(c->issuing)) ||
		    !(rp = ca_cert_pem(c->root))) {
			free(ip);
			free(rp);
			log_kv(LOGL_ERROR, NULL, "CA not loadable (wrong CERTS_CA_KEY?)", "ca",
			       ca_alg_names[a], NULL);
			return ST_INTERNAL;
		}
		free(c->chain_pem);
		size_t n = strlen(ip) + strlen(rp) + 1;
		if ((c->chain_pem = malloc(n)))
			snprintf(c->chain_pem, n, "%s%s", ip, rp);
		free(ip);
		free(rp);
		if (!c->chain_pem)
			return ST_INTERNAL;
	}
	return ST_OK;
}

/* The first CRL of each issuing CA: written once the CAs are loaded. */
static int store_first_crls_tx(svc_ctx *ctx, void *arg)
{
	(void)arg;
	for (int a = 0; a < CA_NALG; a++) {
		PGresult *r = NULL;
		const char *v[] = {ca_alg_names[a]};
		int rv = change_exec(ctx,
		                     "SELECT 1 FROM cas WHERE name = $1 AND crl_der IS NULL "
		                     "FOR UPDATE",
		                     1, v, &r);
		if (rv != ST_OK)
			return rv;
		long n = change_rows(r);
		PQclear(r);
		if (n > 0 && (rv = certs_crl_resign(ctx, (ca_alg)a)) != ST_OK)
			return rv;
	}
	return ST_OK;
}

int certs_store_start(svc_ctx *ctx)
{
	int rv = change_run(ctx, store_create_tx, NULL);
	if (rv != ST_OK)
		return rv;
	if ((rv = store_load(ctx)) != ST_OK)
		return rv;
	return change_run(ctx, store_first_crls_tx, NULL);
}

int certs_crl_resign(svc_ctx *ctx, ca_alg alg)
{
	struct certs_app *app = CERTS_APP(ctx);
	struct certs_ca *c = &app->ca[alg];
	PGresult *r = NULL, *n = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	ca_revoked *list = NULL;
	const char *v[] = {ca_alg_names[alg]};
	int rv = change_exec(ctx, "SELECT crl_number + 1 FROM cas WHERE name = $1 FOR UPDATE", 1, v,
	                     &n);
	if (rv != ST_OK)
		return rv;
	if ((rv = change_exec(ctx,
	                      "SELECT serial, extract(epoch FROM revoked_at)::bigint, "
	                      "revocation_reason FROM certificates "
	                      "WHERE ca = $1 AND revoked_at IS NOT NULL",
	                      1, v, &r)) != ST_OK)
		goto out;
	size_t cnt = (size_t)PQntuples(r);
	list = calloc(cnt ? cnt : 1, sizeof *list);
	if (!list || PQntuples(n) != 1) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	for (size_t i = 0; i < cnt; i++) {
		long long at = 0, why = 0;
		sscanf(PQgetvalue(r, (int)i, 1), "%lld", &at);
		sscanf(PQgetvalue(r, (int)i, 2), "%lld", &why);
		list[i] = (ca_revoked){PQgetvalue(r, (int)i, 0), (time_t)at, (int)why};
	}
	long number = strtol(PQgetvalue(n, 0, 0), NULL, 10);
	/* Next update in 25 hours: the daily re-signing (a later slice) comes before it. */
	if ((rv = ca_crl(alg, c->issuing, c->issuing_key, list, cnt, number, 25, &der, &len)) !=
	    ST_OK)
		goto out;
	char num[24];
	snprintf(num, sizeof num, "%ld", number);
	const char *u[] = {ca_alg_names[alg], (const char *)der, num};
	int lens[] = {0, (int)len, 0};
	int fmts[] = {0, 1, 0};
	rv = change_query(ctx,
	                  "UPDATE cas SET crl_der = $2, crl_number = $3::bigint WHERE name = $1", 3,
	                  u, lens, fmts, NULL);
out:
	OPENSSL_free(der);
	free(list);
	PQclear(r);
	PQclear(n);
	return rv;
}

void certs_store_free(struct certs_app *app)
{
	for (int a = 0; a < CA_NALG; a++) {
		X509_free(app->ca[a].root);
		X509_free(app->ca[a].issuing);
		EVP_PKEY_free(app->ca[a].issuing_key);
		free(app->ca[a].chain_pem);
	}
}

int certs_store_put(svc_ctx *ctx, const char *name, ca_alg alg, const char *role, X509 *x,
                    EVP_PKEY *k)
{
	return store_put(ctx, name, alg, role, x, k);
}

EVP_PKEY *certs_store_open(struct certs_app *app, const char *name, const unsigned char *sealed,
                           size_t n)
{
	return store_key(app, name, sealed, n);
}
