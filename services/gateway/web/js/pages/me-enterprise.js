/* 我的企业 / 成员: join an enterprise; an admin approves join requests and hands over the
 * admin role; my own join requests. */
import { h, table, date, tag, tabs, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { activeIdentity, refresh } from '../session.js';

const MSTATE = { requested: ['待审批', 'warn'], active: ['已加入', 'ok'], rejected: ['已拒绝', 'bad'], withdrawn: ['已撤回', ''], removed: ['已移除', ''] };
const st = s => tag(...(MSTATE[s] || [s, '']));

export default {
  title: '我的企业',
  menu: 'me',
  auth: true,
  async render() {
    const wrap = h('div', {});
    let mstate = 'active';
    async function draw() {
      const idn = activeIdentity();
      const parts = [h('h1', {}, '我的企业 / 成员')];
      if (idn && idn.type === 'enterprise') {
        parts.push(h('section', { class: 'card' }, h('h2', {}, idn.name, ' ', tag(idn.role === 'admin' ? '管理员' : '成员', 'ok'))));
        if (idn.role === 'admin') {
          const r = await api.get('/api/v1/enterprise/members', { state: mstate, page_size: 50 });
          const c = r.counts || {};
          const act = (path, body) => async () => { await api.post(path, body || {}); await refresh(); await draw(); };
          parts.push(h('section', { class: 'card' }, h('h2', {}, '成员管理'),
            tabs([{ key: 'active', label: '成员', count: c.active || 0 }, { key: 'requested', label: '加入申请', count: c.requested || 0 }], mstate, k => { mstate = k; draw(); }),
            table([
              { title: '姓名', cell: m => m.person_name_masked }, { title: '手机号', cell: m => m.phone_masked },
              { title: '角色', cell: m => m.role === 'admin' ? '管理员' : '成员' }, { title: '状态', cell: m => st(m.state) },
              { title: '申请理由', cell: m => m.reason }, { title: '时间', cell: m => date(m.requested_at) },
              { title: '操作', cell: m => m.state === 'requested'
                ? h('span', {}, h('button', { type: 'button', class: 'btn-link', onclick: act(`/api/v1/enterprise/join-requests/${encodeURIComponent(m.id)}/approval`) }, '同意'), ' ',
                  h('button', { type: 'button', class: 'btn-link', onclick: act(`/api/v1/enterprise/join-requests/${encodeURIComponent(m.id)}/rejection`, { reason: '管理员拒绝' }) }, '拒绝'))
                : m.role !== 'admin' ? h('button', { type: 'button', class: 'btn-link', onclick: act('/api/v1/enterprise/admin-handover', { person_id: m.person_id }) }, '移交管理员') : '—' },
            ], r.items, mstate === 'requested' ? '暂无加入申请' : '暂无成员')));
        }
      } else {
        parts.push(notice('当前为个人身份。已加入企业可在右上角切换到企业身份；未加入可在下方申请加入。', 'info'));
      }
      const mine = await api.get('/api/v1/enterprise/join-requests', { page_size: 20 });
      parts.push(h('section', { class: 'card' }, h('h2', {}, '我的加入申请'),
        table([{ title: '企业', cell: m => m.enterprise_name }, { title: '状态', cell: m => st(m.state) },
          { title: '审批意见', cell: m => m.decision_reason }, { title: '申请时间', cell: m => date(m.requested_at) },
          { title: '操作', cell: m => m.state === 'requested' ? h('button', { type: 'button', class: 'btn-link', onclick: async () => {
            await api.post(`/api/v1/enterprise/join-requests/${encodeURIComponent(m.id)}/withdrawal`, {}); await draw(); } }, '撤回') : '—' }],
        mine.items, '暂无加入申请'),
        h('h2', {}, '申请加入企业'),
        form({
          fields: [field({ name: 'uscc', label: '统一社会信用代码', maxlength: 18 }), field({ name: 'enterprise_name', label: '或企业全称' }),
            field({ name: 'reason', label: '申请理由', type: 'textarea', wide: true })],
          submit: '提交申请',
          onSubmit: async (v, key) => { await api.post('/api/v1/enterprise/join-requests', v, { key }); await draw(); },
        })));
      wrap.replaceChildren(...parts);
    }
    await draw();
    return wrap;
  },
};
