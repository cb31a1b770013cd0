/*
 * The request path of the gateway: limits, routing, JSON -> protobuf, the call to
 * the service, protobuf -> JSON, errors, the access log and metrics (the connection
 * cap is connections.c).
 * Everything here runs on the loop thread.
 */
#include "bus.h"
#include "validate.h"
#include "crypto.h"
#include "gateway.h"
#include "input.h"
#include "log.h"
#include "metrics.h"
#include "pbjson.h"
#include "routes.h"
#include "sessions.h"
#include "client_ip.h"
#include "connections.h"
#include "limits.h"
#include "files.pb-c.h"
#include "multipart.h"
#include "status.h"
#include "upstream.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One request from arrival to reply; freed after the reply (or the client's leaving). */
struct gw_exchange {
	struct evhttp_request *req;
	struct gw_conn *conn; /* NULL when evhttp gave no counted connection */
	const gw_config *cfg;
	const gw_route *route;
	const char *route_name;
	char method[8];
	char request_id[40];
	char client_ip[64];
	char client_key[64]; /* what per-address limits count: the address or its IPv6 /64 */
	int64_t t0_us;
	int64_t upstream_t0_us;
	int64_t upstream_us;
	size_t bytes_in;
	int cancelled; /* the connection closed while the call was out */
	int orphaned;  /* evhttp detached req from its closed connection: ours to free */
	gw_match match;
	arena *arena;  /* the request's input message and caller */
	int by_cookie; /* the session came from the cookie: unsafe methods need CSRF */
	int has_session;
	session_info session;
	char session_id[SESSION_ID_MAX];
};

static const gw_config *gw_cfg;

/* Requests received and not yet answered or abandoned (a metric). */
static long gw_requests_alive;

/* A connection the exchange was on closed while its call was out: it is cancelled. Had
 * evhttp detached the unanswered request from the connection, it would be ours to free;
 * when the server stops, it is still on the connection and evhttp frees it right after.
 * (README: when libevent 2.1 notices a client leaving.) */
void gw_exchange_connection_closed(struct gw_exchange *x)
{
	x->cancelled = 1;
	x->conn = NULL;
	if (evhttp_request_get_connection(x->req) == NULL)
		x->orphaned = 1;
	else
		x->req = NULL;
}

/* The gateway's own gauges after metrics.c's: connections and requests alive. */
static void gw_server_metrics(struct evbuffer *out)
{
	gw_conns_metrics(out);
	evbuffer_add_printf(out,
	                    "# HELP gateway_requests_in_progress Requests received and not yet "
	                    "answered or abandoned, this scrape included.\n"
	                    "# TYPE gateway_requests_in_progress gauge\n"
	                    "gateway_requests_in_progress %ld\n",
	                    gw_requests_alive);
}

/* Longest request target (path and query) we read; past it, 414. */
#define GW_MAX_URI_BYTES 8192

static int64_t gw_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *gw_method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	default:
		return "OTHER";
	}
}

/* A caller's X-Request-Id is kept when it is short and plain; otherwise a new one. */
static void gw_request_id(struct evhttp_request *req, char out[40])
{
	const char *given =
	        evhttp_find_header(evhttp_request_get_input_headers(req), "X-Request-Id");
	if (given) {
		size_t n = strlen(given), i = 0;
		while (i < n && i < 36 &&
		       (('0' <= given[i] && given[i] <= '9') ||
		        ('a' <= given[i] && given[i] <= 'z') ||
		        ('A' <= given[i] && given[i] <= 'Z') || given[i] == '-' || given[i] == '_'))
			i++;
		if (n >= 8 && i == n) {
			memcpy(out, given, n + 1);
			return;
		}
	}
	unsigned char rnd[12];
	crypto_random_bytes(rnd, sizeof rnd);
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(out + 2 * i, 3, "%02x", rnd[i]);
}

