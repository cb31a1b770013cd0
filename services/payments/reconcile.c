/*
 * payments, reconciliation (online.h): each provider's statement of a day compared with
 * what the ledger holds of that provider. A payment line is matched to the receipt of the
 * same method and provider transaction id (each receipt is one ledger entry, payment.received),
 * a refund line to our refund of the same out_refund_no; the differences (a line we lack, a
 * receipt the provider lacks, another amount or fee) are stored per run for finance. A run is
 * read-only towards money: it records, it corrects nothing.
 */
#include "online.h"

#include "caller.h"
#include "change.h"
#include "dblist.h"
#include "log.h"
#include "mem.h"
#include "payments.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct recon_diff {
	const char *kind, *out_trade_no, *external_id;
	int64_t statement_fen, ledger_fen;
	int has_statement, has_ledger;
} recon_diff;

typedef struct recon_run {
	const char *date, *method, *state, *error;
	int statement_rows, ledger_rows;
	recon_diff *d;
	size_t nd, cap;
	char id[40];
} recon_run;

static void recon_add(svc_ctx *ctx, recon_run *x, const char *kind, const char *no, const char *ext,
                      int hs, int64_t sf, int hl, int64_t lf)
{
	if (x->nd == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		recon_diff *d = arena_alloc(ctx->arena, cap * sizeof *d);
		if (x->nd)
			memcpy(d, x->d, x->nd * sizeof *d);
		x->d = d;
		x->cap = cap;
	}
	x->d[x->nd++] = (recon_diff){kind,
	                             arena_strdup(ctx->arena, no ? no : ""),
	                             arena_strdup(ctx->arena, ext ? ext : ""),
	                             sf,
	                             lf,
	                             hs,
	                             hl};
}

