/*
 * Login (password, sms, password_sms), the failed-login counter with captcha and
 * lockout, and logout.
 *
 * Every attempt is charged to the counter before its secret is checked and refunded
 * when it succeeds (one guarded UPDATE each way), so concurrent guesses cannot get past
 * the limit: after ACCOUNTS_CAPTCHA_AFTER counted failures a captcha is required, the
 * ACCOUNTS_LOCK_AT-th locks the account for LOGIN_LOCKOUT_S. A phone nobody registered
 * gets the same treatment from a counter in Redis, so the answers never tell whether a
 * phone is registered (a login with an unknown phone also runs the KDF once).
 */
#include "accounts.h"

#include "change.h"
#include "log.h"
#include "session.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHALLENGE_TTL_S "300"
/* How long the counter of an unregistered phone is remembered after its last failure. */
#define UNKNOWN_WINDOW_S "86400"

/* One login attempt of a phone (or of the person behind a password_sms challenge). */
struct attempt {
	accounts_login_row row;
	int known;              /* row holds a registered person */
	char phone_hash[65];    /* for the Redis counter of an unknown phone */
	int captcha_checked;    /* a captcha was solved for this attempt */
	int charged;            /* the counter was charged */
	int before;             /* the counter before this attempt */
	int locked_now;         /* this attempt's charge locked the account */
	long long locked_until; /* when charged and locked: the lock's end (Unix time) */
	long long locked_for_s; /* and the seconds left */
};

/* ---- messages --------------------------------------------------------------------- */

void accounts_lock_message(long long until_unix, long long now_unix, char *out, size_t outlen)
{
	const long long cst = 8 * 3600;
	long long t = until_unix + cst;
	if (t % 60)
		t += 60 - t % 60;
	time_t tt = (time_t)t, tn = (time_t)(now_unix + cst);
	struct tm u, n;
	gmtime_r(&tt, &u);
	gmtime_r(&tn, &n);
	if (u.tm_year == n.tm_year && u.tm_yday == n.tm_yday)
		snprintf(out, outlen, "账号已锁定，请于 %02d:%02d（北京时间）后再试", u.tm_hour,
		         u.tm_min);
	else
		snprintf(out, outlen, "账号已锁定，请于 %d月%d日 %02d:%02d（北京时间）后再试",
		         u.tm_mon + 1, u.tm_mday, u.tm_hour, u.tm_min);
}

static int locked_error(long long until_unix, long long for_s)
{
	char msg[160];
	accounts_lock_message(until_unix, (long long)time(NULL), msg, sizeof msg);
	/* The message names the minute the lock ends: dynamic. */
	status_errmsg(ST_ACCOUNT_LOCKED, NULL, msg);
	status_set_retry_after(for_s > 0 ? (int)for_s : 1);
	return ST_ACCOUNT_LOCKED;
}

/* ---- the counter of an unregistered phone, in Redis ---------------------------------- */

/*
 * KEYS[1] the count, KEYS[2] the lock; ARGV lockout seconds, window seconds, lock-at.
 * Returns {before, after, lock seconds}: before -1 when already locked (lock seconds
 * left), lock seconds 0 when this charge did not lock. A count at lock-at without a lock
 * is an expired one: counting restarts one below the limit, as on the person row.
 */
static const char unknown_charge_lua[] =
        "if redis.call('EXISTS', KEYS[2]) == 1 then"
        " return {-1, -1, redis.call('TTL', KEYS[2])} end "
        "local n = tonumber(redis.call('GET', KEYS[1]) or '0') "
        "local before, at = n, tonumber(ARGV[3]) "
        "if n >= at then n = at - 1 else n = n + 1 end "
        "redis.call('SET', KEYS[1], n, 'EX', ARGV[2]) "
        "if n >= at then redis.call('SET', KEYS[2], '1', 'EX', ARGV[1])"
        " return {before, n, tonumber(ARGV[1])} end "
        "return {before, n, 0}";

