/* Portal content in the browser (tests/browser/README.md): a content_editor publishes a pinned
 * policy for 长沙市 → the home page and the policy list filtered by a county under it show it →
 * the article page (no console error, nothing in the body runs) → taken offline it is gone;
 * the site settings in the footer (ETag revalidated); the unread badge agrees with the list. */
import { setDefaultTimeout, start, stop, person, shot, sh, test, summary, BASE, OUT } from './lib.mjs';

/* Test phones 16305xxxxxx (the content editor) and 16306xxxxxx (the reader of messages), a
 * suffix per run so the suite runs twice against one stack. */
const run = String(Date.now() % 1000000).padStart(6, '0');
const EDITOR = '16305' + run, READER = '16306' + run;
const PASSWORD = 'Web-Test-2024', PASSWORD2 = 'Web-Test-2025';
const TITLE = `长沙市中小微企业贷款贴息政策（测试${run}）`;
const day = ms => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const TODAY = day(Date.now()), NEXT_YEAR = day(Date.now() + 365 * 86400e3);
const PHONE = '0731-8' + run.slice(0, 6);

let people = [];
const all = () => people;
let editor, visitor, articlePath;

async function login(p, phone, password) {
  await p.page.goto(BASE + '/#/login');
  await p.page.getByLabel('手机号', { exact: true }).fill(phone);
  await p.page.getByLabel('密码', { exact: true }).fill(password);
  await p.page.getByRole('button', { name: '登录', exact: true }).click();
  await p.page.waitForURL(/#\/me\/profile/);
}

const gotoHash = (p, hash) => p.page.goto(BASE + '/#' + hash);

/* The page's own fetch, with the session cookie and the CSRF header api.js sends. */
function pageApi(p, method, path, body) {
  return p.page.evaluate(async ([m, u, b]) => {
    const csrf = decodeURIComponent((document.cookie.match(/(?:^|; )sme_csrf=([^;]*)/) || [])[1] || '');
    const r = await fetch(u, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: b ? JSON.stringify(b) : undefined });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, [method, path, body]);
}

async function until(what, fn) {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise(res => setTimeout(res, 100));
  }
  throw new Error('timed out waiting for ' + what);
}

await start();
setDefaultTimeout();
const t0 = Date.now();