static void gw_access_log(struct gw_exchange *x, int status, size_t bytes_out, const char *error)
{
	int64_t latency = gw_now_us() - x->t0_us;
	gw_metrics_request(x->route_name, status, latency);
	int level = status >= 500 ? LOGL_WARN : LOGL_INFO;
	if (!log_enabled(level))
		return;
	log_line l;
	log_line_begin(&l, level, "access", x->request_id);
	log_line_str(&l, "method", x->method);
	log_line_str(&l, "route", x->route_name);
	log_line_int(&l, "status", status);
	log_line_ms(&l, "latency_ms", latency);
	log_line_str(&l, "upstream", x->route ? x->route->service : NULL);
	log_line_ms(&l, "upstream_ms", x->upstream_us);
	log_line_str(&l, "person", x->has_session ? x->session.person_id : NULL);
	log_line_str(&l, "enterprise",
	             x->has_session && x->session.enterprise_id[0] ? x->session.enterprise_id
	                                                           : NULL);
	log_line_str(&l, "ip", x->client_ip);
	log_line_int(&l, "bytes_in", (int64_t)x->bytes_in);
	log_line_int(&l, "bytes_out", (int64_t)bytes_out);
	log_line_str(&l, "error", error);
	log_line_end(&l);
	gw_access_file_write(l.buf, l.len);
}

static void gw_exchange_free(struct gw_exchange *x)
{
	gw_requests_alive--;
	if (x->orphaned)
		evhttp_request_free(x->req);
	arena_free(x->arena);
	free(x);
}

void gw_reply_json(struct evhttp_request *req, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	struct evbuffer *out = evbuffer_new();
	evbuffer_add(out, text, strlen(text));
	free(text);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "application/json; charset=utf-8");
	evhttp_send_reply(req, status, NULL, out);
	evbuffer_free(out);
}

/* Sends the reply of an exchange with its Content-Type and frees it. */
static void gw_finish_typed(struct gw_exchange *x, int status, const char *content_type,
                            const char *body, size_t len, const char *error)
{
	if (x->cancelled) {
		gw_access_log(x, 499, 0, "CLIENT_CLOSED");
		gw_exchange_free(x);
		return;
	}
	if (x->conn)
		gw_conn_attach(x->conn, NULL);
	struct evkeyvalq *h = evhttp_request_get_output_headers(x->req);
	if (content_type)
		evhttp_add_header(h, "Content-Type", content_type);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (!evhttp_find_header(h, "Cache-Control")) /* a GW_ETAG reply sets its own */
		evhttp_add_header(h, "Cache-Control", "no-store");
	struct evbuffer *out = evbuffer_new();
	evbuffer_add(out, body, len);
	evhttp_send_reply(x->req, status, NULL, out);
	evbuffer_free(out);
	gw_access_log(x, status, len, error);
	gw_exchange_free(x);
}

static void gw_finish(struct gw_exchange *x, int status, const char *body, size_t len,
                      const char *error)
{
	gw_finish_typed(x, status, "application/json; charset=utf-8", body, len, error);
}

/* The error body: {"error":{"code","message","field","request_id"}}, plus
 * "retry_after" (and the Retry-After header) when the service set one. */
static void gw_fail(struct gw_exchange *x, int code, const char *field, const char *message)
{
	json_t *err = json_object();
	json_object_set_new(err, "code", json_string(status_code_name(code)));
	json_object_set_new(err, "message", json_string(message ? message : status_message(code)));
	json_object_set_new(err, "field", field && *field ? json_string(field) : json_null());
	json_object_set_new(err, "request_id", json_string(x->request_id));
	int retry = status_retry_after();
	status_set_retry_after(0);
	if (retry <= 0 && code == ST_RATE_LIMITED)
		retry = 60;
	if (retry > 0) {
		char secs[16];
		snprintf(secs, sizeof secs, "%d", retry);
		evhttp_add_header(evhttp_request_get_output_headers(x->req), "Retry-After", secs);
		json_object_set_new(err, "retry_after", json_integer(retry));
	}
	json_t *body = json_pack("{s:o}", "error", err);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	gw_finish(x, status_http(code), text, strlen(text), status_code_name(code));
	free(text);
}

