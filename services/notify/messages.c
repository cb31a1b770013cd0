/*
 * In-site messages (我的消息): made from other services' events through the
 * template table (templates.c), one per (event, recipient) however often the
 * event is delivered; listed, counted and marked read by the person they are
 * for. A person sees the messages addressed to them and, while acting as an
 * enterprise, those addressed to it; read marks are per person.
 *
 * Whether the reader still belongs to the session's enterprise is read from notify's
 * own projection of enterprise's memberships, never asked of enterprise: enterprise
 * calls accounts, which calls notify, so a call from notify to enterprise would close a
 * cycle in which three worker pools can wait on each other.
 */
#include "notify.h"

#include "accounts.pb-c.h"
#include "caller.h"
#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "log.h"
#include "market.pb-c.h"
#include "memberproj.h"
#include "notify.pb-c.h"
#include "status.h"
#include "templates.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Who may see a message: $1 the caller's person, $2 the active enterprise (NULL if none). */
#define NOTIFY_VISIBLE "(m.person_id = $1 OR m.enterprise_id = $2)"
/* The columns notify_message_from_row() reads, for reader $1. */
#define NOTIFY_MESSAGE_COLS                                                                        \
	"m.id, m.event_type, m.title, m.body, r.read_at IS NOT NULL, " DBROW_CST(                  \
	        "m.created_at") ", " DBROW_CST("r.read_at") ", m.enterprise_id"
#define NOTIFY_MESSAGE_FROM                                                                        \
	" FROM messages m LEFT JOIN message_reads r ON r.message_id = m.id AND r.person_id = $1"

/* ---- events -------------------------------------------------------------------------- */

int notify_messages_apply(svc_ctx *ctx, const Events__Event *ev)
{
	notify_message msg;
	char time_ms[24];
	int r = notify_template_render(ev, ctx->arena, &msg);
	if (r == 0)
		return ST_OK;
	if (r < 0) {
		/* Retrying cannot mend a bad payload, and a retried event would hold back
		 * every later one of its source: skip it, loudly. */
		log_kv(LOGL_WARN, ev->id, "event payload unusable, no message", "type", ev->type,
		       NULL);
		return ST_OK;
	}
	const char *event_id =
	        ev->id && *ev->id ? ev->id
	                          : arena_printf(ctx->arena, "%s:%lld",
	                                         ev->source ? ev->source : "-", (long long)ev->seq);
	snprintf(time_ms, sizeof time_ms, "%lld", (long long)ev->time_ms);
	const char *v[] = {event_id,
	                   ev->type,
	                   msg.person_id,
	                   msg.enterprise_id,
	                   msg.title,
	                   msg.body,
	                   ev->has_time_ms && ev->time_ms > 0 ? time_ms : NULL};
	/* Inside the runtime's transaction that advances the cursor (not change_run's). */
	int rv = change_exec(ctx,
	                     "INSERT INTO messages (event_id, event_type, person_id, enterprise_id,"
	                     " title, body, created_at)"
	                     " VALUES ($1, $2, $3, $4, $5, $6,"
	                     " COALESCE(to_timestamp($7::bigint / 1000.0), now()))"
	                     " ON CONFLICT (event_id, recipient) DO NOTHING",
	                     7, v, NULL);
	/* The SMS and e-mail in the same transaction: applied once, queued once. */
	return rv != ST_OK ? rv
	                   : notify_deliveries_enqueue(ctx, event_id, ev->type, msg.person_id,
	                                               msg.enterprise_id, msg.title, msg.body);
}

/* The event's id for messages: its own, or source:seq for an event without one. */
static const char *notify_event_id(svc_ctx *ctx, const Events__Event *ev)
{
	return ev->id && *ev->id ? ev->id
	                         : arena_printf(ctx->arena, "%s:%lld",
	                                        ev->source ? ev->source : "-", (long long)ev->seq);
}

