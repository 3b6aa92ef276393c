import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  ConsentWatermarkV1,
  ConsentWithdrawnV1,
  deadLetterTopic,
  TOPICS,
  type EventBase,
} from '@siyu/contracts';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { createTestDatabase, describeWithKafka, uniqueTopicPrefix, waitFor } from '@siyu/testing';
import {
  addToOutbox,
  InboxConsumer,
  KafkaTransport,
  MessagingTables1763900000000,
  OutboxRelay,
} from './index';

const withdrawal = (subjectRef: string, ledgerSeq: number) => ({
  type: 'consent.withdrawn.v1',
  subjectRef,
  brandId: 'acme',
  purposes: ['marketing_messages' as const],
  channels: ['sms' as const],
  source: 'unsubscribe_link' as const,
  ledgerSeq,
  effectiveAt: new Date().toISOString(),
});

describeWithKafka('outbox → real Kafka → inbox', (brokers) => {
  let producer: DataSource;
  let consumer: DataSource;
  const transports: KafkaTransport[] = [];
  const prefix = uniqueTopicPrefix('msg');

  const kafka = async (clientId: string) => {
    const t = new KafkaTransport({ brokers, clientId, partitions: 3, topicPrefix: prefix });
    await t.connect();
    transports.push(t);
    return t;
  };

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('kmsg');
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
      'CREATE TABLE effects (id serial PRIMARY KEY, subject text NOT NULL, seq int NOT NULL)',
    );
    await consumer.query('CREATE TABLE applied (id serial PRIMARY KEY, what text NOT NULL)');
  }, 60_000);

  afterAll(async () => {
    for (const t of transports) await t.disconnect();
    await producer?.destroy();
    await consumer?.destroy();
  });

  const effect = async (tx: EntityManager, event: EventBase) => {
    const e = event as ConsentWithdrawnV1;
    if (e.ledgerSeq === 666) throw new Error('poison effect');
    await tx.query('INSERT INTO effects (subject, seq) VALUES ($1, $2)', [e.subjectRef, e.ledgerSeq]);
  };
  const effectsOf = async (subject: string) =>
    (await consumer.query('SELECT seq FROM effects WHERE subject = $1 ORDER BY id', [subject])).map(
      (r: { seq: number }) => r.seq,
    );

  it("relays a whole segment version in parts of ~195 kB on one key: batches stay under the broker's message.max.bytes, every part arrives, in order", async () => {
    // Eight parts on one key (one partition): 1.56 MB, which one produce request cannot carry
    // (MESSAGE_TOO_LARGE from 1,048,588 bytes per partition, Kafka's default).
    const producerTransport = await kafka('big-producer');
    const reader = await kafka('big-reader');
    await producerTransport.ensureTopics(['segment-parts.v1']);
    const key = randomUUID();
    const parts = Array.from({ length: 8 }, (_, i) => `${i}:${'x'.repeat(195_000)}`);
    for (const payload of parts)
      await producer.query('INSERT INTO outbox (event_id, topic, key, payload) VALUES ($1, $2, $3, $4)', [
        randomUUID(),
        'segment-parts.v1',
        key,
        payload,
      ]);
    const got: string[] = [];
    await reader.subscribe('big-reader', ['segment-parts.v1'], async (m) => {
      if (m.key === key) got.push(m.value);
    });
    await new OutboxRelay(producer, producerTransport, 'producer').drain();
    await waitFor(async () => got.length === parts.length, 'every part delivered', 30_000);
    expect(got.map((v) => v.slice(0, 2))).toEqual(parts.map((p) => p.slice(0, 2)));
    expect(got).toEqual(parts);
  }, 60_000);

  it('a relay killed between publish and commit republishes after restart; the effect happens once, in order', async () => {
    const consumerTransport = await kafka('consumer');
    const inbox = new InboxConsumer(consumer, consumerTransport, {
      group: 'consumer',
      topics: [TOPICS.consentWithdrawn],
      maxAttempts: 2,
      retryDelayMs: 1,
      handlers: { 'consent.withdrawn.v1': effect },
    });
    await inbox.start();
    const producerTransport = await kafka('producer');
    await producerTransport.ensureTopics([TOPICS.consentWithdrawn]);

    const subject = randomUUID();
    for (let seq = 1; seq <= 5; seq++)
      await producer.transaction((tx) =>
        addToOutbox(tx, TOPICS.consentWithdrawn, subject, withdrawal(subject, seq)),
      );
    const dying = new OutboxRelay(producer, producerTransport, 'producer', {
      afterPublish: () => {
        throw new Error('relay process killed after the broker acknowledged');
      },
    });
    await expect(dying.relayOnce()).rejects.toThrow('relay process killed');
    expect((await producer.query('SELECT 1 FROM outbox WHERE key = $1', [subject])).length).toBe(5);

    await new OutboxRelay(producer, producerTransport, 'producer').drain();
    await waitFor(async () => (await effectsOf(subject)).length === 5, 'five effects', 30_000);
    // Give redeliveries time to arrive: they must not add effects.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await effectsOf(subject)).toEqual([1, 2, 3, 4, 5]);
    const [{ n }] = await consumer.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [
      'consumer',
    ]);
    expect(n).toBe(5);

    // A poison message is dead-lettered with its reason and the partition moves on.
    await producer.transaction((tx) =>
      addToOutbox(tx, TOPICS.consentWithdrawn, subject, withdrawal(subject, 666)),
    );
    await producer.transaction((tx) =>
      addToOutbox(tx, TOPICS.consentWithdrawn, subject, withdrawal(subject, 7)),
    );
    await new OutboxRelay(producer, producerTransport, 'producer').drain();
    await waitFor(async () => (await effectsOf(subject)).includes(7), 'event after the poison one', 30_000);
    const [dead] = await consumer.query('SELECT reason, attempts, topic FROM dead_letters WHERE key = $1', [
      subject,
    ]);
    expect(dead).toMatchObject({ attempts: 2, topic: TOPICS.consentWithdrawn });
    expect(dead.reason).toMatch(/poison effect/);

    // ... and is on the dead-letter topic for whoever repairs it.
    const dlq: string[] = [];
    const reader = await kafka('dlq-reader');
    await reader.subscribe('dlq-reader', [deadLetterTopic('consumer')], async (m) => {
      dlq.push(m.value);
    });
    await waitFor(async () => dlq.length === 1, 'dead-letter topic message', 30_000);
    expect(JSON.parse(dlq[0]).reason).toMatch(/poison effect/);
  }, 90_000);

  it('a consumer catching up on a backlog applies only the latest heartbeat of a key per fetched batch, and every other event once, in order', async () => {
    const producerTransport = await kafka('hb-producer');
    await producerTransport.ensureTopics([TOPICS.consentWithdrawn]);
    // A backlog on partition 0, as after a broker restart: 40 heartbeats with a withdrawal after the 20th.
    const subject = randomUUID();
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    for (let i = 0; i < 40; i++) {
      if (i === 20)
        await producer.transaction((tx) =>
          addToOutbox(tx, TOPICS.consentWithdrawn, subject, withdrawal(subject, 1), 0),
        );
      await producer.transaction((tx) =>
        addToOutbox<ConsentWatermarkV1>(
          tx,
          TOPICS.consentWithdrawn,
          'watermark-0',
          { type: 'consent.watermark.v1', at: at(i), partition: 0 },
          0,
        ),
      );
    }
    await new OutboxRelay(producer, producerTransport, 'producer').drain();

    // The consumer starts after the backlog is on the partition: it fetches it in one go.
    const inbox = new InboxConsumer(consumer, await kafka('hb-consumer'), {
      group: 'hb-consumer',
      topics: [TOPICS.consentWithdrawn],
      idempotentTypes: ['consent.watermark.v1'],
      handlers: {
        'consent.watermark.v1': async (tx, e) => {
          await tx.query('INSERT INTO applied (what) VALUES ($1)', [(e as ConsentWatermarkV1).at]);
        },
        // The topic also holds the other test's withdrawals (another subject): not this test's backlog.
        'consent.withdrawn.v1': async (tx, e) => {
          if ((e as ConsentWithdrawnV1).subjectRef !== subject) return;
          await tx.query('INSERT INTO applied (what) VALUES ($1)', [subject]);
        },
      },
    });
    await inbox.start();
    try {
      await waitFor(
        async () => (await consumer.query('SELECT 1 FROM applied WHERE what = $1', [at(39)])).length === 1,
        'the last heartbeat applied',
        60_000,
      );
      const applied: string[] = (await consumer.query('SELECT what FROM applied ORDER BY id')).map(
        (r: { what: string }) => r.what,
      );
      // The withdrawal once, and before every heartbeat published after it; the latest heartbeat last.
      expect(applied.filter((w) => w === subject)).toHaveLength(1);
      const withdrawnAt = applied.indexOf(subject);
      const heartbeats = applied.filter((w) => w !== subject);
      expect(applied.slice(0, withdrawnAt).every((w) => w < at(20))).toBe(true);
      expect(applied.slice(withdrawnAt + 1).every((w) => w >= at(20))).toBe(true);
      expect(applied.at(-1)).toBe(at(39));
      // Superseded heartbeats were skipped: far fewer applied than published.
      expect(heartbeats.length).toBeLessThan(40);
      expect([...heartbeats].sort()).toEqual(heartbeats);
    } finally {
      await inbox.stop();
    }
  }, 90_000);
});
