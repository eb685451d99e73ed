// Setting up an organisation without curl, in the browser: the platform administrator creates
// an organisation through its form (a refused 法人番号 first, shown next to the field) and
// appoints its first organisation administrator, whose one-time initial password the page
// shows; that administrator signs in with it for the first time (made to choose a password and
// to enrol two-factor), creates a reporter on 利用者管理, disables another user and is refused
// demoting itself (the last administrator); the reporter signs in with its initial password and
// is made to choose its own; and a reporter opening 利用者管理 gets the refusal page, as the API
// refuses it.
import { test, assert, watch, axe, shot, current } from './lib.mjs';
import { must, platformAdmin, signInPage, bothLanguages, nextCode } from './people.mjs';

// 法人番号: a check digit before twelve digits, 9 − (Σ digit × (1 or 2 alternately from the
// right) mod 9) (法人番号の指定等に関する省令 第2条).
function corporateNumber(base12) {
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(base12[12 - n]) * (n % 2 ? 1 : 2);
  return String(9 - (sum % 9)) + base12;
}

async function firstSignIn(ctx, page, username, initial, own) {
  await page.goto(`${ctx.srv.base}/sign-in`);
  await page.getByLabel('ユーザー名').fill(username);
  await page.getByLabel('パスワード').fill(initial);
  await page.getByRole('button', { name: 'サインイン' }).click();
  await page.getByRole('heading', { name: 'パスワードの変更', level: 1 }).waitFor();
  await page.getByText('最初に、ご自身で決めたパスワードに変更してください。').waitFor();
  await page.getByLabel('現在のパスワード').fill(initial);
  await page.getByLabel('新しいパスワード', { exact: true }).fill(own);
  await page.getByLabel('新しいパスワード（確認）').fill(own);
  await page.getByRole('button', { name: '変更する' }).click();
}

