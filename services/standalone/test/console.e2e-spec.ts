import { readFileSync } from 'node:fs';
import { type Page } from 'playwright-core';
import { describeWithBrowser } from '../../consent/test/describe-with-browser';
import { type RunningConsole } from './console-app';
import {
  PASSWORD,
  TMALL_CSV,
  VIEWPORT,
  choose,
  expectAccessible,
  logInTab,
  shot,
  startConsoleInBrowser,
  stopConsoleInBrowser,
  type ConsoleInBrowser,
} from './console-browser';
import { apiLogIn as logInToApi, callApi } from './console-seed';
import { tmallCsv } from './walking-skeleton.flow';

/** Today on the China calendar: the day the card sheet reads `shippedOn` in. */
const chinaToday = () =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());

const VIEWPORTS = [VIEWPORT, { width: 1280, height: 800 }];

describeWithBrowser('the console in Chromium (log in, do the thing, see the result)', (executablePath) => {
  let running: ConsoleInBrowser;
  let server: RunningConsole;

  beforeAll(async () => {
    // Staff accounts for every role, made by the first-start admin through the API.
    running = await startConsoleInBrowser('console', executablePath);
    server = running.server;
  }, 120_000);

  afterAll(() => stopConsoleInBrowser(running));

  const apiLogIn = (username: string, password: string) => logInToApi(server, username, password);
  const api = (method: string, path: string, token: string, body?: unknown, contentType?: string) =>
    callApi(server, method, path, token, body, contentType);
  const logIn = (username: string, password: string, viewport = VIEWPORTS[0], path = ''): Promise<Page> =>
    logInTab(running, username, { password, viewport, path });

  for (const viewport of VIEWPORTS) {
    describe(`at ${viewport.width}×${viewport.height}`, () => {
      it('ops uploads an export: progress, live job list, summary, rejected rows as a formula-safe CSV, unmasked PII by column without values', async () => {
        const page = await logIn('li.ops', PASSWORD, viewport, 'imports');
        await page.getByLabel('店铺').fill(`shop-${viewport.width}`);
        await page.locator('input[type=file]').setInputFiles(TMALL_CSV);
        await page.getByRole('button', { name: '开始导入' }).click();
        const summary = page.getByTestId('import-summary');
        await summary.waitFor();
        expect(await page.getByRole('progressbar').count()).toBeGreaterThan(0);
        // Unmasked PII: columns and kinds, never the value itself.
        const pii = await page.getByTestId('unmasked-pii').innerText();
        expect(pii).toContain('买家留言');
        expect(pii).toContain('身份证号');
        expect(pii).not.toContain('11010519491231002X');
        // The job list is re-read once the upload answers; wait for that answer, not for a timer.
        await page.getByTestId('import-jobs').getByText(`shop-${viewport.width}`).first().waitFor();
        const rejected = page.getByRole('button', { name: '下载拒绝行 CSV' });
        if (await rejected.count()) {
          const [download] = await Promise.all([page.waitForEvent('download'), rejected.click()]);
          const csv = readFileSync((await download.path())!, 'utf8');
          expect(csv.split('\r\n')[0]).toContain('"行号","字段","原因"');
          expect(csv).not.toMatch(/(^|,)"[=+\-@]/m);
        }
        await shot(page, 'ops-imports');
        await expectAccessible(page);
        await page.close();
      });

      it('ops looks up an order for after-sales and reveals its receiver for a chosen purpose', async () => {
        const page = await logIn('li.ops', PASSWORD, viewport, 'lookup');
        await page.getByLabel('查询内容').fill('3901234567890123451');
        await page
          .getByRole('button', { name: '查 询' })
          .or(page.getByRole('button', { name: '查询' }))
          .click();
        const results = page.getByTestId('lookup-results');
        await results.waitFor();
        const budgetLeft = async () => {
          const text = await page.getByTestId('reveal-budget').innerText();
          return Number(/(\d+) \/ 500/.exec(text)?.[1] ?? NaN);
        };
        await results.getByRole('button', { name: '查看收件人' }).first().click();
        await page.getByTestId('reveal-budget').waitFor();
        const before = await budgetLeft();
        expect(before).toBeGreaterThan(0);
        await page.getByRole('button', { name: '确认查看' }).click();
        const receiver = page.getByTestId('receiver');
        await receiver.waitFor();
        expect(await receiver.innerText()).toContain('张三');
        // The day's budget for the purpose shows one reveal fewer when the dialog opens again.
        await page
          .getByRole('button', { name: '关 闭' })
          .or(page.getByRole('button', { name: '关闭' }))
          .first()
          .click();
        await results.getByRole('button', { name: '查看收件人' }).first().click();
        for (let i = 0; i < 50 && (await budgetLeft()) !== before - 1; i++) await page.waitForTimeout(100);
        expect(await budgetLeft()).toBe(before - 1);
        await shot(page, 'ops-lookup-reveal');
        await expectAccessible(page);
        await page.close();
      });

      it('ops records a shop platform agreement', async () => {
        const page = await logIn('li.ops', PASSWORD, viewport, 'shops');
        await page.getByLabel('店铺').fill(`shop-${viewport.width}`);
        await page
          .getByRole('button', { name: '读 取' })
          .or(page.getByRole('button', { name: '读取' }))
          .click();
        const agreement = page.getByTestId('agreement');
        await agreement.waitFor();
        expect(await agreement.innerText()).toContain('尚未登记');
        await page.getByLabel('协议依据（允许营销用途时必填）').fill('tmall-isv-2026-03');
        await page.getByRole('checkbox', { name: '营销消息' }).check();
        await page
          .getByRole('button', { name: '保 存' })
          .or(page.getByRole('button', { name: '保存' }))
          .click();
        await page.getByText('已登记，依据：tmall-isv-2026-03').waitFor();
        await shot(page, 'ops-shops');
        await expectAccessible(page);
        await page.close();
      });

      it("ops prints a shop's parcel-card QR sheet for the day: the sheet shows one QR card per shipped order, and Print prints it", async () => {
        const shop = `cards-${viewport.width}`;
        const ops = await apiLogIn('li.ops', PASSWORD);
        const imported = await api(
          'POST',
          `/api/v1/orders/imports?platform=tmall&shop=${shop}`,
          ops,
          tmallCsv(),
          'text/csv',
        );
        expect(imported.status).toBe(201);
        const day = chinaToday();
        const fromApi = await api(
          'GET',
          `/api/v1/orders/invitations/sheet?shippedOn=${day}&shop=${shop}`,
          ops,
        );
        expect(fromApi.status).toBe(200);
        const cards = ((await fromApi.text()).match(/class="card"/g) ?? []).length;
        expect(cards).toBeGreaterThan(0);

        const page = await logIn('li.ops', PASSWORD, viewport, 'cardSheet');
        await page.getByRole('heading', { level: 1, name: '包裹卡二维码打印' }).waitFor();
        expect(await page.getByLabel('发货日期').inputValue()).toBe(day);
        // A day nothing was shipped: the API's code, said in the console's language.
        await choose(page, page.getByLabel('店铺'), shop);
        await page.getByLabel('发货日期').fill('2020-01-01');
        await page
          .getByRole('button', { name: '生 成' })
          .or(page.getByRole('button', { name: '生成' }))
          .click();
        await page.getByText('NO_ORDERS_SHIPPED: 该店铺当天没有已发货的订单').waitFor();
        // Today (the default) shows the sheet.
        await page.getByLabel('发货日期').fill(day);
        await page
          .getByRole('button', { name: '生 成' })
          .or(page.getByRole('button', { name: '生成' }))
          .click();
        const sheet = page.frameLocator('iframe[title="包裹卡打印预览"]');
        await sheet.locator('.card').first().waitFor();
        expect(await sheet.locator('.card').count()).toBe(cards);
        expect(await sheet.locator('.card svg').count()).toBe(cards);
        // Print prints the sheet's window, not the console's.
        // (Script text: it runs in the browser; the test's tsconfig has no DOM types.)
        const sheetWindow = 'document.querySelector("iframe").contentWindow';
        await page.evaluate(`(() => { const w = ${sheetWindow}; w.print = () => { w.printed = true; }; })()`);
        await page
          .getByRole('button', { name: '打 印' })
          .or(page.getByRole('button', { name: '打印' }))
          .click();
        expect(await page.evaluate(`${sheetWindow}.printed === true`)).toBe(true);
        await shot(page, 'ops-card-sheet');
        await expectAccessible(page);
        await page.close();
      });

      it("the privacy officer verifies the consent ledger and every service's audit chain, and lists notice versions", async () => {
        const page = await logIn('zhao.privacy', PASSWORD, viewport, 'ledger');
        await page.getByRole('button', { name: '校验账本' }).click();
        await page.getByTestId('ledger-verdict').waitFor();
        expect(await page.getByTestId('ledger-verdict').innerText()).toContain('账本完整');
        await page.getByRole('button', { name: '校验审计日志' }).click();
        await page.getByTestId('audit-verdict').waitFor();
        expect(await page.getByTestId('audit-verdict').innerText()).toContain('审计日志完整');
        // One verification over every chain (R20): the consent ledger and each service's audit log.
        const chains = await page.getByTestId('audit-chains').innerText();
        for (const chain of ['consent-ledger', 'orders-audit', 'outreach-audit', 'privacy-audit'])
          expect(chains).toContain(chain);
        expect(chains).not.toContain('被改动');
        await shot(page, 'privacy-ledger');
        await expectAccessible(page);
        await page.getByRole('menuitem', { name: '隐私告知版本' }).click();
        await page.getByTestId('notices').waitFor();
        await shot(page, 'privacy-notices');
        await page.close();
      });

      it('the first-start admin logs in with the one-time password, creates a staff account with a generated password and an API key', async () => {
        const page = await logIn('admin', server.adminPassword, viewport, 'accounts');
        const username = `chen.ops${viewport.width}`;
        await page.getByLabel('用户名').fill(username);
        await page
          .getByRole('button', { name: '创 建' })
          .or(page.getByRole('button', { name: '创建' }))
          .click();
        const generated = await page.getByTestId('generated-password').innerText();
        expect(generated.length).toBeGreaterThanOrEqual(12);
        await page.getByTestId('accounts').getByText(username, { exact: true }).waitFor(); // the list reloads after the create
        expect(await apiLogIn(username, generated)).toBeTruthy();
        await shot(page, 'admin-accounts');
        await expectAccessible(page);
        await page.getByRole('menuitem', { name: 'API 密钥' }).click();
        await page.getByLabel('名称').fill(`tmall-push-${viewport.width}`);
        await page
          .getByRole('button', { name: '创 建' })
          .or(page.getByRole('button', { name: '创建' }))
          .click();
        await page.getByTestId('api-key').waitFor();
        await page.getByTestId('api-keys').getByText(`tmall-push-${viewport.width}`).waitFor();
        await shot(page, 'admin-api-keys');
        await expectAccessible(page);
        await page.close();
      });

      it('the marketer creates a consent-only segment and sees its member count', async () => {
        const page = await logIn('wang.marketer', PASSWORD, viewport, 'segments');
        await page.getByLabel('名称').fill(`老客-${viewport.width}`);
        await page
          .getByRole('button', { name: '创 建' })
          .or(page.getByRole('button', { name: '创建' }))
          .click();
        const segment = page.getByTestId('segment');
        await segment.waitFor();
        expect(await segment.innerText()).toContain(`老客-${viewport.width}`);
        await shot(page, 'marketer-segments');
        await expectAccessible(page);
        await page.close();
      });
    });
  }

  // One per role: the page is not in the navigation, typing its address shows 403, the API refuses.
  const FORBIDDEN = [
    {
      username: 'wang.marketer',
      role: 'marketer',
      path: 'imports',
      link: '订单导入',
      api: '/api/v1/orders/imports',
    },
    {
      username: 'wang.marketer',
      role: 'marketer',
      path: 'cardSheet',
      link: '包裹卡二维码打印',
      api: `/api/v1/orders/invitations/sheet?shippedOn=2026-12-07&shop=cards`,
    },
    { username: 'li.ops', role: 'ops', path: 'accounts', link: '员工账号', api: '/api/v1/identity/accounts' },
    {
      username: 'zhao.privacy',
      role: 'privacy_officer',
      path: 'lookup',
      link: '售后订单查询',
      api: '/api/v1/orders/lookup?orderNo=1',
    },
    {
      username: 'admin',
      role: 'admin',
      path: 'lookup',
      link: '售后订单查询',
      api: '/api/v1/orders/lookup?orderNo=1',
    },
  ];
  for (const f of FORBIDDEN) {
    it(`a ${f.role} neither sees a link to ${f.path} nor gets it served, and the API refuses it`, async () => {
      const password = f.username === 'admin' ? server.adminPassword : PASSWORD;
      const page = await logIn(f.username, password, VIEWPORTS[0], f.path);
      expect(await page.getByRole('navigation').getByText(f.link, { exact: true }).count()).toBe(0);
      await page.getByText('无权访问此页面').waitFor();
      await shot(page, `forbidden-${f.role}`);
      const res = await api('GET', f.api, await apiLogIn(f.username, password));
      expect(res.status).toBe(403);
      await page.close();
    });
  }

  // The privacy officer's casework stays theirs (docs/console.md, "Decisions"): admin administers
  // accounts, roles and keys; it verifies the ledger and audit chains but does not work requests.
  it("the admin is offered none of the privacy officer's casework pages, gets none served by address, and the API refuses each", async () => {
    const casework = [
      { path: 'requests', link: '个人信息权利请求', api: '/api/v1/privacy/requests' },
      { path: 'processors', link: '受托处理者', api: '/api/v1/privacy/processors' },
      { path: 'assessments', link: '个人信息保护影响评估', api: '/api/v1/privacy/impact-assessments' },
      { path: 'individuals', link: '个人信息主体数量', api: '/api/v1/privacy/individuals-count' },
    ];
    const page = await logIn('admin', server.adminPassword);
    const token = await apiLogIn('admin', server.adminPassword);
    // What admin is offered under the privacy group: verification, not casework.
    await page.getByRole('navigation').getByText('同意账本校验', { exact: true }).waitFor();
    for (const c of casework) {
      expect(await page.getByRole('navigation').getByText(c.link, { exact: true }).count()).toBe(0);
      await page.goto(`${server.url}/console/${c.path}`);
      await page.getByText('无权访问此页面').waitFor();
      expect((await api('GET', c.api, token)).status).toBe(403);
    }
    await page.close();
  });

  it('switches between 中文 and English without reloading', async () => {
    const page = await logIn('li.ops', PASSWORD, VIEWPORTS[0], 'imports');
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('heading', { name: 'Order imports' }).waitFor();
    await shot(page, 'ops-imports-en');
    await page.getByText('中文', { exact: true }).click();
    await page.getByRole('heading', { name: '订单导入' }).waitFor();
    await page.close();
  });

  it('the page at / links the console, the API reference and the public request page, and each answers', async () => {
    const page = await (await fetch(`${server.url}/`)).text();
    for (const path of ['/console/', '/api/docs', '/rights']) {
      expect(page).toContain(`href="${path}"`);
      expect((await fetch(`${server.url}${path}`)).status).toBe(200);
    }
    expect(page).not.toContain('not built in this version');
  });

  it('serves the SPA for any /console path and the merged API description', async () => {
    const res = await fetch(`${server.url}/console/some/deep/link`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<div id="root">');
    const doc = (await (await fetch(`${server.url}/api-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/orders/imports', '/api/v1/identity/login']),
    );
  });
});
