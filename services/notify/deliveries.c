/*
 * The delivery queue: outgoing SMS and e-mail as rows of `deliveries`, written in the
 * subscriber's transaction that applies the event (notify_deliveries_enqueue), sent by the
 * delivery threads of every replica (notify_deliveries_tick, svc_def.tick).
 *
 * One replica sends each delivery once: a claim is one UPDATE over rows picked FOR UPDATE
 * SKIP LOCKED that sets state 'sending' and a lease; the send happens after that commit,
 * with no transaction open while a provider or accounts is asked. A replica killed after
 * claiming leaves rows 'sending' until the lease ends; then any replica claims them again
 * (the only window in which a message could go twice is between a provider's acceptance
 * and the commit that records it).
 *
 * A try asks accounts for the address (GetContacts, one call per batch: audited there, kept here
 * only in the request's memory), then the primary SMS provider and, when it fails, the secondary;
 * each provider's answer is an attempt row. A failed try waits notify_backoff_ms(); after
 * DELIVERY_MAX_TRIES the delivery is 'failed' and shows in the operator's list, from which
 * it can be retried (one more try).
 *
 * Digest: e-mails of a category the person batches wait 'held' until the person's digest
 * hour (Asia/Shanghai); then one e-mail gathers them and they become 'digested'.
 */
#include "notify.h"

#include "accounts.pb-c.h"
#include "caller.h"
#include "change.h"
#include "channels.h"
#include "crypto.h"
#include "dblist.h"
#include "dbrow.h"
#include "log.h"
#include "notify.pb-c.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- enqueue (in the subscriber's transaction) ------------------------------------- */

/* The next digest time of person r.person_id: today's or tomorrow's digest hour. */
#define NOTIFY_DIGEST_AT                                                                           \
	"(SELECT CASE WHEN x.d > now() THEN x.d ELSE x.d + interval '1 day' END FROM"              \
	" (SELECT (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai')"                          \
	" + make_interval(hours => COALESCE(s.digest_hour, 8))) AT TIME ZONE 'Asia/Shanghai'"      \
	" AS d) x)"

int notify_deliveries_enqueue(svc_ctx *ctx, const char *event_id, const char *event_type,
                              const char *person_id, const char *enterprise_id, const char *title,
                              const char *body)
{
	const notify_channel *ch = notify_channel_find(event_type);
	if (!ch)
		return ST_OK;
	/* A malformed id would fail the cast and hold back every later event of the source. */
	if ((person_id && !validate_uuid(person_id)) ||
	    (!person_id && (!enterprise_id || !validate_uuid(enterprise_id)))) {
		log_kv(LOGL_WARN, event_id, "event names no usable recipient, nothing queued",
		       "type", event_type, NULL);
		return ST_OK;
	}
	const notify_category *cat = notify_category_find(ch->category);
	const char *channels = ch->sms && ch->email ? "{sms,email}" : ch->sms ? "{sms}" : "{email}";
	const char *v[] = {event_id,      event_type,
	                   ch->category,  title,
	                   body,          person_id,
	                   enterprise_id, ch->audience == NOTIFY_TO_MEMBERS ? "t" : "f",
	                   channels,      cat && cat->locked ? "t" : "f"};
	/* A person turned a channel off: no row at all (security is never off). */
	return change_exec(
	        ctx,
	        "INSERT INTO deliveries (event_id, event_type, category, channel, person_id, title,"
	        " body, state, next_at)"
	        " SELECT $1, $2, $3, c.channel, r.person_id, $4, $5,"
	        " CASE WHEN c.channel = 'email' AND COALESCE(p.digest, false) AND NOT $10::bool"
	        " THEN 'held' ELSE 'pending' END,"
	        " CASE WHEN c.channel = 'email' AND COALESCE(p.digest, false) AND NOT $10::bool"
	        " THEN " NOTIFY_DIGEST_AT " ELSE now() END"
	        " FROM (SELECT $6::uuid AS person_id WHERE $6::uuid IS NOT NULL"
	        " UNION SELECT m.person_id FROM enterprise_memberships m WHERE $6::uuid IS NULL"
	        " AND m.enterprise_id = $7::uuid AND (m.role = 'admin' OR $8::bool)) r"
	        " CROSS JOIN unnest($9::text[]) AS c(channel)"
	        " LEFT JOIN delivery_prefs p ON p.person_id = r.person_id AND p.category = $3"
	        " LEFT JOIN delivery_settings s ON s.person_id = r.person_id"
	        " WHERE $10::bool OR CASE c.channel WHEN 'sms' THEN COALESCE(p.sms, true)"
	        " ELSE COALESCE(p.email, true) END"
	        " ON CONFLICT (event_id, channel, person_id) DO NOTHING",
	        10, v, NULL);
}

