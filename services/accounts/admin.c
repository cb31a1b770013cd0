/*
 * `accounts admin ...`: platform staff and institution staff are not registered through
 * the API but from the shell, with the service's database role and PII keys:
 *   accounts admin create-operator --phone P --password W --roles R1,R2 [--name N]
 *   accounts admin create-staff    --phone P --password W --institution ID [--name N]
 *   accounts admin create-person   --phone P --password W [--name N]
 *   accounts admin unlock          --phone P
 *   accounts admin disable|enable  --phone P
 *   accounts admin end-sessions    --phone P
 * create-* on a registered phone updates the roles (or institution) and says so; the
 * password stays unless --reset-password is given. Same validation as the API; audited
 * as actor "system:admin-cli".
 *
 * A change of a person's authority (roles, institution, password, disabled) ends every
 * session of the person (session_person_end_all), so it holds from their next request.
 * A database commit and a Redis write are not atomic, so the sessions are ended twice:
 * inside the transaction before it commits (if Redis fails the change is rolled back;
 * if the commit fails the person merely logs in again: the stricter state either way),
 * and after the commit (a login that read the old row in between). When the second
 * fails after retries the command exits 1 and says to run end-sessions.
 */
#include "accounts.h"

#include "change.h"
#include "config.h"
#include "log.h"
#include "session.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADMIN_ACTOR "system:admin-cli"

static const char *const admin_roles[] = {"reviewer", "quoter",       "finance",       "ca_officer",
                                          "admin",    "market_admin", "content_editor"};
#define ADMIN_NROLES (sizeof admin_roles / sizeof admin_roles[0])

int accounts_roles_normalise(const char *csv, char *out, size_t outlen)
{
	int want[ADMIN_NROLES] = {0}, any = 0;
	const char *p = csv;
	if (!csv || !*csv)
		return -1;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		size_t k = 0;
		while (k < ADMIN_NROLES &&
		       !(strlen(admin_roles[k]) == len && memcmp(admin_roles[k], p, len) == 0))
			k++;
		if (k == ADMIN_NROLES)
			return -1;
		want[k] = any = 1;
		if (!end)
			break;
		p = end + 1;
	}
	size_t used = 0;
	if (outlen)
		out[0] = '\0';
	for (size_t k = 0; k < ADMIN_NROLES; k++) {
		if (!want[k])
			continue;
		int n = snprintf(out + used, outlen - used, "%s%s", used ? "," : "",
		                 admin_roles[k]);
		if (n < 0 || (size_t)n >= outlen - used)
			return -1;
		used += (size_t)n;
	}
	return any ? 0 : -1;
}

static int institution_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

struct admin_args {
	const char *cmd;
	const char *phone, *password, *roles, *institution, *name;
	int reset_password;
	const char *redis_url; /* REDIS_URL, from the config table; "" without */
};

/* Ends the person's sessions inside a change's transaction, before it commits. */
static int admin_end_sessions_tx(svc_ctx *ctx, const char *person_id)
{
	if (!ctx->redis) {
		fprintf(stderr,
		        "accounts admin: REDIS_URL is needed to change a person's roles, "
		        "institution, password or disabled flag: their sessions must end\n");
		return status_err(ST_UNAVAILABLE, NULL);
	}
	return session_person_end_all(ctx->redis, person_id);
}

/* After the commit: the sessions end again (see the top of the file); loud on failure. */
static int admin_end_sessions(svc_ctx *ctx, const char *person_id)
{
	for (int i = 0; i < 3; i++) {
		if (ctx->redis && session_person_end_all(ctx->redis, person_id) == ST_OK) {
			printf("  sessions ended\n");
			return ST_OK;
		}
	}
	fprintf(stderr,
	        "accounts admin: the change is committed but the sessions of person %s may "
	        "NOT have ended (Redis unreachable): run `accounts admin end-sessions --phone "
	        "...` once Redis answers\n",
	        person_id);
	return status_err(ST_UNAVAILABLE, NULL);
}

static int admin_usage(void)
{
	fprintf(stderr,
	        "usage: accounts admin create-operator --phone P --password W --roles R1,R2 "
	        "[--name N] [--reset-password]\n"
	        "       accounts admin create-staff --phone P --password W --institution ID "
	        "[--name N] [--reset-password]\n"
	        "       accounts admin create-person --phone P --password W [--name N] "
	        "[--reset-password]\n"
	        "       accounts admin unlock|disable|enable|end-sessions --phone P\n"
	        "roles: reviewer, quoter, finance, ca_officer, admin, market_admin, "
	        "content_editor\n"
	        "environment: DB_URL, PII_ENC_KEY, PII_MAC_KEY, PASSWORD_KDF_LOG_N, REDIS_URL "
	        "(needed to change a registered person: their sessions end)\n");
	return 2;
}

