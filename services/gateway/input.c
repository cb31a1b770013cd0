/*
 * A request into its route's input message: the JSON body, a multipart/form-data body
 * (files and fields), a raw body (GW_RAW_BODY), the query string and the path's
 * parameters (a {name+} tail URL-decoded into a bytes field). See input.h.
 */
#include "input.h"

#include "files.pb-c.h"
#include "multipart.h"
#include "pbjson.h"
#include "status.h"
#include "validate.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/*
 * A multipart/form-data body into the input message: a file part fills the
 * files.Upload field of its name, a text part the scalar field of its name.
 */
static int gw_build_multipart(const gw_input_request *x, const ProtobufCMessageDescriptor *d,
                              const char *ctype, arena *a, ProtobufCMessage **msg)
{
	if (!ctype || strncasecmp(ctype, "multipart/form-data", 19) != 0)
		return status_err(ST_MULTIPART_REQUIRED, "Content-Type");
	struct evbuffer *in = evhttp_request_get_input_buffer(x->req);
	const unsigned char *body = evbuffer_pullup(in, -1);
	gw_part parts[GW_MULTIPART_MAX_PARTS];
	size_t nparts = 0;
	if (!body || gw_multipart_parse(ctype, body, x->bytes_in, parts, &nparts) != 0)
		return status_err(ST_MULTIPART_MALFORMED, "body");
	*msg = pbjson_new(d, a);
	for (size_t i = 0; i < nparts; i++) {
		const gw_part *p = &parts[i];
		const ProtobufCFieldDescriptor *f =
		        protobuf_c_message_descriptor_get_field_by_name(d, p->name);
		if (!f)
			return status_err(ST_FIELD_UNKNOWN, p->name);
		/* One value per field: a proxy or scanner judging the first part and the
		 * service the last would see different files. */
		for (size_t j = 0; j < i && f->label != PROTOBUF_C_LABEL_REPEATED; j++)
			if (strcmp(parts[j].name, p->name) == 0)
				return status_err(ST_MULTIPART_REPEATED, p->name);
		if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
			if (f->descriptor != &files__upload__descriptor ||
			    f->label == PROTOBUF_C_LABEL_REPEATED || !p->filename[0])
				return status_err(ST_FILE_EXPECTED, p->name);
			Files__Upload *u = arena_alloc(a, sizeof *u);
			files__upload__init(u);
			u->name = arena_strdup(a, p->filename);
			u->content_type = arena_strdup(a, p->content_type);
			u->has_data = 1;
			u->data.len = p->len;
			u->data.data = arena_alloc(a, p->len ? p->len : 1);
			memcpy(u->data.data, p->data, p->len);
			*(Files__Upload **)((char *)*msg + f->offset) = u;
			continue;
		}
		if (p->filename[0])
			return status_err(ST_FILE_UNEXPECTED, p->name);
		/* The value travels as a C string: a NUL would cut it, and no text part
		 * (a kind, an id) has a use for any other control byte. */
		for (size_t k = 0; k < p->len; k++)
			if (p->data[k] < 0x20 || p->data[k] == 0x7F)
				return status_err(ST_TEXT_CONTROL_CHAR, p->name);
		char *value = arena_alloc(a, p->len + 1);
		memcpy(value, p->data, p->len);
		value[p->len] = '\0';
		int rv = pbjson_set_from_string(d, *msg, p->name, value, a);
		if (rv != ST_OK)
			return rv;
	}
	return ST_OK;
}

/* data as the bytes field name of msg (GW_RAW_BODY's body, a {name+} tail): a route
 * naming a field that is not bytes is a table error, answered 500. */
static int gw_set_bytes(const ProtobufCMessageDescriptor *d, ProtobufCMessage *msg,
                        const char *name, const void *data, size_t len, arena *a)
{
	const ProtobufCFieldDescriptor *f =
	        protobuf_c_message_descriptor_get_field_by_name(d, name);
	if (!f || f->type != PROTOBUF_C_TYPE_BYTES || f->label == PROTOBUF_C_LABEL_REPEATED)
		return status_err(ST_INTERNAL, NULL);
	ProtobufCBinaryData *b = (ProtobufCBinaryData *)((char *)msg + f->offset);
	b->data = arena_alloc(a, len ? len : 1);
	memcpy(b->data, data, len);
	b->len = len;
	if (f->quantifier_offset)
		*(protobuf_c_boolean *)((char *)msg + f->quantifier_offset) = 1;
	return ST_OK;
}

