/*
 * The SMTP mail provider: libcurl's SMTP with STARTTLS required (CURLUSESSL_ALL, or
 * implicit TLS for smtps://), login from MAIL_SMTP_USER / MAIL_SMTP_PASSWORD. The message
 * is multipart/mixed: a multipart/alternative of the plain-text and HTML parts, then the
 * attachments (base64). The subject is RFC 2047 encoded (UTF-8, base64).
 */
#include "mail_provider.h"
#include "sms_provider.h"

#include "log.h"
#include "mem.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct notify_mail_smtp {
	notify_mail_provider base; /* first */
	char *url, *user, *password, *from;
	long timeout_ms;
};

/* "=?UTF-8?B?…?=" of s, from malloc. */
static char *notify_rfc2047(const char *s)
{
	size_t n = strlen(s), cap = 4 * ((n + 2) / 3) + 1;
	char *b64 = xmalloc(cap);
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)s, (int)n);
	size_t outn = cap + 16;
	char *out = xmalloc(outn);
	snprintf(out, outn, "=?UTF-8?B?%s?=", b64);
	free(b64);
	return out;
}

/* A header line "name: value" from malloc. */
static char *notify_header(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 3;
	char *h = xmalloc(n);
	snprintf(h, n, "%s: %s", name, value);
	return h;
}

static int notify_mail_smtp_send(notify_mail_provider *p_, const notify_mail_msg *m,
                                 const char *request_id)
{
	struct notify_mail_smtp *p = (struct notify_mail_smtp *)p_;
	int rv = NOTIFY_SEND_FAILED;
	struct curl_slist *rcpt = NULL, *hdrs = NULL, *althdrs = NULL;
	curl_mime *mime = NULL, *alt = NULL;
	char *subj = notify_rfc2047(m->subject), *h_subj = notify_header("Subject", subj);
	char *h_to = notify_header("To", m->to), *h_from = notify_header("From", p->from);
	/* The delivery id as Message-ID: a resend after a crash carries the same one, which
	 * lets receiving systems (and people) recognise it; SMTP itself does not dedupe. */
	const char *domain = p->from ? strchr(p->from, '@') : NULL;
	char *h_mid = NULL;
	if (m->delivery_id) {
		size_t n = strlen(m->delivery_id) + (domain ? strlen(domain) : 8) + 24;
		h_mid = xmalloc(n);
		snprintf(h_mid, n, "Message-ID: <%s%s>", m->delivery_id,
		         domain ? domain : "@notify");
	}
	CURL *c = curl_easy_init();
	if (!c)
		goto out;
	rcpt = curl_slist_append(rcpt, m->to);
	hdrs = curl_slist_append(hdrs, h_subj);
	hdrs = curl_slist_append(hdrs, h_to);
	hdrs = curl_slist_append(hdrs, h_from);
	hdrs = curl_slist_append(hdrs, "MIME-Version: 1.0");
	if (h_mid)
		hdrs = curl_slist_append(hdrs, h_mid);
	mime = curl_mime_init(c);
	alt = curl_mime_init(c);
	curl_mimepart *part = curl_mime_addpart(alt);
	curl_mime_data(part, m->text, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "base64");
	if (m->html) {
		part = curl_mime_addpart(alt);
		curl_mime_data(part, m->html, CURL_ZERO_TERMINATED);
		curl_mime_type(part, "text/html; charset=utf-8");
		curl_mime_encoder(part, "base64");
	}
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alt); /* mime owns alt from here */
	alt = NULL;
	curl_mime_type(part, "multipart/alternative");
	althdrs = curl_slist_append(althdrs, "Content-Disposition: inline");
	curl_mime_headers(part, althdrs, 1);
	althdrs = NULL;
	for (size_t i = 0; i < m->nattachments; i++) {
		part = curl_mime_addpart(mime);
		curl_mime_data(part, (const char *)m->attachments[i].data, m->attachments[i].len);
		curl_mime_type(part, m->attachments[i].content_type);
		curl_mime_filename(part, m->attachments[i].filename);
		curl_mime_encoder(part, "base64");
	}
	curl_easy_setopt(c, CURLOPT_URL, p->url);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (*p->user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, p->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, p->password);
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, p->from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, p->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, p->timeout_ms / 2);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		rv = 0;
	else
		rv = cc == CURLE_OPERATION_TIMEDOUT ? NOTIFY_SEND_TIMEOUT : NOTIFY_SEND_FAILED;
	if (rv != 0)
		log_kv(LOGL_WARN, request_id, "smtp send failed", "error", curl_easy_strerror(cc),
		       "delivery_id", m->delivery_id, NULL);
out:
	curl_mime_free(alt);
	curl_mime_free(mime);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(hdrs);
	if (c)
		curl_easy_cleanup(c);
	free(subj);
	free(h_subj);
	free(h_to);
	free(h_from);
	free(h_mid);
	return rv;
}

static void notify_mail_smtp_free(notify_mail_provider *p_)
{
	struct notify_mail_smtp *p = (struct notify_mail_smtp *)p_;
	if (!p)
		return;
	free(p->url);
	free(p->user);
	if (p->password)
		OPENSSL_cleanse(p->password, strlen(p->password));
	free(p->password);
	free(p->from);
	free(p);
}

notify_mail_provider *notify_mail_smtp_new(const notify_mail_smtp_config *cfg)
{
	struct notify_mail_smtp *p = xcalloc(1, sizeof *p);
	p->base.name = "smtp";
	p->base.send = notify_mail_smtp_send;
	p->base.free = notify_mail_smtp_free;
	p->url = xstrdup(cfg->url);
	p->user = xstrdup(cfg->user ? cfg->user : "");
	p->password = xstrdup(cfg->password ? cfg->password : "");
	p->from = xstrdup(cfg->from);
	p->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 10000;
	return &p->base;
}
