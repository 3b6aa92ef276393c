import { type Page } from 'playwright-core';
import { adminQuery } from '@siyu/testing';
import { describeWithBrowser } from '../../consent/test/describe-with-browser';
import { type RunningConsole } from './console-app';
import {
  TEST_TIMEOUT,
  choose,
  errorUnder,
  expectAccessible,
  logInTab,
  open,
  shot,
  startConsoleInBrowser,
  stopConsoleInBrowser,
  until,
  type ConsoleInBrowser,
} from './console-browser';
import { apiLogIn, callApi } from './console-seed';

type Grant = {
  id: string;
  processorName: string;
  contractReference: string;
  purpose: string;
  fields: string[];
  validFrom: string;
  validUntil: string;
  state: string;
  endedAt: string | null;
  deletionConfirmedAt: string | null;
  deletionReference: string | null;
};

const AGENCY = '星河营销咨询有限公司';
const DUTIES_LABEL = '受托方已在合同中承诺的义务（第二十一条，须全部勾选）';
const ALL_DUTIES = [
  '仅按约定的目的、方式和期限处理',
  '未经品牌同意不得转委托他人',
  '按合同约定的安全措施保护数据（第五十一条）',
  '委托结束时返还或删除数据，并予以确认',
  '协助品牌响应个人权利请求并报告安全事件',
];
const minute = (d: Date) => `${d.toISOString().slice(0, 16)}:00Z`;

