/*
 * Forgotten password (phone + SMS code + new password) and password change (old + new).
 * Sessions are revoked before the commit, so a committed change never leaves a session
 * it should have ended (a failed commit at worst logs people out needlessly).
 */
#include "accounts.h"

#include "audit.h"
#include "events.h"
#include "log.h"
#include "session.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

/* New password and its confirmation; phone for the "contains the phone" rule. */
static int new_password_check(const char *pw, const char *confirm, const char *phone)
{
	int rv;
	if (!pw || !*pw)
		return status_err(ST_FIELD_REQUIRED, "password");
	if ((rv = validate_password(pw, phone)) != 0)
		return status_err(rv, "password");
	if (!confirm || !*confirm)
		return status_err(ST_FIELD_REQUIRED, "password_confirm");
	if (strcmp(pw, confirm) != 0)
		return status_err(ST_PASSWORD_CONFIRM, "password_confirm");
	return ST_OK;
}

/* The audit row and the event of a password change, inside the open transaction. */
static int password_changed_record(svc_ctx *ctx, const char *pid, const char *how)
{
	char actor[64], subject[64], detail[64];
	Accounts__PasswordChanged ev = ACCOUNTS__PASSWORD_CHANGED__INIT;
	snprintf(actor, sizeof actor, "person:%s", pid);
	snprintf(subject, sizeof subject, "person/%s", pid);
	snprintf(detail, sizeof detail, "{\"how\":\"%s\"}", how);
	int rv = audit_append(ctx->db, actor, subject,
	                      strcmp(how, "reset") == 0 ? "person.password_reset"
	                                                : "person.password_changed",
	                      detail);
	if (rv != ST_OK)
		return rv;
	ev.person_id = (char *)pid;
	ev.how = (char *)how;
	return events_append(ctx->db, "accounts.password.changed", subject, &ev.base);
}

/* Live sessions of pid other than keep (NULL: all), counted before they are revoked. */
static int sessions_live_others(svc_ctx *ctx, const char *pid, const char *keep)
{
	char people[128], key[96];
	int n = 0;
	snprintf(people, sizeof people, "person-sessions:%s", pid);
	const char *members[] = {"SMEMBERS", people};
	redisReply *r = redis_cmd(ctx->redis, 2, members, NULL);
	if (!r)
		return 0;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
		const char *id = r->element[i]->str;
		if (!id || (keep && strcmp(id, keep) == 0))
			continue;
		session_key(id, key, sizeof key);
		const char *exists[] = {"EXISTS", key};
		redisReply *e = redis_cmd(ctx->redis, 2, exists, NULL);
		n += e && e->type == REDIS_REPLY_INTEGER && e->integer == 1;
		if (e)
			freeReplyObject(e);
	}
	freeReplyObject(r);
	return n;
}

