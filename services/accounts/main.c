/* accounts: wires config, keys, the notify client, the KYC provider, the handlers and the
 * subscription to enterprise's events. */
#include "accounts.h"
#include "kyc.h"
#include "memberproj.h"
#include "status.h"

#include <malloc.h>
#include <string.h>

static struct accounts_app app;
static config_common common;
static kyc_settings kyc;
static const char *pii_enc, *pii_mac;

/* After migrations: what the handlers share. A failure stops the start. */
static int accounts_start(svc_ctx *ctx)
{
	char pw[48];
	int rv;
	app.development = config_is_development(&common);
	if (crypto_keys_from_hex(&app.keys, pii_enc, pii_mac) != 0)
		return ST_INTERNAL;
	if ((rv = accounts_email_seal_legacy(ctx)) != ST_OK)
		return rv;
	/* The stand-in hash for unknown phones: same cost as every real one. */
	if (crypto_token(pw, sizeof pw, 24) != 0 ||
	    accounts_password_hash(&app, pw, app.dummy_hash) != ST_OK)
		return ST_INTERNAL;
	if (bus_client_open(&app.notify, common.bus_urls, "notify") != 0)
		return ST_UNAVAILABLE;
	kyc.production = !app.development;
	if (kyc_provider_open(&kyc, &app.kyc) != 0)
		return ST_INTERNAL;
	return ST_OK;
}

/* Service Accounts of proto/accounts.proto, bound by method name. */
static const svc_handler accounts_handlers[] = {
        {"CreateAccount", accounts_person_create},
        {"Login", accounts_session_login},
        {"Logout", accounts_session_logout},
        {"GetCaptcha", accounts_captcha_get},
        {"DevCaptcha", accounts_captcha_dev},
        {"ResetPassword", accounts_password_reset},
        {"ChangePassword", accounts_password_change},
        {"GetMe", accounts_me_get},
        {"UpdateMe", accounts_me_update},
        {"StartVerification", accounts_verification_start},
        {"ConfirmVerification", accounts_verification_confirm},
        {"GetVerification", accounts_verification_get},
        {"ListIdentities", accounts_identities_list},
        {"SwitchIdentity", accounts_identity_switch},
        {"CheckIdentity", accounts_identity_check},
        {"FindPerson", accounts_person_find},
        {"GetContacts", accounts_contact_get},
        {"OpenCertificateSession", accounts_session_certificate},
        {"CheckCertificateHolder", accounts_certholder_check},
};

/* Identities read memberships from enterprise's events, never from enterprise itself. */
static const svc_subscription accounts_subs[] = {{"enterprise", memberproj_apply}};

/* Asked by services only (enterprise: the legal representative's check; market: staff
 * by phone): no gateway route. */
static const char *const accounts_bus_only[] = {
        "CheckIdentity",          "FindPerson", "GetContacts", "OpenCertificateSession",
        "CheckCertificateHolder", NULL};
/* certs alone (certsubject.c): a personal certificate's subject from the registry. */
static const svc_handler accounts_certs_handlers[] = {
        {"GetCertSubject", accounts_cert_subject_get},
};
static const char *const accounts_certs_bus_only[] = {"GetCertSubject", NULL};

/* The creating POSTs: a retry with the same Idempotency-Key creates nothing twice. */
static const char *const accounts_idempotent[] = {"CreateAccount", "StartVerification", NULL};

int main(int argc, char **argv)
{
	/* accounts' own CLI, except audit-verify, which every daemon has (svc_main). */
	if (argc > 1 && strcmp(argv[1], "admin") == 0 &&
	    !(argc == 3 && strcmp(argv[2], "audit-verify") == 0))
		return accounts_admin_main(argc - 1, argv + 1);
	/* Each password hash takes a 32 MiB scrypt buffer. A fixed mmap threshold makes
	 * glibc map and unmap it per hash; its default sliding threshold would keep every
	 * worker's buffer resident after the first login. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	config_item items[] = {
	        {"LOGIN_LOCKOUT_S", CFG_INT, "900", 60, 86400,
	         "seconds an account stays locked after 5 failed logins", &app.lockout_s},
	        {"SESSION_IDLE_S", CFG_INT, "1800", 1, 86400,
	         "seconds a session lives without use (README: sessions)", &app.sessions.idle_s},
	        {"SESSION_ABSOLUTE_S", CFG_INT, "43200", 1, 604800,
	         "seconds a session lives however it is used (README: sessions)",
	         &app.sessions.absolute_s},
	        {"PASSWORD_KDF_LOG_N", CFG_INT, "15", 15, 17,
	         "scrypt cost of new password hashes: N = 2^value (r 8, p 3)", &app.kdf_log_n},
	        {"KYC_PROVIDER", CFG_ENUM, "", 0, 0,
	         "identity checks; empty: sandbox in development, refused in production",
	         CONFIG_ENUM(kyc_provider_names, &kyc.provider)},
	        {"KYC_URL", CFG_STR, "", 0, 0, "base URL of the http identity-check provider",
	         &kyc.url},
	        {"KYC_APP_ID", CFG_STR, "", 0, 0, "http provider: the account (AppId)",
	         &kyc.app_id},
	        {"KYC_SECRET", CFG_STR, "", 0, 0, "http provider: the key that signs requests",
	         &kyc.secret},
	        {"KYC_TIMEOUT_MS", CFG_INT, "2000", 100, 60000,
	         "deadline of one call to the identity-check provider", &kyc.timeout_ms},
	        CRYPTO_KEY_CONFIG_ITEMS(&pii_enc, &pii_mac),
	};
	svc_api apis[] = {SVC_API(&accounts__accounts__descriptor, accounts_handlers,
	                          .bus_only = accounts_bus_only, .idempotent = accounts_idempotent),
	                  SVC_API(&accounts__accounts_certs__descriptor, accounts_certs_handlers,
	                          .bus_only = accounts_certs_bus_only)};
	svc_def def = {.name = "accounts",
	               .apis = apis,
	               .napis = sizeof apis / sizeof apis[0],
	               .migrations = &memberproj_migration,
	               .nmigrations = 1,
	               .subs = accounts_subs,
	               .nsubs = sizeof accounts_subs / sizeof accounts_subs[0],
	               .start = accounts_start,
	               .app = &app};
	int rv = svc_main(&def, argc, argv, &common, items, sizeof items / sizeof items[0]);
	if (app.kyc)
		kyc_provider_close(app.kyc);
	bus_client_close(app.notify);
	return rv;
}
