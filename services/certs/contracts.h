/*
 * Contracts (合同), what their files share and what signing (signing.c) calls:
 *   contracts.c         upload, the draft, send, void, delete, detail, document, trail,
 *                       the expiry tick; certs_contract_for_party, certs_contract_event
 *   contracts_views.c   the seven views and their counts; the pure rules (number, views,
 *                       whose turn)
 *   contracts_render.c  a page as PNG (poppler-glib + cairo)
 * States: draft → signing → completed | voided | refused | expired. Whose turn:
 * sequential — the lowest seq still waiting; parallel — every waiting signer.
 */
#ifndef CERTS_CONTRACTS_H
#define CERTS_CONTRACTS_H

#include "certs_contracts.pb-c.h"
#include "dbrow.h"
#include "svc.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <time.h>

/* The largest contract document: 20 MiB (issue 19). */
#define CERTS_CONTRACT_MAX_BYTES (20u * 1024u * 1024u)

/* One signer of a contract; strings in the request's arena. */
typedef struct certs_contract_signer {
	int seq; /* 1..n */
	const char *person_id;
	const char *enterprise_id; /* NULL: signs personally */
	const char *enterprise_name;
	const char *name;
	const char *phone_masked;
	const char *state;                  /* waiting | signed | refused */
	const char *signed_at, *refused_at; /* NULL until then */
	int my_turn; /* 1: may sign now (contract signing, not expired, turn come) */
} certs_contract_signer;

/* A contract as its parties see it; strings in the request's arena. */
typedef struct certs_contract_row {
	const char *id, *number, *title;
	const char *state;      /* draft | signing | completed | voided | refused | expired */
	const char *order_mode; /* sequential | parallel */
	const char *expires_at; /* RFC 3339 (China Standard Time); NULL in a draft without one */
	int expired;            /* 1: expires_at has passed (database clock) */
	const char *doc_sha256, *original_sha256;
	int doc_version, pages;
	long long size;
	const char *initiator_person_id;
	const char *initiator_enterprise_id; /* NULL: initiated personally */
	const char *file_name;
	/* RFC 3339 instants; NULL until then */
	const char *created_at, *updated_at, *sent_at, *completed_at, *voided_at;
	const char *void_reason, *refuse_reason; /* NULL unless voided / refused */
	certs_contract_signer *signers;          /* by seq */
	size_t nsigners;
} certs_contract_row;

/* The columns of a contract row over alias c, in the order certs_contract_row_read reads. */
#define CERTS_CONTRACT_COLS                                                                                                                        \
	"c.id::text, c.number, c.title, c.state, c.order_mode, " DBROW_CST(                                                                        \
	        "c.expires_at") ", (c.expires_at IS NOT NULL AND c.expires_at <= now()), "                                                         \
	                        "c.doc_sha256, c.original_sha256,"                                                                                 \
	                        " c.doc_version, c.pages, c.size, c.initiator_person_id::text,"                                                    \
	                        " c.initiator_enterprise_id::text, c.file_name, " DBROW_CST(                                                       \
	                                "c."                                                                                                       \
	                                "crea"                                                                                                     \
	                                "ted_"                                                                                                     \
	                                "at") ", " DBROW_CST("c.updated_at") ", " DBROW_CST("c."                                                   \
	                                                                                    "sent"                                                 \
	                                                                                    "_at") ", " DBROW_CST("c.completed_at") ","            \
	                                                                                                                            " " DBROW_CST( \
	                                                                                                                                    "c.voided_at") ", c.void_reason, c.refuse_reason"

/* Row i of a result selecting CERTS_CONTRACT_COLS into *out, with its signers read.
 * ST_OK or ST_DB. */
int certs_contract_row_read(svc_ctx *ctx, const PGresult *r, int i, certs_contract_row *out);

/*
 * The contract contract_id when person_id is a party to it: its initiator, or one of its
 * signers once it was sent (a draft is its initiator's alone) — a signer for an enterprise
 * only while still an active member of it (memberproj). ST_OK with *out, else ST_CONTRACT_NOT_FOUND
 * (also for an id that is no uuid: a non-party learns nothing) or ST_DB. May run inside a
 * transaction (then it reads the transaction's view; it takes no lock).
 */
