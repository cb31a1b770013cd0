/* The pure rules of seals (seals.h): kinds and their labels, the uploaded image's check. */
#include "seals.h"
#include "status.h"

#include <cairo.h>

#include <string.h>

/* The signing engine's limits (pades.c: SEAL_IMAGE_INVALID). */
#define SEAL_PNG_MIN 16
#define SEAL_PNG_MAX 2000

static int png_refused(void)
{
	return status_errmsg(ST_SEAL_IMAGE_INVALID, "image",
	                     "印章图片应为透明背景的 PNG（宽、高 16–2000 像素，可完整解码）");
}

static const struct {
	const char *kind, *label;
} seal_kinds[] = {
        {"official", "公章"},          {"contract", "合同专用章"}, {"finance", "财务专用章"},
        {"legal_rep", "法定代表人章"}, {"personal", "个人签名"},
};

const char *certs_seal_kind_label(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof seal_kinds / sizeof seal_kinds[0]; i++)
		if (strcmp(kind, seal_kinds[i].kind) == 0)
			return seal_kinds[i].label;
	return NULL;
}

const char *certs_seal_kind_text(const char *kind)
{
	if (!kind || strcmp(kind, "official") == 0)
		return NULL;
	return certs_seal_kind_label(kind);
}

typedef struct png_src {
	const unsigned char *p;
	size_t len, pos;
} png_src;

static cairo_status_t png_read(void *arg, unsigned char *data, unsigned int n)
{
	png_src *s = arg;
	if (s->len - s->pos < n)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, s->p + s->pos, n);
	s->pos += n;
	return CAIRO_STATUS_SUCCESS;
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

int certs_seal_png_check(const unsigned char *png, size_t len)
{
	/* The signature, then IHDR first with its 13 bytes. */
	if (!png || len < 33 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0 || be32(png + 8) != 13 ||
	    memcmp(png + 12, "IHDR", 4) != 0)
		return png_refused();
	unsigned long w = be32(png + 16), h = be32(png + 20);
	if (w < SEAL_PNG_MIN || h < SEAL_PNG_MIN || w > SEAL_PNG_MAX || h > SEAL_PNG_MAX)
		return png_refused();
	/* Decoded whole, and transparent somewhere: a seal is stamped over the text. */
	png_src src = {png, len, 0};
	cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read, &src);
	int ok = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS &&
	         cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32;
	if (ok) {
		cairo_surface_flush(s);
		int sw = cairo_image_surface_get_width(s), sh = cairo_image_surface_get_height(s);
		int stride = cairo_image_surface_get_stride(s);
		const unsigned char *d = cairo_image_surface_get_data(s);
		long clear = 0;
		for (int y = 0; y < sh; y++) {
			const uint32_t *row =
			        (const uint32_t *)(const void *)(d + (size_t)y * (size_t)stride);
			for (int x = 0; x < sw; x++)
				clear += (row[x] >> 24) == 0;
		}
		ok = clear > 0 && clear < (long)sw * sh;
	}
	cairo_surface_destroy(s);
	return ok ? ST_OK : png_refused();
}
