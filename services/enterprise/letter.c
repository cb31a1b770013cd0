/*
 * The authorisation letter (企业授权书) that an applicant downloads, fills in, stamps
 * and uploads with the certification: one A4 page of PDF written here, byte for byte.
 *
 * Chinese text uses the standard CID font STSong-Light with the predefined CMap
 * UniGB-UCS2-H (PDF 1.7, 9.7.5.2), so nothing is embedded: every PDF reader carries or
 * substitutes the Adobe-GB1 fonts. Strings are hex UCS-2 big-endian code units. The
 * document is the same on every call (no date inside), so its SHA-256 is stable.
 */
#include "certification.h"

#include "enterprise_kyb.pb-c.h"
#include "files.pb-c.h"
#include "mem.h"
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A4 in points, the margins and the body's type size. */
#define PAGE_W   595
#define PAGE_H   842
#define MARGIN_X 72
#define TOP_Y    770
#define BODY_PT  12

/* ---- a growable byte buffer ------------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		buf_add(b, tmp, (size_t)n);
		return;
	}
	char *big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf_add(b, big, (size_t)n);
	free(big);
}

/* ---- text: UTF-8, widths, wrapping ---------------------------------------------------- */

/* The code point at *s (advancing it); U+FFFD for broken UTF-8. */
static unsigned letter_next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	unsigned cp;
	int more;
	if (p[0] < 0x80) {
		*s += 1;
		return p[0];
	}
	if ((p[0] & 0xE0) == 0xC0) {
		cp = p[0] & 0x1F;
		more = 1;
	} else if ((p[0] & 0xF0) == 0xE0) {
		cp = p[0] & 0x0F;
		more = 2;
	} else if ((p[0] & 0xF8) == 0xF0) {
		cp = p[0] & 0x07;
		more = 3;
	} else {
		*s += 1;
		return 0xFFFD;
	}
	for (int i = 1; i <= more; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*s += (size_t)i;
			return 0xFFFD;
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	*s += (size_t)more + 1;
	return cp;
}

/* Glyph width in 1/1000 em: STSong-Light's Latin (CIDs 1-95) is half width. */
static unsigned letter_cp_width(unsigned cp) { return cp >= 0x20 && cp < 0x7F ? 500 : 1000; }

unsigned enterprise_letter_text_width(const char *utf8)
{
	unsigned w = 0;
	while (*utf8)
		w += letter_cp_width(letter_next_cp(&utf8));
	return w;
}

/* Punctuation that must not begin a line (it hangs into the margin instead). */
static int letter_no_line_start(unsigned cp)
{
	static const unsigned closing[] = {0xFF0C, 0x3002, 0x3001, 0xFF09, 0xFF1A, 0xFF1B,
	                                   0x201D, 0x300D, 0x300B, 0xFF01, 0xFF1F};
	for (size_t i = 0; i < sizeof closing / sizeof closing[0]; i++)
		if (cp == closing[i])
			return 1;
	return 0;
}

size_t enterprise_letter_wrap(const char *utf8, unsigned width, size_t *breaks, size_t max)
{
	size_t n = 0;
	unsigned w = 0;
	const char *p = utf8;
	while (*p) {
		const char *at = p;
		unsigned cp = letter_next_cp(&p);
		unsigned cw = letter_cp_width(cp);
		if (w > 0 && w + cw > width && !letter_no_line_start(cp)) {
			if (n == max)
				return n;
			breaks[n++] = (size_t)(at - utf8);
			w = 0;
		}
		w += cw;
	}
	return n;
}

/* ---- the page ----------------------------------------------------------------------- */

/* One shown line: type size, x, y (points) and UTF-8 text. */
static void letter_show(struct buf *c, int pt, int x, int y, const char *s, size_t n)
{
	const char *end = s + n;
	buf_printf(c, "BT /F1 %d Tf %d %d Td <", pt, x, y);
	while (s < end) {
		unsigned cp = letter_next_cp(&s);
		if (cp > 0xFFFF)
			cp = 0x3000; /* outside UCS-2: a space */
		buf_printf(c, "%04X", cp);
	}
	buf_add(c, "> Tj ET\n", 8);
}

/* A paragraph wrapped to the body width from y down; returns the next line's y. */
static int letter_paragraph(struct buf *c, const char *text, int y, int leading)
{
	size_t breaks[32], nb = enterprise_letter_wrap(
	                           text, (PAGE_W - 2 * MARGIN_X) * 1000 / BODY_PT, breaks, 32);
	size_t from = 0, len = strlen(text);
	for (size_t i = 0; i <= nb; i++) {
		size_t to = i < nb ? breaks[i] : len;
		letter_show(c, BODY_PT, MARGIN_X, y, text + from, to - from);
		y -= leading;
		from = to;
	}
	return y;
}

