/*
 * Unit tests of captcha_image.c: answers, font, drawing, and the PNG decoded again here
 * by an independent reader (table-driven CRC-32, its own Adler-32, stored deflate
 * blocks) down to the palette indices of every pixel.
 */
#include "captcha_image.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char alphabet[] = CAPTCHA_IMAGE_ALPHABET;

/* ---- an independent PNG reader -------------------------------------------------- */

static uint32_t crc_table[256];

static void crc_table_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

static uint32_t adler32_of(const unsigned char *p, size_t n)
{
	uint64_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a += p[i];
		b += a;
		if ((i & 0xFFF) == 0xFFF) {
			a %= 65521;
			b %= 65521;
		}
	}
	return (uint32_t)((b % 65521) << 16 | (a % 65521));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

typedef struct decoded {
	uint32_t width, height;
	int depth, colour_type, compression, filter, interlace;
	unsigned char palette[256][3];
	size_t ncolours;
	unsigned char idat[CAPTCHA_IMAGE_PNG_MAX];
	size_t idat_len;
	unsigned char raw[CAPTCHA_IMAGE_RAW_LEN];
	size_t raw_len;
	size_t blocks;
	int iend;
} decoded;

/* Walks the chunks (each CRC checked), then inflates the zlib stream of stored blocks. */
static void png_decode(const unsigned char *png, size_t len, decoded *d)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	memset(d, 0, sizeof *d);
	assert_true(len > sizeof sig);
	assert_memory_equal(png, sig, sizeof sig);
	size_t pos = sizeof sig;
	int chunks = 0;
	while (pos < len) {
		assert_true(len - pos >= 12);
		uint32_t n = get32(png + pos);
		assert_true(n <= len - pos - 12);
		const unsigned char *type = png + pos + 4, *data = type + 4;
		assert_int_equal(get32(data + n), crc32_of(type, n + 4));
		assert_false(d->iend); /* nothing after IEND */
		if (chunks++ == 0)
			assert_memory_equal(type, "IHDR", 4);
		if (memcmp(type, "IHDR", 4) == 0) {
			assert_int_equal(n, 13);
			d->width = get32(data);
			d->height = get32(data + 4);
			d->depth = data[8];
			d->colour_type = data[9];
			d->compression = data[10];
			d->filter = data[11];
			d->interlace = data[12];
		} else if (memcmp(type, "PLTE", 4) == 0) {
			assert_int_equal(n % 3, 0);
			assert_true(n >= 3 && n <= 768);
			assert_int_equal(d->idat_len, 0); /* PLTE precedes IDAT */
			memcpy(d->palette, data, n);
			d->ncolours = n / 3;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			assert_true(d->idat_len + n <= sizeof d->idat);
			memcpy(d->idat + d->idat_len, data, n);
			d->idat_len += n;
		} else if (memcmp(type, "IEND", 4) == 0) {
			assert_int_equal(n, 0);
			d->iend = 1;
		} else {
			fail_msg("unexpected chunk %.4s", (const char *)type);
		}
		pos += 12 + n;
	}
	assert_int_equal(pos, len);
	assert_true(d->iend);

	/* zlib (RFC 1950): CM 8, window <= 32 KiB, FCHECK, no preset dictionary. */
	const unsigned char *z = d->idat;
	assert_true(d->idat_len >= 2 + 5 + 4);
	assert_int_equal(z[0] & 0x0F, 8);
	assert_true((z[0] >> 4) <= 7);
	assert_int_equal((z[0] << 8 | z[1]) % 31, 0);
	assert_int_equal(z[1] & 0x20, 0);
	size_t zp = 2;
	int final = 0;
	while (!final) {
		/* Deflate (RFC 1951): only stored blocks, byte-aligned, LEN and its complement. */
		assert_true(d->idat_len - zp >= 5);
		final = z[zp] & 1;
		assert_int_equal(z[zp] >> 1 & 3, 0);
		size_t n = (size_t)z[zp + 1] | (size_t)z[zp + 2] << 8;
		size_t nn = (size_t)z[zp + 3] | (size_t)z[zp + 4] << 8;
		assert_int_equal(n ^ 0xFFFF, nn);
		zp += 5;
		assert_true(d->idat_len - zp >= n);
		assert_true(d->raw_len + n <= sizeof d->raw);
		memcpy(d->raw + d->raw_len, z + zp, n);
		d->raw_len += n;
		zp += n;
		d->blocks++;
	}
	assert_int_equal(d->idat_len - zp, 4);
	assert_int_equal(get32(z + zp), adler32_of(d->raw, d->raw_len));
}

