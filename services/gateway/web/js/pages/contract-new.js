/* 上传合同 and the draft (manual 002 · 文件上传): first the PDF (at most 20 MB, not encrypted)
 * and its name; then the draft — signers (phone and real name, each optionally for an
 * enterprise), sequential or parallel order, the deadline — saved, then sent. */
import { h, notice, section } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid, showError, clearErrors } from '../forms.js';
import { session, activeIdentity } from '../session.js';
import { confirmDialog } from './cert-common.js';
import { ORDER_MODES, toRfc3339, toLocalInput, contractPath, apiPath, contractStateTag } from './contract-common.js';

const MAX_BYTES = 20 * 1024 * 1024;

function uploadForm(go) {
  const who = activeIdentity();
  return section('上传合同文件',
    notice(who && who.type === 'enterprise' ? `以企业身份「${who.name}」发起。` : '以个人身份发起（切换到企业身份可代表企业发起）。'),
    form({
      fields: [
        field({ name: 'file', label: '合同文件（PDF，20 MB 以内，未加密）', type: 'file', required: true, accept: 'application/pdf,.pdf' }),
        field({ name: 'title', label: '合同名称（不填则用文件名）', maxlength: 100 }),
      ],
      submit: '上传',
      onSubmit: async (v, key) => {
        if (!v.file) throw invalid('file', '请选择合同文件');
        if (v.file.size > MAX_BYTES) throw invalid('file', '合同文件不能超过 20 MB');
        const fd = new FormData();
        fd.append('file', v.file);
        if (v.title) fd.append('title', v.title);
        const c = await api.upload('/api/v1/contracts', fd, { key });
        go('/me/contracts/new?id=' + encodeURIComponent(c.id));
      },
    }));
}

/* One signer's row: phone, name, optional enterprise (an id; the initiator's own
 * enterprises offered by name). */
function signerRow(i, s, remove) {
  const mine = session.identities.filter(x => x.type === 'enterprise');
  const listId = 'ct-ents-' + i;
  const ent = field({ name: 'ent' + i, field: `signers[${i}].enterprise_id`, label: '代表企业（可选，企业 ID）', value: s.enterprise_id || '', placeholder: '个人签署则留空' });
  const input = ent.querySelector('input');
  input.setAttribute('list', listId);
  const row = h('fieldset', { class: 'signer-row card' },
    h('legend', {}, `签署方 ${i + 1}`),
    field({ name: 'phone' + i, field: `signers[${i}].phone`, label: '手机号', value: s.phone || '', inputmode: 'numeric', maxlength: 11, required: true, placeholder: s.phone_masked || '' }),
    field({ name: 'name' + i, field: `signers[${i}].name`, label: '姓名（与实名认证一致）', value: s.name || '', required: true }),
    ent,
    h('datalist', { id: listId }, mine.map(m => h('option', { value: m.enterprise_id }, m.name))),
    s.enterprise_name ? h('p', { class: 'muted' }, '企业：' + s.enterprise_name) : null,
    h('button', { type: 'button', class: 'btn btn-link', onclick: remove }, '移除'));
  return row;
}

function draftForm(c, go) {
  /* The phone of a saved signer is masked: the initiator types it again when editing. */
  let signers = (c.signers || []).map(s => ({ name: s.name, enterprise_id: s.enterprise_id, enterprise_name: s.enterprise_name, phone_masked: s.phone_masked }));
  if (signers.length === 0) signers = [{}];
  const list = h('div', { class: 'signers' });
  /* The rows as typed (a row not drawn yet gives nothing). */
  const collect = el => signers.map((_, i) => {
    const v = n => (el.elements[n + i] ? el.elements[n + i].value.trim() : '');
    return { phone: v('phone'), name: v('name'), enterprise_id: v('ent') || undefined };
  });
  let formEl;
  const draw = () => {
    list.replaceChildren(...signers.map((s, i) => signerRow(i, s, () => { keep(); signers.splice(i, 1); draw(); })));
  };
  const add = h('button', { type: 'button', class: 'btn btn-secondary' }, '添加签署方');
  const keep = () => {
    const typed = collect(formEl);
    signers = signers.map((s, i) => ({ ...s, ...typed[i] }));
  };
  add.addEventListener('click', () => {
    keep();
    signers.push({});
    draw();
  });
  const body = el => {
    const expires = toRfc3339(el.elements.expires_at.value);
    return {
      title: el.elements.title.value.trim(), order_mode: el.elements.order_mode.value,
      expires_at: expires || undefined, signers: collect(el).filter(s => s.phone || s.name),
    };
  };
  const send = h('button', { type: 'button', class: 'btn btn-primary' }, '保存并发起签署');
  formEl = form({
    fields: [
      field({ name: 'title', label: '合同名称', value: c.title, required: true, maxlength: 100 }),
      field({ name: 'order_mode', label: '签署顺序', type: 'select', options: ORDER_MODES, value: c.order_mode || 'sequential' }),
      field({ name: 'expires_at', label: '签署截止时间（北京时间，一年以内）', type: 'datetime-local', value: toLocalInput(c.expires_at), required: true }),
      h('h3', {}, '签署方'),
      list,
      h('p', {}, add),
    ],
    submit: '保存草稿',
    cls: 'contract-draft',
    secondary: send,
    onSubmit: async (_v, _key, el) => {
      await api.put(apiPath(c.id), body(el));
      go('/me/contracts/new?id=' + encodeURIComponent(c.id) + '&saved=1');
    },
  });
  send.addEventListener('click', async () => {
    clearErrors(formEl);
    const b = body(formEl);
    if (!b.expires_at) { showError(formEl, invalid('expires_at', '请选择签署截止时间')); return; }
    if (b.signers.length === 0) { showError(formEl, invalid('signers[0].phone', '请至少添加一位签署方')); return; }
    send.disabled = true;
    try {
      await api.put(apiPath(c.id), b);
      await api.post(apiPath(c.id) + '/send', {});
      go(contractPath(c.id) + '?sent=1');
    } catch (err) {
      showError(formEl, err);
    } finally {
      send.disabled = false;
    }
  });
  draw();
  return formEl;
}

export default {
  title: '上传合同',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const id = query.get('id');
    const head = [h('p', {}, h('a', { href: '#/me/contracts?view=drafts' }, '← 草稿箱'))];
    if (!id) return [...head, h('h1', {}, '上传合同'), uploadForm(go)];
    const c = await api.get(apiPath(id));
    if (c.state !== 'draft') { go(contractPath(id)); return []; }
    const del = h('button', { type: 'button', class: 'btn btn-secondary' }, '删除草稿');
    del.addEventListener('click', async () => {
      if (!await confirmDialog('删除草稿', '删除后不能恢复。确定删除？', '删除')) return;
      await api.del(apiPath(id));
      go('/me/contracts?view=drafts');
    });
    return [...head,
      h('h1', {}, c.title, ' ', contractStateTag(c)),
      query.get('saved') ? notice('草稿已保存。', 'ok') : null,
      h('p', { class: 'muted' }, `${c.number} · ${c.pages} 页 · `, h('a', { href: '#' + contractPath(id) }, '预览文件')),
      section('签署设置', draftForm(c, go)),
      h('p', { class: 'toolbar' }, del)];
  },
};
