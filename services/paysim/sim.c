/* paysim's trades, the pay page (支付 / 取消), the notifies of a payment and the control API
 * of the tests (paysim.h). */
#include "paysim.h"

#include "log.h"
#include "mem.h"
#include "../payments/provider.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void paysim_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[32];
	if (nbytes > sizeof raw || RAND_bytes(raw, (int)nbytes) != 1)
		abort();
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * nbytes] = '\0';
}

int64_t paysim_fee(const paysim *s, int64_t amount_fen)
{
	return (amount_fen * s->cfg.fee_bp + 5000) / 10000;
}

void paysim_time_cst(time_t t, int form, char *buf, size_t cap)
{
	time_t c = t + 8 * 3600;
	struct tm tm;
	gmtime_r(&c, &tm);
	if (form == SIM_T_RFC3339)
		strftime(buf, cap, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
	else if (form == SIM_T_DATETIME)
		strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm);
	else
		strftime(buf, cap, "%Y-%m-%d", &tm);
}

sim_trade *paysim_trade_find(paysim *s, const char *out_trade_no)
{
	for (size_t i = 0; i < s->ntrades; i++)
		if (strcmp(s->trades[i].out_trade_no, out_trade_no) == 0)
			return &s->trades[i];
	return NULL;
}

sim_trade *paysim_trade_by_token(paysim *s, const char *token)
{
	for (size_t i = 0; i < s->ntrades; i++)
		if (strcmp(s->trades[i].token, token) == 0)
			return &s->trades[i];
	return NULL;
}

sim_trade *paysim_trade_add(paysim *s, char kind, const char *out_trade_no)
{
	if (s->ntrades == s->cap_trades) {
		s->cap_trades = s->cap_trades ? 2 * s->cap_trades : 64;
		s->trades = xrealloc(s->trades, s->cap_trades * sizeof *s->trades);
	}
	sim_trade *t = &s->trades[s->ntrades++];
	memset(t, 0, sizeof *t);
	t->provider = kind;
	snprintf(t->out_trade_no, sizeof t->out_trade_no, "%s", out_trade_no);
	paysim_random_hex(t->token, 16);
	t->created = time(NULL);
	return t;
}

void paysim_reply(struct evhttp_request *req, int code, const char *ctype, const char *body,
                  size_t len)
{
	struct evbuffer *b = evbuffer_new();
	evbuffer_add(b, body, len);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", ctype);
	evhttp_send_reply(req, code, code < 300 ? "OK" : "Error", b);
	evbuffer_free(b);
}

char *paysim_body(struct evhttp_request *req, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	char *s = xmalloc(n + 1);
	evbuffer_copyout(in, s, n);
	s[n] = '\0';
	*len = n;
	return s;
}

