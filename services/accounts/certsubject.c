/*
 * GetCertSubject: a verified person's name and ID number for certs alone (bus-only), the
 * subject of a personal certificate taken from the registry rather than from the user.
 * Every read leaves an audit entry naming certs; certs writes only the number's keyed hash
 * into the certificate and keeps the masked form.
 */
#include "accounts.h"

#include "accounts.pb-c.h"
#include "caller.h"
#include "change.h"
#include "dbrow.h"
#include "status.h"
#include "validate.h"

#include <string.h>

#define CERTSUBJECT_ID_AAD "accounts.persons.id_number"

struct certsubject_read {
	const char *pid;
	PGresult *res; /* name, id_number_enc, id_number_masked */
};

static int certsubject_tx(svc_ctx *ctx, void *arg)
{
	struct certsubject_read *c = arg;
	const char *v[] = {c->pid};
	int rv = change_exec(ctx,
	                     "SELECT name, id_number_enc, id_number_masked FROM persons"
	                     " WHERE id = $1::uuid AND NOT disabled AND verified_at IS NOT NULL",
	                     1, v, &c->res);
	if (rv == ST_OK && PQntuples(c->res) == 1)
		rv = change_record(ctx, "service:certs",
		                   arena_printf(ctx->arena, "person/%s", c->pid),
		                   "cert_subject.read", NULL, NULL);
	return rv;
}

int accounts_cert_subject_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__GetCertSubjectRequest *req = (const Accounts__GetCertSubjectRequest *)in;
	struct certsubject_read c = {NULL, NULL};
	int rv;
	/* Certs alone: to any other caller the method does not exist. */
	const char *svc = caller_service(ctx);
	if (!svc || strcmp(svc, "certs") != 0)
		return status_err(ST_ROUTE_NOT_FOUND, NULL);
	if (!req->person_id || !validate_uuid(req->person_id))
		return status_err(ST_FIELD_RANGE, "person_id");
	c.pid = req->person_id;
	if ((rv = change_run(ctx, certsubject_tx, &c)) != ST_OK)
		goto out;
	Accounts__CertSubject *s = arena_alloc(ctx->arena, sizeof *s);
	accounts__cert_subject__init(s);
	s->person_id = (char *)req->person_id;
	s->has_verified = 1;
	if (PQntuples(c.res) == 1) {
		s->verified = 1;
		s->name = dbrow_text(ctx->arena, c.res, 0, 0);
		s->id_number_masked = dbrow_text(ctx->arena, c.res, 0, 2);
		if ((rv = dbrow_open(ctx, &ACCOUNTS_APP(ctx)->keys, c.res, 0, 1, CERTSUBJECT_ID_AAD,
		                     &s->id_number)) != ST_OK)
			goto out;
	}
	*out = &s->base;
	rv = ST_OK;
out:
	PQclear(c.res);
	return rv;
}
