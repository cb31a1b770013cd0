/*
 * 企业认证 (certification, KYB): what certification.c, certification_view.c,
 * certification_submit.c, review.c, legal_rep.c, files.c and letter.c share, and the
 * handler table main.c registers for service Certification (proto/enterprise_kyb.proto).
 */
#ifndef ENTERPRISE_CERTIFICATION_H
#define ENTERPRISE_CERTIFICATION_H

#include "enterprise_kyb.pb-c.h"
#include "svc.h"

#include <jansson.h>

#include <stddef.h>

/* Service Certification of proto/enterprise_kyb.proto: one handler per method, by name. */
extern const svc_api enterprise_certification_api;

/* ---- certification.c ------------------------------------------------------------- */

/*
 * The registry's word on uscc (and name, when not NULL): known (a wrong check character
 * passes when it is), alive (存续/在业), and the name its own. ST_OK with the registry's
 * status in status_out; else the refusal, naming uscc or enterprise_name.
 */
int enterprise_certification_registry_check(svc_ctx *ctx, const char *uscc, const char *name,
                                            char status_out[16]);

/* ST_ENTERPRISE_CERTIFIED (naming uscc) when the USCC has an enterprise already, else ST_OK. */
int enterprise_certification_not_certified(svc_ctx *ctx, const char *uscc);

/* Inside change_run's transaction: the audit entry action about "certification/<id>"
 * with detail (taken, see change_record) and, when ev is not NULL, the event named like
 * the action about the same subject. ST_OK or ST_DB. */
int enterprise_certification_record(svc_ctx *ctx, const char *actor, const char *id,
                                    const char *action, json_t *detail,
                                    const Enterprise__CertificationEvent *ev);

/* ---- certification_view.c --------------------------------------------------------- */

/*
 * Whether the caller may see certification id (and so its files, ID-card scans among
 * them): the applicant; a reviewer once it was submitted; the active admin of the
 * enterprise it certified (a plain member does not: the scans are the legal
 * representative's personal data).
 * ST_OK, ST_NOT_FOUND (also for a malformed id), ST_UNAUTHENTICATED or ST_DB.
 */
int enterprise_certification_visible(svc_ctx *ctx, const char *id);

/* The full view of one certification (arena-allocated); reviewer adds applicant_id and
 * decided_by. ST_OK or ST_NOT_FOUND. */
int enterprise_certification_load(svc_ctx *ctx, const char *id, int reviewer,
                                  Enterprise__CertificationApplication **out);

/*
 * The caller's own application id: ST_OK with its state (and USCC when uscc_out is not
 * NULL), else ST_NOT_FOUND (also for a malformed id or another person's application).
 */
int enterprise_certification_own(svc_ctx *ctx, const char *id, const char *person_id,
                                 char state_out[16], char uscc_out[24]);

/*
 * ST_OK when submission needs nothing more; else the status of the first field
 * (ST_FIELD_REQUIRED) or, with with_files, file kind (enterprise_cert_kind_missing())
 * still missing, naming it as the field.
 */
int enterprise_certification_missing(svc_ctx *ctx, const char *id, int with_files);

/* ---- certification_submit.c ------------------------------------------------------- */

/*
 * The approval inside change_run's transaction: state submitted (or, for the
 * legal representative's check, any of from_states) -> approved, the enterprises row,
 * the applicant's active admin membership, audit and the approved event. actor is
 * "operator:<id>" or "system:legal_rep_check"; method "review" | "legal_rep_check".
 * ST_OK; ST_CERT_DECIDED when the state guard failed (another decision won);
 * ST_ENTERPRISE_CERTIFIED when the USCC got certified meanwhile; ST_DB.
 */
int enterprise_certification_approve_tx(svc_ctx *ctx, const char *id, const char *from_states,
                                        const char *actor, const char *method);

/* Handlers of service Certification, by file. */
/* certification.c, certification_view.c, certification_submit.c */
int enterprise_certification_create(svc_ctx *ctx, const ProtobufCMessage *in,
                                    ProtobufCMessage **out);
int enterprise_certification_update(svc_ctx *ctx, const ProtobufCMessage *in,
                                    ProtobufCMessage **out);
int enterprise_certification_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int enterprise_certifications_mine(svc_ctx *ctx, const ProtobufCMessage *in,
                                   ProtobufCMessage **out);
