/* 金融超市 (manual 001): keyword search, filters, product cards. */
import { h, wan, rateRange, pager, wanToFen, pctToBp } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';

export function logo(p) {
  const url = p.institution_logo_url || p.logo_url || '';
  /* Only our own origin or data: (the CSP's img-src); otherwise the initial. */
  const initial = () => h('span', { class: 'logo logo-text', 'aria-hidden': 'true' }, (p.institution_name || p.name || '?').slice(0, 1));
  if (!url.startsWith('/') && !url.startsWith('data:')) return initial();
  const img = h('img', { class: 'logo', src: url, alt: p.institution_name || '' });
  img.addEventListener('error', () => img.replaceWith(initial()));
  return img;
}

export function term(min, max, unit) {
  return min === max ? `${min} ${unit}` : `${min}–${max} ${unit}`;
}

export default {
  title: '金融超市',
  async render({ query, go }) {
    const q = Object.fromEntries(query.entries());
    const page = Number(q.page || 1);
    const r = await api.get('/api/v1/products', {
      q: q.q, guarantee: q.guarantee, amount_fen: q.amount_fen, term_months: q.term_months,
      max_rate_bp: q.max_rate_bp, sort: q.sort, page, page_size: 12,
    });
    const f = form({
      cls: 'filters',
      fields: [
        field({ name: 'q', label: '关键词', type: 'search', value: q.q || '', placeholder: '产品、机构或特色' }),
        field({ name: 'guarantee', label: '担保方式', type: 'select', value: q.guarantee || '',
          options: [['', '不限'], ['信用', '信用'], ['抵押', '抵押'], ['质押', '质押'], ['保证', '保证']] }),
        field({ name: 'amount', field: 'amount_fen', label: '需求金额（万元）', inputmode: 'decimal', value: q.amount_fen ? wan(q.amount_fen) : '' }),
        field({ name: 'term_months', label: '期限（月）', inputmode: 'numeric', value: q.term_months || '' }),
        field({ name: 'max_rate', field: 'max_rate_bp', label: '最高年利率（%）', inputmode: 'decimal', value: q.max_rate_bp ? (q.max_rate_bp / 100).toString() : '' }),
        field({ name: 'sort', label: '排序', type: 'select', value: q.sort || '',
          options: [['', '默认'], ['rate', '利率从低到高'], ['amount', '额度从高到低'], ['newest', '最新发布']] }),
      ],
      submit: '搜索',
      onSubmit: async v => {
        const p = new URLSearchParams();
        if (v.q) p.set('q', v.q);
        if (v.guarantee) p.set('guarantee', v.guarantee);
        if (v.amount) {
          const fen = wanToFen(v.amount);
          if (fen === null) throw invalid('amount_fen', '请输入正确的金额（万元）');
          p.set('amount_fen', fen);
        }
        if (v.term_months) {
          if (!/^\d{1,3}$/.test(v.term_months)) throw invalid('term_months', '请输入月数');
          p.set('term_months', v.term_months);
        }
        if (v.max_rate) {
          const bp = pctToBp(v.max_rate);
          if (bp === null) throw invalid('max_rate_bp', '请输入正确的利率（%）');
          p.set('max_rate_bp', bp);
        }
        if (v.sort) p.set('sort', v.sort);
        go('/market' + (p.toString() ? '?' + p : ''));
      },
    });
    const cards = (r.items || []).map(p => h('article', { class: 'card product' },
      h('header', {}, logo(p), h('div', {}, h('h2', {}, h('a', { href: '#/products/' + encodeURIComponent(p.id) }, p.name)),
        h('p', { class: 'muted' }, p.institution_name))),
      h('div', { class: 'figures' },
        h('div', {}, h('strong', { class: 'rate' }, rateRange(p.rate_min_bp, p.rate_max_bp)), h('span', {}, '参考年利率')),
        h('div', {}, h('strong', {}, wan(p.amount_min_fen) + '–' + wan(p.amount_max_fen)), h('span', {}, '额度（万元）')),
        h('div', {}, h('strong', {}, term(p.term_min, p.term_max, p.term_unit)), h('span', {}, '期限'))),
      h('p', { class: 'tags' }, (p.guarantees || []).map(g => h('span', { class: 'tag' }, g)), (p.features || []).map(g => h('span', { class: 'tag tag-feature' }, g))),
      h('a', { class: 'btn btn-primary', href: '#/products/' + encodeURIComponent(p.id) }, '查看详情')));
    const goPage = n => { const p = new URLSearchParams(query); p.set('page', n); go('/market?' + p); };
    return [h('h1', {}, '金融超市'), h('section', { class: 'card' }, f),
      h('p', { class: 'muted' }, `找到 ${r.total || 0} 款产品`),
      cards.length ? h('div', { class: 'grid3 products' }, cards) : h('p', { class: 'empty' }, '没有符合条件的产品，请调整筛选条件'),
      pager(r.total, page, 12, goPage)];
  },
};
