/*
 * The projection of enterprise memberships (enterprise_memberships): built from
 * enterprise's events, applied exactly once in order by the runtime's subscriber (its
 * per-source cursor advances in the same transaction), read by identities.c. It keeps
 * only active memberships:
 *   enterprise.certification.approved  the applicant, admin of the new enterprise
 *   enterprise.member.joined           the person, member
 *   enterprise.admin.transferred       the person admin, the former admin member
 *   enterprise.member.left             (removed or left) the row gone
 * Every other enterprise event changes nothing here.
 */
#include "accounts.h"

#include "change.h"
#include "enterprise_kyb.pb-c.h"
#include "enterprise_members.pb-c.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <string.h>

/* Unpacks ev's payload with desc into the arena; NULL when absent or malformed. */
static const void *memberships_payload(svc_ctx *ctx, const Events__Event *ev,
                                       const ProtobufCMessageDescriptor *desc)
{
	if (!ev->has_payload)
		return NULL;
	ProtobufCAllocator al = arena_pb_allocator(ctx->arena);
	return protobuf_c_message_unpack(desc, &al, ev->payload.len, ev->payload.data);
}

/* person is now an active member of the enterprise with role. */
static int memberships_set(svc_ctx *ctx, const char *person, const char *enterprise,
                           const char *name, const char *role)
{
	const char *v[] = {person, enterprise, name, role};
	return change_exec(ctx,
	                   "INSERT INTO enterprise_memberships (person_id, enterprise_id,"
	                   " enterprise_name, role) VALUES ($1::uuid, $2::uuid, $3, $4)"
	                   " ON CONFLICT (person_id, enterprise_id) DO UPDATE SET"
	                   " enterprise_name = EXCLUDED.enterprise_name, role = EXCLUDED.role,"
	                   " updated_at = now()",
	                   4, v, NULL);
}

static int memberships_member(svc_ctx *ctx, const Events__Event *ev)
{
	const Enterprise__MemberEvent *m =
	        memberships_payload(ctx, ev, &enterprise__member_event__descriptor);
	if (!m || !validate_uuid(m->person_id) || !validate_uuid(m->enterprise_id))
		return ST_BAD_MESSAGE;
	if (strcmp(ev->type, "enterprise.member.left") == 0) {
		const char *v[] = {m->person_id, m->enterprise_id};
		return change_exec(ctx,
		                   "DELETE FROM enterprise_memberships WHERE person_id = $1::uuid"
		                   " AND enterprise_id = $2::uuid",
		                   2, v, NULL);
	}
	if (!m->enterprise_name)
		return ST_BAD_MESSAGE;
	int admin = strcmp(ev->type, "enterprise.admin.transferred") == 0;
	int rv = memberships_set(ctx, m->person_id, m->enterprise_id, m->enterprise_name,
	                         admin ? "admin" : "member");
	if (rv != ST_OK || !admin || !validate_uuid(m->admin_person_id))
		return rv;
	const char *v[] = {m->admin_person_id, m->enterprise_id};
	return change_exec(ctx,
	                   "UPDATE enterprise_memberships SET role = 'member', updated_at = now()"
	                   " WHERE person_id = $1::uuid AND enterprise_id = $2::uuid",
	                   2, v, NULL);
}

static int memberships_certified(svc_ctx *ctx, const Events__Event *ev)
{
	const Enterprise__CertificationEvent *c =
	        memberships_payload(ctx, ev, &enterprise__certification_event__descriptor);
	if (!c || !validate_uuid(c->applicant_id) || !validate_uuid(c->enterprise_id) ||
	    !c->enterprise_name)
		return ST_BAD_MESSAGE;
	/* The first certifier is the enterprise's admin (enterprise does the same). */
	return memberships_set(ctx, c->applicant_id, c->enterprise_id, c->enterprise_name, "admin");
}

int accounts_memberships_apply(svc_ctx *ctx, const Events__Event *ev)
{
	if (!ev->type)
		return ST_OK;
	int rv = ST_OK;
	if (strcmp(ev->type, "enterprise.member.joined") == 0 ||
	    strcmp(ev->type, "enterprise.member.left") == 0 ||
	    strcmp(ev->type, "enterprise.admin.transferred") == 0)
		rv = memberships_member(ctx, ev);
	else if (strcmp(ev->type, "enterprise.certification.approved") == 0)
		rv = memberships_certified(ctx, ev);
	if (rv == ST_BAD_MESSAGE) {
		/* Retrying cannot mend a bad payload, and a retried event would hold back
		 * every later one of its source: skip it, loudly. */
		log_kv(LOGL_WARN, ev->id, "enterprise event unusable, projection unchanged", "type",
		       ev->type, NULL);
		return ST_OK;
	}
	return rv;
}
