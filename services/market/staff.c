/*
 * Institution staff: operators add people (by their registered phone, asked of
 * accounts) to an institution, optionally to one branch, as inst_admin or
 * loan_officer; an inst_admin manages the staff of its own institution. The staff
 * table is the one authority on who acts for an institution, read on every
 * institution request (market_staff_caller), so a removed officer is refused at once.
 */
#include "catalogue.h"

#include "accounts.pb-c.h"
#include "caller.h"
#include "change.h"
#include "dbrow.h"
#include "market.pb-c.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STAFF_COLS                                                                                 \
	"s.id::text, s.institution_id::text, s.branch_id::text, b.name, s.person_id::text,"        \
	" s.phone_masked, s.name, s.role, s.state, " DBROW_CST("s.created_at") ", " DBROW_CST(     \
	        "s.removed_at")
#define STAFF_FROM " FROM staff s LEFT JOIN branches b ON b.id = s.branch_id"

int market_staff_caller(svc_ctx *ctx, const char *role, market_staff *out)
{
	const char *pid = NULL;
	PGresult *res = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	const char *vals[] = {pid};
	if ((rv = db_exec(ctx->db,
	                  "SELECT id::text, institution_id::text, branch_id::text, role FROM staff"
	                  " WHERE person_id = $1::uuid AND state = 'active'",
	                  1, vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		rv = status_err(ST_NOT_FOUND, NULL);
		goto out;
	}
	if (role && strcmp(PQgetvalue(res, 0, 3), role) != 0) {
		rv = status_err(ST_MARKET_ROLE_REQUIRED, NULL);
		goto out;
	}
	out->id = dbrow_text(ctx->arena, res, 0, 0);
	out->institution_id = dbrow_text(ctx->arena, res, 0, 1);
	out->branch_id = dbrow_text(ctx->arena, res, 0, 2);
	out->role = dbrow_text(ctx->arena, res, 0, 3);
	out->person_id = pid;
	rv = ST_OK;
out:
	PQclear(res);
	return rv;
}

static Market__Staff *staff_from_row(svc_ctx *ctx, const PGresult *res, int row)
{
	Market__Staff *s = arena_alloc(ctx->arena, sizeof *s);
	market__staff__init(s);
	s->id = dbrow_text(ctx->arena, res, row, 0);
	s->institution_id = dbrow_text(ctx->arena, res, row, 1);
	s->branch_id = dbrow_text(ctx->arena, res, row, 2);
	s->branch_name = dbrow_text(ctx->arena, res, row, 3);
	s->person_id = dbrow_text(ctx->arena, res, row, 4);
	s->phone_masked = dbrow_text(ctx->arena, res, row, 5);
	s->name = dbrow_text(ctx->arena, res, row, 6);
	s->role = dbrow_text(ctx->arena, res, row, 7);
	s->state = dbrow_text(ctx->arena, res, row, 8);
	s->created_at = dbrow_text(ctx->arena, res, row, 9);
	s->removed_at = dbrow_text(ctx->arena, res, row, 10);
	return s;
}

static int operator_only(svc_ctx *ctx)
{
	const char *pid = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	return market_operator(ctx) ? ST_OK : status_err(ST_NOT_FOUND, NULL);
}

/* ---- add ------------------------------------------------------------------------------ */

struct staff_new {
	const Market__AddStaffRequest *req;
	const char *institution_id, *person_id, *phone_masked;
	Market__Staff *s;
};

static int staff_add_tx(svc_ctx *ctx, void *arg)
{
	struct staff_new *a = arg;
	PGresult *res = NULL;
	const char *branch = a->req->branch_id && *a->req->branch_id ? a->req->branch_id : NULL;
	const char *vals[] = {a->institution_id,
	                      branch,
	                      a->person_id,
	                      a->phone_masked,
	                      a->req->name ? a->req->name : "",
	                      a->req->role,
	                      market_actor(ctx)};
	/* The branch must be the institution's: the INSERT selects it from there. */
	int rv = change_unique(
	        ctx, ST_STAFF_EXISTS, "phone",
	        "WITH ins AS (INSERT INTO staff (institution_id, branch_id, person_id, "
	        "phone_masked,"
	        " name, role, created_by) SELECT i.id, $2::uuid, $3::uuid, $4, $5, $6, $7"
	        " FROM institutions i WHERE i.id = $1::uuid AND ($2::uuid IS NULL OR EXISTS"
	        " (SELECT 1 FROM branches b WHERE b.id = $2::uuid AND b.institution_id = i.id))"
	        " RETURNING *) SELECT " STAFF_COLS ", i.kind"
	        " FROM ins s LEFT JOIN branches b ON b.id = s.branch_id"
	        " JOIN institutions i ON i.id = s.institution_id",
	        7, vals, NULL, NULL, &res);
	if (rv != ST_OK)
		return rv;
	if (change_rows(res) != 1) {
		PQclear(res);
		return status_err(ST_BRANCH_NOT_OF_INSTITUTION, "branch_id");
	}
	a->s = staff_from_row(ctx, res, 0);
	/* notify sends a bill funder's quoters its inquiries without asking market. */
	char *kind = dbrow_text(ctx->arena, res, 0, 11);
	PQclear(res);
	Market__StaffEvent ev = MARKET__STAFF_EVENT__INIT;
	ev.staff_id = a->s->id;
	ev.institution_kind = kind;
	ev.institution_id = (char *)a->institution_id;
	ev.person_id = (char *)a->person_id;
	ev.role = a->req->role;
	ev.branch_id = (char *)branch;
	change_event e = {"market.staff.added", NULL, &ev.base};
	return change_record(ctx, vals[6], arena_printf(ctx->arena, "staff/%s", a->s->id),
	                     "staff.added",
	                     json_pack("{s:s, s:s, s:s}", "institution_id", a->institution_id,
	                               "role", a->req->role, "phone_masked", a->phone_masked),
	                     &e);
}

/* The phone's person, asked of accounts before any transaction opens. */
static int staff_find_person(svc_ctx *ctx, const char *phone, const char **pid, const char **masked)
{
	bus_client *c = MARKET_APP(ctx)->accounts;
	Accounts__FindPersonRequest req = ACCOUNTS__FIND_PERSON_REQUEST__INIT;
	ProtobufCMessage *out = NULL;
	if (!c)
		return status_err(ST_UNAVAILABLE, NULL);
	req.phone = (char *)phone;
	int rv = bus_call(c, "FindPerson", ctx->caller, 3000, &req.base,
	                  &accounts__found_person__descriptor, ctx->arena, &out);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_STAFF_PHONE_UNKNOWN, "phone");
	if (rv != ST_OK)
		return rv;
	const Accounts__FoundPerson *p = (const Accounts__FoundPerson *)out;
	*pid = p->person_id;
	*masked = p->phone_masked;
	return ST_OK;
}

static int staff_add(svc_ctx *ctx, const Market__AddStaffRequest *req, const char *inst,
                     ProtobufCMessage **out)
{
	struct staff_new a = {req, inst, NULL, NULL, NULL};
	int rv;
	if (!inst || !validate_uuid(inst))
		return status_err(ST_NOT_FOUND, NULL);
	if (!req->phone || !*req->phone)
		return status_err(ST_FIELD_REQUIRED, "phone");
	if (validate_mobile(req->phone) != 0)
		return status_err(ST_MOBILE_INVALID, "phone");
	if (!req->role || !*req->role)
		return status_err(ST_FIELD_REQUIRED, "role");
	if (strcmp(req->role, "inst_admin") != 0 && strcmp(req->role, "loan_officer") != 0 &&
	    strcmp(req->role, "bill_quoter") != 0)
		return status_err(ST_STAFF_ROLE_INVALID, "role");
	if (req->branch_id && *req->branch_id && !validate_uuid(req->branch_id))
		return status_err(ST_BRANCH_NOT_OF_INSTITUTION, "branch_id");
	if ((rv = market_text(req->name, 50, 0, "name")) != ST_OK)
		return rv;
	{
		PGresult *res = NULL;
		const char *vals[] = {inst};
		if ((rv = db_exec(ctx->db, "SELECT 1 FROM institutions WHERE id = $1::uuid", 1,
		                  vals, &res)) != ST_OK)
			return status_err(rv, NULL);
		int found = PQntuples(res) == 1;
		PQclear(res);
		if (!found)
			return status_err(ST_NOT_FOUND, NULL);
	}
	if ((rv = staff_find_person(ctx, req->phone, &a.person_id, &a.phone_masked)) != ST_OK)
		return rv;
	if ((rv = change_run(ctx, staff_add_tx, &a)) != ST_OK)
		return rv;
	*out = &a.s->base;
	return ST_CREATED;
}

int market_staff_add(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__AddStaffRequest *req = (const Market__AddStaffRequest *)in;
	int rv = operator_only(ctx);
	return rv != ST_OK ? rv : staff_add(ctx, req, req->institution_id, out);
}

int market_inst_staff_add(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	market_staff me;
	int rv = market_staff_caller(ctx, "inst_admin", &me);
	return rv != ST_OK ? rv
	                   : staff_add(ctx, (const Market__AddStaffRequest *)in, me.institution_id,
	                               out);
}

/* ---- list ------------------------------------------------------------------------------ */

static ProtobufCMessage *staff_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &staff_from_row(ctx, r, row)->base;
}

