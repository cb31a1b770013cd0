/* Unit tests for pbjson: JSON <-> protobuf over tests/proto/pbjson_test.proto. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"
#include "pbjson.h"
#include "pbjson_test.pb-c.h"
#include "status.h"

#define ALL (&pbtest__all_types__descriptor)

static int setup_arena(void **state)
{
	*state = arena_new();
	return 0;
}

static int teardown_arena(void **state)
{
	arena_free(*state);
	return 0;
}

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		fail_msg("bad test JSON at %d:%d: %s", err.line, err.column, err.text);
	return j;
}

/* Parses text into an AllTypes; returns the status and the message through *out. */
static int parse(const ProtobufCMessageDescriptor *d, const char *text, arena *a,
                 ProtobufCMessage **out)
{
	json_t *j = load(text);
	status_clear();
	int rc = pbjson_from_json(d, j, a, out);
	json_decref(j);
	return rc;
}

static Pbtest__AllTypes *parse_ok(const char *text, arena *a)
{
	ProtobufCMessage *m = NULL;
	assert_int_equal(parse(ALL, text, a, &m), ST_OK);
	assert_non_null(m);
	return (Pbtest__AllTypes *)m;
}

static void expect_error(const char *text, int code, const char *field, arena *a)
{
	ProtobufCMessage *m = (ProtobufCMessage *)0x1;
	assert_int_equal(parse(ALL, text, a, &m), code);
	assert_string_equal(status_field(), field);
	assert_ptr_equal(m, (ProtobufCMessage *)0x1); /* out untouched on error */
}

/* JSON -> pb -> wire -> pb (decoded into the arena) -> JSON. */
static json_t *through_wire(const char *text, arena *a)
{
	ProtobufCMessage *m = (ProtobufCMessage *)parse_ok(text, a);
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = arena_alloc(a, n);
	assert_int_equal(protobuf_c_message_pack(m, buf), n);
	ProtobufCAllocator al = arena_pb_allocator(a);
	ProtobufCMessage *back = protobuf_c_message_unpack(ALL, &al, n, buf);
	assert_non_null(back);
	return pbjson_to_json(back);
}

static void assert_json_equals_text(json_t *got, const char *want_text)
{
	json_t *want = load(want_text);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
		char *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
		print_error("got  %s\nwant %s\n", g, w);
		free(g);
		free(w);
		json_decref(want);
		fail();
	}
	json_decref(want);
}

static void test_round_trip_of_every_type_through_the_wire_equals_input(void **state)
{
	const char *in = "{\"text\":\"hello\",\"data\":\"AAEC/w==\",\"flag\":true,"
	                 "\"i32\":-2147483648,\"si32\":-5,\"sf32\":2147483647,"
	                 "\"u32\":4294967295,\"f32\":9,"
	                 "\"i64\":-9007199254740991,\"si64\":-3,\"sf64\":11,"
	                 "\"u64\":9007199254740991,\"f64\":12,"
	                 "\"fl\":1.5,\"db\":-2.25,\"color\":\"COLOR_GREEN\","
	                 "\"inner\":{\"name\":\"n\",\"value\":3,\"child\":{\"name\":\"c\"}},"
	                 "\"ri32\":[1,-2,3],\"ri64\":[-9007199254740991,0],\"ru64\":[0,1],"
	                 "\"rdb\":[0.5,1e-300],\"rflag\":[true,false],"
	                 "\"colors\":[\"COLOR_RED\",\"COLOR_BLUE\"],"
	                 "\"rtext\":[\"a\",\"\",\"中文\"],\"rdata\":[\"\",\"Zm8=\",\"Zm9v\"],"
	                 "\"items\":[{\"name\":\"x\"},{\"value\":0},{}],"
	                 "\"choice_num\":42}";
	json_t *out = through_wire(in, *state);
	assert_json_equals_text(out, in);
	json_decref(out);
}

