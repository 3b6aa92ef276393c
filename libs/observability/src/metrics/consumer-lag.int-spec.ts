import type { DataSource } from 'typeorm';
import { KafkaTransport, MessagingTables1763900000000 } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { createTestDatabase, describeWithKafka, uniqueTopicPrefix, waitFor } from '@siyu/testing';
import { ServiceProbe } from '../health/readiness';
import { metricsRegistry } from './metrics';

describeWithKafka('consumer lag on /metrics, from a real broker', (brokers) => {
  let ds: DataSource;
  const transports: KafkaTransport[] = [];
  const limits = { outboxMaxAgeSeconds: 60, timeoutMs: 10_000 };

  beforeAll(async () => {
    ds = await openServiceDataSource({
      database: await provisionServiceDatabase(await createTestDatabase('lag'), 'lagsvc'),
      entities: [],
      migrations: [MessagingTables1763900000000],
    });
  });
  afterAll(async () => {
    for (const t of transports) await t.disconnect();
    await ds?.destroy();
  });

  const lagLine = async (partition: number) =>
    new RegExp(
      `siyu_consumer_lag_messages\\{group="lagsvc.orders",topic="orders.ingested.v1",partition="${partition}"\\} (\\d+)`,
    ).exec(await metricsRegistry.metrics())?.[1];

  it('shows how many messages a group has yet to process per partition, and 0 once it caught up', async () => {
    const prefix = uniqueTopicPrefix('lag');
    const transport = new KafkaTransport({ brokers, clientId: 'lag', partitions: 1, topicPrefix: prefix });
    transports.push(transport);
    await transport.connect();
    await transport.ensureTopics(['orders.ingested.v1']);
    // Six events wait on the partition before the consumer starts; it holds on to the first one.
    await transport.publish(
      Array.from({ length: 6 }, (_, i) => ({ topic: 'orders.ingested.v1', key: `k${i}`, value: `v${i}` })),
    );
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const handled: string[] = [];
    await transport.subscribe('lagsvc.orders', ['orders.ingested.v1'], async (m) => {
      await held;
      handled.push(m.value);
    });
    const probe = new ServiceProbe('lagsvc', ds, transport, []);

    const before = await probe.probe(limits);
    expect(before['lagsvc.consumers']).toEqual({ up: true, lag: { 'lagsvc.orders': 6 } });
    expect(await lagLine(0)).toBe('6');

    release();
    await waitFor(async () => handled.length === 6, 'six handled', 30_000);
    // The offset is committed after the batch's handlers resolved: lag falls to 0.
    await waitFor(
      async () =>
        ((await probe.probe(limits))['lagsvc.consumers'] as unknown as { lag: Record<string, number> }).lag[
          'lagsvc.orders'
        ] === 0,
      'lag 0',
      30_000,
      200,
    );
    expect(await lagLine(0)).toBe('0');
  }, 90_000);
});
