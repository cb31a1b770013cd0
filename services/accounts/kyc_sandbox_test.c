/*
 * Unit tests of the identity-check providers: the wire format (request building,
 * signatures, response parsing), the sandbox's test citizens and outcomes, and the
 * http provider's libcurl transport against a local HTTP server that answers with
 * the sandbox server.
 */
#include "kyc.h"

#include "log.h"
#include "validate.h"
#include "stub_http.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
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

/* The citizens as README.md lists them; each must be valid and answer MATCH. */
struct citizen {
	const char *name, *id_number, *bank_card, *bank_phone, *carrier_phone;
	char face; /* m match, f mismatch, p pending, t timeout, e provider down */
};

static const struct citizen citizens[] = {
        {"王建国", "110105198503121015", "6222025260181590832", "15710100001", "15710200001", 'm'},
        {"李秀英", "31010419900725202X", "6217000166131860911", "15710100002", "15710200002", 'm'},
        {"张伟", "43010219881109013X", "6228483909960308244", "15710100003", "15710200003", 'm'},
        {"刘洋", "440305199202180566", "6216616281948219934", "15710100004", "15710200004", 'm'},
        {"陈静", "510107199506301240", "6225885181909375", "15710100005", "15710200005", 'm'},
        {"杨帆", "330106198709140710", "6226098657975438", "15710100006", "15710200006", 'f'},
        {"赵磊", "420106199312010359", "6212262319487574917", "15710100007", "15710200007", 'p'},
        {"黄敏", "61011319891023148X", "6222621862527601898", "15710100008", "15710200008", 't'},
        {"周杰", "13090319910405159X", "6214835559797111", "15710100009", "15710200009", 'm'},
        {"吴芳", "320106198608172228", "6227004710497465073", "15710100010", "15710200010", 'm'},
        {"郑强", "370202198405280973", "6259655291703425", "15710100011", "15710200011", 'm'},
        {"孙丽", "350203199701111864", "6236683667127684268", "15710100012", "15710200012", 'm'},
        {"何平", "500103198309201177", "6221554423232218347", "15710100013", "15710200013", 'e'},
        {"钱坤", "360102199003151236", "6228480012345678903", "15710100014", "15710200014", 'm'},
        {"林涛", "450103199003070039", "6222021000012345673", "15710100015", "15710200015", 'm'},
};
#define NCITIZENS (sizeof citizens / sizeof citizens[0])

static const struct citizen *C_MATCH = &citizens[0];
static const struct citizen *C_OTHER = &citizens[2];
static const struct citizen *C_FACE_MISMATCH = &citizens[5];
static const struct citizen *C_FACE_PENDING = &citizens[6];
static const struct citizen *C_TIMEOUT = &citizens[7];
static const struct citizen *C_DOWN = &citizens[12];
static const char UNKNOWN_ID[] = "110101198001015559"; /* valid, but nobody's */

#define SANDBOX_TIMEOUT_MS 150

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

static void assert_outcome(const kyc_result *r, enum kyc_outcome o, const char *factor)
{
	assert_int_equal(r->outcome, o);
	assert_string_equal(r->failed_factor, factor ? factor : "");
	if (factor)
		assert_true(strlen(r->reason) > 0);
}

/* ---- the citizens ----------------------------------------------------------------- */

static void test_citizens_valid(void **state)
{
	(void)state;
	char provinces[NCITIZENS][3];
	assert_true(NCITIZENS >= 8);
	for (size_t i = 0; i < NCITIZENS; i++) {
		const struct citizen *c = &citizens[i];
		assert_int_equal(validate_person_name(c->name), 0);
		assert_int_equal(validate_resident_id(c->id_number), 0);
		assert_int_equal(validate_bank_card(c->bank_card), 0);
		assert_int_equal(validate_mobile(c->bank_phone), 0);
		assert_int_equal(validate_mobile(c->carrier_phone), 0);
		assert_string_not_equal(c->bank_phone, c->carrier_phone);
		memcpy(provinces[i], c->id_number, 2);
		provinces[i][2] = '\0';
		for (size_t k = 0; k < i; k++) {
			assert_string_not_equal(provinces[k], provinces[i]); /* one per province */
			assert_string_not_equal(citizens[k].bank_phone, c->bank_phone);
			assert_string_not_equal(citizens[k].carrier_phone, c->carrier_phone);
			/* the masked forms tell the cards apart */
			assert_string_not_equal(citizens[k].bank_card +
			                                strlen(citizens[k].bank_card) - 4,
			                        c->bank_card + strlen(c->bank_card) - 4);
		}
	}
	assert_int_equal(validate_resident_id(UNKNOWN_ID), 0);
}

/* ---- wire format ------------------------------------------------------------------ */

