/* 财务后台 · 支付单: the transfer queue (待支付 bank transfers, oldest first, with their slips)
 * and every intent by state and method. */
import { h, date, table, tabs, pager, yuan, tag } from '../ui.js';
import { api } from '../api.js';

export const PAY_STATES = [
  { key: 'open', label: '待支付' }, { key: 'paid', label: '已支付' },
  { key: 'refunded', label: '已退款' }, { key: 'closed', label: '已关闭' }, { key: '', label: '全部' },
];
export const METHODS = { bank_transfer: '对公转账', wechat: '微信支付', alipay: '支付宝' };

export function payStateTag(o) {
  const kind = { open: 'warn', paid: 'ok', refunded: '', closed: '' }[o.state] || '';
  return tag(o.state_label || o.state, kind);
}

export default {
  title: '支付单',
  menu: 'op',
  auth: true,
  async render({ query, go }) {
    const state = query.get('state') ?? 'open';
    const method = query.get('method') ?? 'bank_transfer';
    const q = query.get('q') || '';
    const page = Number(query.get('page') || 1);
    const r = await api.get('/api/v1/operator/payments/intents', { state, method, q, page, page_size: 20 });
    const link = (s, m, p) => `/op/payments?state=${s}&method=${m}` + (q ? '&q=' + encodeURIComponent(q) : '') + (p ? '&page=' + p : '');
    const search = h('form', { class: 'form inline', onsubmit: ev => {
      ev.preventDefault();
      const v = ev.target.querySelector('input').value.trim();
      go(`/op/payments?state=${state}&method=${method}` + (v ? '&q=' + encodeURIComponent(v) : ''));
    } }, h('input', { name: 'q', value: q, placeholder: '支付单号、转账识别码或订单号', 'aria-label': '查找支付单' }),
    h('button', { type: 'submit', class: 'btn' }, '查找'));
    return [h('h1', {}, '支付单'),
      h('p', { class: 'muted' }, '对公转账：按银行流水核对付款人填写的转账识别码与汇款凭证，登记实际到账金额。'),
      tabs(PAY_STATES, state, k => go(link(k, method))),
      tabs([{ key: 'bank_transfer', label: '对公转账' }, { key: 'wechat', label: '微信支付' },
        { key: 'alipay', label: '支付宝' }, { key: '', label: '全部方式' }], method, k => go(link(state, k))),
      search,
      table([
        { title: '支付单号', cell: o => h('a', { href: '#/op/payments/' + encodeURIComponent(o.id) }, o.no) },
        { title: '用途', cell: o => o.purpose },
        { title: '识别码', cell: o => (o.transfer && o.transfer.reference_code) || '—' },
        { title: '应付（元）', cell: o => yuan(o.amount_fen) },
        { title: '已收（元）', cell: o => yuan(o.received_fen) },
        { title: '待付（元）', cell: o => yuan(o.due_fen) },
        { title: '凭证', cell: o => String((o.slips || []).length) },
        { title: '创建时间', cell: o => date(o.created_at) },
        { title: '状态', cell: payStateTag },
      ], r.items, '暂无支付单'),
      pager(r.total, page, 20, n => go(link(state, method, n)))];
  },
};
