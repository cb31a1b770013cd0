/*
 * Forgotten password (phone + SMS code + new password) and password change (old + new).
 * Sessions are revoked before the commit, so a committed change never leaves a session
 * it should have ended (a failed commit at worst logs people out needlessly); they are
 * revoked under the person's row lock (a racing change waits) but before the audit
 * entry, so the schema's audit lock is never held across Redis. After the commit they
 * are revoked once more: a login with the old password that read the row before the
 * commit may have opened a session after the first revocation. notify (the reset's SMS
 * code) is never called while the transaction is open: the code is checked before it
 * and used up after the commit, so a failed commit does not cost the person the code.
 */
#include "accounts.h"

#include "change.h"
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

/* The audit entry and the event of a password change, inside change_run's transaction. */
static int password_changed_record(svc_ctx *ctx, const char *pid, const char *how)
{
	Accounts__PasswordChanged ev = ACCOUNTS__PASSWORD_CHANGED__INIT;
	ev.person_id = (char *)pid;
	ev.how = (char *)how;
	change_event e = {"accounts.password.changed", NULL, &ev.base};
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", pid),
	                     arena_printf(ctx->arena, "person/%s", pid),
	                     strcmp(how, "reset") == 0 ? "person.password_reset"
	                                               : "person.password_changed",
	                     json_pack("{s:s}", "how", how), &e);
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

struct reset {
	const char *pid, *pwhash, *old_hash;
};

/* The change: new hash, counter and lock cleared, every session revoked, audit, event.
 * Guarded by the hash read before the code was checked: of two resets racing with one
 * code, one wins and the other is a 409 (the code is single use only once the winner
 * has committed and used it up). */
static int reset_tx(svc_ctx *ctx, void *arg)
{
	const struct reset *r = arg;
	const char *vals[] = {r->pid, r->pwhash, r->old_hash};
	int rv =
	        change_guard(ctx, ST_CONFLICT, NULL,
	                     "UPDATE persons SET password_hash = $2, failed_logins = 0,"
	                     " locked_until = NULL, password_changed_at = now(), updated_at = now()"
	                     " WHERE id = $1::uuid AND password_hash = $3",
	                     3, vals, NULL);
	if (rv != ST_OK)
		return rv;
	/* Every session ends, including one being opened right now (its generation is
	 * older): session_person_end_all, not a sweep of the listed sessions. */
	if ((rv = session_person_end_all(ctx->redis, r->pid)) != ST_OK)
		return status_err(rv, NULL);
	return password_changed_record(ctx, r->pid, "reset");
}

/*
 * The second revocation, after the commit: a session opened with the old password
 * while the reset was in flight ends too. Tried twice; when Redis still refuses, the
 * reset stands (the password is changed, every session that existed before it was
 * revoked inside the transaction) and the error is logged with the person, for an
 * operator to end that person's sessions (`accounts admin end-sessions --phone`).
 */
static void reset_sweep_sessions(svc_ctx *ctx, const char *pid)
{
	for (int attempt = 0; attempt < 2; attempt++)
		if (session_person_end_all(ctx->redis, pid) == ST_OK)
			return;
	log_kv(LOGL_ERROR, ctx->request_id,
	       "sessions not revoked after a password reset: one opened during it may survive",
	       "person", pid, NULL);
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
	struct reset r = {row.id, pwhash, row.password_hash};
	if ((rv = change_run(ctx, reset_tx, &r)) != ST_OK)
		return rv;
	/* Used up after the commit (as at registration): a code that cannot be used up now
	 * can only reset this password again, for whoever holds the phone. */
	if ((rv = accounts_sms_verify(ctx, req->phone, "reset", req->sms_code, 1, "sms_code")) !=
	    ST_OK)
		log_kv(LOGL_WARN, ctx->request_id, "reset code not used up", "person", row.id,
		       "error", status_code_name(rv), NULL);
	reset_sweep_sessions(ctx, row.id);
	Accounts__PasswordResetResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__password_reset_response__init(resp);
	resp->phone_masked = arena_strdup(ctx->arena, row.phone_masked);
	log_kv(LOGL_INFO, ctx->request_id, "password reset", "person", row.id, NULL);
	*out = &resp->base;
	return ST_OK;
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

struct change {
	const char *pid, *pwhash, *old_hash, *keep; /* keep: the caller's session, or NULL */
	int revoked;                                /* live other sessions, set by change_tx */
};

/* The change: guarded by the hash that was checked, so of two racing changes one wins
 * (409) and only the winner revokes sessions; audit, event. */
static int change_tx(svc_ctx *ctx, void *arg)
{
	struct change *c = arg;
	const char *vals[] = {c->pid, c->pwhash, c->old_hash};
	int rv = change_guard(ctx, ST_CONFLICT, NULL,
	                      "UPDATE persons SET password_hash = $2, password_changed_at = now(),"
	                      " updated_at = now() WHERE id = $1::uuid AND password_hash = $3"
	                      " RETURNING id",
	                      3, vals, NULL);
	if (rv != ST_OK)
		return rv;
	c->revoked = sessions_live_others(ctx, c->pid, c->keep);
	if ((rv = session_revoke_others(ctx->redis, c->pid, c->keep)) != ST_OK)
		return status_err(rv, NULL);
	return password_changed_record(ctx, c->pid, "change");
}

int accounts_password_change(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__ChangePasswordRequest *req = (const Accounts__ChangePasswordRequest *)in;
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	char pwhash[CRYPTO_PASSWORD_HASH_MAX];
	accounts_login_row row;
	const char *pid = NULL, *keep = ctx->caller->session_id;
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

	struct change c = {pid, pwhash, row.password_hash, keep && *keep ? keep : NULL, 0};
	if ((rv = change_run(ctx, change_tx, &c)) != ST_OK)
		return rv;
	Accounts__ChangePasswordResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__change_password_response__init(resp);
	resp->has_sessions_revoked = 1;
	resp->sessions_revoked = c.revoked;
	log_kv(LOGL_INFO, ctx->request_id, "password changed", "person", pid, NULL);
	*out = &resp->base;
	return ST_OK;
}