/* A refused value: the option, the stable code and the Chinese message. */
static int admin_refuse(const char *option, int code)
{
	fprintf(stderr, "accounts admin: %s: %s %s\n", option, status_code_name(code),
	        status_message(code));
	return 1;
}

static int admin_parse(int argc, char **argv, struct admin_args *a)
{
	memset(a, 0, sizeof *a);
	if (argc < 2)
		return -1;
	a->cmd = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *o = argv[i];
		const char **dst = strcmp(o, "--phone") == 0         ? &a->phone
		                   : strcmp(o, "--password") == 0    ? &a->password
		                   : strcmp(o, "--roles") == 0       ? &a->roles
		                   : strcmp(o, "--institution") == 0 ? &a->institution
		                   : strcmp(o, "--name") == 0        ? &a->name
		                                                     : NULL;
		if (strcmp(o, "--reset-password") == 0) {
			a->reset_password = 1;
			continue;
		}
		if (!dst || i + 1 >= argc)
			return -1;
		*dst = argv[++i];
	}
	return 0;
}

/* Checks the options of a command; 0, or the exit code. */
static int admin_validate(const struct admin_args *a, char *roles, size_t roleslen)
{
	int rv;
	int is_op = strcmp(a->cmd, "create-operator") == 0;
	int is_staff = strcmp(a->cmd, "create-staff") == 0;
	int is_person = strcmp(a->cmd, "create-person") == 0;
	int is_unlock = strcmp(a->cmd, "unlock") == 0 || strcmp(a->cmd, "disable") == 0 ||
	                strcmp(a->cmd, "enable") == 0 || strcmp(a->cmd, "end-sessions") == 0;
	if (!is_op && !is_staff && !is_person && !is_unlock)
		return admin_usage();
	if (!a->phone)
		return admin_usage();
	if ((rv = validate_mobile(a->phone)) != 0)
		return admin_refuse("--phone", rv);
	if (is_unlock)
		return a->password || a->roles || a->institution || a->name ? admin_usage() : 0;
	if (!a->password || (is_op != (a->roles != NULL)) || (is_staff != (a->institution != NULL)))
		return admin_usage();
	if ((rv = validate_password(a->password, a->phone)) != 0)
		return admin_refuse("--password", rv);
	if (a->name && (rv = validate_person_name(a->name)) != 0)
		return admin_refuse("--name", rv);
	if (is_op && accounts_roles_normalise(a->roles, roles, roleslen) != 0) {
		fprintf(stderr,
		        "accounts admin: --roles: one or more of reviewer, quoter, finance, "
		        "ca_officer, admin, market_admin, content_editor, comma-separated\n");
		return 1;
	}
	if (is_staff && !institution_ok(a->institution)) {
		fprintf(stderr, "accounts admin: --institution: 1-63 of A-Z a-z 0-9 _ -\n");
		return 1;
	}
	return 0;
}

static const char *admin_kind(const struct admin_args *a)
{
	return strcmp(a->cmd, "create-operator") == 0 ? "operator"
	       : strcmp(a->cmd, "create-staff") == 0  ? "institution staff"
	                                              : "person";
}

/* The event accounts.operator.roles_set of person id with roles (comma-separated, may be
 * empty): all the roles as they now are, for notify's projection of operators. */
static change_event *admin_roles_event(svc_ctx *ctx, const char *id, const char *roles)
{
	Accounts__OperatorRolesSet *ev = arena_alloc(ctx->arena, sizeof *ev);
	accounts__operator_roles_set__init(ev);
	ev->person_id = arena_strdup(ctx->arena, id);
	ev->roles = arena_alloc(ctx->arena, (ADMIN_NROLES + 1) * sizeof *ev->roles);
	for (const char *p = roles; p && *p && ev->n_roles < ADMIN_NROLES;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		ev->roles[ev->n_roles++] = arena_printf(ctx->arena, "%.*s", (int)len, p);
		p = end ? end + 1 : p + len;
	}
	change_event *e = arena_alloc(ctx->arena, sizeof *e);
	*e = (change_event){"accounts.operator.roles_set", NULL, &ev->base};
	return e;
}

