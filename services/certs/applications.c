/*
 * Certificate applications (申请单), the applicant's side: a person for themself (real-name
 * verified) or a member of a certified enterprise for it. Create (the subject from the
 * registry, the CSR checked against it), list, detail, edit and delete while 待审核 (an
 * edit of a 已驳回 one resubmits it); materials and the PKCS#12 are applications_files.c's.
 * Outside the enterprise, or another person's application: 404.
 */
#include "applications.h"

#include "blobs.h"
#include "caller.h"
#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "enterprise.pb-c.h"
#include "enterprise_members.pb-c.h"
#include "accounts.pb-c.h"
#include "status.h"
#include "validate.h"

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <stdlib.h>
#include <string.h>

#define AAD_NAME    "certs.cert_applications.contact_name"
#define AAD_PHONE   "certs.cert_applications.contact_phone"
#define AAD_EMAIL   "certs.cert_applications.contact_email"
#define AAD_ADDRESS "certs.cert_applications.address"
#define AAD_P12PW   "certs.cert_applications.p12_password"

/* certorders: a column of the open or paid order holding application a. */
#define APPLICATIONS_ORDER(col)                                                                    \
	"(SELECT " col " FROM cert_order_lines l JOIN cert_orders o ON o.id = l.order_id"          \
	" WHERE l.application_id = a.id AND l.open LIMIT 1)"

const char applications_cols[] =
        "a.id::text, a.no, a.profile, a.kind, a.renews_serial, a.medium, a.algorithm,"
        " a.validity_years, a.agreement_version, a.state, a.enterprise_id::text,"
        " a.applicant_id::text, a.subject_name, a.subject_code_masked, a.contact_name_masked,"
        " a.contact_phone_masked, a.contact_email_masked, a.address_masked, a.key_source,"
        " a.csr IS NOT NULL, a.p12_password_enc IS NOT NULL, a.reject_reason, a.carrier,"
        " a.tracking_no, a.certificate_serial,"
        " (SELECT to_char(c.not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        "  FROM certificates c WHERE c.serial = a.certificate_serial),"
        " a.pkcs12_sealed IS NOT NULL,"
        " to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " " APPLICATIONS_ORDER("o.id::text") ", " APPLICATIONS_ORDER("o.no") ","
                                                                             " " APPLICATIONS_ORDER(
                                                                                     "o.state");

static const char *const state_labels[][2] = {
        {"pending", "待审核"},  {"accepted", "申请受理中"}, {"issued", "已制证"},
        {"ready", "可领取"},    {"shipped", "已寄出"},      {"completed", "已完成"},
        {"rejected", "已驳回"},
};

static char *opt_text(svc_ctx *ctx, const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : dbrow_text(ctx->arena, r, row, col);
}

Certs__Application *applications_row(svc_ctx *ctx, const PGresult *r, int i)
{
	Certs__Application *o = arena_alloc(ctx->arena, sizeof *o);
	certs__application__init(o);
	o->id = opt_text(ctx, r, i, 0);
	o->no = opt_text(ctx, r, i, 1);
	o->profile = opt_text(ctx, r, i, 2);
	o->kind = opt_text(ctx, r, i, 3);
	o->renews_serial = opt_text(ctx, r, i, 4);
	o->medium = opt_text(ctx, r, i, 5);
	o->algorithm = opt_text(ctx, r, i, 6);
	o->has_validity_years = 1;
	o->validity_years = (int32_t)strtol(PQgetvalue(r, i, 7), NULL, 10);
	o->agreement_version = opt_text(ctx, r, i, 8);
	o->state = opt_text(ctx, r, i, 9);
	for (size_t k = 0; k < sizeof state_labels / sizeof state_labels[0]; k++)
		if (strcmp(o->state, state_labels[k][0]) == 0)
			o->state_label = (char *)state_labels[k][1];
	o->enterprise_id = opt_text(ctx, r, i, 10);
	o->applicant_id = opt_text(ctx, r, i, 11);
	o->subject_name = opt_text(ctx, r, i, 12);
	o->subject_code_masked = opt_text(ctx, r, i, 13);
	o->contact_name_masked = opt_text(ctx, r, i, 14);
	o->contact_phone_masked = opt_text(ctx, r, i, 15);
	o->contact_email_masked = opt_text(ctx, r, i, 16);
	o->mailing_address_masked = opt_text(ctx, r, i, 17);
	o->key_source = opt_text(ctx, r, i, 18);
	o->has_has_csr = o->has_pkcs12_password_set = o->has_pkcs12_available = 1;
	o->has_csr = PQgetvalue(r, i, 19)[0] == 't';
	o->pkcs12_password_set = PQgetvalue(r, i, 20)[0] == 't';
	o->reject_reason = opt_text(ctx, r, i, 21);
	o->carrier = opt_text(ctx, r, i, 22);
	o->tracking_no = opt_text(ctx, r, i, 23);
	o->certificate_serial = opt_text(ctx, r, i, 24);
	o->certificate_not_after = opt_text(ctx, r, i, 25);
	o->pkcs12_available = PQgetvalue(r, i, 26)[0] == 't';
	o->created_at = opt_text(ctx, r, i, 27);
	o->updated_at = opt_text(ctx, r, i, 28);
	o->order_id = opt_text(ctx, r, i, 29);
	o->order_no = opt_text(ctx, r, i, 30);
	o->order_state = opt_text(ctx, r, i, 31);
	return o;
}

