/*
 * Reading a whole data file in a unit test (holiday years, example tables).
 */
#ifndef TESTS_SUPPORT_TEST_FILE_H
#define TESTS_SUPPORT_TEST_FILE_H

#include <stddef.h>

/* The file at path, NUL-terminated, its length in *len; malloc'd (the caller frees), or
 * NULL when it cannot be read. */
char *test_file_read(const char *path, size_t *len);

#endif
