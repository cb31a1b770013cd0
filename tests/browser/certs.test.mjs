/* 数字证书 through the web UI (tests/browser/README.md): an enterprise's 经办人 applies (a CSR
 * naming another enterprise refused beside its field, then a software certificate with a
 * server-generated key), uploads the materials → orders it (下单缴费, bank transfer: the
 * reference code, the slip uploaded; finance confirms through the API) → the ca_officer
 * accepts in the console (paid and accepted: the certificate is issued) and hands it over → the applicant downloads the PKCS#12 once (the
 * second attempt refused with its message on the page) → 证书管理 lists it, the PEM downloads
 * → 证书登录 with the key from that PKCS#12 → the certificate revoked after the confirmation
 * dialog; list and detail at 390 px. */
import { setDefaultTimeout, start, stop, person, shot, sh, test, summary, fieldError, BASE, OUT } from './lib.mjs';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');
/* Test phones 16307xxxxxx (the applicant) and 16308xxxxxx (the ca_officer), a suffix per run. */
const run = String(Date.now() % 1000000).padStart(6, '0');
const APPLICANT = '16307' + run, OFFICER = '16308' + run;
const PASSWORD = 'Cert-Web-2024', P12_PASSWORD = 'P12-pass-2024';
const ENTERPRISE = `网页证书测试${run}科技有限公司`, USCC = `91430100${run}WC40`;
const tmp = mkdtempSync(path.join(tmpdir(), 'certs-web-'));

let people = [];
const all = () => people;
let applicant, officer, appNo, appPath, serial;

