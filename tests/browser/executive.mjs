// The executive's flows in the browser (the reporter role manages its organisation's governance
// data, README): the CSF 2.0 questionnaire answered by clicks, function by function, saved as it
// goes (a reload keeps the answers), submitted; the results (radar chart with its table, tiers,
// gaps, why peers are not shown); an asset and a loss scenario through the forms; a simulation
// with its loss exceedance curve; the rating PDF. Then the pages a reporter may not open.
import { readFileSync } from 'node:fs';
import { test, assert, watch } from './lib.mjs';
import { call, reporterToken, signInPage, bothLanguages } from './people.mjs';

async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

// Answers every question of the function on screen: level 1 + (i mod 3) — 1, 2, 3, 1, … — and
// "not applicable" for every seventh. Returns how many were answered.
async function answerShown(page, offset) {
  const main = page.getByRole('main');
  const groups = main.locator('fieldset.question');
  const n = await groups.count();
  for (let i = 0; i < n; i++) {
    const q = groups.nth(i);
    const k = offset + i;
    if (k % 7 === 6) await q.getByRole('radio', { name: /^該当しない|^Not applicable/ }).check();
    else await q.getByRole('radio', { name: new RegExp(`^${1 + (k % 3)}:`) }).check();
  }
  return n;
}

export async function executiveScenarios(ctx) {
  const { srv, browser } = ctx;
  const skip = ctx.noSession;
  const st = {};
  let context = null;
  let page = null;
  let issues = [];

  const ok = await test('executive: starts a CSF 2.0 self-assessment and answers the first function by clicks; the answers are saved as it goes (a reload keeps them)', async () => {
    context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    page = await signInPage(ctx, context, { username: 'rep-a', password: ctx.PW.rep });
    issues = watch(page);
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '経営・リスク' }).click();
    await page.getByRole('heading', { name: /サイバーセキュリティ経営/, level: 1 }).waitFor();
    await bothLanguages(page, 'governance', async () => { await page.getByRole('heading', { level: 1 }).waitFor(); });
    const form = page.getByRole('region', { name: '新しい自己評価を始める' });
    await form.getByLabel('対象期間').fill('FY2026');
    await form.getByRole('button', { name: '始める' }).click();
    await page.getByRole('heading', { name: /— FY2026$/, level: 1 }).waitFor();
    st.url = page.url();
    st.answered = await answerShown(page, 0);
    assert(st.answered > 5, `questions shown: ${st.answered}`);
    await page.getByRole('status').filter({ hasText: '保存しました' }).waitFor();
    await page.getByText(`回答済み ${st.answered} /`).waitFor();
    await bothLanguages(page, 'questionnaire', async () => { await page.getByRole('heading', { level: 1 }).waitFor(); });
    await page.reload();
    await page.getByText(`回答済み ${st.answered} /`).waitFor();
    const first = page.getByRole('main').locator('fieldset.question').first();
    assert(await first.getByRole('radio', { name: /^1:/ }).isChecked(), 'the first answer survived the reload');
  }, { skip });
  const go = ok ? {} : { skip: skip || 'the executive could not start an assessment' };

  await test('executive: answers every other function by clicks, submits, and sees the results — radar chart and its table, tiers, gaps, why peers are not shown', async () => {
    const steps = page.getByRole('navigation', { name: 'CSF の機能' }).getByRole('button');
    const n = await steps.count();
    assert(n === 6, `six CSF functions: ${n}`);
    let offset = st.answered;
    for (let i = 1; i < n; i++) {
      await steps.nth(i).click();
      await page.waitForFunction((k) => document.querySelector('nav.steps button[aria-current="step"]') === document.querySelectorAll('nav.steps button')[k], i);
      offset += await answerShown(page, offset);
    }
    await page.getByRole('status').filter({ hasText: '保存しました' }).waitFor();
    await page.getByText(`回答済み ${offset} / ${offset}`).waitFor();
    await page.getByRole('button', { name: '確定してスコアを出す' }).click();
    await page.getByRole('heading', { name: '自己評価の結果（FY2026）', level: 1 }).waitFor();
    await page.getByRole('status').filter({ hasText: '回答を確定しました' }).waitFor();
    await page.getByRole('img', { name: /レーダーチャート/ }).waitFor();
    const table = page.getByRole('table', { name: '機能別スコア（レーダーチャートの数値）' });
    assert(await table.getByRole('row').count() === 7, 'six functions in the table');
    await table.getByText(/^ティア[1-4]/).first().waitFor();
    await page.getByRole('heading', { name: '優先して改善すべき領域（スコアの低いカテゴリ）' }).waitFor();
    assert(await page.locator('ol.gaps li').count() > 0, 'gaps listed');
    await page.getByText(/同業比較は表示していません/).waitFor();
    // the chart has drawn something (pixels on the canvas)
    const drawn = await page.getByRole('img', { name: /レーダーチャート/ }).evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let k = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]) k++;
      return k;
    });
    assert(drawn > 1000, `the radar is drawn (${drawn} pixels)`);
    await bothLanguages(page, 'assessment-results', async (lang) => {
      await page.getByRole('img', { name: lang === 'ja' ? /レーダーチャート/ : /radar/i }).waitFor();
      await page.waitForTimeout(400); // the chart's redraw in the other language
    });
  }, go);

  await test('executive: adds an asset and a loss scenario through the forms, with the estimate helpers', async () => {
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '経営・リスク' }).click();
    await page.getByRole('link', { name: '資産と損失シナリオ' }).click();
    await page.getByRole('heading', { name: '資産と損失シナリオ', level: 1 }).waitFor();
    await page.getByText('資産はまだ登録されていません。').waitFor();
    await page.getByLabel(/^名称（日本語）/).fill('配送管理システム');
    await page.getByLabel('名称（英語、任意）').fill('Delivery management system');
    await page.getByLabel('種類').selectOption({ label: '情報システム' });
    await page.getByLabel('重要度').selectOption({ label: '最重要' });
    await page.getByLabel('資産価値（円、任意）').fill('300000000');
    await page.getByLabel('保有する個人情報の件数').fill('120000');
    await page.getByLabel('インターネットから直接アクセスできる').check();
    await page.getByRole('button', { name: '資産を追加する' }).click();
    await page.getByRole('status').filter({ hasText: '資産を追加しました。' }).waitFor();
    await page.getByRole('cell', { name: /配送管理システム/ }).waitFor();

    const sc = page.getByRole('region', { name: '損失シナリオを追加' });
    await sc.getByLabel(/^シナリオ名（日本語）/).fill('ランサムウェアによる配送管理システムの停止');
    await sc.getByRole('checkbox', { name: '配送管理システム' }).check();
    const tef = sc.getByRole('group', { name: /年に何回くらい/ });
    await tef.getByRole('button', { name: '年に1回程度' }).click();
    await sc.getByRole('radio', { name: '確率を直接見積もる' }).check();
    const vuln = sc.getByRole('group', { name: /実際の損失につながる確率/ });
    await vuln.getByLabel('見積もり方').selectOption({ label: '一つの値で見積もる' });
    await vuln.getByLabel('値').fill('0.3');
    const loss = sc.getByRole('group', { name: /直接の損失額/ });
    await loss.getByRole('button', { name: /約1億円/ }).click();
    await sc.getByRole('button', { name: 'シナリオを追加する' }).click();
    await page.getByRole('status').filter({ hasText: '損失シナリオを追加しました。' }).waitFor();
    await page.getByRole('cell', { name: /ランサムウェアによる配送管理システムの停止/ }).waitFor();
    await bothLanguages(page, 'risk', async () => { await page.getByRole('heading', { level: 1 }).waitFor(); });
  }, go);

  await test('executive: runs a simulation and sees the loss exceedance curve and its figures; downloads the rating PDF', async () => {
    await page.getByRole('link', { name: '損失シミュレーション' }).first().click();
    await page.getByRole('heading', { name: '損失シミュレーション', level: 1 }).waitFor();
    await page.getByLabel('試行回数（年数）').fill('20000');
    await page.getByRole('button', { name: '実行する' }).click();
    await page.getByRole('heading', { name: '結果' }).waitFor();
    const curve = page.getByRole('img', { name: /損失超過曲線のグラフ/ });
    await curve.waitFor();
    await page.getByRole('table', { name: /損失超過曲線の数値/ }).waitFor();
    await page.getByText('年間想定損失額（平均）').first().waitFor();
    const drawn = await curve.evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let k = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]) k++;
      return k;
    });
    assert(drawn > 1000, `the curve is drawn (${drawn} pixels)`);
    await bothLanguages(page, 'simulation', async (lang) => {
      await page.getByRole('img', { name: lang === 'ja' ? /損失超過曲線/ : /exceedance/i }).waitFor();
      await page.waitForTimeout(400);
    });
    const pdf = await download(page, () => page.getByRole('link', { name: '評価レポート（PDF）をダウンロード' }).first().click());
    assert(pdf.bytes.subarray(0, 5).toString() === '%PDF-', `the rating report is a PDF: ${pdf.name} ${pdf.bytes.subarray(0, 16)}`);
    assert(pdf.bytes.length > 2000, `a PDF of some substance: ${pdf.bytes.length} bytes`);
  }, go);

  await test('executive: a reporter cannot open the inbox or the operator pages — a refusal page with no data, as in the API', async () => {
    const token = await reporterToken(ctx, 'rep-a', ctx.PW.rep);
    for (const p of ['/api/v1/inbox', '/api/v1/operator/deliveries', '/api/v1/organizations']) {
      const r = await call(ctx, token, 'GET', p);
      assert(r.status === 403, `the API refuses ${p}: ${r.status}`);
    }
    for (const path of ['/inbox', '/inbox/00000000-0000-7000-8000-000000000000', '/operator', '/operator/organizations', '/operator/deliveries', '/operator/audit']) {
      await page.goto(`${srv.base}${path}`);
      await page.getByRole('heading', { name: 'このページを開く権限がありません', level: 1 }).waitFor();
      await page.getByText('報告担当者のアカウントでは').waitFor();
      const text = await page.getByRole('main').innerText();
      assert(!/受信箱|運用管理|監査ログ/.test(text.replace(path, '')), `nothing of the page at ${path}: ${text}`);
    }
    await bothLanguages(page, 'refused-reporter', async (lang) => {
      await page.getByRole('heading', { name: lang === 'ja' ? 'このページを開く権限がありません' : 'You may not open this page', level: 1 }).waitFor();
    });
  }, go);

  await test('executive: no CSP violation or script error on its pages', async () => {
    assert(issues.length === 0, issues.join('; '));
  }, go);
  if (context) await context.close();
  return st;
}
