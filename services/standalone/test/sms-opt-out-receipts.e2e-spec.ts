import { randomUUID } from 'node:crypto';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { DataSource } from 'typeorm';
import { bearer } from '@siyu/testing';
import { installHttpEdge } from '@siyu/http';
import { TOPICS, type SegmentMaterializedV1 } from '@siyu/contracts';
import { generateSecretsEnv, loadContactKeys } from '@siyu/crypto';
import { KafkaTransport, ServiceMessaging } from '@siyu/messaging';
import {
  adminQuery,
  createTestDatabase,
  describeWithKafka,
  testAuthKeys,
  uniqueTopicPrefix,
  waitFor,
} from '@siyu/testing';
import { ConsentModule } from '../../consent/src/consent.module';
import { CONSENT_DB } from '../../consent/src/consent.options';
import { RecordGrant } from '../../consent/src/ledger/record-grant.use-case';
import { OutreachModule } from '../../outreach/src/outreach.module';
import { RecordingSmsChannel, RecordingSmsVendor } from '../../outreach/test/recording-sms-vendor';

const RECEIPT_TOKEN = 'aliyun-receipt-token-e2e';

describeWithKafka(
  'an SMS vendor’s opt-out receipt withdraws consent over real Kafka (issue 17 §5, R9)',
  (brokers) => {
    const apps: INestApplication[] = [];
    const transports: KafkaTransport[] = [];
    const vendor = new RecordingSmsVendor();
    const authKeys = testAuthKeys();
    let adminUrl: string;
    let outreach: App;
    let consent: INestApplication;
    let publisher: KafkaTransport;
    let events: { topic: string; value: string }[];
    const secrets = { ...generateSecretsEnv(), ALIYUN_SMS_RECEIPT_TOKEN: RECEIPT_TOKEN };

    beforeAll(async () => {
      adminUrl = await createTestDatabase('optoute2e');
      const topicPrefix = uniqueTopicPrefix('optout');
      const transport = async (clientId: string) => {
        const t = new KafkaTransport({ brokers, clientId, partitions: 3, topicPrefix });
        await t.connect();
        transports.push(t);
        return t;
      };
      publisher = await transport('test-publisher');
      await publisher.ensureTopics(Object.values(TOPICS));
      events = [];
      await publisher.subscribe('pii-scan-spy', Object.values(TOPICS), async (m) => {
        events.push({ topic: m.topic, value: m.value });
      });
      const vendorUrl = await vendor.start();
      const start = async (module: DynamicModule) => {
        const ref = await Test.createTestingModule({ imports: [module] }).compile();
        const app = ref.createNestApplication({ logger: ['error', 'warn'] });
        installHttpEdge(app, { publicKey: authKeys.publicKey });
        await app.init();
        apps.push(app);
        return app;
      };
      const brand = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };
      consent = await start(
        ConsentModule.register({
          adminDatabaseUrl: adminUrl,
          env: secrets,
          transport: await transport('consent'),
          brand,
          publicBaseUrl: 'http://127.0.0.1:3002',
          watermarkIntervalMs: 100,
        }),
      );
      outreach = (
        await start(
          OutreachModule.register({
            adminDatabaseUrl: adminUrl,
            env: secrets,
            transport: await transport('outreach'),
            brand: { id: brand.id, signature: brand.signature },
            publicBaseUrl: 'http://127.0.0.1:3002',
            smsChannels: () => [new RecordingSmsChannel(vendorUrl)],
            runner: { pollMs: 50, chunkSize: 100 },
          }),
        )
      ).getHttpServer();
    }, 120_000);

    afterAll(async () => {
      for (const app of apps.reverse()) await app.close();
      for (const t of transports) await t.disconnect();
      await vendor.stop();
    });

    /** A member with SMS marketing consent, granted in consent's ledger as a door would grant it. */
    async function member(phone: string): Promise<string> {
      const subjectRef = randomUUID();
      const sealed = loadContactKeys(secrets).seal(phone, subjectRef);
      await consent.get<DataSource>(CONSENT_DB).transaction((tx) =>
        consent.get(RecordGrant).in(tx, {
          brandId: 'demo',
          subjectRef,
          purposes: ['marketing_messages'],
          channels: ['sms'],
          noticeHash: 'a'.repeat(64),
          door: 'parcel_qr',
          evidence: { test: 'e2e' },
          evidenceRef: randomUUID(),
          contactPoints: [{ channel: 'sms', sealed }],
          link: {},
        }),
      );
      consent.get(ServiceMessaging).relay.kick();
      return subjectRef;
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
            channel: 'sms',
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

    async function runCampaign(segmentId: string, templateId: string): Promise<any> {
      const marketer = await bearer(authKeys, 'marketer');
      const campaign = await request(outreach)
        .post('/api/v1/outreach/campaigns')
        .set('Authorization', marketer)
        .send({
          name: 'winter',
          segmentId,
          purpose: 'marketing_messages',
          channel: 'sms',
          templateId,
          variants: [{ name: 'A', variables: { offer_code: 'WINTER8' } }],
          schedule: { kind: 'now' },
          quietHours: { start: '00:00', end: '24:00' },
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
          return r.body.state === 'done' ? r.body : null;
        },
        'run done',
        60_000,
        100,
      );
    }

    it('a TD receipt from the vendor becomes a withdrawal in the ledger, and the next campaign’s gate refuses that member', async () => {
      const phoneA = '13911110001';
      const phoneB = '13911110002';
      const a = await member(phoneA);
      const b = await member(phoneB);
      await waitFor(
        async () =>
          (
            await adminQuery<{ n: number }>(
              adminUrl,
              'SELECT count(*)::int AS n FROM outreach.contact_points WHERE subject_ref = ANY ($1::uuid[])',
              [[a, b]],
            )
          )[0].n === 2,
        'grants applied in outreach',
        30_000,
      );
      const template = await request(outreach)
        .post('/api/v1/outreach/templates')
        .set('Authorization', await bearer(authKeys, 'marketer'))
        .send({
          vendor: 'aliyun',
          signName: '示例品牌',
          templateCode: 'SMS_E2E0001',
          name: 'winter',
          content: '广告 冬季会员价，券码${offer_code} 退订${unsubscribe_link} 回T退订',
          kind: 'marketing',
        })
        .expect(201);
      const first = await runCampaign(await materialize([a, b]), template.body.id);
      expect(first.results).toMatchObject({ targeted: 2, submitted: 2 });
      const sendOf = async (ref: string) =>
        (
          await adminQuery<{ send_id: string }>(
            adminUrl,
            'SELECT send_id FROM outreach.sends WHERE run_id = $1 AND subject_ref = $2',
            [first.id, ref],
          )
        )[0].send_id;
      const sendA = await sendOf(a);

      // The customer replied TD; the vendor reports the message to A as unsubscribed.
      const receipt = [
        {
          phone_number: phoneA,
          success: false,
          biz_id: `v-${sendA}`,
          out_id: sendA,
          send_time: '2026-12-06 10:00:00',
          report_time: '2026-12-06 10:00:05',
          err_code: 'TD',
          err_msg: '用户退订',
          sms_size: '1',
        },
      ];
      await request(outreach)
        .post(`/webhooks/sms-receipts/aliyun?token=${RECEIPT_TOKEN}`)
        .send(receipt)
        .expect(200, { code: 0, msg: '成功' });

      const ledger = await waitFor(
        async () => {
          const rows = await adminQuery<{
            action: string;
            source: string;
            channels: string[];
            evidence: any;
          }>(
            adminUrl,
            "SELECT action, source, channels, evidence FROM consent.ledger WHERE subject_ref = $1 AND action = 'withdrawn'",
            [a],
          );
          return rows.length > 0 ? rows : null;
        },
        'withdrawal in the consent ledger',
        30_000,
      );
      expect(ledger).toEqual([
        expect.objectContaining({
          action: 'withdrawn',
          source: 'sms_vendor_receipt',
          channels: ['sms'],
          evidence: expect.objectContaining({
            kind: 'vendor_unsubscribed',
            vendor: 'aliyun',
            sendId: sendA,
            vendorCode: 'TD',
          }),
        }),
      ]);
      await waitFor(
        async () =>
          (
            await adminQuery(
              adminUrl,
              "SELECT 1 FROM outreach.consent_projection WHERE subject_ref = $1 AND channel = 'sms' AND NOT granted",
              [a],
            )
          ).length === 1,
        'withdrawal applied in outreach',
        30_000,
      );

      const second = await runCampaign(await materialize([a, b]), template.body.id);
      expect(second.results).toMatchObject({ targeted: 2, submitted: 1, blocked: { consent_withdrawn: 1 } });
      expect(vendor.received.filter((m) => m.phone === phoneA)).toHaveLength(1);
      expect(vendor.received.filter((m) => m.phone === phoneB)).toHaveLength(2);

      // The event names the subject and the send, never the number (R16).
      const optOuts = events.filter((e) => e.topic.endsWith(TOPICS.smsOptOutReceived));
      expect(optOuts).toHaveLength(1);
      expect(JSON.parse(optOuts[0].value)).toMatchObject({ subjectRef: a, kind: 'vendor_unsubscribed' });
      for (const e of events) {
        expect(e.value).not.toContain(phoneA);
        expect(e.value).not.toContain(phoneA.slice(-8));
      }

      // Delivered twice (Kafka is at least once): the inbox applies it once, no second ledger entry.
      await publisher.publish([{ topic: TOPICS.smsOptOutReceived, key: a, value: optOuts[0].value }]);
      await request(outreach)
        .post(`/webhooks/sms-receipts/aliyun?token=${RECEIPT_TOKEN}`)
        .send(receipt)
        .expect(200);
      await new Promise((r) => setTimeout(r, 1500));
      expect(
        await adminQuery(
          adminUrl,
          "SELECT 1 FROM consent.ledger WHERE subject_ref = $1 AND action = 'withdrawn'",
          [a],
        ),
      ).toHaveLength(1);
    }, 180_000);
  },
);
