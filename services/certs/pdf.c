/*
 * The application form (申请表) and the receipt (回执) as PDF (common/pdfdoc.h: cairo, pango
 * with a CJK font, libqrencode for the QR code of the application number). Only the applicant's
 * masked data is printed. One A4 page each.
 */
#include "applications.h"

#include "pdfdoc.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PDF_W PDFDOC_A4_W

static const char *medium_label(const char *m)
{
	return strcmp(m, "usbkey") == 0  ? "USB Key（邮寄领取）"
	       : strcmp(m, "cloud") == 0 ? "云证书"
	                                 : "软证书";
}

/* The page of application o: receipt 0 gives the form, 1 the receipt. */
int certs_pdf_render(const Certs__Application *o, int receipt, unsigned char **out, size_t *len)
{
	pdfdoc *doc = pdfdoc_begin(PDFDOC_A4_W, PDFDOC_A4_H);
	int enterprise = strcmp(o->profile, "enterprise") == 0;
	const char *font = PDFDOC_SANS " 11", *small = PDFDOC_SANS " 8",
	           *big = PDFDOC_SANS " Bold 18";
	double y = pdfdoc_text(doc, 50, 50, big, receipt ? "数字证书申请回执" : "数字证书申请表");
	y = pdfdoc_text(doc, 50, y + 6, font, enterprise ? "企业证书" : "个人证书") + 14;
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
		y = pdfdoc_text(doc, 50, y, font, line) + 6;
	}
	y += 10;
	if (receipt)
		y = pdfdoc_text(doc, 50, y, font,
		                enterprise
		                        ? "请将本回执与加盖公章的申请表、营业执照复印件、授权书及经"
		                          "办人身份证"
		                          "复印件一同寄至平台；收到材料后寄回办理好的证书。"
		                        : "请将本回执与签字的申请表及身份证复印件一同寄至平台；收到"
		                          "材料后寄回"
		                          "办理好的证书。");
	else
		y = pdfdoc_text(doc, 50, y, font,
		                enterprise
		                        ? "申请人已阅读并同意《数字证书服务协议书》。单位盖章：____"
		                          "________  "
		                          "经办人签字：____________  日期：____________"
		                        : "申请人已阅读并同意《数字证书服务协议书》。申请人签字：__"
		                          "__________  "
		                          "日期：____________");
	pdfdoc_qr(doc, o->no, PDF_W - 50 - 120, 40, 120);
	pdfdoc_text(doc, PDF_W - 50 - 120 + 12, 160, small, o->no);
	(void)y;
	return pdfdoc_finish(doc, out, len);
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

void certs_pdf_shutdown(void) { pdfdoc_shutdown(); }
