import { randomInt, type UUID } from 'node:crypto';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv, loadTokenSigner } from '@siyu/crypto';
import { TOPICS } from '@siyu/contracts';
import { KafkaTransport } from '@siyu/messaging';
import {
  adminQuery,
  bearer,
  createTestDatabase,
  describeWithKafka,
  testAuthKeys,
  uniqueTopicPrefix,
  waitFor,
} from '@siyu/testing';
import { AudienceModule } from '../../audience/src/audience.module';
import { ConsentModule } from '../../consent/src/consent.module';
import { IdentityModule } from '../../identity/src/identity.module';
import { OrdersModule } from '../../orders/src/orders.module';
import { OutreachModule } from '../../outreach/src/outreach.module';
import { PrivacyModule } from '../../privacy/src/privacy.module';
import { consentThroughQr, type ConsentTestApp } from '../../consent/test/consent-test-app';

const HEADER =
  '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,宝贝标题,商家编码,宝贝总数量';

// The documented minimal proof (docs/privacy/data-subject-requests.md): where a subject ref may remain.
const MINIMAL_PROOF = [
  'audience.member_consents', // consents turned off, evidence emptied: no late grant resurrects the member (R10)
  'consent.audit_log', // the answer's audit entry
  'consent.ledger', // consent and withdrawal entries, evidence emptied, and the purge entry (R10, R20)
  'orders.audit_log', // the answer's audit entry
  'outreach.audit_log', // the answer's audit entry
  'outreach.consent_projection', // consents turned off: the send gate refuses (R9)
  'outreach.gate_changes', // for one day: the erasure's changes, so no run planned before it trusts its plan (ADR 0018)
  'outreach.suppressions', // the withdrawal's suppression record (R10)
  'privacy.audit_log', // who logged the request
  'privacy.data_subject_requests', // the request itself, with its receipts
];
const SCHEMAS = ['audience', 'consent', 'identity', 'orders', 'outreach', 'privacy'];

