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
 *   identity_checks.c  CheckIdentity: another person's identity checked for a service
 *   certholder.c    CheckCertificateHolder for certs (with OpenCertificateSession in sessions.c)
 */
#ifndef ACCOUNTS_ACCOUNTS_H
#define ACCOUNTS_ACCOUNTS_H

#include "accounts.pb-c.h"
#include "bus.h"
#include "caller.h"
#include "crypto.h"
#include "session.h"
#include "svc.h"

#include <jansson.h>

#include <stddef.h>

struct kyc_provider;

struct accounts_app {
	crypto_keys keys;         /* PII_ENC_KEY / PII_MAC_KEY */
	bus_client *notify;       /* VerifySmsCode, IssueSmsCode */
	struct kyc_provider *kyc; /* face, bank4 and carrier3 checks */
	int development;          /* PLATFORM_MODE=development: dev-only routes answer */
	long lockout_s;           /* LOGIN_LOCKOUT_S, 900 */
	long kdf_log_n;           /* PASSWORD_KDF_LOG_N, 15 (scrypt N = 2^15, r 8, p 3) */
	session_limits sessions;  /* SESSION_IDLE_S, SESSION_ABSOLUTE_S */
	/* A hash of a random password, verified against when the phone is unknown so that
	 * a login costs the same KDF time whether or not the account exists. */
	char dummy_hash[CRYPTO_PASSWORD_HASH_MAX];
};

/* The app of a request (ctx->app). */
#define ACCOUNTS_APP(ctx) ((struct accounts_app *)(ctx)->app)

/* Failed logins before a captcha is required, and the failure that locks. */
#define ACCOUNTS_CAPTCHA_AFTER 3
#define ACCOUNTS_LOCK_AT       5

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
int accounts_verification_confirm(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_verification_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_identities_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_identity_switch(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_identity_check(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* FindPerson (bus-only): the registered person of a phone, or ST_NOT_FOUND
 * naming "phone". (find_person.c) */
int accounts_person_find(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* GetContacts (contact.c): phones and e-mails in clear, to notify alone, audited. */
int accounts_contact_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* certsubject.c: GetCertSubject (bus-only, certs alone) */
int accounts_cert_subject_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* certholder.c, sessions.c: certs' certificate binding, signing and login (bus-only). */
int accounts_certholder_check(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int accounts_session_certificate(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* ---- shared between the files ----------------------------------------------- */

/* The masked view of one person (arena-allocated in ctx->arena); ST_NOT_FOUND. */
int accounts_person_load(svc_ctx *ctx, const char *person_id, Accounts__Person **out);

/* Where a sealed e-mail lives (crypto_seal's aad): a seal copied elsewhere does not open. */
#define ACCOUNTS_EMAIL_AAD_PERSON       "accounts.persons.email"
#define ACCOUNTS_EMAIL_AAD_VERIFICATION "accounts.verifications.email"

/* Seals a (validated) address under aad into *sealed (malloc, the caller frees) and its
 * mask ("z***@example.com") into *masked (ctx->arena). ST_OK or ST_INTERNAL. */
int accounts_email_seal(svc_ctx *ctx, const char *email, const char *aad, unsigned char **sealed,
                        size_t *sealed_len, char **masked);

/* At start, once: the addresses stored in clear before migration 007 sealed, and the
 * plain columns dropped, in one transaction. ST_OK (also when already done) or ST_DB. */
int accounts_email_seal_legacy(svc_ctx *ctx);

/* The look-up hash of a (validated) phone under the app's MAC key; 0 or -1. */
int accounts_phone_hash(const struct accounts_app *app, const char *phone, char out[65]);

/* Hashes a password with the app's KDF cost (scrypt N = 2^kdf_log_n, r 8, p 3); ST_OK or
 * ST_INTERNAL. */
int accounts_password_hash(const struct accounts_app *app, const char *pw,
                           char out[CRYPTO_PASSWORD_HASH_MAX]);

/*
 * Inserts a person inside the caller's open transaction: the phone sealed (aad
 * "accounts.persons.phone"), its look-up hash and mask, the password hash, and the
 * optional name, operator roles (comma-separated, "" for none) and institution.
 * Writes the new id into id. ST_OK, ST_PHONE_TAKEN (field phone) when the phone is
 * taken, ST_DB, ST_CONFLICT or ST_INTERNAL, each with its detail set.
 */
int accounts_person_insert(svc_ctx *ctx, const char *phone, const char *password_hash,
                           const char *name, const char *roles_csv, const char *institution_id,
                           char id[40]);

/* Records a new person inside change_run's transaction: audit person.registered on
 * person/<id> by actor with detail (taken), and the accounts.person.registered event.
 * ST_OK or ST_DB (detail set). */
int accounts_person_registered_record(svc_ctx *ctx, const char *actor, const char *person_id,
                                      const char *phone, json_t *detail);

/* A person's credentials and login state, as sessions.c, passwords.c and admin.c need it. */
typedef struct accounts_login_row {
	char id[40];
	char password_hash[CRYPTO_PASSWORD_HASH_MAX];
	char phone_masked[16];
	char operator_roles[128]; /* comma-separated, "" for none */
	char institution_id[64];
	int failed_logins;
	int disabled;
	long long locked_for_s; /* seconds until the lock ends; 0 when not locked */
	long long locked_until; /* Unix time of the lock's end (also a past one); 0 when none */
	char phone[16];         /* the phone, unsealed */
} accounts_login_row;

/* Loads by phone (validated) or by id: ST_OK, ST_NOT_FOUND, ST_DB or ST_INTERNAL (a
 * phone that does not unseal). */
int accounts_login_row_by_phone(svc_ctx *ctx, const char *phone, accounts_login_row *row);
int accounts_login_row_by_id(svc_ctx *ctx, const char *person_id, accounts_login_row *row);

/*
 * "账号已锁定，请于 HH:MM（北京时间）后再试": the lock's end rounded up to the minute, in
 * China Standard Time (UTC+8, no daylight saving) whatever the host's zone, with the
 * date ("M月D日 HH:MM") when that is not today (now_unix) there. Pure.
 */
void accounts_lock_message(long long until_unix, long long now_unix, char *out, size_t outlen);

/*
 * Checks and normalises comma-separated operator roles (reviewer, quoter, finance,
 * ca_officer, admin, market_admin): at least one, no unknown one; duplicates dropped, order of the
 * list above kept. 0 with the result in out, -1 otherwise. Pure.
 */
int accounts_roles_normalise(const char *csv, char *out, size_t outlen);

/* 1 when the agreements include {id "register", non-empty version} and every one has an
 * id of [a-z0-9_-]{1,40} and a version of 1-32 printable ASCII characters. Pure. */
int accounts_agreements_valid(Accounts__Agreement *const *items, size_t n);

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
