/* 商票融资 · 融资订单 (manual 000): filters (申请时间, 承兑人, 金额), status tabs with counts,
 * the list. billList serves the institution and operator queues too. */
import { h, date, due, table, tabs, pager, notice, wanToFen, wan } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { activeIdentity } from '../session.js';
import { STATES, stateTag } from './bill-order.js';

/* Filters and tabs live in the hash (?state=&q=&date_from=…) so a list can be linked to. */
export async function billList({ base, link, query, go, path, states = STATES, defaultState = '', extraCols = [], empty = '暂无融资订单' }) {
  const q = Object.fromEntries(query.entries());
  const page = Number(q.page || 1);
  const state = q.state === undefined ? defaultState : q.state;
  const minFen = q.min ? wanToFen(q.min) : null, maxFen = q.max ? wanToFen(q.max) : null;
  const r = await api.get(base, { state, q: q.q, date_from: q.date_from, date_to: q.date_to,
    face_min_fen: minFen, face_max_fen: maxFen, page, page_size: 10 });
  const nav = (changes) => {
    const p = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) v || k === 'state' ? p.set(k, v) : p.delete(k);
    go(path + (p.toString() ? '?' + p : ''));
  };
  const counts = r.counts || {};
  const f = form({
    cls: 'filters',
    fields: [
      field({ name: 'date_from', label: '申请开始日期', type: 'date', value: q.date_from || '' }),
      field({ name: 'date_to', label: '申请结束日期', type: 'date', value: q.date_to || '' }),
      field({ name: 'q', label: '承兑人', type: 'search', value: q.q || '', placeholder: '承兑人名称关键字' }),
      field({ name: 'min', label: '最小金额（万元）', inputmode: 'decimal', value: q.min || '' }),
      field({ name: 'max', label: '最大金额（万元）', inputmode: 'decimal', value: q.max || '' }),
    ],
    submit: '查询',
    onSubmit: async v => {
      if (v.min && wanToFen(v.min) === null) throw invalid('min', '请输入正确的金额（万元，最多四位小数）');
      if (v.max && wanToFen(v.max) === null) throw invalid('max', '请输入正确的金额（万元，最多四位小数）');
      nav({ date_from: v.date_from, date_to: v.date_to, q: v.q, min: v.min, max: v.max, page: '' });
    },
  });
  return [
    h('section', { class: 'card' }, f),
    tabs(states.map(s => ({ ...s, count: Number(counts[s.key || 'all'] || 0) })), state, k => nav({ state: k, page: '' })),
    table([
      { title: '订单编号', cell: o => h('a', { href: '#' + link(o) }, o.no) },
      { title: '申请时间', cell: o => date(o.created_at) },
      ...extraCols,
      { title: '承兑人', cell: o => (o.acceptor || {}).name },
      { title: '金额(万)', cell: o => o.face_wan || wan(o.face_fen) },
      { title: '到期日期 (天数)', cell: o => due(o.due_date, o.days_to_due) },
      { title: '状态', cell: stateTag },
    ], r.items, empty),
    pager(r.total, page, 10, n => nav({ page: String(n) })),
  ];
}

export default {
  title: '融资订单',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const idn = activeIdentity();
    if (!idn || idn.type !== 'enterprise')
      return [h('h1', {}, '融资订单'), notice('商票融资以企业身份办理：请在右上角切换到企业身份；尚未认证企业的请先完成企业认证。', 'info'),
        h('p', {}, h('a', { href: '#/me/certification' }, '去企业认证'))];
    return [h('h1', {}, '融资订单'),
      h('p', {}, h('a', { class: 'btn btn-secondary', href: '#/me/bills/inquiry' }, '我要询价')),
      await billList({ base: '/api/v1/enterprise/bill-orders', link: o => '/me/bills/orders/' + encodeURIComponent(o.id), query, go, path: '/me/bills/orders' })];
  },
};