static void test_round_trip_of_oneof_message_member_equals_input(void **state)
{
	const char *in = "{\"choice_inner\":{\"name\":\"选项\"},\"ri32\":[],\"ri64\":[],"
	                 "\"ru64\":[],\"rdb\":[],\"rflag\":[],\"colors\":[],\"rtext\":[],"
	                 "\"rdata\":[],\"items\":[]}";
	json_t *out = through_wire(in, *state);
	assert_json_equals_text(out, in);
	json_decref(out);
}

static void test_parsed_values_land_in_the_right_fields_with_has_flags(void **state)
{
	Pbtest__AllTypes *m = parse_ok(
	        "{\"i32\":-7,\"u64\":\"9007199254740991\",\"color\":2,\"data\":\"Zm9v\","
	        "\"choice_text\":\"t\",\"rtext\":[\"a\",\"b\"],\"items\":[{\"name\":\"x\"}]}",
	        *state);
	assert_true(m->has_i32);
	assert_int_equal(m->i32, -7);
	assert_true(m->has_u64);
	assert_true(m->u64 == UINT64_C(9007199254740991));
	assert_true(m->has_color);
	assert_int_equal(m->color, PBTEST__COLOR__COLOR_GREEN);
	assert_true(m->has_data);
	assert_int_equal(m->data.len, 3);
	assert_memory_equal(m->data.data, "foo", 3);
	assert_int_equal(m->choice_case, PBTEST__ALL_TYPES__CHOICE_CHOICE_TEXT);
	assert_string_equal(m->choice_text, "t");
	assert_int_equal(m->n_rtext, 2);
	assert_string_equal(m->rtext[1], "b");
	assert_int_equal(m->n_items, 1);
	assert_string_equal(m->items[0]->name, "x");
	assert_false(m->has_i64);
	assert_null(m->text);
	assert_null(m->inner);
}

static void test_unknown_top_level_field_is_named(void **state)
{
	expect_error("{\"text\":\"a\",\"nickname\":\"b\"}", ST_FIELD_UNKNOWN, "nickname", *state);
}

static void test_unknown_field_in_nested_message_is_named_with_its_path(void **state)
{
	expect_error("{\"inner\":{\"child\":{\"nickname\":1}}}", ST_FIELD_UNKNOWN,
	             "inner.child.nickname", *state);
}

static void test_unknown_field_in_array_element_is_named_with_its_index(void **state)
{
	expect_error("{\"items\":[{\"name\":\"a\"},{},{\"name\":\"c\",\"nickname\":\"d\"}]}",
	             ST_FIELD_UNKNOWN, "items[2].nickname", *state);
}

static void test_string_where_number_expected_is_wrong_type(void **state)
{
	expect_error("{\"i32\":\"12\"}", ST_FIELD_TYPE, "i32", *state);
	expect_error("{\"u32\":\"12\"}", ST_FIELD_TYPE, "u32", *state);
	expect_error("{\"db\":\"1.5\"}", ST_FIELD_TYPE, "db", *state);
	expect_error("{\"i64\":\"12a\"}", ST_FIELD_TYPE, "i64", *state);
	expect_error("{\"i64\":\" 12\"}", ST_FIELD_TYPE, "i64", *state);
	expect_error("{\"i64\":true}", ST_FIELD_TYPE, "i64", *state);
}

static void test_number_bool_or_array_where_string_expected_is_wrong_type(void **state)
{
	expect_error("{\"text\":12}", ST_FIELD_TYPE, "text", *state);
	expect_error("{\"text\":false}", ST_FIELD_TYPE, "text", *state);
	expect_error("{\"text\":[\"a\"]}", ST_FIELD_TYPE, "text", *state);
	expect_error("{\"flag\":1}", ST_FIELD_TYPE, "flag", *state);
	expect_error("{\"flag\":\"true\"}", ST_FIELD_TYPE, "flag", *state);
}

static void test_non_object_for_message_is_wrong_type(void **state)
{
	expect_error("{\"inner\":\"x\"}", ST_FIELD_TYPE, "inner", *state);
	expect_error("{\"inner\":[]}", ST_FIELD_TYPE, "inner", *state);
	expect_error("{\"items\":[{},3]}", ST_FIELD_TYPE, "items[1]", *state);
}

