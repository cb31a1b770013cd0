/*
 * 企业认证: an application per (applicant, USCC) is a draft the applicant edits and
 * fills with four files (certification_submit.c), then submits to the reviewers' queue
 * (review.c) or has approved by the legal representative's identity check
 * (legal_rep.c); certification_view.c shows it. This file: the rules, the form and its
 * checks against the registry, drafts (create and update) and the handler table.
 *
 * States: draft -> submitted -> approved | rejected; a rejected application is
 * edited and submitted again. Every transition is one UPDATE guarded by the
 * states it may leave, so racing requests cannot both win. The registry outranks
 * the check character of a USCC; the name must be the registry's; a USCC already
 * certified sends the applicant to join that enterprise instead. The legal
 * representative's ID number and the phones are kept sealed (crypto_seal) with
 * masked copies; only the masks leave the service.
 */
#include "certification.h"

#include "change.h"
#include "enterprise.h"
#include "files.h"
#include "log.h"
#include "members.h"
#include "regions.h"
#include "registry.h"
#include "status.h"
#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AAD_LR_ID      "enterprise.certifications.legal_rep_id_number"
#define AAD_LR_PHONE   "enterprise.certifications.legal_rep_phone"
#define AAD_CT_PHONE   "enterprise.certifications.contact_phone"
#define NAME_MAX_CHARS 100
#define ADDR_MAX_CHARS 200
#define POS_MAX_CHARS  50
#define REF_MAX_CHARS  100

/* ---- rules ------------------------------------------------------------------------ */

const char *const enterprise_cert_kinds[ENTERPRISE_CERT_KINDS] = {
        "business_licence", "legal_rep_id_front", "legal_rep_id_back", "authorization_letter"};

static const int cert_kind_missing[ENTERPRISE_CERT_KINDS] = {
        ST_LICENCE_MISSING, ST_ID_FRONT_MISSING, ST_ID_BACK_MISSING, ST_LETTER_MISSING};

int enterprise_cert_kind_index(const char *kind)
{
	for (int i = 0; kind && i < ENTERPRISE_CERT_KINDS; i++)
		if (strcmp(kind, enterprise_cert_kinds[i]) == 0)
			return i;
	return -1;
}

int enterprise_cert_kind_missing(const char *kind)
{
	int i = enterprise_cert_kind_index(kind);
	return i < 0 ? ST_FILE_MISSING : cert_kind_missing[i];
}

int enterprise_cert_allows(const char *state, enum enterprise_cert_action action)
{
	if (!state)
		return 0;
	int draft = strcmp(state, "draft") == 0, rejected = strcmp(state, "rejected") == 0;
	int submitted = strcmp(state, "submitted") == 0, approved = strcmp(state, "approved") == 0;
	switch (action) {
	case ENTERPRISE_CERT_EDIT:
	case ENTERPRISE_CERT_SUBMIT:
		return draft || rejected;
	case ENTERPRISE_CERT_REVIEW:
		return submitted;
	case ENTERPRISE_CERT_LEGAL_REP:
		return draft || rejected || submitted;
	case ENTERPRISE_CERT_REVIEWER_SEES:
		return submitted || approved || rejected;
	}
	return 0;
}

/* The next character of a name for comparison, skipping spaces: '(' and ')' as their
 * full-width forms. Returns a pointer past it and the bytes in *c (0 at the end). */
static const char *name_next(const char *s, char c[4], size_t *n)
{
	for (;;) {
		if (*s == ' ' || *s == '\t') {
			s++;
		} else if (strncmp(s, "\xE3\x80\x80", 3) == 0) { /* U+3000 */
			s += 3;
		} else {
			break;
		}
	}
	if (!*s) {
		*n = 0;
		return s;
	}
	if (*s == '(' || *s == ')') {
		memcpy(c, *s == '(' ? "\xEF\xBC\x88" : "\xEF\xBC\x89", 3);
		*n = 3;
		return s + 1;
	}
	unsigned char b = (unsigned char)*s;
	size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
	size_t i = 0;
	for (; i < len && s[i]; i++)
		c[i] = s[i];
	*n = i;
	return s + i;
}

int enterprise_name_same(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	for (;;) {
		char ca[4], cb[4];
		size_t na, nb;
		a = name_next(a, ca, &na);
		b = name_next(b, cb, &nb);
		if (na != nb || memcmp(ca, cb, na) != 0)
			return 0;
		if (na == 0)
			return 1;
	}
}

