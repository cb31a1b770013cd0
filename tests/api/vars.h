/*
 * Case variables of the API test runner: "{{name}}" substitution in the
 * strings of a case, and lookup of a response value by a path such as
 * "items[0].code" for a case's "save".
 */
#ifndef API_VARS_H
#define API_VARS_H

#include <jansson.h>
#include <stddef.h>

/*
 * Expands every {{name}} in s from vars (a JSON object, name -> value): a
 * string value is inserted as it is, any other value as compact JSON. Returns
 * a malloc'd string the caller frees, or NULL with a message in err when a
 * name is undefined or malformed or a "{{" is not closed.
 */
char *vars_expand(const json_t *vars, const char *s, char *err, size_t errlen);

/*
 * A deep copy of v whose string values (not object keys) are expanded; a
 * string that is exactly one "{{name}}" becomes a copy of that variable's
 * value, keeping its JSON type. Returns a new reference, or NULL with a
 * message in err.
 */
json_t *vars_expand_json(const json_t *vars, const json_t *v, char *err, size_t errlen);

/*
 * The value at path inside root: dot-separated keys, each optionally followed
 * by [N] indexes ("items[0].code", "[0]", "a.b[-1]"; a negative index counts
 * from the end; "" or "." is root itself). Returns a borrowed reference, or
 * NULL with a message in err when the path is malformed or leads nowhere.
 */
json_t *vars_path_get(json_t *root, const char *path, char *err, size_t errlen);

#endif
