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
  captureOutput,
  createTestDatabase,
  describeWithKafka,
  FakeWechatOAuth,
  FakeWechatSubscriptionServer,
  FakeWecomServer,
  testAuthKeys,
  uniqueTopicPrefix,
  waitFor,
} from '@siyu/testing';
import { ConsentModule } from '../../consent/src/consent.module';
import { OutreachModule } from '../../outreach/src/outreach.module';

const APP = { appId: 'wx00000000door0001', appSecret: 'fake-wechat-door-secret' };
const CORP = {
  corpId: 'ww00000000door0002',
  secret: 'fake-wecom-door-secret-2',
  token: 'fakeDoorCallbackToken2',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
// The same WeCom app for consent (door, callbacks) and outreach (customer messages).
const WECOM_ENV = (baseUrl: string) => ({
  WECOM_CORP_ID: CORP.corpId,
  WECOM_SECRET: CORP.secret,
  WECOM_TOKEN: CORP.token,
  WECOM_AES_KEY: CORP.encodingAesKey,
  WECOM_API_BASE_URL: baseUrl,
});
const TEMPLATE = 'tmpl-door-member-day';

describeWithKafka(
  'a member who agreed through a platform door receives that platform’s campaign (issue 17 §3, R7, R16)',
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
    let wecom: FakeWecomServer;
    const events: { topic: string; value: string }[] = [];

    beforeAll(async () => {
      adminUrl = await createTestDatabase('doorcampaigns');
      const topicPrefix = uniqueTopicPrefix('doors');
      const transport = async (clientId: string) => {
        const t = new KafkaTransport({ brokers, clientId, partitions: 3, topicPrefix });
        await t.connect();
        transports.push(t);
        return t;
      };
      publisher = await transport('test-publisher');
      await publisher.ensureTopics(Object.values(TOPICS));
      await publisher.subscribe('door-pii-spy', Object.values(TOPICS), async (m) => {
        events.push({ topic: m.topic, value: m.value });
      });
      oauth = new FakeWechatOAuth(APP);
      await oauth.start();
      wechat = await FakeWechatSubscriptionServer.start({
        ...APP,
        templates: { [TEMPLATE]: ['thing1', 'time2'] },
      });
      wecom = await FakeWecomServer.start(CORP);
      const start = async (module: DynamicModule, listen = false) => {
        const ref = await Test.createTestingModule({ imports: [module] }).compile();
        // Every log level, so the capture below sees whatever a service would log.
        const app = ref.createNestApplication({ logger: ['log', 'error', 'warn', 'debug', 'verbose'] });
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
          // The same official account: its web OAuth gives the openid outreach later sends to.
          env: {
            ...secrets,
            WECHAT_APP_ID: APP.appId,
            WECHAT_APP_SECRET: APP.appSecret,
            WECHAT_OAUTH_BASE_URL: oauth.baseUrl,
            WECHAT_API_BASE_URL: oauth.baseUrl,
            WECHAT_TOKEN: 'door-test-token',
            ...WECOM_ENV(wecom.baseUrl),
          },
          transport: await transport('consent'),
          brand,
          publicBaseUrl: 'http://127.0.0.1:3002',
          watermarkIntervalMs: 100,
        }),
        true,
      );
      consentUrl = `http://127.0.0.1:${consent.getHttpServer().address().port}`;
      outreach = (
        await start(
          OutreachModule.register({
            adminDatabaseUrl: adminUrl,
            env: {
              ...secrets,
              WECHAT_APP_ID: APP.appId,
              WECHAT_APP_SECRET: APP.appSecret,
              WECHAT_API_BASE_URL: wechat.baseUrl,
              ...WECOM_ENV(wecom.baseUrl),
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
      await wecom?.close();
    });

    /** Door 2 by 用微信授权: card page → WeChat OAuth → agree, as the customer's browser does it. */
    async function agreeThroughWechat(openid: string, timeZone: string): Promise<string> {
      const orderRef = randomUUID();
      const token = loadTokenSigner(secrets, 'INVITE').sign(
        { o: orderRef, b: 'demo' },
        { purpose: 'qr-invite', expiresInSeconds: 3600 },
      );
      const startAt = await request(consentUrl).get(`/q/${token}/wechat/start`).expect(302);
      oauth.signInAs(openid);
      const back = await fetch(startAt.headers.location, { redirect: 'manual' });
      const callback = new URL(back.headers.get('location')!);
      const step = await request(consentUrl).get(`${callback.pathname}${callback.search}`).expect(200);
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(step.text)![1];
      const form = new URLSearchParams({
        nonce: field('nonce'),
        lang: field('lang'),
        notice: field('notice'),
        ticket: field('ticket'),
        purposes: 'marketing_messages',
        channels: 'wechat',
        agree: 'yes',
        tz: timeZone,
      });
      const done = await request(consentUrl)
        .post(`/q/${token}/wechat/agree`)
        .type('form')
        .send(form.toString())
        .expect(200);
      expect(done.text).toContain('已加入');
      const [row] = await adminQuery<{ subject_ref: string }>(
        adminUrl,
        `SELECT subject_ref FROM consent.ledger WHERE evidence->>'orderRef' = $1`,
        [orderRef],
      );
      return row.subject_ref;
    }

    /** The WeCom door: the customer adds the staff member, opens the welcome message's link, agrees. */
    async function agreeThroughWecom(externalUserId: string, staffUserId: string): Promise<string> {
      const welcomeCode = wecom.issueWelcomeCode(externalUserId, staffUserId);
      const added = await wecom.pushEvent(`${consentUrl}/webhooks/wecom`, {
        ToUserName: CORP.corpId,
        FromUserName: 'sys',
        CreateTime: String(Math.floor(Date.now() / 1000)),
        MsgType: 'event',
        Event: 'change_external_contact',
        ChangeType: 'add_external_contact',
        UserID: staffUserId,
        ExternalUserID: externalUserId,
        WelcomeCode: welcomeCode,
      });
      expect(added.status).toBe(200);
      const welcome = wecom.calls.find(
        (c) =>
          c.path === '/cgi-bin/externalcontact/send_welcome_msg' &&
          (c.body as { welcome_code?: string }).welcome_code === welcomeCode,
      );
      const text = (welcome!.body as { text: { content: string } }).text.content;
      const link = /http:\/\/127\.0\.0\.1:3002(\/w\/[\w.-]+)/.exec(text)![1];
      const page = await request(consentUrl).get(link).expect(200);
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page.text)![1];
      await request(consentUrl)
        .post(`${link}/agree`)
        .type('form')
        .send(
          new URLSearchParams({
            nonce: field('nonce'),
            lang: field('lang'),
            notice: field('notice'),
            purposes: 'marketing_messages',
            channels: 'wecom',
            agree: 'yes',
          }).toString(),
        )
        .expect(200);
      const [row] = await adminQuery<{ subject_ref: string }>(
        adminUrl,
        `SELECT subject_ref FROM consent.ledger WHERE evidence->>'contactVerifiedBy' = 'wecom_contact'
          ORDER BY seq DESC LIMIT 1`,
      );
      return row.subject_ref;
    }

    async function runCampaign(
      body: Record<string, unknown>,
      waitUntil: (run: any) => boolean,
    ): Promise<any> {
      const marketer = await bearer(authKeys, 'marketer');
      const campaign = await request(outreach)
        .post('/api/v1/outreach/campaigns')
        .set('Authorization', marketer)
        .send({
          name: 'door campaign',
          purpose: 'marketing_messages',
          variants: [{ name: 'A', variables: {} }],
          schedule: { kind: 'now' },
          quietHours: { start: '00:00', end: '24:00' },
          ...body,
        })
        .expect(201);
      const run = await request(outreach)
        .post(`/api/v1/outreach/campaigns/${campaign.body.id}/runs`)
        .set('Authorization', marketer)
        .expect(202);
      return waitFor(
        async () => {
          const r = await request(outreach)
            .get(`/api/v1/outreach/runs/${run.body.id}`)
            .set('Authorization', marketer)
            .expect(200);
          return waitUntil(r.body) ? r.body : null;
        },
        'run progressed',
        60_000,
        100,
      );
    }

    async function materialize(refs: string[], channel: 'wechat' | 'wecom'): Promise<string> {
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
            channel,
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

    it('an openid granted through the WeChat door reaches outreach sealed, with the member’s time zone, and the WeChat campaign is sent to it; the openid is in no log line and no event', async () => {
      const openid = `o${randomBytes(20).toString('base64url')}`; // 28 characters, as real openids
      let subjectRef = '';
      const output = await captureOutput(async () => {
        subjectRef = await agreeThroughWechat(openid, 'Asia/Tokyo');
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
        wechat.accept(openid, TEMPLATE);
        const marketer = await bearer(authKeys, 'marketer');
        const campaign = await request(outreach)
          .post('/api/v1/outreach/campaigns')
          .set('Authorization', marketer)
          .send({
            name: 'WeChat member day',
            segmentId: await materialize([subjectRef], 'wechat'),
            purpose: 'marketing_messages',
            channel: 'wechat',
            wechat: { templateId: TEMPLATE, data: { thing1: '会员日满200减30', time2: '2026-12-12' } },
            variants: [{ name: 'A', variables: {} }],
            schedule: { kind: 'now' },
            quietHours: { start: '00:00', end: '24:00' },
          })
          .expect(201);
        const run = await request(outreach)
          .post(`/api/v1/outreach/campaigns/${campaign.body.id}/runs`)
          .set('Authorization', marketer)
          .expect(202);
        const done = await waitFor(
          async () => {
            const r = await request(outreach)
              .get(`/api/v1/outreach/runs/${run.body.id}`)
              .set('Authorization', marketer)
              .expect(200);
            return r.body.state === 'done' ? r.body : null;
          },
          'run done',
          60_000,
          100,
        );
        expect(done.results).toMatchObject({ targeted: 1, submitted: 1 });
      });

      expect(wechat.sent.map((s) => [s.openid, s.templateId])).toEqual([[openid, TEMPLATE]]);
      // Stored sealed as the phone is (R16): the clear openid is in no outreach or consent row.
      const [cp] = await adminQuery<{ sealed: string }>(
        adminUrl,
        `SELECT sealed FROM outreach.contact_points WHERE subject_ref = $1 AND channel = 'wechat'`,
        [subjectRef],
      );
      expect(cp.sealed).toMatch(/^c1\./);
      expect(cp.sealed).not.toContain(openid);
      expect(
        await adminQuery(
          adminUrl,
          'SELECT time_zone FROM outreach.recipient_time_zones WHERE subject_ref = $1',
          [subjectRef],
        ),
      ).toEqual([{ time_zone: 'Asia/Tokyo' }]);
      const audit = await adminQuery<{ action: string; fields: string[] }>(
        adminUrl,
        `SELECT action, fields FROM outreach.audit_log WHERE subject = $1`,
        [subjectRef],
      );
      // Every decrypt is audited as a dispatch decrypt of the openid. A chunk re-claimed after its
      // lease lapsed (a loaded machine) decrypts and audits again without sending twice (checked above).
      expect(audit.length).toBeGreaterThanOrEqual(1);
      for (const row of audit)
        expect(row).toEqual(
          expect.objectContaining({ action: 'decrypt_contact_for_dispatch', fields: ['wechat_openid'] }),
        );

      // No PII in logs or events (R16): the openid travelled only inside the sealed contact point.
      expect(output).not.toContain(openid);
      const granted = events.find((e) => e.topic === TOPICS.consentGranted && e.value.includes(subjectRef));
      expect(JSON.parse(granted!.value)).toMatchObject({
        channels: ['wechat'],
        contactPoints: [{ channel: 'wechat', sealed: cp.sealed }],
        timeZone: 'Asia/Tokyo',
      });
      expect(events.length).toBeGreaterThan(1);
      for (const e of events) expect(e.value).not.toContain(openid);
    }, 120_000);

    it('a WeCom contact who agreed on the welcome message’s page receives a WeCom campaign from their staff member; the external_userid is in no log line and no event', async () => {
      const externalUserId = `wm${randomBytes(20).toString('base64url')}`;
      wecom.addContact(externalUserId, 'lisi');
      // The brand's notice lists WeCom (the door refuses otherwise, R5).
      await request(consentUrl)
        .post('/api/v1/consent/notices')
        .set('Authorization', await bearer(authKeys, 'privacy_officer'))
        .send({
          brandName: '示例品牌',
          brandContact: 'privacy@example.com',
          purposes: [
            { id: 'marketing_messages', description: '向您发送会员活动、新品与优惠信息（营销信息）' },
          ],
          channels: ['sms', 'wechat', 'wecom'],
          processingMethods: '收集、存储、使用；不向第三方提供；加密保存',
          dataCategories: ['企业微信联系人标识（加密保存）'],
          retention: '在您的同意有效期间保存',
          rights: '您可随时撤回同意；联系 privacy@example.com',
        })
        .expect(201);
      let subjectRef = '';
      const output = await captureOutput(async () => {
        subjectRef = await agreeThroughWecom(externalUserId, 'lisi');
        await waitFor(
          async () =>
            (
              await adminQuery(
                adminUrl,
                `SELECT 1 FROM outreach.contact_points WHERE subject_ref = $1 AND channel = 'wecom'`,
                [subjectRef],
              )
            ).length === 1,
          'WeCom contact point in outreach',
          30_000,
        );
        const run = await runCampaign(
          {
            segmentId: await materialize([subjectRef], 'wecom'),
            channel: 'wecom',
            wecom: { text: '广告 会员日满200减30，不想再收到点此 ${unsubscribe_link}' },
          },
          (r) => r.results.submitted === 1,
        );
        // `submitted` counts a send the gate admitted (`submitting`) before its task reached WeCom.
        const task = await waitFor(
          async () => wecom.tasks.find((t) => t.externalUserIds.includes(externalUserId)) ?? null,
          'WeCom task created',
          30_000,
        );
        expect(task!.sender).toBe('lisi');
        wecom.confirm(task!.msgid);
        expect(run.results).toMatchObject({ targeted: 1, submitted: 1 });
      });
      const audit = await adminQuery<{ action: string; fields: string[] }>(
        adminUrl,
        `SELECT action, fields FROM outreach.audit_log WHERE subject = $1`,
        [subjectRef],
      );
      expect(audit.length).toBeGreaterThanOrEqual(1); // a re-claimed chunk audits its decrypt again
      for (const row of audit)
        expect(row).toEqual(
          expect.objectContaining({
            action: 'decrypt_contact_for_dispatch',
            fields: ['wecom_external_userid'],
          }),
        );
      expect(output).not.toContain(externalUserId);
      for (const e of events) expect(e.value).not.toContain(externalUserId);
      const stored = await adminQuery(
        adminUrl,
        `SELECT (SELECT json_agg(c) FROM outreach.contact_points c)::text AS a,
                (SELECT json_agg(l) FROM consent.ledger l)::text AS b`,
      );
      expect(JSON.stringify(stored)).not.toContain(externalUserId);
    }, 120_000);
  },
);
