/*
 * The two layers of `make bench` that wrk cannot reach (deploy/bench/README.md):
 *
 *   benchload bus CONNS SECONDS PARENT
 *       enterprise's ListRegions {parent: PARENT} over the bus, without the gateway:
 *       one REQ socket, CONNS contexts each sending its next request as soon as its
 *       reply arrives (nng callbacks, no thread per context). BUS_URLS and BUS_KEY
 *       (the gateway's: the envelopes are signed as the gateway signs them) from the
 *       environment. Replies of any status count: a PARENT the service refuses
 *       before any query measures the bus and the service without the database.
 *   benchload pg CONNS SECONDS PARENT
 *       the regions query of ListRegions, prepared once per connection, CONNS threads
 *       each with its own connection (DB_URL from the environment).
 *
 * Prints one line: requests per second, p50 ms, p99 ms, failures, requests done.
 */
#include "bus.h"
#include "busauth.h"
#include "enterprise.pb-c.h"
#include "mem.h"

#include <libpq-fe.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Latencies in 10 µs buckets up to 2 s; slower ones land in the last. */
#define BL_BUCKETS   200000
#define BL_MAX_CONNS 512

static atomic_uint_fast64_t bl_hist[BL_BUCKETS];
static atomic_uint_fast64_t bl_done, bl_failed;
static atomic_int bl_running = 1;

static int64_t bl_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void bl_record(int64_t us, int ok)
{
	int64_t b = us / 10;
	atomic_fetch_add(&bl_hist[b < BL_BUCKETS ? b : BL_BUCKETS - 1], 1);
	atomic_fetch_add(ok ? &bl_done : &bl_failed, 1);
}

static double bl_percentile(double q);
static int64_t bl_t0;

/* The run's figures, printed as soon as it ends and before the teardown: nng 1.5.2 has been
 * seen to hang in it (nng_aio_stop on a REQ context), and bench.sh then kills benchload
 * with the figures already out. */
static void bl_report(void)
{
	double secs = (double)(bl_now_us() - bl_t0) / 1e6;
	printf("%.0f %.2f %.2f %llu %llu\n", (double)atomic_load(&bl_done) / secs,
	       bl_percentile(0.50), bl_percentile(0.99),
	       (unsigned long long)atomic_load(&bl_failed),
	       (unsigned long long)atomic_load(&bl_done));
	fflush(stdout);
}

static double bl_percentile(double q)
{
	uint64_t total = 0, seen = 0;
	for (size_t i = 0; i < BL_BUCKETS; i++)
		total += atomic_load(&bl_hist[i]);
	for (size_t i = 0; i < BL_BUCKETS; i++) {
		seen += atomic_load(&bl_hist[i]);
		if (total && (double)seen >= q * (double)total)
			return (double)(i * 10 + 5) / 1000.0;
	}
	return 0;
}

/* ---- bus ---------------------------------------------------------------------- */

struct bl_bus_conn {
	nng_ctx ctx;
	nng_aio *aio;
	int sending;
	int64_t t0;
};

static nng_socket bl_sock;
static const busauth *bl_auth;
static const char *bl_parent;

static void bl_bus_send(struct bl_bus_conn *c)
{
	Enterprise__ListRegionsRequest in = ENTERPRISE__LIST_REGIONS_REQUEST__INIT;
	uint8_t body[64];
	in.parent = (char *)bl_parent;
	size_t len = protobuf_c_message_pack(&in.base, body);
	Bus__Caller caller = BUS__CALLER__INIT;
	caller.request_id = "bench";
	caller.client_ip = "127.0.0.1";
	nng_msg *m = bus_request_new("ListRegions", &caller, bus_now_ms() + 10000, NULL, body, len);
	if (busauth_request_sign(bl_auth, "enterprise", m) != 0)
		abort();
	c->sending = 1;
	c->t0 = bl_now_us();
	nng_aio_set_msg(c->aio, m);
	nng_ctx_send(c->ctx, c->aio);
}

