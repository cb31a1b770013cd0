/* The service worker pool and a daemon's main (see svc.h). */
#include "svc.h"

#include "audit.h"

#include "bus.h"
#include "events.h"
#include "idem.h"
#include "jobs.h"
#include "log.h"
#include "status.h"
#include "svc_internal.h"

#include <nng/protocol/reqrep0/rep.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SVC_MAX_METHODS 128

struct svc_method {
	const char *name;
	const ProtobufCMethodDescriptor *md;
	svc_handler_fn fn;
	unsigned bus_only : 1;   /* services only: refused to the gateway (svc_api.bus_only) */
	unsigned idempotent : 1; /* honours Idempotency-Key (svc_api.idempotent) */
};

/* Every method a process answers, sorted by name once at start for bsearch. */
struct svc_method_table {
	struct svc_method methods[SVC_MAX_METHODS];
	size_t n;
};

struct svc_worker {
	svc_server *server;
	pthread_t thread;
	nng_ctx ctx;
	nng_aio *aio;
	nng_aio *saio; /* the reply in flight, sent while the worker takes the next request */
	db_conn *db;
	redis_conn *redis;
	arena *arena;
};

/* A background thread of svc_def.tick. */
struct svc_ticker {
	svc_server *server;
	pthread_t thread;
	db_conn *db;
	redis_conn *redis;
	arena *arena;
};

struct svc_server {
	const svc_def *def;
	svc_settings set;
	nng_socket sock;
	struct svc_method_table mt;
	struct svc_worker *workers;
	long nworkers;
	svc_publisher *publisher;
	svc_subscriber *subscriber;
	atomic_int busy; /* workers inside svc_handle */
	struct svc_ticker *tickers;
	long ntickers;
	pthread_mutex_t tick_mu; /* guards tick_stop; tick_cv wakes sleeping tickers */
	pthread_cond_t tick_cv;
	int tick_stop;
};

/* The server of this process, for Ping's gauges: a handler's ctx does not carry it,
 * and a daemon runs one server. NULL before start and after stop. */
static svc_server *_Atomic svc_self;

/* Each subscribed source's seen and applied sequences (bus.proto SubscriberCursor). */
static void svc_ping_cursors(svc_ctx *ctx, svc_server *s, Bus__PingResponse *r)
{
	size_t n = svc_subscriber_nsources(s->subscriber);
	if (!n)
		return;
	r->subscribers = arena_alloc(ctx->arena, n * sizeof *r->subscribers);
	for (size_t i = 0; i < n; i++) {
		Bus__SubscriberCursor *c = arena_alloc(ctx->arena, sizeof *c);
		bus__subscriber_cursor__init(c);
		const char *source;
		svc_subscriber_cursor(s->subscriber, i, &source, &c->seen_seq, &c->applied_seq);
		c->source = (char *)source;
		c->has_seen_seq = c->has_applied_seq = 1;
		r->subscribers[i] = c;
	}
	r->n_subscribers = n;
}

/* The gauges of Ping (bus.proto), read where they are cheap: the counters of this
 * process and two indexed look-ups of the outbox. */
static void svc_ping_gauges(svc_ctx *ctx, Bus__PingResponse *r)
{
	svc_server *s = atomic_load(&svc_self);
	r->has_db_errors = r->has_redis_errors = 1;
	r->db_errors = db_errors_total();
	r->redis_errors = redis_errors_total();
	if (!s)
		return;
	r->has_workers = r->has_workers_busy = 1;
	r->workers = (int32_t)s->nworkers;
	/* This ping holds a worker: it is not load. */
	int busy = atomic_load(&s->busy) - 1;
	r->workers_busy = busy > 0 ? busy : 0;
	svc_ping_cursors(ctx, s, r);
	if (!s->publisher || !r->database)
		return;
	char sent[24];
	snprintf(sent, sizeof sent, "%lld", (long long)svc_publisher_sent(s->publisher));
	const char *vals[] = {sent};
	PGresult *res = NULL;
	if (db_exec(ctx->db,
	            "SELECT greatest(h.seq - $1::int8, 0), coalesce(extract(epoch FROM"
	            " clock_timestamp() - (SELECT created_at FROM outbox WHERE seq > $1::int8"
	            " ORDER BY seq LIMIT 1)), 0)::float8 FROM outbox_head h",
	            1, vals, &res) == ST_OK &&
	    PQntuples(res) == 1) {
		r->has_outbox_pending = r->has_outbox_oldest_age_s = 1;
		r->outbox_pending = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		r->outbox_oldest_age_s = strtod(PQgetvalue(res, 0, 1), NULL);
	}
	PQclear(res);
}

