import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv, loadTokenSigner } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import type { DataSource } from 'typeorm';
import { AudienceModule } from '../src/audience.module';
import { AUDIENCE_DB } from '../src/audience.options';
import { categoriesChanged, grant, release } from './audience-harness';

describe('what the brand holds about me (R12): audience verifies the preference page token itself', () => {
  let app: INestApplication;
  let http: App;
  const secrets = generateSecretsEnv();
  const signer = loadTokenSigner(secrets, 'UNSUBSCRIBE');
  const transport = new InProcessTransport(3);
  const publish = (e: { type: string; subjectRef: string }) =>
    transport.publish([{ topic: e.type, key: e.subjectRef, value: JSON.stringify(e) }]);
  // As consent signs the preference-centre link (services/consent/src/preferences/preference-link.ts).
  const pageToken = (s: string, b = 'demo', purpose = 'preferences') =>
    signer.sign({ s, b }, { purpose, expiresInSeconds: 600 });

  beforeAll(async () => {
    const keys = testAuthKeys();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AudienceModule.register({
          adminDatabaseUrl: await createTestDatabase('audheld'),
          transport,
          brandId: 'demo',
          refreshEveryMs: 100,
          preferenceTokenKeys: secrets.UNSUBSCRIBE_TOKEN_KEYS,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    installHttpEdge(app, keys);
    await app.init();
    http = app.getHttpServer();
    const marketer = await bearer(keys, 'marketer');
    await request(http)
      .put('/api/v1/audience/catalogue')
      .set('Authorization', marketer)
      .send({ entries: [{ skuPrefix: 'SPORT-', category: '运动' }] })
      .expect(200);
    for (const body of [
      {
        key: 'sport_90',
        labels: { 'zh-CN': '近90天运动订单', en: 'Sport orders, 90 days' },
        category: 'purchase_preference',
        layer: 'fact',
        fact: { measure: 'order_count', windowDays: 90, category: '运动' },
      },
      {
        key: 'spend_365',
        labels: { 'zh-CN': '近一年消费', en: 'Spend, last year' },
        category: 'spending_power',
        spendingPower: true,
        layer: 'fact',
        fact: { measure: 'monetary_cents', windowDays: 365 },
      },
    ])
      await request(http).post('/api/v1/audience/tags').set('Authorization', marketer).send(body).expect(201);
  });
  afterAll(() => app?.close());

  it('lists the tags in plain Chinese and English with their reasons, and honours a closed category', async () => {
    const s = randomUUID();
    await publish(grant(s));
    await publish(
      release(s, [
        { daysAgo: 3, amountCents: 12000, skus: ['SPORT-1'] },
        { daysAgo: 20, amountCents: 8000, skus: ['SPORT-2'] },
        { daysAgo: 30, amountCents: 1000, skus: ['SPORT-3'] },
      ]),
    );
    const token = pageToken(s);
    const zh = await waitFor(async () => {
      const r = await request(http).get(`/me/${token}`);
      return r.text.includes('data-tag="spend_365"') ? r : null;
    }, 'tags on the page');
    expect(zh!.status).toBe(200);
    expect(zh!.text).toContain('近90天运动订单</b>：近90天在「运动」购买了 3 次');
    expect(zh!.text).toContain('消费能力');
    expect(zh!.text).toContain('近365天消费 ¥210.00');
    const en = await request(http).get(`/me/${token}?lang=en`).expect(200);
    expect(en.text).toContain('Sport orders, 90 days</b>：bought 3 times in 运动 in the last 90 days');
    expect(en.text).toContain(`href="/p/${token}?lang=en"`);

    await publish(categoriesChanged(s, ['spending_power']));
    const after = await request(http).get(`/me/${token}`).expect(200);
    expect(after.text).not.toContain('data-tag="spend_365"');
    expect(after.text).toContain('已关闭的类别');
    // R16: each view of the page is an audited read, by the customer, for transparency.
    const audited = await app
      .get<DataSource>(AUDIENCE_DB)
      .query('SELECT actor, action, purpose FROM audit_log WHERE subject = $1', [s]);
    expect(audited.length).toBeGreaterThanOrEqual(3);
    expect(new Set(audited.map((e: object) => JSON.stringify(e)))).toEqual(
      new Set([
        JSON.stringify({ actor: 'subject:self', action: 'audience.what-we-hold', purpose: 'transparency' }),
      ]),
    );
  });

  it('answers a forged, other-brand or other-purpose token alike, with nothing about anyone', async () => {
    const s = randomUUID();
    await publish(grant(s));
    for (const token of [
      pageToken(s, 'other'),
      pageToken(s, 'demo', 'unsubscribe'),
      `${pageToken(s)}x`,
      'garbage',
    ]) {
      const r = await request(http).get(`/me/${token}`).expect(404);
      expect(r.text).toContain('链接无效或已过期');
      expect(r.text).not.toContain(s);
    }
    // Nothing was read, so nothing is audited.
    expect(
      await app.get<DataSource>(AUDIENCE_DB).query('SELECT 1 FROM audit_log WHERE subject = $1', [s]),
    ).toEqual([]);
  });
});
