/**
 * Outbox relay → real Kafka throughput, against a raw batched producer sending the same events in
 * the same run (ISSUE 3 §9). Not a test: it prints its figures. Needs KAFKA_BROKERS.
 *
 *   npm run kafka:start && KAFKA_BROKERS=127.0.0.1:9092 npm run bench:outbox [-- <events>]
 *
 * The baseline is `KafkaTransport.publish` fed straight from memory: kafkajs `sendBatch`, acks=all,
 * one request per batch of the relay's size (RELAY_BATCH, default the relay's 1,000) — the same client
 * and batching the relay uses, minus PostgreSQL. Rounds alternate raw and relay; medians are compared,
 * and the CPU per event of this process, PostgreSQL and the broker's JVM (bench/cpu.ts) says where
 * the difference is spent.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownCpuSeconds, postmasterPid, serverCpuSeconds } from './cpu';
import { KafkaTransport, MessagingTables1763900000000, OutboxRelay } from '../libs/messaging/src';
import {
  createDatabaseIfMissing,
  openServiceDataSource,
  provisionServiceDatabase,
  startEmbeddedPostgres,
} from '../libs/persistence/src';

const N = Number(process.argv[2] ?? 50_000);
const BATCH = 500;
// The relay's batch (one publish request each); the raw baseline sends requests of the same size.
const RELAY_BATCH = Number(process.env.RELAY_BATCH ?? 1000);

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
    : await startEmbeddedPostgres({
        dataDir: mkdtempSync(join(tmpdir(), 'siyu-bench-pg-')),
        persistent: false,
      });
  const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `bench_${Date.now()}`);
  const ds = await openServiceDataSource({
    database: await provisionServiceDatabase(adminUrl, 'bench'),
    entities: [],
    migrations: [MessagingTables1763900000000],
  });
  const prefix = `bench-${Date.now()}.`;
  const transport = new KafkaTransport({ brokers, clientId: 'bench', partitions: 3, topicPrefix: prefix });
  await transport.connect();
  await transport.ensureTopics(['relay.v1', 'raw.v1']);

  const events = Array.from({ length: N }, (_, i) => event(i));
  const fillOutbox = async () => {
    for (let i = 0; i < N; i += BATCH) {
      const chunk = events.slice(i, i + BATCH);
      const params = chunk.flatMap((e) => [randomUUID(), 'relay.v1', e.subjectRef, e.payload]);
      const values = chunk
        .map((_, j) => `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4})`)
        .join(',');
      await ds.query(`INSERT INTO outbox (event_id, topic, key, payload) VALUES ${values}`, params);
    }
  };
  const relay = new OutboxRelay(ds, transport, 'bench', {
    batchSize: RELAY_BATCH,
    // RELAY_BATCHES_PER_ROUND: batches per relay transaction (default: the relay's own default).
    ...(process.env.RELAY_BATCHES_PER_ROUND
      ? { batchesPerRound: Number(process.env.RELAY_BATCHES_PER_ROUND) }
      : {}),
  });
  // Where the time goes: CPU of this process, of PostgreSQL's processes and of the broker's JVM
  // during each timed part (µs per event), next to its wall time.
  const postmaster = await postmasterPid((sql) => ds.query(sql));
  const cpu = { relay: [] as Cpu[], raw: [] as Cpu[] };
  const timed = async (kind: 'relay' | 'raw', work: () => Promise<void>) => {
    const before = cpuNow(postmaster);
    const loopBefore = performance.eventLoopUtilization();
    const t0 = process.hrtime.bigint();
    await work();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const loop = performance.eventLoopUtilization(loopBefore);
    const after = cpuNow(postmaster);
    cpu[kind].push({
      node: after.node - before.node,
      postgres: after.postgres - before.postgres,
      broker: after.broker - before.broker,
      loopBusy: loop.utilization,
    });
    return ms;
  };
  const timeRelay = async () => {
    await fillOutbox(); // not timed
    return timed('relay', () => relay.drain());
  };
  const timeRaw = () =>
    timed('raw', async () => {
      for (let i = 0; i < N; i += RELAY_BATCH) {
        await transport.publish(
          events
            .slice(i, i + RELAY_BATCH)
            .map((e) => ({ topic: 'raw.v1', key: e.subjectRef, value: e.payload })),
        );
      }
    });

  // Warm both paths, then alternate them so neither gets the warmer JIT or the quieter machine.
  await transport.publish([{ topic: 'raw.v1', key: 'warm', value: 'warm' }]);
  const rounds = Number(process.env.ROUNDS ?? 3);
  const relayMs: number[] = [];
  const rawMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    rawMs.push(await timeRaw());
    relayMs.push(await timeRelay());
  }
  const [{ unsent }] = await ds.query('SELECT count(*)::int AS unsent FROM outbox');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rate = (ms: number) => N / (ms / 1000);
  console.log(
    `events per round: ${N}, rounds: ${rounds}, producer batch: ${RELAY_BATCH}, partitions: 3, acks: all`,
  );
  console.log(
    `outbox relay (PostgreSQL → Kafka), events/s per round: ${relayMs.map((ms) => rate(ms).toFixed(0)).join(', ')}; unsent after drain: ${unsent}`,
  );
  console.log(
    `raw batched producer (memory → Kafka), events/s per round: ${rawMs.map((ms) => rate(ms).toFixed(0)).join(', ')}`,
  );
  console.log(
    `median: relay ${rate(median(relayMs)).toFixed(0)} events/s, raw ${rate(median(rawMs)).toFixed(0)} events/s, ratio ${(median(rawMs) / median(relayMs)).toFixed(2)} (target ≥ 0.8)`,
  );

  const perEvent = (xs: Cpu[], k: 'node' | 'postgres' | 'broker') =>
    ((median(xs.map((c) => c[k])) * 1e6) / N).toFixed(1);
  for (const kind of ['raw', 'relay'] as const)
    console.log(
      `CPU per event, ${kind} (median of rounds): node ${perEvent(cpu[kind], 'node')} µs, ` +
        `PostgreSQL ${perEvent(cpu[kind], 'postgres')} µs, broker ${perEvent(cpu[kind], 'broker')} µs ` +
        `(wall ${((median(kind === 'raw' ? rawMs : relayMs) * 1e3) / N).toFixed(1)} µs on ${cpus().length} cores); ` +
        `event loop busy ${(median(cpu[kind].map((c) => c.loopBusy)) * 100).toFixed(0)} % of the wall time`,
    );

  await transport.disconnect();
  await ds.destroy();
  await pg.stop();
}

interface Cpu {
  node: number;
  postgres: number;
  broker: number;
  /** Share of the wall time this process's main thread was not waiting for I/O (event loop utilisation). */
  loopBusy: number;
}

function cpuNow(postmaster: number | null): Omit<Cpu, 'loopBusy'> {
  const { postgres, matching } = serverCpuSeconds(postmaster, 'kafka.Kafka');
  return { node: ownCpuSeconds(), postgres, broker: matching };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