static void test_non_object_top_level_is_wrong_type_without_field(void **state)
{
	ProtobufCMessage *m = NULL;
	json_t *j = json_integer(1);
	assert_int_equal(pbjson_from_json(ALL, j, *state, &m), ST_FIELD_TYPE);
	assert_string_equal(status_field(), "");
	assert_null(m);
	json_decref(j);
}

static void test_non_array_for_repeated_is_wrong_type(void **state)
{
	expect_error("{\"ri32\":1}", ST_FIELD_TYPE, "ri32", *state);
	expect_error("{\"items\":{}}", ST_FIELD_TYPE, "items", *state);
}

static void test_null_inside_an_array_is_wrong_type(void **state)
{
	expect_error("{\"rtext\":[\"a\",null]}", ST_FIELD_TYPE, "rtext[1]", *state);
}

static void test_wrong_type_inside_an_array_is_named_with_its_index(void **state)
{
	expect_error("{\"ri32\":[1,2,\"3\"]}", ST_FIELD_TYPE, "ri32[2]", *state);
	expect_error("{\"items\":[{\"value\":\"x\"}]}", ST_FIELD_TYPE, "items[0].value", *state);
}

static void test_int32_overflow_2147483648_is_out_of_range(void **state)
{
	expect_error("{\"i32\":2147483648}", ST_FIELD_RANGE, "i32", *state);
	expect_error("{\"sf32\":2147483648}", ST_FIELD_RANGE, "sf32", *state);
}

static void test_int32_underflow_minus_2147483649_is_out_of_range(void **state)
{
	expect_error("{\"i32\":-2147483649}", ST_FIELD_RANGE, "i32", *state);
	expect_error("{\"si32\":-2147483649}", ST_FIELD_RANGE, "si32", *state);
}

static void test_uint32_minus_1_is_out_of_range(void **state)
{
	expect_error("{\"u32\":-1}", ST_FIELD_RANGE, "u32", *state);
	expect_error("{\"u32\":4294967296}", ST_FIELD_RANGE, "u32", *state);
}

static void test_uint64_negative_is_out_of_range_as_number_and_string(void **state)
{
	expect_error("{\"u64\":-1}", ST_FIELD_RANGE, "u64", *state);
	expect_error("{\"u64\":\"-1\"}", ST_FIELD_RANGE, "u64", *state);
	expect_error("{\"u64\":\"18446744073709551616\"}", ST_FIELD_RANGE, "u64", *state);
	expect_error("{\"i64\":\"9223372036854775808\"}", ST_FIELD_RANGE, "i64", *state);
}

/* Rule: no 64-bit integer beyond ±(2^53 - 1), so every JSON client (doubles included)
 * reads money and counts back exactly; a number or a string past it is a 400. */
static void test_int64_is_bounded_by_2_pow_53_minus_1(void **state)
{
	Pbtest__AllTypes *m =
	        parse_ok("{\"i64\":\"9007199254740991\",\"si64\":-9007199254740991}", *state);
	assert_true(m->has_i64);
	assert_true(m->i64 == INT64_C(9007199254740991));
	assert_true(m->si64 == -INT64_C(9007199254740991));
	json_t *j = pbjson_to_json(&m->base);
	assert_true(json_integer_value(json_object_get(j, "i64")) == INT64_C(9007199254740991));
	json_decref(j);
	expect_error("{\"i64\":9007199254740992}", ST_FIELD_RANGE, "i64", *state);
	expect_error("{\"i64\":\"9007199254740993\"}", ST_FIELD_RANGE, "i64", *state);
	expect_error("{\"si64\":-9007199254740992}", ST_FIELD_RANGE, "si64", *state);
	expect_error("{\"i64\":9223372036854775807}", ST_FIELD_RANGE, "i64", *state);
	expect_error("{\"u64\":9007199254740992}", ST_FIELD_RANGE, "u64", *state);
	expect_error("{\"sf64\":\"-9223372036854775808\"}", ST_FIELD_RANGE, "sf64", *state);
	expect_error("{\"ri64\":[0,9007199254740992]}", ST_FIELD_RANGE, "ri64[1]", *state);
}

