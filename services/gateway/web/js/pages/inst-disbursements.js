/* 放款记录: the institution's disbursed demands. */
import { h, wan, date, table, pager } from '../ui.js';
import { api } from '../api.js';

export default {
  title: '放款记录',
  menu: 'inst',
  auth: true,
  async render({ query, go }) {
    const page = Number(query.get('page') || 1);
    const r = await api.get('/api/v1/institution/financing-demands', { status: 'disbursed', page, page_size: 20 });
    return [h('h1', {}, '放款记录'),
      table([
        { title: '需求编号', cell: d => h('a', { href: '#/inst/demands/' + encodeURIComponent(d.id) }, d.no) },
        { title: '企业', cell: d => d.enterprise_name },
        { title: '产品', cell: d => d.product_name },
        { title: '放款金额（万元）', cell: d => wan(d.disbursed_amount_fen) },
        { title: '放款日期', cell: d => d.disbursed_on },
        { title: '借款合同编号', cell: d => d.loan_contract_no },
        { title: '登记时间', cell: d => date(d.disbursed_at) },
      ], r.items, '暂无放款记录'),
      pager(r.total, page, 20, n => go('/inst/disbursements?page=' + n))];
  },
};
