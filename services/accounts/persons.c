/* Persons: registration, the masked Person view, profile (GetMe, UpdateMe), credentials. */
#include "accounts.h"

#include "change.h"
#include "dbrow.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PHONE_AAD "accounts.persons.phone"

/* Profile limits (characters). */
#define ADDRESS_MAX  200
#define POSITION_MAX 50

int accounts_phone_hash(const struct accounts_app *app, const char *phone, char out[65])
{
	return crypto_lookup_hash(&app->keys, phone, out);
}

int accounts_password_hash(const struct accounts_app *app, const char *pw,
                           char out[CRYPTO_PASSWORD_HASH_MAX])
{
	struct crypto_kdf_params prm = {(uint64_t)1 << app->kdf_log_n, CRYPTO_KDF_DEFAULT_R,
	                                CRYPTO_KDF_DEFAULT_P};
	if (crypto_password_hash(pw, &prm, out, CRYPTO_PASSWORD_HASH_MAX) != 0)
		return status_err(ST_INTERNAL, NULL);
	return ST_OK;
}

/* Splits "a,b" into an arena array. */
static void person_roles(svc_ctx *ctx, const char *csv, char ***out, size_t *n)
{
	*n = 0;
	*out = NULL;
	if (!csv || !*csv)
		return;
	size_t count = 1;
	for (const char *p = csv; *p; p++)
		count += *p == ',';
	char **items = arena_alloc(ctx->arena, count * sizeof *items);
	char *copy = arena_strdup(ctx->arena, csv);
	char *save = NULL;
	for (char *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save))
		items[(*n)++] = r;
	*out = items;
}

int accounts_person_load(svc_ctx *ctx, const char *person_id, Accounts__Person **out)
{
	PGresult *res = NULL;
	if (!validate_uuid(person_id))
		return status_err(ST_NOT_FOUND, NULL);
	const char *vals[] = {person_id};
	int rv = db_exec(
	        ctx->db,
	        "SELECT id::text, phone_masked, name, email_masked, address, position,"
	        " verified_at IS NOT NULL, id_number_masked, " DBROW_CST(
	                "verified_at") ", " DBROW_CST("created_at") ", "
	                                                            "array_to_string(operator_"
	                                                            "roles, ','),"
	                                                            " institution_id FROM persons "
	                                                            "WHERE id = $1::uuid",
	        1, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(res) != 1) {
		rv = status_err(ST_NOT_FOUND, NULL);
		goto out;
	}
	Accounts__Person *p = arena_alloc(ctx->arena, sizeof *p);
	accounts__person__init(p);
	p->id = dbrow_text(ctx->arena, res, 0, 0);
	p->phone_masked = dbrow_text(ctx->arena, res, 0, 1);
	p->name = dbrow_text(ctx->arena, res, 0, 2);
	p->email_masked = dbrow_text(ctx->arena, res, 0, 3);
	p->address = dbrow_text(ctx->arena, res, 0, 4);
	p->position = dbrow_text(ctx->arena, res, 0, 5);
	p->has_verified = 1;
	p->verified = PQgetvalue(res, 0, 6)[0] == 't';
	p->id_number_masked = dbrow_text(ctx->arena, res, 0, 7);
	p->verified_at = dbrow_text(ctx->arena, res, 0, 8);
	p->created_at = dbrow_text(ctx->arena, res, 0, 9);
	person_roles(ctx, PQgetvalue(res, 0, 10), &p->operator_roles, &p->n_operator_roles);
	p->institution_id = dbrow_text(ctx->arena, res, 0, 11);
	*out = p;
	rv = ST_OK;
out:
	PQclear(res);
	return rv;
}

