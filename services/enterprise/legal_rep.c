/*
 * The legal representative's identity check (法定代表人核验): instead of waiting for
 * a reviewer, the applicant has the legal representative prove who they are through
 * accounts' identity-check providers (CheckIdentity over the bus): face (liveness, 湘企融
 * "快速人脸认证"), bank card 4 factors or carrier 3 factors, each of the latter with an
 * SMS code sent to the checked phone. A match approves the application at once, in the
 * same transaction as an operator's approval, decided by "system:legal_rep_check".
 *
 * The check proves who the legal representative is; the registry proves that this is the
 * enterprise's legal representative. So the path is open only while the registry's record
 * is alive (存续/在业) and names a legal representative equal to the one typed (compared
 * as enterprise_person_name_same() says), checked before a provider is paid and again
 * at confirmation; otherwise the applicant goes to a reviewer with the files.
 *
 * A check is a row of legal_rep_checks: pending -> passed | failed, or superseded by a
 * newer one or by an edit of the application. Provider calls happen outside any
 * transaction; the state changes after them are guarded in SQL. The card number and
 * the phone are kept sealed with masks.
 */
#include "certification.h"

#include "accounts.pb-c.h"
#include "change.h"
#include "dbrow.h"
#include "enterprise.h"
#include "log.h"
#include "members.h"
#include "registry.h"
#include "status.h"
#include "validate.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AAD_K_CARD  "enterprise.legal_rep_checks.bank_card"
#define AAD_K_PHONE "enterprise.legal_rep_checks.phone"
#define AAD_LR_ID   "enterprise.certifications.legal_rep_id_number"
#define AAD_LR_PHON "enterprise.certifications.legal_rep_phone"

/* Checks one application may start per 24 hours: each may cost a provider call and an SMS. */
#define CHECKS_PER_DAY 10
/* ... and one person over all their applications. */
#define CHECKS_PER_PERSON_DAY 20
/* The longest a call to accounts may take (a provider's own deadline is 2 s by default). */
#define CALL_MAX_MS 10000
#define CALL_MIN_MS 500

struct lr_facts {
	char *name;
	char *id_number;
	char *phone; /* the legal representative's */
};

/* The legal representative as the application states them, numbers opened. */
static int lr_facts_load(svc_ctx *ctx, const char *id, struct lr_facts *f)
{
	PGresult *r = NULL;
	const char *v[] = {id};
	int rv = db_exec(ctx->db,
	                 "SELECT legal_rep_name, legal_rep_id_enc, legal_rep_phone_enc FROM "
	                 "certifications WHERE id = $1",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		rv = status_err(ST_NOT_FOUND, NULL);
		goto out;
	}
	f->name = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
	if ((rv = dbrow_open(ctx, &ENTERPRISE_APP(ctx)->keys, r, 0, 1, AAD_LR_ID, &f->id_number)) !=
	            ST_OK ||
	    (rv = dbrow_open(ctx, &ENTERPRISE_APP(ctx)->keys, r, 0, 2, AAD_LR_PHON, &f->phone)) !=
	            ST_OK)
		goto out;
	if (!f->id_number || !f->phone)
		rv = status_err(ST_FIELD_REQUIRED,
		                !f->id_number ? "legal_rep_id_number" : "legal_rep_phone");
out:
	PQclear(r);
	return rv;
}

int enterprise_legal_rep_link(const char *status, const char *registry_rep, const char *typed,
                              const char **field)
{
	if (!registry_status_certifiable(status)) {
		*field = "uscc";
		return ST_ENTERPRISE_DEREGISTERED;
	}
	if (!registry_rep || !*registry_rep) {
		*field = "uscc";
		return ST_REGISTRY_NO_LEGAL_REP;
	}
	if (!enterprise_person_name_same(registry_rep, typed)) {
		*field = "legal_rep_name";
		return ST_LEGAL_REP_NOT_REGISTERED;
	}
	return ST_OK;
}

/* The registry's word, asked now, on uscc and the legal representative typed. */
static int lr_link(svc_ctx *ctx, const char *uscc, const char *typed)
{
	registry_record rec;
	const char *field = NULL;
	int rv = enterprise_registry_lookup(ctx, uscc, &rec);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_USCC_NOT_REGISTERED, "uscc");
	if (rv != ST_OK)
		return rv; /* named by the look-up */
	if ((rv = enterprise_legal_rep_link(rec.status, rec.legal_rep, typed, &field)) != ST_OK) {
		log_kv(LOGL_INFO, ctx->request_id, "legal rep check refused by the registry",
		       "uscc", uscc, "code", status_code_name(rv), NULL);
		return status_err(rv, field);
	}
	return ST_OK;
}

