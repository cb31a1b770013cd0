/* The gateway's route table: HTTP method + path template -> service method. */
#ifndef GATEWAY_ROUTES_H
#define GATEWAY_ROUTES_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

enum gw_auth {
	GW_AUTH_NONE,    /* anyone; a session, if any, still reaches the service */
	GW_AUTH_SESSION, /* a logged-in person: 401 without a session */
	GW_AUTH_DEV,     /* development mode only (404 otherwise), e.g. the SMS sink */
};

/* What the gateway does with the session cookie after a successful call. */
enum gw_session_effect {
	GW_SESSION_KEEP,  /* nothing */
	GW_SESSION_ISSUE, /* the output's `token` and `csrf_token` become cookies */
	GW_SESSION_END,   /* the cookies are cleared */
};

/* Who a route's requests are counted against before they are forwarded (limits.c holds
 * each class's budget and window). */
enum gw_limit {
	GW_LIMIT_NONE,
	GW_LIMIT_LOGIN,    /* per client address: attempts at a password (each costs a KDF) */
	GW_LIMIT_CAPTCHA,  /* per client address */
	GW_LIMIT_REGISTRY, /* per person: searches of the business registry */
	GW_LIMIT_DRAFT,    /* per person: new certification drafts */
	GW_LIMIT_JOIN,     /* per person: join requests */
	GW_LIMIT_VERIFY,   /* per person: signature verifications of uploaded PDFs */
};

#define GW_MAX_PARAMS 4

typedef struct gw_route {
	const char *method;  /* GET, POST, PUT, PATCH, DELETE */
	const char *path;    /* template: /api/v1/bill-orders/{id}/confirmation */
	const char *service; /* bus queue */
	const ProtobufCServiceDescriptor *desc;
	const char *rpc; /* method name in desc */
	enum gw_auth auth;
	int created;         /* 1: success is 201 */
	const char *summary; /* OpenAPI summary, Chinese */
	enum gw_session_effect session;
	/* Filled by gw_routes_init(). */
	const ProtobufCMethodDescriptor *md;
	unsigned flags; /* GW_MULTIPART, GW_FILE_REPLY */
	enum gw_limit limit;
} gw_route;

/* The body is multipart/form-data: file parts fill files.Upload fields. Only such a
 * route accepts a body up to GATEWAY_MAX_UPLOAD_BYTES; every other one up to
 * GATEWAY_MAX_BODY_BYTES. */
#define GW_MULTIPART 1u
/* The output is files.Download, sent as the raw body with its Content-Type. */
#define GW_FILE_REPLY 2u
/* A GET whose reply clients may cache and revalidate: the gateway sends an ETag (of the
 * JSON body), Cache-Control: no-cache, and 304 without a body to a matching
 * If-None-Match. */
#define GW_ETAG 4u
/* A protocol endpoint that speaks DER, not JSON (the PKI's OCSP and TSA): the request
 * body, whatever its Content-Type and at most GW_RAW_MAX_BYTES, fills the input's bytes
 * field `body`. A template's last segment written {name+} takes the rest of the path,
 * slashes included and beyond the 128-byte cap of a parameter, URL-decoded, into field
 * `name` (any route may use it). Combine with GW_FILE_REPLY for a raw answer. */
#define GW_RAW_BODY      8u
#define GW_RAW_MAX_BYTES 16384
/* With GW_MULTIPART: the route takes a document larger than other uploads (a contract's
 * PDF of up to 20 MiB), its body up to GATEWAY_MAX_DOCUMENT_BYTES instead. */
#define GW_DOCUMENT 16u

typedef struct gw_match {
	const gw_route *route;
	size_t nparams;
	char names[GW_MAX_PARAMS][32];
	char values[GW_MAX_PARAMS][128];
	/* A {name+} tail: where it starts in the matched path (still URL-encoded). */
	char tail_name[32];
	const char *tail;
} gw_match;

/* Each service's routes live in routes_<service>.c as one of these tables, named
 * gw_routes_<service>. */
typedef struct gw_route_table {
	gw_route *routes;
	size_t n;
} gw_route_table;

/* The tables of every service of services/services.list that has a routes file, in
 * the list's order: generated at build time (deploy/services.sh gateway ->
 * build/gen/gw_route_tables.c), so a new service's routes need no line here. */
extern const gw_route_table *const gw_tables[];
extern const size_t gw_ntables;

/* Resolves every route's method descriptor; 0, or -1 (logged) on a table error. */
int gw_routes_init(void);
/* The i-th route over all tables, or NULL past the end. */
const gw_route *gw_route_at(size_t i);
/*
 * Finds the route for method and path (without query). Returns 0 with *m
 * filled, ST_ROUTE_NOT_FOUND when no template matches the path, or
 * ST_METHOD_NOT_ALLOWED when one matches with another method.
 */
int gw_routes_match(const char *method, const char *path, gw_match *m);
/* Distinct services the routes call, for readiness; at most max. */
size_t gw_routes_services(const char **out, size_t max);

#endif
