/* paysim as Alipay's open API gateway (/gateway.do): alipay.trade.page.pay (the browser is
 * sent to the pay page), alipay.trade.query, alipay.trade.refund and
 * alipay.data.dataservice.bill.downloadurl.query, each RSA2-signed by the app and checked;
 * answers signed over their "<method>_response" node with Alipay's key. */
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

#define ALI_MAX_PARAMS 40

typedef struct ali_params {
	const char *k[ALI_MAX_PARAMS];
	const char *v[ALI_MAX_PARAMS];
	size_t n;
} ali_params;

static int ali_parse(char *text, ali_params *p)
{
	p->n = 0;
	char *save = NULL;
	for (char *kv = strtok_r(text, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq || p->n == ALI_MAX_PARAMS)
			return -1;
		*eq = '\0';
		if (provider_urldecode(kv) || provider_urldecode(eq + 1))
			return -1;
		p->k[p->n] = kv;
		p->v[p->n++] = eq + 1;
	}
	return 0;
}

static const char *ali_get(const ali_params *p, const char *k)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->k[i], k) == 0)
			return p->v[i];
	return NULL;
}

/* {"<name>":node,"sign":"…"} with sign over node's exact text. */
static void ali_answer(paysim *s, struct evhttp_request *req, const char *method, json_t *node)
{
	char name[96];
	snprintf(name, sizeof name, "%s_response", method ? method : "error");
	for (char *c = name; *c; c++)
		if (*c == '.')
			*c = '_';
	char *text = json_dumps(node, JSON_COMPACT), *sig = NULL;
	if (provider_rsa_sign(s->ali_key, text, strlen(text), &sig))
		abort();
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "{\"%s\":%s,\"sign\":\"%s\"}", name, text, sig);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "application/json; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	free(text);
	free(sig);
}

static void ali_fail(paysim *s, struct evhttp_request *req, const char *method, const char *code,
                     const char *msg, const char *sub_code, const char *sub_msg)
{
	json_t *n = json_pack("{s:s, s:s, s:s, s:s}", "code", code, "msg", msg, "sub_code",
	                      sub_code, "sub_msg", sub_msg);
	ali_answer(s, req, method, n);
	json_decref(n);
}

/* The app's signature and app_id. */
static int ali_verify(paysim *s, const ali_params *p)
{
	const char *sign = ali_get(p, "sign"), *app = ali_get(p, "app_id"),
	           *type = ali_get(p, "sign_type");
	if (!sign || !app || strcmp(app, s->cfg.alipay_app_id) != 0 || !type ||
	    strcmp(type, "RSA2") != 0)
		return -1;
	char *content = provider_alipay_sign_content(p->k, p->v, p->n);
	int ok = provider_rsa_verify(s->ali_app_pub, content, strlen(content), sign);
	free(content);
	return ok ? 0 : -1;
}

static const char *ali_state(const sim_trade *t)
{
	if (t->state == SIM_SUCCESS)
		return "TRADE_SUCCESS";
	if (t->state == SIM_REFUND)
		return t->refunded_fen >= t->amount_fen ? "TRADE_CLOSED" : "TRADE_SUCCESS";
	return t->state == SIM_CLOSED ? "TRADE_CLOSED" : "WAIT_BUYER_PAY";
}

static void ali_page_pay(paysim *s, struct evhttp_request *req, const ali_params *p, json_t *biz)
{
	const char *no = json_string_value(json_object_get(biz, "out_trade_no"));
	const char *amount = json_string_value(json_object_get(biz, "total_amount"));
	const char *subject = json_string_value(json_object_get(biz, "subject"));
	int64_t fen = amount ? provider_yuan_to_fen(amount) : -1;
	if (!no || !subject || fen <= 0) {
		paysim_reply(req, 400, "text/plain; charset=utf-8", "参数错误", strlen("参数错误"));
		return;
	}
	sim_trade *t = paysim_trade_find(s, no);
	if (t && (t->provider != 'A' || t->amount_fen != fen)) {
		paysim_reply(req, 400, "text/plain; charset=utf-8", "交易信息被篡改",
		             strlen("交易信息被篡改"));
		return;
	}
	if (!t) {
		t = paysim_trade_add(s, 'A', no);
		t->amount_fen = fen;
		snprintf(t->description, sizeof t->description, "%s", subject);
		const char *nu = ali_get(p, "notify_url"), *ru = ali_get(p, "return_url");
		snprintf(t->notify_url, sizeof t->notify_url, "%s", nu ? nu : "");
		snprintf(t->return_url, sizeof t->return_url, "%s", ru ? ru : "");
	}
	char loc[640];
	snprintf(loc, sizeof loc, "%s/pay/%s", s->cfg.public_url, t->token);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location", loc);
	paysim_reply(req, 302, "text/plain", "", 0);
}

