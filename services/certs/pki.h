/*
 * The platform's PKI protocols on OpenSSL (issue 17): the OCSP responder (RFC 6960) and
 * the time-stamping authority (RFC 3161). The pure halves (parse a request, build an
 * answer) take certificates, keys and statuses and return DER, so the unit tests and the
 * fuzzers drive them without a database; ocsp.c and tsa.c also hold the handlers, and
 * crl_job.c the daily job and the signing certificates' life cycle.
 */
#ifndef CERTS_PKI_H
#define CERTS_PKI_H

#include "ca.h"

#include <openssl/ocsp.h>
#include <openssl/ts.h>

/* The TSA's policy OID: under 2.25 (a UUID as an integer, ITU-T X.667), ours alone. */
#define PKI_TSA_POLICY "2.25.274563175144955193509753105666911003084"
/* A responder certificate lives 90 days and is renewed when fewer than 30 remain. */
#define PKI_OCSP_DAYS       90
#define PKI_OCSP_RENEW_DAYS 30
#define PKI_TSA_DAYS        (5 * 365)
/* Certificates asked about in one request at most (openssl sends one per -cert). */
#define PKI_OCSP_MAX_IDS 16

/* A parsed OCSP request: every CertID names the same issuing CA (alg). */
typedef struct pki_ocsp_req {
	OCSP_REQUEST *req;
	ca_alg alg;
	size_t n;
	char serial[PKI_OCSP_MAX_IDS][80]; /* upper-case hex, as certificates.serial */
} pki_ocsp_req;

/*
 * Parses a DER OCSP request against the issuing CAs (issuers[alg]). Returns
 * OCSP_RESPONSE_STATUS_SUCCESSFUL with *out filled (pki_ocsp_req_free), or the status the
 * whole answer must carry: OCSP_RESPONSE_STATUS_MALFORMEDREQUEST (not DER, trailing bytes,
 * no or too many CertIDs), OCSP_RESPONSE_STATUS_UNAUTHORIZED (a CA that is not ours, or
 * CertIDs of two CAs: one responder signs one answer).
 */
int pki_ocsp_parse(const unsigned char *der, size_t len, X509 *const issuers[CA_NALG],
                   pki_ocsp_req *out);
void pki_ocsp_req_free(pki_ocsp_req *q);

/* What the register says of one serial. */
typedef struct pki_ocsp_status {
	int status; /* V_OCSP_CERTSTATUS_GOOD, _REVOKED, _UNKNOWN */
	time_t revoked_at;
	int reason; /* RFC 5280 CRLReason */
} pki_ocsp_status;

/*
 * The signed answer to q: one SingleResponse per CertID with st[i], thisUpdate now,
 * nextUpdate now + 1 h, the request's nonce echoed, signed by the delegated responder
 * (signer/key; SM2 with SM3 and the GM ID), its certificate included. DER into *der
 * (OPENSSL_free). ST_OK or ST_INTERNAL.
 */
int pki_ocsp_answer(const pki_ocsp_req *q, const pki_ocsp_status *st, X509 *signer, EVP_PKEY *key,
                    time_t now, unsigned char **der, size_t *len);

/* An unsigned answer carrying only an error status (malformedRequest, unauthorized,
 * internalError, tryLater). ST_OK or ST_INTERNAL. */
int pki_ocsp_error(int status, unsigned char **der, size_t *len);

/* The OCSP GET form's path tail: base64 (RFC 6960 A.1) into DER (OPENSSL_free). ST_OK or
 * -1 when it is not base64. */
int pki_b64_decode(const unsigned char *in, size_t n, unsigned char **out, size_t *len);

/*
 * The RFC 3161 answer to a DER TimeStampReq: SHA-256 imprints only (others: rejection,
 * badAlg), our policy, accuracy 1 s, the signing certificate (ESSCertIDv2) and, when
 * certReq is set, the certificates of chain too; serial `serial`. A malformed query gets
 * a rejection (badDataFormat), never an error. DER into *der (OPENSSL_free); *granted 1
 * when a token was issued. ST_OK or ST_INTERNAL.
 */
int pki_tsa_answer(X509 *cert, EVP_PKEY *key, STACK_OF(X509) * chain, long long serial,
                   const unsigned char *req, size_t reqlen, unsigned char **der, size_t *len,
                   int *granted);

/*
 * A signing certificate for the platform's own services, issued by the issuing CA of
 * alg: the OCSP responder (EKU OCSPSigning, id-pkix-ocsp-nocheck), the TSA (EKU
 * timeStamping, critical) or the document signer of the completion certificates (no EKU). A fresh
 * key into *key. ST_OK or ST_INTERNAL.
 */
typedef enum { PKI_SIGNER_OCSP, PKI_SIGNER_TSA, PKI_SIGNER_DOC } pki_signer_kind;
int pki_signer_make(pki_signer_kind kind, ca_alg alg, X509 *issuer, EVP_PKEY *ikey, int days,
                    X509 **cert, EVP_PKEY **key);

#endif
