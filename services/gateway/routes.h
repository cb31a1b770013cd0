/* The gateway's route table: HTTP method + path template -> service method. */
#ifndef GATEWAY_ROUTES_H
#define GATEWAY_ROUTES_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

enum gw_auth {
	GW_AUTH_NONE,    /* anyone */
	GW_AUTH_SESSION, /* a logged-in person */
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
	/* Filled by gw_routes_init(). */
	const ProtobufCMethodDescriptor *md;
} gw_route;

typedef struct gw_match {
	const gw_route *route;
	size_t nparams;
	char names[GW_MAX_PARAMS][32];
	char values[GW_MAX_PARAMS][128];
} gw_match;

/* Resolves every route's method descriptor; 0, or -1 (logged) on a table error. */
int gw_routes_init(void);
const gw_route *gw_routes_all(size_t *n);
/*
 * Finds the route for method and path (without query). Returns 0 with *m
 * filled, ST_ROUTE_NOT_FOUND when no template matches the path, or
 * ST_METHOD_NOT_ALLOWED when one matches with another method.
 */
int gw_routes_match(const char *method, const char *path, gw_match *m);
/* Distinct services the routes call, for readiness; at most max. */
size_t gw_routes_services(const char **out, size_t max);

#endif
