/*
 * Notification preferences (GET/PUT /api/v1/me/notification-preferences): per category,
 * SMS and e-mail on or off and whether e-mails wait for the daily digest; the digest hour
 * (Asia/Shanghai). No row means on, no digest, 8 o'clock. Security messages (password
 * changes, codes) cannot be turned off or batched: their category is locked. Read by
 * notify_deliveries_enqueue when an event is applied, so a change applies to later events.
 */
#include "notify.h"

#include "caller.h"
#include "change.h"
#include "channels.h"
#include "notify.pb-c.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

/* The caller's preferences, every category listed, in display order. */
static int notify_prefs_read(svc_ctx *ctx, const char *person, ProtobufCMessage **out)
{
	PGresult *r = NULL;
	size_t n;
	const notify_category *cats = notify_categories(&n);
	const char *v[] = {person};
	int rv = db_exec(ctx->db,
	                 "SELECT category, sms, email, digest FROM delivery_prefs"
	                 " WHERE person_id = $1::uuid",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	Notify__NotificationPreferences *p = arena_alloc(ctx->arena, sizeof *p);
	notify__notification_preferences__init(p);
	p->categories = arena_alloc(ctx->arena, n * sizeof *p->categories);
	for (size_t i = 0; i < n; i++) {
		Notify__CategoryPreference *c = arena_alloc(ctx->arena, sizeof *c);
		notify__category_preference__init(c);
		c->category = (char *)cats[i].name;
		c->has_sms = c->has_email = c->has_digest = c->has_locked = 1;
		c->sms = c->email = 1;
		c->locked = cats[i].locked;
		for (int j = 0; !cats[i].locked && j < PQntuples(r); j++) {
			if (strcmp(PQgetvalue(r, j, 0), cats[i].name) != 0)
				continue;
			c->sms = PQgetvalue(r, j, 1)[0] == 't';
			c->email = PQgetvalue(r, j, 2)[0] == 't';
			c->digest = PQgetvalue(r, j, 3)[0] == 't';
		}
		p->categories[p->n_categories++] = c;
	}
	PQclear(r);
	if ((rv = db_exec(ctx->db,
	                  "SELECT digest_hour FROM delivery_settings WHERE person_id = $1::uuid", 1,
	                  v, &r)) != ST_OK)
		return status_err(rv, NULL);
	p->has_digest_hour = 1;
	p->digest_hour = PQntuples(r) == 1 ? (int32_t)strtol(PQgetvalue(r, 0, 0), NULL, 10) : 8;
	PQclear(r);
	*out = &p->base;
	return ST_OK;
}

int notify_prefs_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	const char *person = NULL;
	int rv = caller_person(ctx, &person);
	return rv != ST_OK ? rv : notify_prefs_read(ctx, person, out);
}

struct notify_prefs_put {
	const char *person;
	const Notify__NotificationPreferences *in;
};

static int notify_prefs_tx(svc_ctx *ctx, void *arg)
{
	struct notify_prefs_put *p = arg;
	int rv;
	for (size_t i = 0; i < p->in->n_categories; i++) {
		const Notify__CategoryPreference *c = p->in->categories[i];
		/* Absent fields keep what was stored (or the default: on, no digest). */
		const char *v[] = {p->person, c->category, c->has_sms ? (c->sms ? "t" : "f") : NULL,
		                   c->has_email ? (c->email ? "t" : "f") : NULL,
		                   c->has_digest ? (c->digest ? "t" : "f") : NULL};
		if ((rv = change_exec(
		             ctx,
		             "INSERT INTO delivery_prefs (person_id, category, sms, email, digest)"
		             " VALUES ($1::uuid, $2, COALESCE($3::bool, true),"
		             " COALESCE($4::bool, true), COALESCE($5::bool, false))"
		             " ON CONFLICT (person_id, category) DO UPDATE SET"
		             " sms = COALESCE($3::bool, delivery_prefs.sms),"
		             " email = COALESCE($4::bool, delivery_prefs.email),"
		             " digest = COALESCE($5::bool, delivery_prefs.digest)",
		             5, v, NULL)) != ST_OK)
			return rv;
	}
	if (p->in->has_digest_hour) {
		char hour[8];
		snprintf(hour, sizeof hour, "%d", (int)p->in->digest_hour);
		const char *v[] = {p->person, hour};
		if ((rv = change_exec(ctx,
		                      "INSERT INTO delivery_settings (person_id, digest_hour)"
		                      " VALUES ($1::uuid, $2::int) ON CONFLICT (person_id)"
		                      " DO UPDATE SET digest_hour = $2::int",
		                      2, v, NULL)) != ST_OK)
			return rv;
		/* E-mails already waiting move to the new hour. */
		if ((rv = change_exec(
		             ctx,
		             "UPDATE deliveries SET next_at = (SELECT CASE WHEN x.d > now()"
		             " THEN x.d ELSE x.d + interval '1 day' END FROM"
		             " (SELECT (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai')"
		             " + make_interval(hours => $2::int)) AT TIME ZONE 'Asia/Shanghai'"
		             " AS d) x) WHERE person_id = $1::uuid AND state = 'held'",
		             2, v, NULL)) != ST_OK)
			return rv;
	}
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", p->person),
	                     arena_printf(ctx->arena, "person/%s", p->person),
	                     "notification_preferences.updated", NULL, NULL);
}

int notify_prefs_put(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Notify__NotificationPreferences *in = (const Notify__NotificationPreferences *)in_;
	struct notify_prefs_put p = {NULL, in};
	int rv;
	if ((rv = caller_person(ctx, &p.person)) != ST_OK)
		return rv;
	if (in->has_digest_hour && (in->digest_hour < 0 || in->digest_hour > 23))
		return status_err(ST_FIELD_RANGE, "digest_hour");
	for (size_t i = 0; i < in->n_categories; i++) {
		const Notify__CategoryPreference *c = in->categories[i];
		const notify_category *cat = notify_category_find(c->category);
		if (!c->category || !*c->category)
			return status_err(ST_FIELD_REQUIRED, "category");
		if (!cat)
			return status_err(ST_NOTIFY_CATEGORY_UNKNOWN, "category");
		for (size_t j = 0; j < i; j++)
			if (strcmp(in->categories[j]->category, c->category) == 0)
				return status_err(ST_NOTIFY_CATEGORY_REPEATED, "category");
		if (cat->locked && ((c->has_sms && !c->sms) || (c->has_email && !c->email) ||
		                    (c->has_digest && c->digest)))
			return status_err(ST_NOTIFY_CATEGORY_LOCKED, "category");
		if (c->has_digest && c->digest && !cat->digestible)
			return status_err(ST_NOTIFY_DIGEST_NOT_ALLOWED, "digest");
	}
	if ((rv = change_run(ctx, notify_prefs_tx, &p)) != ST_OK)
		return rv;
	return notify_prefs_read(ctx, p.person, out);
}
