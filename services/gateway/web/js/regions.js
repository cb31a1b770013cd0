/* The region cascade (省 / 市 / 区县 / 乡镇街道) on GET /api/v1/regions?parent=; its value is
 * the deepest code picked, in a hidden input named `name` (data-field for the API's errors). */
import { h } from './ui.js';
import { api } from './api.js';

const LEVELS = ['省份', '城市', '区县', '乡镇街道'];
let seq = 0;

export function regionField({ name = 'region_code', label = '所在地区', value = '', required = false }) {
  const id = 'rg' + (++seq);
  const hidden = h('input', { type: 'hidden', name, dataset: { field: name } });
  const selects = LEVELS.map((l, i) => h('select', { id: id + '-' + i, 'aria-label': label + '：' + l, disabled: i > 0 }));
  async function fill(level, parent, pick) {
    for (let i = level; i < selects.length; i++) {
      selects[i].replaceChildren(h('option', { value: '' }, LEVELS[i]));
      selects[i].disabled = i > level;
    }
    const r = await api.get('/api/v1/regions', parent ? { parent } : null);
    for (const x of r.items || []) selects[level].append(h('option', { value: x.code }, x.name));
    selects[level].disabled = (r.items || []).length === 0;
    if (pick) selects[level].value = pick;
  }
  selects.forEach((sel, i) => sel.addEventListener('change', async () => {
    hidden.value = sel.value || (i > 0 ? selects[i - 1].value : '');
    if (sel.value && i + 1 < selects.length) await fill(i + 1, sel.value);
  }));
  /* Codes nest by prefix: a county 430111 opens as 43 / 4301 / 430111; a town (9+ digits) too. */
  async function preset(code) {
    await fill(0, '');
    if (!code) return;
    const chain = [code.slice(0, 2), code.slice(0, 4), code.slice(0, 6)];
    if (code.length > 6) chain.push(code);
    for (let i = 0; i < chain.length; i++) {
      selects[i].value = chain[i];
      if (selects[i].value !== chain[i]) break;
      hidden.value = chain[i];
      if (i + 1 < selects.length) await fill(i + 1, chain[i]);
    }
  }
  const el = h('div', { class: 'field wide' },
    h('div', { class: 'label-row' }, h('label', { for: id + '-0' }, label), required ? h('span', { class: 'req', 'aria-hidden': 'true' }, '*') : null),
    h('div', { class: 'control cascade' }, selects, hidden),
    h('div', { class: 'field-error', 'aria-live': 'polite' }));
  el.ready = preset(value);
  el.preset = preset;
  return el;
}

/* A code's names from the province down ("湖南省 长沙市"), read through the same lists the
 * cascade uses (one request per level, remembered for the page's life). */
const levelLists = new Map();
function childrenOf(parent) {
  if (!levelLists.has(parent))
    levelLists.set(parent, api.get('/api/v1/regions', parent ? { parent } : null).then(r => r.items || [], () => []));
  return levelLists.get(parent);
}

export async function regionName(code) {
  const c = String(code || '');
  const chain = [c.slice(0, 2), c.slice(0, 4), c.slice(0, 6), c.length > 6 ? c : ''].filter((x, i, a) => x && x.length <= c.length && a.indexOf(x) === i);
  const names = [];
  let parent = '';
  for (const part of chain) {
    const hit = (await childrenOf(parent)).find(x => x.code === part);
    if (!hit) break;
    names.push(hit.name);
    parent = part;
  }
  return names.length ? names.join(' ') : c;
}
