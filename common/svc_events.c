/*
 * The event threads of a service: the publisher sends committed outbox rows in
 * sequence order to every bus; the subscriber applies other services' events
 * once each, tracking the last applied sequence per source and asking the
 * source to replay on a gap, at start, and periodically (the last event of a
 * burst may be the one pub/sub dropped).
 */
#include "bus.h"
#include "events.h"
#include "log.h"
#include "status.h"
#include "svc_internal.h"

#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENTS_PAGE 200

/* ---- publisher --------------------------------------------------------------- */

struct svc_publisher {
	const svc_def *def;
	const busauth *auth;
	const char **audience; /* the services each event is signed for */
	size_t naudience;
	db_conn *db;
	nng_socket pub;
	pthread_t thread;
	atomic_int stop;
	atomic_llong sent; /* highest sequence sent; read by Ping's workers */
};

/* Sends every outbox row after p->sent. */
static void svc_publisher_flush(struct svc_publisher *p, arena *a)
{
	for (;;) {
		Events__ReplayResponse page = EVENTS__REPLAY_RESPONSE__INIT;
		arena_reset(a);
		if (events_replay(p->db, p->sent, EVENTS_PAGE, a, &page) != ST_OK)
			return;
		for (size_t i = 0; i < page.n_events; i++) {
			Events__Event *ev = page.events[i];
			ev->source = (char *)p->def->name;
			if (busauth_event_sign(p->auth, ev, p->audience, p->naudience, a) !=
			    ST_OK) {
				log_kv(LOGL_ERROR, ev->id, "cannot sign an event", "type", ev->type,
				       NULL);
				return;
			}
			nng_msg *m = events_wire_encode(ev);
			if (nng_sendmsg(p->pub, m, 0) != 0)
				nng_msg_free(m);
			p->sent = ev->seq;
		}
		if (page.n_events < EVENTS_PAGE)
			return;
	}
}

static void *svc_publisher_main(void *arg)
{
	struct svc_publisher *p = arg;
	arena *a = arena_new();
	char listen[96];
	snprintf(listen, sizeof listen, "LISTEN \"outbox_%s\"", p->def->name);
	int listening = 0;
	unsigned generation = 0;
	while (!atomic_load(&p->stop)) {
		if (db_ensure(p->db) != 0) {
			listening = 0;
			poll(NULL, 0, 500);
			continue;
		}
		/* A new connection has forgotten the LISTEN: without it delivery would fall
		 * back to the poll's timeout. */
		if (generation != db_generation(p->db))
			listening = 0;
		if (!listening) {
			PGresult *r = PQexec(db_pg(p->db), listen);
			listening = PQresultStatus(r) == PGRES_COMMAND_OK;
			PQclear(r);
			generation = db_generation(p->db);
			if (listening)
				log_kv(LOGL_INFO, NULL, "listening for committed events", "channel",
				       listen + 7, NULL);
		}
		svc_publisher_flush(p, a);
		/* Wait for a NOTIFY (sent at commit) or a timeout, then drain notifications. */
		struct pollfd pfd = {.fd = PQsocket(db_pg(p->db)), .events = POLLIN};
		if (poll(&pfd, 1, 500) > 0) {
			PQconsumeInput(db_pg(p->db));
			PGnotify *n;
			while ((n = PQnotifies(db_pg(p->db))))
				PQfreemem(n);
		}
	}
	arena_free(a);
	return NULL;
}

svc_publisher *svc_publisher_start(const svc_def *def, const svc_settings *set)
{
	struct svc_publisher *p = xcalloc(1, sizeof *p);
	PGresult *r = NULL;
	p->def = def;
	p->auth = set->auth;
	/* Every other service may subscribe: each gets its own MAC. */
	size_t n = set->event_audience ? set->nevent_audience : bus_nservices;
	p->audience = xcalloc(n ? n : 1, sizeof *p->audience);
	for (size_t i = 0; i < n; i++) {
		const char *name =
		        set->event_audience ? set->event_audience[i] : bus_services[i].name;
		if (strcmp(name, def->name) != 0)
			p->audience[p->naudience++] = name;
	}
	p->db = db_open(set->db_url);
	if (!p->db)
		goto fail;
	if (nng_pub0_open(&p->pub) != 0)
		goto fail;
	nng_socket_set_int(p->pub, NNG_OPT_SENDBUF, 1024);
	if (bus_dial_all(p->pub, set->bus_urls, "events-in") != 0) {
		nng_close(p->pub);
		goto fail;
	}
	/* Start from the current head: older events reach subscribers by replay. */
	if (db_exec(p->db, "SELECT seq FROM outbox_head", 0, NULL, &r) != ST_OK) {
		nng_close(p->pub);
		goto fail;
	}
	p->sent = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	pthread_create(&p->thread, NULL, svc_publisher_main, p);
	return p;
fail:
	log_kv(LOGL_ERROR, NULL, "event publisher failed to start", NULL);
	db_close(p->db);
	free(p->audience);
	free(p);
	return NULL;
}

