/*
 * The double-entry ledger: journal entries of balanced lines in fen, append-only (the
 * migration's triggers refuse UPDATE, DELETE and TRUNCATE), once per (kind, ref).
 * Balances are sums of lines, never stored. Finance reads balances and entries.
 */
#include "payments.h"

#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

#define LEDGER_MAX_LINES 16
/* 100 亿元 in fen: no single line is larger (amounts are checked far below this). */
#define LEDGER_MAX_FEN 1000000000000LL

static int account_valid(const char *a)
{
	static const char *const kinds[] = {
	        "asset:", "liability:", "revenue:", "expense:", "memo:"};
	size_t n = a ? strlen(a) : 0, k;
	if (n == 0 || n > 120)
		return 0;
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (strncmp(a, kinds[k], strlen(kinds[k])) == 0 && n > strlen(kinds[k]))
			break;
	if (k == sizeof kinds / sizeof kinds[0])
		return 0;
	for (const char *p = a; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_:.-", *p)))
			return 0;
	return 1;
}

int ledger_check(const ledger_line *lines, size_t n)
{
	int64_t d = 0, c = 0;
	if (!lines || n < 2 || n > LEDGER_MAX_LINES)
		return ST_PAY_LEDGER_UNBALANCED;
	for (size_t i = 0; i < n; i++) {
		const ledger_line *l = &lines[i];
		if (!account_valid(l->account))
			return ST_PAY_LEDGER_ACCOUNT;
		if (l->debit_fen < 0 || l->credit_fen < 0 ||
		    (l->debit_fen > 0) == (l->credit_fen > 0) || l->debit_fen > LEDGER_MAX_FEN ||
		    l->credit_fen > LEDGER_MAX_FEN)
			return ST_PAY_LEDGER_UNBALANCED;
		d += l->debit_fen;
		c += l->credit_fen;
	}
	return d == c ? ST_OK : ST_PAY_LEDGER_UNBALANCED;
}

const char *ledger_cash_account(const char *method)
{
	if (!method)
		return NULL;
	if (strcmp(method, "bank_transfer") == 0)
		return "asset:bank:platform";
	if (strcmp(method, "wechat") == 0)
		return "asset:clearing:wechat";
	if (strcmp(method, "alipay") == 0)
		return "asset:clearing:alipay";
	return NULL;
}

int ledger_post_tx(svc_ctx *ctx, const char *kind, const char *ref, const ledger_line *lines,
                   size_t n)
{
	PGresult *r = NULL;
	int rv = ledger_check(lines, n);
	if (rv != ST_OK)
		return status_err(rv, "lines");
	if (!kind || !*kind || !ref || !*ref)
		return status_err(ST_PAY_LEDGER_UNBALANCED, "kind");
	const char *v[] = {kind, ref};
	if ((rv = change_unique(ctx, ST_PAY_LEDGER_DUPLICATE, "ref",
	                        "INSERT INTO ledger_entries (kind, ref) VALUES ($1, $2)"
	                        " RETURNING id::text",
	                        2, v, NULL, NULL, &r)) != ST_OK)
		return rv;
	char *id = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	for (size_t i = 0; i < n; i++) {
		char d[24], c[24];
		snprintf(d, sizeof d, "%lld", (long long)lines[i].debit_fen);
		snprintf(c, sizeof c, "%lld", (long long)lines[i].credit_fen);
		const char *lv[] = {id, lines[i].account, d, c};
		if ((rv = change_exec(
		             ctx,
		             "INSERT INTO ledger_lines (entry_id, account, debit_fen, credit_fen)"
		             " VALUES ($1::bigint, $2, $3::bigint, $4::bigint)",
		             4, lv, NULL)) != ST_OK)
			return rv;
	}
	return ST_OK;
}

/* ---- finance: balances and entries ---------------------------------------------- */

int payments_ledger_accounts(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Payments__ListLedgerAccountsRequest *q =
	        (const Payments__ListLedgerAccountsRequest *)in;
	PGresult *r = NULL, *t = NULL;
	int rv = payments_finance_check(ctx);
	if (rv != ST_OK)
		return rv;
	const char *prefix = q->prefix && *q->prefix ? q->prefix : "";
	if (strlen(prefix) > 120)
		return status_err(ST_FIELD_RANGE, "prefix");
	const char *v[] = {prefix};
	/* left(): a prefix with LIKE's wildcards means itself */
	if ((rv = db_exec(ctx->db,
	                  "SELECT account, SUM(debit_fen)::text, SUM(credit_fen)::text,"
	                  " (SUM(debit_fen) - SUM(credit_fen))::text, COUNT(*)::text"
	                  " FROM ledger_lines WHERE left(account, length($1)) = $1"
	                  " GROUP BY account ORDER BY account",
	                  1, v, &r)) != ST_OK ||
	    (rv = db_exec(
	             ctx->db,
	             "SELECT COALESCE(SUM(debit_fen), 0)::text, COALESCE(SUM(credit_fen), 0)::text,"
	             " (SELECT COUNT(*) FROM ledger_entries)::text,"
	             " (SELECT COUNT(*) FROM (SELECT entry_id FROM ledger_lines GROUP BY entry_id"
	             "   HAVING SUM(debit_fen) <> SUM(credit_fen)) u)::text"
	             " FROM ledger_lines",
	             0, NULL, &t)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	Payments__LedgerAccounts *o = arena_alloc(ctx->arena, sizeof *o);
	payments__ledger_accounts__init(o);
	int n = PQntuples(r);
	o->items = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *o->items);
	for (int i = 0; i < n; i++) {
		Payments__LedgerAccount *a = arena_alloc(ctx->arena, sizeof *a);
		payments__ledger_account__init(a);
		a->account = dbrow_text(ctx->arena, r, i, 0);
		a->has_debit_fen = a->has_credit_fen = a->has_balance_fen = a->has_lines = 1;
		a->debit_fen = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		a->credit_fen = strtoll(PQgetvalue(r, i, 2), NULL, 10);
		a->balance_fen = strtoll(PQgetvalue(r, i, 3), NULL, 10);
		a->lines = (int32_t)strtol(PQgetvalue(r, i, 4), NULL, 10);
		o->items[o->n_items++] = a;
	}
	o->has_total_debit_fen = o->has_total_credit_fen = o->has_balanced = o->has_entries =
	        o->has_unbalanced_entries = 1;
	o->total_debit_fen = strtoll(PQgetvalue(t, 0, 0), NULL, 10);
	o->total_credit_fen = strtoll(PQgetvalue(t, 0, 1), NULL, 10);
	o->entries = (int32_t)strtol(PQgetvalue(t, 0, 2), NULL, 10);
	o->unbalanced_entries = (int32_t)strtol(PQgetvalue(t, 0, 3), NULL, 10);
	o->balanced = o->total_debit_fen == o->total_credit_fen && o->unbalanced_entries == 0;
	*out = &o->base;
	rv = ST_OK;
out:
	PQclear(r);
	PQclear(t);
	return rv;
}

static ProtobufCMessage *entry_row(svc_ctx *ctx, const PGresult *r, int i, void *arg)
{
	(void)arg;
	Payments__LedgerEntry *e = arena_alloc(ctx->arena, sizeof *e);
	payments__ledger_entry__init(e);
	e->has_id = 1;
	e->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
	e->kind = dbrow_text(ctx->arena, r, i, 1);
	e->ref = dbrow_text(ctx->arena, r, i, 2);
	e->created_at = dbrow_text(ctx->arena, r, i, 3);
	return &e->base;
}

/* The lines of the page's entries, in one query. */
static int entry_lines(svc_ctx *ctx, Payments__LedgerEntries *l)
{
	if (l->n_items == 0)
		return ST_OK;
	size_t cap = l->n_items * 22 + 3;
	char *ids = arena_alloc(ctx->arena, cap), *p = ids;
	*p++ = '{';
	for (size_t i = 0; i < l->n_items; i++)
		p += snprintf(p, cap - (size_t)(p - ids), "%s%lld", i ? "," : "",
		              (long long)l->items[i]->id);
	snprintf(p, cap - (size_t)(p - ids), "}");
	PGresult *r = NULL;
	const char *v[] = {ids};
	int rv = db_exec(
	        ctx->db,
	        "SELECT entry_id::text, account, debit_fen::text, credit_fen::text"
	        " FROM ledger_lines WHERE entry_id = ANY($1::bigint[]) ORDER BY entry_id, id",
	        1, v, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int n = PQntuples(r);
	for (size_t i = 0; i < l->n_items; i++)
		l->items[i]->lines =
		        arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *l->items[i]->lines);
	for (int j = 0; j < n; j++) {
		long long eid = strtoll(PQgetvalue(r, j, 0), NULL, 10);
		for (size_t i = 0; i < l->n_items; i++) {
			Payments__LedgerEntry *e = l->items[i];
			if (e->id != eid)
				continue;
			Payments__LedgerLine *x = arena_alloc(ctx->arena, sizeof *x);
			payments__ledger_line__init(x);
			x->account = dbrow_text(ctx->arena, r, j, 1);
			x->has_debit_fen = x->has_credit_fen = 1;
			x->debit_fen = strtoll(PQgetvalue(r, j, 2), NULL, 10);
			x->credit_fen = strtoll(PQgetvalue(r, j, 3), NULL, 10);
			e->lines[e->n_lines++] = x;
			break;
		}
	}
	PQclear(r);
	return ST_OK;
}

int payments_ledger_entries(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Payments__ListLedgerEntriesRequest *q =
	        (const Payments__ListLedgerEntriesRequest *)in;
	dblist_page pg;
	int rv = payments_finance_check(ctx);
	if (rv != ST_OK)
		return rv;
	if ((rv = dblist_page_init(q->has_page, q->page, q->has_page_size, q->page_size, &pg)) !=
	    ST_OK)
		return rv;
	const char *v[] = {q->account && *q->account ? q->account : NULL,
	                   q->kind && *q->kind ? q->kind : NULL, q->ref && *q->ref ? q->ref : NULL,
	                   pg.limit, pg.offset};
#define ENTRY_WHERE                                                                                \
	" FROM ledger_entries e WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM ledger_lines l"   \
	" WHERE l.entry_id = e.id AND l.account = $1)) AND ($2::text IS NULL OR e.kind = $2)"      \
	" AND ($3::text IS NULL OR e.ref = $3)"
	ProtobufCMessage *list = NULL;
	if ((rv = dblist_query(ctx, &payments__ledger_entries__descriptor, &pg,
	                       "SELECT COUNT(*)" ENTRY_WHERE, 3,
	                       "SELECT e.id::text, e.kind, e.ref, " DBROW_CST("e.created_at")
	                               ENTRY_WHERE
	                       " ORDER BY e.id DESC LIMIT $4::int OFFSET $5::bigint",
	                       5, v, entry_row, NULL, &list)) != ST_OK)
		return rv;
#undef ENTRY_WHERE
	if ((rv = entry_lines(ctx, (Payments__LedgerEntries *)list)) != ST_OK)
		return rv;
	*out = list;
	return ST_OK;
}
