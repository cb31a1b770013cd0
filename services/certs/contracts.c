/*
 * Contracts (合同), the initiator's side and what every party reads: upload of the PDF
 * (a draft), the draft's title, order, expiry and signers, sending it (签署中), voiding,
 * deleting a draft, the detail, the document (current revision or the original), a page
 * as PNG, the signing trail, and the expiry tick. Signing itself is signing.c's; it reads
 * contracts through certs_contract_for_party and records through certs_contract_event.
 * A person who is no party to a contract gets 404 for everything of it, as does a signer
 * for an enterprise they no longer belong to.
 */
#include "contracts.h"

#include "accounts.pb-c.h"
#include "blobs.h"
#include "bus.h"
#include "caller.h"
#include "certs.h"
#include "change.h"
#include "dbrow.h"
#include "log.h"
#include "memberproj.h"
#include "pdfread.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSTEM_ACTOR "system:certs.contracts"

static const char contract_cols[] = CERTS_CONTRACT_COLS;

/* SQL: person $2 is a party to contract c (the initiator, or a signer of a contract sent —
 * for an enterprise only while an active member of it). A draft is its initiator's alone. */
#define PARTY_SQL                                                                                  \
	"(c.initiator_person_id = $2::uuid OR c.state <> 'draft' AND EXISTS (SELECT 1 FROM"        \
	" contract_signers ps"                                                                     \
	" WHERE ps.contract_id = c.id AND ps.person_id = $2::uuid AND (ps.enterprise_id IS NULL"   \
	" OR EXISTS (SELECT 1 FROM enterprise_memberships pm WHERE pm.person_id = ps.person_id"    \
	" AND pm.enterprise_id = ps.enterprise_id))))"

static int signers_load(svc_ctx *ctx, certs_contract_row *c)
{
	PGresult *r = NULL;
	const char *v[] = {c->id};
	int rv = db_exec(ctx->db,
	                 "SELECT seq, person_id::text, enterprise_id::text, enterprise_name, name,"
	                 " phone_masked, state, " DBROW_CST("signed_at") ", " DBROW_CST(
	                         "refused_at") " FROM contract_signers WHERE contract_id = $1::uuid"
	                                       " ORDER BY seq",
	                 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(r);
	c->nsigners = (size_t)n;
	c->signers = arena_alloc(ctx->arena, sizeof *c->signers * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		certs_contract_signer *s = &c->signers[i];
		s->seq = (int)strtol(PQgetvalue(r, i, 0), NULL, 10);
		s->person_id = dbrow_text(ctx->arena, r, i, 1);
		s->enterprise_id = dbrow_text(ctx->arena, r, i, 2);
		s->enterprise_name = dbrow_text(ctx->arena, r, i, 3);
		s->name = dbrow_text(ctx->arena, r, i, 4);
		s->phone_masked = dbrow_text(ctx->arena, r, i, 5);
		s->state = dbrow_text(ctx->arena, r, i, 6);
		s->signed_at = dbrow_text(ctx->arena, r, i, 7);
		s->refused_at = dbrow_text(ctx->arena, r, i, 8);
	}
	PQclear(r);
	int live = strcmp(c->state, "signing") == 0 && !c->expired;
	int seqm = strcmp(c->order_mode, "sequential") == 0;
	for (size_t i = 0; i < c->nsigners; i++)
		c->signers[i].my_turn =
		        live && certs_contract_turn(c->signers, c->nsigners, i, seqm);
	return ST_OK;
}

static void row_fill(svc_ctx *ctx, const PGresult *r, int i, certs_contract_row *c)
{
	arena *a = ctx->arena;
	memset(c, 0, sizeof *c);
	c->id = dbrow_text(a, r, i, 0);
	c->number = dbrow_text(a, r, i, 1);
	c->title = dbrow_text(a, r, i, 2);
	c->state = dbrow_text(a, r, i, 3);
	c->order_mode = dbrow_text(a, r, i, 4);
	c->expires_at = dbrow_text(a, r, i, 5);
	c->expired = PQgetvalue(r, i, 6)[0] == 't';
	c->doc_sha256 = dbrow_text(a, r, i, 7);
	c->original_sha256 = dbrow_text(a, r, i, 8);
	c->doc_version = (int)strtol(PQgetvalue(r, i, 9), NULL, 10);
	c->pages = (int)strtol(PQgetvalue(r, i, 10), NULL, 10);
	c->size = strtoll(PQgetvalue(r, i, 11), NULL, 10);
	c->initiator_person_id = dbrow_text(a, r, i, 12);
	c->initiator_enterprise_id = dbrow_text(a, r, i, 13);
	c->file_name = dbrow_text(a, r, i, 14);
	c->created_at = dbrow_text(a, r, i, 15);
	c->updated_at = dbrow_text(a, r, i, 16);
	c->sent_at = dbrow_text(a, r, i, 17);
	c->completed_at = dbrow_text(a, r, i, 18);
	c->voided_at = dbrow_text(a, r, i, 19);
	c->void_reason = dbrow_text(a, r, i, 20);
	c->refuse_reason = dbrow_text(a, r, i, 21);
}

int certs_contract_row_read(svc_ctx *ctx, const PGresult *r, int i, certs_contract_row *out)
{
	row_fill(ctx, r, i, out);
	return signers_load(ctx, out);
}

/* The contract id with its signers: for person_id when a party (NULL: anyone). */
static int contract_load(svc_ctx *ctx, const char *id, const char *person_id,
                         certs_contract_row *out)
{
	PGresult *r = NULL;
	if (!id || !validate_uuid(id) || (person_id && !validate_uuid(person_id)))
		return status_err(ST_CONTRACT_NOT_FOUND, "id");
	const char *v[] = {id, person_id};
	int rv = db_exec(ctx->db,
	                 arena_printf(ctx->arena,
	                              "SELECT %s FROM contracts c WHERE c.id = $1::uuid%s",
	                              contract_cols, person_id ? " AND " PARTY_SQL : ""),
	                 person_id ? 2 : 1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_CONTRACT_NOT_FOUND, "id");
	}
	row_fill(ctx, r, 0, out);
	PQclear(r);
	return signers_load(ctx, out);
}

