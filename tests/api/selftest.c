/*
 * api-test --self-test: every matcher operator against values it must and must
 * not match, the diagnostics' paths, variable substitution and lookup, which
 * case shapes are accepted, the status and status_counts checks, the output
 * lines shown for a failed command, hex and base64 decoding, multipart bodies
 * and the checks on a body's raw bytes.
 */
#include "selftest.h"

#include "bytes.h"
#include "expect.h"
#include "match.h"
#include "multipart.h"
#include "proc.h"
#include "vars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct match_check {
	const char *what;
	const char *pattern;
	const char *actual; /* NULL: the value is absent */
	int want;           /* MATCH_OK, MATCH_FAIL or MATCH_BAD_PATTERN */
};

static const struct match_check match_checks[] = {
        {"equal strings match", "\"湖南省\"", "\"湖南省\"", MATCH_OK},
        {"different strings do not", "\"湖南省\"", "\"湖北省\"", MATCH_FAIL},
        {"a string does not match a number", "\"1\"", "1", MATCH_FAIL},
        {"equal integers match", "200", "200", MATCH_OK},
        {"an integer matches the same real", "1", "1.0", MATCH_OK},
        {"different numbers do not", "100", "101", MATCH_FAIL},
        {"true matches true", "true", "true", MATCH_OK},
        {"true does not match false", "true", "false", MATCH_FAIL},
        {"null matches null", "null", "null", MATCH_OK},
        {"null does not match a missing key", "{\"a\":null}", "{}", MATCH_FAIL},
        {"null does not match 0", "null", "0", MATCH_FAIL},
        {"an object pattern allows extra keys", "{\"a\":1}", "{\"a\":1,\"b\":2}", MATCH_OK},
        {"an object pattern needs its keys", "{\"a\":1,\"c\":3}", "{\"a\":1,\"b\":2}", MATCH_FAIL},
        {"an object pattern does not match an array", "{}", "[]", MATCH_FAIL},
        {"nested objects match", "{\"a\":{\"b\":[1,{\"c\":\"x\"}]}}",
         "{\"a\":{\"b\":[1,{\"c\":\"x\",\"d\":0}]},\"e\":1}", MATCH_OK},
        {"an array pattern matches element by element", "[1,\"a\",{\"k\":true}]",
         "[1,\"a\",{\"k\":true,\"z\":1}]", MATCH_OK},
        {"an array pattern needs equal length", "[1,2]", "[1,2,3]", MATCH_FAIL},
        {"an array pattern checks order", "[1,2]", "[2,1]", MATCH_FAIL},
        {"an empty array matches only an empty array", "[]", "[0]", MATCH_FAIL},
        {"$any matches any present value", "{\"a\":\"$any\"}", "{\"a\":null}", MATCH_OK},
        {"$any fails on a missing key", "{\"a\":\"$any\"}", "{\"b\":1}", MATCH_FAIL},
        {"$absent matches a missing key", "{\"password\":\"$absent\"}", "{\"name\":\"x\"}",
         MATCH_OK},
        {"$absent fails on a present key", "{\"password\":\"$absent\"}", "{\"password\":\"\"}",
         MATCH_FAIL},
        {"$absent fails on a present null", "{\"a\":\"$absent\"}", "{\"a\":null}", MATCH_FAIL},
        {"$nonempty matches a string", "\"$nonempty\"", "\"x\"", MATCH_OK},
        {"$nonempty matches an array", "\"$nonempty\"", "[0]", MATCH_OK},
        {"$nonempty fails on an empty string", "\"$nonempty\"", "\"\"", MATCH_FAIL},
        {"$nonempty fails on an empty array", "\"$nonempty\"", "[]", MATCH_FAIL},
        {"$nonempty fails on a number", "\"$nonempty\"", "5", MATCH_FAIL},
        {"$nonempty fails on a missing key", "{\"a\":\"$nonempty\"}", "{}", MATCH_FAIL},
        {"$re matches a string", "\"$re:^PO[0-9]{11}$\"", "\"PO20210218001\"", MATCH_OK},
        {"$re is unanchored unless told", "\"$re:[0-9]+\"", "\"ab12cd\"", MATCH_OK},
        {"$re fails on a non-matching string", "\"$re:^PO[0-9]{11}$\"", "\"PO2021\"", MATCH_FAIL},
        {"$re fails on a number", "\"$re:^[0-9]+$\"", "123", MATCH_FAIL},
        {"$re matches UTF-8 text", "\"$re:^湖南\"", "\"湖南省\"", MATCH_OK},
        {"$re with a bad regex is a pattern error", "\"$re:([a-z\"", "\"a\"", MATCH_BAD_PATTERN},
        {"$$ escapes a literal dollar", "\"$$100\"", "\"$100\"", MATCH_OK},
        {"$$ compares the unescaped text", "\"$$100\"", "\"$$100\"", MATCH_FAIL},
        {"an unknown string operator is a pattern error", "\"$anything\"", "\"x\"",
         MATCH_BAD_PATTERN},
        {"$contains finds a matching element", "{\"$contains\":{\"code\":\"430100\"}}",
         "[{\"code\":\"430200\"},{\"code\":\"430100\",\"name\":\"长沙市\"}]", MATCH_OK},
        {"$contains fails when no element matches", "{\"$contains\":{\"code\":\"110000\"}}",
         "[{\"code\":\"430200\"},{\"code\":\"430100\"}]", MATCH_FAIL},
        {"$contains fails on an empty array", "{\"$contains\":1}", "[]", MATCH_FAIL},
        {"$contains fails on an object", "{\"$contains\":1}", "{\"a\":1}", MATCH_FAIL},
        {"$contains on a string finds text", "{\"$contains\":\"长沙\"}", "\"湖南省长沙市\"",
         MATCH_OK},
        {"$contains on a string fails without the text", "{\"$contains\":\"株洲\"}",
         "\"湖南省长沙市\"", MATCH_FAIL},
        {"$contains passes a pattern error up", "{\"$contains\":\"$bogus\"}", "[1]",
         MATCH_BAD_PATTERN},
        {"$len counts array elements", "{\"$len\":3}", "[1,2,3]", MATCH_OK},
        {"$len fails on another array length", "{\"$len\":2}", "[1,2,3]", MATCH_FAIL},
        {"$len counts code points, not bytes", "{\"$len\":3}", "\"湖南省\"", MATCH_OK},
        {"$len fails on another string length", "{\"$len\":9}", "\"湖南省\"", MATCH_FAIL},
        {"$len fails on a number", "{\"$len\":1}", "7", MATCH_FAIL},
        {"$len with a negative length is a pattern error", "{\"$len\":-1}", "[]",
         MATCH_BAD_PATTERN},
        {"$each matches every element", "{\"$each\":{\"parent\":\"43\"}}",
         "[{\"parent\":\"43\",\"c\":1},{\"parent\":\"43\"}]", MATCH_OK},
        {"$each fails on one bad element", "{\"$each\":{\"parent\":\"43\"}}",
         "[{\"parent\":\"43\"},{\"parent\":\"44\"}]", MATCH_FAIL},
        {"$each holds for an empty array", "{\"$each\":1}", "[]", MATCH_OK},
        {"$each fails on a non-array", "{\"$each\":1}", "1", MATCH_FAIL},
        {"$all needs every pattern",
         "{\"$all\":[\"$nonempty\",{\"$each\":{\"$type\":\"integer\"}}]}", "[1,2]", MATCH_OK},
        {"$all fails when one pattern fails", "{\"$all\":[\"$nonempty\",{\"$each\":1}]}", "[]",
         MATCH_FAIL},
        {"$gte and $lte bound a number", "{\"$gte\":1,\"$lte\":100}", "20", MATCH_OK},
        {"$gte fails below", "{\"$gte\":1}", "0", MATCH_FAIL},
        {"$lte fails above", "{\"$lte\":100}", "101", MATCH_FAIL},
        {"$gte fails on a string", "{\"$gte\":1}", "\"5\"", MATCH_FAIL},
        {"$type integer matches an integer", "{\"$type\":\"integer\"}", "150000", MATCH_OK},
        {"$type integer fails on a real", "{\"$type\":\"integer\"}", "1.5", MATCH_FAIL},
        {"$type number matches a real", "{\"$type\":\"number\"}", "1.5", MATCH_OK},
        {"$type string fails on null", "{\"$type\":\"string\"}", "null", MATCH_FAIL},
        {"an unknown $type is a pattern error", "{\"$type\":\"date\"}", "\"x\"", MATCH_BAD_PATTERN},
        {"an unknown object operator is a pattern error", "{\"$size\":1}", "[1]",
         MATCH_BAD_PATTERN},
        {"operators mixed with keys are a pattern error", "{\"$len\":1,\"a\":1}", "{\"a\":1}",
         MATCH_BAD_PATTERN},
        {"an operator object fails on a missing key", "{\"a\":{\"$len\":0}}", "{}", MATCH_FAIL},
};