/* ---- answers -------------------------------------------------------------------- */

static void test_answers_use_only_the_alphabet(void **state)
{
	(void)state;
	int seen[256] = {0};
	for (int k = 0; k < 2000; k++) {
		char a[CAPTCHA_IMAGE_CHARS + 1];
		memset(a, 'x', sizeof a);
		assert_int_equal(captcha_image_answer(a), 0);
		assert_int_equal(strlen(a), CAPTCHA_IMAGE_CHARS);
		for (int i = 0; i < CAPTCHA_IMAGE_CHARS; i++) {
			assert_non_null(strchr(alphabet, a[i]));
			seen[(unsigned char)a[i]]++;
		}
	}
	/* 8000 draws over 31 characters: every one shows up, none dominates. */
	for (const char *c = alphabet; *c; c++) {
		assert_true(seen[(unsigned char)*c] > 100);
		assert_true(seen[(unsigned char)*c] < 500);
	}
}

static void test_alphabet_has_no_ambiguous_characters(void **state)
{
	(void)state;
	assert_int_equal(strlen(alphabet), 31);
	for (const char *c = "0O1IL"; *c; c++)
		assert_null(strchr(alphabet, *c));
}

/* ---- font ----------------------------------------------------------------------- */

static void test_font_covers_the_alphabet_with_distinct_glyphs(void **state)
{
	(void)state;
	unsigned char g[sizeof alphabet][CAPTCHA_IMAGE_GLYPH_H];
	for (size_t i = 0; alphabet[i]; i++) {
		assert_int_equal(captcha_image_glyph(alphabet[i], g[i]), 0);
		int cells = 0;
		for (int y = 0; y < CAPTCHA_IMAGE_GLYPH_H; y++) {
			assert_int_equal(g[i][y] & ~0x1Fu, 0);
			for (int x = 0; x < CAPTCHA_IMAGE_GLYPH_W; x++)
				cells += g[i][y] >> x & 1;
		}
		assert_true(cells >= 9);
		for (size_t j = 0; j < i; j++)
			assert_memory_not_equal(g[i], g[j], CAPTCHA_IMAGE_GLYPH_H);
	}
	/* A known glyph, row by row. */
	static const unsigned char t[CAPTCHA_IMAGE_GLYPH_H] = {0x1F, 4, 4, 4, 4, 4, 4};
	unsigned char rows[CAPTCHA_IMAGE_GLYPH_H];
	assert_int_equal(captcha_image_glyph('T', rows), 0);
	assert_memory_equal(rows, t, sizeof t);
	for (const char *c = "0O1ILa z"; *c; c++)
		assert_int_equal(captcha_image_glyph(*c, rows), -1);
	assert_int_equal(captcha_image_glyph('\0', rows), -1);
}

/* ---- drawing -------------------------------------------------------------------- */

