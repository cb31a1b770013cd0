/*
 * Refunds: finance gives back up to what was received and not yet refunded. A bank
 * transfer, or an amount within the excess held, is paid back by finance through the
 * bank and recorded here directly; money that came online goes back through the
 * method's registered refunder (online's provider adapters), which records it with
 * payments_refund_record_tx. No refunder for the method: an error, never a fake success.
 */
#include "payments.h"

#include "caller.h"
#include "change.h"
#include "crypto.h"
#include "status.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REFUNDERS 4

struct refunder {
	const char *method;
	payments_refunder fn;
};
static struct refunder refunders[MAX_REFUNDERS];
static size_t nrefunders;

void payments_refunder_register(const char *method, payments_refunder fn)
{
	for (size_t i = 0; i < nrefunders; i++)
		if (strcmp(refunders[i].method, method) == 0) {
			refunders[i].fn = fn;
			return;
		}
	if (nrefunders < MAX_REFUNDERS)
		refunders[nrefunders++] = (struct refunder){method, fn};
}

payments_refunder payments_refunder_find(const char *method)
{
	for (size_t i = 0; method && i < nrefunders; i++)
		if (strcmp(refunders[i].method, method) == 0)
			return refunders[i].fn;
	return NULL;
}

int payments_refund_record_tx(svc_ctx *ctx, const payments_refund *f)
{
	PGresult *r = NULL;
	int rv;
	const char *cash = ledger_cash_account(f->method);
	if (!cash)
		return status_err(ST_PAY_METHOD, "method");
	if (!f->external_refund_id || !*f->external_refund_id || strlen(f->external_refund_id) > 64)
		return status_err(ST_PAY_BANK_TXN, "external_refund_id");
	if (f->amount_fen <= 0)
		return status_err(ST_PAY_AMOUNT, "amount_fen");
	if (!f->reason || !*f->reason || validate_text(f->reason, 200) != 0)
		return status_err(ST_PAY_REFUND_REASON, "reason");
	if (!validate_uuid(f->intent_id))
		return status_err(ST_NOT_FOUND, "intent_id");
	const char *v[] = {f->intent_id};
	if ((rv = change_exec(
	             ctx,
	             "SELECT received_fen::text, refunded_fen::text, excess_fen::text, owner"
	             " FROM intents WHERE id = $1::uuid FOR UPDATE",
	             1, v, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "intent_id");
	}
	int64_t received = strtoll(PQgetvalue(r, 0, 0), NULL, 10),
	        refunded = strtoll(PQgetvalue(r, 0, 1), NULL, 10),
	        excess = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	char *owner = arena_strdup(ctx->arena, PQgetvalue(r, 0, 3));
	PQclear(r);
	char amt[24], ex[24];
	snprintf(amt, sizeof amt, "%lld", (long long)f->amount_fen);
	const char *dv[] = {f->method, f->external_refund_id, f->intent_id, amt};
	if ((rv = change_exec(ctx,
	                      "SELECT intent_id = $3::uuid AND amount_fen = $4::bigint FROM refunds"
	                      " WHERE method = $1 AND external_refund_id = $2",
	                      4, dv, &r)) != ST_OK)
		return rv;
	int seen = PQntuples(r) > 0, same = seen && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	/* the same refund again (a provider's retry) is harmless; the number of another refund
	 * is not this one's: answered as such, never as a success that refunded nothing */
	if (seen)
		return same ? ST_OK : status_err(ST_PAY_REFUND_RECORDED, "bank_txn_no");
	if (received == 0)
		return status_err(ST_PAY_NOTHING_RECEIVED, "amount_fen");
	if (f->amount_fen > received - refunded)
		return status_err(ST_PAY_REFUND_TOO_MUCH, "amount_fen");
	/* from the excess held first: it was never the owner's */
	int64_t from_excess = f->amount_fen < excess ? f->amount_fen : excess;
	snprintf(ex, sizeof ex, "%lld", (long long)from_excess);
	const char *iv[] = {f->intent_id, f->method, f->external_refund_id,         amt,
	                    ex,           f->reason, f->actor ? f->actor : "system"};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO refunds (intent_id, method, external_refund_id, amount_fen,"
	             " excess_fen, reason, actor) VALUES ($1::uuid, $2, $3, $4::bigint,"
	             " $5::bigint, $6, $7) RETURNING id::text",
	             7, iv, &r)) != ST_OK)
		return rv;
	char *rid = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
	PQclear(r);
	const char *uv[] = {f->intent_id, amt, ex};
	if ((rv = change_guard(ctx, ST_PAY_REFUND_TOO_MUCH, "amount_fen",
	                       "UPDATE intents SET refunded_fen = refunded_fen + $2::bigint,"
	                       " excess_fen = excess_fen - $3::bigint,"
	                       " state = CASE WHEN refunded_fen + $2::bigint = received_fen"
	                       "   THEN 'refunded' ELSE state END, updated_at = now()"
	                       " WHERE id = $1::uuid AND refunded_fen + $2::bigint <= received_fen",
	                       3, uv, NULL)) != ST_OK)
		return rv;
	ledger_line l[3];
	size_t n = 0;
	if (from_excess > 0)
		l[n++] =
		        (ledger_line){arena_printf(ctx->arena, "liability:excess:%s", f->intent_id),
		                      from_excess, 0};
	if (f->amount_fen - from_excess > 0)
		l[n++] = (ledger_line){arena_printf(ctx->arena, "revenue:%s", owner),
		                       f->amount_fen - from_excess, 0};
	l[n++] = (ledger_line){cash, 0, f->amount_fen};
	if ((rv = ledger_post_tx(ctx, "payment.refunded", rid, l, n)) != ST_OK)
		return rv;
	return payments_intent_record(ctx, f->intent_id, "refunded", f->actor ? f->actor : "system",
	                              "payment.refunded");
}

