/*
 * Per-route request budgets: a fixed window per (class, client address or person),
 * counted in Redis on the loop (hiredis async on the sessions' connection) before a
 * request is forwarded, so a refused request costs the services nothing.
 */
#ifndef GATEWAY_LIMITS_H
#define GATEWAY_LIMITS_H

#include "routes.h"

/* Runs on the loop. rv: ST_OK (within the budget), ST_RATE_LIMITED or
 * ST_LOGIN_RATE_LIMITED with retry_after_s > 0 (seconds until the window ends), or
 * ST_UNAVAILABLE when Redis cannot count. */
typedef void (*gw_limit_cb)(void *arg, int rv, int retry_after_s);

/* Sets the login budget (attempts per client address per window); the other
 * classes' budgets are fixed in limits.c and written in the README. */
void gw_limits_configure(long login_attempts);
/*
 * Counts one request of class cls: per client_key (the address or IPv6 /64 from
 * gw_client_ip_key) or per person_id, as the class says. cb runs exactly once,
 * possibly before this returns. GW_LIMIT_NONE, or a per-person class without a
 * person, is ST_OK at once.
 */
void gw_limit_check(enum gw_limit cls, const char *client_key, const char *person_id,
                    gw_limit_cb cb, void *arg);
/* The budget and window of cls, for the README and tests; 0 for GW_LIMIT_NONE. */
long gw_limit_budget(enum gw_limit cls, long *window_s);

#endif
