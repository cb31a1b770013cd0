/*
 * Certificate orders follow payments' events (source "payments", owner "certs", reference
 * the order id), each applied inside the subscriber's transaction that advances the
 * cursor, so each takes effect once:
 *   payments.payment.succeeded  → paid (once), and every accepted application of the
 *                                 order issued in the same transaction (paid AND accepted:
 *                                 the payment came second)
 *   payments.payment.partial    → partial, with what was received (the difference shown)
 *   payments.payment.refunded   → refunded_fen; refunded when everything went back, its
 *                                 applications free again
 *   payments.payment.closed     → cancelled (payments closed it), applications free again
 * An issuance that fails for good (a key certified meanwhile) is rolled back to its own
 * savepoint and logged: the order stays paid, the application accepted; retrying would
 * hold back every later payment event.
 */
#include "orders.h"

#include "change.h"
#include "dbrow.h"
#include "log.h"
#include "payments.pb-c.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

#define ORDERS_ACTOR "system:payments"

int orders_lock_of_application(svc_ctx *ctx, const char *id, const char **state)
{
	PGresult *r = NULL;
	const char *v[] = {id};
	*state = NULL;
	int rv = change_exec(ctx,
	                     "SELECT o.state FROM cert_orders o WHERE o.id = (SELECT l.order_id"
	                     " FROM cert_order_lines l WHERE l.application_id = $1::uuid AND l.open"
	                     " LIMIT 1) FOR UPDATE",
	                     1, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) == 1)
		*state = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	return ST_OK;
}

/* The order's event certs.order.<state> with its audit entry, from the row as it now is. */
static int record(svc_ctx *ctx, const char *id, const char *action, const Payments__PaymentEvent *p)
{
	PGresult *r = NULL;
	const char *v[] = {id};
	int rv = change_exec(ctx,
	                     "SELECT id::text, no, state, created_by::text, enterprise_id::text,"
	                     " total_fen, received_fen, excess_fen, refunded_fen FROM cert_orders"
	                     " WHERE id = $1::uuid",
	                     1, v, &r);
	if (rv != ST_OK)
		return rv;
	Certs__OrderEvent e = CERTS__ORDER_EVENT__INIT;
	e.order_id = dbrow_text(ctx->arena, r, 0, 0);
	e.no = dbrow_text(ctx->arena, r, 0, 1);
	e.state = dbrow_text(ctx->arena, r, 0, 2);
	e.created_by = dbrow_text(ctx->arena, r, 0, 3);
	e.enterprise_id = dbrow_text(ctx->arena, r, 0, 4);
	e.has_total_fen = e.has_received_fen = e.has_due_fen = e.has_excess_fen =
	        e.has_refunded_fen = 1;
	e.total_fen = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
	e.received_fen = strtoll(PQgetvalue(r, 0, 6), NULL, 10);
	e.excess_fen = strtoll(PQgetvalue(r, 0, 7), NULL, 10);
	e.refunded_fen = strtoll(PQgetvalue(r, 0, 8), NULL, 10);
	int open = strcmp(e.state, "unpaid") == 0 || strcmp(e.state, "partial") == 0;
	e.due_fen = open && e.total_fen > e.received_fen ? e.total_fen - e.received_fen : 0;
	PQclear(r);
	change_event ev = {arena_printf(ctx->arena, "certs.order.%s", e.state), NULL, &e.base};
	return change_record(
	        ctx, ORDERS_ACTOR, arena_printf(ctx->arena, "certificate_order/%s", id), action,
	        json_pack("{s:s,s:I,s:I,s:s}", "intent_id", p->intent_id ? p->intent_id : "",
	                  "received_fen", (json_int_t)p->received_fen, "refunded_fen",
	                  (json_int_t)p->refunded_fen, "method", p->method ? p->method : ""),
	        &ev);
}

/* A guarded change of the order over n of (id, intent id, received, excess, refunded);
 * *moved 1 when it matched. The SQL names $1..$n, in that order. */
static int move(svc_ctx *ctx, const char *sql, int n, const char *id,
                const Payments__PaymentEvent *p, int *moved)
{
	char rec[24], exc[24], ref[24];
	PGresult *r = NULL;
	snprintf(rec, sizeof rec, "%lld", (long long)p->received_fen);
	snprintf(exc, sizeof exc, "%lld", (long long)p->excess_fen);
	snprintf(ref, sizeof ref, "%lld", (long long)p->refunded_fen);
	const char *v[] = {id, p->intent_id, rec, exc, ref};
	int rv = change_exec(ctx, sql, n, v, &r);
	if (rv != ST_OK)
		return rv;
	*moved = change_rows(r) > 0;
	PQclear(r);
	return ST_OK;
}

