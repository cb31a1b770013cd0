/*
 * 小额打款验证: a receiving account proven by a micro-deposit. The admin starts one; a
 * random 1-99 fen (CSPRNG) is sealed into a `micro_deposits` row (state sending), then
 * paid through the bank-payout adapter (payout.h) with the deposit's id as the request
 * id, so a retry never pays twice. The bank answers later: enterprise asks it when the
 * account is read or verified (enterprise_deposits_refresh), records processing -> sent |
 * failed, and the admin enters the amount read on the statement: right -> the account is
 * `verified`; wrong three times -> the deposit is `spent`; 48 hours after the bank
 * accepted it -> `expired`. A new deposit may be started after failed, spent, expired or
 * cancelled. Every transition is one change_run with its audit entry and event; the
 * amount appears in no response, log, audit entry or event.
 */
#include "enterprise.h"
#include "members.h"
#include "payout.h"
#include "receiving_accounts.h"

#include "change.h"
#include "crypto.h"
#include "dbrow.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEPOSIT_MEMO        "平台收款账户验证"
#define DEPOSIT_REFRESH_MAX "20" /* deposits asked about per read */
#define DEPOSIT_ACTOR_BANK  "system:payout"
#define STATEMENT_MAX       50
/* Every deposit is a payout the bank charges for, and every one gives 3 more guesses:
 * started deposits (any state) within 24 hours, per account and per enterprise (an
 * account deleted and added again is a new account, not a new allowance). */
#define DEPOSITS_PER_ACCOUNT_DAY    3
#define DEPOSITS_PER_ENTERPRISE_DAY 10

static const char *const deposit_state_names[] = {[PAYOUT_PROCESSING] = "processing",
                                                  [PAYOUT_SUCCEEDED] = "sent",
                                                  [PAYOUT_FAILED] = "failed"};

int enterprise_deposit_amount(const unsigned char *bytes, size_t n, int *fen)
{
	/* 198 = 2 x 99: bytes of 198..255 are dropped so that every amount is equally likely. */
	for (size_t i = 0; i < n; i++)
		if (bytes[i] < 2 * DEPOSIT_AMOUNT_MAX) {
			*fen = 1 + bytes[i] % DEPOSIT_AMOUNT_MAX;
			return 0;
		}
	return -1;
}

/* Inside a change_run: the audit entry and event of a deposit's transition. */
static int deposit_record(svc_ctx *ctx, const char *actor, const char *verb, const char *eid,
                          const char *account_id, const char *masked, const char *account_state,
                          const char *dep_id, const char *dep_state, const char *reason)
{
	Enterprise__ReceivingAccountEvent *ev =
	        enterprise_account_event(ctx, account_id, eid, masked, account_state);
	ev->deposit_id = (char *)dep_id;
	ev->deposit_state = (char *)dep_state;
	ev->failure_reason = (char *)reason;
	json_t *d = json_pack("{s:s, s:s, s:s, s:s?}", "enterprise_id", eid, "deposit_id", dep_id,
	                      "deposit_state", dep_state, "failure_reason", reason);
	change_event e = {arena_printf(ctx->arena, "enterprise.receiving_account.%s", verb),
	                  arena_printf(ctx->arena, "enterprise/%s", eid), &ev->base};
	return change_record(ctx, actor,
	                     arena_printf(ctx->arena, "receiving_account/%s", account_id),
	                     arena_printf(ctx->arena, "receiving_account.%s", verb), d, &e);
}

/* ---- the bank's answer ------------------------------------------------------------------ */

struct deposit_apply {
	const char *id, *eid, *account_id, *masked, *from;
	const payout_status *st;
};

static int deposit_apply_tx(svc_ctx *ctx, void *arg)
{
	struct deposit_apply *a = arg;
	const char *to = deposit_state_names[a->st->state];
	const char *reason = a->st->state == PAYOUT_FAILED ? a->st->reason : NULL;
	const char *vals[] = {a->id, a->from, to, a->st->reference, reason};
	/* sent_at is the bank's acceptance: the 48 hours run from it. */
	int rv = change_guard(ctx, ST_CONFLICT, NULL,
	                      "UPDATE micro_deposits SET state = $3, bank_reference = $4,"
	                      " failure_reason = $5, updated_at = now(),"
	                      " sent_at = COALESCE(sent_at, now()),"
	                      " settled_at = CASE WHEN $3 IN ('sent', 'failed') THEN now() END"
	                      " WHERE id = $1::uuid AND state = $2",
	                      5, vals, NULL);
	if (rv != ST_OK)
		return rv;
	const char *verb = a->st->state == PAYOUT_PROCESSING ? "deposit_accepted"
	                   : a->st->state == PAYOUT_FAILED   ? "deposit_failed"
	                                                     : "deposit_sent";
	return deposit_record(ctx, DEPOSIT_ACTOR_BANK, verb, a->eid, a->account_id, a->masked,
	                      "unverified", a->id, to, reason);
}

