/*
 * JSON <-> protobuf-c conversion driven by message descriptors (contract in pbjson.h):
 * the JSON -> message direction and the helpers both directions share (pbjson_internal.h);
 * message -> JSON is pbjson_encode.c.
 */
#include "pbjson.h"
#include "pbjson_internal.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

/* status.c keeps 127 bytes of a field path; the rest is only for building it. */
#define PJ_PATH_MAX 256

struct pj_ctx {
	arena *a;
	size_t len;
	char path[PJ_PATH_MAX];
};

/* ---- small helpers ------------------------------------------------------- */

_Noreturn void pbjson_oom(void)
{
	fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"out of memory\",\"where\":\"pbjson\"}\n");
	abort();
}

/* jansson returns NULL only when allocation fails once its input is known valid. */
json_t *pbjson_must(json_t *j)
{
	if (!j)
		pbjson_oom();
	return j;
}

static void *pj_member(ProtobufCMessage *msg, unsigned offset) { return (char *)msg + offset; }

const void *pbjson_cmember(const ProtobufCMessage *msg, unsigned offset)
{
	return (const char *)msg + offset;
}

static int pj_is_pointer_type(ProtobufCType t)
{
	return t == PROTOBUF_C_TYPE_STRING || t == PROTOBUF_C_TYPE_MESSAGE;
}

/* Size of one element as protobuf-c lays it out (in a struct or a repeated array). */
size_t pbjson_elem_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return sizeof(int32_t);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return sizeof(int64_t);
	case PROTOBUF_C_TYPE_FLOAT:
		return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	}
	return 0;
}

static int pj_is_integer_type(ProtobufCType t) { return t <= PROTOBUF_C_TYPE_FIXED64; }

static int pj_is_64bit_type(ProtobufCType t)
{
	return pj_is_integer_type(t) && pbjson_elem_size(t) == sizeof(int64_t);
}

/* ---- field paths ("items[2].name") ---------------------------------------- */

static void pj_path_advance(struct pj_ctx *c, int n)
{
	if (n < 0)
		return;
	c->len += (size_t)n;
	if (c->len >= sizeof c->path)
		c->len = sizeof c->path - 1;
}

/* Appends ".key" (or "key" at the top); returns the length to restore. */
static size_t pj_path_key(struct pj_ctx *c, const char *key, size_t klen)
{
	size_t saved = c->len;
	int w = (int)(klen < sizeof c->path ? klen : sizeof c->path);
	pj_path_advance(c, snprintf(c->path + c->len, sizeof c->path - c->len, "%s%.*s",
	                            c->len ? "." : "", w, key));
	return saved;
}

static size_t pj_path_index(struct pj_ctx *c, size_t i)
{
	size_t saved = c->len;
	pj_path_advance(c, snprintf(c->path + c->len, sizeof c->path - c->len, "[%zu]", i));
	return saved;
}

static void pj_path_restore(struct pj_ctx *c, size_t saved)
{
	c->len = saved;
	c->path[saved] = '\0';
}

