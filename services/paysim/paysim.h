/*
 * paysim: the payment providers' simulator, a development tool (not a platform service). It
 * plays WeChat Pay API v3 and Alipay with its own keys: verifies the merchant's signatures and
 * refuses bad ones as the provider does, serves the pay page, keeps the trades, serves the
 * daily statements, and sends the asynchronous notifies — on request for tests duplicated,
 * delayed, with a bad signature, with a wrong amount, never, or as a shuffled storm.
 *
 * Threads: the event loop (every HTTP request; the only one touching trades) and the delivery
 * threads (deliver.c), which get finished messages through a queue and touch nothing else.
 */
#ifndef PAYSIM_H
#define PAYSIM_H

#include <event2/http.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct paysim_config {
	const char *public_url; /* how browsers and the merchant reach us */
	const char *wechat_mchid, *wechat_appid, *wechat_mch_serial, *wechat_apiv3_key;
	const char *wechat_platform_key_file, *wechat_platform_cert_file, *wechat_mch_pub_file;
	const char *alipay_app_id, *alipay_key_file, *alipay_app_pub_file;
	long fee_bp;
	long threads;
} paysim_config;

enum { SIM_NOTPAY, SIM_SUCCESS, SIM_CLOSED, SIM_REFUND };

/* How the notifies of one payment are sent (the pay action's controls). */
typedef struct sim_script {
	int copies;    /* deliveries of the notify (1; 2 = duplicated) */
	long delay_ms; /* before the first */
	int bad_sig;   /* signed wrongly */
	int never;     /* not sent at all */
	int mismatch;  /* the amount one fen more (signed correctly) */
} sim_script;

typedef struct sim_trade {
	char provider; /* 'W' WeChat, 'A' Alipay */
	char out_trade_no[65], token[33], transaction_id[40];
	char description[256], notify_url[512], return_url[512];
	int64_t amount_fen, refunded_fen, fee_fen;
	int state;
	time_t created, paid_at;
} sim_trade;

typedef struct sim_refund {
	size_t trade;
	char out_refund_no[65], refund_id[40];
	int64_t amount_fen, fee_fen;
	time_t at;
} sim_refund;

typedef struct paysim {
	paysim_config cfg;
	EVP_PKEY *wx_platform, *wx_mch_pub, *ali_key, *ali_app_pub;
	char *wx_platform_serial;
	char bill_token[33];
	sim_trade *trades;
	size_t ntrades, cap_trades;
	sim_refund *refunds;
	size_t nrefunds, cap_refunds;
} paysim;

/* sim.c: trades, the pay page, statements, notifies. */
sim_trade *paysim_trade_find(paysim *s, const char *out_trade_no);
sim_trade *paysim_trade_by_token(paysim *s, const char *token);
sim_trade *paysim_trade_add(paysim *s, char kind, const char *out_trade_no);
void paysim_random_hex(char *out, size_t nbytes); /* 2*nbytes hex digits + NUL */
int64_t paysim_fee(const paysim *s, int64_t amount_fen);
enum { SIM_T_RFC3339, SIM_T_DATETIME, SIM_T_DATE };
void paysim_time_cst(time_t t, int form, char *buf, size_t cap); /* China Standard Time */
/* Queues the notifies of a paid trade as the script says. */
void paysim_notify_paid(paysim *s, const sim_trade *t, const sim_script *sc);
/* A notify of t: headers (WeChat) and body, into the delivery message m. */
struct sim_msg;
void paysim_notify_build(paysim *s, const sim_trade *t, int bad_sig, int mismatch,
                         struct sim_msg *m);
void paysim_reply(struct evhttp_request *req, int code, const char *ctype, const char *body,
                  size_t len);
void paysim_pay_page(paysim *s, struct evhttp_request *req, const char *rest);
void paysim_control(paysim *s, struct evhttp_request *req, const char *rest);
char *paysim_body(struct evhttp_request *req, size_t *len); /* malloc'd, NUL-terminated */

/* wechat.c and alipay.c: the providers' APIs. */
void paysim_wechat(paysim *s, struct evhttp_request *req, const char *path);
void paysim_alipay(paysim *s, struct evhttp_request *req);
void paysim_alipay_bill(paysim *s, struct evhttp_request *req);

/* deliver.c: the delivery threads. */
typedef struct sim_storm sim_storm;
typedef struct sim_msg {
	char *url, *content_type, *body;
	char *headers[4];
	int bad; /* sent with a bad signature on purpose (counted apart) */
	int64_t due_ms;
	sim_storm *storm;
	char trade[65]; /* the out_trade_no, for the record of answers (not in storms) */
} sim_msg;
int paysim_deliver_start(int threads);
void paysim_deliver_stop(void);
void paysim_deliver_push(sim_msg *m); /* takes m */
int64_t paysim_now_ms(void);
/* A storm's counters, as JSON text (malloc'd); NULL when there is no storm of that id. */
sim_storm *paysim_storm_new(size_t deliveries);
char *paysim_storm_json(long id);
long paysim_storm_id(const sim_storm *st);
/* The merchant's HTTP answers to the notifies of a trade so far, as a JSON array of
 * statuses (0: no answer), malloc'd. */
char *paysim_answers_json(const char *out_trade_no);

#endif