struct shape_check {
	const char *what;
	const char *json; /* a case */
	int ok;           /* 1: accepted; 0: a bad case */
};

static const struct shape_check shape_checks[] = {
        {"a plain request is accepted", "{\"path\":\"/x\",\"expect\":{\"status\":200}}", 1},
        {"a malformed expect.status is refused",
         "{\"path\":\"/x\",\"expect\":{\"status\":\"200\"}}", 0},
        {"an empty status list is refused", "{\"path\":\"/x\",\"expect\":{\"status\":[]}}", 0},
        {"parallel with status and status_counts is accepted",
         "{\"path\":\"/x\",\"parallel\":2,\"expect\":{\"status\":[201,409],"
         "\"status_counts\":{\"201\":1,\"409\":1}}}",
         1},
        {"parallel 32 is accepted", "{\"path\":\"/x\",\"parallel\":32}", 1},
        {"parallel 1 is refused", "{\"path\":\"/x\",\"parallel\":1}", 0},
        {"parallel 33 is refused", "{\"path\":\"/x\",\"parallel\":33}", 0},
        {"parallel as a string is refused", "{\"path\":\"/x\",\"parallel\":\"2\"}", 0},
        {"parallel with expect.json is refused",
         "{\"path\":\"/x\",\"parallel\":2,\"expect\":{\"json\":{}}}", 0},
        {"parallel with expect.headers is refused",
         "{\"path\":\"/x\",\"parallel\":2,\"expect\":{\"headers\":{}}}", 0},
        {"parallel with expect.body_contains is refused",
         "{\"path\":\"/x\",\"parallel\":2,\"expect\":{\"body_contains\":\"a\"}}", 0},
        {"parallel with save is refused",
         "{\"path\":\"/x\",\"parallel\":2,\"save\":{\"a\":\"id\"}}", 0},
        {"parallel with until_ms is refused", "{\"path\":\"/x\",\"parallel\":2,\"until_ms\":1000}",
         0},
        {"status_counts without parallel is refused",
         "{\"path\":\"/x\",\"expect\":{\"status_counts\":{\"200\":1}}}", 0},
        {"status_counts adding up past parallel is refused",
         "{\"path\":\"/x\",\"parallel\":2,\"expect\":{\"status_counts\":{\"201\":2,\"409\":1}}}",
         0},
        {"status_counts with a key that is no status is refused",
         "{\"path\":\"/x\",\"parallel\":2,\"expect\":{\"status_counts\":{\"2xx\":1}}}", 0},
        {"status_counts with a status past 599 is refused",
         "{\"path\":\"/x\",\"parallel\":2,\"expect\":{\"status_counts\":{\"600\":1}}}", 0},
        {"status_counts with a negative count is refused",
         "{\"path\":\"/x\",\"parallel\":2,\"expect\":{\"status_counts\":{\"201\":-1}}}", 0},
        {"an empty status_counts is refused",
         "{\"path\":\"/x\",\"parallel\":2,\"expect\":{\"status_counts\":{}}}", 0},
        {"exec alone is accepted", "{\"exec\":\"true\"}", 1},
        {"exec with expect.exit and a timeout is accepted",
         "{\"exec\":\"exit 3\",\"exec_timeout_ms\":1000,\"expect\":{\"exit\":3}}", 1},
        {"an empty exec is refused", "{\"exec\":\"\"}", 0},
        {"exec with path is refused", "{\"exec\":\"true\",\"path\":\"/x\"}", 0},
        {"exec saving its output is accepted",
         "{\"exec\":\"echo 1\",\"save\":{\"a\":\"output\",\"b\":\"output_json\"}}", 1},
        {"exec saving a path of a body is refused", "{\"exec\":\"true\",\"save\":{\"a\":\"id\"}}",
         0},
        {"exec with a body is refused", "{\"exec\":\"true\",\"body\":{}}", 0},
        {"exec with until_ms is refused", "{\"exec\":\"true\",\"until_ms\":1000}", 0},
        {"exec with expect.status is refused", "{\"exec\":\"true\",\"expect\":{\"status\":200}}",
         0},
        {"expect.exit past 255 is refused", "{\"exec\":\"true\",\"expect\":{\"exit\":256}}", 0},
        {"expect.exit without exec is refused", "{\"path\":\"/x\",\"expect\":{\"exit\":0}}", 0},
        {"exec_timeout_ms without exec is refused", "{\"path\":\"/x\",\"exec_timeout_ms\":10}", 0},
        {"exec_timeout_ms 0 is refused", "{\"exec\":\"true\",\"exec_timeout_ms\":0}", 0},
        {"until_ms 60000 is accepted",
         "{\"path\":\"/x\",\"until_ms\":60000,\"save\":{\"a\":\"id\"}}", 1},
        {"until_ms 60001 is refused", "{\"path\":\"/x\",\"until_ms\":60001}", 0},
        {"until_ms 0 is refused", "{\"path\":\"/x\",\"until_ms\":0}", 0},
        {"multipart is accepted",
         "{\"method\":\"POST\",\"path\":\"/x\",\"multipart\":[{\"name\":\"a\",\"value\":\"1\"}]}",
         1},
        {"multipart with body is refused",
         "{\"path\":\"/x\",\"multipart\":[{\"name\":\"a\",\"value\":\"1\"}],\"body\":{}}", 0},
        {"multipart with body_raw is refused",
         "{\"path\":\"/x\",\"multipart\":[{\"name\":\"a\",\"value\":\"1\"}],\"body_raw\":\"x\"}",
         0},
        {"multipart with body_size is refused",
         "{\"path\":\"/x\",\"multipart\":[{\"name\":\"a\",\"value\":\"1\"}],\"body_size\":9}", 0},
        {"an empty multipart is refused", "{\"path\":\"/x\",\"multipart\":[]}", 0},
        {"a multipart that is an object is refused",
         "{\"path\":\"/x\",\"multipart\":{\"name\":\"a\",\"value\":\"1\"}}", 0},
        {"exec with multipart is refused",
         "{\"exec\":\"true\",\"multipart\":[{\"name\":\"a\",\"value\":\"1\"}]}", 0},
        {"multipart with parallel is accepted",
         "{\"path\":\"/x\",\"parallel\":2,\"multipart\":[{\"name\":\"a\",\"value\":\"1\"}]}", 1},
        {"expect.body_sha256 with parallel is refused",
         "{\"path\":\"/x\",\"parallel\":2,\"expect\":{\"body_sha256\":\"00\"}}", 0},
        {"expect.body_size with exec is refused",
         "{\"exec\":\"true\",\"expect\":{\"body_size\":1}}", 0},
};

