/*
 * 企业认证, what is shown: the application as the applicant and reviewers see it (form
 * with masked numbers, region and industry names, files, what submission still needs,
 * the latest legal-rep check), who may see it, and the applicant's own list.
 */
#include "certification.h"

#include "audit.h"
#include "dblist.h"
#include "dbrow.h"
#include "enterprise.h"
#include "events.h"
#include "files.h"
#include "log.h"
#include "members.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "registry.h"

/* The instants of the view (clang-format cannot lay out DBROW_CST() calls inside a long list). */
#define C_CREATED   DBROW_CST("c.created_at")
#define C_UPDATED   DBROW_CST("c.updated_at")
#define C_SUBMITTED DBROW_CST("c.submitted_at")
#define C_DECIDED   DBROW_CST("c.decided_at")
#define C_K_CREATED DBROW_CST("k.created_at")

/* The columns of the view, in the order cert_view() reads them. */
#define C_COLS                                                                                     \
	"c.id, c.state, c.uscc, c.enterprise_name, c.registry_status, c.registered_capital_fen, "  \
	"c.legal_rep_name, c.legal_rep_id_masked, c.legal_rep_phone_masked, c.region_code, "       \
	"concat_ws('', r1.name, r2.name, r3.name, r4.name), c.industry, c.address, "               \
	"c.contact_name, c.contact_phone_masked, c.contact_position, c.contact_email, "            \
	"c.referring_institution, c.reject_reason, c.enterprise_id, c.approval_method, " C_CREATED \
	", " C_UPDATED ", " C_SUBMITTED ", " C_DECIDED ", c.applicant_id, "                        \
	"c.decided_by, k.method, k.state, k.face_url, k.phone_masked, k.bank_card_masked, "        \
	"k.failed_factor, k.failure_reason, " C_K_CREATED

/* The region's names from the province down, and the latest legal-rep check. */
#define C_FROM                                                                                     \
	" FROM certifications c"                                                                   \
	" LEFT JOIN regions r4 ON r4.code = c.region_code"                                         \
	" LEFT JOIN regions r3 ON r3.code = r4.parent"                                             \
	" LEFT JOIN regions r2 ON r2.code = r3.parent"                                             \
	" LEFT JOIN regions r1 ON r1.code = r2.parent"                                             \
	" LEFT JOIN LATERAL (SELECT * FROM legal_rep_checks x WHERE x.certification_id = c.id"     \
	" AND x.state <> 'superseded' ORDER BY x.created_at DESC LIMIT 1) k ON true"

/* ---- the view --------------------------------------------------------------------- */

/* What submission needs, in order: the required fields, then the files. */
static const struct {
	const char *field;
	int col; /* in C_COLS */
} cert_required[] = {
        {"enterprise_name", 3}, {"registered_capital_fen", 5},
        {"legal_rep_name", 6},  {"legal_rep_id_number", 7},
        {"legal_rep_phone", 8}, {"region_code", 9},
        {"industry", 11},       {"address", 12},
        {"contact_name", 13},   {"contact_phone", 14},
        {"contact_email", 16},
};

