import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { type Role } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { shortCodeOf } from '../src/invitations/parcel-card-sheet';
import { runOpsCli } from '../src/ops-cli';
import { OrdersModule } from '../src/orders.module';

// Parcel-card QR invitations: PNG and SVG codes, the WeCom "contact me" state, and the batch
// print sheet (API and CLI), on real PostgreSQL.

const HEADER =
  '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,物流单号,物流公司,商家编码,宝贝总数量';
const SHIPPED = '卖家已发货，等待买家确认';
const PII = ['赵六', '13966660000', '南京路', 'tb_card'];

function csv(orderNos: string[], status = SHIPPED): string {
  return [
    HEADER,
    ...orderNos.map(
      (n, i) =>
        `="${n}",tb_card${i},58.00,${status},赵六,上海市 黄浦区 南京路${i}号,1396666000${i % 10},2026-11-20 09:00:00,SF77${i},顺丰速运,SKU-CARD,1`,
    ),
  ].join('\r\n');
}

/** Today as a China calendar day: what "shipped on" means for the sheet. */
function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

describe('parcel-card QR invitations: images, WeCom state and print sheets', () => {
  const keys = testAuthKeys();
  const env = {
    ...generateSecretsEnv(),
    PARCEL_CARD_HEADLINE: '思语茶铺 · 会员 <招募>',
    PARCEL_CARD_TEXT: '扫码加入，享新茶试饮',
  };
  let adminUrl: string;
  let app: INestApplication;
  let transport: InProcessTransport;
  let orderRef: string;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('invitecards');
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
    await importOrders('shop-cards', ['7100000000000000001', '7100000000000000002', '7100000000000000003']);
    orderRef = await refOf('shop-cards', '7100000000000000001');
  });

  afterAll(async () => {
    await app?.close();
    await transport?.disconnect();
  });

  const as = (role: Role) => bearer(keys, role);
  async function importOrders(shop: string, orderNos: string[], status?: string) {
    const res = await request(app.getHttpServer())
      .post(`/api/v1/orders/imports?platform=tmall&shop=${shop}`)
      .set('Authorization', await as('ops'))
      .set('Content-Type', 'text/csv')
      .send(csv(orderNos, status));
    expect({ status: res.status, rejected: res.body.rejectedRows }).toEqual({ status: 201, rejected: 0 });
  }
  async function refOf(shop: string, orderNo: string) {
    const [row] = await adminQuery<{ order_ref: string }>(
      adminUrl,
      'SELECT order_ref FROM orders.orders WHERE shop_id = $1 AND platform_order_id = $2',
      [shop, orderNo],
    );
    return row.order_ref;
  }
  const get = async (path: string, role: Role = 'ops') =>
    request(app.getHttpServer())
      .get(path)
      .set('Authorization', await as(role))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });

  it('gives a WeCom state of at most 30 opaque characters, the same for every issue of an order, mapped to its order ref', async () => {
    const issue = async () =>
      request(app.getHttpServer())
        .post(`/api/v1/orders/${orderRef}/invitations`)
        .set('Authorization', await as('ops'))
        .send();
    const first = await issue();
    expect(first.status).toBe(201);
    const { wecomState } = first.body;
    expect(wecomState).toMatch(/^[a-z0-9]{1,30}$/);
    expect(wecomState).not.toContain(orderRef.replace(/-/g, '').slice(0, 8));
    expect((await issue()).body.wecomState).toBe(wecomState);
    expect(
      await adminQuery(adminUrl, 'SELECT order_ref FROM orders.invitation_wecom_states WHERE state = $1', [
        wecomState,
      ]),
    ).toEqual([{ order_ref: orderRef }]);
    const other = await request(app.getHttpServer())
      .post(`/api/v1/orders/${await refOf('shop-cards', '7100000000000000002')}/invitations`)
      .set('Authorization', await as('admin'))
      .send();
    expect(other.body.wecomState).not.toBe(wecomState);
  });

  it('serves the QR code as a PNG image and as an SVG document', async () => {
    const png = await get(`/api/v1/orders/${orderRef}/invitations/qr.png`);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const svg = await get(`/api/v1/orders/${orderRef}/invitations/qr.svg`, 'admin');
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect((svg.body as Buffer).toString('utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('answers 404 for the QR of an unknown order and 403 to a marketer', async () => {
    const unknown = await get('/api/v1/orders/00000000-0000-4000-8000-000000000000/invitations/qr.png');
    expect(unknown.status).toBe(404);
    expect((await get(`/api/v1/orders/${orderRef}/invitations/qr.svg`, 'marketer')).status).toBe(403);
  });

  it('prints one A4 sheet of the day`s shipped orders: brand text, inline SVG QR codes and short codes, no receiver data', async () => {
    const res = await get(`/api/v1/orders/invitations/sheet?shippedOn=${chinaToday()}&shop=shop-cards`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = (res.body as Buffer).toString('utf8');
    expect(html).toContain('@page { size: A4');
    expect(html.match(/class="card"/g)).toHaveLength(3);
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html).toContain(shortCodeOf(orderRef));
    // Brand text from configuration, escaped.
    expect(html).toContain('思语茶铺 · 会员 &lt;招募&gt;');
    expect(html).toContain('扫码加入，享新茶试饮');
    for (const value of [...PII, '7100000000000000001']) expect(html).not.toContain(value);
  });

  it('starts a new page every perPage cards', async () => {
    await importOrders('shop-pages', [
      '7200000000000000001',
      '7200000000000000002',
      '7200000000000000003',
      '7200000000000000004',
      '7200000000000000005',
    ]);
    const html = (
      await get(`/api/v1/orders/invitations/sheet?shippedOn=${chinaToday()}&shop=shop-pages&perPage=4`)
    ).body.toString();
    expect(html.match(/<section class="page">/g)).toHaveLength(2);
    expect(html.match(/class="card"/g)).toHaveLength(5);
  });

  it('leaves out orders not shipped, and answers 404 NO_ORDERS_SHIPPED for a day without shipments', async () => {
    await importOrders('shop-unshipped', ['7300000000000000001'], '交易成功');
    const res = await get(`/api/v1/orders/invitations/sheet?shippedOn=${chinaToday()}&shop=shop-unshipped`);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString()).code).toBe('NO_ORDERS_SHIPPED');
    expect((await get('/api/v1/orders/invitations/sheet?shippedOn=2020-01-01&shop=shop-cards')).status).toBe(
      404,
    );
  });

  it('puts an order on the sheet of its 发货时间 (China day), and a later update does not move it', async () => {
    const header = `${HEADER},发货时间`;
    const row = (status: string, tracking: string) =>
      `="7400000000000000001",tb_late,58.00,${status},赵六,上海市 黄浦区 南京路1号,13966660001,2026-11-17 09:00:00,${tracking},顺丰速运,SKU-CARD,1,2026-11-18 23:30:00`;
    const send = async (status: string, tracking: string) => {
      const res = await request(app.getHttpServer())
        .post('/api/v1/orders/imports?platform=tmall&shop=shop-late')
        .set('Authorization', await as('ops'))
        .set('Content-Type', 'text/csv')
        .send([header, row(status, tracking)].join('\r\n'));
      expect({ status: res.status, rejected: res.body.rejectedRows }).toEqual({ status: 201, rejected: 0 });
    };
    const sheet = (day: string) => get(`/api/v1/orders/invitations/sheet?shippedOn=${day}&shop=shop-late`);
    await send(SHIPPED, 'SF7401');
    const ref = await refOf('shop-late', '7400000000000000001');
    // 23:30 in Shanghai is 15:30 UTC the same day: the 18th's sheet, not the 19th's, not today's.
    expect((await sheet('2026-11-18')).body.toString()).toContain(shortCodeOf(ref));
    expect((await sheet('2026-11-19')).status).toBe(404);
    expect((await sheet(chinaToday())).status).toBe(404);
    // Delivered and re-exported with another tracking number: the order was written again today.
    await send('交易成功', 'SF7402');
    expect((await sheet('2026-11-18')).body.toString()).toContain(shortCodeOf(ref));
    expect((await sheet(chinaToday())).status).toBe(404);
  });

  it('answers 400 for a malformed day, shop or page size, and 403 to a marketer', async () => {
    expect((await get('/api/v1/orders/invitations/sheet?shippedOn=20261120&shop=shop-cards')).status).toBe(
      400,
    );
    expect(
      (await get(`/api/v1/orders/invitations/sheet?shippedOn=${chinaToday()}&shop=bad%20shop`)).status,
    ).toBe(400);
    expect(
      (await get(`/api/v1/orders/invitations/sheet?shippedOn=${chinaToday()}&shop=shop-cards&perPage=7`))
        .status,
    ).toBe(400);
    expect(
      (await get(`/api/v1/orders/invitations/sheet?shippedOn=${chinaToday()}&shop=shop-cards`, 'marketer'))
        .status,
    ).toBe(403);
  });

  it('prints the same sheet from the CLI (print-cards --date --shop --out)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'siyu-cards-')), 'cards.html');
    let err = '';
    const code = await runOpsCli(
      ['print-cards', '--date', chinaToday(), '--shop', 'shop-cards', '--out', out],
      { DATABASE_URL: adminUrl, ...env, BRAND_ID: 'siyu-tea' },
      { out: () => undefined, err: (s) => (err += s) },
    );
    expect({ code, err }).toEqual({ code: 0, err: `3 card(s) written to ${out}\n` });
    const html = readFileSync(out, 'utf8');
    expect(html.match(/class="card"/g)).toHaveLength(3);
    expect(html).toContain(`siyu-tea · shop-cards · ${chinaToday()}`);
    for (const value of PII) expect(html).not.toContain(value);
  });

  it('the CLI explains its usage for a missing --out or a bad date', async () => {
    let err = '';
    const code = await runOpsCli(
      ['print-cards', '--date', 'tomorrow', '--shop', 's'],
      { DATABASE_URL: adminUrl, ...env },
      {
        out: () => undefined,
        err: (s) => (err += s),
      },
    );
    expect(code).toBe(2);
    expect(err).toMatch(/--date must be YYYY-MM-DD/);
    expect(err).toMatch(/usage: orders-ops/);
  });
});
