/*
 * Personal real-name verification (个人实名认证): the person submits name, ID number,
 * e-mail and phone and picks a method; face (liveness through the provider), bank4
 * (name, ID, card and the card's reserved phone, proved by an SMS code to that phone)
 * or carrier3 (name, ID and the phone, proved by an SMS code). A match makes the name
 * and ID number of the person read-only.
 *
 * Provider calls and SMS checks happen outside any transaction; every state change
 * afterwards is guarded in SQL (WHERE state = 'pending'), so two racing confirmations
 * cannot both win, and the person's UNIQUE id_number_hash settles two persons racing
 * for one ID number. Numbers are kept only sealed (crypto_seal) with masked copies.
 *
 * A confirmation's provider call is paid, so it is recorded before it is made
 * (provider_called_at, committed), made outside any transaction with the verification's
 * id as the provider's request_id, and its final answer recorded in a transaction of its
 * own before the verification changes. A retry after the change failed reuses the
 * recorded answer without calling; a retry after the answer could not be recorded sends
 * the same request_id again, which the provider answers without billing twice. The SMS
 * code is used up only after the change committed, so neither failure costs the code.
 */
#include "accounts.h"

#include "change.h"
#include "dbrow.h"
#include "kyc.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AAD_V_ID    "accounts.verifications.id_number"
#define AAD_V_CARD  "accounts.verifications.bank_card"
#define AAD_V_PHONE "accounts.verifications.phone"
#define AAD_P_ID    "accounts.persons.id_number"

#define SMS_PURPOSE "kyc"
/* Verifications a person may start per 24 hours: each one may cost a provider call. */
#define STARTS_PER_DAY 20

/* The columns of the masked view, in the order verification_view() reads them. */
#define V_COLS                                                                                     \
	"id, method, state, name, id_number_masked, phone_masked, bank_card_masked, "              \
	"email_masked, "                                                                           \
	"face_url, failed_factor, failure_reason, " DBROW_CST("created_at") ", " DBROW_CST(        \
	        "verified_at")

/* The submitted form, validated and normalised (strings in the request's arena). */
struct vform {
	const char *method;
	const char *name;
	char *id_number;
	const char *email;
	const char *phone;
	char *bank_card; /* bank4 only */
};

/* A pending verification with its numbers opened (arena strings). */
struct vpending {
	char *id;
	char *method;
	char *name;
	char *id_number;
	char *bank_card; /* NULL unless bank4 */
	char *phone;
	char *session; /* face */
	char *outcome; /* the provider's recorded final answer (match | mismatch), or NULL */
	char *factor;  /* its failed factor and reason (mismatch) */
	char *reason;
};

static int verification_method_valid(const char *m)
{
	return strcmp(m, "face") == 0 || strcmp(m, "bank4") == 0 || strcmp(m, "carrier3") == 0;
}

static int verification_form_read(arena *a, const Accounts__StartVerificationRequest *in,
                                  struct vform *f)
{
	int rv;
	if (!in->name || !*in->name)
		return status_err(ST_FIELD_REQUIRED, "name");
	if ((rv = validate_person_name(in->name)) != 0)
		return status_err(rv, "name");
	if (!in->id_number || !*in->id_number)
		return status_err(ST_FIELD_REQUIRED, "id_number");
	/* One spelling per person: the check character is stored upper case. */
	f->id_number = arena_strdup(a, in->id_number);
	if ((rv = validate_resident_id_normalize(f->id_number)) != 0)
		return status_err(rv, "id_number");
	if (!in->email || !*in->email)
		return status_err(ST_FIELD_REQUIRED, "email");
	if ((rv = validate_email(in->email)) != 0)
		return status_err(rv, "email");
	if (!in->phone || !*in->phone)
		return status_err(ST_FIELD_REQUIRED, "phone");
	if ((rv = validate_mobile(in->phone)) != 0)
		return status_err(rv, "phone");
	if (!in->method || !*in->method)
		return status_err(ST_FIELD_REQUIRED, "method");
	if (!verification_method_valid(in->method))
		return status_err(ST_KYC_METHOD, "method");
	f->name = in->name;
	f->email = in->email;
	f->phone = in->phone;
	f->method = in->method;
	f->bank_card = NULL;
	if (strcmp(f->method, "bank4") != 0)
		return ST_OK; /* a card sent with another method is not kept */
	if (!in->bank_card || !*in->bank_card)
		return status_err(ST_FIELD_REQUIRED, "bank_card");
	/* Cards are written in groups of four: the spaces are not part of the number. */
	size_t n = 0;
	f->bank_card = arena_strdup(a, in->bank_card);
	for (const char *p = in->bank_card; *p; p++)
		if (*p != ' ')
			f->bank_card[n++] = *p;
	f->bank_card[n] = '\0';
	if ((rv = validate_bank_card(f->bank_card)) != 0)
		return status_err(rv, "bank_card");
	return ST_OK;
}

