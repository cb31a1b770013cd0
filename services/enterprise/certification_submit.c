/*
 * 企业认证, what moves an application: file uploads (while the applicant may still change
 * it), submission to the reviewers' queue, and the approval transaction that review.c
 * and legal_rep.c share (application approved, enterprise created, the applicant its
 * admin, audit and event together).
 */
#include "certification.h"

#include "change.h"
#include "dbrow.h"
#include "enterprise.h"
#include "files.h"
#include "log.h"
#include "members.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cert_sent(const char *s) { return s && *s; }

/* ---- files ------------------------------------------------------------------------------ */

struct upload {
	const Enterprise__UploadCertificationFileRequest *in;
	const char *pid;
	Files__FileInfo *fi; /* set by upload_tx */
};

/*
 * Uploads one application takes over its life, replacements included: at most one file
 * per kind is kept (a replaced one is deleted), and this bounds the work (each upload up
 * to 5 MiB received, judged, hashed and sealed): 4 kinds, each replaced up to 4 times.
 */
#define CERT_UPLOADS_MAX 20

/* The change: the upload counted, the file stored and attached to the application in
 * place of the kind's older one (deleted), audit. */
static int upload_tx(svc_ctx *ctx, void *arg)
{
	struct upload *u = arg;
	const Enterprise__UploadCertificationFileRequest *in = u->in;
	PGresult *r = NULL;
	char *old = NULL;
	/* The guard first: it also holds the row while the file is stored. */
	const char *v1[] = {in->id, u->pid};
	int rv = change_guard(ctx, ST_CERT_NOT_EDITABLE, NULL,
	                      "UPDATE certifications SET updated_at = now(), file_uploads = "
	                      "file_uploads + 1 WHERE id = $1 AND applicant_id = $2 AND state IN "
	                      "('draft', 'rejected') RETURNING file_uploads",
	                      2, v1, &r);
	if (rv != ST_OK)
		return rv;
	long uploads = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	r = NULL;
	if (uploads > CERT_UPLOADS_MAX)
		return status_err(ST_CERT_FILE_LIMIT, "file");
	const char *v0[] = {in->id, in->kind};
	if ((rv = change_exec(ctx,
	                      "SELECT file_id FROM certification_files WHERE certification_id = $1 "
	                      "AND kind = $2",
	                      2, v0, &r)) != ST_OK)
		return rv;
	old = PQntuples(r) == 1 ? dbrow_text(ctx->arena, r, 0, 0) : NULL;
	PQclear(r);
	if ((rv = enterprise_file_store(ctx, in->file, "file", "certification", in->id, u->pid,
	                                in->kind, &u->fi)) != ST_OK)
		return rv;
	const char *v2[] = {in->id, in->kind, u->fi->id};
	if ((rv = change_exec(ctx,
	                      "INSERT INTO certification_files (certification_id, kind, file_id) "
	                      "VALUES ($1, $2, $3) ON CONFLICT (certification_id, kind) DO UPDATE "
	                      "SET file_id = EXCLUDED.file_id, uploaded_at = now()",
	                      3, v2, NULL)) != ST_OK)
		return rv;
	/* The replaced scan is personal data nobody needs any more: gone with this change. */
	if (old && (rv = enterprise_file_delete(ctx, old)) != ST_OK)
		return rv;
	return enterprise_certification_record(ctx, arena_printf(ctx->arena, "person:%s", u->pid),
	                                       in->id, "enterprise.certification.file_uploaded",
	                                       json_pack("{s:s, s:s, s:s, s:s?}", "kind", in->kind,
	                                                 "file_id", u->fi->id, "sha256",
	                                                 u->fi->sha256, "replaced_file_id", old),
	                                       NULL);
}

int enterprise_certification_file_upload(svc_ctx *ctx, const ProtobufCMessage *in_,
                                         ProtobufCMessage **out)
{
	const Enterprise__UploadCertificationFileRequest *in =
	        (const Enterprise__UploadCertificationFileRequest *)in_;
	const char *pid = NULL;
	char state[16];
	int rv;

	if ((rv = caller_person(ctx, &pid)) != ST_OK ||
	    (rv = enterprise_certification_own(ctx, in->id, pid, state, NULL)) != ST_OK)
		return rv;
	if (!cert_sent(in->kind))
		return status_err(ST_FIELD_REQUIRED, "kind");
	int k = enterprise_cert_kind_index(in->kind);
	if (k < 0)
		return status_err(ST_FILE_KIND, "kind");
	if (!enterprise_cert_allows(state, ENTERPRISE_CERT_EDIT))
		return status_err(ST_CERT_NOT_EDITABLE, NULL);
	struct upload u = {in, pid, NULL};
	if ((rv = change_run(ctx, upload_tx, &u)) != ST_OK)
		return rv;
	*out = &u.fi->base;
	return ST_CREATED;
}

