/* 订单详情: the lines and amounts, the payment as payments has it (received, still due, an
 * over-payment), for a bank transfer the platform's account and the reference code to write
 * in the note and the remittance slip upload (now or later), for a renewal order paid online
 * the pay page, the e-invoices once issued; an unpaid order can be cancelled. */
import { h, date, table, dl, section, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { confirmDialog } from './cert-common.js';
import { orderStateTag, orderBase, money } from './cert-order-common.js';

export default {
  title: '订单详情',
  menu: 'me',
  auth: true,
  async render({ params, query, go }) {
    const side = params.side === 'enterprise' ? 'enterprise' : 'personal';
    const base = orderBase(side) + '/' + encodeURIComponent(params.id);
    const o = await api.get(base);
    const p = o.payment || null;
    const out = [h('p', {}, h('a', { href: '#/me/cert-orders?side=' + side }, '← 订单管理')),
      h('h1', {}, '订单 ', o.no, ' ', orderStateTag(o))];
    if (query.get('created')) out.push(notice('订单已生成。' + (o.payment_method === 'bank_transfer' ? '请按下方信息对公转账，并上传汇款底单（也可稍后在订单管理中补传）。' : '请选择在线支付方式完成缴费。'), 'ok'));
    out.push(section('订单信息', dl([
      ['订单号', o.no], ['下单时间', date(o.created_at)], ['缴费方式', o.payment_method === 'online' ? '在线支付' : '对公转账'],
      ['订单金额', money(o.total_fen)], ['已到账', money(o.received_fen)], ['待付', money(o.due_fen)],
      ...(o.excess_fen ? [['多付金额（可退）', money(o.excess_fen)]] : []),
      ...(o.refunded_fen ? [['已退款', money(o.refunded_fen)]] : []),
      ['发票抬头', o.invoice_title], ['纳税识别号', o.invoice_tax_id_masked], ['电子邮箱', o.invoice_email_masked],
      ...(o.recipient_name_masked ? [['领取人', o.recipient_name_masked + ' ' + (o.recipient_phone_masked || '')], ['邮寄地址', o.mailing_address_masked]] : []),
    ])));
    out.push(section('订单明细', table([
      { title: '申请单', cell: l => l.application_no || '—' },
      { title: '项目', cell: l => l.description },
      { title: '金额', cell: l => money(l.amount_fen) },
      { title: '税率', cell: l => (l.tax_rate_bp / 100) + '%' },
    ], o.lines || [], '无')));
    if (!p && (o.state === 'unpaid'))
      out.push(notice('支付单正在生成，请稍后刷新页面。', 'info'));
    if (p && (o.state === 'unpaid' || o.state === 'partial') && (p.methods || []).includes('bank_transfer')) {
      const slip = form({
        fields: [field({ name: 'slip', label: '汇款底单（JPG、PNG 或 PDF，5 MB 以内）', type: 'file', required: true, accept: 'image/jpeg,image/png,application/pdf' })],
        submit: '上传汇款底单',
        onSubmit: async (v, key) => {
          const fd = new FormData();
          fd.append('slip', v.slip);
          await api.upload('/api/v1/payments/intents/' + encodeURIComponent(p.intent_id) + '/slips', fd, { key });
          go(location.hash.slice(1).replace(/\?.*$/, '') + '?slip=1');
        },
      });
      out.push(section('对公转账', dl([
        ['收款户名', p.account_name], ['开户银行', p.bank_name], ['收款账号', p.account_no],
        ['转账附言（识别码）', h('strong', { class: 'reference-code' }, p.reference_code)], ['应付金额', money(p.due_fen)],
      ]), notice('请在转账附言中填写识别码；财务核对到账金额后订单变为已支付。部分到账时订单显示待付差额。'),
      query.get('slip') ? notice('汇款底单已上传。', 'ok') : null, slip));
    }
    if (p && p.state === 'open' && (p.methods || []).some(m => m === 'wechat' || m === 'alipay'))
      out.push(section('在线支付', h('a', { class: 'btn btn-primary', href: '#/me/payments/' + encodeURIComponent(p.intent_id) + '/pay' }, '去支付（微信 / 支付宝）')));
    if (p && (o.state === 'paid' || o.state === 'refunded')) {
      /* The invoices are asked for on demand: issued after payment by payments' invoicing. */
      const list = h('div', { class: 'invoices', 'aria-live': 'polite' });
      const btn = h('button', { type: 'button', class: 'btn btn-secondary' }, '电子发票下载');
      btn.addEventListener('click', async () => {
        let inv = [];
        try { inv = (await api.get('/api/v1/payments/intents/' + encodeURIComponent(p.intent_id) + '/invoices')).items || []; } catch { inv = []; }
        list.replaceChildren(inv.length
          ? h('ul', {}, inv.map(i => h('li', {}, h('a', { href: '/api/v1/payments/invoices/' + encodeURIComponent(i.id) + '/pdf', target: '_blank' }, '电子发票 ' + (i.no || '') + '（PDF）'))))
          : h('p', { class: 'muted' }, '电子发票尚未开具，开具后可在此下载。'));
      });
      out.push(section('电子发票', btn, list));
    }
    if (o.state === 'unpaid') {
      const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, '取消订单');
      cancel.addEventListener('click', async () => {
        if (!await confirmDialog('取消订单', '取消后订单内的申请单可以重新下单。确定取消？', '取消订单')) return;
        await api.post(base + '/cancellation', {});
        go(location.hash.slice(1).replace(/\?.*$/, ''));
      });
      out.push(h('p', { class: 'toolbar' }, cancel));
    }
    return out;
  },
};
