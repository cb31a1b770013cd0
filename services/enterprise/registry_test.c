/*
 * Unit tests of the business registry: the bundled data set (every USCC checked, regions
 * that exist, the fixed records the other tests use), CSV parsing, the wire format
 * (paths, capital, parsing, a render/parse round trip of every record), the sandbox
 * server, the http provider's libcurl transport against a local server, and the
 * SearchRegistry / LookupUscc handlers with enterprise_registry_lookup().
 */
#include "registry.h"

#include "log.h"
#include "status.h"
#include "validate.h"
#include "stub_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h> /* cmocka needs these three before its header */
#include <cmocka.h>

#define DATA_FILE  "services/enterprise/data/registry/enterprises.csv"
#define AREAS_FILE "services/enterprise/data/regions/areas.csv"

/* The fixed records, as README.md "Business registry" lists them. */
struct fixed {
	const char *uscc, *name, *status;
};
static const struct fixed FIXED[] = {
        {"91430104MA4L0K1A65", "长沙麓谷智联科技有限公司", "存续"},
        {"91430104MA4L2C3B6E", "长沙麓谷精工机械制造有限公司", "注销"},
        {"91430104MA4L3D5C5N", "长沙麓谷云仓商贸有限公司", "吊销"},
        {"91430104MA4L4E7D4Y", "长沙麓谷数据服务有限公司", "存续"},
        {"91430104MA4L5F9E37", "长沙麓谷新材料有限公司", "存续"},
        {"91430104MA4L6G2F5M", "长沙麓谷检测技术有限公司", "存续"},
        {"91430104MA4L7H4G4X", "长沙麓谷供应链管理有限公司", "存续"},
        {"91430104MA4L8J6H6F", "长沙麓谷文化传媒有限公司", "存续"},
        {"91430100183726559Q", "湖南麓谷发展股份有限公司", "在业"},
        {"914301021845573046", "长沙芙蓉老字号商贸有限公司", "存续"},
        {"91430103763288049P", "长沙天心湘绣工艺品有限公司", "存续"},
        {"91420106714779124B", "武汉江城老码头物流有限公司", "吊销"},
};
#define NFIXED (sizeof FIXED / sizeof FIXED[0])
/* Known to the registry, check character wrong on purpose. */
static const char *const WRONG_CHECK[] = {"914301021845573046", "91430103763288049P",
                                          "91420106714779124B"};
#define HAPPY        FIXED[0].uscc
#define CANCELLED    FIXED[1].uscc        /* 注销 */
#define REVOKED      FIXED[2].uscc        /* 吊销 */
#define UNKNOWN_USCC "91430104MA4LQ0QQ3D" /* valid, in no record: checked below */

static registry_dataset *load_data(void)
{
	registry_dataset *d = NULL;
	assert_int_equal(registry_dataset_load(DATA_FILE, &d), 0);
	return d;
}

static const registry_record *find(const registry_dataset *d, const char *uscc)
{
	for (size_t i = 0; i < registry_dataset_count(d); i++)
		if (strcmp(registry_dataset_at(d, i)->uscc, uscc) == 0)
			return registry_dataset_at(d, i);
	return NULL;
}

static int is_wrong_check(const char *uscc)
{
	for (size_t i = 0; i < sizeof WRONG_CHECK / sizeof WRONG_CHECK[0]; i++)
		if (strcmp(WRONG_CHECK[i], uscc) == 0)
			return 1;
	return 0;
}

/* ---- the bundled data set ------------------------------------------------------------- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t cap = 1 << 20, n = 0, got;
	char *buf = malloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0)
		if ((n += got) == cap - 1)
			buf = realloc(buf, cap *= 2);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* 1 when code is a county code of areas.csv ("430104,..." at a line start). */
static int county_exists(const char *areas, const char *code)
{
	char needle[16];
	snprintf(needle, sizeof needle, "\n%s,", code);
	return strstr(areas, needle) != NULL;
}

static void test_dataset_uscc_checks(void **state)
{
	(void)state;
	registry_dataset *d = load_data();
	size_t n = registry_dataset_count(d), wrong = 0;
	assert_true(n >= 200);
	for (size_t i = 0; i < n; i++) {
		const registry_record *r = registry_dataset_at(d, i);
		int check = validate_uscc(r->uscc);
		if (is_wrong_check(r->uscc)) {
			assert_int_equal(check, ST_USCC_CHECKSUM);
			wrong++;
		} else if (check != 0) {
			fail_msg("%s (%s): %s", r->uscc, r->name, status_code_name(check));
		}
		/* 工商 enterprises only */
		assert_memory_equal(r->uscc, "91", 2);
		if (i > 0)
			assert_true(strcmp(registry_dataset_at(d, i - 1)->uscc, r->uscc) < 0);
	}
	assert_int_equal(wrong, sizeof WRONG_CHECK / sizeof WRONG_CHECK[0]);
	assert_null(find(d, UNKNOWN_USCC));
	assert_int_equal(validate_uscc(UNKNOWN_USCC), 0);
	assert_int_equal(validate_uscc(REGISTRY_SANDBOX_TIMEOUT_USCC), 0);
	assert_int_equal(validate_uscc(REGISTRY_SANDBOX_DOWN_USCC), 0);
	assert_null(find(d, REGISTRY_SANDBOX_TIMEOUT_USCC));
	assert_null(find(d, REGISTRY_SANDBOX_DOWN_USCC));
	registry_dataset_free(d);
}