static void unknown_keys(const struct attempt *a, char *count, char *lock, size_t len)
{
	snprintf(count, len, "login-fail:%s", a->phone_hash);
	snprintf(lock, len, "login-lock:%s", a->phone_hash);
}

static long long reply_int(const redisReply *r)
{
	if (r->type == REDIS_REPLY_INTEGER)
		return r->integer;
	if (r->type == REDIS_REPLY_STRING)
		return strtoll(r->str, NULL, 10);
	return 0;
}

/* The count and the lock's seconds left of an unknown phone. */
static int unknown_state(svc_ctx *ctx, const struct attempt *a, int *failed, long long *lock_s)
{
	char count[96], lock[96];
	unknown_keys(a, count, lock, sizeof count);
	const char *get[] = {"GET", count};
	const char *ttl[] = {"TTL", lock};
	redisReply *r1 = redis_cmd(ctx->redis, 2, get, NULL);
	redisReply *r2 = r1 ? redis_cmd(ctx->redis, 2, ttl, NULL) : NULL;
	int rv = ST_OK;
	if (!r1 || !r2 || r1->type == REDIS_REPLY_ERROR || r2->type == REDIS_REPLY_ERROR) {
		rv = status_err(ST_UNAVAILABLE, NULL);
	} else {
		*failed = (int)reply_int(r1);
		*lock_s = reply_int(r2) > 0 ? reply_int(r2) : 0;
	}
	if (r1)
		freeReplyObject(r1);
	if (r2)
		freeReplyObject(r2);
	return rv;
}

static int unknown_charge(svc_ctx *ctx, struct attempt *a, long lockout_s)
{
	char count[96], lock[96], lockout[24], at[8];
	unknown_keys(a, count, lock, sizeof count);
	snprintf(lockout, sizeof lockout, "%ld", lockout_s);
	snprintf(at, sizeof at, "%d", ACCOUNTS_LOCK_AT);
	const char *argv[] = {"EVAL",  unknown_charge_lua, "2", count, lock,
	                      lockout, UNKNOWN_WINDOW_S,   at};
	redisReply *r = redis_cmd(ctx->redis, 8, argv, NULL);
	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
		if (r)
			freeReplyObject(r);
		return status_err(ST_UNAVAILABLE, NULL);
	}
	long long before = reply_int(r->element[0]), secs = reply_int(r->element[2]);
	freeReplyObject(r);
	if (before < 0)
		return locked_error((long long)time(NULL) + secs, secs);
	a->charged = 1;
	a->before = (int)before;
	if (secs > 0) {
		a->locked_now = 1;
		a->locked_for_s = secs;
		a->locked_until = (long long)time(NULL) + secs;
	}
	return ST_OK;
}

static void unknown_refund(svc_ctx *ctx, const struct attempt *a)
{
	char count[96], lock[96];
	unknown_keys(a, count, lock, sizeof count);
	const char *argv[] = {"DEL", count, lock};
	redisReply *r = redis_cmd(ctx->redis, 3, argv, NULL);
	if (r)
		freeReplyObject(r);
}

/* ---- the counter on the person row ---------------------------------------------------- */

struct charge {
	struct attempt *a;
	long lockout_s;
};

/* The change: the attempt charged (guarded: not locked, row-locked); the charge that
 * locks is audited. */
