/* 申请证书 (manual 004): 新办 or 续费 (the certificate renewed chosen from the holder's own),
 * medium, algorithm, validity, the agreement, contact details, the mailing address for a USB
 * key, and the key: a CSR pasted (USB key; software with the applicant's own key) or a
 * server-generated key (cloud; software as a PKCS#12 under the password given here).
 * appForm serves the edit of a pending or rejected application too. */
import { h, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { MEDIA, ALGORITHMS, KINDS, appBase, certBase, sideOf, sideTabs, enterpriseActive, needEnterprise } from './cert-common.js';

export const AGREEMENT_VERSION = '2024-01';
const AGREEMENT = [
  '1. 申请人保证所提交的身份信息与材料真实、准确、完整，并对其承担法律责任。',
  '2. 证书私钥由申请人（或其授权的经办人）妥善保管；私钥泄露或可能泄露时，应立即申请吊销证书。',
  '3. 平台依据《中华人民共和国电子签名法》为申请人签发数字证书，证书仅限在有效期内用于本平台的业务签名与身份认证。',
  '4. 以服务器生成密钥的软证书（PKCS#12）只能下载一次，下载后平台不再保存该文件。',
  '5. 申请人信息变更、停止使用证书时，应及时办理吊销或变更手续。',
];

function show(el, on) { el.hidden = !on; for (const i of el.querySelectorAll('input,select,textarea')) i.disabled = !on; }

/* app: the application edited (its masked contact details are not shown back: left blank,
 * they stay as they are). */
export async function appForm({ side, app, renew, submit, onDone }) {
  const editing = !!app;
  let renewable = [];
  try {
    renewable = ((await api.get(certBase(side), { page_size: 50 })).items || []).filter(c => c.status !== 'revoked');
  } catch (e) {
    if (e.status !== 403) throw e;
  }
  const kind = field({ name: 'kind', label: '申请类型', type: 'select', required: true, options: KINDS, value: app ? app.kind : renew ? 'renewal' : 'new' });
  const renews = field({ name: 'renews_serial', label: '续费的证书', type: 'select', required: true,
    options: renewable.length ? renewable.map(c => [c.serial, `${c.subject.replace(/^.*CN=([^,]+).*$/, '$1')} · 序列号 ${c.serial.slice(0, 12)}… · 至 ${String(c.not_after).slice(0, 10)}`]) : [['', '没有可续费的证书']],
    value: app ? app.renews_serial : renew || undefined, hint: '续费签发一张新密钥的证书，有效期自原证书到期日起顺延。' });
  const medium = field({ name: 'medium', label: '证书介质', type: 'select', required: true, options: MEDIA, value: app ? app.medium : 'software' });
  const keySource = field({ name: 'key_source', label: '密钥生成方式', type: 'select', required: true,
    options: [['server', '由平台生成密钥（下载 PKCS#12 文件）'], ['csr', '自行生成密钥（粘贴证书请求 CSR）']], value: app ? app.key_source : 'server' });
  const csr = field({ name: 'csr', label: '证书请求（CSR，PEM）', type: 'textarea', rows: 6, wide: true, required: !editing,
    placeholder: '-----BEGIN CERTIFICATE REQUEST-----', hint: editing && app.has_csr ? '已提交 CSR；留空则不修改。' : 'CSR 的 CN（及 O）须与证书名称一致；USB Key 由厂商工具在 Key 内生成密钥并导出 CSR。' });
  const password = field({ name: 'pkcs12_password', label: 'PKCS#12 文件密码', type: 'password', required: !editing, autocomplete: 'new-password',
    hint: (editing && app.pkcs12_password_set ? '已设置；留空则不修改。' : '') + '8–64 位，用于保护下载的证书文件，请牢记（平台不保存明文，签发后即删除）。' });
  const password2 = field({ name: 'pkcs12_password2', label: '确认文件密码', type: 'password', required: !editing, autocomplete: 'new-password' });
  const address = field({ name: 'mailing_address', label: '邮寄地址', wide: true, required: !editing, maxlength: 200,
    hint: (editing && app.mailing_address_masked ? `当前：${app.mailing_address_masked}；留空则不修改。` : '') + 'USB Key 制作完成后邮寄至此地址；也可到平台服务点自取。' });
  const agreement = h('div', { class: 'agreement-text' }, h('h3', {}, `《数字证书服务协议》（${AGREEMENT_VERSION} 版）`), AGREEMENT.map(p => h('p', {}, p)));
  const contactHint = editing ? '留空则不修改' : undefined;
  const f = form({
    fields: [
      kind, renews, medium,
      field({ name: 'algorithm', label: '密码算法', type: 'select', required: true, options: ALGORITHMS, value: app ? app.algorithm : 'sm2' }),
      field({ name: 'validity_years', label: '有效期', type: 'select', required: true, options: [['1', '1 年'], ['2', '2 年'], ['3', '3 年']], value: app ? String(app.validity_years) : '1' }),
      keySource, password, password2, csr,
      field({ name: 'contact_name', label: '领取人姓名', required: !editing, maxlength: 50, placeholder: editing ? app.contact_name_masked : '', hint: contactHint }),
      field({ name: 'contact_phone', label: '领取人手机号', required: !editing, inputmode: 'numeric', maxlength: 11, placeholder: editing ? app.contact_phone_masked : '', hint: contactHint }),
      field({ name: 'contact_email', label: '电子邮箱', type: 'email', required: !editing, maxlength: 100, placeholder: editing ? app.contact_email_masked : '', hint: contactHint }),
      address,
      agreement,
      field({ name: 'agreement_accepted', type: 'checkbox', label: `我已阅读并同意《数字证书服务协议》（${AGREEMENT_VERSION} 版）` }),
    ],
    submit: submit || '提交申请',
    onSubmit: async (v, key) => {
      if (!v.agreement_accepted) throw invalid('agreement_accepted', '请阅读并同意《数字证书服务协议》');
      if (v.kind === 'renewal' && !v.renews_serial) throw invalid('renews_serial', '请选择续费的证书');
      if (v.key_source === 'server' && v.medium === 'software' && (v.pkcs12_password || !editing)) {
        if (v.pkcs12_password.length < 8 || v.pkcs12_password.length > 64) throw invalid('pkcs12_password', '文件密码须为 8–64 位');
        if (v.pkcs12_password !== v.pkcs12_password2) throw invalid('pkcs12_password2', '两次输入的密码不一致');
      }
      if (v.contact_phone && !/^1\d{10}$/.test(v.contact_phone)) throw invalid('contact_phone', '请输入正确的 11 位手机号');
      const body = { kind: v.kind, medium: v.medium, algorithm: v.algorithm, validity_years: Number(v.validity_years),
        agreement_accepted: true, agreement_version: AGREEMENT_VERSION };
      if (v.kind === 'renewal') body.renews_serial = v.renews_serial;
      body.key_source = v.medium === 'cloud' ? 'server' : v.medium === 'usbkey' ? 'csr' : v.key_source;
      if (body.key_source === 'csr' && v.csr) body.csr = v.csr + '\n';
      if (body.key_source === 'server' && v.medium === 'software' && v.pkcs12_password) body.pkcs12_password = v.pkcs12_password;
      for (const k of ['contact_name', 'contact_phone', 'contact_email']) if (v[k]) body[k] = v[k];
      if (v.medium === 'usbkey' && v.mailing_address) body.mailing_address = v.mailing_address;
      const a = editing ? await api.patch(appBase(side) + '/' + encodeURIComponent(app.id), body)
        : await api.post(appBase(side), body, { key });
      await onDone(a);
    },
  });
  /* Fields by the choices: the renewed certificate, the key's source, the mailing address. */
  const sync = () => {
    const m = f.elements.medium.value;
    show(renews, f.elements.kind.value === 'renewal');
    show(keySource, m === 'software');
    const server = m === 'cloud' || (m === 'software' && f.elements.key_source.value === 'server');
    show(csr, !server);
    show(password, m === 'software' && server);
    show(password2, m === 'software' && server);
    show(address, m === 'usbkey');
  };
  for (const n of ['kind', 'medium', 'key_source']) f.elements[n].addEventListener('change', sync);
  sync();
  return f;
}

export default {
  title: '申请数字证书',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const side = sideOf(query);
    const head = [h('p', {}, h('a', { href: '#/me/cert-applications?side=' + side }, '← 数字证书申请')), h('h1', {}, '申请数字证书'),
      sideTabs(side, k => go('/me/cert-applications/new?side=' + k))];
    if (side === 'enterprise' && !enterpriseActive()) return [...head, ...needEnterprise('企业数字证书')];
    const f = await appForm({ side, renew: query.get('renew') || '',
      onDone: a => go('/me/cert-applications/' + side + '/' + encodeURIComponent(a.id) + '?created=1') });
    return [...head,
      notice(side === 'enterprise' ? '证书名称为当前企业身份的认证名称；提交后请上传营业执照与加盖公章的授权书。' : '证书名称为您实名认证的姓名；提交后请上传身份证扫描件。'),
      h('section', { class: 'card' }, f)];
  },
};
