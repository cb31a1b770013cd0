/*
 * The authenticated bus against real services (rule: ARCHITECTURE.md, Security
 * baseline, "The bus is not a trusted network"): a test client on the bus with a wrong
 * key gets no answer and the service logs the refusal; a gateway-signed call to a
 * bus-only method is refused; a forged event (right source name, another key) is not
 * applied and is logged, while the source's own event is. Needs TEST_PG_URL, BIN_DIR
 * and VAR_DIR; run by tests/run-all.sh.
 */
#include "bus.h"
#include "busauth.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "status.h"
#include "svc.h"

#include <nng/protocol/pubsub0/pub.h>
#include <openssl/hmac.h>
#include <nng/protocol/pubsub0/sub.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define M_GW    "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define M_SRC   "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define M_SINK  "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"
#define M_WRONG "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4"
/* Masters of two listed services, signing towards the stand-ins below. */
#define M_ACC "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5"
#define M_ENT "a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7"
#define M_NOT "f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6"

static struct {
	char bus_base[512], bus_urls[512], src_url[1024], sink_url[1024], log_path[600];
	char ent_url[1024], not_url[1024];
	pid_t bus_pid;
	busauth *src_auth, *sink_auth, *ent_auth, *not_auth;
	svc_server *src, *sink, *ent, *not ;
	db_conn *src_db, *sink_db;
} env;

static const char *const audiences[] = {"authsrc", "authsink"};

static int sink_apply(svc_ctx *ctx, const Events__Event *ev)
{
	const char *v[] = {ev->id};
	return db_exec(ctx->db, "INSERT INTO applied (event_id) VALUES ($1::uuid)", 1, v, NULL);
}

static const svc_subscription sink_subs[] = {{"authsrc", sink_apply}};
static const svc_def src_def = {.name = "authsrc"};
static const svc_def sink_def = {.name = "authsink", .subs = sink_subs, .nsubs = 1};
/* Stand-ins under the names of services.list, in schemas of their own, so the call
 * graph generated from it (enterprise -> accounts -> notify) applies to them. */
static const svc_def ent_def = {.name = "enterprise"};
static const svc_def not_def = {.name = "notify"};

/* "S:k1:" + K(S, aud) = HMAC-SHA256(M_S, "sme-bus-v1 aud"), as a deployment writes
 * BUS_PEER_KEYS (deploy/local/stack.sh computes it with openssl dgst). */
