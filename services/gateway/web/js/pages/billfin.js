/* 商票融资 (top bar): what it is and the way in — 我要询价 and 融资订单 as the enterprise. */
import { h } from '../ui.js';
import { session } from '../session.js';

export default {
  title: '商票融资',
  get menu() { return session.me ? 'me' : null; },
  async render() {
    return [h('h1', {}, '商票融资'),
      h('section', { class: 'card' },
        h('p', {}, '持有商业承兑汇票（电子商票）的企业，可在线向保理/商票资金方询价，确认报价后上传贸易合同与发票，经平台审核、完成背书即可放款到已验证的收款账户。'),
        h('p', {}, '询价 → 报价 → 确认交易 → 审核 → 背书 → 放款'),
        h('p', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: '#/me/bills/inquiry' }, '我要询价'), ' ',
          h('a', { class: 'btn btn-secondary', href: '#/me/bills/orders' }, '融资订单'), ' ',
          h('a', { class: 'btn btn-secondary', href: '#/me/accounts' }, '收款账户')))];
  },
};