static int charge_tx(svc_ctx *ctx, void *arg)
{
	struct charge *c = arg;
	struct attempt *a = c->a;
	char lockout[24], at[8];
	PGresult *res = NULL;
	snprintf(lockout, sizeof lockout, "%ld", c->lockout_s);
	snprintf(at, sizeof at, "%d", ACCOUNTS_LOCK_AT);
	const char *vals[] = {a->row.id, lockout, at};
	int rv = change_guard(
	        ctx, ST_CONFLICT, NULL,
	        "WITH cur AS (SELECT id, failed_logins AS before,"
	        " locked_until IS NOT NULL AND locked_until <= now() AS expired"
	        " FROM persons WHERE id = $1::uuid"
	        " AND (locked_until IS NULL OR locked_until <= now()) FOR UPDATE),"
	        " n AS (SELECT id, before, CASE WHEN expired THEN $3::int - 1"
	        " ELSE before + 1 END AS failed FROM cur)"
	        " UPDATE persons p SET failed_logins = n.failed,"
	        " locked_until = CASE WHEN n.failed >= $3::int"
	        " THEN now() + make_interval(secs => $2::int) ELSE NULL END"
	        " FROM n WHERE p.id = n.id RETURNING n.before, p.locked_until IS NOT NULL,"
	        " coalesce(floor(extract(epoch FROM p.locked_until)), 0)::bigint,"
	        " coalesce(ceil(extract(epoch FROM p.locked_until - now())), 0)::bigint",
	        3, vals, &res);
	if (rv != ST_OK)
		return rv;
	a->before = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	a->locked_now = PQgetvalue(res, 0, 1)[0] == 't';
	if (a->locked_now) {
		a->locked_until = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
		a->locked_for_s = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	}
	PQclear(res);
	if (!a->locked_now)
		return ST_OK;
	return change_record(ctx, "system", arena_printf(ctx->arena, "person/%s", a->row.id),
	                     "person.locked",
	                     json_pack("{s:i, s:I}", "failed_logins", ACCOUNTS_LOCK_AT, "lockout_s",
	                               (json_int_t)c->lockout_s),
	                     NULL);
}

/* Charges the attempt; the charge that locks is audited in its transaction. */
static int row_charge(svc_ctx *ctx, struct attempt *a, long lockout_s)
{
	struct charge c = {a, lockout_s};
	int rv = change_run(ctx, charge_tx, &c);
	if (rv == ST_CONFLICT) {
		/* Locked meanwhile (or gone): read when the lock ends. */
		accounts_login_row fresh;
		int frv = accounts_login_row_by_id(ctx, a->row.id, &fresh);
		if (frv == ST_OK && fresh.locked_for_s > 0)
			return locked_error(fresh.locked_until, fresh.locked_for_s);
		return frv == ST_OK ? status_err(ST_CONFLICT, NULL) : frv;
	}
	if (rv != ST_OK) {
		a->locked_now = 0;
		return rv;
	}
	a->charged = 1;
	if (a->locked_now)
		log_kv(LOGL_INFO, ctx->request_id, "person locked", "person", a->row.id, NULL);
	return ST_OK;
}

struct refund {
	const struct attempt *a;
	int full;
};

/* The change: the charge given back; a lock this attempt set is lifted and audited. */
static int refund_tx(svc_ctx *ctx, void *arg)
{
	const struct refund *f = arg;
	const struct attempt *a = f->a;
	const char *vals[] = {a->row.id, f->full ? "t" : "f", a->locked_now ? "t" : "f"};
	int rv = change_exec(
	        ctx,
	        "UPDATE persons SET failed_logins = CASE WHEN $2::boolean THEN 0"
	        " ELSE greatest(failed_logins - 1, 0) END,"
	        " locked_until = CASE WHEN $2::boolean OR $3::boolean THEN NULL"
	        " ELSE locked_until END"
	        " WHERE id = $1::uuid AND (failed_logins <> 0 OR locked_until IS NOT NULL)",
	        3, vals, NULL);
	if (rv != ST_OK || !a->locked_now)
		return rv;
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", a->row.id),
	                     arena_printf(ctx->arena, "person/%s", a->row.id), "person.unlocked",
	                     json_pack("{s:s}", "reason", "login_succeeded"), NULL);
}

/*
 * Gives the charge back. full: the login succeeded, the counter restarts at 0; else
 * only this attempt's charge is undone (the first step of password_sms). A lock this
 * attempt set is lifted, and audited as such.
 */
