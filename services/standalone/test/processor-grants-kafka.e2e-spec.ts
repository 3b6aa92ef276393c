import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { TOPICS } from '@siyu/contracts';
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
import { IdentityModule } from '../../identity/src/identity.module';
import { PrivacyModule } from '../../privacy/src/privacy.module';
import { ENTRUSTMENT_DUTIES } from '../../privacy/src/processors/processor-register';
import { spyOnEvents } from './walking-skeleton.flow';

const DAY = 86_400_000;
const AGENCY = '星河营销咨询有限公司';

/**
 * R15 / ADR 0013 over the real broker: privacy, identity and audience run as their own Nest apps, each
 * with its own Kafka client, on one broker. A revocation reaches audience only as
 * `privacy.processor-grant-ended.v1`; once audience's consumer has recorded it, the agency's next call
 * is refused although its token has not expired.
 */
describeWithKafka(
  'processor grant revocation over real Kafka stops the agency in audience (R15)',
  (brokers) => {
    const apps: INestApplication[] = [];
    const transports: KafkaTransport[] = [];
    const authKeys = testAuthKeys();
    let adminUrl: string;
    let http: { privacy: App; identity: App; audience: App };
    let events: string[];

    beforeAll(async () => {
      adminUrl = await createTestDatabase('grantskafka');
      const topicPrefix = uniqueTopicPrefix('grants');
      const transport = async (clientId: string) => {
        const t = new KafkaTransport({ brokers, clientId, partitions: 3, topicPrefix });
        await t.connect();
        transports.push(t);
        return t;
      };
      // Every topic exists, with leaders, before the services subscribe and produce.
      const spy = await transport('grants-spy');
      for (let attempt = 1; ; attempt++) {
        try {
          await spy.ensureTopics(Object.values(TOPICS));
          break;
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      events = await spyOnEvents(spy, [
        TOPICS.privacyProcessorGrantIssued,
        TOPICS.privacyProcessorGrantEnded,
      ]);
      const start = async (module: DynamicModule) => {
        const ref = await Test.createTestingModule({ imports: [module] }).compile();
        const app = ref.createNestApplication({ rawBody: true, logger: ['error', 'warn'] });
        installHttpEdge(app, { publicKey: authKeys.publicKey });
        await app.init();
        apps.push(app);
        return app.getHttpServer();
      };
      const brandId = 'demo';
      http = {
        privacy: await start(
          PrivacyModule.register({
            adminDatabaseUrl: adminUrl,
            transport: await transport('privacy'),
            brandId,
          }),
        ),
        identity: await start(
          IdentityModule.register({
            adminDatabaseUrl: adminUrl,
            authKeys,
            transport: await transport('identity'),
          }),
        ),
        audience: await start(
          AudienceModule.register({
            adminDatabaseUrl: adminUrl,
            transport: await transport('audience'),
            brandId,
          }),
        ),
      };
    }, 120_000);

    afterAll(async () => {
      for (const app of apps.reverse()) await app.close();
      for (const t of transports) await t.disconnect();
    });

    it("after audience's consumer applies the ended event from the broker, the agency's next call is 403 PROCESSOR_GRANT_ENDED with a token still valid, and no event names the agency", async () => {
      const officer = await bearer(authKeys, 'privacy_officer');
      const admin = await bearer(authKeys, 'admin');
      const marketer = await bearer(authKeys, 'marketer');
      const segmentId: string = (
        await request(http.audience)
          .post('/api/v1/audience/segments')
          .set('Authorization', marketer)
          .send({ name: 'agency plan', purpose: 'marketing_messages', channel: 'sms' })
          .expect(201)
      ).body.id;

      const grant = (
        await request(http.privacy)
          .post('/api/v1/privacy/processor-grants')
          .set('Authorization', officer)
          .send({
            processorName: AGENCY,
            contractReference: 'DPA-2026-031',
            purpose: 'campaign_planning',
            fields: ['member_ref_pseudonymised', 'segment_membership'],
            validFrom: new Date(Date.now() - 60_000).toISOString(),
            validUntil: new Date(Date.now() + 30 * DAY).toISOString(),
            dutiesAcknowledged: [...ENTRUSTMENT_DUTIES],
          })
          .expect(201)
      ).body as { id: string };

      // Identity learns the grant from privacy's event over the broker; until then it says GRANT_UNKNOWN.
      let created: request.Response | undefined;
      await waitFor(
        async () => {
          created = await request(http.identity)
            .post('/api/v1/identity/api-keys')
            .set('Authorization', admin)
            .send({ name: 'xinghe-agency', role: 'processor', grantId: grant.id });
          if (created.status !== 201) expect(created.body.code).toBe('GRANT_UNKNOWN');
          return created.status === 201;
        },
        'identity knows the grant',
        60_000,
      );
      const token: string = (
        await request(http.identity)
          .post('/api/v1/identity/tokens')
          .set('X-Api-Key', created!.body.key)
          .expect(200)
      ).body.token;
      const members = () =>
        request(http.audience)
          .get(`/api/v1/audience/processor-access/segments/${segmentId}/members`)
          .set('Authorization', `Bearer ${token}`);
      expect((await members().expect(200)).body).toMatchObject({ grantId: grant.id, members: [] });

      await request(http.privacy)
        .post(`/api/v1/privacy/processor-grants/${grant.id}/revocation`)
        .set('Authorization', officer)
        .expect(200);
      // Audience hears of the revocation only through the broker: wait until its consumer recorded it…
      await waitFor(
        async () =>
          (
            await adminQuery(adminUrl, 'SELECT 1 FROM audience.processor_grant_endings WHERE grant_id = $1', [
              grant.id,
            ])
          ).length === 1,
        "audience's consumer applied privacy.processor-grant-ended.v1",
        60_000,
      );
      // …then the very next call is refused, with the same token (valid for longer).
      const refused = await members().expect(403);
      expect(refused.body.code).toBe('PROCESSOR_GRANT_ENDED');
      const [{ outcome }] = await adminQuery<{ outcome: string }>(
        adminUrl,
        'SELECT outcome FROM audience.audit_log WHERE subject = $1 ORDER BY seq DESC LIMIT 1',
        [`processor-grant:${grant.id}`],
      );
      expect(outcome).toBe('refused');
      // Identity, also over the broker, stops trading the key for tokens.
      await waitFor(
        async () =>
          (await request(http.identity).post('/api/v1/identity/tokens').set('X-Api-Key', created!.body.key))
            .status === 409,
        'identity refuses new tokens for the ended grant',
        60_000,
      );

      // Both events travelled, and neither names the agency or its contract.
      await waitFor(async () => events.length >= 2, 'the spy saw both grant events');
      const types = events.map((e) => (JSON.parse(e) as { type: string }).type);
      expect(types).toEqual(
        expect.arrayContaining(['privacy.processor-grant-issued.v1', 'privacy.processor-grant-ended.v1']),
      );
      for (const e of events) {
        expect(e).not.toContain(AGENCY);
        expect(e).not.toContain('DPA-2026-031');
      }
    });
  },
);
