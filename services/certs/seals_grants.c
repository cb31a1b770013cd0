/*
 * Authorisations of enterprise seals (印章授权): the enterprise's admin grants a member the
 * use of a seal and revokes it. A grant counts only while its person is an active member
 * (certs_seal_use_check): one who left the enterprise keeps the row but cannot use the
 * seal. The admin holds no seal by office; they grant themself like anyone.
 */
#include "certs.h"
#include "certs_seals.pb-c.h"
#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "memberproj.h"
#include "seals.h"
#include "status.h"
#include "validate.h"

#include <string.h>

#define GRANT_COLS                                                                                 \
	"g.seal_id, g.person_id, g.granted_by, " DBROW_CST("g.granted_at") ", " DBROW_CST(         \
	        "g.revoked_at") ", g.revoked_by, g.revoked_at IS NULL, m.role"
#define GRANT_FROM                                                                                 \
	" FROM seal_grants g JOIN seals s ON s.id = g.seal_id"                                     \
	" LEFT JOIN enterprise_memberships m ON m.person_id = g.person_id"                         \
	" AND m.enterprise_id = s.enterprise_id"

static ProtobufCMessage *grant_row(svc_ctx *ctx, const PGresult *r, int i, void *arg)
{
	(void)arg;
	arena *a = ctx->arena;
	Certs__SealGrant *g = arena_alloc(a, sizeof *g);
	certs__seal_grant__init(g);
	g->seal_id = dbrow_text(a, r, i, 0);
	g->person_id = dbrow_text(a, r, i, 1);
	g->granted_by = dbrow_text(a, r, i, 2);
	g->granted_at = dbrow_text(a, r, i, 3);
	g->revoked_at = dbrow_text(a, r, i, 4);
	g->revoked_by = dbrow_text(a, r, i, 5);
	g->has_active = 1;
	g->active = PQgetvalue(r, i, 6)[0] == 't';
	g->has_member = 1;
	g->member = !PQgetisnull(r, i, 7);
	g->role = dbrow_text(a, r, i, 7);
	return &g->base;
}

/* The admin's seal (404 for another enterprise's). */
static int grant_seal(svc_ctx *ctx, const char *id, certs_seal_scope *sc, Certs__Seal **s)
{
	void *p = NULL;
	int rv = certs_seals_scope(ctx, 1, 1, sc);
	if (rv != ST_OK || (rv = certs_seals_load(ctx, sc, id, &p)) != ST_OK)
		return rv;
	*s = p;
	return ST_OK;
}

int certs_seals_grants_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__SealRef *q = (const Certs__SealRef *)in;
	certs_seal_scope sc;
	Certs__Seal *s = NULL;
	PGresult *r = NULL;
	int rv = grant_seal(ctx, q->id, &sc, &s);
	if (rv != ST_OK)
		return rv;
	const char *v[] = {s->id};
	if ((rv = change_exec(ctx,
	                      "SELECT " GRANT_COLS GRANT_FROM " WHERE g.seal_id = $1::uuid"
	                      " ORDER BY g.revoked_at IS NOT NULL, g.granted_at DESC LIMIT 500",
	                      1, v, &r)) != ST_OK)
		return rv;
	ProtobufCMessage *list = dblist_new(ctx, &certs__seal_grant_list__descriptor);
	rv = dblist_fill(ctx, list, r, grant_row, NULL);
	if (rv == ST_OK) {
		dblist_total(list, PQntuples(r), NULL);
		*out = list;
	}
	PQclear(r);
	return rv;
}

typedef struct grant_change {
	const certs_seal_scope *sc;
	const Certs__Seal *s;
	const char *person_id;
	int grant; /* 1 grant, 0 revoke */
	Certs__SealGrant *out;
} grant_change;

static int grant_tx(svc_ctx *ctx, void *arg)
{
	grant_change *g = arg;
	PGresult *r = NULL;
	const char *v[] = {g->s->id, g->person_id, g->sc->actor};
	int rv;
	if (g->grant) {
		/* A seal disabled meanwhile takes no grant (the row lock orders it after the
		 * disable). */
		if ((rv = change_guard(
		             ctx, ST_SEAL_DISABLED, "id",
		             "SELECT 1 FROM seals WHERE id = $1::uuid AND disabled_at IS NULL"
		             " FOR UPDATE",
		             1, v, NULL)) != ST_OK)
			return rv;
		rv = change_unique(ctx, ST_SEAL_GRANTED, "person_id",
		                   "INSERT INTO seal_grants (seal_id, person_id, granted_by)"
		                   " VALUES ($1::uuid, $2::uuid, $3) RETURNING id",
		                   3, v, NULL, NULL, &r);
	} else {
		rv = change_guard(ctx, ST_SEAL_GRANT_NOT_FOUND, "person_id",
		                  "UPDATE seal_grants SET revoked_at = now(), revoked_by = $3"
		                  " WHERE seal_id = $1::uuid AND person_id = $2::uuid"
		                  " AND revoked_at IS NULL RETURNING id",
		                  3, v, &r);
	}
	if (rv != ST_OK)
		return rv;
	const char *gv[] = {PQgetvalue(r, 0, 0)};
	PGresult *row = NULL;
	rv = change_exec(ctx, "SELECT " GRANT_COLS GRANT_FROM " WHERE g.id = $1::bigint", 1, gv,
	                 &row);
	PQclear(r);
	if (rv != ST_OK)
		return rv;
	g->out = (Certs__SealGrant *)grant_row(ctx, row, 0, NULL);
	PQclear(row);
	return certs_seals_event(ctx, g->sc->actor,
	                         g->grant ? "certs.seal.granted" : "certs.seal.revoked", g->s->id,
	                         g->s->kind, g->s->enterprise_id, g->person_id,
	                         json_pack("{s:s}", "person_id", g->person_id));
}

static int grant_change_run(svc_ctx *ctx, const Certs__SealGrantForm *q, int grant,
                            ProtobufCMessage **out)
{
	certs_seal_scope sc;
	Certs__Seal *s = NULL;
	memberproj_row m;
	int rv = grant_seal(ctx, q->id, &sc, &s);
	if (rv != ST_OK)
		return rv;
	if (!q->person_id || !*q->person_id)
		return status_err(ST_FIELD_REQUIRED, "person_id");
	if (grant) {
		if (strcmp(s->state, "disabled") == 0)
			return status_err(ST_SEAL_DISABLED, "id");
		/* Only a member of the seal's enterprise (a stranger's id does not leak). */
		rv = validate_uuid(q->person_id)
		             ? memberproj_get(ctx, q->person_id, sc.enterprise_id, &m)
		             : ST_NOT_FOUND;
		if (rv == ST_NOT_FOUND)
			return status_err(ST_SEAL_GRANTEE, "person_id");
		if (rv != ST_OK)
			return rv;
	} else if (!validate_uuid(q->person_id)) {
		return status_err(ST_SEAL_GRANT_NOT_FOUND, "person_id");
	}
	grant_change g = {&sc, s, q->person_id, grant, NULL};
	if ((rv = change_run(ctx, grant_tx, &g)) != ST_OK)
		return rv;
	*out = &g.out->base;
	return grant ? ST_CREATED : ST_OK;
}

int certs_seals_grant(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return grant_change_run(ctx, (const Certs__SealGrantForm *)in, 1, out);
}

int certs_seals_revoke(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return grant_change_run(ctx, (const Certs__SealGrantForm *)in, 0, out);
}