static int row_refund(svc_ctx *ctx, const struct attempt *a, int full)
{
	struct refund f = {a, full};
	return change_run(ctx, refund_tx, &f);
}

/* ---- one attempt ---------------------------------------------------------------------- */

static int captcha_take(svc_ctx *ctx, const Accounts__LoginRequest *req, struct attempt *a)
{
	if (!req->captcha_id || !*req->captcha_id || !req->captcha_answer || !*req->captcha_answer)
		return status_err(ST_CAPTCHA_REQUIRED, "captcha_answer");
	int rv = accounts_captcha_check(ctx, req->captcha_id, req->captcha_answer);
	if (rv != ST_OK)
		return rv;
	a->captcha_checked = 1;
	return ST_OK;
}

/*
 * Before a secret is checked: the phone's person (if any), the lock, the captcha once
 * due, and the charge. need_captcha is 0 for the second step of password_sms, whose
 * first step already passed the captcha.
 */
static int attempt_begin(svc_ctx *ctx, const Accounts__LoginRequest *req, struct attempt *a,
                         int need_captcha)
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	int failed = 0, rv;
	long long lock_s = 0;
	if (!ctx->redis)
		return status_err(ST_UNAVAILABLE, NULL);
	if (a->known) {
		failed = a->row.failed_logins;
		lock_s = a->row.locked_for_s;
		if (lock_s > 0)
			return locked_error(a->row.locked_until, lock_s);
	} else {
		if ((rv = unknown_state(ctx, a, &failed, &lock_s)) != ST_OK)
			return rv;
		if (lock_s > 0)
			return locked_error((long long)time(NULL) + lock_s, lock_s);
	}
	if (need_captcha && failed >= ACCOUNTS_CAPTCHA_AFTER &&
	    (rv = captcha_take(ctx, req, a)) != ST_OK)
		return rv;
	rv = a->known ? row_charge(ctx, a, app->lockout_s) : unknown_charge(ctx, a, app->lockout_s);
	if (rv != ST_OK)
		return rv;
	/* Failures counted meanwhile by concurrent attempts make a captcha due now. */
	if (need_captcha && a->before >= ACCOUNTS_CAPTCHA_AFTER && !a->captcha_checked)
		return a->locked_now ? locked_error(a->locked_until, a->locked_for_s)
		                     : status_err(ST_CAPTCHA_REQUIRED, "captcha_answer");
	return ST_OK;
}

/* The secret was wrong: rv is what to answer unless this attempt locked the account. */
static int attempt_failed(const struct attempt *a, int rv)
{
	if (a->locked_now)
		return locked_error(a->locked_until, a->locked_for_s);
	return rv;
}

static int attempt_refund(svc_ctx *ctx, const struct attempt *a, int full)
{
	if (!a->charged)
		return ST_OK;
	if (!a->known) {
		unknown_refund(ctx, a);
		return ST_OK;
	}
	return row_refund(ctx, a, full);
}

/* Validates the phone and finds its person. */
static int attempt_phone(svc_ctx *ctx, const char *phone, struct attempt *a)
{
	int rv;
	memset(a, 0, sizeof *a);
	if (!phone || !*phone)
		return status_err(ST_FIELD_REQUIRED, "phone");
	if ((rv = validate_mobile(phone)) != 0)
		return status_err(rv, "phone");
	rv = accounts_login_row_by_phone(ctx, phone, &a->row);
	if (rv == ST_OK) {
		a->known = 1;
		return ST_OK;
	}
	if (rv != ST_NOT_FOUND)
		return rv;
	if (accounts_phone_hash(ACCOUNTS_APP(ctx), phone, a->phone_hash) != 0)
		return status_err(ST_INTERNAL, NULL);
	return ST_OK;
}

/* ---- outcomes ------------------------------------------------------------------------- */

/*
 * The session of a login that passed. The person's generation is read first and the
 * authority (roles, institution, disabled) after it, from the row as it is now: a
 * change committed before the generation was read is in the row, one committed after
 * bumps the generation and ends this session at its first use.
 */
