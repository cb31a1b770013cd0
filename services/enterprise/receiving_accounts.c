/*
 * 收款账户: an enterprise's receiving accounts. The admin of the active enterprise
 * adds them; every member may list them. The account name is always the certified
 * enterprise name (a client may send it, but only that name); the number is stored
 * sealed with the platform's PII keys (the app's), with a keyed look-up hash (one
 * account once per enterprise) and a mask that keeps the last four digits, the only
 * form that leaves the service. New accounts are `unverified` until a micro-deposit
 * proves them (micro_deposits.c); while unverified the admin may edit or delete them
 * (deleted: a soft state, hidden everywhere). The view carries the latest deposit;
 * reading accounts first asks the bank about deposits awaiting it.
 */
#include "enterprise.h"
#include "members.h"
#include "receiving_accounts.h"

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

#define ACCOUNT_COLS                                                                               \
	"id::text, enterprise_id::text, account_name, bank_name, branch_name,"                     \
	" account_number_masked, state, " DBROW_CST("created_at") ", " DBROW_CST("verified_at")

/* The account (a) with its latest deposit (d); a `sent` one past its validity shows
 * `expired` until something records it. */
#define ACCOUNT_SELECT                                                                                           \
	"SELECT a.id::text, a.enterprise_id::text, a.account_name, a.bank_name, a.branch_name,"                  \
	" a.account_number_masked, a.state, " DBROW_CST("a.created_at") ", " DBROW_CST(                          \
	        "a.verified_at") ", d.id::text, CASE WHEN d.state = 'sent' AND d.sent_at < now()"                \
	                         " - interval '48 hours' THEN 'expired' ELSE d.state END,"                       \
	                         " 3 - d.attempts, d.failure_reason, " DBROW_CST("d.created_at") ", " DBROW_CST( \
	                                 "d.sent_at") ", " DBROW_CST("(d.sent_at + interval '48 "                \
	                                                             "hours')") " FROM "                         \
	                                                                        "receiving_"                     \
	                                                                        "accounts a LEFT "               \
	                                                                        "JOIN LATERAL "                  \
	                                                                        "(SELECT * FROM "                \
	                                                                        "micro_deposits"                 \
	                                                                        " WHERE "                        \
	                                                                        "account_id = "                  \
	                                                                        "a.id ORDER BY "                 \
	                                                                        "created_at DESC "               \
	                                                                        "LIMIT 1) d ON "                 \
	                                                                        "true"

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
	if (PQnfields(res) > 9 && !PQgetisnull(res, row, 9)) {
		Enterprise__MicroDeposit *d = arena_alloc(ctx->arena, sizeof *d);
		enterprise__micro_deposit__init(d);
		d->id = dbrow_text(ctx->arena, res, row, 9);
		d->state = dbrow_text(ctx->arena, res, row, 10);
		if (strcmp(d->state, "sent") == 0) {
			d->has_attempts_left = 1;
			d->attempts_left = (int32_t)strtol(PQgetvalue(res, row, 11), NULL, 10);
		}
		d->failure_reason = dbrow_text(ctx->arena, res, row, 12);
		d->created_at = dbrow_text(ctx->arena, res, row, 13);
		d->sent_at = dbrow_text(ctx->arena, res, row, 14);
		d->expires_at = dbrow_text(ctx->arena, res, row, 15);
		a->micro_deposit = d;
	}
	return a;
}