static int svc_ping_handler(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	Bus__PingResponse *r = arena_alloc(ctx->arena, sizeof *r);
	bus__ping_response__init(r);
	r->service = (char *)ctx->service;
	r->version = "1";
	r->has_database = 1;
	r->database = db_ensure(ctx->db) == 0;
	svc_ping_gauges(ctx, r);
	*out = &r->base;
	return ST_OK;
}

static int svc_replay_handler(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Events__ReplayRequest *req = (const Events__ReplayRequest *)in;
	Events__ReplayResponse *r = arena_alloc(ctx->arena, sizeof *r);
	events__replay_response__init(r);
	int limit = req->has_limit && req->limit > 0 && req->limit <= 500 ? req->limit : 500;
	int rv = events_replay(ctx->db, req->has_after_seq ? req->after_seq : 0, limit, ctx->arena,
	                       r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	/* Replayed events are events: signed by this source, for the service asking. */
	const char *audience = ctx->caller->service;
	for (size_t i = 0; i < r->n_events; i++) {
		r->events[i]->source = (char *)ctx->service;
		if (audience && busauth_event_sign(ctx->bus_auth, r->events[i], &audience, 1,
		                                   ctx->arena) != ST_OK)
			return status_err(ST_INTERNAL, NULL);
	}
	*out = &r->base;
	return ST_OK;
}

static const svc_handler svc_control_handlers[] = {{"Ping", svc_ping_handler}};
static const svc_handler svc_eventsource_handlers[] = {{"Replay", svc_replay_handler}};
static const char *const svc_eventsource_bus_only[] = {"Replay", NULL};

static int svc_bind_fail(const char *what, const ProtobufCServiceDescriptor *d, const char *method)
{
	log_kv(LOGL_ERROR, NULL, what, "proto_service", d->name, "method",
	       method ? method : "(null)", NULL);
	return -1;
}

static const ProtobufCMethodDescriptor *svc_desc_method(const ProtobufCServiceDescriptor *d,
                                                        const char *name)
{
	for (unsigned i = 0; name && i < d->n_methods; i++)
		if (strcmp(d->methods[i].name, name) == 0)
			return &d->methods[i];
	return NULL;
}

/* The method named name among t's (added from api), or NULL after a log line saying
 * why a list of api (what) names it wrongly. */
static struct svc_method *svc_bound(struct svc_method_table *t, const svc_api *api,
                                    const char *name, const char *what)
{
	for (size_t k = 0; k < t->n; k++)
		if (strcmp(t->methods[k].name, name) == 0 && svc_desc_method(api->desc, name))
			return &t->methods[k];
	svc_bind_fail(what, api->desc, name);
	return NULL;
}

/* Flags api's bus-only and idempotent methods in t (after api's handlers were added);
 * 0, or -1 when a list names a method api does not bind. */
static int svc_bind_flags(struct svc_method_table *t, const svc_api *api)
{
	struct svc_method *m;
	for (const char *const *p = api->bus_only; p && *p; p++) {
		if (!(m = svc_bound(t, api, *p, "a bus-only name is no method of its service")))
			return -1;
		m->bus_only = 1;
	}
	for (const char *const *p = api->idempotent; p && *p; p++) {
		if (!(m = svc_bound(t, api, *p, "an idempotent method is not bound in its table")))
			return -1;
		m->idempotent = 1;
	}
	return 0;
}

/* Adds api's handlers to t, each matched to its method by name; refuses a table
 * that leaves a method unanswered, names a method its descriptor lacks, or binds a
 * name twice. Returns 0, or -1 after a log line naming the method. */
static int svc_bind(struct svc_method_table *t, const svc_api *api)
{
	const ProtobufCServiceDescriptor *d = api->desc;
	for (size_t h = 0; h < api->nhandlers; h++) {
		const svc_handler *sh = &api->handlers[h];
		const ProtobufCMethodDescriptor *md = svc_desc_method(d, sh->method);
		if (!md)
			return svc_bind_fail("a handler names no method of its service", d,
			                     sh->method);
		if (!sh->fn)
			return svc_bind_fail("a method's handler is NULL", d, sh->method);
		for (size_t k = 0; k < t->n; k++)
			if (strcmp(t->methods[k].name, md->name) == 0)
				return svc_bind_fail("a method is bound twice", d, md->name);
		if (t->n == SVC_MAX_METHODS)
			return svc_bind_fail("too many methods", d, md->name);
		t->methods[t->n++] = (struct svc_method){.name = md->name, .md = md, .fn = sh->fn};
	}
	if (svc_bind_flags(t, api))
		return -1;
	for (unsigned i = 0; i < d->n_methods; i++) {
		size_t h = 0;
		while (h < api->nhandlers &&
		       strcmp(api->handlers[h].method, d->methods[i].name) != 0)
			h++;
		if (h == api->nhandlers)
			return svc_bind_fail("a method of the proto has no handler", d,
			                     d->methods[i].name);
	}
	return 0;
}

static int svc_method_cmp(const void *a, const void *b)
{
	return strcmp(((const struct svc_method *)a)->name, ((const struct svc_method *)b)->name);
}

/* The built-in services and apis, bound and sorted; 0 or -1 (logged). */
static int svc_bind_all(struct svc_method_table *t, const svc_api *apis, size_t napis)
{
	const svc_api builtin[] = {
	        SVC_API(&bus__control__descriptor, svc_control_handlers),
	        SVC_API(&events__event_source__descriptor, svc_eventsource_handlers,
	                .bus_only = svc_eventsource_bus_only),
	};
	t->n = 0;
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (svc_bind(t, &builtin[i]))
			return -1;
	for (size_t i = 0; i < napis; i++)
		if (svc_bind(t, &apis[i]))
			return -1;
	qsort(t->methods, t->n, sizeof t->methods[0], svc_method_cmp);
	return 0;
}

int svc_apis_check(const svc_api *apis, size_t napis)
{
	struct svc_method_table *t = xmalloc(sizeof *t);
	int rv = svc_bind_all(t, apis, napis) == 0 ? ST_OK : ST_INTERNAL;
	free(t);
	return rv;
}

static const struct svc_method *svc_method_find(const svc_server *s, const char *name)
{
	struct svc_method key = {.name = name};
	return bsearch(&key, s->mt.methods, s->mt.n, sizeof key, svc_method_cmp);
}

static int64_t svc_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Builds the reply envelope for one request; the returned message is the caller's. */
static nng_msg *svc_reply_build(int rv, const ProtobufCMessage *out, arena *a)
{
	Bus__Status st = BUS__STATUS__INIT;
	Bus__Response resp = BUS__RESPONSE__INIT;
	st.has_code = 1;
	st.code = rv;
	st.error = (char *)status_code_name(rv);
	if (rv != ST_OK && rv != ST_CREATED) {
		st.message = (char *)status_text(rv);
		if (*status_field())
			st.field = (char *)status_field();
		if (status_retry_after() > 0) {
			st.has_retry_after_s = 1;
			st.retry_after_s = status_retry_after();
		}
	}
	resp.status = &st;
	if ((rv == ST_OK || rv == ST_CREATED) && out) {
		size_t len = protobuf_c_message_get_packed_size(out);
		resp.has_body = 1;
		resp.body.len = len;
		resp.body.data = arena_alloc(a, len ? len : 1);
		protobuf_c_message_pack(out, resp.body.data);
	}
	nng_msg *m = NULL;
	if (nng_msg_alloc(&m, bus__response__get_packed_size(&resp)) != 0)
		abort();
	bus__response__pack(&resp, nng_msg_body(m));
	return m;
}

/*
 * Who signed env: ST_OK after setting caller->service (the signing service, NULL
 * when the gateway signed), or ST_UNAUTHENTICATED after a warning naming the claimed
 * signer and method (never the body) when the MAC fails or the signing service may not
 * call this one: the request is then dropped unanswered, so a forger learns nothing,
 * not even whether the method exists.
 */
static int svc_authenticate(svc_server *s, nng_msg *req, Bus__Request *env, svc_ctx *ctx)
{
	const busauth *auth = s->set.auth;
	if (auth &&
	    busauth_request_verify(auth, nng_msg_body(req), nng_msg_len(req), env) != ST_OK) {
		log_kv(LOGL_WARN, ctx->request_id, "bus request refused: bad signature", "signer",
		       env->signer ? env->signer : "-", "key_id", env->key_id ? env->key_id : "-",
		       "method", env->method, NULL);
		return ST_UNAUTHENTICATED;
	}
	const char *principal = auth ? env->signer : NULL;
	if (principal && strcmp(principal, BUSAUTH_GATEWAY) == 0)
		principal = NULL;
	/* A service may call only what its `calls` declare (services.list), itself (its
	 * --check ping) and, as any subscriber does, a source's Replay; otherwise one
	 * compromised service could drive every other with any caller it makes up. */
	if (principal && strcmp(principal, s->def->name) != 0 &&
	    !bus_service_calls(principal, s->def->name) && strcmp(env->method, "Replay") != 0) {
		log_kv(LOGL_WARN, ctx->request_id, "bus request refused: signer does not call us",
		       "signer", principal, "method", env->method, NULL);
		return ST_UNAUTHENTICATED;
	}
	if (!env->caller) {
		if (!principal)
			return ST_OK;
		env->caller = arena_alloc(ctx->arena, sizeof *env->caller);
		bus__caller__init(env->caller);
	}
	env->caller->service = (char *)principal;
	ctx->caller = env->caller;
	return ST_OK;
}

/*
 * Runs m's handler. A method flagged idempotent, called with an Idempotency-Key, runs
 * at most once per (caller, key): a repeat of the same request gets the first
 * response, another request under the key a 409 (idem.h).
 */
static int svc_call(svc_ctx *ctx, const struct svc_method *m, const Bus__Request *env,
                    const ProtobufCMessage *in, ProtobufCMessage **out)
{
	if (!m->idempotent || !ctx->idempotency_key || !*ctx->idempotency_key)
		return m->fn(ctx, in, out);
	idem_claim c = {.key = ctx->idempotency_key};
	const char *person = ctx->caller->person_id;
	if (person && *person) {
		c.principal = arena_printf(ctx->arena, "person:%s", person);
	} else {
		/* Only an identical body replays, so an anonymous replay (registration) tells
		 * nobody more than the body they sent already holds. */
		c.principal = "anonymous";
	}
	idem_request_hash(m->name, ctx->caller->enterprise_id, env->body.data, env->body.len,
	                  c.request_sha256);
	int rv = idem_claim_key(ctx->db, ctx->arena, m->md->output, &c);
	if (rv != ST_OK)
		return rv;
	if (c.replay) {
		*out = c.out;
		return c.status == ST_OK || c.status == ST_CREATED ? c.status
		                                                   : status_err(c.status, NULL);
	}
	ctx->idem = &c;
	rv = m->fn(ctx, in, out);
	ctx->idem = NULL;
	if ((rv == ST_OK || rv == ST_CREATED) && !*out)
		rv = status_err(ST_INTERNAL, NULL);
	db_rollback(ctx->db);
	idem_finish(ctx->db, &c, rv, *out, ctx->request_id);
	return rv;
}

/* Decodes, dispatches and answers one request; NULL: drop it unanswered. */
static nng_msg *svc_handle(struct svc_worker *w, nng_msg *req)
{
	svc_server *s = w->server;
	static const Bus__Caller no_caller = BUS__CALLER__INIT;
	ProtobufCAllocator al = arena_pb_allocator(w->arena);
	ProtobufCMessage *in = NULL, *out = NULL;
	const char *method = "-";
	int64_t t0 = svc_now_us();
	int rv;
	svc_ctx ctx = {.service = s->def->name,
	               .caller = &no_caller,
	               .request_id = "",
	               .db = w->db,
	               .redis = w->redis,
	               .arena = w->arena,
	               .app = s->def->app,
	               .bus_auth = s->set.auth};

	status_clear();
	Bus__Request *env = bus__request__unpack(&al, nng_msg_len(req), nng_msg_body(req));
	if (!env || !env->method) {
		rv = status_err(ST_BAD_MESSAGE, NULL);
		goto reply;
	}
	method = env->method;
	if (env->caller && env->caller->request_id)
		ctx.request_id = env->caller->request_id;
	if (svc_authenticate(s, req, env, &ctx) != ST_OK)
		return NULL;
	ctx.idempotency_key = env->idempotency_key;
	ctx.deadline_ms = env->has_deadline_ms ? env->deadline_ms : 0;
	if (ctx.deadline_ms && bus_now_ms() > ctx.deadline_ms) {
		/* The caller has given up; doing the work would only add load. */
		rv = status_err(ST_DEADLINE, NULL);
		goto reply;
	}
	const struct svc_method *m = svc_method_find(s, env->method);
	if (!m) {
		rv = status_err(ST_METHOD_UNKNOWN, NULL);
		goto reply;
	}
	if (m->bus_only && s->set.auth && !ctx.caller->service) {
		/* As if the route did not exist: the gateway has none to it. */
		rv = status_err(ST_ROUTE_NOT_FOUND, NULL);
		goto reply;
	}
	in = protobuf_c_message_unpack(m->md->input, &al, env->body.len, env->body.data);
	if (!in) {
		rv = status_err(ST_BAD_MESSAGE, NULL);
		goto reply;
	}
	rv = svc_call(&ctx, m, env, in, &out);
	if ((rv == ST_OK || rv == ST_CREATED) && !out)
		rv = status_err(ST_INTERNAL, NULL);
	/* A handler that failed mid-transaction must not leave it open for the next request. */
	db_rollback(w->db);
reply:;
	nng_msg *reply = svc_reply_build(rv, out, w->arena);
	/* Health pings arrive every second from every gateway: only worth a debug line. */
	int level = status_http(rv) >= 500        ? LOGL_WARN
	            : strcmp(method, "Ping") == 0 ? LOGL_DEBUG
	                                          : LOGL_INFO;
	if (log_enabled(level)) {
		log_line l;
		log_line_begin(&l, level, "request", ctx.request_id);
		log_line_str(&l, "method", method);
		log_line_int(&l, "status", rv);
		if (rv != ST_OK && rv != ST_CREATED)
			log_line_str(&l, "error", status_code_name(rv));
		if (*status_field())
			log_line_str(&l, "field", status_field());
		log_line_ms(&l, "latency_ms", svc_now_us() - t0);
		log_line_end(&l);
	}
	return reply;
}

/* Waits for the worker's last reply to leave; a reply the bus did not take is dropped
 * (the caller times out). */
static void svc_worker_send_wait(struct svc_worker *w)
{
	nng_aio_wait(w->saio);
	if (nng_aio_result(w->saio) != 0)
		nng_msg_free(nng_aio_get_msg(w->saio));
	nng_aio_set_msg(w->saio, NULL);
}

static void *svc_worker_main(void *arg)
{
	struct svc_worker *w = arg;
	for (;;) {
		nng_msg *req = NULL;
		nng_aio_set_timeout(w->aio, NNG_DURATION_INFINITE);
		int err = bus_ctx_recv(w->ctx, w->aio, &req);
		if (err == NNG_ECLOSED)
			break;
		if (err)
			continue;
		atomic_fetch_add(&w->server->busy, 1);
		nng_msg *reply = svc_handle(w, req);
		atomic_fetch_sub(&w->server->busy, 1);
		nng_msg_free(req);
		arena_reset(w->arena);
		if (!reply)
			continue; /* unanswered: the next receive on this context abandons it */
		/*
		 * Sent without waiting: the worker goes back to receive while the reply is
		 * written (while the connection is busy with another worker's reply it waits
		 * in nng's queue; waiting for it here cost a thread wake-up per reply). One
		 * reply in flight per context: the previous one has left before the next send.
		 */
		svc_worker_send_wait(w);
		nng_aio_set_timeout(w->saio, 1000);
		nng_aio_set_msg(w->saio, reply);
		nng_ctx_send(w->ctx, w->saio);
	}
	svc_worker_send_wait(w);
	return NULL;
}

static void *svc_ticker_main(void *arg)
{
	struct svc_ticker *t = arg;
	svc_server *s = t->server;
	static const Bus__Caller no_caller = BUS__CALLER__INIT;
	for (;;) {
		svc_ctx ctx = {.service = s->def->name,
		               .caller = &no_caller,
		               .request_id = "",
		               .db = t->db,
		               .redis = t->redis,
		               .arena = t->arena,
		               .app = s->def->app,
		               .bus_auth = s->set.auth};
		status_clear();
		int wait_ms = s->def->tick(&ctx);
		db_rollback(t->db);
		arena_reset(t->arena);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += wait_ms / 1000;
		until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&s->tick_mu);
		while (!s->tick_stop && wait_ms > 0 &&
		       pthread_cond_timedwait(&s->tick_cv, &s->tick_mu, &until) == 0)
			;
		int stop = s->tick_stop;
		pthread_mutex_unlock(&s->tick_mu);
		if (stop)
			break;
	}
	return NULL;
}