/* Records what the bank said of a deposit in state from, when it moved it. */
static void deposit_apply(svc_ctx *ctx, struct deposit_apply *a)
{
	if (strcmp(a->from, "processing") == 0 && a->st->state == PAYOUT_PROCESSING)
		return;
	/* A lost guard means another request recorded it first: nothing to do. */
	if (change_run(ctx, deposit_apply_tx, a) == ST_OK)
		log_kv(LOGL_INFO, ctx->request_id, "micro-deposit moved", "deposit", a->id, "from",
		       a->from, "to", deposit_state_names[a->st->state], NULL);
}

/* Places the payout of a `sending` deposit: row r of a result holding the deposit's
 * sealed amount and the account's sealed number, name and bank. */
static int deposit_submit(svc_ctx *ctx, const char *dep_id, const char *account_id,
                          const PGresult *r, int row, int c_amount, int c_number, int c_name,
                          int c_bank, payout_status *st)
{
	struct enterprise_app *app = ENTERPRISE_APP(ctx);
	char *amount = NULL, *number = NULL;
	int rv;
	const char *aad = arena_printf(ctx->arena, DEPOSIT_AAD_PREFIX "%s", account_id);
	if ((rv = dbrow_open(ctx, &app->keys, r, row, c_amount, aad, &amount)) != ST_OK ||
	    (rv = dbrow_open(ctx, &app->keys, r, row, c_number, ACCOUNT_AAD, &number)) != ST_OK)
		return rv;
	payout_order o = {.request_id = dep_id,
	                  .account_number = number,
	                  .account_name = PQgetvalue(r, row, c_name),
	                  .bank_name = PQgetvalue(r, row, c_bank),
	                  .amount_fen = strtol(amount, NULL, 10),
	                  .memo = DEPOSIT_MEMO};
	rv = payout_submit(app->payout, &o, ctx->request_id, st);
	memset(number, 0, strlen(number));
	memset(amount, 0, strlen(amount));
	return rv;
}

void enterprise_deposits_refresh(svc_ctx *ctx, const char *eid, const char *id)
{
	PGresult *r = NULL;
	const char *vals[] = {eid, id ? id : ""};
	if (db_exec(ctx->db,
	            "SELECT d.id::text, d.state, d.account_id::text, a.account_number_masked,"
	            " d.amount_enc, a.account_number_enc, a.account_name, a.bank_name"
	            " FROM micro_deposits d JOIN receiving_accounts a ON a.id = d.account_id"
	            " WHERE d.enterprise_id = $1::uuid AND d.state IN ('sending', 'processing')"
	            " AND ($2 = '' OR d.account_id::text = $2)"
	            " ORDER BY d.created_at LIMIT " DEPOSIT_REFRESH_MAX,
	            2, vals, &r) != ST_OK)
		return;
	for (int i = 0; i < PQntuples(r); i++) {
		const char *dep = PQgetvalue(r, i, 0), *from = PQgetvalue(r, i, 1);
		const char *acc = PQgetvalue(r, i, 2);
		payout_status st;
		int rv = strcmp(from, "sending") == 0
		                 ? deposit_submit(ctx, dep, acc, r, i, 4, 5, 6, 7, &st)
		                 : payout_query(ENTERPRISE_APP(ctx)->payout, dep, ctx->request_id,
		                                &st);
		if (rv != ST_OK) {
			log_kv(LOGL_WARN, ctx->request_id, "micro-deposit: the bank did not answer",
			       "deposit", dep, "state", from, NULL);
			continue;
		}
		struct deposit_apply a = {dep, eid, acc, PQgetvalue(r, i, 3), from, &st};
		deposit_apply(ctx, &a);
	}
	PQclear(r);
}