int notify_deliveries_enqueue_staff(svc_ctx *ctx, const char *event_id, const char *event_type,
                                    enum notify_audience who, const char *title, const char *body,
                                    char *const *persons, size_t n)
{
	const notify_channel *ch = notify_channel_find_staff(event_type, who);
	if (!ch || n == 0)
		return ST_OK;
	/* A uuid[] literal of the valid ids; a malformed one is left out, not fatal. */
	size_t cap = n * 38 + 3, used = 1;
	char *arr = arena_alloc(ctx->arena, cap);
	arr[0] = '{';
	for (size_t i = 0; i < n; i++) {
		if (!persons[i] || !validate_uuid(persons[i]))
			continue;
		used += (size_t)snprintf(arr + used, cap - used, "%s%s", used > 1 ? "," : "",
		                         persons[i]);
	}
	snprintf(arr + used, cap - used, "}");
	const char *channels = ch->sms && ch->email ? "{sms,email}" : ch->sms ? "{sms}" : "{email}";
	const char *v[] = {event_id, event_type, ch->category, title, body, arr, channels};
	/* Staff's categories are never locked; a digest holds their e-mail like anyone's. */
	return change_exec(
	        ctx,
	        "INSERT INTO deliveries (event_id, event_type, category, channel, person_id, title,"
	        " body, state, next_at)"
	        " SELECT $1, $2, $3, c.channel, r.person_id, $4, $5,"
	        " CASE WHEN c.channel = 'email' AND COALESCE(p.digest, false)"
	        " THEN 'held' ELSE 'pending' END,"
	        " CASE WHEN c.channel = 'email' AND COALESCE(p.digest, false)"
	        " THEN " NOTIFY_DIGEST_AT " ELSE now() END"
	        " FROM (SELECT DISTINCT unnest($6::uuid[]) AS person_id) r"
	        " CROSS JOIN unnest($7::text[]) AS c(channel)"
	        " LEFT JOIN delivery_prefs p ON p.person_id = r.person_id AND p.category = $3"
	        " LEFT JOIN delivery_settings s ON s.person_id = r.person_id"
	        " WHERE CASE c.channel WHEN 'sms' THEN COALESCE(p.sms, true)"
	        " ELSE COALESCE(p.email, true) END"
	        " ON CONFLICT (event_id, channel, person_id) DO NOTHING",
	        7, v, NULL);
}

/* ---- sending ------------------------------------------------------------------------ */

#define NOTIFY_MAX_PROVIDERS 3 /* primary, secondary, and a recovery note */

/* One provider's answer within a try. */
struct notify_attempt {
	const char *provider;
	const char *outcome;
};

/* A claimed delivery and what its try did. */
struct notify_try {
	const char *id, *channel, *person_id, *title, *body, *category, *event_type;
	int tries;
	struct notify_attempt att[NOTIFY_MAX_PROVIDERS + 1];
	int natt;
	const char *provider; /* who accepted it, NULL when none */
	int skipped;          /* no address: nothing to send to */
	int recovered;        /* claimed from a sender whose lease ended (it died) */
	int checked;          /* the providers were asked whether they have it already */
};

static const char *notify_outcome_name(int rv)
{
	switch (rv) {
	case 0:
		return "sent";
	case NOTIFY_SEND_TIMEOUT:
		return "timeout";
	case NOTIFY_SEND_RATE_LIMITED:
		return "rate_limited";
	default:
		return "failed";
	}
}

