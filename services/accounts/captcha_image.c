/*
 * Captcha images (see captcha_image.h): a hand-written 5x7 font drawn by inverse
 * mapping (each pixel of a character's box is mapped back through rotation, shear and
 * scale into the glyph grid), and a PNG writer without zlib: deflate allows "stored"
 * blocks, so the IDAT stream is a zlib header, raw scanlines in blocks of up to 65535
 * bytes and an Adler-32; a 120x40 palette image stays under 6 KB.
 */
#include "captcha_image.h"

#include "crypto.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- randomness for drawing --------------------------------------------------- */

/* CSPRNG bytes fetched in batches; a failed fetch is remembered and reported at the end. */
typedef struct draw_rng {
	unsigned char buf[128];
	size_t pos;
	int failed;
} draw_rng;

static unsigned rng_byte(draw_rng *r)
{
	if (r->pos >= sizeof r->buf) {
		if (crypto_random_bytes(r->buf, sizeof r->buf) != 0) {
			memset(r->buf, 0, sizeof r->buf);
			r->failed = 1;
		}
		r->pos = 0;
	}
	return r->buf[r->pos++];
}

/* lo..hi inclusive (hi - lo < 65536); the modulo bias does not matter for drawing. */
static int rng_int(draw_rng *r, int lo, int hi)
{
	unsigned v = rng_byte(r) << 8 | rng_byte(r);
	return lo + (int)(v % (unsigned)(hi - lo + 1));
}

static double rng_real(draw_rng *r, double lo, double hi)
{
	unsigned v = rng_byte(r) << 8 | rng_byte(r);
	return lo + (hi - lo) * (double)v / 65535.0;
}

/* ---- answers ------------------------------------------------------------------ */

int captcha_image_answer(char out[CAPTCHA_IMAGE_CHARS + 1])
{
	static const char alphabet[] = CAPTCHA_IMAGE_ALPHABET;
	const unsigned n = sizeof alphabet - 1;
	const unsigned limit = 256 - 256 % n; /* bytes at or above it would favour the start */
	char tmp[CAPTCHA_IMAGE_CHARS + 1];
	unsigned char rnd[16];
	size_t got = 0;
	while (got < CAPTCHA_IMAGE_CHARS) {
		if (crypto_random_bytes(rnd, sizeof rnd) != 0)
			return -1;
		for (size_t i = 0; i < sizeof rnd && got < CAPTCHA_IMAGE_CHARS; i++)
			if (rnd[i] < limit)
				tmp[got++] = alphabet[rnd[i] % n];
	}
	tmp[got] = '\0';
	memcpy(out, tmp, sizeof tmp);
	return 0;
}

/* ---- font --------------------------------------------------------------------- */

