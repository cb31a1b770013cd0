/* certs: wires config, the CA keys and the handlers. */
#include "certs.h"
#include "certs_apps.pb-c.h"
#include "certs_orders.pb-c.h"
#include "certs_seals.pb-c.h"
#include "certs_verify.pb-c.h"
#include "memberproj.h"
#include "orders.h"
#include "seals.h"
#include "contracts.h"
#include "certs_signing.pb-c.h" /* signing */
#include "signing.h"
#include "status.h"
#include "verify.h"

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
	    bus_client_open(&app.accounts, common.bus_urls, "accounts") != 0 ||
	    bus_client_open(&app.payments, common.bus_urls, "payments") != 0)
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

/* Certificate orders (certorders: orders*.c). */
static const svc_handler certs_order_handlers[] = {
        {"ListCertificatePrices", certs_orders_prices},
        {"CreateMyOrder", certs_order_my_create},
        {"ListMyOrders", certs_order_my_list},
        {"GetMyOrder", certs_order_my_get},
        {"CancelMyOrder", certs_order_my_cancel},
        {"CreateEnterpriseOrder", certs_order_ent_create},
        {"ListEnterpriseOrders", certs_order_ent_list},
        {"GetEnterpriseOrder", certs_order_ent_get},
        {"CancelEnterpriseOrder", certs_order_ent_cancel},
};
static const char *const certs_order_idempotent[] = {"CreateMyOrder", "CreateEnterpriseOrder",
                                                     NULL};

/* Seals (印章) and their grants (seals.c, seals_grants.c). */
static const svc_handler certs_seal_handlers[] = {
        {"ListEnterpriseSeals", certs_seals_ent_list},
        {"CreateEnterpriseSeal", certs_seals_ent_create},
        {"UploadEnterpriseSeal", certs_seals_ent_upload},
        {"GetEnterpriseSeal", certs_seals_ent_get},
        {"GetEnterpriseSealImage", certs_seals_ent_image},
        {"DisableEnterpriseSeal", certs_seals_ent_disable},
        {"ListSealGrants", certs_seals_grants_list},
        {"GrantSeal", certs_seals_grant},
        {"RevokeSealGrant", certs_seals_revoke},
        {"ListMySeals", certs_seals_my_list},
        {"CreateMySeal", certs_seals_my_create},
        {"GetMySealImage", certs_seals_my_image},
        {"DisableMySeal", certs_seals_my_disable},
        {"ListUsableSeals", certs_seals_usable},
};
static const char *const certs_seal_idempotent[] = {"CreateEnterpriseSeal", "UploadEnterpriseSeal",
                                                    "CreateMySeal", "GrantSeal", NULL};
/* Contracts (合同: contracts*.c). */
static const svc_handler certs_contract_handlers[] = {
        {"UploadContract", certs_contract_upload},
        {"UpdateContract", certs_contract_update},
        {"SendContract", certs_contract_send},
        {"VoidContract", certs_contract_void},
        {"DeleteContract", certs_contract_delete},
        {"ListContracts", certs_contract_list},
        {"CountContracts", certs_contract_counts},
        {"GetContract", certs_contract_get},
        {"GetContractDocument", certs_contract_document},
        {"GetContractPage", certs_contract_page},
        {"GetContractTrail", certs_contract_trail},
};
static const char *const certs_contract_idempotent[] = {"UploadContract", NULL};
/* The signing flow (signing: placements.c, signing.c, completion.c). */
static const svc_handler certs_signing_handlers[] = {
        {"ListPlacements", certs_placements_list},
        {"CreatePlacement", certs_placement_create},
        {"UpdatePlacement", certs_placement_update},
        {"DeletePlacement", certs_placement_delete},
        {"SignContract", certs_signing_sign},
        {"RefuseContract", certs_signing_refuse},
        {"GetCompletionCertificate", certs_completion_get},
};
static const char *const certs_signing_idempotent[] = {"CreatePlacement", "SignContract",
                                                       "RefuseContract", NULL};
/* engine (sigengine): 验签, verification of any uploaded PDF's signatures (verify.c);
 * nothing is created, so no Idempotency-Key. */
static const svc_handler certs_verify_handlers[] = {
        {"VerifySignatures", certs_verify_signatures},
};

