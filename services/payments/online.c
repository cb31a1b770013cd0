/*
 * payments, online payment (online.h): the payer's start (a pay link per (intent, method),
 * reused while pending), the QR code, the providers' notifies, the query of a payment whose
 * notify did not come, the refund of a late success, and the online refunders.
 *
 * A notify is trusted only after its signature verifies (the provider adapter) AND its
 * out_trade_no names one of our attempts of that method AND its amount is that attempt's;
 * then payments_credit_tx credits it once per (method, transaction id), so duplicates and a
 * notify racing the query are harmless. Calls to a provider are never made inside a
 * transaction: what must survive a crash between the two (a refund owed) is written first
 * and retried by the tick.
 */
#include "online.h"

#include "caller.h"
#include "change.h"
#include "files.pb-c.h"
#include "httpc.h"
#include "jobs.h"
#include "log.h"
#include "mem.h"
#include "payments.h"
#include "status.h"
#include "validate.h"

#include <cairo.h>
#include <jansson.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

online_config online_cfg;
static provider *online_wechat, *online_alipay;

const provider *online_provider(const char *method)
{
	if (!method)
		return NULL;
	if (strcmp(method, "wechat") == 0)
		return online_wechat;
	if (strcmp(method, "alipay") == 0)
		return online_alipay;
	return NULL;
}

static int64_t online_fee(const char *method, int64_t amount_fen)
{
	long bp =
	        strcmp(method, "wechat") == 0 ? online_cfg.wechat_fee_bp : online_cfg.alipay_fee_bp;
	return (amount_fen * bp + 5000) / 10000;
}

/* ---- one statement in its own change ------------------------------------------------ */

struct online_stmt {
	const char *sql;
	int n;
	const char *const *vals;
};

static int online_stmt_tx(svc_ctx *ctx, void *arg)
{
	struct online_stmt *s = arg;
	return change_exec(ctx, s->sql, s->n, s->vals, NULL);
}

static int online_exec(svc_ctx *ctx, const char *sql, int n, const char *const *vals)
{
	struct online_stmt s = {sql, n, vals};
	return change_run(ctx, online_stmt_tx, &s);
}

/* ---- refunds through the provider ----------------------------------------------------- */

struct refund_rec {
	payments_refund r;
	const char *out_refund_no, *refund_id;
};

static int online_refund_tx(svc_ctx *ctx, void *arg)
{
	struct refund_rec *x = arg;
	int rv = payments_refund_record_tx(ctx, &x->r);
	if (rv != ST_OK)
		return rv;
	const char *v[] = {x->out_refund_no, x->refund_id};
	return change_exec(ctx,
	                   "UPDATE online_refunds SET state = 'succeeded', refund_id = $2,"
	                   " settled_at = now() WHERE out_refund_no = $1 AND state = 'pending'",
	                   2, v, NULL);
}

/* Asks the provider for the refund out_refund_no (written before), then records it. Safe to
 * repeat: the provider knows the number, and the record is once per refund id. */
static int online_refund_execute(svc_ctx *ctx, const char *out_refund_no)
{
	PGresult *r = NULL;
	char *refund_id = NULL;
	const char *v[] = {out_refund_no};
	int rv = db_exec(ctx->db,
	                 "SELECT f.out_trade_no, f.intent_id::text, f.amount_fen::text, f.reason,"
	                 " a.method, a.amount_fen::text, f.state FROM online_refunds f"
	                 " JOIN online_attempts a USING (out_trade_no) WHERE f.out_refund_no = $1",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) == 0 || strcmp(PQgetvalue(r, 0, 6), "succeeded") == 0) {
		rv = PQntuples(r) == 0 ? status_err(ST_NOT_FOUND, NULL) : ST_OK;
		goto out;
	}
	const char *method = PQgetvalue(r, 0, 4);
	const provider *p = online_provider(method);
	int64_t amount = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	int64_t total = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
	if (!p) {
		rv = status_err(ST_PAY_ONLINE_UNCONFIGURED, "method");
		goto out;
	}
	rv = p->ops->refund(p, PQgetvalue(r, 0, 0), out_refund_no, amount, total,
	                    PQgetvalue(r, 0, 3), &refund_id);
	if (rv != ST_OK) {
		log_kv(LOGL_WARN, ctx->request_id, "online refund not accepted by the provider",
		       "method", method, "out_refund_no", out_refund_no, "code",
		       status_code_name(rv), NULL);
		online_exec(ctx,
		            "UPDATE online_refunds SET tries = tries + 1 WHERE out_refund_no = $1",
		            1, v);
		rv = status_err(rv, NULL);
		goto out;
	}
	struct refund_rec x = {.r = {.intent_id = PQgetvalue(r, 0, 1),
	                             .method = method,
	                             .external_refund_id = refund_id,
	                             .amount_fen = amount,
	                             .reason = PQgetvalue(r, 0, 3),
	                             .actor = arena_printf(ctx->arena, "provider:%s", method)},
	                       .out_refund_no = out_refund_no,
	                       .refund_id = refund_id};
	rv = change_run(ctx, online_refund_tx, &x);
