/* 关于我们: the published 关于我们 articles (the newest in full) and how to reach the platform. */
import { h, dl } from '../ui.js';
import { api } from '../api.js';
import { richText } from '../richtext.js';
import { siteSettings } from '../site.js';
import { articleHref } from './articles.js';

export default {
  title: '关于我们',
  async render() {
    const [r, s] = await Promise.all([api.get('/api/v1/articles', { category: 'about', page_size: 20 }), siteSettings()]);
    const items = r.items || [];
    const first = items.length ? await api.get('/api/v1/articles/' + encodeURIComponent(items[0].id)) : null;
    return [h('h1', {}, '关于我们'),
      first ? h('article', { class: 'card article' }, h('h2', {}, first.title), richText(first.body_html))
        : h('section', { class: 'card' }, h('p', {}, '中小企业金融服务平台汇聚银行、担保、小贷等金融机构的融资产品，为中小企业提供在线认证、融资对接和政策服务。')),
      items.length > 1 ? h('section', { class: 'card' }, h('h2', {}, '更多介绍'),
        h('ul', { class: 'article-list' }, items.slice(1).map(a => h('li', {}, h('a', { href: articleHref(a) }, a.title))))) : null,
      h('section', { class: 'card' }, h('h2', {}, '联系我们'),
        dl([['客服电话', s.service_phone || '—'], ['服务时间', s.service_hours || '—']]))];
  },
};
