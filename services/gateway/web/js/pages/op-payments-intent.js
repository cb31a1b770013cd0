/* 财务后台 · 支付单详情: the amounts, the transfer details and slips, the receipts and refunds;
 * finance confirms a transfer's arrival (amount, bank transaction number, date) and refunds
 * (at most what was received and not yet refunded). */
import { h, mount, date, table, yuan, yuanToFen, section, dl, notice, size } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { hasRole } from '../session.js';
import { METHODS, payStateTag } from './op-payments.js';

function today() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

function receiptForm(base, o, after) {
  return form({
    fields: [
      field({ name: 'amount', field: 'amount_fen', label: '到账金额（元）', required: true, inputmode: 'decimal', hint: `待付 ${yuan(o.due_fen)} 元；少付则仍为待支付并显示差额，多付的部分记为可退款` }),
      field({ name: 'bank_txn_no', label: '银行流水号', required: true, maxlength: 64 }),
      field({ name: 'received_on', label: '到账日期', type: 'date', required: true, value: today() }),
    ],
    submit: '确认到账',
    onSubmit: async (v, key) => {
      const fen = yuanToFen(v.amount);
      if (!fen) throw invalid('amount_fen', '请填写大于 0 的金额（最多两位小数）');
      await api.post(base + '/receipts', { amount_fen: fen, bank_txn_no: v.bank_txn_no.trim(), received_on: v.received_on }, { key });
      await after('已登记到账。');
    },
  });
}

function refundForm(base, o, after) {
  return form({
    fields: [
      field({ name: 'amount', field: 'amount_fen', label: '退款金额（元）', required: true, inputmode: 'decimal', hint: `可退 ${yuan(o.refundable_fen)} 元` + (o.excess_fen ? `，其中多付 ${yuan(o.excess_fen)} 元` : '') }),
      field({ name: 'reason', label: '退款原因', required: true, maxlength: 200, wide: true }),
      field({ name: 'bank_txn_no', label: '退款银行流水号（银行转账退款时填写）', maxlength: 64 }),
    ],
    submit: '退款',
    onSubmit: async (v, key) => {
      const fen = yuanToFen(v.amount);
      if (!fen) throw invalid('amount_fen', '请填写大于 0 的金额（最多两位小数）');
      if (!v.reason.trim()) throw invalid('reason', '请填写退款原因');
      const body = { amount_fen: fen, reason: v.reason.trim() };
      if (v.bank_txn_no.trim()) body.bank_txn_no = v.bank_txn_no.trim();
      await api.post(base + '/refunds', body, { key });
      await after('已退款。');
    },
  });
}

export default {
  title: '支付单详情',
  menu: 'op',
  auth: true,
  async render({ params }) {
    const wrap = h('div', {});
    const base = '/api/v1/operator/payments/intents/' + encodeURIComponent(params.id);
    async function draw(done) {
      const o = await api.get(base);
      const t = o.transfer || {};
      const finance = hasRole('finance');
      const parts = [h('p', {}, h('a', { href: '#/op/payments' }, '← 支付单')),
        h('h1', {}, '支付单 ', o.no, ' ', payStateTag(o)),
        done ? notice(done, 'ok') : null,
        section('金额', dl([['用途', o.purpose], ['业务', `${o.owner} · ${o.reference}`], ['应付（元）', yuan(o.amount_fen)],
          ['已收（元）', yuan(o.received_fen)], ['待付（元）', yuan(o.due_fen)], ['多付可退（元）', yuan(o.excess_fen)],
          ['已退（元）', yuan(o.refunded_fen)], ['支付方式', (o.methods || []).map(m => METHODS[m] || m).join('、')],
          ['实际支付方式', METHODS[o.method] || o.method], ['创建时间', date(o.created_at)], ['支付时间', date(o.paid_at)]])),
        section('对公转账', dl([['收款户名', t.account_name], ['开户行', t.bank_name], ['账号', t.account_no], ['转账识别码', t.reference_code]]),
          h('h3', {}, '汇款凭证'),
          table([{ title: '文件', cell: s => h('a', { href: '/api/v1/operator/payments/slips/' + encodeURIComponent(s.id), target: '_blank', rel: 'noopener' }, s.file.name) },
            { title: '大小', cell: s => size(s.file.size) }, { title: '上传时间', cell: s => date(s.uploaded_at) }], o.slips, '付款人尚未上传汇款凭证')),
        section('到账记录', table([{ title: '方式', cell: x => METHODS[x.method] || x.method }, { title: '流水号', cell: x => x.external_id },
          { title: '金额（元）', cell: x => yuan(x.amount_fen) }, { title: '其中多付（元）', cell: x => yuan(x.excess_fen) },
          { title: '到账日期', cell: x => x.received_on }, { title: '登记时间', cell: x => date(x.created_at) }], o.receipts, '暂无到账')),
        section('退款记录', table([{ title: '方式', cell: x => METHODS[x.method] || x.method }, { title: '退款单号', cell: x => x.external_refund_id },
          { title: '金额（元）', cell: x => yuan(x.amount_fen) }, { title: '原因', cell: x => x.reason }, { title: '时间', cell: x => date(x.created_at) }], o.refunds, '暂无退款'))];
      if (finance && (o.methods || []).includes('bank_transfer') && o.state !== 'refunded')
        parts.push(section('登记到账', receiptForm(base, o, draw)));
      if (finance && o.refundable_fen > 0) parts.push(section('退款', refundForm(base, o, draw)));
      mount(wrap, ...parts);
    }
    await draw(null);
    return wrap;
  },
};
