/* 电子发票: the invoices of one payment (蓝字 after payment, 红字 after a refund) with their
 * PDF downloads. invoiceSection(intentId) is embedded by the order page; the page itself is
 * #/me/payments/:id/invoices. */
import { h, yuan, table, tag, section } from '../ui.js';
import { api } from '../api.js';

export function invoiceKindTag(v) {
  return v.kind === 'red' ? tag(v.kind_label || '红字发票', 'bad') : tag(v.kind_label || '蓝字发票', 'ok');
}

export function invoicePdfLink(v) {
  return h('a', { class: 'btn btn-secondary', href: '/api/v1/payments/invoices/' + encodeURIComponent(v.id) + '/pdf',
    target: '_blank', rel: 'noopener' }, '下载 PDF');
}

export function invoiceTable(items, extra = []) {
  return table([
    { title: '发票号码', cell: v => v.no },
    { title: '类型', cell: v => invoiceKindTag(v) },
    { title: '开票日期', cell: v => v.issued_on },
    { title: '购买方', cell: v => v.buyer_name },
    ...extra,
    { title: '价税合计', cell: v => yuan(v.total_fen) },
    { title: '大写', cell: v => v.total_capitals },
    { title: '被红冲发票', cell: v => v.blue_no || '' },
    { title: '', cell: v => invoicePdfLink(v) },
  ], items, '暂无发票：付款确认后自动开具，并发送到预留的邮箱');
}

/* The section of an order or payment page: the intent's invoices. */
export async function invoiceSection(intentId) {
  const r = await api.get('/api/v1/payments/intents/' + encodeURIComponent(intentId) + '/invoices');
  const mailed = (r.items || []).find(v => v.email_masked);
  return section('电子发票',
    mailed ? h('p', { class: 'muted' }, '发票 PDF 已发送至 ' + mailed.email_masked) : null,
    invoiceTable(r.items));
}

export default {
  title: '电子发票',
  menu: 'me',
  auth: true,
  async render({ params }) {
    return [h('h1', {}, '电子发票'), await invoiceSection(params.id)];
  },
};