static void notify_try_record(void *arg, const char *provider, int outcome)
{
	struct notify_try *t = arg;
	if (t->natt < NOTIFY_MAX_PROVIDERS + 1)
		t->att[t->natt++] = (struct notify_attempt){provider, notify_outcome_name(outcome)};
	if (outcome == 0)
		t->provider = provider;
}

/*
 * Asks accounts for the addresses of the batch's persons, in one call (one audited
 * transaction there). ST_OK with *out (in the arena), or the failure: every try of the
 * batch then records contact_unavailable.
 */
static int notify_contacts_get(svc_ctx *ctx, const PGresult *r, const Accounts__Contacts **out)
{
	struct notify_app *app = NOTIFY_APP(ctx);
	Accounts__GetContactsRequest req = ACCOUNTS__GET_CONTACTS_REQUEST__INIT;
	Bus__Caller caller = BUS__CALLER__INIT;
	ProtobufCMessage *got = NULL;
	int n = PQntuples(r);
	req.person_ids = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *req.person_ids);
	for (int i = 0; i < n; i++) {
		const char *id = PQgetvalue(r, i, 2);
		size_t j;
		for (j = 0; j < req.n_person_ids; j++)
			if (strcmp(req.person_ids[j], id) == 0)
				break;
		if (j == req.n_person_ids)
			req.person_ids[req.n_person_ids++] = (char *)id;
	}
	caller.request_id = arena_printf(ctx->arena, "deliveries-%s", PQgetvalue(r, 0, 0));
	int rv = app->accounts ? bus_call(app->accounts, "GetContacts", &caller, 5000, &req.base,
	                                  &accounts__contacts__descriptor, ctx->arena, &got)
	                       : ST_UNAVAILABLE;
	if (rv != ST_OK) {
		log_kv(LOGL_WARN, caller.request_id, "addresses not available from accounts",
		       "error", status_code_name(rv), NULL);
		status_clear();
		return rv;
	}
	*out = (const Accounts__Contacts *)got;
	return ST_OK;
}

/*
 * A delivery taken over from a sender that died may have been accepted by a provider
 * before the death, unrecorded. Each provider is asked by the out-id (the delivery id) it
 * was sent with: one that has it makes the try 'already_sent' and nothing goes again.
 * Returns 1 then; 0 to send (a provider that cannot tell is noted 'unverified', so a
 * possible repeat is visible in the attempts).
 */
static int notify_try_recover(struct notify_try *t, notify_sms_provider *const *sms, size_t n,
                              notify_mail_provider *mail)
{
	int unknown = 0;
	t->checked = 1;
	for (size_t i = 0; i < n; i++) {
		int had = sms[i] && sms[i]->sent_before ? sms[i]->sent_before(sms[i], t->id) : -1;
		if (!sms[i])
			continue;
		if (had == 1) {
			t->att[t->natt++] = (struct notify_attempt){sms[i]->name, "already_sent"};
			t->provider = sms[i]->name;
			return 1;
		}
		unknown |= had < 0;
	}
	if (mail) {
		int had = mail->sent_before ? mail->sent_before(mail, t->id) : -1;
		if (had == 1) {
			t->att[t->natt++] = (struct notify_attempt){mail->name, "already_sent"};
			t->provider = mail->name;
			return 1;
		}
		unknown |= had < 0;
	}
	if (unknown)
		t->att[t->natt++] = (struct notify_attempt){"recovery", "unverified"};
	return 0;
}

/* Sends t to the address in cs (NULL: accounts did not answer); fills t's attempts. No
 * transaction open. */
