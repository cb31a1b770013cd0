/* The site settings (客服电话, 服务时间, ICP 备案号, footer links): one GET per page load, shared
 * by the footer and the pages. The gateway answers it with an ETag and `no-cache`, so the
 * browser's HTTP cache revalidates it (If-None-Match → 304) instead of downloading it again. */
import { h, mount } from './ui.js';
import { api } from './api.js';
import { match } from './routes.js';

let settings = null;

export function siteSettings() {
  if (!settings) settings = api.get('/api/v1/site-settings').catch(() => ({}));
  return settings;
}

/* A footer link: a path of this site or an http(s) URL (the API allows nothing else). */
export function safeHref(url) {
  const u = String(url || '');
  if (/^\/(?![/\\])/.test(u)) return u;
  if (/^https?:\/\/[^/\\\s]/i.test(u)) return u;
  return null;
}

/* A site path that is one of the app's pages ("/articles/<id>") opens it by its hash route;
 * the server has no such file. */
export function pageHref(url) {
  const href = safeHref(url);
  if (href && href.startsWith('/') && !href.startsWith('/api/') && match(href.split('?')[0])) return '#' + href;
  return href;
}

export async function renderFooter(el) {
  const s = await siteSettings();
  const links = (s.footer_links || []).map(l => {
    const href = pageHref(l.url);
    if (!href) return null;
    const external = /^https?:/i.test(href);
    return h('a', { href, rel: external ? 'noopener noreferrer' : null, target: external ? '_blank' : null }, l.title || href);
  }).filter(Boolean);
  mount(el,
    links.length ? h('nav', { class: 'footer-links', 'aria-label': '页脚链接' }, links) : null,
    h('p', { class: 'footer-service' },
      s.service_phone ? ['客服电话：', h('a', { href: 'tel:' + s.service_phone, class: 'service-phone' }, s.service_phone)] : null,
      s.service_hours ? h('span', { class: 'service-hours' }, '（' + s.service_hours + '）') : null),
    h('p', {}, '中小企业金融服务平台',
      s.icp_number ? [' · ', h('span', { class: 'icp' }, s.icp_number)] : null,
      ' · ', h('a', { href: '/api/v1/openapi.json' }, '接口文档（OpenAPI）')));
}