/* market.staff.added / .removed into the projection market_staff; other types: nothing. */
static int notify_staff_apply(svc_ctx *ctx, const Events__Event *ev)
{
	int added = ev->type && strcmp(ev->type, "market.staff.added") == 0;
	if (!added && !(ev->type && strcmp(ev->type, "market.staff.removed") == 0))
		return ST_OK;
	ProtobufCAllocator al = arena_pb_allocator(ctx->arena);
	const Market__StaffEvent *st =
	        ev->has_payload ? (const Market__StaffEvent *)protobuf_c_message_unpack(
	                                  &market__staff_event__descriptor, &al, ev->payload.len,
	                                  ev->payload.data)
	                        : NULL;
	if (!st || !st->staff_id || !validate_uuid(st->staff_id) ||
	    (added && (!st->institution_id || !validate_uuid(st->institution_id) ||
	               !st->person_id || !validate_uuid(st->person_id) || !st->role))) {
		log_kv(LOGL_WARN, ev->id, "staff event unusable, projection unchanged", "type",
		       ev->type, NULL);
		return ST_OK;
	}
	if (!added) {
		const char *v[] = {st->staff_id};
		return change_exec(ctx, "DELETE FROM market_staff WHERE staff_id = $1::uuid", 1, v,
		                   NULL);
	}
	const char *v[] = {st->staff_id, st->institution_id,
	                   st->institution_kind && *st->institution_kind ? st->institution_kind
	                                                                 : NULL,
	                   st->person_id, st->role};
	return change_exec(ctx,
	                   "INSERT INTO market_staff (staff_id, institution_id, institution_kind,"
	                   " person_id, role) VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5)"
	                   " ON CONFLICT (staff_id) DO NOTHING",
	                   5, v, NULL);
}

/*
 * The message msg (title, body) of ev to each of persons (n), and the SMS and e-mail the
 * channel table's staff row for who gives them, in the subscriber's transaction.
 */
static int notify_messages_to_staff(svc_ctx *ctx, const Events__Event *ev,
                                    const notify_message *msg, char *const *persons, size_t n,
                                    enum notify_audience who)
{
	char time_ms[24];
	int rv;
	snprintf(time_ms, sizeof time_ms, "%lld", (long long)ev->time_ms);
	const char *event_id = notify_event_id(ctx, ev);
	for (size_t i = 0; i < n; i++) {
		if (!persons[i] || !validate_uuid(persons[i]))
			continue;
		const char *v[] = {event_id,   ev->type,
		                   persons[i], msg->title,
		                   msg->body,  ev->has_time_ms && ev->time_ms > 0 ? time_ms : NULL};
		if ((rv = change_exec(
		             ctx,
		             "INSERT INTO messages (event_id, event_type, person_id, title, body,"
		             " created_at) VALUES ($1, $2, $3, $4, $5,"
		             " COALESCE(to_timestamp($6::bigint / 1000.0), now()))"
		             " ON CONFLICT (event_id, recipient) DO NOTHING",
		             6, v, NULL)) != ST_OK)
			return rv;
	}
	return notify_deliveries_enqueue_staff(ctx, event_id, ev->type, who, msg->title, msg->body,
	                                       persons, n);
}

/* The persons (in the arena) of a one-column query's rows inside the subscriber's
 * transaction; *n their count. */
static int notify_persons_query(svc_ctx *ctx, const char *sql, int nv, const char *const *v,
                                char ***persons, size_t *n)
{
	PGresult *r = NULL;
	int rv = change_exec(ctx, sql, nv, v, &r);
	if (rv != ST_OK)
		return rv;
	int rows = PQntuples(r);
	*persons = arena_alloc(ctx->arena, (size_t)(rows ? rows : 1) * sizeof **persons);
	*n = 0;
	for (int i = 0; i < rows; i++)
		(*persons)[(*n)++] = dbrow_text(ctx->arena, r, i, 0);
	PQclear(r);
	return ST_OK;
}

int notify_market_apply(svc_ctx *ctx, const Events__Event *ev)
{
	notify_message msg;
	char **persons = NULL;
	size_t n = 0;
	int rv = notify_staff_apply(ctx, ev);
	if (rv != ST_OK)
		return rv;
	rv = notify_messages_apply(ctx, ev);
	if (rv != ST_OK)
		return rv;
	/* The officers market read in the submitting transaction (its staff of the
	 * institution then), which the projection of market_staff equals once applied. */
	int r = notify_template_officers(ev, ctx->arena, &msg, &persons, &n);
	if (r <= 0)
		return ST_OK; /* a bad payload was logged by notify_messages_apply */
	return notify_messages_to_staff(ctx, ev, &msg, persons, n, NOTIFY_TO_OFFICERS);
}

