/*
 * Calls from the event loop to services (see upstream.h).
 *
 * The loop owns a raw REQ socket per service and does the request/reply
 * matching itself: each request gets a 31-bit id in the message header (as the
 * REQ protocol would add), the reply is read from the socket's receive
 * descriptor when libevent reports it readable, and a timer per call enforces
 * the deadline. No nng callback runs our code, so a reply costs no hand-off
 * between threads on our side (measured: the aio path spent most of the
 * gateway's time switching threads).
 */
#include "upstream.h"

#include "bus.h"
#include "log.h"
#include "mem.h"
#include "status.h"

#include <nng/protocol/reqrep0/req.h>
#include <stdlib.h>
#include <string.h>

/* In-flight calls: an id's low bits pick the slot, its high bits a generation,
 * so a late reply for a reused slot is recognised and dropped. */
#define GW_SLOTS 4096

struct gw_call {
	uint32_t id; /* 0 when free */
	gw_upstream_cb cb;
	void *arg;
	struct event *timer;
	struct gw_client *client;
};

struct gw_client {
	const char *service;
	nng_socket sock;
	struct event *readable;
};

static struct event_base *gw_base;
static char *gw_bus_urls;
static const busauth *gw_auth;
static struct gw_client **gw_clients;
static size_t gw_nclients;
static struct gw_call *gw_calls;
static uint32_t gw_next_slot;
static uint32_t gw_generation = 1;
static size_t gw_in_flight;

static void gw_call_complete(struct gw_call *c, int rv, nng_msg *reply)
{
	gw_upstream_cb cb = c->cb;
	void *arg = c->arg;
	evtimer_del(c->timer);
	c->id = 0;
	c->cb = NULL;
	gw_in_flight--;
	cb(arg, rv, reply);
}

static void gw_call_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	gw_call_complete(arg, ST_DEADLINE, NULL);
}

/* Drains every reply waiting on the socket. */
static void gw_client_readable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct gw_client *cl = arg;
	nng_msg *m;
	while (nng_recvmsg(cl->sock, &m, NNG_FLAG_NONBLOCK) == 0) {
		uint32_t id = 0;
		if (nng_msg_header_len(m) < 4 || nng_msg_header_chop_u32(m, &id) != 0) {
			nng_msg_free(m);
			continue;
		}
		id &= 0x7fffffffu;
		struct gw_call *c = &gw_calls[id % GW_SLOTS];
		if (c->id != id || c->client != cl) {
			nng_msg_free(m); /* a reply after its deadline */
			continue;
		}
		gw_call_complete(c, ST_OK, m);
	}
}

static struct gw_client *gw_client_for(const char *service)
{
	for (size_t i = 0; i < gw_nclients; i++)
		if (strcmp(gw_clients[i]->service, service) == 0)
			return gw_clients[i];
	struct gw_client *cl = xcalloc(1, sizeof *cl);
	char name[64];
	int fd;
	cl->service = service;
	snprintf(name, sizeof name, "rpc.%s.front", service);
	if (nng_req0_open_raw(&cl->sock) != 0)
		goto fail;
	/* Requests wait in the socket's queue while every pipe is busy. */
	nng_socket_set_int(cl->sock, NNG_OPT_SENDBUF, 1024);
	nng_socket_set_int(cl->sock, NNG_OPT_RECVBUF, 1024);
	bus_socket_defaults(cl->sock);
	if (bus_dial_all(cl->sock, gw_bus_urls, name) != 0 ||
	    nng_socket_get_int(cl->sock, NNG_OPT_RECVFD, &fd) != 0)
		goto fail_sock;
	cl->readable = event_new(gw_base, fd, EV_READ | EV_PERSIST, gw_client_readable, cl);
	event_add(cl->readable, NULL);
	gw_clients = xrealloc(gw_clients, (gw_nclients + 1) * sizeof *gw_clients);
	gw_clients[gw_nclients++] = cl;
	return cl;
fail_sock:
	nng_close(cl->sock);
fail:
	log_kv(LOGL_ERROR, NULL, "cannot open a client of the bus", "service", service, NULL);
	free(cl);
	return NULL;
}

int gw_upstream_init(struct event_base *base, const char *bus_urls, const busauth *auth)
{
	arena *a = arena_new();
	char *bases[BUS_MAX_BASES];
	size_t n = bus_bases(bus_urls, a, bases);
	arena_free(a);
	if (n == 0)
		return -1;
	gw_base = base;
	gw_auth = auth;
	gw_bus_urls = xstrdup(bus_urls);
	gw_calls = xcalloc(GW_SLOTS, sizeof *gw_calls);
	for (size_t i = 0; i < GW_SLOTS; i++)
		gw_calls[i].timer = evtimer_new(base, gw_call_timeout, &gw_calls[i]);
	return 0;
}

/* A free slot, or NULL when GW_SLOTS calls are out. */
static struct gw_call *gw_call_alloc(void)
{
	if (gw_in_flight == GW_SLOTS)
		return NULL;
	for (;;) {
		uint32_t slot = gw_next_slot++ % GW_SLOTS;
		if (slot == 0)
			gw_generation = (gw_generation + 1) & 0x7fff ? gw_generation + 1 : 1;
		struct gw_call *c = &gw_calls[slot];
		if (c->id == 0) {
			c->id = ((gw_generation & 0x7fffu) << 16) | slot;
			if (c->id == 0)
				c->id = 1u << 16;
			gw_in_flight++;
			return c;
		}
	}
}

void gw_upstream_call(const char *service, nng_msg *req, int timeout_ms, gw_upstream_cb cb,
                      void *arg)
{
	struct gw_client *cl = gw_client_for(service);
	struct gw_call *c = cl ? gw_call_alloc() : NULL;
	if (c && busauth_request_sign(gw_auth, service, req) != ST_OK) {
		log_kv(LOGL_ERROR, NULL, "cannot sign a request", "service", service, NULL);
		c->id = 0;
		gw_in_flight--;
		c = NULL;
	}
	if (!c) {
		nng_msg_free(req);
		cb(arg, ST_UNAVAILABLE, NULL);
		return;
	}
	c->cb = cb;
	c->arg = arg;
	c->client = cl;
	/* The REQ protocol's request id: the last header word, high bit set. */
	nng_msg_header_append_u32(req, c->id | 0x80000000u);
	if (nng_sendmsg(cl->sock, req, NNG_FLAG_NONBLOCK) != 0) {
		nng_msg_free(req);
		c->id = 0;
		c->cb = NULL;
		gw_in_flight--;
		cb(arg, ST_UNAVAILABLE, NULL);
		return;
	}
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	evtimer_add(c->timer, &tv);
}

void gw_upstream_shutdown(void)
{
	for (size_t i = 0; gw_calls && i < GW_SLOTS; i++) {
		if (gw_calls[i].id)
			gw_call_complete(&gw_calls[i], ST_UNAVAILABLE, NULL);
		event_free(gw_calls[i].timer);
	}
	free(gw_calls);
	gw_calls = NULL;
	for (size_t i = 0; i < gw_nclients; i++) {
		event_free(gw_clients[i]->readable);
		nng_close(gw_clients[i]->sock);
		free(gw_clients[i]);
	}
	free(gw_clients);
	gw_clients = NULL;
	gw_nclients = 0;
	free(gw_bus_urls);
	gw_bus_urls = NULL;
	gw_auth = NULL;
}