static void notify_try_send(svc_ctx *ctx, struct notify_try *t, const Accounts__Contacts *cs)
{
	struct notify_app *app = NOTIFY_APP(ctx);
	const Accounts__Contact *c = NULL;
	const char *request_id = arena_printf(ctx->arena, "delivery-%s", t->id);
	if (!cs) {
		t->att[t->natt++] = (struct notify_attempt){"accounts", "contact_unavailable"};
		return;
	}
	for (size_t i = 0; i < cs->n_items && !c; i++)
		if (cs->items[i]->person_id && strcmp(cs->items[i]->person_id, t->person_id) == 0)
			c = cs->items[i];
	if (!c) {
		t->skipped = 1;
		t->att[t->natt++] = (struct notify_attempt){"accounts", "no_address"};
		return;
	}
	if (strcmp(t->channel, "sms") == 0) {
		char text[1024];
		if (!c->phone || validate_mobile(c->phone) != 0) {
			t->skipped = 1;
			t->att[t->natt++] = (struct notify_attempt){"accounts", "no_address"};
			return;
		}
		notify_sms_provider *const both[] = {app->sms, app->sms2};
		if (t->recovered && notify_try_recover(t, both, 2, NULL))
			return;
		notify_sms_text(app->http.sign_name, t->title, t->body, text, sizeof text);
		const notify_sms_param params[] = {{"title", t->title}};
		notify_sms_msg m = {.phone = c->phone,
		                    .purpose = t->category,
		                    .text = text,
		                    .template_id = "SMS_NOTICE",
		                    .params = params,
		                    .nparams = 1,
		                    .delivery_id = t->id};
		notify_sms_send_failover(app, &m, request_id, notify_try_record, t);
		return;
	}
	if (!c->email || !*c->email || validate_email(c->email) != 0 || !app->mail) {
		t->skipped = 1;
		t->att[t->natt++] =
		        (struct notify_attempt){app->mail ? "accounts" : "mail", "no_address"};
		return;
	}
	if (t->recovered && notify_try_recover(t, NULL, 0, app->mail))
		return;
	char *text = notify_mail_text(t->body), *html = notify_mail_html(t->title, t->body);
	notify_mail_msg m = {.to = c->email,
	                     .subject = t->title,
	                     .text = text,
	                     .html = html,
	                     .delivery_id = t->id};
	notify_try_record(t, app->mail->name, app->mail->send(app->mail, &m, request_id));
	free(text);
	free(html);
}

struct notify_finish {
	struct notify_try *t;
	long long delay_ms; /* the back-off chosen, 0 when none */
	int failed;         /* the last try failed: 'failed' */
};

static int notify_finish_tx(svc_ctx *ctx, void *arg)
{
	struct notify_finish *f = arg;
	struct notify_try *t = f->t;
	char tries[16], delay[24];
	int rv;
	snprintf(tries, sizeof tries, "%d", t->tries);
	snprintf(delay, sizeof delay, "%lld", f->delay_ms);
	for (int i = 0; i < t->natt; i++) {
		const char *v[] = {t->id, tries, t->att[i].provider, t->att[i].outcome,
		                   i == t->natt - 1 ? delay : "0"};
		if ((rv = change_exec(
		             ctx,
		             "INSERT INTO delivery_attempts (delivery_id, try_no, provider,"
		             " outcome, delay_ms) VALUES ($1::uuid, $2::int, $3, $4, $5::bigint)",
		             5, v, NULL)) != ST_OK)
			return rv;
	}
	/* A taken-over delivery not yet checked with the providers (accounts did not answer)
	 * stays 'sending' with its lease ended at the retry time: the next claim checks. */
	const char *state = t->provider                   ? "sent"
	                    : t->skipped                  ? "skipped"
	                    : f->failed                   ? "failed"
	                    : t->recovered && !t->checked ? "sending"
	                                                  : "pending";
	const char *last = t->natt ? t->att[t->natt - 1].outcome : NULL;
	const char *v[] = {t->id, state, delay, t->provider, t->provider ? NULL : last, tries};
	return change_exec(
	        ctx,
	        "UPDATE deliveries SET state = $2,"
	        " lease_until = CASE WHEN $2 = 'sending'"
	        " THEN now() + make_interval(secs => $3::bigint / 1000.0) END,"
	        " next_at = CASE WHEN $2 IN ('pending', 'sending')"
	        " THEN now() + make_interval(secs => $3::bigint / 1000.0) ELSE next_at END,"
	        " provider = COALESCE($4, provider), last_error = $5,"
	        " sent_at = CASE WHEN $2 = 'sent' THEN now() END"
	        " WHERE id = $1::uuid AND state = 'sending' AND tries = $6::int",
	        6, v, NULL);
}

