import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { readAudit } from '@siyu/audit';
import { type Role } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { asSealed, generateSecretsEnv, loadCryptoKeys, open } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { runOpsCli } from '../src/ops-cli';
import { ORDERS_DB, OrdersModule } from '../src/orders.module';
import { ApplyRetention } from '../src/retention/apply-retention.use-case';
import { BackfillLookupIndex } from '../src/vault/backfill-lookup-index.use-case';

// Retention (R17) on real PostgreSQL: crypto-shredding after the after-sales window, records
// deleted after their own retention, dry runs that change nothing.

const HEADER =
  '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,物流单号,物流公司,商家编码,宝贝总数量';
const COMPLETED = '交易成功';
const SHIPPED = '卖家已发货，等待买家确认';

function csv(rows: { orderNo: string; buyer: string; phone: string; status?: string }[]): string {
  return [
    HEADER,
    ...rows.map(
      (r) =>
        `="${r.orderNo}",${r.buyer},99.00,${r.status ?? COMPLETED},王五,上海市 浦东新区 世纪大道1号,${r.phone},2026-10-01 10:00:00,YT900,圆通速递,SKU-TEA-9,1`,
    ),
  ].join('\r\n');
}

describe('retention: crypto-shredding after the after-sales window (R17)', () => {
  const keys = testAuthKeys();
  const env = generateSecretsEnv();
  let adminUrl: string;
  let app: INestApplication;
  let ds: DataSource;
  let transport: InProcessTransport;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('retention');
    transport = new InProcessTransport();
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrdersModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          env,
          publicBaseUrl: 'http://127.0.0.1:3000',
          brandId: 'siyu-tea',
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false, rawBody: true });
    installHttpEdge(app, keys);
    await app.init();
    ds = app.get<DataSource>(ORDERS_DB);
  });

  afterAll(async () => {
    await app?.close();
    await transport?.disconnect();
  });

  const as = (role: Role, id?: string) => bearer(keys, role, id);
  const importRows = async (shop: string, rows: Parameters<typeof csv>[0]) => {
    const res = await request(app.getHttpServer())
      .post(`/api/v1/orders/imports?platform=tmall&shop=${shop}`)
      .set('Authorization', await as('ops'))
      .set('Content-Type', 'text/csv')
      .send(csv(rows));
    expect({ status: res.status, rejected: res.body.rejectedRows }).toEqual({ status: 201, rejected: 0 });
  };
  const refOf = async (shop: string, orderNo: string) =>
    (
      await adminQuery<{ order_ref: string }>(
        adminUrl,
        'SELECT order_ref FROM orders.orders WHERE shop_id = $1 AND platform_order_id = $2',
        [shop, orderNo],
      )
    )[0].order_ref;
  /** Moves orders' last write (the retention clock) into the past. */
  const age = (shop: string, orderNos: string[], days: number) =>
    adminQuery(
      adminUrl,
      `UPDATE orders.orders SET updated_at = now() - make_interval(days => $3)
        WHERE shop_id = $1 AND platform_order_id = ANY($2::text[])`,
      [shop, orderNos, days],
    );
  const reveal = async (ref: string) =>
    request(app.getHttpServer())
      .post(`/api/v1/orders/${ref}/reveal`)
      .set('Authorization', await as('ops'))
      .send({ purpose: 'after_sales' });
  const snapshot = async () =>
    adminQuery(
      adminUrl,
      `SELECT o::text AS o, k.wrapped_key, k.shredded_at FROM orders.orders o
         JOIN orders.data_keys k USING (buyer_pseudonym) ORDER BY o.order_ref`,
    );
  const ops = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runOpsCli(
      argv,
      { DATABASE_URL: adminUrl, ...env },
      {
        out: (s) => (out += s),
        err: (s) => (err += s),
      },
    );
    return { code, out, err };
  };

  it('a dry run reports per-shop counts and changes nothing, from the CLI as from the API', async () => {
    await importRows('ret-dry', [
      { orderNo: '6100000000000000001', buyer: 'tb_dry1', phone: '13911110001' },
      { orderNo: '6100000000000000002', buyer: 'tb_dry2', phone: '13911110002' },
    ]);
    await age('ret-dry', ['6100000000000000001'], 45);
    const before = await snapshot();
    const auditBefore = (await readAudit(ds.manager)).length;

    const cli = await ops(['retention', '--dry-run', '--shop', 'ret-dry']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.out)).toEqual({
      dryRun: true,
      shops: [
        {
          platform: 'tmall',
          shopId: 'ret-dry',
          afterSalesDays: 30,
          recordRetentionDays: 1095,
          ordersShredded: 1,
          buyerKeysShredded: 1,
          recordsDeleted: 0,
        },
      ],
    });
    expect(cli.err).toMatch(/dry run, nothing changed: would shred 1 receiver/);
    for (const pii of ['tb_dry1', '13911110001', '王五', '6100000000000000001'])
      expect(cli.out + cli.err).not.toContain(pii);

    const api = await request(app.getHttpServer())
      .get('/api/v1/orders/retention/preview')
      .set('Authorization', await as('privacy_officer'));
    expect(api.status).toBe(200);
    expect(api.body.shops).toContainEqual(expect.objectContaining({ shopId: 'ret-dry', ordersShredded: 1 }));
    expect(
      (
        await request(app.getHttpServer())
          .get('/api/v1/orders/retention/preview')
          .set('Authorization', await as('ops'))
      ).status,
    ).toBe(403);

    expect(await snapshot()).toEqual(before);
    expect((await readAudit(ds.manager)).length).toBe(auditBefore);
  });

  it('shreds a buyer whose every order is past the window: reveal answers 410 and the ciphertext stays unreadable even with the KEK', async () => {
    await importRows('ret-a', [
      { orderNo: '6200000000000000001', buyer: 'tb_gone', phone: '13922220001' },
      { orderNo: '6200000000000000002', buyer: 'tb_gone', phone: '13922220001' },
    ]);
    await app.get(BackfillLookupIndex).execute();
    const findByPhone = async () =>
      (
        await request(app.getHttpServer())
          .get('/api/v1/orders/lookup?phone=13922220001')
          .set('Authorization', await as('ops'))
      ).body.matches;
    expect(await findByPhone()).toHaveLength(2);
    await age('ret-a', ['6200000000000000001', '6200000000000000002'], 31);
    const ref = await refOf('ret-a', '6200000000000000001');
    const [{ wrapped_key: wrappedBefore }] = await adminQuery<{ wrapped_key: string }>(
      adminUrl,
      'SELECT k.wrapped_key FROM orders.data_keys k JOIN orders.orders o USING (buyer_pseudonym) WHERE o.order_ref = $1',
      [ref],
    );

    const report = await app.get(ApplyRetention).execute('test:retention', { shopId: 'ret-a' });
    expect(report.shops).toEqual([
      expect.objectContaining({
        shopId: 'ret-a',
        ordersShredded: 2,
        buyerKeysShredded: 1,
        recordsDeleted: 0,
      }),
    ]);

    const res = await reveal(ref);
    expect(res.status).toBe(410);
    expect(res.body.code).toBe('RECEIVER_SHREDDED');
    const [row] = await adminQuery<{
      receiver_sealed: string;
      buyer_id_sealed: string | null;
      wrapped_key: string | null;
    }>(
      adminUrl,
      `SELECT o.receiver_sealed, o.buyer_id_sealed, k.wrapped_key FROM orders.orders o
         JOIN orders.data_keys k USING (buyer_pseudonym) WHERE o.order_ref = $1`,
      [ref],
    );
    expect(row.wrapped_key).toBeNull();
    expect(row.buyer_id_sealed).toBeNull();
    // Even the data key as it was before shredding no longer opens what is stored.
    const oldKey = loadCryptoKeys(env, 'FULFILMENT').unwrap(wrappedBefore);
    expect(() => open(oldKey, asSealed(row.receiver_sealed), ref)).toThrow(/decryption failed/);
    // No lookup digest is left to confirm a guessed phone.
    expect(await findByPhone()).toEqual([]);
    expect((await readAudit(ds.manager, 'shop:tmall:ret-a')).at(-1)).toMatchObject({
      actor: 'test:retention',
      action: 'shred-receivers',
      purpose: 'retention',
    });
  });

  it('keeps the non-identifying transaction record after shredding', async () => {
    const [record] = await adminQuery(
      adminUrl,
      `SELECT status, amount_cents::int AS amount, lines, tracking_number FROM orders.orders
        WHERE shop_id = 'ret-a' AND platform_order_id = '6200000000000000001'`,
    );
    expect(record).toEqual({
      status: 'completed',
      amount: 9900,
      lines: [{ sku: 'SKU-TEA-9', quantity: 1 }],
      tracking_number: null,
    });
  });

  it('shreds only the closed orders of a buyer with an open one, and keeps the buyer key for the open order', async () => {
    await importRows('ret-b', [
      { orderNo: '6300000000000000001', buyer: 'tb_both', phone: '13933330001' },
      { orderNo: '6300000000000000002', buyer: 'tb_both', phone: '13933330001', status: SHIPPED },
      { orderNo: '6300000000000000003', buyer: 'tb_recent', phone: '13933330003' },
    ]);
    await age('ret-b', ['6300000000000000001', '6300000000000000002'], 60);
    await age('ret-b', ['6300000000000000003'], 10);
    const report = await app.get(ApplyRetention).execute('test:retention', { shopId: 'ret-b' });
    expect(report.shops[0]).toMatchObject({ ordersShredded: 1, buyerKeysShredded: 0 });
    expect((await reveal(await refOf('ret-b', '6300000000000000001'))).status).toBe(410);
    expect((await reveal(await refOf('ret-b', '6300000000000000002'))).body.phone).toBe('13933330001');
    expect((await reveal(await refOf('ret-b', '6300000000000000003'))).status).toBe(200);
  });

  it('honours a shop`s own window, and a buyer who orders again gets a new key while old orders stay shredded', async () => {
    const put = await request(app.getHttpServer())
      .put('/api/v1/orders/retention/shops/tmall/ret-c')
      .set('Authorization', await as('privacy_officer'))
      .send({ afterSalesDays: 7, recordRetentionDays: 365 });
    expect(put.status).toBe(200);
    await importRows('ret-c', [{ orderNo: '6400000000000000001', buyer: 'tb_again', phone: '13944440001' }]);
    await age('ret-c', ['6400000000000000001'], 10);
    expect(
      (await app.get(ApplyRetention).execute('test:retention', { shopId: 'ret-c' })).shops[0],
    ).toMatchObject({
      afterSalesDays: 7,
      ordersShredded: 1,
      buyerKeysShredded: 1,
    });
    await importRows('ret-c', [{ orderNo: '6400000000000000002', buyer: 'tb_again', phone: '13944440002' }]);
    expect((await reveal(await refOf('ret-c', '6400000000000000001'))).status).toBe(410);
    expect((await reveal(await refOf('ret-c', '6400000000000000002'))).body.phone).toBe('13944440002');
  });

  it('deletes shredded records past their retention, and the buyer key row with the last of them', async () => {
    await request(app.getHttpServer())
      .put('/api/v1/orders/retention/shops/tmall/ret-d')
      .set('Authorization', await as('admin'))
      .send({ afterSalesDays: 30, recordRetentionDays: 365 })
      .expect(200);
    await importRows('ret-d', [
      { orderNo: '6500000000000000001', buyer: 'tb_old', phone: '13955550001' },
      { orderNo: '6500000000000000002', buyer: 'tb_kept', phone: '13955550002' },
    ]);
    await age('ret-d', ['6500000000000000001'], 400);
    await age('ret-d', ['6500000000000000002'], 100);
    const [{ pseudonym }] = await adminQuery<{ pseudonym: string }>(
      adminUrl,
      `SELECT buyer_pseudonym AS pseudonym FROM orders.orders WHERE platform_order_id = '6500000000000000001'`,
    );
    const cli = await ops(['retention', '--shop', 'ret-d']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.out).shops[0]).toMatchObject({
      ordersShredded: 2,
      buyerKeysShredded: 2,
      recordsDeleted: 1,
    });
    const left = await adminQuery<{ platform_order_id: string }>(
      adminUrl,
      `SELECT platform_order_id FROM orders.orders WHERE shop_id = 'ret-d'`,
    );
    expect(left).toEqual([{ platform_order_id: '6500000000000000002' }]);
    expect(
      await adminQuery(adminUrl, 'SELECT 1 FROM orders.data_keys WHERE buyer_pseudonym = $1', [pseudonym]),
    ).toEqual([]);
  });

  it('refuses a record retention shorter than the after-sales window, and settings are for the privacy officer and admin', async () => {
    const short = await request(app.getHttpServer())
      .put('/api/v1/orders/retention/shops/tmall/ret-e')
      .set('Authorization', await as('admin'))
      .send({ afterSalesDays: 30, recordRetentionDays: 10 });
    expect(short.status).toBe(422);
    expect(short.body.code).toBe('RETENTION_SHORTER_THAN_WINDOW');
    const byOps = await request(app.getHttpServer())
      .put('/api/v1/orders/retention/shops/tmall/ret-e')
      .set('Authorization', await as('ops'))
      .send({ afterSalesDays: 30, recordRetentionDays: 100 });
    expect(byOps.status).toBe(403);
  });

  it("keeps settings per platform shop: a JD shop's window does not apply to the Tmall shop of the same id", async () => {
    await request(app.getHttpServer())
      .put('/api/v1/orders/retention/shops/jd/ret-f')
      .set('Authorization', await as('privacy_officer'))
      .send({ afterSalesDays: 7, recordRetentionDays: 365 })
      .expect(200);
    await importRows('ret-f', [{ orderNo: '6600000000000000001', buyer: 'tb_twin', phone: '13966660001' }]);
    await age('ret-f', ['6600000000000000001'], 10);
    const report = await app.get(ApplyRetention).execute('test:retention', { shopId: 'ret-f' });
    expect(report.shops).toEqual([
      expect.objectContaining({ platform: 'tmall', shopId: 'ret-f', afterSalesDays: 30, ordersShredded: 0 }),
    ]);
    const unknown = await request(app.getHttpServer())
      .put('/api/v1/orders/retention/shops/ebay/ret-f')
      .set('Authorization', await as('privacy_officer'))
      .send({ afterSalesDays: 7, recordRetentionDays: 365 });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('platform must be one of');
  });

  it('a second run finds nothing more to do', async () => {
    const report = await app.get(ApplyRetention).execute('test:retention', { shopId: 'ret-a' });
    expect(report.shops[0]).toMatchObject({ ordersShredded: 0, buyerKeysShredded: 0, recordsDeleted: 0 });
  });
});

