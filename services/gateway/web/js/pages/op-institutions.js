/* 运营后台 · 金融机构: the list and a new institution. */
import { h, table, pager, date } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';

export const KINDS = [['bank', '银行'], ['guarantee', '担保公司'], ['microcredit', '小额贷款公司'], ['bill_funder', '保理/商票资金方']];

export default {
  title: '金融机构',
  menu: 'op',
  auth: true,
  async render({ query, go }) {
    const page = Number(query.get('page') || 1);
    const r = await api.get('/api/v1/institutions', { page, page_size: 20 });
    const f = form({
      fields: [
        field({ name: 'kind', label: '机构类型', type: 'select', required: true, options: KINDS }),
        field({ name: 'name', label: '机构名称', required: true }),
        field({ name: 'uscc', label: '统一社会信用代码', required: true, maxlength: 18 }),
        field({ name: 'description', label: '机构简介', type: 'textarea', wide: true }),
      ],
      submit: '新增机构',
      onSubmit: async (v, key) => {
        const i = await api.post('/api/v1/operator/institutions', v, { key });
        go('/op/institutions/' + encodeURIComponent(i.id));
      },
    });
    return [h('h1', {}, '金融机构'),
      table([
        { title: '机构名称', cell: i => h('a', { href: '#/op/institutions/' + encodeURIComponent(i.id) }, i.name) },
        { title: '类型', cell: i => i.kind_name || i.kind },
        { title: '统一社会信用代码', cell: i => i.uscc },
        { title: '产品数', cell: i => String(i.product_count || 0) },
        { title: '创建时间', cell: i => date(i.created_at) },
      ], r.items, '暂无机构'),
      pager(r.total, page, 20, n => go('/op/institutions?page=' + n)),
      h('section', { class: 'card' }, h('h2', {}, '新增金融机构'), f)];
  },
};