/* Records t's try and moves the delivery on. */
static void notify_try_finish(svc_ctx *ctx, struct notify_try *t)
{
	struct notify_app *app = NOTIFY_APP(ctx);
	struct notify_finish f = {t, 0, 0};
	if (!t->provider && !t->skipped) {
		if (t->tries >= app->delivery_max_tries) {
			f.failed = 1;
		} else {
			unsigned short rnd = 0;
			crypto_random_bytes(&rnd, sizeof rnd);
			f.delay_ms = notify_backoff_ms(t->tries, app->delivery_backoff_ms,
			                               app->delivery_backoff_cap_ms, rnd);
		}
	}
	int rv = change_run(ctx, notify_finish_tx, &f);
	if (rv != ST_OK)
		log_kv(LOGL_ERROR, t->id, "delivery outcome not recorded; its lease will end",
		       "error", status_code_name(rv), NULL);
	else if (f.failed)
		log_kv(LOGL_WARN, t->id, "delivery failed for good", "channel", t->channel, NULL);
}

/* Gathers the due 'held' e-mails of one person into one digest e-mail (a delivery of its
 * own); *(int *)arg set to 1 when one was made. The person is taken under a transaction's
 * advisory lock that other replicas skip: with row locks (FOR UPDATE SKIP LOCKED on one
 * row) two replicas could pick two rows of one person and deadlock on each other's. */
static int notify_digest_tx(svc_ctx *ctx, void *arg)
{
	int *made = arg;
	PGresult *r = NULL;
	int rv = change_exec(ctx,
	                     "WITH p AS (SELECT person_id FROM deliveries WHERE state = 'held'"
	                     " AND next_at <= now() AND pg_try_advisory_xact_lock("
	                     "hashtext('notify.digest'), hashtext(person_id::text)) LIMIT 1),"
	                     " d AS (UPDATE deliveries x SET state = 'digested' FROM p"
	                     " WHERE x.person_id = p.person_id AND x.state = 'held'"
	                     " AND x.next_at <= now() RETURNING x.person_id, x.title, x.body,"
	                     " x.created_at)"
	                     " SELECT person_id::text, count(*), string_agg('【' || title || '】'"
	                     " || body, E'\\n\\n' ORDER BY created_at) FROM d GROUP BY person_id",
	                     0, NULL, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return ST_OK;
	}
	const char *v[] = {PQgetvalue(r, 0, 0),
	                   arena_printf(ctx->arena, "每日通知摘要（%s 条）", PQgetvalue(r, 0, 1)),
	                   PQgetvalue(r, 0, 2)};
	rv = change_exec(
	        ctx,
	        "INSERT INTO deliveries (event_id, event_type, category, channel, person_id,"
	        " title, body) VALUES ('digest:' || gen_random_uuid(), 'notify.digest',"
	        " 'digest', 'email', $1::uuid, $2, $3)",
	        3, v, NULL);
	PQclear(r);
	*made = rv == ST_OK;
	return rv;
}

/* Milliseconds of the monotonic clock. */
static int64_t notify_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Renews the lease of the claim's rows from..n-1 (r as the claim returned them) that are
 * still ours: same tries, still 'sending'. A row another replica took over meanwhile (its
 * tries moved on) gets lost[i] = 1 and is neither sent nor recorded here. Without this, a
 * batch sending slower than the lease (a provider answering slowly) would be taken over
 * while this thread still works through it, and both would send. A failing renewal loses
 * them all: they come back to whoever claims after the lease.
 */
