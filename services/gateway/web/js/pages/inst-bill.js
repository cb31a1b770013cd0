/* 机构工作台 · 商票订单: the bill, 报价 (rate as %/年 or 每十万扣息, adjustment days, fee,
 * validity) with the figures the API computes, and for the won order in 放款中 the payee
 * account in full and 签收并登记放款. quoteForm and disburseForm serve the operator too. */
import { h, mount, dl, notice, section, pctToBp, yuanToFen, yuan } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { billFacts, quotesSection, reviewFacts, paymentFacts, stateTag, documents } from './bill-order.js';

/* Fen as a plain 元 figure for an input (no separators): 1234567 → "12345.67". */
export function yuanPlain(fen) {
  const n = Number(fen || 0);
  return Math.floor(n / 100) + '.' + String(n % 100).padStart(2, '0');
}

export function quoteForm(path, after, submit = '报价') {
  return form({
    fields: [
      field({ name: 'rate', field: 'rate_bp', label: '年贴现率（%/年）', inputmode: 'decimal', placeholder: '例如 3.00', hint: '与“每十万扣息”二选一' }),
      field({ name: 'per100k', field: 'per_100k_fen', label: '每十万扣息（元）', inputmode: 'decimal', placeholder: '例如 750.00' }),
      field({ name: 'adjust_days', label: '调整天数', inputmode: 'numeric', value: '0', hint: '电子商票一般为 0' }),
      field({ name: 'fee', field: 'fee_fen', label: '手续费（元）', inputmode: 'decimal', value: '0' }),
      field({ name: 'valid_minutes', label: '报价有效期（分钟）', inputmode: 'numeric', value: '120', hint: '10–1440 分钟' }),
    ],
    submit,
    onSubmit: async (v, key) => {
      const body = {};
      if (v.rate && v.per100k) throw invalid('rate_bp', '年贴现率与每十万扣息只填一项');
      if (v.rate) {
        if ((body.rate_bp = pctToBp(v.rate)) === null) throw invalid('rate_bp', '请输入正确的年贴现率（最多两位小数）');
      } else if (v.per100k) {
        if ((body.per_100k_fen = yuanToFen(v.per100k)) === null) throw invalid('per_100k_fen', '请输入正确的金额（元，最多两位小数）');
      } else throw invalid('rate_bp', '请填写年贴现率或每十万扣息');
      if (!/^\d{1,3}$/.test(v.adjust_days || '0')) throw invalid('adjust_days', '请输入整数天数');
      body.adjust_days = Number(v.adjust_days || 0);
      if ((body.fee_fen = yuanToFen(v.fee || '0')) === null) throw invalid('fee_fen', '请输入正确的金额（元，最多两位小数）');
      if (!/^\d{1,4}$/.test(v.valid_minutes || '')) throw invalid('valid_minutes', '请输入 10–1440 之间的分钟数');
      body.valid_minutes = Number(v.valid_minutes);
      await api.post(path + '/quotes', body, { key });
      await after();
    },
  });
}

/* 签收并登记放款: the amount must be the quote's net; the time defaults to now (Beijing time). */
export function disburseForm(path, o, after) {
  const net = o.quote ? o.quote.net_fen : 0;
  return form({
    fields: [
      field({ name: 'signed_for', label: '已签收该票据', type: 'checkbox' }),
      field({ name: 'amount', field: 'amount_fen', label: '放款金额（元）', required: true, inputmode: 'decimal', value: yuanPlain(net), hint: '须等于报价的实收金额' }),
      field({ name: 'paid_at', label: '放款时间（北京时间，不填为当前时间）', type: 'datetime-local' }),
      field({ name: 'reference', label: '付款流水号', required: true }),
    ],
    submit: '签收并登记放款',
    onSubmit: async (v, key) => {
      if (!v.signed_for) throw invalid('signed_for', '请先签收票据');
      const fen = yuanToFen(v.amount);
      if (fen === null) throw invalid('amount_fen', '请输入正确的金额（元，最多两位小数）');
      if (!v.reference) throw invalid('reference', '请填写付款流水号');
      const body = { signed_for: true, amount_fen: fen, reference: v.reference };
      if (v.paid_at) body.paid_at = (v.paid_at.length === 16 ? v.paid_at + ':00' : v.paid_at) + '+08:00';
      await api.post(path + '/disbursement', body, { key });
      await after();
    },
  });
}

export default {
  title: '商票订单',
  menu: 'inst',
  auth: true,
  async render({ params }) {
    const wrap = h('div', {});
    const base = '/api/v1/institution/bill-orders/' + encodeURIComponent(params.id);
    async function draw() {
      const o = await api.get(base);
      const parts = [h('p', {}, h('a', { href: '#/inst/bills' }, '← 商票询价')), h('h1', {}, '商票订单 ', o.no, ' ', stateTag(o)),
        section('票据信息', billFacts(o)), documents(base, o), quotesSection(o), reviewFacts(o)];
      if (o.state === 'quoting' || o.state === 'confirming')
        parts.push(section((o.quotes || []).length ? '重新报价' : '报价',
          (o.quotes || []).length ? h('p', { class: 'muted' }, '新的报价将取代贵机构之前的报价。') : null, quoteForm(base, draw)));
      if (o.state === 'disbursing') {
        const pa = await api.get(base + '/payee-account');
        parts.push(section('收款账户（完整账号仅在放款时显示）', dl([['户名', pa.account_name], ['开户银行', pa.bank_name], ['开户网点', pa.branch_name],
          ['账号', h('strong', { class: 'account-number' }, pa.account_number)], ['应付金额', yuan(pa.amount_fen) + ' 元']])),
        section('签收并登记放款', h('p', {}, '企业已完成背书：请在电子商业汇票系统签收票据，并向上述账户支付实收金额后登记。'), disburseForm(base, o, draw)));
      } else parts.push(...paymentFacts(o));
      if (o.state === 'reviewing' || o.state === 'endorsing') parts.push(notice('企业已确认贵机构的报价，待平台审核及企业背书后即可放款。'));
      mount(wrap, ...parts);
    }
    await draw();
    return wrap;
  },
};
