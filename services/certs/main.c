/* certs: wires config, the CA keys and the handlers. */
#include "certs.h"
#include "status.h"

static struct certs_app app;
static config_common common;
static const char *pii_enc, *pii_mac, *ca_key;

static int certs_start(svc_ctx *ctx)
{
	app.development = config_is_development(&common);
	if (crypto_keys_from_hex(&app.pii, pii_enc, pii_mac) != 0 ||
	    crypto_keys_from_hex(&app.ca_seal, ca_key, pii_mac) != 0)
		return ST_INTERNAL;
	int rv = certs_store_start(ctx);
	return rv == ST_OK ? certs_pki_start(ctx) : rv;
}

static const svc_handler certs_handlers[] = {
        {"IssueCertificate", certs_issue},
        {"RevokeCertificate", certs_revoke},
        {"DevIssueCertificate", certs_dev_issue},
        {"DevRevokeCertificate", certs_dev_revoke},
        {"GetCrl", certs_get_crl},
        {"Ocsp", certs_ocsp},
        {"Timestamp", certs_timestamp},
};

/* Issuance and revocation are for the services (applications, next slice). */
static const char *const certs_bus_only[] = {"IssueCertificate", "RevokeCertificate", NULL};

int main(int argc, char **argv)
{
	config_item items[] = {
	        {"CERTS_CA_KEY", CFG_STR, NULL, 0, 0,
	         "AES-256-GCM key sealing the CA private keys: 64 hex digits", &ca_key},
	        {"CERTS_CRL_BASE_URL", CFG_STR, "http://127.0.0.1:8080/pki", 0, 0,
	         "public base URL of the CRLs (<base>/<ca>.crl) written into certificates",
	         &app.crl_base_url},
	        {"CERTS_OCSP_URL", CFG_STR, "http://127.0.0.1:8080/pki/ocsp", 0, 0,
	         "public URL of the OCSP responder written into certificates", &app.ocsp_url},
	        CRYPTO_KEY_CONFIG_ITEMS(&pii_enc, &pii_mac),
	};
	svc_api apis[] = {
	        SVC_API(&certs__certs__descriptor, certs_handlers, .bus_only = certs_bus_only)};
	svc_def def = {.name = "certs",
	               .apis = apis,
	               .napis = sizeof apis / sizeof apis[0],
	               .start = certs_start,
	               .tick = certs_pki_tick,
	               .app = &app};
	int rv = svc_main(&def, argc, argv, &common, items, sizeof items / sizeof items[0]);
	certs_store_free(&app);
	return rv;
}
