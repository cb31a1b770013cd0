/*
 * 加入企业, the person's side: the caller helpers of enterprise.h, asking to join,
 * withdrawing and asking again, the person's own list, the Member view every membership
 * handler answers with, and the look-ups accounts makes for identities (角色切换). The
 * enterprise's side (members list, decisions, removal, hand-over) is members_admin.c.
 *
 * One row per (enterprise, person) in memberships; its state moves requested ->
 * active | rejected | withdrawn, active -> removed | left, and a rejected,
 * withdrawn, removed or left row may be requested again (the same row). Every
 * transition is one UPDATE guarded by the expected state (and, for an admin's
 * action, by the caller still being the active admin), so racing requests cannot
 * both win; exactly one admin per enterprise is the partial unique index's job.
 */
#include "enterprise.h"
#include "members.h"

#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "enterprise_members.pb-c.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the caller ------------------------------------------------------------------ */

int enterprise_caller_enterprise(svc_ctx *ctx, const char **enterprise_id, const char **role)
{
	const char *pid = NULL, *eid = caller_enterprise_claim(ctx);
	PGresult *res = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	if (!eid)
		return status_err(ST_ENTERPRISE_IDENTITY_REQUIRED, NULL);
	if (!validate_uuid(eid))
		return status_err(ST_NOT_FOUND, NULL);
	/* Live, not from the session: a member removed after switching acts no more. */
	const char *vals[] = {eid, pid};
	rv = db_exec(ctx->db,
	             "SELECT role FROM memberships WHERE enterprise_id = $1::uuid"
	             " AND person_id = $2::uuid AND state = 'active'",
	             2, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		rv = status_err(ST_NOT_FOUND, NULL);
		goto out;
	}
	*enterprise_id = eid;
	*role = strcmp(PQgetvalue(res, 0, 0), "admin") == 0 ? "admin" : "member";
	rv = ST_OK;
out:
	PQclear(res);
	return rv;
}

int enterprise_caller_admin(svc_ctx *ctx, const char **enterprise_id)
{
	const char *eid = NULL, *role = NULL;
	int rv = enterprise_caller_enterprise(ctx, &eid, &role);
	if (rv != ST_OK)
		return rv;
	if (strcmp(role, "admin") != 0)
		return status_err(ST_ENTERPRISE_ADMIN_REQUIRED, NULL);
	*enterprise_id = eid;
	return ST_OK;
}

/* ---- rules (pure) ------------------------------------------------------------------ */

int enterprise_member_state_known(const char *state)
{
	static const char *const states[] = {"requested", "active",  "rejected",
	                                     "withdrawn", "removed", "left"};
	for (size_t i = 0; state && i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i], state) == 0)
			return 1;
	return 0;
}

int enterprise_join_target(const char *uscc, const char *name, char uscc_out[20],
                           const char **field)
{
	size_t n = 0;
	*field = NULL;
	uscc_out[0] = '\0';
	if ((!uscc || !*uscc) && (!name || !*name)) {
		*field = "uscc";
		return ST_JOIN_TARGET_REQUIRED;
	}
	int rv;
	if (name && *name && (rv = validate_text(name, ENTERPRISE_NAME_MAX)) != 0) {
		*field = "enterprise_name";
		return rv;
	}
	if (!uscc || !*uscc)
		return 0;
	/* As people type it: spaces between groups, lower case. */
	for (const char *p = uscc; *p; p++) {
		if (*p == ' ')
			continue;
		if (n == 19) {
			*field = "uscc";
			return ST_USCC_INVALID;
		}
		uscc_out[n++] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
	}
	uscc_out[n] = '\0';
	rv = validate_uscc(uscc_out);
	/* A failing check character may still be a code the registry knows (DOMAIN.md):
	 * only the look-up decides then. */
	if (rv != 0 && rv != ST_USCC_CHECKSUM) {
		*field = "uscc";
		return rv;
	}
	return 0;
}

/* ---- the Member view ------------------------------------------------------------------ */

