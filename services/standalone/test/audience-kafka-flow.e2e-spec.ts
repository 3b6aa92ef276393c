import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { TOPICS } from '@siyu/contracts';
import { generateSecretsEnv } from '@siyu/crypto';
import { installHttpEdge } from '@siyu/http';
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
import { OrdersModule } from '../../orders/src/orders.module';
import {
  amountToOrderRef,
  FIXTURE,
  forbiddenInEvents,
  formNonce,
  shownNoticeFields,
  spyOnEvents,
  tmallCsv,
} from './walking-skeleton.flow';

/**
 * Issue 10 across services over the real broker: orders releases a consenting buyer's facts
 * (`orders.facts-released.v1`), audience builds a fact tag and a model tag from them, a segment over
 * the model tag counts the member; the customer then withdraws purchase_history in the preference
 * centre (`consent.withdrawn.v1`, and orders' `orders.facts-revoked.v1`) and audience deletes the
 * facts and everything derived from them — features, both tags, the segment membership — while the
 * member stays reachable by a broadcast (R10). Orders, consent and audience each run as their own
 * Nest app with their own Kafka client, as in `kafka.e2e-spec.ts`.
 */
describeWithKafka(
  'audience over real Kafka: release → tags → segment → purchase_history withdrawn',
  (brokers) => {
    const apps: INestApplication[] = [];
    const transports: KafkaTransport[] = [];
    let adminUrl: string;
    let authKeys: ReturnType<typeof testAuthKeys>;
    let http: { orders: App; consent: App; audience: App };
    let events: string[];

    beforeAll(async () => {
      adminUrl = await createTestDatabase('audkafka');
      authKeys = testAuthKeys();
      const secrets = generateSecretsEnv();
      const topicPrefix = uniqueTopicPrefix('audflow');
      const transport = async (clientId: string) => {
        const t = new KafkaTransport({ brokers, clientId, partitions: 3, topicPrefix });
        await t.connect();
        transports.push(t);
        return t;
      };
      const spy = await transport('pii-spy');
      await spy.ensureTopics(Object.values(TOPICS));
      events = await spyOnEvents(spy, Object.values(TOPICS));
      const brand = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };
      const publicBaseUrl = 'http://127.0.0.1:3002';
      const start = async (module: DynamicModule) => {
        const ref = await Test.createTestingModule({ imports: [module] }).compile();
        const app = ref.createNestApplication({ rawBody: true, logger: ['error', 'warn'] });
        installHttpEdge(app, { publicKey: authKeys.publicKey });
        await app.init();
        apps.push(app);
        return app.getHttpServer();
      };
      const common = { adminDatabaseUrl: adminUrl, env: secrets };
      http = {
        orders: await start(
          OrdersModule.register({
            ...common,
            transport: await transport('orders'),
            publicBaseUrl,
            brandId: brand.id,
          }),
        ),
        consent: await start(
          ConsentModule.register({ ...common, transport: await transport('consent'), brand, publicBaseUrl }),
        ),
        audience: await start(
          AudienceModule.register({
            adminDatabaseUrl: adminUrl,
            transport: await transport('audience'),
            brandId: brand.id,
            refreshEveryMs: 200,
          }),
        ),
      };
    }, 120_000);

    afterAll(async () => {
      for (const app of apps.reverse()) await app.close();
      for (const t of transports) await t.disconnect();
    });

    it('a withdrawal of purchase_history deletes the released facts, the tags built on them and the tag segment membership; the broadcast keeps the member', async () => {
      const ops = await bearer(authKeys, 'ops');
      const officer = await bearer(authKeys, 'privacy_officer');
      const marketer = await bearer(authKeys, 'marketer');
      const audience = {
        get: (path: string) => request(http.audience).get(path).set('Authorization', marketer),
        post: (path: string, body: object = {}) =>
          request(http.audience).post(path).set('Authorization', marketer).send(body),
      };

      // The brand's notice offers personalisation (tags are profiling: R11 needs its own consent).
      await request(http.consent)
        .post('/api/v1/consent/notices')
        .set('Authorization', officer)
        .send({
          brandName: '示例品牌',
          brandContact: 'privacy@example.com',
          purposes: [
            { id: 'marketing_messages', description: '向您发送会员活动、新品与优惠信息（营销信息）' },
            { id: 'purchase_history', description: '使用您在本店的购买记录（日期、金额、商品）为您推荐商品' },
            { id: 'personalisation', description: '根据购买记录为您个性化推荐' },
          ],
          channels: ['sms'],
          processingMethods: '收集、存储、使用；不向第三方提供；加密保存',
          dataCategories: ['手机号码（经验证码验证）', '在本店的购买记录（不含收货人姓名与地址）'],
          retention: '在您的同意有效期间保存；撤回后删除营销数据',
          rights: '您可随时撤回同意；联系 privacy@example.com',
          profiling: '根据购买记录形成偏好标签用于推荐；不影响价格',
        })
        .expect(201);
      // The marketer's catalogue and tags exist before any fact arrives (categories are set on arrival).
      await request(http.audience)
        .put('/api/v1/audience/catalogue')
        .set('Authorization', marketer)
        .send({ entries: [{ skuPrefix: 'SKU-CREAM', category: '护肤' }] })
        .expect(200);
      await audience
        .post('/api/v1/audience/tags', {
          key: 'skincare_90',
          labels: { 'zh-CN': '近90天护肤订单', en: 'Skincare orders, 90 days' },
          category: 'purchase_preference',
          layer: 'fact',
          fact: { measure: 'order_count', windowDays: 90, category: '护肤' },
        })
        .expect(201);
      await audience
        .post('/api/v1/audience/tags', {
          key: 'skincare_fan',
          labels: { 'zh-CN': '护肤爱好者', en: 'Skincare fan' },
          category: 'purchase_preference',
          layer: 'model',
          model: { rule: { tag: 'skincare_90', op: 'gte', value: 1 } },
        })
        .expect(201);

      // Orders: an export, the shop's agreement allowing purchase history (R8), buyer A's parcel card.
      await request(http.orders)
        .post('/api/v1/orders/imports?platform=tmall&shop=shop-1')
        .set('Authorization', ops)
        .set('Content-Type', 'text/csv')
        .send(tmallCsv())
        .expect(201);
      await request(http.orders)
        .put('/api/v1/shops/tmall/shop-1/agreement')
        .set('Authorization', ops)
        .send({ allowedPurposes: ['purchase_history'], agreementRef: 'tmall-demo-agreement' })
        .expect(200);
      const orderA = (await amountToOrderRef(events, 3)).get(19900)!;
      await agreeOnParcelCard(orderA, FIXTURE.buyerA.phone, [
        'marketing_messages',
        'purchase_history',
        'personalisation',
      ]);

      // orders.facts-released.v1 → audience: the fact tag, then the model tag built on it.
      const [{ subject_ref: subjectRef }] = (await waitFor(async () => {
        const rows = await adminQuery<{ subject_ref: string }>(
          adminUrl,
          'SELECT DISTINCT subject_ref FROM audience.released_facts',
        );
        return rows.length === 1 ? rows : null;
      }, 'A facts released'))!;
      const lineage = (key: string) =>
        audience.get(`/api/v1/audience/members/${subjectRef}/tags/${key}/lineage`);
      await waitFor(async () => (await lineage('skincare_fan')).status === 200, 'model tag computed');
      const fact = await lineage('skincare_90').expect(200);
      expect(fact.body.value).toBe(1);
      expect(fact.body.facts).toHaveLength(1);
      const [release] = events
        .map((e) => JSON.parse(e))
        .filter((e) => e.type === 'orders.facts-released.v1' && e.subjectRef === subjectRef);
      expect(fact.body.releases).toEqual([release.releaseId]);

      // A segment over the model tag counts A; so does a broadcast that uses no tag.
      const fans = await audience
        .post('/api/v1/audience/segments', {
          name: '护肤爱好者',
          purpose: 'marketing_messages',
          channel: 'sms',
          rule: { tag: 'skincare_fan' },
        })
        .expect(201);
      const broadcast = await audience
        .post('/api/v1/audience/segments', {
          name: 'everyone on sms',
          purpose: 'marketing_messages',
          channel: 'sms',
        })
        .expect(201);
      expect(fans.body.count).toBe(1);
      expect(broadcast.body.count).toBe(1);
      const v1 = await audience.post(`/api/v1/audience/segments/${fans.body.id}/materialize`).expect(201);
      expect(v1.body).toMatchObject({ version: 1, size: 1 });

      // The customer unticks purchase_history in the preference centre, keeping the rest.
      const link = await request(http.consent)
        .post(`/api/v1/consent/subjects/${subjectRef}/preference-link`)
        .set('Authorization', officer)
        .expect(201);
      const token = new URL(link.body.url).pathname.split('/').pop()!;
      const centre = await request(http.consent).get(`/p/${token}`).expect(200);
      await request(http.consent)
        .post(`/p/${token}`)
        .type('form')
        .send(
          `keep=marketing_messages:sms&keep=personalisation:sms&personalisation=on&nonce=${encodeURIComponent(formNonce(centre.text))}`,
        )
        .expect(200);
      await waitFor(
        async () =>
          events.some((e) => {
            const w = JSON.parse(e);
            return w.type === 'consent.withdrawn.v1' && w.subjectRef === subjectRef;
          }),
        'consent.withdrawn.v1 on the broker',
      );

      // R10: the facts and everything derived from them are gone; the member and the broadcast stay.
      const held = async (table: string) =>
        (await adminQuery(adminUrl, `SELECT 1 FROM audience.${table} WHERE subject_ref = $1`, [subjectRef]))
          .length;
      await waitFor(async () => (await held('released_facts')) === 0, 'facts deleted');
      await waitFor(async () => (await held('member_tags')) === 0, 'tags deleted');
      expect(await held('member_features')).toBe(0);
      expect(await held('segment_members')).toBe(0);
      expect((await lineage('skincare_90')).status).toBe(404);
      expect((await lineage('skincare_fan')).status).toBe(404);
      expect((await audience.get(`/api/v1/audience/segments/${fans.body.id}`).expect(200)).body.count).toBe(
        0,
      );
      expect(
        (await audience.get(`/api/v1/audience/segments/${broadcast.body.id}`).expect(200)).body.count,
      ).toBe(1);
      expect(await held('members')).toBe(1);
      const why = await audience
        .get(`/api/v1/audience/segments/${fans.body.id}/explain/${subjectRef}`)
        .expect(200);
      expect(why.body.inSegment).toBe(false);
      // A later refresh does not bring the tags back: nothing is left to build them from.
      await new Promise((r) => setTimeout(r, 1000));
      expect(await held('member_tags')).toBe(0);
      // The next version of the materialised segment no longer holds A.
      const v2 = await audience.post(`/api/v1/audience/segments/${fans.body.id}/materialize`).expect(201);
      expect(v2.body).toMatchObject({ size: 0 });

      for (const value of events) for (const pii of forbiddenInEvents()) expect(value).not.toContain(pii);
    }, 120_000);

    /** Door 2 for one buyer with the given purposes on SMS (the walking skeleton's, with personalisation). */
    async function agreeOnParcelCard(orderRef: string, phone: string, purposes: string[]): Promise<void> {
      const invitation = await request(http.orders)
        .post(`/api/v1/orders/${orderRef}/invitations`)
        .set('Authorization', await bearer(authKeys, 'ops'))
        .expect(201);
      const token: string = invitation.body.token;
      const landing = await request(http.consent).get(`/q/${token}`).expect(200);
      const agreePage = await request(http.consent)
        .post(`/q/${token}/code`)
        .type('form')
        .send({ phone, nonce: formNonce(landing.text) })
        .expect(200);
      const [sms] = await adminQuery<{ body: string }>(
        adminUrl,
        'SELECT body FROM consent.sandbox_sms ORDER BY id DESC LIMIT 1',
      );
      const code = /验证码(\d{6})/.exec(sms.body)![1];
      const done = await request(http.consent)
        .post(`/q/${token}/agree`)
        .type('form')
        .send(
          `phone=${phone}&code=${code}&${purposes.map((p) => `purposes=${p}`).join('&')}&channels=sms&agree=yes&nonce=${encodeURIComponent(formNonce(agreePage.text))}${shownNoticeFields(agreePage.text)}`,
        )
        .expect(200);
      expect(done.text).toContain('已加入');
    }
  },
);
