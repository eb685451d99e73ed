// Keyboard-only use of the main flows (issue 12: "keyboard-only use of every flow, labels tied
// to inputs, focus visible"; WCAG 2.1 2.1.1 Keyboard, 2.4.3 Focus Order, 2.4.7 Focus Visible).
// After the first page.goto of each flow, nothing but the keyboard is used: Tab, Shift+Tab,
// Enter, Space, arrow keys and typing — no click, no fill, no further navigation by address.
// Every element the focus lands on must show a focus indicator (an outline or a box-shadow that
// it does not have unfocused), and after every action the focus must be on something of the
// page, never dropped to <body>.
//   1. sign-in with the two-factor code step, the language switch both ways, sign-out;
//   2. the reporter's triage, the first two steps of the form (a validation error made, seen next
//      to its field and fixed), the live panel's "why" disclosure opened;
//   3. the executive's CSF questionnaire: a few answers and a note, saved as it goes;
//   4. the operator's form that creates an organisation.
import { test, assert, watch, current } from './lib.mjs';
import { must, person, platformAdmin, nextCode } from './people.mjs';

// What has the focus, and whether it shows: the computed outline and box-shadow of the focused
// element compared with the same element's when it is not focused (focus moved to a probe for
// the comparison and given back, which keeps :focus-visible as the keyboard left it).
async function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement) return { body: true };
    const ring = (s) => ({
      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1 && !/rgba\(\d+, \d+, \d+, 0\)/.test(s.outlineColor) ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : '',
      shadow: s.boxShadow && s.boxShadow !== 'none' ? s.boxShadow : '',
    });
    const on = ring(getComputedStyle(e));
    const lab = e.labels && e.labels[0] ? e.labels[0].innerText : e.getAttribute('aria-label') || '';
    const fs = e.closest('fieldset');
    const legend = fs && fs.querySelector('legend') ? fs.querySelector('legend').innerText.trim() : '';
    return {
      body: false,
      tag: e.tagName.toLowerCase(),
      text: (e.innerText || '').trim(),
      label: lab.trim(),
      legend,
      type: e.getAttribute('type') || '',
      name: e.getAttribute('name') || '',
      value: e.value || '',
      checked: !!e.checked,
      visible: !!(on.outline || on.shadow),
      ring: on.outline || on.shadow || 'none',
      focusVisible: e.matches(':focus-visible'),
    };
  });
}

// The ring of the focused element must be its focus ring, not a border it always has: the same
// element's style without :focus-visible (the stylesheet's rules for it, re-evaluated with the
// element's focus moved to a temporary probe) must differ.
async function ringDiffersUnfocused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    const read = (s) => `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`;
    const on = read(getComputedStyle(e));
    const probe = document.createElement('span');
    probe.tabIndex = -1;
    document.body.appendChild(probe);
    probe.focus({ preventScroll: true });
    const off = read(getComputedStyle(e));
    e.focus({ preventScroll: true });
    probe.remove();
    return { on, off, same: on === off, back: document.activeElement === e };
  });
}

// Asserts the focus is on an element of the page with a visible focus indicator.
async function checkFocus(page, where) {
  const f = await focused(page);
  assert(!f.body, `the focus is on an element, not lost to <body> (${where})`);
  assert(f.visible, `the focused ${f.tag} "${f.label || f.text.slice(0, 40)}" shows a focus indicator (${where}): ${f.ring}`);
  return f;
}

// Tab (Shift+Tab when back) until matches(focused element); every element passed on the way
// must show its focus. Only the keyboard moves the focus.
async function tabTo(page, matches, { max = 200, back = false, what = 'the element' } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (f.body) continue; // between the page's end and its start (the browser's own chrome)
    assert(f.visible, `the focused ${f.tag} "${f.label || f.text.slice(0, 40)}" shows a focus indicator on the way to ${what}: ${f.ring}`);
    if (matches(f)) {
      const d = await ringDiffersUnfocused(page);
      assert(!d.same && d.back, `${what}: the focus indicator is the focus's own (focused: ${d.on}; unfocused: ${d.off})`);
      return f;
    }
  }
  throw new Error(`the focus never reached ${what} by ${back ? 'Shift+Tab' : 'Tab'}`);
}