static int session_issue(svc_ctx *ctx, const struct attempt *a, const char *method,
                         Accounts__LoginResponse *resp)
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	session_info info;
	accounts_login_row now;
	char token[SESSION_TOKEN_MAX], sid[SESSION_ID_MAX];
	Accounts__Person *person = NULL;
	memset(&info, 0, sizeof info);
	int rv = session_person_generation(ctx->redis, a->row.id, info.generation);
	if (rv != ST_OK)
		return rv;
	if ((rv = accounts_login_row_by_id(ctx, a->row.id, &now)) != ST_OK)
		return rv == ST_NOT_FOUND ? status_err(ST_LOGIN_FAILED, NULL) : rv;
	if (now.disabled)
		return status_err(ST_ACCOUNT_DISABLED, NULL);
	if ((rv = accounts_person_load(ctx, a->row.id, &person)) != ST_OK)
		return rv;
	snprintf(info.person_id, sizeof info.person_id, "%s", now.id);
	snprintf(info.institution_id, sizeof info.institution_id, "%s", now.institution_id);
	snprintf(info.operator_roles, sizeof info.operator_roles, "%s", now.operator_roles);
	if ((rv = session_create(ctx->redis, &info, &app->sessions, token, sid)) != ST_OK)
		return rv;
	resp->token = arena_strdup(ctx->arena, token);
	resp->csrf_token = arena_strdup(ctx->arena, info.csrf);
	resp->has_expires_in = 1;
	resp->expires_in = (int32_t)(app->sessions.idle_s < app->sessions.absolute_s
	                                     ? app->sessions.idle_s
	                                     : app->sessions.absolute_s);
	resp->has_max_age = 1;
	resp->max_age = (int32_t)app->sessions.absolute_s;
	resp->person = person;
	log_kv(LOGL_INFO, ctx->request_id, "logged in", "person", a->row.id, "method", method,
	       NULL);
	return ST_OK;
}

static void challenge_key(const char *challenge_id, char *out, size_t len)
{
	char h[65];
	crypto_sha256_hex(challenge_id, strlen(challenge_id), h);
	snprintf(out, len, "login-challenge:%s", h);
}

/* password_sms, first step passed: a single-use challenge bound to the person. */
static int challenge_issue(svc_ctx *ctx, const struct attempt *a, Accounts__LoginResponse *resp)
{
	char id[64], key[96];
	if (crypto_token(id, sizeof id, 32) != 0)
		return status_err(ST_INTERNAL, NULL);
	challenge_key(id, key, sizeof key);
	const char *argv[] = {"SET", key, a->row.id, "EX", CHALLENGE_TTL_S, "NX"};
	redisReply *r = redis_cmd(ctx->redis, 6, argv, NULL);
	int ok = r && r->type == REDIS_REPLY_STATUS;
	if (r)
		freeReplyObject(r);
	if (!ok)
		return status_err(ST_UNAVAILABLE, NULL);
	resp->next_step = "sms";
	resp->challenge_id = arena_strdup(ctx->arena, id);
	resp->phone_masked = arena_strdup(ctx->arena, a->row.phone_masked);
	return ST_OK;
}

/* The person of a live challenge into person_id; ST_LOGIN_CHALLENGE when none. */
static int challenge_person(svc_ctx *ctx, const char *challenge_id, char person_id[40])
{
	char key[96];
	challenge_key(challenge_id, key, sizeof key);
	const char *argv[] = {"GET", key};
	redisReply *r = redis_cmd(ctx->redis, 2, argv, NULL);
	if (!r || r->type == REDIS_REPLY_ERROR) {
		if (r)
			freeReplyObject(r);
		return status_err(ST_UNAVAILABLE, NULL);
	}
	int rv = ST_OK;
	if (r->type != REDIS_REPLY_STRING || r->len >= 40)
		rv = status_err(ST_LOGIN_CHALLENGE, "challenge_id");
	else
		memcpy(person_id, r->str, r->len + 1);
	freeReplyObject(r);
	return rv;
}