/* The string field name of a message, or NULL. */
static const char *gw_string_field(const ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *f =
	        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
	if (!f || f->type != PROTOBUF_C_TYPE_STRING || f->label == PROTOBUF_C_LABEL_REPEATED)
		return NULL;
	return *(const char *const *)((const char *)m + f->offset);
}

/* The int32 field name of a message, or -1. */
static long long gw_int_field(const ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *f =
	        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
	if (!f || f->type != PROTOBUF_C_TYPE_INT32 || f->label == PROTOBUF_C_LABEL_REPEATED)
		return -1;
	return *(const int32_t *)((const char *)m + f->offset);
}

/* Both cookies cleared: the session ended (logout, or a cookie naming no live one). */
static void gw_session_cookies_clear(struct gw_exchange *x)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(x->req);
	int secure = !config_is_development(&x->cfg->common);
	char cookie[256];
	gw_session_cookie(cookie, sizeof cookie, SESSION_COOKIE, "", 0, 1, secure);
	evhttp_add_header(h, "Set-Cookie", cookie);
	gw_session_cookie(cookie, sizeof cookie, "sme_csrf", "", 0, 0, secure);
	evhttp_add_header(h, "Set-Cookie", cookie);
}

/*
 * Login sets the session cookie (HttpOnly: scripts never see the token) and a
 * readable CSRF cookie whose value the web UI echoes in X-CSRF-Token, both kept by the
 * browser no longer than the session's absolute lifetime (the reply's max_age; the
 * idle timeout is the server's to enforce) and Secure in production; logout clears
 * both.
 */
static void gw_session_cookies(struct gw_exchange *x, const ProtobufCMessage *out)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(x->req);
	int secure = !config_is_development(&x->cfg->common);
	char cookie[256];
	if (x->route->session == GW_SESSION_ISSUE) {
		const char *token = gw_string_field(out, "token");
		const char *csrf = gw_string_field(out, "csrf_token");
		long long max_age = gw_int_field(out, "max_age");
		if (!token || !csrf || max_age <= 0)
			return;
		if (gw_session_cookie(cookie, sizeof cookie, SESSION_COOKIE, token, max_age, 1,
		                      secure) == 0)
			evhttp_add_header(h, "Set-Cookie", cookie);
		if (gw_session_cookie(cookie, sizeof cookie, "sme_csrf", csrf, max_age, 0,
		                      secure) == 0)
			evhttp_add_header(h, "Set-Cookie", cookie);
	} else if (x->route->session == GW_SESSION_END) {
		gw_session_cookies_clear(x);
	}
}

/*
 * A download: the files.Download output becomes the body. The name travels as
 * RFC 6266/5987 filename* (UTF-8, percent-encoded) with an ASCII fallback.
 */
static void gw_file_reply(struct gw_exchange *x, const ProtobufCMessage *out)
{
	const Files__Download *f = (const Files__Download *)out;
	if (out->descriptor != &files__download__descriptor) {
		gw_fail(x, ST_BAD_MESSAGE, NULL, NULL);
		return;
	}
	/* A protocol answer (OCSP, TSA) has no name: no Content-Disposition. */
	if (!f->name || !*f->name) {
		/* A protocol may answer with its own status (a payment notify refused: 4xx). */
		int code = f->has_status && f->status >= 200 && f->status <= 599 ? f->status : 200;
		gw_finish_typed(x, code,
		                f->content_type && *f->content_type ? f->content_type
		                                                    : "application/octet-stream",
		                (const char *)f->data.data, f->has_data ? f->data.len : 0, NULL);
		return;
	}
	const char *name = f->name;
	char *enc = evhttp_uriencode(name, -1, 0);
	char ascii[128], disp[1024];
	size_t n = 0;
	for (const char *p = name; *p && n + 1 < sizeof ascii; p++)
		if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f && *p != '"' &&
		    *p != '\\')
			ascii[n++] = *p;
	ascii[n] = '\0';
	snprintf(disp, sizeof disp, "%s; filename=\"%s\"; filename*=UTF-8''%s",
	         f->has_inline_ && f->inline_ ? "inline" : "attachment", n ? ascii : "download",
	         enc ? enc : "download");
	free(enc);
	evhttp_add_header(evhttp_request_get_output_headers(x->req), "Content-Disposition", disp);
	gw_finish_typed(x, 200,
	                f->content_type && *f->content_type ? f->content_type
	                                                    : "application/octet-stream",
	                (const char *)f->data.data, f->has_data ? f->data.len : 0, NULL);
}

