/*
 * Contracts: the seven views and their counts (待我签署 …), and the pure rules they and
 * contracts.c share (numbers, labels, whose turn).
 */
#include "contracts.h"

#include "caller.h"
#include "dblist.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- pure rules ------------------------------------------------------------------------ */

int certs_contract_turn(const certs_contract_signer *s, size_t n, size_t i, int sequential)
{
	if (i >= n || strcmp(s[i].state, "waiting") != 0)
		return 0;
	for (size_t k = 0; sequential && k < i; k++)
		if (strcmp(s[k].state, "waiting") == 0)
			return 0;
	return 1;
}

int certs_contract_number(const char *day, int seq, char *out, size_t outlen)
{
	if (!day || strlen(day) != 8 || strspn(day, "0123456789") != 8 || seq < 1 || seq > 999999 ||
	    outlen < 17)
		return -1;
	snprintf(out, outlen, "HT%s%06d", day, seq);
	return 0;
}

static const char *label(const char *const (*t)[2], const char *key)
{
	for (; key && (*t)[0]; t++)
		if (strcmp((*t)[0], key) == 0)
			return (*t)[1];
	return "";
}

const char *certs_contract_state_label(const char *state)
{
	static const char *const t[][2] = {
	        {"draft", "草稿"},    {"signing", "签署中"}, {"completed", "已完成"},
	        {"voided", "已作废"}, {"refused", "已拒签"}, {"expired", "已过期"},
	        {NULL, NULL}};
	return label(t, state);
}

const char *certs_contract_signer_label(const char *state)
{
	static const char *const t[][2] = {
	        {"waiting", "待签署"}, {"signed", "已签署"}, {"refused", "已拒签"}, {NULL, NULL}};
	return label(t, state);
}

const char *certs_contract_action_label(const char *action)
{
	static const char *const t[][2] = {
	        {"created", "创建合同"}, {"sent", "发起签署"},      {"viewed", "查看合同"},
	        {"signed", "签署"},      {"refused", "拒签"},       {"voided", "作废"},
	        {"expired", "过期"},     {"completed", "签署完成"}, {NULL, NULL}};
	return label(t, action);
}

int certs_contract_time_valid(const char *s)
{
	/* d digit, the rest literal */
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t i = 0;
	if (!s)
		return 0;
	for (; pat[i]; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return 0;
	}
	s += i;
	if (*s == '.') {
		size_t n = strspn(s + 1, "0123456789");
		if (n == 0 || n > 9)
			return 0;
		s += 1 + n;
	}
	if (strcmp(s, "Z") == 0)
		return 1;
	return (s[0] == '+' || s[0] == '-') && strlen(s) == 6 && strspn(s + 1, "0123456789") == 2 &&
	       s[3] == ':' && strspn(s + 4, "0123456789") == 2;
}

int certs_contract_view_valid(const char *view)
{
	static const char *const v[] = {"to_me",     "to_others", "completed", "voided",
	                                "initiated", "drafts",    "expiring"};
	for (size_t i = 0; view && i < sizeof v / sizeof v[0]; i++)
		if (strcmp(view, v[i]) == 0)
			return 1;
	return 0;
}

/* ---- the views ------------------------------------------------------------------------- */

/* SQL over contract c for person $1. LIVE_SIGNER(s): s is the person's seat, for an
 * enterprise only while still its member. */
#define LIVE_SIGNER(s)                                                                             \
	s ".person_id = $1::uuid AND (" s ".enterprise_id IS NULL OR EXISTS (SELECT 1 FROM"        \
	  " enterprise_memberships vm WHERE vm.person_id = " s                                     \
	  ".person_id AND vm.enterprise_id = " s ".enterprise_id))"
#define PARTY                                                                                      \
	"(c.initiator_person_id = $1::uuid OR c.state <> 'draft' AND EXISTS (SELECT 1 FROM"        \
	" contract_signers vs WHERE"                                                               \
	" vs.contract_id = c.id AND " LIVE_SIGNER("vs") "))"
/* A seat of the person whose turn it is now. */
#define MY_TURN                                                                                    \
	"(c.state = 'signing' AND c.expires_at > now() AND EXISTS (SELECT 1 FROM contract_signers" \
	" ts WHERE ts.contract_id = c.id AND " LIVE_SIGNER(                                        \
	        "ts") " AND ts.state = 'waiting' AND"                                              \
	              " (c.order_mode = 'parallel' OR NOT EXISTS (SELECT 1 FROM contract_signers " \
	              "es WHERE"                                                                   \
	              " es.contract_id = c.id AND es.state = 'waiting' AND es.seq < ts.seq))))"

