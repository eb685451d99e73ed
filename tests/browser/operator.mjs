// The operator's (platform administrator's) pages in the browser, through a cookie session with
// two-factor sign-in, each showing real data: health and the audit chain, organisations, users,
// recipient bindings (one made through the page), deliveries (a finance company's report to the
// FSA, whose webhook run.mjs points at a closed port, retrying) and the audit log.
import { test, assert, watch } from './lib.mjs';
import { must, platformAdmin, reporterToken, signInPage, bothLanguages, fileReport } from './people.mjs';

const ACD = '事業所管大臣（サイバー対処能力強化法の特定侵害事象の報告先）';

export async function operatorScenarios(ctx) {
  const { srv, browser } = ctx;
  const skip = ctx.noSession;
  const st = {};
  let context = null;
  let page = null;
  let issues = [];

  const ok = await test('operator: signs in with its two-factor code; the overview shows health, the audit chain verified and a delivery retrying', async () => {
    // the scene: a bank's report goes to the FSA by webhook, refused (closed port) and retrying
    const bank = srv.createOrg('株式会社ふじ銀行', 'Fuji Bank, Ltd.', 'company', ['--sector', 'finance', '--prefecture', 'JP-27', '--size-band', 'large', '--time-zone', 'Asia/Tokyo']);
    srv.createUser(bank, 'rep-fuji', '松本 由美', 'reporter', 'rep-fuji-long-secret-1');
    st.receiver = srv.createOrg('経済産業省 受領窓口', 'METI reception desk', 'authority', ['--time-zone', 'Asia/Tokyo']);
    st.admin = await platformAdmin(ctx);
    const token = await reporterToken(ctx, 'rep-fuji', 'rep-fuji-long-secret-1');
    const filed = await fileReport(ctx, token, (d) => {
      d.entity.name_ja = '株式会社ふじ銀行';
      d.entity.name_en = 'Fuji Bank, Ltd.';
      d.entity.ci_sector = 'finance';
      d.entity.sector_detail = '銀行';
      d.description.summary = 'インターネットバンキングの停止';
      d.response.next_steps = '勘定系への影響を調査した上でサービスを再開'; // the FSA's stage requires it
    }, (o) => o.recipient_id === 'fsa');
    const fsa = filed.submitted.find((s) => s.recipient_id === 'fsa');
    assert(fsa && fsa.channel === 'webhook', `the FSA is sent by webhook: ${JSON.stringify(filed.submitted.map((s) => [s.recipient_id, s.channel]))} ${JSON.stringify(filed.notSubmitted)}`);
    // bounded poll: the worker's first attempt is refused, the submission waits for a retry
    for (let i = 0; ; i++) {
      const r = await must(ctx, st.admin.token, 'GET', '/api/v1/operator/deliveries');
      if (r.json.retrying.some((s) => s.id === fsa.id)) break;
      assert(i < 300, 'the FSA delivery is retrying within 30 s');
      await new Promise((res) => setTimeout(res, 100));
    }

    context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1400, height: 900 } });
    page = await signInPage(ctx, context, st.admin);
    issues = watch(page);
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '運用管理' }).click();
    await page.getByRole('heading', { name: '運用管理', level: 1 }).waitFor();
    const health = page.getByRole('region', { name: '稼働状況' });
    await health.getByText('稼働中').waitFor();
    await health.getByText('データベース応答あり').waitFor();
    const chain = page.getByRole('region', { name: '監査ログのハッシュチェーン' });
    await chain.getByText('改ざんなし').waitFor();
    await chain.getByText(/件の記録を最初から検証しました。/).waitFor();
    const del = page.getByRole('region', { name: '配信の状況' });
    await del.getByText('再送待ち 1 件').waitFor();
    await del.getByText('配信失敗 0 件').waitFor();
    await bothLanguages(page, 'operator', async () => { await page.getByRole('region').nth(2).getByRole('link').waitFor(); });
  }, { skip });
  const go = ok ? {} : { skip: skip || 'the operator could not reach its overview' };

  await test('operator: deliveries — the FSA webhook retrying with its error, none failed', async () => {
    await page.getByRole('list').getByRole('link', { name: '配信の状況' }).click();
    await page.getByRole('heading', { name: '配信の状況', level: 1 }).waitFor();
    await page.getByRole('heading', { name: '再送待ち（1 件）' }).waitFor();
    await page.getByText('配信に失敗した報告はありません。').waitFor();
    const row = page.getByRole('row', { name: /株式会社ふじ銀行/ });
    const text = await row.innerText();
    assert(text.includes('金融庁'), `the recipient by name: ${text}`);
    assert(/\d{2}:\d{2} UTC\b/.test(text) && !text.includes('UTC (UTC)'), `times with the zone named once (the operator's organisation keeps UTC): ${text}`);
    assert(/Couldn't connect|connect/i.test(text), `the last error: ${text}`);
    await bothLanguages(page, 'operator-deliveries', async () => { await page.getByRole('row', { name: /ふじ銀行|Fuji Bank/ }).waitFor(); });
  }, go);

  await test('operator: organisations and users, with names for kinds, sectors, prefectures and roles', async () => {
    await page.getByRole('link', { name: '運用管理のトップへ' }).click();
    await page.getByRole('list').getByRole('link', { name: '組織', exact: true }).click();
    await page.getByRole('heading', { name: '組織', level: 1 }).waitFor();
    const bank = await page.getByRole('row', { name: /株式会社ふじ銀行/ }).innerText();
    assert(bank.includes('大阪府') && bank.includes('金融'), `names, not codes: ${bank}`);
    await page.getByRole('row', { name: /経済産業省 受領窓口/ }).getByText('当局・受領機関').waitFor();
    await bothLanguages(page, 'operator-organizations', async () => { await page.getByRole('table').waitFor(); });
    await page.getByRole('row', { name: /株式会社ふじ銀行/ }).getByRole('link', { name: 'この組織の利用者' }).click();
    await page.getByRole('heading', { name: '利用者 — 株式会社ふじ銀行', level: 1 }).waitFor();
    const user = await page.getByRole('row', { name: /rep-fuji/ }).innerText();
    assert(user.includes('松本 由美') && user.includes('報告担当者'), `the user: ${user}`);
    await page.getByRole('link', { name: 'すべての利用者を表示' }).click();
    await page.getByRole('row', { name: /rep-a/ }).waitFor();
    await page.getByRole('row', { name: /ops-admin/ }).getByText('システム管理者').waitFor();
    await bothLanguages(page, 'operator-users', async () => { await page.getByRole('table').waitFor(); });
  }, go);

  await test('operator: binds a recipient to an authority through the page; the audit log records it', async () => {
    await page.goto(`${srv.base}/operator`);
    await page.getByRole('list').getByRole('link', { name: '報告先と受領組織' }).click();
    await page.getByRole('heading', { name: '報告先と受領組織', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(ACD.replace(/[()（）]/g, '.')) });
    await row.getByLabel(`${ACD}の受領組織`).selectOption({ label: '経済産業省 受領窓口' });
    await row.getByRole('button', { name: '割り当てる' }).click();
    await page.getByRole('status').filter({ hasText: '受領組織を割り当てました。' }).waitFor();
    await row.getByRole('cell', { name: /^経済産業省 受領窓口/ }).waitFor();
    const r = await must(ctx, st.admin.token, 'GET', '/api/v1/recipients');
    const acd = r.json.items.find((x) => x.id === 'acd-competent-minister');
    assert(acd && acd.binding && acd.binding.org_id === st.receiver, `bound in the API: ${JSON.stringify(acd && acd.binding)}`);
    await bothLanguages(page, 'operator-recipients', async () => { await page.getByRole('table').waitFor(); });
    await page.getByRole('link', { name: '運用管理のトップへ' }).click();
    await page.getByRole('list').getByRole('link', { name: '監査ログ' }).click();
    await page.getByRole('heading', { name: '監査ログ', level: 1 }).waitFor();
    await page.getByRole('row', { name: /recipient\.bind|報告先の割当て/ }).first().waitFor();
    await bothLanguages(page, 'operator-audit', async () => { await page.getByRole('table').waitFor(); });
  }, go);

  await test('operator: no CSP violation or script error on its pages', async () => {
    assert(issues.length === 0, issues.join('; '));
  }, go);
  if (context) await context.close();
  return st;
}