/* "张*明", "张*" (two characters), "欧阳**" stays readable but not whole. */
static void verification_mask_name(const char *name, char *out, size_t outlen)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if ((*p & 0xC0) != 0x80)
			chars++;
	validate_mask_middle(name, 1, chars > 2 ? 1 : 0, out, outlen);
}

/* ---- the masked view ------------------------------------------------------------ */

static Accounts__Verification *verification_view(arena *a, const PGresult *r, int row)
{
	Accounts__Verification *v = arena_alloc(a, sizeof *v);
	accounts__verification__init(v);
	v->id = dbrow_text(a, r, row, 0);
	v->method = dbrow_text(a, r, row, 1);
	v->state = dbrow_text(a, r, row, 2);
	v->name = dbrow_text(a, r, row, 3);
	v->id_number_masked = dbrow_text(a, r, row, 4);
	v->phone_masked = dbrow_text(a, r, row, 5);
	v->bank_card_masked = dbrow_text(a, r, row, 6);
	v->email_masked = dbrow_text(a, r, row, 7);
	v->failed_factor = dbrow_text(a, r, row, 9);
	v->failure_reason = dbrow_text(a, r, row, 10);
	v->created_at = dbrow_text(a, r, row, 11);
	v->verified_at = dbrow_text(a, r, row, 12);
	int pending = v->state && strcmp(v->state, "pending") == 0;
	int face = v->method && strcmp(v->method, "face") == 0;
	v->next_step = arena_strdup(a, !pending ? "" : face ? "face" : "sms");
	if (pending && face)
		v->face_url = dbrow_text(a, r, row, 8);
	return v;
}

/* The masked view of verification id into *out. */
static int verification_load_view(svc_ctx *ctx, const char *id, Accounts__Verification **out)
{
	PGresult *r = NULL;
	const char *v[] = {id};
	int rv = db_exec(ctx->db, "SELECT " V_COLS " FROM verifications WHERE id = $1", 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, NULL);
	}
	*out = verification_view(ctx->arena, r, 0);
	PQclear(r);
	return ST_OK;
}

/* ---- sealing ------------------------------------------------------------------------ */

struct sealed {
	unsigned char *buf;
	size_t len;
};

static int verification_seal(const crypto_keys *k, const char *plain, const char *aad,
                             struct sealed *s)
{
	if (!plain) {
		s->buf = NULL;
		s->len = 0;
		return ST_OK;
	}
	if (crypto_seal(k, plain, strlen(plain), aad, &s->buf, &s->len) != 0)
		return status_err(ST_INTERNAL, NULL);
	return ST_OK;
}

/* ---- checks shared by start and confirm ------------------------------------------------ */

/*
 * ST_OK when the person exists and is not verified yet, or, with face_hash, is verified
 * under that ID number hash without a face check yet (a person verified by bank card or
 * carrier may add one: market's financing demands need it). lock: FOR UPDATE (in a
 * transaction).
 */
