/* DOM building and display formats. Server text goes in as text nodes, never as HTML. */

/* h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child…) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function mount(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/* Money is integer fen; 万元 with four decimals (to the 元) as the manuals show. */
export function wan(fen) {
  if (fen === undefined || fen === null || fen === '') return '—';
  const n = Number(fen);
  const sign = n < 0 ? '-' : '';
  const yuan = Math.floor(Math.abs(n) / 100);
  return sign + Math.floor(yuan / 10000) + '.' + String(yuan % 10000).padStart(4, '0');
}

export function yuan(fen) {
  const n = Number(fen || 0);
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  const int = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + int + '.' + String(a % 100).padStart(2, '0');
}

/* "12.5" (万元) → fen, exactly; null when it is not a number with at most 4 decimals. */
export function wanToFen(s) {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,4}))?\s*$/.exec(String(s));
  if (!m) return null;
  return Number(m[1]) * 1000000 + Number((m[2] || '').padEnd(4, '0')) * 100;
}

/* Rates are basis points: 375 → "3.75%". */
export function pct(bp) {
  if (bp === undefined || bp === null) return '—';
  const n = Number(bp);
  return Math.floor(n / 100) + '.' + String(n % 100).padStart(2, '0') + '%';
}

export function rateRange(min, max) {
  return min === max ? pct(min) + '/年' : pct(min) + '–' + pct(max) + '/年';
}

/* "4.35" (%) → 435 bp; null when not a number with at most 2 decimals. */
export function pctToBp(s) {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*$/.exec(String(s));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

export function date(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return String(ts);
  const p = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function size(bytes) {
  const n = Number(bytes);
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(2) + ' MB';
}

export function notice(text, kind = 'info') {
  return h('p', { class: 'notice notice-' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function tag(text, kind = '') {
  return h('span', { class: 'tag ' + kind }, text);
}

/* A table of rows: cols = [{title, cell: row => node|string}] */
export function table(cols, rows, empty = '暂无数据') {
  if (!rows || rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('thead', {}, h('tr', {}, cols.map(c => h('th', { scope: 'col' }, c.title)))),
      h('tbody', {}, rows.map(r => h('tr', {}, cols.map(c => h('td', { 'data-label': c.title }, c.cell(r))))))));
}

/* Pages of a list: total and page_size from the API; go(n) loads page n. */
export function pager(total, page, pageSize, go) {
  const pages = Math.max(1, Math.ceil((total || 0) / (pageSize || 20)));
  if (pages <= 1) return h('p', { class: 'pager muted' }, `共 ${total || 0} 条`);
  return h('nav', { class: 'pager', 'aria-label': '分页' },
    h('button', { type: 'button', class: 'btn-link', disabled: page <= 1, onclick: () => go(page - 1) }, '上一页'),
    h('span', {}, ` 第 ${page} / ${pages} 页，共 ${total} 条 `),
    h('button', { type: 'button', class: 'btn-link', disabled: page >= pages, onclick: () => go(page + 1) }, '下一页'));
}

/* Status tabs with counts: tabs = [{key, label, count}] */
export function tabs(items, current, pick) {
  return h('div', { class: 'tabs', role: 'tablist' }, items.map(t =>
    h('button', { type: 'button', role: 'tab', 'aria-selected': String(t.key === current),
      class: t.key === current ? 'tab active' : 'tab', onclick: () => pick(t.key) },
      t.label, t.count !== undefined ? h('span', { class: 'count' }, String(t.count)) : null)));
}

export function dl(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === '' || v === undefined || v === null ? '—' : v)]));
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), children);
}

/* "0.37" (元) → 37 fen; null when not a number with at most 2 decimals. */
export function yuanToFen(s) {
  const m = /^\s*(\d{1,11})(?:\.(\d{1,2}))?\s*$/.exec(String(s));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

/* A due date with the days left, as the manuals show it: 2020-10-16 (143天). */
export function due(dateStr, days) {
  if (!dateStr) return '—';
  return days === undefined || days === null ? dateStr : `${dateStr} (${days}天)`;
}

/* Time left until an instant, refreshed every second while the node is on the page. */
export function countdown(until, expiredText = '已过期') {
  const el = h('span', { class: 'countdown' });
  const end = new Date(until).getTime();
  const draw = () => {
    const left = Math.floor((end - Date.now()) / 1000);
    if (!(left > 0)) { el.textContent = expiredText; return false; }
    const hh = Math.floor(left / 3600), mm = Math.floor(left % 3600 / 60), ss = left % 60;
    el.textContent = `剩余 ${hh > 0 ? hh + ' 小时 ' : ''}${mm} 分 ${String(ss).padStart(2, '0')} 秒`;
    return true;
  };
  if (draw()) {
    const t = setInterval(() => { if (!el.isConnected && el.dataset.mounted) { clearInterval(t); return; } if (el.isConnected) el.dataset.mounted = '1'; if (!draw()) clearInterval(t); }, 1000);
  }
  return el;
}
