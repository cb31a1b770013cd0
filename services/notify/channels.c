/* The channel table and the texts of SMS and e-mail (see channels.h). */
#include "channels.h"

#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* security first: the one that cannot be turned off. */
static const notify_category notify_category_table[] = {
        {"review", "审核结果", 0, 0},       {"financing", "融资进度", 0, 1},
        {"certificates", "数字证书", 0, 1}, {"signing", "合同签署", 0, 0},
        {"payments", "支付与发票", 0, 0},   {"security", "账号安全与验证码", 1, 0},
};

/*
 * Which events reach people beyond 我的消息. Review results and money movements go by SMS
 * and e-mail; progress a person acts on in the site anyway (a demand taken) stays in-site.
 */
static const notify_channel notify_channel_table[] = {
        {"accounts.password.changed", "security", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"accounts.person.verified", "review", 0, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"enterprise.member.joined", "review", 1, 0, NOTIFY_TO_RECIPIENT, NULL},
        {"enterprise.member.rejected", "review", 1, 0, NOTIFY_TO_RECIPIENT, NULL},
        {"enterprise.certification.approved", "review", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"enterprise.certification.rejected", "review", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"market.demand.approved", "financing", 1, 1, NOTIFY_TO_MEMBERS, NULL},
        {"market.demand.rejected", "financing", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"market.demand.disbursed", "payments", 1, 1, NOTIFY_TO_MEMBERS, NULL},
        {"billfin.order.confirming", "financing", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"billfin.order.reviewing", "review", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"billfin.order.endorsing", "financing", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"billfin.order.completed", "payments", 1, 1, NOTIFY_TO_MEMBERS, NULL},
        /* Work waiting for staff: the institution's officers, the platform's operators. */
        {"market.demand.submitted", "financing", 1, 1, NOTIFY_TO_OFFICERS, NULL},
        {"billfin.order.quoting", "financing", 1, 1, NOTIFY_TO_OFFICERS, NULL},
        {"enterprise.certification.submitted", "review", 1, 1, NOTIFY_TO_OPERATORS, "reviewer"},
        {"certs.application.pending", "certificates", 1, 1, NOTIFY_TO_OPERATORS, "ca_officer"},
        {"certs.application.rejected", "certificates", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"certs.application.ready", "certificates", 1, 0, NOTIFY_TO_RECIPIENT, NULL},
        {"certs.application.shipped", "certificates", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        /* certorders: money the payer moved reaches them by SMS and e-mail. */
        {"certs.order.partial", "payments", 1, 0, NOTIFY_TO_RECIPIENT, NULL},
        {"certs.order.paid", "payments", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"certs.order.refunded", "payments", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"certs.certificate.issued", "certificates", 0, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"certs.certificate.revoked", "certificates", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        {"certs.certificate.expiring", "certificates", 1, 1, NOTIFY_TO_RECIPIENT, NULL},
        /* contracts: the persons the event names — whose turn it is, or every party. A void
         * is told in-site only (nobody has anything left to do). */
        {"certs.contract.sent", "signing", 1, 0, NOTIFY_TO_NAMED, NULL},
        {"certs.contract.signed", "signing", 1, 0, NOTIFY_TO_NAMED, NULL},
        {"certs.contract.completed", "signing", 1, 0, NOTIFY_TO_NAMED, NULL},
        {"certs.contract.refused", "signing", 1, 0, NOTIFY_TO_NAMED, NULL},
        {"certs.contract.expired", "signing", 1, 0, NOTIFY_TO_NAMED, NULL},
};

/* The row of type whose audience is a or b. */
static const notify_channel *notify_channel_lookup(const char *type, enum notify_audience a,
                                                   enum notify_audience b)
{
	for (size_t i = 0; type && i < sizeof notify_channel_table / sizeof notify_channel_table[0];
	     i++)
		if ((notify_channel_table[i].audience == a ||
		     notify_channel_table[i].audience == b) &&
		    strcmp(notify_channel_table[i].type, type) == 0)
			return &notify_channel_table[i];
	return NULL;
}

const notify_channel *notify_channel_find(const char *type)
{
	return notify_channel_lookup(type, NOTIFY_TO_RECIPIENT, NOTIFY_TO_MEMBERS);
}

const notify_channel *notify_channel_find_staff(const char *type, enum notify_audience who)
{
	if (who != NOTIFY_TO_OFFICERS && who != NOTIFY_TO_OPERATORS && who != NOTIFY_TO_NAMED)
		return NULL;
	return notify_channel_lookup(type, who, who);
}

const notify_category *notify_category_find(const char *name)
{
	for (size_t i = 0;
	     name && i < sizeof notify_category_table / sizeof notify_category_table[0]; i++)
		if (strcmp(notify_category_table[i].name, name) == 0)
			return &notify_category_table[i];
	return NULL;
}

const notify_category *notify_categories(size_t *n)
{
	*n = sizeof notify_category_table / sizeof notify_category_table[0];
	return notify_category_table;
}

int64_t notify_backoff_ms(int tries, int64_t base_ms, int64_t cap_ms, unsigned rnd)
{
	int64_t d = base_ms;
	for (int i = 1; i < tries && d < cap_ms; i++)
		d *= 2;
	if (d > cap_ms)
		d = cap_ms;
	return d / 2 + (d - d / 2) * (int64_t)(rnd & 0xffff) / 65535;
}

void notify_sms_text(const char *sign_name, const char *title, const char *body, char *out,
                     size_t outlen)
{
	snprintf(out, outlen, "【%s】%s：%s", sign_name, title, body);
}

#define NOTIFY_MAIL_FOOTER                                                                         \
	"此邮件由中小企业金融服务平台自动发送，请勿回复。可在“个人中心-通知设置”中调整接收方式。"

/* s with & < > " ' escaped for HTML, appended to b. */
static void notify_html_escape(FILE *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", b);
			break;
		case '<':
			fputs("&lt;", b);
			break;
		case '>':
			fputs("&gt;", b);
			break;
		case '"':
			fputs("&quot;", b);
			break;
		case '\'':
			fputs("&#39;", b);
			break;
		default:
			fputc(*s, b);
		}
	}
}

char *notify_mail_html(const char *title, const char *body)
{
	char *out = NULL;
	size_t len = 0;
	FILE *b = open_memstream(&out, &len);
	if (!b)
		abort(); /* out of memory, as xmalloc */
	fputs("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><h2>", b);
	notify_html_escape(b, title);
	fputs("</h2><p>", b);
	notify_html_escape(b, body);
	fputs("</p><hr><p style=\"color:#888;font-size:12px\">" NOTIFY_MAIL_FOOTER
	      "</p></body></html>",
	      b);
	fclose(b);
	return out;
}

char *notify_mail_text(const char *body)
{
	size_t n = strlen(body) + sizeof NOTIFY_MAIL_FOOTER + 8;
	char *out = xmalloc(n);
	snprintf(out, n, "%s\n\n-- \n%s\n", body, NOTIFY_MAIL_FOOTER);
	return out;
}