int certs_contract_for_party(svc_ctx *ctx, const char *contract_id, const char *person_id,
                             certs_contract_row *out)
{
	if (!person_id)
		return status_err(ST_CONTRACT_NOT_FOUND, "id");
	return contract_load(ctx, contract_id, person_id, out);
}

int certs_contract_for_caller(svc_ctx *ctx, const char *contract_id, const char **person_id,
                              certs_contract_row *out)
{
	int rv = caller_person(ctx, person_id);
	if (rv != ST_OK)
		return rv;
	return certs_contract_for_party(ctx, contract_id, *person_id, out);
}

/* ---- events ---------------------------------------------------------------------------- */

static void ids_add(char **ids, size_t *n, const char *id)
{
	if (!id)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(ids[i], id) == 0)
			return;
	ids[(*n)++] = (char *)id;
}

int certs_contract_event(svc_ctx *ctx, const char *type, const char *contract_id, const char *actor,
                         const char *reason)
{
	certs_contract_row c;
	int rv = contract_load(ctx, contract_id, NULL, &c);
	if (rv != ST_OK)
		return rv;
	/* The event's moment, not the expiry check's: a contract sent is live for the turn. */
	int seqm = strcmp(c.order_mode, "sequential") == 0;
	char **ids = arena_alloc(ctx->arena, sizeof *ids * (c.nsigners + 1));
	size_t n = 0;
	int all = strcmp(type, "sent") != 0 && strcmp(type, "signed") != 0;
	if (all || strcmp(type, "signed") == 0)
		ids_add(ids, &n, c.initiator_person_id);
	for (size_t i = 0; i < c.nsigners; i++) {
		int turn = certs_contract_turn(c.signers, c.nsigners, i, seqm);
		if (all || (strcmp(type, "sent") == 0 && turn) ||
		    (strcmp(type, "signed") == 0 && seqm && turn))
			ids_add(ids, &n, c.signers[i].person_id);
	}
	Certs__ContractEvent e = CERTS__CONTRACT_EVENT__INIT;
	e.contract_id = (char *)c.id;
	e.number = (char *)c.number;
	e.title = (char *)c.title;
	e.state = (char *)c.state;
	e.initiator_person_id = (char *)c.initiator_person_id;
	e.notify_person_ids = ids;
	e.n_notify_person_ids = n;
	e.actor_person_id = (char *)actor;
	e.reason = (char *)reason;
	change_event ev = {arena_printf(ctx->arena, "certs.contract.%s", type), NULL, &e.base};
	return change_record(ctx,
	                     actor ? arena_printf(ctx->arena, "person:%s", actor) : SYSTEM_ACTOR,
	                     arena_printf(ctx->arena, "contract/%s", c.id),
	                     arena_printf(ctx->arena, "contract.%s", type),
	                     json_pack("{s:s,s:s}", "number", c.number, "state", c.state), &ev);
}

/* ---- the message ----------------------------------------------------------------------- */

