/* One institution: its details, branches (add) and staff (add, remove). */
import { h, dl, table, date } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { regionField } from '../regions.js';
import { KINDS } from './op-institutions.js';

export const ROLES = [['loan_officer', '客户经理'], ['inst_admin', '机构管理员'], ['bill_quoter', '商票报价员']];
export const roleName = r => (ROLES.find(x => x[0] === r) || [r, r])[1];

export default {
  title: '机构详情',
  menu: 'op',
  auth: true,
  async render({ params }) {
    const wrap = h('div', {});
    const id = encodeURIComponent(params.id);
    async function draw() {
      const i = await api.get('/api/v1/institutions/' + id);
      const staff = await api.get(`/api/v1/operator/institutions/${id}/staff`, { page_size: 100 });
      const branchOpts = [['', '总部（不限网点）'], ...(i.branches || []).map(b => [b.id, b.name])];
      wrap.replaceChildren(h('p', {}, h('a', { href: '#/op/institutions' }, '← 金融机构')),
        h('h1', {}, i.name),
        h('section', { class: 'card' }, dl([['类型', i.kind_name], ['统一社会信用代码', i.uscc], ['简介', i.description]]),
          form({
            fields: [field({ name: 'kind', label: '机构类型', type: 'select', options: KINDS, value: i.kind }),
              field({ name: 'name', label: '机构名称', value: i.name }), field({ name: 'description', label: '机构简介', type: 'textarea', value: i.description, wide: true })],
            submit: '保存', onSubmit: async v => { await api.patch('/api/v1/operator/institutions/' + id, v); await draw(); },
          })),
        h('section', { class: 'card' }, h('h2', {}, '网点'),
          table([{ title: '网点', cell: b => b.name }, { title: '地址', cell: b => b.address }, { title: '电话', cell: b => b.phone }], i.branches, '暂无网点'),
          form({
            fields: [field({ name: 'name', label: '网点名称', required: true }), regionField({ required: true }),
              field({ name: 'address', label: '地址', wide: true }), field({ name: 'phone', label: '联系电话' })],
            submit: '新增网点',
            onSubmit: async (v, key) => { await api.post(`/api/v1/operator/institutions/${id}/branches`, v, { key }); await draw(); },
          })),
        h('section', { class: 'card' }, h('h2', {}, '机构人员'),
          table([{ title: '姓名', cell: s => s.name }, { title: '手机号', cell: s => s.phone_masked }, { title: '角色', cell: s => roleName(s.role) },
            { title: '网点', cell: s => s.branch_name || '总部' }, { title: '加入时间', cell: s => date(s.created_at) },
            { title: '操作', cell: s => h('button', { type: 'button', class: 'btn-link', onclick: async () => {
              await api.del(`/api/v1/operator/institutions/${id}/staff/${encodeURIComponent(s.id)}`); await draw(); } }, '移除') }],
          staff.items, '暂无人员'),
          form({
            fields: [field({ name: 'phone', label: '手机号（须已注册）', required: true, inputmode: 'numeric', maxlength: 11 }),
              field({ name: 'name', label: '姓名' }), field({ name: 'role', label: '角色', type: 'select', options: ROLES }),
              field({ name: 'branch_id', label: '所属网点', type: 'select', options: branchOpts })],
            submit: '添加人员',
            onSubmit: async (v, key) => { await api.post(`/api/v1/operator/institutions/${id}/staff`, v, { key }); await draw(); },
          })));
    }
    await draw();
    return wrap;
  },
};