int enterprise_deposits_cancel(svc_ctx *ctx, const char *actor, const char *id)
{
	PGresult *r = NULL;
	const char *vals[] = {id};
	int rv =
	        change_exec(ctx,
	                    "UPDATE micro_deposits d SET state = 'cancelled', updated_at = now()"
	                    " FROM receiving_accounts a WHERE a.id = d.account_id"
	                    " AND d.account_id = $1::uuid"
	                    " AND d.state IN ('sending', 'processing', 'sent')"
	                    " RETURNING d.id::text, a.enterprise_id::text, a.account_number_masked,"
	                    " a.state",
	                    1, vals, &r);
	for (int i = 0; rv == ST_OK && i < PQntuples(r); i++)
		rv = deposit_record(ctx, actor, "deposit_cancelled", PQgetvalue(r, i, 1), id,
		                    PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 0),
		                    "cancelled", NULL);
	PQclear(r);
	return rv;
}

/* Inside a change_run: a `sent` deposit of account id past its validity recorded expired. */
static int deposits_expire(svc_ctx *ctx, const char *actor, const char *id)
{
	PGresult *r = NULL;
	const char *vals[] = {id};
	int rv = change_exec(
	        ctx,
	        "UPDATE micro_deposits d SET state = 'expired', updated_at = now()"
	        " FROM receiving_accounts a WHERE a.id = d.account_id AND d.account_id = $1::uuid"
	        " AND d.state = 'sent' AND d.sent_at < now() - interval '48 hours'"
	        " RETURNING d.id::text, a.enterprise_id::text, a.account_number_masked, a.state",
	        1, vals, &r);
	for (int i = 0; rv == ST_OK && i < PQntuples(r); i++)
		rv = deposit_record(ctx, actor, "deposit_expired", PQgetvalue(r, i, 1), id,
		                    PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 0),
		                    "expired", NULL);
	PQclear(r);
	return rv;
}

/* ---- StartMicroDeposit ------------------------------------------------------------------ */

struct deposit_start {
	const char *eid, *admin, *id;
	unsigned char *sealed;
	size_t sealed_len;
	char *dep_id;  /* set by start_tx */
	PGresult *row; /* the account's sealed number, name, bank, mask; with the deposit */
};