static int refund_tx(svc_ctx *ctx, void *arg) { return payments_refund_record_tx(ctx, arg); }

static int bank_txn_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

int payments_refund_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Payments__RefundIntentRequest *q = (const Payments__RefundIntentRequest *)in;
	Payments__Intent *o;
	const char *pid;
	int rv = payments_finance_check(ctx);
	if (rv != ST_OK || (rv = payments_intent_load(ctx, q->id, 0, &o)) != ST_OK)
		return rv;
	if (!q->has_amount_fen || q->amount_fen <= 0)
		return status_err(ST_PAY_AMOUNT, "amount_fen");
	if (!q->reason || !*q->reason || validate_text(q->reason, 200) != 0)
		return status_err(ST_PAY_REFUND_REASON, "reason");
	if (q->bank_txn_no && *q->bank_txn_no && !bank_txn_valid(q->bank_txn_no))
		return status_err(ST_PAY_BANK_TXN, "bank_txn_no");
	if (o->received_fen == 0)
		return status_err(ST_PAY_NOTHING_RECEIVED, "amount_fen");
	if (q->amount_fen > o->received_fen - o->refunded_fen)
		return status_err(ST_PAY_REFUND_TOO_MUCH, "amount_fen");
	caller_person(ctx, &pid);
	const char *actor = arena_printf(ctx->arena, "operator:%s", pid);
	/* the provider's refund request id: the Idempotency-Key when given (a retry of the
	 * request is the same refund), else a fresh one */
	char token[24];
	if (crypto_token(token, sizeof token, 12) != 0)
		return status_err(ST_INTERNAL, NULL);
	const char *key =
	        ctx->idempotency_key && *ctx->idempotency_key ? ctx->idempotency_key : token;
	int direct = !o->method || strcmp(o->method, "bank_transfer") == 0 ||
	             q->amount_fen <= o->excess_fen;
	if (direct) {
		payments_refund f = {o->id,
		                     "bank_transfer",
		                     q->bank_txn_no && *q->bank_txn_no
		                             ? q->bank_txn_no
		                             : arena_printf(ctx->arena, "refund-%s", token),
		                     q->amount_fen,
		                     q->reason,
		                     actor};
		if ((rv = change_run(ctx, refund_tx, &f)) != ST_OK)
			return rv;
	} else {
		payments_refunder fn = payments_refunder_find(o->method);
		if (!fn)
			return status_err(ST_PAY_NO_REFUNDER, "method");
		if ((rv = fn(ctx, o->id, q->amount_fen, q->reason, key)) != ST_OK)
			return rv;
	}
	if ((rv = payments_intent_load(ctx, o->id, 1, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}