static void notify_lease_renew(svc_ctx *ctx, const PGresult *r, int from, int n, char *lost)
{
	struct notify_app *app = NOTIFY_APP(ctx);
	PGresult *res = NULL;
	size_t cap = (size_t)(n - from) * 40 + 3, ui = 1, ut = 1;
	char *ids = arena_alloc(ctx->arena, cap), *tries = arena_alloc(ctx->arena, cap);
	char lease[16];
	ids[0] = tries[0] = '{';
	for (int i = from; i < n; i++) {
		if (lost[i])
			continue;
		ui += (size_t)snprintf(ids + ui, cap - ui, "%s%s", ui > 1 ? "," : "",
		                       PQgetvalue(r, i, 0));
		ut += (size_t)snprintf(tries + ut, cap - ut, "%s%s", ut > 1 ? "," : "",
		                       PQgetvalue(r, i, 7));
	}
	snprintf(ids + ui, cap - ui, "}");
	snprintf(tries + ut, cap - ut, "}");
	snprintf(lease, sizeof lease, "%ld", app->delivery_lease_s);
	const char *v[] = {ids, tries, lease};
	int rv = db_exec(
	        ctx->db,
	        "UPDATE deliveries d SET lease_until = now() + make_interval(secs => $3::int)"
	        " FROM unnest($1::uuid[], $2::int[]) AS m(id, tries)"
	        " WHERE d.id = m.id AND d.tries = m.tries AND d.state = 'sending'"
	        " RETURNING d.id::text",
	        3, v, &res);
	for (int i = from; i < n; i++) {
		int kept = 0;
		for (int j = 0; rv == ST_OK && j < PQntuples(res) && !kept; j++)
			kept = strcmp(PQgetvalue(res, j, 0), PQgetvalue(r, i, 0)) == 0;
		if (!kept && !lost[i]) {
			lost[i] = 1;
			log_kv(LOGL_WARN, PQgetvalue(r, i, 0),
			       "delivery taken over by another replica (lease ended), not sent "
			       "here",
			       NULL);
		}
	}
	if (rv != ST_OK)
		status_clear();
	PQclear(res);
}

int notify_deliveries_tick(svc_ctx *ctx)
{
	struct notify_app *app = NOTIFY_APP(ctx);
	PGresult *r = NULL;
	int made = 0;
	if (change_run(ctx, notify_digest_tx, &made) != ST_OK)
		status_clear();
	char batch[16], lease[16];
	snprintf(batch, sizeof batch, "%ld", app->delivery_batch);
	snprintf(lease, sizeof lease, "%ld", app->delivery_lease_s);
	const char *v[] = {batch, lease};
	/* One statement, so its own transaction: the rows are ours once it commits. */
	int rv = db_exec(ctx->db,
	                 "UPDATE deliveries d SET state = 'sending', tries = d.tries + 1,"
	                 " lease_until = now() + make_interval(secs => $2::int)"
	                 " FROM (SELECT id, state = 'sending' AS recovered FROM deliveries"
	                 " WHERE (state = 'pending' AND next_at <= now())"
	                 " OR (state = 'sending' AND lease_until < now())"
	                 " ORDER BY next_at LIMIT $1::int FOR UPDATE SKIP LOCKED) c"
	                 " WHERE d.id = c.id RETURNING d.id::text, d.channel, d.person_id::text,"
	                 " d.title, d.body, d.category, d.event_type, d.tries, c.recovered",
	                 2, v, &r);
	if (rv != ST_OK) {
		status_clear();
		return (int)app->delivery_poll_ms * 5;
	}
	int n = PQntuples(r);
	int64_t renewed = notify_now_ms();
	char *lost = arena_alloc(ctx->arena, (size_t)(n ? n : 1));
	memset(lost, 0, (size_t)(n ? n : 1));
	const Accounts__Contacts *cs = NULL;
	if (n > 0 && notify_contacts_get(ctx, r, &cs) != ST_OK)
		cs = NULL;
	for (int i = 0; i < n; i++) {
		/* A third of the lease gone: renew what is left before the next send. */
		if (notify_now_ms() - renewed >= app->delivery_lease_s * 1000 / 3) {
			notify_lease_renew(ctx, r, i, n, lost);
			renewed = notify_now_ms();
		}
		if (lost[i])
			continue;
		struct notify_try t = {
		        .id = dbrow_text(ctx->arena, r, i, 0),
		        .channel = dbrow_text(ctx->arena, r, i, 1),
		        .person_id = dbrow_text(ctx->arena, r, i, 2),
		        .title = dbrow_text(ctx->arena, r, i, 3),
		        .body = dbrow_text(ctx->arena, r, i, 4),
		        .category = dbrow_text(ctx->arena, r, i, 5),
		        .event_type = dbrow_text(ctx->arena, r, i, 6),
		        .tries = (int)strtol(PQgetvalue(r, i, 7), NULL, 10),
		        .recovered = PQgetvalue(r, i, 8)[0] == 't',
		};
		notify_try_send(ctx, &t, cs);
		notify_try_finish(ctx, &t);
	}
	PQclear(r);
	return n >= app->delivery_batch || made ? 0 : (int)app->delivery_poll_ms;
}

