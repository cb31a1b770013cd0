/* Unit tests of the bus client: addresses, and a round trip through an in-process
 * queue device with a REP worker, including status propagation and deadlines. */
#include "bus.h"
#include "status.h"

#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static void test_bus_endpoint_ipc_names_a_socket_in_the_directory(void **state)
{
	(void)state;
	char out[256];
	assert_int_equal(bus_endpoint("ipc:///run/bus0", "rpc.enterprise.front", out, sizeof out),
	                 0);
	assert_string_equal(out, "ipc:///run/bus0/rpc.enterprise.front");
	assert_int_equal(bus_endpoint("ipc:///run/bus0", "events-in", out, sizeof out), 0);
	assert_string_equal(out, "ipc:///run/bus0/events-in");
}

static void test_bus_endpoint_tcp_uses_fixed_port_offsets(void **state)
{
	(void)state;
	char out[256];
	assert_int_equal(bus_endpoint("tcp://bus-0:7000", "events-in", out, sizeof out), 0);
	assert_string_equal(out, "tcp://bus-0:7000");
	assert_int_equal(bus_endpoint("tcp://bus-0:7000", "events-out", out, sizeof out), 0);
	assert_string_equal(out, "tcp://bus-0:7001");
	/* enterprise's bus_port in services/services.list is 4, fixed once assigned: a
	 * change here means running processes would no longer find each other. */
	assert_int_equal(bus_endpoint("tcp://bus-0:7000", "rpc.enterprise.front", out, sizeof out),
	                 0);
	assert_string_equal(out, "tcp://bus-0:7004");
	assert_int_equal(bus_endpoint("tcp://bus-0:7000", "rpc.enterprise.back", out, sizeof out),
	                 0);
	assert_string_equal(out, "tcp://bus-0:7005");
	assert_int_equal(bus_endpoint("tcp://bus-0:7000", "rpc.unknown.front", out, sizeof out),
	                 -1);
	assert_int_equal(bus_endpoint("tcp://bus-0:7000", "nonsense", out, sizeof out), -1);
	assert_int_equal(bus_endpoint("udp://x:1", "events-in", out, sizeof out), -1);
}

static void test_bus_endpoint_tcp_gives_every_listed_service_its_own_ports(void **state)
{
	(void)state;
	char name[96], out[256], want[64];
	int used[256] = {[0] = 1, [1] = 1}; /* events-in, events-out */
	assert_true(bus_nservices > 0);
	for (size_t i = 0; i < bus_nservices; i++) {
		int port = bus_services[i].port;
		assert_true(port >= 2 && port + 1 < 256);
		assert_false(used[port] || used[port + 1]);
		used[port] = used[port + 1] = 1;
		snprintf(name, sizeof name, "rpc.%s.front", bus_services[i].name);
		assert_int_equal(bus_endpoint("tcp://bus-0:7000", name, out, sizeof out), 0);
		snprintf(want, sizeof want, "tcp://bus-0:%d", 7000 + port);
		assert_string_equal(out, want);
		snprintf(name, sizeof name, "rpc.%s.back", bus_services[i].name);
		assert_int_equal(bus_endpoint("tcp://bus-0:7000", name, out, sizeof out), 0);
		snprintf(want, sizeof want, "tcp://bus-0:%d", 7000 + port + 1);
		assert_string_equal(out, want);
	}
}

static void test_bus_bases_split_and_refuse_unknown_schemes(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *bases[BUS_MAX_BASES];
	assert_int_equal(bus_bases("ipc:///a/bus0, ipc:///a/bus1", a, bases), 2);
	assert_string_equal(bases[1], "ipc:///a/bus1");
	assert_int_equal(bus_bases("http://x", a, bases), 0);
	assert_int_equal(bus_bases("", a, bases), 0);
	arena_free(a);
}

/* ---- round trip through an in-process device ---------------------------------- */

struct bus_fixture {
	char base[128];
	nng_socket front, back, worker;
	pthread_t device, echo;
};

static void *bus_fixture_device(void *arg)
{
	struct bus_fixture *f = arg;
	nng_device(f->front, f->back);
	return NULL;
}

/* Answers "Echo" with the request body and "Fail" with a status naming a field. */
static void *bus_fixture_worker(void *arg)
{
	struct bus_fixture *f = arg;
	for (;;) {
		nng_msg *m = NULL;
		if (nng_recvmsg(f->worker, &m, 0) != 0)
			break;
		Bus__Request *req = bus__request__unpack(NULL, nng_msg_len(m), nng_msg_body(m));
		Bus__Status st = BUS__STATUS__INIT;
		Bus__Response resp = BUS__RESPONSE__INIT;
		resp.status = &st;
		st.has_code = 1;
		if (req && strcmp(req->method, "Echo") == 0) {
			st.code = ST_OK;
			resp.has_body = 1;
			resp.body = req->body;
		} else {
			st.code = ST_REGION_UNKNOWN;
			st.error = "UNKNOWN_REGION";
			st.message = "行政区划代码不存在";
			st.field = "parent";
		}
		nng_msg *reply = NULL;
		nng_msg_alloc(&reply, bus__response__get_packed_size(&resp));
		bus__response__pack(&resp, nng_msg_body(reply));
		bus__request__free_unpacked(req, NULL);
		nng_msg_free(m);
		if (nng_sendmsg(f->worker, reply, 0) != 0)
			nng_msg_free(reply);
	}
	return NULL;
}

