/* A 申请单 as the applicant sees it: the facts, the materials (upload or replace while
 * pending or rejected), edit and delete while pending, edit-and-resubmit after a rejection
 * (the reason shown), the 申请表 and 回执 PDFs, the certificate once made and the one-time
 * PKCS#12 download of a software certificate whose key the platform generated. */
import { h, mount, dl, date, notice, size, section } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { appStateTag, appBase, MEDIA, ALGORITHMS, MATERIALS, label, downloadButton, confirmDialog } from './cert-common.js';
import { appForm } from './cert-application-new.js';

export function appFacts(a) {
  return dl([
    ['申请单号', a.no], ['状态', appStateTag(a)], a.reject_reason ? ['驳回原因', a.reject_reason] : null,
    ['证书类型', a.profile === 'enterprise' ? '企业证书' : '个人证书'], ['申请类型', a.kind === 'renewal' ? '续费' : '新办'],
    a.renews_serial ? ['续费的证书', a.renews_serial] : null,
    ['证书名称', a.subject_name], [a.profile === 'enterprise' ? '统一社会信用代码' : '身份证号', a.subject_code_masked],
    ['证书介质', label(MEDIA, a.medium)], ['密码算法', label(ALGORITHMS, a.algorithm)], ['有效期', a.validity_years + ' 年'],
    ['密钥', a.key_source === 'server' ? '由平台生成' : a.has_csr ? '自行生成（已提交 CSR）' : '自行生成'],
    ['领取人', a.contact_name_masked], ['手机号', a.contact_phone_masked], ['电子邮箱', a.contact_email_masked],
    a.mailing_address_masked ? ['邮寄地址', a.mailing_address_masked] : null,
    a.carrier ? ['快递', `${a.carrier} ${a.tracking_no}`] : null,
    ['协议版本', a.agreement_version], ['申请时间', date(a.created_at)], ['更新时间', date(a.updated_at)],
  ]);
}

export function materialList(a, link) {
  const have = Object.fromEntries((a.materials || []).map(m => [m.kind, m.file]));
  return h('ul', { class: 'materials' }, MATERIALS[a.profile].map(([k, l, must]) => {
    const f = have[k];
    return h('li', { dataset: { kind: k } }, h('strong', {}, l), must ? '' : '（选填）', '：',
      f ? (link ? h('a', { href: link(f), target: '_blank', rel: 'noopener' }, f.name) : f.name) : h('span', { class: 'muted' }, '未上传'),
      f ? h('span', { class: 'muted' }, ` （${f.content_type}，${size(f.size)}）`) : null);
  }));
}

function uploadForm(base, a, after) {
  const kinds = MATERIALS[a.profile];
  const file = field({ name: 'file', label: '扫描件', type: 'file', required: true, accept: 'image/png,image/jpeg,image/bmp,application/pdf', hint: 'PDF 或图片，不超过 5 MB；同类材料再次上传将替换' });
  const info = h('div', { class: 'file-info' });
  const input = file.querySelector('input');
  input.addEventListener('change', () => {
    const x = input.files[0];
    info.textContent = x ? `${x.name} · ${x.type || '未知类型'} · ${size(x.size)}` : '';
  });
  file.querySelector('.control').append(info);
  return form({
    fields: [field({ name: 'kind', label: '材料类型', type: 'select', required: true, options: kinds.map(([k, l]) => [k, l]) }), file],
    submit: '上传',
    onSubmit: async (v, key) => {
      if (!v.file) throw invalid('file', '请选择文件');
      const fd = new FormData();
      fd.append('kind', v.kind);
      fd.append('file', v.file, v.file.name);
      await api.upload(base + '/materials', fd, { key });
      await after();
    },
  });
}

