import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { TOPICS, type ConsentWithdrawnV1 } from '@siyu/contracts';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { createTestDatabase, uniqueTopicPrefix, waitFor } from '@siyu/testing';
import {
  addToOutbox,
  InboxConsumer,
  KafkaTransport,
  MessagingTables1763900000000,
  OutboxRelay,
} from './index';

/**
 * A broker restart must not cost minutes. This suite restarts a broker, so it never uses the shared one
 * (KAFKA_BROKERS serves every other Kafka suite at the same time): it starts its own single-node KRaft
 * broker with infra/kafka/kafka.sh on free ports and a temporary data directory, and restarts it the way
 * the chaos runner does (SIGKILL of the JVM, then the same command on the same data directory: logs,
 * offsets and groups survive). It needs the Kafka jars `.ci/run` / `npm run kafka:start` fetch.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const KAFKA_DIR = join(ROOT, 'infra', 'kafka');
const JARS = join(KAFKA_DIR, '.cache', 'lib');
const haveJars = existsSync(join(JARS, '.complete'));

/** The broker stays down this long: longer than a client's retry budget, as a JVM booting on a loaded machine. */
const DOWN_MS = 45_000;
/**
 * Liveness bound, not a benchmark: from the restarted broker answering a new client to the effect of an
 * event committed while it was down. A consumer whose retries ran out while the broker was down crashed
 * and came back as a new group member, and the broker completed its rejoin only once the old member's
 * session expired: 30.9 s on this machine with kafkajs's 30 s session (and tries up to 5 s apart), so
 * this test failed before the fix; 10.8 s after it (10 s session, tries at most 1 s apart). The rest of
 * the bound is slack for a loaded CI machine; the session expiry itself is the broker's timer.
 */
const RESUME_BOUND_MS = 25_000;

if (!haveJars)
  describe('a Kafka broker restart (own broker, not the shared one)', () => {
    it('is not run without the Kafka jars of `npm run kafka:start` (fails under CI=true)', () => {
      console.warn(
        `\n!!! KAFKA RESTART SUITE NOT RUN: no Kafka jars in ${JARS} (run \`npm run kafka:start\` once) !!!\n`,
      );
      expect(process.env.CI).not.toBe('true');
    });
  });
