/*
 * memberproj: a service's own projection of enterprise memberships, built from
 * enterprise's events, so that a service asking "is this person a member of that
 * enterprise" never calls enterprise (services/README.md: the call graph stays
 * acyclic). The one module of common/ that knows a service's events: accounts
 * (identities) and notify (who reads an enterprise's messages) both keep the table
 * and must keep it the same way, so it is written once here.
 *
 * A service using it puts memberproj_migration among its svc_def.migrations and
 * memberproj_apply() into its apply function for source "enterprise". The table,
 * enterprise_memberships in the service's schema, holds only active memberships.
 * Enterprise stays the authority; a reader sees a change once its event is applied
 * (milliseconds; at worst the next replay).
 */
#ifndef COMMON_MEMBERPROJ_H
#define COMMON_MEMBERPROJ_H

#include "db.h"
#include "svc.h"

#include <stddef.h>

/* The table (CREATE TABLE IF NOT EXISTS: accounts' retired 003 migration made the same
 * one) and a cursor reset so enterprise's events are replayed into it from the first. */
extern const db_migration memberproj_migration;

/* One active membership; strings in the request's arena. */
typedef struct memberproj_row {
	const char *enterprise_id;
	const char *enterprise_name;
	const char *role; /* admin | member */
} memberproj_row;

/* Applies one of enterprise's events inside the subscriber's transaction: ST_OK (types
 * that change no membership included; an unusable payload is skipped with a warning),
 * or ST_DB to roll back and retry. */
int memberproj_apply(svc_ctx *ctx, const Events__Event *ev);

/* person_id's memberships, admin first, then by name: ST_OK with *out (arena) and *n,
 * or ST_DB (detail set). */
int memberproj_list(svc_ctx *ctx, const char *person_id, memberproj_row **out, size_t *n);

/* person_id's active membership of enterprise_id: ST_OK with *out, ST_NOT_FOUND (also
 * for an id that is no uuid) or ST_DB; the detail is set, field "enterprise_id". */
int memberproj_get(svc_ctx *ctx, const char *person_id, const char *enterprise_id,
                   memberproj_row *out);

#endif
