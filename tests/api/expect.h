/*
 * What a case of the API test runner may say and what its expectations on
 * statuses, exit codes and raw bodies mean: the pure checks behind "parallel",
 * "exec", "until_ms", "multipart", "expect.status", "expect.status_counts",
 * "expect.exit", "expect.body_sha256", "expect.body_size" and
 * "expect.body_prefix_hex".
 */
#ifndef API_EXPECT_H
#define API_EXPECT_H

#include <jansson.h>
#include <stddef.h>

#define EXPECT_PARALLEL_MIN     2
#define EXPECT_PARALLEL_MAX     32
#define EXPECT_UNTIL_MAX_MS     60000
#define EXPECT_EXEC_TIMEOUT_MS  60000
#define EXPECT_EXEC_TIMEOUT_MAX 600000

/*
 * Checks how the keys of case c combine: "exec" excludes the keys of a request,
 * "multipart" the other bodies, "parallel" and "until_ms" their bounds and
 * what they cannot go with,
 * "status_counts" and "exit" the kind of case that has them. Unknown keys are
 * not its concern. Returns 0, or -1 with the first problem in err.
 */
int expect_case_shape(const json_t *c, char *err, size_t errlen);

/*
 * Whether status is allowed by want, an integer or a non-empty list of them.
 * Returns 0 when it is, 1 when not (err says so), -1 when want is malformed.
 */
int expect_status(const json_t *want, long status, char *err, size_t errlen);

/*
 * Whether the statuses of n responses hold the exact counts of want, an object
 * "201" -> count (codes not named may occur any number of times). Returns 0
 * when they do, 1 when not (err names the first count that differs), -1 when
 * want is malformed: not an object, a key that is not a status code from 100
 * to 599, a count that is not a non-negative integer, or counts adding up to
 * more than n.
 */
int expect_status_counts(const json_t *want, const long *statuses, size_t n, char *err,
                         size_t errlen);

/* The exit status a case with "exec" expects: expect.exit, else 0. */
int expect_exit_code(const json_t *c);

/* The "exec_timeout_ms" of case c, else EXPECT_EXEC_TIMEOUT_MS. */
long expect_exec_timeout_ms(const json_t *c);

/*
 * The checks on the raw bytes of a response body (len bytes at body; want
 * with its variables expanded). Each returns 0 when the body holds, 1 when not
 * (err says how), -1 when want is malformed (err says why).
 *   body_sha256:     want is 64 hex digits, either case: the body's SHA-256
 *   body_size:       want is a count of bytes or a pattern on it ({"$gte": N})
 *   body_prefix_hex: want is hex digits of at least one byte the body starts with
 */
int expect_body_sha256(const json_t *want, const char *body, size_t len, char *err, size_t errlen);
int expect_body_size(const json_t *want, size_t len, char *err, size_t errlen);
int expect_body_prefix_hex(const json_t *want, const char *body, size_t len, char *err,
                           size_t errlen);

#endif