static void test_dataset_contents(void **state)
{
	(void)state;
	registry_dataset *d = load_data();
	char *areas = read_file(AREAS_FILE);
	char provinces[64][3];
	size_t nprov = 0, cancelled = 0, revoked = 0, n = registry_dataset_count(d);
	for (size_t i = 0; i < n; i++) {
		const registry_record *r = registry_dataset_at(d, i);
		if (!county_exists(areas, r->region_code))
			fail_msg("%s: region %s is not in areas.csv", r->uscc, r->region_code);
		/* the authority sits in the same province */
		assert_memory_equal(r->uscc + 2, r->region_code, 2);
		/* one fixed record has no legal representative (README.md) */
		if (strcmp(r->uscc, "91430104MA4L8J6H6F") == 0)
			assert_null(r->legal_rep);
		else
			assert_int_equal(validate_person_name(r->legal_rep), 0);
		assert_non_null(registry_industry_name(r->industry));
		assert_true(r->registered_capital_fen > 0);
		assert_non_null(r->type);
		assert_non_null(r->authority);
		assert_non_null(r->business_scope);
		assert_non_null(r->address);
		assert_non_null(strstr(r->name, "公司"));
		assert_non_null(strstr(r->authority, "市场监督管理局"));
		cancelled += strcmp(r->status, "注销") == 0;
		revoked += strcmp(r->status, "吊销") == 0;
		size_t k = 0;
		while (k < nprov && memcmp(provinces[k], r->region_code, 2) != 0)
			k++;
		if (k == nprov && nprov < 64) {
			memcpy(provinces[nprov], r->region_code, 2);
			provinces[nprov++][2] = '\0';
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(registry_dataset_at(d, j)->name, r->name) == 0)
				fail_msg("name %s appears twice", r->name);
	}
	assert_true(nprov >= 6);
	assert_true(cancelled >= 10);
	assert_true(revoked >= 10);
	for (size_t i = 0; i < NFIXED; i++) {
		const registry_record *r = find(d, FIXED[i].uscc);
		assert_non_null(r);
		assert_string_equal(r->name, FIXED[i].name);
		assert_string_equal(r->status, FIXED[i].status);
	}
	const registry_record *h = find(d, HAPPY);
	assert_string_equal(h->region_code, "430104");
	assert_string_equal(h->legal_rep, "刘建华");
	assert_int_equal(h->registered_capital_fen, 500LL * 1000000);
	assert_string_equal(h->founded_on, "2016-03-18");
	assert_string_equal(h->industry, "I");
	free(areas);
	registry_dataset_free(d);
}

/* ---- CSV ---------------------------------------------------------------------------- */

#define HEADER                                                                                     \
	"uscc,name,legal_rep,status,type,founded_on,registered_capital_wan,authority,industry,"    \
	"business_scope,address,region_code\n"
#define ROW_A                                                                                                   \
	"91430104MA4L0K1A65,\"长沙, \"\"引号\"\" 公司\",张三,存续,\"有限责任公司\",2016-03-18," \
	"66.6667,\"长沙市岳麓区市场监督管理局\",I,\"第一行\n第二行\",\"地址\",430104\n"
#define ROW_B "91430104MA4L2C3B6E,乙公司,李四,注销,,2017-06-09,300,,C,,,430104"

static int parse(const char *csv, registry_dataset **d, char *err)
{
	*d = NULL;
	err[0] = '\0';
	return registry_dataset_parse(csv, strlen(csv), d, err, 200);
}

static void test_csv_parse(void **state)
{
	(void)state;
	registry_dataset *d;
	char err[200];
	/* quoting, doubled quotes, a newline inside quotes, CRLF, a BOM, blank lines */
	assert_int_equal(parse("\xEF\xBB\xBF" HEADER "\n" ROW_B "\r\n\r\n" ROW_A, &d, err), 0);
	assert_int_equal(registry_dataset_count(d), 2);
	const registry_record *a = registry_dataset_at(d, 0), *b = registry_dataset_at(d, 1);
	assert_string_equal(a->uscc, "91430104MA4L0K1A65"); /* sorted by USCC */
	assert_string_equal(a->name, "长沙, \"引号\" 公司");
	assert_string_equal(a->business_scope, "第一行\n第二行");
	assert_int_equal(a->registered_capital_fen, 66666700);
	assert_string_equal(b->name, "乙公司");
	assert_null(b->type); /* empty optional fields */
	assert_null(b->authority);
	assert_null(b->address);
	assert_string_equal(b->region_code, "430104");
	registry_dataset_free(d);
	/* no trailing newline, no blank line needed */
	assert_int_equal(parse(HEADER ROW_B, &d, err), 0);
	assert_int_equal(registry_dataset_count(d), 1);
	registry_dataset_free(d);
}

static void test_csv_errors(void **state)
{
	(void)state;
	static const struct {
		const char *csv, *err;
	} cases[] = {
	        {"uscc,name\n" ROW_B, "line 1: the header"},
	        {HEADER, "no records"},
	        {HEADER ROW_B "\n" ROW_B, "appears twice"},
	        {HEADER ROW_B ",extra", "line 2: more than 12 fields"},
	        {HEADER "\n91430104MA4L0K1A65,a,b,存续", "line 3: 4 fields instead of 12"},
	        {HEADER "91430104MA4L0K1A65,\"open,b,存续", "malformed quoting"},
	        {HEADER "91430104MA4L0K1A65,\"a\"x,b,存续", "malformed quoting"},
	        {HEADER "91430104MA4L0K1A6I,a,b,存续,,2017-06-09,300,,C,,,430104",
	         "malformed USCC"},
	        {HEADER "91430104MA4L0K1A65,a,b,正常,,2017-06-09,300,,C,,,430104", "status"},
	        {HEADER "91430104MA4L0K1A65,a,b,存续,,2017-02-30,300,,C,,,430104", "founded_on"},
	        {HEADER "91430104MA4L0K1A65,a,b,存续,,2017-02-03,300万,,C,,,430104", "capital"},
	        {HEADER "91430104MA4L0K1A65,a,b,存续,,2017-02-03,1.2345678,,C,,,430104", "capital"},
	        {HEADER "91430104MA4L0K1A65,a,b,存续,,2017-02-03,300,,Z,,,430104", "industry"},
	        {HEADER "91430104MA4L0K1A65,a,b,存续,,2017-02-03,300,,C,,,4301", "region_code"},
	        {HEADER "91430104MA4L0K1A65,,b,存续,,2017-02-03,300,,C,,,430104", "required"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		registry_dataset *d;
		char err[200];
		if (parse(cases[i].csv, &d, err) != -1 || !strstr(err, cases[i].err))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, cases[i].err);
		assert_null(d);
	}
	registry_dataset *d = (registry_dataset *)1;
	assert_int_equal(registry_dataset_load("/nonexistent/registry.csv", &d), -1);
}

/* ---- wire format ------------------------------------------------------------------- */