out:
	free(refund_id);
	PQclear(r);
	return rv;
}

/* The refunder of an online method (payments_refunder): the intent's latest succeeded
 * attempt of that method is refunded under a number derived from refund_key. */
static int online_refund(svc_ctx *ctx, const char *method, const char *intent_id,
                         int64_t amount_fen, const char *reason, const char *refund_key)
{
	PGresult *r = NULL;
	const char *v[] = {intent_id, method};
	int rv =
	        db_exec(ctx->db,
	                "SELECT out_trade_no FROM online_attempts WHERE intent_id = $1::uuid"
	                " AND method = $2 AND state = 'succeeded' ORDER BY settled_at DESC LIMIT 1",
	                2, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) == 0) {
		PQclear(r);
		return status_err(ST_PAY_NOTHING_RECEIVED, "id");
	}
	unsigned char md[SHA256_DIGEST_LENGTH];
	char *seed = arena_printf(ctx->arena, "%s|%s|%s", method, intent_id, refund_key);
	SHA256((const unsigned char *)seed, strlen(seed), md);
	char no[40] = "RF";
	for (int i = 0; i < 15; i++)
		snprintf(no + 2 + 2 * i, 3, "%02X", md[i]);
	char amount[24];
	snprintf(amount, sizeof amount, "%lld", (long long)amount_fen);
	const char *iv[] = {no, PQgetvalue(r, 0, 0), intent_id, amount, reason ? reason : "退款"};
	rv = online_exec(ctx,
	                 "INSERT INTO online_refunds (out_refund_no, out_trade_no, intent_id,"
	                 " amount_fen, reason) VALUES ($1, $2, $3::uuid, $4::bigint, $5)"
	                 " ON CONFLICT (out_refund_no) DO NOTHING",
	                 5, iv);
	PQclear(r);
	return rv != ST_OK ? rv : online_refund_execute(ctx, no);
}

static int online_refund_wechat(svc_ctx *ctx, const char *intent_id, int64_t amount_fen,
                                const char *reason, const char *refund_key)
{
	return online_refund(ctx, "wechat", intent_id, amount_fen, reason, refund_key);
}

static int online_refund_alipay(svc_ctx *ctx, const char *intent_id, int64_t amount_fen,
                                const char *reason, const char *refund_key)
{
	return online_refund(ctx, "alipay", intent_id, amount_fen, reason, refund_key);
}

/* ---- settling a paid trade -------------------------------------------------------------- */

struct settle {
	payments_credit c;
	const char *out_trade_no;
	payments_credit_result res;
	int refund;
};

