/* 注册: phone, SMS code with countdown, password with live hints, the agreement. */
import { h } from '../ui.js';
import { api } from '../api.js';
import { form, field, smsField, passwordHints } from '../forms.js';

export default {
  title: '注册',
  async render({ go }) {
    const phone = field({ name: 'phone', label: '手机号', required: true, inputmode: 'numeric', maxlength: 11, autocomplete: 'tel' });
    const pw = field({ name: 'password', label: '设置密码', type: 'password', required: true, autocomplete: 'new-password' });
    pw.querySelector('.control').append(passwordHints(pw.querySelector('input'), phone.querySelector('input')));
    const agree = field({ name: 'agree', field: 'agreements', type: 'checkbox', label: '我已阅读并同意' });
    agree.querySelector('label').append(
      h('a', { href: '#/register', class: 'agreement', onclick: ev => { ev.preventDefault(); doc.hidden = !doc.hidden; } }, '《注册服务协议》'),
      '和',
      h('a', { href: '#/register', class: 'agreement', onclick: ev => { ev.preventDefault(); doc.hidden = !doc.hidden; } }, '《隐私政策》'));
    const doc = h('div', { class: 'agreement-text', hidden: true },
      h('p', {}, '《注册服务协议》（2023-01 版）与《隐私政策》：平台依法收集、使用您提供的手机号、身份及企业信息，仅用于账户注册、实名认证与融资服务，未经同意不向第三方提供。'));
    const f = form({
      fields: [phone, smsField({ purpose: 'register', api }), pw,
        field({ name: 'password_confirm', label: '确认密码', type: 'password', required: true, autocomplete: 'new-password' }),
        agree, doc],
      submit: '注册',
      onSubmit: async (v, key) => {
        await api.post('/api/v1/accounts', {
          phone: v.phone, sms_code: v.sms_code, password: v.password, password_confirm: v.password_confirm,
          agreements: v.agree ? [{ id: 'register', version: '2023-01' }] : [],
        }, { key });
        go('/login?registered=1');
      },
      extra: h('p', { class: 'links' }, '已有账号？', h('a', { href: '#/login' }, '去登录')),
    });
    return h('div', { class: 'card narrow' }, h('h1', {}, '注册'), f);
  },
};
