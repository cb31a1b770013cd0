/* 收款账户: the enterprise's receiving accounts; add one, prove it by micro-deposit (小额打款验证:
 * the platform pays 1-99 fen, the enterprise reads it on its statement and enters it), edit or
 * delete an unverified one. Only the admin acts; members see. */
import { h, mount, date, tag, notice, dl, yuanToFen } from '../ui.js';
import { api, newKey } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { activeIdentity } from '../session.js';

const DEPOSIT = {
  sending: ['打款发起中', 'warn'], processing: ['银行处理中', 'warn'], sent: ['已打款，待输入金额', 'warn'],
  failed: ['打款失败', 'bad'], verified: ['验证通过', 'ok'], spent: ['输错次数已用完', 'bad'],
  expired: ['已过期（超过 48 小时）', 'bad'], cancelled: ['已取消', ''],
};
/* A deposit in one of these may be followed by a new one. */
const RESTARTABLE = ['failed', 'spent', 'expired', 'cancelled'];

function accountFields(a, idn) {
  return [field({ name: 'account_name', label: '户名', required: true, value: a ? a.account_name : idn.name, readonly: true, hint: '须与企业认证名称一致' }),
    field({ name: 'bank_name', label: '开户银行', required: true, value: a ? a.bank_name : '' }),
    field({ name: 'branch_name', label: '开户网点', value: a ? a.branch_name : '' }),
    field({ name: 'account_number', label: '银行账号', required: true, inputmode: 'numeric', hint: a ? '请重新输入完整账号' : '' })];
}

function depositFacts(d) {
  if (!d) return null;
  const [label, kind] = DEPOSIT[d.state] || [d.state, ''];
  return dl([
    ['小额打款', tag(label, kind)],
    d.state === 'failed' ? ['失败原因', d.failure_reason || '银行未说明原因'] : null,
    ['发起时间', date(d.created_at)],
    d.sent_at ? ['到账时间', date(d.sent_at)] : null,
    d.state === 'sent' ? ['有效期至', date(d.expires_at)] : null,
    d.state === 'sent' ? ['剩余次数', `${d.attempts_left} 次`] : null,
  ]);
}

