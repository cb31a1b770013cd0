/* 证书管理: my certificates (personal ones and those bound to me) or the active enterprise's
 * (every member sees them), filtered by status (有效, 即将过期, 已过期, 已吊销). */
import { h, date, table, tabs, pager } from '../ui.js';
import { api } from '../api.js';
import { CERT_STATUSES, certStatusTag, sideOf, sideTabs, enterpriseActive, needEnterprise, certBase, MEDIA, label } from './cert-common.js';

/* The CN of an RFC 2253 subject: what a person calls the certificate. */
export function commonName(subject) {
  const m = /(?:^|,)CN=((?:\\.|[^,])*)/.exec(subject || '');
  return m ? m[1].replace(/\\(.)/g, '$1') : subject;
}

export const CAS = { rsa: 'RSA 2048', ecdsa: 'ECDSA P-256', sm2: 'SM2（国密）' };

export default {
  title: '证书管理',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const side = sideOf(query);
    const status = query.get('status') || '';
    const page = Number(query.get('page') || 1);
    const nav = changes => {
      const p = new URLSearchParams(query);
      for (const [k, v] of Object.entries(changes)) v ? p.set(k, v) : p.delete(k);
      go('/me/certificates' + (p.toString() ? '?' + p : ''));
    };
    const head = [h('h1', {}, '证书管理'), sideTabs(side, k => nav({ side: k, status: '', page: '' }))];
    if (side === 'enterprise' && !enterpriseActive()) return [...head, ...needEnterprise('企业证书管理')];
    const r = await api.get(certBase(side), { status, page, page_size: 10 });
    const detail = c => '#/me/certificates/' + side + '/' + encodeURIComponent(c.serial);
    return [...head,
      h('p', { class: 'toolbar' },
        h('span', { class: 'muted' }, side === 'enterprise' ? '当前企业的全部证书，企业成员均可查看；持有人或企业管理员可吊销。' : '您的个人证书，以及绑定到您账号的企业证书。'),
        h('span', { class: 'actions' },
          h('a', { class: 'btn btn-secondary', href: '#/me/certificates/bind?side=' + side }, '绑定已有证书'),
          h('a', { class: 'btn btn-primary', href: '#/me/cert-applications/new?side=' + side }, '申请证书'))),
      tabs(CERT_STATUSES, status, k => nav({ status: k, page: '' })),
      table([
        { title: '证书名称', cell: c => h('a', { href: detail(c) }, commonName(c.subject)) },
        { title: '序列号', cell: c => h('code', { class: 'serial' }, c.serial) },
        { title: '算法', cell: c => CAS[c.ca] || c.ca },
        { title: '介质', cell: c => c.medium ? label(MEDIA, c.medium).replace(/（.*/, '') : '—' },
        { title: '有效期至', cell: c => date(c.not_after) },
        { title: '状态', cell: certStatusTag },
      ], r.items, '暂无证书'),
      pager(r.total, page, 10, n => nav({ page: String(n) }))];
  },
};
