/* A certificate in 证书管理: subject, serial, validity, status; downloads (PEM, DER, the
 * chain), 续费, and revocation with an RFC 5280 reason after a confirmation dialog (the
 * holder, or the enterprise's admin: can_revoke). */
import { h, mount, dl, date, notice, section } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { certStatusTag, certBase, REVOKE_REASONS, MEDIA, label, confirmDialog } from './cert-common.js';
import { commonName, CAS } from './certificates.js';

export default {
  title: '证书详情',
  menu: 'me',
  auth: true,
  async render({ params }) {
    const side = params.side === 'enterprise' ? 'enterprise' : 'personal';
    const base = certBase(side) + '/' + encodeURIComponent(params.serial);
    const wrap = h('div', {});
    async function draw(done) {
      const c = await api.get(base);
      const file = name => h('a', { class: 'btn btn-secondary', href: base + '/' + name, download: c.serial + '-' + name }, {
        'certificate.pem': '下载证书（PEM）', 'certificate.der': '下载证书（DER）', 'chain.pem': '下载证书链（PEM）' }[name]);
      const parts = [h('p', {}, h('a', { href: '#/me/certificates?side=' + side }, '← 证书管理')),
        h('h1', {}, commonName(c.subject), ' ', certStatusTag(c)),
        done ? notice(done, 'ok') : null,
        section('证书信息', dl([
          ['主题', h('code', {}, c.subject)], ['序列号', h('code', { class: 'serial' }, c.serial)],
          ['证书类型', c.profile === 'enterprise' ? '企业证书' : '个人证书'], ['算法', CAS[c.ca] || c.ca],
          ['介质', c.medium ? label(MEDIA, c.medium) : '—'], ['生效时间', date(c.not_before)], ['到期时间', date(c.not_after)],
          ['状态', certStatusTag(c)],
          c.revoked_at ? ['吊销时间', date(c.revoked_at)] : null,
          c.revocation_reason ? ['吊销原因', label(REVOKE_REASONS, c.revocation_reason)] : null,
        ])),
        section('下载', h('p', { class: 'actions' }, file('certificate.pem'), file('certificate.der'), file('chain.pem')),
          h('p', { class: 'hint' }, '证书链依次为本证书、签发 CA 与根 CA。证书文件不含私钥。'),
          c.certificate_pem ? h('details', {}, h('summary', {}, '查看 PEM'), h('pre', { class: 'pem' }, c.certificate_pem)) : null)];
      if (c.status !== 'revoked')
        parts.push(section('续费', h('p', {}, '续费签发一张新密钥的证书，有效期自本证书到期日起顺延。'),
          h('p', {}, h('a', { class: 'btn btn-secondary', href: `#/me/cert-applications/new?side=${side}&renew=${encodeURIComponent(c.serial)}` }, '申请续费'))));
      if (c.status !== 'revoked' && c.can_revoke) {
        parts.push(section('吊销证书',
          h('p', {}, '吊销立即生效且不可撤销：证书将列入证书吊销列表（CRL），OCSP 查询返回“已吊销”。'),
          form({
            fields: [field({ name: 'reason', label: '吊销原因', type: 'select', required: true, options: REVOKE_REASONS })],
            submit: '吊销证书',
            onSubmit: async (v, key) => {
              if (!await confirmDialog('确认吊销证书', `吊销“${commonName(c.subject)}”（序列号 ${c.serial}）？原因：${label(REVOKE_REASONS, v.reason)}。吊销后不可恢复。`, '确认吊销')) return;
              await api.post(base + '/revocations', { reason: v.reason }, { key });
              await draw('证书已吊销。');
            },
          })));
      }
      mount(wrap, ...parts);
    }
    await draw();
    return wrap;
  },
};