static int online_settle_tx(svc_ctx *ctx, void *arg)
{
	struct settle *x = arg;
	PGresult *r = NULL;
	const char *av[] = {x->out_trade_no};
	/* One trade is paid once: another transaction named for a settled trade is money the
	 * provider does not hold (its own replay is the same transaction, credited once). The
	 * attempt's row lock orders two notifies of one trade. */
	int rv = change_exec(ctx,
	                     "SELECT transaction_id FROM online_attempts WHERE out_trade_no = $1"
	                     " FOR UPDATE",
	                     1, av, &r);
	if (rv != ST_OK)
		return rv;
	int other = PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) &&
	            strcmp(PQgetvalue(r, 0, 0), x->c.external_id) != 0;
	PQclear(r);
	if (other)
		return status_err(ST_PAY_NOTIFY_MISMATCH, "transaction_id");
	if ((rv = payments_credit_tx(ctx, &x->c, &x->res)) != ST_OK)
		return rv;
	const char *v[] = {x->out_trade_no, x->c.external_id};
	if ((rv = change_exec(ctx,
	                      "UPDATE online_attempts SET state = 'succeeded', transaction_id = $2,"
	                      " settled_at = coalesce(settled_at, now()) WHERE out_trade_no = $1"
	                      " AND state <> 'succeeded'",
	                      2, v, NULL)) != ST_OK)
		return rv;
	if (x->res.already || x->res.refund_due <= 0)
		return ST_OK;
	/* A closed or refunded intent (or one paid already) does not keep this money: the
	 * refund is owed from now on, asked of the provider after the commit. */
	char amount[24];
	snprintf(amount, sizeof amount, "%lld", (long long)x->res.refund_due);
	const char *iv[] = {x->out_trade_no, x->c.intent_id, amount};
	x->refund = 1;
	return change_exec(ctx,
	                   "INSERT INTO online_refunds (out_refund_no, out_trade_no, intent_id,"
	                   " amount_fen, reason) VALUES ('RL' || $1, $1, $2::uuid, $3::bigint,"
	                   " '支付单已关闭或已付清，迟到的支付原路退回') ON CONFLICT DO NOTHING",
	                   3, iv, NULL);
}

/* Credits a trade the provider reports paid (notify or query) to its attempt's intent. */
static int online_settle(svc_ctx *ctx, const char *method, const provider_trade *t)
{
	if (t->state != PROVIDER_TRADE_SUCCESS)
		return ST_OK;
	if (!t->transaction_id[0])
		return status_err(ST_PAY_NOTIFY_MALFORMED, "transaction_id");
	PGresult *r = NULL;
	const char *v[] = {t->out_trade_no, method};
	int rv = db_exec(ctx->db,
	                 "SELECT intent_id::text, amount_fen::text FROM online_attempts"
	                 " WHERE out_trade_no = $1 AND method = $2",
	                 2, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) == 0) {
		PQclear(r);
		return status_err(ST_PAY_NOTIFY_MISMATCH, "out_trade_no");
	}
	if (strtoll(PQgetvalue(r, 0, 1), NULL, 10) != t->amount_fen) {
		PQclear(r);
		return status_err(ST_PAY_NOTIFY_MISMATCH, "amount");
	}
	struct settle x = {.c = {.intent_id = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0)),
	                         .method = method,
	                         .external_id = t->transaction_id,
	                         .amount_fen = t->amount_fen,
	                         .fee_fen = online_fee(method, t->amount_fen),
	                         .actor = arena_printf(ctx->arena, "provider:%s", method)},
	                   .out_trade_no = t->out_trade_no};
	PQclear(r);
	if ((rv = change_run(ctx, online_settle_tx, &x)) != ST_OK)
		return rv;
	if (x.refund) {
		log_kv(LOGL_INFO, ctx->request_id, "late online payment: refunding", "method",
		       method, "out_trade_no", t->out_trade_no, NULL);
		char no[80];
		snprintf(no, sizeof no, "RL%s", t->out_trade_no);
		/* Not the notify's failure: the tick retries a refund the provider refused now. */
		online_refund_execute(ctx, no);
	}
	return ST_OK;
}

/* ---- the providers' notifies ---------------------------------------------------------- */

static int online_notify(svc_ctx *ctx, const char *method, const ProtobufCMessage *in,
                         ProtobufCMessage **out)
{
	const PaymentsOnline__NotifyRequest *q = (const PaymentsOnline__NotifyRequest *)in;
	const provider *p = online_provider(method);
	provider_trade t;
	memset(&t, 0, sizeof t);
	int rv = ST_PAY_ONLINE_UNCONFIGURED;
	if (p) {
		provider_notify n = {.body = (const char *)q->body.data,
		                     .body_len = q->has_body ? q->body.len : 0,
		                     .timestamp = q->header_wechatpay_timestamp,
		                     .nonce = q->header_wechatpay_nonce,
		                     .signature = q->header_wechatpay_signature,
		                     .serial = q->header_wechatpay_serial};
		rv = p->ops->notify(p, &n, &t);
		if (rv == ST_OK)
			rv = online_settle(ctx, method, &t);
	}
	if (rv != ST_OK)
		/* The request id ties this line to the gateway's access log; the body (the
		 * payer's data, the signature) stays out of it. */
		log_kv(LOGL_WARN, ctx->request_id, "payment notify refused", "method", method,
		       "code", status_code_name(rv), "out_trade_no",
		       t.out_trade_no[0] ? t.out_trade_no : NULL, NULL);
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	char *body = arena_alloc(ctx->arena, 256);
	int status = 500;
	const char *ctype = "text/plain";
	if (p)
		p->ops->notify_answer(rv, &status, &ctype, body, 256);
	else
		snprintf(body, 256, "{\"code\":\"FAIL\",\"message\":\"%s\"}", status_text(rv));
	d->content_type = (char *)ctype;
	d->has_data = 1;
	d->data.data = (uint8_t *)body;
	d->data.len = strlen(body);
	d->has_status = 1;
	d->status = status;
	*out = &d->base;
	return ST_OK;
}

