/* Sessions in Redis (see session.h). */
#include "session.h"

#include "crypto.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The server's clock decides every expiry, so the gateway's and accounts' clocks need
 * not agree. Another person's key is reached from inside the script: one Redis, not a
 * cluster (the stack runs one). */
const char session_resolve_lua[] =
        "local h = redis.call('HGETALL', KEYS[1]) "
        "if #h == 0 then return h end "
        "local f = {} "
        "for i = 1, #h, 2 do f[h[i]] = h[i + 1] end "
        "local now = tonumber(redis.call('TIME')[1]) "
        "local ends = tonumber(f.ends_at or '0') or 0 "
        "local idle = tonumber(f.idle_s or '0') or 0 "
        "local gen = f.person_id and redis.call('GET', 'person-gen:' .. f.person_id) or '0' "
        "if not f.person_id or f.generation ~= gen or ends <= now or idle <= 0 then "
        " redis.call('DEL', KEYS[1]) return {} end "
        "if ARGV[1] == 'slide' then "
        " redis.call('EXPIRE', KEYS[1], math.min(idle, ends - now)) end "
        "return h";

/*
 * KEYS[1] the session, KEYS[2] the person's set; ARGV[1] idle seconds, ARGV[2] absolute
 * seconds, then field/value pairs. Also drops the ids of the person's expired sessions
 * from the set.
 */
static const char session_create_lua[] =
        "local now = tonumber(redis.call('TIME')[1]) "
        "local idle, abs = tonumber(ARGV[1]), tonumber(ARGV[2]) "
        "local kv = {'idle_s', ARGV[1], 'ends_at', string.format('%d', now + abs)} "
        "for i = 3, #ARGV do kv[#kv + 1] = ARGV[i] end "
        "redis.call('HSET', KEYS[1], unpack(kv)) "
        "redis.call('EXPIRE', KEYS[1], math.min(idle, abs)) "
        "for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do "
        " if redis.call('EXISTS', 'session:' .. id) == 0 then redis.call('SREM', KEYS[2], id) end "
        "end "
        "redis.call('SADD', KEYS[2], string.sub(KEYS[1], 9)) "
        "return 1";

/* KEYS[1] the session; ARGV field/value pairs. An update of a session that no longer
 * exists returns 0 and writes nothing, so an identity switch racing a logout cannot
 * bring it back; HSET keeps the key's expiry. */
static const char session_update_lua[] = "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
                                         "redis.call('HSET', KEYS[1], unpack(ARGV)) "
                                         "return 1";

/* KEYS[1] the person's generation, KEYS[2] the person's set. */
static const char session_end_all_lua[] = "redis.call('INCR', KEYS[1]) "
                                          "for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do "
                                          " redis.call('DEL', 'session:' .. id) end "
                                          "redis.call('DEL', KEYS[2]) "
                                          "return 1";

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

