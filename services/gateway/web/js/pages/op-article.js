/* 运营后台 · 文章: create or edit (Markdown body, the policy's fields, regions, tags, pinned
 * and order, cover URL), the preview of what is stored, publish / take offline, the versions. */
import { h, dl, table, notice, date, tag } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { regionField, regionName } from '../regions.js';
import { richText } from '../richtext.js';
import { CATEGORY_OPTIONS, stateTag } from './op-articles.js';
import { articleFacts } from './article.js';

const TEXT = ['title', 'summary', 'body', 'cover_url', 'source', 'source_url', 'authority', 'effective_on', 'expires_on'];
const POLICY_ONLY = ['source', 'source_url', 'authority', 'effective_on', 'expires_on'];

/* The chosen regions as removable chips; the cascade adds its deepest pick. */
function regionsEditor(initial) {
  const codes = [...(initial || [])];
  const chips = h('ul', { class: 'chips', 'aria-label': '已选地区' });
  const picker = regionField({ name: 'region_pick', label: '适用地区（不选即全国）' });
  picker.querySelector('input[type=hidden]').dataset.field = 'region_codes';
  async function draw() {
    const names = await Promise.all(codes.map(regionName));
    chips.replaceChildren(...codes.map((c, i) => h('li', { class: 'chip' }, names[i],
      h('button', { type: 'button', class: 'btn-link', 'aria-label': '移除 ' + names[i], onclick: () => { codes.splice(i, 1); draw(); } }, '×'))));
    if (!codes.length) chips.append(h('li', { class: 'muted' }, '全国'));
  }
  const add = h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => {
    const v = picker.querySelector('input[type=hidden]').value;
    if (v && !codes.includes(v)) { codes.push(v); draw(); }
  } }, '添加地区');
  picker.querySelector('.control').append(add);
  const el = h('div', { class: 'field wide region-editor' }, picker, chips);
  el.codes = codes;
  el.ready = Promise.all([picker.ready, draw()]);
  return el;
}

