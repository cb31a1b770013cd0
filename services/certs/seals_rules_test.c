/* The pure rules of seals (seals_rules.c): kinds and labels, and the uploaded image's check
 * (a transparent PNG of the signing engine's sizes that decodes whole). */
#include "seal_image.h"
#include "seals.h"
#include "status.h"

#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef struct buf {
	unsigned char *p;
	size_t len;
} buf;

static cairo_status_t buf_write(void *arg, const unsigned char *data, unsigned int n)
{
	buf *b = arg;
	unsigned char *p = realloc(b->p, b->len + n);
	if (!p)
		return CAIRO_STATUS_NO_MEMORY;
	memcpy(p + b->len, data, n);
	b->p = p;
	b->len += n;
	return CAIRO_STATUS_SUCCESS;
}

/* A w × h PNG: a red disc on a transparent ground (ARGB32), or on white (RGB24, no alpha);
 * ink 0 leaves it empty. */
static buf png_make(int w, int h, cairo_format_t f, int ink)
{
	buf b = {NULL, 0};
	cairo_surface_t *s = cairo_image_surface_create(f, w, h);
	cairo_t *cr = cairo_create(s);
	if (f == CAIRO_FORMAT_RGB24) {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
	}
	if (ink) {
		cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
		cairo_arc(cr, w / 2.0, h / 2.0, (w < h ? w : h) / 3.0, 0, 6.3);
		cairo_fill(cr);
	}
	cairo_destroy(cr);
	assert_int_equal(cairo_surface_write_to_png_stream(s, buf_write, &b), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	return b;
}

static void kinds_and_labels(void **state)
{
	(void)state;
	assert_string_equal(certs_seal_kind_label("official"), "公章");
	assert_string_equal(certs_seal_kind_label("contract"), "合同专用章");
	assert_string_equal(certs_seal_kind_label("finance"), "财务专用章");
	assert_string_equal(certs_seal_kind_label("legal_rep"), "法定代表人章");
	assert_string_equal(certs_seal_kind_label("personal"), "个人签名");
	assert_null(certs_seal_kind_label("Official"));
	assert_null(certs_seal_kind_label(""));
	assert_null(certs_seal_kind_label(NULL));
	/* the 公章 shows no kind under its star; the others name theirs */
	assert_null(certs_seal_kind_text("official"));
	assert_string_equal(certs_seal_kind_text("contract"), "合同专用章");
	assert_string_equal(certs_seal_kind_text("legal_rep"), "法定代表人章");
}

static void png_transparent_of_sane_size_accepted(void **state)
{
	(void)state;
	buf b = png_make(64, 64, CAIRO_FORMAT_ARGB32, 1);
	assert_int_equal(certs_seal_png_check(b.p, b.len), ST_OK);
	free(b.p);
	/* the engine's bounds: 16 and 2000 px */
	b = png_make(16, 2000, CAIRO_FORMAT_ARGB32, 1);
	assert_int_equal(certs_seal_png_check(b.p, b.len), ST_OK);
	free(b.p);
	/* what the platform draws passes its own check */
	unsigned char *png = NULL;
	size_t len = 0;
	assert_int_equal(seal_image_round("测试科技有限公司", "合同专用章", 300, &png, &len),
	                 ST_OK);
	assert_int_equal(certs_seal_png_check(png, len), ST_OK);
	free(png);
	assert_int_equal(seal_image_square("张三", 200, &png, &len), ST_OK);
	assert_int_equal(certs_seal_png_check(png, len), ST_OK);
	free(png);
}

static void png_refused_unless_transparent_sane_and_whole(void **state)
{
	(void)state;
	/* no alpha channel: it would hide the text it is stamped on */
	buf b = png_make(64, 64, CAIRO_FORMAT_RGB24, 1);
	assert_int_equal(certs_seal_png_check(b.p, b.len), ST_SEAL_IMAGE_INVALID);
	free(b.p);
	/* nothing drawn: wholly transparent */
	b = png_make(64, 64, CAIRO_FORMAT_ARGB32, 0);
	assert_int_equal(certs_seal_png_check(b.p, b.len), ST_SEAL_IMAGE_INVALID);
	free(b.p);
	/* too small, too large (the header's size, judged before decoding) */
	b = png_make(15, 64, CAIRO_FORMAT_ARGB32, 1);
	assert_int_equal(certs_seal_png_check(b.p, b.len), ST_SEAL_IMAGE_INVALID);
	free(b.p);
	b = png_make(2001, 16, CAIRO_FORMAT_ARGB32, 1);
	assert_int_equal(certs_seal_png_check(b.p, b.len), ST_SEAL_IMAGE_INVALID);
	free(b.p);
	/* cut short: the header is fine, the data is not there */
	b = png_make(64, 64, CAIRO_FORMAT_ARGB32, 1);
	assert_int_equal(certs_seal_png_check(b.p, b.len / 2), ST_SEAL_IMAGE_INVALID);
	/* not a PNG: a JPEG's magic, text, nothing */
	assert_int_equal(certs_seal_png_check((const unsigned char *)"\xff\xd8\xff\xe0", 4),
	                 ST_SEAL_IMAGE_INVALID);
	assert_int_equal(
	        certs_seal_png_check((const unsigned char *)"not a png at all, a text", 24),
	        ST_SEAL_IMAGE_INVALID);
	assert_int_equal(certs_seal_png_check(NULL, 0), ST_SEAL_IMAGE_INVALID);
	/* a second chunk passed off as IHDR: the first must be IHDR of 13 bytes */
	b.p[15] = 'X';
	assert_int_equal(certs_seal_png_check(b.p, b.len), ST_SEAL_IMAGE_INVALID);
	free(b.p);
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
	        cmocka_unit_test(kinds_and_labels),
	        cmocka_unit_test(png_transparent_of_sane_size_accepted),
	        cmocka_unit_test(png_refused_unless_transparent_sane_and_whole),
	};
	return cmocka_run_group_tests(tests, NULL, done);
}
