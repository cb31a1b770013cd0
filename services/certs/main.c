/* certs: wires config, the CA keys and the handlers. */
#include "certs.h"
#include "certs_apps.pb-c.h"
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
	if (bus_client_open(&app.enterprise, common.bus_urls, "enterprise") != 0 ||
	    bus_client_open(&app.accounts, common.bus_urls, "accounts") != 0)
		return ST_INTERNAL;
	int rv = certs_store_start(ctx);
	return rv == ST_OK ? certs_pki_start(ctx) : rv;
}

/* Certificate applications (applications*.c, pdf.c). */
static const svc_handler certs_app_handlers[] = {
        {"CreateMyApplication", certs_app_my_create},
        {"ListMyApplications", certs_app_my_list},
        {"GetMyApplication", certs_app_my_get},
        {"UpdateMyApplication", certs_app_my_update},
        {"DeleteMyApplication", certs_app_my_del},
        {"UploadMyMaterial", certs_app_my_material},
        {"GetMyForm", certs_app_my_form_pdf},
        {"GetMyReceipt", certs_app_my_receipt_pdf},
        {"GetMyPkcs12", certs_app_my_pkcs12},
        {"CreateEnterpriseApplication", certs_app_ent_create},
        {"ListEnterpriseApplications", certs_app_ent_list},
        {"GetEnterpriseApplication", certs_app_ent_get},
        {"UpdateEnterpriseApplication", certs_app_ent_update},
        {"DeleteEnterpriseApplication", certs_app_ent_del},
        {"UploadEnterpriseMaterial", certs_app_ent_material},
        {"GetEnterpriseForm", certs_app_ent_form_pdf},
        {"GetEnterpriseReceipt", certs_app_ent_receipt_pdf},
        {"GetEnterprisePkcs12", certs_app_ent_pkcs12},
        {"ListOfficerApplications", certs_app_officer_list},
        {"GetOfficerApplication", certs_app_officer_get},
        {"GetOfficerMaterial", certs_app_officer_material},
        {"AcceptApplication", certs_app_officer_accept},
        {"RejectApplication", certs_app_officer_reject},
        {"ShipApplication", certs_app_officer_ship},
        {"ReadyApplication", certs_app_officer_ready},
        {"CompleteApplication", certs_app_officer_complete},
};
static const char *const certs_app_idempotent[] = {"CreateMyApplication",
                                                   "CreateEnterpriseApplication", NULL};

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
	        SVC_API(&certs__certs__descriptor, certs_handlers, .bus_only = certs_bus_only),
	        SVC_API(&certs__cert_applications__descriptor, certs_app_handlers,
	                .idempotent = certs_app_idempotent)};
	svc_def def = {.name = "certs",
	               .apis = apis,
	               .napis = sizeof apis / sizeof apis[0],
	               .start = certs_start,
	               .tick = certs_pki_tick,
	               .app = &app};
	int rv = svc_main(&def, argc, argv, &common, items, sizeof items / sizeof items[0]);
	certs_store_free(&app);
	bus_client_close(app.enterprise);
	bus_client_close(app.accounts);
	certs_pdf_shutdown();
	return rv;
}