/* ---- submission ---------------------------------------------------------------------- */

struct submission {
	const char *id, *pid, *from, *uscc, *status;
};

/* The change: draft or rejected -> submitted, audit and event. */
static int submit_tx(svc_ctx *ctx, void *arg)
{
	const struct submission *sb = arg;
	PGresult *r = NULL;
	const char *v[] = {sb->id, sb->pid, sb->status};
	int rv =
	        change_guard(ctx, ST_CERT_NOT_EDITABLE, NULL,
	                     "UPDATE certifications SET state = 'submitted', submitted_at = now(), "
	                     "registry_status = $3, updated_at = now() WHERE id = $1 AND "
	                     "applicant_id = $2 AND state IN ('draft', 'rejected') RETURNING "
	                     "applicant_id, uscc, enterprise_name",
	                     3, v, &r);
	if (rv != ST_OK)
		return rv;
	Enterprise__CertificationEvent ev = ENTERPRISE__CERTIFICATION_EVENT__INIT;
	ev.certification_id = (char *)sb->id;
	ev.applicant_id = PQgetvalue(r, 0, 0);
	ev.uscc = PQgetvalue(r, 0, 1);
	ev.enterprise_name = PQgetvalue(r, 0, 2);
	rv = enterprise_certification_record(
	        ctx, arena_printf(ctx->arena, "person:%s", sb->pid), sb->id,
	        "enterprise.certification.submitted",
	        json_pack("{s:s, s:s}", "from", sb->from, "uscc", sb->uscc), &ev);
	PQclear(r);
	return rv;
}

int enterprise_certification_submit(svc_ctx *ctx, const ProtobufCMessage *in_,
                                    ProtobufCMessage **out)
{
	const Enterprise__CertificationRef *in = (const Enterprise__CertificationRef *)in_;
	const char *pid = NULL;
	Enterprise__CertificationApplication *c = NULL;
	char state[16], uscc[24], status[16];
	int rv;

	if ((rv = caller_person(ctx, &pid)) != ST_OK ||
	    (rv = enterprise_certification_own(ctx, in->id, pid, state, uscc)) != ST_OK)
		return rv;
	if (!enterprise_cert_allows(state, ENTERPRISE_CERT_SUBMIT))
		return status_err(ST_CERT_NOT_EDITABLE, NULL);
	if (!enterprise_person_verified(ctx, pid))
		return status_err(ST_PERSON_NOT_VERIFIED, NULL);
	if ((rv = enterprise_certification_missing(ctx, in->id, 1)) != ST_OK)
		return rv;
	/* The registry may have changed since the draft: checked again. */
	if ((rv = enterprise_certification_registry_check(ctx, uscc, NULL, status)) != ST_OK ||
	    (rv = enterprise_certification_not_certified(ctx, uscc)) != ST_OK)
		return rv;
	struct submission sb = {in->id, pid, state, uscc, status};
	if ((rv = change_run(ctx, submit_tx, &sb)) != ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, "certification submitted", "certification_id", in->id,
	       "uscc", uscc, NULL);
	if ((rv = enterprise_certification_load(ctx, in->id, 0, &c)) != ST_OK)
		return rv;
	*out = &c->base;
	return ST_OK;
}

/* ---- approval (review.c and legal_rep.c) ---------------------------------------------- */

/*
 * The applicant's own verified identity as the persons projection holds it (masked name,
 * method, time), for the approval's audit entry: who became the admin, and on what proof.
 * ST_OK with *out (a new object); ST_PERSON_NOT_VERIFIED when it is not verified.
 */
static int approve_applicant(svc_ctx *ctx, const char *applicant, json_t **out)
{
	PGresult *r = NULL;
	const char *v[] = {applicant};
	int rv = change_exec(ctx,
	                     "SELECT name_masked, verification_method, " DBROW_CST(
	                             "verified_at") " FROM persons WHERE person_id = $1 AND "
	                                            "verified_at IS NOT NULL",
	                     1, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_PERSON_NOT_VERIFIED, NULL);
	}
	*out = json_pack("{s:s, s:s?, s:s?, s:s?}", "person_id", applicant, "name_masked",
	                 dbrow_text(ctx->arena, r, 0, 0), "verification_method",
	                 dbrow_text(ctx->arena, r, 0, 1), "verified_at",
	                 dbrow_text(ctx->arena, r, 0, 2));
	PQclear(r);
	return ST_OK;
}