/*
 * A GW_ETAG route's reply: the ETag is a digest of the body, so it changes exactly when
 * the reply does; If-None-Match naming it (or "*"; weak comparison, RFC 9110 13.1.2)
 * gets 304 and no body. Cache-Control: no-cache lets clients keep the reply but ask
 * each time.
 */
static void gw_etag_reply(struct gw_exchange *x, const char *body, size_t len)
{
	char sum[65], etag[40];
	crypto_sha256_hex(body, len, sum);
	snprintf(etag, sizeof etag, "\"%.32s\"", sum);
	struct evkeyvalq *h = evhttp_request_get_output_headers(x->req);
	evhttp_add_header(h, "ETag", etag);
	evhttp_add_header(h, "Cache-Control", "no-cache");
	const char *inm =
	        evhttp_find_header(evhttp_request_get_input_headers(x->req), "If-None-Match");
	if (inm && (strstr(inm, etag) || strcmp(inm + strspn(inm, " "), "*") == 0)) {
		gw_finish_typed(x, 304, NULL, "", 0, NULL);
		return;
	}
	gw_finish(x, 200, body, len, NULL);
}

/* Loop thread: the service answered, failed or timed out. */
static void gw_call_done(void *arg, int rv, nng_msg *reply)
{
	struct gw_exchange *x = arg;
	arena *a = arena_new();
	x->upstream_us = gw_now_us() - x->upstream_t0_us;
	if (rv != ST_OK) {
		/* A timeout from a service known to be down is "unavailable", not "slow". */
		if (rv == ST_DEADLINE && gw_health_service_down(x->route->service))
			rv = ST_UNAVAILABLE;
		gw_metrics_upstream_error(x->route->service, status_code_name(rv));
		gw_fail(x, rv, NULL, NULL);
		goto out;
	}
	gw_health_seen(x->route->service);
	Bus__Response *resp = bus_response_decode(nng_msg_body(reply), nng_msg_len(reply), a);
	if (!resp) {
		gw_metrics_upstream_error(x->route->service, "BAD_MESSAGE");
		gw_fail(x, ST_BAD_MESSAGE, NULL, NULL);
		goto out;
	}
	int code = bus_response_status(resp);
	if (code != ST_OK && code != ST_CREATED) {
		if (status_http(code) >= 500)
			gw_metrics_upstream_error(x->route->service, status_code_name(code));
		gw_fail(x, code, status_field(), status_text(code));
		goto out;
	}
	ProtobufCAllocator al = arena_pb_allocator(a);
	ProtobufCMessage *out = protobuf_c_message_unpack(x->route->md->output, &al, resp->body.len,
	                                                  resp->body.data);
	if (!out) {
		gw_fail(x, ST_BAD_MESSAGE, NULL, NULL);
		goto out;
	}
	if (x->route->flags & GW_FILE_REPLY) {
		gw_file_reply(x, out);
		goto out;
	}
	gw_session_cookies(x, out);
	size_t len = 0;
	char *text = pbjson_dump(out, &len);
	if (x->route->flags & GW_ETAG)
		gw_etag_reply(x, text, len);
	else
		gw_finish(x, code == ST_CREATED || x->route->created ? 201 : 200, text, len, NULL);
	free(text);
out:
	nng_msg_free(reply);
	arena_free(a);
}

