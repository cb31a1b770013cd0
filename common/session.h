/*
 * Sessions, shared by accounts (which creates and revokes them) and the gateway
 * (which resolves them on every request). A session lives in Redis as a hash
 * under "session:<sha256 hex of the token>"; the token itself is never stored.
 * Every session of a person is listed in the set "person-sessions:<person id>";
 * creating a session drops the ids of expired ones from that set.
 *
 * Lifetime: the hash holds its idle timeout (idle_s) and its absolute end (ends_at,
 * Unix seconds), both fixed by accounts at creation. Each resolution slides the
 * expiry to min(idle_s, ends_at - now), so a session ends after idle_s without use
 * and at ends_at however it is used.
 *
 * Authority: a session copies the person's operator roles and institution at login.
 * So that a change of them (or a disabled account) takes effect on the next request,
 * every person has a generation, "person-gen:<person id>" (absent: "0"); a session
 * records the generation read before its person's row was read, and a session whose
 * generation is not the current one is refused (and deleted) when resolved.
 * session_person_end_all bumps it: whoever changes a person's authority calls it
 * (accounts' admin CLI, a password reset; the market service when staff leave an
 * institution).
 */
#ifndef COMMON_SESSION_H
#define COMMON_SESSION_H

#include "redis.h"

#define SESSION_TOKEN_MAX 64
#define SESSION_ID_MAX    65 /* sha256 hex + NUL */
#define SESSION_GEN_MAX   24
#define SESSION_COOKIE    "sme_session"

/* The fields of the hash, and what the gateway copies into the request envelope. */
typedef struct session_info {
	char person_id[64];
	char enterprise_id[64];   /* "" when the active identity is personal */
	char enterprise_role[16]; /* admin | member | "" */
	char institution_id[64];  /* staff of a financial institution, else "" */
	char operator_roles[128]; /* comma-separated sub-roles of platform staff, else "" */
	char csrf[SESSION_TOKEN_MAX];
	char generation[SESSION_GEN_MAX]; /* the person's generation it was issued under */
	long long idle_s;                 /* set at creation */
	long long ends_at;                /* Unix seconds, set at creation */
} session_info;

/* How long sessions live: accounts' SESSION_IDLE_S and SESSION_ABSOLUTE_S. */
typedef struct session_limits {
	long idle_s;
	long absolute_s;
} session_limits;

/*
 * The Lua script that resolves a session (EVAL, 1 key: "session:<id>"; ARGV[1]
 * "slide" renews the expiry, anything else only reads). It answers the hash's
 * field/value pairs as HGETALL does, or an empty array when the session is absent,
 * past its end or of an older generation (then it is deleted). The gateway runs it
 * through hiredis async; session_get through the blocking client.
 */
extern const char session_resolve_lua[];

/* The session id (the Redis key's suffix) of a token: its SHA-256 in hex. */
void session_id_of(const char *token, char out[SESSION_ID_MAX]);
/* "session:<id>" */
void session_key(const char *session_id, char *out, size_t outlen);
/* Fills info from the field/value pairs of a resolution; 1 when it names a person. */
int session_info_from_reply(const redisReply *rep, session_info *info);

/* The person's current generation into gen ("0" when none was ever set); ST_OK, or
 * ST_UNAVAILABLE. Read it before reading the person's authority from the database. */
int session_person_generation(redis_conn *r, const char *person_id, char gen[SESSION_GEN_MAX]);
/*
 * Ends every session of a person, including ones being created concurrently from a
 * row read before the change: bumps the generation and deletes the listed sessions.
 * ST_OK, or ST_UNAVAILABLE. Idempotent in effect; call it after the change commits
 * (and, for the stricter state when the commit fails, before as well).
 */
int session_person_end_all(redis_conn *r, const char *person_id);

/*
 * Creates a session for info (csrf is generated here; info->generation must be the one
 * read before the person's row) that lives lim->idle_s without use and at most
 * lim->absolute_s; returns the bearer token (base64url, 43 characters) in token and
 * its id in session_id. ST_OK, or ST_UNAVAILABLE when Redis failed.
 */
int session_create(redis_conn *r, session_info *info, const session_limits *lim,
                   char token[SESSION_TOKEN_MAX], char session_id[SESSION_ID_MAX]);
/* Reads a live session by id (no sliding); ST_OK, ST_UNAUTHENTICATED when absent, ended
 * or of an older generation, ST_UNAVAILABLE. */
int session_get(redis_conn *r, const char *session_id, session_info *info);
/* Replaces the identity fields (enterprise id and role, institution) of a live session
 * (identity switch), keeping its expiry; ST_UNAUTHENTICATED when it ended meanwhile
 * (nothing is written then), ST_UNAVAILABLE. */
int session_set_identity(redis_conn *r, const char *session_id, const session_info *info);
/* Deletes one session. */
int session_revoke(redis_conn *r, const char *person_id, const char *session_id);
/* Deletes every listed session of a person except keep (NULL: all). A session created
 * concurrently may survive it: to end all sessions for good, session_person_end_all. */
int session_revoke_others(redis_conn *r, const char *person_id, const char *keep);

#endif