static int recon_store_tx(svc_ctx *ctx, void *arg)
{
	recon_run *x = arg;
	char srows[16], lrows[16], nd[16];
	snprintf(srows, sizeof srows, "%d", x->statement_rows);
	snprintf(lrows, sizeof lrows, "%d", x->ledger_rows);
	snprintf(nd, sizeof nd, "%zu", x->nd);
	const char *v[] = {x->date, x->method, x->state, srows, lrows, nd, x->error};
	PGresult *r = NULL;
	int rv = change_exec(ctx,
	                     "INSERT INTO recon_runs (bill_date, method, state, statement_rows,"
	                     " ledger_rows, differences, error) VALUES ($1::date, $2, $3, $4::int,"
	                     " $5::int, $6::int, $7) RETURNING id::text",
	                     7, v, &r);
	if (rv != ST_OK)
		return rv;
	snprintf(x->id, sizeof x->id, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	for (size_t i = 0; i < x->nd; i++) {
		char sf[24], lf[24];
		snprintf(sf, sizeof sf, "%lld", (long long)x->d[i].statement_fen);
		snprintf(lf, sizeof lf, "%lld", (long long)x->d[i].ledger_fen);
		const char *dv[] = {x->id,
		                    x->date,
		                    x->method,
		                    x->d[i].kind,
		                    x->d[i].out_trade_no,
		                    x->d[i].external_id,
		                    x->d[i].has_statement ? sf : NULL,
		                    x->d[i].has_ledger ? lf : NULL};
		if ((rv = change_exec(
		             ctx,
		             "INSERT INTO recon_differences (run_id, bill_date, method, kind,"
		             " out_trade_no, external_id, statement_fen, ledger_fen) VALUES"
		             " ($1::uuid, $2::date, $3, $4, $5, $6, $7::bigint, $8::bigint)",
		             8, dv, NULL)) != ST_OK)
			return rv;
	}
	json_t *detail = json_pack("{s:s, s:s, s:s, s:i}", "bill_date", x->date, "method",
	                           x->method, "state", x->state, "differences", (int)x->nd);
	rv = change_record(ctx, "system:reconciliation",
	                   arena_printf(ctx->arena, "reconciliation/%s", x->id), "reconciled",
	                   detail, NULL);
	return rv;
}

/* Compares the statement rows with the day's receipts and refunds of method. */
static int recon_compare(svc_ctx *ctx, recon_run *x, const provider_statement_row *rows, size_t n)
{
	PGresult *rc = NULL, *rf = NULL;
	const char *v[] = {x->method, x->date};
	int rv = db_exec(ctx->db,
	                 "SELECT r.external_id, a.out_trade_no, r.amount_fen::text, r.fee_fen::text"
	                 " FROM receipts r LEFT JOIN online_attempts a ON a.method = r.method AND"
	                 " a.transaction_id = r.external_id WHERE r.method = $1 AND"
	                 " r.received_on = $2::date",
	                 2, v, &rc);
	if (rv == ST_OK)
		rv = db_exec(
		        ctx->db,
		        "SELECT f.out_refund_no, f.out_trade_no, f.amount_fen::text, f.refund_id"
		        " FROM online_refunds f JOIN online_attempts a USING (out_trade_no)"
		        " WHERE a.method = $1 AND f.state = 'succeeded' AND"
		        " (f.settled_at AT TIME ZONE 'Asia/Shanghai')::date = $2::date",
		        2, v, &rf);
	if (rv != ST_OK) {
		PQclear(rc);
		return status_err(rv, NULL);
	}
	int nc = PQntuples(rc), nr = PQntuples(rf);
	char *seen_c = arena_alloc(ctx->arena, (size_t)nc + 1),
	     *seen_r = arena_alloc(ctx->arena, (size_t)nr + 1);
	memset(seen_c, 0, (size_t)nc + 1);
	memset(seen_r, 0, (size_t)nr + 1);
	x->statement_rows = (int)n;
	x->ledger_rows = nc + nr;
	for (size_t i = 0; i < n; i++) {
		const provider_statement_row *s = &rows[i];
		int hit = -1;
		if (s->kind == 'P') {
			for (int k = 0; k < nc && hit < 0; k++)
				if (strcmp(PQgetvalue(rc, k, 0), s->transaction_id) == 0)
					hit = k;
			if (hit < 0) {
				recon_add(ctx, x, "missing_in_ledger", s->out_trade_no,
				          s->transaction_id, 1, s->amount_fen, 0, 0);
				continue;
			}
			seen_c[hit] = 1;
			int64_t amount = strtoll(PQgetvalue(rc, hit, 2), NULL, 10);
			int64_t fee = strtoll(PQgetvalue(rc, hit, 3), NULL, 10);
			if (amount != s->amount_fen)
				recon_add(ctx, x, "amount_mismatch", s->out_trade_no,
				          s->transaction_id, 1, s->amount_fen, 1, amount);
			else if (fee != s->fee_fen)
				recon_add(ctx, x, "fee_mismatch", s->out_trade_no,
				          s->transaction_id, 1, s->fee_fen, 1, fee);
		} else {
			for (int k = 0; k < nr && hit < 0; k++)
				if (strcmp(PQgetvalue(rf, k, 0), s->refund_no) == 0)
					hit = k;
			if (hit < 0) {
				recon_add(ctx, x, "missing_in_ledger", s->out_trade_no,
				          s->refund_no, 1, -s->amount_fen, 0, 0);
				continue;
			}
			seen_r[hit] = 1;
			int64_t amount = strtoll(PQgetvalue(rf, hit, 2), NULL, 10);
			if (amount != s->amount_fen)
				recon_add(ctx, x, "amount_mismatch", s->out_trade_no, s->refund_no,
				          1, -s->amount_fen, 1, -amount);
		}
	}
	for (int k = 0; k < nc; k++)
		if (!seen_c[k])
			recon_add(ctx, x, "missing_in_statement", PQgetvalue(rc, k, 1),
			          PQgetvalue(rc, k, 0), 0, 0, 1,
			          strtoll(PQgetvalue(rc, k, 2), NULL, 10));
	for (int k = 0; k < nr; k++)
		if (!seen_r[k])
			recon_add(ctx, x, "missing_in_statement", PQgetvalue(rf, k, 1),
			          PQgetvalue(rf, k, 0), 0, 0, 1,
			          -strtoll(PQgetvalue(rf, k, 2), NULL, 10));
	PQclear(rc);
	PQclear(rf);
	return ST_OK;
}

static PaymentsOnline__ReconRun *recon_answer(svc_ctx *ctx, const recon_run *x)
{
	PaymentsOnline__ReconRun *o = arena_alloc(ctx->arena, sizeof *o);
	payments_online__recon_run__init(o);
	o->id = arena_strdup(ctx->arena, x->id);
	o->bill_date = (char *)x->date;
	o->method = (char *)x->method;
	o->state = (char *)x->state;
	o->has_statement_rows = o->has_ledger_rows = o->has_differences = 1;
	o->statement_rows = x->statement_rows;
	o->ledger_rows = x->ledger_rows;
	o->differences = (int32_t)x->nd;
	o->error = x->error ? (char *)x->error : NULL;
	return o;
}

int online_reconcile(svc_ctx *ctx, const char *date, PaymentsOnline__ReconRuns **out)
{
	static const char *const methods[] = {"wechat", "alipay"};
	PaymentsOnline__ReconRuns *runs = arena_alloc(ctx->arena, sizeof *runs);
	payments_online__recon_runs__init(runs);
	runs->items = arena_alloc(ctx->arena, 2 * sizeof *runs->items);
	for (size_t m = 0; m < 2; m++) {
		const provider *p = online_provider(methods[m]);
		if (!p)
			continue;
		recon_run x = {.date = arena_strdup(ctx->arena, date), .method = methods[m]};
		provider_statement_row *rows = NULL;
		size_t n = 0;
		int rv = p->ops->statement(p, date, &rows, &n);
		if (rv == ST_OK)
			rv = recon_compare(ctx, &x, rows, n);
		free(rows);
		if (rv != ST_OK) {
			x.state = "failed";
			x.error = status_code_name(rv);
		} else {
			x.state = x.nd ? "differences" : "matched";
		}
		if ((rv = change_run(ctx, recon_store_tx, &x)) != ST_OK)
			return rv;
		log_kv(x.nd || x.error ? LOGL_WARN : LOGL_INFO, ctx->request_id, "reconciliation",
		       "method", x.method, "bill_date", date, "state", x.state, NULL);
		runs->items[runs->n_items++] = recon_answer(ctx, &x);
	}
	*out = runs;
	return ST_OK;
}

static void recon_today(char out[11])
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int online_recon_run(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const PaymentsOnline__RunReconciliationRequest *q =
	        (const PaymentsOnline__RunReconciliationRequest *)in;
	int rv = payments_finance_check(ctx);
	if (rv != ST_OK)
		return rv;
	char today[11];
	recon_today(today);
	const char *date = q->bill_date && *q->bill_date ? q->bill_date : today;
	if (validate_date(date) != ST_OK || strcmp(date, today) > 0)
		return status_err(ST_PAY_RECON_DATE, "bill_date");
	PaymentsOnline__ReconRuns *runs = NULL;
	if ((rv = online_reconcile(ctx, date, &runs)) != ST_OK)
		return rv;
	*out = &runs->base;
	return ST_OK;
}

static const char *recon_kind_label(const char *kind)
{
	if (strcmp(kind, "missing_in_ledger") == 0)
		return "渠道有、平台无";
	if (strcmp(kind, "missing_in_statement") == 0)
		return "平台有、渠道无";
	if (strcmp(kind, "amount_mismatch") == 0)
		return "金额不符";
	return "手续费不符";
}

static ProtobufCMessage *recon_row(svc_ctx *ctx, const PGresult *r, int i, void *arg)
{
	(void)arg;
	PaymentsOnline__ReconDifference *d = arena_alloc(ctx->arena, sizeof *d);
	payments_online__recon_difference__init(d);
	d->id = arena_strdup(ctx->arena, PQgetvalue(r, i, 0));
	d->run_id = arena_strdup(ctx->arena, PQgetvalue(r, i, 1));
	d->bill_date = arena_strdup(ctx->arena, PQgetvalue(r, i, 2));
	d->method = arena_strdup(ctx->arena, PQgetvalue(r, i, 3));
	d->kind = arena_strdup(ctx->arena, PQgetvalue(r, i, 4));
	d->kind_label = (char *)recon_kind_label(d->kind);
	d->out_trade_no = arena_strdup(ctx->arena, PQgetvalue(r, i, 5));
	d->external_id = arena_strdup(ctx->arena, PQgetvalue(r, i, 6));
	if (!PQgetisnull(r, i, 7)) {
		d->has_statement_fen = 1;
		d->statement_fen = strtoll(PQgetvalue(r, i, 7), NULL, 10);
	}
	if (!PQgetisnull(r, i, 8)) {
		d->has_ledger_fen = 1;
		d->ledger_fen = strtoll(PQgetvalue(r, i, 8), NULL, 10);
	}
	d->created_at = arena_strdup(ctx->arena, PQgetvalue(r, i, 9));
	return &d->base;
}

int online_recon_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const PaymentsOnline__ReconciliationRequest *q =
	        (const PaymentsOnline__ReconciliationRequest *)in;
	dblist_page pg;
	int rv = payments_finance_check(ctx);
	if (rv != ST_OK || (rv = dblist_page_init(q->has_page, q->page, q->has_page_size,
	                                          q->page_size, &pg)) != ST_OK)
		return rv;
	if (q->bill_date && *q->bill_date && validate_date(q->bill_date) != ST_OK)
		return status_err(ST_PAY_RECON_DATE, "bill_date");
	if (q->method && *q->method && strcmp(q->method, "wechat") != 0 &&
	    strcmp(q->method, "alipay") != 0)
		return status_err(ST_PAY_METHOD_UNKNOWN, "method");
	const char *v[] = {q->bill_date && *q->bill_date ? q->bill_date : NULL,
	                   q->method && *q->method ? q->method : NULL, pg.limit, pg.offset};
	return dblist_query(
	        ctx, &payments_online__recon_differences__descriptor, &pg,
	        "SELECT count(*) FROM recon_differences WHERE ($1::date IS NULL OR bill_date = $1)"
	        " AND ($2::text IS NULL OR method = $2)",
	        2,
	        "SELECT id::text, run_id::text, to_char(bill_date, 'YYYY-MM-DD'), method, kind,"
	        " coalesce(out_trade_no, ''), coalesce(external_id, ''), statement_fen::text,"
	        " ledger_fen::text, to_char(created_at AT TIME ZONE 'Asia/Shanghai',"
	        " 'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"') FROM recon_differences"
	        " WHERE ($1::date IS NULL OR bill_date = $1) AND ($2::text IS NULL OR method = $2)"
	        " ORDER BY created_at DESC, id LIMIT $3::int OFFSET $4::bigint",
	        4, v, recon_row, NULL, out);
}
