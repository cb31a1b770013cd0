/* The region picker of the web UI; loaded as a file so the CSP needs no inline script. */
const levels = [1, 2, 3, 4].map(i => document.getElementById('l' + i));
const out = document.getElementById('code');
async function fill(level, parent) {
  for (let i = level; i < levels.length; i++) levels[i].replaceChildren();
  const url = '/api/v1/regions' + (parent ? '?parent=' + encodeURIComponent(parent) : '');
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) {
    /* Text from the server is never parsed as HTML. */
    const err = document.createElement('span');
    err.className = 'err';
    err.textContent = body.error.message;
    out.replaceChildren(err);
    return;
  }
  const sel = levels[level];
  sel.add(new Option('请选择', ''));
  for (const r of body.items) sel.add(new Option(r.name, r.code));
}
levels.forEach((sel, i) => sel.addEventListener('change', () => {
  out.textContent = sel.value ? '区划代码：' + sel.value : '';
  if (sel.value && i + 1 < levels.length) fill(i + 1, sel.value);
}));
fill(0, '');