/* Stops and frees the tickers (started or not). */
static void svc_tickers_stop(svc_server *s)
{
	pthread_mutex_lock(&s->tick_mu);
	s->tick_stop = 1;
	pthread_cond_broadcast(&s->tick_cv);
	pthread_mutex_unlock(&s->tick_mu);
	for (long i = 0; i < s->ntickers; i++) {
		if (s->tickers[i].thread)
			pthread_join(s->tickers[i].thread, NULL);
		redis_close(s->tickers[i].redis);
		db_close(s->tickers[i].db);
		arena_free(s->tickers[i].arena);
	}
	free(s->tickers);
	s->tickers = NULL;
	s->ntickers = 0;
}

/* Opens the tickers' connections and starts them; ST_OK or an error (nothing left running). */
static int svc_tickers_start(svc_server *s, const svc_settings *set)
{
	long n = s->def->ntick ? *s->def->ntick : 1;
	if (!s->def->tick || n <= 0)
		return ST_OK;
	s->ntickers = n;
	s->tickers = xcalloc((size_t)s->ntickers, sizeof *s->tickers);
	for (long i = 0; i < s->ntickers; i++) {
		struct svc_ticker *t = &s->tickers[i];
		t->server = s;
		t->arena = arena_new();
		if (!(t->db = db_open(set->db_url)) ||
		    (set->redis_url && *set->redis_url &&
		     !(t->redis = redis_open(set->redis_url, 1000)))) {
			svc_tickers_stop(s);
			return ST_UNAVAILABLE;
		}
	}
	for (long i = 0; i < s->ntickers; i++)
		pthread_create(&s->tickers[i].thread, NULL, svc_ticker_main, &s->tickers[i]);
	return ST_OK;
}

