import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { readAudit, verifyAuditTrail } from '@siyu/audit';
import { type AuthKeys, type Role } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { parseEvent, TOPICS } from '@siyu/contracts';
import { generateSecretsEnv, loadTokenSigner, type SecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import type { ImportSummary } from '../src/imports/import-summary';
import { ORDERS_DB, OrdersModule } from '../src/orders.module';

// The orders service through HTTP, on real PostgreSQL. One file on purpose: the build compiles
// every non-spec .ts, and a shared harness file would drag @siyu/testing into it.

const FIXTURE = readFileSync(join(__dirname, 'fixtures', 'tmall-orders.csv'));
const BRAND_ID = 'siyu-tea';
const PUBLIC_BASE_URL = 'http://127.0.0.1:3000';

/** Every personal value in the fixture, masked or not (R1), kept or dropped columns alike. */
const FIXTURE_PERSONAL_DATA = [
  // receivers
  '张三',
  '13912345678',
  '文三路100号',
  '李**',
  '138****5678',
  '浦东新区 ****',
  '#Vm5aQ2hpcGhlcg==#',
  '#MTc3Y2lwaGVydGV4dA==#',
  '#YWRkcmVzcy1jaXBoZXI=#',
  '王五',
  '0571-88886666',
  '科技园路8号',
  // buyer ids
  'tb_zhangsan88',
  't**9',
  '#K1wXn3vQpZ#',
  'wangwu_2020',
  // dropped columns: Alipay accounts, an ID number in a message, a phone in a remark
  'zhang.san@example.com',
  '#YWxpcGF5LWNpcGhlcg==#',
  '11010519491231002X',
  '13800001111',
];

const FIXTURE_ORDER_IDS = [
  '3901234567890123451',
  '3901234567890123452',
  '3901234567890123453',
  '3901234567890123457',
];

interface CapturedEvent {
  key: string;
  value: string;
  payload: Record<string, unknown>;
}

interface OrdersTestApp {
  app: INestApplication;
  adminUrl: string;
  env: SecretsEnv;
  keys: AuthKeys;
  /** Every `orders.ingested.v1` message the service published, as delivered. */
  events: CapturedEvent[];
  as(role: Role, id?: string): Promise<string>;
  importCsv(shop: string, body: Buffer | string, role?: Role): Promise<request.Response>;
  /** Imports and expects 201; returns the summary. */
  importOk(shop: string, body: Buffer | string): Promise<ImportSummary>;
  orderRefOf(shop: string, platformOrderId: string): Promise<string>;
  /** Waits until the relay published every committed event (it moves sent rows to outbox_sent). */
  eventsPublished(): Promise<void>;
  close(): Promise<void>;
}

async function startOrdersApp(label: string): Promise<OrdersTestApp> {
  const adminUrl = await createTestDatabase(label);
  const env = generateSecretsEnv();
  const keys = testAuthKeys();
  const transport = new InProcessTransport();
  const events: CapturedEvent[] = [];
  await transport.subscribe('test-capture', [TOPICS.ordersIngested], async (m) => {
    events.push({ key: m.key, value: m.value, payload: JSON.parse(m.value) });
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      OrdersModule.register({
        adminDatabaseUrl: adminUrl,
        transport,
        env,
        publicBaseUrl: PUBLIC_BASE_URL,
        brandId: BRAND_ID,
      }),
    ],
  }).compile();
  // rawBody as standalone creates its app: the CSV body must still reach the controller unread.
  const app = moduleRef.createNestApplication({ logger: false, rawBody: true });
  installHttpEdge(app, keys);
  await app.init();

  const as = (role: Role, id?: string) => bearer(keys, role, id);
  const importCsv = async (shop: string, body: Buffer | string, role: Role = 'ops') =>
    request(app.getHttpServer())
      .post(`/api/v1/orders/imports?platform=tmall&shop=${shop}`)
      .set('Authorization', await as(role))
      .set('Content-Type', 'text/csv')
      .send(body);
  return {
    app,
    adminUrl,
    env,
    keys,
    events,
    as,
    importCsv,
    importOk: async (shop, body) => {
      const res = await importCsv(shop, body);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 201,
        body: expect.objectContaining({ status: 'completed' }),
      });
      return res.body as ImportSummary;
    },
    orderRefOf: async (shop, platformOrderId) => {
      const [row] = await adminQuery<{ order_ref: string }>(
        adminUrl,
        'SELECT order_ref FROM orders.orders WHERE shop_id = $1 AND platform_order_id = $2',
        [shop, platformOrderId],
      );
      if (!row) throw new Error(`no order ${platformOrderId} in shop ${shop}`);
      return row.order_ref;
    },
    eventsPublished: async () => {
      await waitFor(async () => {
        const [{ n }] = await adminQuery<{ n: number }>(
          adminUrl,
          'SELECT count(*)::int AS n FROM orders.outbox',
        );
        return n === 0;
      }, 'outbox drained');
    },
    close: async () => {
      await app.close();
      await transport.disconnect();
    },
  };
}