static int verification_person_open(svc_ctx *ctx, const char *pid, const char *face_hash, int lock)
{
	PGresult *r = NULL;
	const char *v[] = {pid, face_hash};
	int rv = db_exec(ctx->db,
	                 lock ? "SELECT verified_at IS NOT NULL AND (face_checked_at IS NOT NULL OR"
	                        " $2::text IS NULL OR id_number_hash IS DISTINCT FROM $2)"
	                        " FROM persons WHERE id = $1 FOR UPDATE"
	                      : "SELECT verified_at IS NOT NULL AND (face_checked_at IS NOT NULL OR"
	                        " $2::text IS NULL OR id_number_hash IS DISTINCT FROM $2)"
	                        " FROM persons WHERE id = $1",
	                 2, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	rv = PQntuples(r) != 1                       ? status_err(ST_UNAUTHENTICATED, NULL)
	     : strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? status_err(ST_IDENTITY_VERIFIED, NULL)
	                                             : ST_OK;
	PQclear(r);
	return rv;
}

/* The ID number hash a face check may be added under (face only), else NULL. */
static const char *verification_face_hash(const char *method, const char *id_hash)
{
	return strcmp(method, "face") == 0 ? id_hash : NULL;
}

/* ST_ID_NUMBER_TAKEN when another person is verified with this ID number. */
static int verification_id_free(svc_ctx *ctx, const char *pid, const char *id_hash)
{
	PGresult *r = NULL;
	const char *v[] = {id_hash, pid};
	int rv = db_exec(ctx->db, "SELECT 1 FROM persons WHERE id_number_hash = $1 AND id <> $2", 2,
	                 v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	rv = PQntuples(r) > 0 ? status_err(ST_ID_NUMBER_TAKEN, "id_number") : ST_OK;
	PQclear(r);
	return rv;
}

/* ST_RATE_LIMITED (with Retry-After) past STARTS_PER_DAY starts in 24 hours. */
static int verification_start_budget(svc_ctx *ctx, const char *pid)
{
	PGresult *r = NULL;
	char limit[16];
	snprintf(limit, sizeof limit, "%d", STARTS_PER_DAY);
	const char *v[] = {pid, limit};
	int rv = db_exec(ctx->db,
	                 "SELECT count(*) >= $2::int, ceil(extract(epoch FROM min(created_at) + "
	                 "interval '1 day' - now()))::int FROM verifications WHERE person_id = $1 "
	                 "AND created_at > now() - interval '1 day'",
	                 2, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	rv = ST_OK;
	if (strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
		long wait = strtol(PQgetvalue(r, 0, 1), NULL, 10);
		rv = status_err(ST_KYC_DAILY_LIMIT, NULL);
		status_set_retry_after(wait > 0 ? (int)wait : 1);
	}
	PQclear(r);
	return rv;
}

/* ---- StartVerification ------------------------------------------------------------------ */

struct vinsert {
	const char *pid, *id_hash, *session, *face_url;
	const struct vform *f;
	const struct sealed *sid, *scard, *sphone, *semail;
	const char *id_masked, *card_masked, *phone_masked, *email_masked;
	char *id; /* the new verification, set by vinsert_tx */
};

/* The change: the pending one superseded, the new one stored, audit. */
static int vinsert_tx(svc_ctx *ctx, void *arg)
{
	struct vinsert *x = arg;
	const struct vform *f = x->f;
	PGresult *r = NULL;
	int rv;
	/* The person's row serialises starts and confirmations of one person. */
	if ((rv = verification_person_open(
	             ctx, x->pid, verification_face_hash(f->method, x->id_hash), 1)) != ST_OK)
		return rv;
	const char *v1[] = {x->pid};
	if ((rv = change_exec(ctx,
	                      "UPDATE verifications SET state = 'superseded', updated_at = now() "
	                      "WHERE person_id = $1 AND state = 'pending'",
	                      1, v1, NULL)) != ST_OK)
		return rv;
	const char *v2[] = {x->pid,
	                    f->method,
	                    f->name,
	                    (const char *)x->sid->buf,
	                    x->id_hash,
	                    x->id_masked,
	                    (const char *)x->scard->buf,
	                    f->bank_card ? x->card_masked : NULL,
	                    (const char *)x->sphone->buf,
	                    x->phone_masked,
	                    (const char *)x->semail->buf,
	                    x->session,
	                    x->face_url,
	                    x->email_masked};
	const int lens[] = {0,
	                    0,
	                    0,
	                    (int)x->sid->len,
	                    0,
	                    0,
	                    (int)x->scard->len,
	                    0,
	                    (int)x->sphone->len,
	                    0,
	                    (int)x->semail->len,
	                    0,
	                    0,
	                    0};
	const int fmts[] = {0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0};
	if ((rv = change_query(
	             ctx,
	             "INSERT INTO verifications (person_id, method, name, id_number_enc, "
	             "id_number_hash, id_number_masked, bank_card_enc, bank_card_masked, "
	             "phone_enc, phone_masked, email_enc, provider_session, face_url, "
	             "email_masked) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
	             "$13, $14) RETURNING id",
	             14, v2, lens, fmts, &r)) != ST_OK)
		return rv;
	x->id = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
	PQclear(r);
	return change_record(
	        ctx, arena_printf(ctx->arena, "person:%s", x->pid),
	        arena_printf(ctx->arena, "person/%s", x->pid), "person.verification.started",
	        json_pack("{s:s, s:s}", "verification_id", x->id, "method", f->method), NULL);
}

/* Stores the new pending verification (superseding the old one); its id into *id. */
static int verification_insert(svc_ctx *ctx, const char *pid, const struct vform *f,
                               const char *id_hash, const char *session, const char *face_url,
                               char **id)
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	struct sealed sid = {0}, scard = {0}, sphone = {0}, semail = {0};
	char id_masked[32], card_masked[32] = "", phone_masked[16];
	int rv;

	validate_mask_middle(f->id_number, 4, 4, id_masked, sizeof id_masked);
	if (f->bank_card)
		validate_mask_middle(f->bank_card, 0, 4, card_masked, sizeof card_masked);
	validate_mask_mobile(f->phone, phone_masked);
	char *email_masked = NULL;
	if ((rv = verification_seal(&app->keys, f->id_number, AAD_V_ID, &sid)) != ST_OK ||
	    (rv = verification_seal(&app->keys, f->bank_card, AAD_V_CARD, &scard)) != ST_OK ||
	    (rv = verification_seal(&app->keys, f->phone, AAD_V_PHONE, &sphone)) != ST_OK ||
	    (rv = accounts_email_seal(ctx, f->email, ACCOUNTS_EMAIL_AAD_VERIFICATION, &semail.buf,
	                              &semail.len, &email_masked)) != ST_OK)
		goto out;
	struct vinsert x = {pid,         id_hash,      session,      face_url, f,
	                    &sid,        &scard,       &sphone,      &semail,  id_masked,
	                    card_masked, phone_masked, email_masked, NULL};
	if ((rv = change_run(ctx, vinsert_tx, &x)) != ST_OK)
		goto out;
	*id = x.id;
	log_kv(LOGL_INFO, ctx->request_id, "verification started", "verification_id", *id, "method",
	       f->method, "id_number", id_masked, "phone", phone_masked, NULL);
out:
	free(sid.buf);
	free(scard.buf);
	free(sphone.buf);
	free(semail.buf);
	return rv;
}

int accounts_verification_start(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Accounts__StartVerificationRequest *in =
	        (const Accounts__StartVerificationRequest *)in_;
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	struct vform f = {0};
	const char *pid = NULL;
	char id_hash[65], session[KYC_SESSION_ID_MAX + 1] = "", face_url[512] = "";
	char *id = NULL;
	Accounts__Verification *v = NULL;
	int rv;

	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if ((rv = verification_form_read(ctx->arena, in, &f)) != ST_OK)
		return rv;
	if (crypto_lookup_hash(&app->keys, f.id_number, id_hash) != 0)
		return status_err(ST_INTERNAL, NULL);
	/* Cheap refusals first: nothing is sent to a phone or a provider for them. */
	if ((rv = verification_person_open(ctx, pid, verification_face_hash(f.method, id_hash),
	                                   0)) != ST_OK ||
	    (rv = verification_id_free(ctx, pid, id_hash)) != ST_OK ||
	    (rv = verification_start_budget(ctx, pid)) != ST_OK)
		return rv;

	if (strcmp(f.method, "face") == 0) {
		kyc_result kr;
		if (!app->kyc ||
		    kyc_face_start(app->kyc, f.name, f.id_number, session, sizeof session, face_url,
		                   sizeof face_url, &kr) != 0)
			return status_err(ST_KYC_PROVIDER_ERROR, NULL);
		if (kr.outcome == KYC_TIMEOUT)
			return status_err(ST_KYC_PROVIDER_TIMEOUT, NULL);
		if (kr.outcome != KYC_MATCH)
			return status_err(ST_KYC_PROVIDER_ERROR, NULL);
	} else if ((rv = accounts_sms_issue(ctx, f.phone, SMS_PURPOSE)) != ST_OK) {
		return rv; /* notify's limits (429 with Retry-After) pass through */
	}

	int face = strcmp(f.method, "face") == 0;
	if ((rv = verification_insert(ctx, pid, &f, id_hash, face ? session : NULL,
	                              face ? face_url : NULL, &id)) != ST_OK)
		return rv;
	if ((rv = verification_load_view(ctx, id, &v)) != ST_OK)
		return rv;
	*out = &v->base;
	return ST_CREATED;
}

/* ---- ConfirmVerification ------------------------------------------------------------------ */

/* The person's pending verification, numbers opened; ST_KYC_NOT_STARTED when none. */
static int verification_pending_load(svc_ctx *ctx, const char *pid, struct vpending *p)
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	PGresult *r = NULL;
	const char *v[] = {pid};
	int rv = db_exec(ctx->db,
	                 "SELECT id, method, name, id_number_enc, bank_card_enc, phone_enc, "
	                 "provider_session, provider_outcome, provider_factor, provider_reason "
	                 "FROM verifications WHERE person_id = $1 AND state = 'pending' "
	                 "ORDER BY created_at DESC LIMIT 1",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		/* Already verified says more than "not started" to a second click. */
		if ((rv = verification_person_open(ctx, pid, NULL, 0)) != ST_OK)
			return rv;
		return status_err(ST_KYC_NOT_STARTED, NULL);
	}
	p->id = dbrow_text(ctx->arena, r, 0, 0);
	p->method = dbrow_text(ctx->arena, r, 0, 1);
	p->name = dbrow_text(ctx->arena, r, 0, 2);
	p->session = dbrow_text(ctx->arena, r, 0, 6);
	p->outcome = dbrow_text(ctx->arena, r, 0, 7);
	p->factor = dbrow_text(ctx->arena, r, 0, 8);
	p->reason = dbrow_text(ctx->arena, r, 0, 9);
	if ((rv = dbrow_open(ctx, &app->keys, r, 0, 3, AAD_V_ID, &p->id_number)) == ST_OK &&
	    (rv = dbrow_open(ctx, &app->keys, r, 0, 4, AAD_V_CARD, &p->bank_card)) == ST_OK)
		rv = dbrow_open(ctx, &app->keys, r, 0, 5, AAD_V_PHONE, &p->phone);
	PQclear(r);
	if (rv == ST_OK && !p->id_number)
		rv = status_err(ST_INTERNAL, NULL);
	return rv;
}

/* The change before a provider call: the call recorded and counted (no audit entry). */
static int call_record_tx(svc_ctx *ctx, void *arg)
{
	const char *v[] = {arg};
	return change_guard(ctx, ST_CONFLICT, NULL,
	                    "UPDATE verifications SET provider_called_at = now(), "
	                    "attempts = attempts + 1, updated_at = now() "
	                    "WHERE id = $1 AND state = 'pending' RETURNING id",
	                    1, v, NULL);
}

struct vanswer {
	const char *id;
	const kyc_result *kr;
};

/* The change after a final answer: the answer recorded, so a retry reuses it. */
static int answer_record_tx(svc_ctx *ctx, void *arg)
{
	const struct vanswer *x = arg;
	int match = x->kr->outcome == KYC_MATCH;
	const char *v[] = {x->id, match ? "match" : "mismatch", match ? NULL : x->kr->failed_factor,
	                   match ? NULL : x->kr->reason};
	return change_guard(ctx, ST_CONFLICT, NULL,
	                    "UPDATE verifications SET provider_outcome = $2, provider_factor = $3, "
	                    "provider_reason = NULLIF($4, ''), updated_at = now() "
	                    "WHERE id = $1 AND state = 'pending' RETURNING id",
	                    4, v, NULL);
}

/*
 * The provider's answer for a pending verification into *kr: the recorded one when a
 * final answer was recorded (no call), else a call recorded first and made with the
 * verification's id as request_id, its final answer recorded before this returns.
 * ST_OK with *kr (any outcome), or the error of a record that failed.
 */
static int verification_provider_answer(svc_ctx *ctx, const struct vpending *p, kyc_result *kr)
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	int rv;
	memset(kr, 0, sizeof *kr);
	if (p->outcome) {
		kr->outcome = strcmp(p->outcome, "match") == 0 ? KYC_MATCH : KYC_MISMATCH;
		snprintf(kr->failed_factor, sizeof kr->failed_factor, "%s",
		         p->factor ? p->factor : "");
		snprintf(kr->reason, sizeof kr->reason, "%s", p->reason ? p->reason : "");
		log_kv(LOGL_INFO, ctx->request_id, "kyc provider answer reused", "verification_id",
		       p->id, "method", p->method, NULL);
		return ST_OK;
	}
	if (!app->kyc)
		return status_err(ST_KYC_PROVIDER_ERROR, NULL);
	if ((rv = change_run(ctx, call_record_tx, p->id)) != ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, "kyc provider call", "verification_id", p->id, "method",
	       p->method, NULL);
	kyc_request rq = {.name = p->name,
	                  .id_number = p->id_number,
	                  .bank_card = strcmp(p->method, "bank4") == 0 ? p->bank_card : NULL,
	                  .phone = p->phone};
	int called = strcmp(p->method, "face") == 0 ? kyc_face_result(app->kyc, p->session, kr)
	                                            : kyc_check_as(app->kyc, &rq, p->id, kr);
	if (called != 0)
		return status_err(ST_KYC_PROVIDER_ERROR, NULL);
	if (kr->outcome != KYC_MATCH && kr->outcome != KYC_MISMATCH)
		return ST_OK;
	struct vanswer x = {p->id, kr};
	return change_run(ctx, answer_record_tx, &x);
}

