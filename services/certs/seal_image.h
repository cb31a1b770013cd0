/*
 * Seal images (印章) drawn with cairo (WenQuanYi Micro Hei through fontconfig, the font
 * pdf.c uses): red on a transparent background, PNG out, ready for pades_input.png. Pure:
 * text in, bytes out.
 */
#ifndef CERTS_SEAL_IMAGE_H
#define CERTS_SEAL_IMAGE_H

#include <cairo.h>
#include <stddef.h>
#include <time.h>

/* Pixel sizes accepted (the side of the square image). */
#define SEAL_IMAGE_MIN_PX 64
#define SEAL_IMAGE_MAX_PX 1200
/* Characters (not bytes) of an enterprise name, a kind, a person's name. */
#define SEAL_NAME_MAX   40
#define SEAL_KIND_MAX   10
#define SEAL_PERSON_MAX 8

/*
 * The enterprise round seal, px × px: a red ring, the enterprise name along the upper arc
 * (clockwise, upright to the outside), a five-pointed star in the centre, the kind
 * (合同专用章, 财务专用章 …; NULL or "" for the 公章, which shows none) straight below it.
 * ST_OK with *png (malloc'd; the caller frees), ST_SEAL_TEXT_INVALID (field "name" or
 * "kind": empty, too long, not UTF-8), ST_FIELD_RANGE ("px").
 */
int seal_image_round(const char *name, const char *kind, int px, unsigned char **png, size_t *len);

/*
 * The personal square seal, px × px: a red frame, the name in two columns read right to
 * left, top to bottom — 张三 → 张三之印, 张三丰 → 张三丰印, four characters as they are;
 * longer names in two columns of up to four. ST_OK with *png, ST_SEAL_TEXT_INVALID
 * ("name"), ST_FIELD_RANGE ("px").
 */
int seal_image_square(const char *name, int px, unsigned char **png, size_t *len);

/*
 * The date stamp: when's date in China Standard Time (UTC+8) as 2026年12月07日, red on a
 * transparent background, px wide and px / 5 high (px 80–1200). ST_OK with *png
 * (malloc'd), ST_FIELD_RANGE ("px").
 */
#define SEAL_DATE_MIN_PX 80
/* s (flushed here) as PNG bytes into *png (malloc'd, the caller frees) and *len: ST_OK, or
 * ST_INTERNAL. The one PNG encoder of the signing engine (seals, slices, rendered pages). */
int seal_image_png(cairo_surface_t *s, unsigned char **png, size_t *len);

int seal_image_date(time_t when, int px, unsigned char **png, size_t *len);

#endif
