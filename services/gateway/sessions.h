/*
 * Session resolution on the loop: the token of a request (Bearer header or
 * cookie) is resolved in Redis without blocking (hiredis async on the same
 * event base) by common/session.h's script: a session past its idle timeout or
 * absolute end, or issued under an older generation of its person (roles changed,
 * account disabled), is refused; each use slides the expiry. The records are
 * written by the accounts service through common/session.h.
 */
#ifndef GATEWAY_SESSIONS_H
#define GATEWAY_SESSIONS_H

#include "session.h"

#include <event2/event.h>
#include <stddef.h>

/* Runs on the loop. rv: ST_OK with info and session_id, ST_UNAUTHENTICATED
 * (no such session), or ST_UNAVAILABLE (Redis not reachable). */
typedef void (*gw_session_cb)(void *arg, int rv, const session_info *info, const char *session_id);

/* Connects (and keeps reconnecting) to redis_url; 0, or -1 when malformed. */
int gw_sessions_init(struct event_base *base, const char *redis_url);
/* Looks up token; cb runs exactly once, possibly before this returns. */
void gw_session_lookup(const char *token, gw_session_cb cb, void *arg);
/* The connection to Redis when it is up (for limits.c's counters), else NULL. */
struct redisAsyncContext *gw_sessions_redis(void);
/* 1 when the connection to Redis is up. */
int gw_sessions_up(void);
void gw_sessions_shutdown(void);

/*
 * Writes the Set-Cookie value "name=value; Path=/; [HttpOnly;] SameSite=Strict;
 * Max-Age=N[; Secure]" into out (max_age below 0 is written as 0, which clears the
 * cookie); 0, or -1 when out is too small.
 */
int gw_session_cookie(char *out, size_t outlen, const char *name, const char *value,
                      long long max_age, int http_only, int secure);

#endif
