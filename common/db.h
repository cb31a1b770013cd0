/*
 * PostgreSQL access through libpq: one connection per worker thread, every
 * statement parameterised and prepared once per connection, explicit
 * transactions, and migrations applied at start under an advisory lock.
 */
#ifndef COMMON_DB_H
#define COMMON_DB_H

#include <libpq-fe.h>
#include <stddef.h>

typedef struct db_conn db_conn;

typedef struct db_migration {
	const char *name; /* unique, ordered: "000_common_events" */
	const char *sql;
} db_migration;

/* Starts a libpq connection from conninfo (key=value or URI) with connect_timeout 5 s
 * unless conninfo sets its own; the caller PQfinish()es it whatever its status. */
PGconn *db_connect(const char *conninfo);
/* Connects (through db_connect); returns NULL (logged) when the server refuses. A failed
 * statement is logged with its SQLSTATE, schema, table, column and constraint, never
 * with text that can quote row values (DETAIL, or the message of classes 22, 23, P0).
 * The caller closes. */
db_conn *db_open(const char *conninfo);
void db_close(db_conn *c);
PGconn *db_pg(db_conn *c);
/* Reconnects a broken connection. 0 when usable. */
int db_ensure(db_conn *c);
/* Changes with every reconnection of c: whoever set session state on it (LISTEN)
 * compares it to re-issue that state. */
unsigned db_generation(const db_conn *c);
/* Failed statements, connections and reconnections of this process since start
 * (a statement's unique violation or serialization failure is not counted). */
unsigned long long db_errors_total(void);

/*
 * Runs one statement. Parameters are text (or binary where fmts[i] == 1, with
 * lens[i]); result_binary asks for binary columns. Returns ST_OK with *res
 * (caller PQclear()s; pass res NULL to discard), ST_CONFLICT for a unique
 * violation or serialization failure, ST_DB otherwise. The SQLSTATE of the last
 * failure on this thread is in db_last_sqlstate(). A SELECT outside a transaction
 * that fails because the server had closed the connection is run once more on a new
 * one; so is db_begin().
 */
int db_query(db_conn *c, const char *sql, int n, const char *const *vals, const int *lens,
             const int *fmts, int result_binary, PGresult **res);
/* Text parameters and text results. */
int db_exec(db_conn *c, const char *sql, int n, const char *const *vals, PGresult **res);
const char *db_last_sqlstate(void);

int db_begin(db_conn *c);
int db_commit(db_conn *c);
/* Never fails from the caller's point of view; a broken connection is reset. */
void db_rollback(db_conn *c);

/*
 * Applies the built-in migrations, then every dir/NNN_*.sql in name order, each
 * in its own transaction, under a session advisory lock keyed by the schema, so
 * replicas starting together apply each once. An applied file whose SHA-256
 * changed stops the start. dir may be NULL. Returns ST_OK or ST_DB (logged).
 */
int db_migrate(db_conn *c, const db_migration *builtin, size_t nbuiltin, const char *dir);

#endif