/* ---- the operator's list ----------------------------------------------------------- */

#define NOTIFY_DELIVERY_COLS                                                                       \
	"d.id::text, d.channel, d.category, d.event_type, d.person_id::text, d.title, d.state,"    \
	" d.tries, " DBROW_CST("d.next_at") ", " DBROW_CST("d.created_at") ", " DBROW_CST(         \
	        "d.sent_at") ", d.provider"

static Notify__Delivery *notify_delivery_from_row(svc_ctx *ctx, const PGresult *r, int row)
{
	Notify__Delivery *d = arena_alloc(ctx->arena, sizeof *d);
	notify__delivery__init(d);
	d->id = dbrow_text(ctx->arena, r, row, 0);
	d->channel = dbrow_text(ctx->arena, r, row, 1);
	d->category = dbrow_text(ctx->arena, r, row, 2);
	d->event_type = dbrow_text(ctx->arena, r, row, 3);
	d->person_id = dbrow_text(ctx->arena, r, row, 4);
	d->title = dbrow_text(ctx->arena, r, row, 5);
	d->state = dbrow_text(ctx->arena, r, row, 6);
	d->has_tries = 1;
	d->tries = (int32_t)strtol(PQgetvalue(r, row, 7), NULL, 10);
	d->next_at = dbrow_text(ctx->arena, r, row, 8);
	d->created_at = dbrow_text(ctx->arena, r, row, 9);
	d->sent_at = dbrow_text(ctx->arena, r, row, 10);
	d->provider = dbrow_text(ctx->arena, r, row, 11);
	return d;
}

static ProtobufCMessage *delivery_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &notify_delivery_from_row(ctx, r, row)->base;
}

/* Fills each delivery's attempts, oldest first. */
static int notify_attach_attempts(svc_ctx *ctx, Notify__Delivery **ds, size_t n)
{
	PGresult *r = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *v[] = {ds[i]->id};
		int rv = db_exec(ctx->db,
		                 "SELECT try_no, provider, outcome, error, " DBROW_CST(
		                         "at") ", delay_ms"
		                               " FROM delivery_attempts WHERE delivery_id = "
		                               "$1::uuid ORDER BY id",
		                 1, v, &r);
		if (rv != ST_OK)
			return status_err(rv, NULL);
		int m = PQntuples(r);
		ds[i]->attempts =
		        arena_alloc(ctx->arena, (size_t)(m ? m : 1) * sizeof *ds[i]->attempts);
		for (int j = 0; j < m; j++) {
			Notify__DeliveryAttempt *a = arena_alloc(ctx->arena, sizeof *a);
			notify__delivery_attempt__init(a);
			a->has_try_no = 1;
			a->try_no = (int32_t)strtol(PQgetvalue(r, j, 0), NULL, 10);
			a->provider = dbrow_text(ctx->arena, r, j, 1);
			a->outcome = dbrow_text(ctx->arena, r, j, 2);
			a->error = dbrow_text(ctx->arena, r, j, 3);
			a->at = dbrow_text(ctx->arena, r, j, 4);
			a->has_delay_ms = 1;
			a->delay_ms = strtoll(PQgetvalue(r, j, 5), NULL, 10);
			ds[i]->attempts[ds[i]->n_attempts++] = a;
		}
		PQclear(r);
	}
	return ST_OK;
}

