// Advisories (注意喚起, issue 13 item 1) in the browser, through real cookie sessions: an
// authority analyst writes a TLP:AMBER advisory for the logistics sector through the form (a
// first attempt refused by the API, each problem seen beside its field); a reporter of that
// sector sees it in its feed, highlighted as not acknowledged, reads every field and
// acknowledges it for its organisation; a reporter of another sector neither sees it in the
// feed nor at its address (the page says it cannot be shown, as the API answers 404); the
// authority sees the acknowledgement; an amendment makes it "updated, not acknowledged" for the
// reader, who acknowledges again by keyboard only; lowering the label (confirmed) lets the
// other sector read it; a withdrawal shows with its reason. axe and screenshots in both
// languages.
import { test, assert, watch, shot, axe, current } from './lib.mjs';
import { call, must, person, signInPage, bothLanguages, tabTo } from './people.mjs';

const TITLE = '物流事業者を狙った配送管理システムへの攻撃（注意喚起）';
const TITLE_EN = 'Attacks on delivery management systems of logistics operators';
const SUMMARY = '配送管理システムのVPN機器の脆弱性を悪用したランサムウェア攻撃が相次いでいます。';

export async function advisoryScenarios(ctx) {
  const { srv, browser } = ctx;
  const skip = ctx.noSession || ctx.noTwoFactor;
  const st = {};
  let ac = null; // the authority's browser context and page
  let ap = null;
  let rc = null; // the logistics reporter's
  let rp = null;

  const ok = await test('advisories: an authority writes a TLP:AMBER advisory for the logistics sector; the API\'s problems are shown beside their fields first', async () => {
    st.orgAuth = srv.createOrg('国土交通省 物流サイバー担当', 'MLIT logistics cyber desk', 'authority', ['--time-zone', 'Asia/Tokyo']);
    st.analyst = await person(ctx, { org: st.orgAuth, username: 'mlit-analyst', displayName: '伊藤 真理', role: 'authority', password: 'mlit-analyst-long-secret-1' });
    st.orgElec = srv.createOrg('株式会社でんき', 'Denki K.K.', 'company', ['--sector', 'electricity', '--prefecture', 'JP-27', '--time-zone', 'Asia/Tokyo']);
    st.other = await person(ctx, { org: st.orgElec, username: 'rep-elec', displayName: '小林 次郎', role: 'reporter', password: 'rep-elec-long-secret-1' });
    st.reader = { username: 'rep-a', password: ctx.PW.rep, secret: null };
    st.readerToken = (await must(ctx, null, 'POST', '/api/v1/auth/login', { body: { username: 'rep-a', password: ctx.PW.rep } })).json.token;

    ac = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
    ap = await signInPage(ctx, ac, st.analyst);
    current.page = ap;
    const w = watch(ap);
    st.watchA = w;
    await ap.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '注意喚起' }).click();
    await ap.getByRole('heading', { name: '注意喚起', level: 1 }).waitFor();
    await ap.getByText('条件に合う注意喚起はありません。').waitFor();
    await ap.getByRole('link', { name: '注意喚起を作成' }).click();
    await ap.getByRole('heading', { name: '注意喚起の作成', level: 1 }).waitFor();

    // a first attempt: no summary, a defanged indicator, a malformed CVE and technique
    await ap.getByLabel('件名（日本語）').fill(TITLE);
    await ap.getByRole('radio', { name: /^高 — 24時間以内/ }).check();
    await ap.getByRole('radio', { name: /^高 — 分野全体や多数/ }).check();
    await ap.getByLabel('脆弱性（CVE）').fill('CVE-2024-0001\nCVE-24-1');
    await ap.getByLabel('攻撃手法（MITRE ATT&CK）').fill('T1566.001\nX123');
    await ap.getByRole('button', { name: '痕跡情報を追加' }).click();
    await ap.getByRole('group', { name: '痕跡情報 1' }).getByLabel('値').fill('203.0.113[.]5');
    await ap.getByRole('group', { name: '対象の分野' }).getByLabel('物流').check();
    await ap.getByRole('button', { name: '注意喚起を発出する' }).click();
    await ap.getByRole('alert').waitFor();
    const summaryJa = ap.getByLabel('概要（日本語）');
    assert(await summaryJa.getAttribute('aria-invalid') === 'true', 'the summary is marked invalid');
    const sumErr = await ap.locator(`#${(await summaryJa.getAttribute('aria-describedby')).split(' ').pop()}`).innerText();
    assert(/[ぁ-んァ-ン一-龥]/.test(sumErr), `the summary's problem in Japanese beside it: ${sumErr}`);
    const cves = ap.getByLabel('脆弱性（CVE）');
    assert(await cves.getAttribute('aria-invalid') === 'true', 'the CVE list is marked invalid');
    const cveErr = await ap.locator('#adv-aff-cves-err').innerText();
    assert(cveErr.startsWith('2行目') && !cveErr.includes('1行目'), `the CVE problem names the second line: ${cveErr}`);
    assert((await ap.locator('#adv-techniques-err').innerText()).startsWith('2行目'), 'the technique problem names its line');
    const iocErr = await ap.locator('#adv-ioc-0-err').innerText();
    assert(iocErr.includes('無害化'), `the defanged indicator is refused beside it: ${iocErr}`);
    const focusedId = await ap.evaluate(() => document.activeElement && document.activeElement.id);
    assert(focusedId && focusedId.startsWith('adv-'), `the focus is on the first refused field: ${focusedId}`);
    // the summary at the top names each field (and line) and goes to it
    const problems = ap.locator('.adv-problems');
    const listed = await problems.innerText();
    assert(listed.includes('概要:') && listed.includes('脆弱性（CVE） 2行目:') && listed.includes('痕跡情報 1:'), `the problems named by field: ${listed}`);
    await problems.getByRole('button', { name: '脆弱性（CVE） 2行目' }).click();
    assert(await ap.evaluate(() => document.activeElement.id) === 'adv-aff-cves', 'the summary goes to the field');
    await bothLanguages(ap, 'advisory-form-errors', async (lang) => {
      await ap.getByRole('heading', { name: lang === 'ja' ? '注意喚起の作成' : 'Write an advisory', level: 1 }).waitFor();
      await ap.locator('#adv-aff-cves-err').getByText(lang === 'ja' ? '2行目' : 'line 2').waitFor();
    });

    // corrected and completed: every field of the format
    await ap.getByLabel('件名（英語）').fill(TITLE_EN);
    await summaryJa.fill(SUMMARY);
    await ap.getByLabel('概要（英語）').fill('Ransomware attacks exploiting a VPN appliance vulnerability in delivery management systems keep occurring.');
    await ap.getByLabel('攻撃主体の名称（日本語）').fill('Phantom Courier（仮称）');
    await ap.getByLabel('帰属の確度').selectOption('moderate');
    await ap.getByLabel('攻撃の目的（日本語）').fill('金銭の要求（二重恐喝）');
    await ap.getByLabel('背景・経緯（日本語）').fill('2026年11月以降、複数の物流事業者から同種の報告が寄せられています。');
    await ap.getByLabel('想定される被害（日本語）').fill('配送の停止、顧客情報の漏えい');
    await ap.getByLabel('波及する影響（日本語）').fill('荷主企業のサプライチェーン全体の停滞');
    await ap.getByLabel('初動対応（今すぐ行うこと）（日本語）').fill('VPN機器を最新版に更新し、管理画面をインターネットから遮断する。');
    await ap.getByLabel('中長期的な対応（日本語）').fill('多要素認証の導入とバックアップのオフライン保管。');
    await cves.fill('CVE-2024-0001');
    await ap.getByLabel('製品（CPE 2.3）').fill('cpe:2.3:a:example:delivery_manager:4.2:*:*:*:*:*:*:*');
    await ap.getByLabel('攻撃手法（MITRE ATT&CK）').fill('T1190\nT1486');
    await ap.getByRole('group', { name: '痕跡情報 1' }).getByLabel('値').fill('203.0.113.5');
    await ap.getByRole('button', { name: '痕跡情報を追加' }).click();
    const ioc2 = ap.getByRole('group', { name: '痕跡情報 2' });
    await ioc2.getByLabel('種類').selectOption('domain');
    await ioc2.getByLabel('値').fill('update-check.example.net');
    await ap.getByRole('group', { name: '分野', exact: true }).getByLabel('物流').check();
    await ap.getByRole('radio', { name: /TLP:AMBER 自組織と顧客まで/ }).check();
    await shot(ap, 'advisory-form.ja');
    await ap.getByRole('button', { name: '注意喚起を発出する' }).click();
    await ap.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    await ap.getByRole('status').filter({ hasText: '注意喚起を発出しました。' }).waitFor();
    st.id = ap.url().split('/advisories/')[1].split('?')[0];
    assert(/^[0-9a-f-]{36}$/.test(st.id), `an advisory page: ${ap.url()}`);
    const got = await must(ctx, st.analyst.token, 'GET', `/api/v1/advisories/${st.id}`);
    assert(got.json.tlp === 'TLP:AMBER' && got.json.advisory.audience.sectors[0] === 'logistics', 'stored as written');
    assert(got.json.advisory.indicators.length === 2 && got.json.advisory.actor.attribution_confidence === 'moderate', 'every field went to the API');
  }, { skip });
  const go = ok ? {} : { skip: skip || 'the authority could not publish an advisory' };

  await test('advisories: a reporter of the logistics sector sees it highlighted in its feed, reads every field with the TLP badge, and acknowledges it for its organisation', async () => {
    rc = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
    rp = await signInPage(ctx, rc, st.reader);
    current.page = rp;
    st.watchR = watch(rp);
    await rp.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '注意喚起' }).click();
    const table = rp.getByRole('table', { name: '注意喚起の一覧' });
    await table.waitFor();
    const row = table.getByRole('row', { name: new RegExp(TITLE.slice(0, 10)) });
    await row.waitFor();
    assert((await row.innerText()).includes('未確認') && (await row.innerText()).includes('TLP:AMBER'), `the row: ${await row.innerText()}`);
    assert(/adv-unacknowledged/.test(await row.getAttribute('class')), 'the row is highlighted');
    const bg = await row.locator('td').first().evaluate((e) => getComputedStyle(e).backgroundColor);
    assert(bg !== 'rgba(0, 0, 0, 0)', `highlighted: ${bg}`);
    await rp.getByRole('status').filter({ hasText: '1 件（うち未確認 1 件）' }).waitFor();
    await bothLanguages(rp, 'advisories-feed', async (lang) => {
      await rp.getByRole('table', { name: lang === 'ja' ? '注意喚起の一覧' : 'Advisories' }).waitFor();
    });
    // the filter "only not acknowledged" goes to the URL and the API
    await rp.getByLabel('自組織が未確認のものだけ').check();
    await rp.getByRole('button', { name: '絞り込む' }).click();
    await rp.waitForURL('**/advisories?unacknowledged=true');
    await table.getByRole('link', { name: TITLE }).click();
    await rp.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    const main = rp.getByRole('main');
    const text = await main.innerText();
    for (const s of ['TLP:AMBER', '自組織と顧客まで', SUMMARY, 'Phantom Courier（仮称）', '帰属の確度', '金銭の要求（二重恐喝）', '複数の物流事業者',
      '緊急度', '24時間以内に対応してください。', '重要度', '分野全体や多数の組織', '配送の停止', 'サプライチェーン全体', 'VPN機器を最新版に更新',
      'オフライン保管', '物流', 'CVE-2024-0001', 'cpe:2.3:a:example:delivery_manager', '203.0.113.5', 'update-check.example.net', 'T1190', 'T1486', '版の履歴', '未確認']) {
      assert(text.includes(s), `the page shows ${s}`);
    }
    // the badge in FIRST's colours: AMBER #FFC000 on black
    const badge = await rp.locator('.tlp-line .tlp').evaluate((e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]);
    assert(badge[0] === 'rgb(255, 192, 0)' && badge[1] === 'rgb(0, 0, 0)', `TLP:AMBER colours: ${badge}`);
    await bothLanguages(rp, 'advisory', async (lang) => {
      await rp.getByText(lang === 'ja' ? '自組織と顧客まで' : 'Your organisation and its clients').waitFor();
      if (lang === 'en') await rp.getByRole('heading', { name: TITLE_EN, level: 1 }).waitFor();
    });
    await rp.getByRole('button', { name: '組織として確認した' }).click();
    await rp.getByRole('status').filter({ hasText: '第1版を組織として確認しました。' }).waitFor();
    await rp.getByRole('region', { name: '自組織の確認' }).getByText('確認済み', { exact: true }).waitFor();
    assert(await rp.getByRole('button', { name: '組織として確認した' }).count() === 0, 'no second acknowledge button');
    const api = await must(ctx, st.readerToken, 'GET', `/api/v1/advisories/${st.id}`);
    assert(api.json.acknowledged_version === 1, 'the API records the acknowledgement');
  }, go);

  await test('advisories: a reporter of another sector does not see it in the feed, and its address says it cannot be shown (API 404)', async () => {
    const api = await call(ctx, st.other.token, 'GET', `/api/v1/advisories/${st.id}`);
    assert(api.status === 404, `the API: ${api.status}`);
    const c2 = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const p2 = await signInPage(ctx, c2, st.other);
    const w = watch(p2);
    await p2.goto(`${srv.base}/advisories`);
    await p2.getByText('条件に合う注意喚起はありません。').waitFor();
    assert(!(await p2.getByRole('main').innerText()).includes(TITLE), 'not in the feed');
    await p2.goto(`${srv.base}/advisories/${st.id}`);
    await p2.getByRole('heading', { name: 'この注意喚起は表示できません', level: 1 }).waitFor();
    const text = await p2.getByRole('main').innerText();
    assert(!text.includes(TITLE) && !text.includes('TLP:AMBER') && !text.includes('CVE-2024-0001'), `nothing shown: ${text}`);
    await bothLanguages(p2, 'advisory-not-found', async (lang) => {
      await p2.getByRole('heading', { name: lang === 'ja' ? 'この注意喚起は表示できません' : 'This advisory cannot be shown', level: 1 }).waitFor();
    });
    st.c2 = c2;
    st.p2 = p2;
    st.w2 = w;
  }, go);

  await test('advisories: the authority sees which organisation acknowledged, and amends the advisory (If-Match)', async () => {
    current.page = ap;
    await ap.reload();
    const acks = ap.getByRole('table', { name: '確認した組織' });
    await acks.waitFor();
    const row = acks.getByRole('row', { name: new RegExp(ctx.orgA) });
    await row.waitFor();
    assert((await row.innerText()).includes('第1版'), `the acknowledgement: ${await row.innerText()}`);
    await bothLanguages(ap, 'advisory-author', async (lang) => {
      await ap.getByRole('table', { name: lang === 'ja' ? '確認した組織' : 'Organisations that acknowledged' }).waitFor();
    });
    assert(await ap.getByRole('region', { name: '自組織の確認' }).count() === 0, 'the issuer does not acknowledge its own advisory');
    // how widespread its indicators are (GET …/correlation): one line per indicator
    await ap.getByRole('heading', { name: '痕跡情報の広がり（各組織の報告との照合）', level: 2 }).waitFor();
    const spread = ap.getByRole('list', { name: '痕跡情報ごとの照合結果' });
    await spread.waitFor();
    assert((await spread.innerText()).includes('203.0.113.5'), `the advisory's address is in the panel: ${await spread.innerText()}`);
    await ap.getByRole('link', { name: '内容を更新（新しい版）' }).click();
    await ap.getByRole('heading', { name: '注意喚起の更新（新しい版）', level: 1 }).waitFor();
    assert(await ap.getByLabel('件名（日本語）').inputValue() === TITLE, 'the form holds the current version');
    await ap.getByLabel('変更点（日本語）').fill('攻撃に使われた別のドメインを追加しました。');
    await ap.getByRole('button', { name: '痕跡情報を追加' }).click();
    const ioc3 = ap.getByRole('group', { name: '痕跡情報 3' });
    await ioc3.getByLabel('種類').selectOption('domain');
    await ioc3.getByLabel('値').fill('cdn-sync.example.org');
    await ap.getByRole('button', { name: '新しい版を発出する' }).click();
    await ap.getByRole('status').filter({ hasText: '新しい版を発出しました。' }).waitFor();
    await ap.getByText('第2版（最新は第2版）').waitFor();
  }, go);

  await test('advisories: the reader sees the amendment as "updated, not acknowledged" and acknowledges again by keyboard only', async () => {
    current.page = rp;
    await rp.goto(`${srv.base}/advisories`);
    const table = rp.getByRole('table', { name: '注意喚起の一覧' });
    const row = table.getByRole('row', { name: new RegExp(TITLE.slice(0, 10)) });
    await row.getByText('更新あり・未確認').waitFor();
    // keyboard only from here: Tab to the advisory's link, Enter, Tab to the button, Enter
    await tabTo(rp, (f) => f.tag === 'a' && f.text === TITLE);
    const ring = await rp.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert(ring !== 'none', `the link shows its focus: ${ring}`);
    await rp.keyboard.press('Enter');
    await rp.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    await rp.getByText('攻撃に使われた別のドメインを追加しました。').waitFor();
    const text = await rp.getByRole('main').innerText();
    assert(text.includes('cdn-sync.example.org') && text.includes('攻撃に使われた別のドメインを追加しました。'), 'the new version and its change summary');
    assert(text.includes('第1版を確認済みですが、その後第2版に更新されました'), 'the acknowledgement state says it is stale');
    await tabTo(rp, (f) => f.tag === 'button' && f.text === '組織として確認した');
    const ring2 = await rp.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert(ring2 !== 'none', `the button shows its focus: ${ring2}`);
    await rp.keyboard.press('Enter');
    await rp.getByRole('status').filter({ hasText: '第2版を組織として確認しました。' }).waitFor();
    // the button is gone: the focus went to the message, not to <body>
    const where = await rp.evaluate(() => (document.activeElement ? document.activeElement.className : ''));
    assert(/success/.test(where), `the focus is on the confirmation: ${where}`);
    await rp.getByRole('region', { name: '自組織の確認' }).getByText('確認済み', { exact: true }).waitFor();
    await shot(rp, 'advisory-acknowledged.ja');
  }, go);

  await test('advisories: the authority lowers the label to TLP:GREEN (confirmed) and the other sector can read it; then withdraws it with a reason, which the reader sees', async () => {
    current.page = ap;
    await ap.goto(`${srv.base}/advisories/${st.id}`);
    const form = ap.getByRole('form', { name: 'TLP 区分を引き下げる' });
    await form.getByLabel('新しい区分').selectOption('TLP:GREEN');
    const button = form.getByRole('button', { name: '区分を引き下げる' });
    assert(await button.isDisabled(), 'lowering needs the confirmation first');
    await form.getByLabel(/TLP:AMBER から TLP:GREEN に引き下げ/).check();
    await button.click();
    await ap.getByRole('status').filter({ hasText: 'TLP 区分を TLP:GREEN に引き下げました。' }).waitFor();
    await ap.locator('.tlp-line .tlp-green').waitFor();
    const p2 = st.p2;
    await p2.goto(`${srv.base}/advisories`);
    await p2.getByRole('link', { name: TITLE }).click();
    await p2.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    await p2.getByText('コミュニティ内まで').waitFor();
    // the reader of another sector may not read version 1 or 2 (TLP:AMBER, not its audience);
    // the page reads the older versions after the advisory itself: wait for them (bounded)
    await p2.getByText('この版はあなたの読める範囲にありません。').first().waitFor();
    assert((await p2.getByRole('main').innerText()).includes('この版はあなたの読める範囲にありません。'), 'older AMBER versions stay unreadable');
    await shot(p2, 'advisory-green-other-sector.ja');

    const wd = ap.getByRole('form', { name: '取り下げる' });
    await wd.getByLabel('取り下げの理由').fill('攻撃者の手口が変化したため、新しい注意喚起に置き換えます。');
    await wd.getByLabel('取り下げると以後は更新できないことを確認しました').check();
    await wd.getByRole('button', { name: '取り下げる' }).click();
    await ap.getByRole('status').filter({ hasText: '注意喚起を取り下げました。' }).waitFor();
    await ap.getByText('この注意喚起は取り下げられました').waitFor();
    assert(await ap.getByRole('link', { name: '内容を更新（新しい版）' }).count() === 0, 'no amend after a withdrawal');

    current.page = rp;
    await rp.goto(`${srv.base}/advisories`);
    const row = rp.getByRole('table', { name: '注意喚起の一覧' }).getByRole('row', { name: new RegExp(TITLE.slice(0, 10)) });
    await row.getByText('取り下げ済み', { exact: true }).waitFor();
    assert(!/adv-unacknowledged|adv-changed/.test(await row.getAttribute('class')), 'a withdrawn advisory is not highlighted');
    await row.getByRole('link', { name: TITLE }).click();
    await rp.getByText('この注意喚起は取り下げられました').waitFor();
    await rp.getByText('攻撃者の手口が変化したため、新しい注意喚起に置き換えます。').waitFor();
    await rp.getByText('TLP 区分を TLP:AMBER から TLP:GREEN に変更').waitFor();
    assert(await rp.getByRole('button', { name: '組織として確認した' }).count() === 0, 'nothing to acknowledge once withdrawn');
    await bothLanguages(rp, 'advisory-withdrawn', async (lang) => {
      await rp.getByText(lang === 'ja' ? 'この注意喚起は取り下げられました' : 'This advisory has been withdrawn', { exact: true }).waitFor();
    });
  }, go);

  await test('advisories: an advisory whose validity period ended leaves the feed; "include those whose validity period has ended" brings it back, marked', async () => {
    current.page = rp;
    const old = await must(ctx, st.analyst.token, 'POST', '/api/v1/advisories', {
      body: {
        title: { ja: '期限切れの注意喚起（確認用）', en: 'An expired advisory' },
        summary: { ja: '有効期間が終わった注意喚起です。' },
        urgency: 'low', importance: 'low', tlp: 'TLP:GREEN', audience: {},
        valid_from: '2020-01-01T00:00:00+09:00', valid_until: '2021-01-01T00:00:00+09:00',
      },
    });
    assert(old.json.in_force === false, `the API says it is not in force: ${old.text.slice(0, 200)}`);
    await rp.goto(`${srv.base}/advisories`);
    await rp.getByRole('heading', { name: '注意喚起', level: 1 }).waitFor();
    await rp.getByRole('row', { name: new RegExp(TITLE) }).waitFor();
    assert(await rp.getByRole('row', { name: /期限切れの注意喚起/ }).count() === 0, 'not in the default feed');
    await rp.getByLabel('有効期間が終わったものも表示').check();
    await rp.getByRole('button', { name: '絞り込む' }).click();
    const row = rp.getByRole('row', { name: /期限切れの注意喚起/ });
    await row.waitFor();
    assert((await row.innerText()).includes('有効期間終了'), `marked as ended: ${await row.innerText()}`);
    assert(new URL(rp.url()).searchParams.get('include_expired') === 'true', `kept in the address: ${rp.url()}`);
  }, go);

  await test('advisories: no CSP violation or script error on the advisory pages', async () => {
    const all = [...(st.watchA || []), ...(st.watchR || []), ...(st.w2 || [])];
    assert(all.length === 0, all.join('; '));
  }, go);
  for (const c of [ac, rc, st.c2]) if (c) await c.close();
  current.page = null;
  return st;
}