static int staff_list(svc_ctx *ctx, const Market__ListStaffRequest *req, const char *inst,
                      ProtobufCMessage **out)
{
	dblist_page pg;
	int rv;
	if (!inst || !validate_uuid(inst))
		return status_err(ST_NOT_FOUND, NULL);
	if ((rv = dblist_page_init(req->has_page, req->page, req->has_page_size, req->page_size,
	                           &pg)) != ST_OK)
		return rv;
	const char *vals[] = {inst, pg.limit, pg.offset};
	return dblist_query(ctx, &market__staff_list__descriptor, &pg,
	                    "SELECT count(*) FROM staff WHERE institution_id = $1::uuid"
	                    " AND state = 'active'",
	                    1,
	                    "SELECT " STAFF_COLS STAFF_FROM " WHERE s.institution_id = $1::uuid"
	                    " AND s.state = 'active' ORDER BY s.created_at DESC, s.id"
	                    " LIMIT $2::int OFFSET $3::bigint",
	                    3, vals, staff_row, NULL, out);
}

int market_staff_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__ListStaffRequest *req = (const Market__ListStaffRequest *)in;
	int rv = operator_only(ctx);
	return rv != ST_OK ? rv : staff_list(ctx, req, req->institution_id, out);
}

int market_inst_staff_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	market_staff me;
	int rv = market_staff_caller(ctx, "inst_admin", &me);
	return rv != ST_OK ? rv
	                   : staff_list(ctx, (const Market__ListStaffRequest *)in,
	                                me.institution_id, out);
}