/* Every character of the alphabet, four at a time, shows up in its ink inside its cell. */
static void test_draw_renders_every_character(void **state)
{
	(void)state;
	captcha_image *img = malloc(sizeof *img);
	assert_non_null(img);
	const size_t n = strlen(alphabet);
	const int cell = CAPTCHA_IMAGE_W / CAPTCHA_IMAGE_CHARS;
	for (size_t start = 0; start < n; start += CAPTCHA_IMAGE_CHARS) {
		char text[CAPTCHA_IMAGE_CHARS + 1];
		for (int i = 0; i < CAPTCHA_IMAGE_CHARS; i++)
			text[i] = alphabet[(start + (size_t)i) % n];
		text[CAPTCHA_IMAGE_CHARS] = '\0';
		assert_int_equal(captcha_image_draw(img, text), 0);
		assert_true(img->ncolours > CAPTCHA_IMAGE_INK(CAPTCHA_IMAGE_CHARS - 1));
		for (int i = 0; i < CAPTCHA_IMAGE_CHARS; i++) {
			long count = 0, sumx = 0;
			for (int y = 0; y < CAPTCHA_IMAGE_H; y++)
				for (int x = 0; x < CAPTCHA_IMAGE_W; x++)
					if (img->pixels[y][x] == CAPTCHA_IMAGE_INK(i)) {
						count++;
						sumx += x;
					}
			/* 9+ cells of at least 2.8 x 3 pixels, minus what noise covers. */
			assert_true(count >= 40);
			long mid = sumx / count;
			assert_true(mid >= cell * i && mid < cell * (i + 1));
		}
		for (int y = 0; y < CAPTCHA_IMAGE_H; y++)
			for (int x = 0; x < CAPTCHA_IMAGE_W; x++)
				assert_true(img->pixels[y][x] < img->ncolours);
		/* Ink is dark on a light background. */
		for (int i = 0; i < CAPTCHA_IMAGE_CHARS; i++) {
			const unsigned char *ink = img->palette[CAPTCHA_IMAGE_INK(i)];
			const unsigned char *bg = img->palette[0];
			assert_true(ink[0] + ink[1] + ink[2] + 200 < bg[0] + bg[1] + bg[2]);
		}
	}
	free(img);
}

static void test_draw_is_random(void **state)
{
	(void)state;
	captcha_image *a = malloc(sizeof *a), *b = malloc(sizeof *b);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(captcha_image_draw(a, "AB23"), 0);
	assert_int_equal(captcha_image_draw(b, "AB23"), 0);
	assert_memory_not_equal(a->pixels, b->pixels, sizeof a->pixels);
	free(a);
	free(b);
}

static void test_draw_refuses_text_outside_the_font(void **state)
{
	(void)state;
	captcha_image *img = malloc(sizeof *img);
	assert_non_null(img);
	assert_int_equal(captcha_image_draw(img, NULL), -1);
	assert_int_equal(captcha_image_draw(img, ""), -1);
	assert_int_equal(captcha_image_draw(img, "AB2"), -1);
	assert_int_equal(captcha_image_draw(img, "AB234"), -1);
	assert_int_equal(captcha_image_draw(img, "AB0D"), -1);
	assert_int_equal(captcha_image_draw(img, "abcd"), -1);
	free(img);
}

/* ---- PNG ------------------------------------------------------------------------ */

static void test_reader_checksums_match_known_vectors(void **state)
{
	(void)state;
	assert_int_equal(crc32_of((const unsigned char *)"123456789", 9), 0xCBF43926u);
	assert_int_equal(adler32_of((const unsigned char *)"Wikipedia", 9), 0x11E60398u);
}

static void test_png_decodes_to_the_drawn_pixels(void **state)
{
	(void)state;
	captcha_image *img = malloc(sizeof *img);
	unsigned char *png = malloc(CAPTCHA_IMAGE_PNG_MAX);
	decoded *d = malloc(sizeof *d);
	assert_non_null(img);
	assert_non_null(png);
	assert_non_null(d);
	char answer[CAPTCHA_IMAGE_CHARS + 1];
	assert_int_equal(captcha_image_answer(answer), 0);
	assert_int_equal(captcha_image_draw(img, answer), 0);
	size_t len = captcha_image_png(img, png, CAPTCHA_IMAGE_PNG_MAX);
	assert_true(len > 0 && len <= CAPTCHA_IMAGE_PNG_MAX);
	assert_true(len < 8 * 1024);

	png_decode(png, len, d);
	assert_int_equal(d->width, CAPTCHA_IMAGE_W);
	assert_int_equal(d->height, CAPTCHA_IMAGE_H);
	assert_int_equal(d->depth, 8);
	assert_int_equal(d->colour_type, 3);
	assert_int_equal(d->compression, 0);
	assert_int_equal(d->filter, 0);
	assert_int_equal(d->interlace, 0);
	assert_int_equal(d->ncolours, (size_t)img->ncolours);
	assert_memory_equal(d->palette, img->palette, d->ncolours * 3);
	assert_int_equal(d->blocks, 1);
	assert_int_equal(d->raw_len, CAPTCHA_IMAGE_RAW_LEN);
	for (int y = 0; y < CAPTCHA_IMAGE_H; y++) {
		const unsigned char *row = d->raw + y * (CAPTCHA_IMAGE_W + 1);
		assert_int_equal(row[0], 0); /* filter None */
		assert_memory_equal(row + 1, img->pixels[y], CAPTCHA_IMAGE_W);
		for (int x = 0; x < CAPTCHA_IMAGE_W; x++)
			assert_true(row[1 + x] < d->ncolours);
	}
	/* IEND is always the same 12 bytes. */
	static const unsigned char iend[12] = {0,   0,   0,    0,    'I',  'E',
	                                       'N', 'D', 0xAE, 0x42, 0x60, 0x82};
	assert_memory_equal(png + len - 12, iend, 12);

	/* Too small a buffer, or a palette out of range, writes nothing. */
	assert_int_equal(captcha_image_png(img, png, len - 1), 0);
	img->ncolours = 0;
	assert_int_equal(captcha_image_png(img, png, CAPTCHA_IMAGE_PNG_MAX), 0);
	img->ncolours = 257;
	assert_int_equal(captcha_image_png(img, png, CAPTCHA_IMAGE_PNG_MAX), 0);

	/* A full 256-colour palette fits CAPTCHA_IMAGE_PNG_MAX exactly. */
	img->ncolours = 256;
	len = captcha_image_png(img, png, CAPTCHA_IMAGE_PNG_MAX);
	assert_int_equal(len, CAPTCHA_IMAGE_PNG_MAX);
	png_decode(png, len, d);
	assert_int_equal(d->ncolours, 256);
	free(d);
	free(png);
	free(img);
}

