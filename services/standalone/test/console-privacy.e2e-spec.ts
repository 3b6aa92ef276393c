import { type Page } from 'playwright-core';
import { adminQuery } from '@siyu/testing';
import { describeWithBrowser } from '../../consent/test/describe-with-browser';
import { type RunningConsole } from './console-app';
import {
  PASSWORD,
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
import { apiLogIn, callApi, seedMembersThroughQr } from './console-seed';
import { FIXTURE } from './walking-skeleton.flow';

/** The privacy officer's pages (menu entry → screenshot name). */
const PRIVACY_PAGES: Record<string, string> = {
  受托处理者: 'processors',
  个人信息保护影响评估: 'assessments',
  个人信息主体数量: 'individuals',
  个人信息权利请求: 'requests',
  审计日志: 'audit-trail',
};

// One browser for the file; the privacy officer's tests run in order on one tab, as they work:
// processors → assessments → individuals count → a correction request.
describeWithBrowser(
  'the console for the privacy officer (processors, PIPIA, individuals, corrections), in Chromium',
  (executablePath) => {
    let running: ConsoleInBrowser;
    let server: RunningConsole;
    let officer: Page;
    let officerToken = '';

    beforeAll(async () => {
      running = await startConsoleInBrowser('console_privacy', executablePath);
      server = running.server;
      await seedMembersThroughQr(server, await apiLogIn(server, 'li.ops', PASSWORD));
      officerToken = await apiLogIn(server, 'zhao.privacy', PASSWORD);
      officer = await logIn('zhao.privacy');
    }, 180_000);

    afterAll(() => stopConsoleInBrowser(running));

    const logIn = (username: string) => logInTab(running, username);

    it(
      'the privacy officer sees every entrusted processor flagged without a contract, sees the API refuse a bad signing date under the field, then records the DPA',
      async () => {
        const page = officer;
        await open(page, '受托处理者');
        const table = page.getByTestId('processors');
        await until(
          () => table.innerText(),
          (t) => t.includes('aliyun-sms') && t.includes('hosting'),
        );
        const api = (await (
          await callApi(server, 'GET', '/api/v1/privacy/processors', officerToken)
        ).json()) as {
          processors: { id: string; purpose: string; dataSent: string; contractMissing: boolean }[];
        };
        const text = await table.innerText();
        for (const p of api.processors) {
          expect(text).toContain(p.id);
          expect(text).toContain(p.purpose);
          expect(text).toContain(p.dataSent);
        }
        expect(api.processors.every((p) => p.contractMissing)).toBe(true);
        expect(await page.getByRole('alert').first().innerText()).toContain(
          `${api.processors.length} 个受托处理者尚未登记委托合同`,
        );

        const form = page.getByTestId('contract-form');
        await choose(page, form.getByLabel('受托处理者'), 'Alibaba Cloud SMS (阿里云短信服务) (aliyun-sms)');
        await form.getByLabel('合同编号').fill('DPA-2026-007');
        await form.getByLabel('签署日期').fill('01/03/2026');
        await form.getByRole('button', { name: '登记合同' }).click();
        // The API's refusal (class-validator at the edge), under the field it names.
        await until(
          () => errorUnder(form, '签署日期').innerText(),
          (t) => t.includes('signedOn must be a date (YYYY-MM-DD)'),
        );
        expect((await adminQuery(server.adminUrl, 'SELECT 1 FROM privacy.processor_contracts')).length).toBe(
          0,
        );

        await form.getByLabel('签署日期').fill('2026-03-01');
        await form.getByRole('button', { name: '登记合同' }).click();
        await page.getByText('已登记 Alibaba Cloud SMS (阿里云短信服务) 的委托合同').waitFor();
        const row = table.locator('tr', { hasText: 'aliyun-sms' });
        await until(
          () => row.innerText(),
          (t) => t.includes('DPA-2026-007') && t.includes('2026-03-01') && !t.includes('缺少合同'),
        );
        // The others still lack theirs.
        expect(await table.locator('tr', { hasText: 'tencent-cloud-sms' }).innerText()).toContain('缺少合同');
        await shot(page, 'privacy-processors');
        await expectAccessible(page);
      },
      TEST_TIMEOUT,
    );

    it(
      'the privacy officer sees which processing still lacks an impact assessment, records one for a processor, and it moves to the register',
      async () => {
        const page = officer;
        await open(page, '个人信息保护影响评估');
        const missing = page.getByTestId('missing-assessments');
        await until(
          () => missing.innerText(),
          (t) =>
            t.includes('processor:aliyun-sms') &&
            t.includes('purpose:marketing_messages') &&
            t.includes('automated_decision:segment_targeting'),
        );
        await missing
          .locator('tr', { hasText: 'processor:aliyun-sms' })
          .getByRole('button', { name: '记录评估' })
          .click();
        const form = page.getByTestId('assessment-form');
        expect(await form.innerText()).toContain('processor:aliyun-sms');
        await form
          .getByLabel('处理概述（目的、方式）')
          .fill('向会员发送营销短信：手机号与短信内容交给阿里云短信。');
        await form.getByLabel('对个人权益的影响及风险').fill('手机号泄露；未经同意的营销。');
        await form
          .getByLabel('保护措施及其合法、有效、适当性')
          .fill('委托合同；发送前逐条校验同意；传输加密。');
        await form.getByRole('button', { name: '保存评估' }).click();
        const register = page.getByTestId('assessments');
        await until(
          () => register.innerText(),
          (t) => t.includes('processor:aliyun-sms') && t.includes('采取措施后可以接受'),
        );
        await until(
          () => missing.innerText(),
          (t) => !t.includes('processor:aliyun-sms') && t.includes('processor:tencent-cloud-sms'),
        );
        const [row] = await adminQuery<{ conclusion: string; assessed_by: string }>(
          server.adminUrl,
          "SELECT conclusion, assessed_by FROM privacy.impact_assessments WHERE subject_key = 'processor:aliyun-sms'",
        );
        expect(row.conclusion).toBe('acceptable_with_measures');
        // The assessor is the officer's staff account (the API records the actor's id).
        const [me] = await adminQuery<{ id: string }>(
          server.adminUrl,
          "SELECT id::text FROM identity.staff_accounts WHERE username = 'zhao.privacy'",
        );
        expect(row.assessed_by).toBe(me.id);
        expect(await register.innerText()).toContain(me.id);
        await shot(page, 'privacy-assessments');
        await expectAccessible(page);
      },
      TEST_TIMEOUT,
    );

    it(
      'the privacy officer recounts the individuals: the page shows each service’s populations, the bounds the API gives, and both thresholds below',
      async () => {
        const page = officer;
        await open(page, '个人信息主体数量');
        await page.getByRole('button', { name: '重新统计' }).click();
        const card = page.getByTestId('individuals');
        await until(
          () => card.innerText(),
          (t) =>
            t.includes('各服务均已答复') &&
            t.includes('consent') &&
            t.includes('orders') &&
            t.includes('identity'),
          30_000,
        );
        const count = (await (
          await callApi(server, 'GET', '/api/v1/privacy/individuals-count', officerToken)
        ).json()) as { lowerBound: number; upperBound: number; complete: boolean };
        expect(count.complete).toBe(true);
        expect(await page.getByTestId('lower-bound').innerText()).toBe(
          count.lowerBound.toLocaleString('zh-CN'),
        );
        expect(await page.getByTestId('upper-bound').innerText()).toBe(
          count.upperBound.toLocaleString('zh-CN'),
        );
        // Two members consented (seeded through the parcel card), four staff accounts.
        expect(count.lowerBound).toBeGreaterThanOrEqual(4);
        const services = await page.getByTestId('individuals-services').innerText();
        expect(services).toContain('已验证手机号的同意主体 (consent_subjects): 2');
        expect(services).toContain('员工账号 (staff): 4');
        expect(await card.innerText()).not.toContain('已达到 1,000,000');
        expect((await card.innerText()).match(/未达到/g)?.length).toBe(2);
        expect(await card.innerText()).not.toMatch(/1[35]\d{9}/); // no phone number on the page
        await shot(page, 'privacy-individuals');
        await expectAccessible(page);
      },
      TEST_TIMEOUT,
    );

    it(
      'the page warns at the 1,000,000 threshold as "possibly reached" while only the upper bound is over it, and as "reached" once the lower bound is',
      async () => {
        // No test can seed a million people: the stored answers of the latest (real) count are raised
        // in place, which is exactly what the page reads.
        const page = officer;
        const setPopulations = (
          service: string,
          populations: { population: string; individuals: number }[],
        ) =>
          adminQuery(
            server.adminUrl,
            `UPDATE privacy.individuals_count_answers SET populations = $2::jsonb
              WHERE service = $1
                AND count_id = (SELECT id FROM privacy.individuals_counts ORDER BY started_at DESC LIMIT 1)`,
            [service, JSON.stringify(populations)],
          );
        await setPopulations('consent', [{ population: 'consent_subjects', individuals: 600_000 }]);
        await setPopulations('orders', [
          { population: 'buyers', individuals: 500_000 },
          { population: 'receivers', individuals: 2 },
        ]);
        await page.reload();
        const card = page.getByTestId('individuals');
        await until(
          () => card.innerText(),
          (t) => t.includes('可能已达到 1,000,000 人'),
        );
        expect(await card.getByRole('alert').innerText()).toContain('个人信息保护负责人');
        await setPopulations('consent', [{ population: 'consent_subjects', individuals: 1_200_000 }]);
        await page.reload();
        await until(
          () => card.innerText(),
          (t) => t.includes('已达到 1,000,000 人') && !t.includes('可能已达到 1,000,000 人'),
        );
        expect((await card.innerText()).match(/未达到/g)?.length).toBe(1); // 10,000,000: below
        await shot(page, 'privacy-individuals-warning');
        await expectAccessible(page);
      },
      TEST_TIMEOUT,
    );

    it(
      'the privacy officer logs a time-zone correction: an unknown zone is refused under the value field, a real one shows the field and value in the worklist and outreach’s answer per service',
      async () => {
        const [member] = await adminQuery<{ subject_ref: string }>(
          server.adminUrl,
          'SELECT subject_ref::text FROM audience.members ORDER BY subject_ref LIMIT 1',
        );
        const page = officer;
        await open(page, '个人信息权利请求');
        await page.getByLabel('主体编号（subjectRef）').fill(member.subject_ref);
        await choose(page, page.getByLabel('请求类型'), '更正');
        await page.getByLabel('更正后的值').fill('Mars/Olympus');
        const logButton = page
          .getByRole('button', { name: '登 记' })
          .or(page.getByRole('button', { name: '登记' }));
        await logButton.click();
        await until(
          () => errorUnder(page.locator('main'), '更正后的值').innerText(),
          (t) => t.includes('correction.value'),
        );
        expect(
          (
            await adminQuery(server.adminUrl, 'SELECT 1 FROM privacy.data_subject_requests WHERE kind = $1', [
              'correct',
            ])
          ).length,
        ).toBe(0);

        await page.getByLabel('更正后的值').fill('Asia/Urumqi');
        await logButton.click();
        const request = page.getByTestId('request');
        await request.waitFor();
        expect(await request.innerText()).toContain('时区（免打扰时段） → Asia/Urumqi');
        // Outreach may answer before the list is read: the request is then no longer open, so the
        // worklist is read with every status (the default filter shows open requests only).
        await choose(page, page.getByRole('combobox', { name: '状态' }), '全部');
        await until(
          () => page.getByTestId('requests').innerText(),
          (t) => t.includes(member.subject_ref) && t.includes('更正') && t.includes('Asia/Urumqi'),
        );
        // Outreach alone holds the time zone; its answer arrives over the bus.
        await until(
          async () => {
            await request
              .getByRole('button', { name: '刷 新' })
              .or(request.getByRole('button', { name: '刷新' }))
              .click();
            return page.getByTestId('receipts').innerText();
          },
          (t) => t.includes('outreach') && t.includes('已答复') && /time_zone: \d+ · (已更正|持有)/.test(t),
        );
        expect(await page.getByTestId('receipts').innerText()).not.toMatch(/consent|orders|audience/);
        await shot(page, 'privacy-requests-correction');
        await expectAccessible(page);
      },
      TEST_TIMEOUT,
    );

    it(
      'the privacy officer browses the orders audit trail: the rows are what the API returns, filtered by subject ref, with field names and never a phone, name, address or buyer id',
      async () => {
        const page = officer;
        await open(page, '审计日志');
        const table = page.getByTestId('audit-entries');
        type Page = {
          entries: {
            seq: string;
            actor: string;
            purpose: string;
            action: string;
            subjectRef: string;
            fields: string[];
          }[];
        };
        const api = (await (
          await callApi(server, 'GET', '/api/v1/orders/audit/entries?limit=50', officerToken)
        ).json()) as Page;
        // seedMembersThroughQr looked up each buyer's order for after-sales: real PII reads, audited.
        expect(api.entries.length).toBeGreaterThanOrEqual(2);
        expect(api.entries.some((e) => e.purpose === 'after_sales')).toBe(true);
        await until(
          () => table.innerText(),
          (t) => api.entries.every((e) => t.includes(e.subjectRef)),
        );
        const rows = await table.locator('tr.ant-table-row').allInnerTexts();
        expect(rows).toHaveLength(api.entries.length);
        api.entries.forEach((e, i) => {
          for (const shown of [e.seq, e.actor, e.purpose, e.action, e.subjectRef, e.fields.join(', ')])
            expect(rows[i]).toContain(shown);
        });
        const pii = [FIXTURE.buyerA, FIXTURE.buyerC].flatMap((b) => [b.phone, b.name, b.address, b.id]);
        const body = JSON.stringify(api);
        const text = await page.locator('body').innerText();
        for (const value of pii) {
          expect({ value, inApi: body.includes(value) }).toEqual({ value, inApi: false });
          expect({ value, onPage: text.includes(value) }).toEqual({ value, onPage: false });
        }

        const subject = api.entries[api.entries.length - 1].subjectRef;
        const filter = page.getByTestId('audit-filter');
        await filter.getByLabel('主体引用').fill(subject);
        await filter
          .getByRole('button', { name: '筛选' })
          .or(filter.getByRole('button', { name: '筛 选' }))
          .click();
        const filtered = (await (
          await callApi(
            server,
            'GET',
            `/api/v1/orders/audit/entries?limit=50&subjectRef=${encodeURIComponent(subject)}`,
            officerToken,
          )
        ).json()) as Page;
        expect(filtered.entries.length).toBeGreaterThanOrEqual(1);
        await until(
          async () => String(await table.locator('tr.ant-table-row').count()),
          (n) => n === String(filtered.entries.length),
        );
        for (const row of await table.locator('tr.ant-table-row').allInnerTexts())
          expect(row).toContain(subject);
        await shot(page, 'privacy-audit-trail');
        await expectAccessible(page);
      },
      TEST_TIMEOUT,
    );

    it(
      'a marketer is offered none of these pages, gets none served by address, and the API refuses them',
      async () => {
        const page = await logIn('wang.marketer');
        const nav = await page.getByRole('navigation').innerText();
        for (const menu of Object.keys(PRIVACY_PAGES)) expect(nav).not.toContain(menu);
        for (const path of ['processors', 'assessments', 'individuals', 'auditTrail']) {
          await page.goto(`${server.url}/console/${path}`);
          await page.getByText('无权访问此页面').waitFor();
        }
        const token = await apiLogIn(server, 'wang.marketer', PASSWORD);
        for (const [method, path, body] of [
          ['GET', '/api/v1/privacy/processors'],
          [
            'PUT',
            '/api/v1/privacy/processors/hosting/contract',
            { contractReference: 'X', signedOn: '2026-01-01' },
          ],
          ['GET', '/api/v1/privacy/impact-assessments'],
          ['GET', '/api/v1/privacy/individuals-count'],
          ['POST', '/api/v1/privacy/individuals-count'],
          ['GET', '/api/v1/orders/audit/entries'],
        ] as const)
          expect({ method, path, status: (await callApi(server, method, path, token, body)).status }).toEqual(
            {
              method,
              path,
              status: 403,
            },
          );
        await shot(page, 'forbidden-privacy-marketer');
        await page.close();
      },
      TEST_TIMEOUT,
    );

    it(
      'at 1280×800 every privacy-officer page fits without sideways scrolling and passes axe',
      async () => {
        const page = officer;
        await page.setViewportSize({ width: 1280, height: 800 });
        for (const [menu, slug] of Object.entries(PRIVACY_PAGES)) {
          await open(page, menu);
          await page.waitForLoadState('networkidle');
          const overflow = await page.evaluate(() => {
            const root = (globalThis as any).document.documentElement;
            return root.scrollWidth - root.clientWidth;
          });
          expect({ menu, overflow }).toEqual({ menu, overflow: 0 });
          await shot(page, `narrow-${slug}`);
          await expectAccessible(page);
        }
      },
      TEST_TIMEOUT,
    );
  },
);