static int bus_fixture_setup(void **state)
{
	static struct bus_fixture f;
	char addr[256];
	/* The ipc base is a directory: /tmp, with a service name unique to this process. */
	snprintf(f.base, sizeof f.base, "ipc:///tmp");
	nng_rep0_open_raw(&f.front);
	nng_req0_open_raw(&f.back);
	snprintf(addr, sizeof addr, "ipc:///tmp/rpc.bustest%d.front", (int)getpid());
	assert_int_equal(nng_listen(f.front, addr, NULL, 0), 0);
	snprintf(addr, sizeof addr, "ipc:///tmp/rpc.bustest%d.back", (int)getpid());
	assert_int_equal(nng_listen(f.back, addr, NULL, 0), 0);
	pthread_create(&f.device, NULL, bus_fixture_device, &f);
	*state = &f;
	return 0;
}

static int bus_fixture_teardown(void **state)
{
	struct bus_fixture *f = *state;
	nng_close(f->front);
	nng_close(f->back);
	pthread_join(f->device, NULL);
	return 0;
}

static void bus_worker_start(struct bus_fixture *f)
{
	char addr[256];
	nng_rep0_open(&f->worker);
	snprintf(addr, sizeof addr, "ipc:///tmp/rpc.bustest%d.back", (int)getpid());
	assert_int_equal(nng_dial(f->worker, addr, NULL, 0), 0);
	pthread_create(&f->echo, NULL, bus_fixture_worker, f);
}

static void bus_worker_stop(struct bus_fixture *f)
{
	nng_close(f->worker);
	pthread_join(f->echo, NULL);
}

static void test_bus_call_without_a_worker_times_out_at_the_deadline(void **state)
{
	(void)state;
	char svc[64];
	snprintf(svc, sizeof svc, "bustest%d", (int)getpid());
	bus_client *c = NULL;
	assert_int_equal(bus_client_open(&c, "ipc:///tmp", svc), 0);
	arena *a = arena_new();
	Bus__PingRequest in = BUS__PING_REQUEST__INIT;
	ProtobufCMessage *out = NULL;
	assert_int_equal(
	        bus_call(c, "Echo", NULL, 200, &in.base, &bus__ping_request__descriptor, a, &out),
	        ST_DEADLINE);
	arena_free(a);
	bus_client_close(c);
}

static void test_bus_call_round_trip_returns_the_body_and_remote_status(void **state)
{
	struct bus_fixture *f = *state;
	char svc[64];
	snprintf(svc, sizeof svc, "bustest%d", (int)getpid());
	bus_worker_start(f);
	bus_client *c = NULL;
	assert_int_equal(bus_client_open(&c, "ipc:///tmp", svc), 0);
	arena *a = arena_new();
	Bus__PingResponse in = BUS__PING_RESPONSE__INIT;
	in.service = "长沙市";
	ProtobufCMessage *out = NULL;
	assert_int_equal(
	        bus_call(c, "Echo", NULL, 2000, &in.base, &bus__ping_response__descriptor, a, &out),
	        ST_OK);
	assert_string_equal(((Bus__PingResponse *)out)->service, "长沙市");
	status_clear();
	assert_int_equal(
	        bus_call(c, "Fail", NULL, 2000, &in.base, &bus__ping_response__descriptor, a, &out),
	        ST_REGION_UNKNOWN);
	assert_string_equal(status_field(), "parent");
	assert_string_equal(status_text(ST_REGION_UNKNOWN), "行政区划代码不存在");
	arena_free(a);
	bus_client_close(c);
	bus_worker_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bus_endpoint_ipc_names_a_socket_in_the_directory),
	        cmocka_unit_test(test_bus_endpoint_tcp_uses_fixed_port_offsets),
	        cmocka_unit_test(test_bus_endpoint_tcp_gives_every_listed_service_its_own_ports),
	        cmocka_unit_test(test_bus_bases_split_and_refuse_unknown_schemes),
	        cmocka_unit_test(test_bus_call_without_a_worker_times_out_at_the_deadline),
	        cmocka_unit_test(test_bus_call_round_trip_returns_the_body_and_remote_status),
	};
	int rv = cmocka_run_group_tests_name("bus", tests, bus_fixture_setup, bus_fixture_teardown);
	nng_fini();
	return rv;
}
