/* The bus's forwarding devices: events pub/sub and one req/rep queue per service. */
#include "devices.h"

#include "bus.h"
#include "log.h"

#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bus_device {
	char name[64];
	nng_socket front; /* where callers (or publishers) connect */
	nng_socket back;  /* where workers (or subscribers) connect */
	pthread_t thread;
};

struct bus_devices {
	struct bus_device *devs;
	size_t n;
};

static void *bus_device_main(void *arg)
{
	struct bus_device *d = arg;
	int rv = nng_device(d->front, d->back);
	if (rv != NNG_ECLOSED)
		log_kv(LOGL_ERROR, NULL, "device stopped", "device", d->name, "error",
		       nng_strerror(rv), NULL);
	return NULL;
}

static int bus_device_open_events(struct bus_device *d, const char *base)
{
	snprintf(d->name, sizeof d->name, "events");
	if (nng_sub0_open_raw(&d->front) != 0 || nng_pub0_open_raw(&d->back) != 0)
		return -1;
	nng_socket_set_int(d->front, NNG_OPT_RECVBUF, 1024);
	nng_socket_set_int(d->back, NNG_OPT_SENDBUF, 1024);
	if (bus_listen(d->front, base, "events-in") || bus_listen(d->back, base, "events-out"))
		return -1;
	return 0;
}

static int bus_device_open_queue(struct bus_device *d, const char *base, const char *service)
{
	char front[96], back[96];
	snprintf(d->name, sizeof d->name, "rpc.%s", service);
	snprintf(front, sizeof front, "rpc.%s.front", service);
	snprintf(back, sizeof back, "rpc.%s.back", service);
	if (nng_rep0_open_raw(&d->front) != 0 || nng_req0_open_raw(&d->back) != 0)
		return -1;
	bus_socket_defaults(d->front);
	bus_socket_defaults(d->back);
	if (bus_listen(d->front, base, front) || bus_listen(d->back, base, back))
		return -1;
	return 0;
}

int bus_devices_start(const char *base, const char *services, bus_devices **out)
{
	struct bus_devices *b = xcalloc(1, sizeof *b);
	char *list = xstrdup(services);
	size_t cap = 1;
	for (const char *p = list; *p; p++)
		cap += *p == ',';
	if (!*services)
		cap = bus_nservices;
	b->devs = xcalloc(cap + 1, sizeof *b->devs);
	int rv = -1;
	if (bus_base_prepare(base) != 0) {
		log_kv(LOGL_ERROR, NULL, "cannot create bus directory", "base", base, NULL);
		goto out;
	}
	if (bus_device_open_events(&b->devs[b->n++], base) != 0)
		goto out;
	for (size_t i = 0; !*services && i < bus_nservices; i++)
		if (bus_device_open_queue(&b->devs[b->n++], base, bus_services[i].name) != 0)
			goto out;
	char *save = NULL;
	for (char *svc = strtok_r(list, ",", &save); svc; svc = strtok_r(NULL, ",", &save)) {
		if (!*svc)
			continue;
		if (bus_device_open_queue(&b->devs[b->n++], base, svc) != 0)
			goto out;
	}
	for (size_t i = 0; i < b->n; i++)
		pthread_create(&b->devs[i].thread, NULL, bus_device_main, &b->devs[i]);
	*out = b;
	rv = 0;
out:
	free(list);
	if (rv != 0) {
		for (size_t i = 0; i < b->n; i++) {
			nng_close(b->devs[i].front);
			nng_close(b->devs[i].back);
		}
		free(b->devs);
		free(b);
	}
	return rv;
}

int bus_devices_probe(const char *base)
{
	char addr[512];
	nng_socket s;
	if (bus_endpoint(base, "events-out", addr, sizeof addr) != 0 || nng_sub0_open(&s) != 0)
		return -1;
	/* A synchronous dial succeeds only when the bus is listening. */
	int rv = nng_dial(s, addr, NULL, 0);
	nng_close(s);
	return rv == 0 ? 0 : -1;
}
