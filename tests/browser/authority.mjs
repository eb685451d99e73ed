// The authority's flows in the browser, through a real cookie session with two-factor sign-in:
// the inbox (unread first, stage names), an item in the unified layout with the authority's own
// form to download, the receipt, a request for more information answered by the reporter's 続報
// (made through the API: the reporter's pages are tested in reporter.mjs) and seen linked to the
// request; the same flow by keyboard only; another authority's refusal; the executive pages
// refused to an authority.
import { readFileSync } from 'node:fs';
import { test, assert, watch, shot, axe } from './lib.mjs';
import { call, must, person, platformAdmin, reporterToken, signInPage, bothLanguages, fileReport, tabTo } from './people.mjs';

const SUMMARY1 = '配送管理サーバがランサムウェアで暗号化された（第1事案）';
const SUMMARY2 = '倉庫端末への不正アクセス（第2事案）';
const SUMMARY3 = '委託先経由の情報持ち出しの疑い（第3事案）';

// Waits for the download a click starts and returns its bytes.
async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

// The NCO's submission of an incident, as the authority's API lists it.
async function ncoItem(ctx, token, incidentId) {
  const r = await must(ctx, token, 'GET', '/api/v1/inbox?limit=100');
  return r.json.items.find((i) => i.recipient_id === 'nco' && i.incident_id === incidentId);
}