static void test_capital(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int64_t fen;
	} ok[] = {
	        {"500", 500000000LL},
	        {"66.6667", 66666700LL},
	        {"0.000001", 1},
	        {"1234.56万元", 1234560000LL},
	        {"500万元人民币", 500000000LL},
	        {"500万人民币", 500000000LL},
	        {"3.5万", 3500000LL},
	        {"999999999999.999999", 999999999999999999LL},
	};
	static const char *const bad[] = {
	        "",       "万元",     ".5",    "5.",        "1.2345678",
	        "-5",     "5e3",      "1,000", "500万美元", "1000000000000",
	        "500 万", "500万元 ", "abc"};
	char out[32];
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		int64_t fen = -1;
		assert_int_equal(registry_capital_parse(ok[i].in, &fen), 0);
		assert_int_equal(fen, ok[i].fen);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t fen = 7;
		if (registry_capital_parse(bad[i], &fen) != -1)
			fail_msg("\"%s\" parsed", bad[i]);
		assert_int_equal(fen, 7);
	}
	registry_capital_format(500000000LL, out);
	assert_string_equal(out, "500");
	registry_capital_format(66666700LL, out);
	assert_string_equal(out, "66.6667");
	registry_capital_format(1, out);
	assert_string_equal(out, "0.000001");
	registry_capital_format(0, out);
	assert_string_equal(out, "0");
}

static void test_wire_path(void **state)
{
	(void)state;
	char path[256];
	registry_query q = {.name = "麓谷 a&b", .page = 2, .page_size = 5};
	assert_int_equal(registry_wire_path(&q, path, sizeof path), 0);
	assert_string_equal(path,
	                    "/enterprises?name=%E9%BA%93%E8%B0%B7%20a%26b&page=2&page_size=5");
	q = (registry_query){.uscc = HAPPY, .page = 1, .page_size = 20};
	assert_int_equal(registry_wire_path(&q, path, sizeof path), 0);
	assert_string_equal(path, "/enterprises?uscc=91430104MA4L0K1A65&page=1&page_size=20");
	assert_int_equal(registry_wire_path(&q, path, 20), -1); /* does not fit */
	q.name = "x";                                           /* both */
	assert_int_equal(registry_wire_path(&q, path, sizeof path), -1);
	q = (registry_query){.page = 1, .page_size = 20}; /* neither */
	assert_int_equal(registry_wire_path(&q, path, sizeof path), -1);
	q = (registry_query){.uscc = HAPPY, .page = 0, .page_size = 20};
	assert_int_equal(registry_wire_path(&q, path, sizeof path), -1);
	q = (registry_query){.uscc = HAPPY, .page = 1, .page_size = 101};
	assert_int_equal(registry_wire_path(&q, path, sizeof path), -1);
}

static int wparse(const registry_query *q, long status, const char *body, arena *a,
                  registry_result *r)
{
	memset(r, 0, sizeof *r);
	return registry_wire_parse(q, status, body, body ? strlen(body) : 0, a, r);
}

#define ITEM(code, status)                                                                         \
	"{\"creditCode\":\"" code "\",\"entName\":\"某公司\",\"regStatus\":\"" status "\"}"
#define OKBODY(total, items)                                                                       \
	"{\"code\":\"0000\",\"data\":{\"total\":" #total ",\"items\":[" items "]}}"

static void test_wire_parse(void **state)
{
	(void)state;
	arena *a = arena_new();
	registry_result r;
	registry_query byname = {.name = "公司", .page = 1, .page_size = 2};
	registry_query bycode = {.uscc = HAPPY, .page = 1, .page_size = 20};

	assert_int_equal(wparse(&byname, 200, OKBODY(0, ""), a, &r), ST_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.total, 0);
	assert_int_equal(wparse(&byname, 200, OKBODY(7, ITEM("91430104MA4L0K1A65", "存续")), a, &r),
	                 ST_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.total, 7);
	assert_string_equal(r.items[0].name, "某公司");
	assert_null(r.items[0].legal_rep);
	assert_int_equal(r.items[0].registered_capital_fen, -1);
	/* a known code with a wrong check character is an answer like any other */
	assert_int_equal(wparse(&byname, 200, OKBODY(1, ITEM("914301021845573046", "吊销")), a, &r),
	                 ST_OK);
	/* optional fields that cannot be read are dropped, the record stays */
	assert_int_equal(
	        wparse(&byname, 200,
	               OKBODY(1, "{\"creditCode\":\"91430104MA4L0K1A65\",\"entName\":\"甲\","
	                         "\"regStatus\":\"在业\",\"establishDate\":\"2016-02-30\","
	                         "\"regCapital\":\"100万美元\",\"industryCode\":\"信息\","
	                         "\"areaCode\":\"4301\",\"legalPerson\":\"\",\"regOrg\":7}"),
	               a, &r),
	        ST_OK);
	assert_null(r.items[0].founded_on);
	assert_int_equal(r.items[0].registered_capital_fen, -1);
	assert_null(r.items[0].industry);
	assert_null(r.items[0].region_code);
	assert_null(r.items[0].legal_rep);
	assert_null(r.items[0].authority);
	assert_int_equal(
	        wparse(&byname, 200,
	               OKBODY(1, "{\"creditCode\":\"91430104MA4L0K1A65\",\"entName\":\"甲\","
	                         "\"regStatus\":\"存续\",\"establishDate\":"
	                         "\"2016-02-29 00:00:00\"}"),
	               a, &r),
	        ST_OK);
	assert_string_equal(r.items[0].founded_on, "2016-02-29");

	/* timeouts */
	assert_int_equal(wparse(&byname, 504, NULL, a, &r), ST_REGISTRY_TIMEOUT);
	assert_int_equal(wparse(&byname, 408, "x", a, &r), ST_REGISTRY_TIMEOUT);
	assert_int_equal(wparse(&byname, 200, "{\"code\":\"2001\",\"message\":\"超时\"}", a, &r),
	                 ST_REGISTRY_TIMEOUT);
	/* everything else that is not a good answer */
	static const char *const bad[] = {
	        NULL,
	        "",
	        "not json",
	        "[]",
	        "{\"code\":\"2002\"}",
	        "{\"code\":\"1002\",\"message\":\"app key\"}",
	        "{\"code\":0}",
	        "{\"code\":\"0000\"}",
	        "{\"code\":\"0000\",\"data\":{\"items\":[]}}",
	        "{\"code\":\"0000\",\"data\":{\"total\":-1,\"items\":[]}}",
	        "{\"code\":\"0000\",\"data\":{\"total\":\"1\",\"items\":[]}}",
	        OKBODY(0, ITEM("91430104MA4L0K1A65", "存续")), /* total below the items */
	        OKBODY(9, ITEM("91430104MA4L0K1A65",
	                       "存续") "," ITEM("91430104MA4L2C3B6E",
	                                        "存续") "," ITEM("91430104MA4L3D5C5N",
	                                                         "存续")), /* more than page_size */
	        OKBODY(1, ITEM("91430104MA4L0K1A6I", "存续")),             /* malformed code */
	        OKBODY(1, ITEM("91430104MA4L0K1A65", "正常")),             /* unknown status */
	        OKBODY(1, "{\"creditCode\":\"91430104MA4L0K1A65\",\"regStatus\":\"存续\"}"),
	        OKBODY(1, "{\"creditCode\":\"91430104MA4L0K1A65\",\"entName\":\"a\\u0000b\","
	                  "\"regStatus\":\"存续\"}"),
	        OKBODY(1, "7"),
	        "{\"code\":\"0000\",\"code\":\"0000\",\"data\":{\"total\":0,\"items\":[]}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (wparse(&byname, 200, bad[i], a, &r) != ST_REGISTRY_UNAVAILABLE)
			fail_msg("bad answer %zu accepted", i);
	assert_int_equal(wparse(&byname, 500, OKBODY(0, ""), a, &r), ST_REGISTRY_UNAVAILABLE);
	assert_int_equal(wparse(&byname, 503, "{\"code\":\"2002\"}", a, &r),
	                 ST_REGISTRY_UNAVAILABLE);
	/* a code look-up must be answered about that code */
	assert_int_equal(wparse(&bycode, 200, OKBODY(1, ITEM("91430104MA4L0K1A65", "存续")), a, &r),
	                 ST_OK);
	assert_int_equal(wparse(&bycode, 200, OKBODY(1, ITEM("91430104MA4L2C3B6E", "存续")), a, &r),
	                 ST_REGISTRY_UNAVAILABLE);
	arena_free(a);
}

static void assert_same_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_true(a == b);
	else
		assert_string_equal(a, b);
}

