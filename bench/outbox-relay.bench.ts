/**
 * Outbox relay → real Kafka throughput, against a raw batched producer sending the same events in
 * the same run (ISSUE 3 §9). Not a test: it prints its figures. Needs KAFKA_BROKERS.
 *
 *   npm run kafka:start && KAFKA_BROKERS=127.0.0.1:9092 npm run bench:outbox [-- <events>]
 *
 * The baseline is `KafkaTransport.publish` fed straight from memory: kafkajs `sendBatch`, acks=all,
 * 500 messages per request — the same client and batching the relay uses, minus PostgreSQL.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaTransport, MessagingTables1763900000000, OutboxRelay } from '../libs/messaging/src';
import { createDatabaseIfMissing, openServiceDataSource, provisionServiceDatabase, startEmbeddedPostgres } from '../libs/persistence/src';

const N = Number(process.argv[2] ?? 50_000);
const BATCH = 500;

function event(i: number) {
  const subjectRef = randomUUID();
  return {
    subjectRef,
    payload: JSON.stringify({
      eventId: randomUUID(),
      type: 'consent.withdrawn.v1',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      subjectRef,
      brandId: 'bench',
      purposes: ['marketing_messages'],
      channels: ['sms'],
      source: 'sms_reply',
      ledgerSeq: i + 1,
      effectiveAt: new Date().toISOString(),
    }),
  };
}

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS?.split(',');
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run `npm run kafka:start` first');
  const pg = process.env.DATABASE_URL
    ? { adminUrl: process.env.DATABASE_URL, stop: async () => {} }
    : await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'siyu-bench-pg-')), persistent: false });
  const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `bench_${Date.now()}`);
  const ds = await openServiceDataSource({ database: await provisionServiceDatabase(adminUrl, 'bench'), entities: [], migrations: [MessagingTables1763900000000] });
  const prefix = `bench-${Date.now()}.`;
  const transport = new KafkaTransport({ brokers, clientId: 'bench', partitions: 3, topicPrefix: prefix });
  await transport.connect();
  await transport.ensureTopics(['relay.v1', 'raw.v1']);

  const events = Array.from({ length: N }, (_, i) => event(i));
  for (let i = 0; i < N; i += BATCH) {
    const chunk = events.slice(i, i + BATCH);
    const params = chunk.flatMap((e) => [randomUUID(), 'relay.v1', e.subjectRef, e.payload]);
    const values = chunk.map((_, j) => `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4})`).join(',');
    await ds.query(`INSERT INTO outbox (event_id, topic, key, payload) VALUES ${values}`, params);
  }

  // Warm both paths so neither pays for metadata and connection set-up.
  await transport.publish([{ topic: 'raw.v1', key: 'warm', value: 'warm' }]);

  const t0 = process.hrtime.bigint();
  const relay = new OutboxRelay(ds, transport, 'bench', { batchSize: BATCH });
  await relay.drain();
  const relayMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const t1 = process.hrtime.bigint();
  for (let i = 0; i < N; i += BATCH) {
    await transport.publish(events.slice(i, i + BATCH).map((e) => ({ topic: 'raw.v1', key: e.subjectRef, value: e.payload })));
  }
  const rawMs = Number(process.hrtime.bigint() - t1) / 1e6;

  const [{ unsent }] = await ds.query('SELECT count(*)::int AS unsent FROM outbox WHERE sent_at IS NULL');
  const relayRate = N / (relayMs / 1000);
  const rawRate = N / (rawMs / 1000);
  console.log(`events: ${N}, batch: ${BATCH}, partitions: 3, acks: all`);
  console.log(`outbox relay (PostgreSQL → Kafka): ${relayRate.toFixed(0)} events/s (${relayMs.toFixed(0)} ms), unsent after drain: ${unsent}`);
  console.log(`raw batched producer (memory → Kafka): ${rawRate.toFixed(0)} events/s (${rawMs.toFixed(0)} ms)`);
  console.log(`ratio relay/raw: ${(relayRate / rawRate).toFixed(2)} (target ≥ 0.5)`);

  await transport.disconnect();
  await ds.destroy();
  await pg.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
