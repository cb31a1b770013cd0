/* paysim as WeChat Pay API v3: Native orders, query, refunds, the trade bill and its download.
 * Every request must carry the merchant's valid WECHATPAY2-SHA256-RSA2048 Authorization (else
 * 401 SIGN_ERROR, as WeChat answers); every answer is signed with the platform key. */
#include "paysim.h"

#include "log.h"
#include "mem.h"
#include "../payments/provider.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Sends body signed as WeChat signs its answers. */
static void wx_answer(paysim *s, struct evhttp_request *req, int code, const char *body)
{
	char ts[24], nonce[33], rid[33];
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	paysim_random_hex(nonce, 16);
	paysim_random_hex(rid, 16);
	char *msg = provider_wechat_answer_string(ts, nonce, body, strlen(body)), *sig = NULL;
	if (provider_rsa_sign(s->wx_platform, msg, strlen(msg), &sig))
		abort();
	free(msg);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Wechatpay-Timestamp", ts);
	evhttp_add_header(h, "Wechatpay-Nonce", nonce);
	evhttp_add_header(h, "Wechatpay-Signature", sig);
	evhttp_add_header(h, "Wechatpay-Serial", s->wx_platform_serial);
	evhttp_add_header(h, "Request-ID", rid);
	free(sig);
	paysim_reply(req, code, "application/json", body, strlen(body));
}

static void wx_error(paysim *s, struct evhttp_request *req, int code, const char *ecode,
                     const char *message)
{
	json_t *o = json_pack("{s:s, s:s}", "code", ecode, "message", message);
	char *t = json_dumps(o, JSON_COMPACT);
	wx_answer(s, req, code, t);
	free(t);
	json_decref(o);
}

/* The value of key="…" in an Authorization header, into out. */
static int wx_auth_field(const char *auth, const char *key, char *out, size_t cap)
{
	char pat[32];
	snprintf(pat, sizeof pat, "%s=\"", key);
	const char *p = strstr(auth, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	const char *e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= cap)
		return -1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 0;
}

/* The merchant's signature over "METHOD\nURL\ntimestamp\nnonce\nbody\n". */
static int wx_check_auth(paysim *s, struct evhttp_request *req, const char *method,
                         const char *body)
{
	const char *auth =
	        evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
	char mchid[64], nonce[64], sig[1024], ts[32], serial[128];
	const char *scheme = "WECHATPAY2-SHA256-RSA2048 ";
	if (!auth || strncmp(auth, scheme, strlen(scheme)) != 0 ||
	    wx_auth_field(auth, "mchid", mchid, sizeof mchid) ||
	    wx_auth_field(auth, "nonce_str", nonce, sizeof nonce) ||
	    wx_auth_field(auth, "signature", sig, sizeof sig) ||
	    wx_auth_field(auth, "timestamp", ts, sizeof ts) ||
	    wx_auth_field(auth, "serial_no", serial, sizeof serial))
		return -1;
	char *end = NULL;
	long long t = strtoll(ts, &end, 10);
	if (!end || *end || llabs((long long)time(NULL) - t) > 300)
		return -1;
	if (strcmp(mchid, s->cfg.wechat_mchid) != 0 ||
	    strcasecmp(serial, s->cfg.wechat_mch_serial) != 0)
		return -1;
	char *msg = provider_wechat_request_string(method, evhttp_request_get_uri(req), ts, nonce,
	                                           body);
	int ok = provider_rsa_verify(s->wx_mch_pub, msg, strlen(msg), sig);
	free(msg);
	return ok ? 0 : -1;
}

static const char *wx_state(int st)
{
	static const char *const names[] = {"NOTPAY", "SUCCESS", "CLOSED", "REFUND"};
	return names[st];
}

