/* PostgreSQL helpers on libpq (see db.h). */
#include "db.h"

#include "crypto.h"
#include "log.h"
#include "mem.h"
#include "status.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DB_STMT_SLOTS 256

/* Failures of every connection of the process, for the Ping gauges (svc.c). */
static atomic_ullong db_errors;

struct db_conn {
	PGconn *pg;
	char *conninfo;
	/* Hashes of statements prepared on this connection (open addressing, 0 = empty). */
	unsigned long long prepared[DB_STMT_SLOTS];
	int nprepared;
	/* Incremented by every reconnection: session state (LISTEN, SET) is gone. */
	unsigned generation;
};

static _Thread_local char db_tl_sqlstate[6];

const char *db_last_sqlstate(void) { return db_tl_sqlstate; }

/* Server notices ("relation already exists, skipping") go to the debug log, not stderr. */
static void db_notice(void *arg, const char *message)
{
	(void)arg;
	log_kv(LOGL_DEBUG, NULL, "database notice", "notice", message, NULL);
}

/* Seconds a connection attempt may take when DB_URL sets no connect_timeout: without
 * one libpq waits on an unreachable host for as long as TCP does (minutes). */
#define DB_CONNECT_TIMEOUT_DEFAULT "5"

PGconn *db_connect(const char *conninfo)
{
	/* Keywords before the expanded dbname are defaults: DB_URL's own value wins. */
	const char *const keys[] = {"connect_timeout", "dbname", NULL};
	const char *const vals[] = {DB_CONNECT_TIMEOUT_DEFAULT, conninfo, NULL};
	return PQconnectdbParams(keys, vals, 1);
}

/* What may be logged of a failed statement: its SQLSTATE and the names of what it
 * touched. The message itself can quote row values ("Failing row contains (…)" in a
 * DETAIL, the bad input of a type error in the primary text), and those are often
 * personal data, so only messages of classes that carry no values are kept. */
static void db_log_failure(const PGresult *r, PGconn *pg, const char *what)
{
	atomic_fetch_add(&db_errors, 1);
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	/* 22 data exception and 23 integrity violation quote values; so may P0 (RAISE). */
	int quotes = state && (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0 ||
	                       strncmp(state, "P0", 2) == 0);
	if (!r)
		primary = PQerrorMessage(pg);
	log_kv(LOGL_ERROR, NULL, what, "sqlstate", state ? state : "", "error",
	       quotes ? NULL : primary, "schema",
	       r ? PQresultErrorField(r, PG_DIAG_SCHEMA_NAME) : NULL, "table",
	       r ? PQresultErrorField(r, PG_DIAG_TABLE_NAME) : NULL, "column",
	       r ? PQresultErrorField(r, PG_DIAG_COLUMN_NAME) : NULL, "constraint",
	       r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL, NULL);
}

