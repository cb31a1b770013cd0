/* 企业认证 (manual 003): registry autofill by USCC or name, the region cascade, the four
 * files with type and size shown before sending, the authorisation-letter template, the
 * legal representative's check, submission, and the rejection reason with resubmission. */
import { h, dl, date, notice, tag, size, wan, wanToFen, table } from '../ui.js';
import { api, newKey } from '../api.js';
import { form, field, showError, clearErrors, invalid } from '../forms.js';
import { regionField } from '../regions.js';
import { refresh } from '../session.js';

const STATES = {
  draft: ['草稿', ''], submitted: ['审核中', 'warn'], approved: ['已通过', 'ok'],
  rejected: ['已驳回', 'bad'], superseded: ['已作废', ''],
};
const KINDS = [
  ['business_licence', '营业执照'],
  ['legal_rep_id_front', '法定代表人身份证（人像面）'],
  ['legal_rep_id_back', '法定代表人身份证（国徽面）'],
  ['authorization_letter', '企业授权书（加盖公章）'],
];
const ACCEPT = 'image/png,image/jpeg,image/bmp,application/pdf';
const MAX_BYTES = 5 * 1024 * 1024;
export const INDUSTRIES = [['', '请选择'], ['A', 'A 农、林、牧、渔业'], ['B', 'B 采矿业'], ['C', 'C 制造业'],
  ['D', 'D 电力、热力、燃气及水生产和供应业'], ['E', 'E 建筑业'], ['F', 'F 批发和零售业'],
  ['G', 'G 交通运输、仓储和邮政业'], ['H', 'H 住宿和餐饮业'], ['I', 'I 信息传输、软件和信息技术服务业'],
  ['J', 'J 金融业'], ['K', 'K 房地产业'], ['L', 'L 租赁和商务服务业'], ['M', 'M 科学研究和技术服务业'],
  ['N', 'N 水利、环境和公共设施管理业'], ['O', 'O 居民服务、修理和其他服务业'], ['P', 'P 教育'],
  ['Q', 'Q 卫生和社会工作'], ['R', 'R 文化、体育和娱乐业'], ['S', 'S 公共管理、社会保障和社会组织'], ['T', 'T 国际组织']];

const FIELD_NAMES = { enterprise_name: '企业名称', registered_capital_fen: '注册资本', legal_rep_name: '法定代表人姓名',
  legal_rep_id_number: '法定代表人身份证号', legal_rep_phone: '法定代表人手机号', region_code: '所在地区', industry: '所属行业',
  address: '详细地址', contact_name: '联系人姓名', contact_phone: '联系人手机号', contact_email: '联系人邮箱' };

export function stateTag(s) {
  const [l, k] = STATES[s] || [s, ''];
  return tag(l, k);
}

