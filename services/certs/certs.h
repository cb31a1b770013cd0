/*
 * certs: the service's shared state and what its files share.
 *   ca.c        the CA's cryptography on OpenSSL (keys, CA and end-entity certificates,
 *               CSR checks, CRLs); pure
 *   profiles.c  the enterprise and personal end-entity profiles; pure
 *   store.c     the CAs in PostgreSQL: created on first start (one replica), loaded
 *   issue.c     IssueCertificate, RevokeCertificate (bus-only), their development
 *               twins, GetCrl (GET /pki/<ca>.crl)
 *   pki.c       OCSP and TSA requests and answers, the signing certificates; pure
 *   ocsp.c      Ocsp (GET /pki/ocsp/<b64>, POST /pki/ocsp)
 *   tsa.c       Timestamp (POST /pki/tsa)
 *   crl_job.c   the daily CRL job, the responders' and the TSA's certificates
 */
#ifndef CERTS_CERTS_H
#define CERTS_CERTS_H

#include "ca.h"
#include "certs.pb-c.h"
#include "crypto.h"
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
#define PKI_TSA_NAME "rsa-tsa"
int certs_pki_signers_tx(svc_ctx *ctx, int *renewed);
int certs_pki_start(svc_ctx *ctx);
int certs_pki_signer(svc_ctx *ctx, const char *name, X509 **cert, EVP_PKEY **key);
int certs_pki_tick(svc_ctx *ctx);
/* ocsp.c, tsa.c */
int certs_ocsp(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_timestamp(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
