/* 印章管理 (manual 002 申请印章): the enterprise's seals — the admin creates them on a cloud
 * certificate of the enterprise (image generated from the verified name, or an uploaded
 * transparent PNG), grants and revokes members, disables — and the person's own signature
 * (个人签名) on their personal cloud certificate. Only a member with a grant may use an
 * enterprise seal when signing; the admin grants themself like anyone. */
import { h, date, tag, tabs, notice, table, section } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { activeIdentity } from '../session.js';
import { enterpriseActive, needEnterprise } from './cert-common.js';
import { CAS, commonName } from './certificates.js';

const KINDS = [['official', '公章'], ['contract', '合同专用章'], ['finance', '财务专用章'], ['legal_rep', '法定代表人章']];
const SIDES = [{ key: 'enterprise', label: '企业印章' }, { key: 'personal', label: '个人签名' }];

const stateTag = s => tag(s.state_label || s.state, s.state === 'active' ? 'ok' : '');

/* The cloud certificates that may back a seal: valid, on medium cloud. */
async function cloudCerts(base) {
  const r = await api.get(base, { status: 'valid', page_size: 100 });
  const more = await api.get(base, { status: 'expiring', page_size: 100 });
  return [...(r.items || []), ...(more.items || [])].filter(c => c.medium === 'cloud');
}

const certOption = c => [c.serial, `${commonName(c.subject)} · ${CAS[c.ca] || c.ca} · ${c.serial.slice(0, 8)}…`];

/* One seal as a card: its image, what backs it, its state; actions given by the caller. */
function sealCard(s, actions) {
  return h('article', { class: 'seal-card' + (s.state === 'active' ? '' : ' seal-off') },
    h('div', { class: 'seal-img' }, h('img', { src: s.image_url, alt: s.name + '（' + s.kind_label + '）', loading: 'lazy' })),
    h('div', { class: 'seal-body' },
      h('h3', {}, s.name, ' ', tag(s.kind_label), stateTag(s)),
      h('p', { class: 'muted' }, `${CAS[s.cert_algorithm] || s.cert_algorithm} 云证书 `, h('code', { class: 'serial' }, s.cert_serial)),
      s.companion_serial ? h('p', { class: 'muted' }, '配套 RSA/ECDSA 证书 ', h('code', { class: 'serial' }, s.companion_serial)) : null,
      s.cert_usable === false ? notice('所用证书已吊销或已过期，印章不能使用', 'error') : null,
      h('p', { class: 'muted' }, s.source === 'uploaded' ? '上传图片' : '系统生成',
        ' · 创建于 ', date(s.created_at),
        s.grants !== undefined ? ` · 已授权 ${s.grants} 人` : '',
        s.granted_to_me ? ' · 我可使用' : ''),
      actions ? h('div', { class: 'actions' }, actions) : null));
}

/* The admin's panel of one seal's grants: members listed with their grants, grant/revoke. */
async function grantsPanel(s, members, redraw) {
  const base = `/api/v1/enterprise/seals/${encodeURIComponent(s.id)}/grants`;
  const r = await api.get(base);
  const name = pid => (members.find(m => m.person_id === pid) || {}).person_name_masked || '已离开企业的成员';
  const active = (r.items || []).filter(g => g.active);
  const held = new Set(active.map(g => g.person_id));
  const free = members.filter(m => !held.has(m.person_id));
  const parts = [h('h3', {}, `「${s.name}」的授权`),
    table([
      { title: '成员', cell: g => name(g.person_id) },
      { title: '角色', cell: g => g.member ? (g.role === 'admin' ? '管理员' : '成员') : tag('已不是成员', 'bad') },
      { title: '授权时间', cell: g => date(g.granted_at) },
      { title: '操作', cell: g => h('button', { type: 'button', class: 'btn-link', onclick: async () => {
        await api.post(`${base}/${encodeURIComponent(g.person_id)}/revoke`, {}); await redraw(); } }, '撤销授权') },
    ], active, '尚未授权任何成员（管理员也须授权自己）')];
  if (s.state === 'active' && free.length) {
    parts.push(form({
      fields: [field({ name: 'person_id', label: '授权成员', type: 'select', required: true,
        options: free.map(m => [m.person_id, `${m.person_name_masked}（${m.role === 'admin' ? '管理员' : '成员'}）`]) })],
      submit: '授权使用',
      onSubmit: async (v, key) => { await api.post(base, { person_id: v.person_id }, { key }); await redraw(); },
    }));
  }
  return h('div', { class: 'seal-grants' }, parts);
}

