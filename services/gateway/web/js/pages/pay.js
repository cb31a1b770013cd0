/* 个人中心 · 在线支付: the payer pays an intent by WeChat Pay (the code_url as a QR code to
 * scan) or Alipay (the cashier page opened), among the methods the intent allows; the page
 * asks every 2 s until the intent is paid (the provider's notify, or the query after a
 * timeout, credits it). Owners' order pages link here: #/me/payments/<intent id>/pay. */
import { h, mount, yuan, section, dl, notice, tag } from '../ui.js';
import { api, newKey } from '../api.js';

const METHODS = { wechat: '微信支付', alipay: '支付宝' };

export default {
  title: '在线支付',
  menu: 'me',
  auth: true,
  async render({ params }) {
    const wrap = h('div', {});
    const base = '/api/v1/payments/intents/' + encodeURIComponent(params.id);
    let timer = null, attempt = null, error = null;
    const stop = () => { if (timer) clearTimeout(timer); timer = null; };

    async function start(method) {
      error = null;
      try {
        attempt = await api.post(base + '/online', { method }, { key: newKey() });
      } catch (e) {
        error = e.message;
      }
      await draw();
    }

    function payBox() {
      if (!attempt) return null;
      if (attempt.method === 'wechat') {
        return section('微信扫码支付',
          h('p', {}, '请用微信扫描二维码完成支付；支付成功后本页自动更新。'),
          h('img', { class: 'qr', alt: '微信支付二维码', width: 232, height: 232,
            src: base + '/qr.png' }),
          h('p', {}, '支付链接：', h('a', { href: attempt.code_url, target: '_blank', rel: 'noopener', class: 'pay-link' },
            attempt.code_url)));
      }
      return section('支付宝支付',
        h('p', {}, '在支付宝收银台完成支付；支付成功后本页自动更新。'),
        h('p', {}, h('a', { href: attempt.pay_url, target: '_blank', rel: 'noopener', class: 'btn btn-primary pay-link' },
          '打开支付宝收银台')));
    }

    async function draw() {
      stop();
      const o = await api.get(base);
      const open = o.state === 'open';
      const online = (o.methods || []).filter(m => METHODS[m]);
      mount(wrap, h('h1', {}, '在线支付 ', tag(o.state_label || o.state, open ? 'warn' : 'ok')),
        error ? notice(error, 'error') : null,
        o.state === 'paid' ? notice('支付成功，订单已支付。', 'ok') : null,
        section('支付单', dl([['支付单号', o.no], ['用途', o.purpose], ['应付（元）', yuan(o.amount_fen)],
          ['已收（元）', yuan(o.received_fen)], ['待付（元）', yuan(o.due_fen)],
          o.refunded_fen ? ['已退款（元）', yuan(o.refunded_fen)] : null])),
        open && online.length ? section('支付方式', h('p', { class: 'actions' },
          online.map(m => h('button', { type: 'button', class: attempt && attempt.method === m ? 'btn btn-primary' : 'btn btn-secondary',
            onclick: () => start(m) }, METHODS[m])))) : null,
        open && !online.length ? notice('该支付单不支持在线支付，请使用对公转账。', 'info') : null,
        open ? payBox() : null);
      /* Polls while something is to be paid and the page is still shown. */
      if (open && attempt) timer = setTimeout(() => { if (wrap.isConnected) draw().catch(() => {}); }, 2000);
    }
    await draw();
    return wrap;
  },
};
