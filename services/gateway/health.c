/* Liveness of the routed services, watched from the loop (see gateway.h). */
#include "bus.h"
#include "gateway.h"
#include "routes.h"
#include "sessions.h"
#include "status.h"
#include "upstream.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define GW_HEALTH_MAX      16
#define GW_PING_EVERY_MS   250
#define GW_PING_TIMEOUT_MS 750

/* The figures of a service's last Ping answer (bus.proto) and its round trip, rendered
 * in /metrics while the service is up; a figure the answer lacks is negative. */
enum gw_gauge {
	GW_G_PING_S,
	GW_G_OUTBOX_PENDING,
	GW_G_OUTBOX_AGE_S,
	GW_G_WORKERS_BUSY,
	GW_G_WORKERS,
	GW_G_DB_ERRORS,
	GW_G_REDIS_ERRORS,
	GW_G_N
};

static const struct {
	const char *name, *type, *help;
} gw_gauge_meta[GW_G_N] = {
        [GW_G_PING_S] = {"gateway_bus_ping_seconds", "gauge",
                         "Round trip of the last health ping through the bus."},
        [GW_G_OUTBOX_PENDING] = {"service_outbox_pending", "gauge",
                                 "Events in the service's outbox its answering process has not "
                                 "published yet."},
        [GW_G_OUTBOX_AGE_S] = {"service_outbox_oldest_age_seconds", "gauge",
                               "Age of the oldest event not published yet (0 when none)."},
        [GW_G_WORKERS_BUSY] = {"service_workers_busy", "gauge",
                               "Workers handling a request when the ping was answered (the "
                               "ping excluded)."},
        [GW_G_WORKERS] = {"service_workers", "gauge", "Worker threads of the answering process."},
        [GW_G_DB_ERRORS] = {"service_db_errors_total", "counter",
                            "Failed statements and connections of the answering process since "
                            "its start."},
        [GW_G_REDIS_ERRORS] = {"service_redis_errors_total", "counter",
                               "Failed Redis commands and connections of the answering process "
                               "since its start."},
};

/* A service subscribes to a few sources; more than this are not rendered. */
#define GW_LAG_MAX 8

struct gw_subscriber_lag {
	char source[32];
	int64_t lag; /* seen - applied */
};

struct gw_service_health {
	const char *service;
	int64_t last_ok_ms;
	int64_t sent_us;
	int in_flight;
	/* The last ping ended without an answer (its deadline passed, or an error). */
	int last_failed;
	int have_gauges;
	double gauges[GW_G_N];
	struct gw_subscriber_lag lags[GW_LAG_MAX];
	size_t nlags;
};

static struct gw_service_health gw_health[GW_HEALTH_MAX];
static size_t gw_nhealth;
static struct event *gw_health_timer;
static int64_t gw_health_started_ms;

int64_t gw_health_stale_after_ms(double workers, double busy)
{
	/* busy excludes the ping that counted it: with it every worker was taken. */
	return workers > 0 && busy + 1 >= workers ? GW_STALE_BUSY_MS : GW_STALE_MS;
}

/* Up: an answer (a ping's, or any request's) within its staleness window, or a silence
 * that no failed ping explains yet. A ping still on its way (a slow machine, a busy
 * loop) is no evidence of death: refusing a live service's requests would be worse than
 * knowing of a dead one a little later, so down needs a ping that failed. */
static int gw_health_up(const struct gw_service_health *h, int64_t now)
{
	const double *g = h->gauges;
	int64_t stale = h->have_gauges
	                        ? gw_health_stale_after_ms(g[GW_G_WORKERS], g[GW_G_WORKERS_BUSY])
	                        : GW_STALE_MS;
	if (!h->last_ok_ms)
		return 0;
	return now - h->last_ok_ms <= stale || !h->last_failed;
}

static int64_t gw_health_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Keeps the gauges of a Ping answer; an answer without them (an older service) keeps
 * only the round trip. */