int applications_materials(svc_ctx *ctx, Certs__Application *o)
{
	PGresult *r = NULL;
	const char *v[] = {o->id};
	int rv = db_exec(
	        ctx->db,
	        "SELECT kind, id::text, name, content_type, size, sha256 FROM cert_app_files"
	        " WHERE application_id = $1::uuid ORDER BY kind",
	        1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(r);
	o->materials = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *o->materials);
	for (int i = 0; i < n; i++) {
		Certs__ApplicationMaterial *m = arena_alloc(ctx->arena, sizeof *m);
		certs__application_material__init(m);
		m->kind = dbrow_text(ctx->arena, r, i, 0);
		Files__FileInfo *f = arena_alloc(ctx->arena, sizeof *f);
		files__file_info__init(f);
		f->id = dbrow_text(ctx->arena, r, i, 1);
		f->name = dbrow_text(ctx->arena, r, i, 2);
		f->content_type = dbrow_text(ctx->arena, r, i, 3);
		f->has_size = 1;
		f->size = strtoll(PQgetvalue(r, i, 4), NULL, 10);
		f->sha256 = dbrow_text(ctx->arena, r, i, 5);
		m->file = f;
		o->materials[o->n_materials++] = m;
	}
	PQclear(r);
	return ST_OK;
}

int applications_subject_of(svc_ctx *ctx, const char *enterprise_id, const char *person_id,
                            applications_subject *s)
{
	struct certs_app *app = CERTS_APP(ctx);
	ProtobufCMessage *out = NULL;
	int rv;
	if (enterprise_id) {
		Enterprise__GetEnterpriseRequest q = ENTERPRISE__GET_ENTERPRISE_REQUEST__INIT;
		q.id = (char *)enterprise_id;
		if ((rv = bus_call(app->enterprise, "GetEnterprise", ctx->caller,
		                   bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS,
		                                       BUS_CALL_MAX_MS),
		                   &q.base, &enterprise__enterprise_info__descriptor, ctx->arena,
		                   &out)) != ST_OK)
			return rv == ST_NOT_FOUND
			               ? status_err(ST_CERTAPP_NOT_CERTIFIED, "enterprise")
			               : rv;
		Enterprise__EnterpriseInfo *e = (Enterprise__EnterpriseInfo *)out;
		if (!e->name || !e->uscc)
			return status_err(ST_CERTAPP_NOT_CERTIFIED, "enterprise");
		s->name = e->name;
		s->code = e->uscc;
		s->code_masked = e->uscc; /* a USCC is public (the registry shows it) */
		return ST_OK;
	}
	Accounts__GetCertSubjectRequest q = ACCOUNTS__GET_CERT_SUBJECT_REQUEST__INIT;
	q.person_id = (char *)person_id;
	if ((rv = bus_call(app->accounts, "GetCertSubject", ctx->caller,
	                   bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                   &q.base, &accounts__cert_subject__descriptor, ctx->arena, &out)) !=
	    ST_OK)
		return rv;
	Accounts__CertSubject *p = (Accounts__CertSubject *)out;
	if (!p->verified || !p->name || !p->id_number)
		return status_err(ST_CERTAPP_NOT_VERIFIED, "person");
	s->name = p->name;
	s->code = p->id_number;
	s->code_masked = p->id_number_masked ? p->id_number_masked : "";
	return ST_OK;
}

int applications_record(svc_ctx *ctx, const char *actor, const Certs__Application *o,
                        const char *action, json_t *detail)
{
	Certs__ApplicationEvent e = CERTS__APPLICATION_EVENT__INIT;
	e.application_id = o->id;
	e.no = o->no;
	e.state = o->state;
	e.applicant_id = o->applicant_id;
	e.enterprise_id = o->enterprise_id;
	e.reason = o->reject_reason;
	e.certificate_serial = o->certificate_serial;
	e.carrier = o->carrier;
	e.tracking_no = o->tracking_no;
	change_event ev = {arena_printf(ctx->arena, "certs.application.%s", o->state), NULL,
	                   &e.base};
	return change_record(ctx, actor,
	                     arena_printf(ctx->arena, "certificate_application/%s", o->id), action,
	                     detail, &ev);
}

