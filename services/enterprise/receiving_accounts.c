/*
 * 收款账户: an enterprise's receiving accounts. The admin of the active enterprise
 * adds them; every member may list them. The account name is always the certified
 * enterprise name (a client may send it, but only that name); the number is stored
 * sealed with the platform's PII keys (the app's), with a keyed look-up hash (one
 * account once per enterprise) and a mask that keeps the last four digits, the only
 * form that leaves the service. New accounts are `unverified` until a micro-deposit
 * proves them (payments).
 */
#include "enterprise.h"
#include "members.h"

#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "crypto.h"
#include "enterprise_members.pb-c.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNT_AAD "enterprise.receiving_accounts.account_number"

#define ACCOUNT_COLS                                                                               \
	"id::text, enterprise_id::text, account_name, bank_name, branch_name,"                     \
	" account_number_masked, state, " DBROW_CST("created_at") ", " DBROW_CST("verified_at")

int enterprise_account_number_normalize(const char *in, char *out, size_t outlen)
{
	size_t n = 0;
	if (!in || outlen == 0)
		return ST_ACCOUNT_NUMBER_INVALID;
	for (const char *p = in; *p; p++) {
		if (*p == ' ')
			continue;
		if (n + 1 >= outlen)
			return ST_ACCOUNT_NUMBER_INVALID;
		out[n++] = *p;
	}
	out[n] = '\0';
	return validate_account_number(out) ? ST_ACCOUNT_NUMBER_INVALID : 0;
}

static Enterprise__ReceivingAccount *account_from_row(svc_ctx *ctx, const PGresult *res, int row)
{
	Enterprise__ReceivingAccount *a = arena_alloc(ctx->arena, sizeof *a);
	enterprise__receiving_account__init(a);
	a->id = dbrow_text(ctx->arena, res, row, 0);
	a->enterprise_id = dbrow_text(ctx->arena, res, row, 1);
	a->account_name = dbrow_text(ctx->arena, res, row, 2);
	a->bank_name = dbrow_text(ctx->arena, res, row, 3);
	a->branch_name = dbrow_text(ctx->arena, res, row, 4);
	a->account_number_masked = dbrow_text(ctx->arena, res, row, 5);
	a->state = dbrow_text(ctx->arena, res, row, 6);
	a->created_at = dbrow_text(ctx->arena, res, row, 7);
	a->verified_at = dbrow_text(ctx->arena, res, row, 8);
	return a;
}

/* Required text of at most max characters. */
static int account_text(const char *s, size_t max, const char *field)
{
	if (!s || !*s)
		return status_err(ST_FIELD_REQUIRED, field);
	int rv = validate_text(s, max);
	if (rv != 0)
		return status_err(rv, field);
	return ST_OK;
}

/* The certified name of enterprise eid into an arena string. */
static int account_enterprise_name(svc_ctx *ctx, const char *eid, char **name)
{
	PGresult *res = NULL;
	const char *vals[] = {eid};
	int rv =
	        db_exec(ctx->db, "SELECT name FROM enterprises WHERE id = $1::uuid", 1, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1)
		rv = status_err(ST_NOT_FOUND, NULL);
	else
		*name = arena_strdup(ctx->arena, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rv;
}

struct account_new {
	const char *eid, *admin, *name, *bank, *branch, *masked;
	char hash[65];
	unsigned char *sealed;
	size_t sealed_len;
	Enterprise__ReceivingAccount *acc; /* set by account_tx */
};

/* The change: the row (while the caller is still the admin), audit, event. */
static int account_tx(svc_ctx *ctx, void *arg)
{
	struct account_new *a = arg;
	PGresult *res = NULL;
	const char *vals[] = {a->eid,  a->admin,  a->name,
	                      a->bank, a->branch, (const char *)a->sealed,
	                      a->hash, a->masked};
	int lens[] = {0, 0, 0, 0, 0, (int)a->sealed_len, 0, 0};
	int fmts[] = {0, 0, 0, 0, 0, 1, 0, 0};
	int rv = change_unique(
	        ctx, ST_RECEIVING_ACCOUNT_EXISTS, "account_number",
	        "INSERT INTO receiving_accounts (enterprise_id, created_by, account_name,"
	        " bank_name, branch_name, account_number_enc, account_number_hash,"
	        " account_number_masked) SELECT $1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8"
	        " WHERE EXISTS (SELECT 1 FROM memberships WHERE enterprise_id = $1::uuid"
	        " AND person_id = $2::uuid AND role = 'admin' AND state = 'active')"
	        " RETURNING " ACCOUNT_COLS,
	        8, vals, lens, fmts, &res);
	if (rv != ST_OK)
		return rv;
	if (change_rows(res) != 1) {
		rv = status_err(ST_ENTERPRISE_ADMIN_REQUIRED, NULL);
		goto out;
	}
	Enterprise__ReceivingAccount *acc = account_from_row(ctx, res, 0);
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "enterprise_id", a->eid, "bank_name", a->bank,
	                      "branch_name", a->branch, "account_number_masked", a->masked);
	Enterprise__ReceivingAccountAdded ev = ENTERPRISE__RECEIVING_ACCOUNT_ADDED__INIT;
	ev.account_id = acc->id;
	ev.enterprise_id = (char *)a->eid;
	ev.account_number_masked = (char *)a->masked;
	change_event e = {"enterprise.receiving_account.added",
	                  arena_printf(ctx->arena, "enterprise/%s", a->eid), &ev.base};
	if ((rv = change_record(ctx, arena_printf(ctx->arena, "person:%s", a->admin),
	                        arena_printf(ctx->arena, "receiving_account/%s", acc->id),
	                        "receiving_account.added", d, &e)) != ST_OK)
		goto out;
	a->acc = acc;
	rv = ST_OK;
out:
	PQclear(res);
	return rv;
}

