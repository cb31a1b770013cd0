/*
 * GetContact: a person's phone and e-mail in clear, for notify alone (bus-only), to send
 * an SMS or e-mail it queued. Every call leaves an audit entry naming the caller service,
 * so reading contact data leaves a trace; notify keeps no copy of what it gets.
 */
#include "accounts.h"

#include "accounts.pb-c.h"
#include "caller.h"
#include "change.h"
#include "dbrow.h"
#include "status.h"
#include "validate.h"

#include <string.h>

#define CONTACT_PHONE_AAD "accounts.persons.phone"

struct contact_read {
	const char *person_id;
	PGresult *res; /* phone_enc, email */
};

static int contact_read_tx(svc_ctx *ctx, void *arg)
{
	struct contact_read *c = arg;
	const char *v[] = {c->person_id};
	int rv = change_exec(
	        ctx, "SELECT phone_enc, email FROM persons WHERE id = $1::uuid AND NOT disabled", 1,
	        v, &c->res);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(c->res) != 1)
		return status_err(ST_NOT_FOUND, "person_id");
	return change_record(ctx, "service:notify",
	                     arena_printf(ctx->arena, "person/%s", c->person_id), "contact.read",
	                     json_pack("{s:b}", "email", !PQgetisnull(c->res, 0, 1)), NULL);
}

int accounts_contact_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__GetContactRequest *req = (const Accounts__GetContactRequest *)in;
	struct contact_read c = {req->person_id, NULL};
	char *phone = NULL;
	int rv;
	/* Notify alone: to any other caller the method does not exist. */
	const char *svc = caller_service(ctx);
	if (!svc || strcmp(svc, "notify") != 0)
		return status_err(ST_ROUTE_NOT_FOUND, NULL);
	if (!req->person_id || !validate_uuid(req->person_id))
		return status_err(ST_NOT_FOUND, "person_id");
	if ((rv = change_run(ctx, contact_read_tx, &c)) != ST_OK)
		goto out;
	if ((rv = dbrow_open(ctx, &ACCOUNTS_APP(ctx)->keys, c.res, 0, 0, CONTACT_PHONE_AAD,
	                     &phone)) != ST_OK)
		goto out;
	Accounts__Contact *r = arena_alloc(ctx->arena, sizeof *r);
	accounts__contact__init(r);
	r->person_id = arena_strdup(ctx->arena, req->person_id);
	r->phone = arena_strdup(ctx->arena, phone);
	r->email = dbrow_text(ctx->arena, c.res, 0, 1);
	*out = &r->base;
	rv = ST_OK;
out:
	PQclear(c.res);
	return rv;
}
