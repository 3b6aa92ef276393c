import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { installHttpEdge } from '@siyu/http';
import { TOPICS } from '@siyu/contracts';
import { generateSecretsEnv } from '@siyu/crypto';
import { KafkaTransport } from '@siyu/messaging';
import { createTestDatabase, describeWithKafka, testAuthKeys, uniqueTopicPrefix } from '@siyu/testing';
import { AudienceModule } from '../../audience/src/audience.module';
import { ConsentModule } from '../../consent/src/consent.module';
import { OrdersModule } from '../../orders/src/orders.module';
import { OutreachModule } from '../../outreach/src/outreach.module';
import { spyOnEvents, walkingSkeleton, type SkeletonHarness } from './walking-skeleton.flow';

describeWithKafka('walking skeleton as separate services over real Kafka', (brokers) => {
  const apps: INestApplication[] = [];
  const transports: KafkaTransport[] = [];
  let harness: SkeletonHarness;
  let events: string[];

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('kafkae2e');
    const authKeys = testAuthKeys();
    const secrets = generateSecretsEnv();
    const topicPrefix = uniqueTopicPrefix('skeleton');
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
    // Each service: its own Nest app, its own Kafka client and consumer group, its own DB role.
    const start = async (module: DynamicModule) => {
      const ref = await Test.createTestingModule({ imports: [module] }).compile();
      const app = ref.createNestApplication({ rawBody: true, logger: ['error', 'warn'] });
      installHttpEdge(app, { publicKey: authKeys.publicKey });
      await app.init();
      apps.push(app);
      return app.getHttpServer();
    };
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
    const audience = await start(
      AudienceModule.register({
        adminDatabaseUrl: adminUrl,
        transport: await transport('audience'),
        brandId: brand.id,
      }),
    );
    const outreach = await start(
      OutreachModule.register({
        ...common,
        transport: await transport('outreach'),
        brand: { id: brand.id, signature: brand.signature },
        publicBaseUrl,
      }),
    );
    harness = { adminUrl, authKeys, secrets, http: { orders, consent, audience, outreach } };
  }, 120_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    for (const t of transports) await t.disconnect();
  });

  it('imports, invites, consents, segments, sends, and after "no" sends nothing more', async () => {
    await walkingSkeleton(harness, events);
    // Every service's events crossed the real broker (the flow itself asserts each step).
    const types = new Set(events.map((e) => JSON.parse(e).type));
    expect([...types].sort()).toEqual(
      expect.arrayContaining([
        'audience.segment-materialized.v1',
        'consent.granted.v1',
        'consent.withdrawn.v1',
        'orders.ingested.v1',
      ]),
    );
  }, 120_000);
});