struct counts_check {
	const char *what;
	const char *want; /* status_counts */
	long statuses[4];
	size_t n;
	int rc; /* 0 holds, 1 does not, -1 malformed */
};

static const struct counts_check counts_checks[] = {
        {"one 201 and one 409 hold", "{\"201\":1,\"409\":1}", {409, 201}, 2, 0},
        {"two 201s do not hold one winner", "{\"201\":1,\"409\":1}", {201, 201}, 2, 1},
        {"a status not named may occur", "{\"201\":1}", {201, 409, 500}, 3, 0},
        {"a count of 0 forbids the status", "{\"500\":0}", {200, 500}, 2, 1},
        {"a count of 0 holds without the status", "{\"500\":0}", {200, 200}, 2, 0},
        {"no response is no status", "{\"200\":2}", {200, 0}, 2, 1},
        {"counts past the responses are malformed", "{\"200\":3}", {200, 200}, 2, -1},
        {"a non-numeric key is malformed", "{\"ok\":1}", {200, 200}, 2, -1},
        {"a two-digit key is malformed", "{\"20\":1}", {200, 200}, 2, -1},
        {"a real count is malformed", "{\"200\":1.0}", {200, 200}, 2, -1},
        {"a list is malformed", "[200]", {200, 200}, 2, -1},
};

