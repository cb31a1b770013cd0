/*
 * E-mail providers: one interface, chosen by MAIL_PROVIDER. `dev` appends what it would
 * send to a local JSON-lines sink that ListDevMail reads (mail_dev.c); `smtp` sends through
 * an SMTP server with libcurl (STARTTLS required, login from the secrets; mail_smtp.c).
 * Both are thread-safe: the delivery workers share one provider.
 */
#ifndef NOTIFY_MAIL_PROVIDER_H
#define NOTIFY_MAIL_PROVIDER_H

#include <stddef.h>

typedef struct notify_mail_attachment {
	const char *filename;     /* UTF-8 */
	const char *content_type; /* application/pdf */
	const unsigned char *data;
	size_t len;
} notify_mail_attachment;

/* One e-mail; every string is the caller's and only read during send. */
typedef struct notify_mail_msg {
	const char *to;      /* one address, already validated */
	const char *subject; /* UTF-8 */
	const char *text;    /* the plain-text part */
	const char *html;    /* the HTML part (NULL: text only) */
	const notify_mail_attachment *attachments;
	size_t nattachments;
	const char *delivery_id; /* the queue's row, for the sink and the logs; may be NULL */
} notify_mail_msg;

typedef struct notify_mail_provider notify_mail_provider;

enum { NOTIFY_MAIL_DEV, NOTIFY_MAIL_SMTP };
extern const char *const notify_mail_provider_names[];

struct notify_mail_provider {
	const char *name; /* "dev", "smtp" */
	/* 0 accepted, else a NOTIFY_SEND_* failure (sms_provider.h), logged without the address. */
	int (*send)(notify_mail_provider *p, const notify_mail_msg *m, const char *request_id);
	/* 1 when the e-mail of delivery_id (its Message-ID) was already accepted, 0 not, -1
	 * cannot tell; NULL: cannot tell (SMTP keeps no queryable record). */
	int (*sent_before)(notify_mail_provider *p, const char *delivery_id);
	void (*free)(notify_mail_provider *p);
};

/* The development sink: one JSON line per e-mail appended to path. NULL when path's
 * directory cannot be created (logged). */
notify_mail_provider *notify_mail_dev_new(const char *path);

typedef struct notify_mail_smtp_config {
	const char *url;      /* MAIL_SMTP_URL: smtp://host:587 (STARTTLS) or smtps://host:465 */
	const char *user;     /* MAIL_SMTP_USER */
	const char *password; /* MAIL_SMTP_PASSWORD */
	const char *from;     /* MAIL_FROM: the sender address */
	long timeout_ms;
} notify_mail_smtp_config;

/* The SMTP provider; copies the configuration. Needs curl_global_init() done. */
notify_mail_provider *notify_mail_smtp_new(const notify_mail_smtp_config *cfg);

#endif
