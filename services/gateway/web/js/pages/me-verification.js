/* 实名认证: face (liveness at the provider's page), bank card (four factors + SMS) or
 * carrier (three factors + SMS); a face check can be added after the other two. */
import { h, dl, date, notice, tag, tabs } from '../ui.js';
import { api } from '../api.js';
import { form, field } from '../forms.js';
import { refresh } from '../session.js';

const METHODS = [
  { key: 'face', label: '人脸识别' },
  { key: 'bank4', label: '银行卡认证' },
  { key: 'carrier3', label: '运营商认证' },
];
const NAMES = { face: '人脸识别', bank4: '银行卡四要素', carrier3: '运营商三要素' };
const STATES = { verified: ['已认证', 'ok'], pending: ['认证中', 'warn'], failed: ['认证失败', 'bad'] };

export default {
  title: '实名认证',
  menu: 'me',
  auth: true,
  async render() {
    const wrap = h('div', {});
    let v = null;
    let method = 'face';

    function confirmStep(cur) {
      if (cur.next_step === 'face') {
        const f = form({
          fields: [h('p', {}, '请在手机上打开人脸识别页面完成活体检测，完成后点击下方按钮。'),
            cur.face_url ? h('p', {}, h('a', { href: cur.face_url, target: '_blank', rel: 'noopener' }, '打开人脸识别页面')) : null],
          submit: '我已完成人脸识别',
          onSubmit: async () => { await api.post('/api/v1/me/verification/confirmation', {}); await refresh(); await draw(); },
        });
        return h('section', { class: 'card' }, h('h2', {}, '人脸识别'), f);
      }
      const f = form({
        fields: [h('p', {}, `验证码已发送至 ${cur.phone_masked || '预留手机号'}`),
          field({ name: 'sms_code', label: '短信验证码', required: true, inputmode: 'numeric', maxlength: 6 })],
        submit: '完成认证',
        onSubmit: async x => { await api.post('/api/v1/me/verification/confirmation', { sms_code: x.sms_code }); await refresh(); await draw(); },
      });
      return h('section', { class: 'card' }, h('h2', {}, '短信验证'), f);
    }

    function startForm(faceOnly) {
      const fields = [
        field({ name: 'name', label: '真实姓名', required: true, autocomplete: 'name', value: faceOnly ? v.name : '' }),
        field({ name: 'id_number', label: '身份证号', required: true, maxlength: 18 }),
        field({ name: 'email', label: '电子邮箱', type: 'email', required: true }),
        field({ name: 'phone', label: method === 'bank4' ? '银行预留手机号' : '手机号', required: true, inputmode: 'numeric', maxlength: 11 }),
      ];
      if (method === 'bank4') fields.push(field({ name: 'bank_card', label: '银行卡号', required: true, inputmode: 'numeric' }));
      return form({
        fields,
        submit: '下一步',
        onSubmit: async (x, key) => {
          const body = { method, name: x.name, id_number: x.id_number, email: x.email, phone: x.phone };
          if (method === 'bank4') body.bank_card = x.bank_card;
          const cur = await api.post('/api/v1/me/verification', body, { key });
          wrap.replaceChildren(h('h1', {}, '实名认证'), confirmStep(cur));
        },
      });
    }

    async function draw() {
      try {
        v = await api.get('/api/v1/me/verification');
      } catch (e) {
        if (e.code !== 'VERIFICATION_NOT_FOUND') throw e;
        v = null;
      }
      const parts = [h('h1', {}, '实名认证')];
      if (v) {
        const [label, kind] = STATES[v.state] || [v.state, ''];
        parts.push(h('section', { class: 'card' }, h('h2', {}, '认证信息'), dl([
          ['状态', tag(label, kind)],
          ['方式', NAMES[v.method] || v.method],
          ['姓名', v.name],
          ['身份证号', v.id_number_masked],
          v.bank_card_masked ? ['银行卡号', v.bank_card_masked] : null,
          v.phone_masked ? ['手机号', v.phone_masked] : null,
          ['认证时间', date(v.verified_at)],
          v.failure_reason ? ['失败原因', v.failure_reason] : null,
        ])));
        if (v.state === 'pending' && v.next_step) parts.push(confirmStep(v));
      }
      if (!v || v.state !== 'verified') {
        parts.push(h('section', { class: 'card' }, h('h2', {}, '选择认证方式'),
          tabs(METHODS, method, k => { method = k; draw(); }), startForm(false)));
      } else if (v.method !== 'face') {
        parts.push(h('section', { class: 'card' }, h('h2', {}, '补充人脸识别'),
          h('p', { class: 'muted' }, '申请融资需要申请人完成人脸识别。'),
          (() => { method = 'face'; return startForm(true); })()));
      }
      wrap.replaceChildren(...parts);
    }
    await draw();
    return wrap;
  },
};