/* ---- the caller's scope ------------------------------------------------------------- */

int applications_scope_of(svc_ctx *ctx, int enterprise, applications_scope *s)
{
	const char *claim;
	ProtobufCMessage *out = NULL;
	int rv = caller_person(ctx, &s->pid);
	if (rv != ST_OK)
		return rv;
	s->enterprise = enterprise;
	s->actor = arena_printf(ctx->arena, "person:%s", s->pid);
	s->eid = NULL;
	if (!enterprise)
		return ST_OK;
	if (!(claim = caller_enterprise_claim(ctx)))
		return status_err(ST_CERTAPP_NOT_CERTIFIED, "enterprise");
	Enterprise__ReadinessRequest q = ENTERPRISE__READINESS_REQUEST__INIT;
	q.enterprise_id = (char *)claim;
	q.person_id = (char *)s->pid;
	if ((rv = bus_call(CERTS_APP(ctx)->enterprise, "Readiness", ctx->caller,
	                   bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                   &q.base, &enterprise__readiness_report__descriptor, ctx->arena, &out)) !=
	    ST_OK)
		return rv;
	Enterprise__ReadinessReport *r = (Enterprise__ReadinessReport *)out;
	if (!r->member)
		return status_err(ST_NOT_FOUND, NULL);
	if (!r->certified)
		return status_err(ST_CERTAPP_NOT_CERTIFIED, "enterprise");
	s->eid = claim;
	return ST_OK;
}

/* The scope's condition over $2 for table alias a. */
const char *applications_scope_sql(const applications_scope *s)
{
	return s->enterprise ? "a.enterprise_id = $2::uuid"
	                     : "a.applicant_id = $2::uuid AND a.enterprise_id IS NULL";
}

int applications_load(svc_ctx *ctx, const applications_scope *s, const char *id, int lock,
                      Certs__Application **o)
{
	PGresult *r = NULL;
	if (!id || !validate_uuid(id))
		return status_err(ST_CERTAPP_NOT_FOUND, "id");
	const char *v[] = {id, s ? (s->enterprise ? s->eid : s->pid) : NULL};
	int rv = change_exec(ctx,
	                     arena_printf(ctx->arena,
	                                  "SELECT %s FROM cert_applications a WHERE a.id = $1::uuid"
	                                  "%s%s%s",
	                                  applications_cols, s ? " AND " : "",
	                                  s ? applications_scope_sql(s) : "",
	                                  lock ? " FOR UPDATE" : ""),
	                     s ? 2 : 1, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_CERTAPP_NOT_FOUND, "id");
	}
	*o = applications_row(ctx, r, 0);
	PQclear(r);
	return ST_OK;
}

/* ---- the form ------------------------------------------------------------------------ */

/* The form as it will be stored: the old values (edit) under the request's. */
typedef struct form {
	const char *kind, *renews, *medium, *algorithm, *agreement, *key_source, *csr, *p12pw;
	int years;
	const char *name, *phone, *email, *address; /* NULL on an edit: keep */
	int has_address_old, has_p12pw_old;
	char spki[65];
} form;

static int seal(svc_ctx *ctx, const char *plain, const char *aad, unsigned char **out, size_t *len)
{
	if (crypto_seal(&CERTS_APP(ctx)->pii, plain, strlen(plain), aad, out, len) != 0)
		return status_err(ST_INTERNAL, NULL);
	return ST_OK;
}

int applications_one_of(const char *v, const char *const *set)
{
	for (; v && *set; set++)
		if (strcmp(v, *set) == 0)
			return 1;
	return 0;
}

/* The CN (and O, when present) of the CSR's subject must be the registry's name; an
 * identifier typed into it must be the registry's too: organizationIdentifier the USCC
 * (enterprise), serialNumber the ID number (personal), neither on the other profile. One
 * CSR only: a second one in the text would be what nobody checked. */