static void wx_native(paysim *s, struct evhttp_request *req, const char *body, size_t len)
{
	json_t *o = json_loadb(body, len, 0, NULL);
	const char *appid = json_string_value(json_object_get(o, "appid"));
	const char *mchid = json_string_value(json_object_get(o, "mchid"));
	const char *desc = json_string_value(json_object_get(o, "description"));
	const char *no = json_string_value(json_object_get(o, "out_trade_no"));
	const char *notify = json_string_value(json_object_get(o, "notify_url"));
	json_t *total = json_object_get(json_object_get(o, "amount"), "total");
	if (!appid || !mchid || !desc || !no || !notify || !json_is_integer(total) ||
	    json_integer_value(total) <= 0 || strlen(no) < 6 || strlen(no) > 32) {
		wx_error(s, req, 400, "PARAM_ERROR", "参数错误");
		goto out;
	}
	if (strcmp(appid, s->cfg.wechat_appid) != 0 || strcmp(mchid, s->cfg.wechat_mchid) != 0) {
		wx_error(s, req, 400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配");
		goto out;
	}
	sim_trade *t = paysim_trade_find(s, no);
	if (t && (t->provider != 'W' || t->amount_fen != json_integer_value(total))) {
		wx_error(s, req, 400, "INVALID_REQUEST", "201 商户订单号重复");
		goto out;
	}
	if (t && t->state != SIM_NOTPAY) {
		wx_error(s, req, 400, "ORDERPAID", "该订单已支付");
		goto out;
	}
	if (!t) {
		t = paysim_trade_add(s, 'W', no);
		t->amount_fen = json_integer_value(total);
		snprintf(t->description, sizeof t->description, "%s", desc);
		snprintf(t->notify_url, sizeof t->notify_url, "%s", notify);
	}
	char ans[640];
	snprintf(ans, sizeof ans, "{\"code_url\":\"%s/pay/%s\"}", s->cfg.public_url, t->token);
	wx_answer(s, req, 200, ans);
out:
	json_decref(o);
}

static void wx_query(paysim *s, struct evhttp_request *req, const char *no)
{
	char buf[96];
	snprintf(buf, sizeof buf, "%s", no);
	char *q = strchr(buf, '?');
	if (q)
		*q = '\0';
	provider_urldecode(buf);
	sim_trade *t = paysim_trade_find(s, buf);
	if (!t || t->provider != 'W') {
		wx_error(s, req, 404, "ORDER_NOT_EXIST", "订单不存在");
		return;
	}
	char paid[40] = "";
	if (t->paid_at)
		paysim_time_cst(t->paid_at, SIM_T_RFC3339, paid, sizeof paid);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:I, s:s}}", "appid",
	                      s->cfg.wechat_appid, "mchid", s->cfg.wechat_mchid, "out_trade_no",
	                      t->out_trade_no, "transaction_id", t->transaction_id, "trade_state",
	                      wx_state(t->state), "success_time", paid, "amount", "total",
	                      (json_int_t)t->amount_fen, "payer_total", (json_int_t)t->amount_fen,
	                      "currency", "CNY");
	char *txt = json_dumps(o, JSON_COMPACT);
	wx_answer(s, req, 200, txt);
	free(txt);
	json_decref(o);
}

