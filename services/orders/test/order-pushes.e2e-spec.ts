import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { TOPICS } from '@siyu/contracts';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { OrdersModule } from '../src/orders.module';
import { signPush } from '../src/order-pushes/push-signature';
import { ProcessOrderPushes } from '../src/order-pushes/process-order-pushes.use-case';

// Platform order pushes through HTTP, on real PostgreSQL. The poller is off (ORDER_PUSH_POLL_MS=0):
// each test drains the queue with processPending(), so what it checks is deterministic.

const SECRET = 'push-secret-for-tests-0123456789';
const SHOPS = [
  'shop-push',
  'shop-dup',
  'shop-stop',
  'shop-order',
  'shop-mixed',
  'shop-refused',
  'shop-batch',
  'shop-pii',
  'shop-pii-msg',
];
const OTHER_PLATFORM_SHOPS = ['shop-jd', 'shop-kuaishou', 'shop-pinduoduo', 'shop-youzan'];
const FIXTURE = readFileSync(join(__dirname, 'fixtures', 'tmall-orders.csv'));

const RECEIVER = { name: '赵六', phone: '13712345678', address: '北京市 朝阳区 建国路88号 1201室' };
const BUYER_ID = 'zhaoliu_buyer_2026';

let nonceSeq = 0;
const freshNonce = () => `nonce${Date.now()}x${nonceSeq++}`;

function tmallTrade(tid: string, status: string, modified: string, receiver = RECEIVER) {
  return {
    tid,
    status,
    payment: '199.00',
    created: '2026-11-20 10:00:00',
    pay_time: '2026-11-20 10:01:00',
    modified,
    buyer_open_uid: BUYER_ID,
    receiver_name: receiver.name,
    receiver_mobile: receiver.phone,
    receiver_address: receiver.address,
    orders: [{ outer_sku_id: 'SKU-TEA-01', num: 2 }],
  };
}

function tmcPush(id: string, trade: object) {
  return {
    id,
    topic: 'taobao_trade_TradeChanged',
    pub_time: '2026-11-20 10:02:00',
    content: JSON.stringify(trade),
  };
}

