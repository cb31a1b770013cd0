/*
 * 证书管理: the holder's certificates. Personal (/me): those whose holder is the caller.
 * Enterprise (/enterprise): those of the caller's active enterprise, seen by every
 * member (memberships from enterprise's events, common/memberproj.h); the holder and
 * the enterprise's admin may revoke. Another person's or enterprise's certificate is
 * not found, never forbidden, so a serial's existence does not leak.
 */
#include "certs.h"
#include "caller.h"
#include "dblist.h"
#include "dbrow.h"
#include "files.pb-c.h"
#include "memberproj.h"
#include "proof.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

/* The columns every view reads, in this order (manage_row). */
#define MANAGE_COLS                                                                                \
	"serial, ca, profile, subject, " DBROW_CST("not_before") ", " DBROW_CST(                   \
	        "not_after") ", CASE WHEN revoked_at IS NOT NULL THEN 'revoked'"                   \
	                     " WHEN not_after <= now() THEN 'expired'"                             \
	                     " WHEN not_after <= now() + interval '30 days' THEN 'expiring'"       \
	                     " ELSE 'valid' END, coalesce(medium, ''),"                            \
	                     " coalesce(holder_account_id, ''), coalesce(holder_enterprise_id, "   \
	                     "''), " DBROW_CST("revoked_at") ", revocation_reason"

/* Which certificates a scope sees: $1 the person, $2 the enterprise ('' for /me). */
#define MANAGE_WHERE                                                                               \
	" WHERE CASE WHEN $2 = '' THEN holder_account_id = $1"                                     \
	" AND " CERTS_HOLDER_LIVE("certificates") " ELSE holder_enterprise_id = $2 END"

int certs_scope_me(svc_ctx *ctx, certs_scope *s)
{
	memset(s, 0, sizeof *s);
	s->enterprise_id = "";
	return caller_person(ctx, &s->person_id);
}

int certs_scope_enterprise(svc_ctx *ctx, certs_scope *s)
{
	memberproj_row m;
	memset(s, 0, sizeof *s);
	int rv = caller_person(ctx, &s->person_id);
	if (rv != ST_OK)
		return rv;
	const char *ent = caller_enterprise_claim(ctx);
	if (!ent || !*ent)
		return status_err(ST_FORBIDDEN, NULL);
	/* A removed member's session may still claim the enterprise: membership is live. */
	rv = memberproj_get(ctx, s->person_id, ent, &m);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_FORBIDDEN, NULL);
	if (rv != ST_OK)
		return rv;
	s->enterprise_id = ent;
	s->admin = strcmp(m.role, "admin") == 0;
	return ST_OK;
}

static int manage_can_revoke(const certs_scope *s, const char *holder, const char *status)
{
	if (strcmp(status, "revoked") == 0)
		return 0;
	return strcmp(holder, s->person_id) == 0 || (*s->enterprise_id && s->admin);
}

static ProtobufCMessage *manage_row(svc_ctx *ctx, const PGresult *r, int i, void *arg)
{
	const certs_scope *s = arg;
	arena *a = ctx->arena;
	Certs__ManagedCertificate *c = arena_alloc(a, sizeof *c);
	certs__managed_certificate__init(c);
	c->serial = dbrow_text(a, r, i, 0);
	c->ca = dbrow_text(a, r, i, 1);
	c->profile = dbrow_text(a, r, i, 2);
	c->subject = dbrow_text(a, r, i, 3);
	c->not_before = dbrow_text(a, r, i, 4);
	c->not_after = dbrow_text(a, r, i, 5);
	c->status = dbrow_text(a, r, i, 6);
	c->medium = *PQgetvalue(r, i, 7) ? dbrow_text(a, r, i, 7) : NULL;
	c->holder_account_id = *PQgetvalue(r, i, 8) ? dbrow_text(a, r, i, 8) : NULL;
	c->holder_enterprise_id = *PQgetvalue(r, i, 9) ? dbrow_text(a, r, i, 9) : NULL;
	c->revoked_at = dbrow_text(a, r, i, 10);
	if (!PQgetisnull(r, i, 11))
		c->revocation_reason =
		        (char *)proof_reason_name((int)strtol(PQgetvalue(r, i, 11), NULL, 10));
	c->has_can_revoke = 1;
	c->can_revoke = manage_can_revoke(s, PQgetvalue(r, i, 8), c->status);
	return &c->base;
}