struct vfail {
	const char *pid, *factor, *reason;
	const struct vpending *p;
	int changed; /* set by fail_tx: 0 when a racing request settled it first */
};

/* The change: the verification failed on factor (guarded: still pending), audit. */
static int fail_tx(svc_ctx *ctx, void *arg)
{
	struct vfail *x = arg;
	const struct vpending *p = x->p;
	PGresult *r = NULL;
	const char *v[] = {p->id, x->factor, x->reason};
	int rv = change_exec(ctx,
	                     "UPDATE verifications SET state = 'failed', failed_factor = $2, "
	                     "failure_reason = $3, failed_at = now(), updated_at = now() "
	                     "WHERE id = $1 AND state = 'pending' RETURNING id",
	                     3, v, &r);
	if (rv != ST_OK)
		return rv;
	x->changed = change_rows(r) == 1;
	PQclear(r);
	if (!x->changed) /* a racing request settled it first: nothing to record */
		return ST_OK;
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", x->pid),
	                     arena_printf(ctx->arena, "person/%s", x->pid),
	                     "person.verification.failed",
	                     json_pack("{s:s, s:s, s:s}", "verification_id", p->id, "method",
	                               p->method, "failed_factor", x->factor),
	                     NULL);
}

/* Marks the verification failed on factor; the caller returns the mismatch to the person. */
static int verification_fail(svc_ctx *ctx, const char *pid, const struct vpending *p,
                             const char *factor, const char *reason)
{
	struct vfail x = {pid, factor, reason, p, 0};
	int rv = change_run(ctx, fail_tx, &x);
	if (rv == ST_OK && x.changed)
		log_kv(LOGL_INFO, ctx->request_id, "verification failed", "verification_id", p->id,
		       "method", p->method, "failed_factor", factor, NULL);
	return rv;
}

