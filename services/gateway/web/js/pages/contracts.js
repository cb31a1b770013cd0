/* 合同 (manual 002): the seven views — 待我签署, 待他人签署, 已完成签署, 已作废, 我发起的,
 * 草稿箱, 即将过期 — as tabs with their counts; each contract opens its detail. */
import { h, table, tabs, pager } from '../ui.js';
import { api } from '../api.js';
import { VIEWS, contractStateTag, contractPath, when, progress, orderLabel } from './contract-common.js';

export default {
  title: '合同',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const view = VIEWS.some(v => v.key === query.get('view')) ? query.get('view') : 'to_me';
    const page = Number(query.get('page') || 1);
    const nav = changes => {
      const p = new URLSearchParams(query);
      for (const [k, v] of Object.entries(changes)) v ? p.set(k, v) : p.delete(k);
      go('/me/contracts' + (p.toString() ? '?' + p : ''));
    };
    const [counts, r] = await Promise.all([
      api.get('/api/v1/contracts/counts'),
      api.get('/api/v1/contracts', { view, page, page_size: 10 }),
    ]);
    const items = VIEWS.map(v => ({ ...v, count: counts[v.key] || 0 }));
    const cols = [
      { title: '合同编号', cell: c => h('a', { href: '#' + contractPath(c.id) }, c.number) },
      { title: '合同名称', cell: c => c.title },
      { title: '状态', cell: c => [contractStateTag(c), c.can_sign_now ? h('a', { class: 'btn-link', href: '#' + contractPath(c.id) + '/sign' }, '去签署') : null] },
      { title: '签署进度', cell: c => (c.state === 'draft' ? '—' : progress(c)) },
      { title: '签署方式', cell: c => orderLabel(c.order_mode) },
      { title: view === 'drafts' ? '更新时间' : '截止时间', cell: c => when(view === 'drafts' ? c.updated_at : c.expires_at) },
    ];
    return [
      h('h1', {}, '合同'),
      h('p', { class: 'toolbar' },
        h('span', { class: 'muted' }, '上传 PDF 合同，添加签署方后发起签署；签署方通过短信验证码确认签署。'),
        h('a', { class: 'btn btn-primary', href: '#/me/contracts/new' }, '上传合同')),
      tabs(items, view, k => nav({ view: k, page: '' })),
      table(cols, r.items, view === 'drafts' ? '草稿箱为空' : '暂无合同'),
      pager(r.total, page, 10, n => nav({ page: String(n) })),
    ];
  },
};