static void test_uint64_above_int64_max_is_emitted_as_decimal_string(void **state)
{
	Pbtest__AllTypes *m = parse_ok("{\"u64\":1}", *state);
	m->u64 = UINT64_MAX; /* a value a service may hold, though no JSON client may send it */
	json_t *j = pbjson_to_json(&m->base);
	assert_string_equal(json_string_value(json_object_get(j, "u64")), "18446744073709551615");
	json_decref(j);
}

static void test_fractional_number_into_integer_is_wrong_type(void **state)
{
	expect_error("{\"i32\":1.5}", ST_FIELD_TYPE, "i32", *state);
	expect_error("{\"i64\":2.0}", ST_FIELD_TYPE, "i64", *state);
	expect_error("{\"u32\":1e3}", ST_FIELD_TYPE, "u32", *state);
	expect_error("{\"color\":1.5}", ST_FIELD_TYPE, "color", *state);
}

static void test_bad_base64_is_wrong_type(void **state)
{
	expect_error("{\"data\":\"Zm9\"}", ST_FIELD_TYPE, "data", *state);      /* length */
	expect_error("{\"data\":\"Zm9v!A==\"}", ST_FIELD_TYPE, "data", *state); /* alphabet */
	expect_error("{\"data\":\"Zg=v\"}", ST_FIELD_TYPE, "data", *state);     /* '=' inside */
	expect_error("{\"data\":\"Zh==\"}", ST_FIELD_TYPE, "data", *state);     /* stray bits */
	expect_error("{\"data\":\"Zm9v\\n\"}", ST_FIELD_TYPE, "data", *state);  /* whitespace */
	expect_error("{\"rdata\":[\"Zm9v\",\"Zm9v_w==\"]}", ST_FIELD_TYPE, "rdata[1]", *state);
	expect_error("{\"data\":7}", ST_FIELD_TYPE, "data", *state);
}

static void test_unknown_enum_name_is_wrong_type(void **state)
{
	expect_error("{\"color\":\"PURPLE\"}", ST_FIELD_TYPE, "color", *state);
	expect_error("{\"colors\":[\"COLOR_RED\",\"red\"]}", ST_FIELD_TYPE, "colors[1]", *state);
}

static void test_enum_number_not_in_enum_is_out_of_range(void **state)
{
	expect_error("{\"color\":9}", ST_FIELD_RANGE, "color", *state);
	Pbtest__AllTypes *m = parse_ok("{\"color\":3}", *state);
	assert_int_equal(m->color, PBTEST__COLOR__COLOR_BLUE);
}

static void test_null_means_absent(void **state)
{
	Pbtest__AllTypes *m = parse_ok("{\"text\":null,\"i32\":null,\"inner\":null,\"ri32\":null,"
	                               "\"choice_text\":null,\"choice_num\":5,\"data\":null}",
	                               *state);
	assert_null(m->text);
	assert_false(m->has_i32);
	assert_null(m->inner);
	assert_int_equal(m->n_ri32, 0);
	assert_false(m->has_data);
	assert_int_equal(m->choice_case, PBTEST__ALL_TYPES__CHOICE_CHOICE_NUM);
	json_t *j = pbjson_to_json(&m->base);
	assert_null(json_object_get(j, "text"));
	assert_null(json_object_get(j, "i32"));
	assert_null(json_object_get(j, "inner"));
	assert_null(json_object_get(j, "choice_text"));
	json_decref(j);
}

static void test_to_json_omits_absent_and_emits_empty_repeated_as_arrays(void **state)
{
	ProtobufCMessage *m = pbjson_new(ALL, *state);
	size_t len = 0;
	char *text = pbjson_dump(m, &len);
	assert_string_equal(text, "{\"ri32\":[],\"ri64\":[],\"ru64\":[],\"rdb\":[],\"rflag\":[],"
	                          "\"colors\":[],\"rtext\":[],\"rdata\":[],\"items\":[]}");
	assert_int_equal(len, strlen(text));
	free(text);
}