int enterprise_account_load(svc_ctx *ctx, const char *eid, const char *id,
                            Enterprise__ReceivingAccount **out)
{
	PGresult *res = NULL;
	int rv;
	if (!id || !validate_uuid(id) || !eid || !validate_uuid(eid))
		return status_err(ST_NOT_FOUND, "id");
	const char *vals[] = {eid, id};
	if ((rv = db_exec(ctx->db,
	                  ACCOUNT_SELECT " WHERE a.enterprise_id = $1::uuid AND a.id = $2::uuid"
	                                 " AND a.state <> 'deleted'",
	                  2, vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1)
		rv = status_err(ST_NOT_FOUND, "id");
	else
		*out = account_from_row(ctx, res, 0);
	PQclear(res);
	return rv;
}

Enterprise__ReceivingAccountEvent *enterprise_account_event(svc_ctx *ctx, const char *account_id,
                                                            const char *eid, const char *masked,
                                                            const char *state)
{
	Enterprise__ReceivingAccountEvent *ev = arena_alloc(ctx->arena, sizeof *ev);
	enterprise__receiving_account_event__init(ev);
	ev->account_id = (char *)account_id;
	ev->enterprise_id = (char *)eid;
	ev->account_number_masked = (char *)masked;
	ev->state = (char *)state;
	return ev;
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

/* What an add or an edit writes: checked, the number masked, sealed and hashed. */
struct account_fields {
	const char *name, *bank, *branch;
	char masked[40];
	char hash[65];
	unsigned char *sealed; /* malloc'd: the caller frees */
	size_t sealed_len;
};

/* Checks and seals what a client sent for enterprise eid into f. ST_OK or a field error. */
static int account_fields_read(svc_ctx *ctx, const char *eid, const char *bank, const char *branch,
                               const char *number_in, const char *account_name,
                               struct account_fields *f)
{
	const crypto_keys *keys = &ENTERPRISE_APP(ctx)->keys;
	char number[40];
	char *name = NULL;
	int rv;
	if ((rv = account_text(bank, BANK_NAME_MAX, "bank_name")) != ST_OK ||
	    (rv = account_text(branch, BRANCH_NAME_MAX, "branch_name")) != ST_OK)
		return rv;
	if (!number_in || !*number_in)
		return status_err(ST_FIELD_REQUIRED, "account_number");
	if ((rv = enterprise_account_number_normalize(number_in, number, sizeof number)) != 0)
		return status_err(rv, "account_number");
	if ((rv = account_enterprise_name(ctx, eid, &name)) != ST_OK)
		goto out;
	/* The name on the account is the certified one; a client may echo it, not change it. */
	if (account_name && *account_name && strcmp(account_name, name) != 0) {
		rv = status_err(ST_ACCOUNT_NAME_FIXED, "account_name");
		goto out;
	}
	validate_mask_middle(number, 0, 4, f->masked, sizeof f->masked);
	f->name = name;
	f->bank = bank;
	f->branch = branch;
	if (crypto_seal(keys, number, strlen(number), ACCOUNT_AAD, &f->sealed, &f->sealed_len) !=
	            0 ||
	    crypto_lookup_hash(keys, number, f->hash) != 0)
		rv = status_err(ST_INTERNAL, NULL);
out:
	memset(number, 0, sizeof number);
	return rv;
}

struct account_new {
	const char *eid, *admin;
	struct account_fields f;
	Enterprise__ReceivingAccount *acc; /* set by account_tx */
};

/* The change: the row (while the caller is still the admin), audit, event. */
static int account_tx(svc_ctx *ctx, void *arg)
{
	struct account_new *a = arg;
	PGresult *res = NULL;
	const char *vals[] = {a->eid,    a->admin,    a->f.name,
	                      a->f.bank, a->f.branch, (const char *)a->f.sealed,
	                      a->f.hash, a->f.masked};
	int lens[] = {0, 0, 0, 0, 0, (int)a->f.sealed_len, 0, 0};
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
	json_t *d =
	        json_pack("{s:s, s:s, s:s, s:s}", "enterprise_id", a->eid, "bank_name", a->f.bank,
	                  "branch_name", a->f.branch, "account_number_masked", a->f.masked);
	Enterprise__ReceivingAccountAdded ev = ENTERPRISE__RECEIVING_ACCOUNT_ADDED__INIT;
	ev.account_id = acc->id;
	ev.enterprise_id = (char *)a->eid;
	ev.account_number_masked = (char *)a->f.masked;
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
	int rv;
	if ((rv = enterprise_caller_admin(ctx, &a.eid)) != ST_OK)
		return rv;
	a.admin = ctx->caller->person_id;
	if ((rv = account_fields_read(ctx, a.eid, req->bank_name, req->branch_name,
	                              req->account_number, req->account_name, &a.f)) != ST_OK)
		goto out;
	if ((rv = change_run(ctx, account_tx, &a)) != ST_OK)
		goto out;
	log_kv(LOGL_INFO, ctx->request_id, "receiving account added", "enterprise", a.eid,
	       "account", a.acc->id, "number", a.f.masked, NULL);
	*out = &a.acc->base;
	rv = ST_CREATED;
out:
	free(a.f.sealed);
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
	enterprise_deposits_refresh(ctx, eid, NULL);
	const char *vals[] = {eid, pg.limit, pg.offset};
	return dblist_query(ctx, &enterprise__receiving_account_list__descriptor, &pg,
	                    "SELECT count(*) FROM receiving_accounts WHERE enterprise_id = $1::uuid"
	                    " AND state <> 'deleted'",
	                    1,
	                    ACCOUNT_SELECT
	                    " WHERE a.enterprise_id = $1::uuid AND a.state <> 'deleted'"
	                    " ORDER BY a.created_at DESC, a.id"
	                    " LIMIT $2::int OFFSET $3::bigint",
	                    3, vals, account_row, NULL, out);
}

int enterprise_receiving_account_show(svc_ctx *ctx, const ProtobufCMessage *in,
                                      ProtobufCMessage **out)
{
	const Enterprise__ReceivingAccountRef *req = (const Enterprise__ReceivingAccountRef *)in;
	const char *eid = NULL, *role = NULL;
	Enterprise__ReceivingAccount *acc = NULL;
	int rv;
	if ((rv = enterprise_caller_enterprise(ctx, &eid, &role)) != ST_OK)
		return rv;
	if (req->id && validate_uuid(req->id))
		enterprise_deposits_refresh(ctx, eid, req->id);
	if ((rv = enterprise_account_load(ctx, eid, req->id, &acc)) != ST_OK)
		return rv;
	*out = &acc->base;
	return ST_OK;
}

/* ---- edit and delete (unverified accounts only) ---------------------------------------- */

struct account_edit {
	const char *eid, *admin, *id;
	struct account_fields f; /* f.bank NULL for a delete */
};

/* Why an edit or delete of id matched no row: gone, verified, or the caller no longer the
 * admin. Inside the transaction. */
static int account_edit_refusal(svc_ctx *ctx, const struct account_edit *e)
{
	PGresult *res = NULL;
	const char *vals[] = {e->eid, e->id};
	int rv = change_exec(ctx,
	                     "SELECT state FROM receiving_accounts WHERE enterprise_id = $1::uuid"
	                     " AND id = $2::uuid AND state <> 'deleted'",
	                     2, vals, &res);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(res) != 1)
		rv = status_err(ST_NOT_FOUND, "id");
	else if (strcmp(PQgetvalue(res, 0, 0), "verified") == 0)
		rv = status_err(ST_RECEIVING_ACCOUNT_VERIFIED, "id");
	else
		rv = status_err(ST_ENTERPRISE_ADMIN_REQUIRED, NULL);
	PQclear(res);
	return rv;
}

static int account_edit_tx(svc_ctx *ctx, void *arg)
{
	struct account_edit *e = arg;
	PGresult *res = NULL;
	int rv;
	const char *actor = arena_printf(ctx->arena, "person:%s", e->admin);
	if (e->f.bank) {
		const char *vals[] = {e->eid,    e->id,       e->admin,
		                      e->f.bank, e->f.branch, (const char *)e->f.sealed,
		                      e->f.hash, e->f.masked};
		int lens[] = {0, 0, 0, 0, 0, (int)e->f.sealed_len, 0, 0};
		int fmts[] = {0, 0, 0, 0, 0, 1, 0, 0};
		rv = change_unique(
		        ctx, ST_RECEIVING_ACCOUNT_EXISTS, "account_number",
		        "UPDATE receiving_accounts SET bank_name = $4, branch_name = $5,"
		        " account_number_enc = $6, account_number_hash = $7,"
		        " account_number_masked = $8, updated_at = now()"
		        " WHERE enterprise_id = $1::uuid AND id = $2::uuid AND state = 'unverified'"
		        " AND EXISTS (SELECT 1 FROM memberships WHERE enterprise_id = $1::uuid"
		        " AND person_id = $3::uuid AND role = 'admin' AND state = 'active')"
		        " RETURNING account_number_masked, state",
		        8, vals, lens, fmts, &res);
	} else {
		const char *vals[] = {e->eid, e->id, e->admin};
		rv = change_exec(
		        ctx,
		        "UPDATE receiving_accounts SET state = 'deleted', deleted_at = now(),"
		        " updated_at = now()"
		        " WHERE enterprise_id = $1::uuid AND id = $2::uuid AND state = 'unverified'"
		        " AND EXISTS (SELECT 1 FROM memberships WHERE enterprise_id = $1::uuid"
		        " AND person_id = $3::uuid AND role = 'admin' AND state = 'active')"
		        " RETURNING account_number_masked, state",
		        3, vals, &res);
	}
	if (rv != ST_OK)
		return rv;
	if (change_rows(res) != 1) {
		rv = account_edit_refusal(ctx, e);
		goto out;
	}
	const char *masked = arena_strdup(ctx->arena, PQgetvalue(res, 0, 0));
	const char *state = arena_strdup(ctx->arena, PQgetvalue(res, 0, 1));
	/* The deposit went to what the account was: an edit or delete supersedes it. */
	if ((rv = enterprise_deposits_cancel(ctx, actor, e->id)) != ST_OK)
		goto out;
	const char *verb = e->f.bank ? "updated" : "deleted";
	json_t *d = e->f.bank ? json_pack("{s:s, s:s, s:s, s:s}", "enterprise_id", e->eid,
	                                  "bank_name", e->f.bank, "branch_name", e->f.branch,
	                                  "account_number_masked", masked)
	                      : json_pack("{s:s, s:s}", "enterprise_id", e->eid,
	                                  "account_number_masked", masked);
	change_event ev = {arena_printf(ctx->arena, "enterprise.receiving_account.%s", verb),
	                   arena_printf(ctx->arena, "enterprise/%s", e->eid),
	                   &enterprise_account_event(ctx, e->id, e->eid, masked, state)->base};
	rv = change_record(ctx, actor, arena_printf(ctx->arena, "receiving_account/%s", e->id),
	                   arena_printf(ctx->arena, "receiving_account.%s", verb), d, &ev);
out:
	PQclear(res);
	return rv;
}

int enterprise_receiving_account_update(svc_ctx *ctx, const ProtobufCMessage *in,
                                        ProtobufCMessage **out)
{
	const Enterprise__UpdateReceivingAccountRequest *req =
	        (const Enterprise__UpdateReceivingAccountRequest *)in;
	struct account_edit e = {0};
	Enterprise__ReceivingAccount *acc = NULL;
	int rv;
	if ((rv = enterprise_caller_admin(ctx, &e.eid)) != ST_OK)
		return rv;
	if (!req->id || !validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
	e.admin = ctx->caller->person_id;
	e.id = req->id;
	if ((rv = account_fields_read(ctx, e.eid, req->bank_name, req->branch_name,
	                              req->account_number, req->account_name, &e.f)) != ST_OK)
		goto out;
	if ((rv = change_run(ctx, account_edit_tx, &e)) != ST_OK)
		goto out;
	if ((rv = enterprise_account_load(ctx, e.eid, e.id, &acc)) != ST_OK)
		goto out;
	log_kv(LOGL_INFO, ctx->request_id, "receiving account edited", "enterprise", e.eid,
	       "account", e.id, "number", e.f.masked, NULL);
	*out = &acc->base;
	rv = ST_OK;
out:
	free(e.f.sealed);
	return rv;
}

int enterprise_receiving_account_delete(svc_ctx *ctx, const ProtobufCMessage *in,
                                        ProtobufCMessage **out)
{
	const Enterprise__ReceivingAccountRef *req = (const Enterprise__ReceivingAccountRef *)in;
	struct account_edit e = {0};
	PGresult *res = NULL;
	int rv;
	if ((rv = enterprise_caller_admin(ctx, &e.eid)) != ST_OK)
		return rv;
	if (!req->id || !validate_uuid(req->id))
		return status_err(ST_NOT_FOUND, "id");
	e.admin = ctx->caller->person_id;
	e.id = req->id;
	if ((rv = change_run(ctx, account_edit_tx, &e)) != ST_OK)
		return rv;
	/* The deleted row as it is now (the view never finds deleted ones). */
	const char *vals[] = {e.eid, e.id};
	if ((rv = db_exec(ctx->db,
	                  ACCOUNT_SELECT " WHERE a.enterprise_id = $1::uuid AND a.id = $2::uuid", 2,
	                  vals, &res)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return status_err(ST_NOT_FOUND, "id");
	}
	*out = &account_from_row(ctx, res, 0)->base;
	PQclear(res);
	log_kv(LOGL_INFO, ctx->request_id, "receiving account deleted", "enterprise", e.eid,
	       "account", e.id, NULL);
	return ST_OK;
}
