/*
 * The e-invoice as PDF (common/pdfdoc.h: cairo, pango with the CJK font embedded, a QR
 * code): the layout of a 数电票 on one A4 page — title, number and date, the QR code of the
 * verification data, buyer and seller, the items (tax-inclusive unit price, amount without
 * tax, rate, tax), totals, 价税合计 in 大写 and figures, remarks.
 */
#include "invoices.h"

#include "invoice_calc.h"
#include "pdfdoc.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

#define INV_L  40.0                 /* left margin */
#define INV_R  (PDFDOC_A4_W - 40.0) /* right edge of the frame */
#define FONT   PDFDOC_SANS " 9"
#define FONT_B PDFDOC_SANS " Bold 9"

void payments_invoice_qr_text(const Payments__Invoice *inv, char *out, size_t cap)
{
	char total[32], day[9] = "";
	int red = inv->kind && strcmp(inv->kind, "red") == 0;
	int64_t a = inv->total_fen < 0 ? -inv->total_fen : inv->total_fen;
	snprintf(total, sizeof total, "%s%lld.%02lld", inv->total_fen < 0 ? "-" : "",
	         (long long)(a / 100), (long long)(a % 100));
	/* issued_on YYYY-MM-DD → YYYYMMDD */
	if (inv->issued_on && strlen(inv->issued_on) == 10)
		snprintf(day, sizeof day, "%.4s%.2s%.2s", inv->issued_on, inv->issued_on + 5,
		         inv->issued_on + 8);
	snprintf(out, cap, "01,%s,,%s,%s,%s,%s", red ? "33" : "32", inv->no ? inv->no : "", total,
	         day, inv->seller_tax_id ? inv->seller_tax_id : "");
}

static void hline(cairo_t *cr, double y)
{
	cairo_move_to(cr, INV_L, y);
	cairo_line_to(cr, INV_R, y);
	cairo_stroke(cr);
}

