/* gateway: wires configuration, the bus, the HTTP server and the health monitor. */
#include "gateway.h"
#include "busauth.h"
#include "limits.h"
#include "log.h"
#include "metrics.h"
#include "routes.h"
#include "sessions.h"
#include "status.h"
#include "upstream.h"

#include <event2/thread.h>
#include <signal.h>
#include <stdio.h>

static void gw_on_hup(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	gw_access_file_reopen();
}

static void gw_on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	log_kv(LOGL_INFO, NULL, "stopping", "signal", sig == SIGTERM ? "TERM" : "INT", NULL);
	event_base_loopexit(arg, NULL);
}

int main(int argc, char **argv)
{
	static gw_config cfg;
	static busauth_settings bus_set;
	busauth *auth = NULL;
	config_item items[] = {
	        {"GATEWAY_ADDR", CFG_STR, "127.0.0.1", 0, 0, "address to listen on", &cfg.addr},
	        {"GATEWAY_PORT", CFG_INT, "8080", 1, 65535, "HTTP port", &cfg.port},
	        {"GATEWAY_WEB_DIR", CFG_STR, "services/gateway/web", 0, 0,
	         "static files of the web UI", &cfg.web_dir},
	        {"GATEWAY_MAX_BODY_BYTES", CFG_INT, "65536", 1024, 64 << 20,
	         "largest JSON request body (every route but uploads)", &cfg.max_body},
	        {"GATEWAY_MAX_UPLOAD_BYTES", CFG_INT, "6291456", 1024, 64 << 20,
	         "largest multipart (upload) body: a 5 MiB file and its form", &cfg.max_upload},
	        {"GATEWAY_MAX_DOCUMENT_BYTES", CFG_INT, "22020096", 1024, 64 << 20,
	         "largest multipart body of a document route (a 20 MiB contract and its form)",
	         &cfg.max_document},
	        {"GATEWAY_MAX_HEADER_BYTES", CFG_INT, "16384", 1024, 1 << 20,
	         "largest request header block", &cfg.max_headers},
	        {"GATEWAY_DEADLINE_MS", CFG_INT, "5000", 50, 120000,
	         "deadline of a call to a service", &cfg.deadline_ms},
	        {"GATEWAY_IDLE_TIMEOUT_S", CFG_INT, "30", 1, 3600,
	         "read/write timeout of a connection", &cfg.idle_timeout_s},
	        {"GATEWAY_TRUSTED_PROXIES", CFG_STR, "", 0, 0,
	         "comma-separated proxy addresses whose X-Forwarded-For is believed (below)",
	         &cfg.trusted_proxies},
	        {"GATEWAY_LOGIN_ATTEMPTS", CFG_INT, "30", 1, 100000,
	         "login attempts per client address (IPv6: per /64) in 10 minutes",
	         &cfg.login_attempts},
	        {"GATEWAY_MAX_CONNECTIONS", CFG_INT, "1024", 1, 1000000,
	         "open client connections; past it a new one gets 503 and is closed (below)",
	         &cfg.max_connections},
	        {"GATEWAY_ACCESS_LOG_FILE", CFG_STR, "", 0, 0,
	         "also append each access-log line to this file, reopened on SIGHUP or when "
	         "moved (a sidecar's mtail reads it); empty: stderr only",
	         &cfg.access_log_file},
	        {"GATEWAY_ACCESS_LOG_FILE_MAX_BYTES", CFG_INT, "67108864", 0, 1L << 40,
	         "past this size the access-log file becomes <file>.1 (replacing it) and a new "
	         "one starts; 0: never (rotated by someone else)",
	         &cfg.access_log_file_max},
	        {"REDIS_URL", CFG_STR, "redis://127.0.0.1:6379/0", 0, 0,
	         "Redis holding the sessions (written by accounts)", &cfg.redis_url},
	        {"GATEWAY_RPC_LISTEN", CFG_STR, "", 0, 0,
	         "base (ipc://DIR or tcp://HOST:PORT) on which services' workers connect, so "
	         "that requests skip the bus (services list it in GATEWAY_RPC_URLS); empty: "
	         "every request through the bus",
	         &cfg.rpc_listen},
	        BUSAUTH_CONFIG_ITEMS(&bus_set),
	};
	int rv = config_init("gateway", argc, argv, &cfg.common, items,
	                     sizeof items / sizeof items[0]);
	if (rv != 0)
		return rv > 0 ? 0 : 2;
	if (gw_routes_init() != 0)
		return 1;
	/* The gateway signs every envelope: it alone asserts an HTTP caller. */
	if (busauth_open(BUSAUTH_GATEWAY, &bus_set, !config_is_development(&cfg.common), &auth) !=
	    ST_OK)
		return 2;
	gw_limits_configure(cfg.login_attempts);
	if (gw_access_file_open(cfg.access_log_file, cfg.access_log_file_max) != 0) {
		log_kv(LOGL_ERROR, NULL, "cannot open GATEWAY_ACCESS_LOG_FILE", "path",
		       cfg.access_log_file, NULL);
		gw_access_file_close();
		busauth_free(auth);
		return 2;
	}
	/* Every callback runs on this loop's thread: upstream.c reads replies from the
	 * services' sockets when the loop sees them readable, and no nng callback runs our
	 * code. libevent's locks are switched on all the same (uncontended, so nearly free)
	 * so that a helper thread added later cannot corrupt the base unnoticed. */
	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);
	struct event_base *base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	struct event *sigterm = evsignal_new(base, SIGTERM, gw_on_signal, base);
	struct event *sigint = evsignal_new(base, SIGINT, gw_on_signal, base);
	event_add(sigterm, NULL);
	event_add(sigint, NULL);
	struct event *sighup = evsignal_new(base, SIGHUP, gw_on_hup, NULL);
	event_add(sighup, NULL);
	rv = 1;
	if (gw_upstream_init(base, cfg.common.bus_urls, cfg.rpc_listen, auth) != 0) {
		log_kv(LOGL_ERROR, NULL, "bad BUS_URLS or GATEWAY_RPC_LISTEN", "bus_urls",
		       cfg.common.bus_urls, "rpc_listen", cfg.rpc_listen, NULL);
		goto out;
	}
	if (gw_sessions_init(base, cfg.redis_url) != 0) {
		log_kv(LOGL_ERROR, NULL, "bad REDIS_URL", NULL);
		goto out;
	}
	gw_server_setup(http, &cfg);
	if (gw_server_listen(http, &cfg) != 0) {
		log_kv(LOGL_ERROR, NULL, "cannot listen", "addr", cfg.addr, NULL);
		goto out;
	}
	gw_health_start(base);
	char url[96];
	snprintf(url, sizeof url, "http://%s:%ld/", cfg.addr, cfg.port);
	log_kv(LOGL_INFO, NULL, "gateway listening", "url", url, NULL);
	event_base_dispatch(base);
	rv = 0;
out:
	gw_health_stop();
	gw_server_free(http);
	gw_sessions_shutdown();
	gw_upstream_shutdown();
	gw_openapi_free();
	gw_metrics_free();
	event_free(sigterm);
	event_free(sigint);
	event_free(sighup);
	gw_access_file_close();
	event_base_free(base);
	libevent_global_shutdown();
	busauth_free(auth);
	return rv;
}
