/* 个人资料: what GET /me holds; name, e-mail, address and position are editable
 * (the name only until real-name verification fixes it; the e-mail is shown masked). */
import { h, dl, date, notice, tag } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { refresh, activeIdentity } from '../session.js';

export default {
  title: '个人资料',
  menu: 'me',
  auth: true,
  async render() {
    const me = await api.get('/api/v1/me');
    const ok = h('div', {});
    const f = form({
      fields: [
        field({ name: 'name', label: '姓名', value: me.name, readonly: me.verified, hint: me.verified ? '已实名，姓名不可修改' : '' }),
        // The address is answered only masked: the field takes a new one, empty keeps it.
        field({ name: 'email', label: '电子邮箱', type: 'email', placeholder: me.email_masked || '',
          hint: me.email_masked ? `当前：${me.email_masked}，留空则不修改` : '' }),
        field({ name: 'position', label: '职务', value: me.position }),
        field({ name: 'address', label: '联系地址', value: me.address, wide: true }),
      ],
      submit: '保存',
      onSubmit: async v => {
        const body = { position: v.position, address: v.address };
        if (v.email) body.email = v.email;
        if (!me.verified) body.name = v.name;
        await api.patch('/api/v1/me', body);
        ok.replaceChildren(notice('已保存', 'ok'));
        await refresh();
      },
    });
    const idn = activeIdentity();
    return [
      h('h1', {}, '个人资料'),
      h('section', { class: 'card' },
        dl([
          ['手机号', me.phone_masked],
          ['实名状态', me.verified ? tag('已实名', 'ok') : h('span', {}, tag('未实名', 'warn'), ' ', h('a', { href: '#/me/verification' }, '去认证'))],
          ['身份证号', me.id_number_masked],
          ['当前身份', idn ? (idn.type === 'enterprise' ? idn.name : '个人') : '个人'],
          ['注册时间', date(me.created_at)],
        ])),
      h('section', { class: 'card' }, h('h2', {}, '编辑资料'), ok, f),
    ];
  },
};
