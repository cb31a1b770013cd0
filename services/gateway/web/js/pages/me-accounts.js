/* 收款账户: the enterprise's receiving accounts, add one. Micro-deposit verification comes
 * with the enterprise service's routes for it. */
import { h, table, date, tag, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { activeIdentity } from '../session.js';

export default {
  title: '收款账户',
  menu: 'me',
  auth: true,
  async render() {
    const idn = activeIdentity();
    if (!idn || idn.type !== 'enterprise')
      return [h('h1', {}, '收款账户'), notice('收款账户属于企业：请先在右上角切换到企业身份。', 'info')];
    const wrap = h('div', {});
    async function draw() {
      const r = await api.get('/api/v1/enterprise/receiving-accounts', { page_size: 50 });
      wrap.replaceChildren(h('h1', {}, '收款账户'),
        table([
          { title: '户名', cell: a => a.account_name }, { title: '开户银行', cell: a => a.bank_name }, { title: '开户网点', cell: a => a.branch_name },
          { title: '账号', cell: a => a.account_number_masked },
          { title: '状态', cell: a => a.state === 'verified' ? tag('已验证', 'ok') : tag('待验证', 'warn') },
          { title: '添加时间', cell: a => date(a.created_at) },
        ], r.items, '暂无收款账户'),
        h('p', { class: 'muted' }, '小额打款验证将随相关服务上线后开放。'),
        h('section', { class: 'card' }, h('h2', {}, '添加收款账户'), form({
          fields: [field({ name: 'account_name', label: '户名', required: true, value: idn.name }),
            field({ name: 'bank_name', label: '开户银行', required: true }), field({ name: 'branch_name', label: '开户网点' }),
            field({ name: 'account_number', label: '银行账号', required: true, inputmode: 'numeric' })],
          submit: '添加',
          onSubmit: async (v, key) => { await api.post('/api/v1/enterprise/receiving-accounts', v, { key }); await draw(); },
        })));
    }
    await draw();
    return wrap;
  },
};