static int svc_run_start_hook(svc_server *s, db_conn *db)
{
	if (!s->def->start)
		return ST_OK;
	static const Bus__Caller no_caller = BUS__CALLER__INIT;
	arena *a = arena_new();
	svc_ctx ctx = {.service = s->def->name,
	               .caller = &no_caller,
	               .request_id = "",
	               .db = db,
	               .arena = a,
	               .app = s->def->app,
	               .bus_auth = s->set.auth};
	int rv = s->def->start(&ctx);
	arena_free(a);
	return rv;
}

/* Frees what the workers own; their threads have ended or never started. */
static void svc_workers_free(svc_server *s)
{
	for (long i = 0; i < s->nworkers; i++) {
		nng_aio_free(s->workers[i].aio);
		nng_aio_free(s->workers[i].saio);
		redis_close(s->workers[i].redis);
		db_close(s->workers[i].db);
		arena_free(s->workers[i].arena);
	}
	free(s->workers);
}

int svc_server_start(const svc_def *def, const svc_settings *set, svc_server **out)
{
	svc_server *s = xcalloc(1, sizeof *s);
	db_conn *db = NULL;
	char name[96];
	int rv = ST_INTERNAL;
	s->def = def;
	s->set = *set;
	pthread_mutex_init(&s->tick_mu, NULL);
	pthread_cond_init(&s->tick_cv, NULL);
	if (svc_bind_all(&s->mt, def->apis, def->napis))
		goto fail;

	db = db_open(set->db_url);
	if (!db) {
		rv = ST_DB;
		goto fail;
	}
	size_t nbuiltin = 4 + def->nmigrations;
	db_migration *builtin = xcalloc(nbuiltin, sizeof *builtin);
	builtin[0] = events_migration;
	builtin[1] = audit_migration;
	builtin[2] = idem_migration;
	builtin[3] = jobs_migration;
	for (size_t i = 0; i < def->nmigrations; i++)
		builtin[4 + i] = def->migrations[i];
	rv = db_migrate(db, builtin, nbuiltin, set->migrations_dir);
	free(builtin);
	if (rv != ST_OK)
		goto fail;
	if ((rv = svc_run_start_hook(s, db)) != ST_OK)
		goto fail;
	db_close(db);
	db = NULL;

	rv = ST_UNAVAILABLE;
	if (nng_rep0_open(&s->sock) != 0)
		goto fail;
	bus_socket_defaults(s->sock);
	snprintf(name, sizeof name, "rpc.%s.back", def->name);
	if (bus_dial_all(s->sock, set->bus_urls, name) != 0) {
		log_kv(LOGL_ERROR, NULL, "bad bus address", "bus_urls", set->bus_urls, NULL);
		goto fail_sock;
	}
	if (set->gateway_rpc_urls && *set->gateway_rpc_urls &&
	    bus_dial_all(s->sock, set->gateway_rpc_urls, name) != 0) {
		log_kv(LOGL_ERROR, NULL, "bad gateway address", "gateway_rpc_urls",
		       set->gateway_rpc_urls, NULL);
		goto fail_sock;
	}
	s->nworkers = set->workers > 0 ? set->workers : 1;
	s->workers = xcalloc((size_t)s->nworkers, sizeof *s->workers);
	for (long i = 0; i < s->nworkers; i++) {
		struct svc_worker *w = &s->workers[i];
		w->server = s;
		w->arena = arena_new();
		w->db = db_open(set->db_url);
		if (!w->db || nng_ctx_open(&w->ctx, s->sock) != 0 ||
		    nng_aio_alloc(&w->aio, NULL, NULL) != 0 ||
		    nng_aio_alloc(&w->saio, NULL, NULL) != 0) {
			rv = ST_DB;
			goto fail_workers;
		}
		if (set->redis_url && *set->redis_url &&
		    !(w->redis = redis_open(set->redis_url, 1000))) {
			rv = ST_UNAVAILABLE;
			goto fail_workers;
		}
	}
	s->publisher = svc_publisher_start(def, set);
	if (!s->publisher)
		goto fail_workers;
	if (def->nsubs) {
		s->subscriber = svc_subscriber_start(def, set);
		if (!s->subscriber)
			goto fail_workers;
	}
	if ((rv = svc_tickers_start(s, set)) != ST_OK) {
		svc_subscriber_stop(s->subscriber);
		goto fail_workers;
	}
	atomic_store(&svc_self, s);
	for (long i = 0; i < s->nworkers; i++)
		pthread_create(&s->workers[i].thread, NULL, svc_worker_main, &s->workers[i]);
	log_kv(LOGL_INFO, NULL, "service started", "service", def->name, NULL);
	*out = s;
	return ST_OK;

fail_workers:
	svc_publisher_stop(s->publisher);
	svc_workers_free(s);
fail_sock:
	nng_close(s->sock);
fail:
	db_close(db);
	free(s);
	return rv;
}