Certs__Contract *certs_contract_message(svc_ctx *ctx, const certs_contract_row *c,
                                        const char *person_id, int with_signers)
{
	arena *a = ctx->arena;
	Certs__Contract *m = arena_alloc(a, sizeof *m);
	certs__contract__init(m);
	m->id = (char *)c->id;
	m->number = (char *)c->number;
	m->title = (char *)c->title;
	m->state = (char *)c->state;
	m->state_label = (char *)certs_contract_state_label(c->state);
	m->order_mode = (char *)c->order_mode;
	m->expires_at = (char *)c->expires_at;
	m->initiator_person_id = (char *)c->initiator_person_id;
	m->initiator_enterprise_id = (char *)c->initiator_enterprise_id;
	m->has_pages = m->has_size = m->has_doc_version = 1;
	m->pages = c->pages;
	m->size = c->size;
	m->doc_version = c->doc_version;
	m->doc_sha256 = (char *)c->doc_sha256;
	m->original_sha256 = (char *)c->original_sha256;
	m->file_name = (char *)c->file_name;
	m->created_at = (char *)c->created_at;
	m->updated_at = (char *)c->updated_at;
	m->sent_at = (char *)c->sent_at;
	m->completed_at = (char *)c->completed_at;
	m->voided_at = (char *)c->voided_at;
	m->void_reason = (char *)c->void_reason;
	m->refuse_reason = (char *)c->refuse_reason;
	m->has_signers_total = m->has_signers_signed = m->has_my_seq = m->has_can_sign_now = 1;
	m->signers_total = (int32_t)c->nsigners;
	int initiator = person_id && strcmp(person_id, c->initiator_person_id) == 0, signer = 0;
	if (with_signers) {
		m->signers = arena_alloc(a, sizeof *m->signers * (c->nsigners ? c->nsigners : 1));
		m->n_signers = c->nsigners;
	}
	for (size_t i = 0; i < c->nsigners; i++) {
		const certs_contract_signer *s = &c->signers[i];
		m->signers_signed += strcmp(s->state, "signed") == 0;
		if (person_id && strcmp(s->person_id, person_id) == 0) {
			signer = 1;
			/* The first of the person's seats whose turn it is, else their first. */
			if (!m->my_seq || (s->my_turn && !m->can_sign_now))
				m->my_seq = s->seq;
			m->can_sign_now |= s->my_turn;
		}
		if (!with_signers)
			continue;
		Certs__ContractSigner *o = arena_alloc(a, sizeof *o);
		certs__contract_signer__init(o);
		o->has_seq = o->has_my_turn = 1;
		o->seq = s->seq;
		o->person_id = (char *)s->person_id;
		o->enterprise_id = (char *)s->enterprise_id;
		o->enterprise_name = (char *)s->enterprise_name;
		o->name = (char *)s->name;
		o->phone_masked = (char *)s->phone_masked;
		o->state = (char *)s->state;
		o->state_label = (char *)certs_contract_signer_label(s->state);
		o->my_turn = s->my_turn;
		o->signed_at = (char *)s->signed_at;
		o->refused_at = (char *)s->refused_at;
		m->signers[i] = o;
	}
	m->my_role = initiator && signer ? "both"
	             : initiator         ? "initiator"
	             : signer            ? "signer"
	                                 : NULL;
	return m;
}

/* ---- shared by the handlers ------------------------------------------------------------ */

#define AAD_PHONE          "certs.contract_signers.phone_enc"
#define CONTRACTS_MAX_SIGN 20
#define TITLE_MAX          100
#define REASON_MAX         200

static const char *client_ip(const svc_ctx *ctx)
{
	return ctx->caller && ctx->caller->client_ip && *ctx->caller->client_ip
	               ? ctx->caller->client_ip
	               : NULL;
}

/* One trail row of contracts' own actions, inside the caller's transaction. */
static int trail_add(svc_ctx *ctx, const char *id, const char *person, const char *enterprise,
                     const char *action, const char *sha, const char *detail)
{
	const char *v[] = {id, person, enterprise, action, client_ip(ctx), sha, detail};
	return change_exec(
	        ctx,
	        "INSERT INTO signing_trail (contract_id, person_id, enterprise_id, action,"
	        " ip, doc_sha256_before, doc_sha256_after, detail)"
	        " VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $6, $7)",
	        7, v, NULL);
}

static int audit(svc_ctx *ctx, const char *actor, const char *id, const char *action,
                 json_t *detail)
{
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", actor),
	                     arena_printf(ctx->arena, "contract/%s", id), action, detail, NULL);
}

/* The caller's contract as its initiator (*pidp: the calling person): 404 unless a party,
 * 403 for a party who did not initiate it. */
static int load_as_initiator(svc_ctx *ctx, const char *id, const char **pidp, certs_contract_row *c)
{
	int rv = certs_contract_for_caller(ctx, id, pidp, c);
	if (rv != ST_OK)
		return rv;
	const char *pid = *pidp;
	if (strcmp(c->initiator_person_id, pid) != 0)
		return status_err(ST_CONTRACT_NOT_INITIATOR, "id");
	/* Editing, sending, voiding or deleting acts in the initiating enterprise's name: the
	 * initiator must still be its member (a removed employee's session still claims it). */
	if (c->initiator_enterprise_id) {
		memberproj_row m;
		rv = memberproj_get(ctx, pid, c->initiator_enterprise_id, &m);
		if (rv == ST_NOT_FOUND)
			return status_err(ST_CONTRACT_INITIATOR_LEFT, "id");
		if (rv != ST_OK)
			return rv;
	}
	return ST_OK;
}

static int reply(svc_ctx *ctx, const char *id, const char *pid, ProtobufCMessage **out)
{
	certs_contract_row c;
	int rv = certs_contract_for_party(ctx, id, pid, &c);
	if (rv != ST_OK)
		return rv;
	*out = &certs_contract_message(ctx, &c, pid, 1)->base;
	return ST_OK;
}