struct selftest {
	int n;
	int *passed;
	int *failed;
};

static void report(struct selftest *t, int ok, const char *what)
{
	t->n++;
	printf("%sok %d - self-test: %s\n", ok ? "" : "not ", t->n, what);
	if (ok)
		(*t->passed)++;
	else
		(*t->failed)++;
}

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
	if (!v)
		printf("# cannot parse %s: %s\n", text, e.text);
	return v;
}

static void run_match_checks(struct selftest *t)
{
	static const char *const names[] = {"match", "mismatch", "pattern error"};
	for (size_t i = 0; i < sizeof match_checks / sizeof match_checks[0]; i++) {
		const struct match_check *mc = &match_checks[i];
		json_t *p = parse(mc->pattern);
		json_t *a = mc->actual ? parse(mc->actual) : NULL;
		int ok = 0;
		if (p && (a || !mc->actual)) {
			struct match_diag d;
			int r = match_json(p, a, &d);
			ok = r == mc->want;
			if (!ok)
				printf("# want %s, got %s at %s: %s\n", names[mc->want], names[r],
				       d.path, d.reason);
		}
		report(t, ok, mc->what);
		json_decref(p);
		json_decref(a);
	}
}

static void check_diag(struct selftest *t, const char *what, const char *pattern,
                       const char *actual, const char *want_path, const char *want_actual)
{
	json_t *p = parse(pattern), *a = parse(actual);
	struct match_diag d = {.path = ""};
	int ok = p && a && match_json(p, a, &d) == MATCH_FAIL && strcmp(d.path, want_path) == 0 &&
	         strcmp(d.actual, want_actual) == 0;
	if (!ok)
		printf("# path %s (want %s), actual %s (want %s)\n", d.path, want_path, d.actual,
		       want_actual);
	report(t, ok, what);
	json_decref(p);
	json_decref(a);
}

static void check_expand(struct selftest *t, const json_t *vars, const char *in, const char *want)
{
	char err[256] = "";
	char *out = vars_expand(vars, in, err, sizeof err);
	int ok = want ? out && strcmp(out, want) == 0 : out == NULL && err[0] != '\0';
	if (!ok)
		printf("# expanding \"%s\" gave %s (%s)\n", in, out ? out : "NULL", err);
	char what[160];
	snprintf(what, sizeof what, "\"%s\" expands %s%s%s", in, want ? "to \"" : "to an error",
	         want ? want : "", want ? "\"" : "");
	report(t, ok, what);
	free(out);
}

static void check_path(struct selftest *t, json_t *root, const char *path, const char *want)
{
	char err[256] = "", got[256] = "(none)";
	json_t *v = vars_path_get(root, path, err, sizeof err);
	if (v)
		match_describe(v, got, sizeof got);
	int ok = want ? v && strcmp(got, want) == 0 : v == NULL && err[0] != '\0';
	if (!ok)
		printf("# path \"%s\" gave %s (%s)\n", path, got, err);
	char what[160];
	snprintf(what, sizeof what, "path \"%s\" finds %s", path, want ? want : "nothing");
	report(t, ok, what);
}

