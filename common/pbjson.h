/* JSON <-> protobuf-c messages, driven only by the messages' descriptors. */
#ifndef COMMON_PBJSON_H
#define COMMON_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

#include "mem.h"

/*
 * JSON keys are the .proto field names (snake_case). Mapping per field type:
 *   string           JSON string (valid UTF-8, no U+0000)
 *   bytes            standard base64 (RFC 4648 section 4, with padding)
 *   bool             true / false
 *   32-bit integers  JSON integer within the type's range
 *   64-bit integers  JSON integer, or a decimal string ("9007199254740991"), within
 *                    ±PBJSON_INT_MAX (2^53 - 1): money and counts come back to any JSON
 *                    client exactly, also one that reads every number as a double
 *   float, double    JSON number; "NaN", "Infinity", "-Infinity" as strings
 *   enum             the .proto value name ("COLOR_RED") or its number
 *   message          JSON object, nested at most PBJSON_MAX_DEPTH messages deep
 *   repeated         JSON array of the above (null elements are refused)
 * JSON null means absent, everywhere except inside an array.
 *
 * Errors are returned as a status code with the offending field's path set
 * through status_err() ("items[2].name", "" for the top-level value):
 *   ST_FIELD_UNKNOWN  a key the descriptor does not have
 *   ST_FIELD_TYPE     wrong JSON type, fractional number for an integer, bad
 *                     base64, unknown enum name, a second member of one oneof,
 *                     nesting deeper than PBJSON_MAX_DEPTH
 *   ST_FIELD_RANGE    integer outside the type's range (negative for unsigned; a
 *                     64-bit one beyond ±PBJSON_INT_MAX),
 *                     float overflow, enum number not in the enum
 *   ST_FIELD_REQUIRED a proto2 `required` field absent or null
 */
#define PBJSON_MAX_DEPTH 32
/* The largest integer every JSON client reads exactly: 2^53 - 1 (RFC 8259 section 6). */
#define PBJSON_INT_MAX 9007199254740991LL

/*
 * Builds a message of type d from the JSON object obj. Every allocation
 * (message, strings, arrays, nested messages) is in arena a, so the result is
 * freed with the arena and never with protobuf_c_message_free_unpacked() on
 * the system allocator. Returns 0 and sets *out only on success; on error
 * returns the status code (see above) and leaves *out untouched (what was
 * allocated stays in the arena until it is freed). obj is not modified.
 */
int pbjson_from_json(const ProtobufCMessageDescriptor *d, const json_t *obj, arena *a,
                     ProtobufCMessage **out);

/*
 * Sets the top-level scalar field `name` of msg (of type d) from its text form,
 * as URL path and query parameters arrive: integers as strict decimal
 * (nothing but an optional '-' and digits), bool as "true"/"false"/"1"/"0",
 * float/double as a decimal number, enum by name or number, bytes as base64,
 * string as given (must be valid UTF-8). A repeated field gets one element
 * appended (so "?state=a&state=b" collects both); a singular field set twice
 * keeps the last value. Allocates in a. Returns 0, or ST_FIELD_UNKNOWN,
 * ST_FIELD_TYPE (also for a message field), ST_FIELD_RANGE with `name` as the
 * field; on error msg is unchanged.
 */
int pbjson_set_from_string(const ProtobufCMessageDescriptor *d, ProtobufCMessage *msg,
                           const char *name, const char *value, arena *a);

/* A zeroed message of type d initialised by its message_init, in arena a. */
ProtobufCMessage *pbjson_new(const ProtobufCMessageDescriptor *d, arena *a);

/*
 * The JSON form of msg: only present fields (a proto2 optional without its
 * has_ flag, or a NULL string/message, is omitted), repeated fields always as
 * arrays (possibly []), only the set member of a oneof, enums by name (by
 * number when the value has no name), bytes as base64, 64-bit integers as JSON
 * integers except uint64 values above INT64_MAX, which are decimal strings.
 * A string field that is not valid UTF-8 has each bad byte replaced by U+FFFD.
 * Returns a new reference the caller releases with json_decref(); never NULL
 * (aborts when out of memory).
 */
json_t *pbjson_to_json(const ProtobufCMessage *msg);

/*
 * Compact JSON text of pbjson_to_json(msg), NUL-terminated UTF-8 (non-ASCII
 * text stays as UTF-8, not \u escapes). Stores its length (without the NUL) in
 * *len when len is not NULL. The caller frees the result with free(); never
 * NULL.
 */
char *pbjson_dump(const ProtobufCMessage *msg, size_t *len);

#endif
