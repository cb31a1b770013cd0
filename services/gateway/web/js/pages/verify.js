/* 验签: upload any signed PDF and see each signature's checks — the signed bytes, the digest,
 * the signature, the signer and its certificate's status with the platform's CA, the
 * time-stamp, and what was appended after it. Nothing is stored. */
import { h, notice, section, size, tag, dl } from '../ui.js';
import { api } from '../api.js';
import { form, field, invalid } from '../forms.js';

const VERDICT = {
  valid: ['签名有效', 'ok'],
  invalid: ['签名无效', 'bad'],
  unknown: ['无法确认签署人', 'warn'],
};
const CERT_STATUS = {
  good: '有效（本平台签发）',
  revoked: '已吊销（本平台签发）',
  expired: '已过期（本平台签发）',
  unknown_issuer: '非本平台签发',
};
const LATER = {
  none: '签名覆盖整个文档',
  signatures_only: '签名后仅追加了其他签名',
  content_changed: '签名后文档内容被修改',
};

const yes = (b, ok = '通过', bad = '未通过') => (b ? tag(ok, 'ok') : tag(bad, 'bad'));
const when = s => (s ? new Date(s).toLocaleString('zh-CN', { hour12: false }) : '');

function signatureCard(s, i) {
  const [label, kind] = VERDICT[s.verdict] || ['未知', ''];
  const ts = s.timestamp || {};
  return h('section', { class: 'card signature', dataset: { verdict: s.verdict } },
    h('h2', {}, `签名 ${i + 1}`, ' ', tag(label, kind)),
    dl([
      ['签名域', s.field],
      ['签署人', s.signer],
      ['颁发者', s.issuer],
      ['证书序列号', s.serial],
      ['证书状态', CERT_STATUS[s.certificate_status] || s.certificate_status],
      s.revoked_at ? ['吊销时间', when(s.revoked_at)] : null,
      ['算法', `${s.algorithm || '—'} / ${s.digest || '—'}`],
      ['签名时间（文档声明）', when(s.signing_time)],
      ['签名格式', s.subfilter],
    ]),
    h('h3', {}, '校验项'),
    dl([
      ['签名范围（ByteRange）', yes(s.byte_range_valid)],
      ['文档摘要', yes(s.digest_matches, '一致', '不一致（文档被篡改）')],
      ['签名值', yes(s.signature_valid)],
      ['签名证书属性', s.signing_certificate === 'absent' ? '无' : yes(s.signing_certificate === 'matches', '一致', '不一致')],
      ['证书链', yes(s.chain_trusted, '可信（本平台 CA）', '无法验证')],
      ['时间戳', ts.present ? [yes(ts.valid && ts.imprint_matches), ' ', when(ts.time), ts.tsa ? `（${ts.tsa}）` : ''] : '无'],
      ['签名后的修改', [LATER[s.later_changes] || s.later_changes,
        s.covers_whole_document ? '' : `（其后 ${size(s.bytes_after || 0)}，${s.revisions_after || 0} 次增量更新）`]],
    ]));
}

function report(r, name) {
  const sigs = r.signatures || [];
  const d = r.document || {};
  return [
    section('文档', dl([
      ['文件', name],
      ['大小', size(d.size || 0)],
      ['页数', String(d.pages || 0)],
      ['修订次数', String(d.revisions || 0)],
      ['SHA-256', d.sha256],
      ['最后一个签名之后', d.modified_after_last_signature ? tag('有追加内容', 'warn') : tag('无追加内容', 'ok')],
    ])),
    sigs.length ? sigs.map(signatureCard) : notice('该文档中没有数字签名。', 'warn'),
  ];
}

export default {
  title: '验签',
  menu: 'me',
  auth: true,
  async render() {
    const out = h('div', { class: 'verify-result', 'aria-live': 'polite' });
    const f = form({
      fields: [field({ name: 'file', label: '已签署的 PDF', type: 'file', required: true, accept: 'application/pdf', hint: 'PDF 文件；文件只用于本次验证，不保存' })],
      submit: '验证签名',
      onSubmit: async v => {
        if (!v.file) throw invalid('file', '请选择文件');
        const fd = new FormData();
        fd.append('file', v.file, v.file.name);
        out.replaceChildren(h('p', { class: 'muted' }, '正在验证…'));
        try {
          const r = await api.upload('/api/v1/signature-verifications', fd);
          out.replaceChildren(...report(r, v.file.name).flat());
        } catch (e) {
          out.replaceChildren();
          throw e;
        }
      },
    });
    return [h('h1', {}, '验签'),
      notice('上传签署完成的 PDF 文档，逐一验证其中的数字签名：文档是否被篡改、签署证书是否由本平台签发且有效、时间戳是否可信。'),
      section('选择文件', f), out];
  },
};