static Enterprise__CertificationApplication *cert_view(svc_ctx *ctx, const PGresult *r, int row,
                                                       int reviewer)
{
	arena *a = ctx->arena;
	Enterprise__CertificationApplication *c = arena_alloc(a, sizeof *c);
	enterprise__certification_application__init(c);
	c->id = dbrow_text(a, r, row, 0);
	c->state = dbrow_text(a, r, row, 1);
	c->uscc = dbrow_text(a, r, row, 2);
	c->enterprise_name = dbrow_text(a, r, row, 3);
	c->registry_status = dbrow_text(a, r, row, 4);
	if (!PQgetisnull(r, row, 5)) {
		c->has_registered_capital_fen = 1;
		c->registered_capital_fen = strtoll(PQgetvalue(r, row, 5), NULL, 10);
	}
	c->legal_rep_name = dbrow_text(a, r, row, 6);
	c->legal_rep_id_number_masked = dbrow_text(a, r, row, 7);
	c->legal_rep_phone_masked = dbrow_text(a, r, row, 8);
	c->region_code = dbrow_text(a, r, row, 9);
	c->region_name = c->region_code ? dbrow_text(a, r, row, 10) : NULL;
	c->industry = dbrow_text(a, r, row, 11);
	c->industry_name = (char *)registry_industry_name(c->industry);
	c->address = dbrow_text(a, r, row, 12);
	c->contact_name = dbrow_text(a, r, row, 13);
	c->contact_phone_masked = dbrow_text(a, r, row, 14);
	c->contact_position = dbrow_text(a, r, row, 15);
	c->contact_email = dbrow_text(a, r, row, 16);
	c->referring_institution = dbrow_text(a, r, row, 17);
	c->reject_reason = dbrow_text(a, r, row, 18);
	c->enterprise_id = dbrow_text(a, r, row, 19);
	c->approval_method = dbrow_text(a, r, row, 20);
	c->created_at = dbrow_text(a, r, row, 21);
	c->updated_at = dbrow_text(a, r, row, 22);
	c->submitted_at = dbrow_text(a, r, row, 23);
	c->decided_at = dbrow_text(a, r, row, 24);
	if (reviewer) {
		c->applicant_id = dbrow_text(a, r, row, 25);
		c->decided_by = dbrow_text(a, r, row, 26);
	}
	if (!PQgetisnull(r, row, 27)) {
		Enterprise__LegalRepCheck *k = arena_alloc(a, sizeof *k);
		enterprise__legal_rep_check__init(k);
		k->method = dbrow_text(a, r, row, 27);
		k->state = dbrow_text(a, r, row, 28);
		int pending = strcmp(k->state, "pending") == 0,
		    face = strcmp(k->method, "face") == 0;
		k->next_step = arena_strdup(a, !pending ? "" : face ? "face" : "sms");
		if (pending && face)
			k->face_url = dbrow_text(a, r, row, 29);
		k->phone_masked = dbrow_text(a, r, row, 30);
		k->bank_card_masked = dbrow_text(a, r, row, 31);
		k->failed_factor = dbrow_text(a, r, row, 32);
		k->failure_reason = dbrow_text(a, r, row, 33);
		k->created_at = dbrow_text(a, r, row, 34);
		c->legal_rep_check = k;
	}
	return c;
}

/* The files of c and, while it may still change, what submission still needs. */
static int cert_view_files(svc_ctx *ctx, Enterprise__CertificationApplication *c)
{
	PGresult *r = NULL;
	const char *v[] = {c->id};
	int rv = db_exec(ctx->db,
	                 "SELECT cf.kind, " ENTERPRISE_FILE_COLS ", " DBROW_CST(
	                         "cf.uploaded_at") " FROM certification_files cf JOIN files f ON "
	                                           "f.id = cf.file_id"
	                                           " WHERE cf.certification_id = $1 ORDER BY "
	                                           "array_position(ARRAY["
	                                           "'business_licence', 'legal_rep_id_front', "
	                                           "'legal_rep_id_back', "
	                                           "'authorization_letter'], cf.kind)",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(r), have[ENTERPRISE_CERT_KINDS] = {0};
	c->files = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *c->files);
	for (int i = 0; i < n; i++) {
		Enterprise__CertificationFile *cf = arena_alloc(ctx->arena, sizeof *cf);
		enterprise__certification_file__init(cf);
		cf->kind = dbrow_text(ctx->arena, r, i, 0);
		cf->file = enterprise_file_info_from_row(ctx, r, i, 1);
		cf->uploaded_at = dbrow_text(ctx->arena, r, i, 6);
		c->files[c->n_files++] = cf;
		int k = enterprise_cert_kind_index(cf->kind);
		if (k >= 0)
			have[k] = 1;
	}
	PQclear(r);
	if (!enterprise_cert_allows(c->state, ENTERPRISE_CERT_EDIT))
		return ST_OK;
	size_t max = sizeof cert_required / sizeof cert_required[0] + ENTERPRISE_CERT_KINDS;
	c->missing = arena_alloc(ctx->arena, max * sizeof *c->missing);
	const char *present[] = {
	        c->enterprise_name,
	        c->has_registered_capital_fen ? "" : NULL,
	        c->legal_rep_name,
	        c->legal_rep_id_number_masked,
	        c->legal_rep_phone_masked,
	        c->region_code,
	        c->industry,
	        c->address,
	        c->contact_name,
	        c->contact_phone_masked,
	        c->contact_email,
	};
	for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
		if (!present[i])
			c->missing[c->n_missing++] = (char *)cert_required[i].field;
	for (int k = 0; k < ENTERPRISE_CERT_KINDS; k++)
		if (!have[k])
			c->missing[c->n_missing++] = (char *)enterprise_cert_kinds[k];
	return ST_OK;
}