await test('the content editor writes a pinned policy for 长沙市 (Markdown with a script in it), previews and publishes it', async () => {
  sh(`bash deploy/local/demo-data.sh admin create-operator --phone ${EDITOR} --password '${PASSWORD}' --roles content_editor --name 网页编辑 --reset-password`);
  editor = await person('editor');
  people.push(editor);
  const page = editor.page;
  await login(editor, EDITOR, PASSWORD);
  await page.getByRole('link', { name: '运营后台' }).click();
  await page.waitForURL(/#\/op\/articles$/);
  await page.locator('.sidemenu').getByRole('link', { name: '内容管理' }).waitFor();
  /* Only the entries of the editor's role: no review queue that would answer 404. */
  if (await page.locator('.sidemenu').getByRole('link', { name: '企业认证审核' }).count() !== 0) throw new Error('the review menu is offered to a content editor');
  await page.getByRole('link', { name: '新建文章' }).click();
  await page.getByLabel('栏目', { exact: true }).selectOption('policy');
  await page.getByLabel('标题', { exact: true }).fill(TITLE);
  await page.getByLabel('摘要').fill('对符合条件的中小微企业新增贷款按实际支付利息给予一定比例贴息。');
  await page.getByLabel('正文（Markdown）').fill([
    '## 一、支持对象', '', '在长沙市依法登记的**中小微企业**。', '',
    '- 贴息比例不超过 50%', '- 单户年度贴息不超过 **50 万元**', '',
    '<script>window.__ran = 1</script>', '<img src="x" onerror="window.__ran = 2">', '',
    '[政策原文](https://czj.changsha.gov.cn/x.html) [点我](javascript:window.__ran=3)'].join('\n'));
  await page.getByLabel('发文机关').fill('长沙市财政局');
  await page.getByLabel('来源', { exact: true }).fill('长沙市财政局网站');
  await page.getByLabel('原文链接').fill('https://czj.changsha.gov.cn/x.html');
  await page.getByLabel('生效日期').fill(TODAY);
  await page.getByLabel('失效日期').fill(NEXT_YEAR);
  await page.getByLabel('适用地区（不选即全国）：省份').selectOption('43');
  await page.getByLabel('适用地区（不选即全国）：城市').selectOption('4301');
  await page.getByRole('button', { name: '添加地区' }).click();
  await page.locator('.chip', { hasText: '长沙市' }).waitFor();
  await page.getByLabel('标签（用逗号分隔）').fill('贴息，专精特新');
  await page.getByLabel('在首页置顶').check();
  await page.getByLabel('置顶顺序（小者在前）').fill('0');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForURL(/#\/op\/articles\/[0-9a-f-]{36}$/);
  articlePath = '/articles/' + page.url().split('/').pop();
  /* The preview is the stored HTML: the list and the safe link, no script and no handler. */
  const preview = page.locator('.preview');
  await preview.locator('li', { hasText: '贴息比例不超过 50%' }).waitFor();
  if (await preview.locator('a[href="https://czj.changsha.gov.cn/x.html"]', { hasText: '政策原文' }).count() !== 1) throw new Error('the safe link is missing from the preview');
  if (await page.locator('main script, main [onerror], main a[href^="javascript"]').count() !== 0) throw new Error('the preview carries something that runs');
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await page.locator('h1 .tag', { hasText: '已发布' }).waitFor();
  /* An edit of a published article keeps its history. */
  await page.getByLabel('摘要').fill('对符合条件的中小微企业新增贷款给予贴息，单户每年不超过 50 万元。');
  await page.getByRole('button', { name: '保存修改' }).click();
  await page.locator('.kv dd', { hasText: 'v2' }).first().waitFor();
  const versions = page.locator('section', { has: page.getByRole('heading', { name: '历史版本' }) }).locator('tbody tr');
  if (await versions.count() !== 2) throw new Error('expected two versions, saw ' + await versions.count());
  await shot(editor, 'content-01-editor-published');
}, all);

await test('a phone visitor sees it pinned on 首页, in 惠企政策 filtered by 芙蓉区 (a county of 长沙市), and reads the article', async () => {
  visitor = await person('visitor', { width: 390, height: 844 });
  people.push(visitor);
  const page = visitor.page;
  await gotoHash(visitor, '/');
  await page.locator('.pinned').getByRole('link', { name: TITLE }).waitFor();
  if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)) throw new Error('首页 scrolls sideways at 390 px');
  await shot(visitor, 'phone-content-home');
  await page.getByRole('button', { name: '菜单' }).click();
  await page.locator('.topnav').getByRole('link', { name: '惠企政策', exact: true }).click();
  await page.locator('main h1', { hasText: '惠企政策' }).waitFor();
  await page.getByLabel('适用地区：省份').selectOption('43');
  await page.getByLabel('适用地区：城市').selectOption('4301');
  await page.getByLabel('适用地区：区县').selectOption('430102');
  await page.getByLabel('关键词').fill('贴息');
  await page.getByRole('button', { name: '搜索' }).click();
  await page.waitForURL(/region_code=430102/);
  await page.getByRole('link', { name: TITLE }).waitFor();
  if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)) throw new Error('惠企政策 scrolls sideways at 390 px');
  await shot(visitor, 'phone-content-policies');
  await page.getByRole('link', { name: TITLE }).click();
  await page.getByRole('heading', { name: TITLE }).waitFor();
  const facts = await page.locator('.article .kv').innerText();
  for (const want of ['长沙市财政局', TODAY, NEXT_YEAR, '湖南省 长沙市', '贴息'])
    if (!facts.includes(want)) throw new Error(`the article page does not show ${want}: ${facts}`);
  const src = page.locator('.article .kv a', { hasText: '长沙市财政局网站' });
  if (await src.getAttribute('href') !== 'https://czj.changsha.gov.cn/x.html') throw new Error('the source link is wrong');
  await page.locator('.richtext h2', { hasText: '一、支持对象' }).waitFor();
  if (await page.evaluate(() => window.__ran !== undefined)) throw new Error('something in the body ran');
  if (await page.locator('.richtext a[href^="javascript"]').count() !== 0) throw new Error('a javascript: link reached the page');
  if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)) throw new Error('the article scrolls sideways at 390 px');
  await shot(visitor, 'phone-content-article');
}, all);