// Waits (bounded) until the focus is no longer on <body> after an action that redraws the page,
// then checks it shows.
async function focusSettles(page, where) {
  await page.waitForFunction(() => document.activeElement && document.activeElement !== document.body, null, { timeout: 5000 })
    .catch(() => {});
  return checkFocus(page, where);
}

// Signs in by keyboard from the sign-in page: username, password, Enter; the code step when
// the account has two-factor (the focus must be on the code field), Enter again.
async function keyboardSignIn(page, p) {
  await page.getByLabel('ユーザー名').waitFor();
  await tabTo(page, (f) => f.tag === 'input' && f.label === 'ユーザー名', { what: 'the username field' });
  await page.keyboard.type(p.username);
  await tabTo(page, (f) => f.tag === 'input' && f.label === 'パスワード', { what: 'the password field' });
  await page.keyboard.type(p.password);
  await page.keyboard.press('Enter');
  if (p.secret) {
    await page.getByLabel('認証コード（6桁）').waitFor();
    const f = await focusSettles(page, 'the two-factor step');
    assert(f.tag === 'input' && f.label === '認証コード（6桁）', `the focus moved to the code field: ${f.tag} ${f.label}`);
    await page.keyboard.type(await nextCode(p.username, p.secret));
    await page.keyboard.press('Enter');
  }
  await page.getByRole('button', { name: 'サインアウト' }).waitFor();
  const f = await focusSettles(page, 'after signing in');
  return f;
}

