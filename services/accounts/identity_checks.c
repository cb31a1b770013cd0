/*
 * CheckIdentity: identity checks of someone other than the caller (a legal
 * representative, for enterprise certification) through the same KYC providers as
 * personal verification (kyc.h), reachable only over the bus. Nothing is stored here:
 * the calling service keeps the state of its check. bank4 and carrier3 prove the
 * phone with an SMS code (purpose kyc) sent by notify, checked before the provider is
 * asked and used up once its answer is final, as in verification.c.
 */
#include "accounts.h"

#include "kyc.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

#define SMS_PURPOSE "kyc"

/* The facts a method needs, checked; the ID number upper-cased into id (20 bytes). */
static int check_facts(const Accounts__CheckIdentityRequest *in, int face_result, int bank4,
                       int sms, char id[20], char card[24])
{
	int rv;
	if (face_result) {
		if (!in->session_id || !*in->session_id)
			return status_err(ST_FIELD_REQUIRED, "session_id");
		return ST_OK;
	}
	if (!in->name || !*in->name)
		return status_err(ST_FIELD_REQUIRED, "name");
	if ((rv = validate_person_name(in->name)) != 0)
		return status_err(rv, "name");
	if (!in->id_number || !*in->id_number)
		return status_err(ST_FIELD_REQUIRED, "id_number");
	snprintf(id, 20, "%s", in->id_number);
	if ((rv = validate_resident_id_normalize(id)) != 0)
		return status_err(rv, "id_number");
	if (sms) {
		if (!in->phone || !*in->phone)
			return status_err(ST_FIELD_REQUIRED, "phone");
		if ((rv = validate_mobile(in->phone)) != 0)
			return status_err(rv, "phone");
	}
	if (bank4) {
		if (!in->bank_card || !*in->bank_card)
			return status_err(ST_FIELD_REQUIRED, "bank_card");
		size_t n = 0;
		for (const char *p = in->bank_card; *p && n + 1 < 24; p++)
			if (*p != ' ')
				card[n++] = *p;
		card[n] = '\0';
		if ((rv = validate_bank_card(card)) != 0)
			return status_err(rv, "bank_card");
	}
	return ST_OK;
}

/* A provider's answer as the response, or the error it means. */
static int check_outcome(svc_ctx *ctx, const char *method, const kyc_result *kr,
                         Accounts__CheckIdentityResponse *resp)
{
	switch (kr->outcome) {
	case KYC_MATCH:
		resp->outcome = "match";
		return ST_OK;
	case KYC_MISMATCH:
		resp->outcome = "mismatch";
		resp->failed_factor = arena_strdup(ctx->arena, kr->failed_factor);
		resp->reason = arena_strdup(
		        ctx->arena, kr->reason[0] ? kr->reason : status_message(ST_KYC_MISMATCH));
		return ST_OK;
	case KYC_PENDING:
		resp->outcome = "pending";
		return ST_OK;
	case KYC_TIMEOUT:
		log_kv(LOGL_WARN, ctx->request_id, "identity check: provider timeout", "method",
		       method, NULL);
		return status_err(ST_KYC_PROVIDER_TIMEOUT, NULL);
	case KYC_ERROR:
		break;
	}
	log_kv(LOGL_WARN, ctx->request_id, "identity check: provider error", "method", method,
	       NULL);
	return status_err(ST_KYC_PROVIDER_ERROR, NULL);
}

int accounts_identity_check(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Accounts__CheckIdentityRequest *in = (const Accounts__CheckIdentityRequest *)in_;
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	const char *pid = NULL, *m = in->method ? in->method : "";
	char id[20] = "", card[24] = "", masked[16] = "";
	kyc_result kr;
	int rv;

	/* Always on behalf of a logged-in person, whose service asks. */
	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	int bank4 = strcmp(m, "bank4") == 0, carrier3 = strcmp(m, "carrier3") == 0;
	int face_start = strcmp(m, "face_start") == 0, face_result = strcmp(m, "face_result") == 0;
	if (!*m)
		return status_err(ST_FIELD_REQUIRED, "method");
	if (!bank4 && !carrier3 && !face_start && !face_result)
		return status_err(ST_IDENTITY_CHECK_METHOD, "method");
	if ((rv = check_facts(in, face_result, bank4, bank4 || carrier3, id, card)) != ST_OK)
		return rv;
	if (!app->kyc)
		return status_err(ST_KYC_PROVIDER_ERROR, NULL);

	Accounts__CheckIdentityResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	accounts__check_identity_response__init(resp);
	*out = &resp->base;
	if (face_start) {
		char session[KYC_SESSION_ID_MAX + 1] = "", url[512] = "";
		if (kyc_face_start(app->kyc, in->name, id, session, sizeof session, url, sizeof url,
		                   &kr) != 0)
			return status_err(ST_KYC_PROVIDER_ERROR, NULL);
		if (kr.outcome == KYC_TIMEOUT)
			return status_err(ST_KYC_PROVIDER_TIMEOUT, NULL);
		if (kr.outcome != KYC_MATCH) /* a session was not created */
			return status_err(ST_KYC_PROVIDER_ERROR, NULL);
		resp->outcome = "started";
		resp->session_id = arena_strdup(ctx->arena, session);
		resp->face_url = arena_strdup(ctx->arena, url);
		return ST_OK;
	}
	if (face_result) {
		if (kyc_face_result(app->kyc, in->session_id, &kr) != 0)
			return status_err(ST_KYC_PROVIDER_ERROR, NULL);
		return check_outcome(ctx, m, &kr, resp);
	}

	validate_mask_mobile(in->phone, masked);
	if (!in->sms_code || !*in->sms_code) {
		if ((rv = accounts_sms_issue(ctx, in->phone, SMS_PURPOSE)) != ST_OK)
			return rv; /* notify's limits (429 with Retry-After) pass through */
		resp->outcome = "code_sent";
		resp->phone_masked = arena_strdup(ctx->arena, masked);
		log_kv(LOGL_INFO, ctx->request_id, "identity check: code sent", "method", m,
		       "phone", masked, NULL);
		return ST_OK;
	}
	/* Checked now, used up only after a final answer (a provider failure keeps it). */
	if ((rv = accounts_sms_verify(ctx, in->phone, SMS_PURPOSE, in->sms_code, 0, "sms_code")) !=
	    ST_OK)
		return rv;
	int called = bank4 ? kyc_bank4(app->kyc, in->name, id, card, in->phone, &kr)
	                   : kyc_carrier3(app->kyc, in->name, id, in->phone, &kr);
	if (called != 0)
		return status_err(ST_KYC_PROVIDER_ERROR, NULL);
	if ((rv = check_outcome(ctx, m, &kr, resp)) != ST_OK)
		return rv;
	if ((rv = accounts_sms_verify(ctx, in->phone, SMS_PURPOSE, in->sms_code, 1, "sms_code")) !=
	    ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, "identity check answered", "method", m, "phone", masked,
	       "outcome", resp->outcome, "failed_factor", resp->failed_factor, NULL);
	return ST_OK;
}
