/* 运营后台 · 电子发票 (finance): every invoice, newest first, by kind or a number / buyer. */
import { h, pager, tabs } from '../ui.js';
import { api } from '../api.js';
import { invoiceTable } from './invoices.js';

export default {
  title: '电子发票',
  menu: 'op',
  auth: true,
  async render({ query, go }) {
    const kind = query.get('kind') || '';
    const q = query.get('q') || '';
    const page = Number(query.get('page') || 1);
    const r = await api.get('/api/v1/operator/payments/invoices', { kind, q, page, page_size: 20 });
    const here = (k, s, n) => `/op/invoices?kind=${encodeURIComponent(k)}&q=${encodeURIComponent(s)}&page=${n}`;
    const input = h('input', { type: 'search', name: 'q', value: q, placeholder: '发票号码、支付单号或购买方', 'aria-label': '搜索发票' });
    return [h('h1', {}, '电子发票'),
      h('form', { class: 'field wide search-row', onsubmit: e => { e.preventDefault(); go(here(kind, input.value.trim(), 1)); } },
        input, h('button', { type: 'submit', class: 'btn' }, '搜索')),
      tabs([{ key: '', label: '全部' }, { key: 'blue', label: '蓝字发票' }, { key: 'red', label: '红字发票' }], kind,
        k => go(here(k, q, 1))),
      invoiceTable(r.items, [{ title: '支付单号', cell: v => v.intent_no }]),
      pager(r.total, page, 20, n => go(here(kind, q, n)))];
  },
};