/* Uses the challenge up: ST_OK for the one caller that deleted it. */
static int challenge_take(svc_ctx *ctx, const char *challenge_id)
{
	char key[96];
	challenge_key(challenge_id, key, sizeof key);
	const char *argv[] = {"DEL", key};
	redisReply *r = redis_cmd(ctx->redis, 2, argv, NULL);
	int won = r && r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	if (r)
		freeReplyObject(r);
	return won ? ST_OK : status_err(ST_LOGIN_CHALLENGE, "challenge_id");
}

/* ---- the methods ---------------------------------------------------------------------- */

/* password, and the first step of password_sms (two_step). */
static int login_password(svc_ctx *ctx, const Accounts__LoginRequest *req, int two_step,
                          Accounts__LoginResponse *resp)
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	struct attempt a;
	int rv = attempt_phone(ctx, req->phone, &a);
	if (rv != ST_OK)
		return rv;
	if (!req->password || !*req->password)
		return status_err(ST_FIELD_REQUIRED, "password");
	if ((rv = attempt_begin(ctx, req, &a, 1)) != ST_OK)
		return rv;
	int ok = crypto_password_verify(req->password,
	                                a.known ? a.row.password_hash : app->dummy_hash);
	if (ok < 0) {
		log_kv(LOGL_ERROR, ctx->request_id, "password hash unreadable", "person",
		       a.known ? a.row.id : "-", NULL);
		attempt_refund(ctx, &a, 0);
		return status_err(ST_INTERNAL, NULL);
	}
	if (ok != 1 || !a.known)
		return attempt_failed(&a, status_err(ST_LOGIN_FAILED, NULL));
	if ((rv = attempt_refund(ctx, &a, !two_step)) != ST_OK)
		return rv;
	if (a.row.disabled)
		return status_err(ST_ACCOUNT_DISABLED, NULL);
	return two_step ? challenge_issue(ctx, &a, resp) : session_issue(ctx, &a, "password", resp);
}

/* sms: phone + a code sent for purpose login. */
static int login_sms(svc_ctx *ctx, const Accounts__LoginRequest *req, Accounts__LoginResponse *resp)
{
	struct attempt a;
	int rv = attempt_phone(ctx, req->phone, &a);
	if (rv != ST_OK)
		return rv;
	if (!req->sms_code || !*req->sms_code)
		return status_err(ST_FIELD_REQUIRED, "sms_code");
	if ((rv = attempt_begin(ctx, req, &a, 1)) != ST_OK)
		return rv;
	rv = accounts_sms_verify(ctx, req->phone, "login", req->sms_code, 1, "sms_code");
	if (rv != ST_OK) {
		if (status_http(rv) >= 500) {
			attempt_refund(ctx, &a, 0);
			return rv;
		}
		return attempt_failed(&a, rv);
	}
	attempt_refund(ctx, &a, 1);
	/* Whoever holds the phone may learn that it is not registered. */
	if (!a.known)
		return status_err(ST_ACCOUNT_NOT_FOUND, "phone");
	if (a.row.disabled)
		return status_err(ST_ACCOUNT_DISABLED, NULL);
	return session_issue(ctx, &a, "sms", resp);
}