/** Every row of every table in the orders schema, as text. */
async function dumpOrdersSchema(adminUrl: string): Promise<string> {
  const tables = await adminQuery<{ table_name: string }>(
    adminUrl,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'orders' AND table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await adminQuery<{ row: string }>(
      adminUrl,
      `SELECT t::text AS row FROM orders."${table_name}" t`,
    );
    parts.push(`## ${table_name}\n${rows.map((r) => r.row).join('\n')}`);
  }
  return parts.join('\n');
}

describe('Tmall order export import (real PostgreSQL)', () => {
  let t: OrdersTestApp;

  beforeAll(async () => {
    t = await startOrdersApp('ordersimport');
  });

  afterAll(async () => {
    await t?.close();
  });

  const countOf = async (sql: string, params: unknown[]) =>
    (await adminQuery<{ n: number }>(t.adminUrl, sql, params))[0].n;
  const ordersOf = (shop: string) =>
    countOf('SELECT count(*)::int AS n FROM orders.orders WHERE shop_id = $1', [shop]);
  const eventsOf = async (shop: string) => {
    await t.eventsPublished();
    return t.events.filter((e) => e.payload.shopId === shop);
  };

  it('stores the valid orders, rejects bad rows precisely, and reports dropped columns and unmasked PII', async () => {
    const res = await t.importCsv('shop-basic', FIXTURE);
    expect(res.status).toBe(201);
    const summary = res.body as ImportSummary;
    expect(summary).toMatchObject({
      platform: 'tmall',
      shopId: 'shop-basic',
      status: 'completed',
      rows: 7,
      accepted: 4,
      updated: 0,
      unchanged: 0,
      rejectedRows: 3,
    });
    // Row numbers as a spreadsheet shows them: header = 1; row 3 spans two lines.
    expect(summary.rejected).toEqual([
      { row: 5, field: '买家实际支付金额', reason: expect.stringMatching(/not an amount/) },
      { row: 6, field: '订单创建时间', reason: expect.stringMatching(/not a valid calendar date-time/) },
      { row: 7, field: '订单编号', reason: 'required value is empty' },
    ]);
    expect(summary.droppedColumns).toEqual(
      expect.arrayContaining([
        '买家支付宝账号',
        '支付单号',
        '买家留言',
        '订单备注',
        '店铺名称',
        '运送方式',
        '宝贝种类',
        '发票抬头',
      ]),
    );
    expect(summary.droppedColumns).not.toEqual(expect.arrayContaining(['收货人姓名']));
    expect(summary.unmaskedPii).toEqual({
      买家支付宝账号: { kinds: ['email'], rows: [2], rowCount: 1 },
      买家留言: { kinds: ['resident_id'], rows: [2], rowCount: 1 },
      联系手机: { kinds: ['mobile_phone'], rows: [2], rowCount: 1 },
      订单备注: { kinds: ['mobile_phone'], rows: [8], rowCount: 1 },
    });

    const stored = await adminQuery<Record<string, unknown>>(
      t.adminUrl,
      `SELECT platform_order_id, status, amount_cents::int AS amount, ordered_at, paid_at, logistics_company, tracking_number, lines
         FROM orders.orders WHERE shop_id = 'shop-basic' ORDER BY platform_order_id`,
    );
    expect(stored.map((o) => o.platform_order_id)).toEqual(FIXTURE_ORDER_IDS);
    expect(stored[0]).toMatchObject({
      status: 'completed',
      amount: 25600,
      ordered_at: new Date('2026-11-01T02:00:00Z'),
      paid_at: new Date('2026-11-01T02:01:30Z'),
      logistics_company: '顺丰速运',
      tracking_number: 'SF1234567890123',
      lines: [{ sku: 'SKU-TEA-01', quantity: 2 }],
    });
    expect(stored[1]).toMatchObject({ status: 'shipped', amount: 8990 });
    // No 商家编码: the SKU is the title's first 64 characters.
    expect(stored[2]).toMatchObject({
      status: 'paid',
      amount: 128000,
      ordered_at: new Date('2026-11-03T00:05:00Z'),
    });
    expect(Array.from((stored[2].lines as { sku: string }[])[0].sku)).toHaveLength(64);
    expect(stored[3]).toMatchObject({ status: 'awaiting_payment', paid_at: null, tracking_number: null });
  });

  it('keeps no receiver, buyer id or other personal data in clear in any table of the orders schema (R1, R16)', async () => {
    await t.importOk('shop-vault', FIXTURE);
    const dump = await dumpOrdersSchema(t.adminUrl);
    expect(dump).toContain('3901234567890123451');
    for (const value of FIXTURE_PERSONAL_DATA)
      expect({ value, found: dump.includes(value) }).toEqual({ value, found: false });
    const sealed = await adminQuery<{
      receiver_sealed: string;
      buyer_id_sealed: string | null;
      buyer_pseudonym: string;
    }>(
      t.adminUrl,
      `SELECT receiver_sealed, buyer_id_sealed, buyer_pseudonym FROM orders.orders WHERE shop_id = 'shop-vault'`,
    );
    for (const row of sealed) {
      expect(row.receiver_sealed).toMatch(/^s1\./);
      expect(row.buyer_id_sealed).toMatch(/^s1\./);
      expect(row.buyer_pseudonym).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('publishes one orders.ingested.v1 per new order, each valid and free of personal data and platform ids', async () => {
    await t.importOk('shop-events', FIXTURE);
    const events = await eventsOf('shop-events');
    expect(events).toHaveLength(4);
    for (const e of events) {
      expect(() => parseEvent(e.payload)).not.toThrow();
      expect(e.key).toBe(e.payload.orderRef);
      expect(Object.keys(e.payload).sort()).toEqual([
        'amountCents',
        'eventId',
        'lines',
        'occurredAt',
        'orderRef',
        'orderedAt',
        'platform',
        'schemaVersion',
        'shopId',
        'status',
        'type',
      ]);
      for (const value of [...FIXTURE_PERSONAL_DATA, ...FIXTURE_ORDER_IDS])
        expect({ value, found: e.value.includes(value) }).toEqual({ value, found: false });
    }
  });

  it('re-importing the same file adds nothing: no new rows, every order counted unchanged, no new events', async () => {
    await t.importOk('shop-again', FIXTURE);
    const eventsBefore = (await eventsOf('shop-again')).length;
    const summary = await t.importOk('shop-again', FIXTURE);
    expect(summary).toMatchObject({ rows: 7, accepted: 0, updated: 0, unchanged: 4, rejectedRows: 3 });
    expect(await ordersOf('shop-again')).toBe(4);
    expect((await eventsOf('shop-again')).length).toBe(eventsBefore);
  });

  it('a changed status and tracking number is one update and one event, under the same order ref', async () => {
    await t.importOk('shop-update', FIXTURE);
    const ref = await t.orderRefOf('shop-update', '3901234567890123453');
    const before = (await eventsOf('shop-update')).length;
    const shipped = FIXTURE.toString('utf8')
      .replace('买家已付款，等待卖家发货', '卖家已发货，等待买家确认')
      .replace('限量版,1,,', '限量版,1,ZT7788990011,');
    const res = await t.importCsv('shop-update', shipped);
    expect(res.body).toMatchObject({ accepted: 0, updated: 1, unchanged: 3 });
    expect(await t.orderRefOf('shop-update', '3901234567890123453')).toBe(ref);
    const events = await eventsOf('shop-update');
    expect(events.length).toBe(before + 1);
    expect(events[events.length - 1].payload).toMatchObject({ orderRef: ref, status: 'shipped' });
    const [row] = await adminQuery(
      t.adminUrl,
      'SELECT status, tracking_number FROM orders.orders WHERE order_ref = $1',
      [ref],
    );
    expect(row).toEqual({ status: 'shipped', tracking_number: 'ZT7788990011' });
    expect(await ordersOf('shop-update')).toBe(4);
  });

  it('refuses a file missing a required column, naming it, and writes nothing', async () => {
    const [header, ...rows] = FIXTURE.toString('utf8').split('\r\n');
    const withoutAddress = [header.replace('收货地址 ,', '地址备用,'), ...rows].join('\r\n');
    const outboxBefore = await countOf('SELECT count(*)::int AS n FROM orders.outbox', []);
    const res = await t.importCsv('shop-refused', withoutAddress);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'MISSING_COLUMNS', details: { missingColumns: ['收货地址'] } });
    expect(res.body.message).toMatch(/收货地址/);
    expect(await ordersOf('shop-refused')).toBe(0);
    expect(
      await countOf('SELECT count(*)::int AS n FROM orders.import_jobs WHERE shop_id = $1', ['shop-refused']),
    ).toBe(0);
    expect(await countOf('SELECT count(*)::int AS n FROM orders.outbox', [])).toBe(outboxBefore);
  });

  it.each([
    [
      'a ZIP archive (an .xlsx saved as .csv)',
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), Buffer.alloc(200, 7)]),
      'NOT_AN_ORDER_EXPORT',
    ],
    ['binary data', Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x10]), 'NOT_AN_ORDER_EXPORT'],
    ['an empty file', Buffer.alloc(0), 'EMPTY_FILE'],
    [
      'a GBK header without the required columns',
      Buffer.from([0xb6, 0xa9, 0xb5, 0xa5, 0xb1, 0xe0, 0xba, 0xc5, 0x0d, 0x0a]),
      'MISSING_COLUMNS',
    ],
    ['a JSON document', Buffer.from('{"orders": []}'), 'MISSING_COLUMNS'],
  ])('refuses %s and writes nothing', async (_, body, code) => {
    const shop = `shop-bad-${code.toLowerCase().replace(/_/g, '-')}`;
    const res = await t.importCsv(shop, body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe(code);
    expect(await ordersOf(shop)).toBe(0);
    expect(
      await countOf('SELECT count(*)::int AS n FROM orders.import_jobs WHERE shop_id = $1', [shop]),
    ).toBe(0);
  });

  it('imports a file without a BOM the same way', async () => {
    const res = await t.importCsv('shop-nobom', FIXTURE.subarray(3));
    expect(res.body).toMatchObject({ accepted: 4, rejectedRows: 3 });
  });

  it('streams a file of several chunks', async () => {
    const [header] = FIXTURE.toString('utf8').split('\r\n');
    const line = (i: number) =>
      `="40000000000${String(i).padStart(8, '0')}",buyer${i},,,,,,,,12.50,,交易成功,,李**,上海 上海市 ****,,,138****5678,2026-11-01 10:00:00,,茶,1,,,,1,,,,,,,,SKU-${i % 7}`;
    const big = [header, ...Array.from({ length: 1203 }, (_, i) => line(i))].join('\r\n');
    const res = await t.importCsv('shop-big', big);
    expect(res.body).toMatchObject({ rows: 1203, accepted: 1203, rejectedRows: 0 });
    expect(await ordersOf('shop-big')).toBe(1203);
  });

  it('returns the stored summary by import id, and 404 for an unknown one', async () => {
    const imported = await t.importCsv('shop-summary', FIXTURE);
    const res = await request(t.app.getHttpServer())
      .get(`/api/v1/orders/imports/${imported.body.importId}`)
      .set('Authorization', await t.as('admin'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(imported.body);
    const missing = await request(t.app.getHttpServer())
      .get('/api/v1/orders/imports/00000000-0000-4000-8000-000000000000')
      .set('Authorization', await t.as('ops'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('IMPORT_NOT_FOUND');
  });

  it('lets only ops and admin import: a marketer gets 403, no token 401', async () => {
    expect((await t.importCsv('shop-roles', FIXTURE, 'marketer')).status).toBe(403);
    expect((await t.importCsv('shop-roles', FIXTURE, 'admin')).status).toBe(201);
    const anonymous = await request(t.app.getHttpServer())
      .post('/api/v1/orders/imports?platform=tmall&shop=shop-roles')
      .set('Content-Type', 'text/csv')
      .send(FIXTURE);
    expect(anonymous.status).toBe(401);
  });

  it('refuses a Tmall file sent as JD (naming Tmall), a bad shop id and a non-export content type', async () => {
    const auth = await t.as('ops');
    const post = (query: string, type = 'text/csv') =>
      request(t.app.getHttpServer())
        .post(`/api/v1/orders/imports?${query}`)
        .set('Authorization', auth)
        .set('Content-Type', type)
        .send(FIXTURE);
    const jd = await post('platform=jd&shop=s1');
    expect(jd.status).toBe(422);
    expect(jd.body).toMatchObject({ code: 'WRONG_PLATFORM', details: { likelyPlatform: 'tmall' } });
    expect((await post('platform=tmall&shop=bad%20shop')).body.code).toBe('VALIDATION_FAILED');
    const json = await request(t.app.getHttpServer())
      .post('/api/v1/orders/imports?platform=tmall&shop=s1')
      .set('Authorization', auth)
      .send({ orders: [] });
    expect(json.status).toBe(415);
  });
});

describe('purpose-bound reveal of a receiver (R3, R16)', () => {
  let t: OrdersTestApp;
  let ds: DataSource;
  let orderRef: string;
  let maskedOrderRef: string;

  beforeAll(async () => {
    t = await startOrdersApp('ordersvault');
    ds = t.app.get<DataSource>(ORDERS_DB);
    await t.importOk('shop-vault', FIXTURE);
    orderRef = await t.orderRefOf('shop-vault', '3901234567890123451');
    maskedOrderRef = await t.orderRefOf('shop-vault', '3901234567890123452');
  });

  afterAll(async () => {
    await t?.close();
  });

  const reveal = async (ref: string, purpose: unknown, auth: string | null) => {
    const req = request(t.app.getHttpServer()).post(`/api/v1/orders/${ref}/reveal`);
    if (auth) req.set('Authorization', auth);
    return req.send({ purpose });
  };

  it('shows ops the receiver for after-sales and records who, why and which fields', async () => {
    const res = await reveal(orderRef, 'after_sales', await t.as('ops', 'ops-alice'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      name: '张三',
      phone: '13912345678',
      address: '浙江省 杭州市 西湖区 文三路100号(310000)',
    });
    const audit = await readAudit(ds.manager, orderRef);
    expect(audit.at(-1)).toMatchObject({
      actor: 'ops-alice',
      action: 'reveal-receiver',
      purpose: 'after_sales',
      subject: orderRef,
      fields: ['receiver_name', 'receiver_phone', 'receiver_address'],
      outcome: 'allowed',
    });
  });

  it('returns a masked receiver exactly as the platform sent it (R1)', async () => {
    const res = await reveal(maskedOrderRef, 'shipping', await t.as('ops'));
    expect(res.body).toEqual({ name: '李**', phone: '138****5678', address: '上海 上海市 浦东新区 ****' });
  });

  it('refuses marketing with 403 PURPOSE_NOT_ALLOWED, says why, and audits the refusal', async () => {
    const res = await reveal(orderRef, 'marketing', await t.as('ops', 'ops-bob'));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('PURPOSE_NOT_ALLOWED');
    expect(res.body.message).toMatch(/delivery|deliver/);
    expect(res.body.message).toMatch(/R3/);
    expect(res.body.message).toMatch(/consent/);
    expect(JSON.stringify(res.body)).not.toContain('张三');
    const audit = await readAudit(ds.manager, orderRef);
    expect(audit.at(-1)).toMatchObject({
      actor: 'ops-bob',
      purpose: 'marketing',
      outcome: 'refused',
      subject: orderRef,
    });
  });

  it('lets only ops reveal: marketer and admin get 403 and are audited as refused (R16), no token 401', async () => {
    const before = (await readAudit(ds.manager, orderRef)).length;
    expect((await reveal(orderRef, 'after_sales', await t.as('marketer'))).status).toBe(403);
    expect((await reveal(orderRef, 'after_sales', await t.as('admin'))).status).toBe(403);
    expect((await reveal(orderRef, 'after_sales', null)).status).toBe(401);
    const audit = await readAudit(ds.manager, orderRef);
    expect(audit.slice(before).map((a) => a.outcome)).toEqual(['refused', 'refused']);
  });

  it('answers 404 for an unknown order and 400 for a malformed purpose', async () => {
    const unknown = await reveal('00000000-0000-4000-8000-000000000000', 'shipping', await t.as('ops'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ORDER_NOT_FOUND');
    expect((await reveal(orderRef, { evil: true }, await t.as('ops'))).status).toBe(400);
  });

  it('answers 410 once the buyer data key was crypto-shredded (R17), and audits the refusal', async () => {
    const ref = await t.orderRefOf('shop-vault', '3901234567890123457');
    await adminQuery(
      t.adminUrl,
      `UPDATE orders.data_keys SET wrapped_key = NULL, shredded_at = now()
        WHERE buyer_pseudonym = (SELECT buyer_pseudonym FROM orders.orders WHERE order_ref = $1)`,
      [ref],
    );
    const res = await reveal(ref, 'customer_care', await t.as('ops'));
    expect(res.status).toBe(410);
    expect(res.body.code).toBe('RECEIVER_SHREDDED');
    expect((await readAudit(ds.manager, ref)).at(-1)).toMatchObject({ outcome: 'refused' });
  });

  it('keeps the audit trail intact (R20)', async () => {
    expect(await verifyAuditTrail(ds.manager)).toMatchObject({ intact: true });
  });
});

describe('parcel-card QR invitations', () => {
  let t: OrdersTestApp;
  let orderRef: string;

  beforeAll(async () => {
    t = await startOrdersApp('ordersinvite');
    await t.importOk('shop-qr', FIXTURE);
    orderRef = await t.orderRefOf('shop-qr', '3901234567890123451');
  });

  afterAll(async () => {
    await t?.close();
  });

  const invite = async (ref: string, auth: string) =>
    request(t.app.getHttpServer())
      .post(`/api/v1/orders/${ref}/invitations`)
      .set('Authorization', auth)
      .send();

  it('issues a qr-invite token naming only the order ref and the brand, its URL and an SVG QR code', async () => {
    const res = await invite(orderRef, await t.as('ops'));
    expect(res.status).toBe(201);
    const { token, url, qrSvg } = res.body;
    expect(loadTokenSigner(t.env, 'INVITE').verify(token, 'qr-invite')).toEqual({ o: orderRef, b: BRAND_ID });
    expect(() => loadTokenSigner(t.env, 'INVITE').verify(token, 'unsubscribe')).toThrow(/not "unsubscribe"/);
    expect(url).toBe(`${PUBLIC_BASE_URL}/q/${token}`);
    expect(qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const body = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
    expect(Object.keys(body).sort()).toEqual(['b', 'e', 'k', 'o', 'p']);
    // Valid for 90 days.
    expect(body.e - Math.floor(Date.now() / 1000)).toBeGreaterThan(89 * 24 * 3600);
  });

  it('answers 404 ORDER_NOT_FOUND for an unknown order', async () => {
    const res = await invite('00000000-0000-4000-8000-000000000000', await t.as('admin'));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ORDER_NOT_FOUND');
  });

  it('is for ops and admin only', async () => {
    expect((await invite(orderRef, await t.as('marketer'))).status).toBe(403);
  });
});