/* ---- upload ---------------------------------------------------------------------------- */

struct upload {
	const Certs__ContractUpload *q;
	const char *pid, *eid, *title;
	int pages;
	const char *id;
};

static int upload_tx(svc_ctx *ctx, void *arg)
{
	struct upload *u = arg;
	blobs_info info;
	int rv = blobs_put_max(ctx, &CERTS_APP(ctx)->pii, "certs", u->q->file, "file", "contract",
	                       CERTS_CONTRACT_MAX_BYTES, &info);
	if (rv != ST_OK)
		return rv;
	PGresult *nr = NULL;
	if ((rv = change_exec(ctx,
	                      "INSERT INTO contract_numbers AS n (day, last)"
	                      " VALUES ((now() AT TIME ZONE 'Asia/Shanghai')::date, 1)"
	                      " ON CONFLICT (day) DO UPDATE SET last = n.last + 1"
	                      " WHERE n.last < 999999"
	                      " RETURNING to_char(day, 'YYYYMMDD'), last",
	                      0, NULL, &nr)) != ST_OK)
		return rv;
	char number[24];
	if (PQntuples(nr) != 1 ||
	    certs_contract_number(PQgetvalue(nr, 0, 0), (int)strtol(PQgetvalue(nr, 0, 1), NULL, 10),
	                          number, sizeof number) != 0) {
		PQclear(nr);
		return status_err(ST_CONTRACT_DAILY_FULL, NULL);
	}
	PQclear(nr);
	char pages[16], size[24];
	snprintf(pages, sizeof pages, "%d", u->pages);
	snprintf(size, sizeof size, "%zu", info.size);
	const char *v[] = {number, u->title, u->pid, u->eid, info.sha256, pages, size, info.name};
	PGresult *r = NULL;
	if ((rv = change_exec(ctx,
	                      "INSERT INTO contracts (number, title, initiator_person_id,"
	                      " initiator_enterprise_id, original_sha256, doc_sha256, pages, size,"
	                      " file_name) VALUES ($1, $2, $3::uuid, $4::uuid, $5, $5, $6::int,"
	                      " $7::bigint, $8) RETURNING id::text",
	                      8, v, &r)) != ST_OK)
		return rv;
	u->id = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	if ((rv = trail_add(ctx, u->id, u->pid, u->eid, "created", info.sha256, NULL)) != ST_OK)
		return rv;
	return audit(ctx, u->pid, u->id, "contract.created",
	             json_pack("{s:s,s:s,s:i}", "number", number, "sha256", info.sha256, "pages",
	                       u->pages));
}

/* The title: given, else the file's name without its extension; 1..100 characters. */
static const char *title_of(svc_ctx *ctx, const char *title, const Files__Upload *f)
{
	if (title && *title)
		return title;
	if (!f || !f->name || !*f->name)
		return NULL;
	const char *base = strrchr(f->name, '/') ? strrchr(f->name, '/') + 1 : f->name;
	char *t = arena_strdup(ctx->arena, base);
	char *dot = strrchr(t, '.');
	if (dot && dot != t)
		*dot = '\0';
	return t;
}

int certs_contract_upload(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ContractUpload *q = (const Certs__ContractUpload *)in;
	struct upload u = {.q = q};
	int rv = caller_person(ctx, &u.pid);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	const char *claim = caller_enterprise_claim(ctx);
	if (claim && *claim) {
		memberproj_row m;
		if ((rv = memberproj_get(ctx, u.pid, claim, &m)) != ST_OK)
			return rv == ST_NOT_FOUND ? status_err(ST_FORBIDDEN, "enterprise_id") : rv;
		u.eid = claim;
	}
	if (!q->file || !q->file->has_data || q->file->data.len == 0)
		return status_err(q->file ? ST_FILE_EMPTY : ST_FIELD_REQUIRED, "file");
	if (q->file->data.len > CERTS_CONTRACT_MAX_BYTES)
		return status_err(ST_CONTRACT_TOO_LARGE, "file");
	pdfread *d = NULL;
	if ((rv = pdfread_open(q->file->data.data, q->file->data.len, &d)) != ST_OK)
		return status_err(rv == ST_PDF_ENCRYPTED ? ST_PDF_ENCRYPTED : ST_PDF_INVALID,
		                  "file");
	u.pages = pdfread_page_count(d);
	pdfread_free(d);
	if (u.pages <= 0)
		return status_err(ST_PDF_INVALID, "file");
	u.title = title_of(ctx, q->title, q->file);
	if (!u.title || validate_text(u.title, TITLE_MAX) != 0)
		return status_err(ST_CONTRACT_TITLE, "title");
	if ((rv = change_run(ctx, upload_tx, &u)) != ST_OK)
		return rv;
	if ((rv = reply(ctx, u.id, u.pid, out)) != ST_OK)
		return rv;
	return ST_CREATED;
}

/* ---- the draft ------------------------------------------------------------------------- */

struct signer_in {
	const char *person_id, *enterprise_id, *enterprise_name, *name, *masked;
	unsigned char *sealed;
	size_t sealed_len;
};

