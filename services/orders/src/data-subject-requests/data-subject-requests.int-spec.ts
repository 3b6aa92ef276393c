import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { TOPICS, type HeldDataLine } from '@siyu/contracts';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { OrdersModule } from '../orders.module';

const HEADER =
  '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,宝贝标题,商家编码,宝贝总数量';
const completedRow = (order: string, buyer: string) =>
  `${order},${buyer},10.00,交易成功,张*,浙江省**,138****5678,2026-11-01 10:00:00,面霜,SKU-1,1`;

interface Answer {
  requestId: string;
  subjectRef: string;
  service: string;
  kind: string;
  lines: HeldDataLine[];
}

describe('orders answers data-subject requests (R14, legal holds)', () => {
  let app: INestApplication;
  let adminUrl: string;
  const transport = new InProcessTransport(3);
  const keys = testAuthKeys();
  const answers: Answer[] = [];
  const released: { subjectRef: string; releaseId: string }[] = [];
  const revoked: string[] = [];

  beforeAll(async () => {
    adminUrl = await createTestDatabase('ordersdsr');
    await transport.subscribe(
      'privacy-spy',
      [TOPICS.privacyRequestAnswered, TOPICS.ordersFactsReleased, TOPICS.ordersFactsRevoked],
      async (m) => {
        const e = JSON.parse(m.value);
        if (e.type === 'privacy.request-answered.v1') answers.push(e);
        else if (e.type === 'orders.facts-released.v1') released.push(e);
        else revoked.push(e.releaseId);
      },
    );
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrdersModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          env: generateSecretsEnv(),
          publicBaseUrl: 'http://x',
          brandId: 'demo',
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
    installHttpEdge(app, keys);
    await app.init();
    await request(app.getHttpServer())
      .put('/api/v1/shops/tmall/s1/agreement')
      .set('Authorization', await bearer(keys, 'ops'))
      .send({ allowedPurposes: ['purchase_history'], agreementRef: 'tmall-test-2026' })
      .expect(200);
  });
  afterAll(() => app?.close());

  const orderOf = async (platformOrderId: string) =>
    (
      await adminQuery<{ order_ref: string; receiver_sealed: string }>(
        adminUrl,
        'SELECT order_ref, receiver_sealed FROM orders.orders WHERE platform_order_id = $1',
        [platformOrderId],
      )
    )[0];

  /** A buyer with two completed orders, linked to a new subject by a purchase-history consent. */
  async function subjectWithOrders(old: string, recent: string): Promise<string> {
    await request(app.getHttpServer())
      .post('/api/v1/orders/imports?platform=tmall&shop=s1')
      .set('Authorization', await bearer(keys, 'ops'))
      .set('Content-Type', 'text/csv')
      .send(
        [HEADER, completedRow(old, `buyer_${old}`), completedRow(recent, `buyer_${old}`)].join('\n') + '\n',
      )
      .expect(201);
    // The old order was completed 40 days ago: past the default 30-day after-sales window.
    await adminQuery(
      adminUrl,
      "UPDATE orders.orders SET updated_at = now() - interval '40 days' WHERE platform_order_id = $1",
      [old],
    );
    const subjectRef = randomUUID();
    const granted = {
      eventId: randomUUID(),
      type: 'consent.granted.v1',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      subjectRef,
      brandId: 'demo',
      purposes: ['marketing_messages', 'purchase_history'],
      channels: ['sms'],
      contactPoints: [],
      noticeVersionHash: 'a'.repeat(64),
      door: 'parcel_qr',
      evidenceRef: randomUUID(),
      link: { orderRef: (await orderOf(old)).order_ref },
      ledgerSeq: 1,
      effectiveAt: new Date().toISOString(),
    };
    await transport.publish([
      { topic: TOPICS.consentGranted, key: subjectRef, value: JSON.stringify(granted) },
    ]);
    await waitFor(async () => released.some((r) => r.subjectRef === subjectRef), 'the release', 30_000);
    return subjectRef;
  }

  async function ask(kind: 'access' | 'erasure', subjectRef: string): Promise<Answer> {
    const requestId = randomUUID();
    const event = {
      eventId: randomUUID(),
      type: `privacy.${kind}-requested.v1`,
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      requestId,
      subjectRef,
      brandId: 'demo',
    };
    const topic = kind === 'access' ? TOPICS.privacyAccessRequested : TOPICS.privacyErasureRequested;
    await transport.publish([{ topic, key: subjectRef, value: JSON.stringify(event) }]);
    return (await waitFor(async () => answers.find((a) => a.requestId === requestId), `the ${kind} answer`))!;
  }

  it('answers access with counts of what it holds through the consent link, no platform ids', async () => {
    const subjectRef = await subjectWithOrders('9300000000000000001', '9300000000000000002');
    const answer = await ask('access', subjectRef);
    expect(answer.service).toBe('orders');
    expect(answer.lines.find((l) => l.category === 'order_receiver_data')).toMatchObject({ records: 2 });
    expect(answer.lines.find((l) => l.category === 'purchase_fact_releases')).toMatchObject({ records: 1 });
    const json = JSON.stringify(answer);
    for (const secret of ['9300000000000000001', 'buyer_', '张*', '138****5678'])
      expect(json).not.toContain(secret);
  });

  it('on erasure revokes the release, shreds receiver data past the window and keeps the rest under a dated legal hold', async () => {
    const old = '9400000000000000001';
    const recent = '9400000000000000002';
    const subjectRef = await subjectWithOrders(old, recent);
    const before = { old: await orderOf(old), recent: await orderOf(recent) };
    const releaseId = released.find((r) => r.subjectRef === subjectRef)!.releaseId;

    const answer = await ask('erasure', subjectRef);

    expect(revoked).toContain(releaseId);
    expect(
      await adminQuery(adminUrl, 'SELECT 1 FROM orders.fact_releases WHERE subject_ref = $1', [subjectRef]),
    ).toEqual([]);
    const after = { old: await orderOf(old), recent: await orderOf(recent) };
    expect(after.old.receiver_sealed).not.toBe(before.old.receiver_sealed);
    expect(after.recent.receiver_sealed).toBe(before.recent.receiver_sealed);
    const hold = answer.lines.find(
      (l) => l.status === 'kept_under_legal_hold' && l.category === 'order_receiver_data',
    );
    expect(hold).toMatchObject({ records: 1 });
    // The hold ends 30 days after the recent order was completed (today).
    const daysLeft = (Date.parse(hold!.keptUntil!) - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(29);
    expect(daysLeft).toBeLessThanOrEqual(30);
    expect(
      answer.lines.find((l) => l.status === 'deleted' && l.category === 'order_receiver_data'),
    ).toMatchObject({
      records: 1,
    });
  });
});
