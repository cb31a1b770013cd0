/*
 * The operators' side of 企业认证: the review queue, one application with its files,
 * approval and rejection. Only operators with the `reviewer` role see any of it (404
 * for everyone else, so the routes do not confirm what exists). A decision is one
 * UPDATE guarded by state = 'submitted': of two reviewers acting at once exactly one
 * wins and the other gets 409. Nobody decides on their own application: a reviewer who
 * applied for the USCC, or who is an active member of its enterprise, sees the
 * application but may not decide it (403, ARCHITECTURE.md: seen but not changeable).
 */
#include "certification.h"

#include "change.h"
#include "dblist.h"
#include "enterprise.h"
#include "log.h"
#include "members.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX_CHARS 500

/* The caller as a reviewer: ST_OK with "operator:<id>" in actor, else ST_NOT_FOUND. */
static int review_caller(svc_ctx *ctx, char actor[64])
{
	const char *pid = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	if (!caller_has_role(ctx, "reviewer"))
		return status_err(ST_NOT_FOUND, NULL);
	snprintf(actor, 64, "operator:%s", pid);
	return ST_OK;
}

/* The application as reviewers see it: never a draft. */
static int review_load(svc_ctx *ctx, const char *id, Enterprise__CertificationApplication **out)
{
	Enterprise__CertificationApplication *c = NULL;
	if (!validate_uuid(id))
		return status_err(ST_NOT_FOUND, NULL);
	int rv = enterprise_certification_load(ctx, id, 1, &c);
	if (rv != ST_OK)
		return rv;
	if (!enterprise_cert_allows(c->state, ENTERPRISE_CERT_REVIEWER_SEES))
		return status_err(ST_NOT_FOUND, NULL);
	*out = c;
	return ST_OK;
}

/* A queue row as the full view; a load that fails keeps its code in *arg. */
static ProtobufCMessage *review_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	Enterprise__CertificationApplication *c = NULL;
	/* A row that changed state between the two reads is still shown as it is now. */
	if ((*(int *)arg = enterprise_certification_load(ctx, PQgetvalue(r, row, 0), 1, &c)) !=
	    ST_OK)
		return NULL;
	return &c->base;
}

int enterprise_review_queue(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__ListReviewRequest *in = (const Enterprise__ListReviewRequest *)in_;
	const char *state = in->state && *in->state ? in->state : "submitted";
	char actor[64];
	dblist_page pg;
	int rv, row_rv = ST_OK;

	if ((rv = review_caller(ctx, actor)) != ST_OK)
		return rv;
	if (strcmp(state, "submitted") != 0 && strcmp(state, "approved") != 0 &&
	    strcmp(state, "rejected") != 0)
		return status_err(ST_REVIEW_STATE_INVALID, "state");
	if ((rv = dblist_page_init(in->has_page, in->page, in->has_page_size, in->page_size,
	                           &pg)) != ST_OK)
		return rv;
	const char *v[] = {state, pg.limit, pg.offset};
	/* The queue is worked oldest first; decided ones are shown newest first. */
	const char *sql = strcmp(state, "submitted") == 0
	                          ? "SELECT c.id FROM certifications c WHERE c.state = $1 ORDER BY "
	                            "c.submitted_at, c.id LIMIT $2::int OFFSET $3::bigint"
	                          : "SELECT c.id FROM certifications c WHERE c.state = $1 ORDER BY "
	                            "c.decided_at DESC, c.id DESC LIMIT $2::int OFFSET $3::bigint";
	rv = dblist_query(ctx, &enterprise__list_certifications_response__descriptor, &pg,
	                  "SELECT count(*) FROM certifications WHERE state = $1", 1, sql, 3, v,
	                  review_row, &row_rv, out);
	return row_rv != ST_OK ? row_rv : rv;
}

int enterprise_review_get(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__CertificationRef *in = (const Enterprise__CertificationRef *)in_;
	Enterprise__CertificationApplication *c = NULL;
	char actor[64];
	int rv;
	if ((rv = review_caller(ctx, actor)) != ST_OK ||
	    (rv = review_load(ctx, in->id, &c)) != ST_OK)
		return rv;
	*out = &c->base;
	return ST_OK;
}

/*
 * ST_REVIEW_CONFLICT when the calling reviewer has an interest in application id: any
 * application of its USCC is theirs (this one included), or they are an active member of
 * the enterprise that USCC already has. Else ST_OK.
 */
