/* Fuzzes what a process decodes from the bus (common/bus.c, common/busauth.c, svc.c's
 * envelope handling): request envelopes and their MAC trailer, responses, events and
 * their MACs. Input: one mode byte, then the bytes.
 *   0  a request as received: decode, verify, decode the body as the method's input
 *   1  a response: bus_response_decode
 *   2  an event: decode, busauth_event_verify
 *   3  the bytes as an unsigned envelope: the gateway signs it for accounts and
 *      accounts must accept it (sign and verify agree on every well-formed envelope) */
#include "bus.h"
#include "busauth.h"
#include "bus.pb-c.h"
#include "events.pb-c.h"
#include "fuzz.h"
#include "mem.h"
#include "pbjson.h"
#include "routes.h"
#include "status.h"

#include <nng/nng.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static busauth *gw, *acc;

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* The gateway signs with a fixed master key; accounts holds K(gateway, accounts). */
static void init_keys(void)
{
	uint8_t master[32], pair[32];
	unsigned int n = 0;
	char own[80] = "k1:", peers[128] = "gateway:k1:";
	memset(master, 0x11, sizeof master);
	HMAC(EVP_sha256(), master, 32, (const uint8_t *)"sme-bus-v1 accounts", 19, pair, &n);
	hex(master, 32, own + 3);
	hex(pair, 32, peers + 11);
	if (busauth_new("gateway", own, NULL, &gw) != 0 ||
	    busauth_new("accounts",
	                "k1:2222222222222222222222222222222222222222222222222222222222222222",
	                peers, &acc) != 0 ||
	    gw_routes_init() != 0)
		abort();
}

/* The body decoded as the input of the route method the envelope names, as svc.c does. */
static void decode_body(const Bus__Request *env, arena *a)
{
	const gw_route *r;
	ProtobufCAllocator al = arena_pb_allocator(a);
	if (!env->method || !env->has_body)
		return;
	for (size_t i = 0; (r = gw_route_at(i)); i++) {
		if (strcmp(r->rpc, env->method) != 0)
			continue;
		ProtobufCMessage *in =
		        protobuf_c_message_unpack(r->md->input, &al, env->body.len, env->body.data);
		if (in)
			free(pbjson_dump(in, NULL));
		return;
	}
}

static void request(const uint8_t *buf, size_t len, arena *a)
{
	ProtobufCAllocator al = arena_pb_allocator(a);
	Bus__Request *env = bus__request__unpack(&al, len, buf);
	if (env && busauth_request_verify(acc, buf, len, env) == 0)
		decode_body(env, a);
}

static void signed_request(const uint8_t *buf, size_t len, arena *a)
{
	ProtobufCAllocator al = arena_pb_allocator(a);
	if (!bus__request__unpack(&al, len, buf))
		return;
	nng_msg *m = NULL;
	if (nng_msg_alloc(&m, 0) != 0 || nng_msg_append(m, buf, len) != 0)
		abort();
	if (busauth_request_sign(gw, "accounts", m) != 0)
		abort();
	const uint8_t *sbuf = nng_msg_body(m);
	size_t slen = nng_msg_len(m);
	Bus__Request *env = bus__request__unpack(&al, slen, sbuf);
	if (!env || busauth_request_verify(acc, sbuf, slen, env) != 0)
		abort();
	decode_body(env, a);
	nng_msg_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!gw)
		init_keys();
	if (size < 1)
		return 0;
	arena *a = arena_new();
	ProtobufCAllocator al = arena_pb_allocator(a);
	const uint8_t *buf = data + 1;
	size_t len = size - 1;
	switch (data[0] & 3) {
	case 0:
		request(buf, len, a);
		break;
	case 1: {
		Bus__Response *r = bus_response_decode(buf, len, a);
		if (r)
			(void)bus_response_status(r);
		break;
	}
	case 2: {
		Events__Event *ev = events__event__unpack(&al, len, buf);
		if (ev)
			(void)busauth_event_verify(acc, ev, a);
		break;
	}
	default:
		signed_request(buf, len, a);
		break;
	}
	status_clear();
	arena_free(a);
	return 0;
}
