/* message -> JSON, driven by descriptors (contract in pbjson.h). */
#include "pbjson.h"
#include "pbjson_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A JSON string of s; ill-formed bytes become U+FFFD rather than failing the reply. */
static json_t *pj_json_text(const char *s)
{
	size_t n = strlen(s), o = 0;
	if (pbjson_utf8_valid(s, n))
		return pbjson_must(json_stringn_nocheck(s, n));

	const unsigned char *p = (const unsigned char *)s;
	char *fixed = xmalloc(n * 3 + 1);
	for (size_t i = 0; i < n;) {
		size_t k = pbjson_utf8_seq(p + i, n - i);
		if (k) {
			memcpy(fixed + o, s + i, k);
			o += k;
			i += k;
		} else {
			memcpy(fixed + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	json_t *j = pbjson_must(json_stringn_nocheck(fixed, o));
	free(fixed);
	return j;
}

static const char pj_b64_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* malloc'd, NUL-terminated; *outlen gets its length. */
static char *pj_b64_encode(const uint8_t *p, size_t n, size_t *outlen)
{
	size_t m = (n + 2) / 3 * 4, o = 0;
	char *out = xmalloc(m + 1);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t w = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			w |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			w |= p[i + 2];
		out[o++] = pj_b64_alphabet[(w >> 18) & 63];
		out[o++] = pj_b64_alphabet[(w >> 12) & 63];
		out[o++] = i + 1 < n ? pj_b64_alphabet[(w >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? pj_b64_alphabet[w & 63] : '=';
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* ---- message -> JSON -------------------------------------------------------- */

static json_t *pj_msg_to_json(const ProtobufCMessage *msg);

static json_t *pj_real(double v)
{
	if (isnan(v))
		return pbjson_must(json_string("NaN"));
	if (isinf(v))
		return pbjson_must(json_string(v > 0 ? "Infinity" : "-Infinity"));
	return pbjson_must(json_real(v));
}

static json_t *pj_value_to_json(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return pbjson_must(json_integer(*(const int32_t *)p));
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return pbjson_must(json_integer(*(const int64_t *)p));
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return pbjson_must(json_integer(*(const uint32_t *)p));
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: {
		uint64_t u = *(const uint64_t *)p;
		char buf[24];
		if (u <= LLONG_MAX)
			return pbjson_must(json_integer((json_int_t)u));
		/* json_int_t is long long: past it the decimal string that from_json takes. */
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)u);
		return pbjson_must(json_string(buf));
	}
	case PROTOBUF_C_TYPE_FLOAT:
		return pj_real(*(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE:
		return pj_real(*(const double *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return pbjson_must(json_boolean(*(const protobuf_c_boolean *)p));
	case PROTOBUF_C_TYPE_ENUM: {
		int32_t e = *(const int32_t *)p;
		const ProtobufCEnumValue *ev =
		        protobuf_c_enum_descriptor_get_value(f->descriptor, e);
		return ev ? pbjson_must(json_string(ev->name)) : pbjson_must(json_integer(e));
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)p;
		return pj_json_text(s ? s : "");
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *bin = p;
		size_t n = 0;
		char *b64 = pj_b64_encode(bin->data, bin->len, &n);
		json_t *j = pbjson_must(json_stringn_nocheck(b64, n));
		free(b64);
		return j;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(const ProtobufCMessage *const *)p;
		return m ? pj_msg_to_json(m) : pbjson_must(json_null());
	}
	}
	return pbjson_must(json_null());
}

static json_t *pj_msg_to_json(const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	json_t *obj = pbjson_must(json_object());

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const void *member = pbjson_cmember(msg, f->offset);
		json_t *v;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)pbjson_cmember(msg, f->quantifier_offset);
			const char *arr = *(const char *const *)member;
			size_t size = pbjson_elem_size(f->type);
			v = pbjson_must(json_array());
			for (size_t k = 0; k < n; k++)
				if (json_array_append_new(v, pj_value_to_json(f, arr + k * size)))
					pbjson_oom();
		} else if (pbjson_present(f, msg)) {
			v = pj_value_to_json(f, member);
		} else {
			continue;
		}
		if (json_object_set_new_nocheck(obj, f->name, v))
			pbjson_oom();
	}
	return obj;
}

json_t *pbjson_to_json(const ProtobufCMessage *msg) { return pj_msg_to_json(msg); }

/* ---- message -> JSON text, written directly ------------------------------------ */

/* A growing text. */
struct pj_text {
	char *buf;
	size_t len, cap;
};

static void pj_put(struct pj_text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		while (t->len + n + 1 > t->cap)
			t->cap *= 2;
		t->buf = xrealloc(t->buf, t->cap);
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

/* A JSON string of n valid UTF-8 bytes, escaped as jansson's dump escapes (the quote,
 * the backslash, control characters; nothing else). */
static void pj_put_escaped(struct pj_text *t, const char *s, size_t n)
{
	size_t from = 0;
	pj_put(t, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		char esc[8];
		const char *e = esc;
		size_t elen = 2;
		switch (c) {
		case '"':
			e = "\\\"";
			break;
		case '\\':
			e = "\\\\";
			break;
		case '\b':
			e = "\\b";
			break;
		case '\f':
			e = "\\f";
			break;
		case '\n':
			e = "\\n";
			break;
		case '\r':
			e = "\\r";
			break;
		case '\t':
			e = "\\t";
			break;
		default:
			snprintf(esc, sizeof esc, "\\u%04X", (unsigned)c);
			elen = 6;
		}
		pj_put(t, s + from, i - from);
		pj_put(t, e, elen);
		from = i + 1;
	}
	pj_put(t, s + from, n - from);
	pj_put(t, "\"", 1);
}

/* Text as pj_json_text makes it: ill-formed bytes become U+FFFD. */
static void pj_put_text(struct pj_text *t, const char *s)
{
	size_t n = strlen(s);
	if (pbjson_utf8_valid(s, n)) {
		pj_put_escaped(t, s, n);
		return;
	}
	json_t *j = pj_json_text(s);
	pj_put_escaped(t, json_string_value(j), json_string_length(j));
	json_decref(j);
}

static void pj_put_int(struct pj_text *t, long long v)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%lld", v);
	pj_put(t, buf, (size_t)n);
}

/* A finite double as jansson's jsonp_dtostr writes it: %.17g, ".0" when it would read
 * back as an integer, the exponent without '+' or leading zeros. */
static void pj_put_real(struct pj_text *t, double v)
{
	if (isnan(v) || isinf(v)) {
		pj_put_escaped(t,
		               isnan(v) ? "NaN"
		               : v > 0  ? "Infinity"
		                        : "-Infinity",
		               isnan(v) ? 3
		               : v > 0  ? 8
		                        : 9);
		return;
	}
	char buf[48];
	int n = snprintf(buf, sizeof buf - 3, "%.17g", v);
	size_t len = (size_t)n;
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		memcpy(buf + len, ".0", 3);
		len += 2;
	}
	char *start = strchr(buf, 'e');
	if (start) {
		start++;
		char *end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, len - (size_t)(end - buf) + 1);
			len -= (size_t)(end - start);
		}
	}
	pj_put(t, buf, len);
}