async function login(p, phone) {
  await p.page.goto(BASE + '/#/login');
  await p.page.getByLabel('手机号', { exact: true }).fill(phone);
  await p.page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await p.page.getByRole('button', { name: '登录', exact: true }).click();
  await p.page.waitForURL(/#\/me\/profile/);
}

/* Saves a download started by click() and returns its bytes. */
async function saved(p, click) {
  const [d] = await Promise.all([p.page.waitForEvent('download'), click()]);
  const file = path.join(tmp, d.suggestedFilename());
  await d.saveAs(file);
  return { file, name: d.suggestedFilename(), bytes: readFileSync(file) };
}

await start();
setDefaultTimeout();
const t0 = Date.now();

await test('申请证书: a CSR naming another enterprise refused beside its field; software with a server key → the application, materials uploaded', async () => {
  sh(`bash deploy/local/demo-data.sh admin create-person --phone ${APPLICANT} --password '${PASSWORD}' --name 网页证书 --reset-password`);
  const r = await fetch(`${BASE}/api/v1/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ method: 'password', phone: APPLICANT, password: PASSWORD }) });
  const pid = (await r.json()).person.id;
  const F = 'tests/api/phases/60-enterprise-walk/fixture.sh';
  sh(`bash ${F} verify ${pid} 网*书 && bash ${F} certify ${USCC} ${ENTERPRISE} ${pid}`);
  applicant = await person('applicant');
  people.push(applicant);
  const page = applicant.page;
  await login(applicant, APPLICANT);
  await page.locator('.namemenu summary').click();
  await page.getByRole('menuitemradio', { name: new RegExp(ENTERPRISE) }).click();
  await page.locator('.namemenu summary', { hasText: ENTERPRISE }).waitFor();
  await page.getByRole('link', { name: '数字证书申请' }).click();
  await page.getByRole('tab', { name: new RegExp('企业证书') }).waitFor();
  await page.getByText('暂无证书申请').waitFor();
  await page.getByRole('link', { name: '申请证书' }).click();

  /* A USB key: the mailing address and the CSR, no file password. */
  await page.getByLabel('证书介质').selectOption('usbkey');
  if (await page.getByLabel('PKCS#12 文件密码').isVisible()) throw new Error('a USB key asks for a file password');
  await page.getByLabel('邮寄地址').fill('湖南省长沙市岳麓区麓谷大道 1 号');
  const wrong = sh(`d=$(mktemp -d) && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $d/k -subj '/CN=别家网页科技有限公司/O=别家网页科技有限公司' -utf8 2>/dev/null; rm -rf $d`);
  await page.getByLabel('证书请求（CSR，PEM）').fill(wrong);
  await page.getByLabel('领取人姓名').fill('王小明');
  await page.getByLabel('领取人手机号').fill('17102009999');
  await page.getByLabel('电子邮箱').fill('wangxm@example.com');
  await page.getByRole('button', { name: '提交申请' }).click();
  if (!(await fieldError(page, '我已阅读并同意《数字证书服务协议》（2024-01 版）')).includes('同意')) throw new Error('the agreement is not asked for');
  await page.getByLabel(/我已阅读并同意/).check();
  applicant.expect(400, '/api/v1/enterprise/certificate-applications');
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.locator('[data-field=csr][aria-invalid=true]').waitFor();
  if (!(await fieldError(page, '证书请求（CSR，PEM）'))) throw new Error('the CSR refusal is not beside the CSR');

  /* Software, the key made by the platform: the file password instead of the CSR. */
  await page.getByLabel('证书介质').selectOption('software');
  await page.getByLabel('密钥生成方式').selectOption('server');
  if (await page.getByLabel('证书请求（CSR，PEM）').isVisible()) throw new Error('a server key still asks for a CSR');
  if (await page.getByLabel('邮寄地址').isVisible()) throw new Error('software asks for a mailing address');
  await page.getByLabel('密码算法').selectOption('ecdsa');
  await page.getByLabel('有效期', { exact: true }).selectOption('2');
  await page.getByLabel('PKCS#12 文件密码').fill(P12_PASSWORD);
  await page.getByLabel('确认文件密码').fill(P12_PASSWORD);
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.waitForURL(/#\/me\/cert-applications\/enterprise\//);
  appPath = new URL(page.url()).hash.slice(1).split('?')[0];
  await page.locator('main h1', { hasText: /CA\d{14}/ }).waitFor();
  appNo = (await page.locator('main h1').innerText()).match(/CA\d{14}/)[0];
  await page.locator('main h1 .tag', { hasText: '待审核' }).waitFor();
  await page.getByText(ENTERPRISE).first().waitFor();
  for (const [kind, name] of [['营业执照', '营业执照.png'], ['授权书（加盖公章）', '授权书.png']]) {
    await page.getByLabel('材料类型').selectOption({ label: kind });
    await page.getByLabel('扫描件').setInputFiles({ name, mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await page.locator('.materials li', { hasText: name }).waitFor();
  }
  const pdf = await page.getByRole('link', { name: '打印申请表（PDF）' }).getAttribute('href');
  const res = await page.request.get(BASE + pdf);
  if (res.status() !== 200 || !(await res.body()).subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new Error('the 申请表 is not a PDF');
  await shot(applicant, 'certs-01-application');
  await page.getByRole('link', { name: '← 数字证书申请' }).click();
  await page.getByRole('link', { name: appNo }).waitFor();
  await page.locator('tr', { hasText: appNo }).locator('.tag', { hasText: '待审核' }).waitFor();
}, all);

await test('下单缴费: the applicant orders the application (bank transfer), sees the transfer instructions with the reference code and uploads the slip; finance confirms the amount (API): 已支付', async () => {
  const page = applicant.page;
  await page.goto(BASE + '/#/me/cert-orders/new?side=enterprise');
  await page.locator('main h1', { hasText: '下单缴费' }).waitFor();
  await page.getByRole('checkbox', { name: new RegExp(appNo) }).check();
  await page.getByLabel('发票抬头').fill(ENTERPRISE);
  await page.getByLabel('纳税识别号').fill('91350100M000100Y43');
  await page.getByLabel('电子邮箱').fill('invoice@example.com');
  await page.getByLabel('领取人姓名').fill('王小明');
  await page.getByLabel('领取人手机号').fill('17102009999');
  await page.getByLabel('邮寄地址').fill('湖南省长沙市岳麓区麓谷大道 1 号');
  await page.getByRole('button', { name: '生成订单' }).click();
  await page.waitForURL(/#\/me\/cert-orders\/enterprise\//);
  const orderPath = new URL(page.url()).hash.slice(1).split('?')[0];
  await page.locator('main h1 .tag', { hasText: '待支付' }).waitFor();
  /* The intent is asked of payments after the order is written: reload until it shows. */
  for (let i = 0; i < 50 && !(await page.locator('.reference-code').count()); i++) {
    await page.waitForTimeout(200);
    await page.goto(BASE + '/#' + orderPath + '?t=' + i);
    await page.locator('main h1 .tag').waitFor();
  }
  const code = (await page.locator('.reference-code').innerText()).trim();
  if (!/^[A-Z0-9]{8}$/.test(code)) throw new Error('no transfer reference code: ' + code);
  await page.getByLabel(/汇款底单/).setInputFiles({ name: '汇款底单.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: '上传汇款底单' }).click();
  await page.getByText('汇款底单已上传').waitFor();
  await shot(applicant, 'certs-01b-order');
  const o = await (await page.request.get(BASE + '/api/v1/enterprise/certificate-orders/' + orderPath.split('/').pop())).json();
  sh(`bash tests/api/fixtures/certorder.sh receipt ${o.intent_id} ${o.total_fen}`);
  for (let i = 0; i < 50; i++) {
    await page.goto(BASE + '/#' + orderPath + '?p=' + i);
    await page.locator('main h1 .tag').waitFor();
    if (await page.locator('main h1 .tag', { hasText: '已支付' }).count()) break;
    await page.waitForTimeout(200);
  }
  await page.locator('main h1 .tag', { hasText: '已支付' }).waitFor();
}, all);

await test('the ca_officer finds the application in 运营后台, opens a material and accepts it: 已制证, then 可领取 → 已完成', async () => {
  sh(`bash deploy/local/demo-data.sh admin create-operator --phone ${OFFICER} --password '${PASSWORD}' --roles ca_officer --name 网页证书审核 --reset-password`);
  officer = await person('officer');
  people.push(officer);
  const page = officer.page;
  await login(officer, OFFICER);
  await page.getByRole('link', { name: '运营后台' }).click();
  await page.waitForURL(/#\/op\/cert-applications/);
  await page.getByRole('link', { name: appNo }).click();
  await page.locator('main h1', { hasText: appNo }).waitFor();
  const href = await page.getByRole('link', { name: '营业执照.png' }).getAttribute('href');
  const m = await page.request.get(BASE + href);
  if (m.status() !== 200 || !(await m.body()).equals(PNG)) throw new Error('the material does not open');
  await page.getByRole('button', { name: '受理并制证' }).click();
  await page.locator('main h1 .tag', { hasText: '已制证' }).waitFor();
  await shot(officer, 'certs-02-officer-issued');
  await page.getByRole('button', { name: '通知可领取' }).click();
  await page.locator('main h1 .tag', { hasText: '可领取' }).waitFor();
  await page.getByRole('button', { name: '标记已完成' }).click();
  await page.locator('main h1 .tag', { hasText: '已完成' }).waitFor();
  await page.getByRole('link', { name: '← 数字证书申请' }).click();
  await page.getByRole('tab', { name: '已完成' }).click();
  await page.getByRole('link', { name: appNo }).waitFor();
}, all);

await test('the applicant downloads the PKCS#12 once (it opens with the password), the second attempt refused with its message', async () => {
  const page = applicant.page;
  await page.goto(BASE + '/#' + appPath);
  await page.locator('main h1 .tag', { hasText: '已完成' }).waitFor();
  await page.getByText('只能下载一次').first().waitFor();
  const btn = page.getByRole('button', { name: '下载软证书（PKCS#12）' });
  const p12 = await saved(applicant, () => btn.click());
  if (p12.name !== appNo + '.p12') throw new Error('the file name is ' + p12.name);
  const info = sh(`openssl pkcs12 -in ${p12.file} -passin pass:${P12_PASSWORD} -nokeys -clcerts 2>/dev/null | openssl x509 -noout -subject -serial -nameopt utf8`);
  if (!info.includes(ENTERPRISE)) throw new Error('the PKCS#12 does not hold the enterprise certificate: ' + info);
  serial = info.match(/serial=([0-9A-F]+)/i)[1].toUpperCase();
  sh(`openssl pkcs12 -in ${p12.file} -passin pass:${P12_PASSWORD} -nocerts -nodes 2>/dev/null | openssl pkey -out ${tmp}/key.pem`);
  applicant.expect(410, '/pkcs12');
  await btn.click();
  const refusal = page.locator('.download-error');
  await refusal.filter({ hasText: /./ }).waitFor();
  const text = await refusal.innerText();
  if (!/[\u4e00-\u9fa5]/.test(text)) throw new Error('the refusal is not shown in Chinese: ' + text);
  await shot(applicant, 'certs-03-pkcs12-once');
  await page.reload();
  await page.getByText('软证书文件已下载').waitFor();
  if (await page.getByRole('button', { name: '下载软证书（PKCS#12）' }).count()) throw new Error('the download is still offered');
}, all);

await test('证书管理: the certificate listed 有效 under the enterprise, its detail with subject, serial and validity, the PEM and the chain downloaded', async () => {
  const page = applicant.page;
  await page.getByRole('link', { name: '证书管理', exact: true }).click();
  const row = page.locator('tr', { hasText: serial });
  await row.locator('.tag', { hasText: '有效' }).waitFor();
  await row.getByRole('link', { name: ENTERPRISE }).click();
  await page.locator('main h1', { hasText: ENTERPRISE }).waitFor();
  await page.getByText(`organizationIdentifier`).or(page.getByText(USCC)).first().waitFor();
  const pem = await saved(applicant, () => page.getByRole('link', { name: '下载证书（PEM）' }).click());
  if (!pem.bytes.toString().startsWith('-----BEGIN CERTIFICATE-----')) throw new Error('not a PEM certificate');
  writeFileSync(path.join(tmp, 'cert.pem'), pem.bytes);
  const chain = await saved(applicant, () => page.getByRole('link', { name: '下载证书链（PEM）' }).click());
  if ((chain.bytes.toString().match(/BEGIN CERTIFICATE/g) || []).length !== 3) throw new Error('the chain does not hold 3 certificates');
  sh(`openssl x509 -in ${tmp}/cert.pem -noout -checkend 0`);
  await shot(applicant, 'certs-04-certificate');
}, all);

await test('证书登录: a new browser signs the challenge with the key from the PKCS#12 and is logged in as the applicant', async () => {
  const p = await person('certlogin');
  people.push(p);
  const page = p.page;
  await page.goto(BASE + '/#/login');
  await page.getByRole('tab', { name: '证书登录' }).click();
  await page.getByRole('button', { name: '获取校验码' }).click();
  const challenge = await page.getByLabel('校验码', { exact: true }).inputValue();
  writeFileSync(path.join(tmp, 'challenge'), challenge);
  const sig = sh(`openssl dgst -sha256 -sign ${tmp}/key.pem ${tmp}/challenge | base64 -w0`);
  await page.getByLabel('证书（PEM）').fill(readFileSync(path.join(tmp, 'cert.pem'), 'utf8'));
  await page.getByLabel('签名（Base64）').fill(sig);
  await shot(p, 'certs-05-certificate-login');
  await page.getByRole('button', { name: '证书登录' }).click();
  await page.waitForURL(/#\/me\/profile/);
  await page.locator('.namemenu summary', { hasText: '网页证书' }).waitFor();
  await p.context.close();
  people = people.filter(x => x !== p);
}, all);

await test('吊销证书: the confirmation dialog (取消 keeps it), 确认吊销 → 已吊销 with the reason, listed under 已吊销', async () => {
  const page = applicant.page;
  await page.getByLabel('吊销原因').selectOption('superseded');
  await page.getByRole('button', { name: '吊销证书' }).click();
  const dialog = page.getByRole('dialog', { name: '确认吊销证书' });
  await dialog.waitFor();
  await shot(applicant, 'certs-06-revoke-dialog');
  await dialog.getByRole('button', { name: '取消' }).click();
  await dialog.waitFor({ state: 'detached' });
  if (await page.locator('main h1 .tag', { hasText: '已吊销' }).count()) throw new Error('取消 revoked it');
  await page.getByRole('button', { name: '吊销证书' }).click();
  await page.getByRole('dialog', { name: '确认吊销证书' }).getByRole('button', { name: '确认吊销' }).click();
  await page.locator('main h1 .tag', { hasText: '已吊销' }).waitFor();
  await page.getByText('证书已被替换').waitFor();
  await page.getByRole('link', { name: '← 证书管理' }).click();
  await page.getByRole('tab', { name: '已吊销' }).click();
  await page.locator('tr', { hasText: serial }).locator('.tag', { hasText: '已吊销' }).waitFor();
}, all);

await test('a cloud certificate applied for, the officer rejects it with a reason → 已驳回 with the reason in the list → 修改并重新提交 → 待审核 → 删除申请', async () => {
  const page = applicant.page;
  await page.goto(BASE + '/#/me/cert-applications/new');
  await page.getByRole('tab', { name: /企业证书/, selected: true }).waitFor();
  await page.getByLabel('证书介质').selectOption('cloud');
  if (await page.getByLabel('证书请求（CSR，PEM）').isVisible() || await page.getByLabel('PKCS#12 文件密码').isVisible())
    throw new Error('a cloud certificate asks for a CSR or a file password');
  await page.getByLabel('领取人姓名').fill('网页证书');
  await page.getByLabel('领取人手机号').fill(APPLICANT);
  await page.getByLabel('电子邮箱').fill('cert-web@example.com');
  await page.getByLabel(/我已阅读并同意/).check();
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.waitForURL(/#\/me\/cert-applications\/enterprise\//);
  await page.locator('main h1', { hasText: /CA\d{14}/ }).waitFor();
  const no = (await page.locator('main h1').innerText()).match(/CA\d{14}/)[0];
  const path2 = new URL(page.url()).hash.slice(1).split('?')[0];

  const op = officer.page;
  await op.goto(BASE + '/#/op/cert-applications');
  await op.getByRole('link', { name: no }).click();
  await op.getByLabel('驳回原因').fill('授权书未加盖公章，请重新上传');
  await op.getByRole('button', { name: '驳回', exact: true }).click();
  await op.locator('main h1 .tag', { hasText: '已驳回' }).waitFor();

  await page.goto(BASE + '/#/me/cert-applications');
  const row = page.locator('tr', { hasText: no });
  await row.locator('.tag', { hasText: '已驳回' }).waitFor();
  await row.getByText('授权书未加盖公章').waitFor();
  await shot(applicant, 'certs-07-rejected');
  await page.goto(BASE + '/#' + path2);
  await page.getByText('申请已驳回：授权书未加盖公章').waitFor();
  await page.getByRole('button', { name: '修改并重新提交' }).click();
  await page.getByLabel('有效期', { exact: true }).selectOption('3');
  await page.getByLabel(/我已阅读并同意/).check();
  await page.getByRole('button', { name: '修改并重新提交' }).click();
  await page.locator('main h1 .tag', { hasText: '待审核' }).waitFor();
  await page.getByText('3 年').waitFor();
  await page.getByRole('button', { name: '删除申请' }).click();
  await page.getByRole('dialog', { name: '删除申请单' }).getByRole('button', { name: '删除' }).click();
  await page.waitForURL(/#\/me\/cert-applications\?side=enterprise/);
  await page.getByRole('link', { name: appNo }).waitFor();
  if (await page.getByRole('link', { name: no }).count()) throw new Error('the deleted application is still listed');
}, all);

await test('数字证书申请, the application, 证书管理 and the certificate at 390×844 without sideways scrolling', async () => {
  const phone = await person('phone', { width: 390, height: 844 });
  people.push(phone);
  await login(phone, APPLICANT);
  await phone.page.getByRole('button', { name: '菜单' }).click();
  await phone.page.locator('.namemenu summary').click();
  await phone.page.getByRole('menuitemradio', { name: new RegExp(ENTERPRISE) }).click();
  await phone.page.locator('.namemenu summary', { hasText: ENTERPRISE }).waitFor({ state: 'attached' });
  /* Each page waited for by what it shows (a hash change keeps the previous page until then). */
  for (const [hash, name, shown] of [['/me/cert-applications', 'cert-applications', () => phone.page.getByRole('link', { name: appNo })],
    [appPath, 'cert-application', () => phone.page.locator('main h1', { hasText: appNo })],
    ['/me/cert-applications/new', 'cert-application-new', () => phone.page.getByRole('button', { name: '提交申请' })],
    ['/me/certificates', 'certificates', () => phone.page.locator('tr', { hasText: serial })],
    ['/me/certificates/enterprise/' + serial, 'certificate', () => phone.page.locator('main h1', { hasText: ENTERPRISE })]]) {
    await phone.page.goto(BASE + '/#' + hash);
    await shown().waitFor();
    const wide = await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    if (wide) throw new Error(`${hash} scrolls sideways at 390 px`);
    await shot(phone, 'phone-' + name);
  }
}, all);

await stop();
rmSync(tmp, { recursive: true, force: true });
console.log(`# screenshots in ${OUT}; ${((Date.now() - t0) / 1000).toFixed(1)}s`);
process.exit(summary() ? 1 : 0);