export default {
  title: '收款账户',
  menu: 'me',
  auth: true,
  async render() {
    const idn = activeIdentity();
    if (!idn || idn.type !== 'enterprise')
      return [h('h1', {}, '收款账户'), notice('收款账户属于企业：请先在右上角切换到企业身份。', 'info')];
    const admin = idn.role === 'admin';
    const wrap = h('div', {});
    let editing = '';
    let deleting = '';

    function actions(a) {
      const d = a.micro_deposit;
      if (!admin) return a.state === 'verified' ? null : h('p', { class: 'muted' }, '小额打款验证由企业管理员操作。');
      if (a.state === 'verified') return null;
      const out = [];
      if (!d || RESTARTABLE.includes(d.state)) {
        let key = newKey();
        out.push(form({
          fields: [h('p', {}, '平台将向该账户打入一笔 0.01–0.99 元的随机金额，请在 48 小时内查看银行流水并输入到账金额（最多输错 3 次）。')],
          submit: d ? '重新发起小额打款验证' : '发起小额打款验证',
          onSubmit: async () => { await api.post(`/api/v1/enterprise/receiving-accounts/${encodeURIComponent(a.id)}/micro-deposits`, {}, { key }); key = newKey(); await draw(); },
        }));
      } else if (d.state === 'sending' || d.state === 'processing') {
        out.push(h('p', {}, '银行正在处理打款，到账后即可输入金额。 ',
          h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => draw() }, '刷新状态')));
      } else if (d.state === 'sent') {
        out.push(form({
          fields: [field({ name: 'amount', field: 'amount_fen', label: '输入到账金额（元）', required: true, inputmode: 'decimal', placeholder: '0.00',
            hint: `请查看该账户的银行流水（摘要“平台收款账户验证”），剩余 ${d.attempts_left} 次机会` })],
          submit: '验证',
          onSubmit: async v => {
            const fen = yuanToFen(v.amount);
            if (fen === null || fen < 1 || fen > 99) throw invalid('amount_fen', '请输入 0.01–0.99 元之间的金额，最多两位小数');
            try {
              await api.post(`/api/v1/enterprise/receiving-accounts/${encodeURIComponent(a.id)}/verify`, { amount_fen: fen });
            } catch (e) {
              /* A wrong amount uses a try: redraw so the tries left are current, then show why. */
              if (e.status === 400 || e.status === 409) {
                await draw();
                const f = wrap.querySelector(`[data-account="${CSS.escape(a.id)}"] form`);
                const box = f && f.querySelector('.form-error');
                if (f && e.field === 'amount_fen' && f.querySelector('[data-field=amount_fen]')) {
                  const inp = f.querySelector('[data-field=amount_fen]');
                  inp.setAttribute('aria-invalid', 'true');
                  inp.closest('.field').querySelector('.field-error').textContent = e.message;
                } else if (box) box.textContent = e.message;
                else wrap.querySelector(`[data-account="${CSS.escape(a.id)}"]`).append(notice(e.message, 'error'));
                return;
              }
              throw e;
            }
            await draw();
          },
        }));
      }
      if (editing === a.id) {
        out.push(form({
          fields: accountFields(a, idn), submit: '保存修改',
          secondary: h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { editing = ''; draw(); } }, '取消'),
          onSubmit: async v => { await api.put('/api/v1/enterprise/receiving-accounts/' + encodeURIComponent(a.id), v); editing = ''; await draw(); },
        }));
      } else if (deleting === a.id) {
        out.push(form({
          fields: [h('p', {}, '确定删除该收款账户？进行中的小额打款将被取消。')], submit: '确认删除',
          secondary: h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { deleting = ''; draw(); } }, '取消'),
          onSubmit: async () => { await api.del('/api/v1/enterprise/receiving-accounts/' + encodeURIComponent(a.id)); deleting = ''; await draw(); },
        }));
      } else {
        out.push(h('p', { class: 'actions' },
          h('button', { type: 'button', class: 'btn-link', onclick: () => { editing = a.id; deleting = ''; draw(); } }, '修改'), ' ',
          h('button', { type: 'button', class: 'btn-link', onclick: () => { deleting = a.id; editing = ''; draw(); } }, '删除')));
      }
      return out;
    }

    function card(a) {
      return h('section', { class: 'card account', dataset: { account: a.id } },
        h('h2', {}, a.bank_name, ' ', a.account_number_masked, ' ',
          a.state === 'verified' ? tag('已验证', 'ok') : tag('待验证', 'warn')),
        dl([['户名', a.account_name], ['开户银行', a.bank_name], ['开户网点', a.branch_name], ['账号', a.account_number_masked],
          ['添加时间', date(a.created_at)], a.verified_at ? ['验证时间', date(a.verified_at)] : null]),
        a.state === 'verified' ? null : depositFacts(a.micro_deposit),
        actions(a));
    }

    async function draw() {
      const r = await api.get('/api/v1/enterprise/receiving-accounts', { page_size: 50 });
      const items = r.items || [];
      mount(wrap, h('h1', {}, '收款账户'),
        h('p', { class: 'muted' }, '商票融资放款只打入已通过小额打款验证、户名与企业认证名称一致的账户。'),
        items.length ? items.map(card) : h('p', { class: 'empty' }, '暂无收款账户'),
        admin ? h('section', { class: 'card' }, h('h2', {}, '添加收款账户'), form({
          fields: accountFields(null, idn),
          submit: '添加',
          onSubmit: async (v, key) => { await api.post('/api/v1/enterprise/receiving-accounts', v, { key }); await draw(); },
        })) : null);
    }
    await draw();
    return wrap;
  },
};