export async function keyboardScenarios(ctx) {
  const { srv, browser } = ctx;
  const skip = ctx.noSession || ctx.noTwoFactor;
  const newContext = () => browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1400, height: 900 } });

  await test('keyboard: sign-in with the two-factor code, the language switch both ways and sign-out, by keyboard only, the focus always visible', async () => {
    const org = srv.createOrg('キーボード検証庁', 'Keyboard Test Agency', 'authority', ['--time-zone', 'Asia/Tokyo']);
    const p = await person(ctx, { org, username: 'kb-officer', displayName: '木村 鍵', role: 'authority', password: 'kb-officer-long-secret-1' });
    const context = await newContext();
    const page = await context.newPage();
    current.page = page;
    const issues = watch(page);
    await page.goto(`${srv.base}/sign-in`);
    let f = await keyboardSignIn(page, p);
    assert(f.tag === 'h1', `after sign-in the focus is on the new page's heading: ${f.tag} ${f.text}`);
    // the language switch is in the header, before <main>: Shift+Tab back to it
    await tabTo(page, (x) => x.tag === 'button' && x.text === 'English', { back: true, what: 'the language switch' });
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    assert((await page.getAttribute('html', 'lang')) === 'en', 'html lang en');
    f = await checkFocus(page, 'after switching to English');
    assert(f.tag === 'button' && f.text === '日本語', `the focus stays on the switch, now offering 日本語: ${f.tag} ${f.text}`);
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'サインアウト' }).waitFor();
    assert((await page.getAttribute('html', 'lang')) === 'ja', 'html lang ja');
    f = await checkFocus(page, 'after switching back to Japanese');
    assert(f.text === 'English', `the focus stays on the switch: ${f.text}`);
    await tabTo(page, (x) => x.tag === 'button' && x.text === 'サインアウト', { what: 'sign-out' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'サインイン', level: 1 }).waitFor();
    f = await focusSettles(page, 'after signing out');
    assert(f.tag === 'h1', `after sign-out the focus is on the sign-in page's heading: ${f.tag} ${f.text}`);
    // signed out for real: the session is gone
    const st = await page.evaluate(async () => (await fetch('/api/v1/auth/session', { credentials: 'same-origin' })).status);
    assert(st === 401, `the session ended: ${st}`);
    assert(issues.length === 0, issues.join('; '));
    current.page = null;
    await context.close();
  }, { skip });

  let rep = null; // the reporter's page, kept for the questionnaire
  let repContext = null;
  const repOk = await test('keyboard: the reporter\'s triage, two steps of the form with a validation error made and fixed, the live panel\'s "why" opened — by keyboard only', async () => {
    repContext = await newContext();
    const page = await repContext.newPage();
    rep = page;
    current.page = page;
    await page.goto(`${srv.base}/sign-in`);
    await keyboardSignIn(page, { username: 'rep-a', password: ctx.PW.rep });
    await tabTo(page, (x) => x.tag === 'a' && x.text === '新しい報告を作成', { back: true, what: 'the menu\'s new report link' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '最初に3つだけ教えてください' }).waitFor();
    await focusSettles(page, 'the triage');
    // what happened: a checkbox, ticked with Space
    await tabTo(page, (x) => x.type === 'checkbox' && x.label === 'ランサムウェア', { what: 'ランサムウェア' });
    await page.keyboard.press('Space');
    assert((await focused(page)).checked, 'ランサムウェア ticked by Space');
    // personal data: a radio group, entered by Tab, the answer chosen with the arrow keys
    let f = await tabTo(page, (x) => x.type === 'radio' && x.legend.startsWith('個人データの漏えい等'), { what: 'the personal-data question' });
    for (let i = 0; i < 4 && f.label !== 'はい'; i++) {
      await page.keyboard.press('ArrowUp');
      f = await checkFocus(page, 'in the personal-data radio group');
    }
    assert(f.label === 'はい' && f.checked, `はい chosen by the arrow keys: ${f.label} ${f.checked}`);
    await tabTo(page, (x) => x.tag === 'button' && x.text === '下書きを作成して続ける', { what: 'the start button' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /手順 1\// }).waitFor();
    f = await focusSettles(page, 'after the triage');
    assert(/^手順 1\//.test(f.text), `the focus is on the first step's heading: ${f.tag} ${f.text}`);
    // step 1 as prefilled; on to step 2 with its button
    await tabTo(page, (x) => x.tag === 'button' && x.text === '保存して次へ', { what: 'save and next' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /手順 2\// }).waitFor();
    f = await focusSettles(page, 'after save and next');
    assert(/^手順 2\//.test(f.text), `the focus is on the second step's heading: ${f.tag} ${f.text}`);
    const step2 = f.text.replace(/^手順 2\/\d+:?\s*/, '');
    // a corporate number that is too short: its error is shown next to it once the step was left
    await tabTo(page, (x) => x.tag === 'input' && x.label === '法人番号', { what: '法人番号' });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('12');
    await tabTo(page, (x) => x.tag === 'button' && x.text === '保存して次へ', { what: 'save and next' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /手順 3\// }).waitFor();
    await focusSettles(page, 'at step 3');
    // back to step 2 through the step list (Shift+Tab: the list is before the form)
    await tabTo(page, (x) => x.tag === 'button' && x.text.startsWith(step2), { back: true, what: `the step list's ${step2}` });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /手順 2\// }).waitFor();
    await focusSettles(page, 'back at step 2');
    const invalid = (want) => page.waitForFunction((w) => {
      const i = [...document.querySelectorAll('input')].find((x) => x.labels && x.labels[0] && x.labels[0].innerText.trim() === '法人番号');
      return i && (i.getAttribute('aria-invalid') === 'true') === w;
    }, want, { timeout: 10000 });
    await invalid(true);
    const described = await page.getByLabel('法人番号').getAttribute('aria-describedby');
    assert(described && (await page.locator(`[id="${described.split(' ')[0]}"]`).innerText()).length > 0, 'the error is next to the field, tied to it');
    await tabTo(page, (x) => x.tag === 'input' && x.label === '法人番号', { what: '法人番号 again' });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('7000012050002');
    await invalid(false);
    await tabTo(page, (x) => x.tag === 'button' && x.text === '保存して次へ', { what: 'save and next again' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /手順 3\// }).waitFor();
    await focusSettles(page, 'at step 3 again');
    // the live panel: its first "why" disclosure opened with Enter
    const panel = page.getByRole('complementary', { name: '報告が必要な先（自動判定）' });
    await panel.getByText('個人情報保護委員会').first().waitFor();
    await tabTo(page, (x) => x.tag === 'summary' && x.text === '判定の理由', { what: 'the panel\'s "why"', max: 300 });
    await page.keyboard.press('Enter');
    const open = await page.evaluate(() => document.activeElement.parentElement.open);
    assert(open === true, 'the "why" disclosure opened by Enter');
    await checkFocus(page, 'the opened "why"');
    const why = await page.evaluate(() => document.activeElement.parentElement.innerText);
    assert(why.length > '判定の理由'.length + 10, `the explanation is shown: ${why}`);
    current.page = null;
  }, { skip: ctx.noSession });

  await test('keyboard: the executive\'s CSF questionnaire — started, three questions answered with Space and the arrow keys, a note typed, saved as it goes — by keyboard only', async () => {
    const page = rep;
    current.page = page;
    await tabTo(page, (x) => x.tag === 'a' && x.text === '経営・リスク', { back: true, what: 'the menu\'s governance link' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /サイバーセキュリティ経営/, level: 1 }).waitFor();
    await focusSettles(page, 'the governance page');
    await tabTo(page, (x) => x.tag === 'input' && x.label.startsWith('対象期間'), { what: '対象期間' });
    await page.keyboard.type('FY2031-KB');
    await tabTo(page, (x) => x.tag === 'button' && x.text === '始める', { what: '始める' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /— FY2031-KB$/, level: 1 }).waitFor();
    await focusSettles(page, 'the questionnaire');
    const id = page.url().split('/').filter(Boolean).pop();
    // question 1: Space on its first level; 2: Space then ArrowDown (the second level);
    // 3: Space, ArrowDown twice; a note on the third
    const names = [];
    for (let q = 0; q < 3; q++) {
      const f = await tabTo(page, (x) => x.type === 'radio' && !names.includes(x.name), { what: `question ${q + 1}` });
      names.push(f.name);
      await page.keyboard.press('Space');
      for (let k = 0; k < q; k++) await page.keyboard.press('ArrowDown');
      const g = await checkFocus(page, `question ${q + 1}`);
      assert(g.checked && g.name === f.name, `question ${q + 1} answered: ${g.name} ${g.value}`);
    }
    await tabTo(page, (x) => x.tag === 'summary' && x.text.startsWith('メモ'), { what: 'the note of question 3' });
    await page.keyboard.press('Enter');
    await tabTo(page, (x) => x.tag === 'textarea', { what: 'the note field' });
    await page.keyboard.type('キーボードだけで入力');
    await page.getByRole('status').filter({ hasText: '保存しました' }).waitFor();
    await page.getByText('回答済み 3 /').waitFor();
    await checkFocus(page, 'after the save');
    // saved on the server: what the API holds now
    const token = (await must(ctx, null, 'POST', '/api/v1/auth/login', { body: { username: 'rep-a', password: ctx.PW.rep } })).json.token;
    let saved = null;
    for (let i = 0; i < 50; i++) {
      saved = (await must(ctx, token, 'GET', `/api/v1/assessments/${id}`)).json.answers || {};
      if (saved[names[2]] && saved[names[2]].note === 'キーボードだけで入力') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const levels = names.map((n) => saved[n] && saved[n].level);
    assert(levels.every(Number.isInteger) && levels[1] === levels[0] + 1 && levels[2] === levels[0] + 2, `levels saved: ${JSON.stringify(saved)}`);
    assert(saved[names[2]].note === 'キーボードだけで入力', `note saved: ${JSON.stringify(saved[names[2]])}`);
    // the next function by its button: the focus goes to its heading
    await tabTo(page, (x) => x.tag === 'button' && / →$/.test(x.text), { what: 'the next function' });
    await page.keyboard.press('Enter');
    const f = await focusSettles(page, 'the next function');
    assert(f.tag === 'h2' && /（PR）|（ID）|（GV）|（DE）|（RS）|（RC）/.test(f.text), `the focus is on the next function's heading: ${f.tag} ${f.text}`);
    current.page = null;
  }, repOk ? {} : { skip: ctx.noSession || 'the reporter could not use the form' });
  if (repContext) await repContext.close();

  await test('keyboard: the operator creates an organisation through its form, by keyboard only', async () => {
    const admin = await platformAdmin(ctx);
    const context = await newContext();
    const page = await context.newPage();
    current.page = page;
    const issues = watch(page);
    await page.goto(`${srv.base}/sign-in`);
    await keyboardSignIn(page, admin);
    await tabTo(page, (x) => x.tag === 'a' && x.text === '運用管理', { back: true, what: 'the menu\'s operator link' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '運用管理', level: 1 }).waitFor();
    await focusSettles(page, 'the operator page');
    await tabTo(page, (x) => x.tag === 'a' && x.text === '組織', { what: 'the organisations link' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '組織', level: 1 }).waitFor();
    await focusSettles(page, 'the organisations page');
    await tabTo(page, (x) => x.tag === 'input' && x.label.startsWith('組織名（日本語）'), { what: 'the Japanese name', max: 400 });
    await page.keyboard.type('株式会社キーボード工業');
    await tabTo(page, (x) => x.tag === 'input' && x.label.startsWith('組織名（英語）'), { what: 'the English name' });
    await page.keyboard.type('Keyboard Industries K.K.');
    // the kind: a select, changed with the arrow keys
    let f = await tabTo(page, (x) => x.tag === 'select' && x.label.startsWith('種別'), { what: 'the kind' });
    const kind0 = f.value;
    await page.keyboard.press('ArrowDown');
    f = await checkFocus(page, 'the kind');
    assert(f.value && f.value !== kind0, `the kind changed by ArrowDown: ${kind0} → ${f.value}`);
    const kind = f.value;
    await tabTo(page, (x) => x.tag === 'input' && x.label.startsWith('法人番号'), { what: '法人番号' });
    await page.keyboard.type('1234567890123'); // a wrong check digit: refused next to the field
    await tabTo(page, (x) => x.type === 'checkbox', { what: 'listed' });
    await page.keyboard.press('Space');
    await tabTo(page, (x) => x.tag === 'button' && x.text === '組織を作成', { what: 'the create button' });
    await page.keyboard.press('Enter');
    await page.getByRole('alert').first().waitFor();
    f = await focusSettles(page, 'after a refused create');
    assert(f.tag === 'input' && f.label.startsWith('法人番号'), `the focus went to the refused field: ${f.tag} ${f.label}`);
    assert((await page.getByLabel('法人番号').getAttribute('aria-describedby') || '').includes('-err'), 'its reason is tied to it');
    // fixed by keyboard: the number emptied (it is optional)
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await tabTo(page, (x) => x.tag === 'button' && x.text === '組織を作成', { what: 'the create button again' });
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '株式会社キーボード工業' }).waitFor();
    f = await focusSettles(page, 'after the organisation was made');
    const list = await must(ctx, admin.token, 'GET', '/api/v1/organizations?limit=200');
    const made = list.json.items.find((o) => o.name_ja === '株式会社キーボード工業');
    assert(made && made.name_en === 'Keyboard Industries K.K.' && made.kind === kind && made.listed === true, `made as typed: ${JSON.stringify(made)}`);
    assert(issues.length === 0, issues.join('; '));
    current.page = null;
    await context.close();
  }, { skip });
}