export async function adminScenarios(ctx) {
  const { srv, browser } = ctx;
  const skip = ctx.noSession || (ctx.twoFactor ? null : ctx.noTwoFactor);
  const st = { orgAdmin: null, reporter: null };
  const contexts = [];
  const open = async () => {
    const c = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
    contexts.push(c);
    return c;
  };

  const made = await test('admin: the operator creates an organisation through the form (a wrong 法人番号 next to its field) and appoints its first administrator; the initial password is shown once', async () => {
    const admin = await platformAdmin(ctx);
    const page = await signInPage(ctx, await open(), admin);
    current.page = page;
    const issues = watch(page);
    await page.goto(`${srv.base}/operator/organizations`);
    await page.getByRole('heading', { name: '組織', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: '組織の作成' });
    await form.getByLabel('組織名（日本語）').fill('株式会社かもめ運輸');
    await form.getByLabel('組織名（英語）').fill('Kamome Transport Co., Ltd.');
    await form.getByLabel('種別').selectOption({ label: '民間企業' });
    const good = corporateNumber('012345678901');
    const bad = String((Number(good[0]) + 1) % 10) + good.slice(1);
    await form.getByLabel('法人番号').fill(bad);
    await form.getByLabel('業種').selectOption({ label: '物流' });
    await form.getByLabel('都道府県').selectOption({ label: '神奈川県' });
    await form.getByLabel('規模').selectOption('medium');
    await form.getByLabel('上場企業').check();
    await form.getByLabel('タイムゾーン').fill('Asia/Tokyo');
    await form.getByRole('button', { name: '組織を作成' }).click();
    const num = form.getByLabel('法人番号');
    await page.waitForFunction(() => document.getElementById('org-corporate_number').getAttribute('aria-invalid') === 'true');
    const described = await num.getAttribute('aria-describedby');
    const msg = await page.locator('#org-corporate_number-err').innerText();
    assert(described.includes('org-corporate_number-err') && /法人番号|チェックデジット|check/i.test(msg), `the error is next to the 法人番号 field: ${described} / ${msg}`);
    await bothLanguages(page, 'operator-org-create-error', async (lang) => {
      await page.locator('#org-corporate_number-err').getByText(lang === 'ja' ? /[ぁ-んァ-ン一-龥]/ : /[a-z]/).waitFor();
    });
    await num.fill(good);
    await form.getByRole('button', { name: '組織を作成' }).click();
    await page.getByRole('status').filter({ hasText: '組織「株式会社かもめ運輸」を作成しました。' }).waitFor();
    const row = await page.getByRole('row', { name: /株式会社かもめ運輸/ }).innerText();
    assert(row.includes('神奈川県') && row.includes('物流') && row.includes('Asia/Tokyo'), `listed with names: ${row}`);
    const orgs = await must(ctx, admin.token, 'GET', '/api/v1/organizations?limit=200');
    const org = orgs.json.items.find((o) => o.name_ja === '株式会社かもめ運輸');
    assert(org && org.corporate_number === good && org.listed === true && org.size_band === 'medium' && org.sector === 'logistics' && org.prefecture === 'JP-14', `as entered: ${JSON.stringify(org)}`);
    st.org = org.id;

    await page.getByRole('link', { name: 'この組織の最初の組織管理者を任命する' }).click();
    await page.getByRole('heading', { name: '利用者 — 株式会社かもめ運輸', level: 1 }).waitFor();
    const appoint = page.getByRole('region', { name: '最初の組織管理者を任命' });
    await axe(page, 'operator appoint ja');
    await shot(page, 'operator-appoint.ja');
    await appoint.getByLabel('ユーザー名').fill('Kamome Admin');
    await appoint.getByLabel('表示名').fill('高橋 健');
    await appoint.getByRole('button', { name: '組織管理者を任命' }).click();
    await page.waitForFunction(() => document.getElementById('appoint-username').getAttribute('aria-invalid') === 'true');
    await appoint.getByLabel('ユーザー名').fill('kamome-admin');
    await appoint.getByRole('button', { name: '組織管理者を任命' }).click();
    const shown = page.getByRole('region', { name: '初期パスワード（この一度だけ表示）' });
    await shown.waitFor();
    await shown.getByText('安全な方法で本人だけに伝えてください').waitFor();
    const initial = (await shown.locator('code.secret').innerText()).trim();
    assert(initial.length >= 10, `an initial password is shown: ${initial.length} characters`);
    await page.getByRole('row', { name: /kamome-admin/ }).getByText('初回パスワード変更待ち').waitFor();
    assert(!(await page.getByRole('region', { name: '最初の組織管理者を任命' }).count()), 'the form is gone once the organisation has a user');
    await bothLanguages(page, 'operator-initial-password', async () => { await page.locator('code.secret').waitFor(); });
    await shown.getByRole('button', { name: '本人に伝えました（閉じる）' }).click();
    assert(!(await page.locator('code.secret').count()), 'the initial password is gone once closed');
    st.orgAdmin = { username: 'kamome-admin', initial, password: 'kamome-admin-own-passphrase' };
    assert(issues.length === 0, issues.join('; '));
    current.page = null;
  }, { skip });

  const adminReady = await test('admin: the organisation administrator signs in with the initial password, is made to choose its own and to enrol two-factor, then creates a reporter on 利用者管理', async () => {
    const page = await (await open()).newPage();
    current.page = page;
    const issues = watch(page);
    const a = st.orgAdmin;
    await firstSignIn(ctx, page, a.username, a.initial, a.password);
    await page.getByRole('heading', { name: '2段階認証', level: 1 }).waitFor();
    await page.getByRole('button', { name: '設定を始める' }).click();
    a.secret = (await page.locator('code.secret').innerText()).replace(/\s/g, '');
    await page.getByLabel('認証アプリに表示された6桁のコード').fill(await nextCode(a.username, a.secret));
    await page.getByRole('button', { name: '確認して有効にする' }).click();
    await page.getByRole('heading', { name: 'リカバリーコード' }).waitFor();
    await page.getByRole('button', { name: '保管しました' }).click();
    await page.getByRole('button', { name: 'サインアウト' }).waitFor();
    await page.goto(`${srv.base}/`);
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '利用者管理' }).click();
    await page.getByRole('heading', { name: '利用者管理', level: 1 }).waitFor();
    const me = await page.getByRole('row', { name: /kamome-admin/ }).innerText();
    assert(me.includes('組織管理者') && me.includes('自分') && !me.includes('初回パスワード変更待ち'), `itself: ${me}`);
    await bothLanguages(page, 'org-users', async () => { await page.getByRole('table').waitFor(); });

    const form = page.getByRole('form', { name: '利用者の追加' });
    await form.getByLabel('ユーザー名').fill('kamome-rep');
    await form.getByLabel('表示名').fill('中村 さくら');
    await form.getByLabel('役割').selectOption({ label: '報告担当者' });
    await form.getByRole('button', { name: '利用者を作成' }).click();
    const shown = page.getByRole('region', { name: '初期パスワード（この一度だけ表示）' });
    await shown.getByText('中村 さくら（kamome-rep）を作成しました。').waitFor();
    st.reporter = { username: 'kamome-rep', initial: (await shown.locator('code.secret').innerText()).trim(), password: 'kamome-rep-own-passphrase' };
    await bothLanguages(page, 'org-users-initial-password', async () => { await page.locator('code.secret').waitFor(); });
    await shown.getByRole('button', { name: '本人に伝えました（閉じる）' }).click();
    const rep = await page.getByRole('row', { name: /kamome-rep/ }).innerText();
    assert(rep.includes('報告担当者') && rep.includes('初回パスワード変更待ち'), `the reporter: ${rep}`);

    // a second user, disabled; then the administrator may not demote itself (the last one)
    await form.getByLabel('ユーザー名').fill('kamome-temp');
    await form.getByLabel('表示名').fill('臨時 太郎');
    await form.getByRole('button', { name: '利用者を作成' }).click();
    await shown.getByRole('button', { name: '本人に伝えました（閉じる）' }).click();
    await page.getByRole('button', { name: '臨時 太郎 を無効にする' }).click();
    await page.getByRole('status').filter({ hasText: '臨時 太郎 を無効にしました。' }).waitFor();
    await page.getByRole('row', { name: /kamome-temp/ }).getByText('無効', { exact: true }).waitFor();
    await page.getByLabel('高橋 健 の役割', { exact: true }).selectOption({ label: '報告担当者' });
    await page.getByRole('button', { name: '高橋 健 の役割を変更' }).click();
    const refused = page.getByRole('row', { name: /kamome-admin/ }).getByRole('alert');
    await refused.waitFor();
    await axe(page, 'org-users refused ja');
    await shot(page, 'org-users-last-admin.ja');
    const users = await must(ctx, null, 'POST', '/api/v1/auth/login', { body: { username: a.username, password: a.password, totp_code: await nextCode(a.username, a.secret) } });
    const list = await must(ctx, users.json.token, 'GET', '/api/v1/users');
    const byName = Object.fromEntries(list.json.items.map((u) => [u.username, u]));
    assert(byName['kamome-admin'].role === 'org_admin' && byName['kamome-temp'].disabled === true && byName['kamome-rep'].role === 'reporter', `in the API: ${JSON.stringify(list.json.items.map((u) => [u.username, u.role, u.disabled]))}`);
    assert(issues.length === 0, issues.join('; '));
    current.page = null;
  }, { skip: skip || (made ? null : 'the organisation or its administrator was not made') });

  await test('admin: the new reporter signs in with its initial password and is made to choose its own; 利用者管理 is refused to it, as the API refuses', async () => {
    const page = await (await open()).newPage();
    current.page = page;
    const issues = watch(page);
    const r = st.reporter;
    await firstSignIn(ctx, page, r.username, r.initial, r.password);
    await page.getByRole('status').filter({ hasText: 'パスワードを変更しました。' }).waitFor();
    await page.goto(`${srv.base}/`);
    await page.getByText('インシデントを一度入力すれば').waitFor();
    await page.goto(`${srv.base}/users`);
    await page.getByRole('heading', { name: 'このページを開く権限がありません', level: 1 }).waitFor();
    assert(new URL(page.url()).pathname === '/refused', `refused at ${page.url()}`);
    assert(!(await page.getByRole('heading', { name: '利用者管理' }).count()), 'the users page is not drawn');
    const status = await page.evaluate(async () => (await fetch('/api/v1/users', { credentials: 'same-origin' })).status);
    assert(status === 403, `GET /api/v1/users answered ${status} for a reporter`);
    await bothLanguages(page, 'reporter-refused-users', async (lang) => {
      await page.getByRole('heading', { name: lang === 'ja' ? 'このページを開く権限がありません' : 'You may not open this page', level: 1 }).waitFor();
    });
    // the old initial password no longer signs in
    const old = await fetch(`${srv.base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: r.username, password: r.initial }) });
    assert(old.status === 401, `the initial password is spent: ${old.status}`);
    assert(issues.length === 0, issues.join('; '));
    current.page = null;
  }, { skip: skip || (adminReady ? null : 'the reporter was not made') });

  for (const c of contexts) await c.close();
}