db_conn *db_open(const char *conninfo)
{
	PGconn *pg = db_connect(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		atomic_fetch_add(&db_errors, 1);
		log_kv(LOGL_ERROR, NULL, "database connection failed", "error", PQerrorMessage(pg),
		       NULL);
		PQfinish(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg, db_notice, NULL);
	db_conn *c = xcalloc(1, sizeof *c);
	c->pg = pg;
	c->conninfo = xstrdup(conninfo);
	return c;
}

void db_close(db_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	free(c->conninfo);
	free(c);
}

PGconn *db_pg(db_conn *c) { return c->pg; }

int db_ensure(db_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	PQreset(c->pg);
	memset(c->prepared, 0, sizeof c->prepared);
	c->nprepared = 0;
	c->generation++;
	if (PQstatus(c->pg) == CONNECTION_OK) {
		log_kv(LOGL_INFO, NULL, "database connection re-established", NULL);
		return 0;
	}
	atomic_fetch_add(&db_errors, 1);
	return -1;
}

unsigned db_generation(const db_conn *c) { return c->generation; }

/* libpq learns that the server closed the connection (a terminated backend, a
 * restart) only when it next uses the socket: PQstatus says CONNECTION_OK until a
 * statement fails. Such a statement never reached the server, so when it is one
 * that may run twice — BEGIN, or a SELECT outside a transaction — it is run again
 * on a new connection rather than failing the request. */
static int db_lost(const db_conn *c, int was_idle)
{
	return was_idle && PQstatus(c->pg) == CONNECTION_BAD;
}

static int db_read_only(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	return strncasecmp(sql, "SELECT", 6) == 0;
}

unsigned long long db_errors_total(void) { return atomic_load(&db_errors); }

/* FNV-1a over the statement text; never 0 so 0 can mark an empty slot. */
static unsigned long long db_stmt_hash(const char *sql)
{
	unsigned long long h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h ? h : 1;
}

/* 1 when already prepared; otherwise records it (if there is room) and returns 0.
 * *cacheable is 0 when the table is full and the statement must run unprepared. */
static int db_stmt_seen(db_conn *c, unsigned long long h, int *cacheable)
{
	size_t i = h % DB_STMT_SLOTS;
	for (size_t k = 0; k < DB_STMT_SLOTS; k++, i = (i + 1) % DB_STMT_SLOTS) {
		if (c->prepared[i] == h)
			return 1;
		if (c->prepared[i] == 0) {
			*cacheable = c->nprepared < DB_STMT_SLOTS * 3 / 4;
			return 0;
		}
	}
	*cacheable = 0;
	return 0;
}

static void db_stmt_remember(db_conn *c, unsigned long long h)
{
	size_t i = h % DB_STMT_SLOTS;
	while (c->prepared[i] != 0)
		i = (i + 1) % DB_STMT_SLOTS;
	c->prepared[i] = h;
	c->nprepared++;
}

static int db_result_status(PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		db_tl_sqlstate[0] = '\0';
		return ST_OK;
	}
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	snprintf(db_tl_sqlstate, sizeof db_tl_sqlstate, "%s", state ? state : "");
	if (state && (strcmp(state, "23505") == 0 || strcmp(state, "40001") == 0))
		return ST_CONFLICT;
	return ST_DB;
}

static int db_query_once(db_conn *c, const char *sql, int n, const char *const *vals,
                         const int *lens, const int *fmts, int result_binary, PGresult **res)
{
	PGresult *r = NULL;
	int rv;
	if (res)
		*res = NULL;
	if (db_ensure(c) != 0) {
		snprintf(db_tl_sqlstate, sizeof db_tl_sqlstate, "08006");
		return ST_DB;
	}
	unsigned long long h = db_stmt_hash(sql);
	int cacheable = 0;
	if (db_stmt_seen(c, h, &cacheable)) {
		char name[24];
		snprintf(name, sizeof name, "s%llx", h);
		r = PQexecPrepared(c->pg, name, n, vals, lens, fmts, result_binary);
	} else if (cacheable) {
		char name[24];
		snprintf(name, sizeof name, "s%llx", h);
		PGresult *p = PQprepare(c->pg, name, sql, n, NULL);
		rv = db_result_status(p);
		PQclear(p);
		if (rv != ST_OK)
			goto fail_msg;
		db_stmt_remember(c, h);
		r = PQexecPrepared(c->pg, name, n, vals, lens, fmts, result_binary);
	} else {
		r = PQexecParams(c->pg, sql, n, NULL, vals, lens, fmts, result_binary);
	}
	rv = db_result_status(r);
	if (rv != ST_OK && rv != ST_CONFLICT)
		goto fail_msg;
	if (rv == ST_OK && res) {
		*res = r;
		return ST_OK;
	}
	PQclear(r);
	return rv;
fail_msg:
	db_log_failure(r, c->pg, "sql failed");
	PQclear(r);
	return rv;
}

int db_query(db_conn *c, const char *sql, int n, const char *const *vals, const int *lens,
             const int *fmts, int result_binary, PGresult **res)
{
	int idle = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
	int rv = db_query_once(c, sql, n, vals, lens, fmts, result_binary, res);
	if (rv == ST_DB && db_lost(c, idle) && db_read_only(sql))
		rv = db_query_once(c, sql, n, vals, lens, fmts, result_binary, res);
	return rv;
}

int db_exec(db_conn *c, const char *sql, int n, const char *const *vals, PGresult **res)
{
	return db_query(c, sql, n, vals, NULL, NULL, 0, res);
}