static void gw_health_keep(struct gw_service_health *h, const Bus__Response *resp, arena *a)
{
	double *g = h->gauges;
	for (int i = 0; i < GW_G_N; i++)
		g[i] = -1;
	h->have_gauges = 1;
	g[GW_G_PING_S] = (double)(gw_health_now_us() - h->sent_us) / 1e6;
	ProtobufCAllocator alloc = arena_pb_allocator(a);
	Bus__PingResponse *p =
	        resp->has_body ? bus__ping_response__unpack(&alloc, resp->body.len, resp->body.data)
	                       : NULL;
	if (!p)
		return;
	if (p->has_outbox_pending)
		g[GW_G_OUTBOX_PENDING] = (double)p->outbox_pending;
	if (p->has_outbox_oldest_age_s)
		g[GW_G_OUTBOX_AGE_S] = p->outbox_oldest_age_s;
	if (p->has_workers_busy)
		g[GW_G_WORKERS_BUSY] = p->workers_busy;
	if (p->has_workers)
		g[GW_G_WORKERS] = p->workers;
	if (p->has_db_errors)
		g[GW_G_DB_ERRORS] = (double)p->db_errors;
	if (p->has_redis_errors)
		g[GW_G_REDIS_ERRORS] = (double)p->redis_errors;
	h->nlags = 0;
	for (size_t i = 0; i < p->n_subscribers && h->nlags < GW_LAG_MAX; i++) {
		const Bus__SubscriberCursor *c = p->subscribers[i];
		/* The name becomes a label value: only a plain service name is kept. */
		if (!c->source || !c->has_seen_seq || !c->has_applied_seq ||
		    strlen(c->source) >= sizeof h->lags[0].source ||
		    strspn(c->source, "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
		            strlen(c->source))
			continue;
		struct gw_subscriber_lag *l = &h->lags[h->nlags++];
		snprintf(l->source, sizeof l->source, "%s", c->source);
		l->lag = c->seen_seq > c->applied_seq ? c->seen_seq - c->applied_seq : 0;
	}
}

static void gw_health_ping_done(void *arg, int rv, nng_msg *reply)
{
	struct gw_service_health *h = arg;
	h->in_flight = 0;
	h->last_failed = 1;
	if (rv == ST_OK) {
		arena *a = arena_new();
		Bus__Response *resp =
		        bus_response_decode(nng_msg_body(reply), nng_msg_len(reply), a);
		if (resp && bus_response_status(resp) == ST_OK) {
			h->last_ok_ms = bus_now_ms();
			h->last_failed = 0;
			gw_health_keep(h, resp, a);
		}
		arena_free(a);
		nng_msg_free(reply);
	}
}

static void gw_health_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	Bus__Caller caller = BUS__CALLER__INIT;
	caller.request_id = "health";
	for (size_t i = 0; i < gw_nhealth; i++) {
		struct gw_service_health *h = &gw_health[i];
		if (h->in_flight)
			continue;
		h->in_flight = 1;
		h->sent_us = gw_health_now_us();
		Bus__PingRequest ping = BUS__PING_REQUEST__INIT;
		uint8_t body[8];
		size_t len = bus__ping_request__pack(&ping, body);
		nng_msg *m = bus_request_new("Ping", &caller, bus_now_ms() + GW_PING_TIMEOUT_MS,
		                             NULL, body, len);
		gw_upstream_call(h->service, m, GW_PING_TIMEOUT_MS, gw_health_ping_done, h);
	}
}

void gw_health_start(struct event_base *base)
{
	const char *services[GW_HEALTH_MAX];
	gw_nhealth = gw_routes_services(services, GW_HEALTH_MAX);
	for (size_t i = 0; i < gw_nhealth; i++)
		gw_health[i] = (struct gw_service_health){.service = services[i]};
	gw_health_started_ms = bus_now_ms();
	gw_health_timer = event_new(base, -1, EV_PERSIST, gw_health_tick, NULL);
	struct timeval tv = {GW_PING_EVERY_MS / 1000, (GW_PING_EVERY_MS % 1000) * 1000};
	event_add(gw_health_timer, &tv);
	gw_health_tick(-1, 0, NULL);
}

void gw_health_stop(void)
{
	if (gw_health_timer)
		event_free(gw_health_timer);
	gw_health_timer = NULL;
}

void gw_health_seen(const char *service)
{
	for (size_t i = 0; i < gw_nhealth; i++)
		if (strcmp(gw_health[i].service, service) == 0) {
			gw_health[i].last_ok_ms = bus_now_ms();
			gw_health[i].last_failed = 0;
		}
}