static int review_no_conflict(svc_ctx *ctx, const char *id)
{
	PGresult *r = NULL;
	const char *pid = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	const char *v[] = {id, pid};
	rv = db_exec(ctx->db,
	             "SELECT 1 FROM certifications c WHERE c.id = $1 AND (EXISTS (SELECT 1 FROM "
	             "certifications o WHERE o.uscc = c.uscc AND o.applicant_id = $2) OR "
	             "EXISTS (SELECT 1 FROM enterprises e JOIN memberships m ON "
	             "m.enterprise_id = e.id WHERE e.uscc = c.uscc AND m.person_id = $2 AND "
	             "m.state = 'active'))",
	             2, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int conflict = PQntuples(r) > 0;
	PQclear(r);
	if (!conflict)
		return ST_OK;
	log_kv(LOGL_WARN, ctx->request_id, "reviewer refused on an application of their own",
	       "certification_id", id, NULL);
	return status_err(ST_REVIEW_CONFLICT, NULL);
}

struct decision {
	const char *id, *actor, *reason; /* reason: a rejection's */
};

/* The change of an approval (see enterprise_certification_approve_tx). */
static int approve_tx(svc_ctx *ctx, void *arg)
{
	const struct decision *d = arg;
	return enterprise_certification_approve_tx(ctx, d->id, "{submitted}", d->actor, "review");
}

/* The change of a rejection: submitted -> rejected with the reason, audit and event. */
static int reject_tx(svc_ctx *ctx, void *arg)
{
	const struct decision *d = arg;
	PGresult *r = NULL;
	const char *v[] = {d->id, d->reason, d->actor};
	int rv = change_guard(ctx, ST_CERT_DECIDED, NULL,
	                      "UPDATE certifications SET state = 'rejected', reject_reason = $2, "
	                      "decided_by = $3, decided_at = now(), updated_at = now() WHERE id = "
	                      "$1 AND state = 'submitted' RETURNING applicant_id, uscc, "
	                      "enterprise_name",
	                      3, v, &r);
	if (rv != ST_OK)
		return rv;
	Enterprise__CertificationEvent ev = ENTERPRISE__CERTIFICATION_EVENT__INIT;
	ev.certification_id = (char *)d->id;
	ev.applicant_id = PQgetvalue(r, 0, 0);
	ev.uscc = PQgetvalue(r, 0, 1);
	ev.enterprise_name = PQgetvalue(r, 0, 2);
	ev.reason = (char *)d->reason;
	/* The reason is the operator's words about the application: kept with the decision. */
	rv = enterprise_certification_record(ctx, d->actor, d->id,
	                                     "enterprise.certification.rejected",
	                                     json_pack("{s:s}", "reason", d->reason), &ev);
	PQclear(r);
	return rv;
}

int enterprise_review_approve(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__CertificationRef *in = (const Enterprise__CertificationRef *)in_;
	Enterprise__CertificationApplication *c = NULL;
	char actor[64];
	int rv;
	if ((rv = review_caller(ctx, actor)) != ST_OK ||
	    (rv = review_load(ctx, in->id, &c)) != ST_OK ||
	    (rv = review_no_conflict(ctx, in->id)) != ST_OK)
		return rv;
	struct decision d = {in->id, actor, NULL};
	if ((rv = change_run(ctx, approve_tx, &d)) != ST_OK)
		return rv;
	if ((rv = review_load(ctx, in->id, &c)) != ST_OK)
		return rv;
	*out = &c->base;
	return ST_OK;
}

int enterprise_review_reject(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__RejectCertificationRequest *in =
	        (const Enterprise__RejectCertificationRequest *)in_;
	Enterprise__CertificationApplication *c = NULL;
	char actor[64];
	int rv;

	if ((rv = review_caller(ctx, actor)) != ST_OK ||
	    (rv = review_load(ctx, in->id, &c)) != ST_OK ||
	    (rv = review_no_conflict(ctx, in->id)) != ST_OK)
		return rv;
	const char *reason = in->reason;
	while (reason && (*reason == ' ' || *reason == '\n' || *reason == '\t'))
		reason++;
	if (!reason || !*reason)
		return status_err(ST_REJECT_REASON_REQUIRED, "reason");
	/* Multi-line: a reviewer may list what is missing, one item a line. */
	if ((rv = validate_text_lines(reason, REASON_MAX_CHARS)) != 0)
		return status_err(rv == ST_TEXT_TOO_LONG ? ST_REJECT_REASON_TOO_LONG : rv,
		                  "reason");
	struct decision d = {in->id, actor, reason};
	if ((rv = change_run(ctx, reject_tx, &d)) != ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, "certification rejected", "certification_id", in->id,
	       NULL);
	if ((rv = review_load(ctx, in->id, &c)) != ST_OK)
		return rv;
	*out = &c->base;
	return ST_OK;
}