int accounts_person_insert(svc_ctx *ctx, const char *phone, const char *password_hash,
                           const char *name, const char *roles_csv, const char *institution_id,
                           char id[40])
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	unsigned char *sealed = NULL;
	size_t sealed_len = 0;
	char hash[65], masked[16];
	PGresult *res = NULL;
	int rv;
	if (crypto_seal(&app->keys, phone, strlen(phone), PHONE_AAD, &sealed, &sealed_len) != 0 ||
	    accounts_phone_hash(app, phone, hash) != 0)
		return status_err(ST_INTERNAL, NULL);
	validate_mask_mobile(phone, masked);
	const char *vals[] = {(const char *)sealed,
	                      hash,
	                      masked,
	                      password_hash,
	                      name ? name : "",
	                      roles_csv ? roles_csv : "",
	                      institution_id ? institution_id : ""};
	int lens[] = {(int)sealed_len, 0, 0, 0, 0, 0, 0};
	int fmts[] = {1, 0, 0, 0, 0, 0, 0};
	/* Two racing registrations of one phone: the second waits on the unique phone_hash. */
	rv = change_unique(
	        ctx, ST_PHONE_TAKEN, "phone",
	        "INSERT INTO persons (phone_enc, phone_hash, phone_masked, password_hash, name,"
	        " operator_roles, institution_id) VALUES ($1, $2, $3, $4, NULLIF($5, ''),"
	        " coalesce(string_to_array(NULLIF($6, ''), ','), '{}'), NULLIF($7, ''))"
	        " RETURNING id::text",
	        7, vals, lens, fmts, &res);
	if (rv != ST_OK)
		goto out;
	snprintf(id, 40, "%s", PQgetvalue(res, 0, 0));
out:
	PQclear(res);
	free(sealed);
	return rv;
}

int accounts_person_registered_record(svc_ctx *ctx, const char *actor, const char *person_id,
                                      const char *phone, json_t *detail)
{
	char masked[16];
	Accounts__PersonRegistered ev = ACCOUNTS__PERSON_REGISTERED__INIT;
	validate_mask_mobile(phone, masked);
	ev.person_id = (char *)person_id;
	ev.phone_masked = masked;
	change_event e = {"accounts.person.registered", NULL, &ev.base};
	return change_record(ctx, actor, arena_printf(ctx->arena, "person/%s", person_id),
	                     "person.registered", detail, &e);
}

/* ---- credentials ---------------------------------------------------------------- */

#define LOGIN_ROW_SELECT                                                                           \
	"SELECT id::text, password_hash, phone_masked, array_to_string(operator_roles, ','),"      \
	" coalesce(institution_id, ''), failed_logins, disabled,"                                  \
	" greatest(coalesce(ceil(extract(epoch FROM locked_until - now())), 0), 0)::bigint,"       \
	" coalesce(floor(extract(epoch FROM locked_until)), 0)::bigint, phone_enc FROM persons "

static void login_copy(char *dst, size_t cap, PGresult *res, int col)
{
	snprintf(dst, cap, "%s", PQgetvalue(res, 0, col));
}

static int login_row_fill(svc_ctx *ctx, PGresult *res, accounts_login_row *row)
{
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	char *phone = NULL;
	memset(row, 0, sizeof *row);
	login_copy(row->id, sizeof row->id, res, 0);
	login_copy(row->password_hash, sizeof row->password_hash, res, 1);
	login_copy(row->phone_masked, sizeof row->phone_masked, res, 2);
	login_copy(row->operator_roles, sizeof row->operator_roles, res, 3);
	login_copy(row->institution_id, sizeof row->institution_id, res, 4);
	row->failed_logins = (int)strtol(PQgetvalue(res, 0, 5), NULL, 10);
	row->disabled = PQgetvalue(res, 0, 6)[0] == 't';
	row->locked_for_s = strtoll(PQgetvalue(res, 0, 7), NULL, 10);
	row->locked_until = strtoll(PQgetvalue(res, 0, 8), NULL, 10);
	int rv = dbrow_open(ctx, &app->keys, res, 0, 9, PHONE_AAD, &phone);
	if (rv != ST_OK)
		return rv;
	if (!phone || strlen(phone) >= sizeof row->phone)
		return status_err(ST_INTERNAL, NULL);
	memcpy(row->phone, phone, strlen(phone) + 1);
	return ST_OK;
}