void svc_server_stop(svc_server *s)
{
	if (!s)
		return;
	svc_tickers_stop(s);
	/* Closing the socket wakes every worker with NNG_ECLOSED. */
	nng_close(s->sock);
	for (long i = 0; i < s->nworkers; i++)
		pthread_join(s->workers[i].thread, NULL);
	svc_server *self = s;
	atomic_compare_exchange_strong(&svc_self, &self, NULL);
	svc_subscriber_stop(s->subscriber);
	svc_publisher_stop(s->publisher);
	svc_workers_free(s);
	free(s);
}

int svc_ping(const char *bus_urls, const char *service, int timeout_ms)
{
	bus_client *c = NULL;
	if (bus_client_open(&c, bus_urls, service) != 0)
		return -1;
	arena *a = arena_new();
	Bus__PingRequest req = BUS__PING_REQUEST__INIT;
	ProtobufCMessage *out = NULL;
	int rv = bus_call(c, "Ping", NULL, timeout_ms, &req.base, &bus__ping_response__descriptor,
	                  a, &out);
	arena_free(a);
	bus_client_close(c);
	return rv == ST_OK ? 0 : -1;
}

/* `<daemon> admin audit-verify`: needs only the database; output for the operator. */
static int svc_audit_verify_main(const svc_def *def, config_common *common)
{
	const char *db_url = NULL;
	char err[256];
	long long bad = 0;
	config_item items[] = {
	        CONFIG_COMMON_ITEMS(common),
	        {"DB_URL", CFG_STR, NULL, 0, 0, "libpq connection string of this service's role",
	         &db_url},
	};
	if (config_load(items, sizeof items / sizeof items[0], err, sizeof err) != 0) {
		fprintf(stderr, "%s admin audit-verify: %s\n", def->name, err);
		return 2;
	}
	log_setup(def->name, config_log_levels[common->log_level]);
	db_conn *db = db_open(db_url);
	if (!db) {
		fprintf(stderr, "%s admin audit-verify: cannot connect to the database\n",
		        def->name);
		return 2;
	}
	int rv = audit_verify(db, &bad);
	db_close(db);
	if (rv == ST_OK) {
		printf("%s: audit chain intact\n", def->name);
		return 0;
	}
	if (rv == ST_CONFLICT) {
		printf("%s: audit chain broken at seq %lld\n", def->name, bad);
		return 1;
	}
	fprintf(stderr, "%s admin audit-verify: the audit log could not be read\n", def->name);
	return 2;
}

