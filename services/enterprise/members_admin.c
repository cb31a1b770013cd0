/*
 * 加入企业, the enterprise's side: the members list, the admin's decisions on join
 * requests, removal and leaving, and the admin hand-over. Every change is one UPDATE
 * guarded by the expected state and, for an admin's action, by the caller still being
 * the active admin (STILL_ADMIN), so racing requests cannot both win. The person's side
 * and the Member view are in members.c.
 */
#include "enterprise.h"
#include "members.h"

#include "change.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Requested and active counts of an enterprise, for the admin's list. */
static int member_counts(svc_ctx *ctx, const char *eid, Enterprise__MemberCounts **out)
{
	PGresult *res = NULL;
	const char *vals[] = {eid};
	int rv = db_exec(ctx->db,
	                 "SELECT count(*) FILTER (WHERE state = 'requested'),"
	                 " count(*) FILTER (WHERE state = 'active')"
	                 " FROM memberships WHERE enterprise_id = $1::uuid",
	                 1, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	Enterprise__MemberCounts *c = arena_alloc(ctx->arena, sizeof *c);
	enterprise__member_counts__init(c);
	c->has_requested = c->has_active = 1;
	c->requested = (int32_t)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	c->active = (int32_t)strtol(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	*out = c;
	return ST_OK;
}

int enterprise_members_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Enterprise__ListMembersRequest *req = (const Enterprise__ListMembersRequest *)in;
	const char *eid = NULL, *role = NULL;
	const char *state = req->state && *req->state ? req->state : NULL;
	Enterprise__MemberList *list = NULL;
	int rv;
	if ((rv = enterprise_caller_enterprise(ctx, &eid, &role)) != ST_OK)
		return rv;
	if (state && !enterprise_member_state_known(state))
		return status_err(ST_FIELD_RANGE, "state");
	int admin = strcmp(role, "admin") == 0;
	/* Members see who is in; requests and former members are the admin's business. */
	if (!admin && state && strcmp(state, "active") != 0)
		return status_err(ST_ENTERPRISE_ADMIN_REQUIRED, "state");
	const char *states = state ? state : admin ? "requested,active" : "active";
	/* Pending requests first (they wait for the admin), then the admin, newest first. */
	rv = enterprise_member_page(
	        ctx, "m.enterprise_id = $1::uuid AND m.state = ANY(string_to_array($2, ','))",
	        "m.state = 'requested' DESC, m.role = 'admin' DESC, m.updated_at DESC, m.id", eid,
	        states, req->has_page, req->page, req->has_page_size, req->page_size, &list);
	if (rv == ST_OK && admin)
		rv = member_counts(ctx, eid, &list->counts);
	if (rv != ST_OK)
		return rv;
	*out = &list->base;
	return ST_OK;
}

/* ---- the admin's decisions ---------------------------------------------------------- */

/* Guard of every admin action: $admin is still the active admin of $enterprise. */
#define STILL_ADMIN(e, a)                                                                          \
	" EXISTS (SELECT 1 FROM memberships a WHERE a.enterprise_id = " e "::uuid"                 \
	" AND a.person_id = " a "::uuid AND a.role = 'admin' AND a.state = 'active')"

/*
 * Why a guarded admin UPDATE of membership id matched nothing: not of this enterprise
 * (404), no longer in state `from` (409 `closed`), or the caller no longer its admin (403).
 */
static int decision_refusal(svc_ctx *ctx, const char *id, const char *eid, const char *from,
                            int closed, const char *field)
{
	PGresult *res = NULL;
	const char *vals[] = {id, eid};
	int rv = db_exec(ctx->db,
	                 "SELECT state FROM memberships WHERE id = $1::uuid"
	                 " AND enterprise_id = $2::uuid",
	                 2, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1)
		rv = status_err(ST_NOT_FOUND, field);
	else if (strcmp(PQgetvalue(res, 0, 0), from) != 0)
		rv = status_err(closed, field);
	else
		rv = status_err(ST_ENTERPRISE_ADMIN_REQUIRED, NULL);
	PQclear(res);
	return rv;
}

struct decision {
	const char *id, *eid, *admin, *reason; /* reason NULL: approval */
};

/* The change: a pending request of the admin's enterprise approved or rejected. */
static int decide_tx(svc_ctx *ctx, void *arg)
{
	const struct decision *d = arg;
	const char *id = d->id, *eid = d->eid, *admin = d->admin, *reason = d->reason;
	PGresult *res = NULL;
	Enterprise__Member *m = NULL;
	const char *to = reason ? "rejected" : "active";
	const char *vals[] = {id, eid, admin, to, reason};
	/* Not change_guard: a lost guard is told apart by decision_refusal. */
	int rv = change_exec(
	        ctx,
	        "UPDATE memberships m SET state = $4, role = 'member', decided_by = $3::uuid,"
	        " decided_at = now(), decision_reason = $5, updated_at = now()"
	        " WHERE m.id = $1::uuid AND m.enterprise_id = $2::uuid"
	        " AND m.state = 'requested' AND" STILL_ADMIN("$2", "$3"),
	        5, vals, &res);
	if (rv != ST_OK)
		return rv;
	int moved = change_rows(res) == 1;
	PQclear(res);
	if (!moved)
		return decision_refusal(ctx, id, eid, "requested", ST_JOIN_REQUEST_CLOSED, "id");
	if ((rv = enterprise_member_load(ctx, id, &m)) != ST_OK)
		return rv;
	Enterprise__MemberEvent *ev = enterprise_member_event(ctx, m);
	ev->admin_person_id = (char *)admin;
	ev->reason = (char *)reason;
	return enterprise_member_record(
	        ctx, admin, reason ? "member.rejected" : "member.joined", id, "requested", to,
	        reason ? "enterprise.member.rejected" : "enterprise.member.joined", ev);
}

/* Approve (reason NULL) or reject (reason required) the pending request id. */
static int decide(svc_ctx *ctx, const char *id, int reject, const char *reason,
                  ProtobufCMessage **out)
{
	const char *eid = NULL, *admin = NULL;
	Enterprise__Member *m = NULL;
	int rv;
	if ((rv = enterprise_caller_admin(ctx, &eid)) != ST_OK)
		return rv;
	admin = ctx->caller->person_id;
	if (!validate_uuid(id))
		return status_err(ST_NOT_FOUND, "id");
	if (reject && (!reason || !*reason))
		return status_err(ST_FIELD_REQUIRED, "reason");
	if (reject && (rv = validate_text(reason, DECISION_REASON_MAX)) != 0)
		return status_err(rv, "reason");
	struct decision d = {id, eid, admin, reject ? reason : NULL};
	if ((rv = change_run(ctx, decide_tx, &d)) != ST_OK)
		return rv;
	if ((rv = enterprise_member_load(ctx, id, &m)) != ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, reject ? "join rejected" : "join approved", "membership",
	       id, "enterprise", eid, NULL);
	*out = &m->base;
	return ST_OK;
}

int enterprise_join_request_approve(svc_ctx *ctx, const ProtobufCMessage *in,
                                    ProtobufCMessage **out)
{
	return decide(ctx, ((const Enterprise__JoinRequestRef *)in)->id, 0, NULL, out);
}

int enterprise_join_request_reject(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Enterprise__RejectJoinRequestRequest *req =
	        (const Enterprise__RejectJoinRequestRequest *)in;
	return decide(ctx, req->id, 1, req->reason, out);
}

/* ---- removal, leaving, hand-over -------------------------------------------------------- */

/* Why the active member target of eid could not be removed or promoted. */
static int member_refusal(svc_ctx *ctx, const char *eid, const char *target)
{
	PGresult *res = NULL;
	const char *vals[] = {eid, target};
	int rv = db_exec(ctx->db,
	                 "SELECT state, role FROM memberships WHERE enterprise_id = $1::uuid"
	                 " AND person_id = $2::uuid",
	                 2, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1)
		rv = status_err(ST_NOT_FOUND, "person_id");
	else if (strcmp(PQgetvalue(res, 0, 0), "active") != 0)
		rv = status_err(ST_MEMBER_NOT_ACTIVE, "person_id");
	else if (strcmp(PQgetvalue(res, 0, 1), "admin") == 0)
		rv = status_err(ST_ADMIN_MUST_HAND_OVER, "person_id");
	else
		rv = status_err(ST_ENTERPRISE_ADMIN_REQUIRED, NULL);
	PQclear(res);
	return rv;
}

struct removal {
	const char *eid, *target, *actor;
	char id[40]; /* the membership, set by remove_tx */
};

/*
 * The change: member target of eid leaves (actor == target) or is removed by the admin
 * actor. Only a member row moves: the admin hands over first.
 */
static int remove_tx(svc_ctx *ctx, void *arg)
{
	struct removal *rm = arg;
	const char *eid = rm->eid, *target = rm->target, *actor = rm->actor;
	char *id = rm->id;
	PGresult *res = NULL;
	Enterprise__Member *m = NULL;
	int leaving = strcmp(target, actor) == 0;
	const char *vals[] = {eid, target, actor};
	/* Not change_guard: a lost guard is told apart by member_refusal. */
	int rv =
	        leaving ? change_exec(ctx,
	                              "UPDATE memberships m SET state = 'left', updated_at = now()"
	                              " WHERE m.enterprise_id = $1::uuid AND m.person_id = $2::uuid"
	                              " AND m.state = 'active' AND m.role = 'member'"
	                              " RETURNING m.id::text",
	                              2, vals, &res)
	                : change_exec(ctx,
	                              "UPDATE memberships m SET state = 'removed',"
	                              " decided_by = $3::uuid, decided_at = now(),"
	                              " decision_reason = NULL, updated_at = now()"
	                              " WHERE m.enterprise_id = $1::uuid AND m.person_id = $2::uuid"
	                              " AND m.state = 'active' AND m.role = 'member'"
	                              " AND" STILL_ADMIN("$1", "$3") " RETURNING m.id::text",
	                              3, vals, &res);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(res) != 1) {
		rv = member_refusal(ctx, eid, target);
		goto out;
	}
	snprintf(id, 40, "%s", PQgetvalue(res, 0, 0));
	if ((rv = enterprise_member_load(ctx, id, &m)) != ST_OK)
		goto out;
	Enterprise__MemberEvent *ev = enterprise_member_event(ctx, m);
	ev->how = leaving ? "left" : "removed";
	ev->admin_person_id = leaving ? NULL : (char *)actor;
	rv = enterprise_member_record(ctx, actor, leaving ? "member.left" : "member.removed", id,
	                              "active", m->state, "enterprise.member.left", ev);
out:
	PQclear(res);
	return rv;
}

