/* multipart/form-data (RFC 7578) bodies, split into parts without copying. */
#ifndef GATEWAY_MULTIPART_H
#define GATEWAY_MULTIPART_H

#include <stddef.h>

#define GW_MULTIPART_MAX_PARTS 16

typedef struct gw_part {
	char name[64];          /* the form field */
	char filename[256];     /* "" for a text field */
	char content_type[128]; /* "" when the part declared none */
	const unsigned char *data;
	size_t len;
} gw_part;

/*
 * Splits body (len bytes) by the boundary named in content_type. Fills parts
 * (at most GW_MULTIPART_MAX_PARTS) and *nparts. Returns 0, or -1 when the body
 * is not well-formed multipart/form-data: no or bad boundary, a part without a
 * Content-Disposition "form-data" with a name, missing closing delimiter, too
 * many parts, over-long names. The parts point into body.
 */
int gw_multipart_parse(const char *content_type, const unsigned char *body, size_t len,
                       gw_part *parts, size_t *nparts);

#endif
