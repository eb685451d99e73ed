#!/usr/bin/env node
// Browser tests of the web UI: real Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against a real `ichigen serve` on a temp database, locating elements by
// role and visible label as a person would. Prints TAP; scripts/test.sh counts it in the final
// "N passed, N failed" line (via build-browser/meson-logs/testlog.json, the same format as
// meson's). Screenshots of every page in both languages go to build/browser-screenshots/.
// With ICHIGEN_BROWSER_PG_URL (lib.mjs) the store is a fresh PostgreSQL database, the log
// build-browser-pg/meson-logs/testlog.json and the screenshots build/browser-screenshots-pg/.
// Figures (first-load JavaScript, time to interactive, live panel latency) are printed as
// "# measure:" lines, never asserted.
//   node tests/browser/run.mjs [path/to/ichigen]
// ICHIGEN_BROWSER_SHIM=1 (development only, never in `make test`): when the server has no cookie
// sessions yet, sign in by adding a bearer token to API requests instead, to look at pages.
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Server, launch, watch, axe, shot, test, note, plan, assert, counts, lines, ROOT, SHOTS, PG_URL, totp } from './lib.mjs';
import { reporterScenarios, draftScenario } from './reporter.mjs';
import { accessScenarios } from './access.mjs';
import { authorityScenarios } from './authority.mjs';
import { executiveScenarios } from './executive.mjs';
import { operatorScenarios } from './operator.mjs';
import { adminScenarios } from './admin.mjs';
import { keyboardScenarios } from './keyboard.mjs';
import { advisoryScenarios } from './advisories.mjs';
import { sharingScenarios } from './sharing.mjs';
import { readFileSync, readdirSync, statSync } from 'node:fs';