/* AEAD_AES_256_GCM of plain under the APIv3 key: base64(ciphertext || tag). */
static char *sim_aead_encrypt(const char *key, const char *nonce, const char *aad,
                              const char *plain)
{
	size_t n = strlen(plain);
	unsigned char *ct = xmalloc(n + 16);
	int len = 0, fin = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (!c || EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)strlen(nonce), NULL) != 1 ||
	    EVP_EncryptInit_ex(c, NULL, NULL, (const unsigned char *)key,
	                       (const unsigned char *)nonce) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(c, ct, &len, (const unsigned char *)plain, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(c, ct + len, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, ct + n) != 1)
		abort();
	EVP_CIPHER_CTX_free(c);
	char *b64 = xmalloc(4 * ((n + 16 + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, ct, (int)(n + 16));
	free(ct);
	return b64;
}

/* A signature made by another key: what a forger (or a broken relay) sends. */
static void sim_spoil(char *sig)
{
	size_t n = strlen(sig);
	if (n > 8)
		sig[n / 2] = sig[n / 2] == 'A' ? 'B' : 'A';
}

static char *sim_header(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 3;
	char *h = xmalloc(n);
	snprintf(h, n, "%s: %s", name, value);
	return h;
}

static void sim_wechat_notify(paysim *s, const sim_trade *t, int bad_sig, int mismatch, sim_msg *m)
{
	char paid[40], created[40], nonce[13], hnonce[33], ts[24], id[37];
	paysim_time_cst(t->paid_at, SIM_T_RFC3339, paid, sizeof paid);
	paysim_time_cst(time(NULL), SIM_T_RFC3339, created, sizeof created);
	paysim_random_hex(nonce, 6);
	paysim_random_hex(hnonce, 16);
	paysim_random_hex(id, 18);
	json_t *tx = json_pack(
	        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:{s:I, s:I, s:s, s:s}}",
	        "appid", s->cfg.wechat_appid, "mchid", s->cfg.wechat_mchid, "out_trade_no",
	        t->out_trade_no, "transaction_id", t->transaction_id, "trade_type", "NATIVE",
	        "trade_state", "SUCCESS", "trade_state_desc", "支付成功", "success_time", paid,
	        "payer", "openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "amount", "total",
	        (json_int_t)(t->amount_fen + (mismatch ? 1 : 0)), "payer_total",
	        (json_int_t)(t->amount_fen + (mismatch ? 1 : 0)), "currency", "CNY",
	        "payer_currency", "CNY");
	char *plain = json_dumps(tx, JSON_COMPACT);
	json_decref(tx);
	char *ct = sim_aead_encrypt(s->cfg.wechat_apiv3_key, nonce, "transaction", plain);
	free(plain);
	json_t *env =
	        json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}}", "id", id,
	                  "create_time", created, "resource_type", "encrypt-resource", "event_type",
	                  "TRANSACTION.SUCCESS", "summary", "支付成功", "resource", "original_type",
	                  "transaction", "algorithm", "AEAD_AES_256_GCM", "ciphertext", ct,
	                  "associated_data", "transaction", "nonce", nonce);
	free(ct);
	m->body = json_dumps(env, JSON_COMPACT);
	json_decref(env);
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	char *msg = provider_wechat_answer_string(ts, hnonce, m->body, strlen(m->body)),
	     *sig = NULL;
	if (provider_rsa_sign(s->wx_platform, msg, strlen(msg), &sig))
		abort();
	free(msg);
	if (bad_sig)
		sim_spoil(sig);
	m->content_type = xstrdup("application/json");
	m->headers[0] = sim_header("Wechatpay-Timestamp", ts);
	m->headers[1] = sim_header("Wechatpay-Nonce", hnonce);
	m->headers[2] = sim_header("Wechatpay-Signature", sig);
	m->headers[3] = sim_header("Wechatpay-Serial", s->wx_platform_serial);
	free(sig);
}

static void sim_alipay_notify(paysim *s, const sim_trade *t, int bad_sig, int mismatch, sim_msg *m)
{
	char now[24], paid[24], created[24], amount[32], notify_id[33];
	paysim_time_cst(time(NULL), SIM_T_DATETIME, now, sizeof now);
	paysim_time_cst(t->paid_at, SIM_T_DATETIME, paid, sizeof paid);
	paysim_time_cst(t->created, SIM_T_DATETIME, created, sizeof created);
	provider_fen_to_yuan(t->amount_fen + (mismatch ? 1 : 0), amount, sizeof amount);
	paysim_random_hex(notify_id, 16);
	const char *k[] = {"notify_time",  "notify_type",  "notify_id",    "app_id",
	                   "charset",      "version",      "sign_type",    "trade_no",
	                   "out_trade_no", "trade_status", "total_amount", "receipt_amount",
	                   "subject",      "gmt_create",   "gmt_payment",  "sign"};
	const char *v[] = {now,
	                   "trade_status_sync",
	                   notify_id,
	                   s->cfg.alipay_app_id,
	                   "utf-8",
	                   "1.0",
	                   "RSA2",
	                   t->transaction_id,
	                   t->out_trade_no,
	                   "TRADE_SUCCESS",
	                   amount,
	                   amount,
	                   t->description,
	                   created,
	                   paid,
	                   NULL};
	size_t n = sizeof k / sizeof k[0];
	char *content = provider_alipay_sign_content(k, v, n - 1), *sig = NULL;
	if (provider_rsa_sign(s->ali_key, content, strlen(content), &sig))
		abort();
	free(content);
	if (bad_sig)
		sim_spoil(sig);
	v[n - 1] = sig;
	size_t cap = 256, len = 0;
	char *body = xmalloc(cap);
	body[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char *e = provider_urlencode(v[i]);
		size_t need = len + strlen(k[i]) + strlen(e) + 3;
		if (need > cap)
			body = xrealloc(body, cap = 2 * need);
		len += (size_t)snprintf(body + len, cap - len, "%s%s=%s", i ? "&" : "", k[i], e);
		free(e);
	}
	free(sig);
	m->body = body;
	m->content_type = xstrdup("application/x-www-form-urlencoded; charset=utf-8");
}