static void test_wire_request(void **state)
{
	(void)state;
	const char *method = NULL;
	char path[64];
	char *body = NULL;
	kyc_request rq = {.name = "王建国",
	                  .id_number = "110105198503121015",
	                  .bank_card = "6222025260181590832",
	                  .phone = "15710100001"};
	assert_int_equal(
	        kyc_wire_request(KYC_CALL_BANK4, &rq, "r1", &method, path, sizeof path, &body), 0);
	assert_string_equal(method, "POST");
	assert_string_equal(path, "/bank4");
	json_t *o = json_loads(body, 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "request_id")), "r1");
	assert_string_equal(json_string_value(json_object_get(o, "name")), "王建国");
	assert_string_equal(json_string_value(json_object_get(o, "id_number")),
	                    "110105198503121015");
	assert_string_equal(json_string_value(json_object_get(o, "bank_card")),
	                    "6222025260181590832");
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "15710100001");
	assert_int_equal(json_object_size(o), 5);
	json_decref(o);
	free(body);

	assert_int_equal(
	        kyc_wire_request(KYC_CALL_CARRIER3, &rq, "r2", &method, path, sizeof path, &body),
	        0);
	assert_string_equal(path, "/carrier3");
	o = json_loads(body, 0, NULL);
	assert_null(json_object_get(o, "bank_card"));
	assert_int_equal(json_object_size(o), 4);
	json_decref(o);
	free(body);

	assert_int_equal(
	        kyc_wire_request(KYC_CALL_FACE_START, &rq, "r3", &method, path, sizeof path, &body),
	        0);
	assert_string_equal(method, "POST");
	assert_string_equal(path, "/face/sessions");
	o = json_loads(body, 0, NULL);
	assert_int_equal(json_object_size(o), 3);
	json_decref(o);
	free(body);

	kyc_request fr = {.session_id = "sbx_abc-1"};
	body = (char *)"unchanged";
	assert_int_equal(kyc_wire_request(KYC_CALL_FACE_RESULT, &fr, "r4", &method, path,
	                                  sizeof path, &body),
	                 0);
	assert_string_equal(method, "GET");
	assert_string_equal(path, "/face/sessions/sbx_abc-1");
	assert_null(body);

	/* missing facts, a session id that would change the path, text that is not UTF-8 */
	kyc_request missing = {.name = "王建国", .id_number = "110105198503121015"};
	assert_int_equal(
	        kyc_wire_request(KYC_CALL_BANK4, &missing, "r", &method, path, sizeof path, &body),
	        -1);
	assert_int_equal(kyc_wire_request(KYC_CALL_CARRIER3, &missing, "r", &method, path,
	                                  sizeof path, &body),
	                 -1);
	kyc_request evil = {.session_id = "../admin"};
	assert_int_equal(kyc_wire_request(KYC_CALL_FACE_RESULT, &evil, "r", &method, path,
	                                  sizeof path, &body),
	                 -1);
	kyc_request empty = {.session_id = ""};
	assert_int_equal(kyc_wire_request(KYC_CALL_FACE_RESULT, &empty, "r", &method, path,
	                                  sizeof path, &body),
	                 -1);
	kyc_request bad = {.name = "\xff\xfe", .id_number = "110105198503121015"};
	assert_int_equal(
	        kyc_wire_request(KYC_CALL_FACE_START, &bad, "r", &method, path, sizeof path, &body),
	        -1);
}

static void test_wire_sign(void **state)
{
	(void)state;
	char out[65];
	/* printf 'POST\n/bank4\n1700000000\nabc\n%s' "$(printf '{"a":1}' | sha256sum | cut -c1-64)"
	 *   | openssl dgst -sha256 -hmac k */
	assert_int_equal(
	        kyc_wire_sign("k", "POST", "/bank4", "1700000000", "abc", "{\"a\":1}", 7, out), 0);
	assert_string_equal(out,
	                    "7415ef4d74ec2681c6bb09c4f2cb6ca8a7531a91a160a3c9ea042df4465c1f5b");
	/* a GET signs the digest of the empty body */
	assert_int_equal(
	        kyc_wire_sign("k", "GET", "/face/sessions/s1", "1700000000", "n", NULL, 0, out), 0);
	assert_string_equal(out,
	                    "8ed2449aa4e4a825b3d0326a2b058cdffc4e6759f0e2920c8679a521e6b15f30");
}

static void parse(enum kyc_call call, long status, const char *body, kyc_result *r,
                  kyc_face_session *fs)
{
	kyc_wire_parse(call, status, body, body ? strlen(body) : 0, r, fs);
}

