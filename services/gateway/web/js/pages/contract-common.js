/* What the contract pages share (合同: contracts.js, contract-new.js, contract.js): the seven
 * views, state badges, the signers' order, an instant shown and typed in Beijing time. */
import { h, tag } from '../ui.js';

export const VIEWS = [
  { key: 'to_me', label: '待我签署' }, { key: 'to_others', label: '待他人签署' },
  { key: 'completed', label: '已完成签署' }, { key: 'voided', label: '已作废' },
  { key: 'initiated', label: '我发起的' }, { key: 'drafts', label: '草稿箱' },
  { key: 'expiring', label: '即将过期' },
];

const STATE_KIND = { draft: '', signing: 'warn', completed: 'ok', voided: 'bad', refused: 'bad', expired: '' };
export function contractStateTag(c) {
  return tag(c.state_label || c.state, STATE_KIND[c.state] ?? '');
}

const SIGNER_KIND = { waiting: 'warn', signed: 'ok', refused: 'bad' };
export function signerStateTag(s) {
  if (s.my_turn) return tag('待签署（当前）', 'warn');
  return tag(s.state_label || s.state, SIGNER_KIND[s.state] ?? '');
}

export const ORDER_MODES = [['sequential', '顺序签署（按签署方顺序依次签署）'], ['parallel', '无序签署（各方同时签署）']];
export const orderLabel = m => (m === 'parallel' ? '无序签署' : '顺序签署');

/* "2026-12-31 18:00" from the API's RFC 3339 (+08:00). */
export function when(ts) {
  if (!ts) return '—';
  return ts.replace('T', ' ').slice(0, 16);
}

/* The value of an <input type="datetime-local"> (read as Beijing time) as RFC 3339. */
export function toRfc3339(local) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local || '')) return '';
  return local + ':00+08:00';
}

/* An RFC 3339 instant as the datetime-local value in Beijing time. */
export function toLocalInput(ts) {
  if (!ts) return '';
  const d = new Date(new Date(ts).getTime() + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 16);
}

export const contractPath = id => '/me/contracts/' + encodeURIComponent(id);
export const apiPath = id => '/api/v1/contracts/' + encodeURIComponent(id);

export function progress(c) {
  return h('span', { class: 'muted' }, `${c.signers_signed || 0} / ${c.signers_total || 0} 已签`);
}