int svc_main(const svc_def *def, int argc, char **argv, config_common *common,
             const config_item *items, size_t nitems)
{
	if (argc == 3 && strcmp(argv[1], "admin") == 0 && strcmp(argv[2], "audit-verify") == 0)
		return svc_audit_verify_main(def, common);
	char default_migrations[128];
	svc_settings set = {0};
	busauth_settings bus_set = {0};
	busauth *auth = NULL;
	int check = 0, rv = 1;
	snprintf(default_migrations, sizeof default_migrations, "services/%s/migrations",
	         def->name);
	config_item base[] = {
	        {"DB_URL", CFG_STR, NULL, 0, 0, "libpq connection string of this service's role",
	         &set.db_url},
	        {"SVC_WORKERS", CFG_INT, "4", 1, 64,
	         "worker threads (each with its own connection)", &set.workers},
	        {"MIGRATIONS_DIR", CFG_STR, default_migrations, 0, 0,
	         "directory of NNN_*.sql files", &set.migrations_dir},
	        {"REPLAY_INTERVAL_MS", CFG_INT, "2000", 100, 60000,
	         "how often to ask event sources for missed events", &set.replay_interval_ms},
	        {"REDIS_URL", CFG_STR, "", 0, 0,
	         "redis://[:password@]host:port/db for workers; empty: none", &set.redis_url},
	        {"GATEWAY_RPC_URLS", CFG_STR, "", 0, 0,
	         "gateways' GATEWAY_RPC_LISTEN bases, comma-separated, to take their requests "
	         "from directly; empty: through the bus only",
	         &set.gateway_rpc_urls},
	        BUSAUTH_CONFIG_ITEMS(&bus_set),
	};
	size_t nbase = sizeof base / sizeof base[0];
	config_item *all = xmalloc((nbase + nitems) * sizeof *all);
	memcpy(all, base, sizeof base);
	if (nitems)
		memcpy(all + nbase, items, nitems * sizeof *items);
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--check") == 0)
			check = 1;
	if (check) {
		/* A probe needs only the bus address, not the database's. */
		config_item probe[] = {CONFIG_COMMON_ITEMS(common), BUSAUTH_CONFIG_ITEMS(&bus_set)};
		char err[256];
		/* The probe signs as the service itself, which accepts its own key. */
		if (config_load(probe, sizeof probe / sizeof probe[0], err, sizeof err) == 0 &&
		    busauth_open(def->name, &bus_set, common->mode == CONFIG_PRODUCTION, &auth) ==
		            ST_OK) {
			bus_auth_default_set(auth);
			rv = svc_ping(common->bus_urls, def->name, 2000) == 0 ? 0 : 1;
		}
		goto out;
	}
	int crv = config_init(def->name, argc, argv, common, all, nbase + nitems);
	if (crv != 0) {
		rv = crv > 0 ? 0 : 2;
		goto out;
	}
	set.bus_urls = common->bus_urls;
	if (busauth_open(def->name, &bus_set, !config_is_development(common), &auth) != ST_OK)
		goto out;
	set.auth = auth;
	bus_auth_default_set(auth);

	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	svc_server *s = NULL;
	if (svc_server_start(def, &set, &s) != ST_OK) {
		log_kv(LOGL_ERROR, NULL, "service failed to start", "service", def->name, NULL);
		goto out;
	}
	int sig = 0;
	sigwait(&sigs, &sig);
	log_kv(LOGL_INFO, NULL, "stopping", "signal", sig == SIGTERM ? "TERM" : "INT", NULL);
	svc_server_stop(s);
	rv = 0;
out:
	bus_auth_default_set(NULL);
	busauth_free(auth);
	free(all);
	return rv;
}