static void test_wire_parse_checks(void **state)
{
	(void)state;
	kyc_result r;
	parse(KYC_CALL_BANK4, 200,
	      "{\"code\":\"0000\",\"message\":\"成功\",\"data\":{\"result\":\"1\"}}", &r, NULL);
	assert_outcome(&r, KYC_MATCH, NULL);
	parse(KYC_CALL_BANK4, 200,
	      "{\"code\":\"0000\",\"data\":{\"result\":\"2\",\"mismatch\":\"bank_card\"}}", &r,
	      NULL);
	assert_outcome(&r, KYC_MISMATCH, "bank_card");
	assert_string_equal(r.reason, "银行卡号与姓名、身份证号不一致");
	parse(KYC_CALL_BANK4, 200,
	      "{\"code\":\"0000\",\"data\":{\"result\":\"2\",\"mismatch\":\"phone\"}}", &r, NULL);
	assert_outcome(&r, KYC_MISMATCH, "phone");
	assert_string_equal(r.reason, "手机号与该银行卡的预留手机号不一致");
	parse(KYC_CALL_CARRIER3, 200,
	      "{\"code\":\"0000\",\"data\":{\"result\":\"2\",\"mismatch\":\"phone\"}}", &r, NULL);
	assert_outcome(&r, KYC_MISMATCH, "phone");
	assert_string_equal(r.reason, "手机号不是该身份证号本人实名登记的号码");
	parse(KYC_CALL_CARRIER3, 200,
	      "{\"code\":\"0000\",\"data\":{\"result\":\"2\",\"mismatch\":\"name\"}}", &r, NULL);
	assert_outcome(&r, KYC_MISMATCH, "name");
	/* no record of the ID number */
	parse(KYC_CALL_CARRIER3, 200, "{\"code\":\"0000\",\"data\":{\"result\":\"3\"}}", &r, NULL);
	assert_outcome(&r, KYC_MISMATCH, "id_number");

	/* a factor the call does not check, or none, is nonsense */
	parse(KYC_CALL_CARRIER3, 200,
	      "{\"code\":\"0000\",\"data\":{\"result\":\"2\",\"mismatch\":\"bank_card\"}}", &r,
	      NULL);
	assert_outcome(&r, KYC_ERROR, NULL);
	parse(KYC_CALL_BANK4, 200, "{\"code\":\"0000\",\"data\":{\"result\":\"2\"}}", &r, NULL);
	assert_outcome(&r, KYC_ERROR, NULL);
	parse(KYC_CALL_BANK4, 200, "{\"code\":\"0000\",\"data\":{\"result\":\"9\"}}", &r, NULL);
	assert_outcome(&r, KYC_ERROR, NULL);
	parse(KYC_CALL_BANK4, 200, "{\"code\":\"0000\",\"data\":{\"result\":1}}", &r, NULL);
	assert_outcome(&r, KYC_ERROR, NULL);

	/* timeouts: the data source's, a gateway's in front of the provider */
	parse(KYC_CALL_BANK4, 200, "{\"code\":\"2001\",\"message\":\"数据源超时\"}", &r, NULL);
	assert_outcome(&r, KYC_TIMEOUT, NULL);
	parse(KYC_CALL_BANK4, 504, "<html>Gateway Timeout</html>", &r, NULL);
	assert_outcome(&r, KYC_TIMEOUT, NULL);
	parse(KYC_CALL_BANK4, 408, NULL, &r, NULL);
	assert_outcome(&r, KYC_TIMEOUT, NULL);

	/* failures and nonsense */
	static const char *const errors[] = {
	        "{\"code\":\"1001\",\"message\":\"参数错误\"}",
	        "{\"code\":\"1002\"}",
	        "{\"code\":\"2002\",\"message\":\"数据源暂不可用\"}",
	        "{\"code\":\"0000\"}",
	        "{\"code\":\"0000\",\"data\":[]}",
	        "{\"code\":0,\"data\":{\"result\":\"1\"}}",
	        "{\"data\":{\"result\":\"1\"}}",
	        "{\"code\":\"0000\",\"code\":\"0000\",\"data\":{\"result\":\"1\"}}",
	        "{\"code\":\"0000\",\"data\":{\"result\":\"1\"}",
	        "[]",
	        "",
	        "null",
	};
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
		parse(KYC_CALL_BANK4, 200, errors[i], &r, NULL);
		assert_outcome(&r, KYC_ERROR, NULL);
	}
	parse(KYC_CALL_BANK4, 200, NULL, &r, NULL);
	assert_outcome(&r, KYC_ERROR, NULL);
	/* a good body with an HTTP error status is not trusted */
	parse(KYC_CALL_BANK4, 500, "{\"code\":\"0000\",\"data\":{\"result\":\"1\"}}", &r, NULL);
	assert_outcome(&r, KYC_ERROR, NULL);
	/* a body with a NUL inside is not JSON */
	kyc_wire_parse(KYC_CALL_BANK4, 200, "{\"code\":\"0000\"}\0x", 18, &r, NULL);
	assert_outcome(&r, KYC_ERROR, NULL);
}

