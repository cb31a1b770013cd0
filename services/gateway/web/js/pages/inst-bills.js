/* 机构工作台 · 商票询价: the bill quoter's queue, inquiries awaiting a quote first (oldest first). */
import { h } from '../ui.js';
import { billList } from './bill-orders.js';
import { STATES } from './bill-order.js';

export default {
  title: '商票询价',
  menu: 'inst',
  auth: true,
  async render({ query, go }) {
    return [h('h1', {}, '商票询价'),
      h('p', { class: 'muted' }, '发给贵机构或任意资金方的询价，按申请时间先后排列。报价被企业确认后，订单只对贵机构可见。'),
      await billList({ base: '/api/v1/institution/bill-orders', link: o => '/inst/bills/' + encodeURIComponent(o.id), query, go, path: '/inst/bills',
        defaultState: 'quoting', empty: '暂无询价', extraCols: [{ title: '企业', cell: o => o.enterprise_name }] })];
  },
};
