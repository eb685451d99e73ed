// The people of the authority, executive and operator browser tests, made as an operator would
// (`ichigen admin` on the server), and what the tests do on their behalf through the JSON API
// (bearer tokens) to set the scene: the reporter's report and its 続報, recipient bindings,
// two-factor enrolment. Also: sign-in through the page with the two-factor code, and a page in
// both languages (axe and a screenshot each).
import { axe, shot, totp, assert } from './lib.mjs';

// ---- the API with a bearer token
export async function call(ctx, token, method, path, { body, ifMatch, raw } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (ifMatch) headers['If-Match'] = ifMatch;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${ctx.srv.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (raw) return res;
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, text, etag: res.headers.get('ETag') };
}

export async function must(ctx, token, method, path, opts = {}, want = [200, 201]) {
  const r = await call(ctx, token, method, path, opts);
  assert(want.includes(r.status), `${method} ${path} answered ${r.status}: ${r.text.slice(0, 400)}`);
  return r;
}

// ---- two-factor codes: the server accepts each 30-second step once, and only a later one
// after it (RFC 6238 §5.2, a window of one step each way). lastStep remembers, per user, the
// step last used, so the next code is for a later step; when none is within the window yet,
// wait for the clock (at most one step).
const lastStep = new Map();
export async function nextCode(user, secret) {
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const step = Math.max(now - 1, (lastStep.get(user) ?? -Infinity) + 1);
    if (step <= now + 1) {
      lastStep.set(user, step);
      return totp(secret, step * 30000);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// A person with a password, made with the CLI; for the roles that require two-factor sign-in
// (authority, org_admin, admin) it is enrolled through the API and the secret kept, and a
// bearer token for the test's own API calls is made by signing in with a code.
export async function person(ctx, { org, username, displayName, role, password, admin = false }) {
  if (admin) ctx.srv.cli(['admin', 'create-admin', '--username', username, '--password-stdin'], `${password}\n`);
  else ctx.srv.createUser(org, username, displayName, role, password);
  const p = { username, password, role, secret: null, token: null };
  const login = await must(ctx, null, 'POST', '/api/v1/auth/login', { body: { username, password } });
  p.token = login.json.token;
  if (['authority', 'org_admin', 'admin'].includes(role)) {
    const begin = await must(ctx, p.token, 'POST', '/api/v1/me/two-factor');
    p.secret = begin.json.secret;
    await must(ctx, p.token, 'POST', '/api/v1/me/two-factor/confirm', { body: { code: await nextCode(username, p.secret) } });
    const again = await must(ctx, null, 'POST', '/api/v1/auth/login', { body: { username, password, totp_code: await nextCode(username, p.secret) } });
    p.token = again.json.token;
  }
  return p;
}

// Signs in through the sign-in page (a real cookie session), answering the two-factor step
// with the next code when the page asks for it. Returns the page once the header shows the
// person signed in.
export async function signInPage(ctx, context, p) {
  const page = await context.newPage();
  await page.goto(`${ctx.srv.base}/sign-in`);
  await page.getByLabel('ユーザー名').fill(p.username);
  await page.getByLabel('パスワード').fill(p.password);
  await page.getByRole('button', { name: 'サインイン' }).click();
  if (p.secret) {
    await page.getByLabel('認証コード（6桁）').fill(await nextCode(p.username, p.secret));
    await page.getByRole('button', { name: '確認してサインイン' }).click();
  }
  await page.getByRole('button', { name: 'サインアウト' }).waitFor();
  return page;
}

// The page in Japanese, then English, then back: axe and a screenshot in each language. ready
// (optional) waits for something language-dependent on the page after each switch.
export async function bothLanguages(page, name, ready) {
  if (ready) await ready('ja');
  await axe(page, `${name} ja`);
  await shot(page, `${name}.ja`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  if (ready) await ready('en');
  await axe(page, `${name} en`);
  await shot(page, `${name}.en`);
  await page.getByRole('button', { name: '日本語' }).click();
  await page.getByRole('button', { name: 'サインアウト' }).waitFor();
  if (ready) await ready('ja');
}

// The reporter's report through the API: the full example (ransomware with personal data),
// changed by mutate, and the submit — of the obligations pick accepts when given (the submit
// otherwise sends what the server chooses by default); returns the report id and what was
// submitted.
export async function fileReport(ctx, token, mutate, pick) {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ROOT } = await import('./lib.mjs');
  const doc = JSON.parse(readFileSync(join(ROOT, 'docs/examples/full-report.json'), 'utf8'));
  if (mutate) mutate(doc);
  const made = await must(ctx, token, 'POST', '/api/v1/reports', { body: doc });
  const id = made.json.id;
  const got = await must(ctx, token, 'GET', `/api/v1/reports/${id}`);
  let body;
  if (pick) {
    const obs = await must(ctx, token, 'GET', `/api/v1/reports/${id}/obligations`);
    body = { obligations: obs.json.items.filter(pick).map((o) => o.id) };
  }
  const sent = await must(ctx, token, 'POST', `/api/v1/reports/${id}/submit`, { body, ifMatch: got.etag });
  return { id, submitted: sent.json.submitted || [], notSubmitted: sent.json.not_submitted || [] };
}

// The platform administrator (made once per run, shared by the files that need one).
export async function platformAdmin(ctx) {
  if (!ctx.admin) ctx.admin = await person(ctx, { username: 'ops-admin', password: 'ops-admin-long-secret-1', role: 'admin', admin: true });
  return ctx.admin;
}

// A reporter's bearer token (the reporters are made by run.mjs).
export async function reporterToken(ctx, username, password) {
  return (await must(ctx, null, 'POST', '/api/v1/auth/login', { body: { username, password } })).json.token;
}

// Presses Tab (Shift+Tab when back) until the focused element is the one `matches` (given
// {tag, text, label, type}) accepts; fails after max presses. Only the keyboard moves the focus.
export async function tabTo(page, matches, { max = 120, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e) return null;
      const lab = e.labels && e.labels[0] ? e.labels[0].innerText : e.getAttribute('aria-label') || '';
      return { tag: e.tagName.toLowerCase(), text: (e.innerText || '').trim(), label: lab.trim(), type: e.getAttribute('type') || '', value: e.value || '' };
    });
    if (f && matches(f)) return f;
  }
  throw new Error('the focus never reached the element by Tab');
}
