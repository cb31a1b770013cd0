/*
 * Proof of possession, pure: a certificate in PEM and a signature by its key over a
 * challenge's bytes (RSA PKCS#1 v1.5 with SHA-256, ECDSA P-256 with SHA-256, SM2 with
 * SM3 and the GM ID), and RFC 5280's revocation reasons by name. No database.
 */
#ifndef CERTS_PROOF_H
#define CERTS_PROOF_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stddef.h>

/* A PEM certificate: ST_OK with *out (X509_free), or ST_CERT_PEM naming field. */
int proof_cert_parse(const char *pem, const char *field, X509 **out);

/* The serial of x as 32 upper-case hex digits (the certificates table's key); ST_OK, or
 * ST_CERT_NOT_OURS when it cannot be one of ours. */
int proof_cert_serial(X509 *x, char out[33]);

/* The signature over data by x's key: ST_OK, or ST_CERT_SIGNATURE. */
int proof_verify(X509 *x, const unsigned char *data, size_t len, const unsigned char *sig,
                 size_t siglen);

/* Signs a digest as given with k: RSA PKCS#1 v1.5 (DigestInfo of SHA-256), ECDSA, SM2
 * (the digest being e = SM3(Z || M), proof_sm2_e). ST_OK with *sig (OPENSSL_free) and
 * *siglen, or ST_INTERNAL. */
int proof_sign_digest(EVP_PKEY *k, const unsigned char *dgst, size_t n, unsigned char **sig,
                      size_t *siglen);

/* e = SM3(Z || msg) for SM2 key k, Z from the GM ID (GM/T 0009): what an SM2 signature
 * with SM3 over msg signs. ST_OK or ST_INTERNAL. */
int proof_sm2_e(EVP_PKEY *k, const unsigned char *msg, size_t n, unsigned char e[32]);

/* Base64 (standard alphabet, padding optional) into *out (malloc'd) and *len: ST_OK or
 * ST_CERT_SIGNATURE_FORMAT naming field. */
int proof_base64(const char *s, const char *field, unsigned char **out, size_t *len);

/* The RFC 5280 CRLReason code of a name ("keyCompromise"), -1 when none may be given by
 * a holder; and the name of a code ("" for an unknown one). */
int proof_reason_parse(const char *name);
const char *proof_reason_name(int code);

#endif
