/*
 * 企业认证: an application per (applicant, USCC) is a draft the applicant edits and
 * fills with four files, then submits to the reviewers' queue (review.c) or has
 * approved by the legal representative's identity check (legal_rep.c).
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

#include "audit.h"
#include "enterprise.h"
#include "events.h"
#include "files.h"
#include "log.h"
#include "members.h"
#include "regions.h"
#include "registry.h"
#include "status.h"
#include "validate.h"

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

/* An instant as the API shows it: RFC 3339 in China Standard Time. */
#define C_TS(col)                                                                                  \
	"to_char(" col " AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"

/* The instants of the view (clang-format cannot lay out C_TS() calls inside a long list). */
#define C_CREATED   C_TS("c.created_at")
#define C_UPDATED   C_TS("c.updated_at")
#define C_SUBMITTED C_TS("c.submitted_at")
#define C_DECIDED   C_TS("c.decided_at")
#define C_K_CREATED C_TS("k.created_at")

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

/* ---- rules ------------------------------------------------------------------------ */

const char *const enterprise_cert_kinds[ENTERPRISE_CERT_KINDS] = {
        "business_licence", "legal_rep_id_front", "legal_rep_id_back", "authorization_letter"};

static const char *const cert_kind_labels[ENTERPRISE_CERT_KINDS] = {
        "营业执照", "法定代表人身份证正面", "法定代表人身份证反面", "企业授权书"};

int enterprise_cert_kind_index(const char *kind)
{
	for (int i = 0; kind && i < ENTERPRISE_CERT_KINDS; i++)
		if (strcmp(kind, enterprise_cert_kinds[i]) == 0)
			return i;
	return -1;
}

const char *enterprise_cert_kind_label(const char *kind)
{
	int i = enterprise_cert_kind_index(kind);
	return i < 0 ? NULL : cert_kind_labels[i];
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
		if (in->registered_capital_fen < 0)
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
		/* One spelling: the check character is kept upper case. */
		f->lr_id = cert_trim(a, in->legal_rep_id_number);
		for (char *p = f->lr_id; *p; p++)
			if (*p == 'x')
				*p = 'X';
		if ((rv = validate_resident_id(f->lr_id)) != 0)
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
static int cert_registry_check(svc_ctx *ctx, const char *uscc, const char *name,
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
		return status_errmsg(ST_ENTERPRISE_NAME_MISMATCH, "enterprise_name", msg);
	}
	snprintf(status_out, 16, "%s", rec.status);
	return ST_OK;
}

/* ST_ENTERPRISE_CERTIFIED (naming uscc) when the USCC has an enterprise already. */
static int cert_not_certified(svc_ctx *ctx, const char *uscc)
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
static const char *cert_form_fields_json(arena *a, const struct cform *f)
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
	char *out = arena_strdup(a, "[");
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i].set)
			out = arena_printf(a, "%s%s\"%s\"", out, out[1] ? "," : "", fields[i].name);
	return arena_printf(a, "%s]", out);
}

/* ---- the view --------------------------------------------------------------------- */