int online_wechat_notify(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return online_notify(ctx, "wechat", in, out);
}

int online_alipay_notify(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return online_notify(ctx, "alipay", in, out);
}

/* ---- the payer's start ---------------------------------------------------------------- */

static PaymentsOnline__OnlinePayment *online_answer(svc_ctx *ctx, const char *intent_id,
                                                    const char *method, PGresult *r, int row)
{
	PaymentsOnline__OnlinePayment *o = arena_alloc(ctx->arena, sizeof *o);
	payments_online__online_payment__init(o);
	o->intent_id = arena_strdup(ctx->arena, intent_id);
	o->method = arena_strdup(ctx->arena, method);
	o->out_trade_no = arena_strdup(ctx->arena, PQgetvalue(r, row, 0));
	char *url = arena_strdup(ctx->arena, PQgetvalue(r, row, 1));
	if (strcmp(method, "wechat") == 0)
		o->code_url = url;
	else
		o->pay_url = url;
	o->has_amount_fen = 1;
	o->amount_fen = strtoll(PQgetvalue(r, row, 2), NULL, 10);
	o->state = arena_strdup(ctx->arena, PQgetvalue(r, row, 3));
	o->created_at = arena_strdup(ctx->arena, PQgetvalue(r, row, 4));
	return o;
}

static const char online_select[] =
        "SELECT out_trade_no, pay_url, amount_fen::text, state,"
        " to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"
        " FROM online_attempts";

struct start {
	const char *no, *intent_id, *method, *amount, *actor, *query_after;
};

static int online_start_tx(svc_ctx *ctx, void *arg)
{
	struct start *x = arg;
	const char *v[] = {x->no, x->intent_id, x->method, x->amount, x->query_after};
	int rv = change_exec(ctx,
	                     "INSERT INTO online_attempts (out_trade_no, intent_id, method,"
	                     " amount_fen, query_after) VALUES ($1, $2::uuid, $3, $4::bigint,"
	                     " now() + make_interval(secs => $5::int))",
	                     5, v, NULL);
	if (rv != ST_OK)
		return rv;
	json_t *detail = json_pack("{s:s, s:s, s:s}", "method", x->method, "out_trade_no", x->no,
	                           "amount_fen", x->amount);
	rv = change_record(ctx, x->actor,
	                   arena_printf(ctx->arena, "payment_intent/%s", x->intent_id),
	                   "online.started", detail, NULL);
	return rv;
}

