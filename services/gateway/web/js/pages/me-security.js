/* 账号管理: the phone on the account and the password change. */
import { h, dl, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field, passwordHints } from '../forms.js';

export default {
  title: '账号管理',
  menu: 'me',
  auth: true,
  async render({ go }) {
    const me = await api.get('/api/v1/me');
    const pw = field({ name: 'password', label: '新密码', type: 'password', required: true, autocomplete: 'new-password' });
    pw.querySelector('.control').append(passwordHints(pw.querySelector('input'), null));
    const ok = h('div', {});
    const f = form({
      fields: [field({ name: 'old_password', label: '原密码', type: 'password', required: true, autocomplete: 'current-password' }), pw,
        field({ name: 'password_confirm', label: '确认新密码', type: 'password', required: true, autocomplete: 'new-password' })],
      submit: '修改密码',
      onSubmit: async v => {
        await api.put('/api/v1/me/password', v);
        ok.replaceChildren(notice('密码已修改，请重新登录。', 'ok'));
        setTimeout(() => go('/login'), 1500);
      },
    });
    return [h('h1', {}, '账号管理'),
      h('section', { class: 'card' }, h('h2', {}, '登录手机号'), dl([['手机号', me.phone_masked]]),
        h('p', { class: 'muted' }, '忘记密码时可用此手机号接收验证码重设。')),
      h('section', { class: 'card' }, h('h2', {}, '修改密码'), ok, f)];
  },
};
