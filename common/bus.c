/* Bus addresses and the req/rep client (see bus.h). */
#include "bus.h"

#include "log.h"
#include "status.h"

#include <errno.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int64_t bus_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int bus_call_timeout_ms(int64_t deadline_ms, int min_ms, int max_ms)
{
	if (!deadline_ms)
		return max_ms;
	int64_t left = deadline_ms - bus_now_ms() - 100;
	if (left > max_ms)
		return max_ms;
	return left < min_ms ? min_ms : (int)left;
}

size_t bus_bases(const char *bus_urls, arena *a, char **out)
{
	size_t n = 0;
	const char *p = bus_urls;
	while (p && *p && n < BUS_MAX_BASES) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len && (*p == ' ')) {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		if (len) {
			if (strncmp(p, "ipc://", 6) != 0 && strncmp(p, "tcp://", 6) != 0)
				return 0;
			out[n++] = arena_strndup(a, p, len);
		}
		p = comma ? comma + 1 : NULL;
	}
	return n;
}

/* Port offset of an endpoint on a tcp base; -1 when the name is unknown. */
static int bus_endpoint_offset(const char *name)
{
	if (strcmp(name, "events-in") == 0)
		return 0;
	if (strcmp(name, "events-out") == 0)
		return 1;
	if (strncmp(name, "rpc.", 4) != 0)
		return -1;
	const char *svc = name + 4;
	const char *dot = strrchr(svc, '.');
	if (!dot)
		return -1;
	int back;
	if (strcmp(dot, ".front") == 0)
		back = 0;
	else if (strcmp(dot, ".back") == 0)
		back = 1;
	else
		return -1;
	if (dot == svc)
		return -1;
	for (size_t i = 0; i < bus_nservices; i++) {
		size_t len = strlen(bus_services[i].name);
		if ((size_t)(dot - svc) == len && strncmp(svc, bus_services[i].name, len) == 0)
			return bus_services[i].port + back;
	}
	/* Not a platform service: addressable over ipc only (tests run their own). */
	return 1000;
}

int bus_service_calls(const char *caller, const char *callee)
{
	for (size_t i = 0; caller && callee && i < bus_nservices; i++) {
		if (strcmp(bus_services[i].name, caller) != 0)
			continue;
		for (const char *const *c = bus_services[i].calls; c && *c; c++)
			if (strcmp(*c, callee) == 0)
				return 1;
		return 0;
	}
	return 0;
}

int bus_endpoint(const char *base, const char *name, char *out, size_t outlen)
{
	int off = bus_endpoint_offset(name);
	if (off < 0)
		return -1;
	if (strncmp(base, "ipc://", 6) == 0) {
		int n = snprintf(out, outlen, "%s/%s", base, name);
		return n > 0 && (size_t)n < outlen ? 0 : -1;
	}
	if (strncmp(base, "tcp://", 6) != 0 || off >= 1000)
		return -1;
	const char *colon = strrchr(base + 6, ':');
	if (!colon)
		return -1;
	char *end = NULL;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port <= 0 || port + off > 65535)
		return -1;
	int n = snprintf(out, outlen, "%.*s:%ld", (int)(colon - base), base, port + off);
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

int bus_dial_all(nng_socket s, const char *bus_urls, const char *name)
{
	arena *a = arena_new();
	char *bases[BUS_MAX_BASES];
	size_t n = bus_bases(bus_urls, a, bases);
	int rv = n ? 0 : -1;
	for (size_t i = 0; i < n && rv == 0; i++) {
		char addr[512];
		if (bus_endpoint(bases[i], name, addr, sizeof addr) != 0 ||
		    nng_dial(s, addr, NULL, NNG_FLAG_NONBLOCK) != 0)
			rv = -1;
	}
	arena_free(a);
	return rv;
}

int bus_listen(nng_socket s, const char *base, const char *name)
{
	char addr[512];
	nng_listener lst;
	int rv;
	if (bus_endpoint(base, name, addr, sizeof addr) != 0)
		return -1;
	/* An ipc endpoint is its owner's alone whatever the umask: whoever connects to a
	 * request queue is handed requests and may answer them (replies are not signed). */
	if ((rv = nng_listener_create(&lst, s, addr)) == 0 &&
	    (strncmp(addr, "ipc://", 6) != 0 ||
	     (rv = nng_listener_set_int(lst, NNG_OPT_IPC_PERMISSIONS, BUS_IPC_MODE)) == 0))
		rv = nng_listener_start(lst, 0);
	if (rv != 0) {
		log_kv(LOGL_ERROR, NULL, "cannot listen", "address", addr, "error",
		       nng_strerror(rv), NULL);
		return -1;
	}
	return 0;
}

int bus_base_prepare(const char *base)
{
	if (strncmp(base, "ipc://", 6) != 0)
		return 0;
	char path[512];
	snprintf(path, sizeof path, "%s", base + 6);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int bus_ctx_send(nng_ctx ctx, nng_aio *aio, nng_msg *m)
{
	nng_aio_set_msg(aio, m);
	nng_ctx_send(ctx, aio);
	nng_aio_wait(aio);
	int rv = nng_aio_result(aio);
	nng_aio_set_msg(aio, NULL);
	return rv;
}

int bus_ctx_recv(nng_ctx ctx, nng_aio *aio, nng_msg **m)
{
	nng_ctx_recv(ctx, aio);
	nng_aio_wait(aio);
	int rv = nng_aio_result(aio);
	*m = rv == 0 ? nng_aio_get_msg(aio) : NULL;
	return rv;
}

/* ---- client ---------------------------------------------------------------- */

struct bus_client {
	nng_socket sock;
	const busauth *auth;
	char service[BUSAUTH_NAME_MAX];
};

static const busauth *bus_default_auth;

void bus_auth_default_set(const busauth *a) { bus_default_auth = a; }

void bus_socket_defaults(nng_socket s)
{
	/* nng's default limit (1 MiB) would silently drop an uploaded file's request. */
	nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, BUS_MAX_MSG);
}