static int start_tx(svc_ctx *ctx, void *arg)
{
	struct deposit_start *s = arg;
	PGresult *r = NULL;
	const char *actor = arena_printf(ctx->arena, "person:%s", s->admin);
	const char *v1[] = {s->eid, s->id};
	/* The enterprise's starts one at a time, so that its count below is not raced past. */
	int rv = change_exec(ctx,
	                     "SELECT pg_advisory_xact_lock(hashtextextended("
	                     "'enterprise.micro_deposits/' || $1::text, 0)), state"
	                     " FROM receiving_accounts WHERE enterprise_id = $1::uuid"
	                     " AND id = $2::uuid AND state <> 'deleted' FOR UPDATE",
	                     2, v1, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1)
		rv = status_err(ST_NOT_FOUND, "id");
	else if (strcmp(PQgetvalue(r, 0, 1), "verified") == 0)
		rv = status_err(ST_ACCOUNT_ALREADY_VERIFIED, "id");
	PQclear(r);
	r = NULL;
	if (rv != ST_OK || (rv = deposits_expire(ctx, actor, s->id)) != ST_OK)
		return rv;
	if ((rv = change_exec(ctx,
	                      "SELECT count(*) FILTER (WHERE account_id = $2::uuid), count(*)"
	                      " FROM micro_deposits WHERE enterprise_id = $1::uuid"
	                      " AND created_at > now() - interval '24 hours'",
	                      2, v1, &r)) != ST_OK)
		return rv;
	long per_account = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	long per_enterprise = strtol(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	r = NULL;
	if (per_account >= DEPOSITS_PER_ACCOUNT_DAY ||
	    per_enterprise >= DEPOSITS_PER_ENTERPRISE_DAY)
		return status_err(ST_MICRO_DEPOSIT_LIMIT, "id");
	const char *v2[] = {s->eid, s->id, s->admin, (const char *)s->sealed};
	int lens[] = {0, 0, 0, (int)s->sealed_len};
	int fmts[] = {0, 0, 0, 1};
	rv = change_unique(
	        ctx, ST_MICRO_DEPOSIT_PENDING, "id",
	        "WITH d AS (INSERT INTO micro_deposits (account_id, enterprise_id, amount_enc,"
	        " created_by) SELECT $2::uuid, $1::uuid, $4, $3::uuid"
	        " WHERE EXISTS (SELECT 1 FROM memberships WHERE enterprise_id = $1::uuid"
	        " AND person_id = $3::uuid AND role = 'admin' AND state = 'active')"
	        " RETURNING id, amount_enc)"
	        " SELECT d.id::text, a.account_number_masked, d.amount_enc, a.account_number_enc,"
	        " a.account_name, a.bank_name FROM d JOIN receiving_accounts a ON a.id = $2::uuid",
	        4, v2, lens, fmts, &r);
	if (rv != ST_OK)
		return rv;
	if (change_rows(r) != 1) {
		PQclear(r);
		return status_err(ST_ENTERPRISE_ADMIN_REQUIRED, NULL);
	}
	s->dep_id = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
	if ((rv = deposit_record(ctx, actor, "deposit_started", s->eid, s->id, PQgetvalue(r, 0, 1),
	                         "unverified", s->dep_id, "sending", NULL)) != ST_OK) {
		PQclear(r);
		return rv;
	}
	s->row = r;
	return ST_OK;
}

int enterprise_micro_deposit_start(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Enterprise__ReceivingAccountRef *req = (const Enterprise__ReceivingAccountRef *)in;
	struct deposit_start s = {0};
	Enterprise__ReceivingAccount *acc = NULL;
	unsigned char bytes[16];
	char amount[4];
	int fen = 0, rv;
	if ((rv = enterprise_caller_admin(ctx, &s.eid)) != ST_OK)
		return rv;
	if (!req->id || !validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
	s.admin = ctx->caller->person_id;
	s.id = req->id;
	/* A deposit the bank has finished with no longer blocks a new one. */
	enterprise_deposits_refresh(ctx, s.eid, s.id);
	if (crypto_random_bytes(bytes, sizeof bytes) != 0 ||
	    enterprise_deposit_amount(bytes, sizeof bytes, &fen) != 0)
		return status_err(ST_INTERNAL, NULL);
	snprintf(amount, sizeof amount, "%d", fen);
	const char *aad = arena_printf(ctx->arena, DEPOSIT_AAD_PREFIX "%s", s.id);
	if (crypto_seal(&ENTERPRISE_APP(ctx)->keys, amount, strlen(amount), aad, &s.sealed,
	                &s.sealed_len) != 0) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	if ((rv = change_run(ctx, start_tx, &s)) != ST_OK)
		goto out;
	/* Committed first, paid second: a crash in between leaves a `sending` deposit that
	 * the next read pays, under the same request id. */
	payout_status st;
	if (deposit_submit(ctx, s.dep_id, s.id, s.row, 0, 2, 3, 4, 5, &st) == ST_OK) {
		struct deposit_apply a = {s.dep_id,  s.eid, s.id, PQgetvalue(s.row, 0, 1),
		                          "sending", &st};
		deposit_apply(ctx, &a);
	} else {
		log_kv(LOGL_WARN, ctx->request_id, "micro-deposit: the bank did not accept yet",
		       "deposit", s.dep_id, NULL);
	}
	if ((rv = enterprise_account_load(ctx, s.eid, s.id, &acc)) != ST_OK)
		goto out;
	log_kv(LOGL_INFO, ctx->request_id, "micro-deposit started", "enterprise", s.eid, "account",
	       s.id, "deposit", s.dep_id, NULL);
	*out = &acc->base;
	rv = ST_CREATED;
out:
	PQclear(s.row);
	free(s.sealed);
	memset(amount, 0, sizeof amount);
	memset(bytes, 0, sizeof bytes);
	return rv;
}

/* ---- VerifyReceivingAccount ------------------------------------------------------------- */

struct deposit_verify {
	const char *eid, *admin, *id, *dep_id, *masked, *attempts;
	int right;
	int spent; /* set by verify_tx on the last wrong amount */
};

static int verify_tx(svc_ctx *ctx, void *arg)
{
	struct deposit_verify *v = arg;
	PGresult *r = NULL;
	const char *actor = arena_printf(ctx->arena, "person:%s", v->admin);
	const char *dv[] = {v->dep_id, v->attempts};
	int rv;
	if (!v->right) {
		rv = change_guard(
		        ctx, ST_CONFLICT, "amount_fen",
		        "UPDATE micro_deposits SET attempts = attempts + 1, updated_at = now(),"
		        " state = CASE WHEN attempts + 1 >= 3 THEN 'spent' ELSE state END"
		        " WHERE id = $1::uuid AND state = 'sent' AND attempts = $2::int"
		        " RETURNING state, attempts",
		        2, dv, &r);
		if (rv != ST_OK)
			return rv;
		v->spent = strcmp(PQgetvalue(r, 0, 0), "spent") == 0;
		json_t *d = json_pack("{s:s, s:s, s:i}", "enterprise_id", v->eid, "deposit_id",
		                      v->dep_id, "attempts",
		                      (int)strtol(PQgetvalue(r, 0, 1), NULL, 10));
		PQclear(r);
		/* A wrong amount is audited; only the deposit's end is an event. */
		rv = change_record(ctx, actor,
		                   arena_printf(ctx->arena, "receiving_account/%s", v->id),
		                   "receiving_account.deposit_amount_wrong", d, NULL);
		if (rv == ST_OK && v->spent)
			rv = deposit_record(ctx, actor, "deposit_spent", v->eid, v->id, v->masked,
			                    "unverified", v->dep_id, "spent", NULL);
		return rv;
	}
	if ((rv = change_guard(ctx, ST_CONFLICT, "amount_fen",
	                       "UPDATE micro_deposits SET state = 'verified', updated_at = now()"
	                       " WHERE id = $1::uuid AND state = 'sent' AND attempts = $2::int",
	                       2, dv, NULL)) != ST_OK)
		return rv;
	const char *av[] = {v->eid, v->id, v->admin};
	if ((rv = change_guard(
	             ctx, ST_ACCOUNT_ALREADY_VERIFIED, "id",
	             "UPDATE receiving_accounts SET state = 'verified', verified_at = now(),"
	             " updated_at = now() WHERE enterprise_id = $1::uuid AND id = $2::uuid"
	             " AND state = 'unverified' AND EXISTS (SELECT 1 FROM memberships"
	             " WHERE enterprise_id = $1::uuid AND person_id = $3::uuid"
	             " AND role = 'admin' AND state = 'active')",
	             3, av, NULL)) != ST_OK)
		return rv;
	return deposit_record(ctx, actor, "verified", v->eid, v->id, v->masked, "verified",
	                      v->dep_id, "verified", NULL);
}

static int expire_tx(svc_ctx *ctx, void *arg)
{
	struct deposit_verify *v = arg;
	return deposits_expire(ctx, arena_printf(ctx->arena, "person:%s", v->admin), v->id);
}

int enterprise_micro_deposit_verify(svc_ctx *ctx, const ProtobufCMessage *in,
                                    ProtobufCMessage **out)
{
	const Enterprise__VerifyReceivingAccountRequest *req =
	        (const Enterprise__VerifyReceivingAccountRequest *)in;
	struct deposit_verify v = {0};
	Enterprise__ReceivingAccount *acc = NULL;
	PGresult *r = NULL;
	char *amount = NULL;
	int rv;
	if ((rv = enterprise_caller_admin(ctx, &v.eid)) != ST_OK)
		return rv;
	if (!req->id || !validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
	if (!req->has_amount_fen)
		return status_err(ST_FIELD_REQUIRED, "amount_fen");
	if (req->amount_fen < 1 || req->amount_fen > DEPOSIT_AMOUNT_MAX)
		return status_err(ST_MICRO_DEPOSIT_AMOUNT, "amount_fen");
	v.admin = ctx->caller->person_id;
	v.id = req->id;
	enterprise_deposits_refresh(ctx, v.eid, v.id);
	const char *vals[] = {v.eid, v.id};
	if ((rv = db_exec(
	             ctx->db,
	             "SELECT a.state, a.account_number_masked, d.id::text, d.state,"
	             " d.attempts::text, d.amount_enc,"
	             " d.sent_at < now() - interval '48 hours'"
	             " FROM receiving_accounts a LEFT JOIN LATERAL (SELECT * FROM micro_deposits"
	             " WHERE account_id = a.id ORDER BY created_at DESC LIMIT 1) d ON true"
	             " WHERE a.enterprise_id = $1::uuid AND a.id = $2::uuid"
	             " AND a.state <> 'deleted'",
	             2, vals, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		rv = status_err(ST_NOT_FOUND, "id");
		goto out;
	}
	const char *dstate = PQgetisnull(r, 0, 3) ? "" : PQgetvalue(r, 0, 3);
	if (strcmp(PQgetvalue(r, 0, 0), "verified") == 0) {
		rv = status_err(ST_ACCOUNT_ALREADY_VERIFIED, "id");
		goto out;
	}
	if (strcmp(dstate, "sending") == 0 || strcmp(dstate, "processing") == 0) {
		rv = status_err(ST_MICRO_DEPOSIT_PROCESSING, "id");
		goto out;
	}
	if (strcmp(dstate, "spent") == 0 || strcmp(dstate, "expired") == 0 ||
	    strcmp(dstate, "sent") != 0) {
		rv = status_err(strcmp(dstate, "spent") == 0     ? ST_MICRO_DEPOSIT_SPENT
		                : strcmp(dstate, "expired") == 0 ? ST_MICRO_DEPOSIT_EXPIRED
		                                                 : ST_MICRO_DEPOSIT_NONE,
		                "id");
		goto out;
	}
	v.masked = arena_strdup(ctx->arena, PQgetvalue(r, 0, 1));
	v.dep_id = arena_strdup(ctx->arena, PQgetvalue(r, 0, 2));
	v.attempts = arena_strdup(ctx->arena, PQgetvalue(r, 0, 4));
	if (strcmp(PQgetvalue(r, 0, 6), "t") == 0) {
		/* Past its 48 hours: recorded expired, whatever amount was sent. */
		if ((rv = change_run(ctx, expire_tx, &v)) == ST_OK)
			rv = status_err(ST_MICRO_DEPOSIT_EXPIRED, "id");
		goto out;
	}
	const char *aad = arena_printf(ctx->arena, DEPOSIT_AAD_PREFIX "%s", v.id);
	if ((rv = dbrow_open(ctx, &ENTERPRISE_APP(ctx)->keys, r, 0, 5, aad, &amount)) != ST_OK)
		goto out;
	v.right = strtol(amount, NULL, 10) == req->amount_fen;
	memset(amount, 0, strlen(amount));
	if ((rv = change_run(ctx, verify_tx, &v)) != ST_OK)
		goto out;
	if (!v.right) {
		rv = status_err(v.spent ? ST_MICRO_DEPOSIT_SPENT : ST_MICRO_DEPOSIT_WRONG,
		                "amount_fen");
		goto out;
	}
	if ((rv = enterprise_account_load(ctx, v.eid, v.id, &acc)) != ST_OK)
		goto out;
	log_kv(LOGL_INFO, ctx->request_id, "receiving account verified", "enterprise", v.eid,
	       "account", v.id, "number", v.masked, NULL);
	*out = &acc->base;
	rv = ST_OK;
out:
	PQclear(r);
	return rv;
}

/* ---- the development bank statement ----------------------------------------------------- */

int enterprise_dev_bank_statement(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Enterprise__DevBankStatementRequest *req =
	        (const Enterprise__DevBankStatementRequest *)in;
	struct enterprise_app *app = ENTERPRISE_APP(ctx);
	payout_credit *items = NULL;
	size_t n = 0, total = 0;
	char number[40];
	/* The gateway refuses the route outside development too; this is the service's own
	 * guard, so no other caller on the bus reads a statement either. */
	if (!app->development)
		return status_err(ST_NOT_FOUND, NULL);
	if (!req->account_number || !*req->account_number)
		return status_err(ST_FIELD_REQUIRED, "account_number");
	if (enterprise_account_number_normalize(req->account_number, number, sizeof number) != 0)
		return status_err(ST_ACCOUNT_NUMBER_INVALID, "account_number");
	if (payout_sandbox_statement(app->payout, number, STATEMENT_MAX, ctx->arena, &items, &n,
	                             &total) != ST_OK)
		return status_err(ST_NOT_FOUND, NULL);
	Enterprise__DevBankStatement *s = arena_alloc(ctx->arena, sizeof *s);
	enterprise__dev_bank_statement__init(s);
	s->items = arena_alloc(ctx->arena, (n ? n : 1) * sizeof *s->items);
	for (size_t i = 0; i < n; i++) {
		Enterprise__DevBankCredit *c = arena_alloc(ctx->arena, sizeof *c);
		enterprise__dev_bank_credit__init(c);
		c->account_number = (char *)items[i].account_number;
		c->account_name = (char *)items[i].account_name;
		c->has_amount_fen = 1;
		c->amount_fen = items[i].amount_fen;
		c->reference = (char *)items[i].reference;
		c->memo = (char *)items[i].memo;
		c->credited_at = (char *)items[i].credited_at;
		s->items[s->n_items++] = c;
	}
	s->has_total = 1;
	s->total = total > INT32_MAX ? INT32_MAX : (int32_t)total;
	*out = &s->base;
	return ST_OK;
}
