import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { adminQuery, bearer } from '@siyu/testing';
import {
  consentThroughQr,
  freshPhone,
  nonceIn,
  preferenceToken,
  startConsentApp,
  unsubscribeToken,
  type ConsentTestApp,
} from './consent-test-app';

describe('preference centre (R11, R12)', () => {
  let t: ConsentTestApp;

  beforeAll(async () => {
    t = await startConsentApp();
  });
  afterAll(async () => t?.close());

  const granted = async (subjectRef: string) =>
    (
      await adminQuery<{ pair: string }>(
        t.adminUrl,
        `SELECT DISTINCT ON (p, c) p || ':' || c AS pair, action FROM consent.ledger, unnest(purposes) p, unnest(channels) c
          WHERE subject_ref = $1 ORDER BY p, c, seq DESC`,
        [subjectRef],
      )
    )
      .filter((r) => (r as unknown as { action: string }).action === 'granted')
      .map((r) => r.pair)
      .sort();
  const entries = async (subjectRef: string) =>
    adminQuery<{ action: string; source: string | null; purposes: string[]; channels: string[] }>(
      t.adminUrl,
      'SELECT action, source, purposes, channels FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [subjectRef],
    );

  async function save(token: string, fields: string[]) {
    const page = await request(t.http).get(`/p/${token}`).expect(200);
    return request(t.http)
      .post(`/p/${token}`)
      .type('form')
      .send([...fields, `nonce=${encodeURIComponent(nonceIn(page.text))}`].join('&'));
  }

  it('shows each granted purpose and channel ticked, the rest disabled, and the placeholders for tags', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone(), {
      purposes: ['marketing_messages'],
      channels: ['sms'],
    });
    const page = await request(t.http)
      .get(`/p/${preferenceToken(t, subjectRef)}`)
      .expect(200);
    expect(page.text).toContain('value="marketing_messages:sms" checked');
    expect(page.text).not.toContain('value="marketing_messages:wechat"');
    expect(page.text).toMatch(
      /<input type="checkbox" disabled> <span>接收营销信息（活动、新品、优惠） · 微信（未开启）/,
    );
    // Without a profiling consent there is no tag category to choose (tag-categories.e2e-spec.ts).
    expect(page.text).not.toContain('data-section="tag-categories"');
    // R12: the link to audience's "what the brand holds about me", opened with the same page token.
    expect(page.text).toMatch(/href="\/me\/[A-Za-z0-9._-]+\?lang=zh-CN"/);
    expect(page.text).not.toMatch(/<script/i);
  });

  it('withdraws an unticked pair at once and keeps the others', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    const res = await save(preferenceToken(t, subjectRef), [
      'keep=marketing_messages:wechat',
      'keep=purchase_history:sms',
      'keep=purchase_history:wechat',
      'personalisation=on',
    ]);
    expect(res.status).toBe(200);
    expect(res.text).toContain('立即生效');
    expect(await granted(subjectRef)).toEqual([
      'marketing_messages:wechat',
      'purchase_history:sms',
      'purchase_history:wechat',
    ]);
    expect((await entries(subjectRef)).at(-1)).toEqual({
      action: 'withdrawn',
      source: 'preference_centre',
      purposes: ['marketing_messages'],
      channels: ['sms'],
    });
    // The event commits with the entry (outbox), relayed or not yet.
    const events = await adminQuery(
      t.adminUrl,
      "SELECT topic FROM consent.outbox WHERE topic LIKE '%withdrawn%' UNION ALL SELECT topic FROM consent.outbox_sent WHERE topic LIKE '%withdrawn%'",
    );
    expect(events.length).toBeGreaterThanOrEqual(1);
  });

  it('switches personalisation off with one switch, on every channel, keeping plain messages', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    const res = await save(preferenceToken(t, subjectRef), [
      'keep=marketing_messages:sms',
      'keep=marketing_messages:wechat',
      'keep=purchase_history:sms',
      'keep=purchase_history:wechat',
    ]);
    expect(res.status).toBe(200);
    expect(await granted(subjectRef)).toEqual(['marketing_messages:sms', 'marketing_messages:wechat']);
    expect(res.text).toMatch(/name="personalisation" value="on" disabled/);
  });

  it('refuses to widen on this page, explains the QR consent act, and changes nothing', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone(), {
      purposes: ['marketing_messages'],
      channels: ['sms'],
    });
    const before = await entries(subjectRef);
    const res = await save(preferenceToken(t, subjectRef), [
      'keep=marketing_messages:sms',
      'keep=marketing_messages:wechat',
    ]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('扫描包裹卡上的二维码');
    expect(await entries(subjectRef)).toEqual(before);
    const personalise = await save(preferenceToken(t, subjectRef), [
      'keep=marketing_messages:sms',
      'personalisation=on',
    ]);
    expect(personalise.status).toBe(400);
    expect(await entries(subjectRef)).toEqual(before);
  });

  it('refuses a post without the page nonce (CSRF) and changes nothing', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    const before = await entries(subjectRef);
    const res = await request(t.http)
      .post(`/p/${preferenceToken(t, subjectRef)}`)
      .type('form')
      .send('')
      .expect(403);
    expect(res.text).toContain('页面已过期');
    expect(await entries(subjectRef)).toEqual(before);
  });

  it('answers forged, cross-brand and unsubscribe tokens alike, with 404', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    const forged = preferenceToken(t, subjectRef).slice(0, -2) + 'xx';
    const otherBrand = preferenceToken(t, subjectRef, 'other-brand');
    const unsubscribe = unsubscribeToken(t, subjectRef, 'sms', 'marketing_messages');
    for (const token of [forged, otherBrand, unsubscribe]) {
      const res = await request(t.http).get(`/p/${token}`).expect(404);
      expect(res.text).toContain('链接无效');
    }
  });

  it('gives privacy officers a /p link for support staff, and nobody else', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    const path = `/api/v1/consent/subjects/${subjectRef}/preference-link`;
    const link = await request(t.http)
      .post(path)
      .set('Authorization', await bearer(t.authKeys, 'privacy_officer'))
      .expect(201);
    expect(link.body.url).toMatch(/^http:\/\/127\.0\.0\.1:3002\/p\/[A-Za-z0-9_.-]+$/);
    await request(t.http).get(new URL(link.body.url).pathname).expect(200);
    await request(t.http)
      .post(path)
      .set('Authorization', await bearer(t.authKeys, 'marketer'))
      .expect(403);
    await request(t.http)
      .post(`/api/v1/consent/subjects/${randomUUID()}/preference-link`)
      .set('Authorization', await bearer(t.authKeys, 'admin'))
      .expect(404);
  });
});