int certs_managed_load(svc_ctx *ctx, const certs_scope *s, const char *serial, int with_pem,
                       Certs__ManagedCertificate **out)
{
	PGresult *r = NULL;
	if (!serial || strlen(serial) != 32 || strspn(serial, "0123456789ABCDEF") != 32)
		return status_err(ST_CERT_NOT_FOUND, "serial");
	const char *v[] = {s->person_id, s->enterprise_id, serial};
	int rv = db_exec(ctx->db,
	                 "SELECT " MANAGE_COLS ", cert_der FROM certificates" MANAGE_WHERE
	                 " AND serial = $3",
	                 3, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_CERT_NOT_FOUND, "serial");
	}
	Certs__ManagedCertificate *c =
	        (Certs__ManagedCertificate *)manage_row(ctx, r, 0, (void *)s);
	if (with_pem) {
		size_t n = 0;
		unsigned char *der =
		        PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 12), &n);
		X509 *x = der ? ca_cert_from_der(der, n) : NULL;
		char *pem = x ? ca_cert_pem(x) : NULL;
		if (pem)
			c->certificate_pem = arena_strdup(ctx->arena, pem);
		free(pem);
		X509_free(x);
		PQfreemem(der);
	}
	PQclear(r);
	*out = c;
	return ST_OK;
}

static int manage_list(svc_ctx *ctx, const Certs__ListCertificatesRequest *q, const certs_scope *s,
                       ProtobufCMessage **out)
{
	dblist_page pg;
	const char *status = q->status ? q->status : "";
	int rv = dblist_page_init(q->has_page, q->page, q->has_page_size, q->page_size, &pg);
	if (rv != ST_OK)
		return rv;
	if (*status && strcmp(status, "valid") != 0 && strcmp(status, "expiring") != 0 &&
	    strcmp(status, "expired") != 0 && strcmp(status, "revoked") != 0)
		return status_err(ST_FIELD_RANGE, "status");
	const char *v[] = {s->person_id, s->enterprise_id, status, pg.limit, pg.offset};
	/* The status is computed, so the filter wraps the view. */
#define MANAGE_LIST_FROM                                                                           \
	" FROM (SELECT " MANAGE_COLS ", created_at FROM certificates" MANAGE_WHERE                 \
	") c(serial, ca, profile, subject, nb, na, status, medium, ha, he, ra, rr, created_at)"    \
	" WHERE $3 = '' OR status = $3"
	return dblist_query(
	        ctx, &certs__list_certificates_response__descriptor, &pg,
	        "SELECT count(*)" MANAGE_LIST_FROM, 3,
	        "SELECT serial, ca, profile, subject, nb, na, status, medium, ha, he, ra, "
	        "rr" MANAGE_LIST_FROM
	        " ORDER BY created_at DESC, serial LIMIT $4::int OFFSET $5::bigint",
	        5, v, manage_row, (void *)s, out);
#undef MANAGE_LIST_FROM
}

int certs_list_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_scope s;
	int rv = certs_scope_me(ctx, &s);
	return rv != ST_OK ? rv
	                   : manage_list(ctx, (const Certs__ListCertificatesRequest *)in, &s, out);
}

int certs_list_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_scope s;
	int rv = certs_scope_enterprise(ctx, &s);
	return rv != ST_OK ? rv
	                   : manage_list(ctx, (const Certs__ListCertificatesRequest *)in, &s, out);
}

static int manage_get(svc_ctx *ctx, const ProtobufCMessage *in, const certs_scope *s,
                      ProtobufCMessage **out)
{
	const Certs__GetCertificateRequest *q = (const Certs__GetCertificateRequest *)in;
	Certs__ManagedCertificate *c = NULL;
	int rv = certs_managed_load(ctx, s, q->serial, 1, &c);
	if (rv == ST_OK)
		*out = &c->base;
	return rv;
}

int certs_get_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_scope s;
	int rv = certs_scope_me(ctx, &s);
	return rv != ST_OK ? rv : manage_get(ctx, in, &s, out);
}

int certs_get_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_scope s;
	int rv = certs_scope_enterprise(ctx, &s);
	return rv != ST_OK ? rv : manage_get(ctx, in, &s, out);
}

