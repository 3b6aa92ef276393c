import { randomUUID } from 'node:crypto';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { TOPICS } from '@siyu/contracts';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { OrdersModule } from '../orders.module';

// R8 on real PostgreSQL: a shop's platform agreement decides which consented uses of its order
// data are made; a refusal says why; narrowing the agreement revokes what was released.

const HEADER =
  '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,宝贝标题,商家编码,宝贝总数量';
const row = (order: string, buyer: string, amount: string, sku = 'CREAM-1') =>
  `${order},${buyer},${amount},卖家已发货，等待买家确认,张*,浙江省**,138****5678,2026-11-0${order.slice(-1)} 10:00:00,面霜,${sku},1`;

class CapturedLogs implements LoggerService {
  readonly lines: string[] = [];
  log = (m: unknown) => void this.lines.push(String(m));
  warn = (m: unknown) => void this.lines.push(String(m));
  error = (m: unknown) => void this.lines.push(String(m));
}

describe('platform agreements (R8)', () => {
  let app: INestApplication;
  let adminUrl: string;
  const transport = new InProcessTransport(3);
  const released: { subjectRef: string; releaseId: string; facts: { amountCents: number }[] }[] = [];
  const revoked: string[] = [];
  const logs = new CapturedLogs();
  const keys = testAuthKeys();

  beforeAll(async () => {
    adminUrl = await createTestDatabase('agreements');
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
    app = moduleRef.createNestApplication({ rawBody: true, logger: logs });
    installHttpEdge(app, keys);
    await app.init();
  });
  afterAll(() => app?.close());

  const http = () => request(app.getHttpServer());
  const count = async (sql: string, params: unknown[] = []) =>
    (await adminQuery<{ n: number }>(adminUrl, sql, params))[0].n;
  const consumed = (topic: string) =>
    count("SELECT count(*)::int AS n FROM orders.inbox WHERE consumer = 'orders.release' AND topic = $1", [
      topic,
    ]);

  const importRows = async (shop: string, ...rows: string[]) => {
    const before = await consumed(TOPICS.ordersIngested);
    await http()
      .post(`/api/v1/orders/imports?platform=tmall&shop=${shop}`)
      .set('Authorization', await bearer(keys, 'ops'))
      .set('Content-Type', 'text/csv')
      .send([HEADER, ...rows].join('\n') + '\n')
      .expect(201);
    await waitFor(
      async () => (await consumed(TOPICS.ordersIngested)) === before + rows.length,
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
  let seq = 100;
  /** Publishes a consent for the buyer of the order and waits until the release consumer saw it. */
  const grant = async (subjectRef: string, purposes: string[], platformOrderId: string) => {
    const before = await consumed(TOPICS.consentGranted);
    const e = {
      eventId: randomUUID(),
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      type: 'consent.granted.v1',
      subjectRef,
      brandId: 'demo',
      purposes,
      channels: ['sms'],
      ledgerSeq: seq++,
      effectiveAt: new Date().toISOString(),
      contactPoints: [],
      noticeVersionHash: 'a'.repeat(64),
      door: 'parcel_qr',
      evidenceRef: randomUUID(),
      link: { orderRef: await orderRef(platformOrderId) },
    };
    await transport.publish([{ topic: TOPICS.consentGranted, key: subjectRef, value: JSON.stringify(e) }]);
    await waitFor(
      async () => (await consumed(TOPICS.consentGranted)) === before + 1,
      'consent consumed',
      30_000,
    );
  };
  const putAgreement = async (shop: string, body: unknown, role: 'ops' | 'marketer' = 'ops') =>
    http()
      .put(`/api/v1/shops/tmall/${shop}/agreement`)
      .set('Authorization', await bearer(keys, role))
      .send(body as object);
  const refusalsOf = async (shop: string) =>
    (
      await http()
        .get(`/api/v1/shops/tmall/${shop}/agreement/refusals`)
        .set('Authorization', await bearer(keys, 'ops'))
        .expect(200)
    ).body.refusals;
  const outboxDrained = () =>
    waitFor(
      async () => (await count('SELECT count(*)::int AS n FROM orders.outbox')) === 0,
      'outbox drained',
    );

  it('a shop without a recorded agreement allows fulfilment purposes only', async () => {
    const res = await http()
      .get('/api/v1/shops/douyin/dy-1/agreement')
      .set('Authorization', await bearer(keys, 'ops'))
      .expect(200);
    expect(res.body).toEqual({
      platform: 'douyin',
      shopId: 'dy-1',
      recorded: false,
      allowedPurposes: ['shipping', 'after_sales', 'customer_care'],
      agreementRef: null,
      updatedBy: null,
      updatedAt: null,
    });
  });

  it('refuses to release purchase history under an agreement without it, even with consent, and says why', async () => {
    await importRows('r8-default', row('8100000000000000001', 'buyer_d', '10.00'));
    const subjectRef = randomUUID();
    const before = released.length;
    await grant(subjectRef, ['marketing_messages', 'purchase_history'], '8100000000000000001');
    await outboxDrained();

    expect(released).toHaveLength(before);
    expect(
      await count('SELECT count(*)::int AS n FROM orders.fact_releases WHERE subject_ref = $1', [subjectRef]),
    ).toBe(0);
    const reason = "shop tmall/r8-default's platform agreement does not allow purchase_history";
    expect(await refusalsOf('r8-default')).toEqual([
      { subjectRef, purpose: 'purchase_history', reason, ledgerSeq: seq - 1, refusedAt: expect.any(String) },
    ]);
    expect(logs.lines).toContain(`release refused for subject ${subjectRef}: ${reason}`);
    expect(logs.lines.join('\n')).not.toMatch(/buyer_d|8100000000000000001|138\*\*\*\*5678/);
  });

  it('releases when the agreement allows purchase history; sensitive facts stay back without sensitive_profiling', async () => {
    const put = await putAgreement('r8-allowed', {
      allowedPurposes: ['purchase_history'],
      agreementRef: 'tmall-isv-2026-03',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      recorded: true,
      allowedPurposes: ['shipping', 'after_sales', 'customer_care', 'purchase_history'],
      agreementRef: 'tmall-isv-2026-03',
      updatedBy: expect.any(String),
      revokedReleases: 0,
    });
    await importRows(
      'r8-allowed',
      row('8200000000000000001', 'buyer_a', '21.00', 'MED-VITAMIN'),
      row('8200000000000000002', 'buyer_a', '22.00'),
    );
    const subjectRef = randomUUID();
    const before = released.length;
    await grant(subjectRef, ['purchase_history', 'sensitive_profiling'], '8200000000000000002');
    await waitFor(async () => released.length === before + 1, 'release', 30_000);
    expect(released[before]).toMatchObject({ subjectRef });
    expect(released[before].facts.map((f) => f.amountCents)).toEqual([2200]);
    expect(await refusalsOf('r8-allowed')).toEqual([
      expect.objectContaining({
        subjectRef,
        purpose: 'sensitive_profiling',
        reason: "shop tmall/r8-allowed's platform agreement does not allow sensitive_profiling",
      }),
    ]);
  });

  it('narrowing the agreement revokes what it no longer allows, and later orders and consents stay back', async () => {
    await putAgreement('r8-narrow', { allowedPurposes: ['purchase_history'], agreementRef: 'jd-2026' }).then(
      (r) => expect(r.status).toBe(200),
    );
    await importRows('r8-narrow', row('8300000000000000001', 'buyer_n', '31.00'));
    const subjectRef = randomUUID();
    const before = released.length;
    await grant(subjectRef, ['purchase_history'], '8300000000000000001');
    await waitFor(async () => released.length === before + 1, 'release', 30_000);
    const releaseId = released[before].releaseId;

    const narrowed = await putAgreement('r8-narrow', { allowedPurposes: ['shipping'] });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body).toMatchObject({
      allowedPurposes: ['shipping', 'after_sales', 'customer_care'],
      agreementRef: null,
      revokedReleases: 1,
    });
    await waitFor(async () => revoked.includes(releaseId), 'revocation', 30_000);
    expect(
      await adminQuery(
        adminUrl,
        'SELECT active, revoked_reason FROM orders.fact_releases WHERE release_id = $1',
        [releaseId],
      ),
    ).toEqual([{ active: false, revoked_reason: 'platform_agreement' }]);
    expect(
      await count(
        "SELECT count(*)::int AS n FROM orders.audit_log WHERE action = 'set-platform-agreement' AND subject = 'shop:tmall:r8-narrow'",
      ),
    ).toBe(2);

    await importRows('r8-narrow', row('8300000000000000002', 'buyer_n', '32.00'));
    await grant(randomUUID(), ['purchase_history'], '8300000000000000002');
    await outboxDrained();
    expect(released).toHaveLength(before + 1);
  });

  it('narrowing away sensitive_profiling re-issues the release without sensitive facts', async () => {
    await putAgreement('r8-sens', {
      allowedPurposes: ['purchase_history', 'sensitive_profiling'],
      agreementRef: 'tmall-isv-2026-03',
    });
    await importRows(
      'r8-sens',
      row('8400000000000000001', 'buyer_s', '41.00', 'MED-ZINC'),
      row('8400000000000000002', 'buyer_s', '42.00'),
    );
    const subjectRef = randomUUID();
    const before = released.length;
    await grant(subjectRef, ['purchase_history', 'sensitive_profiling'], '8400000000000000001');
    await waitFor(async () => released.length === before + 1, 'release', 30_000);
    expect(released[before].facts.map((f) => f.amountCents).sort()).toEqual([4100, 4200]);

    const narrowed = await putAgreement('r8-sens', {
      allowedPurposes: ['purchase_history'],
      agreementRef: 'tmall-isv-2026-11',
    });
    expect(narrowed.body).toMatchObject({ revokedReleases: 0, reissuedReleases: 1 });
    await waitFor(async () => released.length === before + 2, 're-release', 30_000);
    expect(revoked).toContain(released[before].releaseId);
    expect(released[before + 1]).toMatchObject({ subjectRef });
    expect(released[before + 1].releaseId).not.toBe(released[before].releaseId);
    expect(released[before + 1].facts.map((f) => f.amountCents)).toEqual([4200]);
  });

  it('validates the agreement precisely: purposes, platform, shop, unknown fields, agreementRef, role', async () => {
    const problems = async (res: request.Response) => {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      return res.body.errors;
    };
    expect(
      await problems(
        await putAgreement('r8-val', { allowedPurposes: ['purchase_history_marketing'], agreementRef: 'x' }),
      ),
    ).toEqual([
      {
        field: 'allowedPurposes',
        problems: [
          'each of allowedPurposes must be one of shipping, after_sales, customer_care, marketing_messages, purchase_history, personalisation, sensitive_profiling',
        ],
      },
    ]);
    expect(await problems(await putAgreement('r8-val', { agreementRef: 'x' }))).toEqual([
      expect.objectContaining({
        field: 'allowedPurposes',
        problems: expect.arrayContaining(['allowedPurposes must be a list of purposes']),
      }),
    ]);
    expect(
      await problems(await putAgreement('r8-val', { allowedPurposes: ['shipping', 'shipping'] })),
    ).toEqual([{ field: 'allowedPurposes', problems: ['allowedPurposes must not repeat a purpose'] }]);
    expect(await problems(await putAgreement('r8-val', { allowedPurposes: [], since: '2026' }))).toEqual([
      { field: 'since', problems: ['property since should not exist'] },
    ]);
    const badPath = await http()
      .put('/api/v1/shops/taobao/bad%20shop/agreement')
      .set('Authorization', await bearer(keys, 'ops'))
      .send({ allowedPurposes: [] });
    expect(await problems(badPath)).toEqual([
      {
        field: 'platform',
        problems: ['platform must be one of tmall, jd, douyin, kuaishou, pinduoduo, youzan'],
      },
      { field: 'shopId', problems: ['shopId must be 1-64 letters, digits, _ or -'] },
    ]);

    const noRef = await putAgreement('r8-val', { allowedPurposes: ['purchase_history'] });
    expect(noRef.status).toBe(422);
    expect(noRef.body).toEqual({
      code: 'AGREEMENT_REF_REQUIRED',
      message:
        'agreementRef is required to allow purchase_history: name the platform agreement that allows it',
    });
    expect((await putAgreement('r8-val', { allowedPurposes: [] }, 'marketer')).status).toBe(403);
    expect(
      await count("SELECT count(*)::int AS n FROM orders.shop_platform_agreements WHERE shop_id = 'r8-val'"),
    ).toBe(0);
  });
});