export default {
  title: '编辑文章',
  menu: 'op',
  auth: true,
  async render({ params, go }) {
    const isNew = !params.id;
    const a = isNew ? { category: 'policy', pin_order: 0 } : await api.get('/api/v1/operator/articles/' + encodeURIComponent(params.id));
    const id = a.id ? encodeURIComponent(a.id) : '';
    const regions = regionsEditor(a.region_codes);
    await regions.ready;
    const policyFields = [
      field({ name: 'authority', label: '发文机关', value: a.authority || '', hint: '政策发布前必填' }),
      field({ name: 'source', label: '来源', value: a.source || '' }),
      field({ name: 'source_url', label: '原文链接', type: 'url', value: a.source_url || '', placeholder: 'https://' }),
      field({ name: 'effective_on', label: '生效日期', type: 'date', value: a.effective_on || '' }),
      field({ name: 'expires_on', label: '失效日期', type: 'date', value: a.expires_on || '', hint: '不填即长期有效' }),
      regions,
    ];
    const pinned = field({ name: 'pinned', label: '在首页置顶', type: 'checkbox' });
    pinned.querySelector('input').checked = !!a.pinned;
    const f = form({
      fields: [
        field({ name: 'category', label: '栏目', type: 'select', options: CATEGORY_OPTIONS, value: a.category, required: true }),
        field({ name: 'title', label: '标题', value: a.title || '', required: true, maxlength: 100 }),
        field({ name: 'summary', label: '摘要', type: 'textarea', value: a.summary || '', wide: true, maxlength: 300 }),
        field({ name: 'body', label: '正文（Markdown）', type: 'textarea', rows: 14, value: a.body || '', wide: true,
          hint: '支持标题、列表、加粗、链接（http/https）；HTML 标签不会保留。保存后可在下方预览。' }),
        field({ name: 'cover_url', label: '封面图片地址', value: a.cover_url || '', placeholder: '/uploads/… 或 https://…' }),
        field({ name: 'tags', label: '标签（用逗号分隔）', value: (a.tags || []).join('，') }),
        ...policyFields,
        pinned,
        field({ name: 'pin_order', label: '置顶顺序（小者在前）', type: 'number', value: String(a.pin_order || 0), min: 0, max: 9999 }),
      ],
      submit: isNew ? '保存草稿' : '保存修改',
      onSubmit: async (v, key) => {
        const body = { category: v.category, pinned: v.pinned };
        if (!/^\d{1,4}$/.test(v.pin_order || '0')) throw invalid('pin_order', '请输入 0-9999 的整数');
        body.pin_order = Number(v.pin_order || 0);
        const policy = v.category === 'policy';
        for (const k of TEXT) {
          const val = POLICY_ONLY.includes(k) && !policy ? '' : v[k];
          if (val || !isNew) body[k] = val;
        }
        body.tags = (v.tags || '').split(/[,，、\s]+/).filter(Boolean);
        if (policy && regions.codes.length) body.region_codes = [...regions.codes];
        else if (!isNew && (a.region_codes || []).length) body.clear_regions = true;
        if (isNew) {
          const made = await api.post('/api/v1/operator/articles', body, { key });
          go('/op/articles/' + encodeURIComponent(made.id));
        } else {
          body.version = a.version;
          await api.patch('/api/v1/operator/articles/' + id, body);
          go('/op/articles/' + id);
        }
      },
    });
    const category = f.querySelector('select[name=category]');
    const showPolicy = () => { for (const el of policyFields) el.hidden = category.value !== 'policy'; };
    category.addEventListener('change', showPolicy);
    showPolicy();
    if (f.querySelector('input[name=pin_order]')) f.querySelector('input[name=pin_order]').setAttribute('inputmode', 'numeric');

    const out = [h('p', {}, h('a', { href: '#/op/articles' }, '← 内容管理')),
      h('h1', {}, isNew ? '新建文章' : a.title, ' ', isNew ? null : stateTag(a))];
    if (!isNew) {
      const msg = h('div', { 'aria-live': 'polite' });
      const act = (label, path, kind) => h('button', { type: 'button', class: 'btn ' + kind, onclick: async ev => {
        ev.currentTarget.disabled = true;
        try {
          await api.post(`/api/v1/operator/articles/${id}/${path}`, {});
          go('/op/articles/' + id);
        } catch (e) {
          msg.replaceChildren(notice(e.message, 'error'));
          ev.target.disabled = false;
        }
      } }, label);
      out.push(h('section', { class: 'card' },
        dl([['栏目', a.category_name], ['状态', stateTag(a)], ['版本', 'v' + a.version], ['发布时间', date(a.published_at)], ['更新时间', date(a.updated_at)]]),
        h('div', { class: 'actions' },
          a.state === 'published' ? act('下线', 'withdrawal', 'btn-secondary') : act('发布', 'publication', 'btn-primary'),
          a.state === 'published' ? h('a', { class: 'btn btn-secondary', href: '#/articles/' + id }, '查看前台页面') : null),
        msg));
    }
    out.push(h('section', { class: 'card' }, h('h2', {}, isNew ? '文章内容' : '编辑'), f));
    if (!isNew) {
      const versions = await api.get(`/api/v1/operator/articles/${id}/versions`, { page_size: 50 });
      out.push(h('section', { class: 'card preview' }, h('h2', {}, '预览（已保存的版本 v' + a.version + '）'),
        h('h1', { class: 'preview-title' }, a.title), a.summary ? h('p', { class: 'summary muted' }, a.summary) : null,
        await articleFacts(a), richText(a.body_html)));
      out.push(h('section', { class: 'card' }, h('h2', {}, '历史版本'),
        table([
          { title: '版本', cell: v => 'v' + v.version },
          { title: '当时状态', cell: v => tag({ draft: '草稿', published: '已发布', offline: '已下线' }[v.state] || v.state) },
          { title: '标题', cell: v => v.title },
          { title: '保存时间', cell: v => date(v.created_at) },
          { title: '内容', cell: v => h('details', {}, h('summary', {}, '查看'), richText(v.body_html)) },
        ], versions.items, '暂无历史版本')));
    }
    return out;
  },
};