int notify_billfin_apply(svc_ctx *ctx, const Events__Event *ev)
{
	notify_message msg;
	const char *inst = NULL;
	char **persons = NULL;
	size_t n = 0;
	int rv = notify_messages_apply(ctx, ev);
	if (rv != ST_OK)
		return rv;
	if (notify_template_funders(ev, ctx->arena, &msg, &inst) <= 0)
		return ST_OK; /* a bad payload was logged by notify_messages_apply */
	const char *v[] = {inst};
	/* The addressed funder's quoters, or every bill funder's for an inquiry to any. */
	if ((rv = notify_persons_query(ctx,
	                               "SELECT DISTINCT s.person_id::text FROM market_staff s"
	                               " WHERE s.role = 'bill_quoter' AND"
	                               " ($1::uuid IS NULL AND s.institution_kind = 'bill_funder'"
	                               " OR s.institution_id = $1::uuid) ORDER BY 1",
	                               1, v, &persons, &n)) != ST_OK)
		return rv;
	return notify_messages_to_staff(ctx, ev, &msg, persons, n, NOTIFY_TO_OFFICERS);
}

/* accounts.operator.roles_set into the projection operator_roles; other types: nothing. */
static int notify_operators_apply(svc_ctx *ctx, const Events__Event *ev)
{
	if (!ev->type || strcmp(ev->type, "accounts.operator.roles_set") != 0)
		return ST_OK;
	ProtobufCAllocator al = arena_pb_allocator(ctx->arena);
	const Accounts__OperatorRolesSet *o =
	        ev->has_payload ? (const Accounts__OperatorRolesSet *)protobuf_c_message_unpack(
	                                  &accounts__operator_roles_set__descriptor, &al,
	                                  ev->payload.len, ev->payload.data)
	                        : NULL;
	if (!o || !o->person_id || !validate_uuid(o->person_id)) {
		log_kv(LOGL_WARN, ev->id, "operator event unusable, projection unchanged", "type",
		       ev->type, NULL);
		return ST_OK;
	}
	/* All the roles as they now are: replace. */
	const char *v[] = {o->person_id};
	int rv = change_exec(ctx, "DELETE FROM operator_roles WHERE person_id = $1::uuid", 1, v,
	                     NULL);
	for (size_t i = 0; rv == ST_OK && i < o->n_roles; i++) {
		const char *w[] = {o->person_id, o->roles[i]};
		rv = change_exec(
		        ctx,
		        "INSERT INTO operator_roles (person_id, role) VALUES ($1::uuid, $2)"
		        " ON CONFLICT DO NOTHING",
		        2, w, NULL);
	}
	return rv;
}

int notify_accounts_apply(svc_ctx *ctx, const Events__Event *ev)
{
	int rv = notify_operators_apply(ctx, ev);
	return rv != ST_OK ? rv : notify_messages_apply(ctx, ev);
}

/* The operators of the event's role (notify's projection of accounts' operators) hear of
 * work waiting for them, when the template table has an operators' message for it. */
static int notify_operators_notify(svc_ctx *ctx, const Events__Event *ev)
{
	notify_message msg;
	char **persons = NULL;
	size_t n = 0;
	int rv;
	if (notify_template_operators(ev, ctx->arena, &msg) <= 0)
		return ST_OK; /* a bad payload was logged by notify_messages_apply */
	const notify_channel *ch = notify_channel_find_staff(ev->type, NOTIFY_TO_OPERATORS);
	if (!ch || !ch->role)
		return ST_OK;
	const char *v[] = {ch->role};
	if ((rv = notify_persons_query(ctx,
	                               "SELECT person_id::text FROM operator_roles WHERE role = $1"
	                               " ORDER BY 1",
	                               1, v, &persons, &n)) != ST_OK)
		return rv;
	return notify_messages_to_staff(ctx, ev, &msg, persons, n, NOTIFY_TO_OPERATORS);
}

