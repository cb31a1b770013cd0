/*
 * SMS verification codes: IssueSmsCode checks the sending limits, sends through
 * the configured provider and keeps the code; VerifySmsCode checks (and uses up)
 * it. Everything lives in Redis under names keyed by HMAC look-up hashes
 * (crypto_lookup_hash with PII_MAC_KEY), never by the phone or IP itself; each
 * key is listed in README.md. A code is kept as an HMAC (to compare) and sealed
 * with PII_ENC_KEY (to resend the same code while it is valid), so neither a
 * Redis dump nor MONITOR shows a live code. Each check-and-change is one Lua
 * script, which Redis runs atomically: two concurrent uses of one code, or two
 * sends racing for the last unit of a limit, cannot both pass.
 */
#include "notify.h"

#include "bus.h"
#include "httpc.h"
#include "log.h"
#include "notify.pb-c.h"
#include "sms_limits.h"
#include "status.h"
#include "templates.h"
#include "validate.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTIFY_KEY_PREFIX "notify:sms:"
#define NOTIFY_SEAL_AAD   "notify.sms_code"

/* ---- Lua scripts (KEYS and ARGV as documented above each) ------------------------- */

/*
 * Checks the limits and, when all allow, takes one unit of each and the 60 s gap and
 * keeps the code to send, all at once: a code goes out only once it is stored, so no
 * SMS carries a code that cannot be checked. A live code (fewer than max_tries wrong
 * tries) is repeated: it is kept with its tries and valid ttl_ms from now, and its
 * sealed copy is returned for the SMS; otherwise the new code (mac, sealed) replaces it.
 * KEYS: gap, hour, day, ip, code. ARGV: gap_ms, hour_max, hour_end_ms, day_max,
 * day_end_ms, ip_max, use_ip (1/0), max_tries, mac, sealed, ttl_ms.
 * Returns {0, 0[, sealed code to repeat]} or {refusal, gap_pttl_ms} where refusal is
 * 1 gap, 2 hour, 3 day, 4 ip. The longest wait is reported first, so a person
 * blocked for the day is not told to come back in a minute. The code is read before
 * anything is written, so a key Redis cannot read fails the script with nothing taken.
 */
static const char notify_lua_reserve[] =
        "local c = redis.call('HMGET', KEYS[5], 'enc', 'tries')\n"
        "local function count(k) return tonumber(redis.call('GET', k) or '0') or 0 end\n"
        "if count(KEYS[3]) >= tonumber(ARGV[4]) then return {3, 0} end\n"
        "if ARGV[7] == '1' and count(KEYS[4]) >= tonumber(ARGV[6]) then return {4, 0} end\n"
        "if count(KEYS[2]) >= tonumber(ARGV[2]) then return {2, 0} end\n"
        "local gap = redis.call('PTTL', KEYS[1])\n"
        "if gap == -1 then return {1, tonumber(ARGV[1])} end\n"
        "if gap > 0 then return {1, gap} end\n"
        "redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])\n"
        "redis.call('INCR', KEYS[2]) redis.call('PEXPIREAT', KEYS[2], ARGV[3])\n"
        "redis.call('INCR', KEYS[3]) redis.call('PEXPIREAT', KEYS[3], ARGV[5])\n"
        "if ARGV[7] == '1' then\n"
        "  redis.call('INCR', KEYS[4]) redis.call('PEXPIREAT', KEYS[4], ARGV[5])\n"
        "end\n"
        "if c[1] and (tonumber(c[2]) or 0) < tonumber(ARGV[8]) then\n"
        "  redis.call('PEXPIRE', KEYS[5], ARGV[11])\n"
        "  return {0, 0, c[1]}\n"
        "end\n"
        "redis.call('DEL', KEYS[5])\n"
        "redis.call('HSET', KEYS[5], 'mac', ARGV[9], 'enc', ARGV[10], 'tries', '0')\n"
        "redis.call('PEXPIRE', KEYS[5], ARGV[11])\n"
        "return {0, 0}\n";