int certs_contract_for_party(svc_ctx *ctx, const char *contract_id, const char *person_id,
                             certs_contract_row *out);
/* The same for the calling person (*person_id set to theirs): ST_UNAUTHENTICATED without a
 * person in the envelope. */
int certs_contract_for_caller(svc_ctx *ctx, const char *contract_id, const char **person_id,
                              certs_contract_row *out);

/*
 * Inside the caller's change_run: records the audit entry and the outbox event
 * certs.contract.<type> (type: sent | signed | completed | refused | voided | expired) with
 * a Certs__ContractEvent payload read from the contract's rows as they are now (after the
 * caller's change): notify_person_ids are, for sent, the signers whose turn it is; for
 * signed, the signers whose turn has now come (sequential) and the initiator; for the
 * others, every party (initiator and signers, once each). actor is a person id (NULL: the
 * system, e.g. the expiry tick), reason the void/refusal reason or NULL. ST_OK, or
 * ST_CONTRACT_NOT_FOUND / ST_DB (the caller returns it so that change_run rolls back).
 */
int certs_contract_event(svc_ctx *ctx, const char *type, const char *contract_id, const char *actor,
                         const char *reason);

/* ---- pure rules (contracts_views.c) ---------------------------------------------------- */

/* 1 when signer i (0-based in s, sorted by seq) may sign now as far as the order goes:
 * waiting, and when sequential no waiting signer of a lower seq; parallel: any waiting
 * one. The contract's state and expiry are not looked at. */
int certs_contract_turn(const certs_contract_signer *s, size_t n, size_t i, int sequential);

/* "HT" + yyyymmdd + the day's sequence in 6 digits into out (outlen ≥ 17); 0, or -1 when
 * seq is outside 1..999999 or day is not 8 digits. */
int certs_contract_number(const char *day_yyyymmdd, int seq, char *out, size_t outlen);

/* The Chinese label of a contract state (草稿 …), a signer state (待签署 …) or a trail
 * action (发起 …); "" for an unknown one. */
const char *certs_contract_state_label(const char *state);
const char *certs_contract_signer_label(const char *state);
const char *certs_contract_action_label(const char *action);

/* 1 when s is an RFC 3339 instant with its offset: 2026-12-31T18:00:00+08:00 (seconds
 * optional fraction; Z or ±hh:mm). Field ranges checked loosely; the database parses. */
int certs_contract_time_valid(const char *s);

/* 1 when view is one of the seven (to_me, to_others, completed, voided, initiated, drafts,
 * expiring). */
int certs_contract_view_valid(const char *view);

/* ---- page rendering (contracts_render.c) ---------------------------------------------- */

/* The largest rendered page: pixels (width × height) and either side. */
#define CERTS_RENDER_MAX_PIXELS (4000L * 4000L)
#define CERTS_RENDER_MAX_SIDE   6000

/* Page n (0-based) of pdf at dpi (clamped so the page fits CERTS_RENDER_MAX_*) as PNG,
 * *png malloc'd (the caller frees). ST_OK, ST_CONTRACT_PAGE (no such page),
 * ST_CONTRACT_PAGE_TOO_LARGE (a page that would exceed the limits even at 24 dpi),
 * ST_CONTRACT_RENDER. */
int certs_contract_render(const unsigned char *pdf, size_t len, int n, int dpi, unsigned char **png,
                          size_t *png_len);

/* ---- handlers and jobs ---------------------------------------------------------------- */

int certs_contract_upload(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_contract_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_contract_send(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_contract_void(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_contract_delete(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_contract_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_contract_document(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_contract_page(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_contract_trail(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_contract_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int certs_contract_counts(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* The contract message of a row (signers included when with_signers) as person_id sees
 * it (my_role, can_sign_now, my_seq). */
Certs__Contract *certs_contract_message(svc_ctx *ctx, const certs_contract_row *c,
                                        const char *person_id, int with_signers);

/* svc_def.tick: contracts signing past expires_at → expired (guarded: one replica fires
 * each); ms to wait. */
int certs_contracts_tick(svc_ctx *ctx);

#endif
