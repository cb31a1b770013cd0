/*
 * Uploads (DOMAIN.md "Uploads"): the type judged from the content (magic bytes), never
 * from the name, and the file name kept for it. Pure; shared by every service that
 * stores uploads (enterprise's certification scans, billfin's bill images and documents).
 */
#ifndef COMMON_UPLOAD_H
#define COMMON_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

/* The largest upload a flow accepts (DOMAIN.md "Uploads"). */
#define UPLOAD_MAX_BYTES (5u << 20)

/*
 * The type of n bytes judged from their content: jpg/jpeg (FF D8 FF), png (the
 * 8-byte signature and an IHDR chunk), bmp ("BM" with a sane header) or pdf ("%PDF-"
 * and a version digit). Returns 0 with *content_type ("image/jpeg", "image/png",
 * "image/bmp", "application/pdf") and *ext ("jpg", "png", "bmp", "pdf") set to static
 * strings, or -1 for anything else (an executable, a script, text, n == 0). Pure.
 */
int upload_judge(const uint8_t *data, size_t n, const char **content_type, const char **ext);

/*
 * The file name as it will be stored and sent back: the last path component of name
 * (after '/' or '\'), control characters and quotes dropped, cut to at most 120 bytes
 * at a UTF-8 boundary; "<fallback>.<ext>" when nothing is left. Pure; out has outlen
 * bytes (at least 128).
 */
void upload_clean_name(const char *name, const char *fallback, const char *ext, char *out,
                       size_t outlen);

#endif