static void ali_query(paysim *s, struct evhttp_request *req, const char *m, json_t *biz)
{
	const char *no = json_string_value(json_object_get(biz, "out_trade_no"));
	sim_trade *t = no ? paysim_trade_find(s, no) : NULL;
	if (!t || t->provider != 'A') {
		ali_fail(s, req, m, "40004", "Business Failed", "ACQ.TRADE_NOT_EXIST",
		         "交易不存在");
		return;
	}
	char amount[32];
	provider_fen_to_yuan(t->amount_fen, amount, sizeof amount);
	json_t *n = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", "10000", "msg", "Success",
	                      "trade_no", t->transaction_id, "out_trade_no", t->out_trade_no,
	                      "trade_status", ali_state(t), "total_amount", amount);
	ali_answer(s, req, m, n);
	json_decref(n);
}

static void ali_refund(paysim *s, struct evhttp_request *req, const char *m, json_t *biz)
{
	const char *no = json_string_value(json_object_get(biz, "out_trade_no"));
	const char *rno = json_string_value(json_object_get(biz, "out_request_no"));
	const char *amount = json_string_value(json_object_get(biz, "refund_amount"));
	int64_t fen = amount ? provider_yuan_to_fen(amount) : -1;
	sim_trade *t = no ? paysim_trade_find(s, no) : NULL;
	if (!t || t->provider != 'A') {
		ali_fail(s, req, m, "40004", "Business Failed", "ACQ.TRADE_NOT_EXIST",
		         "交易不存在");
		return;
	}
	if (!rno || fen <= 0) {
		ali_fail(s, req, m, "40002", "Invalid Arguments", "isv.invalid-parameter",
		         "参数错误");
		return;
	}
	sim_refund *r = NULL;
	for (size_t i = 0; i < s->nrefunds; i++)
		if (s->trades[s->refunds[i].trade].provider == 'A' &&
		    strcmp(s->refunds[i].out_refund_no, rno) == 0 &&
		    &s->trades[s->refunds[i].trade] == t)
			r = &s->refunds[i];
	if (!r) {
		if (t->state != SIM_SUCCESS && t->state != SIM_REFUND) {
			ali_fail(s, req, m, "40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR",
			         "交易状态不合法");
			return;
		}
		if (t->refunded_fen + fen > t->amount_fen) {
			ali_fail(s, req, m, "40004", "Business Failed",
			         "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
			return;
		}
		if (s->nrefunds == s->cap_refunds) {
			s->cap_refunds = s->cap_refunds ? 2 * s->cap_refunds : 32;
			s->refunds = xrealloc(s->refunds, s->cap_refunds * sizeof *s->refunds);
		}
		r = &s->refunds[s->nrefunds++];
		memset(r, 0, sizeof *r);
		r->trade = (size_t)(t - s->trades);
		snprintf(r->out_refund_no, sizeof r->out_refund_no, "%s", rno);
		snprintf(r->refund_id, sizeof r->refund_id, "%s", rno);
		r->amount_fen = fen;
		r->fee_fen = t->amount_fen ? t->fee_fen * fen / t->amount_fen : 0;
		r->at = time(NULL);
		t->refunded_fen += fen;
		t->state = SIM_REFUND;
	}
	char refund[32];
	provider_fen_to_yuan(t->refunded_fen, refund, sizeof refund);
	json_t *n = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", "10000", "msg", "Success",
	                      "trade_no", t->transaction_id, "out_trade_no", t->out_trade_no,
	                      "fund_change", "Y", "refund_fee", refund);
	ali_answer(s, req, m, n);
	json_decref(n);
}

static void ali_bill_url(paysim *s, struct evhttp_request *req, const char *m, json_t *biz)
{
	const char *date = json_string_value(json_object_get(biz, "bill_date"));
	if (!date || strlen(date) != 10) {
		ali_fail(s, req, m, "40002", "Invalid Arguments", "isv.invalid-parameter",
		         "日期错误");
		return;
	}
	char url[640];
	snprintf(url, sizeof url, "%s/alipay/bill?bill_date=%s&token=%s", s->cfg.public_url, date,
	         s->bill_token);
	json_t *n = json_pack("{s:s, s:s, s:s}", "code", "10000", "msg", "Success",
	                      "bill_download_url", url);
	ali_answer(s, req, m, n);
	json_decref(n);
}

