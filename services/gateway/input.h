/*
 * The gateway's request → protobuf input (input.c).
 */
#ifndef GATEWAY_INPUT_H
#define GATEWAY_INPUT_H

#include "mem.h"
#include "routes.h"

#include <event2/http.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* What a request brings to its route's input. */
typedef struct gw_input_request {
	struct evhttp_request *req;
	const gw_route *route;
	const char *method;
	size_t bytes_in; /* the body's length, already read */
} gw_input_request;

/*
 * Builds the route's input message into *msg (allocated in a): the body as the route
 * takes it (JSON object, multipart/form-data, or raw bytes), then the query string's and
 * the path's parameters. ST_OK, or a field-level error (status_err) naming what is wrong.
 */
int gw_input_build(const gw_input_request *x, const gw_match *m, arena *a, ProtobufCMessage **msg);

#endif
