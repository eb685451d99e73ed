// Who may see what, in the browser as in the API: another organisation's reporter opening a
// report, an authority opening the report form, a signed-out visit; and two-factor sign-in
// (TOTP, RFC 6238) from enrolment to a recovery code used once.
import { watch, axe, shot, test, note, assert, current, totp } from './lib.mjs';
import { signIn } from './reporter.mjs';
import { bothLanguages } from './people.mjs';

async function signOut(page) {
  await page.getByRole('button', { name: 'サインアウト' }).click();
  await page.getByRole('heading', { name: 'サインイン', level: 1 }).waitFor();
}

export async function accessScenarios(ctx, state) {
  const { srv, browser } = ctx;
  const noReport = !state.reportId ? 'the reporter\'s journey made no report' : null;
  const skip = ctx.noSession || noReport;

  await test('another organisation\'s reporter opening the report sees a refusal page, not the data; the API answers 404 too', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await signIn(ctx, context, 'rep-b', ctx.PW.repB);
    current.page = page;
    const issues = watch(page);
    await page.goto(`${srv.base}/reports/${state.reportId}`);
    await page.getByRole('heading', { name: 'この報告は表示できません', level: 1 }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'あなたの組織の報告ではありません' }).waitFor();
    await page.getByRole('link', { name: '報告一覧へ' }).waitFor();
    const text = await page.getByRole('main').innerText();
    assert(!text.includes(state.summary), 'the other organisation\'s summary is not shown');
    const api = await page.evaluate(async (id) => (await fetch(`/api/v1/reports/${id}`, { credentials: 'same-origin' })).status, state.reportId);
    assert(api === 404, `the API answered ${api}`);
    await axe(page, 'refused ja');
    await shot(page, 'report-refused.ja');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'This report cannot be shown', level: 1 }).waitFor();
    await axe(page, 'refused en');
    await shot(page, 'report-refused.en');
    await page.getByRole('button', { name: '日本語' }).click();
    assert(issues.length === 0, issues.join('; '));
    current.page = null;
    await context.close();
  }, { skip });

  await test('signed out, a report\'s address leads to sign-in and, once signed in, back to that report', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    current.page = page;
    await page.goto(`${srv.base}/reports/${state.reportId}`);
    await page.getByRole('heading', { name: 'サインイン', level: 1 }).waitFor();
    assert(new URL(page.url()).searchParams.get('next') === `/reports/${state.reportId}`, `at ${page.url()}`);
    const api = await page.evaluate(async (id) => (await fetch(`/api/v1/reports/${id}`)).status, state.reportId);
    assert(api === 401, `the API answered ${api} without a session`);
    await page.getByLabel('ユーザー名').fill('rep-a');
    await page.getByLabel('パスワード').fill(ctx.PW.rep);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('heading', { name: state.summary, level: 1 }).waitFor();
    current.page = null;
    await context.close();
  }, { skip });

  // An authority account must turn two-factor on before anything else (the server answers 403
  // two_factor_setup_required meanwhile); then the reporter's form is refused by role.
  const authSkip = ctx.noSession || (ctx.twoFactor ? null : ctx.noTwoFactor);
  let secret = null;
  let codes = [];
  await test('an authority enrols two-factor (QR, secret, code, ten recovery codes) before anything else; then the report form is refused by role', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    current.page = page;
    const issues = watch(page);
    await page.goto(`${srv.base}/sign-in`);
    await page.getByLabel('ユーザー名').fill('auth-a');
    await page.getByLabel('パスワード').fill(ctx.PW.auth);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('heading', { name: '2段階認証', level: 1 }).waitFor();
    await page.getByText('このアカウントの役割では2段階認証が必須です').waitFor();
    // nothing else opens until it is on
    await page.goto(`${srv.base}/reports/new`);
    await page.getByRole('heading', { name: '2段階認証', level: 1 }).waitFor();
    await axe(page, 'two-factor required ja');
    await shot(page, 'two-factor-required.ja');
    await page.getByRole('button', { name: '設定を始める' }).click();
    await page.getByRole('img', { name: '認証アプリで読み取る QR コード' }).waitFor();
    const uri = await page.locator('code.uri').innerText();
    secret = new URL(uri).searchParams.get('secret');
    assert(secret && secret === (await page.locator('code.secret').innerText()).replace(/\s/g, ''), `the secret shown is the URI's: ${uri}`);
    // the enrolment page in both languages (axe and a screenshot each); the secret stays
    await bothLanguages(page, 'two-factor-enrol', () => page.locator('code.secret').waitFor());
    await page.getByLabel('認証アプリに表示された6桁のコード').fill(totp(secret));
    await page.getByRole('button', { name: '確認して有効にする' }).click();
    await page.getByRole('heading', { name: 'リカバリーコード' }).waitFor();
    codes = await page.locator('ol.codes code').allInnerTexts();
    assert(codes.length === 10, `ten recovery codes: ${codes.length}`);
    await axe(page, 'recovery codes ja');
    await shot(page, 'two-factor-recovery-codes.ja');
    await page.getByRole('button', { name: '保管しました' }).click();
    await page.getByRole('button', { name: 'サインアウト' }).waitFor();
    // the reporter's pages are refused by role, in the UI and in the API
    await page.goto(`${srv.base}/reports/new`);
    await page.getByRole('heading', { name: 'このページを開く権限がありません' }).waitFor(); // Refused.vue
    assert(new URL(page.url()).pathname === '/refused', `refused at ${page.url()}`);
    assert(!(await page.getByRole('heading', { name: 'インシデント報告の作成' }).count()), 'the form is not shown');
    await shot(page, 'authority-refused-report-form.ja');
    const api = await page.evaluate(async () => (await fetch('/api/v1/reports', { credentials: 'same-origin' })).status);
    assert(api === 403, `GET /api/v1/reports answered ${api} for an authority`);
    await signOut(page);
    assert(issues.length === 0, issues.join('; '));
    current.page = null;
    await context.close();
  }, { skip: authSkip });

  const enrolled = secret && codes.length === 10;
  await test('two-factor sign-in: the code from the app, then a recovery code once (a second use is refused)', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    current.page = page;
    const first = async () => {
      await page.goto(`${srv.base}/sign-in`);
      await page.getByLabel('ユーザー名').fill('auth-a');
      await page.getByLabel('パスワード').fill(ctx.PW.auth);
      await page.getByRole('button', { name: 'サインイン' }).click();
      await page.getByText('このアカウントは2段階認証が有効です').waitFor();
    };
    await first();
    await axe(page, 'sign-in code ja');
    await shot(page, 'sign-in-code.ja');
    // the enrolment used this time step's code; each step is accepted once, so the next one
    // (within the ±1 step window, RFC 6238 §5.2)
    await page.getByLabel('認証コード（6桁）').fill(totp(secret, Date.now() + 30000));
    await page.getByRole('button', { name: '確認してサインイン' }).click();
    await page.getByRole('button', { name: 'サインアウト' }).waitFor();
    await signOut(page);
    await first();
    await page.getByLabel('認証アプリが使えないため、リカバリーコードを使う').check();
    await page.getByRole('textbox', { name: 'リカバリーコード' }).fill(codes[0]);
    await page.getByRole('button', { name: '確認してサインイン' }).click();
    await page.getByRole('button', { name: 'サインアウト' }).waitFor();
    await signOut(page);
    await first();
    await page.getByLabel('認証アプリが使えないため、リカバリーコードを使う').check();
    await page.getByRole('textbox', { name: 'リカバリーコード' }).fill(codes[0]);
    await page.getByRole('button', { name: '確認してサインイン' }).click();
    await page.getByRole('alert').filter({ hasText: 'このリカバリーコードは使えません' }).waitFor();
    assert(await page.getByRole('button', { name: '確認してサインイン' }).isVisible(), 'still asked for a code');
    await shot(page, 'sign-in-code-refused.ja');
    current.page = null;
    await context.close();
  }, { skip: authSkip || (enrolled ? null : 'the enrolment failed') });
}
