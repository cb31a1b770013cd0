/* 商票融资: its pages come with the billfin service; until then this says so. */
import { h } from '../ui.js';
import { session } from '../session.js';

export default {
  title: '商票融资',
  get menu() { return session.me ? 'me' : null; },
  async render() {
    return [h('h1', {}, '商票融资'),
      h('section', { class: 'card' },
        h('p', {}, '商票融资（我要询价、融资订单）的页面将随商票融资服务一同上线，目前暂未开放。'),
        h('p', {}, '如需融资，可先前往 ', h('a', { href: '#/market' }, '金融超市'), ' 选择贷款产品在线申请。'))];
  },
};
