/* 机构工作台 · 机构人员: an inst_admin manages its institution's staff. */
import { h, table, date, dl } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { ROLES, roleName } from './op-institution.js';

export default {
  title: '机构人员',
  menu: 'inst',
  auth: true,
  async render() {
    const wrap = h('div', {});
    async function draw() {
      const me = await api.get('/api/v1/institution/me');
      const parts = [h('h1', {}, '机构人员'), h('section', { class: 'card' }, dl([['我的角色', roleName(me.role)], ['所属网点', me.branch_name || '总部']]))];
      if (me.role === 'inst_admin') {
        const r = await api.get('/api/v1/institution/staff', { page_size: 100 });
        parts.push(h('section', { class: 'card' },
          table([{ title: '姓名', cell: s => s.name }, { title: '手机号', cell: s => s.phone_masked }, { title: '角色', cell: s => roleName(s.role) },
            { title: '网点', cell: s => s.branch_name || '总部' }, { title: '加入时间', cell: s => date(s.created_at) },
            { title: '操作', cell: s => s.person_id === me.person_id ? '—' : h('button', { type: 'button', class: 'btn-link', onclick: async () => {
              await api.del('/api/v1/institution/staff/' + encodeURIComponent(s.id)); await draw(); } }, '移除') }], r.items),
          form({
            fields: [field({ name: 'phone', label: '手机号（须已注册）', required: true, inputmode: 'numeric', maxlength: 11 }),
              field({ name: 'name', label: '姓名' }), field({ name: 'role', label: '角色', type: 'select', options: ROLES })],
            submit: '添加人员',
            onSubmit: async (v, key) => { await api.post('/api/v1/institution/staff', v, { key }); await draw(); },
          })));
      } else {
        parts.push(h('p', { class: 'muted' }, '机构人员由机构管理员维护。'));
      }
      wrap.replaceChildren(...parts);
    }
    await draw();
    return wrap;
  },
};
