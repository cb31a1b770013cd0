/* A bill order as the enterprise sees it (manual 000): the bill, every component of each
 * quote, and the next step by state — 确认交易, 关闭订单, replacing documents after a
 * rejection, 完成背书 — then the disbursement. Exports what the consoles show alike. */
import { h, mount, dl, wan, yuan, pct, date, due, tag, notice, size, countdown, section } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';

export const STATES = [
  { key: '', label: '全部' }, { key: 'quoting', label: '待报价' }, { key: 'confirming', label: '待确认' },
  { key: 'reviewing', label: '待审核' }, { key: 'endorsing', label: '待背书' }, { key: 'disbursing', label: '放款中' },
  { key: 'completed', label: '已完成' }, { key: 'closed', label: '已关闭' },
];

export function stateTag(o) {
  const kind = { completed: 'ok', closed: '', quoting: 'warn', confirming: 'warn' }[o.state] ?? 'warn';
  const rejected = o.state === 'reviewing' && o.review_status === 'rejected';
  return h('span', {}, tag(o.state_name || o.state, kind), rejected ? [' ', tag('已驳回', 'bad')] : null);
}

const money = fen => `${wan(fen)} 万元（${yuan(fen)} 元）`;

/* A file of the order: a link (and the image itself for pictures). base: the order's API path. */
export function fileLink(base, f, label) {
  if (!f || !f.id) return null;
  const url = `${base}/files/${encodeURIComponent(f.id)}`;
  const img = (f.content_type || '').startsWith('image/');
  return h('figure', { class: 'doc' },
    img ? h('a', { href: url, target: '_blank', rel: 'noopener' }, h('img', { src: url, alt: label })) : null,
    h('figcaption', {}, label, '：', h('a', { href: url, target: '_blank', rel: 'noopener' }, f.name), ` （${f.content_type}，${size(f.size)}）`));
}

export function billFacts(o) {
  const a = o.acceptor || {};
  return dl([
    ['订单编号', o.no], ['状态', stateTag(o)], ['企业', o.enterprise_name], ['询价资金方', o.funder_name],
    ['票据包号', o.bill_package_no], ['承兑人', a.name], ['承兑人类型', a.type === 'bank' ? '银行' : '企业'],
    a.uscc ? ['承兑人统一社会信用代码', a.uscc] : null,
    ['票面金额', money(o.face_fen)], ['出票日期', o.issue_date], ['到期日期', due(o.due_date, o.days_to_due)],
    ['出票人', o.drawer], ['收款人', o.payee], ['子票区间', o.sub_range], ['申请时间', date(o.created_at)],
    o.close_reason ? ['关闭原因', `${o.close_reason}（${o.closed_by === 'operator' ? '平台关闭' : '企业关闭'}，${date(o.closed_at)}）`] : null,
  ]);
}

/* Every component of a quote, as given and as computed by the API. */
export function quoteFacts(q) {
  const provisional = q.calendar === 'provisional';
  const moved = q.effective_due_date && q.effective_due_date !== q.due_date;
  return h('div', { class: 'quote' + (q.state === 'confirmed' ? ' confirmed' : ''), dataset: { quote: q.id } },
    h('h3', {}, q.quoter_name || '平台', ' ',
      q.state === 'confirmed' ? tag('已确认', 'ok') : q.expired ? tag('已过期', 'bad') : q.requote_required ? tag('需重新报价', 'bad') : tag('有效', 'ok'),
      provisional ? [' ', tag('临时日历', 'warn')] : null),
    dl([
      ['年贴现率', pct(q.rate_bp) + '/年' + (q.rate_form === 'rate_bp' ? '（报价方式）' : '（折算）')],
      ['每十万扣息', yuan(q.per_100k_fen) + ' 元' + (q.rate_form === 'per_100k_fen' ? '（报价方式）' : '（折算）')],
      ['贴现日', q.discount_date],
      ['到期日', moved ? `${q.due_date}，遇节假日顺延至 ${q.effective_due_date}` : q.due_date],
      ['调整天数', `${q.adjust_days || 0} 天`],
      ['计息天数', `${q.days} 天（至 ${q.effective_due_date || q.due_date}${q.adjust_days ? `，含调整 ${q.adjust_days} 天` : ''}）`],
      ['贴现利息', money(q.interest_fen)], ['手续费', money(q.fee_fen || 0)], ['实收金额', money(q.net_fen)],
      ['节假日日历', provisional ? '临时日历' : '官方节假日安排'],
      ['报价有效期至', q.state === 'confirmed' ? date(q.valid_until) : h('span', {}, date(q.valid_until), ' ', q.expired ? tag('已过期', 'bad') : countdown(q.valid_until))],
      ['报价时间', date(q.created_at)],
    ]),
    provisional ? h('p', { class: 'hint' }, '临时日历：到期年份的节假日安排国务院尚未公布，计息天数暂按周末和法定节假日推算（不含调休）；正式安排公布后如天数变化，需资金方重新报价。') : null,
    q.requote_required ? notice('节假日安排已更新，本报价的到期日或计息天数发生变化，须由报价方重新报价后才能确认。', 'error') : null);
}