export default {
  title: '企业认证',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const wrap = h('div', {});

    async function overview() {
      const r = await api.get('/api/v1/enterprise/certifications', { page_size: 50 });
      const items = r.items || [];
      const open = items.find(c => c.state === 'draft' || c.state === 'rejected' || c.state === 'submitted');
      if (query.get('id')) return detail(query.get('id'));
      if (open && !query.get('new')) return detail(open.id);
      wrap.replaceChildren(h('h1', {}, '企业认证'),
        items.length ? h('section', { class: 'card' }, h('h2', {}, '我的认证申请'),
          table([
            { title: '企业名称', cell: c => c.enterprise_name },
            { title: '统一社会信用代码', cell: c => c.uscc },
            { title: '状态', cell: c => stateTag(c.state) },
            { title: '更新时间', cell: c => date(c.updated_at) },
            { title: '操作', cell: c => h('a', { href: '#/me/certification?id=' + encodeURIComponent(c.id) }, '查看') },
          ], items)) : null,
        newForm());
    }

    function newForm() {
      const results = h('div', { class: 'registry-results' });
      const region = regionField({});
      const f = form({
        fields: [
          h('div', { class: 'field wide search-row' },
            h('label', { for: 'registry-q' }, '查询工商信息'),
            h('div', { class: 'control' },
              h('input', { id: 'registry-q', type: 'search', placeholder: '输入统一社会信用代码或企业名称', dataset: { field: 'q' } }),
              h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => search() }, '查询')),
            h('div', { class: 'field-error', 'aria-live': 'polite' })),
          results,
          field({ name: 'uscc', label: '统一社会信用代码', required: true, maxlength: 18 }),
          field({ name: 'enterprise_name', label: '企业名称', required: true }),
          field({ name: 'registered_capital', field: 'registered_capital_fen', label: '注册资本（万元）', inputmode: 'decimal' }),
          field({ name: 'industry', label: '所属行业', type: 'select', options: INDUSTRIES }),
          region,
          field({ name: 'address', label: '详细地址', wide: true }),
          field({ name: 'legal_rep_name', label: '法定代表人姓名' }),
          field({ name: 'legal_rep_id_number', label: '法定代表人身份证号', maxlength: 18 }),
          field({ name: 'legal_rep_phone', label: '法定代表人手机号', inputmode: 'numeric', maxlength: 11 }),
        ],
        submit: '保存并继续',
        onSubmit: async (v, key) => {
          const body = formBody(v);
          const c = await api.post('/api/v1/enterprise/certifications', body, { key });
          go('/me/certification?id=' + encodeURIComponent(c.id));
        },
      });
      async function search() {
        const input = f.querySelector('#registry-q');
        clearErrors(f);
        if (!input.value.trim()) return showError(f, invalid('q', '请输入统一社会信用代码或企业名称'));
        let r;
        try {
          r = await api.get('/api/v1/registry/enterprises', { q: input.value.trim(), page_size: 10 });
        } catch (e) {
          return showError(f, e.field ? e : { field: 'q', message: e.message });
        }
        const items = r.items || [];
        results.replaceChildren(items.length ? h('ul', { class: 'picklist' }, items.map(x => h('li', {},
          h('button', { type: 'button', class: 'pick', disabled: !x.certifiable, onclick: () => pick(x) },
            h('strong', {}, x.name), ' ', x.uscc, ' · 法定代表人 ', x.legal_rep || '—', ' · ', x.status,
            x.certifiable ? '' : '（不可认证）')))) : h('p', { class: 'empty' }, '未查到该企业，请核对后重新输入'));
      }
      async function pick(x) {
        const e = f.elements;
        e.uscc.value = x.uscc;
        e.enterprise_name.value = x.name;
        e.legal_rep_name.value = x.legal_rep || '';
        e.address.value = x.address || '';
        e.industry.value = x.industry || '';
        e.registered_capital.value = x.registered_capital_fen ? wan(x.registered_capital_fen) : '';
        results.replaceChildren(notice(`已带出「${x.name}」的工商登记信息`, 'ok'));
        await region.preset(x.region_code || '');
      }
      return h('section', { class: 'card' }, h('h2', {}, '新建企业认证'),
        h('p', { class: 'muted' }, '输入统一社会信用代码或企业名称查询，工商登记信息将自动带出。'), f);
    }

    function formBody(v, editing) {
      const body = {};
      for (const k of ['uscc', 'enterprise_name', 'industry', 'region_code', 'address', 'legal_rep_name',
        'legal_rep_id_number', 'legal_rep_phone', 'contact_name', 'contact_phone', 'contact_position', 'contact_email', 'referring_institution'])
        if (v[k] !== undefined && v[k] !== '') body[k] = v[k];
      if (editing) delete body.uscc;
      if (v.registered_capital) {
        const fen = wanToFen(v.registered_capital);
        if (fen === null) throw invalid('registered_capital_fen', '请输入正确的金额（万元，最多四位小数）');
        body.registered_capital_fen = fen;
      }
      return body;
    }

    function fileRow(c, kind, label, editable) {
      const cur = (c.files || []).find(f => f.kind === kind);
      const info = h('span', { class: 'file-info' });
      const input = h('input', { type: 'file', accept: ACCEPT, id: 'file-' + kind, name: 'file', dataset: { field: 'file' } });
      const err = h('div', { class: 'field-error', 'aria-live': 'polite' });
      const btn = h('button', { type: 'button', class: 'btn btn-secondary', disabled: true }, '上传');
      input.addEventListener('change', () => {
        err.textContent = '';
        const f = input.files[0];
        if (!f) { info.textContent = ''; btn.disabled = true; return; }
        info.textContent = `${f.name} · ${f.type || '未知类型'} · ${size(f.size)}`;
        const okType = ACCEPT.split(',').includes(f.type);
        if (!okType) err.textContent = '仅支持 PNG、JPG、BMP 图片或 PDF 文件';
        else if (f.size > MAX_BYTES) err.textContent = '文件不能超过 5 MB';
        else if (f.size === 0) err.textContent = '文件为空';
        btn.disabled = !!err.textContent;
      });
      const key = newKey();
      btn.addEventListener('click', async () => {
        const fd = new FormData();
        fd.append('kind', kind);
        fd.append('file', input.files[0], input.files[0].name);
        btn.disabled = true;
        try {
          await api.upload('/api/v1/enterprise/certifications/' + encodeURIComponent(c.id) + '/files', fd, { key });
          await detail(c.id);
        } catch (e) {
          err.textContent = e.message;
          btn.disabled = false;
        }
      });
      return h('div', { class: 'file-row' },
        h('div', { class: 'file-label' }, h('label', { for: 'file-' + kind }, label),
          cur ? h('a', { href: '/api/v1/files/' + encodeURIComponent(cur.file.id), target: '_blank', rel: 'noopener' },
            `已上传：${cur.file.name}（${size(cur.file.size)}）`) : h('span', { class: 'muted' }, '未上传')),
        editable ? h('div', { class: 'control' }, input, btn, info) : null,
        err);
    }

    function legalRepSection(c) {
      const chk = c.legal_rep_check;
      const parts = [h('p', { class: 'muted' }, '可选：由法定代表人本人完成核验，审核更快。')];
      if (chk && chk.state) parts.push(dl([['核验状态', chk.state === 'passed' || chk.state === 'verified' ? tag('已核验', 'ok') : tag(chk.state, 'warn')],
        ['方式', chk.method], chk.failure_reason ? ['失败原因', chk.failure_reason] : null]));
      if (chk && chk.next_step === 'sms') {
        parts.push(form({
          fields: [field({ name: 'sms_code', label: '法定代表人收到的短信验证码', required: true, inputmode: 'numeric', maxlength: 6 })],
          submit: '确认核验',
          onSubmit: async v => { await api.post(`/api/v1/enterprise/certifications/${encodeURIComponent(c.id)}/legal-rep-check/confirmation`, { sms_code: v.sms_code }); await detail(c.id); },
        }));
      } else if (chk && chk.next_step === 'face') {
        parts.push(form({
          fields: [chk.face_url ? h('p', {}, h('a', { href: chk.face_url, target: '_blank', rel: 'noopener' }, '法定代表人人脸识别页面')) : null],
          submit: '法定代表人已完成人脸识别',
          onSubmit: async () => { await api.post(`/api/v1/enterprise/certifications/${encodeURIComponent(c.id)}/legal-rep-check/confirmation`, {}); await detail(c.id); },
        }));
      } else if (c.state === 'draft' || c.state === 'rejected') {
        parts.push(form({
          fields: [
            field({ name: 'method', label: '核验方式', type: 'select', options: [['face', '人脸识别'], ['bank4', '银行卡四要素'], ['carrier3', '运营商三要素']] }),
            field({ name: 'phone', label: '核验手机号', inputmode: 'numeric', maxlength: 11 }),
            field({ name: 'bank_card', label: '核验银行卡号（银行卡方式）', inputmode: 'numeric' }),
          ],
          submit: '发起核验',
          onSubmit: async (v, key) => {
            const body = { method: v.method };
            if (v.phone) body.phone = v.phone;
            if (v.bank_card) body.bank_card = v.bank_card;
            await api.post(`/api/v1/enterprise/certifications/${encodeURIComponent(c.id)}/legal-rep-check`, body, { key });
            await detail(c.id);
          },
        }));
      }
      return h('section', { class: 'card' }, h('h2', {}, '法定代表人核验'), parts);
    }

    async function detail(id) {
      const c = await api.get('/api/v1/enterprise/certifications/' + encodeURIComponent(id));
      const editable = c.state === 'draft' || c.state === 'rejected';
      const parts = [h('h1', {}, '企业认证'),
        h('p', {}, h('a', { href: '#/me/certification?new=1' }, '新建另一家企业的认证')),
        h('section', { class: 'card' }, h('h2', {}, c.enterprise_name, ' ', stateTag(c.state)),
          c.state === 'rejected' ? notice('驳回原因：' + (c.reject_reason || '—') + '。请修改后重新提交。', 'error') : null,
          c.state === 'submitted' ? notice('已提交，平台将在 1-3 个工作日内完成审核，结果将通过消息通知您。', 'info') : null,
          c.state === 'approved' ? notice('认证已通过，您已成为该企业的管理员。可在右上角切换到企业身份。', 'ok') : null,
          dl([['统一社会信用代码', c.uscc], ['登记状态', c.registry_status], ['注册资本', c.registered_capital_fen ? wan(c.registered_capital_fen) + ' 万元' : ''],
            ['法定代表人', c.legal_rep_name], ['法定代表人身份证', c.legal_rep_id_number_masked], ['所在地区', c.region_name],
            ['所属行业', c.industry_name], ['详细地址', c.address], ['联系人', c.contact_name], ['联系电话', c.contact_phone_masked],
            ['提交时间', date(c.submitted_at)], ['审核时间', date(c.decided_at)]]))];
      let editForm = null;
      if (editable) {
        const region = regionField({ value: c.region_code });
        parts.push(h('section', { class: 'card' }, h('h2', {}, '补充企业信息'), editForm = form({
          fields: [
            field({ name: 'enterprise_name', label: '企业名称', value: c.enterprise_name }),
            field({ name: 'registered_capital', field: 'registered_capital_fen', label: '注册资本（万元）', value: c.registered_capital_fen ? wan(c.registered_capital_fen) : '', inputmode: 'decimal' }),
            field({ name: 'industry', label: '所属行业', type: 'select', options: INDUSTRIES, value: c.industry || '' }),
            region,
            field({ name: 'address', label: '详细地址', value: c.address, wide: true }),
            field({ name: 'legal_rep_name', label: '法定代表人姓名', value: c.legal_rep_name }),
            field({ name: 'legal_rep_id_number', label: '法定代表人身份证号', placeholder: c.legal_rep_id_number_masked || '', maxlength: 18 }),
            field({ name: 'legal_rep_phone', label: '法定代表人手机号', placeholder: c.legal_rep_phone_masked || '', inputmode: 'numeric', maxlength: 11 }),
            field({ name: 'contact_name', label: '联系人姓名', value: c.contact_name }),
            field({ name: 'contact_phone', label: '联系人手机号', placeholder: c.contact_phone_masked || '', inputmode: 'numeric', maxlength: 11 }),
            field({ name: 'contact_position', label: '联系人职务', value: c.contact_position }),
            field({ name: 'contact_email', label: '联系人邮箱', type: 'email', value: c.contact_email }),
            field({ name: 'referring_institution', label: '推荐机构', value: c.referring_institution }),
          ],
          submit: '保存',
          onSubmit: async v => { await api.patch('/api/v1/enterprise/certifications/' + encodeURIComponent(c.id), formBody(v, true)); await detail(c.id); },
        })));
      }
      const missing = (c.missing || []).map(m => (KINDS.find(k => k[0] === m) || [m, FIELD_NAMES[m] || m])[1]);
      parts.push(h('section', { class: 'card' }, h('h2', {}, '认证材料'),
        h('p', { class: 'muted' }, '支持 PNG、JPG、BMP 图片或 PDF，单个文件不超过 5 MB。 ',
          h('a', { href: '/api/v1/enterprise/authorization-letter', download: '企业授权书.pdf' }, '下载《企业授权书》模板')),
        KINDS.map(([k, l]) => fileRow(c, k, l, editable)),
        missing.length && editable ? h('p', { class: 'muted' }, '提交前尚需补充：', missing.join('、')) : null));
      if (editable || (c.legal_rep_check && c.legal_rep_check.state)) parts.push(legalRepSection(c));
      if (editable) {
        parts.push(h('section', { class: 'card' }, form({
          fields: [h('p', {}, '提交前请确认信息真实有效。提交审核需先完成个人实名认证。')],
          submit: c.state === 'rejected' ? '重新提交审核' : '提交审核',
          onSubmit: async () => {
            try {
              await api.post('/api/v1/enterprise/certifications/' + encodeURIComponent(c.id) + '/submission', {});
            } catch (e) {
              /* A missing field is shown beside its input in the form above. */
              if (e.field && editForm && editForm.querySelector(`[data-field="${CSS.escape(e.field)}"]`)) {
                clearErrors(editForm);
                showError(editForm, { field: e.field, message: (FIELD_NAMES[e.field] || '') + '：' + e.message });
                throw invalid('', '请补充标红的信息后再提交');
              }
              throw e;
            }
            await detail(c.id);
          },
        })));
      }
      if (c.state === 'approved') await refresh();
      wrap.replaceChildren(...parts);
    }

    await overview();
    return wrap;
  },
};