static char *cert_col(arena *a, const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : arena_strdup(a, PQgetvalue(r, row, col));
}

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
	c->id = cert_col(a, r, row, 0);
	c->state = cert_col(a, r, row, 1);
	c->uscc = cert_col(a, r, row, 2);
	c->enterprise_name = cert_col(a, r, row, 3);
	c->registry_status = cert_col(a, r, row, 4);
	if (!PQgetisnull(r, row, 5)) {
		c->has_registered_capital_fen = 1;
		c->registered_capital_fen = strtoll(PQgetvalue(r, row, 5), NULL, 10);
	}
	c->legal_rep_name = cert_col(a, r, row, 6);
	c->legal_rep_id_number_masked = cert_col(a, r, row, 7);
	c->legal_rep_phone_masked = cert_col(a, r, row, 8);
	c->region_code = cert_col(a, r, row, 9);
	c->region_name = c->region_code ? cert_col(a, r, row, 10) : NULL;
	c->industry = cert_col(a, r, row, 11);
	c->industry_name = (char *)registry_industry_name(c->industry);
	c->address = cert_col(a, r, row, 12);
	c->contact_name = cert_col(a, r, row, 13);
	c->contact_phone_masked = cert_col(a, r, row, 14);
	c->contact_position = cert_col(a, r, row, 15);
	c->contact_email = cert_col(a, r, row, 16);
	c->referring_institution = cert_col(a, r, row, 17);
	c->reject_reason = cert_col(a, r, row, 18);
	c->enterprise_id = cert_col(a, r, row, 19);
	c->approval_method = cert_col(a, r, row, 20);
	c->created_at = cert_col(a, r, row, 21);
	c->updated_at = cert_col(a, r, row, 22);
	c->submitted_at = cert_col(a, r, row, 23);
	c->decided_at = cert_col(a, r, row, 24);
	if (reviewer) {
		c->applicant_id = cert_col(a, r, row, 25);
		c->decided_by = cert_col(a, r, row, 26);
	}
	if (!PQgetisnull(r, row, 27)) {
		Enterprise__LegalRepCheck *k = arena_alloc(a, sizeof *k);
		enterprise__legal_rep_check__init(k);
		k->method = cert_col(a, r, row, 27);
		k->state = cert_col(a, r, row, 28);
		int pending = strcmp(k->state, "pending") == 0,
		    face = strcmp(k->method, "face") == 0;
		k->next_step = arena_strdup(a, !pending ? "" : face ? "face" : "sms");
		if (pending && face)
			k->face_url = cert_col(a, r, row, 29);
		k->phone_masked = cert_col(a, r, row, 30);
		k->bank_card_masked = cert_col(a, r, row, 31);
		k->failed_factor = cert_col(a, r, row, 32);
		k->failure_reason = cert_col(a, r, row, 33);
		k->created_at = cert_col(a, r, row, 34);
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
	                 "SELECT cf.kind, " ENTERPRISE_FILE_COLS
	                 ", " C_TS("cf.uploaded_at") " FROM certification_files cf JOIN files f ON "
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
		cf->kind = cert_col(ctx->arena, r, i, 0);
		cf->file = enterprise_file_info_from_row(ctx, r, i, 1);
		cf->uploaded_at = cert_col(ctx->arena, r, i, 6);
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

int enterprise_certification_missing(svc_ctx *ctx, const char *id, int with_files,
                                     const char **field, const char **message)
{
	Enterprise__CertificationApplication *c = NULL;
	int rv = enterprise_certification_load(ctx, id, 0, &c);
	if (rv != ST_OK)
		return rv;
	*field = "";
	*message = "";
	for (size_t i = 0; i < c->n_missing; i++) {
		int k = enterprise_cert_kind_index(c->missing[i]);
		if (k >= 0 && !with_files)
			continue;
		*field = c->missing[i];
		*message = k >= 0 ? arena_printf(ctx->arena, "请上传%s", cert_kind_labels[k])
		                  : status_message(ST_FIELD_REQUIRED);
		break;
	}
	return ST_OK;
}

/* ---- visibility ----------------------------------------------------------------------- */

int enterprise_certification_own(svc_ctx *ctx, const char *id, const char *pid, char state_out[16],
                                 char uscc_out[24])
{
	PGresult *r = NULL;
	if (!enterprise_uuid_ok(id))
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
	if ((rv = enterprise_caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if (!enterprise_uuid_ok(id))
		return status_err(ST_NOT_FOUND, NULL);
	const char *reviewer = enterprise_caller_has_role(ctx, "reviewer") ? "true" : "false";
	const char *v[] = {id, pid, reviewer};
	rv = db_exec(ctx->db,
	             "SELECT 1 FROM certifications c WHERE c.id = $1 AND (c.applicant_id = $2"
	             " OR ($3::bool AND c.state <> 'draft')"
	             " OR (c.enterprise_id IS NOT NULL AND EXISTS (SELECT 1 FROM memberships m"
	             " WHERE m.enterprise_id = c.enterprise_id AND m.person_id = $2"
	             " AND m.state = 'active')))",
	             3, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int ok = PQntuples(r) == 1;
	PQclear(r);
	return ok ? ST_OK : status_err(ST_NOT_FOUND, NULL);
}

/* ---- create and update ------------------------------------------------------------------ */

static int cert_audit(svc_ctx *ctx, const char *actor, const char *id, const char *action,
                      const char *detail)
{
	char subject[64];
	snprintf(subject, sizeof subject, "certification/%s", id);
	return audit_append(ctx->db, actor, subject, action, detail);
}

int enterprise_certification_create(svc_ctx *ctx, const ProtobufCMessage *in_,
                                    ProtobufCMessage **out)
{
	const Enterprise__CertificationForm *in = (const Enterprise__CertificationForm *)in_;
	const char *pid = NULL;
	struct cform f;
	struct cparams p = {0};
	PGresult *r = NULL;
	Enterprise__CertificationApplication *c = NULL;
	char actor[64], id[40];
	int rv;

	if ((rv = enterprise_caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if (in->id)
		return status_err(ST_FIELD_UNKNOWN, "id");
	if ((rv = cert_form_read(ctx, in, &f)) != ST_OK)
		return rv;
	if (!f.uscc)
		return status_err(ST_FIELD_REQUIRED, "uscc");
	if (!f.name)
		return status_err(ST_FIELD_REQUIRED, "enterprise_name");
	if ((rv = cert_registry_check(ctx, f.uscc, f.name, f.registry_status)) != ST_OK ||
	    (rv = cert_not_certified(ctx, f.uscc)) != ST_OK)
		return rv;
	if ((rv = cert_params(ctx, &f, &p)) != ST_OK)
		goto out;
	p.vals[0] = pid;
	p.vals[1] = f.uscc;
	if ((rv = db_begin(ctx->db)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	rv = db_query(ctx->db,
	              "INSERT INTO certifications (applicant_id, uscc, enterprise_name, "
	              "registry_status, registered_capital_fen, legal_rep_name, legal_rep_id_enc, "
	              "legal_rep_id_masked, legal_rep_phone_enc, legal_rep_phone_masked, "
	              "region_code, industry, address, contact_name, contact_phone_enc, "
	              "contact_phone_masked, contact_position, contact_email, "
	              "referring_institution) VALUES ($1, $2, $3, $4, $5::bigint, $6, $7, $8, $9, "
	              "$10, $11, $12, $13, $14, $15, $16, NULLIF($17, ''), $18, NULLIF($19, '')) "
	              "RETURNING id",
	              CERT_NPARAMS, p.vals, p.lens, p.fmts, 0, &r);
	if (rv == ST_CONFLICT) {
		rv = status_err(ST_CERT_EXISTS, "uscc");
		goto fail;
	}
	if (rv != ST_OK) {
		rv = status_err(rv, NULL);
		goto fail;
	}
	snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
	snprintf(actor, sizeof actor, "person:%s", pid);
	const char *detail = arena_printf(ctx->arena, "{\"uscc\":\"%s\",\"fields\":%s}", f.uscc,
	                                  cert_form_fields_json(ctx->arena, &f));
	if ((rv = cert_audit(ctx, actor, id, "enterprise.certification.created", detail)) !=
	            ST_OK ||
	    (rv = db_commit(ctx->db)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto fail;
	}
	log_kv(LOGL_INFO, ctx->request_id, "certification created", "certification_id", id, "uscc",
	       f.uscc, NULL);
	if ((rv = enterprise_certification_load(ctx, id, 0, &c)) != ST_OK)
		goto out;
	*out = &c->base;
	rv = ST_CREATED;
	goto out;
fail:
	db_rollback(ctx->db);
out:
	PQclear(r);
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
	PGresult *r = NULL;
	Enterprise__CertificationApplication *c = NULL;
	char actor[64], state[16], uscc[24];
	int rv;

	if ((rv = enterprise_caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if ((rv = enterprise_certification_own(ctx, in->id, pid, state, uscc)) != ST_OK)
		return rv;
	if (!enterprise_cert_allows(state, ENTERPRISE_CERT_EDIT))
		return status_err(ST_CERT_NOT_EDITABLE, NULL);
	if ((rv = cert_form_read(ctx, in, &f)) != ST_OK)
		return rv;
	if (f.uscc && strcmp(f.uscc, uscc) != 0)
		return status_err(ST_USCC_FIXED, "uscc");
	if (f.name && (rv = cert_registry_check(ctx, uscc, f.name, f.registry_status)) != ST_OK)
		return rv;
	if ((rv = cert_params(ctx, &f, &p)) != ST_OK)
		goto out;
	p.vals[0] = in->id;
	p.vals[1] = pid;
	if ((rv = db_begin(ctx->db)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	if ((rv = db_query(
	             ctx->db,
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
	             CERT_NPARAMS, p.vals, p.lens, p.fmts, 0, &r)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto fail;
	}
	if (PQntuples(r) != 1) { /* submitted or approved meanwhile */
		rv = status_err(ST_CERT_NOT_EDITABLE, NULL);
		goto fail;
	}
	/* A legal-rep check started before the change checked other facts: it ends here. */
	const char *v2[] = {in->id};
	if ((rv = db_exec(ctx->db,
	                  "UPDATE legal_rep_checks SET state = 'superseded', updated_at = now() "
	                  "WHERE certification_id = $1 AND state = 'pending'",
	                  1, v2, NULL)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto fail;
	}
	snprintf(actor, sizeof actor, "person:%s", pid);
	const char *detail =
	        arena_printf(ctx->arena, "{\"fields\":%s}", cert_form_fields_json(ctx->arena, &f));
	if ((rv = cert_audit(ctx, actor, in->id, "enterprise.certification.updated", detail)) !=
	            ST_OK ||
	    (rv = db_commit(ctx->db)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto fail;
	}
	if ((rv = enterprise_certification_load(ctx, in->id, 0, &c)) != ST_OK)
		goto out;
	*out = &c->base;
	rv = ST_OK;
	goto out;
fail:
	db_rollback(ctx->db);
out:
	PQclear(r);
	cert_params_free(&p);
	return rv;
}

/* ---- the applicant's views ------------------------------------------------------------ */

int enterprise_certification_get(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__CertificationRef *in = (const Enterprise__CertificationRef *)in_;
	const char *pid = NULL;
	Enterprise__CertificationApplication *c = NULL;
	char state[16];
	int rv;
	if ((rv = enterprise_caller_person(ctx, &pid)) != ST_OK ||
	    (rv = enterprise_certification_own(ctx, in->id, pid, state, NULL)) != ST_OK ||
	    (rv = enterprise_certification_load(ctx, in->id, 0, &c)) != ST_OK)
		return rv;
	*out = &c->base;
	return ST_OK;
}

int enterprise_certifications_mine(svc_ctx *ctx, const ProtobufCMessage *in_,
                                   ProtobufCMessage **out)
{
	const Enterprise__ListCertificationsRequest *in =
	        (const Enterprise__ListCertificationsRequest *)in_;
	const char *pid = NULL, *field = NULL;
	char limit[16], offset[24];
	PGresult *r = NULL;
	int page, size, rv;
	if ((rv = enterprise_caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if ((rv = validate_page(in->has_page, in->page, in->has_page_size, in->page_size, &page,
	                        &size, &field)) != 0)
		return status_err(rv, field);
	snprintf(limit, sizeof limit, "%d", size);
	snprintf(offset, sizeof offset, "%lld", (long long)(page - 1) * size);
	const char *v[] = {pid, limit, offset};
	if ((rv = db_exec(ctx->db, "SELECT count(*) FROM certifications WHERE applicant_id = $1", 1,
	                  v, &r)) != ST_OK)
		return status_err(rv, NULL);
	long long total = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if ((rv = db_exec(ctx->db,
	                  "SELECT " C_COLS C_FROM " WHERE c.applicant_id = $1"
	                  " ORDER BY c.created_at DESC, c.id DESC LIMIT $2::int OFFSET $3::bigint",
	                  3, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	Enterprise__ListCertificationsResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	enterprise__list_certifications_response__init(resp);
	int n = PQntuples(r);
	resp->items = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *resp->items);
	for (int i = 0; i < n; i++)
		resp->items[resp->n_items++] = cert_view(ctx, r, i, 0);
	PQclear(r);
	resp->has_total = 1;
	resp->total = total > INT32_MAX ? INT32_MAX : (int32_t)total;
	resp->has_page = 1;
	resp->page = page;
	resp->has_page_size = 1;
	resp->page_size = size;
	*out = &resp->base;
	return ST_OK;
}

/* ---- files ------------------------------------------------------------------------------ */

int enterprise_certification_file_upload(svc_ctx *ctx, const ProtobufCMessage *in_,
                                         ProtobufCMessage **out)
{
	const Enterprise__UploadCertificationFileRequest *in =
	        (const Enterprise__UploadCertificationFileRequest *)in_;
	const char *pid = NULL;
	Files__FileInfo *fi = NULL;
	PGresult *r = NULL;
	char state[16], actor[64];
	int rv;

	if ((rv = enterprise_caller_person(ctx, &pid)) != ST_OK ||
	    (rv = enterprise_certification_own(ctx, in->id, pid, state, NULL)) != ST_OK)
		return rv;
	if (!cert_sent(in->kind))
		return status_err(ST_FIELD_REQUIRED, "kind");
	int k = enterprise_cert_kind_index(in->kind);
	if (k < 0)
		return status_err(ST_FILE_KIND, "kind");
	if (!enterprise_cert_allows(state, ENTERPRISE_CERT_EDIT))
		return status_err(ST_CERT_NOT_EDITABLE, NULL);
	if ((rv = db_begin(ctx->db)) != ST_OK)
		return status_err(rv, NULL);
	/* The guard first: it also holds the row while the file is stored. */
	const char *v1[] = {in->id, pid};
	if ((rv = db_exec(ctx->db,
	                  "UPDATE certifications SET updated_at = now() WHERE id = $1 AND "
	                  "applicant_id = $2 AND state IN ('draft', 'rejected') RETURNING id",
	                  2, v1, &r)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto fail;
	}
	if (PQntuples(r) != 1) {
		rv = status_err(ST_CERT_NOT_EDITABLE, NULL);
		goto fail;
	}
	if ((rv = enterprise_file_store(ctx, in->file, "file", "certification", in->id, pid,
	                                in->kind, &fi)) != ST_OK)
		goto fail;
	const char *v2[] = {in->id, in->kind, fi->id};
	if ((rv = db_exec(
	             ctx->db,
	             "INSERT INTO certification_files (certification_id, kind, file_id) VALUES "
	             "($1, $2, $3) ON CONFLICT (certification_id, kind) DO UPDATE SET file_id "
	             "= EXCLUDED.file_id, uploaded_at = now()",
	             3, v2, NULL)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto fail;
	}
	snprintf(actor, sizeof actor, "person:%s", pid);
	const char *detail =
	        arena_printf(ctx->arena, "{\"kind\":\"%s\",\"file_id\":\"%s\",\"sha256\":\"%s\"}",
	                     in->kind, fi->id, fi->sha256);
	if ((rv = cert_audit(ctx, actor, in->id, "enterprise.certification.file_uploaded",
	                     detail)) != ST_OK ||
	    (rv = db_commit(ctx->db)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto fail;
	}
	*out = &fi->base;
	rv = ST_CREATED;
	goto out;
fail:
	db_rollback(ctx->db);
out:
	PQclear(r);
	return rv;
}

/* ---- submission ---------------------------------------------------------------------- */

int enterprise_certification_submit(svc_ctx *ctx, const ProtobufCMessage *in_,
                                    ProtobufCMessage **out)
{
	const Enterprise__CertificationRef *in = (const Enterprise__CertificationRef *)in_;
	const char *pid = NULL, *field = NULL, *message = NULL;
	Enterprise__CertificationApplication *c = NULL;
	PGresult *r = NULL;
	char state[16], uscc[24], actor[64], status[16];
	int rv;

	if ((rv = enterprise_caller_person(ctx, &pid)) != ST_OK ||
	    (rv = enterprise_certification_own(ctx, in->id, pid, state, uscc)) != ST_OK)
		return rv;
	if (!enterprise_cert_allows(state, ENTERPRISE_CERT_SUBMIT))
		return status_err(ST_CERT_NOT_EDITABLE, NULL);
	if (!enterprise_person_verified(ctx, pid))
		return status_errmsg(ST_PERSON_NOT_VERIFIED, NULL,
		                     "请先完成个人实名认证，再提交企业认证");
	if ((rv = enterprise_certification_missing(ctx, in->id, 1, &field, &message)) != ST_OK)
		return rv;
	if (*field)
		return status_errmsg(enterprise_cert_kind_index(field) >= 0 ? ST_FILE_MISSING
		                                                            : ST_FIELD_REQUIRED,
		                     field, message);
	/* The registry may have changed since the draft: checked again. */
	if ((rv = cert_registry_check(ctx, uscc, NULL, status)) != ST_OK ||
	    (rv = cert_not_certified(ctx, uscc)) != ST_OK)
		return rv;
	if ((rv = db_begin(ctx->db)) != ST_OK)
		return status_err(rv, NULL);
	const char *v[] = {in->id, pid, status};
	if ((rv = db_exec(ctx->db,
	                  "UPDATE certifications SET state = 'submitted', submitted_at = now(), "
	                  "registry_status = $3, updated_at = now() WHERE id = $1 AND applicant_id "
	                  "= $2 AND state IN ('draft', 'rejected') RETURNING applicant_id, uscc, "
	                  "enterprise_name",
	                  3, v, &r)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto fail;
	}
	if (PQntuples(r) != 1) {
		rv = status_err(ST_CERT_NOT_EDITABLE, NULL);
		goto fail;
	}
	Enterprise__CertificationEvent ev = ENTERPRISE__CERTIFICATION_EVENT__INIT;
	ev.certification_id = (char *)in->id;
	ev.applicant_id = PQgetvalue(r, 0, 0);
	ev.uscc = PQgetvalue(r, 0, 1);
	ev.enterprise_name = PQgetvalue(r, 0, 2);
	char subject[64];
	snprintf(subject, sizeof subject, "certification/%s", in->id);
	snprintf(actor, sizeof actor, "person:%s", pid);
	const char *detail =
	        arena_printf(ctx->arena, "{\"from\":\"%s\",\"uscc\":\"%s\"}", state, uscc);
	if ((rv = cert_audit(ctx, actor, in->id, "enterprise.certification.submitted", detail)) !=
	            ST_OK ||
	    (rv = events_append(ctx->db, "enterprise.certification.submitted", subject,
	                        &ev.base)) != ST_OK ||
	    (rv = db_commit(ctx->db)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto fail;
	}
	log_kv(LOGL_INFO, ctx->request_id, "certification submitted", "certification_id", in->id,
	       "uscc", uscc, NULL);
	PQclear(r);
	r = NULL;
	if ((rv = enterprise_certification_load(ctx, in->id, 0, &c)) != ST_OK)
		goto out;
	*out = &c->base;
	rv = ST_OK;
	goto out;
fail:
	db_rollback(ctx->db);
out:
	PQclear(r);
	return rv;
}

/* ---- approval (review.c and legal_rep.c) ---------------------------------------------- */

int enterprise_certification_approve_tx(svc_ctx *ctx, const char *id, const char *from_states,
                                        const char *actor, const char *method)
{
	PGresult *r = NULL, *e = NULL;
	char subject[64], esubject[64];
	int rv;
	const char *v1[] = {id, method, actor, from_states};
	if ((rv = db_exec(ctx->db,
	                  "UPDATE certifications SET state = 'approved', approval_method = $2, "
	                  "decided_by = $3, decided_at = now(), updated_at = now() WHERE id = $1 "
	                  "AND state = ANY ($4::text[]) RETURNING applicant_id, uscc, "
	                  "enterprise_name, legal_rep_name, region_code, address, industry, "
	                  "registered_capital_fen",
	                  4, v1, &r)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	if (PQntuples(r) != 1) {
		rv = status_err(ST_CERT_DECIDED, NULL);
		goto out;
	}
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
	rv = db_exec(ctx->db,
	             "INSERT INTO enterprises (uscc, name, legal_rep_name, region_code, address, "
	             "industry, registered_capital_fen, certification_id) VALUES ($1, $2, $3, $4, "
	             "$5, $6, $7::bigint, $8) RETURNING id",
	             8, v2, &e);
	if (rv == ST_CONFLICT) { /* another application of this USCC was approved first */
		rv = status_err(ST_ENTERPRISE_CERTIFIED, "uscc");
		goto out;
	}
	if (rv != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	const char *eid = PQgetvalue(e, 0, 0);
	/* The first certifier is the enterprise's admin. */
	const char *v3[] = {eid, applicant};
	const char *v4[] = {id, eid};
	if ((rv = db_exec(ctx->db,
	                  "INSERT INTO memberships (enterprise_id, person_id, role, state, "
	                  "decided_at) VALUES ($1, $2, 'admin', 'active', now())",
	                  2, v3, NULL)) != ST_OK ||
	    (rv = db_exec(ctx->db, "UPDATE certifications SET enterprise_id = $2 WHERE id = $1", 2,
	                  v4, NULL)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	Enterprise__CertificationEvent ev = ENTERPRISE__CERTIFICATION_EVENT__INIT;
	ev.certification_id = (char *)id;
	ev.applicant_id = (char *)applicant;
	ev.enterprise_id = (char *)eid;
	ev.enterprise_name = (char *)name;
	ev.uscc = (char *)uscc;
	ev.method = (char *)method;
	snprintf(subject, sizeof subject, "certification/%s", id);
	snprintf(esubject, sizeof esubject, "enterprise/%s", eid);
	const char *d1 = arena_printf(
	        ctx->arena, "{\"enterprise_id\":\"%s\",\"uscc\":\"%s\",\"method\":\"%s\"}", eid,
	        uscc, method);
	const char *d2 =
	        arena_printf(ctx->arena, "{\"certification_id\":\"%s\",\"admin_person_id\":\"%s\"}",
	                     id, applicant);
	if ((rv = audit_append(ctx->db, actor, subject, "enterprise.certification.approved", d1)) !=
	            ST_OK ||
	    (rv = audit_append(ctx->db, actor, esubject, "enterprise.certified", d2)) != ST_OK ||
	    (rv = events_append(ctx->db, "enterprise.certification.approved", subject, &ev.base)) !=
	            ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	log_kv(LOGL_INFO, ctx->request_id, "certification approved", "certification_id", id,
	       "enterprise_id", eid, "uscc", uscc, "method", method, NULL);
	rv = ST_OK;
out:
	PQclear(r);
	PQclear(e);
	return rv;
}

/* ---- the handler table -------------------------------------------------------------- */

const svc_handler_fn enterprise_certification_handlers[] = {
        enterprise_certification_create,
        enterprise_certification_update,
        enterprise_certification_get,
        enterprise_certifications_mine,
        enterprise_certification_file_upload,
        enterprise_certification_submit,
        enterprise_legal_rep_check_start,
        enterprise_legal_rep_check_confirm,
        enterprise_review_queue,
        enterprise_review_get,
        enterprise_review_approve,
        enterprise_review_reject,
        enterprise_file_get,
        enterprise_letter_get,
};

_Static_assert(sizeof enterprise_certification_handlers /
                               sizeof enterprise_certification_handlers[0] ==
                       14,
               "one handler per method of service Certification");
