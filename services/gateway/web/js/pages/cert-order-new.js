/* 下单缴费 (manual 004): the holder's applications not yet in an order (可多选，同一持有人),
 * the payment method (bank transfer whenever a new certificate is in it; online only for
 * renewals), the invoice (抬头、纳税识别号、电子邮箱) and, unless every certificate is a cloud
 * one, the mailing recipient and address. The total from the public price table. */
import { h, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { appBase, sideOf, sideTabs, enterpriseActive, needEnterprise, MEDIA, label } from './cert-common.js';
import { METHODS, orderBase, orderPath, money } from './cert-order-common.js';

function show(el, on) { el.hidden = !on; for (const i of el.querySelectorAll('input,select,textarea')) i.disabled = !on; }

export default {
  title: '下单缴费',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const side = sideOf(query);
    const head = [h('p', {}, h('a', { href: '#/me/cert-orders?side=' + side }, '← 订单管理')), h('h1', {}, '下单缴费'),
      sideTabs(side, k => go('/me/cert-orders/new?side=' + k))];
    if (side === 'enterprise' && !enterpriseActive()) return [...head, ...needEnterprise('企业证书订单')];
    const [apps, prices] = await Promise.all([api.get(appBase(side), { page_size: 100 }), api.get('/api/v1/certificate-prices')]);
    const payable = (apps.items || []).filter(a => (a.state === 'pending' || a.state === 'accepted') && !a.order_id);
    if (!payable.length) return [...head, notice('没有待缴费的申请单：请先提交证书申请单。', 'info'),
      h('p', {}, h('a', { href: '#/me/cert-applications/new?side=' + side }, '申请证书'))];
    const price = a => (prices.items || []).find(p => p.kind === a.kind && p.medium === a.medium && p.years === a.validity_years);
    const boxes = payable.map(a => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'app', value: a.id, checked: String(a.id) === query.get('app') || undefined }),
      ` ${a.no} · ${a.kind === 'renewal' ? '续费' : '新办'} · ${label(MEDIA, a.medium).replace(/（.*/, '')} · ${a.validity_years} 年 · ${price(a) ? money(price(a).total_fen) : '—'}`));
    const picked = () => payable.filter(a => boxes.find(b => b.querySelector('input').value === a.id).querySelector('input').checked);
    const total = h('strong', { class: 'order-total' }, money(0));
    const chooser = h('fieldset', { class: 'field wide' }, h('legend', {}, '选择申请单（可多选）'), boxes, h('p', {}, '合计：', total));
    const recipient = [
      field({ name: 'recipient_name', label: '领取人姓名', required: true, maxlength: 30 }),
      field({ name: 'recipient_phone', label: '领取人手机号', required: true, inputmode: 'numeric', maxlength: 11 }),
      field({ name: 'mailing_address', label: '邮寄地址', required: true, wide: true, maxlength: 200 }),
    ];
    const f = form({
      fields: [chooser,
        field({ name: 'payment_method', label: '缴费方式', type: 'select', required: true, options: METHODS, value: 'bank_transfer' }),
        field({ name: 'invoice_title', label: '发票抬头', required: true, maxlength: 100 }),
        field({ name: 'invoice_tax_id', label: '纳税识别号', required: true, maxlength: 20, hint: '18 位统一社会信用代码或 15–20 位字母、数字；请确保准确，否则影响发票开具。' }),
        field({ name: 'invoice_email', label: '电子邮箱', type: 'email', required: true, maxlength: 100, hint: '用于接收电子发票。' }),
        ...recipient],
      submit: '生成订单',
      onSubmit: async (v, key) => {
        const sel = picked();
        if (!sel.length) throw invalid('app', '请选择要缴费的申请单');
        if (v.payment_method === 'online' && sel.some(a => a.kind === 'new')) throw invalid('payment_method', '订单内含有新办证书，仅能选择对公转账');
        const body = { application_ids: sel.map(a => a.id), payment_method: v.payment_method,
          invoice_title: v.invoice_title, invoice_tax_id: v.invoice_tax_id.trim().toUpperCase(), invoice_email: v.invoice_email };
        if (!sel.every(a => a.medium === 'cloud'))
          Object.assign(body, { recipient_name: v.recipient_name, recipient_phone: v.recipient_phone, mailing_address: v.mailing_address });
        const o = await api.post(orderBase(side), body, { key });
        go(orderPath(side, o.id) + '?created=1');
      },
    });
    const sync = () => {
      const sel = picked();
      total.textContent = money(sel.reduce((s, a) => s + (price(a) ? price(a).total_fen : 0), 0));
      for (const r of recipient) show(r, !sel.length || !sel.every(a => a.medium === 'cloud'));
    };
    for (const b of boxes) b.querySelector('input').addEventListener('change', sync);
    sync();
    return [...head,
      notice('勾选需要缴费的申请单（必须同一持有人）。新证仅支持对公转账；订单内只有续费业务时可选择在线支付。'),
      h('section', { class: 'card' }, f)];
  },
};
