/*
 * accounts: the service's shared state and every handler, one file per concern:
 *   persons.c       registration, profile (GetMe, UpdateMe), the masked Person view
 *   sessions.c      login (password, sms, password_sms), lockout, logout
 *   captcha.c       image captchas (PNG drawn here, answers in Redis)
 *   passwords.c     reset and change, revoking other sessions
 *   identities.c    the person's identities and the active one in the session
 *   verification.c  personal real-name verification (个人实名认证) through kyc.h
 *   sms.c           SMS codes checked through notify over the bus
 *   admin.c         `accounts admin ...`: operators and institution staff from the shell
 */
#ifndef ACCOUNTS_ACCOUNTS_H
#define ACCOUNTS_ACCOUNTS_H

#include "accounts.pb-c.h"
#include "bus.h"
#include "crypto.h"
#include "svc.h"

struct kyc_provider;

struct accounts_app {
	crypto_keys keys;             /* PII_ENC_KEY / PII_MAC_KEY */
	bus_client *notify;           /* VerifySmsCode, IssueSmsCode */
	struct kyc_provider *kyc;     /* face, bank4 and carrier3 checks */
	int development;              /* PLATFORM_MODE=development: dev-only routes answer */
	const char *kyc_provider;     /* KYC_PROVIDER: sandbox | http */
	const char *kyc_url;          /* KYC_URL for the http provider */
	long lockout_s;               /* LOGIN_LOCKOUT_S, 900 */
	long kdf_log_n;               /* PASSWORD_KDF_LOG_N, 15 */
};

/* The app of a request (ctx->app). */
#define ACCOUNTS_APP(ctx) ((struct accounts_app *)(ctx)->app)

/* Handlers, in the order of service Accounts in proto/accounts.proto. */
int accounts_person_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_session_login(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_session_logout(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_captcha_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_captcha_dev(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_password_reset(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_password_change(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_me_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_me_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_verification_start(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_verification_confirm(svc_ctx *ctx, const ProtobufCMessage *in,
                                  ProtobufCMessage **out);
int accounts_verification_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_identities_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_identity_switch(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* ---- shared between the files ----------------------------------------------- */

/* The caller's person id, or ST_UNAUTHENTICATED. */
int accounts_caller_person(svc_ctx *ctx, const char **person_id);

/* The masked view of one person (arena-allocated in ctx->arena); ST_NOT_FOUND. */
int accounts_person_load(svc_ctx *ctx, const char *person_id, Accounts__Person **out);

/*
 * Checks an SMS code with notify (sms.c); consume uses it up. Returns ST_OK or
 * notify's status (SMS_CODE_WRONG, ...) with field set to `field`.
 */
int accounts_sms_verify(svc_ctx *ctx, const char *phone, const char *purpose, const char *code,
                        int consume, const char *field);
/* Asks notify to send a code (its limits apply); ST_OK or notify's status. */
int accounts_sms_issue(svc_ctx *ctx, const char *phone, const char *purpose);

/*
 * Checks and uses up a captcha (captcha.c): ST_OK when answer matches (case-insensitive),
 * ST_CAPTCHA_WRONG (field captcha_answer) when it does not or the captcha expired.
 */
int accounts_captcha_check(svc_ctx *ctx, const char *captcha_id, const char *answer);

/* The `accounts admin ...` command line (admin.c); returns the exit code. */
int accounts_admin_main(int argc, char **argv);

#endif