/* certificate.pem | certificate.der | chain.pem of a certificate the scope sees. */
static int manage_download(svc_ctx *ctx, const ProtobufCMessage *in, const certs_scope *s,
                           ProtobufCMessage **out)
{
	const Certs__GetCertificateRequest *q = (const Certs__GetCertificateRequest *)in;
	const char *file = q->file ? q->file : "";
	int pem = strcmp(file, "certificate.pem") == 0, der = strcmp(file, "certificate.der") == 0,
	    chain = strcmp(file, "chain.pem") == 0;
	if (!pem && !der && !chain)
		return status_err(ST_NOT_FOUND, "file");
	Certs__ManagedCertificate *c = NULL;
	PGresult *r = NULL;
	int rv = certs_managed_load(ctx, s, q->serial, 0, &c);
	if (rv != ST_OK)
		return rv;
	const char *v[] = {c->serial};
	if ((rv = db_query(ctx->db,
	                   "SELECT cert_der, chain_pem FROM certificates WHERE serial = $1", 1, v,
	                   NULL, NULL, 1, &r)) != ST_OK)
		return rv;
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = arena_printf(ctx->arena, "%s-%s", c->serial, file);
	d->has_data = 1;
	if (der) {
		d->content_type = "application/pkix-cert";
		d->data.len = (size_t)PQgetlength(r, 0, 0);
		d->data.data = arena_alloc(ctx->arena, d->data.len + 1);
		memcpy(d->data.data, PQgetvalue(r, 0, 0), d->data.len);
	} else {
		const unsigned char *p = (const unsigned char *)PQgetvalue(r, 0, 0);
		X509 *x = d2i_X509(NULL, &p, PQgetlength(r, 0, 0));
		char *text = x ? ca_cert_pem(x) : NULL;
		X509_free(x);
		if (!text) {
			PQclear(r);
			return status_err(ST_INTERNAL, NULL);
		}
		/* chain.pem: the certificate, then the issuing CA and the root. */
		char *body = chain ? arena_printf(ctx->arena, "%s%s", text, PQgetvalue(r, 0, 1))
		                   : arena_strdup(ctx->arena, text);
		free(text);
		d->content_type = "application/x-pem-file";
		d->data.len = strlen(body);
		d->data.data = (uint8_t *)body;
	}
	PQclear(r);
	*out = &d->base;
	return ST_OK;
}

int certs_download_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_scope s;
	int rv = certs_scope_me(ctx, &s);
	return rv != ST_OK ? rv : manage_download(ctx, in, &s, out);
}

int certs_download_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_scope s;
	int rv = certs_scope_enterprise(ctx, &s);
	return rv != ST_OK ? rv : manage_download(ctx, in, &s, out);
}

/* The holder or the enterprise's admin revokes with a reason by its RFC 5280 name; the
 * revocation itself is RevokeCertificate's (CRL re-signed, audited, event). */
static int manage_revoke(svc_ctx *ctx, const ProtobufCMessage *in, const certs_scope *s,
                         ProtobufCMessage **out)
{
	const Certs__RevokeOwnCertificateRequest *q =
	        (const Certs__RevokeOwnCertificateRequest *)in;
	Certs__ManagedCertificate *c = NULL;
	ProtobufCMessage *done = NULL;
	int rv = certs_managed_load(ctx, s, q->serial, 0, &c);
	if (rv != ST_OK)
		return rv;
	int reason = proof_reason_parse(q->reason);
	if (reason < 0)
		return status_err(ST_CERT_REVOKE_REASON, "reason");
	if (strcmp(c->status, "revoked") == 0)
		return status_err(ST_CERT_ALREADY_REVOKED, "serial");
	if (!c->can_revoke)
		return status_err(ST_CERT_REVOKE_FORBIDDEN, NULL);
	Certs__RevokeCertificateRequest r = CERTS__REVOKE_CERTIFICATE_REQUEST__INIT;
	r.serial = c->serial;
	r.has_reason = 1;
	r.reason = reason;
	r.actor = arena_printf(ctx->arena, "person:%s", s->person_id);
	if ((rv = certs_revoke(ctx, &r.base, &done)) != ST_OK)
		return rv;
	if ((rv = certs_managed_load(ctx, s, c->serial, 0, &c)) != ST_OK)
		return rv;
	*out = &c->base;
	return ST_OK;
}

int certs_revoke_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_scope s;
	int rv = certs_scope_me(ctx, &s);
	return rv != ST_OK ? rv : manage_revoke(ctx, in, &s, out);
}

int certs_revoke_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_scope s;
	int rv = certs_scope_enterprise(ctx, &s);
	return rv != ST_OK ? rv : manage_revoke(ctx, in, &s, out);
}