static int db_simple(db_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->pg, sql);
	int rv = db_result_status(r);
	if (rv != ST_OK)
		db_log_failure(r, c->pg, "sql failed");
	PQclear(r);
	return rv;
}

int db_begin(db_conn *c)
{
	if (db_ensure(c) != 0)
		return ST_DB;
	int idle = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
	int rv = db_simple(c, "BEGIN");
	if (rv == ST_DB && db_lost(c, idle) && db_ensure(c) == 0)
		rv = db_simple(c, "BEGIN");
	return rv;
}

int db_commit(db_conn *c) { return db_simple(c, "COMMIT"); }

void db_rollback(db_conn *c)
{
	if (PQstatus(c->pg) != CONNECTION_OK)
		return;
	if (PQtransactionStatus(c->pg) == PQTRANS_IDLE)
		return;
	PGresult *r = PQexec(c->pg, "ROLLBACK");
	PQclear(r);
}

static int db_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *db_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 8192, len = 0;
	char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len - 1 == 0) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* Applies one migration unless recorded; a changed checksum is an error. */
static int db_migrate_one(db_conn *c, const char *name, const char *sql)
{
	char sum[65];
	PGresult *r = NULL;
	int rv;
	crypto_sha256_hex(sql, strlen(sql), sum);
	const char *p1[] = {name};
	rv = db_exec(c, "SELECT sha256 FROM schema_migrations WHERE name = $1", 1, p1, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) == 1) {
		int same = strcmp(PQgetvalue(r, 0, 0), sum) == 0;
		PQclear(r);
		if (!same) {
			log_kv(LOGL_ERROR, NULL, "applied migration was changed", "migration", name,
			       NULL);
			return ST_DB;
		}
		return ST_OK;
	}
	PQclear(r);
	if ((rv = db_begin(c)) != ST_OK)
		return rv;
	if ((rv = db_simple(c, sql)) != ST_OK)
		goto fail;
	const char *p2[] = {name, sum};
	if ((rv = db_exec(c, "INSERT INTO schema_migrations(name, sha256) VALUES ($1, $2)", 2, p2,
	                  NULL)) != ST_OK)
		goto fail;
	if ((rv = db_commit(c)) != ST_OK)
		goto fail;
	log_kv(LOGL_INFO, NULL, "migration applied", "migration", name, NULL);
	return ST_OK;
fail:
	db_rollback(c);
	log_kv(LOGL_ERROR, NULL, "migration failed", "migration", name, NULL);
	return rv;
}

int db_migrate(db_conn *c, const db_migration *builtin, size_t nbuiltin, const char *dir)
{
	int rv = ST_OK;
	char **names = NULL;
	size_t nnames = 0;
	DIR *d = NULL;

	if ((rv = db_simple(c, "SELECT pg_advisory_lock(hashtext(current_schema()))")) != ST_OK)
		return rv;
	rv = db_simple(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                  " name text PRIMARY KEY, sha256 text NOT NULL,"
	                  " applied_at timestamptz NOT NULL DEFAULT now())");
	if (rv != ST_OK)
		goto out;
	for (size_t i = 0; i < nbuiltin; i++)
		if ((rv = db_migrate_one(c, builtin[i].name, builtin[i].sql)) != ST_OK)
			goto out;
	if (!dir)
		goto out;
	d = opendir(dir);
	if (!d) {
		log_kv(LOGL_ERROR, NULL, "migrations directory missing", "dir", dir, NULL);
		rv = ST_DB;
		goto out;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		names = xrealloc(names, (nnames + 1) * sizeof *names);
		names[nnames++] = xstrdup(e->d_name);
	}
	if (nnames > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(names, nnames, sizeof *names, db_name_cmp);
	for (size_t i = 0; i < nnames && rv == ST_OK; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		char *sql = db_read_file(path);
		if (!sql) {
			rv = ST_DB;
			break;
		}
		names[i][strlen(names[i]) - 4] = '\0';
		rv = db_migrate_one(c, names[i], sql);
		free(sql);
	}
out:
	if (d)
		closedir(d);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	db_simple(c, "SELECT pg_advisory_unlock(hashtext(current_schema()))");
	return rv;
}