static void test_data_uri_is_standard_base64(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} v[] = {{"", ""},
	         {"f", "Zg=="},
	         {"fo", "Zm8="},
	         {"foo", "Zm9v"},
	         {"foob", "Zm9vYg=="},
	         {"fooba", "Zm9vYmE="},
	         {"foobar", "Zm9vYmFy"}};
	char out[64], want[64];
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t n = strlen(v[i].in);
		size_t len =
		        captcha_image_data_uri((const unsigned char *)v[i].in, n, out, sizeof out);
		snprintf(want, sizeof want, "%s%s", CAPTCHA_IMAGE_DATA_URI_PREFIX, v[i].out);
		assert_string_equal(out, want);
		assert_int_equal(len, strlen(want));
		assert_int_equal(
		        captcha_image_data_uri((const unsigned char *)v[i].in, n, out, len), 0);
	}
	static const unsigned char hi[3] = {0xFB, 0xFF, 0xBF};
	assert_true(captcha_image_data_uri(hi, 3, out, sizeof out) > 0);
	assert_string_equal(out + strlen(CAPTCHA_IMAGE_DATA_URI_PREFIX), "+/+/");

	/* The largest PNG fits CAPTCHA_IMAGE_DATA_URI_MAX. */
	unsigned char *png = calloc(1, CAPTCHA_IMAGE_PNG_MAX);
	char *uri = malloc(CAPTCHA_IMAGE_DATA_URI_MAX);
	assert_non_null(png);
	assert_non_null(uri);
	size_t len =
	        captcha_image_data_uri(png, CAPTCHA_IMAGE_PNG_MAX, uri, CAPTCHA_IMAGE_DATA_URI_MAX);
	assert_int_equal(len + 1, CAPTCHA_IMAGE_DATA_URI_MAX);
	assert_int_equal(strlen(uri), len);
	free(uri);
	free(png);
}

int main(void)
{
	crc_table_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_answers_use_only_the_alphabet),
	        cmocka_unit_test(test_alphabet_has_no_ambiguous_characters),
	        cmocka_unit_test(test_font_covers_the_alphabet_with_distinct_glyphs),
	        cmocka_unit_test(test_draw_renders_every_character),
	        cmocka_unit_test(test_draw_is_random),
	        cmocka_unit_test(test_draw_refuses_text_outside_the_font),
	        cmocka_unit_test(test_reader_checksums_match_known_vectors),
	        cmocka_unit_test(test_png_decodes_to_the_drawn_pixels),
	        cmocka_unit_test(test_data_uri_is_standard_base64),
	};
	return cmocka_run_group_tests_name("captcha_image", tests, NULL, NULL);
}