struct update {
	const Certs__ContractDraft *q;
	const char *pid, *mode;
	struct signer_in *s;
	size_t n;
};

static int update_tx(svc_ctx *ctx, void *arg)
{
	struct update *u = arg;
	const Certs__ContractDraft *q = u->q;
	const char *v[] = {q->id, q->title && *q->title ? q->title : NULL, u->mode,
	                   q->expires_at && *q->expires_at ? q->expires_at : NULL};
	int rv = change_guard(ctx, ST_CONTRACT_STATE, "state",
	                      "UPDATE contracts SET title = coalesce($2, title), order_mode = $3,"
	                      " expires_at = $4::timestamptz, updated_at = now()"
	                      " WHERE id = $1::uuid AND state = 'draft'",
	                      4, v, NULL);
	if (rv != ST_OK)
		return rv;
	if ((rv = change_exec(ctx, "DELETE FROM contract_signers WHERE contract_id = $1::uuid", 1,
	                      v, NULL)) != ST_OK)
		return rv;
	for (size_t i = 0; i < u->n; i++) {
		const struct signer_in *s = &u->s[i];
		char seq[24];
		snprintf(seq, sizeof seq, "%zu", i + 1);
		const char *sv[] = {q->id,
		                    seq,
		                    s->person_id,
		                    s->enterprise_id,
		                    s->enterprise_name,
		                    s->name,
		                    (const char *)s->sealed,
		                    s->masked};
		const int lens[] = {0, 0, 0, 0, 0, 0, (int)s->sealed_len, 0};
		const int fmts[] = {0, 0, 0, 0, 0, 0, 1, 0};
		if ((rv = change_unique(
		             ctx, ST_CONTRACT_SIGNER_DUPLICATE, "signers",
		             "INSERT INTO contract_signers (contract_id, seq, person_id,"
		             " enterprise_id, enterprise_name, name, phone_enc, phone_masked)"
		             " VALUES ($1::uuid, $2::int, $3::uuid, $4::uuid, $5, $6, $7, $8)",
		             8, sv, lens, fmts, NULL)) != ST_OK)
			return rv;
	}
	return audit(ctx, u->pid, q->id, "contract.updated",
	             json_pack("{s:s,s:i}", "order_mode", u->mode, "signers", (int)u->n));
}

/* One signer of the form checked: the person of the phone, verified, whose verified name it
 * is (one answer for an unknown phone and a wrong name: the form reveals no registration),
 * an active member of the enterprise named, if any. */
static int signer_check(svc_ctx *ctx, const Certs__ContractSignerForm *f, size_t i,
                        struct signer_in *s)
{
	const char *field = arena_printf(ctx->arena, "signers[%zu]", i);
	if (!f->phone || validate_mobile(f->phone) != 0)
		return status_err(ST_CONTRACT_SIGNER_PHONE,
		                  arena_printf(ctx->arena, "%s.phone", field));
	if (!f->name || validate_text(f->name, 30) != 0 || !*f->name)
		return status_err(ST_CONTRACT_SIGNER_UNKNOWN,
		                  arena_printf(ctx->arena, "%s.name", field));
	Accounts__FindPersonRequest q = ACCOUNTS__FIND_PERSON_REQUEST__INIT;
	q.phone = f->phone;
	q.name = f->name;
	ProtobufCMessage *o = NULL;
	int rv = bus_call(CERTS_APP(ctx)->accounts, "FindPerson", ctx->caller,
	                  bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                  &q.base, &accounts__found_person__descriptor, ctx->arena, &o);
	if (rv == ST_NOT_FOUND || (rv == ST_OK && !((Accounts__FoundPerson *)o)->name_matches)) {
		status_clear();
		return status_err(ST_CONTRACT_SIGNER_UNKNOWN,
		                  arena_printf(ctx->arena, "%s.name", field));
	}
	if (rv != ST_OK)
		return rv;
	Accounts__FoundPerson *p = (Accounts__FoundPerson *)o;
	s->person_id = p->person_id;
	s->name = f->name;
	if (f->enterprise_id && *f->enterprise_id) {
		memberproj_row m;
		rv = memberproj_get(ctx, p->person_id, f->enterprise_id, &m);
		if (rv == ST_NOT_FOUND)
			return status_err(ST_CONTRACT_SIGNER_ENTERPRISE,
			                  arena_printf(ctx->arena, "%s.enterprise_id", field));
		if (rv != ST_OK)
			return rv;
		s->enterprise_id = f->enterprise_id;
		s->enterprise_name = m.enterprise_name;
	}
	char masked[16];
	validate_mask_mobile(f->phone, masked);
	s->masked = arena_strdup(ctx->arena, masked);
	if (crypto_seal(&CERTS_APP(ctx)->pii, f->phone, strlen(f->phone), AAD_PHONE, &s->sealed,
	                &s->sealed_len) != 0)
		return status_err(ST_INTERNAL, NULL);
	return ST_OK;
}

