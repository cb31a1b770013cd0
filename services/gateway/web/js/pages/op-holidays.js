/* 运营后台 · 节假日年度: the official holiday years the discount calendar uses, with their
 * source; an admin loads a year's schedule (holiday-cn JSON). Loading re-computes open quotes. */
import { h, mount, table, date, size, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { hasRole } from '../session.js';

export default {
  title: '节假日年度',
  menu: 'op',
  auth: true,
  async render() {
    const wrap = h('div', {});
    async function draw(done) {
      const r = await api.get('/api/v1/operator/holiday-years');
      const file = field({ name: 'file', field: 'json', label: '节假日安排（JSON 文件）', type: 'file', required: true, accept: 'application/json,.json',
        hint: 'holiday-cn 格式：{"year":…, "papers":[…], "days":[{"name","date","isOffDay"}]}' });
      const info = h('div', { class: 'file-info' });
      file.querySelector('input').addEventListener('change', e => {
        const f = e.target.files[0];
        info.textContent = f ? `${f.name} · ${f.type || '未知类型'} · ${size(f.size)}` : '';
      });
      file.querySelector('.control').append(info);
      mount(wrap, h('h1', {}, '节假日年度'),
        h('p', { class: 'muted' }, '贴现计息按国务院公布的节假日安排顺延到期日；未公布的年份按临时日历报价（不含调休），载入后受影响的有效报价将标记为需重新报价。'),
        done ? notice(`已载入 ${done.year} 年，${done.requotes || 0} 笔报价需重新报价。`, 'ok') : null,
        table([{ title: '年份', cell: y => String(y.year) }, { title: '来源', cell: y => y.source }, { title: '载入人', cell: y => y.loaded_by },
          { title: '载入时间', cell: y => date(y.loaded_at) }], r.items, '暂无年度'),
        hasRole('admin') ? h('section', { class: 'card' }, h('h2', {}, '载入年度'), form({
          fields: [file, field({ name: 'source', label: '来源（国务院通知标题或网址）', required: true, wide: true })],
          submit: '载入',
          onSubmit: async (v, key) => {
            if (!v.file) throw invalid('json', '请选择 JSON 文件');
            try {
              const y = await api.post('/api/v1/operator/holiday-years', { json: await v.file.text(), source: v.source }, { key });
              await draw(y);
            } catch (e) {
              /* A field inside the file (days[1].date) is shown beside the file, named. */
              if (e.field && e.field !== 'json' && e.field !== 'source') { e.message = `${e.field}：${e.message}`; e.field = 'json'; }
              throw e;
            }
          },
        })) : null);
    }
    await draw(null);
    return wrap;
  },
};
