/* 运营后台 · 商票融资订单: the operators' queue (待报价, 待审核, 放款中 by default; oldest first). */
import { h } from '../ui.js';
import { billList } from './bill-orders.js';
import { STATES } from './bill-order.js';

export default {
  title: '商票融资订单',
  menu: 'op',
  auth: true,
  async render({ query, go }) {
    const states = [{ key: '', label: '待处理' }, ...STATES.slice(1)];
    return [h('h1', {}, '商票融资订单'),
      h('p', { class: 'muted' }, '“待处理”为待报价、待审核与放款中的订单，按申请时间先后排列。'),
      await billList({ base: '/api/v1/operator/bill-orders', link: o => '/op/bills/' + encodeURIComponent(o.id), query, go, path: '/op/bills',
        states, empty: '暂无订单', extraCols: [{ title: '企业', cell: o => o.enterprise_name }, { title: '询价资金方', cell: o => o.funder_name }] })];
  },
};
