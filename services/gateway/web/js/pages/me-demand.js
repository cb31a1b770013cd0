/* A demand as the enterprise sees it: terms, 接单状态 / 审核状态, the opinion, the loan. */
import { h, dl, wan, date, pct, notice, rateRange } from '../ui.js';
import { api } from '../api.js';
import { form } from '../forms.js';
import { statusTags } from './me-demands.js';

export function demandFacts(d) {
  const t = d.terms || {};
  return dl([
    ['需求编号', d.no], ['企业', d.enterprise_name], ['产品', d.product_name], ['金融机构', d.institution_name],
    ['办理网点', d.branch_name], ['申请金额', wan(d.amount_fen) + ' 万元'], ['申请期限', `${d.term} ${d.term_unit}`],
    ['期望年利率', d.expected_rate_bp ? pct(d.expected_rate_bp) : ''],
    ['产品利率', t.rate_min_bp !== undefined ? rateRange(t.rate_min_bp, t.rate_max_bp) : ''],
    ['资金用途', d.purpose], ['状态', statusTags(d)], ['接单状态', d.take_status], ['审核状态', d.review_status],
    ['审核意见', d.review_opinion], ['申请时间', date(d.created_at)], ['接单时间', date(d.taken_at)], ['审核时间', date(d.reviewed_at)],
    d.status === 'disbursed' ? ['放款金额', wan(d.disbursed_amount_fen) + ' 万元'] : null,
    d.status === 'disbursed' ? ['放款日期', d.disbursed_on] : null,
    d.status === 'disbursed' ? ['借款合同编号', d.loan_contract_no] : null,
  ]);
}

export default {
  title: '融资需求详情',
  menu: 'me',
  auth: true,
  async render({ params, query, go }) {
    const d = await api.get('/api/v1/enterprise/financing-demands/' + encodeURIComponent(params.id));
    return [h('p', {}, h('a', { href: '#/me/demands' }, '← 融资需求管理')),
      h('h1', {}, '融资需求 ', d.no),
      query.get('created') ? notice('申请已提交，等待金融机构接单。', 'ok') : null,
      h('section', { class: 'card' }, demandFacts(d)),
      d.status === 'pending' ? h('section', { class: 'card' }, form({
        fields: [h('p', {}, '尚未接单的需求可以撤回。')],
        submit: '撤回申请',
        onSubmit: async () => { await api.post(`/api/v1/enterprise/financing-demands/${encodeURIComponent(d.id)}/withdrawal`, {}); go('/me/demands/' + encodeURIComponent(d.id)); },
      })) : null];
  },
};
