/* Liveness of the routed services, watched from the loop (see gateway.h). */
#include "bus.h"
#include "gateway.h"
#include "routes.h"
#include "sessions.h"
#include "status.h"
#include "upstream.h"

#include <string.h>

#define GW_HEALTH_MAX      16
#define GW_PING_EVERY_MS   1000
#define GW_PING_TIMEOUT_MS 800
/* A service whose last answer is older than this is down. */
#define GW_STALE_MS 2500

struct gw_service_health {
	const char *service;
	int64_t last_ok_ms;
	int in_flight;
};

static struct gw_service_health gw_health[GW_HEALTH_MAX];
static size_t gw_nhealth;
static struct event *gw_health_timer;
static int64_t gw_health_started_ms;

static void gw_health_ping_done(void *arg, int rv, nng_msg *reply)
{
	struct gw_service_health *h = arg;
	h->in_flight = 0;
	if (rv == ST_OK) {
		arena *a = arena_new();
		Bus__Response *resp =
		        bus_response_decode(nng_msg_body(reply), nng_msg_len(reply), a);
		if (resp && bus_response_status(resp) == ST_OK)
			h->last_ok_ms = bus_now_ms();
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
		gw_health[i] = (struct gw_service_health){services[i], 0, 0};
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
		if (strcmp(gw_health[i].service, service) == 0)
			gw_health[i].last_ok_ms = bus_now_ms();
}

int gw_health_service_down(const char *service)
{
	int64_t now = bus_now_ms();
	for (size_t i = 0; i < gw_nhealth; i++) {
		if (strcmp(gw_health[i].service, service) != 0)
			continue;
		/* Right after start nothing has answered yet: do not refuse traffic then. */
		if (gw_health[i].last_ok_ms == 0)
			return now - gw_health_started_ms > GW_STALE_MS;
		return now - gw_health[i].last_ok_ms > GW_STALE_MS;
	}
	return 0;
}

void gw_health_metrics(struct evbuffer *out)
{
	int64_t now = bus_now_ms();
	evbuffer_add_printf(out, "# HELP gateway_service_up Routed service answered the bus ping "
	                         "in the last 2.5 s (1) or not (0).\n"
	                         "# TYPE gateway_service_up gauge\n");
	for (size_t i = 0; i < gw_nhealth; i++) {
		int up = gw_health[i].last_ok_ms && now - gw_health[i].last_ok_ms <= GW_STALE_MS;
		evbuffer_add_printf(out, "gateway_service_up{service=\"%s\"} %d\n",
		                    gw_health[i].service, up);
	}
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
		int up = gw_health[i].last_ok_ms && now - gw_health[i].last_ok_ms <= GW_STALE_MS;
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
