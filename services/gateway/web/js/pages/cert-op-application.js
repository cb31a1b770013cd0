/* 运营后台 · 证书申请单 (ca_officer): the facts, the materials (each file opened from the
 * officer's route), and the step of its state: 受理并制证 or 驳回 (reason) while pending;
 * 已寄出 (carrier, tracking number) or 可领取 once made; 已完成 after either. */
import { h, mount, notice, section } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { appStateTag } from './cert-common.js';
import { appFacts, materialList } from './cert-application.js';

function step(base, path, text, after, fields = [], check) {
  return form({
    fields,
    submit: text,
    onSubmit: async v => {
      const body = check ? check(v) : {};
      await api.post(base + path, body);
      await after();
    },
  });
}

export default {
  title: '证书申请单',
  menu: 'op',
  auth: true,
  async render({ params }) {
    const base = '/api/v1/operator/certificate-applications/' + encodeURIComponent(params.id);
    const wrap = h('div', {});
    async function draw() {
      const a = await api.get(base);
      const parts = [h('p', {}, h('a', { href: '#/op/cert-applications' }, '← 数字证书申请')),
        h('h1', {}, '证书申请单 ', a.no, ' ', appStateTag(a)),
        section('申请信息', appFacts(a)),
        section('申请材料', materialList(a, f => base + '/materials/' + encodeURIComponent(f.id)))];
      if (a.state === 'pending') {
        parts.push(section('受理',
          h('p', {}, '核对申请材料（企业：营业执照与授权书；个人：身份证）与申请表一致后受理：受理即签发证书（主体信息以登记机关与实名认证记录为准）。'),
          step(base, '/acceptance', '受理并制证', draw),
          h('h3', {}, '驳回'),
          step(base, '/rejection', '驳回', draw,
            [field({ name: 'reason', label: '驳回原因', type: 'textarea', required: true, wide: true, maxlength: 200 })],
            v => { if (!v.reason) throw invalid('reason', '请填写驳回原因'); return { reason: v.reason }; })));
      }
      if (a.state === 'issued') {
        const mailed = a.medium === 'usbkey';
        parts.push(section('发放',
          h('p', {}, mailed ? '邮寄：填写快递公司与运单号；或通知申请人携带回执到服务点领取。'
            : '证书已签发，申请人可在证书管理中下载（平台生成密钥的软证书另有一次性的 PKCS#12 下载）；通知可领取后再标记完成。'),
          mailed ? [h('h3', {}, '已寄出'),
            step(base, '/shipment', '标记已寄出', draw,
              [field({ name: 'carrier', label: '快递公司', required: true, maxlength: 50, placeholder: '顺丰速运' }),
                field({ name: 'tracking_no', label: '运单号', required: true, maxlength: 32 })],
              v => {
                if (!v.carrier) throw invalid('carrier', '请填写快递公司');
                if (!/^[A-Za-z0-9]{6,32}$/.test(v.tracking_no)) throw invalid('tracking_no', '运单号为 6–32 位字母或数字');
                return { carrier: v.carrier, tracking_no: v.tracking_no };
              }),
            h('h3', {}, '可领取')] : null,
          step(base, '/readiness', '通知可领取', draw)));
      }
      if (a.state === 'ready' || a.state === 'shipped')
        parts.push(section('完成', h('p', {}, a.state === 'shipped' ? '申请人签收后标记完成。' : '申请人领取后标记完成。'), step(base, '/completion', '标记已完成', draw)));
      if (a.state === 'rejected') parts.push(notice('已驳回，等待申请人修改后重新提交。'));
      mount(wrap, ...parts);
    }
    await draw();
    return wrap;
  },
};
