import { h } from '../ui.js';
import { session } from '../session.js';

export default {
  title: '首页',
  async render() {
    const me = session.me;
    return [
      h('section', { class: 'hero' },
        h('h1', {}, '中小企业金融服务平台'),
        h('p', {}, '汇聚银行、担保、小贷等金融机构的融资产品，企业在线认证、一键申请、全程可查。'),
        h('div', { class: 'actions' },
          h('a', { class: 'btn btn-primary', href: '#/market' }, '进入金融超市'),
          me ? h('a', { class: 'btn btn-secondary', href: '#/me/profile' }, '个人中心')
            : h('a', { class: 'btn btn-secondary', href: '#/register' }, '免费注册'))),
      h('div', { class: 'grid3' },
        h('a', { class: 'card tile', href: '#/me/verification' }, h('h2', {}, '实名认证'), h('p', {}, '人脸识别、银行卡或运营商三要素核验')),
        h('a', { class: 'card tile', href: '#/me/certification' }, h('h2', {}, '企业认证'), h('p', {}, '工商信息自动带出，上传材料后由平台审核')),
        h('a', { class: 'card tile', href: '#/market' }, h('h2', {}, '金融超市'), h('p', {}, '按额度、期限、利率和担保方式筛选贷款产品'))),
    ];
  },
};
