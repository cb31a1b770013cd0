/* One application under review: every field, the files viewable, approve or reject with a reason. */
import { h, dl, date, size, wan, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { stateTag } from './me-certification.js';

const KIND_NAMES = { business_licence: '营业执照', legal_rep_id_front: '法定代表人身份证（人像面）',
  legal_rep_id_back: '法定代表人身份证（国徽面）', authorization_letter: '企业授权书' };

export default {
  title: '认证审核',
  menu: 'op',
  auth: true,
  async render({ params }) {
    const wrap = h('div', {});
    const base = '/api/v1/operator/certifications/' + encodeURIComponent(params.id);
    async function draw() {
      const c = await api.get(base);
      const files = (c.files || []).map(f => {
        const url = '/api/v1/files/' + encodeURIComponent(f.file.id);
        const isImg = (f.file.content_type || '').startsWith('image/');
        return h('figure', { class: 'doc' },
          isImg ? h('a', { href: url, target: '_blank', rel: 'noopener' }, h('img', { src: url, alt: KIND_NAMES[f.kind] || f.kind })) : null,
          h('figcaption', {}, KIND_NAMES[f.kind] || f.kind, '：', h('a', { href: url, target: '_blank', rel: 'noopener' }, f.file.name),
            ` （${f.file.content_type}，${size(f.file.size)}）`));
      });
      const chk = c.legal_rep_check || {};
      const parts = [h('p', {}, h('a', { href: '#/op/certifications' }, '← 审核列表')),
        h('h1', {}, c.enterprise_name, ' ', stateTag(c.state)),
        h('section', { class: 'card' }, dl([
          ['统一社会信用代码', c.uscc], ['登记状态', c.registry_status],
          ['注册资本', c.registered_capital_fen ? wan(c.registered_capital_fen) + ' 万元' : ''],
          ['法定代表人', c.legal_rep_name], ['法定代表人身份证', c.legal_rep_id_number_masked], ['法定代表人手机', c.legal_rep_phone_masked],
          ['法定代表人核验', chk.state || '未核验'], ['所在地区', c.region_name], ['所属行业', c.industry_name], ['详细地址', c.address],
          ['联系人', c.contact_name], ['联系电话', c.contact_phone_masked], ['推荐机构', c.referring_institution],
          ['提交时间', date(c.submitted_at)], ['审核时间', date(c.decided_at)], c.reject_reason ? ['驳回原因', c.reject_reason] : null])),
        h('section', { class: 'card' }, h('h2', {}, '认证材料'), files.length ? h('div', { class: 'docs' }, files) : notice('未上传材料'))];
      if (c.state === 'submitted') {
        parts.push(h('section', { class: 'card' }, h('h2', {}, '审核'),
          form({ fields: [h('p', {}, '核对材料与工商信息一致后通过；通过后申请人成为企业管理员。')], submit: '通过',
            onSubmit: async () => { await api.post(base + '/approval', {}); await draw(); } }),
          form({ fields: [field({ name: 'reason', label: '驳回原因', type: 'textarea', required: true, wide: true })], submit: '驳回',
            onSubmit: async v => { await api.post(base + '/rejection', { reason: v.reason }); await draw(); } })));
      }
      wrap.replaceChildren(...parts);
    }
    await draw();
    return wrap;
  },
};
