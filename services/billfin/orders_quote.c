/*
 * Quotes (报价): by a bill funder's bill_quoter on an order addressed to it or to any
 * funder, or by the operator quoter as the platform's own offer on an order addressed to
 * any funder. The discount is computed here (discount.h) on the calendar of the official
 * years loaded now, every component stored; the order waits in 待确认. A quoter's new
 * quote supersedes its open one; quotes of different funders stand side by side.
 */
#include "billfin.h"
#include "discount.h"
#include "orders.h"

#include "change.h"
#include "dbrow.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALID_MINUTES_DEFAULT 120

struct quote {
	const Billfin__QuoteRequest *q;
	const billfin_scope *sc;
	const char *institution_id; /* NULL: the platform */
	const char *quoter_name, *person_id;
	int32_t valid_minutes;
	billfin_quote_in in;
	billfin_quote_out out;
	char due[11], discount[11], effective[11];
	const char *quote_id;
};

static int quote_tx(svc_ctx *ctx, void *arg)
{
	struct quote *s = arg;
	PGresult *r = NULL;
	int rv = billfin_scope_check(ctx, s->sc, s->q->id);
	if (rv != ST_OK)
		return rv;
	const char *v0[] = {s->q->id};
	if ((rv = change_exec(ctx,
	                      "SELECT state, addressed_to IS NULL FROM orders WHERE id = $1::uuid"
	                      " FOR UPDATE",
	                      1, v0, &r)) != ST_OK)
		return rv;
	int open = strcmp(PQgetvalue(r, 0, 0), "quoting") == 0 ||
	           strcmp(PQgetvalue(r, 0, 0), "confirming") == 0;
	int any = PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	if (!open)
		return status_err(ST_BILL_QUOTE_NOT_OPEN, "state");
	if (!s->institution_id && !any)
		return status_err(ST_BILL_OPERATOR_QUOTE, "id");
	const char *v1[] = {s->q->id, s->institution_id};
	if ((rv = change_exec(
	             ctx,
	             "UPDATE quotes SET state = 'superseded' WHERE order_id = $1::uuid"
	             " AND state = 'open' AND institution_id IS NOT DISTINCT FROM $2::uuid",
	             2, v1, NULL)) != ST_OK)
		return rv;
	char rate[16], per[24], adj[16], fee[24], face[24], days[16], interest[24], net[24],
	        minutes[16];
	snprintf(rate, sizeof rate, "%d", s->out.rate_bp);
	snprintf(per, sizeof per, "%lld", (long long)s->out.per_100k_fen);
	snprintf(adj, sizeof adj, "%d", s->in.adjust_days);
	snprintf(fee, sizeof fee, "%lld", (long long)s->in.fee_fen);
	snprintf(face, sizeof face, "%lld", (long long)s->in.face_fen);
	snprintf(days, sizeof days, "%d", s->out.days);
	snprintf(interest, sizeof interest, "%lld", (long long)s->out.interest_fen);
	snprintf(net, sizeof net, "%lld", (long long)s->out.net_fen);
	snprintf(minutes, sizeof minutes, "%d", s->valid_minutes);
	const char *v[] = {s->q->id,
	                   s->institution_id,
	                   s->quoter_name,
	                   s->person_id,
	                   s->in.rate_bp ? "rate_bp" : "per_100k_fen",
	                   rate,
	                   per,
	                   adj,
	                   fee,
	                   face,
	                   s->discount,
	                   s->due,
	                   s->effective,
	                   days,
	                   interest,
	                   net,
	                   s->out.provisional ? "provisional" : "official",
	                   minutes};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO quotes (order_id, institution_id, quoter_name, quoted_by,"
	             " rate_form, rate_bp, per_100k_fen, adjust_days, fee_fen, face_fen,"
	             " discount_date, due_date, effective_due_date, days, interest_fen, net_fen,"
	             " calendar, valid_until) VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5,"
	             " $6::int, $7::bigint, $8::int, $9::bigint, $10::bigint, $11::date,"
	             " $12::date, $13::date, $14::int, $15::bigint, $16::bigint, $17,"
	             " now() + make_interval(mins => $18::int)) RETURNING id::text",
	             18, v, &r)) != ST_OK)
		return rv;
	s->quote_id = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	const char *v2[] = {s->q->id, "{quoting,confirming}", "confirming"};
	if ((rv = change_guard(ctx, ST_BILL_QUOTE_NOT_OPEN, "state",
	                       "UPDATE orders SET state = $3, quoted_at = now(), updated_at = now()"
	                       " WHERE id = $1::uuid AND state = ANY($2::text[])",
	                       3, v2, NULL)) != ST_OK)
		return rv;
	return billfin_order_record_quote(
	        ctx, s->q->id, s->quote_id, arena_printf(ctx->arena, "person:%s", s->person_id),
	        json_pack("{s:s, s:s?, s:i, s:I, s:i, s:I, s:I, s:s}", "quote_id", s->quote_id,
	                  "institution_id", s->institution_id, "rate_bp", s->out.rate_bp,
	                  "per_100k_fen", (json_int_t)s->out.per_100k_fen, "days", s->out.days,
	                  "interest_fen", (json_int_t)s->out.interest_fen, "net_fen",
	                  (json_int_t)s->out.net_fen, "calendar",
	                  s->out.provisional ? "provisional" : "official"));
}

