import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { TOPICS } from '@siyu/contracts';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { OrdersModule } from '../orders.module';

const HEADER =
  '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,宝贝标题,商家编码,宝贝总数量';
const row = (order: string, buyer: string, amount: string, sku = `SKU-${order.slice(-1)}`) =>
  `${order},${buyer},${amount},卖家已发货，等待买家确认,张*,浙江省**,138****5678,2026-11-0${order.slice(-1)} 10:00:00,面霜,${sku},1`;

describe('release on consent (invariant 2)', () => {
  let app: INestApplication;
  let adminUrl: string;
  const transport = new InProcessTransport(3);
  const released: {
    subjectRef: string;
    releaseId: string;
    facts: { orderRef: string; amountCents: number; platform?: string }[];
  }[] = [];
  const revoked: string[] = [];
  const keys = testAuthKeys();

  beforeAll(async () => {
    adminUrl = await createTestDatabase('release');
    await transport.subscribe(
      'marketing-spy',
      [TOPICS.ordersFactsReleased, TOPICS.ordersFactsRevoked],
      async (m) => {
        const e = JSON.parse(m.value);
        if (e.type === 'orders.facts-released.v1') released.push(e);
        else revoked.push(e.releaseId);
      },
    );
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrdersModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          env: { ...generateSecretsEnv(), SENSITIVE_CATEGORY_MAP: JSON.stringify({ 'MED-': 'health' }) },
          publicBaseUrl: 'http://x',
          brandId: 'demo',
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
    installHttpEdge(app, keys);
    await app.init();
    // R8: shop s1's platform agreement allows both uses (the default allows neither).
    await request(app.getHttpServer())
      .put('/api/v1/shops/tmall/s1/agreement')
      .set('Authorization', await bearer(keys, 'ops'))
      .send({ allowedPurposes: ['purchase_history', 'sensitive_profiling'], agreementRef: 'tmall-test-2026' })
      .expect(200);
  });
  afterAll(() => app?.close());

  let imported = 0;
  /** Imports, then waits until the release consumer has seen every resulting orders.ingested.v1. */
  const importRows = async (...rows: string[]) => {
    await request(app.getHttpServer())
      .post('/api/v1/orders/imports?platform=tmall&shop=s1')
      .set('Authorization', await bearer(keys, 'ops'))
      .set('Content-Type', 'text/csv')
      .send([HEADER, ...rows].join('\n') + '\n')
      .expect(201);
    imported += rows.length;
    await waitFor(
      async () =>
        (
          await adminQuery<{ n: number }>(
            adminUrl,
            "SELECT count(*)::int AS n FROM orders.inbox WHERE consumer = 'orders.release' AND topic = 'orders.ingested.v1'",
          )
        )[0].n === imported,
      'ingested events consumed',
      30_000,
    );
  };
  const orderRef = async (platformOrderId: string) =>
    (
      await adminQuery<{ order_ref: string }>(
        adminUrl,
        'SELECT order_ref FROM orders.orders WHERE platform_order_id = $1',
        [platformOrderId],
      )
    )[0].order_ref;
  const consentEvent = (
    type: 'granted' | 'withdrawn',
    subjectRef: string,
    seq: number,
    purposes: string[],
    orderRefValue?: string,
  ) => ({
    eventId: randomUUID(),
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    subjectRef,
    brandId: 'demo',
    purposes,
    channels: ['sms'],
    ledgerSeq: seq,
    effectiveAt: new Date().toISOString(),
    ...(type === 'granted'
      ? {
          type: 'consent.granted.v1',
          contactPoints: [],
          noticeVersionHash: 'a'.repeat(64),
          door: 'parcel_qr',
          evidenceRef: randomUUID(),
          link: { orderRef: orderRefValue },
        }
      : { type: 'consent.withdrawn.v1', source: 'unsubscribe_link' }),
  });
  const publish = (topic: string, e: { subjectRef: string }) =>
    transport.publish([{ topic, key: e.subjectRef, value: JSON.stringify(e) }]);

  it("releases the buyer's facts only, keeps releasing later orders, and stops after withdrawal", async () => {
    await importRows(
      row('9000000000000000001', 'buyer_x', '10.00'),
      row('9000000000000000002', 'buyer_x', '20.00'),
      row('9000000000000000003', 'buyer_y', '30.00'),
    );
    const subjectRef = randomUUID();
    await publish(
      TOPICS.consentGranted,
      consentEvent(
        'granted',
        subjectRef,
        1,
        ['marketing_messages', 'purchase_history'],
        await orderRef('9000000000000000001'),
      ),
    );
    await waitFor(async () => released.length === 1, 'first release', 30_000);
    expect(released[0].facts.map((f) => f.amountCents).sort()).toEqual([1000, 2000]);
    // The platform name (not an id) travels with each fact, for audience's platform tag.
    expect(released[0].facts.map((f) => f.platform)).toEqual(['tmall', 'tmall']);
    const factJson = JSON.stringify(released[0]);
    for (const secret of ['buyer_x', '9000000000000000001', '张*', '138****5678', '浙江省'])
      expect(factJson).not.toContain(secret);

    await importRows(row('9000000000000000004', 'buyer_x', '40.00'));
    await waitFor(async () => released.length === 2, 'later order released', 30_000);
    expect(released[1].facts.map((f) => f.amountCents)).toEqual([4000]);

    await publish(TOPICS.consentWithdrawn, consentEvent('withdrawn', subjectRef, 2, ['purchase_history']));
    await waitFor(async () => revoked.length === 1, 'revocation', 30_000);
    expect(revoked[0]).toBe(released[0].releaseId);

    await importRows(row('9000000000000000005', 'buyer_x', '50.00'));
    await new Promise((r) => setTimeout(r, 300));
    expect(released).toHaveLength(2);
  });

  it('a consent without purchase history releases nothing', async () => {
    await importRows(row('9100000000000000001', 'buyer_z', '11.00'));
    const before = released.length;
    await publish(
      TOPICS.consentGranted,
      consentEvent('granted', randomUUID(), 5, ['marketing_messages'], await orderRef('9100000000000000001')),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(released).toHaveLength(before);
  });

  it('R2: orders in a sensitive category are released only under sensitive_profiling', async () => {
    await importRows(
      row('9200000000000000001', 'buyer_med', '12.00', 'MED-VITAMIN'),
      row('9200000000000000002', 'buyer_med', '13.00', 'CREAM-1'),
    );
    const ref = await orderRef('9200000000000000001');
    const plain = randomUUID();
    const before = released.length;
    await publish(TOPICS.consentGranted, consentEvent('granted', plain, 10, ['purchase_history'], ref));
    await waitFor(async () => released.length === before + 1, 'plain release', 30_000);
    expect(released[before].facts.map((f) => f.amountCents)).toEqual([1300]);

    const withSensitive = randomUUID();
    await publish(
      TOPICS.consentGranted,
      consentEvent('granted', withSensitive, 11, ['purchase_history', 'sensitive_profiling'], ref),
    );
    await waitFor(async () => released.length === before + 2, 'sensitive release', 30_000);
    expect(released[before + 1].facts.map((f) => f.amountCents).sort()).toEqual([1200, 1300]);
  });
});