/* 申请印章: kind, the backing certificate (and an SM2 one's companion), generated or uploaded. */
function createForm(certs, redraw) {
  const sm2 = serial => (certs.find(c => c.serial === serial) || {}).ca === 'sm2';
  const companions = certs.filter(c => c.ca !== 'sm2');
  const f = form({
    fields: [
      field({ name: 'kind', label: '印章类型', type: 'select', required: true, options: KINDS }),
      field({ name: 'cert_serial', label: '企业云证书', type: 'select', required: true, options: certs.map(certOption),
        hint: '印章以该证书签署；仅显示有效的企业云证书' }),
      field({ name: 'companion_serial', label: '配套证书（SM2 必选）', type: 'select', options: [['', '—'], ...companions.map(certOption)],
        hint: '通用阅读器不能验证 SM2 签名，签署时另以同一企业的 RSA/ECDSA 云证书签名' }),
      field({ name: 'name', label: '印章名称', maxlength: 30, placeholder: '默认为印章类型' }),
      field({ name: 'source', label: '印章图片', type: 'select', options: [['generated', '按企业名称生成'], ['uploaded', '上传透明背景 PNG']] }),
      field({ name: 'image', label: 'PNG 图片', type: 'file', accept: 'image/png', hint: '透明背景，宽高 16–2000 像素' }),
    ],
    submit: '申请印章',
    onSubmit: async (v, key) => {
      if (sm2(v.cert_serial) && !v.companion_serial) throw invalid('companion_serial', '请选择配套的 RSA 或 ECDSA 云证书');
      const body = { kind: v.kind, cert_serial: v.cert_serial, name: v.name || undefined,
        companion_serial: sm2(v.cert_serial) ? v.companion_serial : undefined };
      if (v.source === 'uploaded') {
        if (!v.image) throw invalid('image', '请选择 PNG 图片');
        const fd = new FormData();
        for (const [k, x] of Object.entries(body)) if (x) fd.append(k, x);
        fd.append('image', v.image, v.image.name);
        await api.upload('/api/v1/enterprise/seals/upload', fd, { key });
      } else {
        await api.post('/api/v1/enterprise/seals', body, { key });
      }
      await redraw();
    },
  });
  /* Show the companion for SM2 and the file for an upload only. */
  const show = () => {
    const g = n => f.querySelector(`[name="${n}"]`);
    g('companion_serial').closest('.field').hidden = !sm2(g('cert_serial').value);
    g('image').closest('.field').hidden = g('source').value !== 'uploaded';
  };
  f.addEventListener('change', show);
  show();
  return f;
}

async function enterpriseSide(wrap, redraw) {
  const idn = activeIdentity();
  const admin = idn.role === 'admin';
  const r = await api.get('/api/v1/enterprise/seals');
  const members = admin ? ((await api.get('/api/v1/enterprise/members', { state: 'active', page_size: 100 })).items || []) : [];
  const open = wrap.dataset.grants || '';
  const cards = [];
  for (const s of r.items || []) {
    const acts = admin ? [
      s.state === 'active' ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => {
        wrap.dataset.grants = open === s.id ? '' : s.id; redraw(); } }, open === s.id ? '收起授权' : '授权管理') : null,
      s.state === 'active' ? h('button', { type: 'button', class: 'btn-link', onclick: async () => {
        if (!confirm(`停用「${s.name}」？停用后不能再用于签署。`)) return;
        await api.post(`/api/v1/enterprise/seals/${encodeURIComponent(s.id)}/disable`, {}); await redraw(); } }, '停用') : null,
    ] : null;
    cards.push(sealCard(s, acts));
    if (admin && open === s.id) cards.push(await grantsPanel(s, members, redraw));
  }
  const parts = [
    h('p', { class: 'muted' }, admin
      ? '企业管理员申请印章并授权成员使用；签署时只有获得授权且仍为本企业成员的人员可以使用（管理员也须授权自己）。'
      : '本企业的印章。获得管理员授权后，您可在签署合同时使用标有「我可使用」的印章。'),
    cards.length ? h('div', { class: 'seal-list' }, cards) : h('p', { class: 'empty' }, '企业尚未申请印章'),
  ];
  if (admin) {
    const certs = await cloudCerts('/api/v1/enterprise/certificates');
    parts.push(section('申请印章', certs.length ? createForm(certs, redraw)
      : [notice('企业尚无有效的云证书。印章须由企业云证书支持，请先申请云证书。', 'info'),
        h('p', {}, h('a', { class: 'btn btn-primary', href: '#/me/cert-applications/new?side=enterprise' }, '申请企业云证书'))]));
  }
  return parts;
}

async function personalSide(redraw) {
  const r = await api.get('/api/v1/me/seals');
  const cards = (r.items || []).map(s => sealCard(s, s.state === 'active'
    ? h('button', { type: 'button', class: 'btn-link', onclick: async () => {
      if (!confirm('停用个人签名？')) return;
      await api.post(`/api/v1/me/seals/${encodeURIComponent(s.id)}/disable`, {}); await redraw(); } }, '停用') : null));
  const parts = [h('p', { class: 'muted' }, '个人签名以您的实名生成，由您本人的个人云证书支持，每人一枚。'),
    cards.length ? h('div', { class: 'seal-list' }, cards) : h('p', { class: 'empty' }, '尚未创建个人签名')];
  if (!(r.items || []).some(s => s.state === 'active')) {
    const certs = (await cloudCerts('/api/v1/me/certificates')).filter(c => c.profile === 'personal');
    parts.push(section('创建个人签名', certs.length ? form({
      fields: [field({ name: 'cert_serial', label: '个人云证书', type: 'select', required: true, options: certs.map(certOption) })],
      submit: '生成个人签名',
      onSubmit: async (v, key) => { await api.post('/api/v1/me/seals', { cert_serial: v.cert_serial }, { key }); await redraw(); },
    }) : [notice('您尚无有效的个人云证书。', 'info'),
      h('p', {}, h('a', { class: 'btn btn-primary', href: '#/me/cert-applications/new?side=personal' }, '申请个人云证书'))]));
  }
  return parts;
}

export default {
  title: '印章管理',
  menu: 'me',
  auth: true,
  async render({ query, go }) {
    const wrap = h('div', {});
    const asked = query.get('side');
    const side = asked === 'personal' || asked === 'enterprise' ? asked : enterpriseActive() ? 'enterprise' : 'personal';
    async function draw() {
      const head = [h('h1', {}, '印章管理'), tabs(SIDES, side, k => go('/me/seals?side=' + k))];
      let body;
      if (side === 'enterprise') body = enterpriseActive() ? await enterpriseSide(wrap, draw) : needEnterprise('企业印章管理');
      else body = await personalSide(draw);
      wrap.replaceChildren(...head, ...body);
    }
    await draw();
    return wrap;
  },
};