/* The request's terms, the order's bill, and the discount on today's calendar. */
static int quote_compute(svc_ctx *ctx, struct quote *s)
{
	const Billfin__QuoteRequest *q = s->q;
	const billfin_calendar *cal = NULL;
	PGresult *r = NULL;
	int rv;
	if (q->has_valid_minutes && (q->valid_minutes < 10 || q->valid_minutes > 1440))
		return status_err(ST_BILL_VALIDITY, "valid_minutes");
	s->valid_minutes = q->has_valid_minutes ? q->valid_minutes : VALID_MINUTES_DEFAULT;
	const char *v[] = {q->id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT face_fen, due_date::text FROM orders WHERE id = $1::uuid", 1, v,
	                  &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "id");
	}
	s->in.face_fen = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	snprintf(s->due, sizeof s->due, "%s", PQgetvalue(r, 0, 1));
	PQclear(r);
	if ((rv = billfin_day_parse(s->due, &s->in.due_day)) != ST_OK)
		return status_err(ST_INTERNAL, NULL);
	s->in.discount_day = billfin_today();
	s->in.rate_bp = q->has_rate_bp ? q->rate_bp : 0;
	s->in.per_100k_fen = q->has_per_100k_fen ? q->per_100k_fen : 0;
	if (q->has_rate_bp == q->has_per_100k_fen)
		return status_err(ST_DISCOUNT_RATE_FORM, "rate_bp");
	s->in.adjust_days = q->has_adjust_days ? q->adjust_days : 0;
	s->in.fee_fen = q->has_fee_fen ? q->fee_fen : 0;
	if ((rv = billfin_calendar_current(ctx, &cal)) != ST_OK)
		return rv;
	if ((rv = billfin_quote_compute(cal, &s->in, &s->out)) != ST_OK)
		return rv;
	billfin_day_format(s->in.discount_day, s->discount);
	billfin_day_format(s->out.effective_due_day, s->effective);
	return ST_OK;
}

static int quote_run(svc_ctx *ctx, struct quote *s, ProtobufCMessage **out)
{
	Billfin__BillOrder *o = NULL;
	int rv;
	if ((rv = billfin_scope_check(ctx, s->sc, s->q->id)) != ST_OK)
		return rv;
	if ((rv = quote_compute(ctx, s)) != ST_OK)
		return rv;
	if ((rv = change_run(ctx, quote_tx, s)) != ST_OK)
		return rv;
	if ((rv = billfin_order_load(ctx, s->sc, s->q->id, &o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

int billfin_quote_funder(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	billfin_funder f;
	int rv;
	if ((rv = billfin_funder_caller(ctx, &f)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, f.institution_id, 0};
	struct quote s = {.q = (const Billfin__QuoteRequest *)in,
	                  .sc = &sc,
	                  .institution_id = f.institution_id,
	                  .quoter_name = f.institution_name,
	                  .person_id = f.person_id};
	return quote_run(ctx, &s, out);
}

int billfin_quote_operator(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	static const char *const roles[] = {"quoter", NULL};
	const char *pid = NULL;
	int rv;
	if ((rv = billfin_operator_caller(ctx, roles, &pid)) != ST_OK)
		return rv;
	billfin_scope sc = {NULL, NULL, 1};
	struct quote s = {.q = (const Billfin__QuoteRequest *)in,
	                  .sc = &sc,
	                  .quoter_name = "平台",
	                  .person_id = pid};
	return quote_run(ctx, &s, out);
}