static void run_var_checks(struct selftest *t)
{
	json_t *vars = parse("{\"code\":\"430100\",\"id\":42,\"obj\":{\"a\":[1]}}");
	check_expand(t, vars, "/api/v1/regions?parent={{code}}&x=1",
	             "/api/v1/regions?parent=430100&x=1");
	check_expand(t, vars, "{{ id }}-{{code}}", "42-430100");
	check_expand(t, vars, "{{obj}}", "{\"a\":[1]}");
	check_expand(t, vars, "no braces", "no braces");
	check_expand(t, vars, "{{missing}}", NULL);
	check_expand(t, vars, "{{code", NULL);
	check_expand(t, vars, "{{a b}}", NULL);

	json_t *body = parse("{\"n\":\"{{id}}\",\"s\":\"#{{id}}\",\"l\":[\"{{code}}\"],\"k\":1}");
	char err[256] = "";
	json_t *got = body ? vars_expand_json(vars, body, err, sizeof err) : NULL;
	json_t *want = parse("{\"n\":42,\"s\":\"#42\",\"l\":[\"430100\"],\"k\":1}");
	report(t, got && want && json_equal(got, want),
	       "a whole \"{{id}}\" keeps the variable's type, embedded ones become text");
	json_decref(got);
	json_decref(want);
	json_decref(body);

	json_t *root = parse("{\"items\":[{\"code\":\"430100\"},{\"code\":\"430200\"}],"
	                     "\"total\":2,\"a\":{\"b\":[[1,2],[3]]}}");
	check_path(t, root, "items[0].code", "\"430100\"");
	check_path(t, root, "items[-1].code", "\"430200\"");
	check_path(t, root, "total", "2");
	check_path(t, root, "a.b[0][1]", "2");
	check_path(t, root, ".a.b[1]", "[3]");
	check_path(t, root, "items[2].code", NULL);
	check_path(t, root, "items.code", NULL);
	check_path(t, root, "missing", NULL);
	check_path(t, root, "items[x]", NULL);
	json_t *arr = parse("[{\"id\":\"e1\"}]");
	check_path(t, arr, "[0].id", "\"e1\"");
	json_decref(arr);
	json_decref(root);
	json_decref(vars);
}

static void run_shape_checks(struct selftest *t)
{
	for (size_t i = 0; i < sizeof shape_checks / sizeof shape_checks[0]; i++) {
		const struct shape_check *sc = &shape_checks[i];
		json_t *c = parse(sc->json);
		char err[256] = "";
		int rc = c ? expect_case_shape(c, err, sizeof err) : -2;
		int ok = sc->ok ? rc == 0 : rc == -1 && err[0] != '\0';
		if (!ok)
			printf("# shape of %s: %d (%s)\n", sc->json, rc, err);
		report(t, ok, sc->what);
		json_decref(c);
	}
}

static void check_status(struct selftest *t, const char *what, const char *want, long status,
                         int rc_want)
{
	json_t *w = parse(want);
	char err[256] = "";
	int rc = w ? expect_status(w, status, err, sizeof err) : -2;
	int ok = rc == rc_want && (rc == 0 || err[0] != '\0');
	if (!ok)
		printf("# status %ld against %s: %d (%s)\n", status, want, rc, err);
	report(t, ok, what);
	json_decref(w);
}

static void run_status_checks(struct selftest *t)
{
	check_status(t, "status 200 is 200", "200", 200, 0);
	check_status(t, "status 404 is not 200", "200", 404, 1);
	check_status(t, "status 504 is one of [503, 504]", "[503,504]", 504, 0);
	check_status(t, "status 500 is not one of [503, 504]", "[503,504]", 500, 1);
	check_status(t, "a status list of strings is malformed", "[\"200\"]", 200, -1);
	for (size_t i = 0; i < sizeof counts_checks / sizeof counts_checks[0]; i++) {
		const struct counts_check *cc = &counts_checks[i];
		json_t *w = parse(cc->want);
		char err[256] = "";
		int rc = w ? expect_status_counts(w, cc->statuses, cc->n, err, sizeof err) : -2;
		int ok = rc == cc->rc && (rc == 0 || err[0] != '\0');
		if (!ok)
			printf("# status_counts %s: %d (%s)\n", cc->want, rc, err);
		report(t, ok, cc->what);
		json_decref(w);
	}
}

static void check_tail(struct selftest *t, const char *text, size_t max_lines, const char *want)
{
	size_t at = proc_tail_lines(text, strlen(text), max_lines);
	int ok = strcmp(text + at, want) == 0;
	json_t *jt = json_string(text), *jw = json_string(want);
	char shown_text[64], shown_want[64], what[160];
	match_describe(jt, shown_text, sizeof shown_text);
	match_describe(jw, shown_want, sizeof shown_want);
	if (!ok)
		printf("# the tail of %s starts at %zu\n", shown_text, at);
	snprintf(what, sizeof what, "the last %zu line(s) of %s are %s", max_lines, shown_text,
	         shown_want);
	report(t, ok, what);
	json_decref(jt);
	json_decref(jw);
}

static void run_tail_checks(struct selftest *t)
{
	check_tail(t, "a\nb\nc\n", 2, "b\nc\n");
	check_tail(t, "a\nb\nc", 2, "b\nc");
	check_tail(t, "a\nb\n", 5, "a\nb\n");
	check_tail(t, "", 3, "");
	check_tail(t, "\n\n", 1, "\n");
}

static void check_hex(struct selftest *t, const char *what, const char *hex, const char *want,
                      size_t want_len)
{
	struct strbuf b = {0};
	char err[256] = "";
	int rc = bytes_from_hex(hex, &b, err, sizeof err);
	int ok = want ? rc == 0 && b.len == want_len &&
	                         (!want_len || memcmp(b.p, want, want_len) == 0)
	              : rc == -1 && err[0] != '\0';
	if (!ok)
		printf("# hex \"%s\": rc %d, %zu bytes (%s)\n", hex, rc, b.len, err);
	report(t, ok, what);
	free(b.p);
}