int notify_enterprise_apply(svc_ctx *ctx, const Events__Event *ev)
{
	int rv = memberproj_apply(ctx, ev);
	if (rv == ST_OK)
		rv = notify_messages_apply(ctx, ev);
	return rv != ST_OK ? rv : notify_operators_notify(ctx, ev);
}

int notify_certs_apply(svc_ctx *ctx, const Events__Event *ev)
{
	notify_message msg;
	char **persons = NULL;
	size_t n = 0;
	int rv = notify_messages_apply(ctx, ev);
	if (rv == ST_OK)
		rv = notify_operators_notify(ctx, ev);
	if (rv != ST_OK)
		return rv;
	/* contracts: the persons the event names, each their message (and SMS per the table). */
	int r = notify_template_named(ev, ctx->arena, &msg, &persons, &n);
	if (r < 0)
		log_kv(LOGL_WARN, ev->id, "contract event payload unusable, no message", "type",
		       ev->type, NULL);
	if (r <= 0)
		return ST_OK;
	return notify_messages_to_staff(ctx, ev, &msg, persons, n, NOTIFY_TO_NAMED);
}

/* ---- requests ------------------------------------------------------------------------ */

/*
 * The caller's person and active enterprise (NULL when none); ST_UNAUTHENTICATED.
 * The session's enterprise counts only while the projection holds the membership: a
 * member removed since switching reads only their personal messages.
 */
static int notify_reader(svc_ctx *ctx, const char **person, const char **enterprise)
{
	memberproj_row m;
	const char *claim;
	int rv = caller_person(ctx, person);
	*enterprise = NULL;
	if (rv != ST_OK || !(claim = caller_enterprise_claim(ctx)))
		return rv;
	rv = memberproj_get(ctx, *person, claim, &m);
	if (rv == ST_NOT_FOUND) {
		status_clear();
		return ST_OK;
	}
	if (rv != ST_OK)
		return rv;
	*enterprise = m.enterprise_id;
	return ST_OK;
}

/* One row of NOTIFY_MESSAGE_COLS as a Message in the arena. */
static Notify__Message *notify_message_from_row(svc_ctx *ctx, const PGresult *r, int row)
{
	Notify__Message *m = arena_alloc(ctx->arena, sizeof *m);
	notify__message__init(m);
	m->id = dbrow_text(ctx->arena, r, row, 0);
	m->type = dbrow_text(ctx->arena, r, row, 1);
	m->title = dbrow_text(ctx->arena, r, row, 2);
	m->body = dbrow_text(ctx->arena, r, row, 3);
	m->has_read = 1;
	m->read = strcmp(PQgetvalue(r, row, 4), "t") == 0;
	m->created_at = dbrow_text(ctx->arena, r, row, 5);
	m->read_at = dbrow_text(ctx->arena, r, row, 6);
	m->enterprise_id = dbrow_text(ctx->arena, r, row, 7);
	return m;
}

static ProtobufCMessage *message_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &notify_message_from_row(ctx, r, row)->base;
}

int notify_messages_list(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Notify__ListMessagesRequest *in = (const Notify__ListMessagesRequest *)in_;
	const char *person = NULL, *enterprise = NULL;
	dblist_page pg;
	int rv;
	if ((rv = notify_reader(ctx, &person, &enterprise)) != ST_OK)
		return rv;
	if ((rv = dblist_page_init(in->has_page, in->page, in->has_page_size, in->page_size,
	                           &pg)) != ST_OK)
		return rv;
	const char *unread = in->has_unread && in->unread ? "true" : "false";
	const char *v[] = {person, enterprise, unread, pg.limit, pg.offset};
	return dblist_query(
	        ctx, &notify__list_messages_response__descriptor, &pg,
	        "SELECT count(*)" NOTIFY_MESSAGE_FROM " WHERE " NOTIFY_VISIBLE
	        " AND (NOT $3::bool OR r.message_id IS NULL)",
	        3,
	        "SELECT " NOTIFY_MESSAGE_COLS NOTIFY_MESSAGE_FROM " WHERE " NOTIFY_VISIBLE
	        " AND (NOT $3::bool OR r.message_id IS NULL)"
	        " ORDER BY m.created_at DESC, m.id DESC LIMIT $4::int OFFSET $5::bigint",
	        5, v, message_row, NULL, out);
}

