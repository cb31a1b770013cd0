/* 金融机构: the institutions (kind, name search, pages), each with its published products. */
import { h, pager, rateRange, wan } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { logo, term } from './market.js';

const KINDS = [['', '不限'], ['bank', '银行'], ['guarantee', '担保公司'], ['microcredit', '小额贷款公司'], ['bill_funder', '保理/商票资金方']];

export default {
  title: '金融机构',
  async render({ query, go }) {
    const q = Object.fromEntries(query.entries());
    const page = Number(q.page || 1);
    const r = await api.get('/api/v1/institutions', { kind: q.kind, q: q.q, page, page_size: 10 });
    const items = r.items || [];
    const products = await Promise.all(items.map(i => i.product_count
      ? api.get('/api/v1/products', { institution_id: i.id, page_size: 6 }) : { items: [] }));
    const f = form({
      cls: 'filters',
      fields: [
        field({ name: 'q', label: '机构名称', type: 'search', value: q.q || '' }),
        field({ name: 'kind', label: '机构类型', type: 'select', options: KINDS, value: q.kind || '' }),
      ],
      submit: '搜索',
      onSubmit: async v => {
        const p = new URLSearchParams();
        if (v.q) p.set('q', v.q);
        if (v.kind) p.set('kind', v.kind);
        go('/institutions' + (p.toString() ? '?' + p : ''));
      },
    });
    const cards = items.map((i, n) => h('article', { class: 'card institution' },
      h('header', {}, logo({ institution_name: i.name, logo_url: i.logo_url }),
        h('div', {}, h('h2', {}, i.name), h('p', { class: 'muted' }, i.kind_name, ' · 在售产品 ', String(i.product_count || 0), ' 款'))),
      i.description ? h('p', {}, i.description) : null,
      (products[n].items || []).length
        ? h('ul', { class: 'inst-products' }, products[n].items.map(p => h('li', {},
          h('a', { href: '#/products/' + encodeURIComponent(p.id) }, p.name),
          h('span', { class: 'muted' }, ' ', rateRange(p.rate_min_bp, p.rate_max_bp), ' · ',
            wan(p.amount_min_fen), '–', wan(p.amount_max_fen), ' 万元 · ', term(p.term_min, p.term_max, p.term_unit)))))
        : h('p', { class: 'empty' }, '暂无在售产品')));
    const goPage = n => { const p = new URLSearchParams(query); p.set('page', n); go('/institutions?' + p); };
    return [h('h1', {}, '金融机构'), h('section', { class: 'card' }, f),
      cards.length ? cards : h('p', { class: 'empty' }, '没有符合条件的机构'),
      pager(r.total, page, 10, goPage)];
  },
};