/* expires_at: RFC 3339, in the future and at most a year ahead (the database's clock). */
static int expires_check(svc_ctx *ctx, const char *t)
{
	if (!certs_contract_time_valid(t))
		return status_err(ST_CONTRACT_EXPIRES, "expires_at");
	PGresult *r = NULL;
	const char *v[] = {t};
	int rv = db_exec(
	        ctx->db,
	        "SELECT $1::timestamptz > now() AND $1::timestamptz <= now() + interval '1 year'",
	        1, v, &r);
	if (rv != ST_OK)
		return status_err(ST_CONTRACT_EXPIRES, "expires_at");
	int ok = PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return ok ? ST_OK : status_err(ST_CONTRACT_EXPIRES, "expires_at");
}

int certs_contract_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ContractDraft *q = (const Certs__ContractDraft *)in;
	struct update u = {.q = q};
	certs_contract_row c;
	int rv = load_as_initiator(ctx, q->id, &u.pid, &c);
	if (rv != ST_OK)
		return rv;
	if (strcmp(c.state, "draft") != 0)
		return status_err(ST_CONTRACT_STATE, "state");
	if (q->title && (!*q->title || validate_text(q->title, TITLE_MAX) != 0))
		return status_err(ST_CONTRACT_TITLE, "title");
	u.mode = q->order_mode && *q->order_mode ? q->order_mode : "sequential";
	if (strcmp(u.mode, "sequential") != 0 && strcmp(u.mode, "parallel") != 0)
		return status_err(ST_CONTRACT_ORDER_MODE, "order_mode");
	if (q->expires_at && *q->expires_at && (rv = expires_check(ctx, q->expires_at)) != ST_OK)
		return rv;
	if (q->n_signers > CONTRACTS_MAX_SIGN)
		return status_err(ST_CONTRACT_SIGNERS, "signers");
	u.n = q->n_signers;
	u.s = arena_alloc(ctx->arena, sizeof *u.s * (u.n ? u.n : 1));
	memset(u.s, 0, sizeof *u.s * (u.n ? u.n : 1));
	for (size_t i = 0; i < u.n && rv == ST_OK; i++) {
		rv = signer_check(ctx, q->signers[i], i, &u.s[i]);
		for (size_t k = 0; k < i && rv == ST_OK; k++)
			if (strcmp(u.s[k].person_id, u.s[i].person_id) == 0 &&
			    !!u.s[k].enterprise_id == !!u.s[i].enterprise_id &&
			    (!u.s[k].enterprise_id ||
			     strcmp(u.s[k].enterprise_id, u.s[i].enterprise_id) == 0))
				rv = status_err(ST_CONTRACT_SIGNER_DUPLICATE,
				                arena_printf(ctx->arena, "signers[%zu]", i));
	}
	if (rv == ST_OK)
		rv = change_run(ctx, update_tx, &u);
	for (size_t i = 0; i < u.n; i++)
		free(u.s[i].sealed);
	if (rv != ST_OK)
		return rv;
	return reply(ctx, q->id, u.pid, out);
}

/* ---- send, void, delete ---------------------------------------------------------------- */

struct move {
	const char *id, *pid, *eid, *reason, *sha;
};

static int send_tx(svc_ctx *ctx, void *arg)
{
	struct move *m = arg;
	const char *v[] = {m->id};
	/* Checked again under the guard: the form may have changed since the caller read it. */
	int rv =
	        change_guard(ctx, ST_CONTRACT_STATE, "state",
	                     "UPDATE contracts SET state = 'signing', sent_at = now(), updated_at ="
	                     " now() WHERE id = $1::uuid AND state = 'draft'"
	                     " AND expires_at > now() AND expires_at <= now() + interval '1 year'"
	                     " AND EXISTS (SELECT 1 FROM contract_signers s"
	                     " WHERE s.contract_id = contracts.id)",
	                     1, v, NULL);
	if (rv != ST_OK)
		return rv;
	if ((rv = trail_add(ctx, m->id, m->pid, m->eid, "sent", m->sha, NULL)) != ST_OK)
		return rv;
	return certs_contract_event(ctx, "sent", m->id, m->pid, NULL);
}

int certs_contract_send(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ContractRef *q = (const Certs__ContractRef *)in;
	certs_contract_row c;
	struct move m = {0};
	int rv = load_as_initiator(ctx, q->id, &m.pid, &c);
	if (rv != ST_OK)
		return rv;
	if (strcmp(c.state, "draft") != 0)
		return status_err(ST_CONTRACT_STATE, "state");
	if (c.nsigners == 0)
		return status_err(ST_CONTRACT_SIGNERS, "signers");
	if (!c.expires_at)
		return status_err(ST_CONTRACT_EXPIRES, "expires_at");
	if ((rv = expires_check(ctx, c.expires_at)) != ST_OK)
		return rv;
	m.id = c.id;
	m.eid = c.initiator_enterprise_id;
	m.sha = c.doc_sha256;
	if ((rv = change_run(ctx, send_tx, &m)) != ST_OK)
		return rv;
	return reply(ctx, c.id, m.pid, out);
}