/* accounts.CheckIdentity on behalf of the caller. */
static int lr_call(svc_ctx *ctx, const Accounts__CheckIdentityRequest *req,
                   Accounts__CheckIdentityResponse **resp)
{
	struct enterprise_app *app = ENTERPRISE_APP(ctx);
	ProtobufCMessage *out = NULL;
	if (!app->accounts)
		return status_err(ST_UNAVAILABLE, NULL);
	int rv = bus_call(app->accounts, "CheckIdentity", ctx->caller,
	                  bus_call_timeout_ms(ctx->deadline_ms, CALL_MIN_MS, CALL_MAX_MS),
	                  &req->base, &accounts__check_identity_response__descriptor, ctx->arena,
	                  &out);
	if (rv != ST_OK && rv != ST_CREATED)
		return rv; /* accounts' status (field and message) as it came */
	*resp = (Accounts__CheckIdentityResponse *)out;
	return ST_OK;
}

/* The application's field a mismatch of factor points at. */
static const char *lr_factor_field(const char *method, const char *factor)
{
	if (!factor)
		return NULL;
	if (strcmp(factor, "name") == 0)
		return "legal_rep_name";
	if (strcmp(factor, "id_number") == 0)
		return "legal_rep_id_number";
	if (strcmp(factor, "phone") == 0)
		return strcmp(method, "bank4") == 0 ? "phone" : "legal_rep_phone";
	if (strcmp(factor, "bank_card") == 0)
		return "bank_card";
	return "face";
}

/* Checks an application, and a person over all their applications, may start per 24 hours:
 * ST_LEGAL_REP_CHECK_LIMIT past either budget. */