/* GET /gateway.do?… (page pay) or POST /gateway.do (form). */
void paysim_alipay(paysim *s, struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	size_t len = 0;
	char *text = NULL;
	if (cmd == EVHTTP_REQ_GET) {
		const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
		text = xstrdup(q ? q : "");
	} else {
		text = paysim_body(req, &len);
	}
	ali_params p;
	json_t *biz = NULL;
	const char *m = NULL;
	if (ali_parse(text, &p) != 0 || !(m = ali_get(&p, "method"))) {
		ali_fail(s, req, NULL, "40001", "Missing Required Arguments", "isv.missing-method",
		         "缺少方法名参数");
		goto out;
	}
	if (ali_verify(s, &p) != 0) {
		log_kv(LOGL_WARN, NULL, "alipay: request signature refused", "method", m, NULL);
		if (cmd == EVHTTP_REQ_GET)
			paysim_reply(req, 400, "text/plain; charset=utf-8", "验签出错",
			             strlen("验签出错"));
		else
			ali_fail(s, req, m, "40002", "Invalid Arguments", "isv.invalid-signature",
			         "验签出错");
		goto out;
	}
	const char *bc = ali_get(&p, "biz_content");
	biz = bc ? json_loads(bc, 0, NULL) : NULL;
	if (!json_is_object(biz)) {
		ali_fail(s, req, m, "40002", "Invalid Arguments", "isv.invalid-parameter",
		         "biz_content 错误");
		goto out;
	}
	if (strcmp(m, "alipay.trade.page.pay") == 0)
		ali_page_pay(s, req, &p, biz);
	else if (cmd != EVHTTP_REQ_POST)
		ali_fail(s, req, m, "40002", "Invalid Arguments", "isv.invalid-method",
		         "请用 POST");
	else if (strcmp(m, "alipay.trade.query") == 0)
		ali_query(s, req, m, biz);
	else if (strcmp(m, "alipay.trade.refund") == 0)
		ali_refund(s, req, m, biz);
	else if (strcmp(m, "alipay.data.dataservice.bill.downloadurl.query") == 0)
		ali_bill_url(s, req, m, biz);
	else
		ali_fail(s, req, m, "40002", "Invalid Arguments", "isv.invalid-method",
		         "不存在的方法名");
out:
	json_decref(biz);
	free(text);
}

/* GET /alipay/bill?bill_date=…&token=…: the day's trades and refunds. */
void paysim_alipay_bill(paysim *s, struct evhttp_request *req)
{
	const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	char *text = xstrdup(q ? q : "");
	ali_params p;
	const char *date = NULL, *token = NULL;
	if (ali_parse(text, &p) == 0) {
		date = ali_get(&p, "bill_date");
		token = ali_get(&p, "token");
	}
	if (!date || !token || strcmp(token, s->bill_token) != 0) {
		paysim_reply(req, 404, "text/plain", "", 0);
		free(text);
		return;
	}
	struct evbuffer *b = evbuffer_new();
	char yuan[32], fee[32], d[16];
	evbuffer_add_printf(b, "#支付宝业务明细查询\r\n#账号：%s\r\n", s->cfg.alipay_app_id);
	evbuffer_add_printf(
	        b, "支付宝交易号,商户订单号,业务类型,订单金额（元）,服务费（元）,退款请求号\r\n");
	for (size_t i = 0; i < s->ntrades; i++) {
		const sim_trade *t = &s->trades[i];
		if (t->provider != 'A' || !t->paid_at)
			continue;
		paysim_time_cst(t->paid_at, SIM_T_DATE, d, sizeof d);
		if (strcmp(d, date) != 0)
			continue;
		provider_fen_to_yuan(t->amount_fen, yuan, sizeof yuan);
		provider_fen_to_yuan(t->fee_fen, fee, sizeof fee);
		evbuffer_add_printf(b, "%s,%s,交易,%s,-%s,\r\n", t->transaction_id, t->out_trade_no,
		                    yuan, fee);
	}
	for (size_t i = 0; i < s->nrefunds; i++) {
		const sim_refund *r = &s->refunds[i];
		const sim_trade *t = &s->trades[r->trade];
		paysim_time_cst(r->at, SIM_T_DATE, d, sizeof d);
		if (t->provider != 'A' || strcmp(d, date) != 0)
			continue;
		provider_fen_to_yuan(r->amount_fen, yuan, sizeof yuan);
		provider_fen_to_yuan(r->fee_fen, fee, sizeof fee);
		evbuffer_add_printf(b, "%s,%s,退款,-%s,%s,%s\r\n", t->transaction_id,
		                    t->out_trade_no, yuan, fee, r->out_refund_no);
	}
	evbuffer_add_printf(b, "#业务明细列表结束\r\n");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "text/csv; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	free(text);
}