describe('scheduled retention and lookup backfill', () => {
  it('runs both jobs on their configured intervals once enabled', async () => {
    const keys = testAuthKeys();
    const adminUrl = await createTestDatabase('retsched');
    const transport = new InProcessTransport();
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrdersModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          env: {
            ...generateSecretsEnv(),
            RETENTION_INTERVAL_SECONDS: '1',
            LOOKUP_BACKFILL_INTERVAL_SECONDS: '1',
          },
          publicBaseUrl: 'http://127.0.0.1:3000',
          brandId: 'siyu-tea',
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error'], rawBody: true });
    installHttpEdge(app, keys);
    await app.init();
    try {
      const res = await request(app.getHttpServer())
        .post('/api/v1/orders/imports?platform=tmall&shop=ret-sched')
        .set('Authorization', await bearer(keys, 'ops'))
        .set('Content-Type', 'text/csv')
        .send(
          csv([
            { orderNo: '6900000000000000001', buyer: 'tb_s1', phone: '13999990001' },
            { orderNo: '6900000000000000002', buyer: 'tb_s2', phone: '13999990002' },
          ]),
        );
      expect(res.status).toBe(201);
      await adminQuery(
        adminUrl,
        `UPDATE orders.orders SET updated_at = now() - interval '40 days' WHERE platform_order_id = '6900000000000000001'`,
      );
      const count = async (sql: string) => (await adminQuery<{ n: number }>(adminUrl, sql))[0].n;
      await waitFor(
        async () => (await count('SELECT count(*)::int AS n FROM orders.receiver_shreds')) === 1,
        'the expired order shredded by the scheduled run',
        45_000,
      );
      await waitFor(
        async () =>
          (await count(`SELECT count(*)::int AS n FROM orders.order_lookup WHERE phone_full IS NOT NULL`)) ===
          1,
        'the live order indexed by the scheduled backfill',
        45_000,
      );
    } finally {
      await app.close();
      await transport.disconnect();
    }
  });
});
