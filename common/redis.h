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
/*
 * Runs one command given as argv (binary-safe: lens may be NULL for C strings).
 * Returns the reply (caller frees with freeReplyObject) or NULL when the server
 * could not be reached even after one reconnect; an error reply is returned as
 * REDIS_REPLY_ERROR for the caller to judge.
 */
redisReply *redis_cmd(redis_conn *c, int argc, const char **argv, const size_t *lens);

#endif
