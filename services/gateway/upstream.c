/*
 * Calls from the event loop to services (see upstream.h).
 *
 * The loop owns raw REQ sockets and does the request/reply matching itself: each
 * request gets a 31-bit id in the message header (as the REQ protocol would add),
 * the reply is read from the socket's receive descriptor when libevent reports it
 * readable, and a timer per call enforces the deadline. No nng callback runs our
 * code on the request path, so a reply costs no hand-off between threads on our side
 * (measured: the aio path spent most of the gateway's time switching threads).
 *
 * Each service has two ways in. The bus: a socket dialing every bus's
 * rpc.<svc>.front. And, when GATEWAY_RPC_LISTEN is set, the direct one: a socket
 * listening on rpc.<svc>.back of that base, which the service's workers dial
 * (GATEWAY_RPC_URLS), so that a request skips the bus's device (issue 21: the bus
 * cost 34 µs of CPU and 10 context switches per request). A call takes the direct
 * way while at least one replica is connected there, the bus otherwise.
 */
#include "upstream.h"

#include "bus.h"
#include "log.h"
#include "mem.h"
#include "status.h"

#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* In-flight calls: an id's low bits pick the slot, its high bits a generation,
 * so a late reply for a reused slot is recognised and dropped. */
#define GW_SLOTS 4096
/* Pipes of a direct socket remembered as gone (below). */
#define GW_DIRECT_MAX 64

struct gw_call {
	uint32_t id; /* 0 when free */
	gw_upstream_cb cb;
	void *arg;
	struct event *timer;
	struct gw_client *client;
};

/* One way to a service: a socket and the event that drains its replies. */
struct gw_link {
	nng_socket sock;
	struct event *readable;
	struct gw_client *client;
	int open;
};

/* The replicas connected to a direct socket, kept from nng's pipe callbacks (on
 * nng's threads). nng 1.5 may report a pipe's removal before its addition when it
 * closes while starting, so a removal of an unknown pipe is remembered and that
 * pipe's later addition ignored. */
struct gw_direct_pipes {
	pthread_mutex_t lock;
	uint32_t *live; /* grows: every replica is counted, however many */
	size_t nlive, cap;
	uint32_t gone[GW_DIRECT_MAX];
	size_t next_gone;
	atomic_size_t connected; /* nlive, read by the loop without the lock */
};

struct gw_client {
	const char *service;
	struct gw_link bus;
	struct gw_link direct;
	struct gw_direct_pipes pipes;
};

static struct event_base *gw_base;
static char *gw_bus_urls;
static char *gw_rpc_listen;
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
static void gw_link_readable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct gw_link *l = arg;
	nng_msg *m;
	while (nng_recvmsg(l->sock, &m, NNG_FLAG_NONBLOCK) == 0) {
		uint32_t id = 0;
		if (nng_msg_header_len(m) < 4 || nng_msg_header_chop_u32(m, &id) != 0) {
			nng_msg_free(m);
			continue;
		}
		id &= 0x7fffffffu;
		struct gw_call *c = &gw_calls[id % GW_SLOTS];
		if (c->id != id || c->client != l->client) {
			nng_msg_free(m); /* a reply after its deadline */
			continue;
		}
		gw_call_complete(c, ST_OK, m);
	}
}

static void gw_direct_pipe_event(nng_pipe pipe, nng_pipe_ev ev, void *arg)
{
	struct gw_direct_pipes *p = arg;
	uint32_t id = (uint32_t)nng_pipe_id(pipe);
	size_t i;
	pthread_mutex_lock(&p->lock);
	if (ev == NNG_PIPE_EV_ADD_POST) {
		for (i = 0; i < GW_DIRECT_MAX && p->gone[i] != id; i++)
			;
		if (i == GW_DIRECT_MAX) {
			if (p->nlive == p->cap) {
				p->cap = p->cap ? 2 * p->cap : 8;
				p->live = xrealloc(p->live, p->cap * sizeof *p->live);
			}
			p->live[p->nlive++] = id;
		}
	} else {
		for (i = 0; i < p->nlive && p->live[i] != id; i++)
			;
		if (i < p->nlive)
			p->live[i] = p->live[--p->nlive];
		else
			p->gone[p->next_gone++ % GW_DIRECT_MAX] = id;
	}
	atomic_store(&p->connected, p->nlive);
	pthread_mutex_unlock(&p->lock);
}

/* Opens a raw REQ socket for l: dialing every bus's rpc.<svc>.front, or listening on
 * rpc.<svc>.back of GATEWAY_RPC_LISTEN. 0, or -1 (logged). */