/* The columns member_from_row() reads. */
#define MEMBER_COLS                                                                                \
	"m.id::text, m.enterprise_id::text, e.name, m.person_id::text, p.name_masked,"             \
	" p.phone_masked, m.role, m.state, m.reason, m.decision_reason, " DBROW_CST(               \
	        "m.requested_at") ", " DBROW_CST("m.decided_at") ", " DBROW_CST("m.updated_at")
#define MEMBER_FROM                                                                                \
	" FROM memberships m JOIN enterprises e ON e.id = m.enterprise_id"                         \
	" LEFT JOIN persons p ON p.person_id = m.person_id"

static Enterprise__Member *member_from_row(svc_ctx *ctx, const PGresult *res, int row)
{
	Enterprise__Member *m = arena_alloc(ctx->arena, sizeof *m);
	enterprise__member__init(m);
	m->id = dbrow_text(ctx->arena, res, row, 0);
	m->enterprise_id = dbrow_text(ctx->arena, res, row, 1);
	m->enterprise_name = dbrow_text(ctx->arena, res, row, 2);
	m->person_id = dbrow_text(ctx->arena, res, row, 3);
	m->person_name_masked = dbrow_text(ctx->arena, res, row, 4);
	m->phone_masked = dbrow_text(ctx->arena, res, row, 5);
	m->role = dbrow_text(ctx->arena, res, row, 6);
	m->state = dbrow_text(ctx->arena, res, row, 7);
	m->reason = dbrow_text(ctx->arena, res, row, 8);
	m->decision_reason = dbrow_text(ctx->arena, res, row, 9);
	m->requested_at = dbrow_text(ctx->arena, res, row, 10);
	m->decided_at = dbrow_text(ctx->arena, res, row, 11);
	m->updated_at = dbrow_text(ctx->arena, res, row, 12);
	return m;
}

/* One membership by id; ST_NOT_FOUND. */
int enterprise_member_load(svc_ctx *ctx, const char *id, Enterprise__Member **out)
{
	PGresult *res = NULL;
	const char *vals[] = {id};
	int rv = db_exec(ctx->db, "SELECT " MEMBER_COLS MEMBER_FROM " WHERE m.id = $1::uuid", 1,
	                 vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		rv = status_err(ST_NOT_FOUND, NULL);
		goto out;
	}
	*out = member_from_row(ctx, res, 0);
	rv = ST_OK;
out:
	PQclear(res);
	return rv;
}

/*
 * Inside the open transaction: the audit entry for membership id (whose state moved
 * from -> to) and, when type is set, the event about it. who is the acting person.
 */
int enterprise_member_record(svc_ctx *ctx, const char *who, const char *action, const char *id,
                             const char *from, const char *to, const char *type,
                             Enterprise__MemberEvent *ev)
{
	const char *actor = arena_printf(ctx->arena, "person:%s", who);
	const char *subject = arena_printf(ctx->arena, "membership/%s", id);
	json_t *d = json_pack("{s:s, s:s, s:s?, s:s?}", "enterprise_id", ev->enterprise_id,
	                      "person_id", ev->person_id, "from", from, "to", to);
	if (!type)
		return change_record(ctx, actor, subject, action, d, NULL);
	ev->membership_id = (char *)id;
	/* Subscribers follow an enterprise's members, so the event is about the enterprise. */
	change_event e = {type, arena_printf(ctx->arena, "enterprise/%s", ev->enterprise_id),
	                  &ev->base};
	return change_record(ctx, actor, subject, action, d, &e);
}

/* The event payload about a loaded membership. */
Enterprise__MemberEvent *enterprise_member_event(svc_ctx *ctx, const Enterprise__Member *m)
{
	Enterprise__MemberEvent *ev = arena_alloc(ctx->arena, sizeof *ev);
	enterprise__member_event__init(ev);
	ev->membership_id = m->id;
	ev->enterprise_id = m->enterprise_id;
	ev->enterprise_name = m->enterprise_name;
	ev->person_id = m->person_id;
	ev->person_name_masked = m->person_name_masked;
	return ev;
}