int enterprise_receiving_account_create(svc_ctx *ctx, const ProtobufCMessage *in,
                                        ProtobufCMessage **out)
{
	const Enterprise__CreateReceivingAccountRequest *req =
	        (const Enterprise__CreateReceivingAccountRequest *)in;
	struct account_new a = {0};
	char number[40], masked[40];
	const crypto_keys *keys = &ENTERPRISE_APP(ctx)->keys;
	Enterprise__ReceivingAccount *acc = NULL;
	char *name = NULL;
	int rv;
	if ((rv = enterprise_caller_admin(ctx, &a.eid)) != ST_OK)
		return rv;
	a.admin = ctx->caller->person_id;
	if ((rv = account_text(req->bank_name, BANK_NAME_MAX, "bank_name")) != ST_OK ||
	    (rv = account_text(req->branch_name, BRANCH_NAME_MAX, "branch_name")) != ST_OK)
		return rv;
	if (!req->account_number || !*req->account_number)
		return status_err(ST_FIELD_REQUIRED, "account_number");
	if ((rv = enterprise_account_number_normalize(req->account_number, number,
	                                              sizeof number)) != 0)
		return status_err(rv, "account_number");
	if ((rv = account_enterprise_name(ctx, a.eid, &name)) != ST_OK)
		return rv;
	/* The name on the account is the certified one; a client may echo it, not change it. */
	if (req->account_name && *req->account_name && strcmp(req->account_name, name) != 0)
		return status_err(ST_ACCOUNT_NAME_FIXED, "account_name");
	validate_mask_middle(number, 0, 4, masked, sizeof masked);
	a.name = name;
	a.bank = req->bank_name;
	a.branch = req->branch_name;
	a.masked = masked;
	if (crypto_seal(keys, number, strlen(number), ACCOUNT_AAD, &a.sealed, &a.sealed_len) != 0 ||
	    crypto_lookup_hash(keys, number, a.hash) != 0) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	if ((rv = change_run(ctx, account_tx, &a)) != ST_OK)
		goto out;
	acc = a.acc;
	log_kv(LOGL_INFO, ctx->request_id, "receiving account added", "enterprise", a.eid,
	       "account", acc->id, "number", masked, NULL);
	*out = &acc->base;
	rv = ST_CREATED;
out:
	free(a.sealed);
	memset(number, 0, sizeof number);
	return rv;
}

static ProtobufCMessage *account_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &account_from_row(ctx, r, row)->base;
}

int enterprise_receiving_accounts_list(svc_ctx *ctx, const ProtobufCMessage *in,
                                       ProtobufCMessage **out)
{
	const Enterprise__ListReceivingAccountsRequest *req =
	        (const Enterprise__ListReceivingAccountsRequest *)in;
	const char *eid = NULL, *role = NULL;
	dblist_page pg;
	int rv;
	if ((rv = enterprise_caller_enterprise(ctx, &eid, &role)) != ST_OK)
		return rv;
	if ((rv = dblist_page_init(req->has_page, req->page, req->has_page_size, req->page_size,
	                           &pg)) != ST_OK)
		return rv;
	const char *vals[] = {eid, pg.limit, pg.offset};
	return dblist_query(
	        ctx, &enterprise__receiving_account_list__descriptor, &pg,
	        "SELECT count(*) FROM receiving_accounts WHERE enterprise_id = $1::uuid", 1,
	        "SELECT " ACCOUNT_COLS " FROM receiving_accounts"
	        " WHERE enterprise_id = $1::uuid ORDER BY created_at DESC, id"
	        " LIMIT $2::int OFFSET $3::bigint",
	        3, vals, account_row, NULL, out);
}