/* Every bundled record rendered to the wire and parsed back comes out the same. */
static void test_wire_round_trip(void **state)
{
	(void)state;
	registry_dataset *d = load_data();
	arena *a = arena_new();
	for (size_t i = 0; i < registry_dataset_count(d); i++) {
		const registry_record *rec = registry_dataset_at(d, i);
		registry_query q = {.uscc = rec->uscc, .page = 1, .page_size = 1};
		registry_result res;
		char *body = registry_wire_render(&rec, 1, 1, 1, 1);
		assert_int_equal(wparse(&q, 200, body, a, &res), ST_OK);
		free(body);
		assert_int_equal(res.n, 1);
		assert_int_equal(res.total, 1);
		const registry_record *got = &res.items[0];
		assert_string_equal(got->uscc, rec->uscc);
		assert_string_equal(got->name, rec->name);
		assert_same_str(got->legal_rep, rec->legal_rep);
		assert_string_equal(got->status, rec->status);
		assert_same_str(got->type, rec->type);
		assert_same_str(got->founded_on, rec->founded_on);
		assert_int_equal(got->registered_capital_fen, rec->registered_capital_fen);
		assert_same_str(got->authority, rec->authority);
		assert_same_str(got->industry, rec->industry);
		assert_same_str(got->business_scope, rec->business_scope);
		assert_same_str(got->address, rec->address);
		assert_same_str(got->region_code, rec->region_code);
		arena_reset(a);
	}
	/* a page of several, and a record without its optional fields */
	registry_record bare = {
	        .uscc = HAPPY, .name = "甲", .status = "存续", .registered_capital_fen = -1};
	const registry_record *two[] = {registry_dataset_at(d, 0), &bare};
	registry_query q = {.name = "甲", .page = 3, .page_size = 2};
	registry_result res;
	char *body = registry_wire_render(two, 2, 6, 3, 2);
	assert_int_equal(wparse(&q, 200, body, a, &res), ST_OK);
	free(body);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.total, 6);
	assert_null(res.items[1].type);
	assert_null(res.items[1].industry);
	assert_int_equal(res.items[1].registered_capital_fen, -1);
	body = registry_wire_render_error("2002", "数据源暂不可用");
	assert_int_equal(wparse(&q, 503, body, a, &res), ST_REGISTRY_UNAVAILABLE);
	free(body);
	arena_free(a);
	registry_dataset_free(d);
}

/* ---- the sandbox server ----------------------------------------------------------------- */

static int serve(const registry_dataset *d, const char *path, const registry_query *q, arena *a,
                 registry_result *r)
{
	registry_exchange x = {.path = path, .app_key = REGISTRY_SANDBOX_APP_KEY, .timeout_ms = 50};
	registry_sandbox_serve(d, &x);
	int rv = x.timed_out ? ST_REGISTRY_TIMEOUT
	                     : registry_wire_parse(q, x.status, x.body, x.body_len, a, r);
	free(x.body);
	return rv;
}