/* ---- 加入企业: the applicant ------------------------------------------------------------ */

/* The certified enterprise named by USCC and/or exact name: ST_JOIN_ENTERPRISE_UNKNOWN. */
static int join_enterprise_find(svc_ctx *ctx, const char *uscc, const char *name, char id[40])
{
	PGresult *res = NULL;
	const char *vals[] = {uscc, name ? name : ""};
	int rv = db_exec(ctx->db,
	                 "SELECT id::text FROM enterprises WHERE ($1 = '' OR uscc = $1)"
	                 " AND ($2 = '' OR name = $2) ORDER BY certified_at LIMIT 2",
	                 2, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(res);
	if (n == 0)
		rv = status_err(ST_JOIN_ENTERPRISE_UNKNOWN, *uscc ? "uscc" : "enterprise_name");
	else if (n > 1)
		rv = status_err(ST_ENTERPRISE_NAME_AMBIGUOUS, "enterprise_name");
	else
		snprintf(id, 40, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return rv;
}

/* Why a join cannot be (re)requested: the existing row's state. */
static int join_refusal(svc_ctx *ctx, const char *eid, const char *pid)
{
	PGresult *res = NULL;
	const char *vals[] = {eid, pid};
	int rv = db_exec(ctx->db,
	                 "SELECT state FROM memberships WHERE enterprise_id = $1::uuid"
	                 " AND person_id = $2::uuid",
	                 2, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	const char *state = PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "";
	if (strcmp(state, "active") == 0)
		rv = status_err(ST_ALREADY_MEMBER, NULL);
	else if (strcmp(state, "requested") == 0)
		rv = status_err(ST_JOIN_REQUEST_PENDING, NULL);
	else
		rv = status_err(ST_CONFLICT, NULL); /* moved on meanwhile: try again */
	PQclear(res);
	return rv;
}

struct join {
	const char *eid, *pid, *reason;
	char id[40]; /* the membership, set by join_tx */
};

/* The change: the row (new, or an ended one requested again), audit, event. */
static int join_tx(svc_ctx *ctx, void *arg)
{
	struct join *j = arg;
	const char *eid = j->eid, *pid = j->pid, *reason = j->reason;
	char *id = j->id;
	PGresult *res = NULL;
	Enterprise__Member *m = NULL;
	const char *vals[] = {eid, pid, reason};
	int rv = change_exec(ctx,
	                     "INSERT INTO memberships AS m (enterprise_id, person_id, role, state,"
	                     " reason) VALUES ($1::uuid, $2::uuid, 'member', 'requested', $3)"
	                     " ON CONFLICT (enterprise_id, person_id) DO UPDATE SET"
	                     " state = 'requested', role = 'member', reason = EXCLUDED.reason,"
	                     " decision_reason = NULL, decided_by = NULL, decided_at = NULL,"
	                     " requested_at = now(), updated_at = now()"
	                     " WHERE m.state IN ('rejected', 'withdrawn', 'removed', 'left')"
	                     " RETURNING m.id::text",
	                     3, vals, &res);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(res) != 1) {
		rv = join_refusal(ctx, eid, pid);
		goto out;
	}
	snprintf(id, 40, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	res = NULL;
	if ((rv = enterprise_member_load(ctx, id, &m)) != ST_OK)
		goto out;
	/* The admin to tell (none only for an enterprise without one, which KYB prevents). */
	if ((rv = change_exec(
	             ctx,
	             "SELECT person_id::text FROM memberships WHERE enterprise_id = $1::uuid"
	             " AND role = 'admin' AND state = 'active'",
	             1, vals, &res)) != ST_OK)
		goto out;
	Enterprise__MemberEvent *ev = enterprise_member_event(ctx, m);
	ev->admin_person_id =
	        PQntuples(res) ? arena_strdup(ctx->arena, PQgetvalue(res, 0, 0)) : NULL;
	ev->reason = (char *)reason;
	rv = enterprise_member_record(ctx, pid, "member.requested", id, NULL, "requested",
	                              "enterprise.member.requested", ev);
out:
	PQclear(res);
	return rv;
}

int enterprise_join_request_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Enterprise__JoinEnterpriseRequest *req =
	        (const Enterprise__JoinEnterpriseRequest *)in;
	const char *pid = NULL, *field = NULL;
	char uscc[20], eid[40];
	Enterprise__Member *m = NULL;
	int rv;
	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if ((rv = enterprise_join_target(req->uscc, req->enterprise_name, uscc, &field)) != 0)
		return status_err(rv, field);
	if (!req->reason || !*req->reason)
		return status_err(ST_FIELD_REQUIRED, "reason");
	if ((rv = validate_text(req->reason, JOIN_REASON_MAX)) != 0)
		return status_err(rv, "reason");
	if (!enterprise_person_verified(ctx, pid))
		return status_err(ST_PERSON_NOT_VERIFIED, NULL);
	if ((rv = join_enterprise_find(ctx, uscc, req->enterprise_name, eid)) != ST_OK)
		return rv;
	struct join j = {eid, pid, req->reason, ""};
	if ((rv = change_run(ctx, join_tx, &j)) != ST_OK)
		return rv;
	const char *id = j.id;
	if ((rv = enterprise_member_load(ctx, id, &m)) != ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, "join requested", "membership", id, "enterprise", eid,
	       "person", pid, NULL);
	*out = &m->base;
	return ST_CREATED;
}

static ProtobufCMessage *member_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &member_from_row(ctx, r, row)->base;
}

/*
 * One page of memberships: where is a condition on m with $1 and $2 (the rest of
 * vals are appended as $3 limit and $4 offset). order is the ORDER BY list.
 */
int enterprise_member_page(svc_ctx *ctx, const char *where, const char *order, const char *p1,
                           const char *p2, int has_page, int page_in, int has_size, int size_in,
                           Enterprise__MemberList **out)
{
	dblist_page pg;
	int rv;
	PGresult *res = NULL;
	if ((rv = dblist_page_init(has_page, page_in, has_size, size_in, &pg)) != ST_OK)
		return rv;
	const char *vals[] = {p1, p2, pg.limit, pg.offset};
	char *sql = arena_printf(ctx->arena,
	                         "SELECT " MEMBER_COLS ", count(*) OVER ()" MEMBER_FROM
	                         " WHERE %s ORDER BY %s LIMIT $3::int OFFSET $4::bigint",
	                         where, order);
	if ((rv = db_exec(ctx->db, sql, 4, vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	ProtobufCMessage *list = dblist_new(ctx, &enterprise__member_list__descriptor);
	rv = dblist_fill(ctx, list, res, member_row, NULL);
	int n = PQntuples(res);
	long long total = n ? strtoll(PQgetvalue(res, 0, 13), NULL, 10) : 0;
	PQclear(res);
	res = NULL;
	if (rv != ST_OK)
		return rv;
	if (n == 0 && pg.page > 1) {
		/* Past the end: the total still counts. */
		char *csql =
		        arena_printf(ctx->arena, "SELECT count(*)" MEMBER_FROM " WHERE %s", where);
		if ((rv = db_exec(ctx->db, csql, 2, vals, &res)) != ST_OK)
			return status_err(rv, NULL);
		total = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	dblist_total(list, total, &pg);
	*out = (Enterprise__MemberList *)list;
	return ST_OK;
}

int enterprise_join_requests_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Enterprise__ListMyJoinRequestsRequest *req =
	        (const Enterprise__ListMyJoinRequestsRequest *)in;
	const char *pid = NULL;
	Enterprise__MemberList *list = NULL;
	int rv;
	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if (req->state && *req->state && !enterprise_member_state_known(req->state))
		return status_err(ST_FIELD_RANGE, "state");
	rv = enterprise_member_page(ctx, "m.person_id = $1::uuid AND ($2 = '' OR m.state = $2)",
	                            "m.updated_at DESC, m.id", pid, req->state ? req->state : "",
	                            req->has_page, req->page, req->has_page_size, req->page_size,
	                            &list);
	if (rv != ST_OK)
		return rv;
	*out = &list->base;
	return ST_OK;
}

struct withdraw {
	const char *id, *pid;
};

/* The change: the applicant's pending request becomes withdrawn. */
static int withdraw_tx(svc_ctx *ctx, void *arg)
{
	const struct withdraw *w = arg;
	const char *id = w->id, *pid = w->pid;
	PGresult *res = NULL;
	Enterprise__Member *m = NULL;
	const char *vals[] = {id, pid};
	/* Not change_guard: whose request it is decides between 404 and 409, read below. */
	int rv =
	        change_exec(ctx,
	                    "UPDATE memberships SET state = 'withdrawn', updated_at = now()"
	                    " WHERE id = $1::uuid AND person_id = $2::uuid AND state = 'requested'",
	                    2, vals, &res);
	if (rv != ST_OK)
		return rv;
	int moved = change_rows(res) == 1;
	PQclear(res);
	if ((rv = enterprise_member_load(ctx, id, &m)) != ST_OK)
		return rv;
	/* Someone else's request is not the caller's to see. */
	if (strcmp(m->person_id, pid) != 0)
		return status_err(ST_NOT_FOUND, "id");
	if (!moved)
		return status_err(ST_JOIN_REQUEST_CLOSED, "id");
	return enterprise_member_record(ctx, pid, "member.withdrawn", id, "requested", "withdrawn",
	                                NULL, enterprise_member_event(ctx, m));
}

int enterprise_join_request_withdraw(svc_ctx *ctx, const ProtobufCMessage *in,
                                     ProtobufCMessage **out)
{
	const Enterprise__JoinRequestRef *req = (const Enterprise__JoinRequestRef *)in;
	const char *pid = NULL;
	Enterprise__Member *m = NULL;
	int rv;
	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if (!validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
	struct withdraw w = {req->id, pid};
	if ((rv = change_run(ctx, withdraw_tx, &w)) != ST_OK)
		return rv;
	if ((rv = enterprise_member_load(ctx, req->id, &m)) != ST_OK)
		return rv;
	*out = &m->base;
	return ST_OK;
}

/* ---- the service table ----------------------------------------------------------------- */

/* Service Membership of proto/enterprise_members.proto, bound by method name. */
static const svc_handler membership_handlers[] = {
        {"JoinEnterprise", enterprise_join_request_create},
        {"ListMyJoinRequests", enterprise_join_requests_mine},
        {"WithdrawJoinRequest", enterprise_join_request_withdraw},
        {"ListMembers", enterprise_members_list},
        {"ApproveJoinRequest", enterprise_join_request_approve},
        {"RejectJoinRequest", enterprise_join_request_reject},
        {"RemoveMember", enterprise_member_remove},
        {"HandOverAdmin", enterprise_admin_hand_over},
        {"Readiness", enterprise_readiness},
        {"GetMyReadiness", enterprise_readiness_mine},
        {"CreateReceivingAccount", enterprise_receiving_account_create},
        {"ListReceivingAccounts", enterprise_receiving_accounts_list},
        {"ShowReceivingAccount", enterprise_receiving_account_show},
        {"UpdateReceivingAccount", enterprise_receiving_account_update},
        {"DeleteReceivingAccount", enterprise_receiving_account_delete},
        {"StartMicroDeposit", enterprise_micro_deposit_start},
        {"VerifyReceivingAccount", enterprise_micro_deposit_verify},
        {"ListDevBankStatement", enterprise_dev_bank_statement},
};

/* The creating and money-moving POSTs: a retry with the same Idempotency-Key creates
 * nothing twice (StartMicroDeposit: no second payout). */
static const char *const membership_idempotent[] = {"JoinEnterprise", "CreateReceivingAccount",
                                                    "StartMicroDeposit", NULL};
const svc_api enterprise_membership_api =
        SVC_API(&enterprise__membership__descriptor, membership_handlers,
                .idempotent = membership_idempotent);