static void bl_bus_cb(void *arg)
{
	struct bl_bus_conn *c = arg;
	int err = nng_aio_result(c->aio);
	/* Calls cut short by the end of the run are neither done nor failed. */
	if (err && !atomic_load(&bl_running)) {
		if (c->sending)
			nng_msg_free(nng_aio_get_msg(c->aio));
		return;
	}
	if (c->sending) {
		if (err) {
			nng_msg_free(nng_aio_get_msg(c->aio));
			bl_record(bl_now_us() - c->t0, 0);
			return;
		}
		c->sending = 0;
		nng_ctx_recv(c->ctx, c->aio);
		return;
	}
	if (err) {
		bl_record(bl_now_us() - c->t0, 0);
		return;
	}
	nng_msg_free(nng_aio_get_msg(c->aio));
	bl_record(bl_now_us() - c->t0, 1);
	if (atomic_load(&bl_running))
		bl_bus_send(c);
}

static int bl_bus(int conns, int seconds)
{
	const char *urls = getenv("BUS_URLS"), *key = getenv("BUS_KEY");
	busauth *auth = NULL;
	if (!urls || (key && *key && busauth_new(BUSAUTH_GATEWAY, key, NULL, &auth) != 0))
		return 2;
	bl_auth = auth;
	if (nng_req0_open(&bl_sock) != 0)
		return 2;
	nng_socket_set_ms(bl_sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	if (bus_dial_all(bl_sock, urls, "rpc.enterprise.front") != 0)
		return 2;
	usleep(200000); /* the dials are asynchronous */
	struct bl_bus_conn *cs = xcalloc((size_t)conns, sizeof *cs);
	for (int i = 0; i < conns; i++) {
		if (nng_ctx_open(&cs[i].ctx, bl_sock) != 0 ||
		    nng_aio_alloc(&cs[i].aio, bl_bus_cb, &cs[i]) != 0)
			return 2;
		nng_aio_set_timeout(cs[i].aio, 10000);
	}
	for (int i = 0; i < conns; i++)
		bl_bus_send(&cs[i]);
	sleep((unsigned)seconds);
	atomic_store(&bl_running, 0);
	bl_report();
	for (int i = 0; i < conns; i++)
		nng_aio_stop(cs[i].aio);
	nng_close(bl_sock);
	for (int i = 0; i < conns; i++)
		nng_aio_free(cs[i].aio);
	free(cs);
	busauth_free(auth);
	return 0;
}

/* ---- PostgreSQL --------------------------------------------------------------- */

static const char *bl_db_url;

static void *bl_pg_main(void *arg)
{
	(void)arg;
	PGconn *pg = PQconnectdb(bl_db_url);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "benchload: %s", PQerrorMessage(pg));
		atomic_fetch_add(&bl_failed, 1);
		PQfinish(pg);
		return NULL;
	}
	PGresult *r = PQprepare(pg, "regions",
	                        "SELECT code, name, level FROM regions WHERE parent = $1"
	                        " ORDER BY code",
	                        1, NULL);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	const char *v[] = {bl_parent};
	while (ok && atomic_load(&bl_running)) {
		int64_t t0 = bl_now_us();
		r = PQexecPrepared(pg, "regions", 1, v, NULL, NULL, 0);
		bl_record(bl_now_us() - t0, PQresultStatus(r) == PGRES_TUPLES_OK);
		PQclear(r);
	}
	PQfinish(pg);
	return NULL;
}

static int bl_pg(int conns, int seconds)
{
	pthread_t th[BL_MAX_CONNS];
	if (!(bl_db_url = getenv("DB_URL")))
		return 2;
	for (int i = 0; i < conns; i++)
		pthread_create(&th[i], NULL, bl_pg_main, NULL);
	sleep((unsigned)seconds);
	atomic_store(&bl_running, 0);
	bl_report();
	for (int i = 0; i < conns; i++)
		pthread_join(th[i], NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: benchload bus|pg CONNS SECONDS PARENT\n");
		return 2;
	}
	int conns = (int)strtol(argv[2], NULL, 10), seconds = (int)strtol(argv[3], NULL, 10);
	if (conns < 1 || conns > BL_MAX_CONNS || seconds < 1)
		return 2;
	bl_parent = argv[4];
	bl_t0 = bl_now_us();
	int rv = strcmp(argv[1], "bus") == 0  ? bl_bus(conns, seconds)
	         : strcmp(argv[1], "pg") == 0 ? bl_pg(conns, seconds)
	                                      : 2;
	if (rv != 0)
		fprintf(stderr, "benchload: cannot start (%s)\n", argv[1]);
	return rv;
}