export async function authorityScenarios(ctx) {
  const { srv, browser } = ctx;
  const skip = ctx.noSession;
  const st = {};
  let context = null;
  let page = null;
  let issues = [];

  const ok = await test('authority: reports of a reporter reach the bound authority; it signs in with its two-factor code and sees them in its inbox, unread first, with stage names', async () => {
    // the scene: the NCO (an inbox recipient) bound to this authority; two reports of the
    // reporter, the newer one already read (through the API) so the older unread comes first
    const orgNco = srv.createOrg('国家サイバー統括室', 'National Cybersecurity Office', 'authority', ['--time-zone', 'Asia/Tokyo']);
    st.orgOther = srv.createOrg('個人情報保護委員会事務局', 'PPC Secretariat', 'authority', ['--time-zone', 'Asia/Tokyo']);
    st.officer = await person(ctx, { org: orgNco, username: 'nco-officer', displayName: '高橋 直子', role: 'authority', password: 'nco-officer-long-secret-1' });
    st.other = await person(ctx, { org: st.orgOther, username: 'ppc-officer', displayName: '中村 健', role: 'authority', password: 'ppc-officer-long-secret-1' });
    const admin = await platformAdmin(ctx);
    await must(ctx, admin.token, 'PUT', '/api/v1/recipients/nco/binding', { body: { org_id: orgNco } });
    st.rep = await reporterToken(ctx, 'rep-a', ctx.PW.rep);
    st.r1 = await fileReport(ctx, st.rep, (d) => { d.description.summary = SUMMARY1; });
    st.r2 = await fileReport(ctx, st.rep, (d) => { d.description.summary = SUMMARY2; });
    const second = await ncoItem(ctx, st.officer.token, st.r2.id);
    assert(second, 'the NCO received the second report');
    await must(ctx, st.officer.token, 'GET', `/api/v1/inbox/${second.id}`);
    st.first = await ncoItem(ctx, st.officer.token, st.r1.id);

    context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    page = await signInPage(ctx, context, st.officer);
    issues = watch(page);
    await page.getByText('国家サイバー統括室').first().waitFor();
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '受信箱' }).click();
    await page.getByRole('heading', { name: '受信箱', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: '受信した報告の一覧' });
    await table.waitFor();
    // the table can be drawn before its rows arrive: wait (bounded) for both reports' rows
    await table.getByText(SUMMARY1).first().waitFor();
    await table.getByText(SUMMARY2).first().waitFor();
    const rows = table.getByRole('row');
    const body = [];
    for (let i = 1; i < await rows.count(); i++) body.push(await rows.nth(i).innerText());
    const i1 = body.findIndex((t) => t.includes(SUMMARY1));
    const i2 = body.findIndex((t) => t.includes(SUMMARY2));
    assert(i1 >= 0 && i2 >= 0, `both reports listed: ${body.join(' | ')}`);
    assert(i1 < i2, 'the unread older report is above the read newer one');
    assert(body[i1].includes('未読') && body[i2].includes('既読'), `states: ${body[i1]} / ${body[i2]}`);
    // the stage by its name (the server's stage.ja), never the bare code
    assert(body[i1].includes(st.first.stage.ja) && !new RegExp(`\\b${st.first.stage_id}\\b`).test(body[i1]), `stage named: ${body[i1]}`);
    assert(/JST|Asia\/Tokyo|日本時間/.test(body[i1]), `times name the zone: ${body[i1]}`);
    await bothLanguages(page, 'inbox', async (lang) => {
      await page.getByRole('table', { name: lang === 'ja' ? '受信した報告の一覧' : /received/i }).waitFor();
    });
  }, { skip });
  const go = ok ? {} : { skip: skip || 'the authority could not reach its inbox' };

  await test('authority: opens the unread report — the unified layout, its own form downloaded (xlsx) and the summary (PDF)', async () => {
    await page.getByRole('link', { name: SUMMARY1 }).click();
    await page.getByRole('heading', { name: SUMMARY1, level: 1 }).waitFor();
    await page.getByRole('heading', { name: '報告内容（ichigen 統一様式）' }).waitFor();
    await page.getByText('株式会社みなと物流').first().waitFor();
    const xlsx = await download(page, () => page.getByRole('link', { name: /の様式（Excel）$/ }).click());
    assert(xlsx.bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])), `xlsx is a zip: ${xlsx.name}`);
    assert(xlsx.bytes.includes(Buffer.from('xl/workbook.xml')), 'the zip is a workbook');
    const pdf = await download(page, () => page.getByRole('link', { name: '報告書の要約（PDF）' }).click());
    assert(pdf.bytes.subarray(0, 5).toString() === '%PDF-', `pdf magic: ${pdf.name}`);
    await bothLanguages(page, 'inbox-item', async (lang) => {
      await page.getByRole('heading', { name: lang === 'ja' ? '報告内容（ichigen 統一様式）' : /unified/i }).waitFor();
    });
  }, go);

  await test('authority: records a receipt with its reference number', async () => {
    const form = page.getByRole('region', { name: '受領通知' });
    await form.getByLabel(/^受付番号/).fill('NCO-2026-0042');
    await form.getByRole('button', { name: '受領を通知する' }).click();
    await page.getByRole('status').filter({ hasText: '受領を通知しました。' }).waitFor();
    await form.getByText('受領通知済みです（受付番号: NCO-2026-0042）。').waitFor();
  }, go);

  await test('authority: requests more information; the reporter answers with a 続報 (API) and the answer is linked to the request', async () => {
    const form = page.getByRole('region', { name: '追加情報・中間報告の依頼' });
    await form.getByRole('radio', { name: '追加情報の提供' }).check();
    await form.getByLabel(/^依頼内容/).fill('侵入経路が判明したら教えてください');
    await form.getByLabel(/^回答期限/).fill('2035-01-31T17:00');
    await form.getByRole('button', { name: '依頼を送る' }).click();
    await page.getByRole('status').filter({ hasText: '依頼を送りました。' }).waitFor();
    const reqs = page.getByRole('table', { name: 'これまでの依頼と回答' });
    await reqs.getByRole('row', { name: /侵入経路が判明したら教えてください/ }).getByText('回答待ち').waitFor();
    await shot(page, 'inbox-item-request.ja');
    // the reporter learns more, amends and sends the NCO a 続報 of what it had
    const got = await must(ctx, st.rep, 'GET', `/api/v1/reports/${st.r1.id}`);
    const doc = got.json.report;
    doc.description.details += '\n侵入経路はVPN機器の脆弱性（CVE-2024-0001）と判明した。';
    const v2 = await must(ctx, st.rep, 'POST', `/api/v1/reports/${st.r1.id}/versions`, { body: doc, ifMatch: got.etag });
    const sent = await must(ctx, st.rep, 'POST', `/api/v1/reports/${st.r1.id}/submit`, { body: { updates: [st.first.obligation_id] }, ifMatch: v2.etag });
    const upd = sent.json.submitted.find((s) => s.recipient_id === 'nco');
    assert(upd && upd.kind === 'update', 'a 続報 went to the NCO');
    await page.reload();
    const row = page.getByRole('table', { name: 'これまでの依頼と回答' }).getByRole('row', { name: /侵入経路が判明したら教えてください/ });
    await row.getByText('回答済み').waitFor();
    await row.getByRole('link', { name: '回答の報告を開く' }).click();
    await page.waitForURL(`**/inbox/${upd.id}`);
    await page.getByRole('heading', { name: SUMMARY1, level: 1 }).waitFor();
    await page.getByText('続報').first().waitFor();
    await page.getByText('CVE-2024-0001').first().waitFor();
    await bothLanguages(page, 'inbox-item-update', async (lang) => {
      await page.getByRole('heading', { name: lang === 'ja' ? '報告内容（ichigen 統一様式）' : /unified/i }).waitFor();
    });
  }, go);

  await test('authority: the inbox → item → request flow by keyboard only (Tab, Enter, Space, typing)', async () => {
    st.r3 = await fileReport(ctx, st.rep, (d) => { d.description.summary = SUMMARY3; });
    await page.goto(`${srv.base}/inbox`);
    await page.getByRole('table', { name: '受信した報告の一覧' }).getByRole('link', { name: SUMMARY3 }).waitFor();
    await tabTo(page, (f) => f.tag === 'a' && f.text === SUMMARY3);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: SUMMARY3, level: 1 }).waitFor();
    await tabTo(page, (f) => f.type === 'radio' && f.label.includes('追加情報の提供'));
    await page.keyboard.press('Space');
    await tabTo(page, (f) => f.tag === 'textarea' && f.label.startsWith('依頼内容'));
    await page.keyboard.type('影響を受けた顧客の人数を教えてください');
    // the reply-by date: in each part of the date-time field (their order is the browser's
    // locale's) ArrowUp twice — now, then one more — and Tab to the next part: a moment a
    // year and a bit ahead, whatever the order of the parts
    await page.keyboard.press('Tab');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Tab');
    }
    const f = await tabTo(page, (x) => x.tag === 'button' && x.text === '依頼を送る');
    assert(f, 'the send button has the focus');
    await page.keyboard.press('Space');
    await page.getByRole('status').filter({ hasText: '依頼を送りました。' }).waitFor();
    const row = page.getByRole('table', { name: 'これまでの依頼と回答' }).getByRole('row', { name: /影響を受けた顧客の人数/ });
    await row.waitFor();
    const text = await row.innerText();
    assert(text.includes('追加情報の提供') && text.includes(String(new Date().getFullYear() + 1)), `the request as typed: ${text}`);
    // and a visible focus ring on the button reached by keyboard (WCAG 2.4.7)
    const outline = await page.evaluate(() => {
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent.trim() === '依頼を送る');
      b.focus();
      const s = getComputedStyle(b);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
    assert(!/^none/.test(outline), `focus is visible: ${outline}`);
  }, go);

  await test('authority: an authority of another organisation is refused the item in the page (no data), as in the API; its inbox is empty', async () => {
    const api = await call(ctx, st.other.token, 'GET', `/api/v1/inbox/${st.first.id}`);
    assert(api.status === 404, `the API refuses: ${api.status}`);
    const c2 = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const p2 = await signInPage(ctx, c2, st.other);
    const w = watch(p2);
    await p2.goto(`${srv.base}/inbox/${st.first.id}`);
    await p2.getByRole('heading', { name: 'この報告は表示できません', level: 1 }).waitFor();
    await p2.getByRole('alert').waitFor();
    const text = await p2.getByRole('main').innerText();
    assert(!text.includes(SUMMARY1) && !text.includes('株式会社みなと物流') && !text.includes('報告内容'), `no data shown: ${text}`);
    await bothLanguages(p2, 'inbox-item-refused', async (lang) => {
      await p2.getByRole('heading', { name: lang === 'ja' ? 'この報告は表示できません' : 'This report cannot be shown', level: 1 }).waitFor();
    });
    await p2.goto(`${srv.base}/inbox`);
    await p2.getByText('条件に合う報告はありません。').waitFor();
    const inbox = await p2.getByRole('main').innerText();
    assert(!inbox.includes(SUMMARY1), 'nothing of the other authority in the inbox');
    await shot(p2, 'inbox-empty.ja');
    assert(w.length === 0, w.join('; '));
    await c2.close();
  }, go);

  await test('authority: the executive pages are refused to an authority (a refusal page, no data), as in the API', async () => {
    const api = await call(ctx, st.officer.token, 'GET', '/api/v1/assessments');
    assert(api.status === 403, `the API refuses: ${api.status}`);
    for (const path of ['/governance', '/governance/risk', '/governance/simulations', '/reports/new', '/operator']) {
      await page.goto(`${srv.base}${path}`);
      await page.getByRole('heading', { name: 'このページを開く権限がありません', level: 1 }).waitFor();
      const text = await page.getByRole('main').innerText();
      assert(!/自己評価|資産|シミュレーション/.test(text.replace(/このページ.*/s, '')), `no data at ${path}: ${text}`);
    }
    await axe(page, 'refused ja');
    await shot(page, 'refused.ja');
  }, go);

  await test('authority: no CSP violation or script error on its pages', async () => {
    assert(issues.length === 0, issues.join('; '));
  }, go);
  if (context) await context.close();
  return st;
}