static int pj_fail(const struct pj_ctx *c, int code) { return status_err(code, c->path); }

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s (RFC 3629), 0 when ill-formed. */
size_t pbjson_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		if (s[0] == 0xE0)
			lo = 0xA0; /* overlong */
		else if (s[0] == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		if (s[0] == 0xF0)
			lo = 0x90; /* overlong */
		else if (s[0] == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

int pbjson_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t k = pbjson_utf8_seq(p + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

/* The value of a JSON string, or NULL when it holds U+0000 (no C string can). */
static const char *pj_json_cstr(const json_t *v)
{
	const char *s = json_string_value(v);
	return strlen(s) == json_string_length(v) ? s : NULL;
}

/* ---- base64 (RFC 4648 section 4, padded) ----------------------------------- */

static int pj_b64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/*
 * Strict decoding into the arena: length a multiple of 4, '=' only as the last
 * one or two characters, no whitespace, and zero bits under the padding (so
 * every byte string has exactly one accepted spelling).
 */
static int pj_b64_decode(arena *a, const char *s, size_t n, ProtobufCBinaryData *out)
{
	size_t pad = 0, o = 0;
	uint8_t *buf = NULL;

	if (n % 4)
		return ST_FIELD_TYPE;
	if (n && s[n - 1] == '=')
		pad++;
	if (pad && s[n - 2] == '=')
		pad++;
	if (n)
		buf = arena_alloc(a, n / 4 * 3);
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		for (size_t k = 0; k < 4; k++) {
			v[k] = i + k < n - pad ? pj_b64_value((unsigned char)s[i + k]) : 0;
			if (v[k] < 0)
				return ST_FIELD_TYPE;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
		             (uint32_t)v[3];
		buf[o++] = (uint8_t)(w >> 16);
		if (i + 2 < n - pad)
			buf[o++] = (uint8_t)(w >> 8);
		if (i + 3 < n - pad)
			buf[o++] = (uint8_t)w;
	}
	if ((pad == 1 && (pj_b64_value((unsigned char)s[n - 2]) & 3)) ||
	    (pad == 2 && (pj_b64_value((unsigned char)s[n - 3]) & 15)))
		return ST_FIELD_TYPE;
	out->data = buf;
	out->len = o;
	return ST_OK;
}

/* ---- scalar stores: range-check a value and write it as the field's type ---- */

static int pj_store_signed(const ProtobufCFieldDescriptor *f, long long v, void *dst)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if (v < INT32_MIN || v > INT32_MAX)
			return ST_FIELD_RANGE;
		*(int32_t *)dst = (int32_t)v;
		return ST_OK;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if (v < -PBJSON_INT_MAX || v > PBJSON_INT_MAX)
			return ST_FIELD_RANGE;
		*(int64_t *)dst = (int64_t)v;
		return ST_OK;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if (v < 0 || v > UINT32_MAX)
			return ST_FIELD_RANGE;
		*(uint32_t *)dst = (uint32_t)v;
		return ST_OK;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (v < 0 || v > PBJSON_INT_MAX)
			return ST_FIELD_RANGE;
		*(uint64_t *)dst = (uint64_t)v;
		return ST_OK;
	default:
		return ST_FIELD_TYPE;
	}
}

static int pj_store_unsigned(const ProtobufCFieldDescriptor *f, unsigned long long v, void *dst)
{
	/* Above PBJSON_INT_MAX for every type, so nothing a double cannot hold exactly. */
	if (v <= LLONG_MAX)
		return pj_store_signed(f, (long long)v, dst);
	(void)dst;
	return ST_FIELD_RANGE;
}

/*
 * Strict decimal "-?[0-9]+" (strtoll alone would also take blanks, '+', "0x"
 * and trailing junk, and strtoull wraps "-1"). A negative value lands in *sv,
 * any other in *uv, with *neg saying which.
 */
static int pj_parse_decimal(const char *s, int *neg, long long *sv, unsigned long long *uv)
{
	const char *digits = s + (s[0] == '-');
	char *end = NULL;

	if (!*digits)
		return ST_FIELD_TYPE;
	for (const char *p = digits; *p; p++)
		if (*p < '0' || *p > '9')
			return ST_FIELD_TYPE;
	errno = 0;
	*neg = s[0] == '-';
	if (*neg)
		*sv = strtoll(s, &end, 10);
	else
		*uv = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return ST_FIELD_RANGE;
	if (errno || *end)
		return ST_FIELD_TYPE;
	return ST_OK;
}

static int pj_store_decimal(const ProtobufCFieldDescriptor *f, const char *s, void *dst)
{
	int neg = 0;
	long long sv = 0;
	unsigned long long uv = 0;
	int rc = pj_parse_decimal(s, &neg, &sv, &uv);
	if (rc)
		return rc;
	return neg ? pj_store_signed(f, sv, dst) : pj_store_unsigned(f, uv, dst);
}

static int pj_store_double(const ProtobufCFieldDescriptor *f, double v, void *dst)
{
	if (f->type == PROTOBUF_C_TYPE_FLOAT) {
		if (isfinite(v) && fabs(v) > FLT_MAX)
			return ST_FIELD_RANGE;
		*(float *)dst = (float)v;
	} else {
		*(double *)dst = v;
	}
	return ST_OK;
}

/* The spellings of non-finite numbers (as in the proto3 JSON mapping). */
static int pj_special_double(const char *s, double *out)
{
	if (strcmp(s, "NaN") == 0)
		*out = NAN;
	else if (strcmp(s, "Infinity") == 0)
		*out = INFINITY;
	else if (strcmp(s, "-Infinity") == 0)
		*out = -INFINITY;
	else
		return ST_FIELD_TYPE;
	return ST_OK;
}

/* A decimal number as JSON writes it (strtod alone also takes "inf", hex, blanks). */
static int pj_parse_double(const char *s, double *out)
{
	char *end = NULL;

	if (pj_special_double(s, out) == ST_OK)
		return ST_OK;
	if (!(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
		return ST_FIELD_TYPE;
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789.eE+-", *p))
			return ST_FIELD_TYPE;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end)
		return ST_FIELD_TYPE;
	if (errno == ERANGE && isinf(v))
		return ST_FIELD_RANGE;
	*out = v;
	return ST_OK;
}

static int pj_store_enum_number(const ProtobufCFieldDescriptor *f, long long n, void *dst)
{
	if (n < INT32_MIN || n > INT32_MAX ||
	    !protobuf_c_enum_descriptor_get_value(f->descriptor, (int)n))
		return ST_FIELD_RANGE;
	*(int32_t *)dst = (int32_t)n;
	return ST_OK;
}

static int pj_store_enum_name(const ProtobufCFieldDescriptor *f, const char *name, void *dst)
{
	const ProtobufCEnumValue *ev =
	        protobuf_c_enum_descriptor_get_value_by_name(f->descriptor, name);
	if (!ev)
		return ST_FIELD_TYPE;
	*(int32_t *)dst = ev->value;
	return ST_OK;
}

/* ---- presence --------------------------------------------------------------- */

/* Another member of f's oneof is already set. */
static int pj_oneof_taken(const ProtobufCFieldDescriptor *f, const ProtobufCMessage *msg)
{
	if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
		return 0;
	uint32_t which = *(const uint32_t *)pbjson_cmember(msg, f->quantifier_offset);
	return which != 0 && which != f->id;
}

static void pj_mark_present(const ProtobufCFieldDescriptor *f, ProtobufCMessage *msg)
{
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		*(uint32_t *)pj_member(msg, f->quantifier_offset) = f->id;
	else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && !pj_is_pointer_type(f->type))
		*(protobuf_c_boolean *)pj_member(msg, f->quantifier_offset) = 1;
}

/* proto3 fields without presence are emitted only when not zero, as packing does. */
static int pj_zeroish(const ProtobufCFieldDescriptor *f, const void *member)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)member;
		return !s || !*s;
	}
	case PROTOBUF_C_TYPE_BYTES:
		return ((const ProtobufCBinaryData *)member)->len == 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(const void *const *)member == NULL;
	default: {
		const unsigned char *p = member;
		for (size_t i = 0; i < pbjson_elem_size(f->type); i++)
			if (p[i])
				return 0;
		return 1;
	}
	}
}