void paysim_notify_build(paysim *s, const sim_trade *t, int bad_sig, int mismatch, sim_msg *m)
{
	m->url = xstrdup(t->notify_url);
	m->bad = bad_sig;
	if (t->provider == 'W')
		sim_wechat_notify(s, t, bad_sig, mismatch, m);
	else
		sim_alipay_notify(s, t, bad_sig, mismatch, m);
}

void paysim_notify_paid(paysim *s, const sim_trade *t, const sim_script *sc)
{
	if (sc->never || !t->notify_url[0])
		return;
	for (int i = 0; i < sc->copies; i++) {
		sim_msg *m = xcalloc(1, sizeof *m);
		paysim_notify_build(s, t, sc->bad_sig, sc->mismatch, m);
		m->due_ms = paysim_now_ms() + sc->delay_ms + i * 50;
		snprintf(m->trade, sizeof m->trade, "%s", t->out_trade_no);
		paysim_deliver_push(m);
	}
}

static char *sim_html_escape(const char *in)
{
	size_t cap = strlen(in) * 6 + 1, n = 0;
	char *o = xmalloc(cap);
	for (const char *p = in; *p; p++) {
		const char *r = *p == '<'   ? "&lt;"
		                : *p == '>' ? "&gt;"
		                : *p == '&' ? "&amp;"
		                : *p == '"' ? "&quot;"
		                            : NULL;
		if (r) {
			memcpy(o + n, r, strlen(r));
			n += strlen(r);
		} else {
			o[n++] = *p;
		}
	}
	o[n] = '\0';
	return o;
}

static void sim_page(struct evhttp_request *req, int code, const sim_trade *t, const char *note)
{
	char amount[32];
	provider_fen_to_yuan(t->amount_fen, amount, sizeof amount);
	char *desc = sim_html_escape(t->description);
	const char *state = t->state == SIM_SUCCESS  ? "已支付"
	                    : t->state == SIM_REFUND ? "已退款"
	                    : t->state == SIM_CLOSED ? "已关闭"
	                                             : "待支付";
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b,
	                    "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
	                    "<title>%s收银台（模拟）</title></head><body>"
	                    "<h1>%s收银台（开发环境模拟）</h1>"
	                    "<p>商品：<span id=\"subject\">%s</span></p>"
	                    "<p>金额：¥<span id=\"amount\">%s</span></p>"
	                    "<p>订单号：%s</p><p>状态：<span id=\"state\">%s</span></p>%s%s%s",
	                    t->provider == 'W' ? "微信支付" : "支付宝",
	                    t->provider == 'W' ? "微信支付" : "支付宝", desc, amount,
	                    t->out_trade_no, state, note ? "<p id=\"note\">" : "", note ? note : "",
	                    note ? "</p>" : "");
	if (t->state == SIM_NOTPAY)
		evbuffer_add_printf(b,
		                    "<form method=\"post\" action=\"/pay/%s/pay\"><button "
		                    "id=\"pay\" type=\"submit\">支付</button></form>"
		                    "<form method=\"post\" action=\"/pay/%s/cancel\"><button "
		                    "id=\"cancel\" type=\"submit\">取消</button></form>",
		                    t->token, t->token);
	evbuffer_add_printf(b, "</body></html>");
	free(desc);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "text/html; charset=utf-8");
	evhttp_send_reply(req, code, "OK", b);
	evbuffer_free(b);
}

/* The controls a test may send with the pay action (JSON body; a browser's form sends none). */
static void sim_script_read(const char *body, size_t len, sim_script *sc)
{
	*sc = (sim_script){.copies = 1};
	json_t *o = len ? json_loadb(body, len, 0, NULL) : NULL;
	if (!json_is_object(o)) {
		json_decref(o);
		return;
	}
	const char *mode = json_string_value(json_object_get(o, "callbacks"));
	if (mode) {
		sc->never = strcmp(mode, "never") == 0;
		sc->bad_sig = strcmp(mode, "bad_signature") == 0;
		sc->mismatch = strcmp(mode, "amount_mismatch") == 0;
		if (strcmp(mode, "duplicate") == 0)
			sc->copies = 2;
	}
	json_t *c = json_object_get(o, "copies"), *d = json_object_get(o, "delay_ms");
	if (json_is_integer(c) && json_integer_value(c) >= 1 && json_integer_value(c) <= 20)
		sc->copies = (int)json_integer_value(c);
	if (json_is_integer(d) && json_integer_value(d) >= 0 && json_integer_value(d) <= 600000)
		sc->delay_ms = (long)json_integer_value(d);
	json_decref(o);
}

