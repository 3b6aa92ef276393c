import { randomUUID } from 'node:crypto';
import { type Page } from 'playwright-core';
import { adminQuery, waitFor } from '@siyu/testing';
import { describeWithBrowser } from '../../consent/test/describe-with-browser';
import { grant, release, type FactSpec } from '../../audience/test/audience-harness';
import {
  TEST_TIMEOUT,
  expectAccessible,
  logInTab,
  open,
  shot,
  startConsoleInBrowser,
  stopConsoleInBrowser,
  until,
  type ConsoleInBrowser,
} from './console-browser';

/**
 * Enough history to train on, through the contracts audience really consumes: a consent grant
 * (marketing, purchase history, personalisation) and a release of purchase facts per member,
 * published on the standalone app's broker as consent and orders publish them. Importing and scanning
 * a parcel card 24 times would test the doors again (console-marketer does) and take minutes.
 * Regulars (three orders before the 90-day cut-off) mostly reorder after it; one-off buyers mostly do not.
 */
const REGULARS = 12;
const ONE_OFF = 12;
function history(): { subjectRef: string; facts: FactSpec[]; reorders: boolean }[] {
  const members = [];
  for (let i = 0; i < REGULARS; i++) {
    const reorders = i % 6 !== 0;
    members.push({
      subjectRef: randomUUID(),
      reorders,
      facts: [
        { daysAgo: 100 + (i % 5), amountCents: 20000 },
        { daysAgo: 130, amountCents: 20000 },
        { daysAgo: 170, amountCents: 20000 },
        ...(reorders ? [{ daysAgo: 30 + i, amountCents: 20000 }] : []),
      ],
    });
  }
  for (let i = 0; i < ONE_OFF; i++) {
    const reorders = i % 6 === 0;
    members.push({
      subjectRef: randomUUID(),
      reorders,
      facts: [
        { daysAgo: 250 + i, amountCents: 3000 },
        ...(reorders ? [{ daysAgo: 10, amountCents: 3000 }] : []),
      ],
    });
  }
  return members;
}

describeWithBrowser('training a prediction tag from the console, in Chromium', (executablePath) => {
  let running: ConsoleInBrowser;
  let marketer: Page;
  const members = history();

  beforeAll(async () => {
    running = await startConsoleInBrowser('console_prediction', executablePath);
    const { server } = running;
    const event = (e: { type: string; subjectRef: string }) => ({
      topic: e.type,
      key: e.subjectRef,
      value: JSON.stringify(e),
    });
    for (const m of members) {
      await server.transport.publish([event(grant(m.subjectRef))]);
      await server.transport.publish([event(release(m.subjectRef, m.facts))]);
    }
    await waitFor(
      async () => {
        const [r] = await adminQuery<{ members: string; facts: string }>(
          server.adminUrl,
          `SELECT (SELECT count(*) FROM audience.members) AS members,
                  (SELECT count(DISTINCT subject_ref) FROM audience.released_facts) AS facts`,
        );
        return Number(r.members) === members.length && Number(r.facts) === members.length;
      },
      'members and their released facts in audience',
      60_000,
    );
    marketer = await logInTab(running, 'wang.marketer');
  }, 180_000);

  afterAll(() => stopConsoleInBrowser(running));

  it(
    'the marketer defines a prediction tag, trains it and sees the model version, rows, reorders and AUC the API returned; every member is then scored',
    async () => {
      const { server } = running;
      const page = marketer;
      await open(page, '标签');
      const prediction = page.getByTestId('prediction-tag-form');
      await prediction.getByLabel('标签键').fill('repurchase_90');
      await prediction.getByLabel('中文名称').fill('90天复购可能');
      await prediction.getByLabel('英文名称').fill('Likely to reorder in 90 days');
      await prediction.getByLabel('预测天数').fill('90');
      await prediction.getByRole('button', { name: '创建预测标签' }).click();
      await prediction.getByText('已创建：repurchase_90 v1').waitFor();

      const row = page.getByTestId('tags').locator('tr', { hasText: 'repurchase_90' });
      const trainedOnce = async () => {
        const response = page.waitForResponse(
          (r) =>
            r.request().method() === 'POST' && r.url().endsWith('/api/v1/audience/tags/repurchase_90/train'),
        );
        await row
          .getByRole('button', { name: '训 练' })
          .or(row.getByRole('button', { name: '训练' }))
          .click();
        const res = await response;
        expect(res.status()).toBe(201);
        return (await res.json()) as {
          modelVersion: number;
          tagVersion: number;
          metrics: { rows: number; positives: number; auc: number };
        };
      };
      const api = await trainedOnce();
      // What the API answered is what was stored, and it counts the history seeded above.
      const [stored] = await adminQuery<{ model_version: number; metrics: typeof api.metrics }>(
        server.adminUrl,
        "SELECT model_version, metrics FROM audience.tag_models WHERE tag_key = 'repurchase_90' ORDER BY model_version DESC LIMIT 1",
      );
      expect(stored.model_version).toBe(api.modelVersion);
      expect(stored.metrics).toMatchObject(api.metrics);
      expect(api.modelVersion).toBe(1);
      expect(api.metrics.rows).toBe(members.length);
      expect(api.metrics.positives).toBe(members.filter((m) => m.reorders).length);

      const shown = page.getByTestId('trained-model');
      await until(
        () => shown.innerText(),
        (t) => t.includes(`已训练：repurchase_90 模型第 ${api.modelVersion} 版`),
      );
      const cell = async (label: string) =>
        (
          await shown.locator('th', { hasText: label }).locator('xpath=following-sibling::td[1]').innerText()
        ).trim();
      expect(await cell('训练样本数')).toBe(String(api.metrics.rows));
      expect(await cell('复购样本数')).toBe(String(api.metrics.positives));
      expect(await cell('AUC（训练集）')).toBe(api.metrics.auc.toFixed(3));
      expect(await page.getByTestId('train-error').count()).toBe(0);
      await shot(page, 'marketer-trained-model');
      await expectAccessible(page);

      // Training again makes the next model version, and the page follows it.
      const again = await trainedOnce();
      expect(again.modelVersion).toBe(api.modelVersion + 1);
      await until(
        () => shown.innerText(),
        (t) => t.includes(`已训练：repurchase_90 模型第 ${again.modelVersion} 版`),
      );

      // The next refresh scores every member with the newest model (a probability in [0, 1]).
      await waitFor(
        async () => {
          const [r] = await adminQuery<{ scored: string }>(
            server.adminUrl,
            `SELECT count(*) AS scored FROM audience.member_tags
              WHERE tag_key = 'repurchase_90' AND value_num BETWEEN 0 AND 1`,
          );
          return Number(r.scored) === members.length;
        },
        'every member scored by the trained model',
        60_000,
      );
    },
    TEST_TIMEOUT,
  );
});
