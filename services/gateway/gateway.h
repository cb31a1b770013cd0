/* The gateway's settings and the pieces main.c wires together. */
#ifndef GATEWAY_GATEWAY_H
#define GATEWAY_GATEWAY_H

#include "config.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

typedef struct gw_config {
	config_common common;
	const char *addr;
	long port;
	const char *web_dir;
	long max_body;
	long max_upload;   /* multipart routes */
	long max_document; /* multipart routes flagged GW_DOCUMENT (contracts) */
	long max_headers;
	long deadline_ms;
	long idle_timeout_s;
	const char *redis_url;
	const char *rpc_listen; /* GATEWAY_RPC_LISTEN: services connect here directly; "" none */
	const char *trusted_proxies; /* whose X-Forwarded-For names the client */
	long login_attempts;         /* per client address and window (limits.c) */
	long max_connections;        /* open client connections; more are refused */
	const char *access_log_file; /* copy of the access log; "" for none */
	long access_log_file_max;    /* bytes before it is renamed to .1; 0: never */
} gw_config;

/* Registers the request handler on http. cfg must outlive the server. */
void gw_server_setup(struct evhttp *http, const gw_config *cfg);

/* Listens on cfg's address and port with the connection cap: past
 * cfg->max_connections open connections, a new one gets a 503 and is closed.
 * 0, or -1 when it cannot listen. */
int gw_server_listen(struct evhttp *http, const gw_config *cfg);
/* Frees http (its connections too, cancelling requests whose call is out) and the
 * cap's state. Instead of evhttp_free. */
void gw_server_free(struct evhttp *http);

/* The access log's copy in a file (access_file.c). open: path "" or NULL is off; past
 * max_bytes (0: never) the file is renamed to path.1 and a new one started; 0, or -1 when
 * the file cannot be opened. write appends one formatted line, reopening the file when
 * its path names another one; reopen is for SIGHUP. All on the loop's thread. */
int gw_access_file_open(const char *path, int64_t max_bytes);
void gw_access_file_write(const char *line, size_t len);
void gw_access_file_reopen(void);
void gw_access_file_close(void);

/* Sends a JSON body with status (and the request id header); consumes body. */
void gw_reply_json(struct evhttp_request *req, int status, json_t *body);

/* Health monitor: pings every routed service once a second through the bus. */
/* A service is down when nothing (a ping or any request) answered for GW_STALE_MS and
 * a ping has failed (its GW_PING_TIMEOUT_MS deadline passed): a dead one is known within
 * about a second, a slow live one is not refused while its ping is still on the way. Its pings
 * answer every GW_PING_EVERY_MS (health.c) through the same workers as its requests, so while its
 * last answer said every worker was busy they may wait behind the requests: then GW_STALE_BUSY_MS,
 * so that /readyz and the 503s do not flap under load. */
#define GW_STALE_MS      1000
#define GW_STALE_BUSY_MS 2500
/* The staleness window after an answer reporting busy of workers busy (the ping not
 * counted; negative: not reported). */
int64_t gw_health_stale_after_ms(double workers, double busy);
void gw_health_start(struct event_base *base);
void gw_health_stop(void);
/* A reply from service arrived: it is alive even when busy enough for pings to
 * wait behind real work (a service of slow password hashes, say). */
void gw_health_seen(const char *service);
/* 1 when the last ping of service failed or is overdue. */
int gw_health_service_down(const char *service);
/* GET /readyz: 200 when the bus and every routed service answered recently. */
void gw_health_readyz(struct evhttp_request *req);
/* Appends gateway_service_up{service} and gateway_redis_up to a /metrics body. */
void gw_health_metrics(struct evbuffer *out);

/* GET /api/v1/openapi.json, built once from the route table and descriptors. */
void gw_openapi_reply(struct evhttp_request *req);
void gw_openapi_free(void);

/* Serves a file under web_dir for GET path; 404 when absent or outside it. */
int gw_static_reply(struct evhttp_request *req, const char *web_dir, const char *path);

#endif
