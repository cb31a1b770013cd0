/*
 * The API test runner's pattern matcher: does a JSON value match the pattern a
 * case file expects? The pattern language is described in tests/api/README.md.
 */
#ifndef API_MATCH_H
#define API_MATCH_H

#include <jansson.h>

enum { MATCH_OK = 0, MATCH_FAIL = 1, MATCH_BAD_PATTERN = 2 };

/*
 * Where and why a match failed: the JSON path of the first mismatch
 * ("$.items[0].code"), a short reason, and the pattern and the actual value
 * found there as compact JSON, cut to fit ("(absent)" for a missing value).
 */
struct match_diag {
	char path[256];
	char reason[192];
	char expected[256];
	char actual[256];
};

/*
 * Matches actual against pattern; actual NULL stands for an absent value.
 * Returns MATCH_OK, MATCH_FAIL, or MATCH_BAD_PATTERN when the pattern itself is
 * wrong (an unknown operator, a regex that does not compile); on the latter two
 * fills *d when d is not NULL. Neither argument is modified.
 */
int match_json(const json_t *pattern, const json_t *actual, struct match_diag *d);

/* Writes v as compact JSON into out, cut at a UTF-8 boundary with "..." when it
 * does not fit; NULL is written as "(absent)". */
void match_describe(const json_t *v, char *out, size_t outlen);

#endif