static void test_zero_values_that_are_present_are_emitted(void **state)
{
	Pbtest__AllTypes *m =
	        parse_ok("{\"i32\":0,\"flag\":false,\"text\":\"\",\"data\":\"\"}", *state);
	json_t *j = pbjson_to_json(&m->base);
	assert_int_equal(json_integer_value(json_object_get(j, "i32")), 0);
	assert_true(json_is_false(json_object_get(j, "flag")));
	assert_string_equal(json_string_value(json_object_get(j, "text")), "");
	assert_string_equal(json_string_value(json_object_get(j, "data")), "");
	json_decref(j);
}

static void test_chinese_strings_survive_unchanged_as_utf8(void **state)
{
	const char *in = "{\"text\":\"深圳市某某科技有限公司\",\"rtext\":[\"待报价\",\"已放款\"],"
	                 "\"items\":[{\"name\":\"张三\"}]}";
	Pbtest__AllTypes *m = parse_ok(in, *state);
	assert_string_equal(m->text, "深圳市某某科技有限公司");
	char *text = pbjson_dump(&m->base, NULL);
	assert_non_null(strstr(text, "\"text\":\"深圳市某某科技有限公司\""));
	assert_non_null(strstr(text, "[\"待报价\",\"已放款\"]"));
	assert_non_null(strstr(text, "\"name\":\"张三\""));
	assert_null(strstr(text, "\\u"));
	free(text);
}

/* jansson refuses \u0000 unless parsed with JSON_ALLOW_NUL; a built value can hold it. */
static void test_string_with_nul_character_is_wrong_type(void **state)
{
	ProtobufCMessage *m = NULL;
	json_t *j = json_object();
	json_object_set_new(j, "i64", json_stringn("1\0002", 3));
	assert_int_equal(pbjson_from_json(ALL, j, *state, &m), ST_FIELD_TYPE);
	assert_string_equal(status_field(), "i64");
	json_object_del(j, "i64");
	json_object_set_new(j, "text", json_stringn("a\000b", 3));
	assert_int_equal(pbjson_from_json(ALL, j, *state, &m), ST_FIELD_TYPE);
	assert_string_equal(status_field(), "text");
	json_object_clear(j);
	json_object_setn_new(j, "text\0x", 6, json_string("a"));
	assert_int_equal(pbjson_from_json(ALL, j, *state, &m), ST_FIELD_UNKNOWN);
	assert_null(m);
	json_decref(j);
}

static void test_invalid_utf8_in_message_becomes_replacement_character(void **state)
{
	Pbtest__AllTypes *m = (Pbtest__AllTypes *)pbjson_new(ALL, *state);
	m->text = arena_strdup(*state, "a\377b\344\270");
	json_t *j = pbjson_to_json(&m->base);
	assert_string_equal(json_string_value(json_object_get(j, "text")),
	                    "a\357\277\275b\357\277\275\357\277\275");
	json_decref(j);
}

static void test_two_oneof_members_are_refused_naming_the_second(void **state)
{
	expect_error("{\"choice_text\":\"a\",\"choice_num\":1}", ST_FIELD_TYPE, "choice_num",
	             *state);
	expect_error("{\"choice_inner\":{},\"choice_text\":\"a\"}", ST_FIELD_TYPE, "choice_text",
	             *state);
}

static void test_oneof_emits_only_the_set_member(void **state)
{
	Pbtest__AllTypes *m = parse_ok("{\"choice_num\":7}", *state);
	json_t *j = pbjson_to_json(&m->base);
	assert_int_equal(json_integer_value(json_object_get(j, "choice_num")), 7);
	assert_null(json_object_get(j, "choice_text"));
	assert_null(json_object_get(j, "choice_inner"));
	json_decref(j);
}

