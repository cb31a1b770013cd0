/* Certificate orders: the rules that need no I/O (tax ID, payment methods, texts). */
#include "orders.h"

#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

int certs_orders_tax_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	/* 18 characters: a USCC, or a person's resident ID (an individual's tax ID); one
	 * that is neither is a mistyped code, not an old registration number. */
	if (n == 18)
		return validate_uscc(s) == 0 || validate_resident_id(s) == 0;
	if (n < 15 || n > 20)
		return 0;
	return strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n;
}

static const char *const methods_bank[] = {"bank_transfer"};
static const char *const methods_online[] = {"wechat", "alipay"};

const char *const *certs_orders_methods(const char *payment_method, size_t *n)
{
	if (payment_method && strcmp(payment_method, "bank_transfer") == 0) {
		*n = 1;
		return methods_bank;
	}
	if (payment_method && strcmp(payment_method, "online") == 0) {
		*n = 2;
		return methods_online;
	}
	*n = 0;
	return NULL;
}

int certs_orders_method_allowed(const char *payment_method, int has_new)
{
	size_t n;
	if (!certs_orders_methods(payment_method, &n))
		return ST_CERTORDER_METHOD;
	if (has_new && strcmp(payment_method, "online") == 0)
		return ST_CERTORDER_ONLINE_NEW;
	return ST_OK;
}

void certs_orders_line_text(const char *item, const char *kind, const char *profile,
                            const char *medium, int years, char *out, size_t outlen)
{
	if (item && strcmp(item, "hardware") == 0) {
		snprintf(out, outlen, "USB Key 介质");
		return;
	}
	const char *m = !medium                         ? ""
	                : strcmp(medium, "usbkey") == 0 ? "USB Key"
	                : strcmp(medium, "cloud") == 0  ? "云证书"
	                                                : "软证书";
	snprintf(out, outlen, "%s %s %s %d年",
	         kind && strcmp(kind, "renewal") == 0 ? "续费" : "新办",
	         profile && strcmp(profile, "personal") == 0 ? "个人证书" : "企业证书", m, years);
}

const char *certs_orders_state_label(const char *state)
{
	static const char *const labels[][2] = {
	        {"unpaid", "待支付"},    {"partial", "部分到账"}, {"paid", "已支付"},
	        {"cancelled", "已取消"}, {"refunded", "已退款"},
	};
	for (size_t i = 0; state && i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(state, labels[i][0]) == 0)
			return labels[i][1];
	return "";
}