static int void_tx(svc_ctx *ctx, void *arg)
{
	struct move *m = arg;
	const char *v[] = {m->id, m->reason};
	int rv = change_guard(ctx, ST_CONTRACT_STATE, "state",
	                      "UPDATE contracts SET state = 'voided', voided_at = now(),"
	                      " void_reason = $2, updated_at = now()"
	                      " WHERE id = $1::uuid AND state = 'signing'",
	                      2, v, NULL);
	if (rv != ST_OK)
		return rv;
	if ((rv = trail_add(ctx, m->id, m->pid, m->eid, "voided", m->sha, m->reason)) != ST_OK)
		return rv;
	return certs_contract_event(ctx, "voided", m->id, m->pid, m->reason);
}

int certs_contract_void(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__VoidContractRequest *q = (const Certs__VoidContractRequest *)in;
	certs_contract_row c;
	struct move m = {0};
	int rv = load_as_initiator(ctx, q->id, &m.pid, &c);
	if (rv != ST_OK)
		return rv;
	if (!q->reason || !*q->reason || validate_text(q->reason, REASON_MAX) != 0)
		return status_err(ST_CONTRACT_VOID_REASON, "reason");
	if (strcmp(c.state, "signing") != 0)
		return status_err(ST_CONTRACT_STATE, "state");
	m.id = c.id;
	m.eid = c.initiator_enterprise_id;
	m.sha = c.doc_sha256;
	m.reason = q->reason;
	if ((rv = change_run(ctx, void_tx, &m)) != ST_OK)
		return rv;
	return reply(ctx, c.id, m.pid, out);
}

static int delete_tx(svc_ctx *ctx, void *arg)
{
	struct move *m = arg;
	const char *v[] = {m->id};
	int rv = change_guard(ctx, ST_CONTRACT_STATE, "state",
	                      "DELETE FROM contracts WHERE id = $1::uuid AND state = 'draft'", 1, v,
	                      NULL);
	if (rv != ST_OK)
		return rv;
	return audit(ctx, m->pid, m->id, "contract.deleted", NULL);
}

int certs_contract_delete(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ContractRef *q = (const Certs__ContractRef *)in;
	certs_contract_row c;
	struct move m = {0};
	int rv = load_as_initiator(ctx, q->id, &m.pid, &c);
	if (rv != ST_OK)
		return rv;
	if (strcmp(c.state, "draft") != 0)
		return status_err(ST_CONTRACT_STATE, "state");
	m.id = c.id;
	if ((rv = change_run(ctx, delete_tx, &m)) != ST_OK)
		return rv;
	Certs__Contract *o = certs_contract_message(ctx, &c, m.pid, 1);
	o->state = "deleted";
	o->state_label = "已删除";
	*out = &o->base;
	return ST_OK;
}

/* ---- reading ----------------------------------------------------------------------------- */

int certs_contract_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ContractRef *q = (const Certs__ContractRef *)in;
	const char *pid = NULL;
	certs_contract_row c;
	int rv = certs_contract_for_caller(ctx, q->id, &pid, &c);
	if (rv != ST_OK)
		return rv;
	Certs__Contract *m = certs_contract_message(ctx, &c, pid, 1);
	/* The initiator's display name: the signer row's verified name when they sign too. */
	for (size_t i = 0; i < c.nsigners; i++)
		if (strcmp(c.signers[i].person_id, c.initiator_person_id) == 0)
			m->initiator_name = (char *)c.signers[i].name;
	*out = &m->base;
	return ST_OK;
}

/* The bytes of the current revision, or the original (version 0). */
static int document_bytes(svc_ctx *ctx, const certs_contract_row *c, int has_version, int version,
                          unsigned char **data, size_t *len)
{
	const char *sha = c->doc_sha256;
	if (has_version) {
		if (version == 0)
			sha = c->original_sha256;
		else if (version != c->doc_version)
			return status_err(ST_CONTRACT_VERSION, "version");
	}
	return blobs_get(ctx, &CERTS_APP(ctx)->pii, "certs", sha, data, len);
}

int certs_contract_document(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ContractDocumentRequest *q = (const Certs__ContractDocumentRequest *)in;
	const char *pid = NULL;
	certs_contract_row c;
	int rv = certs_contract_for_caller(ctx, q->id, &pid, &c);
	if (rv != ST_OK)
		return rv;
	unsigned char *data = NULL;
	size_t len = 0;
	if ((rv = document_bytes(ctx, &c, q->has_version, q->version, &data, &len)) != ST_OK)
		return rv;
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	int original = q->has_version && q->version == 0 && c.doc_version != 0;
	d->name = arena_printf(ctx->arena, "%s%s.pdf", c.number, original ? "-original" : "");
	d->content_type = "application/pdf";
	d->has_data = 1;
	d->data.data = data;
	d->data.len = len;
	*out = &d->base;
	return ST_OK;
}