int gw_health_service_down(const char *service)
{
	int64_t now = bus_now_ms();
	for (size_t i = 0; i < gw_nhealth; i++) {
		if (strcmp(gw_health[i].service, service) != 0)
			continue;
		/* Right after start nothing has answered yet: do not refuse traffic then. */
		if (gw_health[i].last_ok_ms == 0)
			return now - gw_health_started_ms > GW_STALE_BUSY_MS;
		return !gw_health_up(&gw_health[i], now);
	}
	return 0;
}

/* The Ping gauges of every service up; a down service has no sample (ServiceDown says
 * so), rather than figures that stopped moving. */
static void gw_health_gauges(struct evbuffer *out, int64_t now)
{
	for (int k = 0; k < GW_G_N; k++) {
		evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", gw_gauge_meta[k].name,
		                    gw_gauge_meta[k].help, gw_gauge_meta[k].name,
		                    gw_gauge_meta[k].type);
		for (size_t i = 0; i < gw_nhealth; i++) {
			const struct gw_service_health *h = &gw_health[i];
			if (h->have_gauges && h->gauges[k] >= 0 && gw_health_up(h, now))
				evbuffer_add_printf(out, "%s{service=\"%s\"} %.17g\n",
				                    gw_gauge_meta[k].name, h->service,
				                    h->gauges[k]);
		}
	}
	evbuffer_add_printf(out, "# HELP service_subscriber_lag Events of a source announced to "
	                         "the service's subscriber and not applied yet.\n"
	                         "# TYPE service_subscriber_lag gauge\n");
	for (size_t i = 0; i < gw_nhealth; i++) {
		const struct gw_service_health *h = &gw_health[i];
		if (!h->have_gauges || !gw_health_up(h, now))
			continue;
		for (size_t j = 0; j < h->nlags; j++)
			evbuffer_add_printf(out,
			                    "service_subscriber_lag{service=\"%s\",source=\"%s\"} "
			                    "%lld\n",
			                    h->service, h->lags[j].source,
			                    (long long)h->lags[j].lag);
	}
}

void gw_health_metrics(struct evbuffer *out)
{
	int64_t now = bus_now_ms();
	evbuffer_add_printf(
	        out, "# HELP gateway_service_up Routed service answered the bus ping "
	             "in the last second (2.5 s while its workers were all busy) (1) or not (0).\n"
	             "# TYPE gateway_service_up gauge\n");
	for (size_t i = 0; i < gw_nhealth; i++) {
		int up = gw_health_up(&gw_health[i], now);
		evbuffer_add_printf(out, "gateway_service_up{service=\"%s\"} %d\n",
		                    gw_health[i].service, up);
	}
	evbuffer_add_printf(out, "# HELP gateway_direct_replicas Replicas of the service connected "
	                         "to this gateway directly (GATEWAY_RPC_LISTEN); 0: its requests "
	                         "go through the bus.\n"
	                         "# TYPE gateway_direct_replicas gauge\n");
	for (size_t i = 0; i < gw_nhealth; i++)
		evbuffer_add_printf(out, "gateway_direct_replicas{service=\"%s\"} %zu\n",
		                    gw_health[i].service,
		                    gw_upstream_direct_replicas(gw_health[i].service));
	gw_health_gauges(out, now);
	evbuffer_add_printf(out,
	                    "# HELP gateway_redis_up Redis answered the session checks.\n"
	                    "# TYPE gateway_redis_up gauge\n"
	                    "gateway_redis_up %d\n",
	                    gw_sessions_up() ? 1 : 0);
}

void gw_health_readyz(struct evhttp_request *req)
{
	json_t *services = json_object();
	int64_t now = bus_now_ms();
	int services_ok = gw_nhealth > 0;
	for (size_t i = 0; i < gw_nhealth; i++) {
		int up = gw_health_up(&gw_health[i], now);
		json_object_set_new(services, gw_health[i].service,
		                    json_string(up ? "up" : "down"));
		services_ok &= up;
	}
	/* Sessions live in Redis: without it no logged-in request can be served. */
	int redis = gw_sessions_up();
	int ready = services_ok && redis;
	json_t *body = json_object();
	json_object_set_new(body, "status", json_string(ready ? "ready" : "not_ready"));
	json_object_set_new(body, "redis", json_string(redis ? "up" : "down"));
	/* A service answering through the bus is the proof that the bus forwards. */
	json_object_set_new(body, "bus", json_string(services_ok ? "up" : "unknown"));
	json_object_set_new(body, "services", services);
	gw_reply_json(req, ready ? 200 : 503, body);
}
