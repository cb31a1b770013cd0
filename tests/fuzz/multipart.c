/* Fuzzes the gateway's multipart/form-data splitter (services/gateway/multipart.c).
 * Input: the Content-Type header value, a NUL byte, then the body. Checks that every
 * part it returns lies inside the body and that its names are NUL-terminated. */
#include "fuzz.h"
#include "multipart.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	if (!nul)
		return 0;
	char *ctype = strndup((const char *)data, (size_t)(nul - data));
	size_t blen = size - (size_t)(nul - data) - 1;
	/* A copy of exactly blen bytes: ASan sees any read past the body's end. */
	unsigned char *body = malloc(blen ? blen : 1);
	memcpy(body, nul + 1, blen);
	gw_part parts[GW_MULTIPART_MAX_PARTS];
	size_t n = 0;
	if (gw_multipart_parse(ctype, body, blen, parts, &n) == 0) {
		if (n > GW_MULTIPART_MAX_PARTS)
			abort();
		for (size_t i = 0; i < n; i++) {
			if (parts[i].data < body || parts[i].data + parts[i].len > body + blen)
				abort();
			if (!memchr(parts[i].name, 0, sizeof parts[i].name) ||
			    !memchr(parts[i].filename, 0, sizeof parts[i].filename) ||
			    !memchr(parts[i].content_type, 0, sizeof parts[i].content_type) ||
			    !parts[i].name[0])
				abort();
		}
	}
	free(body);
	free(ctype);
	return 0;
}
