/*
 * The projection of enterprise memberships (see memberproj.h): applied exactly once in
 * order by the runtime's subscriber (its per-source cursor advances in the same
 * transaction). It keeps only active memberships:
 *   enterprise.certification.approved  the applicant, admin of the new enterprise
 *   enterprise.member.joined           the person, member
 *   enterprise.admin.transferred       the person admin, the former admin member
 *   enterprise.member.left             (removed or left) the row gone
 * Every other enterprise event changes nothing here.
 */
#include "memberproj.h"

#include "change.h"
#include "dbrow.h"
#include "enterprise_kyb.pb-c.h"
#include "enterprise_members.pb-c.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <string.h>

/* Same definition as accounts' retired migrations/003_enterprise_memberships.sql, so an
 * accounts schema that has the table keeps it. The cursor reset: a service that already
 * followed enterprise (notify) has to see its events again to fill the table; its other
 * appliers take a repeated event as a duplicate. */
const db_migration memberproj_migration = {
        .name = "000_common_memberproj",
        .sql = "CREATE TABLE IF NOT EXISTS enterprise_memberships ("
               " person_id uuid NOT NULL, enterprise_id uuid NOT NULL,"
               " enterprise_name text NOT NULL,"
               " role text NOT NULL CHECK (role IN ('admin', 'member')),"
               " updated_at timestamptz NOT NULL DEFAULT now(),"
               " PRIMARY KEY (person_id, enterprise_id));"
               "DELETE FROM inbox_cursor WHERE source = 'enterprise';"};

/* Unpacks ev's payload with desc into the arena; NULL when absent or malformed. */
static const void *memberproj_payload(svc_ctx *ctx, const Events__Event *ev,
                                      const ProtobufCMessageDescriptor *desc)
{
	if (!ev->has_payload)
		return NULL;
	ProtobufCAllocator al = arena_pb_allocator(ctx->arena);
	return protobuf_c_message_unpack(desc, &al, ev->payload.len, ev->payload.data);
}

/* person is now an active member of the enterprise with role. */
static int memberproj_set(svc_ctx *ctx, const char *person, const char *enterprise,
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

static int memberproj_member(svc_ctx *ctx, const Events__Event *ev)
{
	const Enterprise__MemberEvent *m =
	        memberproj_payload(ctx, ev, &enterprise__member_event__descriptor);
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
	int rv = memberproj_set(ctx, m->person_id, m->enterprise_id, m->enterprise_name,
	                        admin ? "admin" : "member");
	if (rv != ST_OK || !admin || !validate_uuid(m->admin_person_id))
		return rv;
	const char *v[] = {m->admin_person_id, m->enterprise_id};
	return change_exec(ctx,
	                   "UPDATE enterprise_memberships SET role = 'member', updated_at = now()"
	                   " WHERE person_id = $1::uuid AND enterprise_id = $2::uuid",
	                   2, v, NULL);
}

static int memberproj_certified(svc_ctx *ctx, const Events__Event *ev)
{
	const Enterprise__CertificationEvent *c =
	        memberproj_payload(ctx, ev, &enterprise__certification_event__descriptor);
	if (!c || !validate_uuid(c->applicant_id) || !validate_uuid(c->enterprise_id) ||
	    !c->enterprise_name)
		return ST_BAD_MESSAGE;
	/* The first certifier is the enterprise's admin (enterprise does the same). */
	return memberproj_set(ctx, c->applicant_id, c->enterprise_id, c->enterprise_name, "admin");
}

int memberproj_apply(svc_ctx *ctx, const Events__Event *ev)
{
	if (!ev->type)
		return ST_OK;
	int rv = ST_OK;
	if (strcmp(ev->type, "enterprise.member.joined") == 0 ||
	    strcmp(ev->type, "enterprise.member.left") == 0 ||
	    strcmp(ev->type, "enterprise.admin.transferred") == 0)
		rv = memberproj_member(ctx, ev);
	else if (strcmp(ev->type, "enterprise.certification.approved") == 0)
		rv = memberproj_certified(ctx, ev);
	if (rv == ST_BAD_MESSAGE) {
		/* Retrying cannot mend a bad payload, and a retried event would hold back
		 * every later one of its source: skip it, loudly. */
		log_kv(LOGL_WARN, ev->id, "enterprise event unusable, projection unchanged", "type",
		       ev->type, NULL);
		return ST_OK;
	}
	return rv;
}

#define MEMBERPROJ_SELECT                                                                          \
	"SELECT enterprise_id::text, enterprise_name, role FROM enterprise_memberships"            \
	" WHERE person_id = $1::uuid"

static void memberproj_row_from(svc_ctx *ctx, PGresult *r, int i, memberproj_row *out)
{
	*out = (memberproj_row){dbrow_text(ctx->arena, r, i, 0), dbrow_text(ctx->arena, r, i, 1),
	                        dbrow_text(ctx->arena, r, i, 2)};
}

int memberproj_list(svc_ctx *ctx, const char *person_id, memberproj_row **out, size_t *n)
{
	PGresult *r = NULL;
	const char *v[] = {person_id};
	int rv = db_exec(ctx->db,
	                 MEMBERPROJ_SELECT " ORDER BY role = 'admin' DESC, enterprise_name,"
	                                   " enterprise_id",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int rows = PQntuples(r);
	memberproj_row *m = arena_alloc(ctx->arena, (size_t)(rows ? rows : 1) * sizeof *m);
	for (int i = 0; i < rows; i++)
		memberproj_row_from(ctx, r, i, &m[i]);
	PQclear(r);
	*out = m;
	*n = (size_t)rows;
	return ST_OK;
}

int memberproj_get(svc_ctx *ctx, const char *person_id, const char *enterprise_id,
                   memberproj_row *out)
{
	PGresult *r = NULL;
	if (!validate_uuid(person_id) || !validate_uuid(enterprise_id))
		return status_err(ST_NOT_FOUND, "enterprise_id");
	const char *v[] = {person_id, enterprise_id};
	int rv = db_exec(ctx->db, MEMBERPROJ_SELECT " AND enterprise_id = $2::uuid", 2, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1)
		rv = status_err(ST_NOT_FOUND, "enterprise_id");
	else
		memberproj_row_from(ctx, r, 0, out);
	PQclear(r);
	return rv;
}
