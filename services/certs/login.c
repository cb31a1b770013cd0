/*
 * Certificate login: a signature over a login challenge by the key of a certificate we
 * issued, valid and not revoked by us, bound to an account. certs checks all that;
 * accounts opens the session (OpenCertificateSession, callable by certs alone), so a
 * disabled account is refused where the password login refuses it. Every failure is a
 * 401 with its own code. The gateway limits attempts per client address as for the
 * password login (GW_LIMIT_LOGIN); a challenge is tried once.
 */
#include "certs.h"
#include "accounts.pb-c.h"
#include "log.h"
#include "status.h"

#include <string.h>

#define LOGIN_CALL_MS 3000

int certs_login(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	struct certs_app *app = CERTS_APP(ctx);
	certs_held h;
	ProtobufCMessage *o = NULL;
	int rv =
	        certs_possession_check(ctx, (const Certs__CertificateProof *)in, "login", NULL, &h);
	if (rv != ST_OK) {
		log_kv(LOGL_INFO, ctx->request_id, "certificate login refused", "code",
		       status_code_name(rv), NULL);
		return rv;
	}
	if (!*h.holder_account)
		return status_err(ST_CERT_UNBOUND, "certificate_pem");
	if (!app->accounts)
		return status_err(ST_UNAVAILABLE, NULL);
	Accounts__OpenCertificateSessionRequest q =
	        ACCOUNTS__OPEN_CERTIFICATE_SESSION_REQUEST__INIT;
	q.person_id = (char *)h.holder_account;
	q.serial = h.serial;
	if ((rv = bus_call(app->accounts, "OpenCertificateSession", ctx->caller, LOGIN_CALL_MS,
	                   &q.base, &accounts__login_response__descriptor, ctx->arena, &o)) !=
	    ST_OK)
		return rv;
	const Accounts__LoginResponse *s = (const Accounts__LoginResponse *)o;
	Certs__CertificateLoginResponse *r = arena_alloc(ctx->arena, sizeof *r);
	certs__certificate_login_response__init(r);
	r->token = s->token;
	r->csrf_token = s->csrf_token;
	r->has_expires_in = s->has_expires_in;
	r->expires_in = s->expires_in;
	r->has_max_age = s->has_max_age;
	r->max_age = s->max_age;
	r->person_id = (char *)h.holder_account;
	r->serial = arena_strdup(ctx->arena, h.serial);
	*out = &r->base;
	return ST_OK;
}
