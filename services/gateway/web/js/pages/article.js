/* One published article: its facts (authority, source with its link, dates, regions, tags)
 * and the body as the API renders it (richtext.js inserts it without running anything). */
import { h, dl, tag } from '../ui.js';
import { api } from '../api.js';
import { richText } from '../richtext.js';
import { regionName } from '../regions.js';
import { CATEGORIES, published } from './articles.js';
import { safeHref } from '../site.js';

export async function articleFacts(a) {
  const regions = (a.region_codes || []).length ? (await Promise.all(a.region_codes.map(regionName))).join('、') : '全国';
  const src = safeHref(a.source_url);
  const isPolicy = a.category === 'policy';
  return dl([
    a.authority ? ['发文机关', a.authority] : null,
    a.source || src ? ['来源', src ? h('a', { href: src, rel: 'noopener noreferrer', target: '_blank' }, a.source || src) : a.source] : null,
    isPolicy ? ['生效日期', a.effective_on || '—'] : null,
    isPolicy ? ['失效日期', [a.expires_on || '长期有效', a.expired ? [' ', tag('已失效', 'bad')] : null]] : null,
    isPolicy ? ['适用地区', regions] : null,
    (a.tags || []).length ? ['标签', (a.tags || []).map(t => tag(t))] : null,
    published(a) ? ['发布日期', published(a)] : null,
  ]);
}

export default {
  title: '文章详情',
  async render({ params }) {
    const a = await api.get('/api/v1/articles/' + encodeURIComponent(params.id));
    const [catName, catPath] = CATEGORIES[a.category] || ['首页', '/'];
    document.title = a.title + ' - 中小企业金融服务平台';
    /* Covers of this site only: the CSP's img-src is 'self'. */
    const cover = a.cover_url && /^\/(?![/\\])/.test(a.cover_url) ? h('img', { class: 'cover', src: a.cover_url, alt: '' }) : null;
    return h('article', { class: 'card article' },
      h('p', { class: 'crumbs' }, h('a', { href: '#' + catPath }, catName), ' › 正文'),
      h('h1', {}, a.title),
      a.summary ? h('p', { class: 'summary muted' }, a.summary) : null,
      await articleFacts(a),
      cover,
      richText(a.body_html));
  },
};
