import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { DataSource } from 'typeorm';
import { verifyAuditTrail } from '@siyu/audit';
import { type AuthKeys } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { AudienceModule } from '../src/audience.module';
import { AUDIENCE_DB } from '../src/audience.options';
import { categoriesChanged, grant, release } from './audience-harness';

/**
 * The marketer's flow through the running audience service: consent and orders events arrive on
 * the transport exactly as those services publish them (their own suites test the producing side).
 */
describe('audience flow: consent → release → tags → segment → category closed → member gone → lineage', () => {
  let app: INestApplication;
  let http: App;
  let keys: AuthKeys;
  let marketer: string;
  const transport = new InProcessTransport(3);
  const publish = (e: { type: string; subjectRef: string }) =>
    transport.publish([{ topic: e.type, key: e.subjectRef, value: JSON.stringify(e) }]);

  beforeAll(async () => {
    keys = testAuthKeys();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AudienceModule.register({
          adminDatabaseUrl: await createTestDatabase('audflow'),
          transport,
          brandId: 'demo',
          refreshEveryMs: 100,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    installHttpEdge(app, keys);
    await app.init();
    http = app.getHttpServer();
    marketer = await bearer(keys, 'marketer', 'marketer-flow');
  });
  afterAll(() => app?.close());

  const api = () => ({
    get: (path: string) => request(http).get(path).set('Authorization', marketer),
    post: (path: string, body: object = {}) =>
      request(http).post(path).set('Authorization', marketer).send(body),
    put: (path: string, body: object) => request(http).put(path).set('Authorization', marketer).send(body),
  });

  it('closing a category removes the member from segments that use it, deletes those tags, and lineage shows what is left', async () => {
    await api()
      .put('/api/v1/audience/catalogue', { entries: [{ skuPrefix: 'SPORT-', category: '运动' }] })
      .expect(200);
    const define = (body: object) => api().post('/api/v1/audience/tags', body).expect(201);
    await define({
      key: 'sport_180',
      labels: { 'zh-CN': '近180天运动订单', en: 'Sport orders, 180 days' },
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'order_count', windowDays: 180, category: '运动' },
    });
    await define({
      key: 'sport_fan',
      labels: { 'zh-CN': '运动达人', en: 'Sports fan' },
      category: 'purchase_preference',
      layer: 'model',
      model: { rule: { tag: 'sport_180', op: 'gte', value: 2 } },
    });
    await define({
      key: 'spend_365',
      labels: { 'zh-CN': '近一年消费', en: 'Spend, last year' },
      category: 'spending_power',
      spendingPower: true,
      layer: 'fact',
      fact: { measure: 'monetary_cents', windowDays: 365 },
    });
    const bad = await api().post('/api/v1/audience/tags', { key: 'x', layer: 'fact' }).expect(400);
    expect(bad.body.code).toBe('TAG_DEFINITION_INVALID');

    const s = randomUUID();
    const g = grant(s);
    await publish(g);
    const r = release(s, [
      { daysAgo: 5, amountCents: 12000, skus: ['SPORT-SHOE'] },
      { daysAgo: 60, amountCents: 8000, skus: ['SPORT-BALL'] },
    ]);
    await publish(r);
    await waitFor(
      async () => (await api().get(`/api/v1/audience/members/${s}/tags/sport_fan/lineage`)).status === 200,
      'sport_fan computed',
    );

    const fans = await api()
      .post('/api/v1/audience/segments', {
        name: '运动达人',
        purpose: 'marketing_messages',
        channel: 'sms',
        rule: { tag: 'sport_fan' },
      })
      .expect(201);
    const broadcast = await api()
      .post('/api/v1/audience/segments', { name: 'all', purpose: 'marketing_messages', channel: 'sms' })
      .expect(201);
    expect(fans.body.count).toBe(1);
    const frozen = await api().post(`/api/v1/audience/segments/${fans.body.id}/materialize`).expect(201);
    expect(frozen.body).toMatchObject({ version: 1, size: 1 });
    const invalid = await api()
      .post('/api/v1/audience/segments/preview', {
        purpose: 'marketing_messages',
        channel: 'sms',
        rule: { tag: 'nope' },
      })
      .expect(400);
    expect(invalid.body.details.problems).toEqual([{ path: 'rule.tag', message: 'unknown tag "nope"' }]);

    // The customer closes 购买偏好 in the preference centre.
    await publish(categoriesChanged(s, ['purchase_preference']));
    await waitFor(
      async () => (await api().get(`/api/v1/audience/segments/${fans.body.id}`)).body.count === 0,
      'member out of the segment',
    );
    expect((await api().get(`/api/v1/audience/segments/${broadcast.body.id}`)).body.count).toBe(1);
    const why = await api().get(`/api/v1/audience/segments/${fans.body.id}/explain/${s}`).expect(200);
    expect(why.body).toMatchObject({ inSegment: false, closedCategories: ['purchase_preference'] });
    expect(why.body.guards).toContainEqual({
      name: 'closed_categories',
      passed: false,
      categories: ['purchase_preference'],
    });
    // Deleted, not hidden.
    expect((await api().get(`/api/v1/audience/members/${s}/tags/sport_fan/lineage`)).status).toBe(404);

    const lineage = await api().get(`/api/v1/audience/members/${s}/tags/spend_365/lineage`).expect(200);
    expect(lineage.body).toMatchObject({
      subjectRef: s,
      value: 20000,
      releases: [r.releaseId],
      tag: { key: 'spend_365', categoryLabel: { 'zh-CN': '消费能力' } },
    });
    expect(lineage.body.facts).toHaveLength(2);
    expect(lineage.body.consents).toContainEqual(
      expect.objectContaining({
        purpose: 'purchase_history',
        channel: 'sms',
        ledgerSeq: g.ledgerSeq,
        evidenceRef: g.evidenceRef,
      }),
    );
  });

  it('every read of one member profile (explain, lineage) is audited with the staff account and the purpose; an unknown purpose is refused', async () => {
    const s = randomUUID();
    await publish(grant(s));
    await publish(release(s, [{ daysAgo: 2, amountCents: 30000 }]));
    await api()
      .post('/api/v1/audience/tags', {
        key: 'spend_365',
        labels: { 'zh-CN': '近一年消费', en: 'Spend, last year' },
        category: 'spending_power',
        spendingPower: true,
        layer: 'fact',
        fact: { measure: 'monetary_cents', windowDays: 365 },
      })
      .expect((r) => expect([201, 409]).toContain(r.status));
    await waitFor(
      async () => (await api().get(`/api/v1/audience/members/${s}/tags/spend_365/lineage`)).status === 200,
      'tag computed',
    );
    const seg = await api()
      .post('/api/v1/audience/segments', { name: 'audited', purpose: 'marketing_messages', channel: 'sms' })
      .expect(201);
    await api()
      .get(`/api/v1/audience/segments/${seg.body.id}/explain/${s}?purpose=customer_care`)
      .expect(200);
    const refused = await api().get(
      `/api/v1/audience/members/${s}/tags/spend_365/lineage?purpose=just_curious`,
    );
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('purpose');

    const ds = app.get<DataSource>(AUDIENCE_DB);
    const entries = await ds.query(
      'SELECT actor, action, purpose, outcome FROM audit_log WHERE subject = $1 ORDER BY seq',
      [s],
    );
    // The waitFor's lineage reads (default purpose) and the explain with its stated purpose.
    expect(entries).toContainEqual({
      actor: 'marketer-flow',
      action: 'audience.tag-lineage',
      purpose: 'tag_review',
      outcome: 'allowed',
    });
    expect(entries).toContainEqual({
      actor: 'marketer-flow',
      action: 'audience.explain-membership',
      purpose: 'customer_care',
      outcome: 'allowed',
    });
    expect(entries.filter((e: { purpose: string }) => e.purpose === 'just_curious')).toEqual([]);
    expect(await verifyAuditTrail(ds.manager)).toMatchObject({ intact: true });
  });

  it('refuses the marketer API without a staff token', async () => {
    await request(http).get('/api/v1/audience/tags').expect(401);
  });
});
