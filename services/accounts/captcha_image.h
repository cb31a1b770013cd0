/*
 * Captcha images, pure: random answers, drawing with a built-in 5x7 bitmap font, and
 * PNG encoding (8-bit palette, stored deflate blocks, own CRC-32 and Adler-32). No I/O,
 * no allocation; randomness from crypto_random_bytes(). Thread-safe.
 */
#ifndef ACCOUNTS_CAPTCHA_IMAGE_H
#define ACCOUNTS_CAPTCHA_IMAGE_H

#include <stddef.h>

/* Characters an answer is drawn from: no 0/O, 1/I/L. */
#define CAPTCHA_IMAGE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define CAPTCHA_IMAGE_CHARS    4 /* characters in an answer */
#define CAPTCHA_IMAGE_W        120
#define CAPTCHA_IMAGE_H        40
#define CAPTCHA_IMAGE_GLYPH_W  5
#define CAPTCHA_IMAGE_GLYPH_H  7

/* The palette index the i-th character (0..CAPTCHA_IMAGE_CHARS-1) is drawn in; no
 * background or noise pixel uses these indices. */
#define CAPTCHA_IMAGE_INK(i) (8 + (i))

/* A palette image: pixels[y][x] indexes palette[0..ncolours-1] (RGB). */
typedef struct captcha_image {
	unsigned char pixels[CAPTCHA_IMAGE_H][CAPTCHA_IMAGE_W];
	unsigned char palette[256][3];
	int ncolours;
} captcha_image;

/* Upper bound of a PNG from captcha_image_png(): signature, IHDR, a full PLTE, one
 * IDAT (zlib header, stored blocks of at most 65535 bytes, Adler-32) and IEND. */
#define CAPTCHA_IMAGE_RAW_LEN (CAPTCHA_IMAGE_H * (CAPTCHA_IMAGE_W + 1))
#define CAPTCHA_IMAGE_PNG_MAX                                                                      \
	(8 + 25 + (12 + 768) +                                                                     \
	 (12 + 2 + 5 * (CAPTCHA_IMAGE_RAW_LEN / 65535 + 1) + CAPTCHA_IMAGE_RAW_LEN + 4) + 12)

/* Room for "data:image/png;base64,<...>" of any such PNG, NUL included. */
#define CAPTCHA_IMAGE_DATA_URI_PREFIX "data:image/png;base64,"
#define CAPTCHA_IMAGE_DATA_URI_MAX                                                                 \
	(sizeof CAPTCHA_IMAGE_DATA_URI_PREFIX + 4 * ((CAPTCHA_IMAGE_PNG_MAX + 2) / 3))

/* A uniformly random answer of CAPTCHA_IMAGE_CHARS alphabet characters, NUL-terminated.
 * 0, or -1 when the CSPRNG fails (out untouched). */
int captcha_image_answer(char out[CAPTCHA_IMAGE_CHARS + 1]);

/* The 5x7 bitmap of c: rows top to bottom, bit 4 the leftmost column. 0, or -1 when c
 * is not in the font (the font holds exactly CAPTCHA_IMAGE_ALPHABET, upper case). */
int captcha_image_glyph(char c, unsigned char rows[CAPTCHA_IMAGE_GLYPH_H]);

/*
 * Draws text (exactly CAPTCHA_IMAGE_CHARS characters of the font) into img: a random
 * light background, noise dots and lines, and each character scaled, rotated, sheared
 * and offset at random in its own dark colour CAPTCHA_IMAGE_INK(i). 0, or -1 when
 * text is not drawable or the CSPRNG fails (img then holds nothing to use).
 */
int captcha_image_draw(captcha_image *img, const char *text);

/* Encodes img as a PNG into out: the length written, or 0 when cap is too small
 * (CAPTCHA_IMAGE_PNG_MAX always suffices) or img->ncolours is not 1..256. */
size_t captcha_image_png(const captcha_image *img, unsigned char *out, size_t cap);

/* Writes "data:image/png;base64,<standard base64 with padding of the n bytes>" and a NUL
 * into out: the length without the NUL, or 0 when cap is too small. */
size_t captcha_image_data_uri(const unsigned char *png, size_t n, char *out, size_t cap);

#endif