/* GET /pay/{token}; POST /pay/{token}/pay | /cancel. */
void paysim_pay_page(paysim *s, struct evhttp_request *req, const char *rest)
{
	char token[40] = "";
	const char *slash = strchr(rest, '/');
	size_t tl = slash ? (size_t)(slash - rest) : strlen(rest);
	if (tl >= sizeof token)
		tl = sizeof token - 1;
	memcpy(token, rest, tl);
	token[tl] = '\0';
	sim_trade *t = paysim_trade_by_token(s, token);
	if (!t) {
		paysim_reply(req, 404, "text/plain; charset=utf-8", "订单不存在",
		             strlen("订单不存在"));
		return;
	}
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	if (!slash || cmd == EVHTTP_REQ_GET) {
		sim_page(req, 200, t, NULL);
		return;
	}
	if (cmd != EVHTTP_REQ_POST) {
		paysim_reply(req, 405, "text/plain", "", 0);
		return;
	}
	if (strcmp(slash, "/cancel") == 0) {
		sim_page(req, 200, t, "已取消支付");
		return;
	}
	if (strcmp(slash, "/pay") != 0) {
		paysim_reply(req, 404, "text/plain", "", 0);
		return;
	}
	if (t->state != SIM_NOTPAY) {
		sim_page(req, 409, t, "该订单不能再支付");
		return;
	}
	size_t len = 0;
	char *body = paysim_body(req, &len);
	sim_script sc;
	sim_script_read(body, len, &sc);
	free(body);
	t->state = SIM_SUCCESS;
	t->paid_at = time(NULL);
	t->fee_fen = paysim_fee(s, t->amount_fen);
	char hex[21];
	paysim_random_hex(hex, 10);
	if (t->provider == 'W')
		snprintf(t->transaction_id, sizeof t->transaction_id, "42000%s", hex);
	else
		snprintf(t->transaction_id, sizeof t->transaction_id, "2026%s", hex);
	log_kv(LOGL_INFO, NULL, "paid", "out_trade_no", t->out_trade_no, "transaction_id",
	       t->transaction_id, NULL);
	paysim_notify_paid(s, t, &sc);
	sim_page(req, 200, t, "支付成功");
}

static void sim_trade_json(struct evhttp_request *req, const sim_trade *t)
{
	static const char *const states[] = {"NOTPAY", "SUCCESS", "CLOSED", "REFUND"};
	json_t *o =
	        json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "provider",
	                  t->provider == 'W' ? "wechat" : "alipay", "out_trade_no", t->out_trade_no,
	                  "transaction_id", t->transaction_id, "state", states[t->state],
	                  "amount_fen", (json_int_t)t->amount_fen, "refunded_fen",
	                  (json_int_t)t->refunded_fen, "fee_fen", (json_int_t)t->fee_fen);
	char *answers = paysim_answers_json(t->out_trade_no);
	json_object_set_new(o, "notify_answers", json_loads(answers, 0, NULL));
	free(answers);
	char *txt = json_dumps(o, JSON_COMPACT);
	paysim_reply(req, 200, "application/json", txt, strlen(txt));
	free(txt);
	json_decref(o);
}

/* A storm: every trade named gets `copies` distinct notifies, each sent `repeat` times, the
 * whole shuffled, bad_percent of the deliveries with a bad signature. */