/* DELETE /members/{person_id}: the admin removes a member; a member's own id: leaving. */
int enterprise_member_remove(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Enterprise__MemberRef *req = (const Enterprise__MemberRef *)in;
	const char *eid = NULL, *role = NULL, *pid = NULL;
	Enterprise__Member *m = NULL;
	int rv;
	if ((rv = enterprise_caller_enterprise(ctx, &eid, &role)) != ST_OK)
		return rv;
	pid = ctx->caller->person_id;
	int self = req->person_id && strcmp(req->person_id, pid) == 0;
	int admin = strcmp(role, "admin") == 0;
	if (self && admin)
		return status_err(ST_ADMIN_MUST_HAND_OVER, "person_id");
	if (!self && !admin)
		return status_err(ST_ENTERPRISE_ADMIN_REQUIRED, NULL);
	if (!validate_uuid(req->person_id))
		return status_err(ST_NOT_FOUND, "person_id");
	struct removal rm = {eid, req->person_id, pid, ""};
	if ((rv = change_run(ctx, remove_tx, &rm)) != ST_OK)
		return rv;
	const char *id = rm.id;
	if ((rv = enterprise_member_load(ctx, id, &m)) != ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, self ? "member left" : "member removed", "membership",
	       id, "enterprise", eid, NULL);
	*out = &m->base;
	return ST_OK;
}

