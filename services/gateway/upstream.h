/*
 * Calls from the gateway's event loop to services over the bus. The loop never
 * waits: a call is sent without blocking, its reply is read when the socket's
 * descriptor is readable, and a timer enforces its deadline; the callback runs
 * on the loop thread.
 */
#ifndef GATEWAY_UPSTREAM_H
#define GATEWAY_UPSTREAM_H

#include <event2/event.h>
#include <nng/nng.h>

#include "busauth.h"

/* Runs on the loop thread, possibly before gw_upstream_call() returns. rv is
 * ST_OK with reply (the callback frees it), or ST_DEADLINE / ST_UNAVAILABLE
 * with reply NULL. */
typedef void (*gw_upstream_cb)(void *arg, int rv, nng_msg *reply);

/* 0, or -1 when the bus addresses are malformed or rpc_listen cannot be listened on
 * (logged; call gw_upstream_shutdown() all the same). Call once on the loop thread.
 * rpc_listen (GATEWAY_RPC_LISTEN; NULL or "": none) is the base on which services'
 * workers connect directly. auth signs every request (NULL: unsigned, BUS_AUTH off);
 * it must outlive the calls, until gw_upstream_shutdown(). */
int gw_upstream_init(struct event_base *base, const char *bus_urls, const char *rpc_listen,
                     const busauth *auth);
/* Signs req (a packed bus.Request, ownership passes) as the gateway for service and
 * sends it; cb runs exactly once on the loop. */
void gw_upstream_call(const char *service, nng_msg *req, int timeout_ms, gw_upstream_cb cb,
                      void *arg);
/* Replicas of service connected to the direct socket now; 0 without GATEWAY_RPC_LISTEN
 * or when none is (calls then go through the bus). */
size_t gw_upstream_direct_replicas(const char *service);
/* Cancels outstanding calls (their callbacks run), closes the clients. */
void gw_upstream_shutdown(void);

#endif