static const svc_handler certs_handlers[] = {
        {"IssueCertificate", certs_issue},
        {"RevokeCertificate", certs_revoke},
        {"DevIssueCertificate", certs_dev_issue},
        {"DevRevokeCertificate", certs_dev_revoke},
        {"GetCrl", certs_get_crl},
        {"Ocsp", certs_ocsp},
        {"Timestamp", certs_timestamp},
        /* certmgmt */
        {"ListMyCertificates", certs_list_mine},
        {"ListEnterpriseCertificates", certs_list_enterprise},
        {"GetMyCertificate", certs_get_mine},
        {"GetEnterpriseCertificate", certs_get_enterprise},
        {"DownloadMyCertificate", certs_download_mine},
        {"DownloadEnterpriseCertificate", certs_download_enterprise},
        {"RevokeMyCertificate", certs_revoke_mine},
        {"RevokeEnterpriseCertificate", certs_revoke_enterprise},
        {"CreateBindingChallenge", certs_challenge_bind},
        {"BindMyCertificate", certs_bind_mine},
        {"BindEnterpriseCertificate", certs_bind_enterprise},
        {"CreateLoginChallenge", certs_challenge_login},
        {"CertificateLogin", certs_login},
        {"SignWithCloudKey", certs_cloud_sign},
        {"DevSignWithCloudKey", certs_dev_cloud_sign},
        {"DevRunCertJobs", certs_dev_run_jobs},
        {"DevStoreCloudKey", certs_dev_store_cloud_key},
};

/* certmgmt: the enterprise scope reads memberships from enterprise's events; certorders:
 * orders follow their intents' events. */
static const svc_subscription certs_subs[] = {{"enterprise", memberproj_apply},
                                              {"payments", certs_orders_payments_apply}};

/* certmgmt: revocations by holders take an Idempotency-Key. */
static const char *const certs_idempotent[] = {"RevokeMyCertificate", "RevokeEnterpriseCertificate",
                                               NULL};

/* Issuance and revocation are for the services (applications, next slice). */
static const char *const certs_bus_only[] = {"IssueCertificate", "RevokeCertificate",
                                             "SignWithCloudKey", NULL};

/* The daily jobs of pki (CRL, responders) and of certmgmt (auto-revocation, expiry
 * notices): each claims its own run (common/jobs.h); certorders: orders still without an
 * intent; contracts: expiry. Wait for the soonest. */
static int certs_tick(svc_ctx *ctx)
{
	int a = certs_pki_tick(ctx), b = certs_jobs_tick(ctx), c = certs_orders_tick(ctx);
	a = a < b ? a : b;
	a = a < c ? a : c;
	/* contracts: signing past expires_at → expired */
	int d = certs_contracts_tick(ctx);
	return a < d ? a : d;
}

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
	        SVC_API(&certs__certs__descriptor, certs_handlers, .bus_only = certs_bus_only,
	                .idempotent = certs_idempotent),
	        SVC_API(&certs__cert_applications__descriptor, certs_app_handlers,
	                .idempotent = certs_app_idempotent),
	        SVC_API(&certs__cert_orders__descriptor, certs_order_handlers,
	                .idempotent = certs_order_idempotent),
	        /* seals */
	        SVC_API(&certs__cert_seals__descriptor, certs_seal_handlers,
	                .idempotent = certs_seal_idempotent),
	        /* contracts */
	        SVC_API(&certs__contracts__descriptor, certs_contract_handlers,
	                .idempotent = certs_contract_idempotent),
	        /* signing */
	        SVC_API(&certs__contract_signing__descriptor, certs_signing_handlers,
	                .idempotent = certs_signing_idempotent),
	        /* engine (sigengine) */
	        SVC_API(&certs__signature_verification__descriptor, certs_verify_handlers)};
	svc_def def = {.name = "certs",
	               .apis = apis,
	               .napis = sizeof apis / sizeof apis[0],
	               .migrations = &memberproj_migration,
	               .nmigrations = 1,
	               .subs = certs_subs,
	               .nsubs = sizeof certs_subs / sizeof certs_subs[0],
	               .start = certs_start,
	               .tick = certs_tick,
	               .app = &app};
	int rv = svc_main(&def, argc, argv, &common, items, sizeof items / sizeof items[0]);
	certs_store_free(&app);
	bus_client_close(app.enterprise);
	bus_client_close(app.accounts);
	bus_client_close(app.payments);
	certs_pdf_shutdown();
	return rv;
}
