/* Uploads judged by their content and named safely (see upload.h). */
#include "upload.h"

#include <stdio.h>
#include <string.h>

static uint32_t upload_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * A BMP file header (14 bytes) and DIB header: "BM", reserved bytes zero, a pixel
 * offset inside the file past the headers, a known DIB header size, and a declared
 * file size that is the real one (0 is tolerated: some writers leave it out).
 */
static int upload_bmp_sane(const uint8_t *d, size_t n)
{
	static const uint32_t dib_sizes[] = {12, 16, 40, 52, 56, 64, 108, 124};
	if (n < 26 || d[0] != 'B' || d[1] != 'M')
		return 0;
	uint32_t size = upload_le32(d + 2), offset = upload_le32(d + 10), dib = upload_le32(d + 14);
	if (d[6] || d[7] || d[8] || d[9])
		return 0;
	if (size != 0 && size != n)
		return 0;
	int known = 0;
	for (size_t i = 0; i < sizeof dib_sizes / sizeof dib_sizes[0]; i++)
		known |= dib == dib_sizes[i];
	return known && offset >= 14 + dib && offset <= n;
}

int upload_judge(const uint8_t *d, size_t n, const char **content_type, const char **ext)
{
	static const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
	const char *ct = NULL, *e = NULL;
	if (!d)
		return -1;
	if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
		ct = "image/jpeg";
		e = "jpg";
	} else if (n >= 16 && memcmp(d, png, sizeof png) == 0 && memcmp(d + 12, "IHDR", 4) == 0) {
		ct = "image/png";
		e = "png";
	} else if (upload_bmp_sane(d, n)) {
		ct = "image/bmp";
		e = "bmp";
	} else if (n >= 8 && memcmp(d, "%PDF-", 5) == 0 && d[5] >= '1' && d[5] <= '9') {
		ct = "application/pdf";
		e = "pdf";
	}
	if (!ct)
		return -1;
	*content_type = ct;
	*ext = e;
	return 0;
}

void upload_clean_name(const char *name, const char *fallback, const char *ext, char *out,
                       size_t outlen)
{
	const char *base = name ? name : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t n = 0, limit = outlen - 1 < 120 ? outlen - 1 : 120;
	const unsigned char *p = (const unsigned char *)base;
	while (*p) {
		/* A character is kept whole or not at all; broken UTF-8 is dropped. */
		size_t len = *p < 0x80             ? 1
		             : (*p & 0xE0) == 0xC0 ? 2
		             : (*p & 0xF0) == 0xE0 ? 3
		             : (*p & 0xF8) == 0xF0 ? 4
		                                   : 0;
		size_t have = 1;
		while (len > 1 && have < len && (p[have] & 0xC0) == 0x80)
			have++;
		if (len == 0 || have < len) {
			p += have;
			continue;
		}
		int drop = len == 1 && (*p < 0x20 || *p == 0x7F || *p == '"');
		if (!drop && n + len > limit)
			break;
		if (!drop) {
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
	}
	out[n] = '\0';
	/* Names made only of dots (".", "..") say nothing. */
	if (strspn(out, ". ") == n)
		snprintf(out, outlen, "%s.%s", fallback, ext);
}
