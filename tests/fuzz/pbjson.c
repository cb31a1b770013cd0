/* Fuzzes the JSON -> protobuf converter and back (common/pbjson*.c) with every input
 * message the gateway's routes take plus the all-types test message. Input: one byte
 * choosing the message type, then the JSON text. Checks the round trip: what
 * pbjson_from_json accepted, pbjson_dump writes as JSON that pbjson_from_json accepts
 * again and that dumps to the same text; the message packs and unpacks to it too. */
#include "fuzz.h"
#include "mem.h"
#include "pbjson.h"
#include "pbjson_test.pb-c.h"
#include "routes.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const ProtobufCMessageDescriptor *descs[512];
static size_t ndescs;

static void init_descs(void)
{
	const gw_route *r;
	if (ndescs)
		return;
	descs[ndescs++] = &pbtest__all_types__descriptor;
	descs[ndescs++] = &pbtest__strict__descriptor;
	if (gw_routes_init() != 0)
		abort();
	for (size_t i = 0; (r = gw_route_at(i)) && ndescs < sizeof descs / sizeof descs[0]; i++)
		descs[ndescs++] = r->md->input;
}

static char *dump_of(const ProtobufCMessageDescriptor *d, const char *text, arena *a)
{
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	ProtobufCMessage *m = NULL;
	if (!j || !json_is_object(j) || pbjson_from_json(d, j, a, &m) != 0)
		abort();
	json_decref(j);
	return pbjson_dump(m, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	init_descs();
	const ProtobufCMessageDescriptor *d = descs[data[0] % ndescs];
	json_t *j = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return 0;
	arena *a = arena_new();
	ProtobufCMessage *m = NULL;
	if (json_is_object(j) && pbjson_from_json(d, j, a, &m) == 0) {
		char *first = pbjson_dump(m, NULL);
		char *second = dump_of(d, first, a);
		if (strcmp(first, second) != 0)
			abort();
		size_t len = protobuf_c_message_get_packed_size(m);
		uint8_t *buf = malloc(len ? len : 1);
		protobuf_c_message_pack(m, buf);
		ProtobufCMessage *back = protobuf_c_message_unpack(d, NULL, len, buf);
		if (!back)
			abort();
		char *third = pbjson_dump(back, NULL);
		if (strcmp(first, third) != 0)
			abort();
		protobuf_c_message_free_unpacked(back, NULL);
		free(buf);
		free(third);
		free(second);
		free(first);
	}
	json_decref(j);
	arena_free(a);
	return 0;
}