/* The letter's words (platform template). Blanks are runs of '_' on the form lines. */
static const char letter_title[] = "企业授权书";
static const char letter_to[] = "致：中小企业金融服务平台";
static const char *const letter_form[] = {
        "企业名称：______________________________________________________",
        "统一社会信用代码：______________________________________________",
        "法定代表人：____________________  身份证号码：__________________",
        "被授权人（经办人）：____________  身份证号码：__________________",
        "被授权人手机号码：______________  职务：________________________",
};
static const char *const letter_body[] = {
        "　　本企业现授权上述被授权人作为本企业在中小企业金融服务平台（以下简称“平台”）的经办人，"
        "代表本企业在平台办理企业认证、融资申请、数字证书申请与电子签章等业务。被授权人在平台"
        "提交的资料和作出的操作均视为本企业的真实意思表示，由本企业承担相应的法律责任。",
        "　　本企业保证所提交的营业执照、法定代表人身份证件等资料真实、准确、完整，并同意平台及"
        "合作金融机构依法查询、核验本企业的工商登记信息与社会信用信息，用于业务受理与风险评估。",
        "　　授权期限：自本授权书签署之日起至本企业以书面形式通知平台撤销授权之日止。",
};
static const char *const letter_sign[] = {
        "企业名称（加盖公章）：",
        "法定代表人（签字或盖章）：",
        "被授权人（签字）：",
        "日期：　　　　年　　月　　日",
};

static void letter_content(struct buf *c)
{
	int y = TOP_Y;
	unsigned tw = enterprise_letter_text_width(letter_title) * 20 / 1000;
	letter_show(c, 20, (PAGE_W - (int)tw) / 2, y, letter_title, strlen(letter_title));
	y -= 48;
	letter_show(c, BODY_PT, MARGIN_X, y, letter_to, strlen(letter_to));
	y -= 32;
	for (size_t i = 0; i < sizeof letter_form / sizeof letter_form[0]; i++) {
		letter_show(c, BODY_PT, MARGIN_X, y, letter_form[i], strlen(letter_form[i]));
		y -= 28;
	}
	y -= 8;
	for (size_t i = 0; i < sizeof letter_body / sizeof letter_body[0]; i++)
		y = letter_paragraph(c, letter_body[i], y, 22) - 8;
	y -= 24;
	for (size_t i = 0; i < sizeof letter_sign / sizeof letter_sign[0]; i++) {
		letter_show(c, BODY_PT, MARGIN_X + 200, y, letter_sign[i], strlen(letter_sign[i]));
		y -= 40;
	}
}

/* The title for the Info dictionary: UTF-16BE with a byte-order mark, in hex. */
static void letter_utf16_hex(struct buf *b, const char *s)
{
	buf_add(b, "<FEFF", 5);
	while (*s) {
		unsigned cp = letter_next_cp(&s);
		buf_printf(b, "%04X", cp > 0xFFFF ? 0xFFFD : cp);
	}
	buf_add(b, ">", 1);
}

char *enterprise_letter_pdf(size_t *len)
{
	struct buf b = {0}, c = {0};
	size_t off[9];
	int nobj = 8;

	letter_content(&c);
	/* A binary comment line marks the file as binary for transfer tools. */
	buf_add(&b, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 15);
	off[1] = b.len;
	buf_printf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = b.len;
	buf_printf(&b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
	off[3] = b.len;
	buf_printf(&b,
	           "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << "
	           "/Font << /F1 4 0 R >> >> /Contents 7 0 R >>\nendobj\n",
	           PAGE_W, PAGE_H);
	off[4] = b.len;
	buf_printf(&b, "4 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding "
	               "/UniGB-UCS2-H /DescendantFonts [5 0 R] >>\nendobj\n");
	off[5] = b.len;
	buf_printf(&b, "5 0 obj\n<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
	               "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
	               "/FontDescriptor 6 0 R /DW 1000 /W [1 95 500] >>\nendobj\n");
	off[6] = b.len;
	buf_printf(&b, "6 0 obj\n<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
	               "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
	               "/CapHeight 880 /StemV 93 >>\nendobj\n");
	off[7] = b.len;
	buf_printf(&b, "7 0 obj\n<< /Length %zu >>\nstream\n", c.len);
	buf_add(&b, c.p, c.len);
	buf_printf(&b, "endstream\nendobj\n");
	off[8] = b.len;
	buf_printf(&b, "8 0 obj\n<< /Title ");
	letter_utf16_hex(&b, letter_title);
	buf_printf(&b, " /Producer (SME platform enterprise service) >>\nendobj\n");

	size_t xref = b.len;
	buf_printf(&b, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
	for (int i = 1; i <= nobj; i++)
		buf_printf(&b, "%010zu 00000 n \n", off[i]);
	buf_printf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 8 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	           nobj + 1, xref);
	free(c.p);
	*len = b.len;
	return b.p;
}

int enterprise_letter_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	size_t n = 0;
	char *pdf = enterprise_letter_pdf(&n);
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = "企业授权书.pdf";
	d->content_type = "application/pdf";
	d->has_data = 1;
	d->data.len = n;
	d->data.data = arena_alloc(ctx->arena, n);
	memcpy(d->data.data, pdf, n);
	free(pdf);
	d->has_inline_ = 1;
	d->inline_ = 0;
	*out = &d->base;
	return ST_OK;
}
