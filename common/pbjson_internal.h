/* What pbjson.c (JSON -> message, shared helpers) gives pbjson_encode.c (message -> JSON). */
#ifndef COMMON_PBJSON_INTERNAL_H
#define COMMON_PBJSON_INTERNAL_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* Logs and aborts: allocation failed. */
_Noreturn void pbjson_oom(void);
/* j, or pbjson_oom() when jansson could not allocate it. */
json_t *pbjson_must(json_t *j);
/* The member at offset inside msg. */
const void *pbjson_cmember(const ProtobufCMessage *msg, unsigned offset);
/* Size of one element as protobuf-c lays it out (in a struct or a repeated array). */
size_t pbjson_elem_size(ProtobufCType t);
/* Length of the well-formed UTF-8 sequence at s (RFC 3629), 0 when ill-formed. */
size_t pbjson_utf8_seq(const unsigned char *s, size_t n);
/* 1 when the n bytes at s are well-formed UTF-8. */
int pbjson_utf8_valid(const char *s, size_t n);
/* 1 when a non-repeated field would be packed (protobuf-c's presence rules). */
int pbjson_present(const ProtobufCFieldDescriptor *f, const ProtobufCMessage *msg);

#endif