/* The caller of the envelope, from the session (arena-allocated). */
static void gw_caller_fill(struct gw_exchange *x, Bus__Caller *caller)
{
	caller->request_id = x->request_id;
	/* Services count per-address limits on this field (notify's SMS per address), so it
	 * carries the key, an IPv6 client's /64; the full address is in the access log. */
	caller->client_ip = x->client_key;
	if (!x->has_session)
		return;
	session_info *si = &x->session;
	caller->person_id = si->person_id;
	caller->session_id = x->session_id;
	if (si->enterprise_id[0]) {
		caller->enterprise_id = si->enterprise_id;
		caller->enterprise_role = si->enterprise_role;
	}
	if (si->institution_id[0])
		caller->institution_id = si->institution_id;
	if (!si->operator_roles[0])
		return;
	char *roles = arena_strdup(x->arena, si->operator_roles);
	caller->operator_roles = arena_alloc(x->arena, sizeof(char *) * 16);
	char *save = NULL;
	for (char *r = strtok_r(roles, ",", &save); r && caller->n_operator_roles < 16;
	     r = strtok_r(NULL, ",", &save))
		caller->operator_roles[caller->n_operator_roles++] = r;
}

static int gw_method_is_safe(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
	       strcmp(method, "OPTIONS") == 0;
}

static void gw_api_forward(struct gw_exchange *x);

/* Loop thread: the route's budget was counted (limits.c). */
static void gw_limit_done(void *arg, int rv, int retry_after_s)
{
	struct gw_exchange *x = arg;
	if (x->cancelled) {
		gw_finish(x, 499, "", 0, "CLIENT_CLOSED");
		return;
	}
	if (rv != ST_OK) {
		status_set_retry_after(retry_after_s);
		gw_fail(x, rv, NULL, NULL);
		return;
	}
	gw_api_forward(x);
}

/* Second half of an API request, once the session (if any) is known. */
static void gw_api_call(struct gw_exchange *x)
{
	const gw_route *route = x->route;
	if (route->auth == GW_AUTH_SESSION && !x->has_session) {
		gw_fail(x, ST_UNAUTHENTICATED, NULL, NULL);
		return;
	}
	if (x->has_session && x->by_cookie && !gw_method_is_safe(x->method)) {
		/* A cookie rides along on cross-site requests; the CSRF header cannot. */
		const char *sent = evhttp_find_header(evhttp_request_get_input_headers(x->req),
		                                      "X-CSRF-Token");
		size_t n = strlen(x->session.csrf);
		if (!sent || strlen(sent) != n || !crypto_ct_equal(sent, x->session.csrf, n)) {
			gw_fail(x, ST_CSRF_FAILED, "X-CSRF-Token", NULL);
			return;
		}
	}
	if (route->limit != GW_LIMIT_NONE) {
		gw_limit_check(route->limit, x->client_key,
		               x->has_session ? x->session.person_id : NULL, gw_limit_done, x);
		return;
	}
	gw_api_forward(x);
}

/* Last half of an API request, within its route's budget: build, call. */
static void gw_api_forward(struct gw_exchange *x)
{
	const gw_route *route = x->route;
	ProtobufCMessage *msg = NULL;
	int rv;
	status_clear();
	gw_input_request ir = {x->req, x->route, x->method, x->bytes_in};
	if ((rv = gw_input_build(&ir, &x->match, x->arena, &msg)) != ST_OK) {
		gw_fail(x, rv, status_field(), status_text(rv));
		return;
	}
	const char *idem =
	        evhttp_find_header(evhttp_request_get_input_headers(x->req), "Idempotency-Key");
	if (idem && (strlen(idem) == 0 || strlen(idem) > 128)) {
		gw_fail(x, ST_VALIDATION, "Idempotency-Key",
		        "Idempotency-Key 长度须为 1 到 128 个字符");
		return;
	}
	if (gw_health_service_down(route->service)) {
		gw_metrics_upstream_error(route->service, "SERVICE_UNAVAILABLE");
		gw_fail(x, ST_UNAVAILABLE, NULL, NULL);
		return;
	}
	size_t len = protobuf_c_message_get_packed_size(msg);
	uint8_t *body = arena_alloc(x->arena, len ? len : 1);
	protobuf_c_message_pack(msg, body);
	Bus__Caller caller = BUS__CALLER__INIT;
	gw_caller_fill(x, &caller);
	nng_msg *req = bus_request_new(route->rpc, &caller, bus_now_ms() + x->cfg->deadline_ms,
	                               idem, body, len);
	x->upstream_t0_us = gw_now_us();
	gw_upstream_call(route->service, req, (int)x->cfg->deadline_ms, gw_call_done, x);
}