/* password_sms, second step: challenge_id + the code sent to the person's phone. */
static int login_challenge(svc_ctx *ctx, const Accounts__LoginRequest *req,
                           Accounts__LoginResponse *resp)
{
	struct attempt a;
	char person_id[40];
	int rv;
	memset(&a, 0, sizeof a);
	if (!req->sms_code || !*req->sms_code)
		return status_err(ST_FIELD_REQUIRED, "sms_code");
	if (!ctx->redis)
		return status_err(ST_UNAVAILABLE, NULL);
	if ((rv = challenge_person(ctx, req->challenge_id, person_id)) != ST_OK)
		return rv;
	rv = accounts_login_row_by_id(ctx, person_id, &a.row);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_LOGIN_CHALLENGE, "challenge_id");
	if (rv != ST_OK)
		return rv;
	a.known = 1;
	if ((rv = attempt_begin(ctx, req, &a, 0)) != ST_OK)
		return rv;
	rv = accounts_sms_verify(ctx, a.row.phone, "login", req->sms_code, 1, "sms_code");
	if (rv != ST_OK) {
		if (status_http(rv) >= 500) {
			attempt_refund(ctx, &a, 0);
			return rv;
		}
		return attempt_failed(&a, rv);
	}
	if ((rv = challenge_take(ctx, req->challenge_id)) != ST_OK)
		return rv;
	if ((rv = attempt_refund(ctx, &a, 1)) != ST_OK)
		return rv;
	if (a.row.disabled)
		return status_err(ST_ACCOUNT_DISABLED, NULL);
	return session_issue(ctx, &a, "password_sms", resp);
}

int accounts_session_login(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__LoginRequest *req = (const Accounts__LoginRequest *)in;
	Accounts__LoginResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__login_response__init(resp);
	const char *m = req->method ? req->method : "";
	int rv;
	if (strcmp(m, "password") == 0)
		rv = login_password(ctx, req, 0, resp);
	else if (strcmp(m, "sms") == 0)
		rv = login_sms(ctx, req, resp);
	else if (strcmp(m, "password_sms") == 0)
		rv = req->challenge_id && *req->challenge_id ? login_challenge(ctx, req, resp)
		                                             : login_password(ctx, req, 1, resp);
	else
		rv = status_err(ST_LOGIN_METHOD, "method");
	if (rv != ST_OK)
		return rv;
	*out = &resp->base;
	return ST_OK;
}

int accounts_session_logout(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	const char *pid = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	const char *sid = ctx->caller->session_id;
	if (!sid || !*sid)
		return status_err(ST_UNAUTHENTICATED, NULL);
	if (!ctx->redis)
		return status_err(ST_UNAVAILABLE, NULL);
	if ((rv = session_revoke(ctx->redis, pid, sid)) != ST_OK)
		return status_err(rv, NULL);
	Accounts__LogoutResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__logout_response__init(resp);
	log_kv(LOGL_INFO, ctx->request_id, "logged out", "person", pid, NULL);
	*out = &resp->base;
	return ST_OK;
}

/*
 * OpenCertificateSession (bus-only, certs alone): certs has verified the certificate,
 * the signature over its single-use challenge and the binding; the session is the same
 * as a password login's, and a disabled account is refused as there.
 */
int accounts_session_certificate(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__OpenCertificateSessionRequest *req =
	        (const Accounts__OpenCertificateSessionRequest *)in;
	const char *svc = caller_service(ctx);
	struct attempt a;
	int rv;
	if (!svc || strcmp(svc, "certs") != 0)
		return status_err(ST_ROUTE_NOT_FOUND, NULL);
	if (!req->person_id || !validate_uuid(req->person_id))
		return status_err(ST_FIELD_RANGE, "person_id");
	if (!ctx->redis)
		return status_err(ST_UNAVAILABLE, NULL);
	memset(&a, 0, sizeof a);
	rv = accounts_login_row_by_id(ctx, req->person_id, &a.row);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_CERT_UNBOUND, NULL);
	if (rv != ST_OK)
		return rv;
	if (a.row.disabled)
		return status_err(ST_ACCOUNT_DISABLED, NULL);
	Accounts__LoginResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__login_response__init(resp);
	if ((rv = session_issue(ctx, &a, "certificate", resp)) != ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, "certificate login", "person", a.row.id, "serial",
	       req->serial ? req->serial : "-", NULL);
	*out = &resp->base;
	return ST_OK;
}
