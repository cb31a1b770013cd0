/* 财务后台 · 对账差异: what the daily reconciliation (or a run started here) found between
 * each provider's statement and the ledger — a trade the provider has and the platform does
 * not, the reverse, or another amount or fee. A run records; it corrects nothing. */
import { h, date, table, pager, yuan, notice, section } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { METHODS } from './op-payments.js';

function today() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

const RUN_STATES = { matched: '一致', differences: '有差异', failed: '失败' };

function runForm(go) {
  const result = h('div');
  const el = form({
    fields: [field({ name: 'bill_date', label: '对账日期', type: 'date', required: true, value: today() })],
    submit: '立即对账',
    onSubmit: async (v, key) => {
      const r = await api.post('/api/v1/operator/payments/reconciliation/runs', { bill_date: v.bill_date }, { key });
      result.replaceChildren(table([
        { title: '渠道', cell: x => METHODS[x.method] || x.method },
        { title: '结果', cell: x => RUN_STATES[x.state] || x.state },
        { title: '对账单笔数', cell: x => String(x.statement_rows || 0) },
        { title: '平台笔数', cell: x => String(x.ledger_rows || 0) },
        { title: '差异', cell: x => String(x.differences || 0) },
        { title: '说明', cell: x => x.error || '' },
      ], r.items || [], '没有已配置的在线支付渠道'),
      h('p', {}, h('button', { type: 'button', class: 'btn btn-secondary',
        onclick: () => go('/op/payments-recon?bill_date=' + encodeURIComponent(v.bill_date)) }, '查看 ' + v.bill_date + ' 的差异')));
    },
  });
  return [el, result];
}

export default {
  title: '对账差异',
  menu: 'op',
  auth: true,
  async render({ query, go }) {
    const billDate = query.get('bill_date') || '';
    const page = Number(query.get('page') || 1);
    const d = await api.get('/api/v1/operator/payments/reconciliation', { bill_date: billDate, page, page_size: 20 });
    const link = n => '/op/payments-recon?' + (billDate ? 'bill_date=' + encodeURIComponent(billDate) + '&' : '') + 'page=' + n;
    return [h('h1', {}, '对账差异'),
      notice('每日凌晨自动核对前一日各支付渠道的对账单与总账；也可指定日期立即对账。差异只记录，不自动调账。', 'info'),
      section('立即对账', ...runForm(go)),
      section(billDate ? '差异 · ' + billDate : '差异（全部日期）', table([
        { title: '日期', cell: x => x.bill_date },
        { title: '渠道', cell: x => METHODS[x.method] || x.method },
        { title: '差异', cell: x => x.kind_label || x.kind },
        { title: '商户订单号', cell: x => x.out_trade_no || '' },
        { title: '渠道交易号', cell: x => x.external_id || '' },
        { title: '对账单（元）', cell: x => x.statement_fen === undefined ? '—' : yuan(x.statement_fen) },
        { title: '总账（元）', cell: x => x.ledger_fen === undefined ? '—' : yuan(x.ledger_fen) },
        { title: '发现时间', cell: x => date(x.created_at) },
      ], d.items, '没有差异'), pager(d.total, page, 20, n => go(link(n))))];
  },
};
