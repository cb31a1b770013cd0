/*
 * Texts per event and channel: the SMS verification-code text per purpose, and
 * the in-site message (我的消息) for each event type that has one. Pure: no I/O,
 * results in the caller's arena or buffers.
 */
#ifndef NOTIFY_TEMPLATES_H
#define NOTIFY_TEMPLATES_H

#include "events.pb-c.h"
#include "mem.h"

#include <stddef.h>
#include <stdint.h>

/* ---- SMS verification codes ---------------------------------------------------- */

typedef struct notify_sms_purpose {
	const char *name;        /* register, login, ... as in the API */
	const char *label;       /* what the code is for, in the text: 注册 */
	const char *template_id; /* the provider's template code for this purpose */
} notify_sms_purpose;

/* The purpose named name, or NULL when it is not one of the eight. */
const notify_sms_purpose *notify_sms_purpose_find(const char *name);

/* The text the person receives, sign included:
 * "【中小企业金融服务平台】您的验证码为123456，用于注册，5分钟内有效。…" */
void notify_sms_code_text(const notify_sms_purpose *p, const char *sign_name, const char *code,
                          char *out, size_t outlen);

/* ---- in-site messages ---------------------------------------------------------- */

/* A rendered message: exactly one of person_id and enterprise_id is set. */
typedef struct notify_message {
	const char *person_id;
	const char *enterprise_id;
	const char *title;
	const char *body;
} notify_message;

/*
 * Renders the message for ev (payload decoded into a). Returns 1 with *out
 * filled (strings in a), 0 when ev's type has no template (the caller ignores
 * it), -1 when the payload is malformed or names no recipient.
 */
int notify_template_render(const Events__Event *ev, arena *a, notify_message *out);

/*
 * The message of ev to persons besides its recipient (market.demand.submitted: the
 * institution's loan officers the event names), the same text to each. Returns 1 with
 * *out's title and body and *persons (n of them; in a), 0 when there are none, -1 when
 * the payload is malformed.
 */
int notify_template_officers(const Events__Event *ev, arena *a, notify_message *out,
                             char ***persons, size_t *n);

/*
 * The message of ev to a funder's bill quoters (billfin.order.quoting: a new inquiry).
 * Returns 1 with *out's title and body and *institution_id the addressed funder (NULL: any
 * bill funder), 0 for other types, -1 when the payload is malformed.
 */
int notify_template_funders(const Events__Event *ev, arena *a, notify_message *out,
                            const char **institution_id);

/*
 * The message of ev to the platform's operators of the role the channel table names
 * (enterprise.certification.submitted: the reviewers). Returns 1 with *out's title and body,
 * 0 for other types, -1 when the payload is malformed.
 */
int notify_template_operators(const Events__Event *ev, arena *a, notify_message *out);

/*
 * The message of a certs.contract.* event to the persons it names (notify_person_ids):
 * your turn to sign, signed, completed, refused, voided, expired. Returns 1 with *out's
 * title and body and *persons (n; in a), 0 for other types or when it names nobody, -1
 * when the payload is malformed.
 */
int notify_template_named(const Events__Event *ev, arena *a, notify_message *out, char ***persons,
                          size_t *n);
/* A Unix time in ms as Beijing time for texts: "2026年12月02日 10:15". */
void notify_format_cst(int64_t ms, char *out, size_t outlen);

#endif