static int search(const registry_dataset *d, const registry_query *q, arena *a, registry_result *r)
{
	char path[512];
	assert_int_equal(registry_wire_path(q, path, sizeof path), 0);
	return serve(d, path, q, a, r);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

static void test_sandbox_serve(void **state)
{
	(void)state;
	registry_dataset *d = load_data();
	arena *a = arena_new();
	registry_result r;
	registry_query q = {.name = "麓谷", .page = 1, .page_size = 4};

	assert_int_equal(search(d, &q, a, &r), ST_OK);
	assert_int_equal(r.total, 9);
	assert_int_equal(r.n, 4);
	q.page = 3;
	assert_int_equal(search(d, &q, a, &r), ST_OK);
	assert_int_equal(r.total, 9);
	assert_int_equal(r.n, 1);
	q.page = 4;
	assert_int_equal(search(d, &q, a, &r), ST_OK);
	assert_int_equal(r.n, 0);
	/* exact name first, then names that start with the fragment */
	q = (registry_query){.name = "长沙麓谷数据服务有限公司", .page = 1, .page_size = 20};
	assert_int_equal(search(d, &q, a, &r), ST_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].uscc, "91430104MA4L4E7D4Y");
	q.name = "长沙麓谷";
	assert_int_equal(search(d, &q, a, &r), ST_OK);
	assert_int_equal(r.total, 8);
	q.name = "湖南麓谷";
	assert_int_equal(search(d, &q, a, &r), ST_OK);
	assert_int_equal(r.total, 1);
	q.name = "发展股份";
	assert_int_equal(search(d, &q, a, &r), ST_OK);
	assert_true(r.total >= 1);
	/* codes */
	q = (registry_query){.uscc = HAPPY, .page = 1, .page_size = 20};
	assert_int_equal(search(d, &q, a, &r), ST_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].legal_rep, "刘建华");
	q.uscc = UNKNOWN_USCC;
	assert_int_equal(search(d, &q, a, &r), ST_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.total, 0);
	q.uscc = WRONG_CHECK[0];
	assert_int_equal(search(d, &q, a, &r), ST_OK);
	assert_int_equal(r.n, 1);
	/* reserved failures */
	q.uscc = REGISTRY_SANDBOX_DOWN_USCC;
	assert_int_equal(search(d, &q, a, &r), ST_REGISTRY_UNAVAILABLE);
	q = (registry_query){.name = REGISTRY_SANDBOX_DOWN_NAME, .page = 1, .page_size = 20};
	assert_int_equal(search(d, &q, a, &r), ST_REGISTRY_UNAVAILABLE);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	q.name = REGISTRY_SANDBOX_TIMEOUT_NAME;
	assert_int_equal(search(d, &q, a, &r), ST_REGISTRY_TIMEOUT);
	assert_true(ms_since(&t0) >= 45);
	q = (registry_query){.uscc = REGISTRY_SANDBOX_TIMEOUT_USCC, .page = 1, .page_size = 20};
	assert_int_equal(search(d, &q, a, &r), ST_REGISTRY_TIMEOUT);
	/* requests it refuses */
	static const char *const bad[] = {
	        "/enterprises?page=1",
	        "/enterprises?uscc="
	        "91430104MA4L0K1A65"
	        "&name=a",
	        "/enterprises?name=",
	        "/enterprises?name=%zz",
	        "/enterprises?name=a%00b",
	        "/enterprises?name=a&page=0",
	        "/enterprises?name=a&page_size=101",
	        "/enterprises?name=a&page=x",
	        "/enterprises?uscc=91430104MA4L0K1A6I",
	        "/enterprises?name",
	        "/companies?name=a",
	};
	q = (registry_query){.name = "a", .page = 1, .page_size = 20};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		registry_exchange x = {.path = bad[i], .app_key = REGISTRY_SANDBOX_APP_KEY};
		registry_sandbox_serve(d, &x);
		if (x.status != 400 && x.status != 404)
			fail_msg("%s: status %ld", bad[i], x.status);
		assert_int_equal(registry_wire_parse(&q, x.status, x.body, x.body_len, a, &r),
		                 ST_REGISTRY_UNAVAILABLE);
		free(x.body);
	}
	registry_exchange x = {.path = "/enterprises?name=a", .app_key = "wrong"};
	registry_sandbox_serve(d, &x);
	assert_int_equal(x.status, 401);
	free(x.body);
	arena_free(a);
	registry_dataset_free(d);
}

/* ---- the providers -------------------------------------------------------------------- */

static void test_provider_open(void **state)
{
	(void)state;
	struct registry_provider *p = NULL;
	const int sandbox = REGISTRY_PROVIDER_SANDBOX, http = REGISTRY_PROVIDER_HTTP;
	assert_int_equal(registry_provider_open(sandbox, NULL, NULL, DATA_FILE, 0, 0, &p), -1);
	assert_int_equal(
	        registry_provider_open(sandbox, NULL, NULL, "/nonexistent.csv", 100, 0, &p), -1);
	assert_int_equal(registry_provider_open(http, NULL, NULL, NULL, 1000, 0, &p), -1);
	assert_int_equal(registry_provider_open(http, "ftp://x", NULL, NULL, 1000, 0, &p), -1);
	/* production wants https */
	assert_int_equal(registry_provider_open(http, "http://x", NULL, NULL, 1000, 1, &p), -1);
	assert_null(p);
	assert_int_equal(registry_provider_open(http, "https://x/", "k", NULL, 1000, 1, &p), 0);
	registry_provider_close(p);
	p = NULL;
	assert_int_equal(registry_provider_open(-1, NULL, NULL, DATA_FILE, 1000, 0, &p), 0);
	arena *a = arena_new();
	registry_result r;
	registry_query q = {.uscc = CANCELLED, .page = 1, .page_size = 20};
	assert_int_equal(registry_provider_search(p, &q, 0, "req-1", a, &r), ST_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].status, "注销");
	/* the caller's budget caps the provider's own timeout */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	q.uscc = REGISTRY_SANDBOX_TIMEOUT_USCC;
	assert_int_equal(registry_provider_search(p, &q, 60, NULL, a, &r), ST_REGISTRY_TIMEOUT);
	assert_true(ms_since(&t0) < 900);
	q = (registry_query){.page = 1, .page_size = 20}; /* neither uscc nor name */
	assert_int_equal(registry_provider_search(p, &q, 0, NULL, a, &r), ST_REGISTRY_UNAVAILABLE);
	arena_free(a);
	registry_provider_close(p);
	registry_provider_close(NULL);
}

/* A local HTTP server answering through the sandbox, or misbehaving on request. */
enum server_mode { SERVE_SANDBOX, SERVE_SILENT, SERVE_GARBAGE, SERVE_HUGE };

struct server {
	stub_http *stub;
	int port;
	char base[64];
	atomic_int stop; /* ends a silent answer's wait */
	atomic_int mode;
	registry_dataset *data;
	char last_key[64], last_request_id[64]; /* written by the server thread, read after */
	atomic_int requests;
};

static void header_value(const char *head, const char *name, char *out, size_t outlen)
{
	out[0] = '\0';
	for (const char *l = strstr(head, "\r\n"); l && l[2]; l = strstr(l + 2, "\r\n")) {
		const char *s = l + 2;
		size_t k = strlen(name);
		if (strncasecmp(s, name, k) == 0 && s[k] == ':') {
			s += k + 1;
			while (*s == ' ')
				s++;
			size_t n = strcspn(s, "\r");
			if (n < outlen)
				snprintf(out, outlen, "%.*s", (int)n, s);
			return;
		}
	}
}

