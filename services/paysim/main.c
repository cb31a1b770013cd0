/* paysim: wires the configuration, the keys, the HTTP server and the delivery threads. A
 * development tool: refuses PLATFORM_MODE=production. */
#include "paysim.h"

#include "config.h"
#include "httpc.h"
#include "log.h"
#include "mem.h"
#include "../payments/provider.h"

#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void paysim_route(struct evhttp_request *req, void *arg)
{
	paysim *s = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (!path)
		path = "/";
	if (strncmp(path, "/v3/", 4) == 0)
		paysim_wechat(s, req, path);
	else if (strcmp(path, "/gateway.do") == 0)
		paysim_alipay(s, req);
	else if (strcmp(path, "/alipay/bill") == 0)
		paysim_alipay_bill(s, req);
	else if (strncmp(path, "/pay/", 5) == 0)
		paysim_pay_page(s, req, path + 5);
	else if (strncmp(path, "/control/", 9) == 0)
		paysim_control(s, req, path + 9);
	else if (strcmp(path, "/healthz") == 0)
		paysim_reply(req, 200, "text/plain", "ok\n", 3);
	else
		paysim_reply(req, 404, "text/plain", "not found\n", 10);
}

static void paysim_on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopexit(arg, NULL);
}

int main(int argc, char **argv)
{
	static paysim s;
	static config_common common;
	const char *addr = NULL;
	long port = 0;
	paysim_config *c = &s.cfg;
	config_item items[] = {
	        {"PAYSIM_ADDR", CFG_STR, "127.0.0.1", 0, 0, "address to listen on", &addr},
	        {"PAYSIM_PORT", CFG_INT, "8090", 1, 65535, "HTTP port", &port},
	        {"PAYSIM_PUBLIC_URL", CFG_STR, "http://127.0.0.1:8090", 0, 0,
	         "base URL at which browsers and the merchant reach the simulator", &c->public_url},
	        {"PAYSIM_WECHAT_MCHID", CFG_STR, "1900000109", 0, 0, "the merchant's mchid",
	         &c->wechat_mchid},
	        {"PAYSIM_WECHAT_APPID", CFG_STR, "wxd678efh567hg6787", 0, 0, "the merchant's appid",
	         &c->wechat_appid},
	        {"PAYSIM_WECHAT_MCH_SERIAL", CFG_STR, "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", 0,
	         0, "serial number of the merchant certificate its requests name",
	         &c->wechat_mch_serial},
	        {"PAYSIM_WECHAT_APIV3_KEY", CFG_STR, NULL, 0, 0,
	         "the merchant's APIv3 key (32 characters): encrypts notify resources",
	         &c->wechat_apiv3_key},
	        {"PAYSIM_WECHAT_PLATFORM_KEY", CFG_STR, "var/paysim/wechat_platform_key.pem", 0, 0,
	         "the simulated platform's private key (PEM)", &c->wechat_platform_key_file},
	        {"PAYSIM_WECHAT_PLATFORM_CERT", CFG_STR, "var/paysim/wechat_platform_cert.pem", 0,
	         0, "the simulated platform's certificate (PEM; its serial is Wechatpay-Serial)",
	         &c->wechat_platform_cert_file},
	        {"PAYSIM_WECHAT_MCH_PUBLIC_KEY", CFG_STR, "var/paysim/merchant_wechat_pub.pem", 0,
	         0, "the merchant's public key (PEM): checks its requests",
	         &c->wechat_mch_pub_file},
	        {"PAYSIM_ALIPAY_APP_ID", CFG_STR, "2021000000000001", 0, 0, "the merchant's app_id",
	         &c->alipay_app_id},
	        {"PAYSIM_ALIPAY_KEY", CFG_STR, "var/paysim/alipay_key.pem", 0, 0,
	         "the simulated Alipay's private key (PEM)", &c->alipay_key_file},
	        {"PAYSIM_ALIPAY_APP_PUBLIC_KEY", CFG_STR, "var/paysim/merchant_alipay_pub.pem", 0,
	         0, "the merchant app's public key (PEM): checks its requests",
	         &c->alipay_app_pub_file},
	        {"PAYSIM_FEE_BP", CFG_INT, "60", 0, 10000, "service fee in basis points (0.6 %)",
	         &c->fee_bp},
	        {"PAYSIM_DELIVERY_THREADS", CFG_INT, "8", 1, 64, "threads posting notifies",
	         &c->threads},
	};
	int rv = config_init("paysim", argc, argv, &common, items, sizeof items / sizeof items[0]);
	if (rv != 0)
		return rv > 0 ? 0 : 2;
	struct event_base *base = NULL;
	struct evhttp *http = NULL;
	struct event *sigterm = NULL, *sigint = NULL;
	int threads = 0, curl = 0;
	rv = 1;
	if (!config_is_development(&common)) {
		log_kv(LOGL_ERROR, NULL, "paysim is a development tool: refused in production",
		       NULL);
		rv = 2;
		goto out;
	}
	if (strlen(c->wechat_apiv3_key) != 32) {
		log_kv(LOGL_ERROR, NULL, "PAYSIM_WECHAT_APIV3_KEY must be 32 characters", NULL);
		rv = 2;
		goto out;
	}
	s.wx_platform = provider_key_read(c->wechat_platform_key_file, 1, NULL);
	EVP_PKEY *cert = provider_key_read(c->wechat_platform_cert_file, 0, &s.wx_platform_serial);
	EVP_PKEY_free(cert);
	s.wx_mch_pub = provider_key_read(c->wechat_mch_pub_file, 0, NULL);
	s.ali_key = provider_key_read(c->alipay_key_file, 1, NULL);
	s.ali_app_pub = provider_key_read(c->alipay_app_pub_file, 0, NULL);
	if (!s.wx_platform || !s.wx_platform_serial || !s.wx_mch_pub || !s.ali_key ||
	    !s.ali_app_pub) {
		log_kv(LOGL_ERROR, NULL, "paysim: a key file is missing or unreadable",
		       "platform_key", c->wechat_platform_key_file, "alipay_key",
		       c->alipay_key_file, NULL);
		goto out;
	}
	paysim_random_hex(s.bill_token, 16);
	if (httpc_global_init() != 0)
		goto out;
	curl = 1;
	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	http = evhttp_new(base);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_max_body_size(http, 1 << 20);
	evhttp_set_gencb(http, paysim_route, &s);
	if (evhttp_bind_socket(http, addr, (ev_uint16_t)port) != 0) {
		log_kv(LOGL_ERROR, NULL, "paysim: cannot listen", "addr", addr, NULL);
		goto out;
	}
	if (paysim_deliver_start((int)c->threads) != 0)
		goto out;
	threads = 1;
	sigterm = evsignal_new(base, SIGTERM, paysim_on_signal, base);
	sigint = evsignal_new(base, SIGINT, paysim_on_signal, base);
	event_add(sigterm, NULL);
	event_add(sigint, NULL);
	log_kv(LOGL_INFO, NULL, "paysim listening", "url", c->public_url, NULL);
	event_base_dispatch(base);
	rv = 0;
out:
	if (threads)
		paysim_deliver_stop();
	if (sigterm)
		event_free(sigterm);
	if (sigint)
		event_free(sigint);
	if (http)
		evhttp_free(http);
	if (base)
		event_base_free(base);
	if (curl)
		httpc_global_cleanup();
	EVP_PKEY_free(s.wx_platform);
	EVP_PKEY_free(s.wx_mch_pub);
	EVP_PKEY_free(s.ali_key);
	EVP_PKEY_free(s.ali_app_pub);
	free(s.wx_platform_serial);
	free(s.trades);
	free(s.refunds);
	if (rv == 0)
		log_kv(LOGL_INFO, NULL, "paysim stopped", NULL);
	return rv;
}
