import { randomBytes, randomUUID } from 'node:crypto';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { TOPICS, type SegmentMaterializedV1 } from '@siyu/contracts';
import { generateSecretsEnv, loadTokenSigner } from '@siyu/crypto';
import { KafkaTransport } from '@siyu/messaging';
import {
  adminQuery,
  bearer,
  createTestDatabase,
  describeWithKafka,
  FakeWechat,
  FakeWechatOAuth,
  FakeWechatSubscriptionServer,
  testAuthKeys,
  uniqueTopicPrefix,
  waitFor,
} from '@siyu/testing';
import { ConsentModule } from '../../consent/src/consent.module';
import { OutreachModule } from '../../outreach/src/outreach.module';

const APP = { appId: 'wx00000000sres0001', appSecret: 'fake-wechat-result-secret' };
const TOKEN = 'send-result-callback-token';
const TEMPLATE = 'tmpl-send-result-e2e';
const SEND = '/cgi-bin/message/subscribe/bizsend';

describeWithKafka(
  'a WeChat send in doubt is settled by WeChat’s send-result push to consent’s callback, over real Kafka (issue 17 §3)',
  (brokers) => {
    const apps: INestApplication[] = [];
    const transports: KafkaTransport[] = [];
    const authKeys = testAuthKeys();
    const secrets = generateSecretsEnv();
    let adminUrl: string;
    let consentUrl: string;
    let outreach: App;
    let publisher: KafkaTransport;
    let oauth: FakeWechatOAuth;
    let wechat: FakeWechatSubscriptionServer;
    let callback: FakeWechat;
    const events: { topic: string; value: string }[] = [];

    beforeAll(async () => {
      adminUrl = await createTestDatabase('wechatresults');
      const topicPrefix = uniqueTopicPrefix('wxresult');
      const transport = async (clientId: string) => {
        const t = new KafkaTransport({ brokers, clientId, partitions: 3, topicPrefix });
        await t.connect();
        transports.push(t);
        return t;
      };
      publisher = await transport('test-publisher');
      await publisher.ensureTopics(Object.values(TOPICS));
      await publisher.subscribe('wxresult-pii-spy', Object.values(TOPICS), async (m) => {
        events.push({ topic: m.topic, value: m.value });
      });
      oauth = new FakeWechatOAuth(APP);
      await oauth.start();
      wechat = await FakeWechatSubscriptionServer.start({
        ...APP,
        templates: { [TEMPLATE]: ['thing1', 'time2'] },
      });
      const start = async (module: DynamicModule, listen = false) => {
        const ref = await Test.createTestingModule({ imports: [module] }).compile();
        const app = ref.createNestApplication({ logger: ['error'] });
        installHttpEdge(app, { publicKey: authKeys.publicKey });
        await app.init();
        if (listen) await app.listen(0, '127.0.0.1');
        apps.push(app);
        return app;
      };
      const brand = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };
      const consent = await start(
        ConsentModule.register({
          adminDatabaseUrl: adminUrl,
          env: {
            ...secrets,
            WECHAT_APP_ID: APP.appId,
            WECHAT_APP_SECRET: APP.appSecret,
            WECHAT_OAUTH_BASE_URL: oauth.baseUrl,
            WECHAT_API_BASE_URL: oauth.baseUrl,
            WECHAT_TOKEN: TOKEN,
          },
          transport: await transport('consent'),
          brand,
          publicBaseUrl: 'http://127.0.0.1:3002',
          watermarkIntervalMs: 100,
        }),
        true,
      );
      consentUrl = `http://127.0.0.1:${consent.getHttpServer().address().port}`;
      callback = new FakeWechat({ baseUrl: consentUrl, token: TOKEN });
      outreach = (
        await start(
          OutreachModule.register({
            adminDatabaseUrl: adminUrl,
            env: {
              ...secrets,
              WECHAT_APP_ID: APP.appId,
              WECHAT_APP_SECRET: APP.appSecret,
              WECHAT_API_BASE_URL: wechat.baseUrl,
            },
            transport: await transport('outreach'),
            brand: { id: brand.id, signature: brand.signature },
            publicBaseUrl: 'http://127.0.0.1:3002',
            runner: { pollMs: 50, chunkSize: 100 },
          }),
        )
      ).getHttpServer();
    }, 120_000);

    afterAll(async () => {
      for (const app of apps.reverse()) await app.close();
      for (const t of transports) await t.disconnect();
      await oauth?.stop();
      await wechat?.close();
    });

    /** Door 2 by 用微信授权: card page → WeChat OAuth → agree, which binds the openid to the subject. */
    async function agreeThroughWechat(openid: string): Promise<string> {
      const orderRef = randomUUID();
      const token = loadTokenSigner(secrets, 'INVITE').sign(
        { o: orderRef, b: 'demo' },
        { purpose: 'qr-invite', expiresInSeconds: 3600 },
      );
      const startAt = await request(consentUrl).get(`/q/${token}/wechat/start`).expect(302);
      oauth.signInAs(openid);
      const back = await fetch(startAt.headers.location, { redirect: 'manual' });
      const next = new URL(back.headers.get('location')!);
      const step = await request(consentUrl).get(`${next.pathname}${next.search}`).expect(200);
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(step.text)![1];
      const form = new URLSearchParams({
        nonce: field('nonce'),
        lang: field('lang'),
        notice: field('notice'),
        ticket: field('ticket'),
        purposes: 'marketing_messages',
        channels: 'wechat',
        agree: 'yes',
        tz: 'Asia/Shanghai',
      });
      await request(consentUrl)
        .post(`/q/${token}/wechat/agree`)
        .type('form')
        .send(form.toString())
        .expect(200);
      const [row] = await adminQuery<{ subject_ref: string }>(
        adminUrl,
        `SELECT subject_ref FROM consent.ledger WHERE evidence->>'orderRef' = $1`,
        [orderRef],
      );
      return row.subject_ref;
    }

    async function materialize(refs: string[]): Promise<string> {
      const segmentId = randomUUID();
      await publisher.publish([
        {
          topic: TOPICS.segmentMaterialized,
          key: segmentId,
          value: JSON.stringify({
            eventId: randomUUID(),
            schemaVersion: 1,
            occurredAt: new Date().toISOString(),
            type: 'audience.segment-materialized.v1',
            segmentId,
            brandId: 'demo',
            version: 1,
            purpose: 'marketing_messages',
            channel: 'wechat',
            part: 0,
            parts: 1,
            size: refs.length,
            subjectRefs: refs,
          } satisfies SegmentMaterializedV1),
        },
      ]);
      await waitFor(
        async () =>
          (
            await adminQuery(
              adminUrl,
              'SELECT 1 FROM outreach.segment_versions WHERE segment_id = $1 AND parts_received >= parts',
              [segmentId],
            )
          ).length === 1,
        'segment applied in outreach',
        30_000,
      );
      return segmentId;
    }

    it('answer lost after WeChat accepted → WeChat pushes subscribe_msg_sent_event to consent → outreach marks the send delivered, sends nothing twice, and no event carries the openid', async () => {
      const openid = `o${randomBytes(20).toString('base64url')}`;
      const subjectRef = await agreeThroughWechat(openid);
      await waitFor(
        async () =>
          (
            await adminQuery(
              adminUrl,
              `SELECT 1 FROM outreach.contact_points WHERE subject_ref = $1 AND channel = 'wechat'`,
              [subjectRef],
            )
          ).length === 1,
        'WeChat contact point in outreach',
        30_000,
      );
      // Two subscriptions accepted: a blind resend would reach the member twice.
      wechat.accept(openid, TEMPLATE, 2);
      wechat.hangNext(SEND);
      const marketer = await bearer(authKeys, 'marketer');
      const campaign = await request(outreach)
        .post('/api/v1/outreach/campaigns')
        .set('Authorization', marketer)
        .send({
          name: 'WeChat member day',
          segmentId: await materialize([subjectRef]),
          purpose: 'marketing_messages',
          channel: 'wechat',
          wechat: { templateId: TEMPLATE, data: { thing1: '会员日满200减30', time2: '2026-12-12' } },
          variants: [{ name: 'A', variables: {} }],
          schedule: { kind: 'now' },
          quietHours: { start: '00:00', end: '24:00' },
        })
        .expect(201);
      const started = await request(outreach)
        .post(`/api/v1/outreach/campaigns/${campaign.body.id}/runs`)
        .set('Authorization', marketer)
        .expect(202);
      const runOf = async () =>
        (
          await request(outreach)
            .get(`/api/v1/outreach/runs/${started.body.id}`)
            .set('Authorization', marketer)
            .expect(200)
        ).body;
      // WeChat took the message (the fake recorded it) and its answer never comes back.
      await waitFor(
        async () => wechat.sent.some((s) => s.openid === openid),
        'bizsend accepted',
        30_000,
        100,
      );
      expect((await runOf()).results).toMatchObject({ reconciling: 1, delivered: 0 });

      const [sent] = wechat.sent.filter((s) => s.openid === openid);
      const pushed = await callback.sendResult(wechat.resultOf(sent));
      expect(pushed.text).toBe('success');

      const run = await waitFor(
        async () => {
          const r = await runOf();
          return r.state === 'done' ? r : null;
        },
        'run done after the send-result event',
        60_000,
        100,
      );
      expect(run.results).toMatchObject({ targeted: 1, submitted: 1, delivered: 1, reconciling: 0 });
      const [send] = await adminQuery(
        adminUrl,
        'SELECT state, vendor_message_id FROM outreach.sends WHERE run_id = $1',
        [started.body.id],
      );
      expect(send).toEqual({ state: 'delivered', vendor_message_id: sent.msgid });
      expect(wechat.calls.filter((c) => c.path === SEND && c.body.touser === openid)).toHaveLength(1);
      expect(wechat.remaining(openid, TEMPLATE)).toBe(1);
      const results = events.filter((e) => e.topic.endsWith(TOPICS.consentWechatSendResult));
      expect(results.map((e) => JSON.parse(e.value))).toEqual([
        expect.objectContaining({ subjectRef, msgId: sent.msgid, templateId: TEMPLATE, errorCode: 0 }),
      ]);
      expect(JSON.stringify(events)).not.toContain(openid);
    }, 180_000);
  },
);
