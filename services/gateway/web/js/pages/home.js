/* 首页: the platform's entries (金融超市, 商票融资), the pinned articles and the newest of each
 * category from GET /home-feed. */
import { h } from '../ui.js';
import { api } from '../api.js';
import { session } from '../session.js';
import { CATEGORIES, articleItem, articleHref, published } from './articles.js';

export default {
  title: '首页',
  async render() {
    const me = session.me;
    const feed = await api.get('/api/v1/home-feed', { per_category: 5 });
    const sections = (feed.sections || []).filter(s => s.category !== 'about' && (s.items || []).length);
    return [
      h('section', { class: 'hero' },
        h('h1', {}, '中小企业金融服务平台'),
        h('p', {}, '汇聚银行、担保、小贷等金融机构的融资产品，企业在线认证、一键申请、全程可查。'),
        h('div', { class: 'actions' },
          h('a', { class: 'btn btn-primary', href: '#/market' }, '进入金融超市'),
          h('a', { class: 'btn btn-secondary', href: '#/bills' }, '商票融资'),
          me ? h('a', { class: 'btn btn-secondary', href: '#/me/profile' }, '个人中心')
            : h('a', { class: 'btn btn-secondary', href: '#/register' }, '免费注册'))),
      (feed.pinned || []).length ? h('section', { class: 'card pinned', 'aria-labelledby': 'pinned-h' },
        h('h2', { id: 'pinned-h' }, '置顶推荐'),
        h('ul', { class: 'article-list' }, feed.pinned.map(articleItem))) : null,
      sections.length ? h('div', { class: 'grid2 feed' }, sections.map(s => {
        const [name, path] = CATEGORIES[s.category] || [s.category_name, '/'];
        return h('section', { class: 'card feed-section', 'aria-label': s.category_name || name },
          h('div', { class: 'section-head' }, h('h2', {}, s.category_name || name), h('a', { href: '#' + path }, '更多 ›')),
          h('ul', { class: 'headlines' }, s.items.map(a => h('li', {},
            h('a', { href: articleHref(a) }, a.title), h('span', { class: 'muted' }, published(a))))));
      })) : null,
      h('div', { class: 'grid3' },
        h('a', { class: 'card tile', href: '#/market' }, h('h2', {}, '金融超市'), h('p', {}, '按额度、期限、利率和担保方式筛选贷款产品')),
        h('a', { class: 'card tile', href: '#/bills' }, h('h2', {}, '商票融资'), h('p', {}, '商业汇票在线询价、确认报价、背书放款')),
        h('a', { class: 'card tile', href: '#/institutions' }, h('h2', {}, '金融机构'), h('p', {}, '银行、担保公司、小额贷款公司及其在售产品')),
        h('a', { class: 'card tile', href: '#/policies' }, h('h2', {}, '惠企政策'), h('p', {}, '贴息、担保费补贴、专精特新等扶持政策')),
        h('a', { class: 'card tile', href: '#/me/verification' }, h('h2', {}, '实名认证'), h('p', {}, '人脸识别、银行卡或运营商三要素核验')),
        h('a', { class: 'card tile', href: '#/me/certification' }, h('h2', {}, '企业认证'), h('p', {}, '工商信息自动带出，上传材料后由平台审核'))),
    ];
  },
};
