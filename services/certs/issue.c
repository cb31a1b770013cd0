/* Issuance and revocation (bus-only, with development twins) and the published CRLs. */
#include "certs.h"
#include "change.h"
#include "files.pb-c.h"
#include "profiles.h"
#include "status.h"

#include <openssl/x509v3.h>

#include <stdlib.h>
#include <string.h>

int certs_issue_store(svc_ctx *ctx, const certs_issued *t)
{
	const char *v[] = {t->serial,
	                   t->ca,
	                   t->profile,
	                   t->subject,
	                   t->spki,
	                   t->chain,
	                   t->nb,
	                   t->na,
	                   (const char *)t->der,
	                   t->holder_account,
	                   t->holder_enterprise,
	                   t->medium,
	                   t->application};
	int lens[] = {0, 0, 0, 0, 0, 0, 0, 0, (int)t->len, 0, 0, 0, 0};
	int fmts[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
	int rv = change_unique(
	        ctx, ST_CERT_KEY_REUSED, "csr",
	        "INSERT INTO certificates (serial, ca, profile, subject, spki_sha256, "
	        "chain_pem, not_before, not_after, cert_der, holder_account_id, "
	        "holder_enterprise_id, medium, application_id) "
	        "VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8::timestamptz, $9, "
	        "NULLIF($10, ''), NULLIF($11, ''), NULLIF($12, ''), NULLIF($13, ''))",
	        13, v, lens, fmts, NULL);
	if (rv != ST_OK)
		return rv;
	Certs__CertificateEvent e = CERTS__CERTIFICATE_EVENT__INIT;
	e.serial = (char *)t->serial;
	e.ca = (char *)t->ca;
	e.profile = (char *)t->profile;
	e.not_after = (char *)t->na;
	e.holder_account_id = *t->holder_account ? (char *)t->holder_account : NULL;
	e.holder_enterprise_id = *t->holder_enterprise ? (char *)t->holder_enterprise : NULL;
	change_event ev = {.type = "certs.certificate.issued", .payload = &e.base};
	return change_record(ctx, t->actor, arena_printf(ctx->arena, "certificate/%s", t->serial),
	                     "certificate.issued",
	                     json_pack("{s:s,s:s,s:s}", "ca", t->ca, "profile", t->profile,
	                               "spki_sha256", t->spki),
	                     &ev);
}

/* An ASN1_TIME as RFC 3339 UTC in the arena. */
static char *issue_time(arena *a, const ASN1_TIME *t)
{
	struct tm tm;
	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return arena_strdup(a, "");
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static char *issue_subject_text(arena *a, X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *out;
	long len = 0;
	if (b && X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0)
		len = BIO_get_mem_data(b, &p);
	out = arena_alloc(a, (size_t)(len > 0 ? len : 0) + 1);
	if (len > 0)
		memcpy(out, p, (size_t)len);
	out[len > 0 ? len : 0] = '\0';
	BIO_free(b);
	return out;
}

int certs_issue_make(svc_ctx *ctx, const Certs__IssueCertificateRequest *q, EVP_PKEY *key,
                     time_t not_after, certs_issued *t)
{
	struct certs_app *app = CERTS_APP(ctx);
	EVP_PKEY *pub = NULL;
	X509_NAME *name = NULL;
	X509 *x = NULL;
	char *pem = NULL;
	int rv;
	int alg = ca_alg_parse(q->algorithm);
	int prof = profile_parse(q->profile);
	memset(t, 0, sizeof *t);
	if (alg < 0)
		return status_err(ST_CERT_ALGORITHM, "algorithm");
	if (prof < 0)
		return status_err(ST_CERT_PROFILE, "profile");
	if (q->validity_years < 1 || q->validity_years > 3)
		return status_err(ST_CERT_VALIDITY, "validity_years");
	if (!key && (!q->csr || !*q->csr))
		return status_err(ST_CERT_KEY_SOURCE, "csr");
	profile_subject s = {q->common_name, q->organization, q->uscc, q->id_number};
	if ((rv = profile_subject_name((profile_kind)prof, &s, &app->pii, &name)) != ST_OK)
		return rv;
	if (key) {
		if (EVP_PKEY_up_ref(key) != 1) {
			rv = status_err(ST_INTERNAL, NULL);
			goto out;
		}
		pub = key;
	} else if ((rv = ca_csr_check((ca_alg)alg, (const unsigned char *)q->csr, strlen(q->csr),
	                              &pub)) != ST_OK)
		goto out;
	if ((rv = ca_spki_sha256(pub, t->spki)) != ST_OK)
		goto out;
	struct certs_ca *c = &app->ca[alg];
	ca_ee_spec spec;
	char *crl = arena_printf(ctx->arena, "%s/%s.crl", app->crl_base_url, ca_alg_names[alg]);
	profile_spec((profile_kind)prof, name, (int)q->validity_years, crl, app->ocsp_url, &spec);
	spec.not_after = not_after;
	if ((rv = ca_issue((ca_alg)alg, c->issuing, c->issuing_key, pub, &spec, &x, t->serial)) !=
	    ST_OK)
		goto out;
	if ((rv = ca_cert_der(x, &t->der, &t->len)) != ST_OK || !(pem = ca_cert_pem(x))) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	t->pem = arena_strdup(ctx->arena, pem);
	t->actor = q->actor && *q->actor ? q->actor : "service:unknown";
	t->ca = ca_alg_names[alg];
	t->profile = profile_names[prof];
	t->subject = issue_subject_text(ctx->arena, name);
	t->chain = c->chain_pem;
	t->holder_account = q->holder_account_id ? q->holder_account_id : "";
	t->holder_enterprise = q->holder_enterprise_id ? q->holder_enterprise_id : "";
	t->medium = q->medium ? q->medium : "";
	t->application = q->application_id ? q->application_id : "";
	t->nb = issue_time(ctx->arena, X509_get0_notBefore(x));
	t->na = issue_time(ctx->arena, X509_get0_notAfter(x));
	t->x = x;
	x = NULL;
	rv = ST_OK;
out:
	free(pem);
	X509_free(x);
	X509_NAME_free(name);
	EVP_PKEY_free(pub);
	return rv;
}

void certs_issued_free(certs_issued *t)
{
	OPENSSL_free(t->der);
	X509_free(t->x);
	t->der = NULL;
	t->x = NULL;
}

Certs__Certificate *certs_issued_message(svc_ctx *ctx, const certs_issued *t)
{
	Certs__Certificate *o = arena_alloc(ctx->arena, sizeof *o);
	certs__certificate__init(o);
	o->serial = arena_strdup(ctx->arena, t->serial);
	o->ca = (char *)t->ca;
	o->profile = (char *)t->profile;
	o->subject = (char *)t->subject;
	o->not_before = (char *)t->nb;
	o->not_after = (char *)t->na;
	o->status = "valid";
	o->certificate_pem = (char *)t->pem;
	o->chain_pem = (char *)t->chain;
	return o;
}

static int issue_tx(svc_ctx *ctx, void *arg) { return certs_issue_store(ctx, arg); }

int certs_issue(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_issued t;
	int rv = certs_issue_make(ctx, (const Certs__IssueCertificateRequest *)in, NULL, 0, &t);
	if (rv != ST_OK)
		return rv;
	if ((rv = change_run(ctx, issue_tx, &t)) == ST_OK) {
		*out = &certs_issued_message(ctx, &t)->base;
		rv = ST_CREATED;
	}
	certs_issued_free(&t);
	return rv;
}

struct revoke_tx {
	const char *serial, *actor, *reason;
	int alg;
	Certs__Certificate *o;
};

static int revoke_tx(svc_ctx *ctx, void *arg)
{
	struct revoke_tx *t = arg;
	PGresult *r = NULL;
	const char *v[] = {t->serial};
	int rv = change_exec(ctx,
	                     "SELECT ca, revoked_at IS NOT NULL, profile, "
	                     "coalesce(holder_account_id, ''), coalesce(holder_enterprise_id, '') "
	                     "FROM certificates WHERE serial = $1 FOR UPDATE",
	                     1, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_CERT_NOT_FOUND, "serial");
	}
	t->alg = ca_alg_parse(PQgetvalue(r, 0, 0));
	int revoked = PQgetvalue(r, 0, 1)[0] == 't';
	t->o->ca = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
	t->o->profile = arena_strdup(ctx->arena, PQgetvalue(r, 0, 2));
	const char *ha = arena_strdup(ctx->arena, PQgetvalue(r, 0, 3));
	const char *he = arena_strdup(ctx->arena, PQgetvalue(r, 0, 4));
	PQclear(r);
	if (revoked)
		return status_err(ST_CERT_ALREADY_REVOKED, "serial");
	if (t->alg < 0)
		return status_err(ST_INTERNAL, NULL);
	const char *u[] = {t->serial, t->reason};
	if ((rv = change_guard(ctx, ST_CERT_ALREADY_REVOKED, "serial",
	                       "UPDATE certificates SET revoked_at = now(), revocation_reason = "
	                       "$2::int WHERE serial = $1 AND revoked_at IS NULL "
	                       "RETURNING to_char(revoked_at AT TIME ZONE 'UTC', "
	                       "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
	                       2, u, &r)) != ST_OK)
		return rv;
	t->o->revoked_at = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
	PQclear(r);
	if ((rv = certs_crl_resign(ctx, (ca_alg)t->alg)) != ST_OK)
		return rv;
	Certs__CertificateEvent e = CERTS__CERTIFICATE_EVENT__INIT;
	e.serial = (char *)t->serial;
	e.ca = t->o->ca;
	e.profile = t->o->profile;
	e.has_reason = 1;
	e.reason = t->o->revocation_reason;
	e.holder_account_id = *ha ? (char *)ha : NULL;
	e.holder_enterprise_id = *he ? (char *)he : NULL;
	change_event ev = {.type = "certs.certificate.revoked", .payload = &e.base};
	return change_record(ctx, t->actor, arena_printf(ctx->arena, "certificate/%s", t->serial),
	                     "certificate.revoked",
	                     json_pack("{s:i}", "reason", t->o->revocation_reason), &ev);
}

int certs_revoke(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__RevokeCertificateRequest *q = (const Certs__RevokeCertificateRequest *)in;
	if (!q->serial || strlen(q->serial) != 32 || strspn(q->serial, "0123456789ABCDEF") != 32)
		return status_err(ST_CERT_NOT_FOUND, "serial");
	if (!q->has_reason || !ca_reason_valid(q->reason))
		return status_err(ST_CERT_REVOKE_REASON, "reason");
	Certs__Certificate *o = arena_alloc(ctx->arena, sizeof *o);
	certs__certificate__init(o);
	o->serial = q->serial;
	o->has_revocation_reason = 1;
	o->revocation_reason = q->reason;
	o->status = "revoked";
	struct revoke_tx t = {q->serial, q->actor && *q->actor ? q->actor : "service:unknown",
	                      arena_printf(ctx->arena, "%d", (int)q->reason), -1, o};
	int rv = change_run(ctx, revoke_tx, &t);
	if (rv != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

/* The development twins exist for the phase test (curl through the gateway's
 * GW_AUTH_DEV routes); in production they are not found, like the routes. */
int certs_dev_issue(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	if (!CERTS_APP(ctx)->development)
		return status_err(ST_NOT_FOUND, NULL);
	return certs_issue(ctx, in, out);
}

int certs_dev_revoke(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	if (!CERTS_APP(ctx)->development)
		return status_err(ST_NOT_FOUND, NULL);
	return certs_revoke(ctx, in, out);
}

int certs_get_crl(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__GetCrlRequest *q = (const Certs__GetCrlRequest *)in;
	char name[16];
	size_t n = q->file ? strlen(q->file) : 0;
	if (n < 5 || n - 4 >= sizeof name || strcmp(q->file + n - 4, ".crl") != 0)
		return status_err(ST_CERT_CA_UNKNOWN, "file");
	snprintf(name, sizeof name, "%.*s", (int)(n - 4), q->file);
	if (ca_alg_parse(name) < 0)
		return status_err(ST_CERT_CA_UNKNOWN, "file");
	PGresult *r = NULL;
	const char *v[] = {name};
	int rv =
	        db_query(ctx->db, "SELECT crl_der FROM cas WHERE name = $1 AND crl_der IS NOT NULL",
	                 1, v, NULL, NULL, 1, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_CERT_CA_UNKNOWN, "file");
	}
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = arena_strdup(ctx->arena, q->file);
	d->content_type = "application/pkix-crl";
	d->has_data = 1;
	d->data.len = (size_t)PQgetlength(r, 0, 0);
	d->data.data = arena_alloc(ctx->arena, d->data.len + 1);
	memcpy(d->data.data, PQgetvalue(r, 0, 0), d->data.len);
	PQclear(r);
	*out = &d->base;
	return ST_OK;
}
