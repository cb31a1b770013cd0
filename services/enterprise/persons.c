/*
 * Persons as enterprise knows them: a projection of accounts' events
 * (accounts.person.registered, accounts.person.verified), never written by
 * requests; and Readiness, what a person still lacks to act for an enterprise.
 */
#include "enterprise.h"
#include "members.h"

#include "accounts.pb-c.h"
#include "enterprise_members.pb-c.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <string.h>

int enterprise_person_verified(svc_ctx *ctx, const char *person_id)
{
	PGresult *res = NULL;
	if (!validate_uuid(person_id))
		return 0;
	const char *vals[] = {person_id};
	if (db_exec(ctx->db,
	            "SELECT 1 FROM persons WHERE person_id = $1::uuid AND verified_at IS NOT NULL",
	            1, vals, &res) != ST_OK) {
		log_kv(LOGL_ERROR, ctx->request_id, "persons projection unreadable", NULL);
		return 0;
	}
	int verified = PQntuples(res) == 1;
	PQclear(res);
	return verified;
}

/* ---- the projection ------------------------------------------------------------------ */

/* Unpacks ev's payload with desc into the arena; NULL when absent or malformed. */
static const void *persons_payload(svc_ctx *ctx, const Events__Event *ev,
                                   const ProtobufCMessageDescriptor *desc)
{
	if (!ev->has_payload)
		return NULL;
	ProtobufCAllocator al = arena_pb_allocator(ctx->arena);
	return protobuf_c_message_unpack(desc, &al, ev->payload.len, ev->payload.data);
}

/* The event's commit time in ms as text for to_timestamp(), or NULL (then now()). */
static const char *persons_time(svc_ctx *ctx, const Events__Event *ev)
{
	return ev->has_time_ms && ev->time_ms > 0
	               ? arena_printf(ctx->arena, "%lld", (long long)ev->time_ms)
	               : NULL;
}

static int persons_registered(svc_ctx *ctx, const Events__Event *ev)
{
	const Accounts__PersonRegistered *p =
	        persons_payload(ctx, ev, &accounts__person_registered__descriptor);
	if (!p || !validate_uuid(p->person_id))
		return -1;
	const char *vals[] = {p->person_id, p->phone_masked, persons_time(ctx, ev)};
	return db_exec(ctx->db,
	               "INSERT INTO persons (person_id, phone_masked, registered_at)"
	               " VALUES ($1::uuid, $2, COALESCE(to_timestamp($3::bigint / 1000.0), now()))"
	               " ON CONFLICT (person_id) DO UPDATE SET"
	               " phone_masked = EXCLUDED.phone_masked,"
	               " registered_at = COALESCE(persons.registered_at, EXCLUDED.registered_at),"
	               " updated_at = now()",
	               3, vals, NULL);
}

static int persons_verified(svc_ctx *ctx, const Events__Event *ev)
{
	const Accounts__PersonVerified *p =
	        persons_payload(ctx, ev, &accounts__person_verified__descriptor);
	if (!p || !validate_uuid(p->person_id))
		return -1;
	const char *vals[] = {p->person_id, p->name_masked, p->method, persons_time(ctx, ev)};
	/* Verification is final (accounts locks it): the first time stays. A face check
	 * (a face verification, or one added after it) counts from the first one too. */
	return db_exec(ctx->db,
	               "INSERT INTO persons (person_id, name_masked, verification_method,"
	               " verified_at, face_checked_at) VALUES ($1::uuid, $2, $3,"
	               " COALESCE(to_timestamp($4::bigint / 1000.0), now()),"
	               " CASE WHEN $3 = 'face'"
	               " THEN COALESCE(to_timestamp($4::bigint / 1000.0), now()) END)"
	               " ON CONFLICT (person_id) DO UPDATE SET"
	               " name_masked = EXCLUDED.name_masked,"
	               " verification_method = COALESCE(persons.verification_method,"
	               " EXCLUDED.verification_method),"
	               " verified_at = COALESCE(persons.verified_at, EXCLUDED.verified_at),"
	               " face_checked_at = COALESCE(persons.face_checked_at,"
	               " EXCLUDED.face_checked_at),"
	               " updated_at = now()",
	               4, vals, NULL);
}

/* Applies one event of accounts inside the subscriber's transaction. */
static int persons_apply(svc_ctx *ctx, const Events__Event *ev)
{
	int rv;
	if (!ev->type)
		return ST_OK;
	if (strcmp(ev->type, "accounts.person.registered") == 0)
		rv = persons_registered(ctx, ev);
	else if (strcmp(ev->type, "accounts.person.verified") == 0 ||
	         strcmp(ev->type, "accounts.person.face_checked") == 0)
		rv = persons_verified(ctx, ev);
	else
		return ST_OK;
	if (rv < 0) {
		/* Retrying cannot mend a bad payload, and it would hold back every later
		 * event of accounts: skip it, loudly. */
		log_kv(LOGL_WARN, ctx->request_id, "accounts event unusable, skipped", "type",
		       ev->type, NULL);
		return ST_OK;
	}
	return rv == ST_OK ? ST_OK : status_err(rv, NULL);
}

const svc_subscription enterprise_persons_subscription = {"accounts", persons_apply};

/* ---- Readiness ---------------------------------------------------------------------- */

