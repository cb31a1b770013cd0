/* 个人中心 · 对公转账: the payer's view of an intent paid by bank transfer (manual 004): the
 * amount due, the platform's receiving account and the reference code to write in the
 * transfer note, and the remittance slips (汇款凭证; several, now or later). Owners' order
 * pages link here: #/me/payments/<intent id>/transfer. */
import { h, mount, date, table, yuan, section, dl, notice, size, tag } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';

function slipForm(base, after) {
  return form({
    fields: [field({ name: 'slip', label: '汇款凭证（JPG、PNG、BMP 或 PDF，不超过 5 MB）', type: 'file', required: true,
      accept: 'image/jpeg,image/png,image/bmp,application/pdf' })],
    submit: '上传凭证',
    onSubmit: async (v, key) => {
      if (!v.slip) throw invalid('slip', '请选择文件');
      const fd = new FormData();
      fd.append('slip', v.slip, v.slip.name);
      await api.upload(base + '/slips', fd, { key });
      await after('凭证已上传，财务核对到账后订单将变为已支付。');
    },
  });
}

export default {
  title: '对公转账',
  menu: 'me',
  auth: true,
  async render({ params }) {
    const wrap = h('div', {});
    const base = '/api/v1/payments/intents/' + encodeURIComponent(params.id);
    async function draw(done) {
      const o = await api.get(base);
      const t = o.transfer || {};
      const open = o.state === 'open';
      mount(wrap, h('h1', {}, '对公转账 ', tag(o.state_label || o.state, open ? 'warn' : 'ok')),
        done ? notice(done, 'ok') : null,
        section('应付金额', dl([['支付单号', o.no], ['用途', o.purpose], ['应付（元）', yuan(o.amount_fen)],
          ['已收（元）', yuan(o.received_fen)], ['待付（元）', yuan(o.due_fen)],
          o.excess_fen ? ['多付待退（元）', yuan(o.excess_fen)] : null])),
        open ? section('收款账户',
          h('p', {}, '请通过企业对公账户向以下账户转账，并在转账附言（用途）中填写转账识别码，以便财务核对。'),
          dl([['户名', t.account_name], ['开户行', t.bank_name], ['账号', t.account_no],
            ['转账识别码', h('strong', { class: 'code' }, t.reference_code)], ['转账金额（元）', yuan(o.due_fen)]])) : null,
        section('汇款凭证',
          table([{ title: '文件', cell: s => s.file.name }, { title: '大小', cell: s => size(s.file.size) },
            { title: '上传时间', cell: s => date(s.uploaded_at) }], o.slips, '尚未上传汇款凭证，可现在上传或转账后再上传。'),
          o.state === 'open' || o.state === 'paid' ? slipForm(base, draw) : null));
    }
    await draw(null);
    return wrap;
  },
};