struct admin_new {
	const struct admin_args *a;
	const char *roles, *pwhash;
	char id[40]; /* the new person, set by create_tx */
};

/* The change: the person, audit, event. */
static int create_tx(svc_ctx *ctx, void *arg)
{
	struct admin_new *n = arg;
	const struct admin_args *a = n->a;
	int rv = accounts_person_insert(ctx, a->phone, n->pwhash, a->name, n->roles, a->institution,
	                                n->id);
	if (rv != ST_OK)
		return rv;
	if (n->roles && *n->roles &&
	    (rv = change_record(ctx, ADMIN_ACTOR, arena_printf(ctx->arena, "person/%s", n->id),
	                        "person.operator_roles_set", json_pack("{s:s}", "via", "admin-cli"),
	                        admin_roles_event(ctx, n->id, n->roles))) != ST_OK)
		return rv;
	return accounts_person_registered_record(
	        ctx, ADMIN_ACTOR, n->id, a->phone,
	        json_pack("{s:s, s:s}", "via", "admin-cli", "kind", admin_kind(a)));
}

static int admin_create_new(svc_ctx *ctx, const struct admin_args *a, const char *roles)
{
	char pwhash[CRYPTO_PASSWORD_HASH_MAX];
	int rv = accounts_password_hash(ctx->app, a->password, pwhash);
	if (rv != ST_OK)
		return rv;
	struct admin_new n = {a, roles, pwhash, ""};
	if ((rv = change_run(ctx, create_tx, &n)) != ST_OK)
		return rv;
	char masked[16];
	validate_mask_mobile(a->phone, masked);
	printf("created %s %s (person %s)%s%s%s%s\n", admin_kind(a), masked, n.id,
	       *roles ? ", roles " : "", roles, a->institution ? ", institution " : "",
	       a->institution ? a->institution : "");
	return ST_OK;
}

/* One line for one attribute: what it is now, and whether this run changed it. */
static void admin_say(const char *what, const char *value, int changed)
{
	printf(", %s %s %s", what, changed ? "set to" : "unchanged:", value);
}

struct admin_change {
	const char *const *vals; /* as update_tx's statement takes them */
	const char *id;
	int set_pw;
	int roles_changed, inst_changed; /* set by update_tx */
};

/* The change: only what differs is written and audited, so a second `make up` changes
 * nothing. */
static int update_tx(svc_ctx *ctx, void *arg)
{
	struct admin_change *c = arg;
	PGresult *res = NULL;
	int rv = change_exec(
	        ctx,
	        "WITH old AS (SELECT id, operator_roles, institution_id, name, verified_at"
	        " FROM persons WHERE id = $1::uuid FOR UPDATE)"
	        " UPDATE persons p SET"
	        " operator_roles = CASE WHEN $2::boolean THEN string_to_array($3, ',')"
	        " ELSE p.operator_roles END,"
	        " institution_id = CASE WHEN $4::boolean THEN $5 ELSE p.institution_id END,"
	        " name = CASE WHEN $6 <> '' AND p.verified_at IS NULL THEN $6 ELSE p.name END,"
	        " password_hash = CASE WHEN $7 <> '' THEN $7 ELSE p.password_hash END,"
	        " password_changed_at = CASE WHEN $7 <> '' THEN now()"
	        " ELSE p.password_changed_at END,"
	        " failed_logins = CASE WHEN $7 <> '' THEN 0 ELSE p.failed_logins END,"
	        " locked_until = CASE WHEN $7 <> '' THEN NULL ELSE p.locked_until END,"
	        " updated_at = now() FROM old WHERE p.id = old.id AND ("
	        " ($2::boolean AND old.operator_roles IS DISTINCT FROM string_to_array($3, ','))"
	        " OR ($4::boolean AND old.institution_id IS DISTINCT FROM $5)"
	        " OR ($6 <> '' AND old.verified_at IS NULL AND old.name IS DISTINCT FROM $6)"
	        " OR $7 <> '')"
	        " RETURNING old.operator_roles IS DISTINCT FROM p.operator_roles,"
	        " old.institution_id IS DISTINCT FROM p.institution_id",
	        7, c->vals, &res);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(res) == 1) {
		c->roles_changed = PQgetvalue(res, 0, 0)[0] == 't';
		c->inst_changed = PQgetvalue(res, 0, 1)[0] == 't';
	}
	PQclear(res);
	const char *subject = arena_printf(ctx->arena, "person/%s", c->id);
	const char *actions[] = {"person.operator_roles_set", "person.institution_set",
	                         "person.password_reset"};
	const int changed[] = {c->roles_changed, c->inst_changed, c->set_pw};
	for (int i = 0; i < 3 && rv == ST_OK; i++)
		if (changed[i])
			rv = change_record(ctx, ADMIN_ACTOR, subject, actions[i],
			                   json_pack("{s:s}", "via", "admin-cli"),
			                   i == 0 ? admin_roles_event(ctx, c->id, c->vals[2])
			                          : NULL);
	if (rv == ST_OK && (c->roles_changed || c->inst_changed || c->set_pw))
		rv = admin_end_sessions_tx(ctx, c->id);
	return rv;
}