static void write_all(int c, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(c, p, n, MSG_NOSIGNAL); /* the client may hang up first */
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void serve_one(struct server *s, int c)
{
	char buf[8192], method[8], path[1024], head[256];
	size_t n = 0;
	char *end = NULL;
	while (n < sizeof buf - 1) {
		ssize_t got = read(c, buf + n, sizeof buf - 1 - n);
		if (got <= 0)
			return;
		n += (size_t)got;
		buf[n] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")))
			break;
	}
	if (!end || sscanf(buf, "%7s %1023s", method, path) != 2)
		return;
	atomic_fetch_add(&s->requests, 1);
	header_value(buf, "X-Registry-App-Key", s->last_key, sizeof s->last_key);
	header_value(buf, "X-Request-Id", s->last_request_id, sizeof s->last_request_id);
	int mode = atomic_load(&s->mode);
	if (mode == SERVE_SILENT) {
		while (!atomic_load(&s->stop)) {
			struct pollfd pfd = {.fd = c, .events = POLLIN};
			if (poll(&pfd, 1, 20) > 0 && read(c, buf, sizeof buf) <= 0)
				break;
		}
		return;
	}
	if (mode == SERVE_GARBAGE) {
		static const char g[] = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!";
		write_all(c, g, sizeof g - 1);
		return;
	}
	if (mode == SERVE_HUGE) {
		static char chunk[65536];
		memset(chunk, ' ', sizeof chunk);
		const char *h = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
		write_all(c, h, strlen(h));
		for (int i = 0; i < 20; i++) /* 1.25 MiB, past REGISTRY_RESPONSE_MAX */
			write_all(c, chunk, sizeof chunk);
		return;
	}
	/* the sandbox checks its own key; the http client sends whatever it was given */
	registry_exchange x = {.path = path, .app_key = REGISTRY_SANDBOX_APP_KEY, .timeout_ms = 50};
	registry_sandbox_serve(s->data, &x);
	if (x.timed_out) {
		free(x.body);
		return;
	}
	int h = snprintf(head, sizeof head,
	                 "HTTP/1.1 %ld X\r\nContent-Type: application/json; charset=utf-8\r\n"
	                 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	                 x.status, x.body_len);
	write_all(c, head, (size_t)h);
	write_all(c, x.body, x.body_len);
	free(x.body);
}

/* The stub server's callback: one connection. */
static void serve_conn(int c, void *arg) { serve_one(arg, c); }

static int server_start(void **state)
{
	struct server *s = calloc(1, sizeof *s);
	if (registry_dataset_load(DATA_FILE, &s->data) != 0)
		return -1;
	if (!(s->stub = stub_http_start(serve_conn, s, &s->port)))
		return -1;
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d/v1/", s->port);
	*state = s;
	return 0;
}

static int server_stop(void **state)
{
	struct server *s = *state;
	atomic_store(&s->stop, 1);
	stub_http_stop(s->stub);
	registry_dataset_free(s->data);
	free(s);
	return 0;
}

static void test_http_provider(void **state)
{
	struct server *s = *state;
	struct registry_provider *p = NULL;
	arena *a = arena_new();
	registry_result r;
	/* the base's trailing slash is dropped; the server ignores the /v1 prefix */
	char base[80];
	snprintf(base, sizeof base, "http://127.0.0.1:%d", s->port);
	assert_int_equal(registry_provider_open(REGISTRY_PROVIDER_HTTP, base, "app-key-1", NULL,
	                                        2000, 0, &p),
	                 0);
	registry_query q = {.name = "麓谷", .page = 2, .page_size = 4};
	assert_int_equal(registry_provider_search(p, &q, 0, "req-42", a, &r), ST_OK);
	assert_int_equal(r.total, 9);
	assert_int_equal(r.n, 4);
	assert_string_equal(s->last_key, "app-key-1");
	assert_string_equal(s->last_request_id, "req-42");
	q = (registry_query){.uscc = REVOKED, .page = 1, .page_size = 20};
	assert_int_equal(registry_provider_search(p, &q, 0, NULL, a, &r), ST_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].status, "吊销");
	assert_string_equal(r.items[0].name, "长沙麓谷云仓商贸有限公司");
	assert_int_equal(r.items[0].registered_capital_fen, 100LL * 1000000);
	q.uscc = REGISTRY_SANDBOX_DOWN_USCC;
	assert_int_equal(registry_provider_search(p, &q, 0, NULL, a, &r), ST_REGISTRY_UNAVAILABLE);
	atomic_store(&s->mode, SERVE_GARBAGE);
	q.uscc = HAPPY;
	assert_int_equal(registry_provider_search(p, &q, 0, NULL, a, &r), ST_REGISTRY_UNAVAILABLE);
	atomic_store(&s->mode, SERVE_HUGE);
	assert_int_equal(registry_provider_search(p, &q, 0, NULL, a, &r), ST_REGISTRY_UNAVAILABLE);
	/* a registry that never answers: the call ends at the budget */
	atomic_store(&s->mode, SERVE_SILENT);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(registry_provider_search(p, &q, 150, NULL, a, &r), ST_REGISTRY_TIMEOUT);
	long took = ms_since(&t0);
	assert_true(took >= 140 && took < 1500);
	registry_provider_close(p);
	arena_free(a);
}

static void test_http_unreachable(void **state)
{
	(void)state;
	struct registry_provider *p = NULL;
	arena *a = arena_new();
	registry_result r;
	/* a port nobody listens on: bind one, then close it */
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d", ntohs(sa.sin_port));
	assert_int_equal(
	        registry_provider_open(REGISTRY_PROVIDER_HTTP, base, NULL, NULL, 1000, 0, &p), 0);
	registry_query q = {.uscc = HAPPY, .page = 1, .page_size = 20};
	assert_int_equal(registry_provider_search(p, &q, 0, NULL, a, &r), ST_REGISTRY_UNAVAILABLE);
	registry_provider_close(p);
	arena_free(a);
}

/* ---- the handlers ------------------------------------------------------------------ */

/* The handler bound to a method of service Registry. */
static svc_handler_fn registry_handler(const char *method)
{
	for (size_t i = 0; i < enterprise_registry_api.nhandlers; i++)
		if (strcmp(enterprise_registry_api.handlers[i].method, method) == 0)
			return enterprise_registry_api.handlers[i].fn;
	fail_msg("no handler for %s", method);
	return NULL;
}

struct handler_env {
	struct enterprise_app app;
	Bus__Caller caller, nobody;
	svc_ctx ctx;
	arena *a;
};

