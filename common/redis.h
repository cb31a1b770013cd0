/*
 * Redis through hiredis: connection from a redis:// URL (password, database),
 * binary-safe argv commands, and reconnection. Synchronous: for worker threads,
 * each of which owns its connection.
 */
#ifndef COMMON_REDIS_H
#define COMMON_REDIS_H

#include <hiredis/hiredis.h>
#include <stddef.h>

typedef struct redis_conn redis_conn;

/* Parses "redis://[:password@]host[:port][/db]". 0 ok, -1 malformed. Copies into
 * the caller's buffers. */
int redis_url_parse(const char *url, char *host, size_t hostlen, int *port, char *password,
                    size_t pwlen, int *db);
/* Connects (timeout_ms for connect and each command), authenticates and selects
 * the database. NULL (logged) on failure; the caller closes. */
redis_conn *redis_open(const char *url, int timeout_ms);
void redis_close(redis_conn *c);
/* Failed connections, commands without a reply and error replies of this process
 * since start. */
unsigned long long redis_errors_total(void);
/*
 * Runs one command given as argv (binary-safe: lens may be NULL for C strings).
 * Returns the reply (caller frees with freeReplyObject) or NULL on failure; an error
 * reply is returned as REDIS_REPLY_ERROR for the caller to judge. A connection found
 * broken is reconnected before sending; a command that failed after it was sent (a
 * timeout) is sent once more only when redis_cmd_resendable says so, since the server
 * may have run it already.
 */
redisReply *redis_cmd(redis_conn *c, int argc, const char **argv, const size_t *lens);

/* 1 when sending the command twice has the effect of sending it once (reads: GET,
 * EXISTS, TTL, …); 0 for everything else (INCR, SET, DEL, EXPIRE, EVAL, …). */
int redis_cmd_resendable(int argc, const char **argv, const size_t *lens);

#endif