else
  describe('a Kafka broker restart (own broker, not the shared one)', () => {
    let dataDir: string;
    let port: number;
    let kafkaEnv: NodeJS.ProcessEnv;
    let producer: DataSource;
    let consumer: DataSource;
    let producerTransport: KafkaTransport;
    let consumerTransport: KafkaTransport;
    let relay: OutboxRelay;
    let inbox: InboxConsumer;
    const prefix = uniqueTopicPrefix('restart');

    beforeAll(async () => {
      dataDir = join(mkdtempSync(join(tmpdir(), 'siyu-kafka-restart-')), 'broker');
      port = await freePort();
      kafkaEnv = {
        ...process.env,
        KAFKA_DATA_DIR: dataDir,
        KAFKA_PORT: String(port),
        KAFKA_CONTROLLER_PORT: String(await freePort()),
        KAFKA_HEAP_OPTS: '-Xmx384m -Xms128m',
        KAFKA_START_TIMEOUT: '240',
      };
      const started = spawnSync('bash', [join(KAFKA_DIR, 'kafka.sh'), 'start'], {
        env: kafkaEnv,
        encoding: 'utf8',
      });
      if (started.status !== 0) throw new Error(`own broker did not start: ${started.stderr.slice(-2000)}`);

      const adminUrl = await createTestDatabase('krestart');
      producer = await openServiceDataSource({
        database: await provisionServiceDatabase(adminUrl, 'producer'),
        entities: [],
        migrations: [MessagingTables1763900000000],
      });
      consumer = await openServiceDataSource({
        database: await provisionServiceDatabase(adminUrl, 'consumer'),
        entities: [],
        migrations: [MessagingTables1763900000000],
      });
      await consumer.query(
        'CREATE TABLE effects (subject text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())',
      );
    }, 300_000);

    afterAll(async () => {
      await relay?.stop();
      await inbox?.stop().catch(() => undefined);
      await producerTransport?.disconnect().catch(() => undefined);
      await consumerTransport?.disconnect().catch(() => undefined);
      await producer?.destroy();
      await consumer?.destroy();
      if (kafkaEnv) spawnSync('bash', [join(KAFKA_DIR, 'kafka.sh'), 'stop'], { env: kafkaEnv });
      if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }, 120_000);

    const emit = (subject: string) =>
      producer.transaction((tx) =>
        addToOutbox<ConsentWithdrawnV1>(tx, TOPICS.consentWithdrawn, subject, {
          type: 'consent.withdrawn.v1',
          subjectRef: subject,
          brandId: 'acme',
          purposes: ['marketing_messages'],
          channels: ['sms'],
          source: 'unsubscribe_link',
          ledgerSeq: 1,
          effectiveAt: new Date().toISOString(),
        }),
      );
    const applied = async (subject: string) =>
      (await consumer.query('SELECT 1 FROM effects WHERE subject = $1', [subject])).length === 1;

    it('publishes and consumes again within the bound after the broker answers again, each effect once', async () => {
      const brokers = [`127.0.0.1:${port}`];
      producerTransport = new KafkaTransport({
        brokers,
        clientId: 'producer',
        partitions: 3,
        topicPrefix: prefix,
      });
      consumerTransport = new KafkaTransport({
        brokers,
        clientId: 'consumer',
        partitions: 3,
        topicPrefix: prefix,
      });
      await producerTransport.connect();
      await consumerTransport.connect();
      await producerTransport.ensureTopics([TOPICS.consentWithdrawn]);
      inbox = new InboxConsumer(consumer, consumerTransport, {
        group: 'consumer',
        topics: [TOPICS.consentWithdrawn],
        handlers: {
          'consent.withdrawn.v1': async (tx, event) => {
            await tx.query('INSERT INTO effects (subject) VALUES ($1)', [
              (event as unknown as { subjectRef: string }).subjectRef,
            ]);
          },
        },
      });
      await inbox.start();
      relay = new OutboxRelay(producer, producerTransport, 'producer');
      relay.start();

      const before = randomUUID();
      await emit(before);
      relay.kick();
      await waitFor(() => applied(before), 'the effect of an event before the restart', 60_000);

      // The broker dies; an event commits while it is down and waits in the outbox. The clients log every
      // refused connection meanwhile (thousands of lines): kept out of the test's output.
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      const pid = Number(readFileSync(join(dataDir, 'kafka.pid'), 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      await waitFor(async () => !alive(pid), 'the broker to die', 10_000);
      const during = randomUUID();
      await emit(during);
      relay.kick();
      await new Promise((r) => setTimeout(r, DOWN_MS));

      relaunchBroker(dataDir);
      await waitFor(() => answers(brokers), 'the restarted broker to answer a new client', 240_000, 500);
      const answered = Date.now();

      await waitFor(
        () => applied(during),
        'the effect of the event committed while the broker was down',
        RESUME_BOUND_MS,
        100,
      );
      const resumedMs = Date.now() - answered;
      const after = randomUUID();
      await emit(after);
      relay.kick();
      await waitFor(() => applied(after), 'the effect of an event after the restart', RESUME_BOUND_MS, 100);
      const freshMs = Date.now() - answered;
      quiet.mockRestore();
      console.log(
        `broker restart: backlog applied ${(resumedMs / 1000).toFixed(1)} s and a new event ${(freshMs / 1000).toFixed(1)} s after the broker answered again`,
      );

      expect(resumedMs).toBeLessThan(RESUME_BOUND_MS);
      // Delivery guarantees unchanged: nothing lost, nothing applied twice, the outbox is empty.
      const rows: { subject: string }[] = await consumer.query('SELECT subject FROM effects');
      expect(rows.map((r) => r.subject).sort()).toEqual([before, during, after].sort());
      expect(await producer.query('SELECT id FROM outbox')).toEqual([]);
    }, 600_000);
  });

/** The command kafka.sh runs, on the same data directory (`kafka.sh start` would wipe it). */
function relaunchBroker(dataDir: string): void {
  const out = openSync(join(dataDir, 'kafka.log'), 'a');
  const child = spawn(
    'java',
    [
      '-Xmx384m',
      '-Xms128m',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(KAFKA_DIR, 'log4j2.properties')}`,
      '-cp',
      `${JARS}/*`,
      'kafka.Kafka',
      join(dataDir, 'server.properties'),
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  closeSync(out);
  writeFileSync(join(dataDir, 'kafka.pid'), String(child.pid));
}

/** A new client (not the ones under test) gets the cluster's metadata. */
async function answers(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'probe',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
