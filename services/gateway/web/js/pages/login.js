/* 登录: password, SMS code, or password then SMS; the captcha appears when the API asks.
 * 证书登录: a challenge signed with a bound certificate's key, pasted back (cert-binding.js). */
import { h, tabs } from '../ui.js';
import { api } from '../api.js';
import { form, field, smsField, showError, clearErrors } from '../forms.js';
import { refresh } from '../session.js';
import { proofForm } from './cert-binding.js';

const METHODS = [
  { key: 'password', label: '密码登录' },
  { key: 'sms', label: '验证码登录' },
  { key: 'password_sms', label: '密码+短信验证' },
  { key: 'certificate', label: '证书登录' },
];

export default {
  title: '登录',
  async render({ query, go }) {
    const box = h('div', {});
    let method = query.get('method') || 'password';
    let captchaId = '';
    const next = query.get('next') || '/me/profile';

    const captchaBox = h('div', { class: 'captcha', hidden: true });
    async function loadCaptcha() {
      const c = await api.get('/api/v1/captcha');
      captchaId = c.captcha_id;
      captchaBox.hidden = false;
      captchaBox.replaceChildren(
        field({ name: 'captcha_answer', label: '图形验证码', required: true, autocomplete: 'off',
          extra: h('span', {}, h('img', { src: 'data:image/png;base64,' + c.image_png, alt: '图形验证码', class: 'captcha-img' }),
            h('button', { type: 'button', class: 'btn-link', onclick: () => loadCaptcha() }, '换一张')) }));
    }

    async function done(res) {
      await refresh();
      go(next.startsWith('/') ? next : '/me/profile');
      return res;
    }

    function step2(res) {
      const f = form({
        fields: [
          h('p', {}, `验证码已发送至 ${res.phone_masked || '您的手机'}，请输入短信验证码完成登录。`),
          field({ name: 'sms_code', label: '短信验证码', required: true, inputmode: 'numeric', maxlength: 6, autocomplete: 'one-time-code' }),
        ],
        submit: '登录',
        onSubmit: async v => done(await api.post('/api/v1/sessions', { method: 'password_sms', challenge_id: res.challenge_id, sms_code: v.sms_code })),
      });
      box.replaceChildren(h('h1', {}, '登录'), f);
    }

    function drawCertificate() {
      const f = proofForm({ challengePath: '/api/v1/sessions/certificate-challenges', submit: '证书登录',
        onProof: async proof => done(await api.post('/api/v1/sessions/certificate', proof, { quiet401: true })) });
      box.replaceChildren(h('h1', {}, '登录'),
        tabs(METHODS, method, k => { method = k; captchaBox.hidden = true; draw(); }),
        h('p', { class: 'hint' }, '使用已绑定到账号的数字证书登录：获取校验码，用证书私钥签名后粘贴签名与证书。'), f);
    }

    function draw() {
      if (method === 'certificate') return drawCertificate();
      const fields = [field({ name: 'phone', label: '手机号', required: true, inputmode: 'numeric', maxlength: 11, autocomplete: 'username' })];
      if (method !== 'sms') fields.push(field({ name: 'password', label: '密码', type: 'password', required: true, autocomplete: 'current-password' }));
      if (method === 'sms') fields.push(smsField({ purpose: 'login', api }));
      fields.push(captchaBox);
      const f = form({
        fields,
        submit: method === 'password_sms' ? '下一步' : '登录',
        onSubmit: async (v, key, el) => {
          const body = { method, phone: v.phone };
          if (method !== 'sms') body.password = v.password;
          else body.sms_code = v.sms_code;
          if (!captchaBox.hidden) {
            body.captcha_id = captchaId;
            body.captcha_answer = v.captcha_answer || '';
          }
          let res;
          try {
            res = await api.post('/api/v1/sessions', body, { quiet401: true });
          } catch (e) {
            if (e.code === 'CAPTCHA_REQUIRED' || e.code === 'CAPTCHA_WRONG' || (captchaBox.hidden === false)) {
              await loadCaptcha();
              clearErrors(el);
            }
            throw e;
          }
          if (res.next_step === 'sms') return step2(res);
          return done(res);
        },
        extra: h('p', { class: 'links' }, h('a', { href: '#/forgot' }, '忘记密码？'), ' ', h('a', { href: '#/register' }, '没有账号？立即注册')),
      });
      box.replaceChildren(h('h1', {}, '登录'),
        tabs(METHODS, method, k => { method = k; captchaBox.hidden = true; draw(); }), f);
    }
    draw();
    return h('div', { class: 'card narrow' }, box);
  },
};