int enterprise_certification_approve_tx(svc_ctx *ctx, const char *id, const char *from_states,
                                        const char *actor, const char *method)
{
	PGresult *r = NULL, *e = NULL;
	int rv;
	const char *v1[] = {id, method, actor, from_states};
	if ((rv = change_guard(
	             ctx, ST_CERT_DECIDED, NULL,
	             "UPDATE certifications SET state = 'approved', approval_method = $2, "
	             "decided_by = $3, decided_at = now(), updated_at = now() WHERE id = "
	             "$1 AND state = ANY ($4::text[]) RETURNING applicant_id, uscc, "
	             "enterprise_name, legal_rep_name, region_code, address, industry, "
	             "registered_capital_fen",
	             4, v1, &r)) != ST_OK)
		goto out;
	const char *applicant = PQgetvalue(r, 0, 0), *uscc = PQgetvalue(r, 0, 1),
	           *name = PQgetvalue(r, 0, 2);
	const char *v2[] = {uscc,
	                    name,
	                    PQgetvalue(r, 0, 3),
	                    PQgetisnull(r, 0, 4) ? NULL : PQgetvalue(r, 0, 4),
	                    PQgetisnull(r, 0, 5) ? NULL : PQgetvalue(r, 0, 5),
	                    PQgetisnull(r, 0, 6) ? NULL : PQgetvalue(r, 0, 6),
	                    PQgetisnull(r, 0, 7) ? NULL : PQgetvalue(r, 0, 7),
	                    id};
	/* Taken: another application of this USCC was approved first. */
	if ((rv = change_unique(ctx, ST_ENTERPRISE_CERTIFIED, "uscc",
	                        "INSERT INTO enterprises (uscc, name, legal_rep_name, region_code, "
	                        "address, industry, registered_capital_fen, certification_id) "
	                        "VALUES ($1, $2, $3, $4, $5, $6, $7::bigint, $8) RETURNING id",
	                        8, v2, NULL, NULL, &e)) != ST_OK)
		goto out;
	const char *eid = PQgetvalue(e, 0, 0);
	json_t *who = NULL;
	if ((rv = approve_applicant(ctx, applicant, &who)) != ST_OK)
		goto out;
	/* The first certifier is the enterprise's admin. */
	const char *v3[] = {eid, applicant};
	const char *v4[] = {id, eid};
	if ((rv = change_exec(ctx,
	                      "INSERT INTO memberships (enterprise_id, person_id, role, state, "
	                      "decided_at) VALUES ($1, $2, 'admin', 'active', now())",
	                      2, v3, NULL)) != ST_OK ||
	    (rv = change_exec(ctx, "UPDATE certifications SET enterprise_id = $2 WHERE id = $1", 2,
	                      v4, NULL)) != ST_OK) {
		json_decref(who);
		goto out;
	}
	Enterprise__CertificationEvent ev = ENTERPRISE__CERTIFICATION_EVENT__INIT;
	ev.certification_id = (char *)id;
	ev.applicant_id = (char *)applicant;
	ev.enterprise_id = (char *)eid;
	ev.enterprise_name = (char *)name;
	ev.uscc = (char *)uscc;
	ev.method = (char *)method;
	if ((rv = enterprise_certification_record(
	             ctx, actor, id, "enterprise.certification.approved",
	             json_pack("{s:s, s:s, s:s, s:o}", "enterprise_id", eid, "uscc", uscc, "method",
	                       method, "applicant", who),
	             &ev)) != ST_OK ||
	    (rv = change_record(
	             ctx, actor, arena_printf(ctx->arena, "enterprise/%s", eid),
	             "enterprise.certified",
	             json_pack("{s:s, s:s}", "certification_id", id, "admin_person_id", applicant),
	             NULL)) != ST_OK)
		goto out;
	log_kv(LOGL_INFO, ctx->request_id, "certification approved", "certification_id", id,
	       "enterprise_id", eid, "uscc", uscc, "method", method, NULL);
	rv = ST_OK;
out:
	PQclear(r);
	PQclear(e);
	return rv;
}
