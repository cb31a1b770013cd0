/*
 * The gateway's client connections (connections.c). libevent 2.1 has no
 * evhttp_set_max_connections: evhttp keeps its listener, we count what it accepts and,
 * at GATEWAY_MAX_CONNECTIONS, answer the surplus with a fixed 503 ourselves. A counted
 * connection also tells the request whose call is out on it when it closes.
 * Loop thread only.
 */
#ifndef GATEWAY_CONNECTIONS_H
#define GATEWAY_CONNECTIONS_H

#include <event2/buffer.h>
#include <event2/http.h>

struct gw_conn;
struct gw_exchange;

/* Raises the descriptor limit to hold max connections and a reserve; 0, or -1 (logged)
 * when it cannot. Call before binding. */
int gw_conns_fd_limit(long max);
/* Counts every connection evhttp accepts on http (its bufferevent callback). */
void gw_conns_setup(struct evhttp *http);
/* The cap on the bound socket's listener; 0, or -1. */
int gw_conns_start(struct evhttp_bound_socket *bound, long max);
/* Stops refusing (the listener is going): call before evhttp_free. */
void gw_conns_stop(void);
/* Frees the table: call after evhttp_free. */
void gw_conns_free(void);

/* The counted connection a request arrived on, or NULL. */
struct gw_conn *gw_conns_of(struct evhttp_request *req);
/* Attaches the exchange whose call is out on c (NULL: none any more). */
void gw_conn_attach(struct gw_conn *c, struct gw_exchange *x);
/* Defined by server.c: c closed while x was attached to it. */
void gw_exchange_connection_closed(struct gw_exchange *x);

/* Open, cap and refused connections as Prometheus text. */
void gw_conns_metrics(struct evbuffer *out);

#endif