static int login_row_query(svc_ctx *ctx, const char *sql, const char *key, accounts_login_row *row)
{
	PGresult *res = NULL;
	const char *vals[] = {key};
	int rv = db_exec(ctx->db, sql, 1, vals, &res);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	rv = PQntuples(res) == 1 ? login_row_fill(ctx, res, row) : ST_NOT_FOUND;
	PQclear(res);
	return rv;
}

int accounts_login_row_by_phone(svc_ctx *ctx, const char *phone, accounts_login_row *row)
{
	char hash[65];
	if (accounts_phone_hash(ACCOUNTS_APP(ctx), phone, hash) != 0)
		return status_err(ST_INTERNAL, NULL);
	return login_row_query(ctx, LOGIN_ROW_SELECT "WHERE phone_hash = $1", hash, row);
}

int accounts_login_row_by_id(svc_ctx *ctx, const char *person_id, accounts_login_row *row)
{
	if (!validate_uuid(person_id))
		return ST_NOT_FOUND;
	return login_row_query(ctx, LOGIN_ROW_SELECT "WHERE id = $1::uuid", person_id, row);
}

/* ---- registration ------------------------------------------------------------- */

static int agreement_id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 40)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	return 1;
}

static int agreement_version_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '!' || s[i] > '~')
			return 0;
	return 1;
}

int accounts_agreements_valid(Accounts__Agreement *const *items, size_t n)
{
	int has_register = 0;
	for (size_t i = 0; i < n; i++) {
		const Accounts__Agreement *a = items[i];
		if (!a || !agreement_id_ok(a->id) || !agreement_version_ok(a->version))
			return 0;
		has_register |= strcmp(a->id, "register") == 0;
	}
	return has_register;
}

/* The audit detail of a registration: which agreement versions were accepted. */
static json_t *register_detail(const Accounts__RegisterRequest *req)
{
	json_t *list = json_array();
	for (size_t i = 0; i < req->n_agreements; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "id", req->agreements[i]->id,
		                                      "version", req->agreements[i]->version));
	return json_pack("{s:o}", "agreements", list);
}

static int register_validate(const Accounts__RegisterRequest *req)
{
	int rv;
	if (!req->phone || !*req->phone)
		return status_err(ST_FIELD_REQUIRED, "phone");
	if ((rv = validate_mobile(req->phone)) != 0)
		return status_err(rv, "phone");
	if (!req->sms_code || !*req->sms_code)
		return status_err(ST_FIELD_REQUIRED, "sms_code");
	if (!req->password || !*req->password)
		return status_err(ST_FIELD_REQUIRED, "password");
	if ((rv = validate_password(req->password, req->phone)) != 0)
		return status_err(rv, "password");
	if (!req->password_confirm || !*req->password_confirm)
		return status_err(ST_FIELD_REQUIRED, "password_confirm");
	if (strcmp(req->password, req->password_confirm) != 0)
		return status_err(ST_PASSWORD_CONFIRM, "password_confirm");
	if (!accounts_agreements_valid(req->agreements, req->n_agreements))
		return status_err(ST_AGREEMENT_REQUIRED, "agreements");
	return ST_OK;
}

struct registration {
	const Accounts__RegisterRequest *req;
	const char *pwhash;
	char id[40]; /* the new person, set by register_tx */
};

/* The change: the row, the agreements, audit, event. */
static int register_tx(svc_ctx *ctx, void *arg)
{
	struct registration *g = arg;
	const Accounts__RegisterRequest *req = g->req;
	int rv = accounts_person_insert(ctx, req->phone, g->pwhash, NULL, NULL, NULL, g->id);
	if (rv != ST_OK)
		return rv;
	for (size_t i = 0; i < req->n_agreements; i++) {
		const char *vals[] = {g->id, req->agreements[i]->id, req->agreements[i]->version,
		                      ctx->caller->client_ip};
		rv = change_exec(
		        ctx,
		        "INSERT INTO agreement_acceptances (person_id, agreement_id, version,"
		        " client_ip) VALUES ($1::uuid, $2, $3, $4) ON CONFLICT DO NOTHING",
		        4, vals, NULL);
		if (rv != ST_OK)
			return rv;
	}
	return accounts_person_registered_record(ctx, arena_printf(ctx->arena, "person:%s", g->id),
	                                         g->id, req->phone, register_detail(req));
}

