/*
 * The channel table: for each event type that gives a message, which of SMS and e-mail
 * (besides the in-site message, which every templated event gives) go out, to whom, and
 * under which preference category; the categories; the retry back-off; SMS and e-mail
 * texts from a rendered message. Pure: no I/O.
 */
#ifndef NOTIFY_CHANNELS_H
#define NOTIFY_CHANNELS_H

#include <stddef.h>
#include <stdint.h>

/* Who an event's SMS and e-mail reach. */
enum notify_audience {
	/* the message's person; for a message to an enterprise, its admins */
	NOTIFY_TO_RECIPIENT,
	/* the message's person; for a message to an enterprise, all its members */
	NOTIFY_TO_MEMBERS,
	/* the officers of the institution the event concerns (notify's projection of market's
	 * staff, or the officers the event names) */
	NOTIFY_TO_OFFICERS,
	/* the operators holding role (notify's projection of accounts' operator roles) */
	NOTIFY_TO_OPERATORS,
	/* the persons the event itself names (certs.contract.*: notify_person_ids, the signers
	 * whose turn it is or every party) */
	NOTIFY_TO_NAMED,
};

typedef struct notify_channel {
	const char *type;     /* event type */
	const char *category; /* notify_category name */
	unsigned sms : 1;
	unsigned email : 1;
	enum notify_audience audience;
	const char *role; /* NOTIFY_TO_OPERATORS: the operator role; else NULL */
} notify_channel;

typedef struct notify_category {
	const char *name;        /* review, financing, certificates, signing, payments, security */
	const char *label;       /* 审核结果 … */
	unsigned locked : 1;     /* security: SMS and e-mail cannot be turned off */
	unsigned digestible : 1; /* low priority: its e-mails may wait for the daily digest */
} notify_category;

/* The row of type for the event's own recipient (the person, the enterprise's admins or
 * members), or NULL when it gives them no SMS or e-mail. */
const notify_channel *notify_channel_find(const char *type);
/* The row of type for staff or the persons an event names: who (NOTIFY_TO_OFFICERS,
 * NOTIFY_TO_OPERATORS or NOTIFY_TO_NAMED), or NULL. */
const notify_channel *notify_channel_find_staff(const char *type, enum notify_audience who);
/* The category named name, or NULL. */
const notify_category *notify_category_find(const char *name);
/* The categories in display order; *n their count. */
const notify_category *notify_categories(size_t *n);

/*
 * The wait before try (tries + 1) after tries failed ones: base_ms * 2^(tries-1), at most
 * cap_ms, with "equal jitter": half of it fixed, the other half scaled by rnd (0..65535),
 * so replicas retrying together spread out but the wait still grows. tries >= 1.
 */
int64_t notify_backoff_ms(int tries, int64_t base_ms, int64_t cap_ms, unsigned rnd);

/* The SMS text of a message: "【sign】title：body". */
void notify_sms_text(const char *sign_name, const char *title, const char *body, char *out,
                     size_t outlen);

/* The HTML part of an e-mail (title as heading, body as a paragraph, both escaped; a
 * footer naming the preferences page), from malloc: the caller frees. */
char *notify_mail_html(const char *title, const char *body);
/* The plain-text part: body and the same footer, from malloc: the caller frees. */
char *notify_mail_text(const char *body);

#endif