static int lr_budget(svc_ctx *ctx, const char *id, const char *pid)
{
	PGresult *r = NULL;
	const char *v[] = {id, pid};
	int rv = db_exec(ctx->db,
	                 "SELECT count(*) FILTER (WHERE certification_id = $1), count(*) FROM "
	                 "legal_rep_checks WHERE started_by = $2 AND created_at > now() - "
	                 "interval '24 hours'",
	                 2, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	long mine = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	long all = strtol(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	if (mine < CHECKS_PER_DAY && all < CHECKS_PER_PERSON_DAY)
		return ST_OK;
	status_err(ST_LEGAL_REP_CHECK_LIMIT, NULL);
	status_set_retry_after(3600);
	return ST_LEGAL_REP_CHECK_LIMIT;
}

static int lr_method_valid(const char *m)
{
	return m &&
	       (strcmp(m, "face") == 0 || strcmp(m, "bank4") == 0 || strcmp(m, "carrier3") == 0);
}

/* What every state change of a check shares: the caller's own application in a state
 * the check may happen in, by a verified person. */
static int lr_application(svc_ctx *ctx, const char *id, const char **pid, char uscc[24])
{
	char state[16];
	int rv;
	if ((rv = caller_person(ctx, pid)) != ST_OK ||
	    (rv = enterprise_certification_own(ctx, id, *pid, state, uscc)) != ST_OK)
		return rv;
	if (!enterprise_cert_allows(state, ENTERPRISE_CERT_LEGAL_REP))
		return status_err(ST_CERT_APPROVED, NULL);
	if (!enterprise_person_verified(ctx, *pid))
		return status_err(ST_PERSON_NOT_VERIFIED, NULL);
	return ST_OK;
}

struct sealed {
	unsigned char *buf;
	size_t len;
};

static int lr_seal(svc_ctx *ctx, const char *plain, const char *aad, struct sealed *s)
{
	if (!plain)
		return ST_OK;
	if (crypto_seal(&ENTERPRISE_APP(ctx)->keys, plain, strlen(plain), aad, &s->buf, &s->len) !=
	    0)
		return status_err(ST_INTERNAL, NULL);
	return ST_OK;
}

struct lr_start {
	const char *id, *pid, *method;
	const char *const *vals; /* the INSERT's nine parameters */
	const int *lens, *fmts;
};

/* The change: a pending check superseded, the new one inserted, audit. */
static int lr_insert_tx(svc_ctx *ctx, void *arg)
{
	const struct lr_start *st = arg;
	const char *v1[] = {st->id};
	int rv;
	if ((rv = change_exec(
	             ctx,
	             "UPDATE legal_rep_checks SET state = 'superseded', updated_at = now() "
	             "WHERE certification_id = $1 AND state = 'pending'",
	             1, v1, NULL)) != ST_OK ||
	    (rv = change_query(ctx,
	                       "INSERT INTO legal_rep_checks (certification_id, method, phone_enc, "
	                       "phone_masked, bank_card_enc, bank_card_masked, face_session, "
	                       "face_url, started_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
	                       9, st->vals, st->lens, st->fmts, NULL)) != ST_OK)
		return rv;
	return enterprise_certification_record(ctx, arena_printf(ctx->arena, "person:%s", st->pid),
	                                       st->id,
	                                       "enterprise.certification.legal_rep_check_started",
	                                       json_pack("{s:s}", "method", st->method), NULL);
}

/* Records a started check (superseding any pending one), audited. */
static int lr_insert(svc_ctx *ctx, const char *id, const char *pid, const char *method,
                     const char *phone, const char *card, const char *session, const char *url)
{
	struct sealed sphone = {0}, scard = {0};
	char phone_masked[16] = "", card_masked[32] = "";
	int rv;
	if (phone)
		validate_mask_mobile(phone, phone_masked);
	if (card)
		validate_mask_middle(card, 0, 4, card_masked, sizeof card_masked);
	if ((rv = lr_seal(ctx, phone, AAD_K_PHONE, &sphone)) != ST_OK ||
	    (rv = lr_seal(ctx, card, AAD_K_CARD, &scard)) != ST_OK)
		goto out;
	const char *v2[] = {id,
	                    method,
	                    (const char *)sphone.buf,
	                    phone ? phone_masked : NULL,
	                    (const char *)scard.buf,
	                    card ? card_masked : NULL,
	                    session,
	                    url,
	                    pid};
	const int lens[] = {0, 0, (int)sphone.len, 0, (int)scard.len, 0, 0, 0, 0};
	const int fmts[] = {0, 0, 1, 0, 1, 0, 0, 0, 0};
	struct lr_start st = {id, pid, method, v2, lens, fmts};
	if ((rv = change_run(ctx, lr_insert_tx, &st)) != ST_OK)
		goto out;
	log_kv(LOGL_INFO, ctx->request_id, "legal rep check started", "certification_id", id,
	       "method", method, "phone", phone ? phone_masked : NULL, NULL);
out:
	free(sphone.buf);
	free(scard.buf);
	return rv;
}

int enterprise_legal_rep_check_start(svc_ctx *ctx, const ProtobufCMessage *in_,
                                     ProtobufCMessage **out)
{
	const Enterprise__StartLegalRepCheckRequest *in =
	        (const Enterprise__StartLegalRepCheckRequest *)in_;
	Accounts__CheckIdentityRequest req = ACCOUNTS__CHECK_IDENTITY_REQUEST__INIT;
	Accounts__CheckIdentityResponse *resp = NULL;
	Enterprise__CertificationApplication *c = NULL;
	struct lr_facts f = {0};
	const char *pid = NULL, *phone = NULL;
	char *card = NULL, uscc[24];
	int rv;

	if ((rv = lr_application(ctx, in->id, &pid, uscc)) != ST_OK)
		return rv;
	if (!in->method || !*in->method)
		return status_err(ST_FIELD_REQUIRED, "method");
	if (!lr_method_valid(in->method))
		return status_err(ST_LEGAL_REP_METHOD, "method");
	if ((rv = enterprise_certification_missing(ctx, in->id, 0)) != ST_OK)
		return rv;
	/* Before a provider is paid: the registry's legal representative must be the one
	 * typed, and another applicant's application of the USCC may have been approved. */
	if ((rv = lr_facts_load(ctx, in->id, &f)) != ST_OK ||
	    (rv = lr_link(ctx, uscc, f.name)) != ST_OK ||
	    (rv = enterprise_certification_not_certified(ctx, uscc)) != ST_OK ||
	    (rv = lr_budget(ctx, in->id, pid)) != ST_OK)
		return rv;
	int bank4 = strcmp(in->method, "bank4") == 0, face = strcmp(in->method, "face") == 0;
	if (bank4) {
		if (!in->bank_card || !*in->bank_card)
			return status_err(ST_FIELD_REQUIRED, "bank_card");
		/* Cards are written in groups of four: the spaces are not part of the number. */
		size_t n = 0;
		card = arena_strdup(ctx->arena, in->bank_card);
		for (const char *p = in->bank_card; *p; p++)
			if (*p != ' ')
				card[n++] = *p;
		card[n] = '\0';
		if ((rv = validate_bank_card(card)) != 0)
			return status_err(rv, "bank_card");
	}
	phone = f.phone;
	if (bank4 && in->phone && *in->phone) { /* the card's reserved phone */
		if ((rv = validate_mobile(in->phone)) != 0)
			return status_err(rv, "phone");
		phone = in->phone;
	}
	req.method = face ? "face_start" : in->method;
	req.name = f.name;
	req.id_number = f.id_number;
	if (!face) {
		req.phone = (char *)phone;
		req.bank_card = card;
	}
	if ((rv = lr_call(ctx, &req, &resp)) != ST_OK)
		return rv;
	if (face && (!resp->session_id || !*resp->session_id))
		return status_err(ST_KYC_PROVIDER_ERROR, NULL);
	if ((rv = lr_insert(ctx, in->id, pid, in->method, face ? NULL : phone, card,
	                    face ? resp->session_id : NULL, face ? resp->face_url : NULL)) != ST_OK)
		return rv;
	if ((rv = enterprise_certification_load(ctx, in->id, 0, &c)) != ST_OK)
		return rv;
	*out = &c->base;
	return ST_CREATED;
}

/* ---- confirmation ------------------------------------------------------------------ */

struct lr_pending {
	char *id;
	char *method;
	char *session;
	char *phone;
	char *card;
};

static int lr_pending_load(svc_ctx *ctx, const char *cert_id, struct lr_pending *p)
{
	PGresult *r = NULL;
	const char *v[] = {cert_id};
	int rv = db_exec(ctx->db,
	                 "SELECT id, method, face_session, phone_enc, bank_card_enc FROM "
	                 "legal_rep_checks WHERE certification_id = $1 AND state = 'pending' "
	                 "ORDER BY created_at DESC LIMIT 1",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		rv = status_err(ST_LEGAL_REP_NOT_STARTED, NULL);
		goto out;
	}
	p->id = dbrow_text(ctx->arena, r, 0, 0);
	p->method = dbrow_text(ctx->arena, r, 0, 1);
	p->session = dbrow_text(ctx->arena, r, 0, 2);
	if ((rv = dbrow_open(ctx, &ENTERPRISE_APP(ctx)->keys, r, 0, 3, AAD_K_PHONE, &p->phone)) ==
	    ST_OK)
		rv = dbrow_open(ctx, &ENTERPRISE_APP(ctx)->keys, r, 0, 4, AAD_K_CARD, &p->card);
out:
	PQclear(r);
	return rv;
}

struct lr_outcome {
	const char *cert_id, *pid;
	const struct lr_pending *p;
	const char *factor, *reason; /* a failure's */
};

/* The change of a failed check: recorded and audited. */
static int lr_fail_tx(svc_ctx *ctx, void *arg)
{
	const struct lr_outcome *o = arg;
	const char *v[] = {o->p->id, o->factor, o->reason};
	int rv = change_exec(ctx,
	                     "UPDATE legal_rep_checks SET state = 'failed', failed_factor = $2, "
	                     "failure_reason = $3, updated_at = now() WHERE id = $1 AND state = "
	                     "'pending'",
	                     3, v, NULL);
	if (rv != ST_OK)
		return rv;
	return enterprise_certification_record(
	        ctx, arena_printf(ctx->arena, "person:%s", o->pid), o->cert_id,
	        "enterprise.certification.legal_rep_check_failed",
	        json_pack("{s:s, s:s}", "method", o->p->method, "failed_factor", o->factor), NULL);
}

/* The check failed on factor: recorded and audited; the caller answers the mismatch. */
static int lr_fail(svc_ctx *ctx, const char *cert_id, const char *pid, const struct lr_pending *p,
                   const char *factor, const char *reason)
{
	struct lr_outcome o = {cert_id, pid, p, factor, reason};
	return change_run(ctx, lr_fail_tx, &o);
}

/* The change of a match: the check passes and the application is approved. */
static int lr_pass_tx(svc_ctx *ctx, void *arg)
{
	const struct lr_outcome *o = arg;
	const char *v[] = {o->p->id};
	/* Lost: a racing confirmation or an edit settled it first. */
	int rv = change_guard(ctx, ST_LEGAL_REP_NOT_STARTED, NULL,
	                      "UPDATE legal_rep_checks SET state = 'passed', updated_at = now() "
	                      "WHERE id = $1 AND state = 'pending' RETURNING id",
	                      1, v, NULL);
	if (rv != ST_OK || (rv = enterprise_certification_record(
	                            ctx, arena_printf(ctx->arena, "person:%s", o->pid), o->cert_id,
	                            "enterprise.certification.legal_rep_check_passed",
	                            json_pack("{s:s}", "method", o->p->method), NULL)) != ST_OK)
		return rv;
	return enterprise_certification_approve_tx(ctx, o->cert_id, "{draft,rejected,submitted}",
	                                           "system:legal_rep_check", "legal_rep_check");
}

/* The match: the check passes and the application is approved, in one transaction. */
static int lr_pass(svc_ctx *ctx, const char *cert_id, const char *pid, const struct lr_pending *p)
{
	struct lr_outcome o = {cert_id, pid, p, NULL, NULL};
	return change_run(ctx, lr_pass_tx, &o);
}

int enterprise_legal_rep_check_confirm(svc_ctx *ctx, const ProtobufCMessage *in_,
                                       ProtobufCMessage **out)
{
	const Enterprise__ConfirmLegalRepCheckRequest *in =
	        (const Enterprise__ConfirmLegalRepCheckRequest *)in_;
	Accounts__CheckIdentityRequest req = ACCOUNTS__CHECK_IDENTITY_REQUEST__INIT;
	Accounts__CheckIdentityResponse *resp = NULL;
	Enterprise__CertificationApplication *c = NULL;
	struct lr_pending p = {0};
	struct lr_facts f = {0};
	const char *pid = NULL;
	char uscc[24];
	int rv;

	if ((rv = lr_application(ctx, in->id, &pid, uscc)) != ST_OK ||
	    (rv = lr_pending_load(ctx, in->id, &p)) != ST_OK)
		return rv;
	int face = strcmp(p.method, "face") == 0;
	if (!face && (!in->sms_code || !*in->sms_code))
		return status_err(ST_FIELD_REQUIRED, "sms_code");
	/* Asked again at the moment of approval: the registry may have changed since the start
	 * (a new legal representative, a deregistration). An edit of the name superseded the
	 * check, and the pass below is guarded on it still pending. */
	if ((rv = lr_facts_load(ctx, in->id, &f)) != ST_OK ||
	    (rv = lr_link(ctx, uscc, f.name)) != ST_OK)
		return rv;
	if (face) {
		req.method = "face_result";
		req.session_id = p.session;
	} else {
		req.method = p.method;
		req.name = f.name;
		req.id_number = f.id_number;
		req.phone = p.phone;
		req.bank_card = p.card;
		req.sms_code = in->sms_code;
	}
	if ((rv = lr_call(ctx, &req, &resp)) != ST_OK)
		return rv;
	const char *outcome = resp->outcome ? resp->outcome : "";
	if (strcmp(outcome, "pending") == 0)
		return status_err(ST_LEGAL_REP_FACE_PENDING, NULL);
	if (strcmp(outcome, "mismatch") == 0) {
		const char *factor = resp->failed_factor ? resp->failed_factor : "face";
		const char *reason = resp->reason && *resp->reason
		                             ? resp->reason
		                             : status_message(ST_LEGAL_REP_MISMATCH);
		if ((rv = lr_fail(ctx, in->id, pid, &p, factor, reason)) != ST_OK)
			return rv;
		log_kv(LOGL_INFO, ctx->request_id, "legal rep check failed", "certification_id",
		       in->id, "method", p.method, "failed_factor", factor, NULL);
		char msg[300];
		snprintf(msg, sizeof msg, "法定代表人身份核验不一致：%s", reason);
		/* The provider's reason is part of the message: it names what did not match. */
		return status_errmsg(ST_LEGAL_REP_MISMATCH, lr_factor_field(p.method, factor), msg);
	}
	if (strcmp(outcome, "match") != 0)
		return status_err(ST_KYC_PROVIDER_ERROR, NULL);
	if ((rv = lr_pass(ctx, in->id, pid, &p)) != ST_OK)
		return rv;
	if ((rv = enterprise_certification_load(ctx, in->id, 0, &c)) != ST_OK)
		return rv;
	*out = &c->base;
	return ST_OK;
}