static void pj_put_msg(struct pj_text *t, const ProtobufCMessage *msg);

static void pj_put_value(struct pj_text *t, const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		pj_put_int(t, *(const int32_t *)p);
		return;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		pj_put_int(t, *(const int64_t *)p);
		return;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		pj_put_int(t, *(const uint32_t *)p);
		return;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: {
		uint64_t u = *(const uint64_t *)p;
		char buf[24];
		if (u <= LLONG_MAX) {
			pj_put_int(t, (long long)u);
			return;
		}
		int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)u);
		pj_put_escaped(t, buf, (size_t)n);
		return;
	}
	case PROTOBUF_C_TYPE_FLOAT:
		pj_put_real(t, *(const float *)p);
		return;
	case PROTOBUF_C_TYPE_DOUBLE:
		pj_put_real(t, *(const double *)p);
		return;
	case PROTOBUF_C_TYPE_BOOL:
		if (*(const protobuf_c_boolean *)p)
			pj_put(t, "true", 4);
		else
			pj_put(t, "false", 5);
		return;
	case PROTOBUF_C_TYPE_ENUM: {
		int32_t e = *(const int32_t *)p;
		const ProtobufCEnumValue *ev =
		        protobuf_c_enum_descriptor_get_value(f->descriptor, e);
		if (ev)
			pj_put_text(t, ev->name);
		else
			pj_put_int(t, e);
		return;
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)p;
		pj_put_text(t, s ? s : "");
		return;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *bin = p;
		size_t n = 0;
		char *b64 = pj_b64_encode(bin->data, bin->len, &n);
		pj_put_escaped(t, b64, n);
		free(b64);
		return;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(const ProtobufCMessage *const *)p;
		if (m)
			pj_put_msg(t, m);
		else
			pj_put(t, "null", 4);
		return;
	}
	}
	pj_put(t, "null", 4);
}

/* The fields pj_msg_to_json emits, in the same order (descriptor order). */
static void pj_put_msg(struct pj_text *t, const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	int first = 1;
	pj_put(t, "{", 1);
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const void *member = pbjson_cmember(msg, f->offset);
		int repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
		if (!repeated && !pbjson_present(f, msg))
			continue;
		if (!first)
			pj_put(t, ",", 1);
		first = 0;
		pj_put_escaped(t, f->name, strlen(f->name));
		pj_put(t, ":", 1);
		if (!repeated) {
			pj_put_value(t, f, member);
			continue;
		}
		size_t n = *(const size_t *)pbjson_cmember(msg, f->quantifier_offset);
		const char *arr = *(const char *const *)member;
		size_t size = pbjson_elem_size(f->type);
		pj_put(t, "[", 1);
		for (size_t k = 0; k < n; k++) {
			if (k)
				pj_put(t, ",", 1);
			pj_put_value(t, f, arr + k * size);
		}
		pj_put(t, "]", 1);
	}
	pj_put(t, "}", 1);
}

/* The text json_dumps(pbjson_to_json(msg), JSON_COMPACT) makes, written directly: no
 * tree of jansson values to allocate and free (a regions reply is some 60 of them). */
char *pbjson_dump(const ProtobufCMessage *msg, size_t *len)
{
	struct pj_text t = {xmalloc(4096), 0, 4096};
	pj_put_msg(&t, msg);
	t.buf[t.len] = '\0';
	if (len)
		*len = t.len;
	return t.buf;
}
