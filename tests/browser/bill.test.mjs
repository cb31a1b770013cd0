/* 商票融资 through the web UI (tests/browser/README.md): the receiving account proven by
 * micro-deposit → 我要询价 (a refused acceptor beside its field) → the funder's quoter quotes in
 * the institution console → 确认交易 → the operator reviews → 完成背书 → the funder signs for
 * the bill and records the payment → 已完成 seen from both sides; list and detail at 390 px. */
import { setDefaultTimeout, start, stop, person, shot, sh, test, summary, fieldError, imageWidth, BASE, OUT } from './lib.mjs';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');
const PDF = Buffer.from('JVBERi0xLjQKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZy9QYWdlcyAyIDAgUj4+ZW5kb2JqIDIgMCBvYmo8PC9UeXBlL1BhZ2VzL0tpZHNbXS9Db3VudCAwPj5lbmRvYmoKdHJhaWxlcjw8L1Jvb3QgMSAwIFI+PgolJUVPRgo=', 'base64');
/* Test phones 16303xxxxxx (the enterprise) and 16304xxxxxx (operator, the funder's quoter),
 * with a suffix per run so the suite also runs twice against one stack. */
const run = String(Date.now() % 1000000).padStart(6, '0');
const OWNER = '16303' + run, OPERATOR = '16304' + run, QUOTER = '16304' + String((Number(run) + 1) % 1000000).padStart(6, '0');
const PASSWORD = 'Bill-Web-2024';
const ENTERPRISE = `网页商票测试${run}实业有限公司`, USCC = `91430100${run}WB30`;
const FUNDER = '00000000-0000-4000-8000-0000000bf001', FUNDER_NAME = '测试商票资金方甲保理有限公司';
const ACCOUNT = '621700' + run + '1011';
const iso = d => d.toISOString().slice(0, 10);
const day = n => iso(new Date(Date.now() + 8 * 3600e3 + n * 86400e3));

let people = [];
const all = () => people;
let owner, op, quoter, orderNo, orderPath;