int certs_contract_page(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ContractPageRequest *q = (const Certs__ContractPageRequest *)in;
	const char *pid = NULL;
	certs_contract_row c;
	int rv = certs_contract_for_caller(ctx, q->id, &pid, &c);
	if (rv != ST_OK)
		return rv;
	if (!q->has_n || q->n < 1 || q->n > c.pages)
		return status_err(ST_CONTRACT_PAGE, "n");
	unsigned char *data = NULL, *png = NULL;
	size_t len = 0, png_len = 0;
	if ((rv = document_bytes(ctx, &c, q->has_version, q->version, &data, &len)) != ST_OK)
		return rv;
	if ((rv = certs_contract_render(data, len, q->n - 1, 110, &png, &png_len)) != ST_OK)
		return status_err(rv, "n");
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->content_type = "image/png";
	d->has_inline_ = d->inline_ = 1;
	d->has_data = 1;
	d->data.data = arena_alloc(ctx->arena, png_len);
	memcpy(d->data.data, png, png_len);
	d->data.len = png_len;
	free(png);
	*out = &d->base;
	return ST_OK;
}

int certs_contract_trail(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ContractRef *q = (const Certs__ContractRef *)in;
	const char *pid = NULL;
	certs_contract_row c;
	int rv = certs_contract_for_caller(ctx, q->id, &pid, &c);
	if (rv != ST_OK)
		return rv;
	PGresult *r = NULL;
	const char *v[] = {c.id};
	if ((rv = db_exec(
	             ctx->db,
	             "SELECT id, " DBROW_CST(
	                     "at") ", person_id::text, enterprise_id::text,"
	                           " action, ip, doc_sha256_before, doc_sha256_after, cert_serial,"
	                           " seal_id::text, " DBROW_CST(
	                                   "sms_confirmed_at") ", detail"
	                                                       " FROM signing_trail WHERE "
	                                                       "contract_id = $1::uuid ORDER BY id",
	             1, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(r);
	Certs__ContractTrail *t = arena_alloc(ctx->arena, sizeof *t);
	certs__contract_trail__init(t);
	t->items = arena_alloc(ctx->arena, sizeof *t->items * (size_t)(n ? n : 1));
	t->n_items = (size_t)n;
	t->has_total = 1;
	t->total = n;
	arena *a = ctx->arena;
	for (int i = 0; i < n; i++) {
		Certs__TrailEntry *e = arena_alloc(a, sizeof *e);
		certs__trail_entry__init(e);
		e->has_id = 1;
		e->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		e->at = dbrow_text(a, r, i, 1);
		e->person_id = dbrow_text(a, r, i, 2);
		e->enterprise_id = dbrow_text(a, r, i, 3);
		e->action = dbrow_text(a, r, i, 4);
		e->action_label = (char *)certs_contract_action_label(e->action);
		e->ip = dbrow_text(a, r, i, 5);
		e->doc_sha256_before = dbrow_text(a, r, i, 6);
		e->doc_sha256_after = dbrow_text(a, r, i, 7);
		e->cert_serial = dbrow_text(a, r, i, 8);
		e->seal_id = dbrow_text(a, r, i, 9);
		e->sms_confirmed_at = dbrow_text(a, r, i, 10);
		e->detail = dbrow_text(a, r, i, 11);
		/* Who: the party's name as the contract knows it. */
		for (size_t k = 0; e->person_id && k < c.nsigners; k++)
			if (strcmp(c.signers[k].person_id, e->person_id) == 0)
				e->person_name = (char *)c.signers[k].name;
		t->items[i] = e;
	}
	PQclear(r);
	*out = &t->base;
	return ST_OK;
}

/* ---- expiry ---------------------------------------------------------------------------- */

static int expire_tx(svc_ctx *ctx, void *arg)
{
	const char *id = arg;
	const char *v[] = {id};
	PGresult *r = NULL;
	/* Guarded: of two replicas (or a signature racing the tick) one moves it. */
	int rv = change_guard(ctx, ST_CONTRACT_STATE, "state",
	                      "UPDATE contracts SET state = 'expired', updated_at = now()"
	                      " WHERE id = $1::uuid AND state = 'signing' AND expires_at <= now()"
	                      " RETURNING doc_sha256",
	                      1, v, &r);
	if (rv != ST_OK)
		return rv;
	const char *sha = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	if ((rv = trail_add(ctx, id, NULL, NULL, "expired", sha, NULL)) != ST_OK)
		return rv;
	return certs_contract_event(ctx, "expired", id, NULL, NULL);
}

int certs_contracts_tick(svc_ctx *ctx)
{
	PGresult *r = NULL;
	if (db_exec(ctx->db,
	            "SELECT id::text FROM contracts WHERE state = 'signing' AND expires_at <= now()"
	            " ORDER BY expires_at LIMIT 50",
	            0, NULL, &r) != ST_OK) {
		status_clear();
		return 30000;
	}
	int n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		char *id = arena_strdup(ctx->arena, PQgetvalue(r, i, 0));
		if (change_run(ctx, expire_tx, id) != ST_OK)
			status_clear(); /* another replica or a signature was first */
	}
	PQclear(r);
	return n == 50 ? 1000 : 5000;
}
