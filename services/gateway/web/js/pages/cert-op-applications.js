/* 运营后台 · 数字证书申请 (ca_officer): the queue by state, 待审核 first by default. */
import { h, date, table, tabs, pager } from '../ui.js';
import { api } from '../api.js';
import { APP_STATES, appStateTag, MEDIA, label } from './cert-common.js';

export default {
  title: '数字证书申请',
  menu: 'op',
  auth: true,
  async render({ query, go }) {
    const state = query.get('state') ?? 'pending';
    const page = Number(query.get('page') || 1);
    const r = await api.get('/api/v1/operator/certificate-applications', { state, page, page_size: 20 });
    return [h('h1', {}, '数字证书申请'),
      tabs(APP_STATES, state, k => go('/op/cert-applications?state=' + k)),
      table([
        { title: '申请单号', cell: a => h('a', { href: '#/op/cert-applications/' + encodeURIComponent(a.id) }, a.no) },
        { title: '证书名称', cell: a => a.subject_name },
        { title: '类型', cell: a => (a.profile === 'enterprise' ? '企业' : '个人') + (a.kind === 'renewal' ? ' · 续费' : ' · 新办') },
        { title: '介质', cell: a => label(MEDIA, a.medium).replace(/（.*/, '') },
        { title: '申请时间', cell: a => date(a.created_at) },
        { title: '状态', cell: appStateTag },
      ], r.items, '暂无申请'),
      pager(r.total, page, 20, n => go(`/op/cert-applications?state=${state}&page=${n}`))];
  },
};
