/*
 * Seals (印章, issue 19): an enterprise's seals and each person's own signature seal, each
 * backed by an issued cloud certificate of its holder (seals.c), and the members an
 * enterprise admin authorised to use an enterprise seal (seals_grants.c). Tables in
 * migration 007_seals.sql.
 */
#ifndef CERTS_SEALS_H
#define CERTS_SEALS_H

#include "svc.h"

#include <stddef.h>

/* A seal the caller may use now, as the signing flow needs it. Strings and png in the
 * request's arena. */
typedef struct certs_seal_use {
	const char *id, *kind, *name;
	const char *enterprise_id; /* NULL: a personal seal */
	const char *cert_serial;   /* the backing cloud certificate */
	const char
	        *companion_serial; /* NULL unless cert_serial is SM2: RSA or ECDSA, same holder */
	unsigned char *png;        /* the seal image, a transparent PNG */
	size_t png_len;
} certs_seal_use;

/*
 * May person_id use seal_id now, signing for enterprise_id (NULL: personally)? ST_OK with
 * *out; 404 ST_SEAL_NOT_FOUND (no such seal, or not visible to that person: another
 * enterprise's, another person's, an enterprise seal when signing personally or a personal
 * one when signing for an enterprise); 403 ST_SEAL_NOT_AUTHORISED (no grant, grant revoked,
 * or not an active member of the enterprise); 409 ST_SEAL_DISABLED; 409
 * ST_SEAL_CERT_UNAVAILABLE (the backing or companion certificate revoked, expired, not
 * valid yet, or its cloud key missing). Reads only (no transaction of its own): callable
 * inside a change_run. Each error names field "seal_id".
 */
int certs_seal_use_check(svc_ctx *ctx, const char *seal_id, const char *person_id,
                         const char *enterprise_id, certs_seal_use *out);

/* The caller: a person (/me: enterprise_id NULL) or an active member of the session's
 * enterprise (403 ST_FORBIDDEN otherwise; with admin, 403 ST_SEAL_ADMIN_REQUIRED unless its
 * admin). actor is "person:<id>". */
typedef struct certs_seal_scope {
	const char *person_id, *enterprise_id, *actor;
	int admin;
} certs_seal_scope;
int certs_seals_scope(svc_ctx *ctx, int enterprise, int admin, certs_seal_scope *s);
/* The seal id of the scope (the enterprise's, or the person's own), else 404
 * ST_SEAL_NOT_FOUND naming "id". *out in the arena (Certs__Seal). */
int certs_seals_load(svc_ctx *ctx, const certs_seal_scope *sc, const char *id, void **out);
/* Inside a change_run: the audit entry (subject seal/<id>) and the event type (payload
 * certs.SealEvent: ids only). */
int certs_seals_event(svc_ctx *ctx, const char *actor, const char *type, const char *seal_id,
                      const char *kind, const char *enterprise_id, const char *person_id,
                      void *detail);

/* seals.c: the routes' handlers (CertSeals in proto/certs_seals.proto) */
int certs_seals_ent_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_ent_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_ent_upload(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_ent_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_ent_image(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_ent_disable(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_my_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_my_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_my_image(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_my_disable(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_usable(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* seals_grants.c */
int certs_seals_grants_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_grant(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_seals_revoke(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* Pure (seals_rules.c, seals_rules_test.c) */
/* The kind's label (公章, 合同专用章, 财务专用章, 法定代表人章, 个人签名) or NULL for an
 * unknown kind. */
const char *certs_seal_kind_label(const char *kind);
/* The text below the star of a generated round seal: NULL for the 公章 (none), the label
 * otherwise. */
const char *certs_seal_kind_text(const char *kind);
/* An uploaded seal image judged: a PNG whose IHDR says width and height 16–2000 px (the
 * signing engine's limits), colour type with alpha (4 or 6) or a tRNS chunk before IDAT,
 * bit depth 8 or 16, and which decodes whole (cairo). ST_OK or ST_SEAL_IMAGE_INVALID
 * (field "image"). */
int certs_seal_png_check(const unsigned char *png, size_t len);

#endif