static int csr_subject_check(const char *csr, const applications_subject *subj, int enterprise)
{
	const char *first = strstr(csr, "-----BEGIN");
	if (first && strstr(first + 1, "-----BEGIN"))
		return status_err(ST_CERT_CSR_INVALID, "csr");
	BIO *b = BIO_new_mem_buf(csr, -1);
	X509_REQ *req = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	int rv = ST_OK;
	BIO_free(b);
	if (!req)
		return status_err(ST_CERT_CSR_INVALID, "csr");
	X509_NAME *n = X509_REQ_get_subject_name(req);
	const struct {
		int nid;
		const char *want; /* NULL: must be absent */
		int required;
	} rules[] = {
	        {NID_commonName, subj->name, 1},
	        {NID_organizationName, subj->name, 0},
	        {NID_organizationIdentifier, enterprise ? subj->code : NULL, 0},
	        {NID_serialNumber, enterprise ? NULL : subj->code, 0},
	};
	for (size_t k = 0; k < sizeof rules / sizeof rules[0] && rv == ST_OK; k++) {
		int i = X509_NAME_get_index_by_NID(n, rules[k].nid, -1);
		if (i < 0) {
			if (rules[k].required)
				rv = status_err(ST_CERTAPP_SUBJECT, "csr");
			continue;
		}
		const char *want = rules[k].want;
		unsigned char *u = NULL;
		int len = ASN1_STRING_to_UTF8(&u,
		                              X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
		if (!want || len < 0 || (size_t)len != strlen(want) ||
		    memcmp(u, want, (size_t)len) != 0)
			rv = status_err(ST_CERTAPP_SUBJECT, "csr");
		OPENSSL_free(u);
	}
	X509_REQ_free(req);
	return rv;
}

static const char *const kinds[] = {"new", "renewal", NULL};
static const char *const media[] = {"usbkey", "cloud", "software", NULL};

/* The whole form's rules; subject is the registry's (the CSR's subject must match it). */
static int form_check(svc_ctx *ctx, const applications_scope *s, form *f,
                      const applications_subject *subj)
{
	int rv;
	if (!applications_one_of(f->kind, kinds))
		return status_err(f->kind ? ST_CERTAPP_KIND : ST_FIELD_REQUIRED, "kind");
	if (!applications_one_of(f->medium, media))
		return status_err(f->medium ? ST_CERTAPP_MEDIUM : ST_FIELD_REQUIRED, "medium");
	if (!f->algorithm || ca_alg_parse(f->algorithm) < 0)
		return status_err(f->algorithm ? ST_CERT_ALGORITHM : ST_FIELD_REQUIRED,
		                  "algorithm");
	if (f->years < 1 || f->years > 3)
		return status_err(ST_CERT_VALIDITY, "validity_years");
	if (!f->key_source)
		f->key_source = strcmp(f->medium, "cloud") == 0 ? "server" : "csr";
	int server = strcmp(f->key_source, "server") == 0;
	if ((!server && strcmp(f->key_source, "csr") != 0) ||
	    (server && strcmp(f->medium, "usbkey") == 0) ||
	    (!server && strcmp(f->medium, "cloud") == 0))
		return status_err(ST_CERTAPP_KEY_SOURCE, "key_source");
	if (server)
		f->csr = NULL;
	if (server && strcmp(f->medium, "software") == 0) {
		if (!f->p12pw && !f->has_p12pw_old)
			return status_err(ST_FIELD_REQUIRED, "pkcs12_password");
		if (f->p12pw && (strlen(f->p12pw) < 8 || strlen(f->p12pw) > 64))
			return status_err(ST_CERTAPP_PASSWORD, "pkcs12_password");
	} else
		f->p12pw = NULL;
	if (strcmp(f->medium, "usbkey") == 0 && !f->address && !f->has_address_old)
		return status_err(ST_CERTAPP_ADDRESS, "mailing_address");
	if (strcmp(f->kind, "renewal") != 0)
		f->renews = NULL;
	else {
		if (!f->renews || !*f->renews)
			return status_err(ST_FIELD_REQUIRED, "renews_serial");
		PGresult *r = NULL;
		const char *v[] = {f->renews, s->enterprise ? s->eid : s->pid};
		if ((rv = change_exec(
		             ctx,
		             s->enterprise ? "SELECT 1 FROM certificates WHERE serial = $1"
		                             " AND holder_enterprise_id = $2 AND revoked_at IS NULL"
		                           : "SELECT 1 FROM certificates WHERE serial = $1"
		                             " AND holder_account_id = $2 AND holder_enterprise_id"
		                             " IS NULL AND revoked_at IS NULL",
		             2, v, &r)) != ST_OK)
			return rv;
		int ok = PQntuples(r) == 1;
		PQclear(r);
		if (!ok)
			return status_err(ST_CERTAPP_RENEWS, "renews_serial");
	}
	if (!server) {
		EVP_PKEY *pub = NULL;
		if (!f->csr || !*f->csr)
			return status_err(ST_FIELD_REQUIRED, "csr");
		if ((rv = ca_csr_check((ca_alg)ca_alg_parse(f->algorithm),
		                       (const unsigned char *)f->csr, strlen(f->csr), &pub)) !=
		    ST_OK)
			return rv;
		rv = ca_spki_sha256(pub, f->spki);
		EVP_PKEY_free(pub);
		if (rv != ST_OK)
			return rv;
		if ((rv = csr_subject_check(f->csr, subj, s->enterprise)) != ST_OK)
			return rv;
		PGresult *r = NULL;
		const char *v[] = {f->spki};
		if ((rv = change_exec(ctx, "SELECT 1 FROM certificates WHERE spki_sha256 = $1", 1,
		                      v, &r)) != ST_OK)
			return rv;
		int used = PQntuples(r) > 0;
		PQclear(r);
		if (used)
			return status_err(ST_CERT_KEY_REUSED, "csr");
	}
	return ST_OK;
}

/* The personal fields of the request: checked, then sealed and masked into vals. */
typedef struct sealed {
	unsigned char *buf[5];
	size_t len[5];
	char masked[4][200];
} sealed;

static void sealed_free(sealed *z)
{
	for (int i = 0; i < 5; i++)
		free(z->buf[i]);
}

static int contact_check(const Certs__ApplicationForm *q, int create)
{
	int rv;
	if (create && (!q->contact_name || !*q->contact_name))
		return status_err(ST_FIELD_REQUIRED, "contact_name");
	if (q->contact_name && (rv = validate_person_name(q->contact_name)) != 0)
		return status_err(rv, "contact_name");
	if (create && (!q->contact_phone || !*q->contact_phone))
		return status_err(ST_FIELD_REQUIRED, "contact_phone");
	if (q->contact_phone && (rv = validate_mobile(q->contact_phone)) != 0)
		return status_err(rv, "contact_phone");
	if (q->contact_email && *q->contact_email && (rv = validate_email(q->contact_email)) != 0)
		return status_err(rv, "contact_email");
	if (q->mailing_address && (rv = validate_text(q->mailing_address, 200)) != 0)
		return status_err(rv, "mailing_address");
	if (q->agreement_version && (rv = validate_text(q->agreement_version, 32)) != 0)
		return status_err(rv, "agreement_version");
	return ST_OK;
}

static int contact_seal(svc_ctx *ctx, const form *f, sealed *z)
{
	const char *plain[] = {f->name, f->phone, f->email, f->address, f->p12pw};
	const char *aad[] = {AAD_NAME, AAD_PHONE, AAD_EMAIL, AAD_ADDRESS, AAD_P12PW};
	int rv;
	for (int i = 0; i < 5; i++)
		if (plain[i] && *plain[i] &&
		    (rv = seal(ctx, plain[i], aad[i], &z->buf[i], &z->len[i])) != ST_OK)
			return rv;
	if (f->name)
		validate_mask_middle(f->name, 1, 0, z->masked[0], sizeof z->masked[0]);
	if (f->phone)
		validate_mask_mobile(f->phone, z->masked[1]);
	if (f->email && *f->email)
		validate_mask_email(f->email, z->masked[2], sizeof z->masked[2]);
	if (f->address && *f->address)
		validate_mask_middle(f->address, 6, 0, z->masked[3], sizeof z->masked[3]);
	return ST_OK;
}

/* ---- create ---------------------------------------------------------------------------- */

struct create {
	const applications_scope *s;
	form f;
	applications_subject subj;
	sealed z;
	Certs__Application *o;
};

static int create_tx(svc_ctx *ctx, void *arg)
{
	struct create *c = arg;
	form *f = &c->f;
	sealed *z = &c->z;
	PGresult *r = NULL;
	int rv = form_check(ctx, c->s, f, &c->subj);
	if (rv != ST_OK)
		return rv;
	if ((rv = contact_seal(ctx, f, z)) != ST_OK)
		return rv;
	if ((rv = change_query(
	             ctx,
	             "INSERT INTO cert_app_numbers AS n (day, last)"
	             " VALUES ((now() AT TIME ZONE 'Asia/Shanghai')::date, 1)"
	             " ON CONFLICT (day) DO UPDATE SET last = n.last + 1"
	             " WHERE n.last < 999999"
	             " RETURNING 'CA' || to_char(day, 'YYYYMMDD') || lpad(last::text, 6, '0')",
	             0, NULL, NULL, NULL, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_CERTAPP_DAILY_FULL, NULL);
	}
	const char *no = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	char years[8];
	snprintf(years, sizeof years, "%d", f->years);
	const char *v[] = {no,
	                   c->s->enterprise ? "enterprise" : "personal",
	                   f->kind,
	                   f->renews,
	                   f->medium,
	                   f->algorithm,
	                   years,
	                   f->agreement,
	                   c->s->eid,
	                   c->s->pid,
	                   c->subj.name,
	                   c->subj.code_masked,
	                   (const char *)z->buf[0],
	                   z->masked[0],
	                   (const char *)z->buf[1],
	                   z->masked[1],
	                   (const char *)z->buf[2],
	                   z->buf[2] ? z->masked[2] : NULL,
	                   (const char *)z->buf[3],
	                   z->buf[3] ? z->masked[3] : NULL,
	                   f->key_source,
	                   f->csr,
	                   (const char *)z->buf[4]};
	int lens[23] = {0};
	int fmts[23] = {0};
	int bin[] = {12, 14, 16, 18, 22}, zi[] = {0, 1, 2, 3, 4};
	for (int i = 0; i < 5; i++) {
		lens[bin[i]] = (int)z->len[zi[i]];
		fmts[bin[i]] = 1;
	}
	if ((rv = change_query(
	             ctx,
	             arena_printf(ctx->arena,
	                          "WITH a AS (INSERT INTO cert_applications (no, profile, kind,"
	                          " renews_serial, medium, algorithm, validity_years,"
	                          " agreement_version, enterprise_id, applicant_id, subject_name,"
	                          " subject_code_masked, contact_name_enc, contact_name_masked,"
	                          " contact_phone_enc, contact_phone_masked, contact_email_enc,"
	                          " contact_email_masked, address_enc, address_masked, key_source,"
	                          " csr, p12_password_enc) VALUES ($1, $2, $3, $4, $5, $6,"
	                          " $7::int, $8, $9::uuid, $10::uuid, $11, $12, $13, $14, $15, $16,"
	                          " $17, $18, $19, $20, $21, $22, $23) RETURNING *)"
	                          " SELECT %s FROM a",
	                          applications_cols),
	             23, v, lens, fmts, &r)) != ST_OK)
		return rv;
	c->o = applications_row(ctx, r, 0);
	PQclear(r);
	return applications_record(ctx, c->s->actor, c->o, "application.created",
	                           json_pack("{s:s,s:s,s:s,s:s}", "no", no, "kind", f->kind,
	                                     "medium", f->medium, "algorithm", f->algorithm));
}

static int create(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ApplicationForm *q = (const Certs__ApplicationForm *)in;
	applications_scope s;
	struct create c = {0};
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK)
		return rv;
	if (!q->has_agreement_accepted || !q->agreement_accepted)
		return status_err(ST_CERTAPP_AGREEMENT, "agreement_accepted");
	if (!q->agreement_version || !*q->agreement_version)
		return status_err(ST_FIELD_REQUIRED, "agreement_version");
	if ((rv = contact_check(q, 1)) != ST_OK)
		return rv;
	if (!q->has_validity_years)
		return status_err(ST_FIELD_REQUIRED, "validity_years");
	if ((rv = applications_subject_of(ctx, s.eid, s.pid, &c.subj)) != ST_OK)
		return rv;
	c.s = &s;
	c.f = (form){.kind = q->kind,
	             .renews = q->renews_serial,
	             .medium = q->medium,
	             .algorithm = q->algorithm,
	             .agreement = q->agreement_version,
	             .key_source = q->key_source,
	             .csr = q->csr,
	             .p12pw = q->pkcs12_password,
	             .years = q->validity_years,
	             .name = q->contact_name,
	             .phone = q->contact_phone,
	             .email = q->contact_email,
	             .address = q->mailing_address};
	rv = change_run(ctx, create_tx, &c);
	sealed_free(&c.z);
	if (rv != ST_OK)
		return rv;
	*out = &c.o->base;
	return ST_CREATED;
}

/* ---- update (待审核, or 已驳回: resubmitted) ------------------------------------------- */

struct update {
	const applications_scope *s;
	const Certs__ApplicationForm *q;
	applications_subject subj;
	form f;
	sealed z;
	Certs__Application *o;
};

static int update_tx(svc_ctx *ctx, void *arg)
{
	struct update *u = arg;
	const Certs__ApplicationForm *q = u->q;
	Certs__Application *old = NULL;
	PGresult *r = NULL;
	int rv = applications_load(ctx, u->s, q->id, 1, &old);
	if (rv != ST_OK)
		return rv;
	if (strcmp(old->state, "pending") != 0 && strcmp(old->state, "rejected") != 0)
		return status_err(ST_CERTAPP_LOCKED, "state");
	/* The order's lines priced it as it is: no edit while it is in an order. */
	if (old->order_id)
		return status_err(ST_CERTORDER_IN_ORDER, "order_id");
	int resubmit = strcmp(old->state, "rejected") == 0;
	form *f = &u->f;
	const char *v0[] = {q->id};
	if ((rv = change_exec(ctx, "SELECT csr FROM cert_applications WHERE id = $1::uuid", 1, v0,
	                      &r)) != ST_OK)
		return rv;
	const char *old_csr = PQgetisnull(r, 0, 0) ? NULL : dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	*f = (form){.kind = q->kind ? q->kind : old->kind,
	            .renews = q->renews_serial ? q->renews_serial : old->renews_serial,
	            .medium = q->medium ? q->medium : old->medium,
	            .algorithm = q->algorithm ? q->algorithm : old->algorithm,
	            .agreement =
	                    q->agreement_version ? q->agreement_version : old->agreement_version,
	            .key_source = q->key_source ? q->key_source
	                          : (q->medium && strcmp(q->medium, old->medium) != 0)
	                                  ? NULL
	                                  : old->key_source,
	            .csr = q->csr ? q->csr : old_csr,
	            .p12pw = q->pkcs12_password,
	            .years = q->has_validity_years ? q->validity_years : old->validity_years,
	            .name = q->contact_name,
	            .phone = q->contact_phone,
	            .email = q->contact_email,
	            .address = q->mailing_address,
	            .has_address_old = old->mailing_address_masked != NULL,
	            .has_p12pw_old = old->pkcs12_password_set};
	if ((rv = form_check(ctx, u->s, f, &u->subj)) != ST_OK)
		return rv;
	if ((rv = contact_seal(ctx, f, &u->z)) != ST_OK)
		return rv;
	char years[8];
	snprintf(years, sizeof years, "%d", f->years);
	sealed *z = &u->z;
	int server = strcmp(f->key_source, "server") == 0;
	int keep_pw = server && strcmp(f->medium, "software") == 0 && !f->p12pw;
	const char *v[] = {q->id,
	                   f->kind,
	                   f->renews,
	                   f->medium,
	                   f->algorithm,
	                   years,
	                   f->agreement,
	                   f->key_source,
	                   f->csr,
	                   (const char *)z->buf[4],
	                   keep_pw ? "t" : "f",
	                   (const char *)z->buf[0],
	                   z->buf[0] ? z->masked[0] : NULL,
	                   (const char *)z->buf[1],
	                   z->buf[1] ? z->masked[1] : NULL,
	                   (const char *)z->buf[2],
	                   z->buf[2] ? z->masked[2] : NULL,
	                   (const char *)z->buf[3],
	                   z->buf[3] ? z->masked[3] : NULL,
	                   q->contact_email ? "t" : "f",
	                   q->mailing_address ? "t" : "f",
	                   u->subj.name,
	                   u->subj.code_masked};
	int lens[23] = {0}, fmts[23] = {0};
	int bin[] = {11, 13, 15, 17, 9}, zi[] = {0, 1, 2, 3, 4};
	for (int i = 0; i < 5; i++) {
		lens[bin[i]] = (int)z->len[zi[i]];
		fmts[bin[i]] = 1;
	}
	if ((rv = change_guard_query(
	             ctx, ST_CERTAPP_LOCKED, "state",
	             arena_printf(
	                     ctx->arena,
	                     "WITH a AS (UPDATE cert_applications SET kind = $2, renews_serial = "
	                     "$3,"
	                     " medium = $4, algorithm = $5, validity_years = $6::int,"
	                     " agreement_version = $7, key_source = $8, csr = $9,"
	                     " p12_password_enc = CASE WHEN $11::bool THEN p12_password_enc"
	                     "  ELSE $10 END,"
	                     " contact_name_enc = COALESCE($12, contact_name_enc),"
	                     " contact_name_masked = COALESCE($13, contact_name_masked),"
	                     " contact_phone_enc = COALESCE($14, contact_phone_enc),"
	                     " contact_phone_masked = COALESCE($15, contact_phone_masked),"
	                     " contact_email_enc = CASE WHEN $20::bool THEN $16 ELSE"
	                     "  contact_email_enc END,"
	                     " contact_email_masked = CASE WHEN $20::bool THEN $17 ELSE"
	                     "  contact_email_masked END,"
	                     " address_enc = CASE WHEN $21::bool THEN $18 ELSE address_enc END,"
	                     " address_masked = CASE WHEN $21::bool THEN $19 ELSE address_masked"
	                     "  END, subject_name = $22, subject_code_masked = $23,"
	                     " state = 'pending', reject_reason = NULL, updated_at = now()"
	                     " WHERE id = $1::uuid AND state IN ('pending', 'rejected')"
	                     " RETURNING *) SELECT %s FROM a",
	                     applications_cols),
	             23, v, lens, fmts, &r)) != ST_OK)
		return rv;
	u->o = applications_row(ctx, r, 0);
	PQclear(r);
	if (resubmit)
		return applications_record(ctx, u->s->actor, u->o, "application.resubmitted", NULL);
	return change_record(ctx, u->s->actor,
	                     arena_printf(ctx->arena, "certificate_application/%s", u->o->id),
	                     "application.updated", NULL, NULL);
}

static int update(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ApplicationForm *q = (const Certs__ApplicationForm *)in;
	applications_scope s;
	struct update u = {0};
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK)
		return rv;
	if ((rv = contact_check(q, 0)) != ST_OK)
		return rv;
	if (q->has_agreement_accepted && !q->agreement_accepted)
		return status_err(ST_CERTAPP_AGREEMENT, "agreement_accepted");
	if ((rv = applications_subject_of(ctx, s.eid, s.pid, &u.subj)) != ST_OK)
		return rv;
	u.s = &s;
	u.q = q;
	rv = change_run(ctx, update_tx, &u);
	sealed_free(&u.z);
	if (rv != ST_OK)
		return rv;
	if ((rv = applications_materials(ctx, u.o)) != ST_OK)
		return rv;
	*out = &u.o->base;
	return ST_OK;
}