static int admin_update(svc_ctx *ctx, const struct admin_args *a, const char *roles,
                        const accounts_login_row *row)
{
	char pwhash[CRYPTO_PASSWORD_HASH_MAX] = "";
	int same = crypto_password_verify(a->password, row->password_hash) == 1;
	int set_pw = a->reset_password && !same;
	int rv;
	if (set_pw && (rv = accounts_password_hash(ctx->app, a->password, pwhash)) != ST_OK)
		return rv;
	int is_op = strcmp(a->cmd, "create-operator") == 0;
	int is_staff = strcmp(a->cmd, "create-staff") == 0;
	const char *vals[] = {row->id,
	                      is_op ? "t" : "f",
	                      roles,
	                      is_staff ? "t" : "f",
	                      a->institution ? a->institution : "",
	                      a->name ? a->name : "",
	                      set_pw ? pwhash : ""};
	struct admin_change c = {vals, row->id, set_pw, 0, 0};
	if ((rv = change_run(ctx, update_tx, &c)) != ST_OK)
		return rv;
	printf("%s %s is already registered (person %s)", admin_kind(a), row->phone_masked,
	       row->id);
	if (is_op)
		admin_say("roles", roles, c.roles_changed);
	if (is_staff)
		admin_say("institution", a->institution, c.inst_changed);
	if (set_pw)
		printf(", password replaced\n");
	else if (same)
		printf(", password unchanged\n");
	else
		printf("; the password differs and was kept (--reset-password replaces it)\n");
	if (c.roles_changed || c.inst_changed || set_pw)
		return admin_end_sessions(ctx, row->id);
	return ST_OK;
}

/* The change: counter and lock cleared, audit. */
static int unlock_tx(svc_ctx *ctx, void *arg)
{
	const char *id = arg;
	const char *vals[] = {id};
	int rv = change_exec(
	        ctx,
	        "UPDATE persons SET failed_logins = 0, locked_until = NULL WHERE id = $1::uuid", 1,
	        vals, NULL);
	if (rv != ST_OK)
		return rv;
	return change_record(ctx, ADMIN_ACTOR, arena_printf(ctx->arena, "person/%s", id),
	                     "person.unlocked", json_pack("{s:s}", "reason", "admin"), NULL);
}

static int admin_unlock(svc_ctx *ctx, const accounts_login_row *row)
{
	int rv = change_run(ctx, unlock_tx, (void *)row->id);
	if (rv == ST_OK)
		printf("unlocked %s (person %s; it had %d failed logins%s)\n", row->phone_masked,
		       row->id, row->failed_logins, row->locked_for_s > 0 ? ", locked" : "");
	return rv;
}

struct admin_disable {
	const char *id;
	int disable;
	int changed; /* set by disable_tx */
};

/* The change: the flag, audit; a disabled person's sessions end before the commit. */
static int disable_tx(svc_ctx *ctx, void *arg)
{
	struct admin_disable *d = arg;
	const char *vals[] = {d->id, d->disable ? "t" : "f"};
	PGresult *res = NULL;
	int rv = change_exec(ctx,
	                     "UPDATE persons SET disabled = $2::boolean, updated_at = now()"
	                     " WHERE id = $1::uuid AND disabled <> $2::boolean RETURNING id",
	                     2, vals, &res);
	if (rv != ST_OK)
		return rv;
	d->changed = PQntuples(res) == 1;
	PQclear(res);
	if (!d->changed)
		return ST_OK;
	rv = change_record(ctx, ADMIN_ACTOR, arena_printf(ctx->arena, "person/%s", d->id),
	                   d->disable ? "person.disabled" : "person.enabled",
	                   json_pack("{s:s}", "via", "admin-cli"), NULL);
	if (rv == ST_OK && d->disable)
		rv = admin_end_sessions_tx(ctx, d->id);
	return rv;
}