/* Mirrors protobuf-c's packing rules for a non-repeated field. */
int pbjson_present(const ProtobufCFieldDescriptor *f, const ProtobufCMessage *msg)
{
	const void *member = pbjson_cmember(msg, f->offset);

	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		if (*(const uint32_t *)pbjson_cmember(msg, f->quantifier_offset) != f->id)
			return 0;
	} else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && !pj_is_pointer_type(f->type)) {
		return *(const protobuf_c_boolean *)pbjson_cmember(msg, f->quantifier_offset) != 0;
	}
	if (pj_is_pointer_type(f->type)) {
		const void *ptr = *(const void *const *)member;
		if (!ptr)
			return 0;
		if (f->label != PROTOBUF_C_LABEL_REQUIRED && ptr == f->default_value)
			return 0;
	}
	if (f->label == PROTOBUF_C_LABEL_NONE && !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
		return !pj_zeroish(f, member);
	return 1;
}

/* ---- JSON -> message -------------------------------------------------------- */

static int pj_msg_from_json(struct pj_ctx *c, const ProtobufCMessageDescriptor *d,
                            const json_t *obj, int depth, ProtobufCMessage **out);

/* One value (a singular field or one array element) into dst, laid out as f's type. */
static int pj_value_from_json(struct pj_ctx *c, const ProtobufCFieldDescriptor *f, const json_t *v,
                              int depth, void *dst)
{
	const char *s = json_is_string(v) ? pj_json_cstr(v) : NULL;
	double d = 0;
	int rc = ST_FIELD_TYPE;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		/* A JSON real ("1.5", also "1.0" and "1e3") is refused for every integer. */
		if (json_is_integer(v))
			rc = pj_store_signed(f, json_integer_value(v), dst);
		else if (s && pj_is_64bit_type(f->type))
			rc = pj_store_decimal(f, s, dst);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE:
		if (json_is_number(v))
			rc = pj_store_double(f, json_number_value(v), dst);
		else if (s && pj_special_double(s, &d) == ST_OK)
			rc = pj_store_double(f, d, dst);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		if (json_is_boolean(v)) {
			*(protobuf_c_boolean *)dst = json_is_true(v);
			rc = ST_OK;
		}
		break;
	case PROTOBUF_C_TYPE_ENUM:
		if (s)
			rc = pj_store_enum_name(f, s, dst);
		else if (json_is_integer(v))
			rc = pj_store_enum_number(f, json_integer_value(v), dst);
		break;
	case PROTOBUF_C_TYPE_STRING:
		if (s) {
			*(char **)dst = arena_strndup(c->a, s, json_string_length(v));
			rc = ST_OK;
		}
		break;
	case PROTOBUF_C_TYPE_BYTES:
		if (json_is_string(v))
			rc = pj_b64_decode(c->a, json_string_value(v), json_string_length(v), dst);
		break;
	case PROTOBUF_C_TYPE_MESSAGE:
		/* Sets the status itself, with the deepest path. */
		return pj_msg_from_json(c, f->descriptor, v, depth + 1, dst);
	}
	return rc == ST_OK ? ST_OK : pj_fail(c, rc);
}

