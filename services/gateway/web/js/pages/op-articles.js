/* 运营后台 · 内容管理 (content_editor): every article by state, with counts, category and
 * keyword filters; a new article. */
import { h, table, pager, tabs, tag, date } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';

export const STATES = [['', '全部'], ['draft', '草稿'], ['published', '已发布'], ['offline', '已下线']];
export const CATEGORY_OPTIONS = [['policy', '惠企政策'], ['news', '新闻资讯'], ['notice', '平台公告'], ['about', '关于我们']];
export const stateTag = a => tag(a.state_name || a.state, { published: 'ok', draft: 'warn', offline: 'bad' }[a.state] || '');

export default {
  title: '内容管理',
  menu: 'op',
  auth: true,
  async render({ query, go }) {
    const q = Object.fromEntries(query.entries());
    const page = Number(q.page || 1);
    const state = q.state || '';
    const base = { category: q.category, q: q.q };
    const [r, ...counts] = await Promise.all([
      api.get('/api/v1/operator/articles', { ...base, state, page, page_size: 20 }),
      ...STATES.map(([s]) => api.get('/api/v1/operator/articles', { ...base, state: s, page_size: 1 })),
    ]);
    const to = (changes) => {
      const p = new URLSearchParams(query);
      for (const [k, v] of Object.entries(changes)) if (v) p.set(k, v); else p.delete(k);
      go('/op/articles' + (p.toString() ? '?' + p : ''));
    };
    const f = form({
      cls: 'filters',
      fields: [
        field({ name: 'category', label: '栏目', type: 'select', options: [['', '全部栏目'], ...CATEGORY_OPTIONS], value: q.category || '' }),
        field({ name: 'q', label: '关键词', type: 'search', value: q.q || '' }),
      ],
      submit: '筛选',
      onSubmit: async v => to({ category: v.category, q: v.q, page: '' }),
    });
    return [h('div', { class: 'toolbar' }, h('h1', {}, '内容管理'), h('a', { class: 'btn btn-primary', href: '#/op/articles/new' }, '新建文章')),
      h('section', { class: 'card' }, f),
      tabs(STATES.map(([key, label], i) => ({ key, label, count: counts[i].total || 0 })), state, k => to({ state: k, page: '' })),
      table([
        { title: '标题', cell: a => [a.pinned ? tag('置顶', 'warn') : null, h('a', { href: '#/op/articles/' + encodeURIComponent(a.id) }, a.title)] },
        { title: '栏目', cell: a => a.category_name || a.category },
        { title: '状态', cell: stateTag },
        { title: '版本', cell: a => 'v' + (a.version || 1) },
        { title: '更新时间', cell: a => date(a.updated_at) },
      ], r.items, '暂无文章'),
      pager(r.total, page, 20, n => to({ page: String(n) }))];
  },
};
