/* Per-route request budgets in Redis (see limits.h). */
#include "limits.h"

#include "mem.h"
#include "sessions.h"
#include "status.h"

#include <hiredis/async.h>
#include <stdio.h>
#include <stdlib.h>

struct gw_limit_class {
	const char *name;
	int per_person; /* 0: per client address */
	long budget;
	long window_s;
	int code;
};

/* Budgets (the README says why each): indexed by enum gw_limit. */
static struct gw_limit_class gw_classes[] = {
        [GW_LIMIT_NONE] = {"none", 0, 0, 0, ST_OK},
        [GW_LIMIT_LOGIN] = {"login", 0, 30, 600, ST_LOGIN_RATE_LIMITED},
        [GW_LIMIT_CAPTCHA] = {"captcha", 0, 60, 600, ST_RATE_LIMITED},
        [GW_LIMIT_REGISTRY] = {"registry", 1, 120, 3600, ST_RATE_LIMITED},
        [GW_LIMIT_DRAFT] = {"draft", 1, 30, 86400, ST_RATE_LIMITED},
        [GW_LIMIT_JOIN] = {"join", 1, 30, 86400, ST_RATE_LIMITED},
        [GW_LIMIT_VERIFY] = {"verify", 1, 60, 3600, ST_RATE_LIMITED},
};

/* One round trip, atomic: the count after this request and the window's time left. */
static const char gw_limit_script[] =
        "local n = redis.call('INCR', KEYS[1]) "
        "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end "
        "local t = redis.call('TTL', KEYS[1]) "
        "if t < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) t = tonumber(ARGV[1]) end "
        "return {n, t}";

struct gw_limit_call {
	const struct gw_limit_class *cls;
	gw_limit_cb cb;
	void *arg;
};

void gw_limits_configure(long login_attempts)
{
	gw_classes[GW_LIMIT_LOGIN].budget = login_attempts;
}

long gw_limit_budget(enum gw_limit cls, long *window_s)
{
	*window_s = gw_classes[cls].window_s;
	return gw_classes[cls].budget;
}

static void gw_limit_reply(redisAsyncContext *ac, void *r, void *privdata)
{
	(void)ac;
	struct gw_limit_call *c = privdata;
	redisReply *rep = r;
	if (!rep || rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
	    rep->element[0]->type != REDIS_REPLY_INTEGER ||
	    rep->element[1]->type != REDIS_REPLY_INTEGER) {
		c->cb(c->arg, ST_UNAVAILABLE, 0);
	} else if (rep->element[0]->integer > c->cls->budget) {
		long long t = rep->element[1]->integer;
		c->cb(c->arg, c->cls->code, t > 0 ? (int)t : 1);
	} else {
		c->cb(c->arg, ST_OK, 0);
	}
	free(c);
}

void gw_limit_check(enum gw_limit cls, const char *client_key, const char *person_id,
                    gw_limit_cb cb, void *arg)
{
	const struct gw_limit_class *k = &gw_classes[cls];
	const char *who = k->per_person ? person_id : client_key;
	if (cls == GW_LIMIT_NONE || !who || !*who) {
		cb(arg, ST_OK, 0);
		return;
	}
	struct redisAsyncContext *redis = gw_sessions_redis();
	if (!redis) {
		cb(arg, ST_UNAVAILABLE, 0);
		return;
	}
	char key[160], window[24];
	snprintf(key, sizeof key, "gw:limit:%s:%s", k->name, who);
	snprintf(window, sizeof window, "%ld", k->window_s);
	struct gw_limit_call *c = xcalloc(1, sizeof *c);
	c->cls = k;
	c->cb = cb;
	c->arg = arg;
	/* Not resent on a timeout or a lost connection: hiredis answers NULL and the
	 * request is refused as unavailable rather than counted twice. */
	if (redisAsyncCommand(redis, gw_limit_reply, c, "EVAL %s 1 %s %s", gw_limit_script, key,
	                      window) != REDIS_OK) {
		free(c);
		cb(arg, ST_UNAVAILABLE, 0);
	}
}