static int pj_field_from_json(struct pj_ctx *c, const ProtobufCFieldDescriptor *f, const json_t *v,
                              int depth, ProtobufCMessage *msg)
{
	void *member = pj_member(msg, f->offset);

	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		if (!json_is_array(v))
			return pj_fail(c, ST_FIELD_TYPE);
		size_t n = json_array_size(v), size = pbjson_elem_size(f->type);
		char *arr = n ? arena_calloc(c->a, n * size) : NULL;
		for (size_t i = 0; i < n; i++) {
			size_t saved = pj_path_index(c, i);
			const json_t *e = json_array_get(v, i);
			if (json_is_null(e))
				return pj_fail(c, ST_FIELD_TYPE);
			int rc = pj_value_from_json(c, f, e, depth, arr + i * size);
			if (rc)
				return rc;
			pj_path_restore(c, saved);
		}
		*(size_t *)pj_member(msg, f->quantifier_offset) = n;
		*(void **)member = arr;
		return ST_OK;
	}
	/* Keys arrive in document order, so this names the second member given. */
	if (pj_oneof_taken(f, msg))
		return pj_fail(c, ST_FIELD_TYPE);
	int rc = pj_value_from_json(c, f, v, depth, member);
	if (rc)
		return rc;
	pj_mark_present(f, msg);
	return ST_OK;
}

static int pj_msg_from_json(struct pj_ctx *c, const ProtobufCMessageDescriptor *d,
                            const json_t *obj, int depth, ProtobufCMessage **out)
{
	if (!json_is_object(obj) || depth > PBJSON_MAX_DEPTH)
		return pj_fail(c, ST_FIELD_TYPE);

	ProtobufCMessage *msg = pbjson_new(d, c->a);
	unsigned char *seen = arena_calloc(c->a, d->n_fields);
	/* jansson's iterators take a non-const object but do not change it. */
	json_t *o = (json_t *)obj;

	for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
		const char *key = json_object_iter_key(it);
		size_t klen = json_object_iter_key_len(it);
		const json_t *v = json_object_iter_value(it);
		size_t saved = pj_path_key(c, key, klen);
		const ProtobufCFieldDescriptor *f =
		        strlen(key) == klen
		                ? protobuf_c_message_descriptor_get_field_by_name(d, key)
		                : NULL;

		if (!f)
			return pj_fail(c, ST_FIELD_UNKNOWN);
		if (!json_is_null(v)) {
			int rc = pj_field_from_json(c, f, v, depth, msg);
			if (rc)
				return rc;
			seen[f - d->fields] = 1;
		}
		pj_path_restore(c, saved);
	}
	for (unsigned i = 0; i < d->n_fields; i++) {
		if (d->fields[i].label == PROTOBUF_C_LABEL_REQUIRED && !seen[i]) {
			pj_path_key(c, d->fields[i].name, strlen(d->fields[i].name));
			return pj_fail(c, ST_FIELD_REQUIRED);
		}
	}
	*out = msg;
	return ST_OK;
}