int online_start_payment(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const PaymentsOnline__StartOnlineRequest *q =
	        (const PaymentsOnline__StartOnlineRequest *)in;
	Payments__Intent *it = NULL;
	PGresult *r = NULL;
	const char *pid = NULL;
	int rv = payments_payer_check(ctx, q->id);
	if (rv != ST_OK || (rv = payments_intent_load(ctx, q->id, 0, &it)) != ST_OK)
		return rv;
	caller_person(ctx, &pid);
	if (!q->method || (strcmp(q->method, "wechat") != 0 && strcmp(q->method, "alipay") != 0))
		return status_err(ST_PAY_METHOD_UNKNOWN, "method");
	int allowed = 0;
	for (size_t i = 0; i < it->n_methods; i++)
		allowed |= strcmp(it->methods[i], q->method) == 0;
	if (!allowed)
		return status_err(ST_PAY_METHOD_NOT_ALLOWED, "method");
	if (!it->state || strcmp(it->state, "open") != 0 || it->due_fen <= 0)
		return status_err(ST_PAY_NOT_OPEN, "id");
	const provider *p = online_provider(q->method);
	if (!p)
		return status_err(ST_PAY_ONLINE_UNCONFIGURED, "method");
	char amount[24];
	snprintf(amount, sizeof amount, "%lld", (long long)it->due_fen);
	/* A pending link for the same amount is shown again: one trade per attempt. */
	const char *v[] = {it->id, q->method, amount};
	if ((rv = db_exec(ctx->db,
	                  arena_printf(ctx->arena,
	                               "%s WHERE intent_id = $1::uuid AND method = $2 AND"
	                               " amount_fen = $3::bigint AND state = 'pending' AND"
	                               " pay_url IS NOT NULL ORDER BY created_at DESC LIMIT 1",
	                               online_select),
	                  3, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) == 1) {
		*out = &online_answer(ctx, it->id, q->method, r, 0)->base;
		PQclear(r);
		return ST_OK;
	}
	PQclear(r);
	r = NULL;
	char no[40], stamp[20], hex[11];
	time_t now = time(NULL) + 8 * 3600;
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
	unsigned char raw[5];
	if (RAND_bytes(raw, sizeof raw) != 1)
		return status_err(ST_INTERNAL, NULL);
	for (int i = 0; i < 5; i++)
		snprintf(hex + 2 * i, 3, "%02X", raw[i]);
	snprintf(no, sizeof no, "PO%s%s", stamp, hex);
	struct start x = {no,
	                  it->id,
	                  q->method,
	                  amount,
	                  arena_printf(ctx->arena, "person:%s", pid ? pid : ""),
	                  arena_printf(ctx->arena, "%ld", online_cfg.query_after_s)};
	if ((rv = change_run(ctx, online_start_tx, &x)) != ST_OK)
		return rv;
	char *notify_url = arena_printf(ctx->arena, "%s/api/v1/payments/notify/%s",
	                                online_cfg.notify_base_url, q->method);
	provider_order o = {.out_trade_no = no,
	                    .description = it->purpose ? it->purpose : "平台服务费",
	                    .amount_fen = it->due_fen,
	                    .notify_url = notify_url,
	                    .return_url = online_cfg.return_url};
	char *url = NULL;
	const char *nv[] = {no};
	if ((rv = p->ops->create(p, &o, &url)) != ST_OK) {
		log_kv(LOGL_WARN, ctx->request_id, "online payment not created by the provider",
		       "method", q->method, "code", status_code_name(rv), NULL);
		online_exec(ctx,
		            "UPDATE online_attempts SET state = 'failed' WHERE out_trade_no = $1",
		            1, nv);
		return status_err(rv, "method");
	}
	const char *uv[] = {no, url};
	rv = online_exec(ctx, "UPDATE online_attempts SET pay_url = $2 WHERE out_trade_no = $1", 2,
	                 uv);
	free(url);
	if (rv != ST_OK)
		return rv;
	if ((rv = db_exec(ctx->db,
	                  arena_printf(ctx->arena, "%s WHERE out_trade_no = $1", online_select), 1,
	                  nv, &r)) != ST_OK)
		return status_err(rv, NULL);
	*out = &online_answer(ctx, it->id, q->method, r, 0)->base;
	PQclear(r);
	return ST_CREATED;
}

/* ---- the QR code ----------------------------------------------------------------------- */

struct png_buf {
	unsigned char *data;
	size_t len, cap;
};

static cairo_status_t online_png_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct png_buf *b = closure;
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

int online_qr(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const PaymentsOnline__QrRequest *q = (const PaymentsOnline__QrRequest *)in;
	PGresult *r = NULL;
	int rv = payments_payer_check(ctx, q->id);
	if (rv != ST_OK)
		return rv;
	const char *v[] = {q->id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT pay_url FROM online_attempts WHERE intent_id = $1::uuid AND"
	                  " method = 'wechat' AND state = 'pending' AND pay_url IS NOT NULL"
	                  " ORDER BY created_at DESC LIMIT 1",
	                  1, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) == 0) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "id");
	}
	QRcode *qr = QRcode_encodeString(PQgetvalue(r, 0, 0), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	PQclear(r);
	if (!qr)
		return status_err(ST_INTERNAL, NULL);
	const int scale = 8, margin = 4, side = (qr->width + 2 * margin) * scale;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				cairo_rectangle(cr, (x + margin) * scale, (y + margin) * scale,
				                scale, scale);
	cairo_fill(cr);
	cairo_destroy(cr);
	QRcode_free(qr);
	struct png_buf b = {0};
	cairo_status_t st = cairo_surface_write_to_png_stream(s, online_png_write, &b);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		free(b.data);
		return status_err(ST_INTERNAL, NULL);
	}
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->content_type = "image/png";
	d->has_data = 1;
	d->data.data = arena_alloc(ctx->arena, b.len);
	memcpy(d->data.data, b.data, b.len);
	d->data.len = b.len;
	free(b.data);
	*out = &d->base;
	return ST_OK;
}

