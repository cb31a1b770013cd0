/* Built-in checks of the API test runner's matcher and variables (api-test --self-test). */
#ifndef API_SELFTEST_H
#define API_SELFTEST_H

/* Prints one "ok N - self-test: ..." or "not ok N - ..." line per check and
 * adds to *passed and *failed; the caller prints the closing line. */
void selftest_run(int *passed, int *failed);

#endif