/* ---- remove ---------------------------------------------------------------------------- */

struct staff_rm {
	const char *inst, *id;
	Market__Staff *s;
};

static int staff_remove_tx(svc_ctx *ctx, void *arg)
{
	struct staff_rm *a = arg;
	PGresult *res = NULL;
	const char *vals[] = {a->inst, a->id};
	int rv = change_guard(ctx, ST_STAFF_NOT_ACTIVE, NULL,
	                      "WITH up AS (UPDATE staff SET state = 'removed', removed_at = now()"
	                      " WHERE id = $2::uuid AND institution_id = $1::uuid"
	                      " AND state = 'active' RETURNING *) SELECT " STAFF_COLS
	                      " FROM up s LEFT JOIN branches b ON b.id = s.branch_id",
	                      2, vals, &res);
	if (rv != ST_OK)
		return rv;
	a->s = staff_from_row(ctx, res, 0);
	PQclear(res);
	Market__StaffEvent ev = MARKET__STAFF_EVENT__INIT;
	ev.staff_id = a->s->id;
	ev.institution_id = a->s->institution_id;
	ev.person_id = a->s->person_id;
	ev.role = a->s->role;
	ev.branch_id = a->s->branch_id;
	change_event e = {"market.staff.removed", NULL, &ev.base};
	return change_record(ctx, market_actor(ctx), arena_printf(ctx->arena, "staff/%s", a->id),
	                     "staff.removed", json_pack("{s:s}", "institution_id", a->inst), &e);
}

static int staff_remove(svc_ctx *ctx, const char *inst, const char *id, ProtobufCMessage **out)
{
	struct staff_rm a = {inst, id, NULL};
	PGresult *res = NULL;
	int rv;
	if (!inst || !validate_uuid(inst) || !id || !validate_uuid(id))
		return status_err(ST_NOT_FOUND, NULL);
	/* A staff member of another institution does not exist here (404, not 409). */
	const char *vals[] = {inst, id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT 1 FROM staff WHERE id = $2::uuid AND institution_id = $1::uuid",
	                  2, vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	int found = PQntuples(res) == 1;
	PQclear(res);
	if (!found)
		return status_err(ST_NOT_FOUND, NULL);
	if ((rv = change_run(ctx, staff_remove_tx, &a)) != ST_OK)
		return rv;
	*out = &a.s->base;
	return ST_OK;
}

int market_staff_remove(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__StaffRef *req = (const Market__StaffRef *)in;
	int rv = operator_only(ctx);
	return rv != ST_OK ? rv : staff_remove(ctx, req->institution_id, req->id, out);
}

int market_inst_staff_remove(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__StaffRef *req = (const Market__StaffRef *)in;
	market_staff me;
	int rv = market_staff_caller(ctx, "inst_admin", &me);
	return rv != ST_OK ? rv : staff_remove(ctx, me.institution_id, req->id, out);
}

int market_staff_me(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	market_staff me;
	PGresult *res = NULL;
	int rv = market_staff_caller(ctx, NULL, &me);
	if (rv != ST_OK)
		return rv;
	const char *vals[] = {me.id};
	if ((rv = db_exec(ctx->db, "SELECT " STAFF_COLS STAFF_FROM " WHERE s.id = $1::uuid", 1,
	                  vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return status_err(ST_NOT_FOUND, NULL);
	}
	*out = &staff_from_row(ctx, res, 0)->base;
	PQclear(res);
	return ST_OK;
}