/* {"inner": {"child": ... k times ... {}}} : AllTypes + inner + k children. */
static char *nested_json(int children)
{
	size_t cap = 32 + (size_t)children * 12;
	char *s = xmalloc(cap);
	size_t o = 0;
	memcpy(s + o, "{\"inner\":", 9);
	o += 9;
	for (int i = 0; i < children; i++) {
		memcpy(s + o, "{\"child\":", 9);
		o += 9;
	}
	memcpy(s + o, "{}", 2);
	o += 2;
	for (int i = 0; i <= children; i++)
		s[o++] = '}';
	s[o] = '\0';
	return s;
}

static void test_nesting_of_32_messages_is_accepted_and_33_refused(void **state)
{
	ProtobufCMessage *m = NULL;
	char *ok = nested_json(PBJSON_MAX_DEPTH - 2);
	char *deep = nested_json(PBJSON_MAX_DEPTH - 1);
	assert_int_equal(parse(ALL, ok, *state, &m), ST_OK);
	assert_int_equal(parse(ALL, deep, *state, &m), ST_FIELD_TYPE);
	assert_non_null(strstr(status_field(), "inner.child.child"));
	free(ok);
	free(deep);
}

static void test_required_field_absent_is_field_required(void **state)
{
	ProtobufCMessage *m = NULL;
	assert_int_equal(parse(&pbtest__strict__descriptor, "{\"note\":\"x\"}", *state, &m),
	                 ST_FIELD_REQUIRED);
	assert_string_equal(status_field(), "id");
	assert_int_equal(parse(&pbtest__strict__descriptor, "{\"id\":null}", *state, &m),
	                 ST_FIELD_REQUIRED);
	assert_int_equal(parse(&pbtest__strict__descriptor, "{\"id\":0}", *state, &m), ST_OK);
	assert_int_equal(((Pbtest__Strict *)m)->id, 0);
}

static void test_non_finite_floats_use_proto3_spellings(void **state)
{
	Pbtest__AllTypes *m =
	        parse_ok("{\"db\":\"NaN\",\"fl\":\"-Infinity\",\"rdb\":[\"Infinity\"]}", *state);
	json_t *j = pbjson_to_json(&m->base);
	assert_string_equal(json_string_value(json_object_get(j, "db")), "NaN");
	assert_string_equal(json_string_value(json_object_get(j, "fl")), "-Infinity");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "rdb"), 0)),
	                    "Infinity");
	json_decref(j);
	expect_error("{\"fl\":1e39}", ST_FIELD_RANGE, "fl", *state);
}

/* pbjson_dump writes its text directly; jansson's compact dump of pbjson_to_json is the
 * reference it must equal byte for byte (ETags are digests of that text). */
static void assert_dump_equals_jansson(const ProtobufCMessage *m)
{
	size_t len = 0;
	char *text = pbjson_dump(m, &len);
	json_t *j = pbjson_to_json(m);
	char *want = json_dumps(j, JSON_COMPACT);
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	free(want);
	json_decref(j);
	free(text);
}

static void test_dump_equals_janssons_dump_for_every_type(void **state)
{
	Pbtest__AllTypes *m = parse_ok(
	        "{\"text\":\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\\u001f 中文 \\ud83d\\ude00\","
	        "\"data\":\"AAEC/w==\",\"flag\":true,\"i32\":-2147483648,\"si32\":-7,"
	        "\"sf32\":2147483647,\"u32\":4294967295,\"f32\":1,\"i64\":-9007199254740991,"
	        "\"si64\":9007199254740991,\"sf64\":-1,\"u64\":\"9007199254740991\","
	        "\"f64\":42,\"fl\":1.5,\"db\":0.1,\"color\":\"COLOR_GREEN\","
	        "\"inner\":{\"name\":\"\",\"value\":0,\"child\":{\"child\":{}}},"
	        "\"ri32\":[1,-1,0],\"ri64\":[5],\"ru64\":[0,7],"
	        "\"rdb\":[1e300,-2.5e-7,3,123456789012345678,\"NaN\",\"-Infinity\"],"
	        "\"rflag\":[false,true],\"colors\":[\"COLOR_RED\",3],\"rtext\":[\"\",\"x\"],"
	        "\"rdata\":[\"\",\"/w==\"],\"items\":[{},{\"name\":\"张三\",\"value\":-3}],"
	        "\"choice_inner\":{\"name\":\"c\"}}",
	        *state);
	assert_dump_equals_jansson(&m->base);
	m->color = 99; /* not a value of the enum: its number */
	m->fl = 0.3f;
	m->u64 = UINT64_MAX; /* past json_int_t: a decimal string */
	m->ru64[1] = UINT64_C(9223372036854775808);
	m->db = 1e-320;
	m->text = arena_strdup(*state, "a\377b\344\270\"");
	assert_dump_equals_jansson(&m->base);
	assert_dump_equals_jansson(pbjson_new(ALL, *state));
}

