import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import QRCode from 'qrcode';
import request from 'supertest';
import { type Role } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv, loadTokenSigner } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { OrdersModule } from '../orders.module';

const HEADER =
  '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,物流单号,物流公司,商家编码,宝贝总数量';
const PII = ['钱七', '13977770000', '淮海路', 'tb_short'];
const PUBLIC_BASE_URL = 'https://siyu-tea.example.cn';

describe('parcel-card short links (/c/<code>, ADR 0008)', () => {
  const keys = testAuthKeys();
  const env = generateSecretsEnv();
  let adminUrl: string;
  let app: INestApplication;
  let transport: InProcessTransport;
  let orderRef: string;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('cardlinks');
    transport = new InProcessTransport();
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrdersModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          env,
          publicBaseUrl: PUBLIC_BASE_URL,
          brandId: 'siyu-tea',
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false, rawBody: true });
    installHttpEdge(app, keys);
    await app.init();
    const csv = [
      HEADER,
      '="7200000000000000001",tb_short0,58.00,卖家已发货，等待买家确认,钱七,上海市 黄浦区 淮海路1号,13977770000,2026-11-20 09:00:00,SF88,顺丰速运,SKU-S,1',
    ].join('\r\n');
    const imported = await request(app.getHttpServer())
      .post('/api/v1/orders/imports?platform=tmall&shop=shop-short')
      .set('Authorization', await bearer(keys, 'ops'))
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(imported.status).toBe(201);
    [{ order_ref: orderRef }] = await adminQuery<{ order_ref: string }>(
      adminUrl,
      "SELECT order_ref FROM orders.orders WHERE shop_id = 'shop-short'",
    );
  });

  afterAll(async () => {
    await app?.close();
    await transport?.disconnect();
  });

  const as = (role: Role) => bearer(keys, role);
  const invite = async () =>
    (
      await request(app.getHttpServer())
        .post(`/api/v1/orders/${orderRef}/invitations`)
        .set('Authorization', await as('ops'))
        .expect(201)
    ).body as { token: string; url: string; shortUrl: string; qrSvg: string };
  const follow = (path: string) => request(app.getHttpServer()).get(path).redirects(0);

  it('puts a short link of at most 30 characters after the host in the QR code, the same for every issue of the order', async () => {
    const first = await invite();
    const path = first.shortUrl.slice(PUBLIC_BASE_URL.length);
    expect(path).toMatch(/^\/c\/[0-9A-Za-z]{17}$/);
    expect(path.length).toBeLessThanOrEqual(30);
    expect((await invite()).shortUrl).toBe(first.shortUrl);
    // The SVG is the QR code of the short link: its size is that code's (version 3 here), not the long URL's.
    const short = QRCode.create(first.shortUrl, { errorCorrectionLevel: 'M' });
    const long = QRCode.create(first.url, { errorCorrectionLevel: 'M' });
    const side = Number(/viewBox="0 0 (\d+) \d+"/.exec(first.qrSvg)![1]) - 4; // margin 2 on each side
    expect(side).toBe(short.modules.size);
    expect(short.version).toBeLessThanOrEqual(4);
    expect(long.version).toBeGreaterThanOrEqual(8);
  });

  it('redirects a scan to consent’s QR page with a token naming only the order and the brand', async () => {
    const { shortUrl } = await invite();
    const res = await follow(shortUrl.slice(PUBLIC_BASE_URL.length)).expect(302);
    expect(res.headers['cache-control']).toBe('no-store');
    const location = new URL(res.headers.location);
    expect(location.origin).toBe(PUBLIC_BASE_URL);
    const [, q, token] = location.pathname.split('/');
    expect(q).toBe('q');
    expect(loadTokenSigner(env, 'INVITE').verify(token, 'qr-invite')).toEqual({ o: orderRef, b: 'siyu-tea' });
  });

  it('keeps the long link working: the invitation still carries its signed token and URL', async () => {
    const { token, url } = await invite();
    expect(url).toBe(`${PUBLIC_BASE_URL}/q/${token}`);
    expect(loadTokenSigner(env, 'INVITE').verify(token, 'qr-invite')).toEqual({ o: orderRef, b: 'siyu-tea' });
  });

  it('explains an expired card in one sentence instead of redirecting', async () => {
    const { shortUrl } = await invite();
    const code = shortUrl.slice(-17);
    await adminQuery(
      adminUrl,
      "UPDATE orders.short_links SET expires_at = now() - interval '1 minute' WHERE code = $1",
      [code],
    );
    const res = await follow(`/c/${code}`).expect(410);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('这张包裹卡上的二维码已过期');
    expect(res.text).toContain('The QR code on this parcel card has expired');
    await adminQuery(
      adminUrl,
      "UPDATE orders.short_links SET expires_at = now() + interval '90 days' WHERE code = $1",
      [code],
    );
  });

  it('answers an unknown code, a code of another kind and a malformed one with the same 404 page', async () => {
    await adminQuery(
      adminUrl,
      `INSERT INTO orders.short_links (code, kind, brand_id, claims, expires_at)
       VALUES ('UnsubscribeCode12', 'unsubscribe', 'siyu-tea', '{"s":"x"}', now() + interval '1 day')`,
    );
    const otherKind = await follow('/c/UnsubscribeCode12').expect(404);
    const unknown = await follow('/c/AAAAAAAAAAAAAAAAA').expect(404);
    const malformed = await follow('/c/not-a-code').expect(404);
    expect(otherKind.text).toBe(unknown.text);
    expect(malformed.text).toBe(unknown.text);
    expect(unknown.headers.location).toBeUndefined();
  });

  it('stores no personal data in its table: an opaque order ref and the brand, nothing from the receiver', async () => {
    await invite();
    const rows = await adminQuery<{ claims: Record<string, string> }>(
      adminUrl,
      "SELECT claims FROM orders.short_links WHERE kind = 'parcel-card'",
    );
    expect(rows).toEqual([{ claims: { o: orderRef } }]);
    const dump = JSON.stringify(await adminQuery(adminUrl, 'SELECT * FROM orders.short_links'));
    for (const pii of PII) expect(dump).not.toContain(pii);
  });
});
