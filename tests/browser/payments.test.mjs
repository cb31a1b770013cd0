/* 在线支付 through the web UI (issue 18): an intent of the payer (the development route, as
 * certorders' order page is not there yet) → 在线支付 → 微信支付: the QR code of the code_url
 * shown → the simulator's pay page opened from the code_url → 支付 → the simulator's notify
 * credits it and the page, polling, shows 已支付. The payer's phone 17105xxxxxx with a per-run
 * suffix. */
import { setDefaultTimeout, start, stop, person, shot, sh, test, summary, imageWidth, BASE } from './lib.mjs';

const run = String(Date.now() % 1000000).padStart(6, '0');
const PAYER = '17105' + run, PASSWORD = 'Pay-Web-2024';

let people = [];
let intentId = null, finPhone = null;
const all = () => people;

await start();
setDefaultTimeout();
const t0 = Date.now();

await test('在线支付: 微信支付 shows the QR code, the simulator\'s page from the code_url pays, the page turns 已支付', async () => {
  sh(`bash deploy/local/demo-data.sh admin create-person --phone ${PAYER} --password '${PASSWORD}' --name 网页付款 --reset-password`);
  const r = await fetch(`${BASE}/api/v1/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ method: 'password', phone: PAYER, password: PASSWORD }) });
  const pid = (await r.json()).person.id;
  const ir = await fetch(`${BASE}/api/v1/dev/payments/intents`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ intent: { reference: 'web-pay-' + run, purpose: '数字证书续期费用', amount_fen: 35000,
      payer_account_id: pid, methods: ['wechat', 'alipay'],
      items: [{ name: '数字证书续期', quantity: 1, unit_price_fen: 35000, amount_fen: 35000, tax_rate_bp: 600 }] } }) });
  if (ir.status !== 201) throw new Error('intent not created: ' + ir.status);
  const intent = await ir.json();
  intentId = intent.id;

  const payer = await person('payer');
  people.push(payer);
  const page = payer.page;
  await page.goto(BASE + '/#/login');
  await page.getByLabel('手机号', { exact: true }).fill(PAYER);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(/#\/me\/profile/);

  await page.goto(BASE + `/#/me/payments/${intent.id}/pay`);
  await page.locator('main h1', { hasText: '在线支付' }).waitFor();
  await page.getByText('350.00').first().waitFor();
  await page.getByRole('button', { name: '微信支付', exact: true }).click();
  const qr = page.getByRole('img', { name: '微信支付二维码' });
  if (await imageWidth(qr) < 100) throw new Error('the QR code did not load');
  await shot(payer, 'pay-wechat-qr');

  /* The code_url is what the payer's WeChat would open: here the simulator's pay page. */
  const url = await page.locator('a.pay-link').getAttribute('href');
  const sim = await payer.context.newPage();
  await sim.goto(url);
  await sim.getByText('¥').first().waitFor();
  if ((await sim.locator('#amount').innerText()) !== '350.00') throw new Error('the simulator shows another amount');
  await sim.getByRole('button', { name: '支付', exact: true }).click();
  await sim.locator('#note', { hasText: '支付成功' }).waitFor();
  await sim.close();

  /* The notify credits it; the page asks every 2 s. */
  await page.locator('main h1', { hasText: '已支付' }).waitFor({ timeout: 20000 });
  await page.getByText('支付成功，订单已支付。').waitFor();
  await shot(payer, 'pay-wechat-paid');
}, all);

await test('对账差异: finance runs today\'s reconciliation from the console; the WeChat statement (from the simulator) is compared with the ledger', async () => {
  const FIN = '17105' + String((Number(run) + 500000) % 1000000).padStart(6, '0');
  finPhone = FIN;
  sh(`bash deploy/local/demo-data.sh admin create-operator --phone ${FIN} --password '${PASSWORD}' --roles finance --name 网页财务 --reset-password`);
  const fin = await person('finance');
  people.push(fin);
  const page = fin.page;
  await page.goto(BASE + '/#/login');
  await page.getByLabel('手机号', { exact: true }).fill(FIN);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('link', { name: '运营后台' }).click();
  await page.getByRole('link', { name: '对账差异' }).click();
  await page.locator('main h1', { hasText: '对账差异' }).waitFor();
  await page.getByRole('button', { name: '立即对账', exact: true }).click();
  /* One row per configured provider; WeChat's statement holds at least the payment above. */
  const row = page.locator('main section', { hasText: '立即对账' }).locator('table tr', { hasText: '微信支付' }).first();
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  if (!['一致', '有差异'].includes(cells[1])) throw new Error('the WeChat run did not complete: ' + cells.join(' | '));
  if (Number(cells[2]) < 1) throw new Error('the WeChat statement is empty: ' + cells.join(' | '));
  await shot(fin, 'pay-recon-run');
}, all);

/* Phone width: every payment page of the payer and of finance without sideways scrolling. */
async function phoneLogin(p, phone) {
  await p.page.goto(BASE + '/#/login');
  await p.page.getByLabel('手机号', { exact: true }).fill(phone);
  await p.page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await p.page.getByRole('button', { name: '登录', exact: true }).click();
  await p.page.waitForURL(/#\/(me|op)\//);
}

async function phonePages(p, pages) {
  for (const [hash, name, shown] of pages) {
    await p.page.goto(BASE + '/#' + hash);
    await shown().waitFor();
    const wide = await p.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    if (wide) throw new Error(`${hash} scrolls sideways at 390 px`);
    await shot(p, 'phone-' + name);
  }
}

await test('the payer\'s 在线支付 and 电子发票 pages at 390×844 without sideways scrolling', async () => {
  if (!intentId) throw new Error('no intent: the first test failed');
  const phone = await person('payer-phone', { width: 390, height: 844 });
  people.push(phone);
  await phoneLogin(phone, PAYER);
  const h1 = (t) => () => phone.page.locator('main h1', { hasText: t });
  await phonePages(phone, [[`/me/payments/${intentId}/pay`, 'pay', h1('已支付')],
    [`/me/payments/${intentId}/invoices`, 'invoices', h1('电子发票')]]);
}, all);

await test('finance\'s 支付单, the intent, 总账, 对账差异 and 电子发票 at 390×844 without sideways scrolling', async () => {
  if (!intentId || !finPhone) throw new Error('no intent or finance operator: an earlier test failed');
  const phone = await person('finance-phone', { width: 390, height: 844 });
  people.push(phone);
  await phoneLogin(phone, finPhone);
  const h1 = (t) => () => phone.page.locator('main h1', { hasText: t });
  await phonePages(phone, [['/op/payments', 'op-payments', h1('支付单')],
    [`/op/payments/${intentId}`, 'op-payments-intent', () => phone.page.getByText('350.00').first()],
    ['/op/payments-ledger', 'op-payments-ledger', h1('总账')],
    ['/op/payments-recon', 'op-payments-recon', h1('对账差异')],
    ['/op/invoices', 'op-invoices', h1('电子发票')]]);
}, all);

await stop();
console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)}s`);
process.exit(summary() ? 1 : 0);