static void check_base64(struct selftest *t, const char *what, const char *text, const char *want,
                         size_t want_len)
{
	struct strbuf b = {0};
	char err[256] = "";
	int rc = bytes_from_base64(text, &b, err, sizeof err);
	int ok = want ? rc == 0 && b.len == want_len &&
	                         (!want_len || memcmp(b.p, want, want_len) == 0)
	              : rc == -1 && err[0] != '\0';
	if (!ok)
		printf("# base64 \"%s\": rc %d, %zu bytes (%s)\n", text, rc, b.len, err);
	report(t, ok, what);
	free(b.p);
}

static void run_bytes_checks(struct selftest *t)
{
	check_hex(t, "hex decodes %PDF", "25504446", "%PDF", 4);
	check_hex(t, "hex takes either case and ignores spaces", "89 50\n4e 47", "\x89PNG", 4);
	check_hex(t, "hex of nothing is no bytes", "", "", 0);
	check_hex(t, "hex decodes a NUL", "00ff", "\0\xff", 2);
	check_hex(t, "hex with an odd number of digits is refused", "895", NULL, 0);
	check_hex(t, "hex with a foreign character is refused", "89zz", NULL, 0);
	check_hex(t, "hex with a 0x prefix is refused", "0x89", NULL, 0);
	check_base64(t, "base64 decodes a padded text", "aGVsbG8=", "hello", 5);
	check_base64(t, "base64 decodes without padding", "aGVsbG8", "hello", 5);
	check_base64(t, "base64 decodes two '='", "aGVsbA==", "hell", 4);
	check_base64(t, "base64 ignores line breaks", "aGVs\nbG8h", "hello!", 6);
	check_base64(t, "base64 decodes binary bytes", "iVBORw0KGgo=", "\x89PNG\r\n\x1a\n", 8);
	check_base64(t, "base64 takes the URL-safe alphabet", "-_8=", "\xfb\xff", 2);
	check_base64(t, "base64 of nothing is no bytes", "", "", 0);
	check_base64(t, "base64 with too much padding is refused", "aGVsbG8==", NULL, 0);
	check_base64(t, "base64 of a lone digit is refused", "aGVsb", NULL, 0);
	check_base64(t, "base64 with text after the padding is refused", "aGVsbA==aGVs", NULL, 0);
	check_base64(t, "base64 with a foreign character is refused", "aGV*bG8=", NULL, 0);
	check_base64(t, "base64 of only padding is refused", "====", NULL, 0);
	char hex[BYTES_SHA256_HEX];
	bytes_sha256_hex("abc", 3, hex);
	report(t,
	       strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0,
	       "the SHA-256 of \"abc\" is ba7816bf...");
	bytes_sha256_hex(NULL, 0, hex);
	report(t,
	       strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0,
	       "the SHA-256 of no bytes is e3b0c442...");
}

struct multipart_check {
	const char *what;
	const char *parts; /* the case's "multipart" */
	const char
	        *want; /* the body with boundary "B"; "": only its size is checked; NULL: refused */
	size_t want_len;
	const char *want_err; /* with want NULL: text the error must contain */
};

#define PART(name)             "--B\r\nContent-Disposition: form-data; name=\"" name "\""
#define TEXT_PART(name, value) PART(name) "\r\n\r\n" value "\r\n"
#define END                    "--B--\r\n"
#define BODY(s)                s, sizeof(s) - 1