await test('taken offline: gone from 首页 and 惠企政策, the article page says it does not exist', async () => {
  await editor.page.getByRole('button', { name: '下线', exact: true }).click();
  await editor.page.locator('h1 .tag', { hasText: '已下线' }).waitFor();
  const page = visitor.page;
  await gotoHash(visitor, '/policies?q=' + encodeURIComponent('贴息') + '&region_code=430102');
  await page.locator('main h1', { hasText: '惠企政策' }).waitFor();
  await page.locator('.article-list, .empty').first().waitFor();
  if (await page.getByRole('link', { name: TITLE }).count() !== 0) throw new Error('the policy list still shows it');
  await gotoHash(visitor, '/');
  await page.locator('.hero').waitFor();
  if (await page.getByRole('link', { name: TITLE }).count() !== 0) throw new Error('首页 still shows it');
  visitor.expect(404, '/api/v1/articles/');
  await gotoHash(visitor, articlePath);
  await page.locator('.notice-error').waitFor();
}, all);

await test('site settings: the editor changes the phone; every page shows it in the footer, revalidated with If-None-Match', async () => {
  const page = editor.page;
  await page.locator('.sidemenu').getByRole('link', { name: '站点设置' }).click();
  await page.getByLabel('客服电话').fill(PHONE);
  await page.getByLabel('服务时间').fill('工作日 9:00-17:30');
  await page.getByRole('button', { name: '保存设置' }).click();
  await page.locator('.notice-ok').waitFor();
  const v = visitor.page;
  const asks = [];
  v.on('request', r => { if (new URL(r.url()).pathname === '/api/v1/site-settings') asks.push(r); });
  await v.goto(BASE + '/#/about');
  await v.reload();
  await v.locator('.footer .service-phone', { hasText: PHONE }).waitFor();
  await v.locator('main h1', { hasText: '关于我们' }).waitFor();
  await v.reload();
  await v.locator('.footer .service-phone', { hasText: PHONE }).waitFor();
  /* Once per page load, the second a revalidation of the first. */
  if (asks.length !== 2) throw new Error(`site settings asked ${asks.length} times for two page loads`);
  const second = await asks[1].allHeaders();
  if (!second['if-none-match']) throw new Error('the second load did not revalidate: ' + JSON.stringify(second));
  const res = await asks[1].response();
  if (![200, 304].includes(res.status())) throw new Error('revalidation answered ' + res.status());
  await shot(visitor, 'phone-content-about');
}, all);

await test('the unread badge agrees with the messages list after a message arrives while the page is open', async () => {
  sh(`bash deploy/local/demo-data.sh admin create-person --phone ${READER} --password '${PASSWORD}' --name 网页读者 --reset-password`);
  const reader = await person('reader');
  people.push(reader);
  const page = reader.page;
  await login(reader, READER, PASSWORD);
  const count = async () => (await pageApi(reader, 'GET', '/api/v1/me/messages/unread-count')).json.count;
  await until('the welcome message', async () => await count() >= 1);
  const before = await count();
  await page.reload();
  await page.locator('.msg-link .badge', { hasText: String(before) }).waitFor();
  /* A message that arrives after the page loaded (the password change notice). */
  const r = await pageApi(reader, 'PUT', '/api/v1/me/password', { old_password: PASSWORD, password: PASSWORD2, password_confirm: PASSWORD2 });
  if (r.status !== 200) throw new Error('password change: ' + JSON.stringify(r));
  await until('the password message', async () => await count() === before + 1);
  await page.locator('.msg-link').click();
  await page.locator('.message').first().waitFor();
  const unreadRows = await page.locator('.message.unread').count();
  const badgeText = await page.locator('.msg-link .badge').innerText();
  const tab = await page.getByRole('tab', { name: /未读/ }).locator('.count').innerText();
  if (unreadRows !== before + 1 || badgeText !== String(unreadRows) || tab !== String(unreadRows))
    throw new Error(`badge ${badgeText}, 未读 tab ${tab}, unread rows ${unreadRows}, expected ${before + 1}`);
  await shot(reader, 'content-05-messages');
}, all);

await stop();
console.log(`# screenshots in ${OUT}; ${((Date.now() - t0) / 1000).toFixed(1)}s`);
process.exit(summary() ? 1 : 0);