/* ---- delete, get, list --------------------------------------------------------------- */

struct del {
	const applications_scope *s;
	const char *id;
	Certs__Application *o;
};

static int del_tx(svc_ctx *ctx, void *arg)
{
	struct del *d = arg;
	int rv = applications_load(ctx, d->s, d->id, 1, &d->o);
	if (rv != ST_OK)
		return rv;
	if (d->o->order_id &&
	    (strcmp(d->o->state, "pending") == 0 || strcmp(d->o->state, "rejected") == 0))
		return status_err(ST_CERTORDER_IN_ORDER, "order_id");
	const char *v[] = {d->id};
	if ((rv = change_guard(ctx, ST_CERTAPP_LOCKED, "state",
	                       "DELETE FROM cert_applications WHERE id = $1::uuid"
	                       " AND state IN ('pending', 'rejected') RETURNING id",
	                       1, v, NULL)) != ST_OK)
		return rv;
	return change_record(ctx, d->s->actor,
	                     arena_printf(ctx->arena, "certificate_application/%s", d->id),
	                     "application.deleted", json_pack("{s:s}", "no", d->o->no), NULL);
}

static int del(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ApplicationRef *q = (const Certs__ApplicationRef *)in;
	applications_scope s;
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK)
		return rv;
	struct del d = {&s, q->id, NULL};
	if ((rv = change_run(ctx, del_tx, &d)) != ST_OK)
		return rv;
	*out = &d.o->base;
	return ST_OK;
}

