/* 商票融资 · 我要询价 (manual 000): the bill's front image and its data, to one bill funder or
 * to any; the disclosure platform's refusal of an acceptor is shown beside the acceptor. */
import { h, notice, size, wanToFen } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';
import { activeIdentity } from '../session.js';

const ACCEPT = 'image/png,image/jpeg,image/bmp';
const MAX_BYTES = 5 * 1024 * 1024;

/* The front image: its name, type and size (and a preview) before anything is sent. */
function frontField() {
  const f = field({ name: 'front', label: '票面正面图', type: 'file', required: true, accept: ACCEPT, hint: 'PNG、JPG 或 BMP 图片，不超过 5 MB' });
  const input = f.querySelector('input');
  const info = h('div', { class: 'file-info' });
  const preview = h('img', { class: 'bill-preview', alt: '票面正面图预览', hidden: true });
  input.addEventListener('change', () => {
    const file = input.files[0];
    const err = f.querySelector('.field-error');
    err.textContent = '';
    preview.hidden = true;
    if (!file) { info.textContent = ''; return; }
    info.textContent = `${file.name} · ${file.type || '未知类型'} · ${size(file.size)}`;
    if (!ACCEPT.split(',').includes(file.type)) { err.textContent = '仅支持 PNG、JPG、BMP 图片'; return; }
    if (file.size > MAX_BYTES) { err.textContent = '图片不能超过 5 MB'; return; }
    const rd = new FileReader();
    rd.onload = () => { preview.src = rd.result; preview.hidden = false; };
    rd.readAsDataURL(file);
  });
  f.querySelector('.control').append(info, preview);
  return f;
}

export default {
  title: '我要询价',
  menu: 'me',
  auth: true,
  async render({ go }) {
    const idn = activeIdentity();
    if (!idn || idn.type !== 'enterprise')
      return [h('h1', {}, '我要询价'), notice('商票融资以企业身份办理：请在右上角切换到企业身份；尚未认证企业的请先完成企业认证。', 'info'),
        h('p', {}, h('a', { href: '#/me/certification' }, '去企业认证'))];
    const funders = await api.get('/api/v1/institutions', { kind: 'bill_funder', page_size: 100 });
    const today = new Date();
    const iso = d => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    return [h('h1', {}, '我要询价'),
      h('p', { class: 'muted' }, '仅支持商业承兑汇票（电子商票）。提交后资金方报价，您可在“融资订单”中查看并确认交易。'),
      h('section', { class: 'card' }, form({
        fields: [
          frontField(),
          field({ name: 'bill_package_no', label: '票据包号', required: true, inputmode: 'numeric', maxlength: 30, hint: '30 位数字' }),
          field({ name: 'acceptor_name', label: '承兑人名称', required: true }),
          field({ name: 'acceptor_type', label: '承兑人类型', type: 'select', required: true, options: [['enterprise', '企业'], ['bank', '银行']] }),
          field({ name: 'face', field: 'face_fen', label: '票面金额（万元）', required: true, inputmode: 'decimal', placeholder: '例如 20.0000' }),
          field({ name: 'issue_date', label: '出票日期', type: 'date', required: true, max: iso(today) }),
          field({ name: 'due_date', label: '到期日期', type: 'date', required: true }),
          field({ name: 'drawer', label: '出票人', required: true }),
          field({ name: 'payee', label: '收款人', required: true, value: idn.name }),
          field({ name: 'sub_range', label: '子票区间', required: true, placeholder: '例如 1-20000000', hint: '起始-结束（以 0.01 元为单位），不可拆分的票据填 0' }),
          field({ name: 'funder_id', label: '询价资金方', type: 'select', required: true,
            options: [['any', '任意资金方'], ...(funders.items || []).map(i => [i.id, i.name])] }),
        ],
        submit: '提交询价',
        onSubmit: async (v, key) => {
          if (!v.front) throw invalid('front', '请选择票面正面图');
          const fen = wanToFen(v.face);
          if (fen === null || fen <= 0) throw invalid('face_fen', '请输入正确的金额（万元，最多四位小数）');
          const fd = new FormData();
          fd.append('front', v.front, v.front.name);
          for (const k of ['bill_package_no', 'acceptor_name', 'acceptor_type', 'issue_date', 'due_date', 'drawer', 'payee', 'sub_range', 'funder_id'])
            fd.append(k, v[k]);
          fd.append('face_fen', String(fen));
          const o = await api.upload('/api/v1/enterprise/bill-orders', fd, { key });
          go('/me/bills/orders/' + encodeURIComponent(o.id) + '?created=1');
        },
      }))];
  },
};
