/* 数字证书申请: the applicant's 申请单 (personal, or the active enterprise's) with state
 * badges, the rejection reason in the list, and 新办 / 续费. */
import { h, date, table, tabs, pager, notice } from '../ui.js';
import { api } from '../api.js';
import { APP_STATES, appStateTag, sideOf, sideTabs, needEnterprise, enterpriseActive, appBase, MEDIA, label } from './cert-common.js';

export default {
  title: '数字证书申请',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const side = sideOf(query);
    const state = query.get('state') || '';
    const page = Number(query.get('page') || 1);
    const nav = changes => {
      const p = new URLSearchParams(query);
      for (const [k, v] of Object.entries(changes)) v ? p.set(k, v) : p.delete(k);
      go('/me/cert-applications' + (p.toString() ? '?' + p : ''));
    };
    const head = [h('h1', {}, '数字证书申请'), sideTabs(side, k => nav({ side: k, state: '', page: '' }))];
    if (side === 'enterprise' && !enterpriseActive()) return [...head, ...needEnterprise('企业数字证书')];
    let r;
    try {
      r = await api.get(appBase(side), { state, page, page_size: 10 });
    } catch (e) {
      if (e.status !== 403) throw e;
      return [...head, notice(e.message, 'error'),
        side === 'personal' ? h('p', {}, h('a', { href: '#/me/verification' }, '去实名认证')) : null];
    }
    const detail = a => '#/me/cert-applications/' + side + '/' + encodeURIComponent(a.id);
    return [...head,
      h('p', { class: 'toolbar' },
        h('span', { class: 'muted' }, side === 'enterprise' ? '企业证书由经办人代企业申请，受理时需营业执照与授权书。' : '个人证书须先完成实名认证，受理时需身份证。'),
        h('a', { class: 'btn btn-primary', href: '#/me/cert-applications/new?side=' + side }, '申请证书'),
        h('a', { class: 'btn btn-secondary', href: '#/me/cert-orders/new?side=' + side }, '下单缴费')),
      tabs(APP_STATES, state, k => nav({ state: k, page: '' })),
      table([
        { title: '申请单号', cell: a => h('a', { href: detail(a) }, a.no) },
        { title: '类型', cell: a => a.kind === 'renewal' ? '续费' : '新办' },
        { title: '证书名称', cell: a => a.subject_name },
        { title: '介质', cell: a => label(MEDIA, a.medium).replace(/（.*/, '') },
        { title: '有效期', cell: a => a.validity_years + ' 年' },
        { title: '申请时间', cell: a => date(a.created_at) },
        { title: '状态', cell: a => h('span', {}, appStateTag(a), a.state === 'rejected' && a.reject_reason ? h('span', { class: 'reason' }, '原因：' + a.reject_reason) : null) },
      ], r.items, '暂无证书申请'),
      pager(r.total, page, 10, n => nav({ page: String(n) }))];
  },
};