/* The next code point of UTF-8 s (0 at the end; broken bytes as themselves). */
static uint32_t person_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c = *p;
	size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
	if (!c)
		return 0;
	if (len > 1) {
		c &= 0x3Fu >> (len - 1);
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80) {
				*s += 1;
				return *p;
			}
			c = c << 6 | (p[i] & 0x3F);
		}
	}
	*s += len;
	return c;
}

/* The next code point of a person's name as compared: spaces skipped, dots one dot,
 * full-width Latin and digits half-width, Latin letters lower case. */
static uint32_t person_next(const char **s)
{
	for (;;) {
		uint32_t c = person_cp(s);
		if (c == ' ' || c == '\t' || c == 0xA0 || c == 0x3000)
			continue;
		if (c == '.' || c == 0xB7 || c == 0x2022 || c == 0x2027 || c == 0x2219 ||
		    c == 0x22C5 || c == 0x30FB || c == 0xFF0E || c == 0xFF65)
			return 0xB7;
		if (c >= 0xFF01 && c <= 0xFF5E)
			c -= 0xFF01 - 0x21;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		return c;
	}
}

int enterprise_person_name_same(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	for (;;) {
		uint32_t ca = person_next(&a), cb = person_next(&b);
		if (ca != cb)
			return 0;
		if (!ca)
			return 1;
	}
}

/* ---- the form ---------------------------------------------------------------------- */

/* A validated form: NULL (or has_* 0) for what was not sent. Strings in the arena. */
struct cform {
	char *uscc;
	const char *name;
	int has_capital;
	long long capital;
	const char *lr_name;
	char *lr_id;
	const char *lr_phone;
	const char *region;
	const char *industry;
	const char *address, *contact_name, *contact_phone, *contact_position, *contact_email;
	const char *referrer;
	char registry_status[16];
};

static int cert_sent(const char *s) { return s && *s; }

