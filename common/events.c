/* Outbox, replay and the pub/sub wire form of events (see events.h). */
#include "events.h"

#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * outbox_head serialises appends: its row lock is held until the appending
 * transaction commits, so sequence numbers commit in order and a subscriber
 * that has seen N can never later find a committed N-1 it skipped.
 */
const db_migration events_migration = {
        "000_common_events",
        "CREATE TABLE outbox_head (one boolean PRIMARY KEY DEFAULT true CHECK (one),"
        "  seq bigint NOT NULL);"
        "INSERT INTO outbox_head VALUES (true, 0);"
        "CREATE TABLE outbox (seq bigint PRIMARY KEY, id uuid NOT NULL UNIQUE,"
        "  type text NOT NULL, subject text NOT NULL, payload bytea NOT NULL,"
        "  created_at timestamptz NOT NULL DEFAULT clock_timestamp());"
        "CREATE TABLE inbox_cursor (source text PRIMARY KEY, last_seq bigint NOT NULL,"
        "  updated_at timestamptz NOT NULL DEFAULT now());"};

int events_append(db_conn *db, const char *type, const char *subject,
                  const ProtobufCMessage *payload)
{
	size_t len = payload ? protobuf_c_message_get_packed_size(payload) : 0;
	uint8_t *buf = xmalloc(len ? len : 1);
	if (payload)
		protobuf_c_message_pack(payload, buf);
	const char *vals[] = {type, subject ? subject : "", (const char *)buf};
	int lens[] = {0, 0, (int)len};
	int fmts[] = {0, 0, 1};
	int rv = db_query(db,
	                  "WITH h AS (UPDATE outbox_head SET seq = seq + 1 RETURNING seq) "
	                  "INSERT INTO outbox (seq, id, type, subject, payload) "
	                  "SELECT h.seq, gen_random_uuid(), $1, $2, $3 FROM h",
	                  3, vals, lens, fmts, 0, NULL);
	free(buf);
	if (rv != ST_OK)
		return rv;
	return db_exec(db, "SELECT pg_notify('outbox_' || current_schema(), '')", 0, NULL, NULL);
}

static int64_t events_be64(const char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | (unsigned char)p[i];
	return (int64_t)v;
}

int events_replay(db_conn *db, int64_t after_seq, int limit, arena *a, Events__ReplayResponse *resp)
{
	PGresult *r = NULL;
	char after[24], lim[16];
	snprintf(after, sizeof after, "%lld", (long long)after_seq);
	snprintf(lim, sizeof lim, "%d", limit);
	const char *vals[] = {after, lim};
	/* Binary results: seq and time as int8, payload as raw bytes. */
	int rv = db_query(db,
	                  "SELECT seq, id::text, type, subject, payload,"
	                  " (extract(epoch FROM created_at) * 1000)::int8"
	                  " FROM outbox WHERE seq > $1::int8 ORDER BY seq LIMIT $2::int4",
	                  2, vals, NULL, NULL, 1, &r);
	if (rv != ST_OK)
		return rv;
	int n = PQntuples(r);
	resp->n_events = (size_t)n;
	resp->events = arena_alloc(a, sizeof *resp->events * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		Events__Event *ev = arena_alloc(a, sizeof *ev);
		events__event__init(ev);
		ev->has_seq = 1;
		ev->seq = events_be64(PQgetvalue(r, i, 0));
		ev->id = arena_strndup(a, PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1));
		ev->type = arena_strndup(a, PQgetvalue(r, i, 2), (size_t)PQgetlength(r, i, 2));
		ev->subject = arena_strndup(a, PQgetvalue(r, i, 3), (size_t)PQgetlength(r, i, 3));
		ev->has_payload = 1;
		ev->payload.len = (size_t)PQgetlength(r, i, 4);
		ev->payload.data = arena_alloc(a, ev->payload.len ? ev->payload.len : 1);
		memcpy(ev->payload.data, PQgetvalue(r, i, 4), ev->payload.len);
		ev->has_time_ms = 1;
		ev->time_ms = events_be64(PQgetvalue(r, i, 5));
		resp->events[i] = ev;
	}
	PQclear(r);
	/* The head is read separately so an empty page still reports it. */
	rv = db_query(db, "SELECT seq FROM outbox_head", 0, NULL, NULL, NULL, 1, &r);
	if (rv != ST_OK)
		return rv;
	resp->has_head_seq = 1;
	resp->head_seq = PQntuples(r) ? events_be64(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	return ST_OK;
}

nng_msg *events_wire_encode(const Events__Event *ev)
{
	size_t tlen = strlen(ev->type);
	size_t plen = events__event__get_packed_size(ev);
	nng_msg *m = NULL;
	if (nng_msg_alloc(&m, tlen + 1 + plen) != 0)
		abort();
	uint8_t *body = nng_msg_body(m);
	memcpy(body, ev->type, tlen);
	body[tlen] = '\0';
	events__event__pack(ev, body + tlen + 1);
	return m;
}

Events__Event *events_wire_decode(const void *buf, size_t len, arena *a)
{
	const char *zero = memchr(buf, '\0', len);
	if (!zero)
		return NULL;
	size_t skip = (size_t)(zero - (const char *)buf) + 1;
	ProtobufCAllocator al = arena_pb_allocator(a);
	Events__Event *ev = events__event__unpack(&al, len - skip, (const uint8_t *)buf + skip);
	if (!ev || !ev->type || !ev->source || !ev->has_seq)
		return NULL;
	return ev;
}
