/* Non-blocking session look-ups in Redis (see sessions.h). */
#include "sessions.h"

#include "log.h"
#include "mem.h"
#include "status.h"

#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gw_lookup {
	gw_session_cb cb;
	void *arg;
	char session_id[SESSION_ID_MAX];
};

static struct event_base *gw_sess_base;
static redisAsyncContext *gw_redis;
static int gw_redis_ready;
static struct event *gw_reconnect_timer;
static char gw_host[256], gw_password[256];
static int gw_port, gw_db;

static void gw_sessions_connect(void);

static void gw_reconnect_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	gw_sessions_connect();
}

static void gw_reconnect_later(void)
{
	struct timeval tv = {1, 0};
	evtimer_add(gw_reconnect_timer, &tv);
}

static void gw_on_connect(const redisAsyncContext *ac, int status)
{
	if (status != REDIS_OK) {
		log_kv(LOGL_WARN, NULL, "redis connection failed", "error", ac->errstr, NULL);
		gw_redis = NULL; /* hiredis frees the context after this callback */
		gw_reconnect_later();
		return;
	}
	gw_redis_ready = 1;
}

static void gw_on_disconnect(const redisAsyncContext *ac, int status)
{
	(void)ac;
	gw_redis_ready = 0;
	gw_redis = NULL;
	if (status != REDIS_OK && gw_reconnect_timer) {
		log_kv(LOGL_WARN, NULL, "redis connection lost", NULL);
		gw_reconnect_later();
	}
}

static void gw_sessions_connect(void)
{
	gw_redis = redisAsyncConnect(gw_host, gw_port);
	if (!gw_redis || gw_redis->err) {
		if (gw_redis)
			redisAsyncFree(gw_redis);
		gw_redis = NULL;
		gw_reconnect_later();
		return;
	}
	redisLibeventAttach(gw_redis, gw_sess_base);
	redisAsyncSetConnectCallback(gw_redis, gw_on_connect);
	redisAsyncSetDisconnectCallback(gw_redis, gw_on_disconnect);
	/* Commands queue until the connection is up, AUTH and SELECT first. */
	if (*gw_password)
		redisAsyncCommand(gw_redis, NULL, NULL, "AUTH %s", gw_password);
	if (gw_db)
		redisAsyncCommand(gw_redis, NULL, NULL, "SELECT %d", gw_db);
}

int gw_sessions_init(struct event_base *base, const char *redis_url)
{
	if (redis_url_parse(redis_url, gw_host, sizeof gw_host, &gw_port, gw_password,
	                    sizeof gw_password, &gw_db) != 0)
		return -1;
	gw_sess_base = base;
	gw_reconnect_timer = evtimer_new(base, gw_reconnect_cb, NULL);
	gw_sessions_connect();
	return 0;
}

int gw_sessions_up(void) { return gw_redis_ready; }

struct redisAsyncContext *gw_sessions_redis(void) { return gw_redis_ready ? gw_redis : NULL; }

static void gw_on_session(redisAsyncContext *ac, void *r, void *privdata)
{
	(void)ac;
	struct gw_lookup *l = privdata;
	redisReply *rep = r;
	session_info info;
	if (!rep || rep->type != REDIS_REPLY_ARRAY)
		l->cb(l->arg, ST_UNAVAILABLE, NULL, NULL);
	else if (!session_info_from_reply(rep, &info))
		l->cb(l->arg, ST_UNAUTHENTICATED, NULL, NULL);
	else
		l->cb(l->arg, ST_OK, &info, l->session_id);
	free(l);
}

void gw_session_lookup(const char *token, gw_session_cb cb, void *arg)
{
	if (!gw_redis || !gw_redis_ready) {
		cb(arg, ST_UNAVAILABLE, NULL, NULL);
		return;
	}
	struct gw_lookup *l = xcalloc(1, sizeof *l);
	char key[96];
	l->cb = cb;
	l->arg = arg;
	session_id_of(token, l->session_id);
	session_key(l->session_id, key, sizeof key);
	/* One script checks the generation and both limits and slides the expiry, so a
	 * session that just ended is never used once more. */
	const char *argv[] = {"EVAL", session_resolve_lua, "1", key, "slide"};
	if (redisAsyncCommandArgv(gw_redis, gw_on_session, l, 5, argv, NULL) != REDIS_OK) {
		free(l);
		cb(arg, ST_UNAVAILABLE, NULL, NULL);
	}
}

int gw_session_cookie(char *out, size_t outlen, const char *name, const char *value,
                      long long max_age, int http_only, int secure)
{
	if (max_age < 0)
		max_age = 0;
	int n = snprintf(out, outlen, "%s=%s; Path=/;%s SameSite=Strict; Max-Age=%lld%s", name,
	                 value, http_only ? " HttpOnly;" : "", max_age, secure ? "; Secure" : "");
	return n >= 0 && (size_t)n < outlen ? 0 : -1;
}

void gw_sessions_shutdown(void)
{
	if (gw_reconnect_timer) {
		event_free(gw_reconnect_timer);
		gw_reconnect_timer = NULL;
	}
	if (gw_redis) {
		/* Pending look-ups get their callbacks with no reply. */
		redisAsyncFree(gw_redis);
		gw_redis = NULL;
	}
}
