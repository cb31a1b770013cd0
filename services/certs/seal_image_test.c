/*
 * Seal images (seal_image.c): PNGs of the size asked for, transparent outside the seal,
 * red where the ring, the star and the frame are, and the text really drawn (red pixels
 * in the band of the arc and in the square's cells, none of them without text); bad text
 * and sizes refused by field. Set SEAL_IMAGE_DIR to keep the PNGs for a look.
 */
#include "seal_image.h"
#include "status.h"

#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef struct src {
	const unsigned char *p;
	size_t len, pos;
} src;

static cairo_status_t rd(void *arg, unsigned char *data, unsigned int n)
{
	src *s = arg;
	if (s->len - s->pos < n)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, s->p + s->pos, n);
	s->pos += n;
	return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *decode(const unsigned char *png, size_t len)
{
	src s = {png, len, 0};
	cairo_surface_t *img = cairo_image_surface_create_from_png_stream(rd, &s);
	assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
	assert_int_equal(cairo_image_surface_get_format(img), CAIRO_FORMAT_ARGB32);
	return img;
}

static unsigned alpha_at(cairo_surface_t *img, int x, int y)
{
	const unsigned char *d = cairo_image_surface_get_data(img);
	uint32_t v;
	memcpy(&v, d + (size_t)y * (size_t)cairo_image_surface_get_stride(img) + (size_t)x * 4, 4);
	return v >> 24;
}

/* Opaque and red: premultiplied ARGB, so red is near alpha and green, blue near 0. */
static int red_at(cairo_surface_t *img, int x, int y)
{
	const unsigned char *d = cairo_image_surface_get_data(img);
	uint32_t v;
	memcpy(&v, d + (size_t)y * (size_t)cairo_image_surface_get_stride(img) + (size_t)x * 4, 4);
	unsigned a = v >> 24, r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
	return a > 200 && r > 180 && g < 60 && b < 60;
}

static int reds_in(cairo_surface_t *img, int x0, int y0, int x1, int y1)
{
	int n = 0;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			n += red_at(img, x, y);
	return n;
}

static void keep(const char *name, const unsigned char *png, size_t len)
{
	const char *dir = getenv("SEAL_IMAGE_DIR");
	if (!dir)
		return;
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(png, 1, len, f);
		fclose(f);
	}
}

static void round_seal_ring_star_and_text(void **state)
{
	(void)state;
	unsigned char *png = NULL;
	size_t len = 0;
	const int px = 300;
	assert_int_equal(seal_image_round("证书测试甲科技有限公司", "合同专用章", px, &png, &len),
	                 ST_OK);
	keep("round.png", png, len);
	cairo_surface_t *img = decode(png, len);
	assert_int_equal(cairo_image_surface_get_width(img), px);
	assert_int_equal(cairo_image_surface_get_height(img), px);
	/* Corners outside the circle: transparent. */
	assert_int_equal(alpha_at(img, 0, 0), 0);
	assert_int_equal(alpha_at(img, px - 1, 0), 0);
	assert_int_equal(alpha_at(img, 0, px - 1), 0);
	assert_int_equal(alpha_at(img, px - 1, px - 1), 0);
	/* The star's centre, the ring at the top and at the left. */
	assert_true(red_at(img, px / 2, px / 2));
	assert_true(red_at(img, px / 2, (int)(px * 0.037)));
	assert_true(red_at(img, (int)(px * 0.037), px / 2));
	/* Text: the name's band under the ring at the top, the kind's line under the star. */
	int top = reds_in(img, px / 3, (int)(px * 0.08), 2 * px / 3, (int)(px * 0.2));
	int kind = reds_in(img, px / 3, (int)(px * 0.72), 2 * px / 3, (int)(px * 0.82));
	assert_true(top > 300);
	assert_true(kind > 300);
	/* The public seal (公章) shows no kind: that line stays empty. */
	cairo_surface_destroy(img);
	free(png);
	assert_int_equal(seal_image_round("证书测试甲科技有限公司", NULL, px, &png, &len), ST_OK);
	img = decode(png, len);
	assert_int_equal(reds_in(img, px / 3, (int)(px * 0.72), 2 * px / 3, (int)(px * 0.82)), 0);
	cairo_surface_destroy(img);
	free(png);
}