export function quotesSection(o) {
  const qs = o.quote ? [o.quote] : (o.quotes || []);
  if (!qs.length) return null;
  return section(o.quote ? '成交报价' : '报价', qs.map(quoteFacts));
}

export function reviewFacts(o) {
  if (!o.review_status && !o.endorsee_name) return null;
  return section('审核与背书', dl([
    ['审核状态', { pending: '待审核', rejected: '已驳回', approved: '已通过' }[o.review_status] || o.review_status],
    o.review_reason ? ['驳回原因', o.review_reason] : null, ['审核时间', date(o.reviewed_at)],
    o.endorsee_name ? ['被背书人', o.endorsee_name] : null, o.endorsee_account ? ['被背书人账号', o.endorsee_account] : null,
    o.endorsee_bank ? ['被背书人开户行', o.endorsee_bank] : null, o.endorsed_at ? ['完成背书时间', date(o.endorsed_at)] : null,
  ]));
}

export function paymentFacts(o) {
  const ra = o.receiving_account;
  return [ra ? section('收款账户', dl([['户名', ra.account_name], ['开户银行', ra.bank_name], ['开户网点', ra.branch_name], ['账号', ra.account_number_masked]])) : null,
    o.state === 'completed' ? section('放款记录', dl([['签收时间', date(o.signed_at)], ['放款金额', money(o.paid_fen)], ['放款时间', date(o.paid_at)],
      ['付款流水号', o.payment_reference], ['完成时间', date(o.completed_at)]])) : null];
}

export function documents(base, o) {
  const docs = [fileLink(base, o.front, '票面正面图'), fileLink(base, o.contract, '贸易合同'), fileLink(base, o.invoice, '发票')].filter(Boolean);
  return docs.length ? section('票据与材料', h('div', { class: 'docs' }, docs)) : null;
}

export function closeForm(path, after) {
  return form({
    fields: [field({ name: 'reason', label: '关闭原因', type: 'textarea', required: true, wide: true, maxlength: 200 })],
    submit: '关闭订单',
    onSubmit: async v => {
      if (!v.reason) throw invalid('reason', '请填写关闭原因');
      await api.post(path + '/closure', { reason: v.reason });
      await after();
    },
  });
}

function fileField(name, label) {
  const f = field({ name, label, type: 'file', required: true, accept: 'image/png,image/jpeg,image/bmp,application/pdf', hint: 'PDF 或图片，不超过 5 MB' });
  const input = f.querySelector('input');
  const info = h('div', { class: 'file-info' });
  input.addEventListener('change', () => {
    const file = input.files[0];
    info.textContent = file ? `${file.name} · ${file.type || '未知类型'} · ${size(file.size)}` : '';
  });
  f.querySelector('.control').append(info);
  return f;
}

function usable(q) { return q.state === 'open' && !q.expired && !q.requote_required; }

