/*
 * Receiving accounts for other services (bus-only, service Enterprise):
 * GetReceivingAccount, the masked account of an enterprise for anyone on the bus (billfin
 * checks it is the enterprise's and verified); UnsealReceivingAccount, the number of a
 * VERIFIED account for a payout, only to the services of ENTERPRISE_ACCOUNT_UNSEAL_CALLERS,
 * with a purpose and a reference, each call (refusals included) audited without the
 * number.
 */
#include "enterprise.h"
#include "receiving_accounts.h"

#include "caller.h"
#include "change.h"
#include "dbrow.h"
#include "enterprise.pb-c.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <string.h>

#define UNSEAL_TEXT_MAX 100 /* characters of purpose and reference */

int enterprise_unseal_allowed(const char *callers, const char *service)
{
	if (!callers || !service || !*service)
		return 0;
	size_t n = strlen(service);
	for (const char *p = callers; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *end = p;
		while (*end && *end != ',' && *end != ' ')
			end++;
		if ((size_t)(end - p) == n && strncmp(p, service, n) == 0)
			return 1;
		p = end;
	}
	return 0;
}

int enterprise_receiving_account_get(svc_ctx *ctx, const ProtobufCMessage *in,
                                     ProtobufCMessage **out)
{
	const Enterprise__GetReceivingAccountRequest *req =
	        (const Enterprise__GetReceivingAccountRequest *)in;
	Enterprise__ReceivingAccount *acc = NULL;
	int rv = enterprise_account_load(ctx, req->enterprise_id, req->account_id, &acc);
	if (rv != ST_OK)
		return rv == ST_NOT_FOUND ? status_err(ST_NOT_FOUND, "account_id") : rv;
	*out = &acc->base;
	return ST_OK;
}

struct unseal_audit {
	const Enterprise__UnsealReceivingAccountRequest *req;
	const char *service, *outcome;
};

static int unseal_audit_tx(svc_ctx *ctx, void *arg)
{
	struct unseal_audit *u = arg;
	const Enterprise__UnsealReceivingAccountRequest *q = u->req;
	json_t *d = json_pack("{s:s, s:s?, s:s?, s:s?, s:s}", "service", u->service,
	                      "enterprise_id", q->enterprise_id, "purpose", q->purpose, "reference",
	                      q->reference, "outcome", u->outcome);
	return change_record(ctx, arena_printf(ctx->arena, "service:%s", u->service),
	                     arena_printf(ctx->arena, "receiving_account/%s",
	                                  q->account_id ? q->account_id : ""),
	                     "receiving_account.unseal", d, NULL);
}

/* The audit entry of one call, then the call's status rv (its detail kept). */
static int unseal_audited(svc_ctx *ctx, struct unseal_audit *u, int rv)
{
	int code = rv;
	const char *field = status_field();
	int arv = change_run(ctx, unseal_audit_tx, u);
	if (arv != ST_OK)
		return arv;
	return code == ST_OK ? ST_OK : status_err(code, field);
}

int enterprise_receiving_account_unseal(svc_ctx *ctx, const ProtobufCMessage *in,
                                        ProtobufCMessage **out)
{
	const Enterprise__UnsealReceivingAccountRequest *req =
	        (const Enterprise__UnsealReceivingAccountRequest *)in;
	struct unseal_audit u = {req, caller_service(ctx), NULL};
	Enterprise__ReceivingAccount *acc = NULL;
	PGresult *r = NULL;
	char *number = NULL;
	int rv;
	if (!u.service)
		return status_err(ST_ACCOUNT_UNSEAL_DENIED, NULL);
	if (!req->purpose || !*req->purpose)
		return status_err(ST_FIELD_REQUIRED, "purpose");
	if ((rv = validate_text(req->purpose, UNSEAL_TEXT_MAX)) != 0)
		return status_err(rv, "purpose");
	if (!req->reference || !*req->reference)
		return status_err(ST_FIELD_REQUIRED, "reference");
	if ((rv = validate_text(req->reference, UNSEAL_TEXT_MAX)) != 0)
		return status_err(rv, "reference");
	if (!enterprise_unseal_allowed(ENTERPRISE_APP(ctx)->unseal_callers, u.service)) {
		u.outcome = "refused: caller not listed";
		log_kv(LOGL_WARN, ctx->request_id, "unseal refused: caller not listed", "service",
		       u.service, NULL);
		return unseal_audited(ctx, &u, status_err(ST_ACCOUNT_UNSEAL_DENIED, NULL));
	}
	if ((rv = enterprise_account_load(ctx, req->enterprise_id, req->account_id, &acc)) !=
	    ST_OK) {
		if (rv != ST_NOT_FOUND)
			return rv;
		u.outcome = "refused: not found";
		return unseal_audited(ctx, &u, status_err(ST_NOT_FOUND, "account_id"));
	}
	if (strcmp(acc->state, "verified") != 0) {
		u.outcome = "refused: not verified";
		return unseal_audited(ctx, &u, status_err(ST_ACCOUNT_NOT_VERIFIED, "account_id"));
	}
	const char *vals[] = {req->account_id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT account_number_enc FROM receiving_accounts WHERE id = $1::uuid",
	                  1, vals, &r)) != ST_OK)
		return status_err(rv, NULL);
	rv = PQntuples(r) == 1
	             ? dbrow_open(ctx, &ENTERPRISE_APP(ctx)->keys, r, 0, 0, ACCOUNT_AAD, &number)
	             : status_err(ST_NOT_FOUND, "account_id");
	PQclear(r);
	if (rv != ST_OK)
		return rv;
	/* Audited before the number leaves: no entry, no number. */
	u.outcome = "unsealed";
	if ((rv = unseal_audited(ctx, &u, ST_OK)) != ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, "receiving account unsealed", "service", u.service,
	       "account", req->account_id, "number", acc->account_number_masked, "purpose",
	       req->purpose, NULL);
	Enterprise__UnsealedReceivingAccount *o = arena_alloc(ctx->arena, sizeof *o);
	enterprise__unsealed_receiving_account__init(o);
	o->account = acc;
	o->account_number = number;
	*out = &o->base;
	return ST_OK;
}