/* One glyph per alphabet character, drawn as text: '#' ink, '.' background. */
static const struct font_glyph {
	char c;
	const char *rows[CAPTCHA_IMAGE_GLYPH_H];
} font[] = {
        {'2', {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}},
        {'3', {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."}},
        {'4', {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}},
        {'5', {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}},
        {'6', {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}},
        {'7', {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}},
        {'8', {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}},
        {'9', {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}},
        {'A', {".###.", "#...#", "#...#", "#...#", "#####", "#...#", "#...#"}},
        {'B', {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."}},
        {'C', {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."}},
        {'D', {"###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."}},
        {'E', {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}},
        {'F', {"#####", "#....", "#....", "####.", "#....", "#....", "#...."}},
        {'G', {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"}},
        {'H', {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
        {'J', {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."}},
        {'K', {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"}},
        {'M', {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"}},
        {'N', {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"}},
        {'P', {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."}},
        {'Q', {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"}},
        {'R', {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"}},
        {'S', {".###.", "#...#", "#....", ".###.", "....#", "#...#", ".###."}},
        {'T', {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."}},
        {'U', {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
        {'V', {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."}},
        {'W', {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."}},
        {'X', {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"}},
        {'Y', {"#...#", "#...#", "#...#", ".#.#.", "..#..", "..#..", "..#.."}},
        {'Z', {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"}},
};

int captcha_image_glyph(char c, unsigned char rows[CAPTCHA_IMAGE_GLYPH_H])
{
	for (size_t g = 0; g < sizeof font / sizeof font[0]; g++) {
		if (font[g].c != c)
			continue;
		for (int y = 0; y < CAPTCHA_IMAGE_GLYPH_H; y++) {
			unsigned char bits = 0;
			for (int x = 0; x < CAPTCHA_IMAGE_GLYPH_W; x++)
				bits = (unsigned char)(bits << 1 | (font[g].rows[y][x] == '#'));
			rows[y] = bits;
		}
		return 0;
	}
	return -1;
}

/* ---- drawing ------------------------------------------------------------------ */

/* Palette layout: background gradient, one ink per character, noise colours. */
enum {
	PAL_BG = 0,
	PAL_BG_N = 8,
	PAL_INK = PAL_BG + PAL_BG_N,
	PAL_NOISE = PAL_INK + CAPTCHA_IMAGE_CHARS,
	PAL_NOISE_N = 8,
	PAL_COLOURS = PAL_NOISE + PAL_NOISE_N,
};
_Static_assert(CAPTCHA_IMAGE_INK(0) == PAL_INK, "CAPTCHA_IMAGE_INK matches the palette");

static void put_pixel(captcha_image *img, int x, int y, int idx)
{
	if (x >= 0 && x < CAPTCHA_IMAGE_W && y >= 0 && y < CAPTCHA_IMAGE_H)
		img->pixels[y][x] = (unsigned char)idx;
}

/* Bresenham: every pixel of the segment, clipped to the image. */
static void draw_line(captcha_image *img, int x0, int y0, int x1, int y1, int idx)
{
	int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
	int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
	int err = dx + dy;
	for (;;) {
		put_pixel(img, x0, y0, idx);
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

static void draw_noise(captcha_image *img, draw_rng *r, int dots, int lines)
{
	for (int i = 0; i < dots; i++)
		put_pixel(img, rng_int(r, 0, CAPTCHA_IMAGE_W - 1),
		          rng_int(r, 0, CAPTCHA_IMAGE_H - 1),
		          PAL_NOISE + rng_int(r, 0, PAL_NOISE_N - 1));
	for (int i = 0; i < lines; i++)
		draw_line(img, rng_int(r, 0, CAPTCHA_IMAGE_W / 4),
		          rng_int(r, 0, CAPTCHA_IMAGE_H - 1),
		          rng_int(r, CAPTCHA_IMAGE_W * 3 / 4, CAPTCHA_IMAGE_W - 1),
		          rng_int(r, 0, CAPTCHA_IMAGE_H - 1),
		          PAL_NOISE + rng_int(r, 0, PAL_NOISE_N - 1));
}

/* One colour with every channel in lo..hi. */
static void pick_colour(draw_rng *r, unsigned char rgb[3], int lo, int hi)
{
	for (int k = 0; k < 3; k++)
		rgb[k] = (unsigned char)rng_int(r, lo, hi);
}

static void draw_palette(captcha_image *img, draw_rng *r)
{
	unsigned char a[3], b[3];
	pick_colour(r, a, 205, 250);
	pick_colour(r, b, 205, 250);
	for (int i = 0; i < PAL_BG_N; i++)
		for (int k = 0; k < 3; k++)
			img->palette[PAL_BG + i][k] =
			        (unsigned char)((a[k] * (PAL_BG_N - 1 - i) + b[k] * i) /
			                        (PAL_BG_N - 1));
	for (int i = 0; i < CAPTCHA_IMAGE_CHARS; i++)
		pick_colour(r, img->palette[PAL_INK + i], 0, 120);
	for (int i = 0; i < PAL_NOISE_N; i++)
		pick_colour(r, img->palette[PAL_NOISE + i], 90, 200);
	img->ncolours = PAL_COLOURS;
}

/* 1 when glyph coordinates (u, v), in cells from the top left, fall on a set cell. */
static int glyph_ink(const unsigned char rows[CAPTCHA_IMAGE_GLYPH_H], double u, double v)
{
	if (!(u >= 0 && u < CAPTCHA_IMAGE_GLYPH_W && v >= 0 && v < CAPTCHA_IMAGE_GLYPH_H))
		return 0;
	int col = (int)u, row = (int)v;
	return rows[row] >> (CAPTCHA_IMAGE_GLYPH_W - 1 - col) & 1u;
}

/*
 * Draws a glyph centred at (cx, cy): a pixel is ink when its centre, mapped back
 * through rotation by angle, horizontal shear and scale (sx, sy), lands on a set cell
 * or within GLYPH_BOLD of one, which keeps rotated strokes free of gaps.
 */
#define GLYPH_BOLD 0.2
static void draw_glyph(captcha_image *img, const unsigned char rows[CAPTCHA_IMAGE_GLYPH_H],
                       double cx, double cy, double sx, double sy, double angle, double shear,
                       int idx)
{
	const double c = cos(angle), s = sin(angle);
	const int reach = CAPTCHA_IMAGE_W / CAPTCHA_IMAGE_CHARS;
	int xlo = (int)cx - reach, xhi = (int)cx + reach;
	if (xlo < 0)
		xlo = 0;
	if (xhi > CAPTCHA_IMAGE_W - 1)
		xhi = CAPTCHA_IMAGE_W - 1;
	for (int y = 0; y < CAPTCHA_IMAGE_H; y++) {
		for (int x = xlo; x <= xhi; x++) {
			double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
			double a = c * dx + s * dy, b = -s * dx + c * dy;
			double u = (a - shear * b) / sx + CAPTCHA_IMAGE_GLYPH_W / 2.0;
			double v = b / sy + CAPTCHA_IMAGE_GLYPH_H / 2.0;
			if (glyph_ink(rows, u - GLYPH_BOLD, v - GLYPH_BOLD) ||
			    glyph_ink(rows, u + GLYPH_BOLD, v - GLYPH_BOLD) ||
			    glyph_ink(rows, u - GLYPH_BOLD, v + GLYPH_BOLD) ||
			    glyph_ink(rows, u + GLYPH_BOLD, v + GLYPH_BOLD))
				img->pixels[y][x] = (unsigned char)idx;
		}
	}
}

int captcha_image_draw(captcha_image *img, const char *text)
{
	unsigned char glyphs[CAPTCHA_IMAGE_CHARS][CAPTCHA_IMAGE_GLYPH_H];
	draw_rng r = {.pos = sizeof r.buf};
	if (!text)
		return -1;
	for (int i = 0; i < CAPTCHA_IMAGE_CHARS; i++)
		if (!text[i] || captcha_image_glyph(text[i], glyphs[i]) != 0)
			return -1;
	if (text[CAPTCHA_IMAGE_CHARS] != '\0')
		return -1;

	memset(img, 0, sizeof *img);
	draw_palette(img, &r);
	for (int y = 0; y < CAPTCHA_IMAGE_H; y++)
		for (int x = 0; x < CAPTCHA_IMAGE_W; x++)
			img->pixels[y][x] =
			        (unsigned char)(PAL_BG + x * PAL_BG_N / CAPTCHA_IMAGE_W);
	draw_noise(img, &r, 110, 3);

	const int cell = CAPTCHA_IMAGE_W / CAPTCHA_IMAGE_CHARS;
	for (int i = 0; i < CAPTCHA_IMAGE_CHARS; i++) {
		double cx = cell * i + cell / 2.0 + rng_int(&r, -3, 3);
		double cy = CAPTCHA_IMAGE_H / 2.0 + rng_int(&r, -3, 3);
		draw_glyph(img, glyphs[i], cx, cy, rng_real(&r, 2.9, 3.4), rng_real(&r, 3.0, 3.4),
		           rng_real(&r, -0.3, 0.3), rng_real(&r, -0.2, 0.2), PAL_INK + i);
	}
	/* Over the text: thin lines and dots that break strokes without hiding them. */
	draw_noise(img, &r, 40, 2);
	return r.failed ? -1 : 0;
}

/* ---- PNG ---------------------------------------------------------------------- */

/* CRC-32 of PNG and zlib (ISO 3309, reflected 0xEDB88320), bitwise: no shared table. */
static uint32_t png_crc(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return crc ^ 0xFFFFFFFFu;
}

static uint32_t png_adler(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521u;
		b = (b + a) % 65521u;
	}
	return b << 16 | a;
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return p + 4;
}

/* Writes a chunk's length and type; its data follows at the returned pointer. */
static unsigned char *chunk_begin(unsigned char *p, size_t len, const char type[4])
{
	p = put32(p, (uint32_t)len);
	memcpy(p, type, 4);
	return p + 4;
}

/* Closes the chunk whose data ends at end: the CRC of type and data. */
static unsigned char *chunk_end(unsigned char *data, unsigned char *end)
{
	return put32(end, png_crc(data - 4, (size_t)(end - data) + 4));
}

size_t captcha_image_png(const captcha_image *img, unsigned char *out, size_t cap)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	unsigned char raw[CAPTCHA_IMAGE_RAW_LEN];
	if (img->ncolours < 1 || img->ncolours > 256)
		return 0;
	const size_t nblocks = (sizeof raw + 65534) / 65535;
	const size_t zlen = 2 + 5 * nblocks + sizeof raw + 4;
	const size_t plte = 3 * (size_t)img->ncolours;
	const size_t total = sizeof sig + (12 + 13) + (12 + plte) + (12 + zlen) + 12;
	if (cap < total)
		return 0;

	/* Scanlines: filter type 0 (None), then the row's palette indices. */
	for (int y = 0; y < CAPTCHA_IMAGE_H; y++) {
		raw[y * (CAPTCHA_IMAGE_W + 1)] = 0;
		memcpy(raw + y * (CAPTCHA_IMAGE_W + 1) + 1, img->pixels[y], CAPTCHA_IMAGE_W);
	}

	unsigned char *p = out, *d;
	memcpy(p, sig, sizeof sig);
	p += sizeof sig;

	d = chunk_begin(p, 13, "IHDR");
	p = put32(d, CAPTCHA_IMAGE_W);
	p = put32(p, CAPTCHA_IMAGE_H);
	*p++ = 8; /* bit depth */
	*p++ = 3; /* colour type: palette */
	*p++ = 0; /* compression: deflate */
	*p++ = 0; /* filter method 0 */
	*p++ = 0; /* no interlace */
	p = chunk_end(d, p);

	d = chunk_begin(p, plte, "PLTE");
	memcpy(d, img->palette, plte);
	p = chunk_end(d, d + plte);

	d = chunk_begin(p, zlen, "IDAT");
	p = d;
	*p++ = 0x78; /* deflate, 32 KiB window */
	*p++ = 0x01; /* no dictionary, level "fastest"; (0x78 << 8 | 0x01) % 31 == 0 */
	for (size_t off = 0; off < sizeof raw;) {
		size_t n = sizeof raw - off > 65535 ? 65535 : sizeof raw - off;
		*p++ = off + n == sizeof raw ? 1 : 0; /* BFINAL, BTYPE 00 (stored) */
		*p++ = (unsigned char)(n & 0xFF);
		*p++ = (unsigned char)(n >> 8);
		*p++ = (unsigned char)(~n & 0xFF);
		*p++ = (unsigned char)((~n >> 8) & 0xFF);
		memcpy(p, raw + off, n);
		p += n;
		off += n;
	}
	p = put32(p, png_adler(raw, sizeof raw));
	p = chunk_end(d, p);

	d = chunk_begin(p, 0, "IEND");
	p = chunk_end(d, d);
	return (size_t)(p - out);
}

size_t captcha_image_data_uri(const unsigned char *png, size_t n, char *out, size_t cap)
{
	static const char b64[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const size_t prefix = sizeof CAPTCHA_IMAGE_DATA_URI_PREFIX - 1;
	if (n > (SIZE_MAX - prefix - 1) / 4 * 3 - 2)
		return 0;
	const size_t len = prefix + 4 * ((n + 2) / 3);
	if (cap < len + 1)
		return 0;
	memcpy(out, CAPTCHA_IMAGE_DATA_URI_PREFIX, prefix);
	char *o = out + prefix;
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)png[i] << 16 | (uint32_t)png[i + 1] << 8 | png[i + 2];
		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
		*o++ = b64[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)png[i] << 16 | (i + 1 < n ? (uint32_t)png[i + 1] << 8 : 0);
		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return len;
}