// The keys of both locale files agree, and every literal t('a.b') in web/src names a key.
function checkLocales() {
  const flat = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? flat(v, `${p}${k}.`) : [`${p}${k}`]));
  // ja.json/en.json and the areas' <area>.ja.json/<area>.en.json, merged as lib/areas.js does
  const load = (lang) => readdirSync(join(ROOT, 'web/src/locales')).filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`))
    .reduce((all, f) => Object.assign(all, JSON.parse(readFileSync(join(ROOT, 'web/src/locales', f), 'utf8'))), {});
  const ja = new Set(flat(load('ja')));
  const en = new Set(flat(load('en')));
  const problems = [...ja].filter((k) => !en.has(k)).map((k) => `missing in en: ${k}`)
    .concat([...en].filter((k) => !ja.has(k)).map((k) => `missing in ja: ${k}`));
  const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  for (const f of walk(join(ROOT, 'web/src')).filter((x) => /\.(vue|js)$/.test(x))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) {
      const known = m[1].endsWith('.') ? [...ja].some((k) => k.startsWith(m[1])) : ja.has(m[1]); // t('status.' + x)
      if (!known) problems.push(`${f.slice(ROOT.length + 1)} uses ${m[1]}, not in the locale files`);
    }
  }
  return problems;
}

const bin = process.argv[2] || join(ROOT, 'build', 'ichigen');
const webDir = join(ROOT, 'web', 'dist');
const shim = process.env.ICHIGEN_BROWSER_SHIM === '1';

const PW = { rep: 'rep-a-long-secret-1', repB: 'rep-b-long-secret-1', auth: 'auth-a-long-secret-1' };

async function main() {
  // a failing test's page from an earlier run would mislead
  try {
    for (const f of readdirSync(SHOTS)) if (/^FAILED-/.test(f)) rmSync(join(SHOTS, f));
  } catch {
    /* no screenshots yet */
  }
  const srv = new Server(bin);
  let browser = null;
  try {
    srv.migrate();
    const orgA = srv.createOrg('株式会社みなと物流', 'Minato Logistics Co., Ltd.', 'company', ['--sector', 'logistics', '--prefecture', 'JP-13', '--time-zone', 'Asia/Tokyo', '--corporate-number', '7000012050002']);
    const orgB = srv.createOrg('株式会社べつ', 'Betsu K.K.', 'company', ['--time-zone', 'Asia/Tokyo']);
    srv.createUser(orgA, 'rep-a', '山田 太郎', 'reporter', PW.rep);
    srv.createUser(orgB, 'rep-b', '鈴木 一郎', 'reporter', PW.repB);
    // an authority of its own organisation (not bound to any recipient) for access.mjs
    const orgAuth = srv.createOrg('東京都 サイバー窓口', 'Tokyo cyber desk', 'authority', ['--time-zone', 'Asia/Tokyo']);
    srv.createUser(orgAuth, 'auth-a', '佐藤 花子', 'authority', PW.auth);
    // The FSA receives by webhook at a closed loopback port, so that a finance company's report
    // is a delivery the operator sees retrying (operator.mjs); no other test reports to the FSA.
    const deliveryFile = join(srv.dir, 'delivery.json');
    writeFileSync(deliveryFile, JSON.stringify({
      format: 'ichigen-delivery/1',
      recipients: { fsa: { channel: 'webhook', endpoint: 'http://127.0.0.1:9/ichigen', secret: 'browser-test-secret-0123456789abcdef-0123456789' } },
    }));
    await srv.start(webDir, [`--delivery-file=${deliveryFile}`, '--delivery-allow-http-loopback=1']);
    browser = await launch();

    // Is the cookie-session API there? 401 = yes (no cookie); 404 = not built yet.
    const probe = await fetch(`${srv.base}/api/v1/auth/session`);
    const sessions = probe.status === 401;
    const noSession = sessions || shim ? null : `the server has no cookie sessions yet (GET /api/v1/auth/session answered ${probe.status}, expected 401)`;
    if (noSession) note(`sessions: ${noSession}`);
    if (shim && !sessions) note('ICHIGEN_BROWSER_SHIM: signing in with bearer tokens added to API requests (development only)');

    // Is two-factor there? 401 = yes (the route wants a signed-in person); 404 = not built yet.
    const tfProbe = await fetch(`${srv.base}/api/v1/me/two-factor`, { method: 'POST' });
    const twoFactor = tfProbe.status === 401;
    const noTwoFactor = twoFactor ? null : `the server has no two-factor API yet (POST /api/v1/me/two-factor answered ${tfProbe.status}, expected 401)`;
    if (noTwoFactor) note(`two-factor: ${noTwoFactor}`);

    const ctx = { srv, browser, sessions, shim: shim && !sessions, noSession, PW, orgA, orgB, twoFactor, noTwoFactor };

    await test('every text key used by the pages exists in both ja.json and en.json', async () => {
      const problems = checkLocales();
      assert(problems.length === 0, problems.join('; '));
    });

    await test('the first page loads under the CSP without a violation; first-load figures', async () => {
      const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
      const page = await context.newPage();
      const issues = watch(page);
      let jsBytes = 0;
      const pending = [];
      page.on('requestfinished', (req) => {
        if (/\/assets\/.*\.js$/.test(req.url())) pending.push(req.sizes().then((s) => { jsBytes += s.responseBodySize; }));
      });
      const t0 = Date.now();
      await page.goto(`${srv.base}/`, { waitUntil: 'commit' });
      await page.getByLabel('ユーザー名').waitFor();
      const interactive = await page.evaluate(() => performance.now());
      const wall = Date.now() - t0;
      await page.waitForLoadState('networkidle');
      await Promise.all(pending);
      note(`measure: first page: ${jsBytes} bytes of JavaScript over the wire (gzip), interactive after ${Math.round(interactive)} ms (page clock; ${wall} ms wall clock from navigation)`);
      assert(jsBytes > 0, 'JavaScript was loaded');
      const html = await (await fetch(`${srv.base}/`)).text();
      assert(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'index.html has no inline script');
      assert(!/\sstyle=/i.test(html), 'index.html has no inline style');
      assert(issues.length === 0, issues.join('; '));
      await context.close();
    });

    await test('sign-in page in Japanese and English: labels, the language kept after a reload, axe', async () => {
      const context = await browser.newContext({ locale: 'ja-JP' });
      const page = await context.newPage();
      const issues = watch(page);
      await page.goto(`${srv.base}/sign-in`);
      await page.getByRole('heading', { name: 'サインイン' }).waitFor();
      await page.getByLabel('パスワード').waitFor();
      assert((await page.getAttribute('html', 'lang')) === 'ja', 'html lang ja');
      await axe(page, 'sign-in ja');
      await shot(page, 'sign-in.ja');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert((await page.getAttribute('html', 'lang')) === 'en', 'html lang en after reload');
      await page.getByLabel('Username').waitFor();
      await axe(page, 'sign-in en');
      await shot(page, 'sign-in.en');
      await page.goto(`${srv.base}/no/such/page`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await shot(page, 'not-found.en');
      assert(issues.length === 0, issues.join('; '));
      await context.close();
    });

    await test('a history-mode path signed out leads to the sign-in page', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${srv.base}/reports/new`);
      await page.getByRole('heading', { name: 'サインイン' }).waitFor();
      assert(page.url().includes('/sign-in'), `at ${page.url()}`);
      await context.close();
    }, { skip: noSession });

    await test('a wrong password is refused with the server\'s words, in Japanese', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${srv.base}/sign-in`);
      await page.getByLabel('ユーザー名').fill('rep-a');
      await page.getByLabel('パスワード').fill('not-the-password');
      await page.getByRole('button', { name: 'サインイン' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      assert(/[ぁ-んァ-ン一-龥]/.test(text), `alert in Japanese: ${text}`);
      await shot(page, 'sign-in-refused.ja');
      await context.close();
    }, { skip: noSession });

    const state = await reporterScenarios(ctx);
    await accessScenarios(ctx, state);
    await draftScenario(ctx, ctx.noSession || state.draftsMissing);
    const authority = await authorityScenarios(ctx);
    await executiveScenarios(ctx);
    await operatorScenarios(ctx);
    await adminScenarios(ctx);
    await keyboardScenarios(ctx);
    await advisoryScenarios(ctx);
    await sharingScenarios(ctx, authority);
  } catch (e) {
    await test('the browser tests ran to the end', () => {
      throw e;
    });
    if (srv.stderr) note(srv.stderr.slice(-3000));
  } finally {
    if (browser) await browser.close().catch(() => {});
    await srv.stop();
  }
  plan();
  note(`browser: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  // the same JSON-lines format as meson's testlog.json, for scripts/tap_summary.py
  const dir = join(ROOT, PG_URL ? 'build-browser-pg' : 'build-browser', 'meson-logs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'testlog.json'), JSON.stringify({
    name: 'browser', stdout: lines.join('\n') + '\n', result: counts.failed ? 'FAIL' : 'OK', returncode: counts.failed ? 1 : 0,
  }) + '\n');
  process.exitCode = counts.failed ? 1 : 0;
}

main();