static void square_seal_frame_and_four_cells(void **state)
{
	(void)state;
	unsigned char *png = NULL;
	size_t len = 0;
	const int px = 200;
	assert_int_equal(seal_image_square("王小明", px, &png, &len), ST_OK);
	keep("square.png", png, len);
	cairo_surface_t *img = decode(png, len);
	assert_int_equal(cairo_image_surface_get_width(img), px);
	assert_int_equal(alpha_at(img, 0, 0), 0);
	assert_int_equal(alpha_at(img, px - 1, px - 1), 0);
	/* The frame, near each corner. */
	int f = (int)(px * 0.065);
	assert_true(red_at(img, f, f));
	assert_true(red_at(img, px - 1 - f, px - 1 - f));
	/* 王小明印: one character in each quarter. */
	int h = px / 2, in = (int)(px * 0.1);
	assert_true(reds_in(img, in, in, h, h) > 100);
	assert_true(reds_in(img, h, in, px - in, h) > 100);
	assert_true(reds_in(img, in, h, h, px - in) > 100);
	assert_true(reds_in(img, h, h, px - in, px - in) > 100);
	cairo_surface_destroy(img);
	free(png);
}

/* The date stamp: px × px/5, the day in China Standard Time, red text across the width,
 * transparent around it. 2026-12-06 20:00 UTC is already the 7th in Beijing. */
static void date_stamp_of_the_beijing_day(void **state)
{
	(void)state;
	unsigned char *png = NULL, *other = NULL;
	size_t len = 0, olen = 0;
	const int px = 400;
	time_t t = 1796587200; /* 2026-12-06T20:00:00Z */
	assert_int_equal(seal_image_date(t, px, &png, &len), ST_OK);
	keep("date.png", png, len);
	cairo_surface_t *img = decode(png, len);
	assert_int_equal(cairo_image_surface_get_width(img), px);
	assert_int_equal(cairo_image_surface_get_height(img), px / 5);
	assert_int_equal(alpha_at(img, 0, 0), 0);
	assert_int_equal(alpha_at(img, px - 1, px / 5 - 1), 0);
	/* Ink in the left fifth (the year), the middle and the right fifth (日). */
	assert_true(reds_in(img, 0, 0, px / 5, px / 5) > 100);
	assert_true(reds_in(img, 2 * px / 5, 0, 3 * px / 5, px / 5) > 100);
	assert_true(reds_in(img, 4 * px / 5, 0, px, px / 5) > 100);
	cairo_surface_destroy(img);
	/* Four hours earlier it is still the 6th in Beijing: another picture. */
	assert_int_equal(seal_image_date(t - 4 * 3600 - 1, px, &other, &olen), ST_OK);
	assert_false(olen == len && memcmp(png, other, len) == 0);
	/* And one second after midnight Beijing time the same day as at 20:00 UTC. */
	free(other);
	assert_int_equal(seal_image_date(t - 4 * 3600 + 1, px, &other, &olen), ST_OK);
	assert_true(olen == len && memcmp(png, other, len) == 0);
	free(other);
	free(png);
	png = NULL;
	assert_int_equal(seal_image_date(t, 79, &png, &len), ST_FIELD_RANGE);
	assert_string_equal(status_field(), "px");
	assert_null(png);
}

static void refuses_bad_text_and_sizes(void **state)
{
	(void)state;
	unsigned char *png = NULL;
	size_t len = 0;
	assert_int_equal(seal_image_round("", NULL, 300, &png, &len), ST_SEAL_TEXT_INVALID);
	assert_string_equal(status_field(), "name");
	assert_int_equal(seal_image_round("甲公司", "合同专用章合同专用章合同", 300, &png, &len),
	                 ST_SEAL_TEXT_INVALID);
	assert_string_equal(status_field(), "kind");
	assert_int_equal(seal_image_round("\xff\xfe", NULL, 300, &png, &len), ST_SEAL_TEXT_INVALID);
	assert_int_equal(seal_image_round("甲\n公司", NULL, 300, &png, &len), ST_SEAL_TEXT_INVALID);
	assert_int_equal(seal_image_round("甲公司", NULL, 10, &png, &len), ST_FIELD_RANGE);
	assert_int_equal(seal_image_square("一二三四五六七八九", 200, &png, &len),
	                 ST_SEAL_TEXT_INVALID);
	assert_int_equal(seal_image_square("王", 5000, &png, &len), ST_FIELD_RANGE);
	assert_null(png);
}

static int done(void **state)
{
	(void)state;
	/* cairo's and fontconfig's process-wide caches, released for the leak checker. */
	cairo_debug_reset_static_data();
	FcFini();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(round_seal_ring_star_and_text),
	        cmocka_unit_test(square_seal_frame_and_four_cells),
	        cmocka_unit_test(date_stamp_of_the_beijing_day),
	        cmocka_unit_test(refuses_bad_text_and_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, done);
}