static void test_wire_parse_face(void **state)
{
	(void)state;
	kyc_result r;
	kyc_face_session fs;
	memset(&fs, 0, sizeof fs);
	parse(KYC_CALL_FACE_START, 200,
	      "{\"code\":\"0000\",\"data\":{\"session_id\":\"s-1_a\",\"url\":\"https://p.example/"
	      "h5/face/s-1_a\"}}",
	      &r, &fs);
	assert_outcome(&r, KYC_MATCH, NULL);
	assert_string_equal(fs.id, "s-1_a");
	assert_string_equal(fs.url, "https://p.example/h5/face/s-1_a");

	static const char *const bad_starts[] = {
	        "{\"code\":\"0000\",\"data\":{\"session_id\":\"s 1\",\"url\":\"https://p/x\"}}",
	        "{\"code\":\"0000\",\"data\":{\"session_id\":\"s1\",\"url\":\"javascript:alert(1)"
	        "\"}}",
	        "{\"code\":\"0000\",\"data\":{\"session_id\":\"s1\"}}",
	        "{\"code\":\"0000\",\"data\":{\"url\":\"https://p/x\"}}",
	        "{\"code\":\"0000\",\"data\":{\"session_id\":"
	        "\"s123456789012345678901234567890123456"
	        "78901234567890123456789012345\",\"url\":\"https://p/x\"}}",
	};
	for (size_t i = 0; i < sizeof bad_starts / sizeof bad_starts[0]; i++) {
		parse(KYC_CALL_FACE_START, 200, bad_starts[i], &r, &fs);
		assert_outcome(&r, KYC_ERROR, NULL);
	}

	parse(KYC_CALL_FACE_RESULT, 200, "{\"code\":\"0000\",\"data\":{\"status\":\"pending\"}}",
	      &r, NULL);
	assert_outcome(&r, KYC_PENDING, NULL);
	parse(KYC_CALL_FACE_RESULT, 200,
	      "{\"code\":\"0000\",\"data\":{\"status\":\"done\",\"result\":\"1\"}}", &r, NULL);
	assert_outcome(&r, KYC_MATCH, NULL);
	parse(KYC_CALL_FACE_RESULT, 200,
	      "{\"code\":\"0000\",\"data\":{\"status\":\"done\",\"result\":\"2\",\"mismatch\":"
	      "\"face\"}}",
	      &r, NULL);
	assert_outcome(&r, KYC_MISMATCH, "face");
	assert_string_equal(r.reason, "人脸比对不一致，请本人重新进行人脸识别");
	parse(KYC_CALL_FACE_RESULT, 200,
	      "{\"code\":\"0000\",\"data\":{\"status\":\"done\",\"result\":\"2\",\"mismatch\":"
	      "\"bank_card\"}}",
	      &r, NULL);
	assert_outcome(&r, KYC_ERROR, NULL);
	/* a result without "done" is not final */
	parse(KYC_CALL_FACE_RESULT, 200, "{\"code\":\"0000\",\"data\":{\"result\":\"1\"}}", &r,
	      NULL);
	assert_outcome(&r, KYC_ERROR, NULL);
	parse(KYC_CALL_FACE_RESULT, 404, "{\"code\":\"1003\"}", &r, NULL);
	assert_outcome(&r, KYC_ERROR, NULL);
}

/* ---- the sandbox provider ------------------------------------------------------------ */

static int open_sandbox(void **state)
{
	kyc_provider *p = NULL;
	kyc_settings set = {.provider = KYC_PROVIDER_SANDBOX, .timeout_ms = SANDBOX_TIMEOUT_MS};
	if (kyc_provider_open(&set, &p) != 0)
		return -1;
	*state = p;
	return 0;
}

static int close_provider(void **state)
{
	kyc_provider_close(*state);
	return 0;
}

static void test_sandbox_bank4(void **state)
{
	kyc_provider *p = *state;
	kyc_result r;
	for (size_t i = 0; i < NCITIZENS; i++) {
		const struct citizen *c = &citizens[i];
		if (c->face == 't' || c->face == 'e')
			continue;
		assert_int_equal(
		        kyc_bank4(p, c->name, c->id_number, c->bank_card, c->bank_phone, &r), 0);
		assert_outcome(&r, KYC_MATCH, NULL);
	}
	const struct citizen *c = C_MATCH;
	kyc_bank4(p, "王建军", c->id_number, c->bank_card, c->bank_phone, &r);
	assert_outcome(&r, KYC_MISMATCH, "name");
	kyc_bank4(p, c->name, UNKNOWN_ID, c->bank_card, c->bank_phone, &r);
	assert_outcome(&r, KYC_MISMATCH, "id_number");
	kyc_bank4(p, c->name, c->id_number, C_OTHER->bank_card, c->bank_phone, &r);
	assert_outcome(&r, KYC_MISMATCH, "bank_card");
	kyc_bank4(p, c->name, c->id_number, c->bank_card, c->carrier_phone, &r);
	assert_outcome(&r, KYC_MISMATCH, "phone");
	/* the name is checked first */
	kyc_bank4(p, "王建军", c->id_number, C_OTHER->bank_card, C_OTHER->bank_phone, &r);
	assert_outcome(&r, KYC_MISMATCH, "name");
	kyc_bank4(p, C_DOWN->name, C_DOWN->id_number, C_DOWN->bank_card, C_DOWN->bank_phone, &r);
	assert_outcome(&r, KYC_ERROR, NULL);
	assert_int_equal(kyc_bank4(p, c->name, c->id_number, NULL, c->bank_phone, &r), -1);
}

