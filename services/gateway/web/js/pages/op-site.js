/* 运营后台 · 站点设置: the footer of every page (客服电话, 服务时间, ICP 备案号, links), saved whole. */
import { h, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';

export default {
  title: '站点设置',
  menu: 'op',
  auth: true,
  async render({ go }) {
    const s = await api.get('/api/v1/site-settings');
    const rows = h('div', { class: 'link-rows field wide' });
    let n = 0;
    function row(l) {
      const i = n++;
      const r = h('div', { class: 'link-row' },
        field({ name: 'link_title_' + i, field: `footer_links[${i}].title`, label: `链接 ${i + 1} 标题`, value: l.title || '' }),
        field({ name: 'link_url_' + i, field: `footer_links[${i}].url`, label: `链接 ${i + 1} 地址`, value: l.url || '', placeholder: '/… 或 https://…' }),
        h('button', { type: 'button', class: 'btn-link', onclick: () => r.remove() }, '删除'));
      rows.append(r);
    }
    (s.footer_links || []).forEach(row);
    const f = form({
      fields: [
        field({ name: 'service_phone', label: '客服电话', value: s.service_phone || '', required: true, inputmode: 'tel' }),
        field({ name: 'service_hours', label: '服务时间', value: s.service_hours || '' }),
        field({ name: 'icp_number', label: 'ICP 备案号', value: s.icp_number || '' }),
        h('h2', { class: 'field wide' }, '页脚链接'),
        rows,
        h('p', {}, h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => row({}) }, '添加链接')),
      ],
      submit: '保存设置',
      onSubmit: async v => {
        const links = [];
        for (const r of rows.querySelectorAll('.link-row')) {
          const [t, u] = r.querySelectorAll('input');
          if (!t.value.trim() && !u.value.trim()) continue;
          /* The API names a link by its index in what is sent. */
          t.dataset.field = `footer_links[${links.length}].title`;
          u.dataset.field = `footer_links[${links.length}].url`;
          links.push({ title: t.value.trim(), url: u.value.trim() });
        }
        await api.put('/api/v1/operator/site-settings', { service_phone: v.service_phone, service_hours: v.service_hours, icp_number: v.icp_number, footer_links: links });
        go('/op/site?saved=1');
      },
    });
    return [h('h1', {}, '站点设置'), location.hash.includes('saved=1') ? notice('已保存，新打开的页面即显示新的设置', 'ok') : null, h('section', { class: 'card' }, f)];
  },
};
