/* The OpenAPI 3 description, generated from the route table and the protobuf
 * descriptors so that it cannot drift from what the gateway accepts. */
#include "gateway.h"
#include "files.pb-c.h"
#include "routes.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *gw_openapi_text;
static size_t gw_openapi_len;

static void gw_schema_add(json_t *schemas, const ProtobufCMessageDescriptor *d);

static json_t *gw_field_schema(json_t *schemas, const ProtobufCFieldDescriptor *f)
{
	json_t *s = json_object();
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		json_object_set_new(s, "type", json_string("integer"));
		json_object_set_new(s, "format", json_string("int32"));
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		json_object_set_new(s, "type", json_string("integer"));
		json_object_set_new(s, "format", json_string("int64"));
		break;
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE:
		json_object_set_new(s, "type", json_string("number"));
		break;
	case PROTOBUF_C_TYPE_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumDescriptor *e = f->descriptor;
		json_t *vals = json_array();
		for (unsigned i = 0; i < e->n_values; i++)
			json_array_append_new(vals, json_string(e->values[i].name));
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "enum", vals);
		break;
	}
	case PROTOBUF_C_TYPE_STRING:
		json_object_set_new(s, "type", json_string("string"));
		break;
	case PROTOBUF_C_TYPE_BYTES:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "format", json_string("byte"));
		break;
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessageDescriptor *m = f->descriptor;
		gw_schema_add(schemas, m);
		char ref[256];
		snprintf(ref, sizeof ref, "#/components/schemas/%s", m->name);
		json_object_set_new(s, "$ref", json_string(ref));
		break;
	}
	}
	if (f->label != PROTOBUF_C_LABEL_REPEATED)
		return s;
	json_t *arr = json_object();
	json_object_set_new(arr, "type", json_string("array"));
	json_object_set_new(arr, "items", s);
	return arr;
}

static void gw_schema_add(json_t *schemas, const ProtobufCMessageDescriptor *d)
{
	if (json_object_get(schemas, d->name))
		return;
	json_t *props = json_object();
	json_t *schema = json_object();
	json_object_set_new(schema, "type", json_string("object"));
	json_object_set_new(schema, "additionalProperties", json_false());
	json_object_set(schemas, d->name, schema); /* before recursing: stops cycles */
	for (unsigned i = 0; i < d->n_fields; i++)
		json_object_set_new(props, d->fields[i].name,
		                    gw_field_schema(schemas, &d->fields[i]));
	json_object_set_new(schema, "properties", props);
	json_decref(schema);
}

static json_t *gw_ref(const char *name)
{
	char ref[256];
	snprintf(ref, sizeof ref, "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", ref);
}

/* A multipart form: files.Upload fields are binary parts, the rest text parts. */
static json_t *gw_multipart_body(json_t *schemas, const gw_route *r)
{
	const ProtobufCMessageDescriptor *in = r->md->input;
	json_t *props = json_object();
	for (unsigned i = 0; i < in->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &in->fields[i];
		char needle[64];
		snprintf(needle, sizeof needle, "{%s}", f->name);
		if (strstr(r->path, needle))
			continue;
		if (f->type == PROTOBUF_C_TYPE_MESSAGE &&
		    f->descriptor == &files__upload__descriptor)
			json_object_set_new(
			        props, f->name,
			        json_pack("{s:s,s:s}", "type", "string", "format", "binary"));
		else
			json_object_set_new(props, f->name, gw_field_schema(schemas, f));
	}
	return json_pack("{s:b,s:{s:{s:{s:s,s:o}}}}", "required", 1, "content",
	                 "multipart/form-data", "schema", "type", "object", "properties", props);
}

