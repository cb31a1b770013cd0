/* The signing page (manual 002 签章 · 待我签署): the contract's pages as images (the
 * contracts PNG route), the seals the signer may use now listed beside them; a seal is
 * dragged with the pointer onto a page (stored in PDF points, origin bottom left), moved
 * by dragging again, deleted with ×; a date seal likewise. 确认签署 asks the SMS code
 * (purpose sign) and makes one PDF signature per seal; 拒签 takes a reason. */
import { h, mount, notice, section, tag } from '../ui.js';
import { api, newKey } from '../api.js';
import { form, field, smsField } from '../forms.js';
import { confirmDialog } from './cert-common.js';

const DATE_W = 120, DATE_H = 24;
/* The date stamp as the signature will draw it (China Standard Time): 2026年12月07日. */
function today() {
  const d = new Date(Date.now() + 8 * 3600e3), p = n => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${p(d.getUTCMonth() + 1)}月${p(d.getUTCDate())}日`;
}

export default {
  title: '签署合同',
  menu: 'me',
  auth: true,
  async render({ params }) {
    const id = encodeURIComponent(params.id);
    const base = '/api/v1/contracts/' + id;
    const wrap = h('div', { class: 'contract-sign' });
    let c, boxes = [], placements = [], seals = [], message = null, kind = 'info';

    async function load() {
      c = await api.get(base);
      const me = (c.signers || []).find(s => s.seq === c.my_seq) || {};
      /* the initiator who signs nothing has no placements and no seals here */
      const [pl, us] = c.my_seq ? await Promise.all([
        api.get(base + '/placements'),
        api.get('/api/v1/me/usable-seals', { enterprise_id: me.enterprise_id || '' }),
      ]) : [{}, {}];
      placements = pl.items || [];
      boxes = pl.page_boxes || [];
      seals = us.items || [];
    }

    const sealById = sid => seals.find(s => s.id === sid);
    const boxOf = page => boxes.find(b => b.page === page) || { page, w: 595, h: 842 };

    /* A placement's element on its page: position from PDF points at the page's scale. */
    function placed(p, pageEl) {
      const b = boxOf(p.page), img = pageEl.querySelector('img');
      const s = img.clientWidth / b.w;
      const seal = p.seal_id ? sealById(p.seal_id) : null;
      const face = p.kind === 'date'
        ? h('span', { class: 'date-face' }, today())
        : h('img', { src: seal ? seal.image_url : '', alt: p.seal_name || '印章', draggable: 'false' });
      const del = h('button', { type: 'button', class: 'placement-del', title: '删除', 'aria-label': '删除签章' }, '×');
      const el = h('div', { class: 'placement placement-' + p.kind, dataset: { id: p.id } }, face, del);
      Object.assign(el.style, {
        left: p.x * s + 'px', top: (b.h - p.y - p.h) * s + 'px', width: p.w * s + 'px', height: p.h * s + 'px',
      });
      del.addEventListener('click', async ev => {
        ev.stopPropagation();
        await act(() => api.del(base + '/placements/' + p.id), '已删除签章。');
      });
      el.addEventListener('pointerdown', ev => {
        if (ev.target === del) return;
        drag(ev, el, async (page, x, y) => {
          await act(() => api.put(base + '/placements/' + p.id, { page, x, y, w: p.w, h: p.h }), '签章已移动。');
        }, p.w, p.h);
      });
      return el;
    }

    /* Dragging an element (a palette seal or a placement): it follows the pointer; dropped on
     * a page, done(page, x, y) gets the box's bottom-left corner in PDF points. */
    function drag(ev, el, done, wpt, hpt) {
      ev.preventDefault();
      const ghost = el.cloneNode(true);
      ghost.classList.add('drag-ghost');
      const r0 = el.getBoundingClientRect();
      const dx = ev.clientX - r0.left, dy = ev.clientY - r0.top;
      Object.assign(ghost.style, { position: 'fixed', width: r0.width + 'px', height: r0.height + 'px', pointerEvents: 'none' });
      document.body.append(ghost);
      const move = e => Object.assign(ghost.style, { left: e.clientX - dx + 'px', top: e.clientY - dy + 'px' });
      move(ev);
      const up = async e => {
        document.removeEventListener('pointermove', move);
        document.removeEventListener('pointerup', up);
        ghost.remove();
        const pageEl = document.elementsFromPoint(e.clientX, e.clientY).map(n => n.closest && n.closest('.doc-page')).find(Boolean);
        if (!pageEl) return;
        const page = Number(pageEl.dataset.page), b = boxOf(page);
        const img = pageEl.querySelector('img'), r = img.getBoundingClientRect();
        const s = r.width / b.w;
        /* the element's top-left where it was dropped, in points; y from the bottom */
        const left = (e.clientX - dx - r.left) / s, top = (e.clientY - dy - r.top) / s;
        const x = Math.max(0, Math.min(b.w - wpt, left)), y = Math.max(0, Math.min(b.h - hpt, b.h - top - hpt));
        await done(page, Math.round(x * 100) / 100, Math.round(y * 100) / 100);
      };
      document.addEventListener('pointermove', move);
      document.addEventListener('pointerup', up);
    }

    async function act(fn, ok) {
      try {
        await fn();
        message = ok;
        kind = 'ok';
      } catch (e) {
        message = e.message;
        kind = 'error';
      }
      await load();
      draw();
    }

    function palette() {
      const items = seals.map(s => {
        const size = s.kind === 'personal' ? 80 : 120;
        const el = h('div', { class: 'palette-seal', dataset: { seal: s.id }, title: '拖到合同页面上' },
          h('img', { src: s.image_url, alt: s.name, draggable: 'false' }), h('span', {}, s.name || s.kind_label));
        el.addEventListener('pointerdown', ev => drag(ev, el.querySelector('img'), async (page, x, y) => {
          await act(() => api.post(base + '/placements', { seal_id: s.id, page, x, y }, { key: newKey() }), '已放置印章。');
        }, size, size));
        return el;
      });
      const date = h('div', { class: 'palette-seal palette-date', title: '拖到合同页面上' },
        h('span', { class: 'date-face' }, today()), h('span', {}, '日期章'));
      date.addEventListener('pointerdown', ev => drag(ev, date.querySelector('.date-face'), async (page, x, y) => {
        await act(() => api.post(base + '/placements', { kind: 'date', page, x, y }, { key: newKey() }), '已放置日期章。');
      }, DATE_W, DATE_H));
      return h('aside', { class: 'seal-palette' }, h('h2', {}, '可用印章'),
        seals.length ? items : h('p', { class: 'hint' }, '您当前没有可用的印章：请企业管理员在“印章管理”中授权。'),
        date, h('p', { class: 'hint' }, '按住印章拖到页面上放置；拖动已放置的印章可移动，点 × 删除。'));
    }

    function pages() {
      const list = [];
      for (let n = 1; n <= (c.pages || 0); n++) {
        const img = h('img', { src: `${base}/pages/${n}?version=${c.doc_version || 0}`, alt: `第 ${n} 页`, draggable: 'false' });
        const pageEl = h('div', { class: 'doc-page', dataset: { page: n } }, img, h('div', { class: 'page-no' }, `第 ${n} / ${c.pages} 页`));
        const put = () => {
          for (const old of pageEl.querySelectorAll('.placement')) old.remove();
          /* once signed, the page image itself shows the seals */
          if (!c.can_sign_now) return;
          for (const p of placements.filter(p => p.page === n || (p.kind === 'cross_page' && n === 1))) pageEl.append(placed(p, pageEl));
        };
        if (img.complete) queueMicrotask(put);
        img.addEventListener('load', put);
        list.push(pageEl);
      }
      return h('div', { class: 'pages' }, list);
    }

    function confirmForm() {
      return form({
        fields: [
          field({ name: 'phone', label: '手机号（接收签署验证码）', required: true, inputmode: 'numeric', maxlength: 11, autocomplete: 'tel' }),
          smsField({ purpose: 'sign', api }),
        ],
        submit: '确认签署',
        onSubmit: async (v, key) => {
          const r = await api.post(base + '/sign', { sms_code: v.sms_code }, { key });
          message = r.state === 'completed' ? '签署完成：合同已完成，可下载签署完成的文件与完成证明。' : '签署成功：已通知下一位签署方。';
          kind = 'ok';
          await load();
          draw();
        },
      });
    }

    function refuseForm() {
      return form({
        fields: [field({ name: 'reason', label: '拒签原因', type: 'textarea', required: true, maxlength: 200 })],
        submit: '拒签',
        cls: 'refuse-form',
        onSubmit: async (v, key) => {
          if (!await confirmDialog('确认拒签', '拒签后合同将终止（已拒签），不可恢复。', '确认拒签')) return;
          await api.post(base + '/refuse', { reason: v.reason }, { key });
          message = '已拒签。';
          kind = 'ok';
          await load();
          draw();
        },
      });
    }

    function draw() {
      const head = [h('p', {}, h('a', { href: '#/me/contracts/' + id }, '← 合同详情')),
        h('h1', {}, c.title || '合同', ' ', tag(c.state_label || c.state)),
        h('p', { class: 'hint' }, `合同编号 ${c.number || ''} · 共 ${c.pages || 0} 页`),
        message ? notice(message, kind) : null];
      if (c.state === 'completed') {
        mount(wrap, head, section('下载',
          h('p', { class: 'actions' },
            h('a', { class: 'btn btn-primary', href: base + '/document', download: (c.number || 'contract') + '.pdf' }, '下载签署完成的合同'),
            h('a', { class: 'btn btn-secondary', href: base + '/completion-certificate', download: (c.number || 'contract') + '-完成证明.pdf' }, '下载签署完成证明'))), pages());
        return;
      }
      if (!c.can_sign_now) {
        mount(wrap, head, notice(c.state === 'signing' ? '还未轮到您签署，或您已签署。' : '合同不在签署中。', 'info'), pages());
        return;
      }
      const mine = placements.length
        ? h('ul', { class: 'placement-list' }, placements.map(p => h('li', {},
          `${p.kind === 'date' ? '日期章' : p.seal_name || '印章'} · 第 ${p.page} 页 · (${p.x}, ${p.y})`)))
        : h('p', { class: 'hint' }, '尚未放置签章。');
      mount(wrap, head,
        h('div', { class: 'sign-layout' }, palette(), pages()),
        section('我的签章', mine),
        section('确认签署', h('p', {}, '确认后，平台以您有权使用的印章对应的云证书，为每枚印章生成一个带可信时间戳的 PDF 数字签名。'), confirmForm()),
        section('拒签', refuseForm()));
    }

    await load();
    draw();
    return wrap;
  },
};
