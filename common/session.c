/* Sessions in Redis (see session.h). */
#include "session.h"

#include "crypto.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

void session_id_of(const char *token, char out[SESSION_ID_MAX])
{
	crypto_sha256_hex(token, strlen(token), out);
}

void session_key(const char *session_id, char *out, size_t outlen)
{
	snprintf(out, outlen, "session:%s", session_id);
}

static void session_people_key(const char *person_id, char *out, size_t outlen)
{
	snprintf(out, outlen, "person-sessions:%s", person_id);
}

/* Runs a command whose reply only has to be other than an error. */
static int session_cmd(redis_conn *r, int argc, const char **argv)
{
	redisReply *rep = redis_cmd(r, argc, argv, NULL);
	int ok = rep && rep->type != REDIS_REPLY_ERROR;
	if (rep)
		freeReplyObject(rep);
	return ok ? ST_OK : ST_UNAVAILABLE;
}

/*
 * Writes the hash and its expiry in one step. KEYS[1] the session, KEYS[2] the
 * person's set (create only); ARGV[1] "create" or "update", ARGV[2] the TTL, then
 * field/value pairs. An update of a session that no longer exists returns 0 and
 * writes nothing, so an identity switch racing a logout cannot bring it back. A
 * create also drops the ids of the person's expired sessions from the set.
 */
static const char session_write_lua[] =
        "if ARGV[1] == 'update' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
        "local kv = {} "
        "for i = 3, #ARGV do kv[#kv + 1] = ARGV[i] end "
        "redis.call('HSET', KEYS[1], unpack(kv)) "
        "redis.call('EXPIRE', KEYS[1], ARGV[2]) "
        "if ARGV[1] == 'create' then "
        " for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do "
        "  if redis.call('EXISTS', 'session:' .. id) == 0 then redis.call('SREM', KEYS[2], id) end "
        " end "
        " redis.call('SADD', KEYS[2], string.sub(KEYS[1], 9)) "
        "end "
        "return 1";

static int session_write(redis_conn *r, const char *key, const char *people,
                         const session_info *info)
{
	char ttl[16];
	snprintf(ttl, sizeof ttl, "%d", SESSION_TTL_S);
	const char *argv[] = {"EVAL",
	                      session_write_lua,
	                      "2",
	                      key,
	                      people ? people : key,
	                      people ? "create" : "update",
	                      ttl,
	                      "person_id",
	                      info->person_id,
	                      "enterprise_id",
	                      info->enterprise_id,
	                      "enterprise_role",
	                      info->enterprise_role,
	                      "institution_id",
	                      info->institution_id,
	                      "operator_roles",
	                      info->operator_roles,
	                      "csrf",
	                      info->csrf};
	redisReply *rep = redis_cmd(r, sizeof argv / sizeof argv[0], argv, NULL);
	int rv = ST_UNAVAILABLE;
	if (rep && rep->type == REDIS_REPLY_INTEGER)
		rv = rep->integer == 1 ? ST_OK : ST_UNAUTHENTICATED;
	if (rep)
		freeReplyObject(rep);
	return rv;
}

int session_create(redis_conn *r, session_info *info, char token[SESSION_TOKEN_MAX],
                   char session_id[SESSION_ID_MAX])
{
	char key[96], people[128];
	if (crypto_token(token, SESSION_TOKEN_MAX, 32) != 0 ||
	    crypto_token(info->csrf, sizeof info->csrf, 24) != 0)
		return status_err(ST_INTERNAL, NULL);
	session_id_of(token, session_id);
	session_key(session_id, key, sizeof key);
	session_people_key(info->person_id, people, sizeof people);
	int rv = session_write(r, key, people, info);
	return rv == ST_OK ? ST_OK : status_err(rv, NULL);
}

static void session_field(const redisReply *v, char *dst, size_t cap)
{
	size_t n = v->type == REDIS_REPLY_STRING ? v->len : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, v->str, n);
	dst[n] = '\0';
}

int session_get(redis_conn *r, const char *session_id, session_info *info)
{
	char key[96];
	session_key(session_id, key, sizeof key);
	const char *argv[] = {"HGETALL", key};
	redisReply *rep = redis_cmd(r, 2, argv, NULL);
	if (!rep || rep->type != REDIS_REPLY_ARRAY) {
		if (rep)
			freeReplyObject(rep);
		return status_err(ST_UNAVAILABLE, NULL);
	}
	memset(info, 0, sizeof *info);
	for (size_t i = 0; i + 1 < rep->elements; i += 2) {
		const char *f = rep->element[i]->str;
		const redisReply *v = rep->element[i + 1];
		if (!f)
			continue;
		if (strcmp(f, "person_id") == 0)
			session_field(v, info->person_id, sizeof info->person_id);
		else if (strcmp(f, "enterprise_id") == 0)
			session_field(v, info->enterprise_id, sizeof info->enterprise_id);
		else if (strcmp(f, "enterprise_role") == 0)
			session_field(v, info->enterprise_role, sizeof info->enterprise_role);
		else if (strcmp(f, "institution_id") == 0)
			session_field(v, info->institution_id, sizeof info->institution_id);
		else if (strcmp(f, "operator_roles") == 0)
			session_field(v, info->operator_roles, sizeof info->operator_roles);
		else if (strcmp(f, "csrf") == 0)
			session_field(v, info->csrf, sizeof info->csrf);
	}
	freeReplyObject(rep);
	return info->person_id[0] ? ST_OK : status_err(ST_UNAUTHENTICATED, NULL);
}

int session_set_identity(redis_conn *r, const char *session_id, const session_info *info)
{
	char key[96];
	session_key(session_id, key, sizeof key);
	int rv = session_write(r, key, NULL, info);
	return rv == ST_OK ? ST_OK : status_err(rv, NULL);
}

int session_revoke(redis_conn *r, const char *person_id, const char *session_id)
{
	char key[96], people[128];
	session_key(session_id, key, sizeof key);
	session_people_key(person_id, people, sizeof people);
	const char *del[] = {"DEL", key};
	const char *srem[] = {"SREM", people, session_id};
	int rv = session_cmd(r, 2, del);
	return rv == ST_OK ? session_cmd(r, 3, srem) : rv;
}

int session_revoke_others(redis_conn *r, const char *person_id, const char *keep)
{
	char people[128];
	session_people_key(person_id, people, sizeof people);
	const char *members[] = {"SMEMBERS", people};
	redisReply *rep = redis_cmd(r, 2, members, NULL);
	if (!rep || rep->type != REDIS_REPLY_ARRAY) {
		if (rep)
			freeReplyObject(rep);
		return status_err(ST_UNAVAILABLE, NULL);
	}
	int rv = ST_OK;
	for (size_t i = 0; i < rep->elements && rv == ST_OK; i++) {
		const char *id = rep->element[i]->str;
		if (id && (!keep || strcmp(id, keep) != 0))
			rv = session_revoke(r, person_id, id);
	}
	freeReplyObject(rep);
	return rv;
}
