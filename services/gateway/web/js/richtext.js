/* An article's body_html into the page. The API renders the Markdown to safe HTML
 * (services/market/README.md "Article bodies"); the page still never assigns it with
 * innerHTML: DOMParser builds an inert document (no script runs, no image loads) and the
 * elements CommonMark writes are copied over one by one with createElement, keeping only
 * href/title/src/alt with allowed targets. Anything else keeps its text only. */
import { h } from './ui.js';

const TAGS = new Set(['p', 'a', 'img', 'em', 'strong', 'code', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'ul', 'ol', 'li', 'br', 'hr', 'blockquote']);

/* Links: http(s) with a host or a path of this site; images: this site only, since the CSP's
 * img-src is 'self' (an outside image would be refused and logged): they become a link. */
const sitePath = u => /^\/(?![/\\])/.test(u);
const webUrl = u => /^https?:\/\/[^/\\\s]/i.test(u);

function copy(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.data);
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const tag = node.tagName.toLowerCase();
  const kids = Array.from(node.childNodes, copy);
  if (!TAGS.has(tag)) return kids.length ? h('span', {}, kids) : null;
  if (tag === 'a') {
    const href = node.getAttribute('href') || '';
    if (!sitePath(href) && !webUrl(href)) return h('span', {}, kids);
    const external = !sitePath(href);
    return h('a', { href, title: node.getAttribute('title'), rel: external ? 'noopener noreferrer' : null, target: external ? '_blank' : null }, kids);
  }
  if (tag === 'img') {
    const src = node.getAttribute('src') || '';
    const alt = node.getAttribute('alt') || '';
    if (sitePath(src)) return h('img', { src, alt, title: node.getAttribute('title') });
    if (webUrl(src)) return h('a', { href: src, rel: 'noopener noreferrer', target: '_blank' }, '［图片］' + alt);
    return alt ? document.createTextNode(alt) : null;
  }
  return h(tag, {}, kids);
}

export function richText(html) {
  const doc = new DOMParser().parseFromString(String(html || ''), 'text/html');
  return h('div', { class: 'richtext' }, Array.from(doc.body.childNodes, copy));
}
