/*
 * Verification of the signatures of any PDF (PAdES / adbe.pkcs7.detached): every signature
 * field of the AcroForm with its /Sig dictionary, the /ByteRange checked against the file
 * (starts at 0, the gap is exactly /Contents, inside the file), the CMS SignedData parsed,
 * its message digest recomputed over the ranges (SHA-256, SM3 for SM2, or what the
 * SignerInfo names), the signature over the signed attributes verified (RSA and ECDSA by
 * OpenSSL's CMS; SM2 over the attributes' own DER with SM3 and the GM ID), the signer's
 * chain against the trust store given, signing-certificate(-v2), the signature time-stamp
 * (imprint = hash of the signature value; the token's signature and TSA certificate),
 * and what follows the signed range: later revisions that only add signatures, or that
 * change content. Pure: bytes and a trust store in, no database (the certificate's status
 * in the platform's tables is verify.c's).
 */
#ifndef CERTS_PADES_VERIFY_H
#define CERTS_PADES_VERIFY_H

#include <openssl/x509.h>

#include <stddef.h>
#include <time.h>

/* Signatures reported at most (a document with more reports the first ones). */
#define PADES_VERIFY_MAX 64

/* What the bytes after a signature's range are. */
typedef enum {
	PADES_LATER_NONE,            /* the signature covers the whole file */
	PADES_LATER_SIGNATURES_ONLY, /* later revisions add signature fields, widgets, /Sig */
	PADES_LATER_CONTENT_CHANGED, /* later revisions change anything else */
} pades_later;

typedef struct pades_sig {
	char field[128];       /* the field's name (/T; PDFDocEncoding or UTF-16 as UTF-8) */
	char subfilter[48];    /* ETSI.CAdES.detached, adbe.pkcs7.detached … */
	char signing_time[32]; /* /M as 2026-12-07T08:00:00Z; "" when absent or unreadable */
	char subject[512];     /* the signer certificate's subject, RFC 2253, UTF-8 */
	char issuer[512];
	char serial[67];   /* upper-case hex, as the certificates table keeps it */
	char algorithm[8]; /* RSA | ECDSA | SM2 | "" */
	char digest[16];   /* sha256 | sm3 | … (the SignerInfo's digest algorithm) */
	int byterange_ok;  /* [0, a, b, c]: b - a = /Contents exactly, b + c within the file */
	int digest_ok;     /* the message-digest attribute = the digest of the ranges */
	int signature_ok;  /* the signature over the signed attributes */
	int signing_cert;  /* 1 signing-certificate(-v2) names the signer, 0 it does not, -1 absent
	                    */
	int chain_ok;      /* the signer chains to the trust store (at the time-stamp's time) */
	int timestamp;     /* 1 when a signature time-stamp token is attached */
	int timestamp_ok;  /* its signature and TSA certificate verify against the trust store */
	int timestamp_imprint_ok; /* its imprint is the hash of this signature value */
	char timestamp_time[32];  /* its genTime */
	time_t timestamp_at;      /* the same (0: none) */
	char tsa_subject[512];
	size_t covered;      /* the bytes the ranges span: 0 … b + c */
	size_t bytes_after;  /* the file's size minus covered */
	int revisions_after; /* %%EOF markers after covered */
	pades_later later;
	unsigned char *cert_der; /* the signer certificate (malloc'd; NULL when not found) */
	size_t cert_len;
} pades_sig;

typedef struct pades_doc {
	size_t size;
	int pages;
	int revisions;                     /* %%EOF markers */
	int modified_after_last_signature; /* bytes follow the signature that covers the most */
} pades_doc;

/*
 * The signatures of pdf (field order), *n of them in *out (pades_verify_free), doc filled.
 * trust: the trust anchors and intermediates (NULL: no chain verifies). A document without
 * signatures is ST_OK with *n 0. ST_PDF_INVALID, ST_PDF_ENCRYPTED otherwise.
 */
int pades_verify(const unsigned char *pdf, size_t len, X509_STORE *trust, pades_sig **out,
                 size_t *n, pades_doc *doc);
void pades_verify_free(pades_sig *s, size_t n);

/*
 * The verdict on one signature given its certificate's status in the platform's tables
 * (good | revoked | expired | unknown_issuer) and, when revoked, since when:
 *   "invalid" — the ranges, the digest, the signature, signing-certificate or the
 *               time-stamp's imprint fail, later revisions change content, or the
 *               certificate was revoked and no valid time-stamp shows the signature older;
 *   "unknown" — sound, but the signer does not chain to the trust store or is not ours;
 *   "valid"   — otherwise (an expired certificate included: validity is judged when signed).
 */
const char *pades_verdict(const pades_sig *s, const char *status, time_t revoked_at);

/* The wire names of pades_later: "none", "signatures_only", "content_changed". */
const char *pades_later_name(pades_later l);

#endif
