/* 合同详情: the signers and their states (whose turn it is), the document page by page
 * (PNG previews rendered by the service), downloads of the current and the original
 * document, the signing trail (签署轨迹), and for its initiator voiding it while signing. */
import { h, dl, section, table, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { download } from './cert-common.js';
import { contractStateTag, signerStateTag, orderLabel, when, contractPath, apiPath } from './contract-common.js';

function preview(c) {
  let n = 1;
  const img = h('img', { class: 'contract-page', alt: '', loading: 'lazy' });
  const label = h('span', { class: 'page-no', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn btn-secondary' }, '上一页');
  const next = h('button', { type: 'button', class: 'btn btn-secondary' }, '下一页');
  const show = () => {
    img.src = apiPath(c.id) + '/pages/' + n + '?version=' + (c.doc_version || 0);
    img.alt = `${c.title} 第 ${n} 页`;
    label.textContent = ` 第 ${n} / ${c.pages} 页 `;
    prev.disabled = n <= 1;
    next.disabled = n >= c.pages;
  };
  prev.addEventListener('click', () => { if (n > 1) { n--; show(); } });
  next.addEventListener('click', () => { if (n < c.pages) { n++; show(); } });
  img.addEventListener('error', () => { label.textContent = ` 第 ${n} 页无法预览，请下载文档查看 `; });
  show();
  return section('文件预览', h('div', { class: 'pager' }, prev, label, next), h('div', { class: 'page-frame' }, img));
}

function downloads(c) {
  const err = h('span', { class: 'download-error', role: 'alert' });
  const btn = (text, path, name) => {
    const b = h('button', { type: 'button', class: 'btn btn-secondary' }, text);
    b.addEventListener('click', async () => {
      err.textContent = '';
      try { await download(path, name); } catch (e) { err.textContent = e.message; }
    });
    return b;
  };
  return h('p', { class: 'toolbar' },
    btn(c.doc_version ? '下载已签署文档' : '下载合同文档', apiPath(c.id) + '/document', c.number + '.pdf'),
    c.doc_version ? btn('下载原始文档', apiPath(c.id) + '/document?version=0', c.number + '-original.pdf') : null,
    err);
}

function voidForm(c, go) {
  return section('作废合同', form({
    fields: [field({ name: 'reason', label: '作废原因', type: 'textarea', required: true, maxlength: 200 })],
    submit: '作废',
    onSubmit: async v => {
      await api.post(apiPath(c.id) + '/void', { reason: v.reason });
      go(contractPath(c.id) + '?voided=1');
    },
  }));
}

export default {
  title: '合同详情',
  menu: 'me',
  auth: true,
  async render({ params, query, go }) {
    const c = await api.get(apiPath(params.id));
    const trail = await api.get(apiPath(params.id) + '/trail');
    const out = [h('p', {}, h('a', { href: '#/me/contracts' }, '← 合同')),
      h('h1', {}, c.title, ' ', contractStateTag(c))];
    if (query.get('sent')) out.push(notice('已发起签署，签署方将收到站内消息和短信。', 'ok'));
    if (query.get('voided')) out.push(notice('合同已作废。', 'ok'));
    if (c.can_sign_now)
      out.push(h('p', { class: 'toolbar' }, h('span', {}, '轮到您签署。'), h('a', { class: 'btn btn-primary', href: '#' + contractPath(c.id) + '/sign' }, '去签署')));
    if (c.state === 'draft')
      out.push(h('p', { class: 'toolbar' }, h('a', { class: 'btn btn-primary', href: '#/me/contracts/new?id=' + encodeURIComponent(c.id) }, '编辑草稿')));
    out.push(section('合同信息', dl([
      ['合同编号', c.number], ['签署顺序', orderLabel(c.order_mode)], ['截止时间', when(c.expires_at)],
      ['页数', String(c.pages)], ['发起时间', when(c.sent_at)], ['完成时间', when(c.completed_at)],
      c.void_reason ? ['作废原因', c.void_reason] : null,
      c.refuse_reason ? ['拒签原因', c.refuse_reason] : null,
    ]), downloads(c)));
    out.push(section('签署方', table([
      { title: '顺序', cell: s => String(s.seq) },
      { title: '签署方', cell: s => [s.name, s.enterprise_name ? h('div', { class: 'muted' }, s.enterprise_name) : null] },
      { title: '手机号', cell: s => s.phone_masked },
      { title: '状态', cell: s => signerStateTag(s) },
      { title: '签署时间', cell: s => when(s.signed_at || s.refused_at) },
    ], c.signers || [], '尚未添加签署方')));
    out.push(preview(c));
    out.push(section('签署轨迹', table([
      { title: '时间', cell: t => when(t.at) },
      { title: '操作', cell: t => t.action_label || t.action },
      { title: '操作人', cell: t => t.person_name || (t.person_id ? '发起方' : '系统') },
      { title: 'IP', cell: t => t.ip || '—' },
      { title: '文档摘要（SHA-256）', cell: t => h('code', { class: 'digest' }, (t.doc_sha256_after || '').slice(0, 16) + '…') },
      { title: '说明', cell: t => t.detail || (t.cert_serial ? '证书 ' + t.cert_serial : '—') },
    ], trail.items || [], '暂无记录')));
    if ((c.my_role === 'initiator' || c.my_role === 'both') && c.state === 'signing') out.push(voidForm(c, go));
    return out;
  },
};