static void test_set_from_string_parses_int(void **state)
{
	Pbtest__AllTypes *m = (Pbtest__AllTypes *)pbjson_new(ALL, *state);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "i32", "-43", *state), ST_OK);
	assert_true(m->has_i32);
	assert_int_equal(m->i32, -43);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "u64", "9007199254740991", *state),
	                 ST_OK);
	assert_true(m->u64 == UINT64_C(9007199254740991));
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "u64", "9007199254740992", *state),
	                 ST_FIELD_RANGE);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "db", "2.5e1", *state), ST_OK);
	assert_true(m->has_db && m->db == 25.0);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "color", "COLOR_RED", *state),
	                 ST_OK);
	assert_int_equal(m->color, PBTEST__COLOR__COLOR_RED);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "text", "上海", *state), ST_OK);
	assert_string_equal(m->text, "上海");
}

static void test_set_from_string_parses_bool(void **state)
{
	Pbtest__AllTypes *m = (Pbtest__AllTypes *)pbjson_new(ALL, *state);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "flag", "true", *state), ST_OK);
	assert_true(m->has_flag && m->flag);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "flag", "0", *state), ST_OK);
	assert_false(m->flag);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "flag", "1", *state), ST_OK);
	assert_true(m->flag);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "flag", "yes", *state),
	                 ST_FIELD_TYPE);
	assert_string_equal(status_field(), "flag");
	assert_true(m->flag);
}

static void test_set_from_string_bad_int_12a_is_wrong_type(void **state)
{
	Pbtest__AllTypes *m = (Pbtest__AllTypes *)pbjson_new(ALL, *state);
	static const char *const bad[] = {"12a", "", " 12", "+12", "0x1f", "12 ", "-", "1.0"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		status_clear();
		assert_int_equal(pbjson_set_from_string(ALL, &m->base, "i32", bad[i], *state),
		                 ST_FIELD_TYPE);
		assert_string_equal(status_field(), "i32");
	}
	assert_false(m->has_i32);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "i32", "2147483648", *state),
	                 ST_FIELD_RANGE);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "u32", "-1", *state),
	                 ST_FIELD_RANGE);
	assert_int_equal(
	        pbjson_set_from_string(ALL, &m->base, "i64", "99999999999999999999", *state),
	        ST_FIELD_RANGE);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "db", "1e999", *state),
	                 ST_FIELD_RANGE);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "db", "inf", *state), ST_FIELD_TYPE);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "text", "\xff", *state),
	                 ST_FIELD_TYPE);
}

static void test_set_from_string_appends_to_repeated(void **state)
{
	Pbtest__AllTypes *m = (Pbtest__AllTypes *)pbjson_new(ALL, *state);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "colors", "COLOR_RED", *state),
	                 ST_OK);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "colors", "3", *state), ST_OK);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "colors", "PURPLE", *state),
	                 ST_FIELD_TYPE);
	assert_int_equal(m->n_colors, 2);
	assert_int_equal(m->colors[0], PBTEST__COLOR__COLOR_RED);
	assert_int_equal(m->colors[1], PBTEST__COLOR__COLOR_BLUE);
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		        pbjson_set_from_string(ALL, &m->base, "rtext", i ? "b" : "a", *state),
		        ST_OK);
	assert_int_equal(m->n_rtext, 3);
	assert_string_equal(m->rtext[0], "a");
	assert_string_equal(m->rtext[2], "b");
	char *text = pbjson_dump(&m->base, NULL);
	assert_non_null(strstr(text, "\"colors\":[\"COLOR_RED\",\"COLOR_BLUE\"]"));
	assert_non_null(strstr(text, "\"rtext\":[\"a\",\"b\",\"b\"]"));
	free(text);
}

