/*
 * The gateway's client connections: the cap (GATEWAY_MAX_CONNECTIONS) and each
 * connection's close (see connections.h). Loop thread only.
 */
#include "connections.h"

#include "log.h"
#include "mem.h"
#include "status.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * The connection cap, and the one close callback of a connection. libevent 2.1 has no
 * evhttp_set_max_connections and no public way to hand one accepted descriptor to
 * evhttp, so evhttp keeps its listener and we count what it accepts: it asks us for
 * each connection's bufferevent (evhttp_set_bevcb), and right after, in the same
 * round of the loop, we read back the connection evhttp made it for (the
 * bufferevent's callback argument) and set the close callback that counts it out. At
 * the cap the listener is disabled and our own event on the same descriptor accepts
 * the surplus, writes a fixed 503 and closes it; below the cap again, evhttp's
 * listener takes over. Connections are found by descriptor (unique while open).
 * Loop thread only.
 */
struct gw_conn {
	int fd;
	struct bufferevent *bev;
	struct event *adopt;
	struct gw_exchange *x; /* the request whose call is out on it, if any */
};

static struct {
	long max;
	long open;
	unsigned long refused;
	int paused;
	int stopping;
	struct evconnlistener *listener;
	struct event *overflow;
	struct gw_conn **by_fd;
	size_t nslots;
	char reply[512];
	size_t reply_len;
} gw_conns;

/* Seconds a refused client is told to wait: connections turn over within a few. */
#define GW_CONN_RETRY_S 5
/* Descriptors besides client connections: the bus's sockets, Redis, logs, the loop. */
#define GW_FD_RESERVE 128

/*
 * Every connection is a descriptor: the soft limit must hold the cap, or accept()
 * fails with EMFILE first and the listener spins on a socket it cannot drain.
 */
int gw_conns_fd_limit(long max)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)max + GW_FD_RESERVE;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur =
		        rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want) {
			log_kv(LOGL_ERROR, NULL,
			       "GATEWAY_MAX_CONNECTIONS is above the descriptor limit (ulimit -n "
			       "less the reserve of 128)",
			       NULL);
			return -1;
		}
	}
	return 0;
}

static void gw_conns_pause(int pause)
{
	if (pause == gw_conns.paused || gw_conns.stopping)
		return;
	gw_conns.paused = pause;
	if (pause) {
		evconnlistener_disable(gw_conns.listener);
		event_add(gw_conns.overflow, NULL);
	} else {
		event_del(gw_conns.overflow);
		evconnlistener_enable(gw_conns.listener);
	}
	log_line l;
	log_line_begin(&l, LOGL_WARN,
	               pause ? "connection cap reached: refusing new connections"
	                     : "below the connection cap: accepting again",
	               NULL);
	log_line_int(&l, "open", gw_conns.open);
	log_line_int(&l, "max", gw_conns.max);
	log_line_end(&l);
}

static void gw_conn_count_out(void)
{
	gw_conns.open--;
	if (gw_conns.open < gw_conns.max)
		gw_conns_pause(0);
}

/*
 * The connection closes (the client left, it timed out or failed, or the server
 * stops): it is counted out, and a request whose call is still out is told
 * (gw_exchange_connection_closed).
 */
static void gw_conn_closed(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	struct gw_conn *c = arg;
	if (c->x)
		gw_exchange_connection_closed(c->x);
	gw_conns.by_fd[c->fd] = NULL;
	free(c);
	gw_conn_count_out();
}

/* Same round as gw_conn_new, after evhttp set the connection up and before any of
 * its events can run. */
static void gw_conn_adopt(evutil_socket_t unused, short what, void *arg)
{
	(void)unused;
	(void)what;
	struct gw_conn *c = arg;
	void *evcon = NULL;
	bufferevent_data_cb readcb = NULL;
	event_free(c->adopt);
	c->adopt = NULL;
	c->fd = bufferevent_getfd(c->bev);
	bufferevent_getcb(c->bev, &readcb, NULL, NULL, &evcon);
	if (!readcb || !evcon || c->fd < 0 || (size_t)c->fd >= gw_conns.nslots ||
	    gw_conns.by_fd[c->fd]) {
		/* evhttp could not set it up (and freed it), or a descriptor past the table:
		 * uncounted rather than counted forever. */
		free(c);
		gw_conn_count_out();
		return;
	}
	gw_conns.by_fd[c->fd] = c;
	evhttp_connection_set_closecb(evcon, gw_conn_closed, c);
}

