/* 机构工作台 · 贷款产品: list by state, new product (万元, %/年), publish and take offline. */
import { h, table, tabs, wan, rateRange, wanToFen, pctToBp, date, tag } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { term } from './market.js';

const STATES = [{ key: '', label: '全部' }, { key: 'draft', label: '草稿' }, { key: 'published', label: '已上架' }, { key: 'offline', label: '已下架' }];
const list = s => s ? s.split(/[,，、\s]+/).filter(Boolean) : [];

export default {
  title: '贷款产品',
  menu: 'inst',
  auth: true,
  async render() {
    const wrap = h('div', {});
    let state = '';
    async function act(p, what) {
      await api.post(`/api/v1/institution/products/${encodeURIComponent(p.id)}/${what}`, {});
      await draw();
    }
    async function draw() {
      const r = await api.get('/api/v1/institution/products', { state, page_size: 100 });
      const f = form({
        fields: [
          field({ name: 'name', label: '产品名称', required: true }),
          field({ name: 'rate_min', field: 'rate_min_bp', label: '最低年利率（%）', required: true, inputmode: 'decimal' }),
          field({ name: 'rate_max', field: 'rate_max_bp', label: '最高年利率（%）', required: true, inputmode: 'decimal' }),
          field({ name: 'amount_min', field: 'amount_min_fen', label: '最低额度（万元）', required: true, inputmode: 'decimal' }),
          field({ name: 'amount_max', field: 'amount_max_fen', label: '最高额度（万元）', required: true, inputmode: 'decimal' }),
          field({ name: 'term_min', label: '最短期限', required: true, inputmode: 'numeric' }),
          field({ name: 'term_max', label: '最长期限', required: true, inputmode: 'numeric' }),
          field({ name: 'term_unit', label: '期限单位', type: 'select', options: [['月', '月'], ['年', '年']] }),
          field({ name: 'guarantees', label: '担保方式（逗号分隔）', placeholder: '信用, 抵押' }),
          field({ name: 'features', label: '产品特色（逗号分隔）' }),
          field({ name: 'required_materials', label: '所需材料（逗号分隔）', wide: true }),
          field({ name: 'description', label: '产品介绍', type: 'textarea', wide: true }),
        ],
        submit: '保存为草稿',
        onSubmit: async (v, key) => {
          const body = { name: v.name, term_unit: v.term_unit, guarantees: list(v.guarantees), features: list(v.features),
            required_materials: list(v.required_materials), description: v.description };
          for (const [k, fk] of [['rate_min', 'rate_min_bp'], ['rate_max', 'rate_max_bp']]) {
            const bp = pctToBp(v[k]);
            if (bp === null) throw invalid(fk, '请输入正确的利率（%）');
            body[fk] = bp;
          }
          for (const [k, fk] of [['amount_min', 'amount_min_fen'], ['amount_max', 'amount_max_fen']]) {
            const fen = wanToFen(v[k]);
            if (fen === null) throw invalid(fk, '请输入正确的金额（万元）');
            body[fk] = fen;
          }
          for (const k of ['term_min', 'term_max']) {
            if (!/^\d{1,3}$/.test(v[k])) throw invalid(k, '请输入正确的期限');
            body[k] = Number(v[k]);
          }
          await api.post('/api/v1/institution/products', body, { key });
          await draw();
        },
      });
      wrap.replaceChildren(h('h1', {}, '贷款产品'),
        tabs(STATES, state, k => { state = k; draw(); }),
        table([
          { title: '产品名称', cell: p => p.state === 'published' ? h('a', { href: '#/products/' + encodeURIComponent(p.id) }, p.name) : p.name },
          { title: '年利率', cell: p => rateRange(p.rate_min_bp, p.rate_max_bp) },
          { title: '额度（万元）', cell: p => wan(p.amount_min_fen) + '–' + wan(p.amount_max_fen) },
          { title: '期限', cell: p => term(p.term_min, p.term_max, p.term_unit) },
          { title: '状态', cell: p => tag((STATES.find(s => s.key === p.state) || { label: p.state }).label, p.state === 'published' ? 'ok' : '') },
          { title: '更新时间', cell: p => date(p.updated_at) },
          { title: '操作', cell: p => p.state === 'published'
            ? h('button', { type: 'button', class: 'btn-link', onclick: () => act(p, 'withdrawal') }, '下架')
            : h('button', { type: 'button', class: 'btn-link', onclick: () => act(p, 'publication') }, '上架') },
        ], r.items, '暂无产品'),
        h('section', { class: 'card' }, h('h2', {}, '新增产品'), f));
    }
    await draw();
    return wrap;
  },
};