static void wx_refund(paysim *s, struct evhttp_request *req, const char *body, size_t len)
{
	json_t *o = json_loadb(body, len, 0, NULL);
	const char *no = json_string_value(json_object_get(o, "out_trade_no"));
	const char *rno = json_string_value(json_object_get(o, "out_refund_no"));
	json_t *amount = json_object_get(o, "amount");
	json_t *refund = json_object_get(amount, "refund"),
	       *total = json_object_get(amount, "total");
	sim_trade *t = no ? paysim_trade_find(s, no) : NULL;
	if (!rno || !json_is_integer(refund) || !json_is_integer(total) ||
	    json_integer_value(refund) <= 0) {
		wx_error(s, req, 400, "PARAM_ERROR", "参数错误");
		goto out;
	}
	if (!t || t->provider != 'W') {
		wx_error(s, req, 404, "RESOURCE_NOT_EXISTS", "订单不存在");
		goto out;
	}
	sim_refund *r = NULL;
	for (size_t i = 0; i < s->nrefunds; i++)
		if (strcmp(s->refunds[i].out_refund_no, rno) == 0)
			r = &s->refunds[i];
	if (!r) {
		if (t->state != SIM_SUCCESS && t->state != SIM_REFUND) {
			wx_error(s, req, 400, "INVALID_REQUEST", "订单未支付，不能退款");
			goto out;
		}
		if (json_integer_value(total) != t->amount_fen ||
		    t->refunded_fen + json_integer_value(refund) > t->amount_fen) {
			wx_error(s, req, 400, "INVALID_REQUEST", "退款金额超过订单可退金额");
			goto out;
		}
		if (s->nrefunds == s->cap_refunds) {
			s->cap_refunds = s->cap_refunds ? 2 * s->cap_refunds : 32;
			s->refunds = xrealloc(s->refunds, s->cap_refunds * sizeof *s->refunds);
		}
		r = &s->refunds[s->nrefunds++];
		memset(r, 0, sizeof *r);
		r->trade = (size_t)(t - s->trades);
		snprintf(r->out_refund_no, sizeof r->out_refund_no, "%s", rno);
		char hex[21];
		paysim_random_hex(hex, 10);
		snprintf(r->refund_id, sizeof r->refund_id, "50300%s", hex);
		r->amount_fen = json_integer_value(refund);
		/* The fee goes back in proportion (what WeChat does for a refund). */
		r->fee_fen = t->amount_fen ? t->fee_fen * r->amount_fen / t->amount_fen : 0;
		r->at = time(NULL);
		t->refunded_fen += r->amount_fen;
		t->state = SIM_REFUND;
	}
	json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:I, s:I, s:s}}", "refund_id",
	                      r->refund_id, "out_refund_no", r->out_refund_no, "transaction_id",
	                      t->transaction_id, "out_trade_no", t->out_trade_no, "status",
	                      "SUCCESS", "amount", "refund", (json_int_t)r->amount_fen, "total",
	                      (json_int_t)t->amount_fen, "currency", "CNY");
	char *txt = json_dumps(a, JSON_COMPACT);
	wx_answer(s, req, 200, txt);
	free(txt);
	json_decref(a);
out:
	json_decref(o);
}

static int wx_same_day(time_t t, const char *date)
{
	char d[16];
	paysim_time_cst(t, SIM_T_DATE, d, sizeof d);
	return strcmp(d, date) == 0;
}

