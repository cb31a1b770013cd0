/*
 * The signing flow of a contract (issue 19; manual 002 签章, 待我签署), routes of service
 * ContractSigning (proto/certs_signing.proto):
 *   placements.c  a signer's seal placements before confirming (add, move, delete; a seal
 *                 the signer may use, a page of the document, a keyword's position)
 *   signing.c     the confirmation by SMS code: one PAdES B-T signature per placed seal on
 *                 top of the current document (SM2: and one by its RSA/ECDSA companion),
 *                 the trail, the events signed/completed; refusal
 *   completion.c  the completion certificate (完成证明) of a completed contract
 *   signing_rules.c  pure: a page's size, the seal a date stamp rides with
 * Whose turn: sequential, the lowest seq still waiting; parallel, every waiting signer.
 */
#ifndef CERTS_SIGNING_H
#define CERTS_SIGNING_H

#include "cades.h"
#include "svc.h"

/* One signer of a contract, as the caller is one. */
typedef struct signing_signer {
	const char *contract_id, *person_id;
	const char *enterprise_id; /* NULL: signing personally */
	int seq, pages;
} signing_signer;

/*
 * The caller as a signer whose turn it is (person from the envelope; the session's
 * enterprise identity preferred when the person signs for several): 404 unless a party
 * (certs_contract_for_party), ST_SIGN_NOT_SIGNER, ST_SIGN_ALREADY_DONE, and with turn set
 * ST_SIGN_CONTRACT_STATE, ST_SIGN_CONTRACT_EXPIRED, ST_SIGN_NOT_YOUR_TURN. Read without a
 * lock: signing.c checks again under the contract's row lock.
 */
int signing_signer_get(svc_ctx *ctx, const char *contract_id, int turn, signing_signer *out);

/* Inside a transaction: the contract's row locked (FOR UPDATE) and the signer's turn
 * checked against it; the current document's digest and version into the out-params. */
int signing_turn_locked(svc_ctx *ctx, const signing_signer *s, char doc_sha256[65],
                        int *doc_version);

/* The time-stamping callback (cades_tsa_fn) answering in process with the platform TSA
 * (row rsa-tsa) and a tsa_serial value, as POST /pki/tsa does; arg: a signing_tsa opened
 * by signing_tsa_open (certs_pki_signer) and closed by signing_tsa_close. */
typedef struct signing_tsa {
	svc_ctx *ctx;
	X509 *cert;
	EVP_PKEY *key;
	STACK_OF(X509) * chain;
} signing_tsa;
int signing_tsa_open(svc_ctx *ctx, signing_tsa *t);
void signing_tsa_close(signing_tsa *t);
int signing_tsa_cb(void *arg, const unsigned char imprint[32], unsigned char **token,
                   size_t *toklen);

/* ---- pure (signing_rules.c, signing_rules_test.c) ---- */
/* The page's size (its /MediaBox, inherited through /Parent; A4 when none) in points;
 * 0-based page. ST_OK, ST_PDF_INVALID, ST_PDF_ENCRYPTED (field "document"), ST_PDF_PAGE
 * ("page"). */
int signing_page_size(const unsigned char *pdf, size_t len, int page, double *w, double *h);
/* Where a placement sits: its page (0-based), bottom-left corner, 1 for a cross-page seal. */
typedef struct signing_spot {
	int page;
	double x, y;
	int cross;
} signing_spot;
/* The seal (index into seals, n ≥ 1) whose signature a date stamp at date rides in: the
 * nearest on the same page, else the nearest anywhere (cross-page seals last). */
size_t signing_nearest(const signing_spot *seals, size_t n, const signing_spot *date);

/* The current document's bytes (ctx->arena) and stores of new ones into file_blobs. */
int signing_doc_get(svc_ctx *ctx, const char *sha256, unsigned char **pdf, size_t *len);
int signing_doc_put(svc_ctx *ctx, const unsigned char *pdf, size_t len, char sha256[65]);

/* completion.c, inside the transaction that completes the contract: the certificate made
 * (contract, parties, every signature), signed by the platform's document signer (row
 * rsa-docsign, PAdES B-T) and stored (contract_completions). */
int signing_completion_make_tx(svc_ctx *ctx, const char *contract_id, signing_tsa *tsa);

/* Handlers (ContractSigning). */
int certs_placements_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_placement_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_placement_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_placement_delete(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_signing_sign(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_signing_refuse(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_completion_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