static void peer(char *out, size_t outlen, const char *s, const char *master, const char *aud)
{
	uint8_t mkey[32], k[32];
	char label[64];
	unsigned int len = 0;
	for (int i = 0; i < 32; i++) {
		unsigned v;
		sscanf(master + 2 * i, "%2x", &v);
		mkey[i] = (uint8_t)v;
	}
	snprintf(label, sizeof label, "sme-bus-v1 %s", aud);
	HMAC(EVP_sha256(), mkey, 32, (const uint8_t *)label, strlen(label), k, &len);
	size_t o = (size_t)snprintf(out, outlen, "%s:k1:", s);
	for (int i = 0; i < 32; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%02x", k[i]);
}

static busauth *keys_for(const char *self, const char *master)
{
	char peers[1024], g[120], s1[120], s2[120], s3[120], s4[120], own[80];
	peer(g, sizeof g, "gateway", M_GW, self);
	peer(s1, sizeof s1, "authsrc", M_SRC, self);
	peer(s2, sizeof s2, "authsink", M_SINK, self);
	peer(s3, sizeof s3, "accounts", M_ACC, self);
	peer(s4, sizeof s4, "notify", M_NOT, self);
	snprintf(peers, sizeof peers, "%s,%s,%s,%s,%s", g, s1, s2, s3, s4);
	snprintf(own, sizeof own, "k1:%s", master);
	busauth *a = NULL;
	assert_int_equal(busauth_new(self, own, peers, &a), ST_OK);
	return a;
}

static svc_server *server(const svc_def *def, const char *url, const busauth *auth)
{
	svc_settings set = {.bus_urls = env.bus_urls,
	                    .db_url = url,
	                    .workers = 2,
	                    .replay_interval_ms = 300,
	                    .auth = auth,
	                    .event_audience = audiences,
	                    .nevent_audience = 2};
	svc_server *s = NULL;
	assert_int_equal(svc_server_start(def, &set, &s), ST_OK);
	return s;
}

/* 1 once the log holds needle (a condition with a deadline, not a sleep). */
static int log_has(const char *needle)
{
	for (int k = 0; k < 200; k++) {
		fflush(stderr);
		FILE *f = fopen(env.log_path, "r");
		char line[4096];
		int found = 0;
		while (f && !found && fgets(line, sizeof line, f))
			found = strstr(line, needle) != NULL;
		if (f)
			fclose(f);
		if (found)
			return 1;
		usleep(25000);
	}
	return 0;
}

static long sink_count(void)
{
	PGresult *r = NULL;
	if (db_exec(env.sink_db, "SELECT count(*) FROM applied", 0, NULL, &r) != ST_OK)
		return -1;
	long v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* Calls Ping or Replay on target signed by name with master. */
static int call_to(const char *target, const char *name, const char *master, const char *method,
                   int timeout_ms, const Bus__Caller *caller)
{
	char key[80];
	snprintf(key, sizeof key, "k1:%s", master);
	busauth *a = NULL;
	bus_client *c = NULL;
	assert_int_equal(busauth_new(name, key, NULL, &a), ST_OK);
	assert_int_equal(bus_client_open_auth(&c, env.bus_urls, target, a), 0);
	arena *ar = arena_new();
	ProtobufCMessage *out = NULL;
	int rv;
	if (strcmp(method, "Ping") == 0) {
		Bus__PingRequest in = BUS__PING_REQUEST__INIT;
		rv = bus_call(c, "Ping", caller, timeout_ms, &in.base,
		              &bus__ping_response__descriptor, ar, &out);
	} else {
		Events__ReplayRequest in = EVENTS__REPLAY_REQUEST__INIT;
		rv = bus_call(c, "Replay", caller, timeout_ms, &in.base,
		              &events__replay_response__descriptor, ar, &out);
	}
	arena_free(ar);
	bus_client_close(c);
	busauth_free(a);
	return rv;
}

static int call_as(const char *name, const char *master, const char *method, int timeout_ms,
                   const Bus__Caller *caller)
{
	return call_to("authsrc", name, master, method, timeout_ms, caller);
}

static void test_a_forged_envelope_gets_no_answer_and_is_logged(void **state)
{
	(void)state;
	Bus__Caller reviewer = BUS__CALLER__INIT;
	char *roles[] = {"reviewer"};
	reviewer.operator_roles = roles;
	reviewer.n_operator_roles = 1;
	reviewer.request_id = "forged-envelope";
	assert_int_equal(call_as("gateway", M_GW, "Ping", 2000, &reviewer), ST_OK);
	assert_int_equal(call_as("gateway", M_WRONG, "Ping", 500, &reviewer), ST_DEADLINE);
	assert_true(log_has("bus request refused"));
	assert_int_equal(call_as("intruder", M_WRONG, "Ping", 500, NULL), ST_DEADLINE);
}

static void test_a_gateway_call_to_a_bus_only_method_is_refused(void **state)
{
	(void)state;
	assert_int_equal(call_as("gateway", M_GW, "Replay", 2000, NULL), ST_ROUTE_NOT_FOUND);
	assert_int_equal(call_as("authsink", M_SINK, "Replay", 2000, NULL), ST_OK);
}

/* Rule (issue 13, H7): a service answers requests signed by the gateway, by itself, or by
 * a service whose `calls` (services/services.list) name it; a request that another
 * service signed with its own valid key is dropped unanswered and logged. */
static void test_a_service_answers_only_the_services_that_call_it(void **state)
{
	(void)state;
	Bus__Caller reviewer = BUS__CALLER__INIT;
	char *roles[] = {"reviewer"};
	reviewer.operator_roles = roles;
	reviewer.n_operator_roles = 1;
	reviewer.request_id = "notify-to-enterprise";
	/* notify calls nothing: its valid key gets no answer from enterprise. */
	assert_int_equal(call_to("enterprise", "notify", M_NOT, "Ping", 500, &reviewer),
	                 ST_DEADLINE);
	assert_true(log_has("signer does not call us"));
	/* accounts calls notify: answered. */
	assert_int_equal(call_to("notify", "accounts", M_ACC, "Ping", 2000, NULL), ST_OK);
	/* The graph has a direction: enterprise calls accounts, not the reverse. */
	assert_int_equal(call_to("enterprise", "accounts", M_ACC, "Ping", 500, NULL), ST_DEADLINE);
	/* The gateway and the service itself are still answered. */
	assert_int_equal(call_to("enterprise", "gateway", M_GW, "Ping", 2000, NULL), ST_OK);
	assert_int_equal(call_to("notify", "notify", M_NOT, "Ping", 2000, NULL), ST_OK);
	/* Any subscriber may ask a source to replay its events (signed for the asker). */
	assert_int_equal(call_to("enterprise", "notify", M_NOT, "Replay", 2000, NULL), ST_OK);
}

static void test_a_forged_event_is_not_applied_and_is_logged(void **state)
{
	(void)state;
	/* Claims source authsrc, seq 1, signed with a key that is not authsrc's. */
	busauth *forger = NULL;
	assert_int_equal(busauth_new("authsrc", "k1:" M_WRONG, NULL, &forger), ST_OK);
	arena *a = arena_new();
	Events__Event ev = EVENTS__EVENT__INIT;
	ev.id = "00000000-0000-4000-8000-00000000f0f0";
	ev.type = "authsrc.person.verified";
	ev.source = "authsrc";
	ev.has_seq = 1;
	ev.seq = 1;
	assert_int_equal(busauth_event_sign(forger, &ev, audiences, 2, a), ST_OK);
	nng_socket pub;
	char addr[600];
	assert_int_equal(nng_pub0_open(&pub), 0);
	assert_int_equal(bus_endpoint(env.bus_base, "events-in", addr, sizeof addr), 0);
	assert_int_equal(nng_dial(pub, addr, NULL, 0), 0);
	/* pub/sub may drop until the pipe is up: resend until the refusal is logged. */
	int logged = 0;
	for (int k = 0; k < 40 && !logged; k++) {
		nng_msg *m = events_wire_encode(&ev);
		if (nng_sendmsg(pub, m, 0) != 0)
			nng_msg_free(m);
		logged = log_has("bus event refused");
	}
	assert_true(logged);
	assert_int_equal(sink_count(), 0);
	nng_close(pub);
	/* The source's own event is applied, and it is not the forged one. */
	assert_int_equal(db_begin(env.src_db), ST_OK);
	assert_int_equal(events_append(env.src_db, "authsrc.person.verified", "p/1", NULL), ST_OK);
	assert_int_equal(db_commit(env.src_db), ST_OK);
	for (int k = 0; k < 200 && sink_count() != 1; k++)
		usleep(25000);
	assert_int_equal(sink_count(), 1);
	PGresult *r = NULL;
	assert_int_equal(db_exec(env.sink_db,
	                         "SELECT count(*) FROM applied WHERE event_id = "
	                         "'00000000-0000-4000-8000-00000000f0f0'",
	                         0, NULL, &r),
	                 ST_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "0");
	PQclear(r);
	arena_free(a);
	busauth_free(forger);
}

static int setup(void **state)
{
	(void)state;
	const char *pg = getenv("TEST_PG_URL"), *var = getenv("VAR_DIR");
	if (!pg || !var || !getenv("BIN_DIR"))
		return -1;
	snprintf(env.log_path, sizeof env.log_path, "%s/log/busauth-test.log", var);
	if (!freopen(env.log_path, "w", stderr))
		return -1;
	log_setup("busauth_test", "info");
	db_conn *admin = db_open(pg);
	if (!admin)
		return -1;
	PGresult *r =
	        PQexec(db_pg(admin), "DROP SCHEMA IF EXISTS authsrc CASCADE;"
	                             "DROP SCHEMA IF EXISTS authsink CASCADE;"
	                             "DROP SCHEMA IF EXISTS authent CASCADE;"
	                             "DROP SCHEMA IF EXISTS authnot CASCADE;"
	                             "CREATE SCHEMA authsrc; CREATE SCHEMA authsink;"
	                             "CREATE SCHEMA authent; CREATE SCHEMA authnot;"
	                             "CREATE TABLE authsink.applied (event_id uuid PRIMARY KEY);");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	db_close(admin);
	if (!ok)
		return -1;
	snprintf(env.src_url, sizeof env.src_url, "%s options='-csearch_path=authsrc'", pg);
	snprintf(env.sink_url, sizeof env.sink_url, "%s options='-csearch_path=authsink'", pg);
	snprintf(env.ent_url, sizeof env.ent_url, "%s options='-csearch_path=authent'", pg);
	snprintf(env.not_url, sizeof env.not_url, "%s options='-csearch_path=authnot'", pg);
	snprintf(env.bus_base, sizeof env.bus_base, "ipc://%s/run/busauth-bus", var);
	snprintf(env.bus_urls, sizeof env.bus_urls, "%s", env.bus_base);
	env.bus_pid = fork();
	if (env.bus_pid == 0) {
		char listen[600], bin[600];
		snprintf(listen, sizeof listen, "BUS_LISTEN=%s", env.bus_base);
		snprintf(bin, sizeof bin, "%s/bus", getenv("BIN_DIR"));
		putenv(listen);
		putenv("BUS_SERVICES=authsrc,authsink,enterprise,notify");
		execl(bin, bin, (char *)NULL);
		_exit(127);
	}
	for (int k = 0; k < 200; k++) {
		char addr[700];
		nng_socket s;
		bus_endpoint(env.bus_base, "events-out", addr, sizeof addr);
		nng_sub0_open(&s);
		int rv = nng_dial(s, addr, NULL, 0);
		nng_close(s);
		if (rv == 0)
			break;
		usleep(25000);
	}
	env.src_auth = keys_for("authsrc", M_SRC);
	env.sink_auth = keys_for("authsink", M_SINK);
	env.src = server(&src_def, env.src_url, env.src_auth);
	env.sink = server(&sink_def, env.sink_url, env.sink_auth);
	env.ent_auth = keys_for("enterprise", M_ENT);
	env.not_auth = keys_for("notify", M_NOT);
	env.ent = server(&ent_def, env.ent_url, env.ent_auth);
	env.not = server(&not_def, env.not_url, env.not_auth);
	env.src_db = db_open(env.src_url);
	env.sink_db = db_open(env.sink_url);
	return env.src_db && env.sink_db ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	svc_server_stop(env.not );
	svc_server_stop(env.ent);
	svc_server_stop(env.sink);
	svc_server_stop(env.src);
	kill(env.bus_pid, SIGKILL);
	waitpid(env.bus_pid, NULL, 0);
	db_close(env.src_db);
	db_close(env.sink_db);
	busauth_free(env.src_auth);
	busauth_free(env.sink_auth);
	busauth_free(env.ent_auth);
	busauth_free(env.not_auth);
	nng_fini();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_a_forged_envelope_gets_no_answer_and_is_logged),
	        cmocka_unit_test(test_a_gateway_call_to_a_bus_only_method_is_refused),
	        cmocka_unit_test(test_a_service_answers_only_the_services_that_call_it),
	        cmocka_unit_test(test_a_forged_event_is_not_applied_and_is_logged),
	};
	return cmocka_run_group_tests_name("busauth", tests, setup, teardown);
}
