/* 运营后台 · 商票订单: documents viewable; by role — quoter: the platform's quote for an order
 * to any funder; reviewer: 审核 (approve with the endorsement instructions, reject with the
 * reason); finance: the disbursement of an order won by the platform's quote; reviewer and
 * admin: close with a reason. */
import { h, mount, notice, section } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { hasRole } from '../session.js';
import { billFacts, quotesSection, reviewFacts, paymentFacts, documents, closeForm, stateTag } from './bill-order.js';
import { quoteForm, disburseForm } from './inst-bill.js';

function reviewSection(base, after) {
  return section('审核',
    h('p', {}, '核对票面、贸易合同与发票一致后通过，并给出背书指引（被背书人为成交资金方或平台指定账户）；不通过时写明原因，企业可重新上传材料。'),
    h('h3', {}, '通过'),
    form({
      fields: [field({ name: 'endorsee_name', label: '被背书人', required: true }),
        field({ name: 'endorsee_account', label: '被背书人账号', required: true, inputmode: 'numeric' }),
        field({ name: 'endorsee_bank', label: '被背书人开户行', required: true })],
      submit: '审核通过',
      onSubmit: async v => { await api.post(base + '/review', { decision: 'approve', ...v }); await after(); },
    }),
    h('h3', {}, '驳回'),
    form({
      fields: [field({ name: 'reason', label: '驳回原因', type: 'textarea', required: true, wide: true, maxlength: 200 })],
      submit: '驳回',
      onSubmit: async v => {
        if (!v.reason) throw invalid('reason', '请填写驳回原因');
        await api.post(base + '/review', { decision: 'reject', reason: v.reason });
        await after();
      },
    }));
}

export default {
  title: '商票订单',
  menu: 'op',
  auth: true,
  async render({ params }) {
    const wrap = h('div', {});
    const base = '/api/v1/operator/bill-orders/' + encodeURIComponent(params.id);
    async function draw() {
      const o = await api.get(base);
      const parts = [h('p', {}, h('a', { href: '#/op/bills' }, '← 商票融资订单')), h('h1', {}, '商票订单 ', o.no, ' ', stateTag(o)),
        section('票据信息', billFacts(o)), documents(base, o), quotesSection(o), reviewFacts(o), ...paymentFacts(o)];
      const platformQuote = o.quote && !o.quote.institution_id;
      if (hasRole('quoter') && !o.funder_id && (o.state === 'quoting' || o.state === 'confirming'))
        parts.push(section('平台报价', h('p', { class: 'muted' }, '该询价面向任意资金方，平台可自行报价；新的报价将取代平台之前的报价。'), quoteForm(base, draw, '平台报价')));
      if (hasRole('reviewer') && o.state === 'reviewing' && o.review_status !== 'rejected') parts.push(reviewSection(base, draw));
      if (o.state === 'reviewing' && o.review_status === 'rejected') parts.push(notice('已驳回，等待企业重新上传材料。'));
      if (hasRole('finance') && o.state === 'disbursing' && platformQuote)
        parts.push(section('签收并登记放款（平台报价）', disburseForm(base, o, draw)));
      if ((hasRole('reviewer') || hasRole('admin')) && ['quoting', 'confirming', 'reviewing', 'endorsing'].includes(o.state))
        parts.push(section('关闭订单', closeForm(base, draw)));
      mount(wrap, ...parts);
    }
    await draw();
    return wrap;
  },
};