static void sim_storm_start(paysim *s, struct evhttp_request *req, const char *body, size_t len)
{
	json_t *o = json_loadb(body, len, 0, NULL), *list = json_object_get(o, "out_trade_nos");
	json_t *c = json_object_get(o, "copies"), *r = json_object_get(o, "repeat"),
	       *b = json_object_get(o, "bad_percent");
	long copies = json_is_integer(c) ? (long)json_integer_value(c) : 1;
	long repeat = json_is_integer(r) ? (long)json_integer_value(r) : 1;
	long bad = json_is_integer(b) ? (long)json_integer_value(b) : 0;
	size_t nt = json_array_size(list);
	if (!json_is_array(list) || nt == 0 || nt > 1000 || copies < 1 || copies > 50 ||
	    repeat < 1 || repeat > 5 || bad < 0 || bad > 100) {
		json_decref(o);
		paysim_reply(req, 400, "application/json", "{\"error\":\"bad storm\"}", 21);
		return;
	}
	size_t total = nt * (size_t)copies * (size_t)repeat, k = 0;
	sim_msg **all = xcalloc(total, sizeof *all);
	for (size_t i = 0; i < nt; i++) {
		const char *no = json_string_value(json_array_get(list, i));
		sim_trade *t = no ? paysim_trade_find(s, no) : NULL;
		if (!t || t->state != SIM_SUCCESS)
			continue;
		for (long cp = 0; cp < copies; cp++) {
			sim_msg proto = {0};
			paysim_notify_build(s, t, 0, 0, &proto);
			for (long rp = 0; rp < repeat; rp++) {
				sim_msg *m = xcalloc(1, sizeof *m);
				m->url = xstrdup(proto.url);
				m->content_type = xstrdup(proto.content_type);
				m->body = xstrdup(proto.body);
				for (int h = 0; h < 4; h++)
					m->headers[h] =
					        proto.headers[h] ? xstrdup(proto.headers[h]) : NULL;
				all[k++] = m;
			}
			free(proto.url);
			free(proto.content_type);
			free(proto.body);
			for (int h = 0; h < 4; h++)
				free(proto.headers[h]);
		}
	}
	json_decref(o);
	/* Fisher-Yates with the CSPRNG; then the first bad_percent get bad signatures (a fresh
	 * notify signed wrongly, so the copy that stays good still arrives). */
	for (size_t i = k; i > 1; i--) {
		uint32_t x;
		RAND_bytes((unsigned char *)&x, sizeof x);
		size_t j = x % i;
		sim_msg *tmp = all[i - 1];
		all[i - 1] = all[j];
		all[j] = tmp;
	}
	size_t nbad = k * (size_t)bad / 100;
	for (size_t i = 0; i < nbad; i++) {
		char *sigh = all[i]->headers[2];
		if (sigh) {
			sim_spoil(sigh + strlen("Wechatpay-Signature: "));
		} else {
			/* Alipay: the sign parameter is the last one; spoil a byte of its value. */
			char *p = strstr(all[i]->body, "&sign=");
			if (p && strlen(p) > 20)
				p[12] = p[12] == 'A' ? 'B' : 'A';
		}
		all[i]->bad = 1;
	}
	sim_storm *st = paysim_storm_new(k);
	int64_t now = paysim_now_ms();
	for (size_t i = 0; i < k; i++) {
		all[i]->storm = st;
		all[i]->due_ms = now;
		paysim_deliver_push(all[i]);
	}
	free(all);
	char out[128];
	int n = snprintf(out, sizeof out, "{\"id\":%ld,\"deliveries\":%zu,\"bad\":%zu}",
	                 paysim_storm_id(st), k, nbad);
	paysim_reply(req, 202, "application/json", out, (size_t)n);
}

/* The tests' control API: GET /control/trades/{out_trade_no}; POST /control/storms;
 * GET /control/storms/{id}. */
void paysim_control(paysim *s, struct evhttp_request *req, const char *rest)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	if (strncmp(rest, "trades/", 7) == 0 && cmd == EVHTTP_REQ_GET) {
		sim_trade *t = paysim_trade_find(s, rest + 7);
		if (!t)
			paysim_reply(req, 404, "application/json", "{}", 2);
		else
			sim_trade_json(req, t);
		return;
	}
	if (strcmp(rest, "storms") == 0 && cmd == EVHTTP_REQ_POST) {
		size_t len = 0;
		char *body = paysim_body(req, &len);
		sim_storm_start(s, req, body, len);
		free(body);
		return;
	}
	if (strncmp(rest, "storms/", 7) == 0 && cmd == EVHTTP_REQ_GET) {
		char *end = NULL;
		long id = strtol(rest + 7, &end, 10);
		char *txt = end && !*end ? paysim_storm_json(id) : NULL;
		if (!txt) {
			paysim_reply(req, 404, "application/json", "{}", 2);
			return;
		}
		paysim_reply(req, 200, "application/json", txt, strlen(txt));
		free(txt);
		return;
	}
	paysim_reply(req, 404, "application/json", "{}", 2);
}