/* evhttp accepted a connection and asks for its bufferevent: the one it makes when
 * given none (a socket bufferevent that leaves closing the descriptor to evhttp). */
static struct bufferevent *gw_conn_new(struct event_base *base, void *arg)
{
	(void)arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);
	if (!bev)
		return NULL;
	struct gw_conn *c = xcalloc(1, sizeof *c);
	c->fd = -1;
	c->bev = bev;
	c->adopt = event_new(base, -1, 0, gw_conn_adopt, c);
	event_active(c->adopt, EV_TIMEOUT, 1);
	gw_conns.open++;
	if (gw_conns.open >= gw_conns.max)
		gw_conns_pause(1);
	return bev;
}

struct gw_conn *gw_conns_of(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	if (!evcon)
		return NULL;
	evutil_socket_t fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
	return fd >= 0 && (size_t)fd < gw_conns.nslots ? gw_conns.by_fd[fd] : NULL;
}

/*
 * The listening socket is readable while evhttp's listener is paused: each surplus
 * connection gets the fixed 503 and is closed, costing a few system calls. What the
 * client already sent is read first, so the close is a FIN, not a reset that could
 * destroy the reply before the client reads it.
 */
static void gw_conn_overflow(evutil_socket_t lfd, short what, void *arg)
{
	(void)what;
	(void)arg;
	char sink[4096];
	for (int i = 0; i < 64; i++) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			break;
		gw_conns.refused++;
		if (send(fd, gw_conns.reply, gw_conns.reply_len, MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
			shutdown(fd, SHUT_WR);
		while (recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0)
			;
		close(fd);
	}
}

void gw_conn_attach(struct gw_conn *c, struct gw_exchange *x) { c->x = x; }

void gw_conns_setup(struct evhttp *http) { evhttp_set_bevcb(http, gw_conn_new, NULL); }

int gw_conns_start(struct evhttp_bound_socket *bound, long max)
{
	gw_conns.max = max;
	gw_conns.listener = evhttp_bound_socket_get_listener(bound);
	gw_conns.nslots = (size_t)max + GW_FD_RESERVE;
	gw_conns.by_fd = xcalloc(gw_conns.nslots, sizeof *gw_conns.by_fd);
	gw_conns.overflow = event_new(evconnlistener_get_base(gw_conns.listener),
	                              evhttp_bound_socket_get_fd(bound), EV_READ | EV_PERSIST,
	                              gw_conn_overflow, NULL);
	json_t *err = json_pack("{s:s,s:s,s:n,s:n,s:i}", "code",
	                        status_code_name(ST_TOO_MANY_CONNECTIONS), "message",
	                        status_message(ST_TOO_MANY_CONNECTIONS), "field", "request_id",
	                        "retry_after", GW_CONN_RETRY_S);
	json_t *body = json_pack("{s:o}", "error", err);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	int n = snprintf(gw_conns.reply, sizeof gw_conns.reply,
	                 "HTTP/1.1 503 Service Unavailable\r\n"
	                 "Content-Type: application/json; charset=utf-8\r\n"
	                 "Retry-After: %d\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s",
	                 GW_CONN_RETRY_S, strlen(text), text);
	free(text);
	if (n < 0 || (size_t)n >= sizeof gw_conns.reply)
		return -1;
	gw_conns.reply_len = (size_t)n;
	return 0;
}

void gw_conns_metrics(struct evbuffer *out)
{
	evbuffer_add_printf(out,
	                    "# HELP gateway_connections_open Client connections open.\n"
	                    "# TYPE gateway_connections_open gauge\n"
	                    "gateway_connections_open %ld\n"
	                    "# HELP gateway_connections_max GATEWAY_MAX_CONNECTIONS.\n"
	                    "# TYPE gateway_connections_max gauge\n"
	                    "gateway_connections_max %ld\n"
	                    "# HELP gateway_connections_refused_total Connections refused at the "
	                    "cap.\n"
	                    "# TYPE gateway_connections_refused_total counter\n"
	                    "gateway_connections_refused_total %lu\n",
	                    gw_conns.open, gw_conns.max, gw_conns.refused);
}

void gw_conns_stop(void)
{
	gw_conns.stopping = 1;
	if (gw_conns.overflow)
		event_free(gw_conns.overflow);
	gw_conns.overflow = NULL;
	gw_conns.listener = NULL;
}

void gw_conns_free(void)
{
	free(gw_conns.by_fd);
	gw_conns.by_fd = NULL;
	gw_conns.nslots = 0;
}