async function login(p, phone) {
  await p.page.goto(BASE + '/#/login');
  await p.page.getByLabel('手机号', { exact: true }).fill(phone);
  await p.page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await p.page.getByRole('button', { name: '登录', exact: true }).click();
  await p.page.waitForURL(/#\/me\/profile/);
}

/* Reloads the page until sel shows (another person's action, or the bank, moves the state). */
async function until(p, sel, tries = 40) {
  for (let i = 0; ; i++) {
    if (await p.page.locator(sel).first().isVisible()) return;
    if (i === tries) throw new Error('never shown: ' + sel);
    await p.page.waitForTimeout(250);
    await p.page.reload();
    await p.page.locator('main h1').first().waitFor();
  }
}

await start();
setDefaultTimeout();
const t0 = Date.now();

await test('收款账户: 发起小额打款验证, sent with 3 tries, a wrong amount beside its field (2 left), the amount from the statement verifies it', async () => {
  sh(`bash deploy/local/demo-data.sh admin create-person --phone ${OWNER} --password '${PASSWORD}' --name 网页商票 --reset-password`);
  const r = await fetch(`${BASE}/api/v1/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ method: 'password', phone: OWNER, password: PASSWORD }) });
  const pid = (await r.json()).person.id;
  const F = 'tests/api/phases/60-enterprise-walk/fixture.sh';
  sh(`bash ${F} verify ${pid} 网*票 && bash ${F} certify ${USCC} ${ENTERPRISE} ${pid} && bash tests/api/fixtures/billfin.sh funders`);
  owner = await person('enterprise');
  people.push(owner);
  const page = owner.page;
  await login(owner, OWNER);
  await page.locator('.namemenu summary').click();
  await page.getByRole('menuitemradio', { name: new RegExp(ENTERPRISE) }).click();
  await page.locator('.namemenu summary', { hasText: ENTERPRISE }).waitFor();
  await page.getByRole('link', { name: '收款账户' }).first().click();
  await page.getByLabel('开户银行').fill('中国工商银行');
  await page.getByLabel('开户网点').fill('长沙分行营业部');
  await page.getByLabel('银行账号').fill(ACCOUNT);
  await page.getByRole('button', { name: '添加', exact: true }).click();
  const card = page.locator('section.account', { hasText: ACCOUNT.slice(-4) });
  await card.getByRole('button', { name: '发起小额打款验证' }).click();
  for (let i = 0; !(await card.getByLabel('输入到账金额（元）').isVisible()); i++) {
    if (i === 60) throw new Error('the deposit was never sent');
    await card.getByRole('button', { name: '刷新状态' }).click();
    await page.waitForTimeout(250);
  }
  if (!(await card.innerText()).includes('3 次')) throw new Error('3 tries not shown');
  const st = await (await fetch(`${BASE}/api/v1/dev/bank-statement?account_number=${ACCOUNT}`)).json();
  const fen = st.items[0].amount_fen;
  const wrong = fen % 99 + 1;
  owner.expect(400, '/verify');
  await card.getByLabel('输入到账金额（元）').fill((wrong / 100).toFixed(2));
  await card.getByRole('button', { name: '验证', exact: true }).click();
  await card.locator('[data-field=amount_fen][aria-invalid=true]').waitFor();
  if (!(await fieldError(page, '输入到账金额（元）'))) throw new Error('the wrong amount is not refused beside its field');
  if (!(await card.innerText()).includes('2 次')) throw new Error('2 tries left not shown');
  await card.getByLabel('输入到账金额（元）').fill((fen / 100).toFixed(2));
  await card.getByRole('button', { name: '验证', exact: true }).click();
  await card.locator('.tag.ok', { hasText: '已验证' }).waitFor();
  await shot(owner, 'bill-01-account-verified');
}, all);

await test('我要询价: the front image with type and size before sending, a persistently-overdue acceptor refused beside its field, then 待报价', async () => {
  const page = owner.page;
  await page.getByRole('link', { name: '商票融资 · 我要询价' }).click();
  await page.getByLabel('票面正面图').setInputFiles({ name: '票面正面.png', mimeType: 'image/png', buffer: PNG });
  const info = await page.locator('.file-info').innerText();
  if (!info.includes('票面正面.png') || !info.includes('image/png') || !info.includes('B')) throw new Error('type and size not shown: ' + info);
  await page.getByLabel('票据包号').fill('210210009999620240105000000010');
  await page.getByLabel('承兑人名称').fill('测试持续逾期地产有限公司');
  await page.getByLabel('票面金额（万元）').fill('20');
  await page.getByLabel('出票日期').fill(day(-10));
  await page.getByLabel('到期日期').fill(day(90));
  await page.getByLabel('出票人').fill('测试出票有限公司');
  await page.getByLabel('子票区间').fill('1-20000000');
  await page.getByLabel('询价资金方').selectOption({ label: FUNDER_NAME });
  owner.expect(409, '/api/v1/enterprise/bill-orders');
  await page.getByRole('button', { name: '提交询价' }).click();
  await page.locator('[data-field=acceptor_name][aria-invalid=true]').waitFor();
  if (!(await fieldError(page, '承兑人名称'))) throw new Error('the acceptor refusal is not beside the acceptor');
  await page.getByLabel('承兑人名称').fill('测试承兑一号实业有限公司');
  await page.getByRole('button', { name: '提交询价' }).click();
  await page.waitForURL(/#\/me\/bills\/orders\//);
  orderPath = new URL(page.url()).hash.slice(1).split('?')[0];
  await page.locator('main h1', { hasText: /BF\d{11}/ }).waitFor();
  orderNo = (await page.locator('main h1').innerText()).match(/BF\d{11}/)[0];
  await page.locator('.tag', { hasText: '待报价' }).first().waitFor();
  await page.getByText(`${day(90)} (90天)`).first().waitFor();
  await shot(owner, 'bill-02-inquiry');
}, all);

await test('the operator adds a bill quoter to the funder; the quoter finds 机构工作台, sees the bill front (not the contract), quotes 3.00%/年 and sees the computed figures', async () => {
  sh(`bash deploy/local/demo-data.sh admin create-operator --phone ${OPERATOR} --password '${PASSWORD}' --roles reviewer,quoter,finance,admin,market_admin --name 网页票审 --reset-password`);
  sh(`bash deploy/local/demo-data.sh admin create-person --phone ${QUOTER} --password '${PASSWORD}' --name 网页报价 --reset-password`);
  op = await person('operator');
  people.push(op);
  await login(op, OPERATOR);
  await op.page.goto(BASE + '/#/op/institutions/' + FUNDER);
  const staff = op.page.locator('section', { has: op.page.getByRole('heading', { name: '机构人员' }) });
  await staff.getByLabel('手机号（须已注册）').fill(QUOTER);
  await staff.getByLabel('姓名').fill('网页报价');
  await staff.getByLabel('角色').selectOption({ label: '商票报价员' });
  await staff.getByRole('button', { name: '添加人员' }).click();
  await staff.getByRole('cell', { name: '网页报价' }).first().waitFor();

  quoter = await person('quoter');
  people.push(quoter);
  await login(quoter, QUOTER);
  const page = quoter.page;
  await page.getByRole('link', { name: '机构工作台' }).click();
  await page.getByRole('link', { name: orderNo }).click();
  /* The funder prices the bill from its front (its own file route); the contract and the
   * invoice are the reviewers'. The image must load: a failed request fails the test. */
  const front = page.getByRole('img', { name: '票面正面图' });
  await front.waitFor();
  if (!(await imageWidth(page.locator('figure.doc img')) > 0)) throw new Error('the bill front did not load');
  if (await page.getByText('贸易合同').count()) throw new Error('the funder is shown the trade contract');
  await page.getByLabel('年贴现率（%/年）').fill('3.00');
  await page.getByRole('button', { name: '报价', exact: true }).click();
  await page.locator('.quote').first().waitFor();
  const q = await page.locator('.quote').first().innerText();
  for (const want of ['3.00%/年', '每十万扣息', '计息天数', '贴现利息', '实收金额', '剩余']) if (!q.includes(want)) throw new Error('quote lacks ' + want + ': ' + q);
  await page.locator('.tag', { hasText: '待确认' }).first().waitFor();
  await shot(quoter, 'bill-03-quoted');
}, all);

await test('确认交易: the quote with its countdown, the verified account, contract and invoice; 待审核', async () => {
  const page = owner.page;
  await page.goto(BASE + '/#' + orderPath);
  await page.locator('.quote .countdown').first().waitFor();
  await page.getByLabel('收款账户').selectOption({ index: 0 });
  await page.getByLabel('贸易合同').setInputFiles({ name: '贸易合同.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByLabel('发票').setInputFiles({ name: '发票.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: '确认交易', exact: true }).click();
  await page.locator('.tag', { hasText: '待审核' }).first().waitFor();
  await page.getByText('等待平台审核').waitFor();
  await shot(owner, 'bill-04-confirmed');
}, all);

await test('the operator reviews with the documents shown and approves with the endorsement instructions: 待背书', async () => {
  const page = op.page;
  await page.getByRole('link', { name: '商票融资订单' }).click();
  await page.getByRole('tab', { name: /待审核/ }).click();
  await page.getByRole('link', { name: orderNo }).click();
  const img = page.locator('.doc img').first();
  if (!(await imageWidth(img) > 0)) throw new Error('the bill image does not display');
  if (await page.locator('.doc', { hasText: '贸易合同' }).count() !== 1) throw new Error('the contract is not listed');
  await page.getByLabel('被背书人', { exact: true }).fill(FUNDER_NAME);
  await page.getByLabel('被背书人账号').fill('110061234018800012345');
  await page.getByLabel('被背书人开户行').fill('交通银行长沙分行');
  await page.getByRole('button', { name: '审核通过' }).click();
  await page.locator('.tag', { hasText: '待背书' }).first().waitFor();
  await shot(op, 'bill-05-approved');
}, all);

await test('完成背书 with the instructions shown: 放款中', async () => {
  const page = owner.page;
  await page.reload();
  await page.getByRole('heading', { name: '完成背书' }).waitFor();
  await page.locator('section', { hasText: '完成背书' }).getByText('110061234018800012345').first().waitFor();
  await page.getByRole('button', { name: '完成背书' }).click();
  await page.locator('.tag', { hasText: '放款中' }).first().waitFor();
  await shot(owner, 'bill-06-endorsed');
}, all);

await test('the funder sees the full account number, signs for the bill and records the payment: 已完成 on both sides', async () => {
  const page = quoter.page;
  await page.reload();
  await page.locator('.account-number', { hasText: ACCOUNT }).waitFor();
  await page.getByLabel('已签收该票据').check();
  await page.getByLabel('付款流水号').fill('WEB-PAY-' + run);
  await page.getByRole('button', { name: '签收并登记放款' }).click();
  await page.locator('.tag', { hasText: '已完成' }).first().waitFor();
  await page.getByText('WEB-PAY-' + run).waitFor();
  await shot(quoter, 'bill-07-disbursed-funder');
  await owner.page.reload();
  await owner.page.getByRole('heading', { name: '放款记录' }).waitFor();
  await owner.page.getByText('WEB-PAY-' + run).waitFor();
  if (await owner.page.getByText(ACCOUNT).count() !== 0) throw new Error('the enterprise page shows the full account number');
  await shot(owner, 'bill-08-disbursed-enterprise');
}, all);

await test('节假日年度: the loaded years with their source; a malformed year refused beside the file, naming the day', async () => {
  const page = op.page;
  await page.getByRole('link', { name: '节假日年度' }).click();
  await page.getByRole('cell', { name: /国务院|gov\.cn|holiday/i }).first().waitFor();
  const bad = JSON.stringify({ year: 2031, papers: ['https://www.gov.cn/test-2031'], days: [{ name: '元旦', date: '2031-01-01', isOffDay: true }, { name: '春节', date: '2031-02-30', isOffDay: true }] });
  await page.getByLabel('节假日安排（JSON 文件）').setInputFiles({ name: '2031.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  await page.getByLabel('来源（国务院通知标题或网址）').fill('测试：国务院办公厅关于2031年部分节假日安排的通知');
  op.expect(400, '/api/v1/operator/holiday-years');
  await page.getByRole('button', { name: '载入', exact: true }).click();
  await page.locator('[data-field=json][aria-invalid=true]').waitFor();
  if (!(await fieldError(page, '节假日安排（JSON 文件）')).includes('days[1].date')) throw new Error('the refusal does not name days[1].date');
  await shot(op, 'bill-09-holiday-years');
}, all);

await test('融资订单 list (tabs with counts, filters) and the detail at 390×844 without sideways scrolling', async () => {
  const phone = await person('phone', { width: 390, height: 844 });
  people.push(phone);
  await login(phone, OWNER);
  await phone.page.getByRole('button', { name: '菜单' }).click();
  await phone.page.locator('.namemenu summary').click();
  await phone.page.getByRole('menuitemradio', { name: new RegExp(ENTERPRISE) }).click();
  await phone.page.locator('.namemenu summary', { hasText: ENTERPRISE }).waitFor({ state: 'attached' });
  for (const [hash, name] of [['/me/bills/orders', 'bill-orders'], [orderPath, 'bill-order'], ['/me/accounts', 'accounts']]) {
    await phone.page.goto(BASE + '/#' + hash);
    await phone.page.locator('main h1').first().waitFor();
    if (name === 'bill-orders') {
      await phone.page.getByRole('link', { name: orderNo }).waitFor();
      if (!(await phone.page.getByRole('tab', { name: /已完成/ }).innerText()).includes('1')) throw new Error('the 已完成 count is not 1');
    }
    const wide = await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    if (wide) throw new Error(`${hash} scrolls sideways at 390 px`);
    await shot(phone, 'phone-' + name);
  }
}, all);

await stop();
console.log(`# screenshots in ${OUT}; ${((Date.now() - t0) / 1000).toFixed(1)}s`);
process.exit(summary() ? 1 : 0);