static int gw_link_open(struct gw_link *l, struct gw_client *cl, int direct)
{
	char name[64];
	int fd;
	l->client = cl;
	if (nng_req0_open_raw(&l->sock) != 0)
		return -1;
	/* Requests wait in the socket's queue while every pipe is busy. */
	nng_socket_set_int(l->sock, NNG_OPT_SENDBUF, 1024);
	nng_socket_set_int(l->sock, NNG_OPT_RECVBUF, 1024);
	bus_socket_defaults(l->sock);
	if (direct) {
		snprintf(name, sizeof name, "rpc.%s.back", cl->service);
		if (nng_pipe_notify(l->sock, NNG_PIPE_EV_ADD_POST, gw_direct_pipe_event,
		                    &cl->pipes) != 0 ||
		    nng_pipe_notify(l->sock, NNG_PIPE_EV_REM_POST, gw_direct_pipe_event,
		                    &cl->pipes) != 0 ||
		    bus_listen(l->sock, gw_rpc_listen, name) != 0)
			goto fail;
	} else {
		snprintf(name, sizeof name, "rpc.%s.front", cl->service);
		if (bus_dial_all(l->sock, gw_bus_urls, name) != 0)
			goto fail;
	}
	if (nng_socket_get_int(l->sock, NNG_OPT_RECVFD, &fd) != 0)
		goto fail;
	l->readable = event_new(gw_base, fd, EV_READ | EV_PERSIST, gw_link_readable, l);
	event_add(l->readable, NULL);
	l->open = 1;
	return 0;
fail:
	nng_close(l->sock);
	return -1;
}

static void gw_link_close(struct gw_link *l)
{
	if (!l->open)
		return;
	event_free(l->readable);
	nng_close(l->sock);
	l->open = 0;
}

static void gw_client_free(struct gw_client *cl)
{
	gw_link_close(&cl->direct);
	gw_link_close(&cl->bus);
	pthread_mutex_destroy(&cl->pipes.lock);
	free(cl->pipes.live);
	free(cl);
}

static struct gw_client *gw_client_for(const char *service)
{
	for (size_t i = 0; i < gw_nclients; i++)
		if (strcmp(gw_clients[i]->service, service) == 0)
			return gw_clients[i];
	struct gw_client *cl = xcalloc(1, sizeof *cl);
	cl->service = service;
	pthread_mutex_init(&cl->pipes.lock, NULL);
	atomic_init(&cl->pipes.connected, 0);
	if (gw_link_open(&cl->bus, cl, 0) != 0 ||
	    (gw_rpc_listen && gw_link_open(&cl->direct, cl, 1) != 0)) {
		log_kv(LOGL_ERROR, NULL, "cannot open a client of the service", "service", service,
		       NULL);
		gw_client_free(cl);
		return NULL;
	}
	gw_clients = xrealloc(gw_clients, (gw_nclients + 1) * sizeof *gw_clients);
	gw_clients[gw_nclients++] = cl;
	return cl;
}

int gw_upstream_init(struct event_base *base, const char *bus_urls, const char *rpc_listen,
                     const busauth *auth)
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
	if (rpc_listen && *rpc_listen) {
		gw_rpc_listen = xstrdup(rpc_listen);
		if (bus_base_prepare(gw_rpc_listen) != 0)
			return -1;
		/* Listening from the start, so that replicas connect before the first call. */
		for (size_t i = 0; i < bus_nservices; i++)
			if (!gw_client_for(bus_services[i].name))
				return -1;
	}
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
	struct gw_link *l =
	        cl->direct.open && atomic_load(&cl->pipes.connected) ? &cl->direct : &cl->bus;
	if (nng_sendmsg(l->sock, req, NNG_FLAG_NONBLOCK) != 0) {
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

size_t gw_upstream_direct_replicas(const char *service)
{
	for (size_t i = 0; i < gw_nclients; i++)
		if (strcmp(gw_clients[i]->service, service) == 0)
			return gw_clients[i]->direct.open
			               ? atomic_load(&gw_clients[i]->pipes.connected)
			               : 0;
	return 0;
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
	for (size_t i = 0; i < gw_nclients; i++)
		gw_client_free(gw_clients[i]);
	free(gw_clients);
	gw_clients = NULL;
	gw_nclients = 0;
	free(gw_bus_urls);
	gw_bus_urls = NULL;
	free(gw_rpc_listen);
	gw_rpc_listen = NULL;
	gw_auth = NULL;
}
