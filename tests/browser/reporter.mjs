// The reporter's flows in the browser: sign-in, home and deadlines, the report form with the
// live obligations panel, create, amend with the diff, submit preview and submit, the PPC
// workbook download, CSRF and another organisation's report.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { watch, axe, shot, test, note, assert, current } from './lib.mjs';

// Signs in through the page (cookie session). In shim mode (development only) an API token is
// added to every API request instead, and the session object is made from GET /api/v1/me.
export async function signIn(ctx, context, username, password) {
  const page = await context.newPage();
  if (ctx.shim) {
    const out = spawnSync(ctx.srv.bin, ['admin', 'create-token', '--username', username, ...ctx.srv.storeArgs], { encoding: 'utf8' });
    const token = out.stdout.split('\n')[0].trim();
    await context.route('**/api/v1/**', async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      if (url.pathname === '/api/v1/auth/session') {
        if (req.method() === 'DELETE') return route.fulfill({ status: 204 });
        const me = await (await fetch(`${ctx.srv.base}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).json();
        return route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            user: { id: me.user_id, username: me.username, display_name: username === 'rep-a' ? '山田 太郎' : '鈴木 一郎', role: me.role, organization_id: me.org_id, lang: 'ja' },
            organization: me.organization, csrf_token: 'shim', expires_at: '2099-01-01T00:00:00Z',
            password_change_required: false, two_factor: { enabled: false, required: false, setup_required: false },
          }),
        });
      }
      return route.continue({ headers: { ...req.headers(), authorization: `Bearer ${token}` } });
    });
    await page.goto(`${ctx.srv.base}/`);
  } else {
    await page.goto(`${ctx.srv.base}/sign-in`);
    await page.getByLabel('ユーザー名').fill(username);
    await page.getByLabel('パスワード').fill(password);
    await page.getByRole('button', { name: 'サインイン' }).click();
  }
  await page.getByRole('button', { name: 'サインアウト' }).waitFor();
  return page;
}

async function both(page, name, label) {
  // the page in Japanese, then English, then back: screenshot and axe each
  await axe(page, `${label} ja`);
  await shot(page, `${name}.ja`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.waitForTimeout(300); // let a language-dependent refresh (the live panel) settle
  await axe(page, `${label} en`);
  await shot(page, `${name}.en`);
  await page.getByRole('button', { name: '日本語' }).click();
  await page.getByRole('button', { name: 'サインアウト' }).waitFor();
}

export async function reporterScenarios(ctx) {
  const { srv, browser } = ctx;
  const skip = ctx.noSession;
  const state = {};

  let context = null;
  let page = null;
  let issues = [];
  const ok = await test('a reporter signs in and sees the organisation, the role and the deadlines', async () => {
    context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    page = await signIn(ctx, context, 'rep-a', ctx.PW.rep);
    current.page = page;
    issues = watch(page);
    await page.getByText('株式会社みなと物流').first().waitFor();
    await page.getByText('報告担当者').first().waitFor();
    await page.getByRole('heading', { name: '期限の一覧（全インシデント）' }).waitFor();
    await both(page, 'home-reporter', 'home');
  }, { skip });

  const go = ok ? {} : { skip: skip || 'the reporter could not sign in' };

  await test('the report form: triage, steps from the schema, the live panel shows PPC and the sector ministry, errors next to fields', async () => {
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '新しい報告を作成' }).click();
    await page.getByRole('heading', { name: '最初に3つだけ教えてください' }).waitFor();
    await page.getByRole('checkbox', { name: 'ランサムウェア' }).check();
    await page.getByRole('group', { name: '個人データの漏えい等（おそれを含む）' }).getByRole('radio', { name: 'はい' }).check();
    await both(page, 'report-triage', 'triage');
    await page.getByRole('button', { name: '下書きを作成して続ける' }).click();
    await page.getByRole('heading', { name: /手順 1\// }).waitFor();
    // the step appears before the router has moved to the draft's address: wait for it (bounded)
    await page.waitForURL(/\/drafts\/[0-9a-f-]{36}/, { timeout: 15000 });
    state.draftUrl = page.url();
    // walk to the personal-data step by its name in the step list
    const steps = page.getByRole('navigation', { name: '入力の手順' });
    await steps.getByRole('button', { name: /^個人データ/ }).click();
    await page.getByRole('heading', { name: /個人データ$/ }).waitFor();
    const pd = page.getByRole('group', { name: /要配慮個人情報/ }).first();
    await pd.getByRole('radio', { name: 'はい' }).check();
    const panel = page.getByRole('complementary', { name: '報告が必要な先（自動判定）' });
    await panel.getByText('個人情報保護委員会').first().waitFor();
    // the sector ministry (logistics → 国土交通省) once services are affected; the panel's
    // latency is measured on this change: from the input event to the panel's new content
    await steps.getByRole('button', { name: /^影響/ }).click();
    await page.getByRole('heading', { name: /影響$/ }).waitFor();
    await page.evaluate(() => { window.__ichigenPanelUpdatedAt = 0; });
    const t0 = Date.now();
    await page.getByRole('group', { name: /^サービスへの影響/ }).getByRole('radio', { name: 'はい' }).check();
    await panel.getByText('国土交通省').first().waitFor();
    await page.waitForFunction(() => window.__ichigenPanelUpdatedAt > window.__ichigenLastChangeAt);
    const latency = await page.evaluate(() => window.__ichigenPanelUpdatedAt - window.__ichigenLastChangeAt);
    note(`measure: live obligations panel updated ${Math.round(latency)} ms after the change (page clock, 60 ms debounce included; ${Date.now() - t0} ms as the test saw it)`);
    await panel.getByText('判定の理由').first().click();
    await both(page, 'report-step-personal-data', 'form step');
    // a field left invalid: the error is next to it, tied by aria-describedby
    await steps.getByRole('button', { name: /^報告主体/ }).click();
    const corp = page.getByLabel('法人番号');
    await corp.fill('12');
    await steps.getByRole('button', { name: /^連絡先/ }).click();
    await steps.getByRole('button', { name: /^報告主体/ }).click();
    await page.locator('[aria-invalid=true]').first().waitFor();
    const described = await page.getByLabel('法人番号').getAttribute('aria-describedby');
    assert(described, 'the invalid field is described by its error');
    await shot(page, 'report-field-error.ja');
    await corp.fill('7000012050002');
  }, go);

  // drafts: GET /api/v1/drafts answers 404 while the server has no drafts routes
  let draftsMissing = null;
  if (ok) {
    const st = await page.evaluate(async () => (await fetch('/api/v1/drafts', { credentials: 'same-origin' })).status);
    if (st === 404) draftsMissing = 'the server has no drafts API yet (GET /api/v1/drafts answered 404)';
  }
  state.draftsMissing = draftsMissing;
  await test('the triage saved a draft, and the form lives at its address', async () => {
    assert(/\/drafts\/[^/?]+/.test(state.draftUrl || ''), `a draft was saved: ${state.draftUrl}`);
    const list = await page.evaluate(async () => (await fetch('/api/v1/drafts', { credentials: 'same-origin' })).json());
    assert(list.items && list.items.length >= 1, 'the draft is listed');
  }, ok ? (draftsMissing ? { skip: draftsMissing } : {}) : { skip: skip || 'the reporter could not sign in' });

  await test('CSRF: a state change without the X-CSRF-Token header is refused', async () => {
    const res = await page.evaluate(async () => {
      const r = await fetch('/api/v1/obligations/preview', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return { status: r.status, body: await r.text() };
    });
    assert(res.status === 403 && /csrf_token_invalid/.test(res.body), `got ${res.status} ${res.body.slice(0, 200)}`);
  }, ok && !ctx.shim ? {} : { skip: skip || (ctx.shim ? 'shim mode has no cookie' : 'the reporter could not sign in') });

  await journey(ctx, page, state, ok ? {} : { skip: skip || 'the reporter could not sign in' });

  if (page && issues.length) note(`page issues: ${issues.join('; ')}`);
  await test('no CSP violation or uncaught error on the reporter\'s pages', async () => {
    assert(issues.length === 0, issues.join('; '));
  }, ok ? {} : { skip: skip || 'the reporter could not sign in' });
  current.page = null;
  if (context) await context.close();
  return state;
}

// ---- the rest of the journey, on the same page: fill what the PPC's 速報 needs, create,
// amend (続報) with the diff, submit preview, submit, downloads, the deadline dashboard and
// its calendar feed.

// "2026-05-01T03:04" for a moment `hoursAgo` before now, as a wall clock in Asia/Tokyo
function tokyoLocal(hoursAgo) {
  const d = new Date(Date.now() - hoursAgo * 3600000 + 9 * 3600000);
  return d.toISOString().slice(0, 16);
}

// The names of the members of a zip file (an xlsx is one), from its central directory
// (APPNOTE 4.3.12, 4.3.16): proves the download is a real zip, not an error page.
export function zipNames(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let off = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(off) !== 0x02014b50) throw new Error(`not a zip: bad central directory entry ${k}`);
    const nlen = buf.readUInt16LE(off + 28);
    const xlen = buf.readUInt16LE(off + 30);
    const clen = buf.readUInt16LE(off + 32);
    names.push(buf.toString('utf8', off + 46, off + 46 + nlen));
    off += 46 + nlen + xlen + clen;
  }
  return names;
}

async function download(page, link) {
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const failure = await dl.failure();
  if (failure) throw new Error(`download failed: ${failure}`);
  return { name: dl.suggestedFilename(), body: readFileSync(await dl.path()) };
}

async function journey(ctx, page, state, go) {
  const steps = () => page.getByRole('navigation', { name: '入力の手順' });
  const toStep = async (name) => {
    await steps().getByRole('button', { name: new RegExp(`^${name}`) }).click();
    await page.getByRole('heading', { name: new RegExp(`${name}$`) }).waitFor();
  };
  const radio = (group, option) => page.getByRole('group', { name: new RegExp(`^${group}`) }).getByRole('radio', { name: option, exact: true }).check();
  const panel = () => page.getByRole('complementary', { name: '報告が必要な先（自動判定）' });
  const summary = 'ランサムウェアによる顧客情報の漏えいのおそれ';

  const created = await test('the reporter fills what the PPC needs step by step and creates the report; it is not sent yet', async () => {
    await toStep('連絡先');
    await page.getByRole('button', { name: '連絡先を追加' }).click();
    await page.getByRole('textbox', { name: '氏名', exact: true }).fill('山田 太郎');
    await page.getByRole('combobox', { name: '役割', exact: true }).selectOption({ label: '主担当' });
    await page.getByLabel('メールアドレス').fill('yamada@minato.example.jp');
    await page.getByLabel('電話番号').fill('03-1234-5678');
    await toStep('日時');
    await page.getByLabel(/^認知日時/).fill(tokyoLocal(3));
    await page.getByLabel(/^発生日時/).fill(tokyoLocal(30));
    await page.getByLabel(/^個人データの漏えい等を知った日時/).fill(tokyoLocal(2));
    await toStep('分類');
    await radio('国境を越える影響', 'いいえ');
    await radio('不正・悪意ある行為の疑い', 'はい');
    await toStep('事案の内容');
    await page.getByLabel(/^概要/).fill(summary);
    await page.getByRole('textbox', { name: '詳細', exact: true }).fill('社内ファイルサーバーが暗号化され、顧客名簿を含む領域へのアクセスの痕跡があった。');
    await toStep('個人データ');
    const items = page.getByRole('group', { name: /^漏えい等が発生した個人データの項目/ });
    await items.getByRole('checkbox', { name: '氏名' }).check();
    await items.getByRole('checkbox', { name: /^住所/ }).check();
    await page.getByLabel(/^本人の数/).fill('120');
    await radio('二次被害又はそのおそれ', '不明');
    await page.getByLabel(/^本人への通知の状況/).selectOption({ label: '実施予定' });
    await radio('公表の状況', '公表予定');
    await toStep('身代金');
    await radio('身代金の要求', 'はい');
    await toStep('取扱区分と同意');
    await page.getByLabel(/^取扱区分（TLP）/).selectOption('TLP:AMBER');
    await toStep('対応');
    await page.getByRole('textbox', { name: '原因', exact: true }).fill('VPN 機器の既知の脆弱性を突かれたと推定（調査中）。');
    await page.getByRole('textbox', { name: '再発防止策', exact: true }).fill('VPN 機器の更新、多要素認証の導入。');
    await page.getByRole('textbox', { name: 'その他参考となる事項', exact: true }).fill('警察に相談済み。');
    await steps().getByRole('button', { name: '確認と作成' }).click();
    await page.getByRole('heading', { name: /確認と作成$/ }).waitFor();
    await page.getByText('入力内容に問題はありません。').waitFor();
    await shot(page, 'report-review.ja');
    await page.getByRole('button', { name: '報告を作成する' }).click();
    await page.getByRole('heading', { name: summary, level: 1 }).waitFor();
    await page.getByText('まだどこにも送信されていません').waitFor();
    state.reportUrl = page.url();
    state.summary = summary;
    state.reportId = new URL(page.url()).pathname.split('/').pop();
    const obligations = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: '期限' }) }).first();
    await obligations.getByRole('cell', { name: '個人情報保護委員会' }).first().waitFor();
    await obligations.getByRole('cell', { name: '国土交通省' }).first().waitFor();
    await both(page, 'report-view', 'report view');
  }, go);
  const go2 = created ? {} : { skip: go.skip || 'the report was not created' };

  const amended = await test('続報: amend the number of people and the details; the panel follows; the diff names the fields by their labels', async () => {
    await page.getByRole('link', { name: '続報を作成' }).click();
    await page.getByRole('heading', { name: '続報（報告内容の更新）', level: 1 }).waitFor();
    await panel().getByText('個人情報保護委員会').first().waitFor();
    await toStep('個人データ');
    await page.evaluate(() => { window.__ichigenPanelUpdatedAt = 0; });
    const t0 = Date.now();
    await page.getByLabel(/^本人の数/).fill('1500');
    await page.waitForFunction(() => window.__ichigenPanelUpdatedAt > window.__ichigenLastChangeAt);
    const latency = await page.evaluate(() => window.__ichigenPanelUpdatedAt - window.__ichigenLastChangeAt);
    note(`measure: live obligations panel updated ${Math.round(latency)} ms after an amendment's change (page clock, 60 ms debounce included; ${Date.now() - t0} ms as the test saw it)`);
    await toStep('事案の内容');
    await page.getByRole('textbox', { name: '詳細', exact: true }).fill('社内ファイルサーバーが暗号化され、顧客名簿 1,500 名分の持ち出しを確認した。');
    await steps().getByRole('button', { name: '確認と作成' }).click();
    await page.getByLabel(/^変更内容の要約/).fill('本人の数を 1,500 名に更新、持ち出しを確認。');
    await shot(page, 'report-amend-review.ja');
    await page.getByRole('button', { name: '続報として保存する' }).click();
    await page.getByText('続報（第2版）を保存しました。').waitFor();
    const diff = page.getByRole('region', { name: '第1版から第2版への変更' });
    await diff.waitFor();
    await diff.getByRole('cell', { name: '個人データ › 本人の数' }).waitFor();
    await diff.getByRole('cell', { name: '1500', exact: true }).waitFor();
    await diff.getByRole('cell', { name: '事案の内容 › 詳細' }).waitFor();
    const raw = await diff.innerText();
    assert(!/\/personal_data\/individuals_count/.test(raw), `the diff shows labels, not pointers: ${raw}`);
    await both(page, 'report-amended-diff', 'diff');
  }, go2);
  const go3 = amended ? {} : { skip: go2.skip || 'the amendment failed' };

  const submitted = await test('submit preview says what goes to whom and what is missing; submit; the PPC workbook is a real xlsx; the proof of submission', async () => {
    await page.getByRole('button', { name: '提出内容を確認' }).click();
    const dry = page.getByRole('region', { name: '第2版を提出した場合' });
    await dry.waitFor();
    await dry.getByText(/送信されるもの（[1-9]\d*件）/).waitFor();
    const goes = await dry.getByRole('list').first().innerText();
    assert(/個人情報保護委員会/.test(goes), `PPC goes: ${goes}`);
    const notNow = await dry.innerText();
    assert(/国土交通省/.test(notNow) && /影響 › サービス停止時間（分）|サービス停止時間/.test(notNow), `MLIT is held back with the missing fields named: ${notNow}`);
    await both(page, 'report-submit-preview', 'submit preview');
    await dry.getByRole('button', { name: /^提出する（\d+件）$/ }).click();
    await page.getByText(/件を提出しました。$/).waitFor();
    const hist = page.getByRole('region', { name: '提出履歴と書類' });
    const xlsxLink = hist.getByRole('link', { name: '個人情報保護委員会: 様式（Excel）' }).first();
    const xlsx = await download(page, xlsxLink);
    assert(/\.xlsx$/.test(xlsx.name), `file name ${xlsx.name}`);
    assert(xlsx.body.subarray(0, 2).toString() === 'PK', 'starts like a zip');
    const names = zipNames(xlsx.body);
    assert(names.includes('[Content_Types].xml'), `[Content_Types].xml in ${names.join(', ')}`);
    assert(names.some((n) => /^xl\/worksheets\//.test(n)), `a worksheet in ${names.join(', ')}`);
    note(`PPC workbook: ${xlsx.name}, ${xlsx.body.length} bytes, ${names.length} parts`);
    const proof = await download(page, hist.getByRole('link', { name: '個人情報保護委員会: 提出証明' }).first());
    const pj = JSON.parse(proof.body.toString('utf8'));
    assert(pj.format === 'ichigen-proof-of-submission/1', `proof format ${pj.format}`);
    assert(pj.payload_intact === true, 'the proof says the payload is intact');
    // the workbook is filed by hand: the page says so, and records the authority's number
    await hist.getByText('自動では送られません').waitFor();
    const ppcRow = hist.getByRole('row').filter({ hasText: '個人情報保護委員会' });
    await ppcRow.getByLabel('個人情報保護委員会 の受付番号').fill('PPC-2026-000123');
    await ppcRow.getByRole('button', { name: '提出済みとして記録' }).click();
    await hist.getByRole('row').filter({ hasText: '個人情報保護委員会' }).getByText('受領確認済み').waitFor();
    const obl = page.getByRole('region', { name: 'このインシデントの報告義務' });
    await obl.getByRole('row').filter({ hasText: '個人情報保護委員会' }).filter({ hasText: '速報' }).getByText('対応済み').waitFor();
    await both(page, 'report-submitted', 'submitted');
  }, go3);
  const go4 = submitted ? {} : { skip: go3.skip || 'the submit failed' };

  await test('the deadline dashboard lists the incident\'s obligations; the calendar link is text/calendar with events', async () => {
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '期限一覧' }).click();
    await page.getByRole('heading', { name: '期限の一覧（全インシデント）', level: 1 }).waitFor();
    const rows = page.getByRole('row').filter({ has: page.getByRole('link', { name: summary }) });
    await rows.first().waitFor();
    const text = await page.getByRole('main').innerText();
    assert(/国土交通省/.test(text), 'the ministry\'s deadline is listed');
    assert(/Asia\/Tokyo/.test(text), 'times name their zone');
    await page.getByRole('button', { name: '購読用 URL を発行する' }).click();
    const url = await page.getByLabel('購読用 URL').inputValue();
    assert(/\/api\/v1\/calendar\.ics\?token=/.test(url), `feed url ${url}`);
    const res = await fetch(url); // no cookie: the token in the URL is the credential
    const body = await res.text();
    assert(res.status === 200, `feed answered ${res.status}: ${body.slice(0, 200)}`);
    assert(/^text\/calendar/.test(res.headers.get('content-type') || ''), `content type ${res.headers.get('content-type')}`);
    const events = (body.match(/^BEGIN:VEVENT/gm) || []).length;
    assert(body.startsWith('BEGIN:VCALENDAR') && events >= 1, `VEVENTs: ${events}`);
    note(`calendar feed: ${events} events`);
    await both(page, 'deadlines', 'deadlines');
  }, go4);
}

// A draft is kept by the server (POST/PUT /api/v1/drafts at every step): it survives a reload
// and is resumed from the reports list, answers and step included.
export async function draftScenario(ctx, draftsMissing) {
  const { srv, browser } = ctx;
  const summary = '予約サイトへの DDoS 攻撃による長時間のサービス停止（調査中、影響範囲の確認を継続しています。復旧の見込みは本日夕方、顧客への告知は準備中）';
  await test('a draft survives a reload and is resumed from the reports list', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1400, height: 900 } });
    const page = await signIn(ctx, context, 'rep-a', ctx.PW.rep);
    current.page = page;
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '新しい報告を作成' }).click();
    await page.getByRole('checkbox', { name: 'DDoS攻撃' }).check();
    await page.getByRole('group', { name: '個人データの漏えい等（おそれを含む）' }).getByRole('radio', { name: 'いいえ' }).check();
    await page.getByRole('button', { name: '下書きを作成して続ける' }).click();
    const steps = page.getByRole('navigation', { name: '入力の手順' });
    await steps.getByRole('button', { name: /^事案の内容/ }).click();
    await page.getByRole('heading', { name: /事案の内容$/ }).waitFor();
    await page.getByLabel(/^概要/).fill(summary); // longer than 200 bytes of UTF-8: the title is cut, the report is not
    await page.getByRole('button', { name: '保存して次へ' }).click();
    await page.getByRole('heading', { name: /影響$/ }).waitFor();
    await page.getByRole('status').filter({ hasText: '下書きを保存しました' }).waitFor();
    assert(/\/drafts\/[^/?]+\?step=\d+/.test(page.url()), `the draft has an address: ${page.url()}`);
    await page.reload();
    await page.getByRole('heading', { name: /影響$/ }).waitFor();
    await steps.getByRole('button', { name: /^事案の内容/ }).click();
    assert((await page.getByLabel(/^概要/).inputValue()) === summary, 'the summary survived the reload');
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '報告一覧' }).click();
    const drafts = page.getByRole('region', { name: '下書き' });
    const link = drafts.getByRole('link', { name: new RegExp(`^${summary.slice(0, 20)}`) });
    await link.waitFor();
    await both(page, 'reports-list', 'reports list');
    await link.click();
    // back at the step last opened (事案の内容, after the reload), with its answer
    await page.getByRole('heading', { name: /事案の内容$/ }).waitFor();
    assert((await page.getByLabel(/^概要/).inputValue()) === summary, 'the summary is resumed');
    await steps.getByRole('button', { name: /^分類/ }).click();
    assert(await page.getByRole('checkbox', { name: 'DDoS攻撃' }).isChecked(), 'the triage answer is resumed');
    await page.getByRole('complementary', { name: '報告が必要な先（自動判定）' }).getByText(/報告先 \d+ 件/).waitFor();
    current.page = null;
    await context.close();
  }, draftsMissing ? { skip: draftsMissing } : {});
}
