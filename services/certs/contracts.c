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

#include "blobs.h"
#include "caller.h"
#include "certs.h"
#include "change.h"
#include "dbrow.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSTEM_ACTOR "system:certs.contracts"

static const char
        contract_cols[] =
                "c.id::text, c.number, c.title, c.state, c.order_mode, " DBROW_CST(
                        "c.expires_at") ", (c.expires_at IS NOT NULL AND c.expires_at <= now()),"
                                        " c.doc_sha256, c.original_sha256, c.doc_version, c.pages, "
                                        "c.size,"
                                        " c.initiator_person_id::text, "
                                        "c.initiator_enterprise_id::text,"
                                        " c.file_name, " DBROW_CST("c.created_at") ", " DBROW_CST("c.updated_at") ", " DBROW_CST(
                                                "c.sent_at") ", " DBROW_CST("c.completed_at") ","
                                                                                              " " DBROW_CST("c.voided_at") ", c.void_reason, c.refuse_reason";

/* SQL: person $2 is a party to contract c (the initiator, or a signer — for an enterprise
 * only while an active member of it). */
#define PARTY_SQL                                                                                  \
	"(c.initiator_person_id = $2::uuid OR EXISTS (SELECT 1 FROM contract_signers ps"           \
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
