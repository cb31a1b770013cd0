/* What the order pages share (下单缴费, 订单管理): the order states and their badges, the two
 * sides' routes, money as yuan. */
import { tag } from '../ui.js';

export const ORDER_STATES = [
  { key: '', label: '全部' }, { key: 'unpaid', label: '待支付' }, { key: 'partial', label: '部分到账' },
  { key: 'paid', label: '已支付' }, { key: 'cancelled', label: '已取消' }, { key: 'refunded', label: '已退款' },
];
const ORDER_KIND = { unpaid: 'warn', partial: 'warn', paid: 'ok', cancelled: '', refunded: 'bad' };

export function orderStateTag(o) {
  const label = o.state_label || (ORDER_STATES.find(s => s.key === o.state) || {}).label || o.state;
  return tag(label, ORDER_KIND[o.state] ?? '');
}

export const METHODS = [['bank_transfer', '对公转账（上传汇款底单，财务核款）'], ['online', '在线支付（微信、支付宝；仅续费订单）']];

export const orderBase = side => side === 'enterprise' ? '/api/v1/enterprise/certificate-orders' : '/api/v1/me/certificate-orders';
export const orderPath = (side, id) => '/me/cert-orders/' + side + '/' + encodeURIComponent(id);

/* 12345 fen → "123.45 元" */
export function money(fen) {
  const n = Number(fen || 0);
  return (n / 100).toFixed(2) + ' 元';
}