static void test_set_from_string_unknown_field_is_named(void **state)
{
	ProtobufCMessage *m = pbjson_new(ALL, *state);
	assert_int_equal(pbjson_set_from_string(ALL, m, "nickname", "x", *state), ST_FIELD_UNKNOWN);
	assert_string_equal(status_field(), "nickname");
}

static void test_set_from_string_refuses_messages_and_a_second_oneof_member(void **state)
{
	Pbtest__AllTypes *m = (Pbtest__AllTypes *)pbjson_new(ALL, *state);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "inner", "x", *state),
	                 ST_FIELD_TYPE);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "choice_num", "5", *state), ST_OK);
	assert_int_equal(m->choice_case, PBTEST__ALL_TYPES__CHOICE_CHOICE_NUM);
	assert_int_equal(pbjson_set_from_string(ALL, &m->base, "choice_text", "a", *state),
	                 ST_FIELD_TYPE);
	assert_string_equal(status_field(), "choice_text");
	assert_int_equal(m->choice_num, 5);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_arena, teardown_arena)
	const struct CMUnitTest tests[] = {
	        T(test_round_trip_of_every_type_through_the_wire_equals_input),
	        T(test_round_trip_of_oneof_message_member_equals_input),
	        T(test_parsed_values_land_in_the_right_fields_with_has_flags),
	        T(test_unknown_top_level_field_is_named),
	        T(test_unknown_field_in_nested_message_is_named_with_its_path),
	        T(test_unknown_field_in_array_element_is_named_with_its_index),
	        T(test_string_where_number_expected_is_wrong_type),
	        T(test_number_bool_or_array_where_string_expected_is_wrong_type),
	        T(test_non_object_for_message_is_wrong_type),
	        T(test_non_object_top_level_is_wrong_type_without_field),
	        T(test_non_array_for_repeated_is_wrong_type),
	        T(test_null_inside_an_array_is_wrong_type),
	        T(test_wrong_type_inside_an_array_is_named_with_its_index),
	        T(test_int32_overflow_2147483648_is_out_of_range),
	        T(test_int32_underflow_minus_2147483649_is_out_of_range),
	        T(test_uint32_minus_1_is_out_of_range),
	        T(test_uint64_negative_is_out_of_range_as_number_and_string),
	        T(test_int64_is_bounded_by_2_pow_53_minus_1),
	        T(test_uint64_above_int64_max_is_emitted_as_decimal_string),
	        T(test_fractional_number_into_integer_is_wrong_type),
	        T(test_bad_base64_is_wrong_type),
	        T(test_unknown_enum_name_is_wrong_type),
	        T(test_enum_number_not_in_enum_is_out_of_range),
	        T(test_null_means_absent),
	        T(test_to_json_omits_absent_and_emits_empty_repeated_as_arrays),
	        T(test_zero_values_that_are_present_are_emitted),
	        T(test_chinese_strings_survive_unchanged_as_utf8),
	        T(test_string_with_nul_character_is_wrong_type),
	        T(test_invalid_utf8_in_message_becomes_replacement_character),
	        T(test_two_oneof_members_are_refused_naming_the_second),
	        T(test_oneof_emits_only_the_set_member),
	        T(test_nesting_of_32_messages_is_accepted_and_33_refused),
	        T(test_required_field_absent_is_field_required),
	        T(test_non_finite_floats_use_proto3_spellings),
	        T(test_dump_equals_janssons_dump_for_every_type),
	        T(test_set_from_string_parses_int),
	        T(test_set_from_string_parses_bool),
	        T(test_set_from_string_bad_int_12a_is_wrong_type),
	        T(test_set_from_string_appends_to_repeated),
	        T(test_set_from_string_unknown_field_is_named),
	        T(test_set_from_string_refuses_messages_and_a_second_oneof_member),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
