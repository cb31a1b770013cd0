/*
 * The bus as seen by its users: where each socket lives, and how a client calls
 * a service's method (synchronously from a worker thread, or asynchronously from
 * an event loop). Every client dials every bus process listed in BUS_URLS.
 *
 * Addresses: an ipc base "ipc:///dir" gives "ipc:///dir/<name>"; a tcp base
 * "tcp://host:PORT" gives PORT + offset, with events-in 0, events-out 1, and for
 * each service of bus_services rpc.<svc>.front its port, rpc.<svc>.back port + 1.
 * A queue of a name not in bus_services (tests run their own) is ipc only.
 */
#ifndef COMMON_BUS_H
#define COMMON_BUS_H

#include "bus.pb-c.h"
#include "busauth.h"
#include "mem.h"

#include <nng/nng.h>
#include <stddef.h>
#include <stdint.h>

#define BUS_MAX_BASES 8

/* A platform service as the bus knows it: its queue name, the fixed tcp port
 * offset of rpc.<name>.front, and the services it calls (its `calls` column,
 * NULL-terminated). */
typedef struct bus_service {
	const char *name;
	int port;
	const char *const *calls;
} bus_service;
/* Every service of services/services.list, in its order: generated at build time
 * (deploy/services.sh c -> build/gen/service_list.c), so common/ names none. */
extern const bus_service bus_services[];
extern const size_t bus_nservices;

/* 1 when caller is a listed service whose `calls` name callee, else 0: the call graph
 * a service checks a service-signed request against (svc.c). */
int bus_service_calls(const char *caller, const char *callee);

/* Splits a comma-separated BUS_URLS into at most BUS_MAX_BASES bases (copied into
 * the caller's arena). Returns the count, 0 when none or malformed. */
size_t bus_bases(const char *bus_urls, arena *a, char **out);
/* The address of endpoint name ("events-in", "events-out", "rpc.<svc>.front",
 * "rpc.<svc>.back") on one bus base. 0 ok, -1 unknown name or bad base. */
int bus_endpoint(const char *base, const char *name, char *out, size_t outlen);
/* Dials endpoint name on every base of bus_urls with a non-blocking dial, so a
 * bus that is not up yet is reached when it starts. 0 ok, -1 bad address. */
/* The largest message any bus socket accepts: a contract's document (20 MiB, certs) and
 * its envelope fit, with room for the signatures its revisions add. */
#define BUS_MAX_MSG (32u << 20)
/* Applies the platform's socket defaults (BUS_MAX_MSG) before dialing or listening. */
void bus_socket_defaults(nng_socket s);

int bus_dial_all(nng_socket s, const char *bus_urls, const char *name);
/* Creates the directory of an ipc base (mkdir -p); tcp needs nothing. 0, or -1. */
int bus_base_prepare(const char *base);
/* Listens on endpoint name of base (a bus, or a gateway's GATEWAY_RPC_LISTEN), an ipc
 * endpoint's file with mode BUS_IPC_MODE whatever the umask; 0, or -1 after a log line
 * naming the address. */
#define BUS_IPC_MODE 0600
int bus_listen(nng_socket s, const char *base, const char *name);

/* Blocking send and receive on a context through the caller's aio (created
 * with no callback; its timeout applies). nng 1.5 has no nng_ctx_sendmsg.
 * Return 0 or an nng error; a message that failed to send stays the caller's. */
int bus_ctx_send(nng_ctx ctx, nng_aio *aio, nng_msg *m);
int bus_ctx_recv(nng_ctx ctx, nng_aio *aio, nng_msg **m);

/* Milliseconds since the Unix epoch. */
int64_t bus_now_ms(void);

/* How long a call made while answering a request may wait: what is left of the request's
 * deadline (ms since the epoch; 0: none) less 100 ms to answer, within [min_ms, max_ms]. */
int bus_call_timeout_ms(int64_t deadline_ms, int min_ms, int max_ms);
#define BUS_CALL_MIN_MS 200
#define BUS_CALL_MAX_MS 3000

typedef struct bus_client bus_client;

/* The keys bus_client_open's clients sign with (NULL: unsigned, BUS_AUTH off). Set
 * once at start, before any client opens (svc_main does); the caller keeps a alive
 * until every client is closed. */
void bus_auth_default_set(const busauth *a);

/* A client of one service, signing its requests with the default keys; close with
 * bus_client_close(). 0, or -1 after a log line naming the service (bad BUS_URLS). */
int bus_client_open(bus_client **out, const char *bus_urls, const char *service);
/* The same, signing with a (NULL: unsigned); a must outlive the client. */
int bus_client_open_auth(bus_client **out, const char *bus_urls, const char *service,
                         const busauth *a);
void bus_client_close(bus_client *c);

/*
 * Calls method synchronously (one nng context per call, so threads may share a
 * client). The gateway, which must never block, speaks to the bus its own way
 * (services/gateway/upstream.c). On ST_OK *out is the reply decoded into a. Otherwise the remote
 * status (its field and message are set as by status_errmsg()), ST_DEADLINE when no answer came
 * within timeout_ms, ST_UNAVAILABLE when the bus refused, or ST_BAD_MESSAGE.
 */
int bus_call(bus_client *c, const char *method, const Bus__Caller *caller, int timeout_ms,
             const ProtobufCMessage *in, const ProtobufCMessageDescriptor *out_desc, arena *a,
             ProtobufCMessage **out);

/* Packs a request envelope around body (already packed) into a new message the
 * caller owns. */
nng_msg *bus_request_new(const char *method, const Bus__Caller *caller, int64_t deadline_ms,
                         const char *idempotency_key, const uint8_t *body, size_t body_len);
/* Decodes a reply envelope into a; NULL when it is not one. */
Bus__Response *bus_response_decode(const void *buf, size_t len, arena *a);
/* Fills the status of an error reply from the envelope; returns its code. */
int bus_response_status(const Bus__Response *r);

#endif