/* Every accepted application of the order issued, each under its own savepoint. */
static int issue_accepted(svc_ctx *ctx, const char *id)
{
	PGresult *r = NULL;
	const char *v[] = {id};
	int rv = change_exec(
	        ctx,
	        "SELECT DISTINCT a.id::text FROM cert_order_lines l JOIN cert_applications a"
	        " ON a.id = l.application_id WHERE l.order_id = $1::uuid"
	        " AND a.state = 'accepted'",
	        1, v, &r);
	if (rv != ST_OK)
		return rv;
	int n = PQntuples(r);
	for (int i = 0; i < n && rv == ST_OK; i++) {
		const char *app = PQgetvalue(r, i, 0);
		if ((rv = change_exec(ctx, "SAVEPOINT issue", 0, NULL, NULL)) != ST_OK)
			break;
		int irv = applications_issue_tx(ctx, app, ORDERS_ACTOR, NULL);
		if (irv == ST_DB || irv == ST_CONFLICT) {
			rv = irv; /* the database's trouble: the event is retried */
			break;
		}
		if (irv != ST_OK) {
			log_kv(LOGL_ERROR, ctx->request_id, "paid application not issued", "order",
			       id, "application", app, "error", status_code_name(irv), NULL);
			status_clear();
			rv = change_exec(ctx, "ROLLBACK TO SAVEPOINT issue", 0, NULL, NULL);
		} else
			rv = change_exec(ctx, "RELEASE SAVEPOINT issue", 0, NULL, NULL);
	}
	PQclear(r);
	return rv;
}

static int apply_payment(svc_ctx *ctx, const char *type, const Payments__PaymentEvent *p)
{
	const char *id = p->reference;
	int moved = 0, rv;
	if (strcmp(type, "payments.payment.succeeded") == 0) {
		/* Matched by the reference: the intent id may not be stored yet (payments
		 * answered, certs did not hear it). */
		if ((rv = move(ctx,
		               "UPDATE cert_orders SET state = 'paid', paid_at = now(),"
		               " intent_id = COALESCE(intent_id, $2::uuid), received_fen = "
		               "$3::bigint,"
		               " excess_fen = $4::bigint, updated_at = now() WHERE id = $1::uuid"
		               " AND state IN ('unpaid', 'partial')",
		               4, id, p, &moved)) != ST_OK ||
		    !moved)
			return rv;
		if ((rv = record(ctx, id, "order.paid", p)) != ST_OK)
			return rv;
		return issue_accepted(ctx, id);
	}
	if (strcmp(type, "payments.payment.partial") == 0) {
		rv = move(
		        ctx,
		        "UPDATE cert_orders SET state = 'partial', intent_id = COALESCE(intent_id,"
		        " $2::uuid), received_fen = $3::bigint, updated_at = now()"
		        " WHERE id = $1::uuid AND state IN ('unpaid', 'partial')",
		        3, id, p, &moved);
		return rv != ST_OK || !moved ? rv : record(ctx, id, "order.partially_paid", p);
	}
	if (strcmp(type, "payments.payment.refunded") == 0) {
		int all = p->state && strcmp(p->state, "refunded") == 0;
		/* Every parameter named: an unreferenced one has no type to be given. */
		rv = move(ctx,
		          all ? "UPDATE cert_orders SET state = 'refunded', refunded_fen = "
		                "$5::bigint,"
		                " excess_fen = $4::bigint, received_fen = $3::bigint,"
		                " intent_id = COALESCE(intent_id, $2::uuid), updated_at = now()"
		                " WHERE id = $1::uuid AND state <> 'cancelled'"
		              : "UPDATE cert_orders SET refunded_fen = $5::bigint, excess_fen ="
		                " $4::bigint, received_fen = $3::bigint, intent_id = "
		                "COALESCE(intent_id,"
		                " $2::uuid), updated_at = now() WHERE id = $1::uuid",
		          5, id, p, &moved);
		if (rv != ST_OK || !moved)
			return rv;
		const char *v[] = {id};
		if (all && (rv = change_exec(ctx,
		                             "UPDATE cert_order_lines SET open = false"
		                             " WHERE order_id = $1::uuid",
		                             1, v, NULL)) != ST_OK)
			return rv;
		return record(ctx, id, all ? "order.refunded" : "order.partially_refunded", p);
	}
	if (strcmp(type, "payments.payment.closed") == 0) {
		rv = move(ctx,
		          "UPDATE cert_orders SET state = 'cancelled', updated_at = now()"
		          " WHERE id = $1::uuid AND state IN ('unpaid', 'partial')",
		          1, id, p, &moved);
		if (rv != ST_OK || !moved)
			return rv;
		const char *v[] = {id};
		if ((rv = change_exec(
		             ctx,
		             "UPDATE cert_order_lines SET open = false WHERE order_id = $1::uuid",
		             1, v, NULL)) != ST_OK)
			return rv;
		return record(ctx, id, "order.cancelled", p);
	}
	return ST_OK; /* failed attempts and others: the order does not change */
}

int certs_orders_payments_apply(svc_ctx *ctx, const Events__Event *ev)
{
	if (!ev->type || strncmp(ev->type, "payments.payment.", 17) != 0 || !ev->has_payload)
		return ST_OK;
	ProtobufCAllocator al = arena_pb_allocator(ctx->arena);
	Payments__PaymentEvent *p =
	        payments__payment_event__unpack(&al, ev->payload.len, ev->payload.data);
	if (!p || !p->owner || strcmp(p->owner, "certs") != 0)
		return ST_OK; /* another owner's payment */
	if (!p->reference || !validate_uuid(p->reference) ||
	    (p->intent_id && !validate_uuid(p->intent_id))) {
		/* Retrying cannot mend a bad payload, and it would hold back every later event. */
		log_kv(LOGL_WARN, ctx->request_id, "payments event unusable, skipped", "type",
		       ev->type, NULL);
		return ST_OK;
	}
	int rv = apply_payment(ctx, ev->type, p);
	return rv == ST_OK ? ST_OK : status_err(rv, NULL);
}
