/* Non-blocking session look-ups in Redis (see sessions.h). */
#include "sessions.h"

#include "log.h"
#include "mem.h"
#include "status.h"

#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
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

static void gw_copy_field(const redisReply *v, char *dst, size_t cap)
{
	size_t n = v->type == REDIS_REPLY_STRING ? v->len : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, v->str, n);
	dst[n] = '\0';
}

static void gw_on_session(redisAsyncContext *ac, void *r, void *privdata)
{
	(void)ac;
	struct gw_lookup *l = privdata;
	redisReply *rep = r;
	session_info info;
	memset(&info, 0, sizeof info);
	if (!rep || rep->type != REDIS_REPLY_ARRAY) {
		l->cb(l->arg, ST_UNAVAILABLE, NULL, NULL);
		free(l);
		return;
	}
	for (size_t i = 0; i + 1 < rep->elements; i += 2) {
		const char *f = rep->element[i]->str;
		const redisReply *v = rep->element[i + 1];
		if (!f)
			continue;
		if (strcmp(f, "person_id") == 0)
			gw_copy_field(v, info.person_id, sizeof info.person_id);
		else if (strcmp(f, "enterprise_id") == 0)
			gw_copy_field(v, info.enterprise_id, sizeof info.enterprise_id);
		else if (strcmp(f, "enterprise_role") == 0)
			gw_copy_field(v, info.enterprise_role, sizeof info.enterprise_role);
		else if (strcmp(f, "institution_id") == 0)
			gw_copy_field(v, info.institution_id, sizeof info.institution_id);
		else if (strcmp(f, "operator_roles") == 0)
			gw_copy_field(v, info.operator_roles, sizeof info.operator_roles);
		else if (strcmp(f, "csrf") == 0)
			gw_copy_field(v, info.csrf, sizeof info.csrf);
	}
	if (!info.person_id[0]) {
		l->cb(l->arg, ST_UNAUTHENTICATED, NULL, NULL);
	} else {
		char key[96], ttl[16];
		session_key(l->session_id, key, sizeof key);
		snprintf(ttl, sizeof ttl, "%d", SESSION_TTL_S);
		/* Sliding expiry: every use renews it. */
		if (gw_redis)
			redisAsyncCommand(gw_redis, NULL, NULL, "EXPIRE %s %s", key, ttl);
		l->cb(l->arg, ST_OK, &info, l->session_id);
	}
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
	if (redisAsyncCommand(gw_redis, gw_on_session, l, "HGETALL %s", key) != REDIS_OK) {
		free(l);
		cb(arg, ST_UNAVAILABLE, NULL, NULL);
	}
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
