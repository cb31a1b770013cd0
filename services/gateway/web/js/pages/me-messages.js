/* 我的消息: the inbox, unread first marked; reading one clears its badge. */
import { h, date, pager, tabs } from '../ui.js';
import { api } from '../api.js';
import { refreshUnread, session } from '../session.js';

export default {
  title: '我的消息',
  menu: 'me',
  auth: true,
  async render() {
    const wrap = h('div', {});
    let page = 1;
    let unread = '';
    async function draw() {
      /* The list and the badge read together, so the 未读 tab and the badge agree. */
      const [r] = await Promise.all([api.get('/api/v1/me/messages', { page, page_size: 10, unread }), refreshUnread()]);
      const list = (r.items || []).map(m => h('article', { class: 'message' + (m.read ? '' : ' unread') },
        h('h3', {}, m.read ? null : h('span', { class: 'dot', 'aria-label': '未读' }), m.title),
        h('p', {}, m.body),
        h('p', { class: 'muted' }, date(m.created_at), ' ',
          m.read ? null : h('button', { type: 'button', class: 'btn-link', onclick: async () => {
            await api.post('/api/v1/me/messages/' + encodeURIComponent(m.id) + '/read', {});
            await refreshUnread();
            await draw();
          } }, '标为已读'))));
      wrap.replaceChildren(
        h('div', { class: 'toolbar' },
          tabs([{ key: '', label: '全部' }, { key: 'true', label: '未读', count: session.unread }], unread, k => { unread = k; page = 1; draw(); }),
          h('button', { type: 'button', class: 'btn btn-secondary', onclick: async () => {
            await api.post('/api/v1/me/messages/read-all', {});
            await refreshUnread();
            await draw();
          } }, '全部标为已读')),
        list.length ? h('div', { class: 'messages' }, list) : h('p', { class: 'empty' }, '暂无消息'),
        pager(r.total, page, 10, n => { page = n; draw(); }));
    }
    await draw();
    return [h('h1', {}, '我的消息'), wrap];
  },
};