static void session_gen_key(const char *person_id, char *out, size_t outlen)
{
	snprintf(out, outlen, "person-gen:%s", person_id);
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

/* Runs a script answering 1 (done) or 0 (nothing to do): ST_OK, ST_UNAUTHENTICATED for
 * 0, ST_UNAVAILABLE. */
static int session_script(redis_conn *r, int argc, const char **argv)
{
	redisReply *rep = redis_cmd(r, argc, argv, NULL);
	int rv = ST_UNAVAILABLE;
	if (rep && rep->type == REDIS_REPLY_INTEGER)
		rv = rep->integer == 1 ? ST_OK : ST_UNAUTHENTICATED;
	if (rep)
		freeReplyObject(rep);
	return rv;
}

int session_person_generation(redis_conn *r, const char *person_id, char gen[SESSION_GEN_MAX])
{
	char key[128];
	session_gen_key(person_id, key, sizeof key);
	const char *argv[] = {"GET", key};
	redisReply *rep = redis_cmd(r, 2, argv, NULL);
	int rv = ST_UNAVAILABLE;
	if (rep && rep->type == REDIS_REPLY_NIL) {
		snprintf(gen, SESSION_GEN_MAX, "0");
		rv = ST_OK;
	} else if (rep && rep->type == REDIS_REPLY_STRING && rep->len < SESSION_GEN_MAX) {
		memcpy(gen, rep->str, rep->len + 1);
		rv = ST_OK;
	}
	if (rep)
		freeReplyObject(rep);
	return rv == ST_OK ? ST_OK : status_err(rv, NULL);
}

int session_person_end_all(redis_conn *r, const char *person_id)
{
	char gen[128], people[128];
	if (!r)
		return status_err(ST_UNAVAILABLE, NULL);
	session_gen_key(person_id, gen, sizeof gen);
	session_people_key(person_id, people, sizeof people);
	const char *argv[] = {"EVAL", session_end_all_lua, "2", gen, people};
	int rv = session_script(r, 5, argv);
	return rv == ST_OK ? ST_OK : status_err(ST_UNAVAILABLE, NULL);
}

int session_create(redis_conn *r, session_info *info, const session_limits *lim,
                   char token[SESSION_TOKEN_MAX], char session_id[SESSION_ID_MAX])
{
	char key[96], people[128], idle[24], absolute[24];
	if (crypto_token(token, SESSION_TOKEN_MAX, 32) != 0 ||
	    crypto_token(info->csrf, sizeof info->csrf, 24) != 0)
		return status_err(ST_INTERNAL, NULL);
	session_id_of(token, session_id);
	session_key(session_id, key, sizeof key);
	session_people_key(info->person_id, people, sizeof people);
	snprintf(idle, sizeof idle, "%ld", lim->idle_s);
	snprintf(absolute, sizeof absolute, "%ld", lim->absolute_s);
	const char *argv[] = {"EVAL",
	                      session_create_lua,
	                      "2",
	                      key,
	                      people,
	                      idle,
	                      absolute,
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
	                      info->csrf,
	                      "generation",
	                      info->generation};
	int rv = session_script(r, sizeof argv / sizeof argv[0], argv);
	if (rv != ST_OK)
		return status_err(ST_UNAVAILABLE, NULL);
	info->idle_s = lim->idle_s;
	return ST_OK;
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

static long long session_number(const redisReply *v)
{
	char buf[24];
	session_field(v, buf, sizeof buf);
	return strtoll(buf, NULL, 10);
}

int session_info_from_reply(const redisReply *rep, session_info *info)
{
	memset(info, 0, sizeof *info);
	for (size_t i = 0; rep->type == REDIS_REPLY_ARRAY && i + 1 < rep->elements; i += 2) {
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
		else if (strcmp(f, "generation") == 0)
			session_field(v, info->generation, sizeof info->generation);
		else if (strcmp(f, "idle_s") == 0)
			info->idle_s = session_number(v);
		else if (strcmp(f, "ends_at") == 0)
			info->ends_at = session_number(v);
	}
	return info->person_id[0] != '\0';
}

int session_get(redis_conn *r, const char *session_id, session_info *info)
{
	char key[96];
	session_key(session_id, key, sizeof key);
	const char *argv[] = {"EVAL", session_resolve_lua, "1", key, "read"};
	redisReply *rep = redis_cmd(r, 5, argv, NULL);
	if (!rep || rep->type != REDIS_REPLY_ARRAY) {
		if (rep)
			freeReplyObject(rep);
		return status_err(ST_UNAVAILABLE, NULL);
	}
	int found = session_info_from_reply(rep, info);
	freeReplyObject(rep);
	return found ? ST_OK : status_err(ST_UNAUTHENTICATED, NULL);
}

int session_set_identity(redis_conn *r, const char *session_id, const session_info *info)
{
	char key[96];
	session_key(session_id, key, sizeof key);
	const char *argv[] = {"EVAL",
	                      session_update_lua,
	                      "1",
	                      key,
	                      "enterprise_id",
	                      info->enterprise_id,
	                      "enterprise_role",
	                      info->enterprise_role,
	                      "institution_id",
	                      info->institution_id};
	int rv = session_script(r, sizeof argv / sizeof argv[0], argv);
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
