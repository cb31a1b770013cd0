/* The content lists (惠企政策, 新闻资讯) and what the home page and the article page share:
 * the categories and one list item. policies.js and news.js are the two routes. */
import { h, pager, tag } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { regionField } from '../regions.js';

export const CATEGORIES = { policy: ['惠企政策', '/policies'], news: ['新闻资讯', '/news'], notice: ['平台公告', '/news'], about: ['关于我们', '/about'] };

export const articleHref = a => '#/articles/' + encodeURIComponent(a.id);

/* "2025-01-01 至 2025-12-31" for a policy; the publication day otherwise. */
export function period(a) {
  if (a.effective_on || a.expires_on) return (a.effective_on || '—') + ' 至 ' + (a.expires_on || '长期有效');
  return '';
}

export const published = a => (a.published_at || '').slice(0, 10);

export function articleItem(a) {
  return h('li', { class: 'article-item' },
    h('h3', {}, a.pinned ? tag('置顶', 'warn') : null, a.expired ? tag('已失效', 'bad') : null,
      h('a', { href: articleHref(a) }, a.title)),
    a.summary ? h('p', { class: 'summary' }, a.summary) : null,
    h('p', { class: 'meta muted' },
      a.authority ? h('span', {}, a.authority) : null,
      period(a) ? h('span', {}, '有效期 ' + period(a)) : null,
      published(a) ? h('span', {}, '发布于 ' + published(a)) : null,
      (a.tags || []).map(t => tag(t))));
}

export function listPage(category, path) {
  const [title] = CATEGORIES[category];
  const isPolicy = category === 'policy';
  return {
    title,
    async render({ query, go }) {
      const q = Object.fromEntries(query.entries());
      const page = Number(q.page || 1);
      const r = await api.get('/api/v1/articles', {
        category, q: q.q, region_code: q.region_code, include_expired: isPolicy && q.include_expired === 'true' ? 'true' : '',
        page, page_size: 10,
      });
      const region = regionField({ label: '适用地区', value: q.region_code || '' });
      const f = form({
        cls: 'filters',
        fields: [
          field({ name: 'q', label: '关键词', type: 'search', value: q.q || '', placeholder: isPolicy ? '如：贴息、专精特新' : '标题或摘要' }),
          isPolicy ? region : null,
          isPolicy ? field({ name: 'include_expired', label: '包含已失效的政策', type: 'checkbox' }) : null,
        ],
        submit: '搜索',
        onSubmit: async v => {
          const p = new URLSearchParams();
          if (v.q) p.set('q', v.q);
          if (v.region_code) p.set('region_code', v.region_code);
          if (v.include_expired) p.set('include_expired', 'true');
          go(path + (p.toString() ? '?' + p : ''));
        },
      });
      const box = f.querySelector('input[name=include_expired]');
      if (box) box.checked = q.include_expired === 'true';
      await region.ready;
      const goPage = n => { const p = new URLSearchParams(query); p.set('page', n); go(path + '?' + p); };
      const items = r.items || [];
      return [h('h1', {}, title), h('section', { class: 'card' }, f),
        h('section', { class: 'card' },
          items.length ? h('ul', { class: 'article-list' }, items.map(articleItem))
            : h('p', { class: 'empty' }, q.q || q.region_code ? '没有符合条件的' + title + '，请调整筛选条件' : '暂无' + title),
          pager(r.total, page, 10, goPage))];
    },
  };
}
