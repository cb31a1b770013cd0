/*
 * The platform CA on OpenSSL's C API: key pairs, root and issuing CA certificates,
 * end-entity certificates from a checked public key, CRLs. Pure: no database, no
 * service state, so the unit tests drive it directly. SM2 signatures are made and
 * checked with the GM/T 0009 distinguishing ID (CA_SM2_ID).
 */
#ifndef CERTS_CA_H
#define CERTS_CA_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef enum { CA_RSA, CA_ECDSA, CA_SM2, CA_NALG } ca_alg;

/* "rsa", "ecdsa", "sm2": the algorithm's name in requests, tables and CA names. */
extern const char *const ca_alg_names[CA_NALG];
#define CA_SM2_ID     "1234567812345678"
#define CA_SM2_ID_LEN 16

/* The algorithm named s; -1 when none. */
int ca_alg_parse(const char *s);

/* A fresh key pair: RSA-2048, P-256 or SM2. ST_OK or ST_INTERNAL. */
int ca_keygen(ca_alg alg, EVP_PKEY **out);

/* Signs x with key (SHA-256, or SM3 with the GM ID for SM2). ST_OK or ST_INTERNAL. */
int ca_sign_cert(ca_alg alg, X509 *x, EVP_PKEY *key);
int ca_sign_crl(ca_alg alg, X509_CRL *c, EVP_PKEY *key);

/* Sets the GM ID on an SM2 certificate, so that verifying its signature uses it. */
void ca_cert_set_id(ca_alg alg, X509 *x);

/* 128 random bits, positive, as the serial of x; its hex into hex (33 bytes). */
int ca_serial_set(X509 *x, char hex[33]);

/*
 * A CA certificate: self-signed when issuer is NULL (the root, then ikey is key), else
 * issued by issuer/ikey. pathlen -1: none. ST_OK with *out, or ST_INTERNAL.
 */
int ca_make_ca(ca_alg alg, const char *cn, int days, int pathlen, X509 *issuer, EVP_PKEY *ikey,
               EVP_PKEY *key, X509 **out);

/* What an end-entity certificate says besides the subject. */
typedef struct ca_ee_spec {
	X509_NAME *subject;
	int days;
	const char *key_usage; /* X.509v3 config text, e.g. "critical,digitalSignature" */
	const char *ext_usage; /* NULL: no extendedKeyUsage */
	const char *crl_url;   /* NULL: no CRL distribution point */
	const char *ocsp_url;  /* NULL: no OCSP AIA */
	time_t not_before;     /* 0: now */
	time_t not_after;      /* 0: not_before + days (renewal: the old expiry + years) */
} ca_ee_spec;

/* An end-entity certificate for pub, issued by issuer/ikey. ST_OK with *out and its
 * serial's hex, or ST_INTERNAL. */
int ca_issue(ca_alg alg, X509 *issuer, EVP_PKEY *ikey, EVP_PKEY *pub, const ca_ee_spec *s,
             X509 **out, char serial[33]);

/*
 * A PKCS#10 request (PEM or DER) for alg: parsed (ST_CERT_CSR_INVALID), its key of
 * alg's type and size (ST_CERT_KEY_MISMATCH: RSA exactly 2048 bits, EC on P-256, SM2 on
 * the SM2 curve), its signature checked (ST_CERT_CSR_SIGNATURE; SM2 with the GM ID).
 * ST_OK with *pub (the caller frees).
 */
int ca_csr_check(ca_alg alg, const unsigned char *data, size_t len, EVP_PKEY **pub);

/* The key type and size rule alone: ST_OK or ST_CERT_KEY_MISMATCH. */
int ca_key_check(ca_alg alg, EVP_PKEY *pub);

/* SHA-256 of the DER SubjectPublicKeyInfo, hex: the reuse check's key. */
int ca_spki_sha256(EVP_PKEY *pub, char out[65]);

/* One revoked entry of a CRL. */
typedef struct ca_revoked {
	const char *serial; /* hex */
	time_t at;
	int reason; /* RFC 5280 CRLReason */
} ca_revoked;

/* A CRL of issuer signed by ikey, number `number`, next update in `hours`: DER into
 * *der (OPENSSL_malloc'd; OPENSSL_free) and *len. ST_OK or ST_INTERNAL. */
int ca_crl(ca_alg alg, X509 *issuer, EVP_PKEY *ikey, const ca_revoked *r, size_t n, long number,
           int hours, unsigned char **der, size_t *len);

/* 1 when an RFC 5280 reason code may be given for a revocation (0-6, 8-10; not 7). */
int ca_reason_valid(int reason);

/* DER and PEM of a certificate, and back. */
int ca_cert_der(X509 *x, unsigned char **der, size_t *len);
char *ca_cert_pem(X509 *x); /* malloc'd */
X509 *ca_cert_from_der(const unsigned char *der, size_t len);

/* A private key as unencrypted PKCS#8 DER (to be sealed) and back. */
int ca_key_der(EVP_PKEY *k, unsigned char **der, size_t *len);
EVP_PKEY *ca_key_from_der(const unsigned char *der, size_t len);

/* pki: a digest-sign context for key (SHA-256, or SM3 with the GM ID for SM2) for what
 * OpenSSL signs with a context (OCSP responses); free it with ca_sign_ctx_free. */
EVP_MD_CTX *ca_sign_ctx_new(ca_alg alg, EVP_PKEY *key);
void ca_sign_ctx_free(ca_alg alg, EVP_MD_CTX *m);

#endif