static int handlers_setup(void **state)
{
	struct handler_env *e = calloc(1, sizeof *e);
	e->app.development = 1;
	e->app.registry_provider = REGISTRY_PROVIDER_SANDBOX;
	e->app.registry_file = DATA_FILE;
	if (enterprise_registry_open(&e->app, 2000) != ST_OK)
		return -1;
	bus__caller__init(&e->caller);
	bus__caller__init(&e->nobody);
	e->caller.person_id = "00000000-0000-0000-0000-000000000001";
	e->a = arena_new();
	e->ctx = (svc_ctx){.service = "enterprise",
	                   .caller = &e->caller,
	                   .request_id = "test",
	                   .arena = e->a,
	                   .app = &e->app};
	*state = e;
	return 0;
}

static int handlers_teardown(void **state)
{
	struct handler_env *e = *state;
	enterprise_registry_close(&e->app);
	assert_null(e->app.registry);
	arena_free(e->a);
	free(e);
	return 0;
}

/* SearchRegistry with q (and paging when page/size > 0): the status, *resp on success. */
static int do_search(struct handler_env *e, const char *q, int page, int size,
                     Enterprise__SearchRegistryResponse **resp)
{
	Enterprise__SearchRegistryRequest in;
	ProtobufCMessage *out = NULL;
	enterprise__search_registry_request__init(&in);
	in.q = (char *)q;
	if (page > 0) {
		in.has_page = 1;
		in.page = page;
	}
	if (size > 0) {
		in.has_page_size = 1;
		in.page_size = size;
	}
	status_clear();
	int rv = registry_handler("SearchRegistry")(&e->ctx, &in.base, &out);
	*resp = rv == ST_OK ? (Enterprise__SearchRegistryResponse *)out : NULL;
	return rv;
}

static void assert_error(int rv, int code, const char *field)
{
	assert_int_equal(rv, code);
	assert_string_equal(status_field(), field);
}

static void test_search_handler(void **state)
{
	struct handler_env *e = *state;
	Enterprise__SearchRegistryResponse *r;

	/* by code: autofill fields */
	assert_int_equal(do_search(e, HAPPY, 0, 0, &r), ST_OK);
	assert_int_equal(r->n_items, 1);
	assert_int_equal(r->total, 1);
	assert_int_equal(r->page, 1);
	assert_int_equal(r->page_size, 20);
	Enterprise__RegistryRecord *it = r->items[0];
	assert_string_equal(it->name, "长沙麓谷智联科技有限公司");
	assert_string_equal(it->legal_rep, "刘建华");
	assert_string_equal(it->status, "存续");
	assert_true(it->has_certifiable && it->certifiable);
	assert_string_equal(it->type, "有限责任公司（自然人投资或控股）");
	assert_string_equal(it->founded_on, "2016-03-18");
	assert_true(it->has_registered_capital_fen);
	assert_int_equal(it->registered_capital_fen, 500000000LL);
	assert_string_equal(it->authority, "长沙市岳麓区市场监督管理局");
	assert_string_equal(it->industry, "I");
	assert_string_equal(it->industry_name, "信息传输、软件和信息技术服务业");
	assert_non_null(strstr(it->business_scope, "软件开发"));
	assert_non_null(strstr(it->address, "湖南省长沙市岳麓区"));
	assert_string_equal(it->region_code, "430104");
	/* lower case and surrounding spaces (ASCII and ideographic) are forgiven */
	assert_int_equal(do_search(e,
	                           " \xE3\x80\x80"
	                           "91430104ma4l0k1a65\t",
	                           0, 0, &r),
	                 ST_OK);
	assert_int_equal(r->n_items, 1);
	/* 注销 and 吊销 are found, not certifiable */
	assert_int_equal(do_search(e, CANCELLED, 0, 0, &r), ST_OK);
	assert_string_equal(r->items[0]->status, "注销");
	assert_true(r->items[0]->has_certifiable && !r->items[0]->certifiable);
	assert_int_equal(do_search(e, REVOKED, 0, 0, &r), ST_OK);
	assert_true(r->items[0]->has_certifiable && !r->items[0]->certifiable);
	assert_int_equal(do_search(e, "91430100183726559Q", 0, 0, &r), ST_OK);
	assert_string_equal(r->items[0]->status, "在业");
	assert_true(r->items[0]->certifiable);
	/* a known code with a failing check character is found; an unknown one is refused */
	assert_int_equal(do_search(e, WRONG_CHECK[1], 0, 0, &r), ST_OK);
	assert_int_equal(r->n_items, 1);
	assert_error(do_search(e, "91430104MA4L0K1A66", 0, 0, &r), ST_USCC_CHECKSUM, "q");
	/* an unknown valid code: an empty list */
	assert_int_equal(do_search(e, UNKNOWN_USCC, 0, 0, &r), ST_OK);
	assert_int_equal(r->n_items, 0);
	assert_int_equal(r->total, 0);
	/* malformed codes name q with the validator's code */
	assert_error(do_search(e, "91430104MA4L0K1AI5", 0, 0, &r), ST_USCC_INVALID, "q");
	assert_error(do_search(e, "94430104MA4L0K1A65", 0, 0, &r), ST_USCC_TYPE, "q");
	assert_error(do_search(e, "9143A104MA4L0K1A65", 0, 0, &r), ST_USCC_REGION, "q");
	assert_error(do_search(e, "430104000012345", 0, 0, &r), ST_USCC_INVALID, "q");
	assert_error(do_search(e, "91430104MA4L0K1A651", 0, 0, &r), ST_USCC_INVALID, "q");
	/* names */
	assert_int_equal(do_search(e, "麓谷", 2, 4, &r), ST_OK);
	assert_int_equal(r->total, 9);
	assert_int_equal(r->n_items, 4);
	assert_int_equal(r->page, 2);
	assert_int_equal(r->page_size, 4);
	for (size_t i = 0; i < r->n_items; i++)
		assert_non_null(strstr(r->items[i]->name, "麓谷"));
	assert_int_equal(do_search(e, "有限公司", 0, 0, &r), ST_OK);
	assert_int_equal(r->n_items, 20);
	assert_true(r->total >= 200);
	assert_int_equal(do_search(e, "不存在的企业名称", 0, 0, &r), ST_OK);
	assert_int_equal(r->n_items, 0);
	assert_int_equal(do_search(e, "AB", 0, 0, &r), ST_OK); /* short ASCII is a name */
	assert_error(do_search(e, "麓", 0, 0, &r), ST_REGISTRY_QUERY_TOO_SHORT, "q");
	assert_error(do_search(e, " 麓 ", 0, 0, &r), ST_REGISTRY_QUERY_TOO_SHORT, "q");
	assert_error(do_search(e, "", 0, 0, &r), ST_FIELD_REQUIRED, "q");
	assert_error(do_search(e, NULL, 0, 0, &r), ST_FIELD_REQUIRED, "q");
	assert_error(do_search(e, "\xE3\x80\x80 ", 0, 0, &r), ST_FIELD_REQUIRED, "q");
	assert_error(
	        do_search(e,
	                  "麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓谷"
	                  "麓谷麓谷麓谷麓谷麓谷麓谷麓谷麓",
	                  0, 0, &r),
	        ST_TEXT_TOO_LONG, "q");
	assert_error(do_search(e, "麓\xFF", 0, 0, &r), ST_TEXT_TOO_LONG, "q");
	/* paging */
	assert_error(do_search(e, "麓谷", 1, 101, &r), ST_PAGE_SIZE, "page_size");
	Enterprise__SearchRegistryRequest in;
	ProtobufCMessage *out = NULL;
	enterprise__search_registry_request__init(&in);
	in.q = "麓谷";
	in.has_page = 1;
	in.page = 0;
	assert_error(registry_handler("SearchRegistry")(&e->ctx, &in.base, &out), ST_FIELD_RANGE,
	             "page");
	/* the registry failing */
	assert_error(do_search(e, REGISTRY_SANDBOX_DOWN_NAME, 0, 0, &r), ST_REGISTRY_UNAVAILABLE,
	             "");
	/* no person, no search */
	e->ctx.caller = &e->nobody;
	assert_int_equal(do_search(e, HAPPY, 0, 0, &r), ST_UNAUTHENTICATED);
	e->ctx.caller = &e->caller;
	/* past the deadline: nothing is asked */
	e->ctx.deadline_ms = bus_now_ms() - 1;
	assert_int_equal(do_search(e, HAPPY, 0, 0, &r), ST_DEADLINE);
	e->ctx.deadline_ms = 0;
}