/*
 * Race-safe: the code is checked without being used up, the row inserted (a second
 * registration of the phone waits on the unique index) and committed, then the code is
 * used up. Of two racing registrations one commits, the other meets the unique
 * violation: 409 PHONE_TAKEN. notify is never called inside the transaction: a code
 * that cannot be used up after the commit is logged and left to expire, since all it
 * could still do is register this phone, which is now taken.
 */
int accounts_person_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__RegisterRequest *req = (const Accounts__RegisterRequest *)in;
	struct accounts_app *app = ACCOUNTS_APP(ctx);
	char pwhash[CRYPTO_PASSWORD_HASH_MAX];
	Accounts__Person *person = NULL;
	int rv;

	if ((rv = register_validate(req)) != ST_OK)
		return rv;
	if ((rv = accounts_sms_verify(ctx, req->phone, "register", req->sms_code, 0, "sms_code")) !=
	    ST_OK)
		return rv;
	if ((rv = accounts_password_hash(app, req->password, pwhash)) != ST_OK)
		return rv;
	struct registration g = {req, pwhash, ""};
	if ((rv = change_run(ctx, register_tx, &g)) != ST_OK)
		return rv;
	if ((rv = accounts_sms_verify(ctx, req->phone, "register", req->sms_code, 1, "sms_code")) !=
	    ST_OK)
		log_kv(LOGL_WARN, ctx->request_id, "registration code not used up", "person", g.id,
		       "error", status_code_name(rv), NULL);
	if ((rv = accounts_person_load(ctx, g.id, &person)) != ST_OK)
		return rv;
	log_kv(LOGL_INFO, ctx->request_id, "person registered", "person", g.id, NULL);
	*out = &person->base;
	return ST_CREATED;
}

/* ---- profile -------------------------------------------------------------------- */

int accounts_me_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	const char *pid = NULL;
	Accounts__Person *p = NULL;
	int rv = caller_person(ctx, &pid);
	if (rv == ST_OK)
		rv = accounts_person_load(ctx, pid, &p);
	/* A session of a person who is no longer there is no session. */
	if (rv == ST_NOT_FOUND)
		rv = status_err(ST_UNAUTHENTICATED, NULL);
	if (rv != ST_OK)
		return rv;
	*out = &p->base;
	return ST_OK;
}

/* "" clears a field; anything else must pass its validator. */
static int update_validate(const Accounts__UpdateMeRequest *req)
{
	int rv;
	if (req->name && *req->name && (rv = validate_person_name(req->name)) != 0)
		return status_err(rv, "name");
	if (req->email && *req->email && (rv = validate_email(req->email)) != 0)
		return status_err(rv, "email");
	if (req->address && (rv = validate_text(req->address, ADDRESS_MAX)) != 0)
		return status_err(rv, "address");
	if (req->position && (rv = validate_text(req->position, POSITION_MAX)) != 0)
		return status_err(rv, "position");
	return ST_OK;
}

/* The audit detail of a profile change: the names of the fields sent, not their values. */
static json_t *update_detail(const Accounts__UpdateMeRequest *req)
{
	const char *names[] = {"name", "email", "address", "position"};
	const char *vals[] = {req->name, req->email, req->address, req->position};
	json_t *fields = json_array();
	for (int i = 0; i < 4; i++)
		if (vals[i])
			json_array_append_new(fields, json_string(names[i]));
	return json_pack("{s:o}", "fields", fields);
}