/* The codes of what may be missing, in the order they are listed, with their texts. */
static const struct {
	const char *code, *message;
} readiness_texts[] = {
        [ENTERPRISE_MISSING_PERSON_VERIFIED] = {"PERSON_NOT_VERIFIED", "请先完成个人实名认证"},
        [ENTERPRISE_MISSING_IDENTITY] = {"ENTERPRISE_IDENTITY_REQUIRED", "请先切换到企业身份"},
        [ENTERPRISE_MISSING_CERTIFIED] = {"ENTERPRISE_NOT_CERTIFIED", "企业尚未通过企业认证"},
        [ENTERPRISE_MISSING_MEMBER] = {"NOT_A_MEMBER", "您还不是该企业的成员，请先申请加入企业"},
};

unsigned enterprise_readiness_missing(int person_verified, int has_enterprise, int certified,
                                      int member)
{
	unsigned m = 0;
	if (!person_verified)
		m |= 1u << ENTERPRISE_MISSING_PERSON_VERIFIED;
	if (!has_enterprise)
		return m | 1u << ENTERPRISE_MISSING_IDENTITY;
	if (!certified)
		m |= 1u << ENTERPRISE_MISSING_CERTIFIED;
	if (!member)
		m |= 1u << ENTERPRISE_MISSING_MEMBER;
	return m;
}

const char *enterprise_readiness_code(int item)
{
	if (item < 0 || item >= ENTERPRISE_MISSING_COUNT)
		return NULL;
	return readiness_texts[item].code;
}

/* The report of person pid for enterprise eid ("" when acting as a person). */
static int readiness_build(svc_ctx *ctx, const char *eid, const char *pid,
                           Enterprise__ReadinessReport **out)
{
	PGresult *res = NULL;
	int has_enterprise = *eid != '\0', certified = 0, member = 0;
	Enterprise__ReadinessReport *r = arena_alloc(ctx->arena, sizeof *r);
	enterprise__readiness_report__init(r);
	const char *vals[] = {validate_uuid(eid) ? eid : NULL, pid};
	int rv = db_exec(ctx->db,
	                 "SELECT (SELECT name FROM enterprises WHERE id = $1::uuid),"
	                 " p.verified_at IS NOT NULL, p.verification_method,"
	                 " (SELECT role FROM memberships WHERE enterprise_id = $1::uuid"
	                 "  AND person_id = $2::uuid AND state = 'active'),"
	                 " p.face_checked_at IS NOT NULL"
	                 " FROM (SELECT $2::uuid AS id) q"
	                 " LEFT JOIN persons p ON p.person_id = q.id",
	                 2, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	certified = !PQgetisnull(res, 0, 0);
	member = !PQgetisnull(res, 0, 3);
	r->person_id = arena_strdup(ctx->arena, pid);
	if (has_enterprise)
		r->enterprise_id = arena_strdup(ctx->arena, eid);
	/* The name only to a member: it is not a way to learn who is certified. */
	if (certified && member)
		r->enterprise_name = arena_strdup(ctx->arena, PQgetvalue(res, 0, 0));
	r->has_certified = r->has_person_verified = r->has_member = r->has_ready = 1;
	r->has_face_checked = 1;
	r->face_checked = PQgetvalue(res, 0, 4)[0] == 't';
	r->certified = certified;
	r->person_verified = PQgetvalue(res, 0, 1)[0] == 't';
	if (!PQgetisnull(res, 0, 2))
		r->verification_method = arena_strdup(ctx->arena, PQgetvalue(res, 0, 2));
	r->member = member;
	if (member)
		r->role = arena_strdup(ctx->arena, PQgetvalue(res, 0, 3));
	PQclear(res);
	unsigned missing =
	        enterprise_readiness_missing(r->person_verified, has_enterprise, certified, member);
	r->missing = arena_alloc(ctx->arena, ENTERPRISE_MISSING_COUNT * sizeof *r->missing);
	for (int i = 0; i < ENTERPRISE_MISSING_COUNT; i++) {
		if (!(missing & 1u << i))
			continue;
		Enterprise__ReadinessItem *it = arena_alloc(ctx->arena, sizeof *it);
		enterprise__readiness_item__init(it);
		it->code = (char *)readiness_texts[i].code;
		it->message = (char *)readiness_texts[i].message;
		r->missing[r->n_missing++] = it;
	}
	r->ready = missing == 0;
	*out = r;
	return ST_OK;
}

/* Bus-only: for other services (market, certs, ...), about any person and enterprise. */
int enterprise_readiness(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Enterprise__ReadinessRequest *req = (const Enterprise__ReadinessRequest *)in;
	Enterprise__ReadinessReport *r = NULL;
	if (!req->enterprise_id || !*req->enterprise_id)
		return status_err(ST_FIELD_REQUIRED, "enterprise_id");
	if (!validate_uuid(req->person_id))
		return status_err(ST_FIELD_REQUIRED, "person_id");
	int rv = readiness_build(ctx, req->enterprise_id, req->person_id, &r);
	if (rv != ST_OK)
		return rv;
	*out = &r->base;
	return ST_OK;
}

/* GET /api/v1/enterprise/readiness: the caller and its active identity. */
int enterprise_readiness_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	const char *pid = NULL, *eid = "", *role = NULL;
	Enterprise__ReadinessReport *r = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	/* An enterprise identity the caller lost is not theirs to ask about (404). */
	if (caller_enterprise_claim(ctx) &&
	    (rv = enterprise_caller_enterprise(ctx, &eid, &role)) != ST_OK)
		return rv;
	if ((rv = readiness_build(ctx, eid, pid, &r)) != ST_OK)
		return rv;
	*out = &r->base;
	return ST_OK;
}
