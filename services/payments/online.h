/*
 * payments, online payment (online.c) and reconciliation (reconcile.c): the payer starts a
 * WeChat Pay or Alipay payment, the providers' notifies are verified and credited once, the
 * tick queries the provider when no notify came, a late success on a closed intent is
 * refunded through the provider, and each provider's daily statement is compared with the
 * ledger. The providers are opened at start (online_start) and shared by every thread.
 */
#ifndef PAYMENTS_ONLINE_H
#define PAYMENTS_ONLINE_H

#include "config.h"
#include "payments_online.pb-c.h"
#include "provider.h"
#include "svc.h"

typedef struct online_config {
	const char *notify_base_url; /* the gateway's public URL: the notify_url's base */
	const char *return_url;      /* where Alipay's page returns the browser (may be "") */
	const char *wechat_base_url, *wechat_mchid, *wechat_appid, *wechat_serial;
	const char *wechat_key_file, *wechat_platform_cert_file, *wechat_apiv3_key;
	const char *alipay_gateway_url, *alipay_app_id, *alipay_key_file, *alipay_public_key_file;
	long wechat_fee_bp, alipay_fee_bp;
	long query_after_s; /* a payment without a notify is queried after this */
	long timeout_ms;    /* one exchange with a provider */
	long recon_hour;    /* the daily reconciliation of yesterday runs from this hour (CST) */
} online_config;

extern online_config online_cfg;

/* clang-format off */
#define ONLINE_CONFIG_ITEMS(c)                                                                     \
	{"PAY_NOTIFY_BASE_URL", CFG_STR, "http://127.0.0.1:8080", 0, 0,                            \
	 "the gateway's public base URL, where the providers post their notifies", &(c)->notify_base_url}, \
	{"PAY_RETURN_URL", CFG_STR, "", 0, 0,                                                      \
	 "where Alipay's page sends the browser back after paying (empty: nowhere)", &(c)->return_url}, \
	{"PAY_WECHAT_BASE_URL", CFG_STR, "https://api.mch.weixin.qq.com", 0, 0,                    \
	 "WeChat Pay API v3 (development: the simulator, services/paysim)", &(c)->wechat_base_url}, \
	{"PAY_WECHAT_MCHID", CFG_STR, "1900000109", 0, 0, "WeChat Pay merchant number (mchid)",    \
	 &(c)->wechat_mchid},                                                                      \
	{"PAY_WECHAT_APPID", CFG_STR, "wxd678efh567hg6787", 0, 0, "the merchant's appid",          \
	 &(c)->wechat_appid},                                                                      \
	{"PAY_WECHAT_SERIAL_NO", CFG_STR, "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", 0, 0,        \
	 "serial number of the merchant API certificate", &(c)->wechat_serial},                   \
	{"PAY_WECHAT_KEY_FILE", CFG_STR, "", 0, 0,                                                 \
	 "the merchant API private key (PEM file; empty: WeChat Pay off)", &(c)->wechat_key_file}, \
	{"PAY_WECHAT_PLATFORM_CERT_FILE", CFG_STR, "", 0, 0,                                       \
	 "WeChat Pay platform certificate (PEM file): verifies answers and notifies",             \
	 &(c)->wechat_platform_cert_file},                                                         \
	{"PAY_WECHAT_APIV3_KEY", CFG_STR, "", 0, 0,                                                \
	 "the APIv3 key (32 characters): decrypts notify resources", &(c)->wechat_apiv3_key},     \
	{"PAY_WECHAT_FEE_BP", CFG_INT, "60", 0, 10000,                                             \
	 "WeChat Pay's service fee in basis points (booked as expense:provider_fee:wechat)",      \
	 &(c)->wechat_fee_bp},                                                                     \
	{"PAY_ALIPAY_GATEWAY_URL", CFG_STR, "https://openapi.alipay.com/gateway.do", 0, 0,         \
	 "Alipay's open API gateway (development: the simulator's /gateway.do)",                   \
	 &(c)->alipay_gateway_url},                                                                \
	{"PAY_ALIPAY_APP_ID", CFG_STR, "2021000000000001", 0, 0, "the merchant's Alipay app_id",   \
	 &(c)->alipay_app_id},                                                                     \
	{"PAY_ALIPAY_KEY_FILE", CFG_STR, "", 0, 0,                                                 \
	 "the app's private key (PEM file; empty: Alipay off)", &(c)->alipay_key_file},           \
	{"PAY_ALIPAY_PUBLIC_KEY_FILE", CFG_STR, "", 0, 0,                                          \
	 "Alipay's public key (PEM file): verifies answers and notifies",                          \
	 &(c)->alipay_public_key_file},                                                            \
	{"PAY_ALIPAY_FEE_BP", CFG_INT, "60", 0, 10000,                                             \
	 "Alipay's service fee in basis points (booked as expense:provider_fee:alipay)",          \
	 &(c)->alipay_fee_bp},                                                                     \
	{"PAY_QUERY_AFTER_S", CFG_INT, "60", 1, 86400,                                             \
	 "an online payment without a notify is queried at the provider after this many seconds", \
	 &(c)->query_after_s},                                                                     \
	{"PAY_PROVIDER_TIMEOUT_MS", CFG_INT, "10000", 100, 60000,                                  \
	 "the longest exchange with a payment provider", &(c)->timeout_ms},                       \
	{"PAY_RECON_HOUR", CFG_INT, "3", 0, 23,                                                    \
	 "hour (China time) from which yesterday's statements are reconciled", &(c)->recon_hour}
/* clang-format on */

/* Opens the configured providers and registers their refunders (the start hook). */
int online_start(svc_ctx *ctx);
/* The tick: queries due attempts, retries pending refunds, the daily reconciliation.
 * Returns the ms to wait. */
int online_tick(svc_ctx *ctx);
/* The provider of method ("wechat" | "alipay"), NULL when not configured. */
const provider *online_provider(const char *method);

/* online.c */
int online_start_payment(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int online_qr(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int online_wechat_notify(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int online_alipay_notify(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int online_dev_close(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* reconcile.c */
int online_recon_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int online_recon_run(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* Reconciles every configured provider's statement of date (YYYY-MM-DD) with the ledger;
 * *out (arena) lists the runs. */
int online_reconcile(svc_ctx *ctx, const char *date, PaymentsOnline__ReconRuns **out);

#endif
