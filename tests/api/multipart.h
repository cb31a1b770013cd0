/*
 * The multipart/form-data body of a case's "multipart": text fields and file
 * parts whose bytes are written as base64, hex or text, optionally padded to
 * a size, with {{name}} substitution in values, file names and texts.
 */
#ifndef API_MULTIPART_H
#define API_MULTIPART_H

#include "strbuf.h"

#include <jansson.h>
#include <stddef.h>

#define MULTIPART_PAD_MAX      ((json_int_t)32 << 20) /* the largest "pad_to" */
#define MULTIPART_DEFAULT_TYPE "application/octet-stream"

/*
 * Appends to body the multipart/form-data encoding of parts, the non-empty
 * array of a case's "multipart", delimited by boundary. A part is a text field
 * {"name", "value"} or a file {"name", "filename", "content_type", one of
 * "base64" / "hex" / "text", "pad_to"} (filename, content_type and pad_to
 * optional; content_type defaults to MULTIPART_DEFAULT_TYPE; pad_to appends
 * 'A' bytes up to that size, at most MULTIPART_PAD_MAX). Names and file names
 * are quoted as browsers do (", CR and LF as %22, %0D, %0A). {{name}} is
 * expanded from vars in value, filename and text. Returns 0, or -1 with the
 * first problem in err, naming the part ("multipart[1].pad_to: ...").
 */
int multipart_body(const json_t *vars, const json_t *parts, const char *boundary,
                   struct strbuf *body, char *err, size_t errlen);

#endif
