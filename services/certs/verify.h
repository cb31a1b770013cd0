/* 验签: VerifySignatures, the route handler over pades_verify (verify.c). */
#ifndef CERTS_VERIFY_H
#define CERTS_VERIFY_H

#include "svc.h"

/* POST /api/v1/signature-verifications: certs.VerifySignaturesRequest (multipart: file)
 * → certs.VerificationReport. Session required; ST_FIELD_REQUIRED ("file"),
 * ST_PDF_INVALID, ST_VERIFY_PDF_ENCRYPTED. */
int certs_verify_signatures(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
