/* Whole data files for unit tests (see test_file.h). */
#include "test_file.h"

#include <stdio.h>
#include <stdlib.h>

char *test_file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *grown;
	size_t cap = 0, n = 0, got;
	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			if (!(grown = realloc(buf, cap))) {
				free(buf);
				buf = NULL;
				goto out;
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	buf[n] = '\0';
	*len = n;
out:
	fclose(f);
	return buf;
}