struct profile_update {
	const Accounts__UpdateMeRequest *req;
	const char *pid;
	unsigned char *email_enc; /* the new address sealed, NULL when none is set */
	size_t email_len;
	char *email_masked;
};

/* The change: the fields sent, guarded against changing a verified name; audit. */
static int update_tx(svc_ctx *ctx, void *arg)
{
	const struct profile_update *u = arg;
	const Accounts__UpdateMeRequest *req = u->req;
	PGresult *res = NULL;
	/* $5 and $10: the sealed address and its mask, both NULL when "" clears it. */
	const char *vals[] = {u->pid,
	                      req->name ? "t" : "f",
	                      req->name ? req->name : "",
	                      req->email ? "t" : "f",
	                      (const char *)u->email_enc,
	                      req->address ? "t" : "f",
	                      req->address ? req->address : "",
	                      req->position ? "t" : "f",
	                      req->position ? req->position : "",
	                      u->email_masked};
	const int lens[] = {0, 0, 0, 0, (int)u->email_len, 0, 0, 0, 0, 0};
	const int fmts[] = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0};
	int rv = change_guard_query(
	        ctx, ST_IDENTITY_VERIFIED, "name",
	        "UPDATE persons SET"
	        " name = CASE WHEN $2::boolean THEN NULLIF($3, '') ELSE name END,"
	        " email_enc = CASE WHEN $4::boolean THEN $5::bytea ELSE email_enc END,"
	        " email_masked = CASE WHEN $4::boolean THEN $10::text ELSE email_masked END,"
	        " address = CASE WHEN $6::boolean THEN NULLIF($7, '') ELSE address END,"
	        " position = CASE WHEN $8::boolean THEN NULLIF($9, '') ELSE position END,"
	        " updated_at = now()"
	        " WHERE id = $1::uuid AND (NOT $2::boolean OR verified_at IS NULL"
	        " OR name IS NOT DISTINCT FROM NULLIF($3, '')) RETURNING id",
	        10, vals, lens, fmts, NULL);
	if (rv == ST_IDENTITY_VERIFIED) {
		/* Either the verified name was to change or the person is gone. */
		if ((rv = change_exec(ctx, "SELECT 1 FROM persons WHERE id = $1::uuid", 1, vals,
		                      &res)) != ST_OK)
			return rv;
		rv = PQntuples(res) == 1 ? status_err(ST_IDENTITY_VERIFIED, "name")
		                         : status_err(ST_UNAUTHENTICATED, NULL);
		PQclear(res);
		return rv;
	}
	if (rv != ST_OK)
		return rv;
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", u->pid),
	                     arena_printf(ctx->arena, "person/%s", u->pid),
	                     "person.profile_updated", update_detail(req), NULL);
}

/*
 * PATCH: absent fields stay, "" clears. Once verified, the name is the verified one:
 * a different name (or "") is a 409, guarded in the UPDATE itself so a verification
 * finishing meanwhile is respected.
 */
int accounts_me_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Accounts__UpdateMeRequest *req = (const Accounts__UpdateMeRequest *)in;
	const char *pid = NULL;
	Accounts__Person *p = NULL;
	int rv;

	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	if ((rv = update_validate(req)) != ST_OK)
		return rv;
	if (!req->name && !req->email && !req->address && !req->position)
		return accounts_me_get(ctx, in, out);
	struct profile_update u = {req, pid, NULL, 0, NULL};
	if (req->email && *req->email &&
	    (rv = accounts_email_seal(ctx, req->email, ACCOUNTS_EMAIL_AAD_PERSON, &u.email_enc,
	                              &u.email_len, &u.email_masked)) != ST_OK)
		return rv;
	rv = change_run(ctx, update_tx, &u);
	free(u.email_enc);
	if (rv != ST_OK)
		return rv;
	if ((rv = accounts_person_load(ctx, pid, &p)) != ST_OK)
		return rv;
	*out = &p->base;
	return ST_OK;
}