/* Gives back what reserve took when the provider failed and nothing was sent, and
 * drops the new code reserve stored for it (mac given) unless a later send replaced
 * it; a repeated code (mac "") stays, it was sent before.
 * KEYS: gap, hour, day, ip, code. ARGV: use_ip, mac. */
static const char notify_lua_release[] =
        "redis.call('DEL', KEYS[1])\n"
        "local last = 3 if ARGV[1] == '1' then last = 4 end\n"
        "for i = 2, last do\n"
        "  if (tonumber(redis.call('GET', KEYS[i]) or '0') or 0) > 0 then\n"
        "    redis.call('DECR', KEYS[i])\n"
        "  end\n"
        "end\n"
        "if ARGV[2] ~= '' and redis.call('HGET', KEYS[5], 'mac') == ARGV[2] then\n"
        "  redis.call('DEL', KEYS[5])\n"
        "end\n"
        "return 1\n";

/*
 * Checks a code. KEYS: code. ARGV: mac of the answer, consume (1/0), max_tries.
 * Returns 0 right (deleted when consume), 1 wrong (one more try counted),
 * 2 absent (never sent, expired or used), 3 too many wrong tries (the answer that
 * reaches the limit gets 3 too: the code is dead and the person must ask again).
 */
static const char notify_lua_verify[] =
        "local c = redis.call('HMGET', KEYS[1], 'mac', 'tries')\n"
        "if not c[1] then return 2 end\n"
        "local max = tonumber(ARGV[3])\n"
        "if (tonumber(c[2]) or 0) >= max then return 3 end\n"
        "if c[1] == ARGV[1] then\n"
        "  if ARGV[2] == '1' then redis.call('DEL', KEYS[1]) end\n"
        "  return 0\n"
        "end\n"
        "if redis.call('HINCRBY', KEYS[1], 'tries', 1) >= max then return 3 end\n"
        "return 1\n";

/* EVAL script with nkeys keys then args (lens NULL: C strings). NULL when Redis
 * is unreachable; the caller frees the reply. */
static redisReply *notify_eval(redis_conn *r, const char *script, int nkeys,
                               const char *const *keys, int nargs, const char *const *args,
                               const size_t *arglens)
{
	const char *argv[24];
	size_t lens[24];
	char nk[8];
	int argc = 0;
	snprintf(nk, sizeof nk, "%d", nkeys);
	argv[argc] = "EVAL", lens[argc++] = 4;
	argv[argc] = script, lens[argc++] = strlen(script);
	argv[argc] = nk, lens[argc++] = strlen(nk);
	for (int i = 0; i < nkeys; i++)
		argv[argc] = keys[i], lens[argc++] = strlen(keys[i]);
	for (int i = 0; i < nargs; i++)
		argv[argc] = args[i], lens[argc++] = arglens ? arglens[i] : strlen(args[i]);
	return redis_cmd(r, argc, argv, lens);
}

/* ---- set-up ------------------------------------------------------------------------ */

const char *const notify_sms_provider_names[] = {"dev", "http", "none", NULL};

/* One provider of kind for place name ("primary", "secondary"), with http's settings; NULL
 * after a log line when it cannot be built. */
static notify_sms_provider *notify_sms_build(struct notify_app *app, const char *name, int kind,
                                             notify_sms_http_config *http)
{
	char fault[1100];
	if (kind == NOTIFY_SMS_DEV) {
		/* The sink holds codes in clear: never in production. */
		if (!config_is_development(app->common)) {
			log_kv(LOGL_ERROR, NULL,
			       "SMS provider dev is refused when PLATFORM_MODE is production",
			       "provider", name, NULL);
			return NULL;
		}
		snprintf(fault, sizeof fault, "%s/sms/fault-%s", app->common->var_dir, name);
		return notify_sms_dev_new(name, app->sink_path, fault);
	}
	const struct {
		const char *env, *val;
	} need[] = {{"SMS_HTTP_URL", http->url},
	            {"SMS_HTTP_KEY_ID", http->key_id},
	            {"SMS_HTTP_SECRET", http->secret},
	            {"SMS_SIGN_NAME", app->http.sign_name}};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
		if (!need[i].val || !*need[i].val) {
			log_kv(LOGL_ERROR, NULL, "the http SMS provider needs a setting",
			       "variable", need[i].env, "provider", name, NULL);
			return NULL;
		}
	}
	if (!app->curl_ready) {
		if (httpc_global_init() != ST_OK)
			return NULL;
		app->curl_ready = 1;
	}
	http->sign_name = app->http.sign_name;
	http->timeout_ms = app->http_timeout_ms;
	return notify_sms_http_new(name, http);
}

