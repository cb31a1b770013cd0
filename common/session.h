/*
 * Sessions, shared by accounts (which creates and revokes them) and the gateway
 * (which resolves them on every request). A session lives in Redis as a hash
 * under "session:<sha256 hex of the token>"; the token itself is never stored.
 * Every session of a person is listed in the set "person-sessions:<person id>"
 * so that a password change can revoke the others; creating a session drops the ids
 * of expired ones from that set. Expiry slides: the gateway
 * renews SESSION_TTL_S on each use.
 */
#ifndef COMMON_SESSION_H
#define COMMON_SESSION_H

#include "redis.h"

#define SESSION_TTL_S     1800
#define SESSION_TOKEN_MAX 64
#define SESSION_ID_MAX    65 /* sha256 hex + NUL */
#define SESSION_COOKIE    "sme_session"

/* The fields of the hash, and what the gateway copies into the request envelope. */
typedef struct session_info {
	char person_id[64];
	char enterprise_id[64];   /* "" when the active identity is personal */
	char enterprise_role[16]; /* admin | member | "" */
	char institution_id[64];  /* staff of a financial institution, else "" */
	char operator_roles[128]; /* comma-separated sub-roles of platform staff, else "" */
	char csrf[SESSION_TOKEN_MAX];
} session_info;

/* The session id (the Redis key's suffix) of a token: its SHA-256 in hex. */
void session_id_of(const char *token, char out[SESSION_ID_MAX]);
/* "session:<id>" */
void session_key(const char *session_id, char *out, size_t outlen);

/*
 * Creates a session for info (csrf is generated here) and returns the bearer
 * token (base64url, 43 characters) in token and its id in session_id.
 * ST_OK, or ST_UNAVAILABLE when Redis failed.
 */
int session_create(redis_conn *r, session_info *info, char token[SESSION_TOKEN_MAX],
                   char session_id[SESSION_ID_MAX]);
/* Reads a session by id; ST_OK, ST_UNAUTHENTICATED when absent, ST_UNAVAILABLE. */
int session_get(redis_conn *r, const char *session_id, session_info *info);
/* Replaces the identity fields of a live session (identity switch); ST_UNAUTHENTICATED
 * when it ended meanwhile (nothing is written then), ST_UNAVAILABLE. */
int session_set_identity(redis_conn *r, const char *session_id, const session_info *info);
/* Deletes one session. */
int session_revoke(redis_conn *r, const char *person_id, const char *session_id);
/* Deletes every session of a person except keep (NULL: all). */
int session_revoke_others(redis_conn *r, const char *person_id, const char *keep);

#endif