static void test_sandbox_carrier3(void **state)
{
	kyc_provider *p = *state;
	kyc_result r;
	const struct citizen *c = &citizens[3];
	kyc_carrier3(p, c->name, c->id_number, c->carrier_phone, &r);
	assert_outcome(&r, KYC_MATCH, NULL);
	kyc_carrier3(p, c->name, c->id_number, c->bank_phone, &r);
	assert_outcome(&r, KYC_MISMATCH, "phone");
	kyc_carrier3(p, c->name, c->id_number, "15710300001", &r);
	assert_outcome(&r, KYC_MISMATCH, "phone");
	kyc_carrier3(p, "刘阳", c->id_number, c->carrier_phone, &r);
	assert_outcome(&r, KYC_MISMATCH, "name");
	kyc_carrier3(p, c->name, UNKNOWN_ID, c->carrier_phone, &r);
	assert_outcome(&r, KYC_MISMATCH, "id_number");
}

/* A check's request_id is its idempotency key: sent again, the first answer comes back
 * and nothing more is billed (a retry after a failed save never pays twice). */
static void test_sandbox_request_id(void **state)
{
	kyc_provider *p = *state;
	kyc_result r;
	const struct citizen *c = C_MATCH;
	kyc_request rq = {.name = c->name, .id_number = c->id_number, .phone = c->carrier_phone};
	long before = kyc_sandbox_billed();
	assert_int_equal(kyc_check_as(p, &rq, "verification-1", &r), 0);
	assert_outcome(&r, KYC_MATCH, NULL);
	assert_int_equal(kyc_sandbox_billed(), before + 1);
	/* the same request_id with other facts: the first answer, not billed again */
	kyc_request other = {
	        .name = "王建军", .id_number = c->id_number, .phone = c->carrier_phone};
	assert_int_equal(kyc_check_as(p, &other, "verification-1", &r), 0);
	assert_outcome(&r, KYC_MATCH, NULL);
	assert_int_equal(kyc_sandbox_billed(), before + 1);
	/* another request_id is another check */
	assert_int_equal(kyc_check_as(p, &other, "verification-2", &r), 0);
	assert_outcome(&r, KYC_MISMATCH, "name");
	assert_int_equal(kyc_sandbox_billed(), before + 2);
	/* bank4 under a carrier3 request_id is another call */
	kyc_request b4 = {.name = c->name,
	                  .id_number = c->id_number,
	                  .bank_card = c->bank_card,
	                  .phone = c->bank_phone};
	assert_int_equal(kyc_check_as(p, &b4, "verification-1", &r), 0);
	assert_outcome(&r, KYC_MATCH, NULL);
	assert_int_equal(kyc_sandbox_billed(), before + 3);
	assert_int_equal(kyc_check_as(p, &rq, NULL, &r), -1);
	assert_int_equal(kyc_check_as(p, &rq, "", &r), -1);
}

