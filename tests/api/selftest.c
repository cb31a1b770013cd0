/*
 * api-test --self-test: every matcher operator against values it must and must
 * not match, the diagnostics' paths, variable substitution and lookup, which
 * case shapes are accepted, the status and status_counts checks, and the
 * output lines shown for a failed command.
 */
#include "selftest.h"

#include "expect.h"
#include "match.h"
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
}