int notify_messages_unread_count(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	const char *person = NULL, *enterprise = NULL;
	PGresult *r = NULL;
	int rv;
	if ((rv = notify_reader(ctx, &person, &enterprise)) != ST_OK)
		return rv;
	const char *v[] = {person, enterprise};
	rv = db_exec(ctx->db,
	             "SELECT count(*) FROM messages m WHERE " NOTIFY_VISIBLE
	             " AND NOT EXISTS (SELECT 1 FROM message_reads r"
	             " WHERE r.message_id = m.id AND r.person_id = $1)",
	             2, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	long long n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	Notify__UnreadCountResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	notify__unread_count_response__init(resp);
	resp->has_count = 1;
	resp->count = n > INT32_MAX ? INT32_MAX : (int32_t)n;
	*out = &resp->base;
	return ST_OK;
}

/*
 * Read marks change only the reader's own view: one statement in change_run's
 * transaction, no audit entry (the audit log is for persons', enterprises' and orders'
 * records) and no event. Marking twice keeps the first read time.
 */
struct mark {
	const char *const *vals; /* person, enterprise, message id (mark_read only) */
	long marked;             /* rows inserted, set by the change */
};

static int mark_read_tx(svc_ctx *ctx, void *arg)
{
	struct mark *m = arg;
	return change_exec(
	        ctx,
	        "INSERT INTO message_reads (message_id, person_id)"
	        " SELECT m.id, $1 FROM messages m WHERE m.id = $3::uuid AND " NOTIFY_VISIBLE
	        " ON CONFLICT (message_id, person_id) DO NOTHING",
	        3, m->vals, NULL);
}

int notify_messages_mark_read(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Notify__MarkReadRequest *in = (const Notify__MarkReadRequest *)in_;
	const char *person = NULL, *enterprise = NULL;
	PGresult *r = NULL;
	int rv;
	if ((rv = notify_reader(ctx, &person, &enterprise)) != ST_OK)
		return rv;
	/* Someone else's message and no message at all look the same (ARCHITECTURE.md). */
	if (!validate_uuid(in->id))
		return status_err(ST_NOT_FOUND, "id");
	const char *v[] = {person, enterprise, in->id};
	struct mark m = {v, 0};
	if ((rv = change_run(ctx, mark_read_tx, &m)) != ST_OK)
		return rv;
	rv = db_exec(ctx->db,
	             "SELECT " NOTIFY_MESSAGE_COLS NOTIFY_MESSAGE_FROM
	             " WHERE m.id = $3::uuid AND " NOTIFY_VISIBLE,
	             3, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "id");
	}
	*out = &notify_message_from_row(ctx, r, 0)->base;
	PQclear(r);
	return ST_OK;
}

static int mark_all_read_tx(svc_ctx *ctx, void *arg)
{
	struct mark *m = arg;
	PGresult *r = NULL;
	int rv = change_exec(ctx,
	                     "INSERT INTO message_reads (message_id, person_id)"
	                     " SELECT m.id, $1 FROM messages m WHERE " NOTIFY_VISIBLE
	                     " ON CONFLICT (message_id, person_id) DO NOTHING",
	                     2, m->vals, &r);
	if (rv != ST_OK)
		return rv;
	m->marked = change_rows(r);
	PQclear(r);
	return ST_OK;
}

int notify_messages_mark_all_read(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	const char *person = NULL, *enterprise = NULL;
	int rv;
	if ((rv = notify_reader(ctx, &person, &enterprise)) != ST_OK)
		return rv;
	const char *v[] = {person, enterprise};
	struct mark m = {v, 0};
	if ((rv = change_run(ctx, mark_all_read_tx, &m)) != ST_OK)
		return rv;
	Notify__MarkAllReadResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	notify__mark_all_read_response__init(resp);
	resp->has_updated = 1;
	resp->updated = m.marked > INT32_MAX ? INT32_MAX : (int32_t)m.marked;
	*out = &resp->base;
	return ST_OK;
}
