/*
 * GetContacts: persons' phones and e-mails in clear, for notify alone (bus-only), to send
 * the SMS and e-mail of one batch of its delivery queue. Every person revealed leaves an
 * audit entry naming the caller service, so reading contact data leaves a trace; notify
 * keeps no copy of what it gets. One call per batch keeps the audit chain's lock to one
 * transaction for many look-ups.
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
#define CONTACT_MAX       100

struct contact_read {
	const char *ids; /* {uuid,...} */
	PGresult *res;   /* id, phone_enc, email_enc */
};

static int contact_read_tx(svc_ctx *ctx, void *arg)
{
	struct contact_read *c = arg;
	const char *v[] = {c->ids};
	int rv = change_exec(ctx,
	                     "SELECT id::text, phone_enc, email_enc FROM persons"
	                     " WHERE id = ANY($1::uuid[]) AND NOT disabled ORDER BY id",
	                     1, v, &c->res);
	for (int i = 0; rv == ST_OK && i < PQntuples(c->res); i++)
		rv = change_record(ctx, "service:notify",
		                   arena_printf(ctx->arena, "person/%s", PQgetvalue(c->res, i, 0)),
		                   "contact.read",
		                   json_pack("{s:b}", "email", !PQgetisnull(c->res, i, 2)), NULL);
	return rv;
}

int accounts_contact_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__GetContactsRequest *req = (const Accounts__GetContactsRequest *)in;
	struct contact_read c = {NULL, NULL};
	int rv;
	/* Notify alone: to any other caller the method does not exist. */
	const char *svc = caller_service(ctx);
	if (!svc || strcmp(svc, "notify") != 0)
		return status_err(ST_ROUTE_NOT_FOUND, NULL);
	if (req->n_person_ids > CONTACT_MAX)
		return status_err(ST_FIELD_RANGE, "person_ids");
	size_t len = 3 + req->n_person_ids * 37;
	char *ids = arena_alloc(ctx->arena, len), *p = ids;
	*p++ = '{';
	for (size_t i = 0; i < req->n_person_ids; i++) {
		if (!validate_uuid(req->person_ids[i]))
			return status_err(ST_FIELD_RANGE, "person_ids");
		if (i)
			*p++ = ',';
		memcpy(p, req->person_ids[i], 36);
		p += 36;
	}
	*p++ = '}';
	*p = '\0';
	c.ids = ids;
	if ((rv = change_run(ctx, contact_read_tx, &c)) != ST_OK)
		goto out;
	Accounts__Contacts *r = arena_alloc(ctx->arena, sizeof *r);
	accounts__contacts__init(r);
	int n = PQntuples(c.res);
	r->items = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *r->items);
	for (int i = 0; i < n; i++) {
		char *phone = NULL;
		if ((rv = dbrow_open(ctx, &ACCOUNTS_APP(ctx)->keys, c.res, i, 1, CONTACT_PHONE_AAD,
		                     &phone)) != ST_OK)
			goto out;
		Accounts__Contact *ct = arena_alloc(ctx->arena, sizeof *ct);
		accounts__contact__init(ct);
		ct->person_id = dbrow_text(ctx->arena, c.res, i, 0);
		ct->phone = phone;
		if ((rv = dbrow_open(ctx, &ACCOUNTS_APP(ctx)->keys, c.res, i, 2,
		                     ACCOUNTS_EMAIL_AAD_PERSON, &ct->email)) != ST_OK)
			goto out;
		r->items[r->n_items++] = ct;
	}
	*out = &r->base;
	rv = ST_OK;
out:
	PQclear(c.res);
	return rv;
}