int enterprise_certification_load(svc_ctx *ctx, const char *id, int reviewer,
                                  Enterprise__CertificationApplication **out)
{
	PGresult *r = NULL;
	const char *v[] = {id};
	int rv = db_exec(ctx->db, "SELECT " C_COLS C_FROM " WHERE c.id = $1", 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, NULL);
	}
	Enterprise__CertificationApplication *c = cert_view(ctx, r, 0, reviewer);
	PQclear(r);
	if ((rv = cert_view_files(ctx, c)) != ST_OK)
		return rv;
	*out = c;
	return ST_OK;
}

int enterprise_certification_missing(svc_ctx *ctx, const char *id, int with_files)
{
	Enterprise__CertificationApplication *c = NULL;
	int rv = enterprise_certification_load(ctx, id, 0, &c);
	if (rv != ST_OK)
		return rv;
	for (size_t i = 0; i < c->n_missing; i++) {
		int file = enterprise_cert_kind_index(c->missing[i]) >= 0;
		if (file && !with_files)
			continue;
		return status_err(file ? enterprise_cert_kind_missing(c->missing[i])
		                       : ST_FIELD_REQUIRED,
		                  c->missing[i]);
	}
	return ST_OK;
}

/* ---- visibility ----------------------------------------------------------------------- */

int enterprise_certification_own(svc_ctx *ctx, const char *id, const char *pid, char state_out[16],
                                 char uscc_out[24])
{
	PGresult *r = NULL;
	if (!validate_uuid(id))
		return status_err(ST_NOT_FOUND, NULL);
	const char *v[] = {id, pid};
	int rv = db_exec(
	        ctx->db,
	        "SELECT state, uscc FROM certifications WHERE id = $1 AND applicant_id = $2", 2, v,
	        &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, NULL);
	}
	snprintf(state_out, 16, "%s", PQgetvalue(r, 0, 0));
	if (uscc_out)
		snprintf(uscc_out, 24, "%s", PQgetvalue(r, 0, 1));
	PQclear(r);
	return ST_OK;
}

int enterprise_certification_visible(svc_ctx *ctx, const char *id)
{
	const char *pid = NULL;
	PGresult *r = NULL;
	int rv;
	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if (!validate_uuid(id))
		return status_err(ST_NOT_FOUND, NULL);
	const char *reviewer = caller_has_role(ctx, "reviewer") ? "true" : "false";
	const char *v[] = {id, pid, reviewer};
	rv = db_exec(ctx->db,
	             "SELECT 1 FROM certifications c WHERE c.id = $1 AND (c.applicant_id = $2"
	             " OR ($3::bool AND c.state <> 'draft')"
	             " OR (c.enterprise_id IS NOT NULL AND EXISTS (SELECT 1 FROM memberships m"
	             " WHERE m.enterprise_id = c.enterprise_id AND m.person_id = $2"
	             " AND m.role = 'admin' AND m.state = 'active')))",
	             3, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int ok = PQntuples(r) == 1;
	PQclear(r);
	return ok ? ST_OK : status_err(ST_NOT_FOUND, NULL);
}

/* ---- the applicant's views ------------------------------------------------------------ */

int enterprise_certification_get(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__CertificationRef *in = (const Enterprise__CertificationRef *)in_;
	const char *pid = NULL;
	Enterprise__CertificationApplication *c = NULL;
	char state[16];
	int rv;
	if ((rv = caller_person(ctx, &pid)) != ST_OK ||
	    (rv = enterprise_certification_own(ctx, in->id, pid, state, NULL)) != ST_OK ||
	    (rv = enterprise_certification_load(ctx, in->id, 0, &c)) != ST_OK)
		return rv;
	*out = &c->base;
	return ST_OK;
}

static ProtobufCMessage *cert_view_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &cert_view(ctx, r, row, 0)->base;
}

int enterprise_certifications_mine(svc_ctx *ctx, const ProtobufCMessage *in_,
                                   ProtobufCMessage **out)
{
	const Enterprise__ListCertificationsRequest *in =
	        (const Enterprise__ListCertificationsRequest *)in_;
	const char *pid = NULL;
	dblist_page pg;
	int rv;
	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if ((rv = dblist_page_init(in->has_page, in->page, in->has_page_size, in->page_size,
	                           &pg)) != ST_OK)
		return rv;
	const char *v[] = {pid, pg.limit, pg.offset};
	return dblist_query(
	        ctx, &enterprise__list_certifications_response__descriptor, &pg,
	        "SELECT count(*) FROM certifications WHERE applicant_id = $1", 1,
	        "SELECT " C_COLS C_FROM " WHERE c.applicant_id = $1"
	        " ORDER BY c.created_at DESC, c.id DESC LIMIT $2::int OFFSET $3::bigint",
	        3, v, cert_view_row, NULL, out);
}
