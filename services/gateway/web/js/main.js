/* The app: top bar, left menu and a hash router that loads one module per page. */
import { api, setUnauthenticatedHandler } from './api.js';
import { h, mount, notice } from './ui.js';
import { match, menuFor } from './routes.js';
import { session, refresh, refreshUnread, forget, onChange, isOperator, isStaff, staffRole, activeIdentity } from './session.js';
import { renderFooter } from './site.js';

const nav = document.getElementById('topnav');
const side = document.getElementById('sidemenu');
const main = document.getElementById('main');
let current = { path: '/', menu: null };
let renderSeq = 0;

export function go(hashPath) {
  if (location.hash === '#' + hashPath) route();
  else location.hash = hashPath;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(qs || '') };
}

function link(label, path, extra) {
  const active = current.path === path || (path !== '/' && current.path.startsWith(path + '/'));
  return h('a', { href: '#' + path, class: active ? 'active' : '', 'aria-current': active ? 'page' : null }, label, extra || null);
}

function badge() {
  return session.unread > 0 ? h('span', { class: 'badge', 'aria-label': `${session.unread} 条未读` }, String(session.unread)) : null;
}

async function switchIdentity(idn) {
  await api.put('/api/v1/me/identity', { type: idn.type, enterprise_id: idn.enterprise_id || '' });
  await refresh();
  route();
}

function identityLabel(i) {
  if (!i) return '个人';
  if (i.type === 'enterprise') return i.name + (i.role === 'admin' ? '（管理员）' : '（成员）');
  return '个人';
}

function identityItems() {
  return session.identities.map(i => h('button', {
    type: 'button', role: 'menuitemradio', 'aria-checked': String(!!i.active),
    class: i.active ? 'menu-item active' : 'menu-item',
    onclick: () => switchIdentity(i).catch(e => showTopError(e)),
  }, identityLabel(i)));
}

function renderNav() {
  const me = session.me;
  const items = [
    link('首页', '/'),
    link('金融超市', '/market'),
    link('金融机构', '/institutions'),
    link('商票融资', '/bills'),
    link('惠企政策', '/policies'),
    link('新闻资讯', '/news'),
    link('关于我们', '/about'),
    link('个人中心', '/me/profile'),
  ];
  if (isOperator()) items.push(link('运营后台', consoleHome()));
  if (isStaff()) items.push(link('机构工作台', staffRole() === 'bill_quoter' ? '/inst/bills' : '/inst/demands'));
  const right = [];
  if (!me) {
    right.push(h('a', { href: '#/login', class: 'login-link' }, '登录'), h('span', { class: 'sep' }, '·'), h('a', { href: '#/register' }, '注册'));
  } else {
    const active = activeIdentity();
    const menu = h('details', { class: 'namemenu' },
      h('summary', {}, (me.name || me.phone_masked), h('span', { class: 'muted' }, ' · ' + identityLabel(active))),
      h('div', { class: 'menu', role: 'menu' },
        h('p', { class: 'menu-title' }, '角色切换'),
        identityItems()));
    /* Identities change outside this page (an approval makes an admin): re-read them on opening. */
    menu.addEventListener('toggle', async () => {
      if (!menu.open) return;
      session.identities = (await api.get('/api/v1/me/identities')).items || [];
      menu.querySelector('.menu').replaceChildren(h('p', { class: 'menu-title' }, '角色切换'), ...identityItems());
    });
    right.push(h('a', { href: '#/me/messages', class: 'msg-link', 'aria-label': '我的消息' }, '消息', badge()), menu,
      h('button', { type: 'button', class: 'btn-link logout', onclick: logout }, '退出'));
  }
  mount(nav, h('div', { class: 'nav-main' }, items), h('div', { class: 'nav-user' }, right));
}

/* The console starts at the first entry the operator's roles show (内容管理 for a
 * content_editor alone, 数字证书申请 for a ca_officer alone). */
const consoleHome = () => (menuFor('op', '', session.me.operator_roles)[0] || [])[1] || '/op/certifications';

function renderMenu(which) {
  if (!which || !session.me) {
    side.hidden = true;
    document.getElementById('page').classList.remove('with-menu');
    return;
  }
  side.hidden = false;
  document.getElementById('page').classList.add('with-menu');
  const title = { me: '个人中心', op: '运营后台', inst: '机构工作台' }[which];
  mount(side, h('nav', { 'aria-label': title },
    h('h2', {}, title),
    h('ul', {}, menuFor(which, staffRole(), session.me.operator_roles || []).map(([label, path, extra]) => h('li', {}, link(label, path, extra === 'unread' ? badge() : null))))));
}

function showTopError(e) {
  main.prepend(notice(e.message, 'error'));
}

async function logout() {
  try {
    await api.del('/api/v1/sessions/current');
  } catch (e) {
    if (e.status !== 401) return showTopError(e);
  }
  forget();
  go('/');
}

async function route() {
  const seq = ++renderSeq;
  const { path, query } = parseHash();
  const m = match(path);
  current.path = path;
  document.getElementById('topnav').classList.remove('open');
  if (!m) {
    renderNav();
    renderMenu(null);
    mount(main, h('h1', {}, '页面不存在'), h('p', {}, h('a', { href: '#/' }, '返回首页')));
    return;
  }
  let mod;
  try {
    mod = (await import('./pages/' + m.page + '.js')).default;
  } catch (e) {
    mount(main, notice('页面加载失败，请刷新重试', 'error'));
    throw e;
  }
  if (seq !== renderSeq) return;
  if (mod.auth && !session.me) {
    location.replace('#/login?next=' + encodeURIComponent(location.hash.slice(1)));
    return;
  }
  current.menu = mod.menu || null;
  /* Messages arrive while the page stays open: the badge is re-read on every page change,
   * so it never shows a count older than the page below it (it showed 2 beside 4 unread). */
  if (session.me) await refreshUnread().catch(() => {});
  if (seq !== renderSeq) return;
  renderNav();
  renderMenu(current.menu);
  document.title = (mod.title ? mod.title + ' - ' : '') + '中小企业金融服务平台';
  mount(main, h('p', { class: 'muted' }, '正在加载…'));
  try {
    const view = await mod.render({ params: m.params, query, go, refreshNav: renderNav });
    if (seq !== renderSeq) return;
    mount(main, view);
  } catch (e) {
    if (seq !== renderSeq) return;
    if (e && e.status === 401) return;
    if (e && e.status) mount(main, h('h1', {}, mod.title || ''), notice(e.message, 'error'));
    else throw e;
  }
  main.focus({ preventScroll: true });
}

setUnauthenticatedHandler(() => {
  forget();
  if (!location.hash.startsWith('#/login'))
    location.replace('#/login?next=' + encodeURIComponent(location.hash.slice(1)));
});
onChange(() => { renderNav(); renderMenu(current.menu); });

document.getElementById('nav-toggle').addEventListener('click', ev => {
  const open = nav.classList.toggle('open');
  ev.currentTarget.setAttribute('aria-expanded', String(open));
});
window.addEventListener('hashchange', route);
refresh().then(route);
renderFooter(document.getElementById('footer'));