int bus_client_open(bus_client **out, const char *bus_urls, const char *service)
{
	return bus_client_open_auth(out, bus_urls, service, bus_default_auth);
}

int bus_client_open_auth(bus_client **out, const char *bus_urls, const char *service,
                         const busauth *a)
{
	char name[64];
	bus_client *c = xcalloc(1, sizeof *c);
	c->auth = a;
	if (strlen(service) >= sizeof c->service)
		goto fail;
	memcpy(c->service, service, strlen(service) + 1);
	if (nng_req0_open(&c->sock) != 0)
		goto fail;
	/* No automatic resend: a command must not run twice because a reply was slow. */
	nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	bus_socket_defaults(c->sock);
	snprintf(name, sizeof name, "rpc.%s.front", service);
	if (bus_dial_all(c->sock, bus_urls, name) != 0) {
		nng_close(c->sock);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	log_kv(LOGL_ERROR, NULL, "bus client not opened: bad BUS_URLS or service name", "service",
	       service, NULL);
	free(c);
	return -1;
}

void bus_client_close(bus_client *c)
{
	if (!c)
		return;
	nng_close(c->sock);
	free(c);
}

static int bus_map_nng_error(int err)
{
	return err == NNG_ETIMEDOUT ? ST_DEADLINE : ST_UNAVAILABLE;
}

nng_msg *bus_request_new(const char *method, const Bus__Caller *caller, int64_t deadline_ms,
                         const char *idempotency_key, const uint8_t *body, size_t body_len)
{
	Bus__Request req = BUS__REQUEST__INIT;
	req.method = (char *)method;
	req.caller = (Bus__Caller *)caller;
	req.has_deadline_ms = 1;
	req.deadline_ms = deadline_ms;
	req.idempotency_key = (char *)idempotency_key;
	req.has_body = 1;
	req.body.data = (uint8_t *)body;
	req.body.len = body_len;
	size_t len = bus__request__get_packed_size(&req);
	nng_msg *m = NULL;
	if (nng_msg_alloc(&m, len) != 0)
		abort();
	bus__request__pack(&req, nng_msg_body(m));
	return m;
}

Bus__Response *bus_response_decode(const void *buf, size_t len, arena *a)
{
	ProtobufCAllocator al = arena_pb_allocator(a);
	return bus__response__unpack(&al, len, buf);
}

int bus_response_status(const Bus__Response *r)
{
	if (!r->status || !r->status->has_code)
		return status_err(ST_OK, NULL);
	int code = r->status->code;
	if (code == ST_OK || code == ST_CREATED)
		return code;
	status_errmsg(code, r->status->field, r->status->message);
	if (r->status->has_retry_after_s)
		status_set_retry_after(r->status->retry_after_s);
	return code;
}

int bus_call(bus_client *c, const char *method, const Bus__Caller *caller, int timeout_ms,
             const ProtobufCMessage *in, const ProtobufCMessageDescriptor *out_desc, arena *a,
             ProtobufCMessage **out)
{
	nng_ctx ctx;
	nng_aio *aio = NULL;
	nng_msg *m = NULL;
	int rv, err;
	size_t len = protobuf_c_message_get_packed_size(in);
	uint8_t *body = arena_alloc(a, len ? len : 1);
	protobuf_c_message_pack(in, body);
	if ((err = nng_ctx_open(&ctx, c->sock)) != 0)
		return status_err(ST_UNAVAILABLE, NULL);
	if (nng_aio_alloc(&aio, NULL, NULL) != 0) {
		nng_ctx_close(ctx);
		return status_err(ST_UNAVAILABLE, NULL);
	}
	int64_t deadline = bus_now_ms() + timeout_ms;
	nng_aio_set_timeout(aio, timeout_ms);
	m = bus_request_new(method, caller, deadline, NULL, body, len);
	if (busauth_request_sign(c->auth, c->service, m) != ST_OK) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	if ((err = bus_ctx_send(ctx, aio, m)) != 0) {
		nng_msg_free(m);
		rv = status_err(bus_map_nng_error(err), NULL);
		goto out;
	}
	m = NULL;
	int64_t left = deadline - bus_now_ms();
	nng_aio_set_timeout(aio, left > 0 ? (nng_duration)left : 1);
	if ((err = bus_ctx_recv(ctx, aio, &m)) != 0) {
		rv = status_err(bus_map_nng_error(err), NULL);
		goto out;
	}
	Bus__Response *resp = bus_response_decode(nng_msg_body(m), nng_msg_len(m), a);
	if (!resp) {
		rv = status_err(ST_BAD_MESSAGE, NULL);
		goto out;
	}
	rv = bus_response_status(resp);
	if (rv != ST_OK && rv != ST_CREATED)
		goto out;
	ProtobufCAllocator al = arena_pb_allocator(a);
	*out = protobuf_c_message_unpack(out_desc, &al, resp->body.len, resp->body.data);
	if (!*out)
		rv = status_err(ST_BAD_MESSAGE, NULL);
out:
	nng_msg_free(m);
	nng_aio_free(aio);
	nng_ctx_close(ctx);
	return rv;
}
