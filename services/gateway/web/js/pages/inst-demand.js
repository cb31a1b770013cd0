/* A demand in the institution console: take it, review it with an opinion, record the loan. */
import { h, wanToFen } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { demandFacts } from './me-demand.js';

export default {
  title: '融资需求处理',
  menu: 'inst',
  auth: true,
  async render({ params }) {
    const wrap = h('div', {});
    const base = '/api/v1/institution/financing-demands/' + encodeURIComponent(params.id);
    async function draw() {
      const d = await api.get(base);
      const parts = [h('p', {}, h('a', { href: '#/inst/demands' }, '← 融资需求')), h('h1', {}, '融资需求 ', d.no),
        h('section', { class: 'card' }, demandFacts(d))];
      if (d.status === 'pending') parts.push(h('section', { class: 'card' }, h('h2', {}, '接单'), form({
        fields: [h('p', {}, '接单后由您负责审核该笔需求。')], submit: '接单',
        onSubmit: async () => { await api.post(base + '/taking', {}); await draw(); },
      })));
      if (d.status === 'taken') parts.push(h('section', { class: 'card' }, h('h2', {}, '审核'), form({
        fields: [
          field({ name: 'decision', label: '审核结果', type: 'select', required: true, options: [['', '请选择'], ['approve', '通过'], ['reject', '拒绝']] }),
          field({ name: 'opinion', label: '审核意见', type: 'textarea', required: true, wide: true }),
        ],
        submit: '提交审核结果',
        onSubmit: async v => {
          if (!v.decision) throw invalid('decision', '请选择审核结果');
          await api.post(base + '/review', { decision: v.decision, opinion: v.opinion });
          await draw();
        },
      })));
      if (d.status === 'approved') parts.push(h('section', { class: 'card' }, h('h2', {}, '登记放款'), form({
        fields: [
          field({ name: 'amount', field: 'amount_fen', label: '放款金额（万元）', required: true, inputmode: 'decimal' }),
          field({ name: 'disbursed_on', label: '放款日期', type: 'date', required: true }),
          field({ name: 'loan_contract_no', label: '借款合同编号', required: true }),
        ],
        submit: '登记放款',
        onSubmit: async v => {
          const fen = wanToFen(v.amount);
          if (fen === null) throw invalid('amount_fen', '请输入正确的金额（万元，最多四位小数）');
          await api.post(base + '/disbursement', { amount_fen: fen, disbursed_on: v.disbursed_on, loan_contract_no: v.loan_contract_no });
          await draw();
        },
      })));
      wrap.replaceChildren(...parts);
    }
    await draw();
    return wrap;
  },
};