int64_t svc_publisher_sent(svc_publisher *p) { return atomic_load(&p->sent); }

void svc_publisher_stop(svc_publisher *p)
{
	if (!p)
		return;
	atomic_store(&p->stop, 1);
	pthread_join(p->thread, NULL);
	nng_close(p->pub);
	db_close(p->db);
	free(p->audience);
	free(p);
}

/* ---- subscriber -------------------------------------------------------------- */

struct svc_source {
	const svc_subscription *sub;
	bus_client *client;
	/* Written by the subscriber thread only; atomic for Ping's workers. */
	atomic_llong last; /* last applied sequence */
	atomic_llong seen; /* highest sequence announced, live or by replay */
};

struct svc_subscriber {
	const svc_def *def;
	svc_settings set;
	db_conn *db;
	nng_socket sub;
	pthread_t thread;
	atomic_int stop;
	struct svc_source *sources;
	size_t nsources;
};

/* Raises src's highest announced sequence to seq. */
static void svc_source_saw(struct svc_source *src, int64_t seq)
{
	if (seq > src->seen)
		src->seen = seq;
}

static int svc_cursor_load(struct svc_subscriber *s, struct svc_source *src)
{
	PGresult *r = NULL;
	const char *v[] = {src->sub->source};
	int rv = db_exec(s->db,
	                 "INSERT INTO inbox_cursor (source, last_seq) VALUES ($1, 0)"
	                 " ON CONFLICT (source) DO NOTHING",
	                 1, v, NULL);
	if (rv == ST_OK)
		rv = db_exec(s->db, "SELECT last_seq FROM inbox_cursor WHERE source = $1", 1, v,
		             &r);
	if (rv != ST_OK)
		return rv;
	src->last = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	svc_source_saw(src, src->last);
	return ST_OK;
}

/*
 * Applies ev if it is the next one for its source. The cursor update is guarded
 * by the expected previous value, so of two replicas racing, one applies and
 * the other finds the row moved on and only reloads its cursor.
 */
static int svc_event_apply(struct svc_subscriber *s, struct svc_source *src,
                           const Events__Event *ev, arena *a)
{
	static const Bus__Caller no_caller = BUS__CALLER__INIT;
	char seq[24], prev[24];
	PGresult *r = NULL;
	int rv;
	if (ev->seq != src->last + 1)
		return ST_CONFLICT;
	snprintf(seq, sizeof seq, "%lld", (long long)ev->seq);
	snprintf(prev, sizeof prev, "%lld", (long long)src->last);
	if ((rv = db_begin(s->db)) != ST_OK)
		return rv;
	const char *v[] = {seq, src->sub->source, prev};
	rv = db_exec(s->db,
	             "UPDATE inbox_cursor SET last_seq = $1::int8, updated_at = now()"
	             " WHERE source = $2 AND last_seq = $3::int8",
	             3, v, &r);
	if (rv != ST_OK)
		goto fail;
	int moved = strcmp(PQcmdTuples(r), "1") == 0;
	PQclear(r);
	if (!moved) {
		db_rollback(s->db);
		return svc_cursor_load(s, src) == ST_OK ? ST_CONFLICT : ST_DB;
	}
	svc_ctx ctx = {.service = s->def->name,
	               .caller = &no_caller,
	               .request_id = ev->id ? ev->id : "",
	               .db = s->db,
	               .arena = a,
	               .app = s->def->app};
	if ((rv = src->sub->apply(&ctx, ev)) != ST_OK)
		goto fail;
	if ((rv = db_commit(s->db)) != ST_OK)
		goto fail;
	src->last = ev->seq;
	return ST_OK;
fail:
	db_rollback(s->db);
	log_kv(LOGL_WARN, ev->id, "event not applied, will retry", "type", ev->type, "seq", seq,
	       "error", status_code_name(rv), NULL);
	return rv;
}

/*
 * 1 when ev may be applied as src's: signed by src under the key this service
 * holds for it. Else 0 after a warning naming the claimed source and type (never
 * the payload): a forged or misdirected event is dropped.
 */
static int svc_event_authentic(struct svc_subscriber *s, const struct svc_source *src,
                               const Events__Event *ev, arena *a)
{
	if (ev->source && strcmp(ev->source, src->sub->source) == 0 &&
	    (!s->set.auth || busauth_event_verify(s->set.auth, ev, a) == ST_OK))
		return 1;
	log_kv(LOGL_WARN, ev->id, "bus event refused: bad signature", "source",
	       ev->source ? ev->source : "-", "expected_source", src->sub->source, "type",
	       ev->type ? ev->type : "-", NULL);
	return 0;
}