static void gw_session_found(void *arg, int rv, const session_info *info, const char *session_id)
{
	struct gw_exchange *x = arg;
	if (x->cancelled) {
		gw_finish(x, 499, "", 0, "CLIENT_CLOSED");
		return;
	}
	if (rv == ST_UNAVAILABLE) {
		gw_fail(x, ST_UNAVAILABLE, NULL, NULL);
		return;
	}
	if (rv == ST_OK) {
		x->has_session = 1;
		x->session = *info;
		snprintf(x->session_id, sizeof x->session_id, "%s", session_id);
		gw_api_call(x);
		return;
	}
	/* The session ended (idle, lifetime, authority changed, logout elsewhere): the
	 * browser forgets its cookies too. */
	if (x->by_cookie)
		gw_session_cookies_clear(x);
	if (x->route->auth == GW_AUTH_SESSION || !x->by_cookie) {
		/* A Bearer token that names no session is an error even on a public route:
		 * the client believes it is logged in. A stale cookie on a public route is not. */
		gw_fail(x, ST_UNAUTHENTICATED, NULL, "登录已失效，请重新登录");
		return;
	}
	gw_api_call(x);
}

/* The session token of a request: Authorization: Bearer first, then the cookie. */
static int gw_request_token(struct gw_exchange *x, char out[SESSION_TOKEN_MAX])
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(x->req);
	const char *v = evhttp_find_header(in, "Authorization");
	const char *tok = NULL;
	size_t n = 0;
	if (v && strncasecmp(v, "Bearer ", 7) == 0) {
		tok = v + 7;
		n = strlen(tok);
	} else if ((v = evhttp_find_header(in, "Cookie"))) {
		const char *c = strstr(v, SESSION_COOKIE "=");
		while (c && c != v && c[-1] != ' ' && c[-1] != ';')
			c = strstr(c + 1, SESSION_COOKIE "=");
		if (c) {
			tok = c + strlen(SESSION_COOKIE "=");
			n = strcspn(tok, "; ");
			x->by_cookie = 1;
		}
	}
	if (!tok || n == 0 || n >= SESSION_TOKEN_MAX)
		return tok ? -1 : 0;
	for (size_t i = 0; i < n; i++) {
		char ch = tok[i];
		if (!(('0' <= ch && ch <= '9') || ('a' <= ch && ch <= 'z') ||
		      ('A' <= ch && ch <= 'Z') || ch == '-' || ch == '_'))
			return -1;
	}
	memcpy(out, tok, n);
	out[n] = '\0';
	return 1;
}