/*
 * A raw-body protocol whose meaning travels in headers too (WeChat Pay's notify signs with
 * Wechatpay-Timestamp/Nonce/Signature/Serial): each string field header_<name> of the input
 * gets the request header <name> ('_' read as '-', any case), when sent and free of control
 * characters (a value cut short by a NUL would be checked as another value).
 */
static int gw_set_headers(const gw_input_request *x, const ProtobufCMessageDescriptor *d,
                          ProtobufCMessage *msg, arena *a)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(x->req);
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_STRING || f->label == PROTOBUF_C_LABEL_REPEATED ||
		    strncmp(f->name, "header_", 7) != 0)
			continue;
		char name[64];
		snprintf(name, sizeof name, "%s", f->name + 7);
		for (char *c = name; *c; c++)
			if (*c == '_')
				*c = '-';
		const char *v = evhttp_find_header(h, name);
		if (!v)
			continue;
		for (const unsigned char *c = (const unsigned char *)v; *c; c++)
			if (*c < 0x20 || *c == 0x7F)
				return status_err(ST_TEXT_CONTROL_CHAR, name);
		*(char **)((char *)msg + f->offset) = arena_strdup(a, v);
	}
	return ST_OK;
}

/* Query and path parameters, then the JSON body, into the method's input message. */
int gw_input_build(const gw_input_request *x, const gw_match *m, arena *a, ProtobufCMessage **msg)
{
	const ProtobufCMessageDescriptor *d = x->route->md->input;
	struct evbuffer *in = evhttp_request_get_input_buffer(x->req);
	const char *ctype =
	        evhttp_find_header(evhttp_request_get_input_headers(x->req), "Content-Type");
	int rv;
	if (x->route->flags & GW_MULTIPART) {
		if ((rv = gw_build_multipart(x, d, ctype, a, msg)) != ST_OK)
			return rv;
	} else if (x->route->flags & GW_RAW_BODY) {
		*msg = pbjson_new(d, a);
		if (x->bytes_in > 0 && (rv = gw_set_bytes(d, *msg, "body", evbuffer_pullup(in, -1),
		                                          x->bytes_in, a)) != ST_OK)
			return rv;
		if ((rv = gw_set_headers(x, d, *msg, a)) != ST_OK)
			return rv;
	} else if (x->bytes_in > 0 && strcmp(x->method, "GET") != 0 &&
	           strcmp(x->method, "DELETE") != 0) {
		if (!ctype || strncasecmp(ctype, "application/json", 16) != 0)
			return status_err(ST_UNSUPPORTED_MEDIA, "Content-Type");
		json_error_t jerr;
		json_t *body = json_loadb((const char *)evbuffer_pullup(in, -1), x->bytes_in,
		                          JSON_REJECT_DUPLICATES, &jerr);
		if (!body) {
			char text[160];
			snprintf(text, sizeof text, "请求体不是合法的 JSON（第 %d 行第 %d 列）",
			         jerr.line, jerr.column);
			/* Where the parser stopped is the one dynamic part of this message. */
			return status_errmsg(ST_JSON_MALFORMED, "body", text);
		}
		if (!json_is_object(body)) {
			json_decref(body);
			return status_err(ST_JSON_NOT_OBJECT, "body");
		}
		rv = pbjson_from_json(d, body, a, msg);
		json_decref(body);
		if (rv != ST_OK)
			return rv;
	} else {
		*msg = pbjson_new(d, a);
	}
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(x->req));
	if (query && *query) {
		struct evkeyvalq q;
		if (evhttp_parse_query_str(query, &q) != 0)
			return status_err(ST_VALIDATION, "query");
		rv = ST_OK;
		for (struct evkeyval *kv = q.tqh_first; kv && rv == ST_OK; kv = kv->next.tqe_next)
			rv = pbjson_set_from_string(d, *msg, kv->key, kv->value, a);
		evhttp_clear_headers(&q);
		if (rv != ST_OK)
			return rv;
	}
	for (size_t i = 0; i < m->nparams; i++) {
		char *decoded = evhttp_uridecode(m->values[i], 0, NULL);
		rv = pbjson_set_from_string(d, *msg, m->names[i], decoded ? decoded : "", a);
		free(decoded);
		if (rv != ST_OK)
			return rv;
	}
	if (m->tail) {
		size_t n = 0;
		char *decoded = evhttp_uridecode(m->tail, 0, &n);
		rv = decoded ? gw_set_bytes(d, *msg, m->tail_name, decoded, n, a)
		             : status_err(ST_VALIDATION, "path");
		free(decoded);
		if (rv != ST_OK)
			return rv;
	}
	return ST_OK;
}
