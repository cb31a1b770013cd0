/* What the certificate pages share (数字证书申请, 证书管理, the officer's queue): the two sides
 * (个人 under /me, 企业 under /enterprise: the session's active enterprise), state and
 * status badges, labels, and a download through fetch so a refusal (the PKCS#12 taken
 * once) is shown on the page instead of a JSON file saved. */
import { h, tag, tabs, notice } from '../ui.js';
import { api, ApiError } from '../api.js';
import { activeIdentity } from '../session.js';

export const APP_STATES = [
  { key: '', label: '全部' }, { key: 'pending', label: '待审核' }, { key: 'accepted', label: '申请受理中' },
  { key: 'issued', label: '已制证' }, { key: 'ready', label: '可领取' }, { key: 'shipped', label: '已寄出' },
  { key: 'completed', label: '已完成' }, { key: 'rejected', label: '已驳回' },
];
const APP_KIND = { pending: 'warn', accepted: 'warn', issued: 'ok', ready: 'ok', shipped: 'ok', completed: 'ok', rejected: 'bad' };

export function appStateTag(a) {
  const label = a.state_label || (APP_STATES.find(s => s.key === a.state) || {}).label || a.state;
  return tag(label, APP_KIND[a.state] ?? '');
}

export const CERT_STATUSES = [
  { key: '', label: '全部' }, { key: 'valid', label: '有效' }, { key: 'expiring', label: '即将过期' },
  { key: 'expired', label: '已过期' }, { key: 'revoked', label: '已吊销' },
];
const CERT_KIND = { valid: 'ok', expiring: 'warn', expired: '', revoked: 'bad' };

export function certStatusTag(c) {
  return tag((CERT_STATUSES.find(s => s.key === c.status) || {}).label || c.status, CERT_KIND[c.status] ?? '');
}

export const MEDIA = [['usbkey', 'USB Key（邮寄或自取）'], ['cloud', '云证书（密钥由平台保管）'], ['software', '软证书（文件）']];
export const ALGORITHMS = [['sm2', 'SM2（国密）'], ['rsa', 'RSA 2048'], ['ecdsa', 'ECDSA P-256']];
export const KINDS = [['new', '新办'], ['renewal', '续费（更换新密钥）']];
export const label = (list, v) => (list.find(([k]) => k === v) || [v, v])[1];

export const MATERIALS = {
  enterprise: [['business_license', '营业执照', true], ['authorization', '授权书（加盖公章）', true], ['agent_id', '经办人身份证', false]],
  personal: [['id_card', '身份证', true]],
};

/* RFC 5280 reasons a holder may give (manage.c). */
export const REVOKE_REASONS = [
  ['keyCompromise', '密钥泄露'], ['affiliationChanged', '隶属关系变更'], ['superseded', '证书已被替换'],
  ['cessationOfOperation', '停止使用'], ['privilegeWithdrawn', '权限撤销'], ['unspecified', '其他原因'],
];

export const SIDES = [{ key: 'personal', label: '个人证书' }, { key: 'enterprise', label: '企业证书' }];

/* The enterprise side exists only under an enterprise identity (its routes answer 403 otherwise). */
export function enterpriseActive() {
  const i = activeIdentity();
  return !!(i && i.type === 'enterprise');
}

export function sideOf(query) {
  const s = query.get('side');
  if (s === 'personal' || s === 'enterprise') return s;
  return enterpriseActive() ? 'enterprise' : 'personal';
}

export function sideTabs(side, pick) {
  return tabs(SIDES.map(s => ({ ...s, label: s.key === 'enterprise' && enterpriseActive() ? s.label + '（' + activeIdentity().name + '）' : s.label })),
    side, pick);
}

/* The enterprise side without an enterprise identity: what to do instead of a 403. */
export function needEnterprise(what) {
  return [notice(`${what}以企业身份办理：请在右上角切换到企业身份；尚未认证企业的请先完成企业认证。`, 'info'),
    h('p', {}, h('a', { href: '#/me/certification' }, '去企业认证'))];
}

export const appBase = side => side === 'enterprise' ? '/api/v1/enterprise/certificate-applications' : '/api/v1/me/certificate-applications';
export const certBase = side => side === 'enterprise' ? '/api/v1/enterprise/certificates' : '/api/v1/me/certificates';
export const bindBase = side => side === 'enterprise' ? '/api/v1/enterprise/certificate-bindings' : '/api/v1/me/certificate-bindings';

/* GET path and save the body as name; an API refusal is thrown as an ApiError. */
export async function download(path, name) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', '网络连接失败，请检查网络后重试');
  }
  if (!res.ok) {
    let e = {};
    try { e = (await res.json()).error || {}; } catch { e = {}; }
    throw new ApiError(res.status, e.code || 'HTTP_' + res.status, e.message || '下载失败（' + res.status + '）', e.field);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/* A button that downloads, its refusal shown beside it. */
export function downloadButton(text, path, name, after) {
  const out = h('span', { class: 'download-error', role: 'alert' });
  const btn = h('button', { type: 'button', class: 'btn btn-secondary' }, text);
  btn.addEventListener('click', async () => {
    out.textContent = '';
    btn.disabled = true;
    try {
      await download(path, name);
      if (after) await after();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      out.textContent = e.message;
    } finally {
      btn.disabled = false;
    }
  });
  return h('span', { class: 'download' }, btn, out);
}

/* A confirmation in a modal <dialog> (no window.confirm: the page stays styled and testable). */
export function confirmDialog(title, text, yes) {
  return new Promise(resolve => {
    const ok = h('button', { type: 'button', class: 'btn btn-primary' }, yes);
    const no = h('button', { type: 'button', class: 'btn btn-secondary' }, '取消');
    const d = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title' }, title), h('p', {}, text), h('div', { class: 'actions' }, ok, no));
    const close = v => { d.close(); d.remove(); resolve(v); };
    ok.addEventListener('click', () => close(true));
    no.addEventListener('click', () => close(false));
    d.addEventListener('cancel', () => close(false));
    document.body.append(d);
    d.showModal();
  });
}

/* Proof of possession in a browser: the page cannot reach a key, so it shows the challenge
 * to sign elsewhere (openssl, or a USB key's vendor tool) and takes the signature pasted back. */
export function signingHint(challenge) {
  return h('div', { class: 'hint sign-hint' },
    h('p', {}, '请用证书的私钥对上面的校验码（ASCII 原文）签名，将 Base64 编码的签名粘贴到下方（RSA：PKCS#1 v1.5 SHA-256；ECDSA：SHA-256；SM2：SM3 与默认用户 ID）。例如软证书私钥文件：'),
    h('pre', {}, `printf '%s' '${challenge}' | openssl dgst -sha256 -sign key.pem | base64 -w0`),
    h('p', {}, 'USB Key 证书请使用厂商提供的签名工具（浏览器插件尚未接入）。校验码 5 分钟内有效，只能使用一次。'));
}

export async function challenge(path) {
  return (await api.post(path, {})).challenge;
}