int notify_deliveries_list(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Notify__ListDeliveriesRequest *in = (const Notify__ListDeliveriesRequest *)in_;
	static const char *const states[] = {"pending", "sending",  "sent",   "failed",
	                                     "held",    "digested", "skipped"};
	const char *person = NULL;
	dblist_page pg;
	int rv;
	if ((rv = caller_person(ctx, &person)) != ST_OK)
		return rv;
	if (!caller_has_role(ctx, "admin"))
		return status_err(ST_FORBIDDEN, NULL);
	const char *state = in->state && *in->state ? in->state : "failed";
	size_t i;
	for (i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i], state) == 0)
			break;
	if (i == sizeof states / sizeof states[0])
		return status_err(ST_FIELD_RANGE, "state");
	if (in->person_id && *in->person_id && !validate_uuid(in->person_id))
		return status_err(ST_FIELD_RANGE, "person_id");
	if ((rv = dblist_page_init(in->has_page, in->page, in->has_page_size, in->page_size,
	                           &pg)) != ST_OK)
		return rv;
	const char *pid = in->person_id && *in->person_id ? in->person_id : NULL;
	const char *type = in->event_type && *in->event_type ? in->event_type : NULL;
	const char *v[] = {state, pid, type, pg.limit, pg.offset};
#define NOTIFY_DELIVERY_WHERE                                                                      \
	" FROM deliveries d WHERE d.state = $1 AND ($2::uuid IS NULL OR d.person_id = $2::uuid)"   \
	" AND ($3::text IS NULL OR d.event_type = $3)"
	rv = dblist_query(ctx, &notify__list_deliveries_response__descriptor, &pg,
	                  "SELECT count(*)" NOTIFY_DELIVERY_WHERE, 3,
	                  "SELECT " NOTIFY_DELIVERY_COLS NOTIFY_DELIVERY_WHERE
	                  " ORDER BY d.created_at DESC, d.id LIMIT $4::int OFFSET $5::bigint",
	                  5, v, delivery_row, NULL, out);
	if (rv != ST_OK)
		return rv;
	Notify__ListDeliveriesResponse *resp = (Notify__ListDeliveriesResponse *)*out;
	return notify_attach_attempts(ctx, resp->items, resp->n_items);
}

struct notify_retry {
	const char *actor, *id;
};

static int notify_retry_tx(svc_ctx *ctx, void *arg)
{
	struct notify_retry *r = arg;
	const char *v[] = {r->id};
	int rv = change_guard(ctx, ST_DELIVERY_NOT_FAILED, "id",
	                      "UPDATE deliveries SET state = 'pending', next_at = now()"
	                      " WHERE id = $1::uuid AND state = 'failed'",
	                      1, v, NULL);
	if (rv != ST_OK)
		return rv;
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", r->actor),
	                     arena_printf(ctx->arena, "delivery/%s", r->id), "delivery.retried",
	                     NULL, NULL);
}

int notify_deliveries_retry(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Notify__RetryDeliveryRequest *in = (const Notify__RetryDeliveryRequest *)in_;
	struct notify_retry r = {NULL, in->id};
	PGresult *res = NULL;
	int rv;
	if ((rv = caller_person(ctx, &r.actor)) != ST_OK)
		return rv;
	if (!caller_has_role(ctx, "admin"))
		return status_err(ST_FORBIDDEN, NULL);
	if (!in->id || !validate_uuid(in->id))
		return status_err(ST_NOT_FOUND, "id");
	const char *v[] = {in->id};
	if ((rv = db_exec(ctx->db, "SELECT 1 FROM deliveries WHERE id = $1::uuid", 1, v, &res)) !=
	    ST_OK)
		return status_err(rv, NULL);
	int found = PQntuples(res) == 1;
	PQclear(res);
	if (!found)
		return status_err(ST_NOT_FOUND, "id");
	if ((rv = change_run(ctx, notify_retry_tx, &r)) != ST_OK)
		return rv;
	if ((rv = db_exec(ctx->db,
	                  "SELECT " NOTIFY_DELIVERY_COLS " FROM deliveries d WHERE d.id = $1::uuid",
	                  1, v, &res)) != ST_OK)
		return status_err(rv, NULL);
	Notify__Delivery *d = notify_delivery_from_row(ctx, res, 0);
	PQclear(res);
	if ((rv = notify_attach_attempts(ctx, &d, 1)) != ST_OK)
		return rv;
	*out = &d->base;
	return ST_OK;
}
