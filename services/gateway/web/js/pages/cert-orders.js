/* 订单管理 (manual 004): the holder's certificate orders (personal, or the active
 * enterprise's) with their payment state; each opens its detail (payment, transfer
 * instructions, slip upload, invoice). */
import { h, date, table, tabs, pager } from '../ui.js';
import { api } from '../api.js';
import { sideOf, sideTabs, needEnterprise, enterpriseActive } from './cert-common.js';
import { ORDER_STATES, orderStateTag, orderBase, orderPath, money } from './cert-order-common.js';

export default {
  title: '订单管理',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const side = sideOf(query);
    const state = query.get('state') || '';
    const page = Number(query.get('page') || 1);
    const nav = changes => {
      const p = new URLSearchParams(query);
      for (const [k, v] of Object.entries(changes)) v ? p.set(k, v) : p.delete(k);
      go('/me/cert-orders' + (p.toString() ? '?' + p : ''));
    };
    const head = [h('h1', {}, '订单管理'), sideTabs(side, k => nav({ side: k, state: '', page: '' }))];
    if (side === 'enterprise' && !enterpriseActive()) return [...head, ...needEnterprise('企业证书订单')];
    const r = await api.get(orderBase(side), { state, page, page_size: 10 });
    return [...head,
      h('p', { class: 'toolbar' },
        h('span', { class: 'muted' }, '新办证书仅支持对公转账；只含续费的订单可在线支付。财务核款后证书才会制作。'),
        h('a', { class: 'btn btn-primary', href: '#/me/cert-orders/new?side=' + side }, '下单缴费')),
      tabs(ORDER_STATES, state, k => nav({ state: k, page: '' })),
      table([
        { title: '订单号', cell: o => h('a', { href: '#' + orderPath(side, o.id) }, o.no) },
        { title: '金额', cell: o => money(o.total_fen) },
        { title: '待付', cell: o => money(o.due_fen) },
        { title: '缴费方式', cell: o => o.payment_method === 'online' ? '在线支付' : '对公转账' },
        { title: '下单时间', cell: o => date(o.created_at) },
        { title: '状态', cell: o => orderStateTag(o) },
      ], r.items, '暂无订单'),
      pager(r.total, page, 10, n => nav({ page: String(n) }))];
  },
};
