/*
 * certs: the service's shared state and what its files share.
 *   ca.c        the CA's cryptography on OpenSSL (keys, CA and end-entity certificates,
 *               CSR checks, CRLs); pure
 *   profiles.c  the enterprise and personal end-entity profiles; pure
 *   store.c     the CAs in PostgreSQL: created on first start (one replica), loaded
 *   issue.c     IssueCertificate, RevokeCertificate (bus-only), their development
 *               twins, GetCrl (GET /pki/<ca>.crl); certs_issue_make/_store for applications
 *   pki.c       OCSP and TSA requests and answers, the signing certificates; pure
 *   ocsp.c      Ocsp (GET /pki/ocsp/<b64>, POST /pki/ocsp)
 *   tsa.c       Timestamp (POST /pki/tsa)
 *   crl_job.c   the daily CRL job, the responders' and the TSA's certificates
 *   applications.c          certificate applications (申请单), the applicant's side
 *   applications_officer.c  the ca_officer's review; issuance on acceptance
 *   pdf.c                   the application form and receipt as PDF
 *   orders*.c   certorders: prices, orders paid through payments, issuance when paid
 *               AND accepted (orders.h)
 *   proof.c     certmgmt: proof of possession (signature over a challenge), reasons; pure
 *   challenge.c certmgmt: single-use challenges and the possession check of a certificate
 *   manage.c    certmgmt: the holder's certificates (list, get, download, revoke)
 *   bind.c      certmgmt: binding an existing certificate to its person or enterprise
 *   login.c     certmgmt: certificate login (the session is opened by accounts)
 *   cloudsign.c certmgmt: SignWithCloudKey (bus-only), after the holder's SMS code
 *   cert_jobs.c certmgmt: auto-revocation 90 days past expiry, expiry notices (tick)
 *   seals*.c    seals (印章) and their grants, certs_seal_use_check (seals.h)
 *   contracts*.c contracts (合同): upload, signers, send, void, views, pages, expiry
 *               (contracts.h)
 *   placements.c, signing.c, completion.c  signing: seal placements, the confirmation by
 *               SMS (PAdES B-T per seal), refusal, the completion certificate (signing.h)
 *   pades.c, cades.c, pdfread.c, seal_image.c  the signing engine (pure; README)
 *   pdftext.c   engine: keyword positions in a PDF's text (pure; pdftext.h)
 *   pades_verify.c  engine: verification of a PDF's signatures (pure; pades_verify.h)
 *   verify.c    engine: VerifySignatures, 验签 of an uploaded PDF (verify.h)
 */
#ifndef CERTS_CERTS_H
#define CERTS_CERTS_H

#include "bus.h"
#include "ca.h"
#include "certs.pb-c.h"
#include "crypto.h"
#include "bus.h"
#include "svc.h"

/* One loaded CA: the root and the issuing CA of an algorithm. */
struct certs_ca {
	X509 *root, *issuing;
	EVP_PKEY *issuing_key;
	char *chain_pem; /* issuing then root */
};

struct certs_app {
	crypto_keys pii;     /* PII_MAC_KEY: the personal profile's ID-number hash */
	crypto_keys ca_seal; /* CERTS_CA_KEY: the CA keys sealed at rest */
	int development;
	const char *crl_base_url; /* <base>/<ca>.crl */
	const char *ocsp_url;
	struct certs_ca ca[CA_NALG];
	/* applications: the certified enterprise (Readiness, GetEnterprise) and the verified
	 * person (GetCertSubject); certmgmt: sessions of certificate login, holders' checks */
	bus_client *enterprise, *accounts;
	/* certorders: the orders' payment intents (CreateIntent, GetIntent, CloseIntent) */
	bus_client *payments;
};

#define CERTS_APP(ctx) ((struct certs_app *)(ctx)->app)

/* store.c: creates the CAs when none exist (advisory lock: one replica), then loads
 * them into app. ST_OK or an error (logged). */
int certs_store_start(svc_ctx *ctx);
void certs_store_free(struct certs_app *app);

/* The CA's current CRL re-signed with every revocation of the CA, inside the caller's
 * transaction (change.h). */
int certs_crl_resign(svc_ctx *ctx, ca_alg alg);

/* issue.c */
/* One certificate made (certs_issue_make) and not yet stored. */
typedef struct certs_issued {
	char serial[33], spki[65];
	const char *actor, *ca, *profile, *subject, *chain, *nb, *na, *pem;
	const char *holder_account, *holder_enterprise, *medium, *application;
	unsigned char *der;
	size_t len;
	X509 *x;
} certs_issued;
/* The certificate q asks for, made outside any transaction: for key (a server-generated
 * pair; q->csr ignored) or else q's CSR (checked); not_after 0 gives validity_years from
 * now. ST_OK with *t (certs_issued_free), or a status naming the field. */
int certs_issue_make(svc_ctx *ctx, const Certs__IssueCertificateRequest *q, EVP_PKEY *key,
                     time_t not_after, certs_issued *t);
/* Inside the caller's change_run: stores t with its audit entry and event
 * certs.certificate.issued (603 when the public key is already certified). */
