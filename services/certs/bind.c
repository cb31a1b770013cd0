/*
 * Binding a certificate the platform issued to the person or enterprise it names, by
 * proof of possession: a signature over a single-use challenge. Personal: the subject's
 * serialNumber (the ID number's blind index) must be the caller's, as accounts keeps
 * it. Enterprise: the caller is the admin of its active enterprise, and the certificate
 * names that enterprise (its recorded holder, or else its organisation name is the
 * enterprise's certified name). A certificate bound to another account stays theirs, but
 * an enterprise's certificate whose holder has left it goes to the admin who binds it.
 */
#include "certs.h"
#include "accounts.pb-c.h"
#include "change.h"
#include "status.h"

#include <string.h>
#include <strings.h>

#define BIND_CALL_MS 3000

/* The caller's ID-number blind index, from accounts ("" when not verified). */
static int bind_id_hash(svc_ctx *ctx, const char *person_id, const char **out)
{
	struct certs_app *app = CERTS_APP(ctx);
	Accounts__CheckCertificateHolderRequest q =
	        ACCOUNTS__CHECK_CERTIFICATE_HOLDER_REQUEST__INIT;
	ProtobufCMessage *o = NULL;
	if (!app->accounts)
		return status_err(ST_UNAVAILABLE, NULL);
	q.person_id = (char *)person_id;
	int rv = bus_call(app->accounts, "CheckCertificateHolder", ctx->caller, BIND_CALL_MS,
	                  &q.base, &accounts__certificate_holder__descriptor, ctx->arena, &o);
	if (rv != ST_OK)
		return rv;
	const Accounts__CertificateHolder *h = (const Accounts__CertificateHolder *)o;
	*out = h->id_number_hash ? h->id_number_hash : "";
	return ST_OK;
}

struct bind_tx {
	const char *serial, *person, *enterprise, *actor;
};

static int bind_tx(svc_ctx *ctx, void *arg)
{
	struct bind_tx *t = arg;
	const char *v[] = {t->serial, t->person, t->enterprise};
	int rv = change_guard(
	        ctx, ST_CERT_BOUND_ELSEWHERE, "certificate_pem",
	        "UPDATE certificates SET holder_account_id = CASE WHEN"
	        " " CERTS_HOLDER_LIVE(
	                "certificates") " THEN coalesce(holder_account_id, $2) ELSE $2 END,"
	                                " holder_enterprise_id = coalesce(holder_enterprise_id, "
	                                "NULLIF($3, ''))"
	                                " WHERE serial = $1 AND revoked_at IS NULL"
	                                " AND (holder_account_id IS NULL OR holder_account_id = $2"
	                                "      OR ($3 <> '' AND holder_enterprise_id = $3))"
	                                " RETURNING serial",
	        3, v, NULL);
	if (rv != ST_OK)
		return rv;
	return change_record(
	        ctx, t->actor, arena_printf(ctx->arena, "certificate/%s", t->serial),
	        "certificate.bound",
	        json_pack("{s:s}", "scope", *t->enterprise ? "enterprise" : "personal"), NULL);
}

static int bind_finish(svc_ctx *ctx, const certs_scope *s, const certs_held *h,
                       ProtobufCMessage **out)
{
	struct bind_tx t = {h->serial, s->person_id, s->enterprise_id,
	                    arena_printf(ctx->arena, "person:%s", s->person_id)};
	Certs__ManagedCertificate *c = NULL;
	int rv = change_run(ctx, bind_tx, &t);
	if (rv != ST_OK)
		return rv;
	if ((rv = certs_managed_load(ctx, s, h->serial, 0, &c)) != ST_OK)
		return rv;
	*out = &c->base;
	return ST_OK;
}

int certs_bind_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_scope s;
	certs_held h;
	const char *mine = NULL;
	int rv = certs_scope_me(ctx, &s);
	if (rv != ST_OK)
		return rv;
	if ((rv = certs_possession_check(ctx, (const Certs__CertificateProof *)in, "bind",
	                                 s.person_id, &h)) != ST_OK)
		return rv;
	if (strcmp(h.profile, "personal") != 0)
		return status_err(ST_CERT_OTHER_HOLDER, "certificate_pem");
	if (*h.holder_account && strcmp(h.holder_account, s.person_id) != 0)
		return status_err(ST_CERT_BOUND_ELSEWHERE, "certificate_pem");
	if ((rv = bind_id_hash(ctx, s.person_id, &mine)) != ST_OK)
		return rv;
	if (!*mine || strcasecmp(mine, h.id_hash) != 0)
		return status_err(ST_CERT_OTHER_HOLDER, "certificate_pem");
	return bind_finish(ctx, &s, &h, out);
}

int certs_bind_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	certs_scope s;
	certs_held h;
	int rv = certs_scope_enterprise(ctx, &s);
	if (rv != ST_OK)
		return rv;
	if (!s.admin)
		return status_err(ST_CERT_ADMIN_REQUIRED, NULL);
	if ((rv = certs_possession_check(ctx, (const Certs__CertificateProof *)in, "bind",
	                                 s.person_id, &h)) != ST_OK)
		return rv;
	if (strcmp(h.profile, "enterprise") != 0)
		return status_err(ST_CERT_OTHER_HOLDER, "certificate_pem");
	/* Only the enterprise recorded at issuance (from the registry, by the application):
	 * an O naming the enterprise proves nothing — anyone may type a name. */
	if (!*h.holder_enterprise || strcmp(h.holder_enterprise, s.enterprise_id) != 0)
		return status_err(ST_CERT_OTHER_HOLDER, "certificate_pem");
	return bind_finish(ctx, &s, &h, out);
}
