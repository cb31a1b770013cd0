/*
 * The application form (申请表) and the receipt (回执) as PDF: cairo's PDF surface, pango
 * for the Chinese text (a CJK font from fontconfig: WenQuanYi Micro Hei or Noto CJK),
 * libqrencode for the QR code of the application number. Only the applicant's masked
 * data is printed. One A4 page each.
 */
#include "applications.h"

#include "status.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <stdlib.h>
#include <string.h>

#define PDF_W 595.0 /* A4 in points */
#define PDF_H 842.0

struct pdf_buf {
	unsigned char *data;
	size_t len, cap;
	int failed;
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdf_buf *b = closure;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		while (cap < b->len + len)
			cap *= 2;
		unsigned char *p = realloc(b->data, cap);
		if (!p) {
			b->failed = 1;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

static double pdf_text(cairo_t *cr, double x, double y, const char *font, const char *text)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *d = pango_font_description_from_string(font);
	int w, h;
	pango_layout_set_font_description(l, d);
	pango_layout_set_width(l, (int)((PDF_W - x - 50) * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text ? text : "", -1);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	pango_layout_get_pixel_size(l, &w, &h);
	pango_font_description_free(d);
	g_object_unref(l);
	return y + h;
}

static void pdf_qr(cairo_t *cr, const char *text, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return;
	double m = size / (q->width + 8); /* a 4-module quiet zone each side */
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(cr, x + (c + 4) * m, y + (r + 4) * m, m, m);
	cairo_fill(cr);
	QRcode_free(q);
}

static const char *medium_label(const char *m)
{
	return strcmp(m, "usbkey") == 0  ? "USB Key（邮寄领取）"
	       : strcmp(m, "cloud") == 0 ? "云证书"
	                                 : "软证书";
}

/* The page of application o: receipt 0 gives the form, 1 the receipt. */
static int pdf_render(const Certs__Application *o, int receipt, struct pdf_buf *b)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(pdf_write, b, PDF_W, PDF_H);
	cairo_t *cr = cairo_create(s);
	int enterprise = strcmp(o->profile, "enterprise") == 0;
	const char *sans = "WenQuanYi Micro Hei, Noto Sans CJK SC";
	char font[96], big[96], small[96];
	snprintf(font, sizeof font, "%s 11", sans);
	snprintf(small, sizeof small, "%s 8", sans);
	snprintf(big, sizeof big, "%s Bold 18", sans);
	cairo_set_source_rgb(cr, 0, 0, 0);
	double y = pdf_text(cr, 50, 50, big, receipt ? "数字证书申请回执" : "数字证书申请表");
	y = pdf_text(cr, 50, y + 6, font, enterprise ? "企业证书" : "个人证书") + 14;
	char line[512];
	const char *rows[][2] = {
	        {"申请单编号", o->no},
	        {"办理类型", strcmp(o->kind, "renewal") == 0 ? "续费" : "新办"},
	        {enterprise ? "企业名称" : "姓名", o->subject_name},
	        {enterprise ? "统一社会信用代码" : "身份证号", o->subject_code_masked},
	        {"证书介质", medium_label(o->medium)},
	        {"算法", strcmp(o->algorithm, "sm2") == 0   ? "SM2/SM3"
	                 : strcmp(o->algorithm, "rsa") == 0 ? "RSA 2048"
	                                                    : "ECDSA P-256"},
	        {"有效期", NULL},
	        {"领取人", o->contact_name_masked},
	        {"联系电话", o->contact_phone_masked},
	        {"电子邮箱", o->contact_email_masked},
	        {"邮寄地址", o->mailing_address_masked},
	        {"续费证书序列号", o->renews_serial},
	        {"状态", o->state_label},
	        {"协议书版本", o->agreement_version},
	};
	char years[16];
	snprintf(years, sizeof years, "%d 年", o->validity_years);
	rows[6][1] = years;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (!rows[i][1] || !*rows[i][1])
			continue;
		snprintf(line, sizeof line, "%s：%s", rows[i][0], rows[i][1]);
		y = pdf_text(cr, 50, y, font, line) + 6;
	}
	y += 10;
	if (receipt)
		y = pdf_text(cr, 50, y, font,
		             enterprise ? "请将本回执与加盖公章的申请表、营业执照复印件、授权书及经"
		                          "办人身份证"
		                          "复印件一同寄至平台；收到材料后寄回办理好的证书。"
		                        : "请将本回执与签字的申请表及身份证复印件一同寄至平台；收到"
		                          "材料后寄回"
		                          "办理好的证书。");
	else
		y = pdf_text(cr, 50, y, font,
		             enterprise ? "申请人已阅读并同意《数字证书服务协议书》。单位盖章：____"
		                          "________  "
		                          "经办人签字：____________  日期：____________"
		                        : "申请人已阅读并同意《数字证书服务协议书》。申请人签字：__"
		                          "__________  "
		                          "日期：____________");
	pdf_qr(cr, o->no, PDF_W - 50 - 120, 40, 120);
	pdf_text(cr, PDF_W - 50 - 120 + 12, 160, small, o->no);
	(void)y;
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	int st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return st == CAIRO_STATUS_SUCCESS && !b->failed ? ST_OK : ST_INTERNAL;
}

int certs_pdf_render(const Certs__Application *o, int receipt, unsigned char **out, size_t *len)
{
	struct pdf_buf b = {0};
	if (pdf_render(o, receipt, &b) != ST_OK) {
		free(b.data);
		return ST_INTERNAL;
	}
	*out = b.data;
	*len = b.len;
	return ST_OK;
}

static int pdf_answer(svc_ctx *ctx, int enterprise, int receipt, const ProtobufCMessage *in,
                      ProtobufCMessage **out)
{
	ProtobufCMessage *got = NULL;
	unsigned char *pdf = NULL;
	size_t len = 0;
	int rv = enterprise ? certs_app_ent_get(ctx, in, &got) : certs_app_my_get(ctx, in, &got);
	if (rv != ST_OK)
		return rv;
	const Certs__Application *o = (const Certs__Application *)got;
	/* Manual 004: once the certificate is made the form is no longer printed. */
	if (!receipt && strcmp(o->state, "pending") != 0 && strcmp(o->state, "rejected") != 0 &&
	    strcmp(o->state, "accepted") != 0)
		return status_err(ST_CERTAPP_STATE, "state");
	if (certs_pdf_render(o, receipt, &pdf, &len) != ST_OK)
		return status_err(ST_INTERNAL, NULL);
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = arena_printf(ctx->arena, "%s-%s.pdf", o->no, receipt ? "receipt" : "form");
	d->content_type = "application/pdf";
	d->has_data = 1;
	d->data.len = len;
	d->data.data = arena_alloc(ctx->arena, len ? len : 1);
	memcpy(d->data.data, pdf, len);
	free(pdf);
	*out = &d->base;
	return ST_OK;
}

int certs_app_my_form_pdf(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return pdf_answer(ctx, 0, 0, in, out);
}

int certs_app_ent_form_pdf(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return pdf_answer(ctx, 1, 0, in, out);
}

int certs_app_my_receipt_pdf(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return pdf_answer(ctx, 0, 1, in, out);
}

int certs_app_ent_receipt_pdf(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return pdf_answer(ctx, 1, 1, in, out);
}

void certs_pdf_shutdown(void)
{
	/* fontconfig and pango keep process-wide caches: released at exit so that the leak
	 * checker sees only our own allocations. */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}
