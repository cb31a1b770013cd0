/* The browser tests' harness: Debian's chromium through playwright-core, one context per
 * person, every page watched for console errors, page errors, failed requests and
 * unexpected HTTP errors; dev sinks and fixtures as tests/api uses them. */
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const BASE = process.env.GATEWAY_URL;
export const OUT = process.env.BROWSER_OUT_DIR || path.join(process.env.VAR_DIR || '/tmp', 'test-output', 'browser');
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
mkdirSync(OUT, { recursive: true });

let browser;
export async function start() {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
}
/* Each step waits at most this long (the stack answers in milliseconds). */
let stepTimeout = 10000;
export function setDefaultTimeout(ms = 10000) { stepTimeout = ms; }
export async function stop() { if (browser) await browser.close(); }

/* A person's browser: problems[] collects what must not happen on any page. An HTTP error
 * the test provokes on purpose is declared first with expect(status, pathPart). */
export async function person(name, viewport = { width: 1366, height: 768 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true });
  context.setDefaultTimeout(stepTimeout);
  const page = await context.newPage();
  const p = { name, context, page, problems: [], allowed: [] };
  p.expect = (status, part) => p.allowed.push({ status, part });
  page.on('console', m => {
    if (m.type() !== 'error') return;
    /* Chromium logs every HTTP error as "Failed to load resource"; the response handler
     * below judges those, declared or not. */
    if (/^Failed to load resource: the server responded with a status of \d+/.test(m.text())) return;
    p.problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', e => p.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', r => p.problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure() && r.failure().errorText}`));
  page.on('response', r => {
    if (r.status() < 400) return;
    const u = new URL(r.url());
    /* session.js asks market whether the person is institution staff: 404 is its "no". */
    if (r.status() === 404 && u.pathname === '/api/v1/institution/me') return;
    const i = p.allowed.findIndex(a => a.status === r.status() && u.pathname.includes(a.part));
    if (i >= 0) p.allowed.splice(i, 1);
    else p.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${u.pathname}${u.search}`);
  });
  return p;
}

export async function shot(p, name) {
  await p.page.screenshot({ path: path.join(OUT, name + '.png'), fullPage: true });
}

/* A dev sink of the platform (development mode only): the newest SMS code to a phone. */
export async function smsCode(phone, purpose) {
  for (let i = 0; i < 50; i++) {
    const r = await fetch(`${BASE}/api/v1/dev/sms?phone=${phone}`);
    if (r.ok) {
      const items = (await r.json()).items || [];
      const hit = items.find(x => x.purpose === purpose);
      if (hit) return hit.code;
    }
    await new Promise(res => setTimeout(res, 200));
  }
  throw new Error(`no ${purpose} SMS code reached ${phone}`);
}

/* The admin CLI and fixtures of tests/api, run as the API cases run them. */
export function sh(cmd) {
  return execFileSync('bash', ['-c', cmd], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const results = [];
export async function test(name, fn, people) {
  const t0 = Date.now();
  let err = null;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  if (err) {
    for (const p of people())
      await p.page.screenshot({ path: path.join(OUT, `failed-${results.length + 1}-${p.name}.png`), fullPage: true }).catch(() => {});
  }
  const problems = people().flatMap(p => p.problems.map(x => `${p.name}: ${x}`));
  const ok = !err && problems.length === 0;
  results.push(ok);
  console.log(`${ok ? 'ok' : 'not ok'} ${results.length} - ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  if (err) console.log('#   ' + String(err.stack || err).split('\n').slice(0, 6).join('\n#   '));
  for (const x of problems) console.log('#   ' + x);
  for (const p of people()) p.problems.length = 0;
}

export function summary() {
  const passed = results.filter(Boolean).length;
  console.log(`${passed} passed, ${results.length - passed} failed`);
  return results.length - passed;
}

/* The text of the field error next to the input labelled `label`. */
export async function fieldError(page, label) {
  const input = page.getByLabel(label, { exact: true });
  const id = await input.getAttribute('aria-describedby');
  return page.locator('#' + id.split(' ')[0]).innerText();
}

/* The image's natural width once it has loaded (0 when it failed): waits for its load
 * event rather than polling, which page.waitForFunction would do by evaluating a string
 * that the pages' CSP (no unsafe-eval) refuses. */
export async function imageWidth(img) {
  await img.waitFor();
  return img.evaluate((i) => i.complete ? i.naturalWidth
    : new Promise((ok) => { i.addEventListener('load', () => ok(i.naturalWidth), { once: true }); i.addEventListener('error', () => ok(0), { once: true }); }));
}