static void test_lookup(void **state)
{
	struct handler_env *e = *state;
	registry_record rec;
	memset(&rec, 0, sizeof rec);
	status_clear();
	assert_int_equal(enterprise_registry_lookup(&e->ctx, HAPPY, &rec), ST_OK);
	assert_string_equal(rec.name, "长沙麓谷智联科技有限公司");
	assert_true(registry_status_certifiable(rec.status));
	assert_int_equal(enterprise_registry_lookup(&e->ctx, REVOKED, &rec), ST_OK);
	assert_false(registry_status_certifiable(rec.status));
	assert_int_equal(enterprise_registry_lookup(&e->ctx, WRONG_CHECK[2], &rec), ST_OK);
	assert_string_equal(rec.uscc, WRONG_CHECK[2]);
	memset(&rec, 0, sizeof rec);
	assert_error(enterprise_registry_lookup(&e->ctx, UNKNOWN_USCC, &rec), ST_NOT_FOUND, "uscc");
	assert_null(rec.uscc); /* untouched */
	assert_error(enterprise_registry_lookup(&e->ctx, "91430104MA4L0K1A66", &rec),
	             ST_USCC_CHECKSUM, "uscc");
	assert_error(enterprise_registry_lookup(&e->ctx, "91430104ma4l0k1a65", &rec),
	             ST_USCC_INVALID, "uscc");
	assert_error(enterprise_registry_lookup(&e->ctx, NULL, &rec), ST_USCC_INVALID, "uscc");
	assert_error(enterprise_registry_lookup(&e->ctx, REGISTRY_SANDBOX_DOWN_USCC, &rec),
	             ST_REGISTRY_UNAVAILABLE, "");
	assert_null(rec.uscc);

	/* LookupUscc over the bus: no person needed */
	Enterprise__LookupUsccRequest in;
	ProtobufCMessage *out = NULL;
	enterprise__lookup_uscc_request__init(&in);
	e->ctx.caller = &e->nobody;
	in.uscc = (char *)CANCELLED;
	assert_int_equal(registry_handler("LookupUscc")(&e->ctx, &in.base, &out), ST_OK);
	Enterprise__RegistryRecord *m = (Enterprise__RegistryRecord *)out;
	assert_string_equal(m->status, "注销");
	assert_true(m->has_certifiable && !m->certifiable);
	in.uscc = UNKNOWN_USCC;
	assert_error(registry_handler("LookupUscc")(&e->ctx, &in.base, &out), ST_NOT_FOUND, "uscc");
	in.uscc = NULL;
	assert_error(registry_handler("LookupUscc")(&e->ctx, &in.base, &out), ST_FIELD_REQUIRED,
	             "uscc");
	e->ctx.caller = &e->caller;
}

static void test_reference(void **state)
{
	(void)state;
	assert_string_equal(registry_industry_name("A"), "农、林、牧、渔业");
	assert_string_equal(registry_industry_name("T"), "国际组织");
	assert_null(registry_industry_name("U"));
	assert_null(registry_industry_name("II"));
	assert_null(registry_industry_name(""));
	assert_null(registry_industry_name(NULL));
	assert_true(registry_status_certifiable("存续"));
	assert_true(registry_status_certifiable("在业"));
	assert_false(registry_status_certifiable("注销"));
	assert_false(registry_status_certifiable("吊销"));
	assert_false(registry_status_certifiable(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dataset_uscc_checks),
	        cmocka_unit_test(test_dataset_contents),
	        cmocka_unit_test(test_csv_parse),
	        cmocka_unit_test(test_csv_errors),
	        cmocka_unit_test(test_capital),
	        cmocka_unit_test(test_wire_path),
	        cmocka_unit_test(test_wire_parse),
	        cmocka_unit_test(test_wire_round_trip),
	        cmocka_unit_test(test_sandbox_serve),
	        cmocka_unit_test(test_provider_open),
	        cmocka_unit_test_setup_teardown(test_http_provider, server_start, server_stop),
	        cmocka_unit_test(test_http_unreachable),
	        cmocka_unit_test_setup_teardown(test_search_handler, handlers_setup,
	                                        handlers_teardown),
	        cmocka_unit_test_setup_teardown(test_lookup, handlers_setup, handlers_teardown),
	        cmocka_unit_test(test_reference),
	};
	log_setup("enterprise-test", "error");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