export default {
  title: '证书申请单',
  menu: 'me',
  auth: true,
  async render({ params, query, go }) {
    const side = params.side === 'enterprise' ? 'enterprise' : 'personal';
    const base = appBase(side) + '/' + encodeURIComponent(params.id);
    const wrap = h('div', {});
    let first = true;
    let editing = false;
    async function draw() {
      const a = await api.get(base);
      const open = a.state === 'pending' || a.state === 'rejected';
      const parts = [h('p', {}, h('a', { href: '#/me/cert-applications?side=' + side }, '← 数字证书申请')),
        h('h1', {}, '证书申请单 ', a.no, ' ', appStateTag(a)),
        first && query.get('created') ? notice('申请已提交。请上传申请材料，并打印申请表签字（盖章）后一并提交。', 'ok') : null,
        a.state === 'rejected' ? notice('申请已驳回：' + (a.reject_reason || '') + '。请按原因修改或补充材料后重新提交。', 'error') : null];
      first = false;
      if (editing) {
        parts.push(section(a.state === 'rejected' ? '修改并重新提交' : '修改申请', await appForm({ side, app: a,
          submit: a.state === 'rejected' ? '修改并重新提交' : '保存修改',
          onDone: async () => { editing = false; await draw(); } }),
        h('p', {}, h('button', { type: 'button', class: 'btn-link', onclick: () => { editing = false; draw(); } }, '取消修改'))));
        mount(wrap, ...parts);
        return;
      }
      parts.push(section('申请信息', appFacts(a),
        h('p', { class: 'actions' },
          a.state === 'pending' || a.state === 'accepted' || a.state === 'rejected'
            ? h('a', { class: 'btn btn-secondary', href: base + '/form.pdf', target: '_blank', rel: 'noopener' }, '打印申请表（PDF）') : null,
          h('a', { class: 'btn btn-secondary', href: base + '/receipt.pdf', target: '_blank', rel: 'noopener' }, '打印回执（PDF）'),
          open ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { editing = true; draw(); } }, a.state === 'rejected' ? '修改并重新提交' : '修改申请') : null,
          a.state === 'pending' ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: async () => {
            if (!await confirmDialog('删除申请单', `删除申请单 ${a.no}？删除后不可恢复。`, '删除')) return;
            await api.del(base);
            go('/me/cert-applications?side=' + side);
          } }, '删除申请') : null)));
      parts.push(section('申请材料', materialList(a),
        open ? uploadForm(base, a, draw) : h('p', { class: 'muted' }, '申请已受理，材料不可再修改。')));
      if (a.certificate_serial) {
        const cert = '#/me/certificates/' + side + '/' + encodeURIComponent(a.certificate_serial);
        const items = [h('p', {}, '证书已签发：序列号 ', h('a', { href: cert }, a.certificate_serial), '，有效期至 ', date(a.certificate_not_after), '。')];
        if (a.pkcs12_available) {
          items.push(notice('软证书文件（PKCS#12，含私钥）只能下载一次：下载后平台即删除该文件，请立即妥善保存。文件密码为申请时设置的密码。', 'error'),
            downloadButton('下载软证书（PKCS#12）', base + '/pkcs12', a.no + '.p12'));
        } else if (a.medium === 'software' && a.key_source === 'server') {
          items.push(h('p', { class: 'muted' }, '软证书文件已下载（只能下载一次）。如文件遗失，请吊销该证书后重新申请。'));
        }
        items.push(h('p', {}, h('a', { href: cert }, '到证书管理查看与下载证书 →')));
        parts.push(section('证书', items));
      }
      const next = {
        pending: '等待证书审核员受理；受理时核对申请材料。', accepted: '申请已受理，正在制证。',
        issued: a.medium === 'usbkey' ? '证书已制作，等待寄出或通知领取。' : '证书已签发。', ready: '证书已可领取，请携带回执到平台服务点领取。',
        shipped: `证书已寄出：${a.carrier || ''} ${a.tracking_no || ''}。`, completed: '已完成。',
      }[a.state];
      if (next) parts.push(section('办理进度', h('p', {}, next)));
      mount(wrap, ...parts);
    }
    await draw();
    return wrap;
  },
};
