/*
 * Image captchas (see accounts.h): GetCaptcha draws a fresh answer (captcha_image.c)
 * and keeps it in Redis under "captcha:<id>" for CAPTCHA_TTL_S seconds; the first
 * check uses it up, right or wrong (GETDEL), so an answer cannot be guessed twice.
 * Answers are never logged; DevCaptcha reads one back in development mode only.
 */
#include "accounts.h"
#include "captcha_image.h"
#include "crypto.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

#define CAPTCHA_TTL_S    300
#define CAPTCHA_ID_BYTES 16
#define CAPTCHA_ID_LEN   22 /* base64url of 16 bytes, unpadded */
#define CAPTCHA_KEY_MAX  (sizeof "captcha:" + CAPTCHA_ID_LEN)

/* 1 when id has the shape of an id we issue: anything else never reaches Redis. */
static int captcha_id_valid(const char *id)
{
	size_t n = 0;
	if (!id)
		return 0;
	for (; id[n] && n <= CAPTCHA_ID_LEN; n++) {
		char c = id[n];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return n == CAPTCHA_ID_LEN;
}

static void captcha_key(const char *id, char key[CAPTCHA_KEY_MAX])
{
	snprintf(key, CAPTCHA_KEY_MAX, "captcha:%s", id);
}

int accounts_captcha_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	char id[CAPTCHA_ID_LEN + 1], key[CAPTCHA_KEY_MAX], ttl[16];
	char answer[CAPTCHA_IMAGE_CHARS + 1] = "";
	redisReply *rep = NULL;
	Accounts__CaptchaResponse *resp;
	size_t n;
	int rv = ST_OK;
	(void)in;
	if (!ctx->redis)
		return status_err(ST_UNAVAILABLE, NULL);

	captcha_image *img = arena_alloc(ctx->arena, sizeof *img);
	unsigned char *png = arena_alloc(ctx->arena, CAPTCHA_IMAGE_PNG_MAX);
	char *uri = arena_alloc(ctx->arena, CAPTCHA_IMAGE_DATA_URI_MAX);
	if (crypto_token(id, sizeof id, CAPTCHA_ID_BYTES) != 0 ||
	    captcha_image_answer(answer) != 0 || captcha_image_draw(img, answer) != 0 ||
	    (n = captcha_image_png(img, png, CAPTCHA_IMAGE_PNG_MAX)) == 0 ||
	    captcha_image_data_uri(png, n, uri, CAPTCHA_IMAGE_DATA_URI_MAX) == 0) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}

	captcha_key(id, key);
	snprintf(ttl, sizeof ttl, "%d", CAPTCHA_TTL_S);
	const char *set[] = {"SET", key, answer, "EX", ttl};
	rep = redis_cmd(ctx->redis, 5, set, NULL);
	if (!rep || rep->type != REDIS_REPLY_STATUS) {
		rv = status_err(ST_UNAVAILABLE, NULL);
		goto out;
	}

	resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__captcha_response__init(resp);
	resp->captcha_id = arena_strdup(ctx->arena, id);
	resp->image_png = uri;
	resp->has_expires_in = 1;
	resp->expires_in = CAPTCHA_TTL_S;
	*out = &resp->base;
out:
	if (rep)
		freeReplyObject(rep);
	explicit_bzero(answer, sizeof answer);
	return rv;
}

int accounts_captcha_check(svc_ctx *ctx, const char *captcha_id, const char *answer)
{
	char key[CAPTCHA_KEY_MAX], want[CAPTCHA_IMAGE_CHARS], got[CAPTCHA_IMAGE_CHARS];
	redisReply *rep = NULL;
	int rv;
	if (!captcha_id_valid(captcha_id))
		return status_err(ST_CAPTCHA_WRONG, "captcha_answer");
	if (!ctx->redis)
		return status_err(ST_UNAVAILABLE, NULL);

	/* Used up before the answer is even looked at: every check costs the captcha. */
	captcha_key(captcha_id, key);
	const char *getdel[] = {"GETDEL", key};
	rep = redis_cmd(ctx->redis, 2, getdel, NULL);
	if (!rep || rep->type == REDIS_REPLY_ERROR) {
		rv = status_err(ST_UNAVAILABLE, NULL);
		goto out;
	}
	/* Unknown or expired (nil), or a length that cannot match: lengths are not secret. */
	if (rep->type != REDIS_REPLY_STRING || rep->len != CAPTCHA_IMAGE_CHARS || !answer ||
	    strnlen(answer, CAPTCHA_IMAGE_CHARS + 1) != CAPTCHA_IMAGE_CHARS) {
		rv = status_err(ST_CAPTCHA_WRONG, "captcha_answer");
		goto out;
	}
	for (size_t i = 0; i < CAPTCHA_IMAGE_CHARS; i++) {
		char c = answer[i];
		got[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
		want[i] = rep->str[i];
	}
	rv = crypto_ct_equal(got, want, CAPTCHA_IMAGE_CHARS)
	             ? ST_OK
	             : status_err(ST_CAPTCHA_WRONG, "captcha_answer");
	explicit_bzero(got, sizeof got);
	explicit_bzero(want, sizeof want);
out:
	if (rep)
		freeReplyObject(rep);
	return rv;
}

int accounts_captcha_dev(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Accounts__DevCaptchaRequest *in = (const Accounts__DevCaptchaRequest *)in_;
	const struct accounts_app *app = ACCOUNTS_APP(ctx);
	char key[CAPTCHA_KEY_MAX];
	redisReply *rep = NULL;
	Accounts__DevCaptchaResponse *resp;
	int rv = ST_OK;
	if (!app || !app->development)
		return status_err(ST_NOT_FOUND, NULL);
	if (!captcha_id_valid(in->captcha_id))
		return status_err(ST_NOT_FOUND, "captcha_id");
	if (!ctx->redis)
		return status_err(ST_UNAVAILABLE, NULL);

	/* GET, not GETDEL: a test reads the answer, then submits it. */
	captcha_key(in->captcha_id, key);
	const char *get[] = {"GET", key};
	rep = redis_cmd(ctx->redis, 2, get, NULL);
	if (!rep || rep->type == REDIS_REPLY_ERROR) {
		rv = status_err(ST_UNAVAILABLE, NULL);
		goto out;
	}
	if (rep->type != REDIS_REPLY_STRING) {
		rv = status_err(ST_NOT_FOUND, "captcha_id");
		goto out;
	}
	resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__dev_captcha_response__init(resp);
	resp->answer = arena_strndup(ctx->arena, rep->str, rep->len);
	*out = &resp->base;
out:
	if (rep)
		freeReplyObject(rep);
	return rv;
}