// One browser for the file; the privacy officer works on one tab through a grant's life:
// issue (after the API's refusals) → the admin binds the agency's key → revoke → deletion confirmed.
describeWithBrowser('the console page for processor grants (R15), in Chromium', (executablePath) => {
  let running: ConsoleInBrowser;
  let server: RunningConsole;
  let officer: Page;
  let officerToken = '';
  let grantId = '';

  beforeAll(async () => {
    running = await startConsoleInBrowser('console_grants', executablePath);
    server = running.server;
    officerToken = await apiLogIn(server, 'zhao.privacy', 'console-test-password-1');
    officer = await logInTab(running, 'zhao.privacy');
  }, 180_000);

  afterAll(() => stopConsoleInBrowser(running));

  const apiGrants = async (): Promise<Grant[]> => {
    const res = await callApi(server, 'GET', '/api/v1/privacy/processor-grants', officerToken);
    expect(res.status).toBe(200);
    return ((await res.json()) as { grants: Grant[] }).grants;
  };
  const grantRows = async () =>
    (await adminQuery(server.adminUrl, 'SELECT id FROM privacy.processor_grants')).length;

  it(
    'the privacy officer issuing a grant sees a period ending before it starts refused under "valid until" and a missing Art. 21 duty named, nothing stored, then issues it and sees the values the API answers',
    async () => {
      const page = officer;
      await open(page, '受托处理授权');
      const form = page.getByTestId('grant-form');
      await form.getByLabel('受托机构', { exact: true }).fill(AGENCY);
      await form.getByLabel('委托合同编号').fill('DPA-2026-031');
      await choose(page, form.getByLabel('委托目的', { exact: true }), '营销活动策划');
      for (const field of [
        '会员假名编号（每项授权不同，无法关联）',
        '会员属于哪个人群',
        '标签：生命周期阶段',
      ])
        await form.getByRole('checkbox', { name: field }).check();
      for (const duty of ALL_DUTIES.filter((d) => !d.startsWith('委托结束时')))
        await form.getByRole('checkbox', { name: duty }).check();
      const from = new Date(Date.now() - 60_000);
      const until30 = new Date(from.getTime() + 30 * 86_400_000);
      await form.getByLabel('开始时间').fill(minute(from));
      await form.getByLabel('结束时间').fill(minute(new Date(from.getTime() - 86_400_000)));
      await form.getByRole('button', { name: '签发授权' }).click();
      // The code in Chinese, then which rule exactly (the API's words), under the field.
      await until(
        () => errorUnder(form, '结束时间').innerText(),
        (t) => t.includes('INVALID_PERIOD: 有效期不符合要求 (validUntil must be after validFrom)'),
      );
      expect(await grantRows()).toBe(0);

      await form.getByLabel('结束时间').fill(minute(until30));
      await form.getByRole('button', { name: '签发授权' }).click();
      await until(
        () => errorUnder(form, DUTIES_LABEL).innerText(),
        (t) =>
          t.includes('DUTIES_NOT_ACKNOWLEDGED: 受托方尚未承诺全部第二十一条义务') &&
          t.includes('return or delete the data when the entrustment ends, and confirm it'),
      );
      expect(await grantRows()).toBe(0);

      await form.getByRole('checkbox', { name: '委托结束时返还或删除数据，并予以确认' }).check();
      await form.getByRole('button', { name: '签发授权' }).click();
      await page.getByText(`已向 ${AGENCY} 签发授权`).waitFor();
      grantId = await page.getByTestId('issued-grant-id').innerText();

      const [grant] = await apiGrants();
      expect(grant).toMatchObject({
        id: grantId,
        processorName: AGENCY,
        contractReference: 'DPA-2026-031',
        purpose: 'campaign_planning',
        state: 'active',
        validFrom: new Date(minute(from)).toISOString(),
        validUntil: new Date(minute(until30)).toISOString(),
      });
      expect([...grant.fields].sort()).toEqual(
        ['member_ref_pseudonymised', 'segment_membership', 'tag_values:lifecycle'].sort(),
      );
      const row = page.getByTestId('grants').locator('tr', { hasText: grantId });
      await until(
        () => row.innerText(),
        (t) => t.includes('生效中'),
      );
      const text = await row.innerText();
      for (const v of [
        grant.processorName,
        grant.contractReference,
        grant.validFrom,
        grant.validUntil,
        ...grant.fields,
      ])
        expect(text).toContain(v);
      expect(text).toContain('营销活动策划');
      expect(text).toContain('标签：生命周期阶段');
      await shot(page, 'privacy-grants-issued');
      await expectAccessible(page);
    },
    TEST_TIMEOUT,
  );

  it(
    "the admin creates the agency's processor key bound to the grant the officer issued",
    async () => {
      expect(grantId).not.toBe('');
      // Identity learns grants from privacy's event; the key can be bound once it has.
      await until(
        async () =>
          String(
            (
              await adminQuery(
                server.adminUrl,
                'SELECT grant_id FROM identity.processor_grants WHERE grant_id = $1',
                [grantId],
              )
            ).length,
          ),
        (n) => n === '1',
      );
      const admin = await logInTab(running, 'admin', { password: server.adminPassword });
      await open(admin, 'API 密钥');
      await admin.getByLabel('名称').fill('xinghe-agency');
      await choose(admin, admin.getByLabel('用途'), '受托机构（代理商）');
      await admin.getByLabel('受托处理授权编号').fill(grantId);
      await admin
        .getByRole('button', { name: '创 建' })
        .or(admin.getByRole('button', { name: '创建' }))
        .click();
      await admin.getByTestId('api-key').waitFor();
      await until(
        () => admin.getByTestId('api-keys').locator('tr', { hasText: 'xinghe-agency' }).innerText(),
        (t) => t.includes(grantId) && t.includes('受托机构（代理商）'),
      );
      const stored = await adminQuery(
        server.adminUrl,
        "SELECT role, grant_id FROM identity.api_keys WHERE name = 'xinghe-agency'",
      );
      expect(stored).toEqual([{ role: 'processor', grant_id: grantId }]);
      await admin.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "the privacy officer revokes the grant after confirming, sees it revoked and awaiting the agency's deletion, then records the deletion confirmation as the API stores it",
    async () => {
      const page = officer;
      const row = page.getByTestId('grants').locator('tr', { hasText: grantId });
      await row.getByRole('button', { name: '撤销授权' }).click();
      await page.getByText(`撤销后 ${AGENCY} 立即无法再访问数据，确定撤销吗？`).waitFor();
      const confirm = page.getByRole('button', { name: '确认撤销' });
      await confirm.click();
      // The popconfirm stays open (its button loading) until the revocation and the list's reload
      // answer; a failure shows as an alert on the page, which the context below reports.
      await confirm.waitFor({ state: 'hidden', timeout: 20_000 }).catch(() => undefined);
      await until(
        () => row.innerText(),
        (t) => t.includes('已撤销') && t.includes('待受托方确认删除'),
        20_000,
        async () =>
          `popconfirm open: ${await confirm.isVisible()}; alerts: ${JSON.stringify(
            await page.locator('.ant-alert, .ant-message').allInnerTexts(),
          )}; grants in the API: ${JSON.stringify((await apiGrants()).map((g) => g.state))}`,
      );
      const [revoked] = await apiGrants();
      expect(revoked.state).toBe('revoked');
      expect(revoked.endedAt).not.toBeNull();
      expect(await row.innerText()).toContain(revoked.endedAt!);

      await row.getByRole('button', { name: '记录删除确认' }).click();
      const form = page.getByTestId('deletion-form');
      await until(
        () => form.innerText(),
        (t) => t.includes(`${AGENCY} · DPA-2026-031`),
      );
      await form.getByLabel('删除证明编号').fill('DEL-2027-004');
      await form.getByRole('button', { name: '保存删除确认' }).click();
      await until(
        () => row.innerText(),
        (t) => t.includes('已确认删除') && t.includes('DEL-2027-004'),
      );
      const [confirmed] = await apiGrants();
      expect(confirmed.deletionReference).toBe('DEL-2027-004');
      expect(await row.innerText()).toContain(confirmed.deletionConfirmedAt!);
      await page.evaluate('window.scrollTo(0, 0)');
      await shot(page, 'privacy-grants');
      await expectAccessible(page);

      // The period's refusal in English when English is chosen.
      await page.getByText('English', { exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Processor grants' }).waitFor();
      const issue = page.getByTestId('grant-form');
      await issue.getByLabel('Agency', { exact: true }).fill(AGENCY);
      await issue.getByLabel('Contract reference', { exact: true }).fill('DPA-2026-032');
      await choose(page, issue.getByLabel('Purpose', { exact: true }), 'Audience research');
      await issue.getByRole('checkbox', { name: 'Which members are in a segment' }).check();
      await issue.getByLabel('Valid until', { exact: true }).fill('2026-01-01T00:00:00Z');
      await issue.getByRole('button', { name: 'Issue grant' }).click();
      await until(
        () => errorUnder(issue, 'Valid until').innerText(),
        (t) => t.startsWith('INVALID_PERIOD: The period is not allowed ('),
      );
      expect(await grantRows()).toBe(1);
      await page.getByText('中文', { exact: true }).click();
    },
    TEST_TIMEOUT,
  );
});