static void gw_api(struct gw_exchange *x, const char *path)
{
	char token[SESSION_TOKEN_MAX];
	int rv = gw_routes_match(x->method, path, &x->match);
	if (rv != 0) {
		gw_fail(x, rv, NULL, NULL);
		return;
	}
	x->route = x->match.route;
	x->route_name = x->route->path;
	if (x->route->auth == GW_AUTH_DEV && !config_is_development(&x->cfg->common)) {
		/* Development aids do not exist in production, not even as a 403. */
		gw_fail(x, ST_ROUTE_NOT_FOUND, NULL, NULL);
		return;
	}
	size_t cap =
	        (size_t)((x->route->flags & GW_MULTIPART) ? x->cfg->max_upload : x->cfg->max_body);
	if ((x->route->flags & GW_MULTIPART) && (x->route->flags & GW_DOCUMENT))
		cap = (size_t)x->cfg->max_document;
	if (x->route->flags & GW_RAW_BODY)
		cap = GW_RAW_MAX_BYTES;
	if (x->bytes_in > cap) {
		gw_fail(x, ST_BODY_TOO_LARGE, "body", NULL);
		return;
	}
	x->arena = arena_new();
	if ((x->conn = gw_conns_of(x->req)))
		gw_conn_attach(x->conn, x);
	int has_token = gw_request_token(x, token);
	if (has_token < 0 && !x->by_cookie) {
		gw_fail(x, ST_UNAUTHENTICATED, "Authorization", "登录凭证格式不正确");
		return;
	}
	if (has_token > 0) {
		gw_session_lookup(token, gw_session_found, x);
		return;
	}
	gw_api_call(x);
}

static void gw_builtin_reply_logged(struct gw_exchange *x, int status)
{
	gw_access_log(x, status, 0, NULL);
	gw_exchange_free(x);
}

/* 1 when the byte is a C0 control character or DEL. */
static int gw_is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

/*
 * Refuses what evhttp would pass on silently: a control character in the path or
 * the query, raw or percent-encoded (a %00 would otherwise cut the value short when
 * decoded), and a request line or header block over our limits (evhttp's own, set
 * higher, would answer with its HTML page). *field names the part: "path", the
 * query parameter, or the header block.
 */
static int gw_request_shape(struct evhttp_request *req, const char **field)
{
	static char param[64];
	const char *uri = evhttp_request_get_uri(req);
	size_t n = uri ? strlen(uri) : 0;
	if (n > GW_MAX_URI_BYTES) {
		*field = "path";
		return status_err(ST_URI_TOO_LONG, "path");
	}
	const char *key = NULL; /* start of the current query parameter */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)uri[i];
		if (c == '?' || (key && c == '&'))
			key = uri + i + 1;
		if (c == '%' && i + 2 < n && validate_hex_digit(uri[i + 1]) >= 0 &&
		    validate_hex_digit(uri[i + 2]) >= 0)
			c = (unsigned char)(validate_hex_digit(uri[i + 1]) * 16 +
			                    validate_hex_digit(uri[i + 2]));
		if (!gw_is_control(c))
			continue;
		*field = "path";
		if (key) {
			size_t k = strcspn(key, "=&");
			snprintf(param, sizeof param, "%.*s", (int)(k < sizeof param ? k : 0), key);
			*field = param[0] && !strpbrk(param, "%+") ? param : "query";
		}
		return status_err(ST_CONTROL_CHAR, *field);
	}
	size_t total = n;
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	for (struct evkeyval *kv = h->tqh_first; kv; kv = kv->next.tqe_next)
		total += strlen(kv->key) + strlen(kv->value) + 4;
	if (total > (size_t)gw_cfg->max_headers) {
		*field = "headers";
		return status_err(ST_HEADERS_TOO_LARGE, "headers");
	}
	return ST_OK;
}