describeWithKafka('erasure across services over real Kafka (R14)', (brokers) => {
  const apps: INestApplication[] = [];
  const transports: KafkaTransport[] = [];
  const authKeys = testAuthKeys();
  const secrets = generateSecretsEnv();
  let adminUrl: string;
  let http: { orders: App; consent: App; privacy: App; identity: App };

  beforeAll(async () => {
    adminUrl = await createTestDatabase('erasuree2e');
    const topicPrefix = uniqueTopicPrefix('erasure');
    const transport = async (clientId: string) => {
      const t = new KafkaTransport({ brokers, clientId, partitions: 3, topicPrefix });
      await t.connect();
      transports.push(t);
      return t;
    };
    // Every topic exists, with leaders, before six services subscribe and produce at once (kafkajs
    // otherwise may hit "This server does not host this topic-partition" on a topic just created).
    const topics = await transport('topics');
    for (let attempt = 1; ; attempt++) {
      try {
        await topics.ensureTopics(Object.values(TOPICS));
        break;
      } catch (err) {
        if (attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    const start = async (module: DynamicModule) => {
      const ref = await Test.createTestingModule({ imports: [module] }).compile();
      const app = ref.createNestApplication({ rawBody: true, logger: ['error', 'warn'] });
      installHttpEdge(app, { publicKey: authKeys.publicKey });
      await app.init();
      apps.push(app);
      return app.getHttpServer();
    };
    const brand = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };
    const publicBaseUrl = 'http://127.0.0.1:3002';
    const common = { adminDatabaseUrl: adminUrl, env: secrets };
    const orders = await start(
      OrdersModule.register({
        ...common,
        transport: await transport('orders'),
        publicBaseUrl,
        brandId: brand.id,
      }),
    );
    const consent = await start(
      ConsentModule.register({ ...common, transport: await transport('consent'), brand, publicBaseUrl }),
    );
    await start(
      AudienceModule.register({
        adminDatabaseUrl: adminUrl,
        transport: await transport('audience'),
        brandId: brand.id,
      }),
    );
    await start(
      OutreachModule.register({
        ...common,
        transport: await transport('outreach'),
        brand: { id: brand.id, signature: brand.signature },
        publicBaseUrl,
      }),
    );
    const identity = await start(
      IdentityModule.register({
        adminDatabaseUrl: adminUrl,
        authKeys,
        transport: await transport('identity'),
      }),
    );
    const privacy = await start(
      PrivacyModule.register({
        adminDatabaseUrl: adminUrl,
        transport: await transport('privacy'),
        brandId: brand.id,
        answeringServices: ['consent', 'orders', 'audience', 'outreach', 'identity'],
      }),
    );
    http = { orders, consent, privacy, identity };
  }, 120_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    for (const t of transports) await t.disconnect();
  });

  /** Every table of every service schema whose rows mention `needle` anywhere, as text. */
  async function tablesMentioning(needle: string): Promise<string[]> {
    const tables = await adminQuery<{ t: string }>(
      adminUrl,
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables
        WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1`,
      [SCHEMAS],
    );
    const found: string[] = [];
    for (const { t } of tables) {
      const [{ n }] = await adminQuery<{ n: number }>(
        adminUrl,
        `SELECT count(*)::int AS n FROM ${t} x WHERE x::text LIKE '%' || $1 || '%'`,
        [needle],
      );
      if (n > 0) found.push(t);
    }
    return found;
  }

  it('after an erasure completes, no table holds anything of the subject but the documented minimal proof', async () => {
    const ops = await bearer(authKeys, 'ops');
    await request(http.orders)
      .put('/api/v1/shops/tmall/s1/agreement')
      .set('Authorization', ops)
      .send({ allowedPurposes: ['purchase_history'], agreementRef: 'tmall-test-2026' })
      .expect(200);
    const platformOrderId = `95${String(randomInt(0, 1e9)).padStart(17, '0')}`;
    await request(http.orders)
      .post('/api/v1/orders/imports?platform=tmall&shop=s1')
      .set('Authorization', ops)
      .set('Content-Type', 'text/csv')
      .send(
        `${HEADER}\n${platformOrderId},buyer_erasure,10.00,交易成功,张*,浙江省**,138****5678,2026-11-01 10:00:00,面霜,SKU-1,1\n`,
      )
      .expect(201);
    const [{ order_ref: orderRef }] = await adminQuery<{ order_ref: UUID }>(
      adminUrl,
      'SELECT order_ref FROM orders.orders WHERE platform_order_id = $1',
      [platformOrderId],
    );
    const phone = `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    const consentApp = {
      http: http.consent,
      adminUrl,
      invitations: loadTokenSigner(secrets, 'INVITE'),
    } as unknown as ConsentTestApp;
    const subjectRef = await consentThroughQr(consentApp, phone, undefined, orderRef);
    await waitFor(
      async () =>
        (
          await adminQuery(adminUrl, 'SELECT 1 FROM orders.fact_releases WHERE subject_ref = $1 AND active', [
            subjectRef,
          ])
        ).length > 0,
      'the purchase-history release',
      60_000,
    );
    // Audience and outreach hold the member (facts released, contact point projected) before erasure.
    await waitFor(
      async () =>
        (
          await adminQuery(
            adminUrl,
            `SELECT 1 FROM audience.released_facts WHERE subject_ref = $1
              UNION ALL SELECT 1 FROM outreach.contact_points WHERE subject_ref = $1`,
            [subjectRef],
          )
        ).length === 2,
      'audience and outreach to hold the member',
      60_000,
    );
    expect(await tablesMentioning(subjectRef)).toEqual(
      expect.arrayContaining([
        'audience.members',
        'audience.released_facts',
        'consent.subjects',
        'consent.ledger',
        'orders.fact_releases',
        'outreach.contact_points',
      ]),
    );

    // Access first: every service answers in its own words, identity that it holds nothing.
    const officer = await bearer(authKeys, 'privacy_officer');
    const access = await request(http.privacy)
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef, kind: 'access' })
      .expect(201);
    const copy = await waitFor(
      async () => {
        const r = await request(http.privacy)
          .get(`/api/v1/privacy/requests/${access.body.id}/export`)
          .set('Authorization', officer);
        return r.status === 200 ? r.body : undefined;
      },
      'every service to answer the access request',
      60_000,
    );
    const held = (service: string, category: string) =>
      copy.services[service].find((l: { category: string }) => l.category === category)?.records;
    expect(held('audience', 'membership')).toBe(1);
    expect(held('audience', 'released_purchase_facts')).toBeGreaterThan(0);
    expect(held('identity', 'staff_account')).toBe(0);
    expect(held('outreach', 'contact_points')).toBe(1);
    expect(JSON.stringify(copy)).not.toContain(phone);

    const logged = await request(http.privacy)
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef, kind: 'erasure' })
      .expect(201);
    const done = await waitFor(
      async () => {
        const r = await request(http.privacy)
          .get(`/api/v1/privacy/requests/${logged.body.id}`)
          .set('Authorization', officer);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      'the erasure to complete in every service',
      60_000,
    );
    expect(done.receipts.map((r: { service: string }) => r.service)).toEqual([
      'audience',
      'consent',
      'identity',
      'orders',
      'outreach',
    ]);
    const ordersHold = done.receipts[3].lines.find(
      (l: { category: string; status: string }) =>
        l.category === 'order_receiver_data' && l.status === 'kept_under_legal_hold',
    );
    expect(ordersHold.keptUntil).toEqual(expect.any(String));

    // Events still waiting in an outbox would mention the subject: wait until every relay drained.
    await waitFor(
      async () =>
        (
          await adminQuery<{ n: number }>(
            adminUrl,
            `SELECT ${SCHEMAS.map((x) => `(SELECT count(*) FROM ${x}.outbox)`).join(' + ')} AS n`,
          )
        )[0].n == 0,
      'outboxes drained',
      30_000,
    );
    // The withdrawal consent made for the erasure reaches outreach after the erasure request may have.
    await waitFor(
      async () =>
        (
          await adminQuery(adminUrl, 'SELECT 1 FROM outreach.suppressions WHERE subject_ref = $1', [
            subjectRef,
          ])
        ).length > 0,
      "outreach to record the erasure's withdrawal",
      30_000,
    );
    expect(await tablesMentioning(subjectRef)).toEqual(MINIMAL_PROOF);
    expect(
      await adminQuery(
        adminUrl,
        `SELECT 1 FROM audience.member_consents WHERE subject_ref = $1 AND (granted OR evidence_ref IS NOT NULL)
          UNION ALL SELECT 1 FROM outreach.consent_projection WHERE subject_ref = $1 AND granted`,
        [subjectRef],
      ),
    ).toEqual([]);
    expect(await tablesMentioning(phone)).toEqual([]);
    const ledger = await adminQuery<{ action: string; evidence: object }>(
      adminUrl,
      'SELECT action, evidence FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [subjectRef],
    );
    expect(ledger.map((e) => e.action)).toEqual(['granted', 'withdrawn', 'purged']);
    expect(ledger.slice(0, 2).map((e) => e.evidence)).toEqual([{}, {}]);
  }, 180_000);
});
