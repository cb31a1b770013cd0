/* Asynchronous service calls handed back to the event loop (see upstream.h). */
#include "upstream.h"

#include "bus.h"
#include "mem.h"
#include "status.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct gw_completion {
	gw_upstream_cb cb;
	void *arg;
	int rv;
	nng_msg *reply;
	struct gw_completion *next;
};

struct gw_client {
	const char *service;
	bus_client *client;
};

static struct event *gw_wakeup;
static pthread_mutex_t gw_queue_lock = PTHREAD_MUTEX_INITIALIZER; /* guards the queue */
static struct gw_completion *gw_queue_head, **gw_queue_tail = &gw_queue_head;
static struct gw_client *gw_clients;
static size_t gw_nclients;
static char *gw_bus_urls;
static int gw_draining;

/* nng thread: queue the result and wake the loop; no blocking work here. */
static void gw_upstream_done(void *arg, int rv, nng_msg *reply)
{
	struct gw_completion *c = arg;
	c->rv = rv;
	c->reply = reply;
	c->next = NULL;
	pthread_mutex_lock(&gw_queue_lock);
	*gw_queue_tail = c;
	gw_queue_tail = &c->next;
	pthread_mutex_unlock(&gw_queue_lock);
	if (!gw_draining)
		event_active(gw_wakeup, EV_READ, 0);
}

static void gw_upstream_run_queue(void)
{
	pthread_mutex_lock(&gw_queue_lock);
	struct gw_completion *c = gw_queue_head;
	gw_queue_head = NULL;
	gw_queue_tail = &gw_queue_head;
	pthread_mutex_unlock(&gw_queue_lock);
	while (c) {
		struct gw_completion *next = c->next;
		c->cb(c->arg, c->rv, c->reply);
		free(c);
		c = next;
	}
}

static void gw_upstream_wakeup_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	gw_upstream_run_queue();
}

int gw_upstream_init(struct event_base *base, const char *bus_urls)
{
	arena *a = arena_new();
	char *bases[BUS_MAX_BASES];
	size_t n = bus_bases(bus_urls, a, bases);
	arena_free(a);
	if (n == 0)
		return -1;
	gw_bus_urls = xstrdup(bus_urls);
	gw_wakeup = event_new(base, -1, EV_PERSIST, gw_upstream_wakeup_cb, NULL);
	return 0;
}

static bus_client *gw_client_for(const char *service)
{
	for (size_t i = 0; i < gw_nclients; i++)
		if (strcmp(gw_clients[i].service, service) == 0)
			return gw_clients[i].client;
	bus_client *c = NULL;
	if (bus_client_open(&c, gw_bus_urls, service) != 0)
		return NULL;
	gw_clients = xrealloc(gw_clients, (gw_nclients + 1) * sizeof *gw_clients);
	gw_clients[gw_nclients++] = (struct gw_client){service, c};
	return c;
}

void gw_upstream_call(const char *service, nng_msg *req, int timeout_ms, gw_upstream_cb cb,
		      void *arg)
{
	struct gw_completion *c = xcalloc(1, sizeof *c);
	c->cb = cb;
	c->arg = arg;
	bus_client *client = gw_client_for(service);
	if (!client) {
		nng_msg_free(req);
		gw_upstream_done(c, ST_UNAVAILABLE, NULL);
		return;
	}
	bus_call_async(client, req, timeout_ms, gw_upstream_done, c);
}

void gw_upstream_shutdown(void)
{
	/* Closing a client cancels its calls; their completions are then run here. */
	gw_draining = 1;
	for (size_t i = 0; i < gw_nclients; i++)
		bus_client_close(gw_clients[i].client);
	gw_upstream_run_queue();
	free(gw_clients);
	gw_clients = NULL;
	gw_nclients = 0;
	if (gw_wakeup)
		event_free(gw_wakeup);
	gw_wakeup = NULL;
	free(gw_bus_urls);
	gw_bus_urls = NULL;
}