int enterprise_certification_file_upload(svc_ctx *ctx, const ProtobufCMessage *in,
                                         ProtobufCMessage **out);
int enterprise_certification_submit(svc_ctx *ctx, const ProtobufCMessage *in,
                                    ProtobufCMessage **out);
/* legal_rep.c */
int enterprise_legal_rep_check_start(svc_ctx *ctx, const ProtobufCMessage *in,
                                     ProtobufCMessage **out);
int enterprise_legal_rep_check_confirm(svc_ctx *ctx, const ProtobufCMessage *in,
                                       ProtobufCMessage **out);
/* review.c */
int enterprise_review_queue(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int enterprise_review_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int enterprise_review_approve(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int enterprise_review_reject(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* files.c: enterprise_file_get (files.h); letter.c: */
int enterprise_letter_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* ---- rules (pure) ---------------------------------------------------------------- */

/* What may happen to an application in a state. */
enum enterprise_cert_action {
	ENTERPRISE_CERT_EDIT,      /* PATCH, file uploads: draft | rejected */
	ENTERPRISE_CERT_SUBMIT,    /* to the review queue: draft | rejected */
	ENTERPRISE_CERT_REVIEW,    /* approve or reject: submitted */
	ENTERPRISE_CERT_LEGAL_REP, /* the legal representative's check: draft | rejected | submitted
	                            */
	ENTERPRISE_CERT_REVIEWER_SEES, /* the reviewers' views: all but draft */
};

/* 1 when action is allowed in state, else 0. */
int enterprise_cert_allows(const char *state, enum enterprise_cert_action action);

/* The files an application needs, in the order they are asked for. */
#define ENTERPRISE_CERT_KINDS 4
extern const char *const enterprise_cert_kinds[ENTERPRISE_CERT_KINDS];
/* Index of kind in enterprise_cert_kinds, or -1. */
int enterprise_cert_kind_index(const char *kind);
/* The status asking for a file of kind ("请上传营业执照" ...); ST_FILE_MISSING when unknown. */
int enterprise_cert_kind_missing(const char *kind);

/*
 * Whether two spellings of an enterprise name are the same name: ASCII and
 * ideographic spaces are ignored and half-width parentheses equal full-width ones
 * (registries write "（）", people often type "()"). Pure.
 */
int enterprise_name_same(const char *a, const char *b);

/*
 * Whether two spellings of a person's name are the same name, as a registry's legal
 * representative is compared with a typed one: spaces (ASCII, no-break, ideographic)
 * ignored; every middle-dot look-alike of minority and foreign names (·, •, ‧, ∙, ⋅,
 * ・, ．, ･, '.') one dot; full-width Latin letters and digits their half-width forms;
 * Latin letters without case. Han characters compare exactly (no simplified/traditional
 * folding: the registry and the ID card print one form). Pure.
 */
int enterprise_person_name_same(const char *a, const char *b);

/* ---- legal_rep.c (pure) -------------------------------------------------------------- */

/*
 * The link the legal representative's check proves, from the registry's record: its
 * status (存续/在业 only), its legal representative (NULL or "" when it has none) and the
 * name typed in the application. ST_OK; ST_ENTERPRISE_DEREGISTERED (*field "uscc");
 * ST_REGISTRY_NO_LEGAL_REP ("uscc"); ST_LEGAL_REP_NOT_REGISTERED ("legal_rep_name").
 * Pure: the caller names the status with status_err().
 */
int enterprise_legal_rep_link(const char *status, const char *registry_rep, const char *typed,
                              const char **field);

/* ---- letter.c ------------------------------------------------------------------- */

/* The blank authorisation letter: a one-page A4 PDF; malloc'd, the caller frees. */
char *enterprise_letter_pdf(size_t *len);

/* Width of UTF-8 text in the letter's font, in 1/1000 em. Pure. */
unsigned enterprise_letter_text_width(const char *utf8);

/*
 * Where to break utf8 into lines of at most width (1/1000 em): byte offsets of the
 * line starts after the first, at most max of them. Closing punctuation never starts
 * a line (it hangs past width by one character). Pure.
 */
size_t enterprise_letter_wrap(const char *utf8, unsigned width, size_t *breaks, size_t max);

#endif