struct vcomplete {
	const char *pid, *id_hash, *id_masked, *name_masked;
	const struct vpending *p;
	const struct sealed *sid;
};

/* The change: verification and person verified together (both guarded), audit, event. */
static int complete_tx(svc_ctx *ctx, void *arg)
{
	const struct vcomplete *x = arg;
	const struct vpending *p = x->p;
	const char *v1[] = {p->id};
	int rv = change_guard(ctx, ST_CONFLICT, NULL,
	                      "UPDATE verifications SET state = 'verified', verified_at = now(), "
	                      "updated_at = now() WHERE id = $1 AND state = 'pending' RETURNING id",
	                      1, v1, NULL);
	if (rv != ST_OK)
		return rv;
	const char *v2[] = {x->pid,     p->name,      (const char *)x->sid->buf,
	                    x->id_hash, x->id_masked, p->method};
	const int lens[] = {0, 0, (int)x->sid->len, 0, 0, 0};
	const int fmts[] = {0, 0, 1, 0, 0, 0};
	PGresult *r = NULL;
	/* Taken: another person got this ID number verified meanwhile (UNIQUE id_number_hash). */
	if ((rv = change_unique(
	             ctx, ST_ID_NUMBER_TAKEN, "id_number",
	             "UPDATE persons SET verified_at = now(), name = $2, id_number_enc = "
	             "$3, id_number_hash = $4, id_number_masked = $5, face_checked_at = "
	             "CASE WHEN $6 = 'face' THEN now() END, updated_at = now() "
	             "WHERE id = $1 AND verified_at IS NULL RETURNING id",
	             6, v2, lens, fmts, &r)) != ST_OK)
		return rv;
	int changed = change_rows(r) == 1;
	PQclear(r);
	const char *type = "accounts.person.verified", *action = "person.verified";
	if (!changed && strcmp(p->method, "face") == 0) {
		/* Verified before by bank card or carrier: this adds the face check only. */
		const char *v3[] = {x->pid, x->id_hash};
		if ((rv = change_guard(
		             ctx, ST_IDENTITY_VERIFIED, NULL,
		             "UPDATE persons SET face_checked_at = now(), updated_at = now()"
		             " WHERE id = $1 AND verified_at IS NOT NULL"
		             " AND face_checked_at IS NULL AND id_number_hash = $2 RETURNING id",
		             2, v3, NULL)) != ST_OK)
			return rv;
		type = "accounts.person.face_checked";
		action = "person.face_checked";
	} else if (!changed) {
		return status_err(ST_IDENTITY_VERIFIED, NULL);
	}
	Accounts__PersonVerified ev = ACCOUNTS__PERSON_VERIFIED__INIT;
	ev.person_id = (char *)x->pid;
	ev.name_masked = (char *)x->name_masked;
	ev.method = p->method;
	change_event e = {type, NULL, &ev.base};
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", x->pid),
	                     arena_printf(ctx->arena, "person/%s", x->pid), action,
	                     json_pack("{s:s, s:s}", "verification_id", p->id, "method", p->method),
	                     &e);
}