int notify_sms_setup(struct notify_app *app)
{
	int dev = config_is_development(app->common);
	int kind = app->sms_provider >= 0 ? app->sms_provider
	           : dev                  ? NOTIFY_SMS_DEV
	                                  : NOTIFY_SMS_HTTP;
	snprintf(app->sink_path, sizeof app->sink_path, "%s/sms/outbox.jsonl",
	         app->common->var_dir);
	if (kind == NOTIFY_SMS_NONE) {
		log_kv(LOGL_ERROR, NULL, "SMS_PROVIDER=none: a primary SMS provider is required",
		       NULL);
		return ST_INTERNAL;
	}
	if (!(app->sms = notify_sms_build(app, "primary", kind, &app->http)))
		return ST_INTERNAL;
	/* The secondary: empty is a second sandbox in development, none in production. */
	int kind2 = app->sms2_provider >= 0 ? app->sms2_provider
	            : dev                   ? NOTIFY_SMS_DEV
	                                    : NOTIFY_SMS_NONE;
	if (kind2 != NOTIFY_SMS_NONE &&
	    !(app->sms2 = notify_sms_build(app, "secondary", kind2, &app->http2)))
		return ST_INTERNAL;
	log_kv(LOGL_INFO, NULL, "sms providers ready", "primary", notify_sms_provider_names[kind],
	       "secondary", kind2 == NOTIFY_SMS_NONE ? "none" : notify_sms_provider_names[kind2],
	       NULL);
	return ST_OK;
}

int notify_sms_send_failover(struct notify_app *app, const notify_sms_msg *m,
                             const char *request_id, notify_sms_tried_fn tried, void *arg)
{
	notify_sms_provider *ps[] = {app->sms, app->sms2};
	int rv = NOTIFY_SEND_FAILED;
	for (size_t i = 0; i < 2; i++) {
		if (!ps[i])
			continue;
		rv = ps[i]->send(ps[i], m, request_id);
		if (tried)
			tried(arg, ps[i]->name, rv);
		if (rv == 0)
			return 0;
	}
	return rv;
}

void notify_sms_teardown(struct notify_app *app)
{
	if (app->sms)
		app->sms->free(app->sms);
	app->sms = NULL;
	if (app->sms2)
		app->sms2->free(app->sms2);
	app->sms2 = NULL;
	if (app->curl_ready)
		httpc_global_cleanup();
	app->curl_ready = 0;
}

/* Remembers which provider took a code (its name is static). */
static void notify_code_tried(void *arg, const char *provider, int outcome)
{
	if (outcome == 0)
		*(const char **)arg = provider;
}

/* ---- shared by both handlers ------------------------------------------------------- */

/* Checks phone and purpose; ST_OK with *p, or the error with its field. */
static int notify_sms_args(const char *phone, const char *purpose, const notify_sms_purpose **p)
{
	if (!phone || !*phone)
		return status_err(ST_FIELD_REQUIRED, "phone");
	if (validate_mobile(phone) != 0)
		return status_err(ST_MOBILE_INVALID, "phone");
	if (!purpose || !*purpose)
		return status_err(ST_FIELD_REQUIRED, "purpose");
	if (!(*p = notify_sms_purpose_find(purpose)))
		return status_err(ST_SMS_PURPOSE_INVALID, "purpose");
	return ST_OK;
}

/* The code's key for (purpose, phone hash). */
static void notify_code_key(char out[128], const char *purpose, const char *phone_hash)
{
	snprintf(out, 128, NOTIFY_KEY_PREFIX "code:%s:%s", purpose, phone_hash);
}

