/*
 * Durable events: the outbox written in the same transaction as the change, the
 * publisher that sends it in order with a per-source sequence, replay for
 * subscribers that missed some, and the subscriber's cursor that applies each
 * event once. See ../shared/design/ARCHITECTURE.md, "The bus".
 */
#ifndef COMMON_EVENTS_H
#define COMMON_EVENTS_H

#include "db.h"
#include "events.pb-c.h"
#include "mem.h"

#include <nng/nng.h>
#include <stdint.h>

/* The tables every service schema holds (outbox, outbox_head, inbox_cursor). */
extern const db_migration events_migration;

/*
 * Appends an event to the outbox inside the caller's open transaction; it is
 * published after commit. type must start with "<source>.". payload may be NULL.
 * Returns ST_OK or ST_DB.
 */
int events_append(db_conn *db, const char *type, const char *subject,
                  const ProtobufCMessage *payload);

/* Reads up to limit outbox events after after_seq into resp (arena-allocated). */
int events_replay(db_conn *db, int64_t after_seq, int limit, arena *a,
                  Events__ReplayResponse *resp);

/* Wire form on pub/sub: "<type>\0" + packed Event. */
nng_msg *events_wire_encode(const Events__Event *ev);
/* Decodes a wire message into a (NULL when malformed). */
Events__Event *events_wire_decode(const void *buf, size_t len, arena *a);

#endif
