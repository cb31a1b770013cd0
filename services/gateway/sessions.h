/*
 * Session resolution on the loop: the token of a request (Bearer header or
 * cookie) is looked up in Redis without blocking (hiredis async on the same
 * event base), and each use slides the session's expiry. The records are
 * written by the accounts service through common/session.h.
 */
#ifndef GATEWAY_SESSIONS_H
#define GATEWAY_SESSIONS_H

#include "session.h"

#include <event2/event.h>

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

#endif
