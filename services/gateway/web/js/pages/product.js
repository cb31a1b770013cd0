/* 产品详情 → 立即申请. A refusal because the applicant is not ready (no certified
 * enterprise identity, not verified, no face check) is shown as a link to what is missing. */
import { h, dl, wan, rateRange, wanToFen, pctToBp, notice } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { session } from '../session.js';
import { logo, term } from './market.js';

/* Where to fix each readiness refusal: the API's field or code → a page. */
const FIXES = {
  enterprise: ['#/me/certification', '去完成企业认证或切换到企业身份'],
  ENTERPRISE_NOT_CERTIFIED: ['#/me/certification', '去完成企业认证或切换到企业身份'],
  ENTERPRISE_IDENTITY_REQUIRED: ['#/me/enterprise', '切换到企业身份'],
  applicant: ['#/me/verification', '去完成实名认证'],
  PERSON_NOT_VERIFIED: ['#/me/verification', '去完成实名认证'],
  face_check: ['#/me/verification', '去完成人脸识别'],
  FACE_CHECK_REQUIRED: ['#/me/verification', '去完成人脸识别'],
};

export default {
  title: '产品详情',
  async render({ params, go }) {
    const p = await api.get('/api/v1/products/' + encodeURIComponent(params.id));
    const inst = await api.get('/api/v1/institutions/' + encodeURIComponent(p.institution_id));
    const applyBox = h('div', {});
    const refusal = h('div', { class: 'refusal', 'aria-live': 'polite' });

    function applyForm() {
      const f = form({
        fields: [
          field({ name: 'amount', field: 'amount_fen', label: `申请金额（万元，${wan(p.amount_min_fen)}–${wan(p.amount_max_fen)}）`, required: true, inputmode: 'decimal' }),
          field({ name: 'term', label: `申请期限（${p.term_unit}，${term(p.term_min, p.term_max, p.term_unit)}）`, required: true, inputmode: 'numeric' }),
          field({ name: 'term_unit', label: '期限单位', type: 'select', value: p.term_unit, options: [['月', '月'], ['年', '年']] }),
          field({ name: 'expected_rate', field: 'expected_rate_bp', label: '期望年利率（%，选填）', inputmode: 'decimal' }),
          field({ name: 'branch_id', label: '办理网点', type: 'select', required: true,
            options: [['', '请选择'], ...(inst.branches || []).map(b => [b.id, b.name + (b.address ? '（' + b.address + '）' : '')])] }),
          field({ name: 'purpose', label: '资金用途', type: 'textarea', wide: true }),
          field({ name: 'agree', field: 'agreements', type: 'checkbox', label: '我已阅读并同意《融资服务协议》及《个人信息授权书》' }),
        ],
        submit: '提交申请',
        onSubmit: async (v, key) => {
          refusal.replaceChildren();
          const amount = wanToFen(v.amount);
          if (amount === null) throw invalid('amount_fen', '请输入正确的金额（万元，最多四位小数）');
          if (!/^\d{1,3}$/.test(v.term)) throw invalid('term', '请输入正确的期限');
          const body = { product_id: p.id, amount_fen: amount, term: Number(v.term), term_unit: v.term_unit,
            branch_id: v.branch_id, purpose: v.purpose, agreements: v.agree ? ['financing-2024'] : [] };
          if (v.expected_rate) {
            const bp = pctToBp(v.expected_rate);
            if (bp === null) throw invalid('expected_rate_bp', '请输入正确的利率（%）');
            body.expected_rate_bp = bp;
          }
          try {
            const d = await api.post('/api/v1/enterprise/financing-demands', body, { key });
            go('/me/demands/' + encodeURIComponent(d.id) + '?created=1');
          } catch (e) {
            const fix = FIXES[e.field] || FIXES[e.code];
            if (!fix) throw e;
            refusal.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert' }, e.message, ' ', h('a', { href: fix[0] }, fix[1])));
          }
        },
      });
      applyBox.replaceChildren(h('h2', {}, '立即申请'), refusal, f);
    }

    const applyBtn = h('button', { type: 'button', class: 'btn btn-primary', onclick: () => {
      if (!session.me) return go('/login?next=' + encodeURIComponent('/products/' + p.id));
      applyForm();
      applyBox.querySelector('input').focus();
    } }, '立即申请');

    return [
      h('p', {}, h('a', { href: '#/market' }, '← 返回金融超市')),
      h('section', { class: 'card product-detail' },
        h('header', {}, logo(p), h('div', {}, h('h1', {}, p.name), h('p', { class: 'muted' }, p.institution_name))),
        h('div', { class: 'figures' },
          h('div', {}, h('strong', { class: 'rate' }, rateRange(p.rate_min_bp, p.rate_max_bp)), h('span', {}, '参考年利率')),
          h('div', {}, h('strong', {}, wan(p.amount_min_fen) + '–' + wan(p.amount_max_fen)), h('span', {}, '额度（万元）')),
          h('div', {}, h('strong', {}, term(p.term_min, p.term_max, p.term_unit)), h('span', {}, '期限'))),
        dl([['担保方式', (p.guarantees || []).join('、')], ['产品特色', (p.features || []).join('、')],
          ['适用行业', (p.target_industries || []).join('、') || '不限'], ['所需材料', (p.required_materials || []).join('、')],
          ['产品介绍', p.description]]),
        applyBtn),
      h('section', { class: 'card' }, applyBox),
      h('section', { class: 'card' }, h('h2', {}, '办理网点'),
        (inst.branches || []).length ? h('ul', {}, inst.branches.map(b => h('li', {}, b.name, ' · ', b.address || '', ' · ', b.phone || ''))) : notice('暂无网点')),
    ];
  },
};