describe('platform order pushes (real PostgreSQL)', () => {
  let app: INestApplication;
  let adminUrl: string;
  let transport: InProcessTransport;
  let processor: ProcessOrderPushes;
  const events: { key: string; value: string; payload: Record<string, unknown> }[] = [];
  const keys = testAuthKeys();
  // Every log line the service wrote, to check that none carries a pushed value (R16).
  const logLines: string[] = [];
  const capture = (m: unknown) => void logLines.push(String(m));

  beforeAll(async () => {
    adminUrl = await createTestDatabase('orderpushes');
    transport = new InProcessTransport();
    await transport.subscribe('test-capture', [TOPICS.ordersIngested], async (m) => {
      events.push({ key: m.key, value: m.value, payload: JSON.parse(m.value) });
    });
    const env = {
      ...generateSecretsEnv(),
      ORDER_PUSH_SECRETS: [...SHOPS, ...OTHER_PLATFORM_SHOPS].map((s) => `${s}:${SECRET}`).join(','),
      ORDER_PUSH_POLL_MS: '0',
    };
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
    app = moduleRef.createNestApplication({
      logger: { log: capture, warn: capture, error: capture, debug: capture, verbose: capture },
      rawBody: true,
    });
    installHttpEdge(app, keys);
    await app.init();
    processor = app.get(ProcessOrderPushes);
  });

  afterAll(async () => {
    await app?.close();
    await transport?.disconnect();
  });

  const send = (
    platform: string,
    shop: string,
    body: unknown,
    opts: { nonce?: string; timestamp?: number; secret?: string } = {},
  ) => {
    const raw = JSON.stringify(body);
    const query: Record<string, string> = {
      shop_id: shop,
      timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
      nonce: opts.nonce ?? freshNonce(),
      sign_method: 'hmac-sha256',
    };
    query.sign = signPush(query, raw, opts.secret ?? SECRET);
    return request(app.getHttpServer())
      .post(`/webhooks/orders/${platform}`)
      .query(query)
      .set('Content-Type', 'application/json')
      .send(raw);
  };
  const count = async (sql: string, params: unknown[] = []) =>
    (await adminQuery<{ n: number }>(adminUrl, sql, params))[0].n;
  const pushesOf = (shop: string) =>
    count('SELECT count(*)::int AS n FROM orders.order_pushes WHERE shop_id = $1', [shop]);
  const ordersOf = (shop: string) =>
    count('SELECT count(*)::int AS n FROM orders.orders WHERE shop_id = $1', [shop]);
  const orderOf = async (shop: string, id: string) =>
    (
      await adminQuery<{ status: string; amount_cents: number; n: number }>(
        adminUrl,
        `SELECT status, amount_cents::int AS amount_cents, count(*) OVER ()::int AS n FROM orders.orders
         WHERE shop_id = $1 AND platform_order_id = $2`,
        [shop, id],
      )
    )[0];
  const eventsOf = async (shop: string) => {
    await waitFor(
      async () => (await count('SELECT count(*)::int AS n FROM orders.outbox')) === 0,
      'outbox drained',
    );
    return events.filter((e) => e.payload.shopId === shop);
  };

  it('answers a signed push at once and ingests it later, publishing an event without personal data', async () => {
    const res = await send(
      'tmall',
      'shop-push',
      tmcPush('9001', tmallTrade('4001000000000000001', 'WAIT_SELLER_SEND_GOODS', '2026-11-20 10:02:00')),
    );
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { success: true, queued: 1 },
    });
    // Answered before any ingest work: the order does not exist yet when the platform hears back.
    // (How fast that answer is, is measured, not asserted: a timing bound flakes on a loaded CI box.)
    expect(await ordersOf('shop-push')).toBe(0);

    expect(await processor.processPending()).toBeGreaterThanOrEqual(1);
    expect(await orderOf('shop-push', '4001000000000000001')).toMatchObject({
      status: 'paid',
      amount_cents: 19900,
      n: 1,
    });
    const published = await eventsOf('shop-push');
    expect(published).toHaveLength(1);
    expect(published[0].payload).toMatchObject({
      type: 'orders.ingested.v1',
      platform: 'tmall',
      status: 'paid',
      amountCents: 19900,
      lines: [{ sku: 'SKU-TEA-01', quantity: 2 }],
    });
    for (const personal of [RECEIVER.name, RECEIVER.phone, '建国路88号', BUYER_ID, '4001000000000000001'])
      expect(published[0].value).not.toContain(personal);
  });

  it('does not duplicate an order when the platform re-sends the same message', async () => {
    const push = tmcPush(
      '9002',
      tmallTrade('4001000000000000002', 'WAIT_SELLER_SEND_GOODS', '2026-11-20 10:02:00'),
    );
    expect((await send('tmall', 'shop-dup', push)).status).toBe(200);
    await processor.processPending();
    const again = await send('tmall', 'shop-dup', push);
    expect({ status: again.status, body: again.body }).toEqual({
      status: 200,
      body: { success: true, queued: 0 },
    });
    await processor.processPending();
    expect(await pushesOf('shop-dup')).toBe(1);
    expect(await ordersOf('shop-dup')).toBe(1);
    expect(await eventsOf('shop-dup')).toHaveLength(1);
  });

  it('ends a pass when asked to stop and leaves the rest queued for the next one', async () => {
    for (const n of [1, 2, 3])
      expect(
        (
          await send(
            'tmall',
            'shop-stop',
            tmcPush(
              `9100${n}`,
              tmallTrade(`40010000000001000${n}`, 'WAIT_SELLER_SEND_GOODS', '2026-11-20 10:02:00'),
            ),
          )
        ).status,
      ).toBe(200);
    let asked = 0;
    // Asked before each batch (here of one push): yes after the first, as a shutdown arriving mid-pass would.
    expect(await processor.processPending(() => asked++ >= 1, 1)).toBe(1);
    expect(await ordersOf('shop-stop')).toBe(1);
    expect(await processor.processPending()).toBeGreaterThanOrEqual(2);
    expect(await ordersOf('shop-stop')).toBe(3);
  });

  it('applies a newer update and never lets an older one overwrite it', async () => {
    const tid = '4001000000000000003';
    await send(
      'tmall',
      'shop-order',
      tmcPush('9003', tmallTrade(tid, 'WAIT_BUYER_CONFIRM_GOODS', '2026-11-21 09:00:00')),
    );
    await processor.processPending();
    // Delivered late: the payment notice from before shipping.
    await send(
      'tmall',
      'shop-order',
      tmcPush('9004', tmallTrade(tid, 'WAIT_SELLER_SEND_GOODS', '2026-11-20 10:02:00')),
    );
    await processor.processPending();
    expect(await orderOf('shop-order', tid)).toMatchObject({ status: 'shipped', n: 1 });
    await send(
      'tmall',
      'shop-order',
      tmcPush('9005', tmallTrade(tid, 'TRADE_FINISHED', '2026-11-25 12:00:00')),
    );
    await processor.processPending();
    expect(await orderOf('shop-order', tid)).toMatchObject({ status: 'completed', n: 1 });
  });

  it('applies several updates of one order queued together in arrival order, one batch after another', async () => {
    const tid = '4001000000000000009';
    // Queued before any processing: all three land in the processor's reach at once.
    await send(
      'tmall',
      'shop-order',
      tmcPush('9011', tmallTrade(tid, 'WAIT_SELLER_SEND_GOODS', '2026-11-20 10:02:00')),
    );
    await send(
      'tmall',
      'shop-order',
      tmcPush('9012', tmallTrade(tid, 'TRADE_FINISHED', '2026-11-25 12:00:00')),
    );
    // Delivered late: older than the one before it, and must not win.
    await send(
      'tmall',
      'shop-order',
      tmcPush('9013', tmallTrade(tid, 'WAIT_BUYER_CONFIRM_GOODS', '2026-11-21 09:00:00')),
    );
    expect(await processor.processPending()).toBe(3);
    expect(await orderOf('shop-order', tid)).toMatchObject({ status: 'completed', n: 1 });
    expect(
      await count(
        `SELECT count(*)::int AS n FROM orders.order_pushes WHERE shop_id = 'shop-order' AND processed_at IS NULL`,
      ),
    ).toBe(0);
  });

  it('updates an order imported from a file instead of adding a second one', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/orders/imports?platform=tmall&shop=shop-mixed')
      .set('Authorization', await bearer(keys, 'ops'))
      .set('Content-Type', 'text/csv')
      .send(FIXTURE);
    expect(res.status).toBe(201);
    const before = await ordersOf('shop-mixed');
    // Shipped in the file; the push says the buyer confirmed receipt.
    await send(
      'tmall',
      'shop-mixed',
      tmcPush('9006', tmallTrade('3901234567890123452', 'TRADE_FINISHED', '2026-11-26 08:00:00')),
    );
    // Completed in the file; a late payment notice must not move it back.
    await send(
      'tmall',
      'shop-mixed',
      tmcPush('9007', tmallTrade('3901234567890123451', 'WAIT_SELLER_SEND_GOODS', '2026-11-01 10:01:30')),
    );
    await processor.processPending();
    expect(await ordersOf('shop-mixed')).toBe(before);
    expect(await orderOf('shop-mixed', '3901234567890123452')).toMatchObject({ status: 'completed', n: 1 });
    expect(await orderOf('shop-mixed', '3901234567890123451')).toMatchObject({ status: 'completed', n: 1 });
  });

  it('refuses a bad signature, a stale timestamp, a replayed nonce and an unknown shop with 401, storing nothing', async () => {
    const push = (id: string) =>
      tmcPush(id, tmallTrade(`40010000000000001${id}`, 'WAIT_SELLER_SEND_GOODS', '2026-11-20 10:02:00'));
    const refusals = [
      await send('tmall', 'shop-refused', push('10'), { secret: 'not-the-shop-secret-0123456789' }),
      await send('tmall', 'shop-refused', push('11'), { timestamp: Math.floor(Date.now() / 1000) - 301 }),
      await send('tmall', 'shop-unknown', push('12')),
    ];
    for (const r of refusals) expect(r.status).toBe(401);
    const nonce = freshNonce();
    expect((await send('tmall', 'shop-refused', push('13'), { nonce })).status).toBe(200);
    const replay = await send('tmall', 'shop-refused', push('14'), { nonce });
    expect({ status: replay.status, code: replay.body.code }).toEqual({
      status: 401,
      code: 'ORDER_PUSH_NONCE_REPLAYED',
    });
    expect(await pushesOf('shop-refused')).toBe(1);
    expect(await pushesOf('shop-unknown')).toBe(0);
  });

  it('refuses a body that is not the platform push shape with 400, storing nothing', async () => {
    const res = await send('tmall', 'shop-refused', { id: '9100', content: '{"tid":"1"' });
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 400,
      code: 'ORDER_PUSH_BODY_INVALID',
    });
    const unknownPlatform = await send('ebay', 'shop-refused', tmcPush('9101', {}));
    expect(unknownPlatform.status).toBe(404);
    expect(
      await count(`SELECT count(*)::int AS n FROM orders.order_pushes WHERE push_id IN ('9100', '9101')`),
    ).toBe(0);
  });

  it('stores each message of a Douyin batch push as its own order', async () => {
    const message = (msgId: string, orderId: string, status: number) => ({
      tag: '101',
      msg_id: msgId,
      data: JSON.stringify({
        p_id: orderId,
        order_status: status,
        pay_amount: 12990,
        create_time: 1763604000,
        pay_time: 1763604060,
        update_time: 1763604100,
        doudian_open_id: '1##dyopenid',
        encrypt_post_receiver: '#RU5DUllQVEVEX05BTUU=#',
        encrypt_post_tel: '$#MTM4MDAxMzgwMDA=$',
        encrypt_post_addr: '#RU5DUllQVEVEX0FERFI=#',
        sku_order_list: [{ out_sku_id: 'SKU-TEA-02', item_num: 1 }],
      }),
    });
    const res = await send('douyin', 'shop-batch', [
      message('dy-1', '6920000000000000001', 2),
      message('dy-2', '6920000000000000002', 3),
    ]);
    expect(res.body).toEqual({ success: true, queued: 2 });
    await processor.processPending();
    expect(await orderOf('shop-batch', '6920000000000000001')).toMatchObject({
      status: 'paid',
      amount_cents: 12990,
    });
    expect(await orderOf('shop-batch', '6920000000000000002')).toMatchObject({ status: 'shipped' });
  });

  it.each([
    [
      'jd',
      {
        msgId: 'jd-msg-1',
        type: 'orderStatusChange',
        venderId: '10001',
        data: {
          orderId: '300000000001',
          orderState: 'WAIT_GOODS_RECEIVE_CONFIRM',
          orderPayment: '88.50',
          orderStartTime: '2026-11-20 10:00:00',
          paymentConfirmTime: '2026-11-20 10:00:30',
          modified: '2026-11-21 10:00:00',
          pin: 'jd_buyer_x',
          waybill: 'JDV0001',
          logisticsId: '463',
          consigneeInfo: { fullname: '孙*', mobile: '151****1234', fullAddress: '广东省 深圳市 ****' },
          itemInfoList: [{ outerSkuId: 'SKU-TEA-03', itemTotal: '3' }],
        },
      },
      '300000000001',
      { status: 'shipped', amount_cents: 8850 },
    ],
    [
      'kuaishou',
      [
        {
          msgId: 'ks-msg-1',
          event: 'kwaishop_order_statusChange',
          bizId: 2200000001,
          info: JSON.stringify({
            oid: 2200000001,
            status: 70,
            totalFee: 5600,
            createTime: 1763604000000,
            payTime: 1763604060000,
            updateTime: 1763700000000,
            buyerOpenId: 'f19xksopen',
            addressInfo: {
              encryptedConsignee: '~AgAAAx1~',
              encryptedMobile: '~AgAAAx2~',
              encryptedAddress: '~AgAAAx3~',
            },
            itemList: [{ skuNick: 'SKU-TEA-04', num: 1 }],
          }),
        },
      ],
      '2200000001',
      { status: 'completed', amount_cents: 5600 },
    ],
    [
      'pinduoduo',
      {
        id: 'pdd-msg-1',
        message: {
          type: 'pdd_trade_TradeConfirmed',
          mall_id: 777,
          content: JSON.stringify({
            order_sn: '261120-000000001',
            order_status: 1,
            refund_status: 1,
            pay_amount: '39.90',
            created_time: '2026-11-20 10:00:00',
            pay_time: '2026-11-20 10:00:05',
            updated_at: '2026-11-20 10:00:05',
            receiver_name: '~pddname~',
            receiver_phone: '~pddphone~',
            receiver_address: '~pddaddr~',
            item_list: [{ outer_sku_id: 'SKU-TEA-05', goods_count: 2 }],
          }),
        },
      },
      '261120-000000001',
      { status: 'paid', amount_cents: 3990 },
    ],
    [
      'youzan',
      {
        msg_id: 'yz-msg-1',
        type: 'trade_TradeBuyerPay',
        kdt_id: 55,
        id: 'E20261120100000000001',
        status: 'WAIT_SELLER_SEND_GOODS',
        msg: encodeURIComponent(
          JSON.stringify({
            full_order_info: {
              order_info: {
                tid: 'E20261120100000000001',
                status: 'WAIT_SELLER_SEND_GOODS',
                created: '2026-11-20 10:00:00',
                pay_time: '2026-11-20 10:00:10',
                update_time: '2026-11-20 10:00:10',
              },
              pay_info: { payment: '120.00' },
              buyer_info: { yz_open_id: 'yzopen123' },
              address_info: {
                receiver_name: '周*',
                receiver_tel: '186****0000',
                delivery_address: '上海市 ****',
              },
              orders: [{ outer_sku_id: 'SKU-TEA-06', num: 1 }],
            },
          }),
        ),
      },
      'E20261120100000000001',
      { status: 'paid', amount_cents: 12000 },
    ],
  ])('maps a %s push to the canonical order', async (platform, body, orderId, expected) => {
    const shop = `shop-${platform}`;
    expect((await send(platform, shop, body)).body).toEqual({ success: true, queued: 1 });
    await processor.processPending();
    expect(await orderOf(shop, orderId)).toMatchObject({ ...expected, n: 1 });
    expect(
      await count('SELECT count(*)::int AS n FROM orders.order_pushes WHERE shop_id = $1 AND error IS NULL', [
        shop,
      ]),
    ).toBe(1);
  });

  it('keeps no readable copy of the push body once processed', async () => {
    const receiver = { name: '钱七', phone: '13655554444', address: '江苏省 南京市 玄武区 中山路321号' };
    await send(
      'tmall',
      'shop-pii',
      tmcPush(
        '9200',
        tmallTrade('4001000000000000200', 'WAIT_SELLER_SEND_GOODS', '2026-11-20 10:02:00', receiver),
      ),
    );
    // Queued: sealed, never in clear.
    const queued = await dumpOrdersSchema(adminUrl);
    for (const personal of [receiver.name, receiver.phone, '中山路321号'])
      expect(queued).not.toContain(personal);
    await processor.processPending();
    expect(
      await count(
        `SELECT count(*)::int AS n FROM orders.order_pushes WHERE shop_id = 'shop-pii'
         AND processed_at IS NOT NULL AND body_sealed IS NULL AND body_key IS NULL AND error IS NULL`,
      ),
    ).toBe(1);
    const dump = await dumpOrdersSchema(adminUrl);
    for (const personal of [receiver.name, receiver.phone, '中山路321号', BUYER_ID])
      expect(dump).not.toContain(personal);
  });

  it('reports unmasked PII of a push by field and kind in its status, never the value', async () => {
    const mobile = '13987654321';
    const trade = {
      ...tmallTrade('4001000000000000300', 'WAIT_SELLER_SEND_GOODS', '2026-11-20 10:02:00', {
        name: '赵*',
        phone: '137****5678',
        address: '北京市朝阳区****',
      }),
      buyer_message: `到了请打电话 ${mobile}`,
    };
    expect((await send('tmall', 'shop-pii-msg', tmcPush('9300', trade))).status).toBe(200);
    await processor.processPending();

    const status = await request(app.getHttpServer())
      .get('/api/v1/orders/pushes')
      .query({ platform: 'tmall', shop: 'shop-pii-msg', pushId: '9300' })
      .set('Authorization', await bearer(keys, 'ops'))
      .expect(200);
    expect(status.body).toEqual({
      pushes: [
        {
          platform: 'tmall',
          shopId: 'shop-pii-msg',
          pushId: '9300',
          receivedAt: expect.any(String),
          processedAt: expect.any(String),
          attempts: 1,
          error: null,
          unmaskedPii: { 'content.buyer_message': { kinds: ['mobile_phone'], count: 1 } },
        },
      ],
    });
    // A push with masked data only is listed, but not among those that carried unmasked PII.
    const masked = { ...trade, tid: '4001000000000000301', buyer_message: '' };
    expect((await send('tmall', 'shop-pii-msg', tmcPush('9301', masked))).status).toBe(200);
    await processor.processPending();
    const list = async (query: string) =>
      (
        await request(app.getHttpServer())
          .get(`/api/v1/orders/pushes?platform=tmall&shop=shop-pii-msg${query}`)
          .set('Authorization', await bearer(keys, 'ops'))
          .expect(200)
      ).body.pushes.map((p: { pushId: string; unmaskedPii: object }) => [p.pushId, p.unmaskedPii]);
    expect(await list('')).toEqual([
      ['9301', {}],
      ['9300', { 'content.buyer_message': { kinds: ['mobile_phone'], count: 1 } }],
    ]);
    expect(await list('&withUnmaskedPii=true')).toEqual([
      ['9300', { 'content.buyer_message': { kinds: ['mobile_phone'], count: 1 } }],
    ]);

    expect(await dumpOrdersSchema(adminUrl)).not.toContain(mobile);
    expect(JSON.stringify(status.body)).not.toContain(mobile);
    const logs = logLines.join('\n');
    expect(logs).toContain('carried unmasked personal data: content.buyer_message: mobile_phone ×1');
    expect(logs).not.toContain(mobile);
    expect(logs).not.toContain(mobile.slice(-8));
  });

  it('lets only staff roles read push status, and validates the query', async () => {
    const marketer = await request(app.getHttpServer())
      .get('/api/v1/orders/pushes?platform=tmall&shop=shop-pii')
      .set('Authorization', await bearer(keys, 'marketer'));
    expect(marketer.status).toBe(403);
    const bad = await request(app.getHttpServer())
      .get('/api/v1/orders/pushes?platform=taobao&shop=shop-pii&withUnmaskedPii=yes')
      .set('Authorization', await bearer(keys, 'ops'));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      {
        field: 'platform',
        problems: ['platform must be one of tmall, jd, douyin, kuaishou, pinduoduo, youzan'],
      },
      { field: 'withUnmaskedPii', problems: ['withUnmaskedPii must be true or false'] },
    ]);
  });
});

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