static int admin_disable(svc_ctx *ctx, const accounts_login_row *row, int disable)
{
	struct admin_disable d = {row->id, disable, 0};
	int rv = change_run(ctx, disable_tx, &d);
	if (rv != ST_OK)
		return rv;
	printf("%s %s (person %s)\n",
	       d.changed ? (disable ? "disabled" : "enabled")
	                 : (disable ? "already disabled" : "already enabled"),
	       row->phone_masked, row->id);
	/* Ended again even when already disabled: a rerun finishes a failed end. */
	return disable ? admin_end_sessions(ctx, row->id) : ST_OK;
}

int accounts_admin_main(int argc, char **argv)
{
	struct accounts_app app;
	struct admin_args a;
	char roles[128] = "", err[256];
	const char *db_url = NULL, *pii_enc = NULL, *pii_mac = NULL;
	db_conn *db = NULL;
	redis_conn *redis = NULL;
	arena *ar = NULL;
	int code;

	memset(&app, 0, sizeof app);
	if (admin_parse(argc, argv, &a) != 0)
		return admin_usage();
	if ((code = admin_validate(&a, roles, sizeof roles)) != 0)
		return code;
	config_item items[] = {
	        {"DB_URL", CFG_STR, NULL, 0, 0, "libpq connection string of the accounts role",
	         &db_url},
	        {"PASSWORD_KDF_LOG_N", CFG_INT, "15", 15, 17, "scrypt cost: N = 2^value",
	         &app.kdf_log_n},
	        {"REDIS_URL", CFG_STR, "", 0, 0,
	         "sessions to end when a person's authority or password changes", &a.redis_url},
	        CRYPTO_KEY_CONFIG_ITEMS(&pii_enc, &pii_mac),
	};
	if (config_load(items, sizeof items / sizeof items[0], err, sizeof err) != 0) {
		fprintf(stderr, "accounts admin: %s\n", err);
		return 2;
	}
	if (crypto_keys_from_hex(&app.keys, pii_enc, pii_mac) != 0)
		return 2;
	log_setup("accounts", "warn");
	code = 1;
	if (!(db = db_open(db_url)))
		goto out;
	ar = arena_new();
	redis = *a.redis_url ? redis_open(a.redis_url, 2000) : NULL;
	static const Bus__Caller no_caller = BUS__CALLER__INIT;
	svc_ctx ctx = {.service = "accounts",
	               .caller = &no_caller,
	               .request_id = "",
	               .db = db,
	               .redis = redis,
	               .arena = ar,
	               .app = &app};
	accounts_login_row row;
	int rv = accounts_login_row_by_phone(&ctx, a.phone, &row);
	if (rv != ST_OK && rv != ST_NOT_FOUND) {
		fprintf(stderr, "accounts admin: reading the person failed (%s)\n",
		        status_code_name(rv));
		goto out;
	}
	int by_phone = strcmp(a.cmd, "unlock") == 0 || strcmp(a.cmd, "disable") == 0 ||
	               strcmp(a.cmd, "enable") == 0 || strcmp(a.cmd, "end-sessions") == 0;
	if (by_phone && rv == ST_NOT_FOUND) {
		fprintf(stderr, "accounts admin: no person has this phone\n");
		goto out;
	}
	if (strcmp(a.cmd, "unlock") == 0) {
		rv = admin_unlock(&ctx, &row);
	} else if (strcmp(a.cmd, "disable") == 0 || strcmp(a.cmd, "enable") == 0) {
		rv = admin_disable(&ctx, &row, strcmp(a.cmd, "disable") == 0);
	} else if (strcmp(a.cmd, "end-sessions") == 0) {
		rv = admin_end_sessions(&ctx, row.id);
	} else {
		rv = rv == ST_NOT_FOUND ? admin_create_new(&ctx, &a, roles)
		                        : admin_update(&ctx, &a, roles, &row);
	}
	if (rv != ST_OK) {
		fprintf(stderr, "accounts admin: %s failed (%s)\n", a.cmd, status_code_name(rv));
		goto out;
	}
	code = 0;
out:
	redis_close(redis);
	arena_free(ar);
	db_close(db);
	return code;
}
