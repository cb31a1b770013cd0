/* 融资需求管理 (manual 001): the enterprise's demands with status tabs and counts, filters. */
import { h, wan, date, pct, table, tabs, pager, tag, notice } from '../ui.js';
import { activeIdentity } from '../session.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';

export const STATUS = [
  { key: '', label: '全部' }, { key: 'pending', label: '待接单' }, { key: 'taken', label: '待审核' },
  { key: 'approved', label: '审核通过' }, { key: 'rejected', label: '审核拒绝' }, { key: 'disbursed', label: '已放款' },
  { key: 'withdrawn', label: '已撤回' },
];

export function statusTags(d) {
  const kind = { pending: 'warn', taken: 'warn', approved: 'ok', disbursed: 'ok', rejected: 'bad', withdrawn: '' }[d.status] || '';
  return h('span', {}, tag(d.take_status || d.status, kind), d.review_status ? [' ', tag(d.review_status, kind)] : null);
}

export function withCounts(counts) {
  const c = counts || {};
  let all = 0;
  for (const k of Object.keys(c)) all += Number(c[k] || 0);
  return STATUS.map(s => ({ ...s, count: s.key ? Number(c[s.key] || 0) : all }));
}

/* The list both sides use; base is the API path, link(d) the detail's hash path. */
export async function demandList({ base, link, query, go, path, extraCols = [] }) {
  const q = Object.fromEntries(query.entries());
  const page = Number(q.page || 1);
  const r = await api.get(base, { status: q.status, q: q.q, date_from: q.date_from, date_to: q.date_to, page, page_size: 10 });
  const nav = (changes) => {
    const p = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) v ? p.set(k, v) : p.delete(k);
    go(path + (p.toString() ? '?' + p : ''));
  };
  const f = form({
    cls: 'filters',
    fields: [
      field({ name: 'q', label: '产品/企业/编号', type: 'search', value: q.q || '' }),
      field({ name: 'date_from', label: '申请日期起', type: 'date', value: q.date_from || '' }),
      field({ name: 'date_to', label: '申请日期止', type: 'date', value: q.date_to || '' }),
    ],
    submit: '查询',
    onSubmit: async v => nav({ q: v.q, date_from: v.date_from, date_to: v.date_to, page: '' }),
  });
  return [
    h('section', { class: 'card' }, f),
    tabs(withCounts(r.counts), q.status || '', k => nav({ status: k, page: '' })),
    table([
      { title: '需求编号', cell: d => h('a', { href: '#' + link(d) }, d.no) },
      ...extraCols,
      { title: '产品名称', cell: d => d.product_name },
      { title: '金融机构', cell: d => d.institution_name },
      { title: '申请金额（万元）', cell: d => wan(d.amount_fen) },
      { title: '期限', cell: d => `${d.term} ${d.term_unit}` },
      { title: '期望利率', cell: d => d.expected_rate_bp ? pct(d.expected_rate_bp) + '/年' : '—' },
      { title: '状态', cell: statusTags },
      { title: '申请时间', cell: d => date(d.created_at) },
    ], r.items, '暂无融资需求'),
    pager(r.total, page, 10, n => nav({ page: String(n) })),
  ];
}

export default {
  title: '融资需求管理',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const idn = activeIdentity();
    if (!idn || idn.type !== 'enterprise')
      return [h('h1', {}, '融资需求管理'), notice('融资需求属于企业：请在右上角切换到企业身份；尚未认证企业的请先完成企业认证。', 'info'),
        h('p', {}, h('a', { href: '#/me/certification' }, '去企业认证'))];
    return [h('h1', {}, '融资需求管理'),
      h('p', {}, h('a', { class: 'btn btn-secondary', href: '#/market' }, '去金融超市申请')),
      await demandList({ base: '/api/v1/enterprise/financing-demands', link: d => '/me/demands/' + encodeURIComponent(d.id), query, go, path: '/me/demands' })];
  },
};
