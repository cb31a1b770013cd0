/* 运营后台 · 企业认证审核: the queue by state. */
import { h, date, table, pager, tabs } from '../ui.js';
import { api } from '../api.js';
import { stateTag } from './me-certification.js';

export default {
  title: '企业认证审核',
  menu: 'op',
  auth: true,
  async render({ query, go }) {
    const state = query.get('state') || 'submitted';
    const page = Number(query.get('page') || 1);
    const r = await api.get('/api/v1/operator/certifications', { state, page, page_size: 20 });
    return [h('h1', {}, '企业认证审核'),
      tabs([{ key: 'submitted', label: '待审核' }, { key: 'approved', label: '已通过' }, { key: 'rejected', label: '已驳回' }], state,
        k => go('/op/certifications?state=' + k)),
      table([
        { title: '企业名称', cell: c => h('a', { href: '#/op/certifications/' + encodeURIComponent(c.id) }, c.enterprise_name) },
        { title: '统一社会信用代码', cell: c => c.uscc },
        { title: '法定代表人', cell: c => c.legal_rep_name },
        { title: '状态', cell: c => stateTag(c.state) },
        { title: '提交时间', cell: c => date(c.submitted_at) },
      ], r.items, '暂无待审核的申请'),
      pager(r.total, page, 20, n => go(`/op/certifications?state=${state}&page=${n}`))];
  },
};