async function confirmSection(base, o, after) {
  const accounts = ((await api.get('/api/v1/enterprise/receiving-accounts', { page_size: 50 })).items || []).filter(a => a.state === 'verified');
  const quotes = (o.quotes || []).filter(usable);
  if (!quotes.length) return section('确认交易', notice('当前没有可确认的报价（已过期或需重新报价），请等待资金方报价。'));
  if (!accounts.length)
    return section('确认交易', notice('确认交易需要一个已通过小额打款验证的收款账户。'),
      h('p', {}, h('a', { class: 'btn btn-secondary', href: '#/me/accounts' }, '去添加并验证收款账户')));
  return section('确认交易', form({
    fields: [
      field({ name: 'quote_id', label: '选择报价', type: 'select', required: true,
        options: quotes.map(q => [q.id, `${q.quoter_name || '平台'} · ${pct(q.rate_bp)}/年 · 实收 ${wan(q.net_fen)} 万元`]) }),
      field({ name: 'receiving_account_id', label: '收款账户', type: 'select', required: true,
        options: accounts.map(a => [a.id, `${a.bank_name} ${a.account_number_masked}（${a.account_name}）`]) }),
      fileField('contract', '贸易合同'),
      fileField('invoice', '发票'),
    ],
    submit: '确认交易',
    onSubmit: async (v, key) => {
      if (!v.contract) throw invalid('contract', '请选择贸易合同');
      if (!v.invoice) throw invalid('invoice', '请选择发票');
      const fd = new FormData();
      fd.append('quote_id', v.quote_id);
      fd.append('receiving_account_id', v.receiving_account_id);
      fd.append('contract', v.contract, v.contract.name);
      fd.append('invoice', v.invoice, v.invoice.name);
      await api.upload(base + '/confirmation', fd, { key });
      await after();
    },
  }));
}

function replaceSection(base, o, after) {
  return section('重新上传材料',
    notice('审核未通过：' + (o.review_reason || ''), 'error'),
    form({
      fields: [fileField('contract', '贸易合同'), fileField('invoice', '发票')],
      submit: '重新提交审核',
      onSubmit: async v => {
        if (!v.contract) throw invalid('contract', '请选择贸易合同');
        if (!v.invoice) throw invalid('invoice', '请选择发票');
        const fd = new FormData();
        fd.append('contract', v.contract, v.contract.name);
        fd.append('invoice', v.invoice, v.invoice.name);
        await api.upload(base + '/documents', fd);
        await after();
      },
    }));
}

function endorseSection(base, o, after) {
  return section('完成背书',
    h('p', {}, '请登录贵企业的网上银行（电子商业汇票系统），将该票据背书转让给以下被背书人，完成后点击“完成背书”。'),
    dl([['被背书人', o.endorsee_name], ['被背书人账号', o.endorsee_account], ['被背书人开户行', o.endorsee_bank], ['票据包号', o.bill_package_no]]),
    form({ fields: [], submit: '完成背书', onSubmit: async () => { await api.post(base + '/endorsement', {}); await after(); } }));
}

export default {
  title: '融资订单详情',
  menu: 'me',
  auth: true,
  async render({ params, query }) {
    const wrap = h('div', {});
    const base = '/api/v1/enterprise/bill-orders/' + encodeURIComponent(params.id);
    let first = true;
    async function draw() {
      const o = await api.get(base);
      const parts = [h('p', {}, h('a', { href: '#/me/bills/orders' }, '← 融资订单')),
        h('h1', {}, '融资订单 ', o.no, ' ', stateTag(o)),
        first && query.get('created') ? notice('询价已提交，等待资金方报价。', 'ok') : null,
        section('票据信息', billFacts(o)), quotesSection(o), reviewFacts(o), ...paymentFacts(o), documents(base, o)];
      first = false;
      if (o.state === 'quoting') parts.push(section('下一步', h('p', {}, '等待资金方报价；报价后将通过站内消息通知您。')));
      if (o.state === 'confirming') parts.push(await confirmSection(base, o, draw));
      if (o.state === 'reviewing' && o.review_status === 'rejected') parts.push(replaceSection(base, o, draw));
      else if (o.state === 'reviewing') parts.push(section('下一步', h('p', {}, '材料已提交，等待平台审核。')));
      if (o.state === 'endorsing') parts.push(endorseSection(base, o, draw));
      if (o.state === 'disbursing') parts.push(section('下一步', h('p', {}, '已完成背书，等待资金方签收并放款到您的收款账户。')));
      if (['quoting', 'confirming', 'reviewing', 'endorsing'].includes(o.state)) parts.push(section('关闭订单', closeForm(base, draw)));
      mount(wrap, ...parts);
    }
    await draw();
    return wrap;
  },
};