/* Asks the source for everything after our cursor and applies it in order. */
static void svc_source_catch_up(struct svc_subscriber *s, struct svc_source *src, arena *a)
{
	for (int pages = 0; pages < 50 && !atomic_load(&s->stop); pages++) {
		arena_reset(a);
		Events__ReplayRequest req = EVENTS__REPLAY_REQUEST__INIT;
		req.has_after_seq = 1;
		req.after_seq = src->last;
		req.has_limit = 1;
		req.limit = EVENTS_PAGE;
		ProtobufCMessage *out = NULL;
		if (bus_call(src->client, "Replay", NULL, 1000, &req.base,
		             &events__replay_response__descriptor, a, &out) != ST_OK)
			return;
		Events__ReplayResponse *resp = (Events__ReplayResponse *)out;
		for (size_t i = 0; i < resp->n_events; i++) {
			if (!svc_event_authentic(s, src, resp->events[i], a))
				return;
			svc_source_saw(src, resp->events[i]->seq);
			int rv = svc_event_apply(s, src, resp->events[i], a);
			if (rv != ST_OK && rv != ST_CONFLICT)
				return;
		}
		if (resp->n_events < EVENTS_PAGE)
			return;
	}
}

static struct svc_source *svc_source_find(struct svc_subscriber *s, const char *source)
{
	for (size_t i = 0; i < s->nsources; i++)
		if (strcmp(s->sources[i].sub->source, source) == 0)
			return &s->sources[i];
	return NULL;
}

static void *svc_subscriber_main(void *arg)
{
	struct svc_subscriber *s = arg;
	arena *a = arena_new();
	int64_t next_sweep = 0;
	while (!atomic_load(&s->stop)) {
		if (bus_now_ms() >= next_sweep) {
			for (size_t i = 0; i < s->nsources; i++)
				svc_source_catch_up(s, &s->sources[i], a);
			next_sweep = bus_now_ms() + s->set.replay_interval_ms;
		}
		nng_msg *m = NULL;
		if (nng_recvmsg(s->sub, &m, 0) != 0)
			continue; /* timeout: loop to check stop and the sweep */
		arena_reset(a);
		Events__Event *ev = events_wire_decode(nng_msg_body(m), nng_msg_len(m), a);
		struct svc_source *src = ev ? svc_source_find(s, ev->source) : NULL;
		if (src && ev->seq > src->last && svc_event_authentic(s, src, ev, a)) {
			svc_source_saw(src, ev->seq);
			if (svc_event_apply(s, src, ev, a) == ST_CONFLICT &&
			    ev->seq > src->last + 1)
				svc_source_catch_up(s, src, a); /* a gap: something was dropped */
		}
		nng_msg_free(m);
	}
	arena_free(a);
	return NULL;
}

svc_subscriber *svc_subscriber_start(const svc_def *def, const svc_settings *set)
{
	struct svc_subscriber *s = xcalloc(1, sizeof *s);
	s->def = def;
	s->set = *set;
	s->db = db_open(set->db_url);
	if (!s->db)
		goto fail;
	if (nng_sub0_open(&s->sub) != 0)
		goto fail;
	nng_socket_set_int(s->sub, NNG_OPT_RECVBUF, 1024);
	nng_socket_set_ms(s->sub, NNG_OPT_RECVTIMEO, 250);
	s->sources = xcalloc(def->nsubs, sizeof *s->sources);
	for (size_t i = 0; i < def->nsubs; i++) {
		struct svc_source *src = &s->sources[s->nsources++];
		char prefix[64];
		src->sub = &def->subs[i];
		int n = snprintf(prefix, sizeof prefix, "%s.", src->sub->source);
		if (nng_socket_set(s->sub, NNG_OPT_SUB_SUBSCRIBE, prefix, (size_t)n) != 0 ||
		    bus_client_open_auth(&src->client, set->bus_urls, src->sub->source,
		                         set->auth) != 0 ||
		    svc_cursor_load(s, src) != ST_OK)
			goto fail_sources;
	}
	if (bus_dial_all(s->sub, set->bus_urls, "events-out") != 0)
		goto fail_sources;
	pthread_create(&s->thread, NULL, svc_subscriber_main, s);
	return s;
fail_sources:
	for (size_t i = 0; i < s->nsources; i++)
		bus_client_close(s->sources[i].client);
	free(s->sources);
	nng_close(s->sub);
fail:
	log_kv(LOGL_ERROR, NULL, "event subscriber failed to start", NULL);
	db_close(s->db);
	free(s);
	return NULL;
}

size_t svc_subscriber_nsources(svc_subscriber *s) { return s ? s->nsources : 0; }

void svc_subscriber_cursor(svc_subscriber *s, size_t i, const char **source, int64_t *seen,
                           int64_t *applied)
{
	struct svc_source *src = &s->sources[i];
	*source = src->sub->source;
	*applied = atomic_load(&src->last);
	*seen = atomic_load(&src->seen);
	/* Read apart, seen may trail a just-applied cursor: the lag is never negative. */
	if (*seen < *applied)
		*seen = *applied;
}

void svc_subscriber_stop(svc_subscriber *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, 1);
	pthread_join(s->thread, NULL);
	nng_close(s->sub);
	for (size_t i = 0; i < s->nsources; i++)
		bus_client_close(s->sources[i].client);
	free(s->sources);
	db_close(s->db);
	free(s);
}
