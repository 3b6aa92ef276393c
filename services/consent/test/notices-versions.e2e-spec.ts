import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { adminQuery, bearer } from '@siyu/testing';
import { NOTICE_ELEMENTS } from '../src/notices/notice';
import { consentThroughQr, freshPhone, startConsentApp, type ConsentTestApp } from './consent-test-app';

const notice = (overrides: Record<string, unknown> = {}) => ({
  brandName: '示例品牌',
  brandContact: 'privacy@example.com',
  purposes: [
    { id: 'marketing_messages', description: '营销信息' },
    { id: 'purchase_history', description: '用购买记录推荐' },
  ],
  channels: ['sms', 'wechat'],
  processingMethods: '收集、存储、使用',
  dataCategories: ['手机号码'],
  retention: '同意有效期间',
  rights: '回复T退订；偏好中心',
  ...overrides,
});

describe('notices: versioned, complete, immutable (R5)', () => {
  let t: ConsentTestApp;
  let officer: string;

  beforeAll(async () => {
    t = await startConsentApp();
    officer = await bearer(t.authKeys, 'privacy_officer');
  });
  afterAll(async () => t?.close());

  const publish = (body: Record<string, unknown>) =>
    request(t.http).post('/api/v1/consent/notices').set('Authorization', officer).send(body);

  const blank: Record<(typeof NOTICE_ELEMENTS)[number], Record<string, unknown>> = {
    brandName: { brandName: ' ' },
    brandContact: { brandContact: '' },
    purposes: { purposes: [{ id: 'marketing_messages', description: ' ' }] },
    channels: { channels: [] },
    processingMethods: { processingMethods: '' },
    dataCategories: { dataCategories: [] },
    retention: { retention: '' },
    rights: { rights: ' ' },
    profiling: { purposes: [{ id: 'personalisation', description: '个性化推荐' }] },
  };

  it.each(NOTICE_ELEMENTS)('refuses to publish a notice without %s, and names it', async (element) => {
    const res = await publish(notice({ retention: `${randomUUID()} ${element}`, ...blank[element] }));
    if (element === 'retention') expect(res.body.details.missing).toEqual(['retention']);
    else expect(res.body.details.missing).toEqual([element]);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('NOTICE_INCOMPLETE');
  });

  it('versions zh-CN and en separately, each with its own content hash', async () => {
    const zh = await publish(notice({ retention: `zh ${randomUUID()}` })).expect(201);
    const en = await publish(
      notice({ locale: 'en', brandName: 'Demo Brand', retention: `en ${randomUUID()}` }),
    ).expect(201);
    expect(zh.body.locale).toBe('zh-CN');
    expect(en.body).toMatchObject({ locale: 'en', contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(en.body.contentHash).not.toBe(zh.body.contentHash);
    const currentEn = await request(t.http)
      .get('/api/v1/consent/notices/current?locale=en')
      .set('Authorization', officer)
      .expect(200);
    expect(currentEn.body.contentHash).toBe(en.body.contentHash);
    const all = await request(t.http)
      .get('/api/v1/consent/notices')
      .set('Authorization', officer)
      .expect(200);
    expect(all.body[0].locale).toBe('zh-CN');
    expect(all.body.at(-1).locale).toBe('en');
  });

  it('refuses a version identical to one already published', async () => {
    const body = notice({ retention: `same ${randomUUID()}` });
    await publish(body).expect(201);
    const again = await publish(body).expect(409);
    expect(again.body.code).toBe('NOTICE_DUPLICATE');
  });

  it('keeps a published version as it was: no UPDATE or DELETE, even for a superuser', async () => {
    const published = await publish(notice({ retention: `fixed ${randomUUID()}` })).expect(201);
    await expect(
      adminQuery(t.adminUrl, `UPDATE consent.notices SET content = '{}' WHERE id = $1`, [published.body.id]),
    ).rejects.toThrow(/immutable/);
    await expect(
      adminQuery(t.adminUrl, 'DELETE FROM consent.notices WHERE id = $1', [published.body.id]),
    ).rejects.toThrow(/immutable/);
  });

  it('does not extend old consents when a new version adds purposes: they cover what their notice said', async () => {
    const v1 = await publish(notice({ retention: `v1 ${randomUUID()}` })).expect(201);
    const phone = freshPhone();
    const subjectRef = await consentThroughQr(t, phone, {
      // The form also claims personalisation, which v1 does not list: it must be ignored.
      purposes: ['marketing_messages', 'purchase_history', 'personalisation'],
      channels: ['sms'],
    });
    const v2 = await publish(
      notice({
        retention: `v2 ${randomUUID()}`,
        purposes: [...notice().purposes, { id: 'personalisation', description: '个性化推荐' }],
        profiling: '根据购买记录形成偏好标签用于推荐；不影响价格',
      }),
    ).expect(201);

    const state = await request(t.http)
      .get(`/api/v1/consent/subjects/${subjectRef}/state`)
      .set('Authorization', officer)
      .expect(200);
    const held = () =>
      state.body.state
        .filter((s: { granted: boolean }) => s.granted)
        .map((s: { purpose: string }) => s.purpose);
    expect(held().sort()).toEqual(['marketing_messages', 'purchase_history']);
    const [grant] = await adminQuery<{ notice_hash: string; purposes: string[] }>(
      t.adminUrl,
      `SELECT notice_hash, purposes FROM consent.ledger WHERE subject_ref = $1`,
      [subjectRef],
    );
    expect(grant.notice_hash).toBe(v1.body.contentHash);
    expect(grant.purposes).not.toContain('personalisation');

    // Only a new act under v2 covers the new purpose, and that grant names v2.
    await consentThroughQr(t, phone, { purposes: ['personalisation'], channels: ['sms'] });
    const grants = await adminQuery<{ notice_hash: string; purposes: string[] }>(
      t.adminUrl,
      `SELECT notice_hash, purposes FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq`,
      [subjectRef],
    );
    expect(grants.map((g) => g.notice_hash)).toEqual([v1.body.contentHash, v2.body.contentHash]);
    expect(grants[1].purposes).toEqual(['personalisation']);
  });
});