/* The bill of one day, in WeChat's form: every field behind a back quote. */
static void wx_bill_file(paysim *s, struct evhttp_request *req, const char *date)
{
	struct evbuffer *b = evbuffer_new();
	char yuan[32], fee[32], refund[32], when[24];
	int64_t n = 0, sum = 0, rsum = 0, fsum = 0;
	evbuffer_add_printf(b, "交易时间,公众账号ID,商户号,微信订单号,商户订单号,交易状态,"
	                       "应结订单金额,退款金额,微信退款单号,商户退款单号,手续费\r\n");
	for (size_t i = 0; i < s->ntrades; i++) {
		const sim_trade *t = &s->trades[i];
		if (t->provider != 'W' || !t->paid_at || !wx_same_day(t->paid_at, date))
			continue;
		paysim_time_cst(t->paid_at, SIM_T_DATETIME, when, sizeof when);
		provider_fen_to_yuan(t->amount_fen, yuan, sizeof yuan);
		provider_fen_to_yuan(t->fee_fen, fee, sizeof fee);
		evbuffer_add_printf(b, "`%s,`%s,`%s,`%s,`%s,`SUCCESS,`%s,`0.00,`,`,`%s\r\n", when,
		                    s->cfg.wechat_appid, s->cfg.wechat_mchid, t->transaction_id,
		                    t->out_trade_no, yuan, fee);
		n++, sum += t->amount_fen, fsum += t->fee_fen;
	}
	for (size_t i = 0; i < s->nrefunds; i++) {
		const sim_refund *r = &s->refunds[i];
		const sim_trade *t = &s->trades[r->trade];
		if (!wx_same_day(r->at, date))
			continue;
		paysim_time_cst(r->at, SIM_T_DATETIME, when, sizeof when);
		provider_fen_to_yuan(t->amount_fen, yuan, sizeof yuan);
		provider_fen_to_yuan(r->amount_fen, refund, sizeof refund);
		provider_fen_to_yuan(r->fee_fen, fee, sizeof fee);
		evbuffer_add_printf(b, "`%s,`%s,`%s,`%s,`%s,`REFUND,`%s,`%s,`%s,`%s,`-%s\r\n", when,
		                    s->cfg.wechat_appid, s->cfg.wechat_mchid, t->transaction_id,
		                    t->out_trade_no, yuan, refund, r->refund_id, r->out_refund_no,
		                    fee);
		n++, rsum += r->amount_fen, fsum -= r->fee_fen;
	}
	provider_fen_to_yuan(sum, yuan, sizeof yuan);
	provider_fen_to_yuan(rsum, refund, sizeof refund);
	provider_fen_to_yuan(fsum, fee, sizeof fee);
	evbuffer_add_printf(
	        b, "总交易单数,应结订单总金额,退款总金额,手续费总金额\r\n`%lld,`%s,`%s,`%s\r\n",
	        (long long)n, yuan, refund, fee);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "text/plain; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static int wx_date_param(const char *uri, char *date)
{
	const char *p = strstr(uri, "bill_date=");
	if (!p || strlen(p + 10) < 10)
		return -1;
	memcpy(date, p + 10, 10);
	date[10] = '\0';
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? date[i] != '-' : (date[i] < '0' || date[i] > '9'))
			return -1;
	return 0;
}

void paysim_wechat(paysim *s, struct evhttp_request *req, const char *path)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const char *method = cmd == EVHTTP_REQ_POST ? "POST" : cmd == EVHTTP_REQ_GET ? "GET" : "";
	size_t len = 0;
	char *body = paysim_body(req, &len);
	if (!*method || wx_check_auth(s, req, method, body) != 0) {
		log_kv(LOGL_WARN, NULL, "wechat: request signature refused", "path", path, NULL);
		wx_error(s, req, 401, "SIGN_ERROR", "签名错误");
		goto out;
	}
	const char *uri = evhttp_request_get_uri(req);
	char date[11];
	if (cmd == EVHTTP_REQ_POST && strcmp(path, "/v3/pay/transactions/native") == 0)
		wx_native(s, req, body, len);
	else if (cmd == EVHTTP_REQ_GET &&
	         strncmp(path, "/v3/pay/transactions/out-trade-no/", 34) == 0)
		wx_query(s, req, uri + 34);
	else if (cmd == EVHTTP_REQ_POST && strcmp(path, "/v3/refund/domestic/refunds") == 0)
		wx_refund(s, req, body, len);
	else if (cmd == EVHTTP_REQ_GET && strcmp(path, "/v3/bill/tradebill") == 0) {
		if (wx_date_param(uri, date)) {
			wx_error(s, req, 400, "PARAM_ERROR", "bill_date 格式错误");
		} else {
			char ans[512];
			snprintf(ans, sizeof ans,
			         "{\"hash_type\":\"SHA1\",\"hash_value\":\"\",\"download_url\":"
			         "\"%s/v3/billdownload/file?bill_date=%s&token=%s\"}",
			         s->cfg.public_url, date, s->bill_token);
			wx_answer(s, req, 200, ans);
		}
	} else if (cmd == EVHTTP_REQ_GET && strcmp(path, "/v3/billdownload/file") == 0 &&
	           wx_date_param(uri, date) == 0)
		wx_bill_file(s, req, date);
	else
		wx_error(s, req, 404, "NOT_FOUND", "接口不存在");
out:
	free(body);
}