static json_t *gw_operation(json_t *schemas, const gw_route *r)
{
	const ProtobufCMessageDescriptor *in = r->md->input, *out = r->md->output;
	json_t *op = json_object();
	json_t *params = json_array();
	char opid[128];
	snprintf(opid, sizeof opid, "%s.%s", r->service, r->rpc);
	json_object_set_new(op, "operationId", json_string(opid));
	json_object_set_new(op, "summary", json_string(r->summary));
	json_object_set_new(op, "tags", json_pack("[s]", r->service));
	gw_schema_add(schemas, in);
	gw_schema_add(schemas, out);
	int has_body = strcmp(r->method, "GET") != 0 && strcmp(r->method, "DELETE") != 0;
	for (unsigned i = 0; i < in->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &in->fields[i];
		char needle[64];
		snprintf(needle, sizeof needle, "{%s}", f->name);
		int in_path = strstr(r->path, needle) != NULL;
		snprintf(needle, sizeof needle, "{%s+}", f->name);
		in_path = in_path || strstr(r->path, needle) != NULL;
		if ((r->flags & GW_RAW_BODY) && strcmp(f->name, "body") == 0)
			continue;
		if (!in_path && (has_body || f->type == PROTOBUF_C_TYPE_MESSAGE))
			continue;
		json_array_append_new(params,
		                      json_pack("{s:s,s:s,s:b,s:o}", "name", f->name, "in",
		                                in_path ? "path" : "query", "required", in_path,
		                                "schema", gw_field_schema(schemas, f)));
	}
	json_object_set_new(op, "parameters", params);
	if (r->flags & GW_MULTIPART)
		json_object_set_new(op, "requestBody", gw_multipart_body(schemas, r));
	else if (r->flags & GW_RAW_BODY)
		json_object_set_new(op, "requestBody",
		                    json_pack("{s:b,s:{s:{s:{s:s,s:s}}}}", "required", 1, "content",
		                              "*/*", "schema", "type", "string", "format",
		                              "binary"));
	else if (has_body)
		json_object_set_new(op, "requestBody",
		                    json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content",
		                              "application/json", "schema", gw_ref(in->name)));
	json_t *responses = json_object();
	if (r->flags & GW_FILE_REPLY)
		json_object_set_new(
		        responses, "200",
		        json_pack(
		                "{s:s,s:{s:{s:{s:s,s:s}}}}", "description",
		                "文件内容（Content-Type 与 Content-Disposition 说明类型和文件名）",
		                "content", "*/*", "schema", "type", "string", "format", "binary"));
	else
		json_object_set_new(responses, r->created ? "201" : "200",
		                    json_pack("{s:s,s:{s:{s:o}}}", "description", "成功", "content",
		                              "application/json", "schema", gw_ref(out->name)));
	if (r->flags & GW_ETAG)
		json_object_set_new(
		        responses, "304",
		        json_pack("{s:s}", "description",
		                  "未修改（If-None-Match 与当前 ETag 相同），无响应体"));
	json_object_set_new(responses, "default",
	                    json_pack("{s:s,s:{s:{s:o}}}", "description", "错误", "content",
	                              "application/json", "schema", gw_ref("Error")));
	json_object_set_new(op, "responses", responses);
	return op;
}

static void gw_openapi_build(void)
{
	const gw_route *r;
	json_t *paths = json_object();
	json_t *schemas = json_object();
	json_object_set_new(schemas, "Error",
	                    json_pack("{s:s,s:{s:{s:s,s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s}}}}}",
	                              "type", "object", "properties", "error", "type", "object",
	                              "properties", "code", "type", "string", "message", "type",
	                              "string", "field", "type", "string", "request_id", "type",
	                              "string"));
	for (size_t i = 0; (r = gw_route_at(i)); i++) {
		json_t *item = json_object_get(paths, r->path);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, r->path, item);
		}
		char method[8];
		size_t k = 0;
		for (; r->method[k] && k < sizeof method - 1; k++)
			method[k] = (char)(r->method[k] | 0x20);
		method[k] = '\0';
		json_object_set_new(item, method, gw_operation(schemas, r));
	}
	json_t *doc = json_pack(
	        "{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:o,s:{s:o}}", "openapi", "3.0.3", "info", "title",
	        "中小企业金融服务平台 API", "version", "1", "description",
	        "错误响应统一为 {\"error\":{\"code\",\"message\",\"field\",\"request_id\"}}；"
	        "金额单位为分（*_fen），利率单位为基点（*_bp）。",
	        "servers", "url", "/", "paths", paths, "components", "schemas", schemas);
	gw_openapi_text = json_dumps(doc, JSON_COMPACT);
	gw_openapi_len = strlen(gw_openapi_text);
	json_decref(doc);
}

void gw_openapi_reply(struct evhttp_request *req)
{
	if (!gw_openapi_text)
		gw_openapi_build();
	struct evbuffer *out = evbuffer_new();
	evbuffer_add(out, gw_openapi_text, gw_openapi_len);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "application/json; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

void gw_openapi_free(void)
{
	free(gw_openapi_text);
	gw_openapi_text = NULL;
}