static int get(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ApplicationRef *q = (const Certs__ApplicationRef *)in;
	applications_scope s;
	Certs__Application *o = NULL;
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK || (rv = applications_load(ctx, &s, q->id, 0, &o)) != ST_OK ||
	    (rv = applications_materials(ctx, o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

static ProtobufCMessage *list_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &applications_row(ctx, r, row)->base;
}

static int list(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ListApplicationsRequest *q = (const Certs__ListApplicationsRequest *)in;
	applications_scope s;
	dblist_page pg;
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK)
		return rv;
	if ((rv = dblist_page_init(q->has_page, q->page, q->has_page_size, q->page_size, &pg)) !=
	    ST_OK)
		return rv;
	const char *st = q->state && *q->state ? q->state : NULL;
	const char *v[] = {st, s.enterprise ? s.eid : s.pid, pg.limit, pg.offset};
	const char *where =
	        arena_printf(ctx->arena, "WHERE ($1::text IS NULL OR a.state = $1) AND %s",
	                     applications_scope_sql(&s));
	return dblist_query(
	        ctx, &certs__application_list__descriptor, &pg,
	        arena_printf(ctx->arena, "SELECT count(*) FROM cert_applications a %s", where), 2,
	        arena_printf(ctx->arena,
	                     "SELECT %s FROM cert_applications a %s ORDER BY a.created_at DESC,"
	                     " a.id LIMIT $3::int OFFSET $4::bigint",
	                     applications_cols, where),
	        4, v, list_row, NULL, out);
}

/* ---- the handlers ---------------------------------------------------------------------- */

APPLICATIONS_BOTH(create)
APPLICATIONS_BOTH(list)
APPLICATIONS_BOTH(get)
APPLICATIONS_BOTH(update)
APPLICATIONS_BOTH(del)
