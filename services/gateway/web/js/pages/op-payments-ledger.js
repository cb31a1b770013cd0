/* 财务后台 · 总账: every account's debits, credits and balance (sums of the entries, never
 * stored), the ledger's totals, and the entries (newest first) of an account. */
import { h, date, table, pager, yuan, notice, section } from '../ui.js';
import { api } from '../api.js';

export default {
  title: '总账',
  menu: 'op',
  auth: true,
  async render({ query, go }) {
    const account = query.get('account') || '';
    const page = Number(query.get('page') || 1);
    const [b, e] = await Promise.all([api.get('/api/v1/operator/ledger/accounts'),
      api.get('/api/v1/operator/ledger/entries', { account, page, page_size: 20 })]);
    const pick = a => go('/op/payments-ledger?account=' + encodeURIComponent(a));
    return [h('h1', {}, '总账'),
      b.balanced ? notice(`借贷平衡：借方合计 ${yuan(b.total_debit_fen)} 元 = 贷方合计 ${yuan(b.total_credit_fen)} 元，共 ${b.entries || 0} 笔分录。`, 'ok')
        : notice(`借贷不平衡：借方 ${yuan(b.total_debit_fen)} 元，贷方 ${yuan(b.total_credit_fen)} 元，不平衡分录 ${b.unbalanced_entries || 0} 笔。`, 'error'),
      section('科目余额', table([
        { title: '科目', cell: a => h('a', { href: '#/op/payments-ledger?account=' + encodeURIComponent(a.account), onclick: ev => { ev.preventDefault(); pick(a.account); } }, a.account) },
        { title: '借方（元）', cell: a => yuan(a.debit_fen) }, { title: '贷方（元）', cell: a => yuan(a.credit_fen) },
        { title: '余额（借 − 贷，元）', cell: a => yuan(a.balance_fen) }, { title: '笔数', cell: a => String(a.lines || 0) },
      ], b.items, '暂无分录')),
      section(account ? '分录 · ' + account : '分录',
        table([{ title: '#', cell: x => String(x.id) }, { title: '类型', cell: x => x.kind }, { title: '业务', cell: x => x.ref },
          { title: '分录行', cell: x => h('ul', { class: 'plain' }, (x.lines || []).map(l => h('li', {},
            (l.debit_fen ? '借 ' : '贷 ') + l.account + ' ' + yuan(l.debit_fen || l.credit_fen)))) },
          { title: '时间', cell: x => date(x.created_at) }], e.items, '暂无分录'),
        pager(e.total, page, 20, n => go('/op/payments-ledger?' + (account ? 'account=' + encodeURIComponent(account) + '&' : '') + 'page=' + n)))];
  },
};