int certs_issue_store(svc_ctx *ctx, const certs_issued *t);
void certs_issued_free(certs_issued *t);
Certs__Certificate *certs_issued_message(svc_ctx *ctx, const certs_issued *t);
int certs_issue(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_revoke(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_dev_issue(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_dev_revoke(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_get_crl(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* pki (issue 17): store.c's sealing of a CA-style key for the signing certificates. */
int certs_store_put(svc_ctx *ctx, const char *name, ca_alg alg, const char *role, X509 *x,
                    EVP_PKEY *k);
EVP_PKEY *certs_store_open(struct certs_app *app, const char *name, const unsigned char *sealed,
                           size_t n);
/* crl_job.c: the OCSP responders' and the TSA's certificates made or renewed (fewer than
 * PKI_OCSP_RENEW_DAYS left) inside the caller's transaction; a signer loaded by its row's
 * name ("<alg>-ocsp", PKI_TSA_NAME); the daily job (svc_def.tick). */
#define PKI_TSA_NAME        "rsa-tsa"
#define PKI_DOC_SIGNER_NAME "rsa-docsign" /* signing: completion certificates */
int certs_pki_signers_tx(svc_ctx *ctx, int *renewed);
int certs_pki_start(svc_ctx *ctx);
int certs_pki_signer(svc_ctx *ctx, const char *name, X509 **cert, EVP_PKEY **key);
int certs_pki_tick(svc_ctx *ctx);
/* ocsp.c, tsa.c */
int certs_ocsp(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_timestamp(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* applications.c (the applicant: my_ personal, ent_ enterprise) and applications_officer.c */
#define CERTS_APP_BOTH(fn)                                                                         \
	int certs_app_my_##fn(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);   \
	int certs_app_ent_##fn(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
CERTS_APP_BOTH(create)
CERTS_APP_BOTH(list)
CERTS_APP_BOTH(get)
CERTS_APP_BOTH(update)
CERTS_APP_BOTH(del)
CERTS_APP_BOTH(material)
CERTS_APP_BOTH(pkcs12)
CERTS_APP_BOTH(form_pdf)
CERTS_APP_BOTH(receipt_pdf)
int certs_app_officer_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_app_officer_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_app_officer_material(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_app_officer_accept(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_app_officer_reject(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_app_officer_ship(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_app_officer_ready(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_app_officer_complete(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* pdf.c: the font caches released at exit */
void certs_pdf_shutdown(void);
/* ---- certmgmt ---------------------------------------------------------------------- */

/* SQL over table or alias t of certificates: its holder account still holds it. A personal
 * certificate always; an enterprise one while the holder is a member of that enterprise
 * (the projection enterprise_memberships): a member who left keeps no hold on the
 * enterprise's certificate (not seen or revoked under /me, no login, no cloud signature). */
#define CERTS_HOLDER_LIVE(t)                                                                       \
	"(" t ".holder_enterprise_id IS NULL OR EXISTS (SELECT 1 FROM enterprise_memberships hm"   \
	" WHERE hm.person_id::text = " t ".holder_account_id"                                      \
	" AND hm.enterprise_id::text = " t ".holder_enterprise_id))"

/* Who sees which certificates: the person alone (/me: enterprise_id "") or the members of
 * the caller's active enterprise (admin: its admin). */
typedef struct certs_scope {
	const char *person_id;
	const char *enterprise_id;
	int admin;
} certs_scope;

int certs_scope_me(svc_ctx *ctx, certs_scope *s);
/* ST_FORBIDDEN when the caller acts for no enterprise or is no longer its member. */
int certs_scope_enterprise(svc_ctx *ctx, certs_scope *s);
/* A certificate the scope sees (ST_CERT_NOT_FOUND otherwise), with its PEM if with_pem. */
int certs_managed_load(svc_ctx *ctx, const certs_scope *s, const char *serial, int with_pem,
                       Certs__ManagedCertificate **out);

/* A certificate proved held: ours, valid now, not revoked. Strings in the arena. */
typedef struct certs_held {
	char serial[33];
	const char *profile, *holder_account, *holder_enterprise; /* "" when none */
	const char *id_hash;      /* personal: the subject's serialNumber, else "" */
	const char *organization; /* enterprise: the subject's O, else "" */
} certs_held;

/* Takes the challenge (single use; purpose "bind" for person_id, "login" for anyone),
 * then checks the certificate (ST_CERT_PEM, ST_CERT_NOT_OURS, ST_CERT_REVOKED,
 * ST_CERT_EXPIRED) and the signature over the challenge (ST_CERT_SIGNATURE). */
int certs_possession_check(svc_ctx *ctx, const Certs__CertificateProof *p, const char *purpose,
                           const char *person_id, certs_held *out);

int certs_challenge_take(svc_ctx *ctx, const char *purpose, const char *person_id,
                         const char *challenge);
int certs_challenge_bind(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_challenge_login(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_list_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_list_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_get_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_get_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_download_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_download_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_revoke_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_revoke_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_bind_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_bind_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_login(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_cloud_sign(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_dev_cloud_sign(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_dev_store_cloud_key(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* cloudsign.c, factored out for the signing flow (signing.c): the holder's SMS code of
 * purpose sign checked and used up by accounts (CheckCertificateHolder); a cloud key found
 * (holder: its holder account, live; NULL: any holder, the caller decided who may use it)
 * and checked (ST_CERT_NOT_FOUND, ST_CERT_REVOKED, ST_CERT_EXPIRED, ST_CERT_NOT_CLOUD),
 * then opened in process: key, certificate and chain (issuing CA, root: the app's), freed
 * by certs_cloud_key_close (also on a failed open). */
typedef struct certs_cloud_key {
	char serial[33];
	ca_alg alg;
	unsigned char *sealed, *der; /* arena */
	size_t sealed_len, der_len;
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) * chain;
} certs_cloud_key;
int certs_cloud_code_check(svc_ctx *ctx, const char *person_id, const char *code);
int certs_cloud_key_find(svc_ctx *ctx, const char *serial, const char *holder,
                         certs_cloud_key *out);
int certs_cloud_key_open(svc_ctx *ctx, certs_cloud_key *k);
void certs_cloud_key_close(certs_cloud_key *k);
int certs_dev_run_jobs(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* svc_def.tick: the daily jobs once per Asia/Shanghai day (jobs_claim); ms to wait. */
int certs_jobs_tick(svc_ctx *ctx);

#endif