ProtobufCMessage *pbjson_new(const ProtobufCMessageDescriptor *d, arena *a)
{
	ProtobufCMessage *msg = arena_calloc(a, d->sizeof_message);
	protobuf_c_message_init(d, msg);
	return msg;
}

int pbjson_from_json(const ProtobufCMessageDescriptor *d, const json_t *obj, arena *a,
                     ProtobufCMessage **out)
{
	struct pj_ctx c = {.a = a};
	ProtobufCMessage *msg = NULL;
	int rc = pj_msg_from_json(&c, d, obj, 1, &msg);
	if (rc == ST_OK)
		*out = msg;
	return rc;
}

/* ---- text -> one field ----------------------------------------------------- */

static int pj_value_from_string(const ProtobufCFieldDescriptor *f, const char *s, arena *a,
                                void *dst)
{
	double d = 0;
	int neg = 0;
	long long sv = 0;
	unsigned long long uv = 0;
	int rc;

	if (pj_is_integer_type(f->type))
		return pj_store_decimal(f, s, dst);
	switch (f->type) {
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE:
		rc = pj_parse_double(s, &d);
		return rc ? rc : pj_store_double(f, d, dst);
	case PROTOBUF_C_TYPE_BOOL:
		if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
			*(protobuf_c_boolean *)dst = 1;
		else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
			*(protobuf_c_boolean *)dst = 0;
		else
			return ST_FIELD_TYPE;
		return ST_OK;
	case PROTOBUF_C_TYPE_ENUM:
		if (pj_store_enum_name(f, s, dst) == ST_OK)
			return ST_OK;
		rc = pj_parse_decimal(s, &neg, &sv, &uv);
		if (rc)
			return rc;
		if (!neg)
			sv = uv > LLONG_MAX ? LLONG_MAX : (long long)uv;
		return pj_store_enum_number(f, sv, dst);
	case PROTOBUF_C_TYPE_STRING:
		if (!pbjson_utf8_valid(s, strlen(s)))
			return ST_FIELD_TYPE;
		*(char **)dst = arena_strdup(a, s);
		return ST_OK;
	case PROTOBUF_C_TYPE_BYTES:
		return pj_b64_decode(a, s, strlen(s), dst);
	default:
		return ST_FIELD_TYPE;
	}
}

int pbjson_set_from_string(const ProtobufCMessageDescriptor *d, ProtobufCMessage *msg,
                           const char *name, const char *value, arena *a)
{
	const ProtobufCFieldDescriptor *f =
	        protobuf_c_message_descriptor_get_field_by_name(d, name);
	union {
		int64_t i;
		double d;
		void *p;
		ProtobufCBinaryData bin;
	} tmp;

	if (!f)
		return status_err(ST_FIELD_UNKNOWN, name);
	if (f->type == PROTOBUF_C_TYPE_MESSAGE || pj_oneof_taken(f, msg))
		return status_err(ST_FIELD_TYPE, name);
	/* Parse aside first so that msg is unchanged on error. */
	memset(&tmp, 0, sizeof tmp);
	int rc = pj_value_from_string(f, value, a, &tmp);
	if (rc)
		return status_err(rc, name);

	size_t size = pbjson_elem_size(f->type);
	void *member = pj_member(msg, f->offset);
	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		size_t *n = pj_member(msg, f->quantifier_offset);
		char *grown = arena_alloc(a, (*n + 1) * size);
		if (*n)
			memcpy(grown, *(void **)member, *n * size);
		memcpy(grown + *n * size, &tmp, size);
		*(void **)member = grown;
		(*n)++;
	} else {
		memcpy(member, &tmp, size);
		pj_mark_present(f, msg);
	}
	return ST_OK;
}