/*
 * The match: the verification and the person change together, with the audit entry and
 * the accounts.person.verified event. ST_ID_NUMBER_TAKEN when another person got this
 * ID number verified meanwhile (the UNIQUE id_number_hash decides).
 */
static int verification_complete(svc_ctx *ctx, const char *pid, const struct vpending *p)
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	struct sealed sid = {0};
	char id_hash[65], id_masked[32], name_masked[96];
	int rv;

	validate_mask_middle(p->id_number, 4, 4, id_masked, sizeof id_masked);
	verification_mask_name(p->name, name_masked, sizeof name_masked);
	if (crypto_lookup_hash(&app->keys, p->id_number, id_hash) != 0)
		return status_err(ST_INTERNAL, NULL);
	if ((rv = verification_seal(&app->keys, p->id_number, AAD_P_ID, &sid)) != ST_OK)
		return rv;
	struct vcomplete x = {pid, id_hash, id_masked, name_masked, p, &sid};
	rv = change_run(ctx, complete_tx, &x);
	free(sid.buf);
	if (rv == ST_ID_NUMBER_TAKEN) {
		/* The verification fails on the ID number, in a transaction of its own. */
		if ((rv = verification_fail(ctx, pid, p, "id_number",
		                            status_message(ST_ID_NUMBER_TAKEN))) == ST_OK)
			rv = status_err(ST_ID_NUMBER_TAKEN, "id_number");
		return rv;
	}
	if (rv == ST_OK)
		log_kv(LOGL_INFO, ctx->request_id, "person verified", "verification_id", p->id,
		       "method", p->method, "id_number", id_masked, NULL);
	return rv;
}

