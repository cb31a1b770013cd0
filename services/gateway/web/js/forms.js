/* Forms: labelled fields, each with a place for its error; submit runs an async action and
 * shows an ApiError's Chinese message next to the field it names (or above the button). */
import { h } from './ui.js';
import { ApiError, newKey } from './api.js';

let seq = 0;

/* One field. spec: {name, label, type, required, hint, options:[[value,label]], value,
 * placeholder, field (the API's name when it differs), autocomplete, inputmode, min, max} */
export function field(spec) {
  const id = 'f' + (++seq) + '-' + spec.name;
  const errId = id + '-err';
  const attrs = {
    id, name: spec.name, required: spec.required, placeholder: spec.placeholder,
    autocomplete: spec.autocomplete, inputmode: spec.inputmode, maxlength: spec.maxlength,
    'aria-describedby': errId + (spec.hint ? ' ' + id + '-hint' : ''),
    dataset: { field: spec.field || spec.name },
    accept: spec.accept, readonly: spec.readonly,
  };
  let input;
  if (spec.type === 'select') {
    input = h('select', attrs, (spec.options || []).map(([v, l]) => h('option', { value: v }, l)));
    if (spec.value !== undefined) input.value = spec.value;
  } else if (spec.type === 'textarea') {
    input = h('textarea', { ...attrs, rows: spec.rows || 3 });
    if (spec.value) input.value = spec.value;
  } else if (spec.type === 'checkbox') {
    input = h('input', { ...attrs, type: 'checkbox', value: spec.value || 'on' });
    const wrap = h('div', { class: 'field field-check' },
      input, h('label', { for: id }, spec.label),
      h('div', { class: 'field-error', id: errId, 'aria-live': 'polite' }));
    return wrap;
  } else {
    input = h('input', { ...attrs, type: spec.type || 'text' });
    if (spec.value !== undefined && spec.value !== null) input.value = spec.value;
  }
  return h('div', { class: 'field' + (spec.wide ? ' wide' : '') },
    /* The star sits beside the label, not in it, so the input's accessible name is the label. */
    h('div', { class: 'label-row' }, h('label', { for: id }, spec.label), spec.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, '*') : null),
    h('div', { class: 'control' }, input, spec.extra || null),
    spec.hint ? h('div', { class: 'hint', id: id + '-hint' }, spec.hint) : null,
    h('div', { class: 'field-error', id: errId, 'aria-live': 'polite' }));
}

export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  const top = form.querySelector('.form-error');
  if (top) top.textContent = '';
}

/* Shows err next to the input whose data-field (or name) is err.field; else on the form. */
export function showError(form, err) {
  const f = err.field || '';
  let input = f ? form.querySelector(`[data-field="${CSS.escape(f)}"]`) : null;
  if (!input && f) input = form.querySelector(`[name="${CSS.escape(f)}"]`);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    const box = input.closest('.field').querySelector('.field-error');
    box.textContent = err.message;
    input.focus();
    return;
  }
  const top = form.querySelector('.form-error');
  top.textContent = err.message;
}

export function fieldError(form, name, message) {
  showError(form, { field: name, message });
}

/* The values of a form's named inputs (checkboxes: true/false; files: File or null). */
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'file') out[el.name] = el.files[0] || null;
    else out[el.name] = el.value.trim();
  }
  return out;
}

/* form({fields, submit, onSubmit(values, key, form), cls}) — onSubmit may throw an ApiError
 * (shown) or return; the key is one Idempotency-Key per intended action, renewed after a
 * success so a retry after a lost reply replays instead of creating twice. */
export function form({ fields, submit = '提交', onSubmit, cls = '', extra, secondary }) {
  let key = newKey();
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, submit);
  const el = h('form', { class: 'form ' + cls, novalidate: true },
    fields,
    h('div', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, btn, secondary || null),
    extra || null);
  el.addEventListener('submit', async ev => {
    ev.preventDefault();
    clearErrors(el);
    btn.disabled = true;
    try {
      await onSubmit(values(el), key, el);
      key = newKey();
    } catch (err) {
      if (err instanceof ApiError || (err && !(err instanceof Error))) showError(el, err);
      else throw err;
    } finally {
      btn.disabled = false;
    }
  });
  return el;
}

/* A local check failing: shaped like an ApiError so showError places it. */
export function invalid(fieldName, message) {
  return { field: fieldName, message };
}

/* The SMS code field with its 获取验证码 button and 60-second countdown. phone() gives the
 * number to send to (default: the form's input named phone). */
export function smsField({ purpose, name = 'sms_code', label = '短信验证码', phone, api }) {
  const btn = h('button', { type: 'button', class: 'btn btn-secondary sms-btn' }, '获取验证码');
  const f = field({ name, label, required: true, inputmode: 'numeric', maxlength: 6, autocomplete: 'one-time-code', extra: btn });
  btn.addEventListener('click', async () => {
    const form = btn.closest('form');
    const num = phone ? phone() : form.elements.phone.value.trim();
    clearErrors(form);
    if (!/^1\d{10}$/.test(num)) {
      showError(form, invalid(phone ? 'sms_phone' : 'phone', '请输入正确的 11 位手机号'));
      return;
    }
    btn.disabled = true;
    try {
      await api.post('/api/v1/sms-codes', { phone: num, purpose }, { key: newKey() });
    } catch (err) {
      btn.disabled = false;
      showError(form, err);
      return;
    }
    let left = 60;
    btn.textContent = `${left} 秒后重新获取`;
    const t = setInterval(() => {
      left -= 1;
      if (left <= 0 || !btn.isConnected) {
        clearInterval(t);
        btn.disabled = false;
        btn.textContent = '重新获取';
      } else {
        btn.textContent = `${left} 秒后重新获取`;
      }
    }, 1000);
  });
  return f;
}

/* The password policy as the API checks it, shown live as the person types. */
export function passwordHints(input, phoneInput) {
  const rules = [
    ['长度 8-20 位', p => p.length >= 8 && p.length <= 20],
    ['仅英文字母、数字和英文标点，不含空格', p => p.length > 0 && /^[\x21-\x7e]+$/.test(p)],
    ['大写字母、小写字母、数字、标点中至少三类', p => [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter(r => r.test(p)).length >= 3],
    ['不包含手机号', p => !phoneInput || !phoneInput.value || !p.includes(phoneInput.value.trim())],
  ];
  const items = rules.map(([text]) => h('li', {}, text));
  const list = h('ul', { class: 'pw-hints', 'aria-live': 'polite' }, items);
  const update = () => rules.forEach(([, ok], i) => items[i].classList.toggle('ok', input.value !== '' && ok(input.value)));
  input.addEventListener('input', update);
  if (phoneInput) phoneInput.addEventListener('input', update);
  return list;
}