struct handover {
	const char *eid, *admin, *target;
	char new_id[40], old_id[40]; /* the memberships, set by handover_tx */
};

/* The change: admin becomes a member, target (an active member) the admin. */
static int handover_tx(svc_ctx *ctx, void *arg)
{
	struct handover *h = arg;
	const char *eid = h->eid, *admin = h->admin, *target = h->target;
	char *new_id = h->new_id, *old_id = h->old_id;
	PGresult *res = NULL;
	Enterprise__Member *m = NULL;
	const char *demote[] = {eid, admin};
	const char *promote[] = {eid, target};
	/* Demote first: the partial unique index allows one active admin at any instant. */
	int rv = change_guard(ctx, ST_ENTERPRISE_ADMIN_REQUIRED, NULL,
	                      "UPDATE memberships SET role = 'member', updated_at = now()"
	                      " WHERE enterprise_id = $1::uuid AND person_id = $2::uuid"
	                      " AND role = 'admin' AND state = 'active' RETURNING id::text",
	                      2, demote, &res);
	if (rv != ST_OK)
		return rv;
	snprintf(old_id, 40, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	res = NULL;
	if ((rv = change_exec(ctx,
	                      "UPDATE memberships SET role = 'admin', updated_at = now()"
	                      " WHERE enterprise_id = $1::uuid AND person_id = $2::uuid"
	                      " AND role = 'member' AND state = 'active' RETURNING id::text",
	                      2, promote, &res)) != ST_OK)
		goto out;
	if (PQntuples(res) != 1) {
		rv = member_refusal(ctx, eid, target);
		goto out;
	}
	snprintf(new_id, 40, "%s", PQgetvalue(res, 0, 0));
	if ((rv = enterprise_member_load(ctx, old_id, &m)) != ST_OK ||
	    (rv = enterprise_member_record(ctx, admin, "member.admin_handed_over", old_id, "admin",
	                                   "member", NULL, enterprise_member_event(ctx, m))) !=
	            ST_OK)
		goto out;
	if ((rv = enterprise_member_load(ctx, new_id, &m)) != ST_OK)
		goto out;
	Enterprise__MemberEvent *ev = enterprise_member_event(ctx, m);
	ev->admin_person_id = (char *)admin;
	rv = enterprise_member_record(ctx, admin, "member.admin_received", new_id, "member",
	                              "admin", "enterprise.admin.transferred", ev);
out:
	PQclear(res);
	return rv;
}

int enterprise_admin_hand_over(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Enterprise__MemberRef *req = (const Enterprise__MemberRef *)in;
	const char *eid = NULL, *admin = NULL;
	int rv;
	if ((rv = enterprise_caller_admin(ctx, &eid)) != ST_OK)
		return rv;
	admin = ctx->caller->person_id;
	if (!req->person_id || !*req->person_id)
		return status_err(ST_FIELD_REQUIRED, "person_id");
	if (strcmp(req->person_id, admin) == 0)
		return status_err(ST_HANDOVER_TO_SELF, "person_id");
	if (!validate_uuid(req->person_id))
		return status_err(ST_NOT_FOUND, "person_id");
	struct handover h = {.eid = eid, .admin = admin, .target = req->person_id};
	if ((rv = change_run(ctx, handover_tx, &h)) != ST_OK)
		return rv;
	const char *new_id = h.new_id, *old_id = h.old_id;
	Enterprise__AdminHandOverResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	enterprise__admin_hand_over_response__init(resp);
	if ((rv = enterprise_member_load(ctx, new_id, &resp->admin)) != ST_OK ||
	    (rv = enterprise_member_load(ctx, old_id, &resp->former_admin)) != ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, "admin handed over", "enterprise", eid, "to",
	       req->person_id, NULL);
	*out = &resp->base;
	return ST_OK;
}
