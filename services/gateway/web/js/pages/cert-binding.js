/* 绑定已有证书 by proof of possession: a challenge from the API, signed outside the browser
 * (the page cannot reach a key; a USB key would need its vendor's plug-in), the signature
 * (base64) and the certificate (PEM) pasted back. Personal: a certificate naming the person;
 * enterprise: the admin binds one of the enterprise's certificates. */
import { h, notice, section } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { sideOf, sideTabs, enterpriseActive, needEnterprise, bindBase, signingHint } from './cert-common.js';

/* The challenge box and the two paste fields, shared with 证书登录. onProof({certificate_pem,
 * challenge, signature}) is the API call. */
export function proofForm({ challengePath, submit, onProof }) {
  let current = '';
  const box = h('div', { class: 'challenge' });
  const getBtn = h('button', { type: 'button', class: 'btn btn-secondary' }, '获取校验码');
  const f = form({
    fields: [
      h('div', { class: 'field wide' }, h('div', { class: 'label-row' }, h('span', {}, '校验码')), h('div', { class: 'control' }, getBtn), box),
      field({ name: 'certificate_pem', label: '证书（PEM）', type: 'textarea', rows: 6, wide: true, required: true, placeholder: '-----BEGIN CERTIFICATE-----' }),
      field({ name: 'signature', label: '签名（Base64）', type: 'textarea', rows: 3, wide: true, required: true }),
    ],
    submit,
    onSubmit: async (v, key, el) => {
      if (!current) throw invalid('challenge', '请先获取校验码');
      if (!v.certificate_pem) throw invalid('certificate_pem', '请粘贴证书');
      if (!v.signature) throw invalid('signature', '请粘贴签名');
      const proof = { certificate_pem: v.certificate_pem + '\n', challenge: current, signature: v.signature.replace(/\s+/g, '') };
      /* A challenge is used once whatever follows: a refusal needs a new one. */
      current = '';
      try {
        await onProof(proof, el);
      } finally {
        if (!current) box.replaceChildren(h('p', { class: 'muted' }, '校验码已使用，如需重试请重新获取。'));
      }
    },
  });
  getBtn.addEventListener('click', async () => {
    getBtn.disabled = true;
    try {
      current = (await api.post(challengePath, {})).challenge;
      box.replaceChildren(h('input', { type: 'text', readonly: true, value: current, class: 'challenge-text', 'aria-label': '校验码', dataset: { field: 'challenge' } }), signingHint(current));
    } catch (e) {
      box.replaceChildren(notice(e.message, 'error'));
    } finally {
      getBtn.disabled = false;
    }
  });
  return f;
}

export default {
  title: '绑定证书',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const side = sideOf(query);
    const head = [h('p', {}, h('a', { href: '#/me/certificates?side=' + side }, '← 证书管理')), h('h1', {}, '绑定已有证书'),
      sideTabs(side, k => go('/me/certificates/bind?side=' + k))];
    if (side === 'enterprise' && !enterpriseActive()) return [...head, ...needEnterprise('绑定企业证书')];
    return [...head,
      notice(side === 'enterprise' ? '企业管理员可将本企业的证书绑定到自己的账号，绑定后可用于证书登录。' : '将载有您本人身份信息的个人证书绑定到账号，绑定后可用于证书登录。'),
      section('证明持有私钥', proofForm({ challengePath: bindBase(side) + '/challenges', submit: '绑定证书',
        onProof: async proof => {
          const c = await api.post(bindBase(side), proof);
          go('/me/certificates/' + side + '/' + encodeURIComponent(c.serial));
        } }))];
  },
};