static const struct multipart_check multipart_checks[] = {
        {"a text field", "[{\"name\":\"kind\",\"value\":\"business_licence\"}]",
         BODY(TEXT_PART("kind", "business_licence") END), NULL},
        {"a file part with a UTF-8 name, its type and hex bytes",
         "[{\"name\":\"kind\",\"value\":\"x\"},{\"name\":\"file\",\"filename\":\"营业执照.png\","
         "\"content_type\":\"image/png\",\"hex\":\"89504e47\"}]",
         BODY(TEXT_PART("kind", "x") PART("file") "; filename=\"营业执照.png\"\r\n"
                                                  "Content-Type: image/png\r\n\r\n\x89PNG\r\n" END),
         NULL},
        {"a file without content_type is application/octet-stream",
         "[{\"name\":\"f\",\"filename\":\"a.bin\",\"base64\":\"AAE=\"}]",
         BODY(PART("f") "; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                        "\0\x01\r\n" END),
         NULL},
        {"a text file is sent as is, without filename when none is given",
         "[{\"name\":\"meta\",\"content_type\":\"application/json\",\"text\":\"{\\\"a\\\":1}\"}]",
         BODY(PART("meta") "\r\nContent-Type: application/json\r\n\r\n{\"a\":1}\r\n" END), NULL},
        {"pad_to appends 'A' up to its size",
         "[{\"name\":\"f\",\"filename\":\"a.pdf\",\"text\":\"%PDF\",\"pad_to\":7}]",
         BODY(PART("f") "; filename=\"a.pdf\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                        "%PDFAAA\r\n" END),
         NULL},
        {"pad_to equal to the content adds nothing",
         "[{\"name\":\"f\",\"hex\":\"2550\",\"pad_to\":2}]",
         BODY(PART("f") "\r\nContent-Type: application/octet-stream\r\n\r\n%P\r\n" END), NULL},
        {"pad_to pads empty content", "[{\"name\":\"f\",\"base64\":\"\",\"pad_to\":3}]",
         BODY(PART("f") "\r\nContent-Type: application/octet-stream\r\n\r\nAAA\r\n" END), NULL},
        {"variables are expanded in value, filename and text, not in name",
         "[{\"name\":\"{{k}}\",\"value\":\"{{k}}-{{n}}\"},"
         "{\"name\":\"f\",\"filename\":\"{{k}}.txt\",\"text\":\"n={{n}}\"}]",
         BODY(TEXT_PART("{{k}}", "licence-7")
                      PART("f") "; filename=\"licence.txt\"\r\n"
                                "Content-Type: application/octet-stream\r\n\r\n"
                                "n=7\r\n" END),
         NULL},
        {"quotes and line breaks in names are percent-encoded",
         "[{\"name\":\"a\\\"b\",\"filename\":\"x\\r\\ny\\\".txt\",\"text\":\"\"}]",
         BODY(PART("a%22b") "; filename=\"x%0D%0Ay%22.txt\"\r\nContent-Type: "
                            "application/octet-stream\r\n\r\n\r\n" END),
         NULL},
        {"pad_to up to 32 MiB is accepted", "[{\"name\":\"f\",\"text\":\"x\",\"pad_to\":33554432}]",
         BODY(""), NULL},
        {"pad_to past 32 MiB is refused", "[{\"name\":\"f\",\"text\":\"x\",\"pad_to\":33554433}]",
         NULL, 0, "pad_to"},
        {"a negative pad_to is refused", "[{\"name\":\"f\",\"text\":\"x\",\"pad_to\":-1}]", NULL, 0,
         "pad_to"},
        {"pad_to as a string is refused", "[{\"name\":\"f\",\"text\":\"x\",\"pad_to\":\"10\"}]",
         NULL, 0, "pad_to"},
        {"pad_to below the content's size is refused",
         "[{\"name\":\"f\",\"hex\":\"255044462d\",\"pad_to\":4}]", NULL, 0, "already 5 bytes"},
        {"pad_to on a text field is refused", "[{\"name\":\"f\",\"value\":\"x\",\"pad_to\":10}]",
         NULL, 0, "pad_to"},
        {"filename on a text field is refused",
         "[{\"name\":\"f\",\"value\":\"x\",\"filename\":\"a.txt\"}]", NULL, 0, "filename"},
        {"a part without name is refused", "[{\"value\":\"x\"}]", NULL, 0, "name"},
        {"a part with an empty name is refused", "[{\"name\":\"\",\"value\":\"x\"}]", NULL, 0,
         "name"},
        {"a part without value or content is refused", "[{\"name\":\"f\",\"filename\":\"a.png\"}]",
         NULL, 0, "multipart[0]"},
        {"value with content is refused", "[{\"name\":\"f\",\"value\":\"x\",\"text\":\"y\"}]", NULL,
         0, "not both"},
        {"two contents are refused", "[{\"name\":\"f\",\"hex\":\"00\",\"base64\":\"AA==\"}]", NULL,
         0, "only one"},
        {"an unknown part key is refused",
         "[{\"name\":\"f\",\"text\":\"x\",\"filname\":\"a.png\"}]", NULL, 0, "filname"},
        {"a value that is not a string is refused", "[{\"name\":\"n\",\"value\":5}]", NULL, 0,
         "value"},
        {"a content_type with a line break is refused",
         "[{\"name\":\"f\",\"text\":\"x\",\"content_type\":\"a/b\\r\\nX: y\"}]", NULL, 0,
         "content_type"},
        {"bad hex is refused, naming the part",
         "[{\"name\":\"a\",\"value\":\"1\"},{\"name\":\"f\",\"hex\":\"8950z\"}]", NULL, 0,
         "multipart[1].hex"},
        {"bad base64 is refused", "[{\"name\":\"f\",\"base64\":\"a\"}]", NULL, 0, "base64"},
        {"an undefined variable is refused", "[{\"name\":\"f\",\"text\":\"{{nope}}\"}]", NULL, 0,
         "nope"},
        {"a part that is not an object is refused", "[\"file\"]", NULL, 0, "object"},
        {"an empty list of parts is refused", "[]", NULL, 0, "non-empty"},
};

static void run_multipart_checks(struct selftest *t)
{
	json_t *vars = parse("{\"k\":\"licence\",\"n\":7}");
	for (size_t i = 0; i < sizeof multipart_checks / sizeof multipart_checks[0]; i++) {
		const struct multipart_check *mc = &multipart_checks[i];
		json_t *parts = parse(mc->parts);
		struct strbuf body = {0};
		char err[256] = "";
		int rc = parts ? multipart_body(vars, parts, "B", &body, err, sizeof err) : -2;
		size_t want_len = mc->want_len;
		int ok;
		if (!mc->want)
			ok = rc == -1 && strstr(err, mc->want_err) != NULL;
		else if (!*mc->want) /* only its success and size matter */
			ok = rc == 0 && body.len > MULTIPART_PAD_MAX;
		else
			ok = rc == 0 && body.len == want_len &&
			     memcmp(body.p, mc->want, want_len) == 0;
		if (!ok)
			printf("# multipart %s: rc %d (%s), %zu bytes: %.*s\n", mc->parts, rc, err,
			       body.len, (int)(body.len < 300 ? body.len : 300),
			       body.p ? body.p : "");
		report(t, ok, mc->what);
		free(body.p);
		json_decref(parts);
	}
	json_decref(vars);
}

static void check_body(struct selftest *t, const char *what, const char *key, const char *want,
                       const char *body, int rc_want)
{
	json_t *w = parse(want);
	char err[256] = "";
	size_t len = strlen(body);
	int rc = -2;
	if (w && strcmp(key, "body_sha256") == 0)
		rc = expect_body_sha256(w, body, len, err, sizeof err);
	else if (w && strcmp(key, "body_size") == 0)
		rc = expect_body_size(w, len, err, sizeof err);
	else if (w)
		rc = expect_body_prefix_hex(w, body, len, err, sizeof err);
	int ok = rc == rc_want && (rc == 0 || err[0] != '\0');
	if (!ok)
		printf("# %s %s on \"%s\": %d (%s)\n", key, want, body, rc, err);
	report(t, ok, what);
	json_decref(w);
}

static void run_body_checks(struct selftest *t)
{
	const char *abc = "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"";
	const char *abc_upper =
	        "\"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\"";
	check_body(t, "body_sha256 holds for its body", "body_sha256", abc, "abc", 0);
	check_body(t, "body_sha256 takes upper-case hex", "body_sha256", abc_upper, "abc", 0);
	check_body(t, "body_sha256 fails for another body", "body_sha256", abc, "abd", 1);
	check_body(t, "body_sha256 of 63 digits is malformed", "body_sha256",
	           "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a\"", "abc",
	           -1);
	check_body(t, "body_sha256 with a foreign digit is malformed", "body_sha256",
	           "\"za7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"", "abc",
	           -1);
	check_body(t, "body_sha256 as a number is malformed", "body_sha256", "1", "abc", -1);
	check_body(t, "body_size 3 holds for 3 bytes", "body_size", "3", "abc", 0);
	check_body(t, "body_size 0 holds for no body", "body_size", "0", "", 0);
	check_body(t, "body_size 4 fails for 3 bytes", "body_size", "4", "abc", 1);
	check_body(t, "body_size {$gte: 3} holds for 3 bytes", "body_size", "{\"$gte\":3}", "abc",
	           0);
	check_body(t, "body_size {$gte: 4} fails for 3 bytes", "body_size", "{\"$gte\":4}", "abc",
	           1);
	check_body(t, "body_size {$gte: 1, $lte: 2} fails for 3 bytes", "body_size",
	           "{\"$gte\":1,\"$lte\":2}", "abc", 1);
	check_body(t, "body_size as a string is malformed", "body_size", "\"3\"", "abc", -1);
	check_body(t, "a negative body_size is malformed", "body_size", "-1", "abc", -1);
	check_body(t, "body_size with an unknown operator is malformed", "body_size",
	           "{\"$size\":3}", "abc", -1);
	check_body(t, "body_prefix_hex holds for %PDF", "body_prefix_hex", "\"25504446\"",
	           "%PDF-1.7", 0);
	check_body(t, "body_prefix_hex holds for the whole body", "body_prefix_hex", "\"2550\"",
	           "%P", 0);
	check_body(t, "body_prefix_hex fails for other bytes", "body_prefix_hex", "\"89504e47\"",
	           "%PDF-1.7", 1);
	check_body(t, "body_prefix_hex fails for a shorter body", "body_prefix_hex",
	           "\"2550444600\"", "%PDF", 1);
	check_body(t, "body_prefix_hex fails for no body", "body_prefix_hex", "\"25\"", "", 1);
	check_body(t, "body_prefix_hex with bad hex is malformed", "body_prefix_hex", "\"2g\"",
	           "%P", -1);
	check_body(t, "an empty body_prefix_hex is malformed", "body_prefix_hex", "\"\"", "%P", -1);
}

void selftest_run(int *passed, int *failed)
{
	struct selftest t = {.passed = passed, .failed = failed};
	run_match_checks(&t);
	check_diag(&t, "a mismatch names its JSON path", "{\"items\":[{},{\"code\":\"4301\"}]}",
	           "{\"items\":[{\"code\":\"4301\"},{\"code\":\"4302\"}]}", "$.items[1].code",
	           "\"4302\"");
	check_diag(&t, "a missing key is reported as absent", "{\"a\":{\"b c\":1}}", "{\"a\":{}}",
	           "$.a[\"b c\"]", "(absent)");
	check_diag(&t, "$each names the failing element", "{\"items\":{\"$each\":{\"n\":1}}}",
	           "{\"items\":[{\"n\":1},{\"n\":2}]}", "$.items[1].n", "2");
	run_var_checks(&t);
	run_shape_checks(&t);
	run_status_checks(&t);
	run_tail_checks(&t);
	run_bytes_checks(&t);
	run_multipart_checks(&t);
	run_body_checks(&t);
}
