import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { adminQuery, bearer } from '@siyu/testing';
import {
  freshPhone,
  inviteToken,
  lastCode,
  preferenceToken,
  startConsentApp,
  unsubscribeToken,
  type ConsentTestApp,
} from './consent-test-app';
import { CHROMIUM_ARGS, describeWithBrowser } from './describe-with-browser';

const SHOTS = join(__dirname, '..', '..', '..', 'test-artifacts', 'screenshots');
const VIEWPORTS = [
  { label: 'phone', width: 390, height: 844 },
  { label: '320', width: 320, height: 640 },
] as const;

describeWithBrowser('consent pages in a real browser (issue 5 §8)', (executablePath) => {
  let t: ConsentTestApp;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startConsentApp({ listen: true });
    // An English notice, so an English browser gets the English page.
    await request(t.http)
      .post('/api/v1/consent/notices')
      .set('Authorization', await bearer(t.authKeys, 'privacy_officer'))
      .send({
        locale: 'en',
        brandName: 'Demo Brand',
        brandContact: 'privacy@example.com',
        purposes: [
          { id: 'marketing_messages', description: 'Send you member events, new products and offers' },
        ],
        channels: ['sms', 'wechat'],
        processingMethods: 'Collected, stored and used by us only; encrypted',
        dataCategories: ['Mobile number (verified by a one-time code)'],
        retention: 'While your consent lasts',
        rights: 'Reply T to any SMS, or use the preference centre',
      })
      .expect(201);
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** JavaScript off: the pages must work as plain forms (WeChat's in-app browser, old phones). */
  async function open(
    viewport: (typeof VIEWPORTS)[number],
    path: string,
    locale: 'zh-CN' | 'en-US' = 'zh-CN',
  ): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: viewport.width, height: viewport.height },
      javaScriptEnabled: false,
      locale,
      isMobile: true,
    });
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}${path}`);
    return page;
  }

  async function shot(page: Page, name: string, viewport: (typeof VIEWPORTS)[number]) {
    await page.screenshot({ path: join(SHOTS, `${name}-${viewport.label}.png`), fullPage: true });
  }

  /** Usable at this width: nothing wider than the screen, so no sideways scrolling. */
  async function fitsWidth(page: Page, width: number) {
    const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
    expect(scrollWidth).toBeLessThanOrEqual(width);
  }

  async function joinedSubject(orderRef: string): Promise<string | undefined> {
    const [row] = await adminQuery<{ subject_ref: string }>(
      t.adminUrl,
      `SELECT subject_ref FROM consent.ledger WHERE evidence->>'orderRef' = $1`,
      [orderRef],
    );
    return row?.subject_ref;
  }

  async function consentInBrowser(viewport: (typeof VIEWPORTS)[number], tick: boolean, name: string) {
    const orderRef = crypto.randomUUID();
    const page = await open(viewport, `/q/${inviteToken(t, orderRef)}`);
    await fitsWidth(page, viewport.width);
    await shot(page, `${name}-1-notice`, viewport);
    await page.getByLabel('手机号码').fill(freshPhone());
    await page.getByRole('button', { name: '获取验证码' }).click();
    await expect(page.getByRole('checkbox', { checked: true }).count()).resolves.toBe(0); // R6
    await page.getByLabel('验证码').fill(await lastCode(t.adminUrl));
    if (tick) {
      await page.getByLabel('接收营销信息（活动、新品、优惠）').check();
      await page.getByLabel('短信').check();
      await page.getByLabel('我已年满14周岁').check();
      await page.getByLabel('我已阅读并同意上述个人信息处理告知').check();
    }
    await fitsWidth(page, viewport.width);
    await shot(page, `${name}-2-choices`, viewport);
    await page.getByRole('button', { name: '同意并加入' }).click();
    await shot(page, `${name}-3-result`, viewport);
    return { page, orderRef };
  }

  for (const viewport of VIEWPORTS) {
    describe(`at ${viewport.width} px`, () => {
      it('joins through the QR page with a one-time code', async () => {
        const { page, orderRef } = await consentInBrowser(viewport, true, 'qr-consent');
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('已加入');
        const subjectRef = await joinedSubject(orderRef);
        expect(subjectRef).toBeDefined();
        await page.context().close();
      });

      it('joins through the English page an English browser gets, recording the English notice', async () => {
        const orderRef = crypto.randomUUID();
        const page = await open(viewport, `/q/${inviteToken(t, orderRef)}`, 'en-US');
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
        await expect(page.getByRole('link', { name: '中文' }).count()).resolves.toBe(1);
        await fitsWidth(page, viewport.width);
        await shot(page, 'qr-consent-en-1-notice', viewport);
        await page.getByLabel('Mobile number').fill(freshPhone());
        await page.getByRole('button', { name: 'Send me a code' }).click();
        await expect(page.getByRole('checkbox', { checked: true }).count()).resolves.toBe(0); // R6
        await page.getByLabel('Code', { exact: true }).fill(await lastCode(t.adminUrl));
        await page.getByLabel('Receive marketing messages (events, new products, offers)').check();
        await page.getByLabel('SMS', { exact: true }).check();
        await page.getByLabel('I am 14 or older').check();
        await page.getByLabel('I have read and agree to the notice on this page').check();
        await fitsWidth(page, viewport.width);
        await shot(page, 'qr-consent-en-2-choices', viewport);
        await page.getByRole('button', { name: 'Agree and join' }).click();
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
          'You have joined Demo Brand',
        );
        await fitsWidth(page, viewport.width);
        await shot(page, 'qr-consent-en-3-result', viewport);
        const [entry] = await adminQuery<{ locale: string }>(
          t.adminUrl,
          `SELECT n.locale FROM consent.ledger l JOIN consent.notices n ON n.content_hash = l.notice_hash
            WHERE l.evidence->>'orderRef' = $1`,
          [orderRef],
        );
        expect(entry?.locale).toBe('en');
        await page.context().close();
      });

      it('records nothing when the customer ticks nothing', async () => {
        const { page, orderRef } = await consentInBrowser(viewport, false, 'qr-refusal');
        await expect(page.getByRole('alert').textContent()).resolves.toMatch(/未勾选同意|至少勾选/);
        expect(await joinedSubject(orderRef)).toBeUndefined();
        await page.context().close();
      });

      it('unsubscribes with one tap on the confirm page', async () => {
        const { page: joined, orderRef } = await consentInBrowser(viewport, true, 'unsubscribe-setup');
        await joined.context().close();
        const subjectRef = (await joinedSubject(orderRef))!;
        const page = await open(
          viewport,
          `/u/${unsubscribeToken(t, subjectRef, 'sms', 'marketing_messages')}`,
        );
        await fitsWidth(page, viewport.width);
        await shot(page, 'unsubscribe-1-confirm', viewport);
        await page.getByRole('button', { name: '确认退订' }).click();
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('已退订');
        await shot(page, 'unsubscribe-2-done', viewport);
        const [last] = await adminQuery<{ action: string; source: string }>(
          t.adminUrl,
          'SELECT action, source FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq DESC LIMIT 1',
          [subjectRef],
        );
        expect(last).toEqual({ action: 'withdrawn', source: 'unsubscribe_link' });
        await page.context().close();
      });

      it('narrows consent in the preference centre', async () => {
        const { page: joined, orderRef } = await consentInBrowser(viewport, true, 'preferences-setup');
        await joined.context().close();
        const subjectRef = (await joinedSubject(orderRef))!;
        const page = await open(viewport, `/p/${preferenceToken(t, subjectRef)}`);
        await fitsWidth(page, viewport.width);
        await shot(page, 'preferences-1-before', viewport);
        await page.getByLabel('接收营销信息（活动、新品、优惠） · 短信').uncheck();
        await page.getByRole('button', { name: '保存' }).click();
        await expect(page.getByRole('status').textContent()).resolves.toContain('立即生效');
        await fitsWidth(page, viewport.width);
        await shot(page, 'preferences-2-after', viewport);
        const [last] = await adminQuery<{ action: string; source: string }>(
          t.adminUrl,
          'SELECT action, source FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq DESC LIMIT 1',
          [subjectRef],
        );
        expect(last).toEqual({ action: 'withdrawn', source: 'preference_centre' });
        await page.context().close();
      });
    });
  }
});