static const char *const view_sql[][2] = {
        {"to_me", MY_TURN},
        {"to_others", "(c.state = 'signing' AND " PARTY " AND NOT " MY_TURN ")"},
        {"completed", "(c.state = 'completed' AND " PARTY ")"},
        {"voided", "(c.state = 'voided' AND " PARTY ")"},
        {"initiated", "(c.initiator_person_id = $1::uuid AND c.state <> 'draft')"},
        {"drafts", "(c.initiator_person_id = $1::uuid AND c.state = 'draft')"},
        {"expiring", "(c.state = 'signing' AND c.expires_at > now() AND c.expires_at <= now() +"
                     " interval '3 days' AND " PARTY ")"},
};

static const char *view_where(const char *view)
{
	for (size_t i = 0; view && i < sizeof view_sql / sizeof view_sql[0]; i++)
		if (strcmp(view_sql[i][0], view) == 0)
			return view_sql[i][1];
	return NULL;
}

struct list_arg {
	const char *pid;
	int rv;
};

static ProtobufCMessage *list_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	struct list_arg *a = arg;
	certs_contract_row c;
	if ((a->rv = certs_contract_row_read(ctx, r, row, &c)) != ST_OK)
		return NULL;
	return &certs_contract_message(ctx, &c, a->pid, 0)->base;
}

int certs_contract_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ListContractsRequest *q = (const Certs__ListContractsRequest *)in;
	struct list_arg a = {0};
	dblist_page pg;
	int rv = caller_person(ctx, &a.pid);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	const char *view = q->view && *q->view ? q->view : "to_me";
	const char *where = view_where(view);
	if (!where)
		return status_err(ST_CONTRACT_VIEW, "view");
	if ((rv = dblist_page_init(q->has_page, q->page, q->has_page_size, q->page_size, &pg)) !=
	    ST_OK)
		return rv;
	const char *v[] = {a.pid, pg.limit, pg.offset};
	/* Signing soonest-expiring first where a deadline matters, else the newest. */
	const char *order = strcmp(view, "to_me") == 0 || strcmp(view, "expiring") == 0 ||
	                                    strcmp(view, "to_others") == 0
	                            ? "c.expires_at, c.id"
	                            : "c.updated_at DESC, c.id";
	rv = dblist_query(
	        ctx, &certs__contract_list__descriptor, &pg,
	        arena_printf(ctx->arena, "SELECT count(*) FROM contracts c WHERE %s", where), 1,
	        arena_printf(ctx->arena,
	                     "SELECT " CERTS_CONTRACT_COLS " FROM contracts c WHERE %s ORDER BY %s"
	                     " LIMIT $2::int OFFSET $3::bigint",
	                     where, order),
	        3, v, list_row, &a, out);
	return rv == ST_OK || a.rv == ST_OK ? rv : a.rv;
}

int certs_contract_counts(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	const char *pid = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	const char *sql = arena_printf(
	        ctx->arena,
	        "SELECT count(*) FILTER (WHERE %s), count(*) FILTER (WHERE %s),"
	        " count(*) FILTER (WHERE %s), count(*) FILTER (WHERE %s),"
	        " count(*) FILTER (WHERE %s), count(*) FILTER (WHERE %s),"
	        " count(*) FILTER (WHERE %s) FROM contracts c WHERE c.initiator_person_id = "
	        "$1::uuid"
	        " OR EXISTS (SELECT 1 FROM contract_signers xs WHERE xs.contract_id = c.id AND"
	        " xs.person_id = $1::uuid)",
	        view_sql[0][1], view_sql[1][1], view_sql[2][1], view_sql[3][1], view_sql[4][1],
	        view_sql[5][1], view_sql[6][1]);
	PGresult *r = NULL;
	const char *v[] = {pid};
	if ((rv = db_exec(ctx->db, sql, 1, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	Certs__ContractCounts *c = arena_alloc(ctx->arena, sizeof *c);
	certs__contract_counts__init(c);
	int32_t *f[] = {&c->to_me,     &c->to_others, &c->completed, &c->voided,
	                &c->initiated, &c->drafts,    &c->expiring};
	protobuf_c_boolean *h[] = {&c->has_to_me,   &c->has_to_others, &c->has_completed,
	                           &c->has_voided,  &c->has_initiated, &c->has_drafts,
	                           &c->has_expiring};
	for (int i = 0; i < 7; i++) {
		*f[i] = (int32_t)strtol(PQgetvalue(r, 0, i), NULL, 10);
		*h[i] = 1;
	}
	PQclear(r);
	*out = &c->base;
	return ST_OK;
}