int accounts_password_reset(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__PasswordResetRequest *req = (const Accounts__PasswordResetRequest *)in;
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	char pwhash[CRYPTO_PASSWORD_HASH_MAX];
	accounts_login_row row;
	int rv;

	if (!req->phone || !*req->phone)
		return status_err(ST_FIELD_REQUIRED, "phone");
	if ((rv = validate_mobile(req->phone)) != 0)
		return status_err(rv, "phone");
	if (!req->sms_code || !*req->sms_code)
		return status_err(ST_FIELD_REQUIRED, "sms_code");
	if ((rv = new_password_check(req->password, req->password_confirm, req->phone)) != ST_OK)
		return rv;
	if (!ctx->redis)
		return status_err(ST_UNAVAILABLE, NULL);
	/* The code first: only whoever holds the phone learns whether it is registered. */
	if ((rv = accounts_sms_verify(ctx, req->phone, "reset", req->sms_code, 0, "sms_code")) !=
	    ST_OK)
		return rv;
	rv = accounts_login_row_by_phone(ctx, req->phone, &row);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_ACCOUNT_NOT_FOUND, "phone");
	if (rv != ST_OK)
		return rv;
	if ((rv = accounts_password_hash(app, req->password, pwhash)) != ST_OK)
		return rv;

	const char *vals[] = {row.id, pwhash};
	if ((rv = db_begin(ctx->db)) != ST_OK)
		return status_err(rv, NULL);
	if ((rv = db_exec(ctx->db,
	                  "UPDATE persons SET password_hash = $2, failed_logins = 0,"
	                  " locked_until = NULL, password_changed_at = now(), updated_at = now()"
	                  " WHERE id = $1::uuid",
	                  2, vals, NULL)) != ST_OK ||
	    (rv = password_changed_record(ctx, row.id, "reset")) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	if ((rv = accounts_sms_verify(ctx, req->phone, "reset", req->sms_code, 1, "sms_code")) !=
	    ST_OK)
		goto out;
	if ((rv = session_revoke_others(ctx->redis, row.id, NULL)) != ST_OK ||
	    (rv = db_commit(ctx->db)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	Accounts__PasswordResetResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__password_reset_response__init(resp);
	resp->phone_masked = arena_strdup(ctx->arena, row.phone_masked);
	log_kv(LOGL_INFO, ctx->request_id, "password reset", "person", row.id, NULL);
	*out = &resp->base;
out:
	db_rollback(ctx->db);
	return rv;
}

/*
 * Wrong old passwords: a stolen session must not become a password oracle. Each
 * attempt is charged before the check (so concurrent guesses count too) in
 * "old-password-fail:<person>", which lives OLD_PASSWORD_WINDOW_S from the first;
 * past OLD_PASSWORD_MAX the change answers 429 until it expires. A right old
 * password clears it.
 */
#define OLD_PASSWORD_MAX      5
#define OLD_PASSWORD_WINDOW_S 900

static const char old_password_lua[] =
        "local n = redis.call('INCR', KEYS[1]) "
        "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end "
        "if n > tonumber(ARGV[1]) then local t = redis.call('TTL', KEYS[1]) "
        "if t < 1 then t = 1 end return -t end "
        "return n";

static int old_password_charge(svc_ctx *ctx, const char *person_id)
{
	char key[96], max[8], window[16];
	snprintf(key, sizeof key, "old-password-fail:%s", person_id);
	snprintf(max, sizeof max, "%d", OLD_PASSWORD_MAX);
	snprintf(window, sizeof window, "%d", OLD_PASSWORD_WINDOW_S);
	const char *argv[] = {"EVAL", old_password_lua, "1", key, max, window};
	redisReply *r = redis_cmd(ctx->redis, 6, argv, NULL);
	if (!r || r->type != REDIS_REPLY_INTEGER) {
		if (r)
			freeReplyObject(r);
		return status_err(ST_UNAVAILABLE, NULL);
	}
	long long n = r->integer;
	freeReplyObject(r);
	if (n > 0)
		return ST_OK;
	int wait = n < 0 ? (int)-n : OLD_PASSWORD_WINDOW_S;
	char msg[160];
	snprintf(msg, sizeof msg, "原密码错误次数过多，请 %d 分钟后再试", (wait + 59) / 60);
	/* The message names the minutes left: dynamic. */
	status_errmsg(ST_OLD_PASSWORD_TRIES, "old_password", msg);
	status_set_retry_after(wait);
	return ST_OLD_PASSWORD_TRIES;
}

static void old_password_clear(svc_ctx *ctx, const char *person_id)
{
	char key[96];
	snprintf(key, sizeof key, "old-password-fail:%s", person_id);
	const char *argv[] = {"DEL", key};
	redisReply *r = redis_cmd(ctx->redis, 2, argv, NULL);
	if (r)
		freeReplyObject(r);
}

int accounts_password_change(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__ChangePasswordRequest *req = (const Accounts__ChangePasswordRequest *)in;
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	char pwhash[CRYPTO_PASSWORD_HASH_MAX];
	accounts_login_row row;
	const char *pid = NULL, *keep = ctx->caller->session_id;
	PGresult *res = NULL;
	int rv;

	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	rv = accounts_login_row_by_id(ctx, pid, &row);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_UNAUTHENTICATED, NULL);
	if (rv != ST_OK)
		return rv;
	if (!req->old_password || !*req->old_password)
		return status_err(ST_FIELD_REQUIRED, "old_password");
	if ((rv = new_password_check(req->password, req->password_confirm, row.phone)) != ST_OK)
		return rv;
	if (!ctx->redis)
		return status_err(ST_UNAVAILABLE, NULL);
	if ((rv = old_password_charge(ctx, pid)) != ST_OK)
		return rv;
	int ok = crypto_password_verify(req->old_password, row.password_hash);
	if (ok < 0)
		return status_err(ST_INTERNAL, NULL);
	if (ok != 1)
		return status_err(ST_OLD_PASSWORD_WRONG, "old_password");
	old_password_clear(ctx, pid);
	if (strcmp(req->old_password, req->password) == 0)
		return status_err(ST_PASSWORD_UNCHANGED, "password");
	if ((rv = accounts_password_hash(app, req->password, pwhash)) != ST_OK)
		return rv;

	/* Guarded by the hash that was checked: of two racing changes one wins. */
	const char *vals[] = {pid, pwhash, row.password_hash};
	if ((rv = db_begin(ctx->db)) != ST_OK)
		return status_err(rv, NULL);
	rv = db_exec(ctx->db,
	             "UPDATE persons SET password_hash = $2, password_changed_at = now(),"
	             " updated_at = now() WHERE id = $1::uuid AND password_hash = $3 RETURNING id",
	             3, vals, &res);
	if (rv != ST_OK || PQntuples(res) != 1) {
		rv = status_err(rv != ST_OK ? rv : ST_CONFLICT, NULL);
		goto out;
	}
	if ((rv = password_changed_record(ctx, pid, "change")) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	int revoked = sessions_live_others(ctx, pid, keep && *keep ? keep : NULL);
	if ((rv = session_revoke_others(ctx->redis, pid, keep && *keep ? keep : NULL)) != ST_OK ||
	    (rv = db_commit(ctx->db)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	Accounts__ChangePasswordResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__change_password_response__init(resp);
	resp->has_sessions_revoked = 1;
	resp->sessions_revoked = revoked;
	log_kv(LOGL_INFO, ctx->request_id, "password changed", "person", pid, NULL);
	*out = &resp->base;
out:
	PQclear(res);
	db_rollback(ctx->db);
	return rv;
}
