/* Fuzzes the gateway's path-template matcher (services/gateway/routes.c) and its
 * query-string and path-parameter decoding into the route's input message (as
 * server.c's gw_build_input does: evhttp_parse_query_str, evhttp_uridecode,
 * pbjson_set_from_string). Input: METHOD NUL path NUL query. */
#include "fuzz.h"
#include "mem.h"
#include "pbjson.h"
#include "routes.h"
#include "status.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdlib.h>
#include <string.h>

static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready) {
		if (gw_routes_init() != 0)
			abort();
		ready = 1;
	}
	/* Three NUL-terminated strings; a missing tail is empty. */
	char *buf = calloc(size + 3, 1);
	memcpy(buf, data, size);
	const char *method = buf;
	const char *path = method + strlen(method) + 1;
	const char *query = path + strlen(path) + 1;
	if (query > buf + size + 2)
		query = buf + size + 2;
	gw_match m;
	memset(&m, 0, sizeof m);
	int rv = gw_routes_match(method, path, &m);
	if (rv == 0) {
		if (!m.route || strcmp(m.route->method, method) != 0 || m.nparams > GW_MAX_PARAMS)
			abort();
		arena *a = arena_new();
		const ProtobufCMessageDescriptor *d = m.route->md->input;
		ProtobufCMessage *msg = pbjson_new(d, a);
		struct evkeyvalq q;
		if (*query && evhttp_parse_query_str(query, &q) == 0) {
			for (struct evkeyval *kv = q.tqh_first; kv; kv = kv->next.tqe_next)
				(void)pbjson_set_from_string(d, msg, kv->key, kv->value, a);
			evhttp_clear_headers(&q);
		}
		for (size_t i = 0; i < m.nparams; i++) {
			if (!memchr(m.names[i], 0, sizeof m.names[i]) ||
			    !memchr(m.values[i], 0, sizeof m.values[i]))
				abort();
			char *decoded = evhttp_uridecode(m.values[i], 0, NULL);
			(void)pbjson_set_from_string(d, msg, m.names[i], decoded ? decoded : "", a);
			free(decoded);
		}
		free(pbjson_dump(msg, NULL));
		arena_free(a);
	} else if (rv != ST_ROUTE_NOT_FOUND && rv != ST_METHOD_NOT_ALLOWED) {
		abort();
	}
	status_clear();
	free(buf);
	return 0;
}
