/*
 * The change helper against a real PostgreSQL: what change_run commits and rolls back,
 * the audit entry and outbox event change_record writes, and the status a guarded
 * statement that matched no row (or a taken unique key) becomes. Needs TEST_PG_URL (a
 * role that may create schemas); run by tests/run-all.sh.
 */
#include "audit.h"
#include "change.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static struct {
	db_conn *db;
	arena *arena;
	Bus__Caller caller;
	svc_ctx ctx;
} env;

static long change_count(const char *sql)
{
	PGresult *r = NULL;
	assert_int_equal(db_exec(env.db, sql, 0, NULL, &r), ST_OK);
	long n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

static int change_setup(void **state)
{
	(void)state;
	const char *pg = getenv("TEST_PG_URL");
	char url[1024];
	if (!pg) {
		fprintf(stderr, "TEST_PG_URL is required\n");
		return -1;
	}
	log_setup("change_test", "error");
	db_conn *admin = db_open(pg);
	if (!admin)
		return -1;
	PGresult *r = PQexec(db_pg(admin), "DROP SCHEMA IF EXISTS chg CASCADE; CREATE SCHEMA chg;"
	                                   "CREATE TABLE chg.items (id int PRIMARY KEY,"
	                                   " state text NOT NULL);");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	db_close(admin);
	if (!ok)
		return -1;
	snprintf(url, sizeof url, "%s options='-csearch_path=chg'", pg);
	if (!(env.db = db_open(url)))
		return -1;
	const db_migration builtin[] = {audit_migration, events_migration};
	if (db_migrate(env.db, builtin, 2, NULL) != ST_OK)
		return -1;
	env.arena = arena_new();
	bus__caller__init(&env.caller);
	env.ctx = (svc_ctx){.service = "chg",
	                    .caller = &env.caller,
	                    .request_id = "",
	                    .db = env.db,
	                    .arena = env.arena};
	return 0;
}

static int change_teardown(void **state)
{
	(void)state;
	db_close(env.db);
	arena_free(env.arena);
	return 0;
}

struct item {
	const char *id, *from, *to;
	int fail; /* a status to end with after the writes, 0: none */
};

/* Inserts (from NULL) or moves an item, records it, then fails when asked. */
static int item_tx(svc_ctx *ctx, void *arg)
{
	const struct item *it = arg;
	const char *v[] = {it->id, it->from, it->to};
	const char *vi[] = {it->id, it->to};
	int rv = it->from ? change_guard(ctx, ST_CERT_DECIDED, "id",
	                                 "UPDATE items SET state = $3 WHERE id = $1::int AND "
	                                 "state = $2 RETURNING id",
	                                 3, v, NULL)
	                  : change_unique(ctx, ST_CERT_EXISTS, "id",
	                                  "INSERT INTO items (id, state) VALUES ($1::int, $2)", 2,
	                                  vi, NULL, NULL, NULL);
	if (rv != ST_OK)
		return rv;
	Bus__Caller payload = BUS__CALLER__INIT;
	payload.person_id = (char *)it->id;
	change_event ev = {"chg.item.changed", NULL, &payload.base};
	if ((rv = change_record(ctx, "person:test", arena_printf(ctx->arena, "item/%s", it->id),
	                        "item.changed", json_pack("{s:s}", "to", it->to), &ev)) != ST_OK)
		return rv;
	return it->fail ? status_err(it->fail, NULL) : ST_CREATED;
}

static void test_change_commits_row_audit_and_event_together(void **state)
{
	(void)state;
	struct item it = {"1", NULL, "new", 0};
	assert_int_equal(change_run(&env.ctx, item_tx, &it), ST_CREATED);
	assert_int_equal(PQtransactionStatus(db_pg(env.db)), PQTRANS_IDLE);
	assert_int_equal(change_count("SELECT count(*) FROM items WHERE id = 1"), 1);
	assert_int_equal(change_count("SELECT count(*) FROM audit_log WHERE subject = 'item/1' AND "
	                              "detail = '{\"to\": \"new\"}'::jsonb"),
	                 1);
	assert_int_equal(change_count("SELECT count(*) FROM outbox WHERE type = 'chg.item.changed' "
	                              "AND subject = 'item/1' AND length(payload) > 0"),
	                 1);
}

static void test_change_failing_rolls_everything_back(void **state)
{
	(void)state;
	long audits = change_count("SELECT count(*) FROM audit_log");
	long events = change_count("SELECT count(*) FROM outbox");
	struct item it = {"2", NULL, "new", ST_NOT_FOUND};
	assert_int_equal(change_run(&env.ctx, item_tx, &it), ST_NOT_FOUND);
	assert_int_equal(PQtransactionStatus(db_pg(env.db)), PQTRANS_IDLE);
	assert_int_equal(change_count("SELECT count(*) FROM items WHERE id = 2"), 0);
	assert_int_equal(change_count("SELECT count(*) FROM audit_log"), audits);
	assert_int_equal(change_count("SELECT count(*) FROM outbox"), events);
}

static void test_change_guard_that_matches_nothing_is_the_callers_code(void **state)
{
	(void)state;
	struct item ok = {"1", "new", "done", 0};
	assert_int_equal(change_run(&env.ctx, item_tx, &ok), ST_CREATED);
	/* The same transition again: the state moved on, as after a lost race. */
	struct item lost = {"1", "new", "done", 0};
	assert_int_equal(change_run(&env.ctx, item_tx, &lost), ST_CERT_DECIDED);
	assert_int_equal(status_http(ST_CERT_DECIDED), 409);
	assert_string_equal(status_field(), "id");
	assert_int_equal(change_count("SELECT count(*) FROM audit_log WHERE subject = 'item/1'"),
	                 2);
}

static void test_change_unique_violation_is_the_callers_code(void **state)
{
	(void)state;
	struct item again = {"1", NULL, "new", 0};
	assert_int_equal(change_run(&env.ctx, item_tx, &again), ST_CERT_EXISTS);
	assert_string_equal(status_field(), "id");
	assert_int_equal(PQtransactionStatus(db_pg(env.db)), PQTRANS_IDLE);
}

static void test_change_run_refuses_to_nest(void **state)
{
	(void)state;
	struct item it = {"3", NULL, "new", 0};
	assert_int_equal(db_begin(env.db), ST_OK);
	assert_int_equal(change_run(&env.ctx, item_tx, &it), ST_INTERNAL);
	db_rollback(env.db);
	assert_int_equal(change_count("SELECT count(*) FROM items WHERE id = 3"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_change_commits_row_audit_and_event_together),
	        cmocka_unit_test(test_change_failing_rolls_everything_back),
	        cmocka_unit_test(test_change_guard_that_matches_nothing_is_the_callers_code),
	        cmocka_unit_test(test_change_unique_violation_is_the_callers_code),
	        cmocka_unit_test(test_change_run_refuses_to_nest),
	};
	return cmocka_run_group_tests_name("change", tests, change_setup, change_teardown);
}
