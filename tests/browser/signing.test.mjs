/* 签署合同 through the web UI (manual 002 签章, services/certs/README.md "Signing a contract"):
 * 甲's admin of tests/api/fixtures/seals.sh's world (prefix 17112, via signing.sh world) has a
 * contract sent to them alone (made through the API) → on the signing page the pages show
 * as images, the 公章 is dragged from the list of usable seals onto page 2, moved by
 * dragging, the date seal dragged under it, a third placement deleted with × → the page at 390×844 → 确认签署
 * with the SMS code (purpose sign) → 已完成 with the downloads; the signed document holds
 * one valid signature (pdfsig through signing.sh check). */
import { setDefaultTimeout, start, stop, person, shot, sh, test, summary, smsCode, imageWidth, BASE } from './lib.mjs';

const FX = 'bash tests/api/fixtures/signing.sh';
const v = name => sh(`${FX} var ${name}`).trim();

let people = [];
const all = () => people;
let signer, cid, phone, password, ent, entName, token;

async function api(method, path, body, headers = {}) {
  const r = await fetch(BASE + path, { method, headers: { Authorization: 'Bearer ' + token, ...headers,
    ...(body && !(body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}) },
  body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

async function login(p) {
  await p.page.goto(BASE + '/#/login');
  await p.page.getByLabel('手机号', { exact: true }).fill(phone);
  await p.page.getByLabel('密码', { exact: true }).fill(password);
  await p.page.getByRole('button', { name: '登录', exact: true }).click();
  await p.page.waitForURL(/#\/me\/profile/);
}

async function actFor(p, menuButton) {
  if (menuButton) await p.page.getByRole('button', { name: '菜单' }).click();
  await p.page.locator('.namemenu summary').click();
  await p.page.getByRole('menuitemradio', { name: new RegExp(entName) }).click();
  await p.page.locator('.namemenu summary', { hasText: entName }).waitFor({ state: 'attached' });
}

/* Drags the element's centre to (fx, fy) of the target box (fractions of its size). */
async function dragTo(page, from, to, fx, fy) {
  const a = await from.boundingBox(), b = await to.boundingBox();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width * fx, b.y + b.height * fy, { steps: 8 });
  await page.mouse.up();
}

await start();
setDefaultTimeout(15000);
const t0 = Date.now();

await test('a contract for 甲\'s admin alone: the world, a usable 公章, the PDF uploaded, the signer, sent', async () => {
  sh(`${FX} world`);
  [phone, password, ent, entName, token] = ['A_ADMIN_PHONE', 'PASSWORD', 'A_ENT', 'A_ENT_NAME', 'A_ADMIN_TOKEN'].map(v);
  const name = v('A_ADMIN_NAME'), pid = v('A_ADMIN_PID');
  const usable = await api('GET', '/api/v1/me/usable-seals?enterprise_id=' + ent);
  if (!(usable.items || []).some(s => s.kind === 'official')) {
    const seal = await api('POST', '/api/v1/enterprise/seals', { kind: 'official', cert_serial: v('A_RSA') }, { 'Idempotency-Key': 'sgw-seal-' + Date.now() });
    await api('POST', `/api/v1/enterprise/seals/${seal.id}/grants`, { person_id: pid }, { 'Idempotency-Key': 'sgw-grant-' + Date.now() });
  }
  const fd = new FormData();
  fd.append('title', '网页签署测试合同');
  fd.append('file', new Blob([sh(`${FX} pdf`)], { type: 'application/pdf' }), 'contract.pdf');
  const c = await api('POST', '/api/v1/contracts', fd, { 'Idempotency-Key': 'sgw-up-' + Date.now() });
  cid = c.id;
  const exp = new Date(Date.now() + 30 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  await api('PUT', '/api/v1/contracts/' + cid, { title: '网页签署测试合同', order_mode: 'sequential', expires_at: exp,
    signers: [{ phone, name, enterprise_id: ent }] });
  await api('POST', `/api/v1/contracts/${cid}/send`);
}, all);

await test('签章: the pages as images, the 公章 dragged onto page 2 and moved, a date seal under it, a third placement deleted', async () => {
  signer = await person('signer');
  people.push(signer);
  const page = signer.page;
  await login(signer);
  await actFor(signer, false);
  await page.goto(`${BASE}/#/me/contracts/${cid}/sign`);
  const p2 = page.locator('.doc-page[data-page="2"]');
  await p2.locator(':scope > img').waitFor();
  await page.locator('.doc-page[data-page="1"] > img').evaluate(i => i.complete || new Promise(ok => i.addEventListener('load', ok, { once: true })));
  await p2.locator(':scope > img').evaluate(i => i.complete || new Promise(ok => i.addEventListener('load', ok, { once: true })));
  /* the 公章 (RSA); the API cases may have left an SM2 财务专用章 usable too */
  const seal = page.locator('.palette-seal').filter({ hasText: /^公章$/ }).first();
  await seal.waitFor();
  await p2.scrollIntoViewIfNeeded();
  await dragTo(page, seal.locator('img'), p2.locator(':scope > img'), 0.3, 0.5);
  await page.getByText('已放置印章。').waitFor();
  await p2.locator('.placement-seal').waitFor();
  const before = await api('GET', `/api/v1/contracts/${cid}/placements`);
  const first = before.items[0];
  if (before.total !== 1 || first.page !== 2) throw new Error('the seal is not on page 2: ' + JSON.stringify(before.items));
  /* the seal's bottom edge at about half the page height: y ≈ 842 / 2 - 60 in points */
  if (Math.abs(first.y + first.h / 2 - 421) > 40) throw new Error('not where it was dropped: y ' + first.y);
  /* moved by dragging: lower on the page */
  await dragTo(page, p2.locator('.placement-seal'), p2.locator(':scope > img'), 0.3, 0.62);
  await page.getByText('签章已移动。').waitFor();
  const moved = (await api('GET', `/api/v1/contracts/${cid}/placements`)).items[0];
  if (!(moved.y < first.y - 50)) throw new Error(`not moved down: ${first.y} → ${moved.y}`);
  await p2.scrollIntoViewIfNeeded();
  await dragTo(page, page.locator('.palette-date .date-face'), p2.locator(':scope > img'), 0.3, 0.72);
  await page.getByText('已放置日期章。').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await dragTo(page, seal.locator('img'), page.locator('.doc-page[data-page="1"] > img'), 0.7, 0.1);
  await page.getByText('已放置印章。').waitFor();
  await page.locator('.doc-page[data-page="1"] .placement-del').click();
  await page.getByText('已删除签章。').waitFor();
  const after = await api('GET', `/api/v1/contracts/${cid}/placements`);
  if (after.total !== 2 || !after.items.some(p => p.kind === 'date')) throw new Error('placements: ' + JSON.stringify(after.items));
  await shot(signer, 'signing-placed');
}, all);

await test('the signing page at 390×844 (the seals above the pages, the placements shown) without sideways scrolling', async () => {
  const small = await person('phone', { width: 390, height: 844 });
  people.push(small);
  await login(small);
  await actFor(small, true);
  await small.page.goto(`${BASE}/#/me/contracts/${cid}/sign`);
  await small.page.locator('.doc-page[data-page="2"] > img').waitFor();
  await small.page.locator('.doc-page[data-page="2"] .placement-seal').waitFor();
  await small.page.getByRole('button', { name: '确认签署' }).waitFor();
  const wide = await small.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  if (wide) throw new Error('the signing page scrolls sideways at 390 px');
  await shot(small, 'phone-signing');
}, all);

await test('确认签署 with the SMS code: 已完成, the downloads, one valid signature in the document (pdfsig)', async () => {
  const page = signer.page;
  sh(`bash tests/api/phases/20-sms-limits/smsctl.sh del gap ${phone}`);
  await page.getByLabel('手机号（接收签署验证码）').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByRole('button', { name: /秒后重新获取/ }).waitFor();
  const code = await smsCode(phone, 'sign');
  await page.getByLabel('短信验证码').fill(code);
  await page.getByRole('button', { name: '确认签署' }).click();
  await page.locator('.notice-ok', { hasText: '签署完成' }).waitFor();
  await page.getByRole('link', { name: '下载签署完成的合同' }).waitFor();
  await page.getByRole('link', { name: '下载签署完成证明' }).waitFor();
  /* the signed revision's page, the seal drawn by its signature widget */
  if (!(await imageWidth(page.locator('.doc-page[data-page="2"] > img')))) throw new Error('the signed page does not load');
  await shot(signer, 'signing-completed');
  const out = sh(`${FX} check ${cid} ${token} 1`);
  if (!out.includes('Signature is Valid.')) throw new Error(out);
}, all);

await stop();
console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)}s`);
process.exit(summary() ? 1 : 0);