/* ---- development: closing a test intent ------------------------------------------------- */

static int online_dev_close_tx(svc_ctx *ctx, void *arg)
{
	const char *id = arg;
	const char *v[] = {id};
	int rv = change_guard(ctx, ST_PAY_NOT_OPEN, "state",
	                      "UPDATE intents SET state = 'closed', closed_at = now(), updated_at ="
	                      " now() WHERE id = $1::uuid AND owner = 'dev' AND state = 'open' AND"
	                      " received_fen = 0",
	                      1, v, NULL);
	return rv != ST_OK ? rv
	                   : payments_intent_record(ctx, id, "closed", "service:dev",
	                                            "payment_intent.closed");
}

int online_dev_close(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const PaymentsOnline__DevCloseRequest *q = (const PaymentsOnline__DevCloseRequest *)in;
	if (!PAYMENTS_APP(ctx)->development)
		return status_err(ST_NOT_FOUND, NULL);
	if (!q->id || !validate_uuid(q->id))
		return status_err(ST_NOT_FOUND, "id");
	int rv = change_run(ctx, online_dev_close_tx, (void *)q->id);
	if (rv != ST_OK)
		return rv;
	PaymentsOnline__DevClosed *o = arena_alloc(ctx->arena, sizeof *o);
	payments_online__dev_closed__init(o);
	o->id = q->id;
	o->state = "closed";
	*out = &o->base;
	return ST_OK;
}

/* ---- start and tick ---------------------------------------------------------------------- */

int online_start(svc_ctx *ctx)
{
	(void)ctx;
	if (online_cfg.wechat_key_file[0]) {
		provider_wechat_config w = {.base_url = online_cfg.wechat_base_url,
		                            .mchid = online_cfg.wechat_mchid,
		                            .appid = online_cfg.wechat_appid,
		                            .serial_no = online_cfg.wechat_serial,
		                            .key_file = online_cfg.wechat_key_file,
		                            .platform_cert_file =
		                                    online_cfg.wechat_platform_cert_file,
		                            .apiv3_key = online_cfg.wechat_apiv3_key,
		                            .timeout_ms = online_cfg.timeout_ms};
		if (provider_wechat_open(&w, &online_wechat) != ST_OK) {
			log_kv(LOGL_ERROR, NULL,
			       "WeChat Pay not usable: check PAY_WECHAT_KEY_FILE, "
			       "PAY_WECHAT_PLATFORM_CERT_FILE and PAY_WECHAT_APIV3_KEY (32 "
			       "characters)",
			       NULL);
			return ST_INTERNAL;
		}
		payments_refunder_register("wechat", online_refund_wechat);
	}
	if (online_cfg.alipay_key_file[0]) {
		provider_alipay_config a = {.gateway_url = online_cfg.alipay_gateway_url,
		                            .app_id = online_cfg.alipay_app_id,
		                            .key_file = online_cfg.alipay_key_file,
		                            .public_key_file = online_cfg.alipay_public_key_file,
		                            .timeout_ms = online_cfg.timeout_ms};
		if (provider_alipay_open(&a, &online_alipay) != ST_OK) {
			log_kv(LOGL_ERROR, NULL,
			       "Alipay not usable: check PAY_ALIPAY_KEY_FILE and "
			       "PAY_ALIPAY_PUBLIC_KEY_FILE",
			       NULL);
			return ST_INTERNAL;
		}
		payments_refunder_register("alipay", online_refund_alipay);
	}
	if ((online_wechat || online_alipay) && httpc_global_init() != ST_OK)
		return ST_INTERNAL;
	return ST_OK;
}

struct closed {
	const char *no, *intent_id, *method;
};

/* The provider closed an unpaid attempt (expired, or the payer's payment failed): the attempt
 * is closed and the owner told (payments.payment.failed); the intent stays open. */
