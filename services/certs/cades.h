/*
 * CAdES signatures for PAdES (ETSI EN 319 122 / RFC 5652): a detached CMS SignedData built
 * by hand in DER, because OpenSSL's CMS_sign wants the private key in hand (a cloud key is
 * used through SignWithCloudKey, which signs a digest) and adds signingTime and
 * SMIMECapabilities, which PAdES baseline signatures do not carry. Signed attributes:
 * content-type (id-data), message-digest, signing-certificate-v2 (ESSCertIDv2, SHA-256,
 * with issuerSerial); unsigned: the RFC 3161 signature-time-stamp over the signature value
 * (level B-T). RSA (PKCS#1 v1.5) and ECDSA P-256 with SHA-256; SM2 with SM3 (digest
 * algorithm SM3, signature algorithm SM2-with-SM3 1.2.156.10197.1.501, the signature over
 * e = SM3(Z || attributes) with Z from the GM/T 0009 ID), which OpenSSL 3.0's CMS cannot
 * make and no common PDF reader checks: the signing flow adds an RSA or ECDSA signature of
 * the same holder beside it. The time-stamp imprint is SHA-256 for every algorithm (the
 * platform TSA takes SHA-256 only). Pure: no database; key and TSA through callbacks.
 */
#ifndef CERTS_CADES_H
#define CERTS_CADES_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stddef.h>

/*
 * Signs digest with the signer's key: for RSA (SHA-256 of the DER signed attributes) a
 * PKCS#1 v1.5 signature of the DigestInfo, for ECDSA (the same digest) the DER
 * Ecdsa-Sig-Value, for SM2 (e = SM3(Z || attributes)) the DER SM2 signature — what
 * SignWithCloudKey returns. ST_OK with *sig (malloc'd; the caller frees) or a status.
 */
typedef int (*cades_sign_fn)(void *arg, const unsigned char *digest, size_t dlen,
                             unsigned char **sig, size_t *siglen);
/*
 * A time-stamp token (DER ContentInfo of the TSA's SignedData) whose message imprint is
 * the SHA-256 `imprint`. ST_OK with *token (malloc'd) or a status.
 */
typedef int (*cades_tsa_fn)(void *arg, const unsigned char imprint[32], unsigned char **token,
                            size_t *toklen);

/* Signs with an in-memory private key (arg: EVP_PKEY *). */
int cades_key_sign(void *arg, const unsigned char *digest, size_t dlen, unsigned char **sig,
                   size_t *siglen);

/* 1 when cert's key is one cades signs with (RSA-2048+, EC P-256, SM2); 0 otherwise. */
int cades_cert_supported(X509 *cert);
/* The digest of the content for cert's algorithm: SM3 for SM2, else SHA-256; NULL when
 * unsupported. */
const EVP_MD *cades_md(X509 *cert);

/*
 * The DER ContentInfo of a detached SignedData over content whose cades_md digest is
 * content_digest, signed for cert (chain: the certificates to include after it, may be
 * NULL), time-stamped through tsa. The token's imprint is checked against the signature
 * (ST_SIGN_TIMESTAMP when it differs or cannot be read). ST_OK with *der (malloc'd),
 * ST_SIGN_ALG_UNSUPPORTED (neither RSA, P-256 nor SM2), or what the callbacks returned.
 */
int cades_sign(X509 *cert, STACK_OF(X509) * chain, const unsigned char content_digest[32],
               cades_sign_fn sign, void *sign_arg, cades_tsa_fn tsa, void *tsa_arg,
               unsigned char **der, size_t *len);

/* An RFC 3161 TimeStampReq for a SHA-256 imprint, certReq set, a random nonce: DER
 * (malloc'd). ST_OK or ST_INTERNAL. */
int cades_tsa_query(const unsigned char imprint[32], unsigned char **der, size_t *len);
/* The token of a TimeStampResp (DER) whose status is granted: DER (malloc'd). ST_OK or
 * ST_SIGN_TIMESTAMP. */
int cades_tsa_token(const unsigned char *resp, size_t len, unsigned char **token, size_t *toklen);

#endif