/*
 * After a final answer committed: the code used up (as at registration). One that cannot
 * be used up now is logged and left to expire: the verification it was for is settled.
 */
static void verification_code_use_up(svc_ctx *ctx, const struct vpending *p, const char *code)
{
	if (!code)
		return;
	int rv = accounts_sms_verify(ctx, p->phone, SMS_PURPOSE, code, 1, "sms_code");
	if (rv != ST_OK)
		log_kv(LOGL_WARN, ctx->request_id, "verification code not used up",
		       "verification_id", p->id, "error", status_code_name(rv), NULL);
}

int accounts_verification_confirm(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Accounts__ConfirmVerificationRequest *in =
	        (const Accounts__ConfirmVerificationRequest *)in_;
	struct vpending p = {0};
	const char *pid = NULL;
	Accounts__Verification *v = NULL;
	kyc_result kr;
	int rv, sms;

	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if ((rv = verification_pending_load(ctx, pid, &p)) != ST_OK)
		return rv;
	sms = strcmp(p.method, "face") != 0;
	if (sms) {
		if (!in->sms_code || !*in->sms_code)
			return status_err(ST_FIELD_REQUIRED, "sms_code");
		/*
		 * Checked now, used up only once a final answer has changed the verification: a
		 * timeout, a provider error or a failed save leaves the code valid for a retry
		 * within its five minutes, so the person does not need another SMS for our
		 * provider's or our database's failure.
		 */
		if ((rv = accounts_sms_verify(ctx, p.phone, SMS_PURPOSE, in->sms_code, 0,
		                              "sms_code")) != ST_OK)
			return rv;
	}
	if ((rv = verification_provider_answer(ctx, &p, &kr)) != ST_OK)
		return rv;

	switch (kr.outcome) {
	case KYC_PENDING:
		return status_err(ST_KYC_FACE_PENDING, NULL);
	case KYC_TIMEOUT:
		log_kv(LOGL_WARN, ctx->request_id, "verification: provider timeout",
		       "verification_id", p.id, "method", p.method, NULL);
		return status_err(ST_KYC_PROVIDER_TIMEOUT, NULL);
	case KYC_ERROR:
		log_kv(LOGL_WARN, ctx->request_id, "verification: provider error",
		       "verification_id", p.id, "method", p.method, NULL);
		return status_err(ST_KYC_PROVIDER_ERROR, NULL);
	case KYC_MISMATCH:
	case KYC_MATCH:
		break;
	}
	if (kr.outcome == KYC_MISMATCH) {
		const char *reason = kr.reason[0] ? kr.reason : status_message(ST_KYC_MISMATCH);
		if ((rv = verification_fail(ctx, pid, &p, kr.failed_factor, reason)) != ST_OK)
			return rv;
		verification_code_use_up(ctx, &p, sms ? in->sms_code : NULL);
		/* The provider's reason is the message: it names what did not match. */
		return status_errmsg(ST_KYC_MISMATCH, kr.failed_factor, reason);
	}
	if ((rv = verification_complete(ctx, pid, &p)) != ST_OK)
		return rv;
	verification_code_use_up(ctx, &p, sms ? in->sms_code : NULL);
	if ((rv = verification_load_view(ctx, p.id, &v)) != ST_OK)
		return rv;
	*out = &v->base;
	return ST_OK;
}

/* ---- GetVerification ------------------------------------------------------------------ */

int accounts_verification_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const char *pid = NULL;
	PGresult *r = NULL;
	int rv;
	(void)in;
	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	const char *v[] = {pid};
	if ((rv = db_exec(ctx->db,
	                  "SELECT " V_COLS " FROM verifications WHERE person_id = $1 ORDER BY "
	                  "created_at DESC, id DESC LIMIT 1",
	                  1, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_KYC_NONE, NULL);
	}
	Accounts__Verification *ver = verification_view(ctx->arena, r, 0);
	PQclear(r);
	*out = &ver->base;
	return ST_OK;
}
