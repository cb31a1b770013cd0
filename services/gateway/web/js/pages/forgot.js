/* 忘记密码: an SMS code to the phone, then a new password. */
import { h, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field, smsField, passwordHints } from '../forms.js';

export default {
  title: '忘记密码',
  async render() {
    const wrap = h('div', { class: 'card narrow' });
    const phone = field({ name: 'phone', label: '手机号', required: true, inputmode: 'numeric', maxlength: 11 });
    const pw = field({ name: 'password', label: '新密码', type: 'password', required: true, autocomplete: 'new-password' });
    pw.querySelector('.control').append(passwordHints(pw.querySelector('input'), phone.querySelector('input')));
    const f = form({
      fields: [phone, smsField({ purpose: 'reset', api }), pw,
        field({ name: 'password_confirm', label: '确认新密码', type: 'password', required: true, autocomplete: 'new-password' })],
      submit: '重设密码',
      onSubmit: async v => {
        await api.post('/api/v1/password-resets', v);
        wrap.replaceChildren(h('h1', {}, '忘记密码'), notice('密码已重设，请使用新密码登录。', 'ok'), h('a', { class: 'btn btn-primary', href: '#/login' }, '去登录'));
      },
    });
    wrap.append(h('h1', {}, '忘记密码'), f);
    return wrap;
  },
};
