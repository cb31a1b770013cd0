/* Redis connections and commands on hiredis (see redis.h). */
#include "redis.h"

#include "config.h"
#include "log.h"
#include "mem.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

/* Failures of every connection of the process, for the Ping gauges (svc.c). */
static atomic_ullong redis_errors;

struct redis_conn {
	redisContext *ctx;
	char *url;
	int timeout_ms;
};

int redis_url_parse(const char *url, char *host, size_t hostlen, int *port, char *password,
                    size_t pwlen, int *db)
{
	const char *p = url;
	long v;
	if (strncmp(p, "redis://", 8) != 0)
		return -1;
	p += 8;
	password[0] = '\0';
	*port = 6379;
	*db = 0;
	const char *at = strrchr(p, '@');
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		const char *pw = colon ? colon + 1 : p;
		size_t n = (size_t)(at - pw);
		if (n >= pwlen)
			return -1;
		memcpy(password, pw, n);
		password[n] = '\0';
		p = at + 1;
	}
	const char *end = p + strcspn(p, ":/");
	size_t hn = (size_t)(end - p);
	if (hn == 0 || hn >= hostlen)
		return -1;
	memcpy(host, p, hn);
	host[hn] = '\0';
	p = end;
	if (*p == ':') {
		char num[8];
		size_t n = strcspn(p + 1, "/");
		if (n == 0 || n >= sizeof num)
			return -1;
		memcpy(num, p + 1, n);
		num[n] = '\0';
		if (config_parse_long(num, 1, 65535, &v) != 0)
			return -1;
		*port = (int)v;
		p += 1 + n;
	}
	if (*p == '/' && p[1]) {
		if (config_parse_long(p + 1, 0, 15, &v) != 0)
			return -1;
		*db = (int)v;
	}
	return 0;
}

static redisContext *redis_connect_url(const char *url, int timeout_ms)
{
	char host[256], password[256];
	int port, db;
	if (redis_url_parse(url, host, sizeof host, &port, password, sizeof password, &db) != 0) {
		log_kv(LOGL_ERROR, NULL, "malformed REDIS_URL", NULL);
		return NULL;
	}
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	redisContext *ctx = redisConnectWithTimeout(host, port, tv);
	if (!ctx || ctx->err) {
		atomic_fetch_add(&redis_errors, 1);
		log_kv(LOGL_ERROR, NULL, "redis connection failed", "error",
		       ctx ? ctx->errstr : "oom", NULL);
		goto fail;
	}
	redisSetTimeout(ctx, tv);
	redisReply *r = NULL;
	if (*password) {
		r = redisCommand(ctx, "AUTH %s", password);
		if (!r || r->type == REDIS_REPLY_ERROR) {
			log_kv(LOGL_ERROR, NULL, "redis authentication failed", NULL);
			goto fail_reply;
		}
		freeReplyObject(r);
	}
	if (db) {
		r = redisCommand(ctx, "SELECT %d", db);
		if (!r || r->type == REDIS_REPLY_ERROR)
			goto fail_reply;
		freeReplyObject(r);
	}
	return ctx;
fail_reply:
	if (r)
		freeReplyObject(r);
fail:
	if (ctx)
		redisFree(ctx);
	return NULL;
}

unsigned long long redis_errors_total(void) { return atomic_load(&redis_errors); }

redis_conn *redis_open(const char *url, int timeout_ms)
{
	redisContext *ctx = redis_connect_url(url, timeout_ms);
	if (!ctx)
		return NULL;
	redis_conn *c = xcalloc(1, sizeof *c);
	c->ctx = ctx;
	c->url = xstrdup(url);
	c->timeout_ms = timeout_ms;
	return c;
}

void redis_close(redis_conn *c)
{
	if (!c)
		return;
	if (c->ctx)
		redisFree(c->ctx);
	free(c->url);
	free(c);
}

int redis_cmd_resendable(int argc, const char **argv, const size_t *lens)
{
	/* Reads only: sending one twice changes nothing. */
	static const char *const reads[] = {
	        "GET",    "MGET",    "EXISTS", "TTL",     "PTTL",  "STRLEN",    "TYPE",     "HGET",
	        "HMGET",  "HGETALL", "HLEN",   "HEXISTS", "SCARD", "SISMEMBER", "SMEMBERS", "LLEN",
	        "LRANGE", "ZCARD",   "ZSCORE", "ZRANGE",  "PING",  NULL};
	if (argc < 1 || !argv[0])
		return 0;
	size_t n = lens ? lens[0] : strlen(argv[0]);
	for (const char *const *r = reads; *r; r++)
		if (strlen(*r) == n && strncasecmp(*r, argv[0], n) == 0)
			return 1;
	return 0;
}

redisReply *redis_cmd(redis_conn *c, int argc, const char **argv, const size_t *lens)
{
	int resend = redis_cmd_resendable(argc, argv, lens);
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!c->ctx || c->ctx->err) {
			if (c->ctx)
				redisFree(c->ctx);
			c->ctx = redis_connect_url(c->url, c->timeout_ms);
			if (!c->ctx)
				return NULL;
		}
		redisReply *r = redisCommandArgv(c->ctx, argc, argv, lens);
		if (r && r->type == REDIS_REPLY_ERROR)
			atomic_fetch_add(&redis_errors, 1);
		if (r)
			return r;
		atomic_fetch_add(&redis_errors, 1);
		/* A timeout may come after the server ran the command: INCR, SET NX or DEL sent
		 * again would count twice or answer differently. The next call reconnects. */
		if (!resend)
			return NULL;
	}
	return NULL;
}
