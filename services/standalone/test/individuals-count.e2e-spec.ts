import { randomInt } from 'node:crypto';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv, loadTokenSigner } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { ConsentModule } from '../../consent/src/consent.module';
import { IdentityModule } from '../../identity/src/identity.module';
import { OrdersModule } from '../../orders/src/orders.module';
import { PrivacyModule } from '../../privacy/src/privacy.module';
import { consentThroughQr, type ConsentTestApp } from '../../consent/test/consent-test-app';

const HEADER =
  '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,宝贝标题,商家编码,宝贝总数量';
const row = (order: string, buyer: string) =>
  `${order},${buyer},10.00,交易成功,张*,浙江省**,138****5678,2026-11-01 10:00:00,面霜,SKU-1,1`;

/** R19 across the services that hold people: each counts its own keys, privacy bounds the union. */
describe('distinct-individuals count across services (R19)', () => {
  const apps: INestApplication[] = [];
  const authKeys = testAuthKeys();
  const secrets = generateSecretsEnv();
  const transport = new InProcessTransport(3);
  let adminUrl: string;
  let http: { orders: App; consent: App; privacy: App };

  beforeAll(async () => {
    adminUrl = await createTestDatabase('individuals');
    const start = async (module: DynamicModule) => {
      const ref = await Test.createTestingModule({ imports: [module] }).compile();
      const app = ref.createNestApplication({ rawBody: true, logger: ['error'] });
      installHttpEdge(app, { publicKey: authKeys.publicKey });
      await app.init();
      apps.push(app);
      return app.getHttpServer();
    };
    const brand = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };
    const common = { adminDatabaseUrl: adminUrl, env: secrets, transport };
    const publicBaseUrl = 'http://127.0.0.1:3002';
    const orders = await start(OrdersModule.register({ ...common, publicBaseUrl, brandId: brand.id }));
    const consent = await start(ConsentModule.register({ ...common, brand, publicBaseUrl }));
    await start(IdentityModule.register({ adminDatabaseUrl: adminUrl, authKeys, transport }));
    const privacy = await start(
      PrivacyModule.register({
        adminDatabaseUrl: adminUrl,
        transport,
        brandId: brand.id,
        answeringServices: ['consent', 'orders', 'identity'],
      }),
    );
    http = { orders, consent, privacy };
  }, 120_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  it('reports per-service counts of its own keys and bounds between the largest and their sum, below 1,000,000', async () => {
    const ops = await bearer(authKeys, 'ops');
    await request(http.orders)
      .put('/api/v1/shops/tmall/s1/agreement')
      .set('Authorization', ops)
      .send({ allowedPurposes: ['purchase_history'], agreementRef: 'tmall-test-2026' })
      .expect(200);
    const id = () => `95${String(randomInt(0, 1e9)).padStart(17, '0')}`;
    const [o1, o2, o3] = [id(), id(), id()];
    await request(http.orders)
      .post('/api/v1/orders/imports?platform=tmall&shop=s1')
      .set('Authorization', ops)
      .set('Content-Type', 'text/csv')
      // Two buyers, three orders: buyer_a ordered twice.
      .send(`${HEADER}\n${row(o1, 'buyer_a')}\n${row(o2, 'buyer_a')}\n${row(o3, 'buyer_b')}\n`)
      .expect(201);
    const consentApp = {
      http: http.consent,
      adminUrl,
      invitations: loadTokenSigner(secrets, 'INVITE'),
    } as unknown as ConsentTestApp;
    const phone = `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    await consentThroughQr(consentApp, phone);
    const [{ n: staff }] = await adminQuery<{ n: number }>(
      adminUrl,
      "SELECT count(*)::int AS n FROM identity.staff_accounts WHERE username NOT LIKE 'erased-%'",
    );

    const officer = await bearer(authKeys, 'privacy_officer');
    await request(http.privacy)
      .get('/api/v1/privacy/individuals-count')
      .set('Authorization', officer)
      .expect(404);
    await request(http.privacy)
      .post('/api/v1/privacy/individuals-count')
      .set('Authorization', officer)
      .expect(201);
    const count = await waitFor(
      async () => {
        const r = await request(http.privacy)
          .get('/api/v1/privacy/individuals-count')
          .set('Authorization', officer);
        return r.body.complete ? r.body : undefined;
      },
      'every counting service to answer',
      20_000,
    );
    const populations = Object.fromEntries(
      count.services.flatMap(
        (s: { service: string; populations: { population: string; individuals: number }[] }) =>
          s.populations.map((p) => [`${s.service}.${p.population}`, p.individuals]),
      ),
    );
    expect(populations).toEqual({
      'consent.consent_subjects': 1,
      'orders.buyers': 2,
      'orders.receivers': 3,
      'identity.staff': staff,
    });
    expect(count.lowerBound).toBe(Math.max(3, staff));
    expect(count.upperBound).toBe(1 + 2 + 3 + staff);
    expect(count.thresholds).toEqual([
      { threshold: 1_000_000, status: 'below' },
      { threshold: 10_000_000, status: 'below' },
    ]);
    expect(JSON.stringify(count)).not.toContain(phone);
    await request(http.privacy)
      .get('/api/v1/privacy/individuals-count')
      .set('Authorization', await bearer(authKeys, 'marketer'))
      .expect(403);
  }, 60_000);
});
