/*
 * What the application files share (applications.c: the applicant's side, personal and
 * enterprise; applications_officer.c: the ca_officer's review and issuance on acceptance).
 */
#ifndef CERTS_APPLICATIONS_H
#define CERTS_APPLICATIONS_H

#include "certs.h"
#include "certs_apps.pb-c.h"

#include <jansson.h>
#include <libpq-fe.h>

/* The columns an application is read with (table alias a); applications_row() maps them. */
extern const char applications_cols[];
Certs__Application *applications_row(svc_ctx *ctx, const PGresult *r, int row);
/* The materials of application id into o. */
int applications_materials(svc_ctx *ctx, Certs__Application *o);

/* The caller's side of applications: personal (the logged-in person) or enterprise (the
 * session's enterprise identity, checked live: not a member → 404, not certified → 403). */
typedef struct applications_scope {
	int enterprise;
	const char *pid, *eid, *actor;
} applications_scope;
int applications_scope_of(svc_ctx *ctx, int enterprise, applications_scope *s);
/* The scope's condition over $2 for table alias a. */
const char *applications_scope_sql(const applications_scope *s);
/* Application id within scope s (NULL: any, for the ca_officer) into *o (lock: FOR
 * UPDATE, inside change_run); ST_CERTAPP_NOT_FOUND "id" otherwise. */
int applications_load(svc_ctx *ctx, const applications_scope *s, const char *id, int lock,
                      Certs__Application **o);

/* 1 when v is one of the NULL-terminated set. */
int applications_one_of(const char *v, const char *const *set);

/* The personal (certs_app_my_<fn>) and enterprise (certs_app_ent_<fn>) handlers of a
 * side-taking fn(ctx, enterprise, in, out). */
#define APPLICATIONS_BOTH(fn)                                                                      \
	int certs_app_my_##fn(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)    \
	{                                                                                          \
		return fn(ctx, 0, in, out);                                                        \
	}                                                                                          \
	int certs_app_ent_##fn(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)   \
	{                                                                                          \
		return fn(ctx, 1, in, out);                                                        \
	}

/* The registry's subject of an application: the certified enterprise's name and USCC
 * (enterprise_id set) or the verified person's name and ID number. */
typedef struct applications_subject {
	const char *name, *code, *code_masked;
} applications_subject;
int applications_subject_of(svc_ctx *ctx, const char *enterprise_id, const char *person_id,
                            applications_subject *s);

/* The state's event and audit entry (certs.application.<state>). */
int applications_record(svc_ctx *ctx, const char *actor, const Certs__Application *o,
                        const char *action, json_t *detail);

/* pdf.c: the application form (receipt 0) or the receipt (1) of o as one A4 PDF page, the
 * applicant's data as o has it (masked), a QR code of the number. ST_OK with *out (free)
 * and *len, or ST_INTERNAL. Pure. */
int certs_pdf_render(const Certs__Application *o, int receipt, unsigned char **out, size_t *len);

#endif