/* Trimmed of ASCII spaces at both ends (a copy in the arena); NULL stays NULL. */
static char *cert_trim(arena *a, const char *s)
{
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

static int cert_text(const char *s, size_t max, const char *field)
{
	int rv = validate_text(s, max);
	return rv ? status_err(rv, field) : ST_OK;
}

/* The region: a county or town code that exists; stored in its short form. */
static int cert_region(svc_ctx *ctx, const char *in, const char **out)
{
	char code[10];
	PGresult *r = NULL;
	if (enterprise_region_code_normalize(in, code) != 0)
		return status_err(ST_REGION_CODE_INVALID, "region_code");
	const char *v[] = {code};
	int rv = db_exec(ctx->db, "SELECT level FROM regions WHERE code = $1", 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int level = PQntuples(r) == 1 ? (int)strtol(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	if (level == 0)
		return status_err(ST_REGION_UNKNOWN, "region_code");
	if (level < 3)
		return status_err(ST_REGION_TOO_COARSE, "region_code");
	*out = arena_strdup(ctx->arena, code);
	return ST_OK;
}

/* Reads and checks what was sent (fields that were not sent stay NULL). */
static int cert_form_read(svc_ctx *ctx, const Enterprise__CertificationForm *in, struct cform *f)
{
	arena *a = ctx->arena;
	int rv;
	memset(f, 0, sizeof *f);
	if (cert_sent(in->uscc)) {
		f->uscc = cert_trim(a, in->uscc);
		for (char *p = f->uscc; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	}
	if (cert_sent(in->enterprise_name)) {
		f->name = cert_trim(a, in->enterprise_name);
		if (!*f->name)
			return status_err(ST_FIELD_REQUIRED, "enterprise_name");
		if ((rv = cert_text(f->name, NAME_MAX_CHARS, "enterprise_name")) != ST_OK)
			return rv;
	}
	if (in->has_registered_capital_fen) {
		if (validate_amount_fen(in->registered_capital_fen) != 0)
			return status_err(ST_FIELD_RANGE, "registered_capital_fen");
		f->has_capital = 1;
		f->capital = in->registered_capital_fen;
	}
	if (cert_sent(in->legal_rep_name)) {
		f->lr_name = in->legal_rep_name;
		if ((rv = validate_person_name(f->lr_name)) != 0)
			return status_err(rv, "legal_rep_name");
	}
	if (cert_sent(in->legal_rep_id_number)) {
		f->lr_id = cert_trim(a, in->legal_rep_id_number);
		if ((rv = validate_resident_id_normalize(f->lr_id)) != 0)
			return status_err(rv, "legal_rep_id_number");
	}
	if (cert_sent(in->legal_rep_phone)) {
		f->lr_phone = in->legal_rep_phone;
		if ((rv = validate_mobile(f->lr_phone)) != 0)
			return status_err(rv, "legal_rep_phone");
	}
	if (cert_sent(in->region_code) && (rv = cert_region(ctx, in->region_code, &f->region)) != 0)
		return rv;
	if (cert_sent(in->industry)) {
		char *ind = arena_strdup(a, in->industry);
		if (ind[0] >= 'a' && ind[0] <= 't' && !ind[1])
			ind[0] = (char)(ind[0] - 'a' + 'A');
		if (!registry_industry_name(ind))
			return status_err(ST_INDUSTRY_INVALID, "industry");
		f->industry = ind;
	}
	if (cert_sent(in->address)) {
		f->address = cert_trim(a, in->address);
		if (!*f->address)
			return status_err(ST_FIELD_REQUIRED, "address");
		if ((rv = cert_text(f->address, ADDR_MAX_CHARS, "address")) != ST_OK)
			return rv;
	}
	if (cert_sent(in->contact_name)) {
		f->contact_name = in->contact_name;
		if ((rv = validate_person_name(f->contact_name)) != 0)
			return status_err(rv, "contact_name");
	}
	if (cert_sent(in->contact_phone)) {
		f->contact_phone = in->contact_phone;
		if ((rv = validate_mobile(f->contact_phone)) != 0)
			return status_err(rv, "contact_phone");
	}
	if (in->contact_position) { /* optional: "" clears it */
		f->contact_position = cert_trim(a, in->contact_position);
		if ((rv = cert_text(f->contact_position, POS_MAX_CHARS, "contact_position")) != 0)
			return rv;
	}
	if (cert_sent(in->contact_email)) {
		f->contact_email = in->contact_email;
		if ((rv = validate_email(f->contact_email)) != 0)
			return status_err(rv, "contact_email");
	}
	if (in->referring_institution) { /* optional: "" clears it */
		f->referrer = cert_trim(a, in->referring_institution);
		if ((rv = cert_text(f->referrer, REF_MAX_CHARS, "referring_institution")) != 0)
			return rv;
	}
	return ST_OK;
}

/*
 * The registry's word on uscc (and name, when given): known and alive, and the name
 * its own. A USCC the registry knows passes even with a wrong check character. The
 * record's status goes to status_out.
 */
int enterprise_certification_registry_check(svc_ctx *ctx, const char *uscc, const char *name,
                                            char status_out[16])
{
	registry_record rec;
	int rv = enterprise_registry_lookup(ctx, uscc, &rec);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_USCC_NOT_REGISTERED, "uscc");
	if (rv != ST_OK)
		return rv; /* malformed, a failing check character, or the registry failed */
	if (!registry_status_certifiable(rec.status))
		return status_err(ST_ENTERPRISE_DEREGISTERED, "uscc");
	if (name && !enterprise_name_same(name, rec.name)) {
		char msg[400];
		snprintf(msg, sizeof msg,
		         "企业名称与工商登记信息不一致，该统一社会信用代码登记的名称为“%s”",
		         rec.name);
		/* The registered name is the useful part of the message: dynamic. */
		return status_errmsg(ST_ENTERPRISE_NAME_MISMATCH, "enterprise_name", msg);
	}
	snprintf(status_out, 16, "%s", rec.status);
	return ST_OK;
}

/* ST_ENTERPRISE_CERTIFIED (naming uscc) when the USCC has an enterprise already. */
int enterprise_certification_not_certified(svc_ctx *ctx, const char *uscc)
{
	PGresult *r = NULL;
	const char *v[] = {uscc};
	int rv = db_exec(ctx->db, "SELECT 1 FROM enterprises WHERE uscc = $1", 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int found = PQntuples(r) > 0;
	PQclear(r);
	return found ? status_err(ST_ENTERPRISE_CERTIFIED, "uscc") : ST_OK;
}

/* ---- sealing ------------------------------------------------------------------------ */

struct sealed {
	unsigned char *buf;
	size_t len;
};

static int cert_seal(svc_ctx *ctx, const char *plain, const char *aad, struct sealed *s)
{
	s->buf = NULL;
	s->len = 0;
	if (!plain)
		return ST_OK;
	if (crypto_seal(&ENTERPRISE_APP(ctx)->keys, plain, strlen(plain), aad, &s->buf, &s->len) !=
	    0)
		return status_err(ST_INTERNAL, NULL);
	return ST_OK;
}

/*
 * The form's values as statement parameters $3..$19 (vals[2..18]), shared by the
 * INSERT and the UPDATE; sealed numbers in binary, masks beside them.
 */
#define CERT_NPARAMS 19
struct cparams {
	const char *vals[CERT_NPARAMS];
	int lens[CERT_NPARAMS];
	int fmts[CERT_NPARAMS];
	struct sealed lr_id, lr_phone, ct_phone;
	char capital[24], lr_id_masked[24], lr_phone_masked[16], ct_phone_masked[16];
};

static void cert_params_free(struct cparams *p)
{
	free(p->lr_id.buf);
	free(p->lr_phone.buf);
	free(p->ct_phone.buf);
}

static void cert_param_bin(struct cparams *p, int i, const struct sealed *s)
{
	p->vals[i] = (const char *)s->buf;
	p->lens[i] = (int)s->len;
	p->fmts[i] = 1;
}

static int cert_params(svc_ctx *ctx, const struct cform *f, struct cparams *p)
{
	int rv;
	memset(p, 0, sizeof *p);
	if ((rv = cert_seal(ctx, f->lr_id, AAD_LR_ID, &p->lr_id)) != ST_OK ||
	    (rv = cert_seal(ctx, f->lr_phone, AAD_LR_PHONE, &p->lr_phone)) != ST_OK ||
	    (rv = cert_seal(ctx, f->contact_phone, AAD_CT_PHONE, &p->ct_phone)) != ST_OK)
		return rv;
	if (f->has_capital)
		snprintf(p->capital, sizeof p->capital, "%lld", f->capital);
	if (f->lr_id)
		validate_mask_middle(f->lr_id, 4, 4, p->lr_id_masked, sizeof p->lr_id_masked);
	if (f->lr_phone)
		validate_mask_mobile(f->lr_phone, p->lr_phone_masked);
	if (f->contact_phone)
		validate_mask_mobile(f->contact_phone, p->ct_phone_masked);
	p->vals[2] = f->name;
	p->vals[3] = f->registry_status[0] ? f->registry_status : NULL;
	p->vals[4] = f->has_capital ? p->capital : NULL;
	p->vals[5] = f->lr_name;
	cert_param_bin(p, 6, &p->lr_id);
	p->vals[7] = f->lr_id ? p->lr_id_masked : NULL;
	cert_param_bin(p, 8, &p->lr_phone);
	p->vals[9] = f->lr_phone ? p->lr_phone_masked : NULL;
	p->vals[10] = f->region;
	p->vals[11] = f->industry;
	p->vals[12] = f->address;
	p->vals[13] = f->contact_name;
	cert_param_bin(p, 14, &p->ct_phone);
	p->vals[15] = f->contact_phone ? p->ct_phone_masked : NULL;
	p->vals[16] = f->contact_position;
	p->vals[17] = f->contact_email;
	p->vals[18] = f->referrer;
	return ST_OK;
}

/* The names of the fields a form sets, as a JSON array for the audit log (no values). */
static json_t *cert_form_fields_json(const struct cform *f)
{
	const struct {
		const char *name;
		int set;
	} fields[] = {
	        {"enterprise_name", f->name != NULL},
	        {"registered_capital_fen", f->has_capital},
	        {"legal_rep_name", f->lr_name != NULL},
	        {"legal_rep_id_number", f->lr_id != NULL},
	        {"legal_rep_phone", f->lr_phone != NULL},
	        {"region_code", f->region != NULL},
	        {"industry", f->industry != NULL},
	        {"address", f->address != NULL},
	        {"contact_name", f->contact_name != NULL},
	        {"contact_phone", f->contact_phone != NULL},
	        {"contact_position", f->contact_position != NULL},
	        {"contact_email", f->contact_email != NULL},
	        {"referring_institution", f->referrer != NULL},
	};
	json_t *out = json_array();
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i].set)
			json_array_append_new(out, json_string(fields[i].name));
	return out;
}

/* ---- create and update ------------------------------------------------------------------ */

int enterprise_certification_record(svc_ctx *ctx, const char *actor, const char *id,
                                    const char *action, json_t *detail,
                                    const Enterprise__CertificationEvent *ev)
{
	const char *subject = arena_printf(ctx->arena, "certification/%s", id);
	change_event e = {action, NULL, ev ? &ev->base : NULL};
	return change_record(ctx, actor, subject, action, detail, ev ? &e : NULL);
}

struct cert_write {
	const char *pid;
	const struct cform *f;
	const struct cparams *p;
	const char *id; /* update: the application; create: set by create_tx */
};

/* The change: a new draft and its audit entry. */
static int create_tx(svc_ctx *ctx, void *arg)
{
	struct cert_write *w = arg;
	PGresult *r = NULL;
	int rv = change_unique(
	        ctx, ST_CERT_EXISTS, "uscc",
	        "INSERT INTO certifications (applicant_id, uscc, enterprise_name, "
	        "registry_status, registered_capital_fen, legal_rep_name, legal_rep_id_enc, "
	        "legal_rep_id_masked, legal_rep_phone_enc, legal_rep_phone_masked, "
	        "region_code, industry, address, contact_name, contact_phone_enc, "
	        "contact_phone_masked, contact_position, contact_email, "
	        "referring_institution) VALUES ($1, $2, $3, $4, $5::bigint, $6, $7, $8, $9, "
	        "$10, $11, $12, $13, $14, $15, $16, NULLIF($17, ''), $18, NULLIF($19, '')) "
	        "RETURNING id",
	        CERT_NPARAMS, w->p->vals, w->p->lens, w->p->fmts, &r);
	if (rv != ST_OK)
		return rv;
	w->id = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
	PQclear(r);
	return enterprise_certification_record(
	        ctx, arena_printf(ctx->arena, "person:%s", w->pid), w->id,
	        "enterprise.certification.created",
	        json_pack("{s:s, s:o}", "uscc", w->f->uscc, "fields", cert_form_fields_json(w->f)),
	        NULL);
}

/* The change: the draft's fields, the end of a legal-rep check it outdated, audit. */
static int update_tx(svc_ctx *ctx, void *arg)
{
	struct cert_write *w = arg;
	int rv = change_guard_query(
	        ctx, ST_CERT_NOT_EDITABLE, NULL, /* submitted or approved meanwhile */
	        "UPDATE certifications SET enterprise_name = coalesce($3, enterprise_name), "
	        "registry_status = coalesce($4, registry_status), registered_capital_fen = "
	        "coalesce($5::bigint, registered_capital_fen), legal_rep_name = coalesce($6, "
	        "legal_rep_name), legal_rep_id_enc = coalesce($7, legal_rep_id_enc), "
	        "legal_rep_id_masked = coalesce($8, legal_rep_id_masked), legal_rep_phone_enc "
	        "= coalesce($9, legal_rep_phone_enc), legal_rep_phone_masked = coalesce($10, "
	        "legal_rep_phone_masked), region_code = coalesce($11, region_code), industry "
	        "= "
	        "coalesce($12, industry), address = coalesce($13, address), contact_name = "
	        "coalesce($14, contact_name), contact_phone_enc = coalesce($15, "
	        "contact_phone_enc), contact_phone_masked = coalesce($16, "
	        "contact_phone_masked), contact_position = CASE WHEN $17::text IS NULL THEN "
	        "contact_position ELSE NULLIF($17, '') END, contact_email = coalesce($18, "
	        "contact_email), referring_institution = CASE WHEN $19::text IS NULL THEN "
	        "referring_institution ELSE NULLIF($19, '') END, updated_at = now() WHERE id "
	        "= $1 AND applicant_id = $2 AND state IN ('draft', 'rejected') RETURNING id",
	        CERT_NPARAMS, w->p->vals, w->p->lens, w->p->fmts, NULL);
	if (rv != ST_OK)
		return rv;
	/* A legal-rep check started before the change checked other facts: it ends here. */
	const char *v2[] = {w->id};
	if ((rv = change_exec(
	             ctx,
	             "UPDATE legal_rep_checks SET state = 'superseded', updated_at = now() "
	             "WHERE certification_id = $1 AND state = 'pending'",
	             1, v2, NULL)) != ST_OK)
		return rv;
	return enterprise_certification_record(
	        ctx, arena_printf(ctx->arena, "person:%s", w->pid), w->id,
	        "enterprise.certification.updated",
	        json_pack("{s:o}", "fields", cert_form_fields_json(w->f)), NULL);
}

int enterprise_certification_create(svc_ctx *ctx, const ProtobufCMessage *in_,
                                    ProtobufCMessage **out)
{
	const Enterprise__CertificationForm *in = (const Enterprise__CertificationForm *)in_;
	const char *pid = NULL;
	struct cform f;
	struct cparams p = {0};
	Enterprise__CertificationApplication *c = NULL;
	int rv;

	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if (in->id)
		return status_err(ST_FIELD_UNKNOWN, "id");
	if ((rv = cert_form_read(ctx, in, &f)) != ST_OK)
		return rv;
	if (!f.uscc)
		return status_err(ST_FIELD_REQUIRED, "uscc");
	if (!f.name)
		return status_err(ST_FIELD_REQUIRED, "enterprise_name");
	if ((rv = enterprise_certification_registry_check(ctx, f.uscc, f.name,
	                                                  f.registry_status)) != ST_OK ||
	    (rv = enterprise_certification_not_certified(ctx, f.uscc)) != ST_OK)
		return rv;
	if ((rv = cert_params(ctx, &f, &p)) != ST_OK)
		goto out;
	p.vals[0] = pid;
	p.vals[1] = f.uscc;
	struct cert_write w = {pid, &f, &p, NULL};
	if ((rv = change_run(ctx, create_tx, &w)) != ST_OK)
		goto out;
	log_kv(LOGL_INFO, ctx->request_id, "certification created", "certification_id", w.id,
	       "uscc", f.uscc, NULL);
	if ((rv = enterprise_certification_load(ctx, w.id, 0, &c)) != ST_OK)
		goto out;
	*out = &c->base;
	rv = ST_CREATED;
out:
	cert_params_free(&p);
	return rv;
}

int enterprise_certification_update(svc_ctx *ctx, const ProtobufCMessage *in_,
                                    ProtobufCMessage **out)
{
	const Enterprise__CertificationForm *in = (const Enterprise__CertificationForm *)in_;
	const char *pid = NULL;
	struct cform f;
	struct cparams p = {0};
	Enterprise__CertificationApplication *c = NULL;
	char state[16], uscc[24];
	int rv;

	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if ((rv = enterprise_certification_own(ctx, in->id, pid, state, uscc)) != ST_OK)
		return rv;
	if (!enterprise_cert_allows(state, ENTERPRISE_CERT_EDIT))
		return status_err(ST_CERT_NOT_EDITABLE, NULL);
	if ((rv = cert_form_read(ctx, in, &f)) != ST_OK)
		return rv;
	if (f.uscc && strcmp(f.uscc, uscc) != 0)
		return status_err(ST_USCC_FIXED, "uscc");
	if (f.name && (rv = enterprise_certification_registry_check(ctx, uscc, f.name,
	                                                            f.registry_status)) != ST_OK)
		return rv;
	if ((rv = cert_params(ctx, &f, &p)) != ST_OK)
		goto out;
	p.vals[0] = in->id;
	p.vals[1] = pid;
	struct cert_write w = {pid, &f, &p, in->id};
	if ((rv = change_run(ctx, update_tx, &w)) != ST_OK)
		goto out;
	if ((rv = enterprise_certification_load(ctx, in->id, 0, &c)) != ST_OK)
		goto out;
	*out = &c->base;
	rv = ST_OK;
out:
	cert_params_free(&p);
	return rv;
}

/* ---- the handler table -------------------------------------------------------------- */

/* Service Certification of proto/enterprise_kyb.proto, bound by method name. */
static const svc_handler certification_handlers[] = {
        {"CreateCertification", enterprise_certification_create},
        {"UpdateCertification", enterprise_certification_update},
        {"GetCertification", enterprise_certification_get},
        {"ListCertifications", enterprise_certifications_mine},
        {"UploadCertificationFile", enterprise_certification_file_upload},
        {"SubmitCertification", enterprise_certification_submit},
        {"StartLegalRepCheck", enterprise_legal_rep_check_start},
        {"ConfirmLegalRepCheck", enterprise_legal_rep_check_confirm},
        {"ListReviewQueue", enterprise_review_queue},
        {"GetReviewCertification", enterprise_review_get},
        {"ApproveCertification", enterprise_review_approve},
        {"RejectCertification", enterprise_review_reject},
        {"GetFile", enterprise_file_get},
        {"GetAuthorizationLetter", enterprise_letter_get},
};
/* The creating POSTs: a retry with the same Idempotency-Key creates nothing twice. */
static const char *const certification_idempotent[] = {
        "CreateCertification", "UploadCertificationFile", "StartLegalRepCheck", NULL};
const svc_api enterprise_certification_api =
        SVC_API(&enterprise__certification__descriptor, certification_handlers,
                .idempotent = certification_idempotent);