/* The HMAC a code is compared by, bound to its purpose and phone so that equal
 * codes of two people do not look alike. */
static int notify_code_mac(const crypto_keys *k, const char *purpose, const char *phone_hash,
                           const char *code, char out[65])
{
	char in[256];
	snprintf(in, sizeof in, "sms-code:%s:%s:%.64s", purpose, phone_hash, code ? code : "");
	return crypto_lookup_hash(k, in, out);
}

/* ---- IssueSmsCode ------------------------------------------------------------------ */

/* Six digits, uniform: values at or above the largest multiple of 10^6 that fits
 * in 32 bits are drawn again, so no code is likelier than another. */
static int notify_code_new(char out[7])
{
	uint32_t v;
	do {
		if (crypto_random_bytes(&v, sizeof v) != 0)
			return -1;
	} while (v >= 4294000000u);
	snprintf(out, 7, "%06u", (unsigned)(v % 1000000u));
	return 0;
}

static const int notify_refusals[] = {0, ST_SMS_TOO_FREQUENT, ST_SMS_HOURLY_LIMIT,
                                      ST_SMS_DAILY_LIMIT, ST_SMS_IP_LIMIT};

int notify_sms_issue(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Notify__IssueSmsCodeRequest *in = (const Notify__IssueSmsCodeRequest *)in_;
	struct notify_app *app = NOTIFY_APP(ctx);
	const notify_sms_purpose *purpose = NULL;
	char phone_hash[65], ip_hash[65] = "-", code[7] = "", mac[65] = "", masked[16];
	char k_gap[128], k_hour[128], k_day[128], k_ip[128], k_code[128];
	char gap_ms[16], hour_max[8], hour_end[24], day_max[8], day_end[24], ip_max[8], tries[8];
	char ttl[16];
	unsigned char *sealed = NULL;
	size_t sealed_len = 0;
	redisReply *rep = NULL;
	int reused = 0, give_back = 0, rv;

	if ((rv = notify_sms_args(in->phone, in->purpose, &purpose)) != ST_OK)
		return rv;
	if (!ctx->redis) {
		log_kv(LOGL_ERROR, ctx->request_id, "no Redis connection (REDIS_URL)", NULL);
		return status_err(ST_UNAVAILABLE, NULL);
	}
	validate_mask_mobile(in->phone, masked);
	const char *ip = ctx->caller->client_ip;
	int use_ip = ip && *ip;
	if (crypto_lookup_hash(&app->keys, in->phone, phone_hash) != 0 ||
	    (use_ip && crypto_lookup_hash(&app->keys, ip, ip_hash) != 0))
		return status_err(ST_INTERNAL, NULL);
	snprintf(k_gap, sizeof k_gap, NOTIFY_KEY_PREFIX "gap:%s", phone_hash);
	snprintf(k_hour, sizeof k_hour, NOTIFY_KEY_PREFIX "hour:%s", phone_hash);
	snprintf(k_day, sizeof k_day, NOTIFY_KEY_PREFIX "day:%s", phone_hash);
	snprintf(k_ip, sizeof k_ip, NOTIFY_KEY_PREFIX "ip:%s", ip_hash);
	notify_code_key(k_code, purpose->name, phone_hash);

	int64_t now = bus_now_ms();
	notify_sms_windows w;
	notify_sms_windows_at(now, &w);
	snprintf(gap_ms, sizeof gap_ms, "%d", NOTIFY_SMS_GAP_S * 1000);
	snprintf(hour_max, sizeof hour_max, "%d", NOTIFY_SMS_PER_HOUR);
	snprintf(hour_end, sizeof hour_end, "%lld", (long long)w.hour_end_ms);
	snprintf(day_max, sizeof day_max, "%d", NOTIFY_SMS_PER_DAY);
	snprintf(day_end, sizeof day_end, "%lld", (long long)w.day_end_ms);
	snprintf(ip_max, sizeof ip_max, "%d", NOTIFY_SMS_PER_IP_DAY);
	snprintf(tries, sizeof tries, "%d", NOTIFY_SMS_MAX_TRIES);
	snprintf(ttl, sizeof ttl, "%d", NOTIFY_SMS_CODE_TTL_S * 1000);
	/* The new code is made and sealed first: the script stores it with the units it
	 * takes, before anything is sent. */
	if (notify_code_new(code) != 0 ||
	    notify_code_mac(&app->keys, purpose->name, phone_hash, code, mac) != 0 ||
	    crypto_seal(&app->keys, code, 6, NOTIFY_SEAL_AAD, &sealed, &sealed_len) != 0) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	const char *keys[] = {k_gap, k_hour, k_day, k_ip, k_code};
	const char *args[] = {gap_ms, hour_max,           hour_end, day_max, day_end,
	                      ip_max, use_ip ? "1" : "0", tries,    mac,     (const char *)sealed,
	                      ttl};
	const size_t lens[] = {strlen(gap_ms),
	                       strlen(hour_max),
	                       strlen(hour_end),
	                       strlen(day_max),
	                       strlen(day_end),
	                       strlen(ip_max),
	                       1,
	                       strlen(tries),
	                       strlen(mac),
	                       sealed_len,
	                       strlen(ttl)};
	rep = notify_eval(ctx->redis, notify_lua_reserve, 5, keys, 11, args, lens);
	if (!rep) {
		rv = status_err(ST_UNAVAILABLE, NULL);
		goto out;
	}
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 2 ||
	    rep->element[0]->type != REDIS_REPLY_INTEGER ||
	    rep->element[1]->type != REDIS_REPLY_INTEGER || rep->element[0]->integer < 0 ||
	    rep->element[0]->integer > 4) {
		log_kv(LOGL_ERROR, ctx->request_id, "sms limit script failed", "error",
		       rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply", NULL);
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	long long refusal = rep->element[0]->integer;
	if (refusal) {
		int code_st = notify_refusals[refusal];
		int64_t until = refusal == 1   ? now + rep->element[1]->integer
		                : refusal == 2 ? w.hour_end_ms
		                               : w.day_end_ms;
		int wait = notify_sms_wait_s(now, until);
		char msg[256];
		notify_sms_refusal_text(code_st, wait, msg, sizeof msg);
		/* The message says how long to wait: dynamic. */
		rv = status_errmsg(code_st, refusal == 4 ? NULL : "phone", msg);
		status_set_retry_after(wait);
		goto out;
	}
	/* From here until the provider accepts, a failure gives the units back and drops
	 * the new code. */
	give_back = 1;

	/* Within its validity a resend repeats the code (DOMAIN.md), so a person who
	 * receives the first SMS late can still use it. */
	if (rep->elements >= 3 && rep->element[2]->type == REDIS_REPLY_STRING) {
		char *plain = NULL;
		size_t plain_len = 0;
		reused = 1;
		if (crypto_open(&app->keys, (const unsigned char *)rep->element[2]->str,
		                rep->element[2]->len, NOTIFY_SEAL_AAD, &plain, &plain_len) == 0 &&
		    plain_len == 6)
			memcpy(code, plain, 7);
		else
			code[0] = '\0';
		if (plain)
			OPENSSL_cleanse(plain, plain_len);
		free(plain);
		if (!code[0]) {
			/* The stored code cannot be read back: send none rather than another. */
			rv = status_err(ST_INTERNAL, NULL);
			goto out;
		}
	}
	freeReplyObject(rep);
	rep = NULL;

	char text[512];
	notify_sms_code_text(purpose, app->http.sign_name, code, text, sizeof text);
	const notify_sms_param params[] = {{"code", code}};
	notify_sms_msg m = {.phone = in->phone,
	                    .purpose = purpose->name,
	                    .text = text,
	                    .template_id = purpose->template_id,
	                    .params = params,
	                    .nparams = 1};
	/* Synchronous, as the person waits for the code, but over both providers. */
	const char *by = NULL;
	int sent = notify_sms_send_failover(app, &m, ctx->request_id, notify_code_tried, &by);
	OPENSSL_cleanse(text, sizeof text);
	if (sent != 0) {
		rv = status_err(ST_SMS_SEND_FAILED, NULL);
		goto out;
	}
	give_back = 0; /* sent, and its code already stored: it counts */
	log_kv(LOGL_INFO, ctx->request_id, "sms code sent", "phone", masked, "purpose",
	       purpose->name, "provider", by, "repeated", reused ? "yes" : "no", NULL);

	Notify__IssueSmsCodeResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	notify__issue_sms_code_response__init(resp);
	resp->phone_masked = arena_strdup(ctx->arena, masked);
	resp->has_expires_in = 1;
	resp->expires_in = NOTIFY_SMS_CODE_TTL_S;
	resp->has_resend_after = 1;
	resp->resend_after = NOTIFY_SMS_GAP_S;
	*out = &resp->base;
	rv = ST_CREATED;
out:
	if (give_back) {
		/* Nothing was sent: the attempt must not count against the person, and the
		 * new code nobody received must not stay valid. */
		const char *rkeys[] = {k_gap, k_hour, k_day, k_ip, k_code};
		const char *rargs[] = {use_ip ? "1" : "0", reused ? "" : mac};
		redisReply *r2 =
		        notify_eval(ctx->redis, notify_lua_release, 5, rkeys, 2, rargs, NULL);
		if (!r2 || r2->type == REDIS_REPLY_ERROR)
			log_kv(LOGL_ERROR, ctx->request_id, "sms units not given back", "phone",
			       masked, "error", r2 ? r2->str : "redis unreachable", NULL);
		if (r2)
			freeReplyObject(r2);
	}
	OPENSSL_cleanse(code, sizeof code);
	free(sealed);
	if (rep)
		freeReplyObject(rep);
	return rv;
}

/* ---- VerifySmsCode ----------------------------------------------------------------- */

int notify_sms_verify(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Notify__VerifySmsCodeRequest *in = (const Notify__VerifySmsCodeRequest *)in_;
	struct notify_app *app = NOTIFY_APP(ctx);
	const notify_sms_purpose *purpose = NULL;
	char phone_hash[65], mac[65], k_code[128], tries[8];
	int rv;

	if ((rv = notify_sms_args(in->phone, in->purpose, &purpose)) != ST_OK)
		return rv;
	if (!in->code || !*in->code)
		return status_err(ST_FIELD_REQUIRED, "sms_code");
	if (!ctx->redis) {
		log_kv(LOGL_ERROR, ctx->request_id, "no Redis connection (REDIS_URL)", NULL);
		return status_err(ST_UNAVAILABLE, NULL);
	}
	if (crypto_lookup_hash(&app->keys, in->phone, phone_hash) != 0 ||
	    notify_code_mac(&app->keys, purpose->name, phone_hash, in->code, mac) != 0)
		return status_err(ST_INTERNAL, NULL);
	notify_code_key(k_code, purpose->name, phone_hash);
	snprintf(tries, sizeof tries, "%d", NOTIFY_SMS_MAX_TRIES);
	const char *keys[] = {k_code};
	const char *args[] = {mac, in->has_consume && in->consume ? "1" : "0", tries};
	redisReply *rep = notify_eval(ctx->redis, notify_lua_verify, 1, keys, 3, args, NULL);
	if (!rep)
		return status_err(ST_UNAVAILABLE, NULL);
	long long verdict = rep->type == REDIS_REPLY_INTEGER ? rep->integer : -1;
	if (verdict < 0)
		log_kv(LOGL_ERROR, ctx->request_id, "sms verify script failed", "error",
		       rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply", NULL);
	freeReplyObject(rep);
	switch (verdict) {
	case 0:
		break;
	case 1:
		return status_err(ST_SMS_CODE_WRONG, "sms_code");
	case 2:
		return status_err(ST_SMS_CODE_EXPIRED, "sms_code");
	case 3:
		return status_err(ST_SMS_CODE_TRIES, "sms_code");
	default:
		return status_err(ST_INTERNAL, NULL);
	}
	Notify__VerifySmsCodeResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	notify__verify_sms_code_response__init(resp);
	*out = &resp->base;
	return ST_OK;
}