static void test_sandbox_timeout(void **state)
{
	kyc_provider *p = *state;
	kyc_result r;
	struct timespec t0;
	const struct citizen *c = C_TIMEOUT;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kyc_bank4(p, c->name, c->id_number, c->bank_card, c->bank_phone, &r);
	assert_outcome(&r, KYC_TIMEOUT, NULL);
	assert_true(elapsed_ms(&t0) >= SANDBOX_TIMEOUT_MS);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kyc_carrier3(p, c->name, c->id_number, c->carrier_phone, &r);
	assert_outcome(&r, KYC_TIMEOUT, NULL);
	assert_true(elapsed_ms(&t0) >= SANDBOX_TIMEOUT_MS);
	/* a face session starts, its result never comes */
	char sid[65], url[512];
	assert_int_equal(
	        kyc_face_start(p, c->name, c->id_number, sid, sizeof sid, url, sizeof url, &r), 0);
	assert_outcome(&r, KYC_MATCH, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kyc_face_result(p, sid, &r);
	assert_outcome(&r, KYC_TIMEOUT, NULL);
	assert_true(elapsed_ms(&t0) >= SANDBOX_TIMEOUT_MS);
}

/* The outcome of a face session for name + id_number. */
static void face(kyc_provider *p, const char *name, const char *id_number, kyc_result *r)
{
	char sid[65], url[512];
	assert_int_equal(kyc_face_start(p, name, id_number, sid, sizeof sid, url, sizeof url, r),
	                 0);
	assert_outcome(r, KYC_MATCH, NULL);
	assert_true(strncmp(url, "https://kyc-sandbox.invalid/h5/face/", 36) == 0);
	assert_string_equal(url + 36, sid);
	assert_int_equal(kyc_face_result(p, sid, r), 0);
}

static void test_sandbox_face(void **state)
{
	kyc_provider *p = *state;
	kyc_result r;
	face(p, C_MATCH->name, C_MATCH->id_number, &r);
	assert_outcome(&r, KYC_MATCH, NULL);
	face(p, C_FACE_MISMATCH->name, C_FACE_MISMATCH->id_number, &r);
	assert_outcome(&r, KYC_MISMATCH, "face");
	face(p, C_FACE_PENDING->name, C_FACE_PENDING->id_number, &r);
	assert_outcome(&r, KYC_PENDING, NULL);
	face(p, "王建军", C_MATCH->id_number, &r);
	assert_outcome(&r, KYC_MISMATCH, "name");
	face(p, C_MATCH->name, UNKNOWN_ID, &r);
	assert_outcome(&r, KYC_MISMATCH, "id_number");
	face(p, C_DOWN->name, C_DOWN->id_number, &r);
	assert_outcome(&r, KYC_ERROR, NULL);
	/* sessions the sandbox never handed out */
	kyc_face_result(p, "sbx_000000000000000000000000_x", &r);
	assert_outcome(&r, KYC_ERROR, NULL);
	kyc_face_result(p, "other", &r);
	assert_outcome(&r, KYC_ERROR, NULL);
	assert_int_equal(kyc_face_result(p, "a/b", &r), -1);
	/* a session id that does not fit the caller's buffer */
	char small[8], url[512];
	kyc_face_start(p, C_MATCH->name, C_MATCH->id_number, small, sizeof small, url, sizeof url,
	               &r);
	assert_outcome(&r, KYC_ERROR, NULL);
}

/* The sandbox server refuses a request whose signature does not verify. */
static void test_sandbox_signature(void **state)
{
	(void)state;
	char sig[65], ts[24];
	const char *body = "{\"request_id\":\"r\",\"name\":\"王建国\",\"id_number\":"
	                   "\"110105198503121015\",\"phone\":\"15710200001\"}";
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	kyc_wire_sign("wrong", "POST", "/carrier3", ts, "n1", body, strlen(body), sig);
	kyc_exchange x = {.method = "POST",
	                  .path = "/carrier3",
	                  .body = body,
	                  .body_len = strlen(body),
	                  .app_id = "sandbox",
	                  .timestamp = ts,
	                  .nonce = "n1",
	                  .signature = sig};
	kyc_sandbox_serve(KYC_SANDBOX_SECRET, "https://x", 10, &x);
	assert_int_equal(x.status, 401);
	assert_non_null(strstr(x.resp_body, "\"1002\""));
	free(x.resp_body);

	/* the right key, but a stale timestamp */
	kyc_wire_sign(KYC_SANDBOX_SECRET, "POST", "/carrier3", "1700000000", "n1", body,
	              strlen(body), sig);
	x = (kyc_exchange){.method = "POST",
	                   .path = "/carrier3",
	                   .body = body,
	                   .body_len = strlen(body),
	                   .timestamp = "1700000000",
	                   .nonce = "n1",
	                   .signature = sig};
	kyc_sandbox_serve(KYC_SANDBOX_SECRET, "https://x", 10, &x);
	assert_int_equal(x.status, 401);
	free(x.resp_body);

	/* signed right: the answer is signed over the request's nonce */
	kyc_wire_sign(KYC_SANDBOX_SECRET, "POST", "/carrier3", ts, "n1", body, strlen(body), sig);
	x = (kyc_exchange){.method = "POST",
	                   .path = "/carrier3",
	                   .body = body,
	                   .body_len = strlen(body),
	                   .timestamp = ts,
	                   .nonce = "n1",
	                   .signature = sig};
	kyc_sandbox_serve(KYC_SANDBOX_SECRET, "https://x", 10, &x);
	assert_int_equal(x.status, 200);
	char want[65];
	kyc_wire_sign(KYC_SANDBOX_SECRET, "RESPONSE", "/carrier3", x.resp_timestamp, "n1",
	              x.resp_body, x.resp_len, want);
	assert_string_equal(x.resp_signature, want);
	kyc_result r;
	kyc_wire_parse(KYC_CALL_CARRIER3, x.status, x.resp_body, x.resp_len, &r, NULL);
	assert_outcome(&r, KYC_MATCH, NULL);
	assert_non_null(strstr(x.resp_body, "\"request_id\":\"r\""));
	free(x.resp_body);

	/* a path it does not serve */
	kyc_wire_sign(KYC_SANDBOX_SECRET, "POST", "/bank5", ts, "n1", body, strlen(body), sig);
	x = (kyc_exchange){.method = "POST",
	                   .path = "/bank5",
	                   .body = body,
	                   .body_len = strlen(body),
	                   .timestamp = ts,
	                   .nonce = "n1",
	                   .signature = sig};
	kyc_sandbox_serve(KYC_SANDBOX_SECRET, "https://x", 10, &x);
	assert_int_equal(x.status, 404);
	free(x.resp_body);
}

static void test_provider_open(void **state)
{
	(void)state;
	kyc_provider *p = NULL;
	kyc_settings s = {.provider = KYC_PROVIDER_SANDBOX, .url = "", .timeout_ms = 0};
	assert_int_equal(kyc_provider_open(&s, &p), -1);
	/* http needs a URL and credentials */
	s = (kyc_settings){.provider = KYC_PROVIDER_HTTP, .url = "", .timeout_ms = 1000};
	assert_int_equal(kyc_provider_open(&s, &p), -1);
	s.url = "ftp://x";
	assert_int_equal(kyc_provider_open(&s, &p), -1);
	s.url = "https://kyc.example";
	assert_int_equal(kyc_provider_open(&s, &p), -1);
	s.app_id = "app";
	s.secret = "";
	assert_int_equal(kyc_provider_open(&s, &p), -1);
	s.secret = "s3cret";
	s.url = "https://kyc.example/";
	assert_int_equal(kyc_provider_open(&s, &p), 0);
	kyc_provider_close(p);
	/* production: plain http refused; the sandbox only when chosen explicitly */
	s.production = 1;
	s.url = "http://kyc.example";
	assert_int_equal(kyc_provider_open(&s, &p), -1);
	s = (kyc_settings){.provider = -1, .url = "", .timeout_ms = 1000, .production = 1};
	assert_int_equal(kyc_provider_open(&s, &p), -1);
	s.provider = KYC_PROVIDER_SANDBOX;
	assert_int_equal(kyc_provider_open(&s, &p), 0);
	kyc_provider_close(p);
	/* development: the sandbox is the default */
	s.production = 0;
	s.provider = -1;
	assert_int_equal(kyc_provider_open(&s, &p), 0);
	kyc_provider_close(p);
}

/* ---- the http provider against a local server ----------------------------------------- */

struct server {
	stub_http *stub;
	int port;
	volatile int stop;   /* ends a silent answer's wait */
	volatile int tamper; /* change the body after signing */
	volatile int silent; /* read the request, never answer */
	char base[64];
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

static void serve_one(struct server *s, int c)
{
	char buf[8192];
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
	if (!end)
		return;
	*end = '\0';
	char *body = end + 4;
	char clen[16], ts[24], nonce[65], sig[80], app[64], method[8], path[128];
	header_value(buf, "Content-Length", clen, sizeof clen);
	size_t want = clen[0] ? strtoul(clen, NULL, 10) : 0;
	while ((size_t)(buf + n - body) < want && n < sizeof buf - 1) {
		ssize_t got = read(c, buf + n, sizeof buf - 1 - n);
		if (got <= 0)
			return;
		n += (size_t)got;
	}
	buf[n] = '\0';
	if (sscanf(buf, "%7s %127s", method, path) != 2)
		return;
	header_value(buf, "X-KYC-Timestamp", ts, sizeof ts);
	header_value(buf, "X-KYC-Nonce", nonce, sizeof nonce);
	header_value(buf, "X-KYC-Signature", sig, sizeof sig);
	header_value(buf, "X-KYC-App-Id", app, sizeof app);
	if (s->silent) {
		while (!s->stop && read(c, buf, sizeof buf) > 0)
			;
		return;
	}
	kyc_exchange x = {.method = method,
	                  .path = path,
	                  .body = want ? body : NULL,
	                  .body_len = want,
	                  .app_id = app,
	                  .timestamp = ts,
	                  .nonce = nonce,
	                  .signature = sig};
	kyc_sandbox_serve(KYC_SANDBOX_SECRET, s->base, 100, &x);
	if (!x.timed_out) {
		char head[512];
		if (s->tamper && x.resp_len > 0)
			x.resp_body[x.resp_len - 2] = ' ';
		int h = snprintf(head, sizeof head,
		                 "HTTP/1.1 %ld X\r\nContent-Type: application/json\r\n"
		                 "Content-Length: %zu\r\nX-KYC-Timestamp: %s\r\n"
		                 "x-kyc-signature: %s\r\nConnection: close\r\n\r\n",
		                 x.status, x.resp_len, x.resp_timestamp, x.resp_signature);
		if (write(c, head, (size_t)h) != h || write(c, x.resp_body, x.resp_len) < 0)
			fprintf(stderr, "test server: write failed\n");
	}
	free(x.resp_body);
}

/* The stub server's callback: one connection. */
static void serve_conn(int c, void *arg) { serve_one(arg, c); }

static int server_start(void **state)
{
	struct server *s = calloc(1, sizeof *s);
	if (!s || !(s->stub = stub_http_start(serve_conn, s, &s->port)))
		return -1;
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
	*state = s;
	return 0;
}

static int server_stop(void **state)
{
	struct server *s = *state;
	s->stop = 1;
	stub_http_stop(s->stub);
	free(s);
	return 0;
}

static kyc_provider *open_http(const char *base, const char *secret, long timeout_ms)
{
	kyc_provider *p = NULL;
	kyc_settings set = {.provider = KYC_PROVIDER_HTTP,
	                    .url = base,
	                    .app_id = "test-app",
	                    .secret = secret,
	                    .timeout_ms = timeout_ms};
	assert_int_equal(kyc_provider_open(&set, &p), 0);
	return p;
}

static void test_http_checks(void **state)
{
	struct server *s = *state;
	kyc_provider *p = open_http(s->base, KYC_SANDBOX_SECRET, 2000);
	kyc_result r;
	const struct citizen *c = C_MATCH;
	kyc_bank4(p, c->name, c->id_number, c->bank_card, c->bank_phone, &r);
	assert_outcome(&r, KYC_MATCH, NULL);
	kyc_bank4(p, c->name, c->id_number, C_OTHER->bank_card, c->bank_phone, &r);
	assert_outcome(&r, KYC_MISMATCH, "bank_card");
	kyc_carrier3(p, c->name, c->id_number, c->carrier_phone, &r);
	assert_outcome(&r, KYC_MATCH, NULL);
	kyc_carrier3(p, c->name, UNKNOWN_ID, c->carrier_phone, &r);
	assert_outcome(&r, KYC_MISMATCH, "id_number");

	char sid[65], url[512];
	kyc_face_start(p, C_FACE_MISMATCH->name, C_FACE_MISMATCH->id_number, sid, sizeof sid, url,
	               sizeof url, &r);
	assert_outcome(&r, KYC_MATCH, NULL);
	assert_true(strncmp(url, s->base, strlen(s->base)) == 0);
	kyc_face_result(p, sid, &r);
	assert_outcome(&r, KYC_MISMATCH, "face");
	kyc_face_result(p, "nobody", &r);
	assert_outcome(&r, KYC_ERROR, NULL);

	/* a data source timeout inside the provider (the server's own wait) */
	kyc_bank4(p, C_TIMEOUT->name, C_TIMEOUT->id_number, C_TIMEOUT->bank_card,
	          C_TIMEOUT->bank_phone, &r);
	assert_int_equal(r.outcome == KYC_TIMEOUT || r.outcome == KYC_ERROR, 1);
	kyc_provider_close(p);
}

static void test_http_signatures(void **state)
{
	struct server *s = *state;
	kyc_result r;
	const struct citizen *c = C_MATCH;
	/* a client with the wrong key: the server refuses, the client cannot trust the refusal */
	kyc_provider *p = open_http(s->base, "not-the-key", 2000);
	kyc_bank4(p, c->name, c->id_number, c->bank_card, c->bank_phone, &r);
	assert_outcome(&r, KYC_ERROR, NULL);
	kyc_provider_close(p);
	/* a body changed after signing */
	p = open_http(s->base, KYC_SANDBOX_SECRET, 2000);
	s->tamper = 1;
	kyc_bank4(p, c->name, c->id_number, c->bank_card, c->bank_phone, &r);
	s->tamper = 0;
	assert_outcome(&r, KYC_ERROR, NULL);
	kyc_provider_close(p);
}

static void test_http_timeout(void **state)
{
	struct server *s = *state;
	kyc_result r;
	struct timespec t0;
	const struct citizen *c = C_MATCH;
	kyc_provider *p = open_http(s->base, KYC_SANDBOX_SECRET, 200);
	s->silent = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kyc_bank4(p, c->name, c->id_number, c->bank_card, c->bank_phone, &r);
	long ms = elapsed_ms(&t0);
	s->silent = 0;
	assert_outcome(&r, KYC_TIMEOUT, NULL);
	assert_true(ms >= 200 && ms < 2000);
	kyc_provider_close(p);
}

static void test_http_unreachable(void **state)
{
	(void)state;
	kyc_result r;
	/* a port nobody listens on: bind one, note it, close it */
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d", ntohs(a.sin_port));
	kyc_provider *p = open_http(base, KYC_SANDBOX_SECRET, 1000);
	kyc_carrier3(p, C_MATCH->name, C_MATCH->id_number, C_MATCH->carrier_phone, &r);
	assert_outcome(&r, KYC_ERROR, NULL);
	kyc_provider_close(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_citizens_valid),
	        cmocka_unit_test(test_wire_request),
	        cmocka_unit_test(test_wire_sign),
	        cmocka_unit_test(test_wire_parse_checks),
	        cmocka_unit_test(test_wire_parse_face),
	        cmocka_unit_test_setup_teardown(test_sandbox_bank4, open_sandbox, close_provider),
	        cmocka_unit_test_setup_teardown(test_sandbox_carrier3, open_sandbox,
	                                        close_provider),
	        cmocka_unit_test_setup_teardown(test_sandbox_request_id, open_sandbox,
	                                        close_provider),
	        cmocka_unit_test_setup_teardown(test_sandbox_timeout, open_sandbox, close_provider),
	        cmocka_unit_test_setup_teardown(test_sandbox_face, open_sandbox, close_provider),
	        cmocka_unit_test(test_sandbox_signature),
	        cmocka_unit_test(test_provider_open),
	        cmocka_unit_test_setup_teardown(test_http_checks, server_start, server_stop),
	        cmocka_unit_test_setup_teardown(test_http_signatures, server_start, server_stop),
	        cmocka_unit_test_setup_teardown(test_http_timeout, server_start, server_stop),
	        cmocka_unit_test(test_http_unreachable),
	};
	log_setup("accounts-test", "error");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