static int online_closed_tx(svc_ctx *ctx, void *arg)
{
	struct closed *c = arg;
	const char *v[] = {c->no};
	int rv = change_guard(ctx, ST_CONFLICT, "out_trade_no",
	                      "UPDATE online_attempts SET state = 'closed', settled_at = now()"
	                      " WHERE out_trade_no = $1 AND state = 'pending'",
	                      1, v, NULL);
	if (rv != ST_OK)
		return rv;
	return payments_intent_record(ctx, c->intent_id, "failed",
	                              arena_printf(ctx->arena, "provider:%s", c->method),
	                              "payment_intent.online_failed");
}

/* Attempts whose notify has not come by query_after: asked of the provider, each claimed by
 * moving its query_after (doubling, at most an hour), so replicas do not ask twice. */
static void online_query_due(svc_ctx *ctx)
{
	PGresult *r = NULL;
	const char *v[] = {arena_printf(ctx->arena, "%ld", online_cfg.query_after_s)};
	if (db_exec(ctx->db,
	            "UPDATE online_attempts SET queries = queries + 1, query_after = now() +"
	            " make_interval(secs => least(3600, $1::int * power(2, least(queries, 12))))"
	            " WHERE out_trade_no IN (SELECT out_trade_no FROM online_attempts"
	            " WHERE state = 'pending' AND query_after <= now() ORDER BY query_after"
	            " LIMIT 20 FOR UPDATE SKIP LOCKED) RETURNING out_trade_no, method,"
	            " intent_id::text",
	            1, v, &r) != ST_OK)
		return;
	for (int i = 0; i < PQntuples(r); i++) {
		const char *no = PQgetvalue(r, i, 0), *method = PQgetvalue(r, i, 1);
		const provider *p = online_provider(method);
		provider_trade t;
		if (!p || p->ops->query(p, no, &t) != ST_OK)
			continue;
		if (t.state == PROVIDER_TRADE_SUCCESS) {
			int rv = online_settle(ctx, method, &t);
			log_kv(rv == ST_OK ? LOGL_INFO : LOGL_WARN, NULL,
			       "online payment settled by query", "method", method, "out_trade_no",
			       no, "code", status_code_name(rv), NULL);
		} else if (t.state == PROVIDER_TRADE_CLOSED || t.state == PROVIDER_TRADE_FAILED) {
			struct closed c = {no, PQgetvalue(r, i, 2), method};
			change_run(ctx, online_closed_tx, &c);
		}
	}
	PQclear(r);
}

static void online_refunds_retry(svc_ctx *ctx)
{
	PGresult *r = NULL;
	if (db_exec(ctx->db,
	            "SELECT out_refund_no FROM online_refunds WHERE state = 'pending' AND"
	            " created_at < now() - interval '10 seconds' AND tries < 50"
	            " ORDER BY created_at LIMIT 10",
	            0, NULL, &r) != ST_OK)
		return;
	for (int i = 0; i < PQntuples(r); i++)
		online_refund_execute(ctx, PQgetvalue(r, i, 0));
	PQclear(r);
}

/* Yesterday's statements, once a day (jobs_claim), from PAY_RECON_HOUR China time. */
static void online_recon_daily(svc_ctx *ctx)
{
	PGresult *r = NULL;
	if (!online_wechat && !online_alipay)
		return;
	if (db_exec(ctx->db,
	            "SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai')::date - 1, 'YYYY-MM-DD'),"
	            " extract(hour FROM now() AT TIME ZONE 'Asia/Shanghai')::int",
	            0, NULL, &r) != ST_OK)
		return;
	char day[11];
	snprintf(day, sizeof day, "%s", PQgetvalue(r, 0, 0));
	long hour = strtol(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	if (hour < online_cfg.recon_hour || jobs_claim(ctx->db, "payments.reconcile", day) != 1)
		return;
	PaymentsOnline__ReconRuns *runs = NULL;
	int rv = online_reconcile(ctx, day, &runs);
	jobs_finish(ctx->db, "payments.reconcile", day,
	            rv == ST_OK ? "done" : status_code_name(rv));
}

int online_tick(svc_ctx *ctx)
{
	if (!online_wechat && !online_alipay)
		return 5000;
	online_query_due(ctx);
	online_refunds_retry(ctx);
	online_recon_daily(ctx);
	return 1000;
}