int payments_invoice_pdf_render(const Payments__Invoice *inv, const char *buyer_tax_id,
                                unsigned char **out, size_t *len)
{
	pdfdoc *d = pdfdoc_begin(PDFDOC_A4_W, PDFDOC_A4_H);
	cairo_t *cr = pdfdoc_cairo(d);
	int red = inv->kind && strcmp(inv->kind, "red") == 0;
	char line[512], qr[256], m1[32], m2[32], m3[32];
	cairo_set_line_width(cr, 0.8);

	payments_invoice_qr_text(inv, qr, sizeof qr);
	pdfdoc_qr(d, qr, INV_L, 30, 80);
	pdfdoc_text_box(d, INV_L, 88, INV_R - INV_L, PDFDOC_CENTER, PDFDOC_SANS " Bold 18",
	                red ? "电子发票（普通发票）（红字）" : "电子发票（普通发票）");
	snprintf(line, sizeof line, "发票号码：%s", inv->no ? inv->no : "");
	double y = pdfdoc_text_box(d, INV_R - 200, 36, 200, PDFDOC_LEFT, FONT, line);
	snprintf(line, sizeof line, "开票日期：%.4s年%.2s月%.2s日",
	         inv->issued_on ? inv->issued_on : "", inv->issued_on ? inv->issued_on + 5 : "",
	         inv->issued_on ? inv->issued_on + 8 : "");
	pdfdoc_text_box(d, INV_R - 200, y + 2, 200, PDFDOC_LEFT, FONT, line);

	/* Buyer | seller */
	double top = 130;
	cairo_rectangle(cr, INV_L, top, INV_R - INV_L, 60);
	cairo_move_to(cr, (INV_L + INV_R) / 2, top);
	cairo_line_to(cr, (INV_L + INV_R) / 2, top + 60);
	cairo_stroke(cr);
	const char *buyer_code = buyer_tax_id && *buyer_tax_id ? buyer_tax_id
	                         : inv->buyer_tax_id_masked    ? inv->buyer_tax_id_masked
	                                                       : "";
	snprintf(line, sizeof line, "购买方信息\n名称：%s\n统一社会信用代码/纳税人识别号：%s",
	         inv->buyer_name ? inv->buyer_name : "", buyer_code);
	pdfdoc_text_box(d, INV_L + 6, top + 6, (INV_R - INV_L) / 2 - 12, PDFDOC_LEFT, FONT, line);
	snprintf(line, sizeof line, "销售方信息\n名称：%s\n统一社会信用代码/纳税人识别号：%s",
	         inv->seller_name ? inv->seller_name : "",
	         inv->seller_tax_id ? inv->seller_tax_id : "");
	pdfdoc_text_box(d, (INV_L + INV_R) / 2 + 6, top + 6, (INV_R - INV_L) / 2 - 12, PDFDOC_LEFT,
	                FONT, line);

	/* Items: name | quantity | unit price (tax-inclusive) | amount without tax | rate | tax */
	static const double cx[] = {INV_L,       INV_L + 165, INV_L + 215, INV_L + 300,
	                            INV_L + 385, INV_L + 435, INV_R};
	static const char *const head[] = {"项目名称", "数量", "单价（含税）",
	                                   "金额",     "税率", "税额"};
	y = top + 70;
	for (int c = 0; c < 6; c++)
		pdfdoc_text_box(d, cx[c] + 3, y, cx[c + 1] - cx[c] - 6,
		                c == 0 ? PDFDOC_LEFT : PDFDOC_RIGHT, FONT_B, head[c]);
	y += 16;
	hline(cr, y);
	y += 4;
	for (size_t i = 0; i < inv->n_items; i++) {
		const Payments__InvoiceItem *it = inv->items[i];
		char q[16] = "", price[32] = "", rate[16];
		if (it->quantity)
			snprintf(q, sizeof q, "%d", it->quantity);
		if (it->has_unit_price_fen && it->quantity)
			invoice_calc_money(it->unit_price_fen, price, sizeof price);
		invoice_calc_money(it->amount_fen - it->tax_fen, m1, sizeof m1);
		invoice_calc_rate(it->tax_rate_bp, rate, sizeof rate);
		invoice_calc_money(it->tax_fen, m2, sizeof m2);
		const char *cell[] = {it->name ? it->name : "", q, price, m1, rate, m2};
		double next = y;
		for (int c = 0; c < 6; c++) {
			double b =
			        pdfdoc_text_box(d, cx[c] + 3, y, cx[c + 1] - cx[c] - 6,
			                        c == 0 ? PDFDOC_LEFT : PDFDOC_RIGHT, FONT, cell[c]);
			if (b > next)
				next = b;
		}
		y = next + 4;
	}
	hline(cr, y);
	y += 4;
	invoice_calc_money(inv->total_fen - inv->tax_fen, m1, sizeof m1);
	invoice_calc_money(inv->tax_fen, m2, sizeof m2);
	pdfdoc_text_box(d, cx[0] + 3, y, 100, PDFDOC_LEFT, FONT_B, "合计");
	snprintf(line, sizeof line, "¥%s", m1);
	pdfdoc_text_box(d, cx[3] + 3, y, cx[4] - cx[3] - 6, PDFDOC_RIGHT, FONT, line);
	snprintf(line, sizeof line, "¥%s", m2);
	y = pdfdoc_text_box(d, cx[5] + 3, y, cx[6] - cx[5] - 6, PDFDOC_RIGHT, FONT, line) + 4;
	hline(cr, y);
	y += 6;
	invoice_calc_money(inv->total_fen, m3, sizeof m3);
	snprintf(line, sizeof line, "价税合计（大写）  %s",
	         inv->total_capitals ? inv->total_capitals : "");
	pdfdoc_text_box(d, INV_L + 6, y, 330, PDFDOC_LEFT, FONT_B, line);
	snprintf(line, sizeof line, "（小写）¥%s", m3);
	y = pdfdoc_text_box(d, INV_L + 340, y, INV_R - INV_L - 346, PDFDOC_RIGHT, FONT_B, line) + 6;
	hline(cr, y);
	cairo_rectangle(cr, INV_L, top + 66, INV_R - INV_L, y - top - 66);
	cairo_stroke(cr);

	/* Remarks */
	y += 6;
	if (red)
		snprintf(line, sizeof line, "备注：被红冲蓝字数电发票号码：%s；支付单号：%s",
		         inv->blue_no ? inv->blue_no : "", inv->intent_no ? inv->intent_no : "");
	else
		snprintf(line, sizeof line, "备注：支付单号：%s",
		         inv->intent_no ? inv->intent_no : "");
	y = pdfdoc_text(d, INV_L + 6, y, FONT, line) + 16;
	pdfdoc_text(d, INV_L + 6, y, FONT, "开票人：平台自动开具");
	return pdfdoc_finish(d, out, len);
}