static void gw_handle(struct evhttp_request *req, void *arg)
{
	(void)arg;
	struct gw_exchange *x = xcalloc(1, sizeof *x);
	gw_requests_alive++;
	x->req = req;
	x->cfg = gw_cfg;
	x->t0_us = gw_now_us();
	x->route_name = "unmatched";
	snprintf(x->method, sizeof x->method, "%s",
	         gw_method_name(evhttp_request_get_command(req)));
	gw_request_id(req, x->request_id);
	x->bytes_in = evbuffer_get_length(evhttp_request_get_input_buffer(req));
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	char *peer = NULL;
	ev_uint16_t port = 0;
	if (conn)
		evhttp_connection_get_peer(conn, &peer, &port);
	gw_client_ip(peer, gw_cfg->trusted_proxies,
	             evhttp_find_header(evhttp_request_get_input_headers(req), "X-Forwarded-For"),
	             x->client_ip, sizeof x->client_ip);
	gw_client_ip_key(x->client_ip, x->client_key, sizeof x->client_key);
	evhttp_add_header(evhttp_request_get_output_headers(req), "X-Request-Id", x->request_id);
	const char *field = NULL;
	int rv = gw_request_shape(req, &field);
	if (rv != ST_OK) {
		gw_fail(x, rv, field, NULL);
		return;
	}

	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (!path || !*path)
		path = "/";
	/* /pki/: the CA's public files (CRLs), routed like the API. */
	if ((strncmp(path, "/api/", 5) == 0 && strcmp(path, "/api/v1/openapi.json") != 0) ||
	    strncmp(path, "/pki/", 5) == 0) {
		gw_api(x, path);
		return;
	}
	if (strcmp(x->method, "GET") != 0 && strcmp(x->method, "HEAD") != 0) {
		gw_fail(x, ST_METHOD_NOT_ALLOWED, NULL, NULL);
		return;
	}
	if (strcmp(path, "/healthz") == 0) {
		x->route_name = "/healthz";
		gw_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
		gw_builtin_reply_logged(x, 200);
	} else if (strcmp(path, "/readyz") == 0) {
		x->route_name = "/readyz";
		gw_health_readyz(req);
		gw_builtin_reply_logged(x, evhttp_request_get_response_code(req));
	} else if (strcmp(path, "/metrics") == 0) {
		x->route_name = "/metrics";
		struct evbuffer *out = evbuffer_new();
		gw_metrics_render(out);
		gw_server_metrics(out);
		gw_health_metrics(out);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
		                  "text/plain; version=0.0.4");
		evhttp_send_reply(req, 200, "OK", out);
		evbuffer_free(out);
		gw_builtin_reply_logged(x, 200);
	} else if (strcmp(path, "/api/v1/openapi.json") == 0) {
		x->route_name = "/api/v1/openapi.json";
		gw_openapi_reply(req);
		gw_builtin_reply_logged(x, 200);
	} else {
		x->route_name = "static";
		if (gw_static_reply(req, x->cfg->web_dir, path) == 200)
			gw_builtin_reply_logged(x, 200);
		else
			gw_fail(x, ST_NOT_FOUND, NULL, NULL);
	}
}

void gw_server_setup(struct evhttp *http, const gw_config *cfg)
{
	gw_cfg = cfg;
	/* evhttp's own limits only guard memory: they are set above ours so that a request
	 * over one of ours still reaches gw_handle and gets the JSON error. libevent 2.1 has
	 * no hook before the body is read (evhttp_set_newreqcb and evhttp_set_errorcb are
	 * 2.2), so past these evhttp answers alone, with its HTML page. */
	long hard = cfg->max_body * 4 > cfg->max_upload ? cfg->max_body * 4 : cfg->max_upload;
	if (cfg->max_document > hard)
		hard = cfg->max_document;
	evhttp_set_max_body_size(http, (ev_ssize_t)(hard + (1 << 20)));
	evhttp_set_max_headers_size(http, (ev_ssize_t)cfg->max_headers * 4 + GW_MAX_URI_BYTES);
	evhttp_set_timeout(http, (int)cfg->idle_timeout_s);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	                                         EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE |
	                                         EVHTTP_REQ_HEAD | EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(http, gw_handle, NULL);
	gw_conns_setup(http);
}

int gw_server_listen(struct evhttp *http, const gw_config *cfg)
{
	if (gw_conns_fd_limit(cfg->max_connections) != 0)
		return -1;
	struct evhttp_bound_socket *bound =
	        evhttp_bind_socket_with_handle(http, cfg->addr, (ev_uint16_t)cfg->port);
	if (!bound)
		return -1;
	return gw_conns_start(bound, cfg->max_connections);
}

void gw_server_free(struct evhttp *http)
{
	/* Connections closed from here on only count down: the listener goes first. */
	gw_conns_stop();
	evhttp_free(http);
	gw_conns_free();
}
