import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ConsentWithdrawnV1, TOPICS, type EventBase } from '@siyu/contracts';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { createTestDatabase, waitFor } from '@siyu/testing';
import {
  type DeliveredMessage,
  type OutgoingMessage,
  addManyToOutbox,
  addToOutbox,
  copyManyToOutbox,
  InboxConsumer,
  InProcessTransport,
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

describe('outbox and inbox (real PostgreSQL, in-process transport)', () => {
  let producer: DataSource;
  let consumer: DataSource;

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('msg');
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
  });

  afterAll(async () => {
    await producer?.destroy();
    await consumer?.destroy();
  });

  const effect = async (tx: EntityManager, event: EventBase) => {
    const e = event as ConsentWithdrawnV1;
    await tx.query('INSERT INTO effects (subject, seq) VALUES ($1, $2)', [e.subjectRef, e.ledgerSeq]);
  };
  /** The consumer group most tests use: each withdrawal recorded as an effect row. */
  const effectInbox = (transport: InProcessTransport) =>
    new InboxConsumer(consumer, transport, {
      group: 'consumer',
      topics: [TOPICS.consentWithdrawn],
      handlers: { 'consent.withdrawn.v1': effect },
    });
  const effectsOf = async (subject: string) =>
    (await consumer.query('SELECT seq FROM effects WHERE subject = $1 ORDER BY id', [subject])).map(
      (r: { seq: number }) => r.seq,
    );

  it('an event written in a rolled-back transaction is never published', async () => {
    const subject = randomUUID();
    await expect(
      producer.transaction(async (tx) => {
        await addToOutbox(tx, TOPICS.consentWithdrawn, subject, withdrawal(subject, 1));
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    const [{ n }] = await producer.query('SELECT count(*)::int AS n FROM outbox WHERE key = $1', [subject]);
    expect(n).toBe(0);
  });

  it('runs an effect’s after-commit callback once the effect committed: not for a redelivery, not for a rolled-back attempt', async () => {
    const transport = new InProcessTransport();
    const seen: string[] = [];
    let failFirst = true;
    const inbox = new InboxConsumer(consumer, transport, {
      group: 'after-commit',
      topics: [TOPICS.consentWithdrawn],
      retryDelayMs: 1,
      handlers: {
        'consent.withdrawn.v1': async (tx, event) => {
          const e = event as ConsentWithdrawnV1;
          await tx.query('INSERT INTO effects (subject, seq) VALUES ($1, $2)', [e.subjectRef, e.ledgerSeq]);
          if (failFirst) {
            failFirst = false;
            throw new Error('first attempt rolls back');
          }
          return () => {
            seen.push(`${e.subjectRef}:${e.ledgerSeq}`);
          };
        },
      },
    });
    await inbox.start();
    const subject = randomUUID();
    const message = {
      topic: TOPICS.consentWithdrawn,
      key: subject,
      value: JSON.stringify({
        eventId: randomUUID(),
        schemaVersion: 1,
        occurredAt: new Date().toISOString(),
        ...withdrawal(subject, 1),
      }),
      partition: 0,
      offset: '0',
    };
    await inbox.handle(message);
    await inbox.handle(message); // a redelivery: no second effect, no second callback
    expect(seen).toEqual([`${subject}:1`]);
    expect(await effectsOf(subject)).toEqual([1]);
    await inbox.stop();
  });

  it('a relay that dies after publishing but before marking sent redelivers, and the effect happens once', async () => {
    const transport = new InProcessTransport();
    const inbox = effectInbox(transport);
    await inbox.start();
    const subject = randomUUID();
    const written = await producer.transaction((tx) =>
      addToOutbox(tx, TOPICS.consentWithdrawn, subject, withdrawal(subject, 1)),
    );

    const dying = new OutboxRelay(producer, transport, 'producer', {
      afterPublish: () => {
        throw new Error('relay process killed');
      },
    });
    await expect(dying.relayOnce()).rejects.toThrow('relay process killed');
    expect(await effectsOf(subject)).toEqual([1]);
    const [{ unsent }] = await producer.query('SELECT count(*)::int AS unsent FROM outbox WHERE key = $1', [
      subject,
    ]);
    expect(unsent).toBe(1);

    const restarted = new OutboxRelay(producer, transport, 'producer');
    await restarted.drain();
    const [{ sent }] = await producer.query(
      'SELECT count(*)::int AS sent FROM outbox_sent WHERE event_id = $1',
      [written.eventId],
    );
    expect(sent).toBe(1);
    expect((await producer.query('SELECT 1 FROM outbox WHERE key = $1', [subject])).length).toBe(0);
    expect(await effectsOf(subject)).toEqual([1]);
    await transport.disconnect();
  });

  it('the same event delivered twice has one effect', async () => {
    const transport = new InProcessTransport();
    const inbox = effectInbox(transport);
    const subject = randomUUID();
    const event = {
      eventId: randomUUID(),
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      ...withdrawal(subject, 7),
    };
    const message = {
      topic: TOPICS.consentWithdrawn,
      key: subject,
      value: JSON.stringify(event),
      partition: 0,
      offset: '0',
    };
    await inbox.handle(message);
    await inbox.handle({ ...message, offset: '1' });
    expect(await effectsOf(subject)).toEqual([7]);
    await transport.disconnect();
  });

  it('events of one key arrive in commit order', async () => {
    const transport = new InProcessTransport(4);
    const inbox = effectInbox(transport);
    await inbox.start();
    const subject = randomUUID();
    for (let seq = 1; seq <= 20; seq++) {
      await producer.transaction((tx) =>
        addToOutbox(tx, TOPICS.consentWithdrawn, subject, withdrawal(subject, seq)),
      );
    }
    await new OutboxRelay(producer, transport, 'producer', { batchSize: 3 }).drain();
    expect(await effectsOf(subject)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await transport.disconnect();
  });

  it('an event that took its id before a relayed batch but committed after it is relayed by a later round, once', async () => {
    const transport = new InProcessTransport();
    const inbox = effectInbox(transport);
    await inbox.start();
    const late = randomUUID();
    const early = randomUUID();
    // The late writer takes the smaller id first and commits only after the relay moved the range around it.
    const writer = producer.createQueryRunner();
    await writer.startTransaction();
    await addToOutbox(writer.manager, TOPICS.consentWithdrawn, late, withdrawal(late, 1));
    for (let seq = 1; seq <= 3; seq++)
      await producer.transaction((tx) =>
        addToOutbox(tx, TOPICS.consentWithdrawn, early, withdrawal(early, seq)),
      );
    const relay = new OutboxRelay(producer, transport, 'producer', { batchSize: 2 });
    expect(await relay.relayOnce()).toBe(3);
    expect(await effectsOf(early)).toEqual([1, 2, 3]);
    expect(await effectsOf(late)).toEqual([]);
    await writer.commitTransaction();
    await writer.release();
    await relay.drain();
    expect(await effectsOf(late)).toEqual([1]);
    expect(await effectsOf(early)).toEqual([1, 2, 3]);
    const [{ unsent }] = await producer.query(
      'SELECT count(*)::int AS unsent FROM outbox WHERE key = ANY ($1::text[])',
      [[late, early]],
    );
    expect(unsent).toBe(0);
    await transport.disconnect();
  });

  it('claims at most one batch ahead of the publish in flight, then relays every batch in order', async () => {
    // The first publish waits until released: a relay that kept claiming would move the whole round.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let publishes = 0;
    class GatedTransport extends InProcessTransport {
      override async publish(messages: OutgoingMessage[]): Promise<void> {
        if (++publishes === 1) await released;
        return super.publish(messages);
      }
    }
    const transport = new GatedTransport(3);
    const inbox = effectInbox(transport);
    await inbox.start();
    const subject = randomUUID();
    await producer.transaction((tx) =>
      addManyToOutbox(
        tx,
        Array.from({ length: 100 }, (_, i) => ({
          topic: TOPICS.consentWithdrawn,
          key: subject,
          event: withdrawal(subject, i + 1),
        })),
      ),
    );
    const relaying = new OutboxRelay(producer, transport, 'producer', { batchSize: 10 }).drain();
    await waitFor(async () => publishes === 1, 'the first publish');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Rows a claim moved are locked by the relay's open transaction: SKIP LOCKED counts the rest.
    const [{ unclaimed }] = await producer.query(
      `SELECT count(*)::int AS unclaimed FROM (SELECT 1 FROM outbox WHERE key = $1 FOR UPDATE SKIP LOCKED) x`,
      [subject],
    );
    expect(unclaimed).toBe(80);
    release();
    await relaying;
    expect(await effectsOf(subject)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await transport.disconnect();
  });

  it('cuts a batch where its bytes would pass maxBatchBytes; a row larger than that goes alone', async () => {
    const sizes: number[] = [];
    class RecordingTransport extends InProcessTransport {
      override async publish(messages: OutgoingMessage[]): Promise<void> {
        sizes.push(messages.length);
        return super.publish(messages);
      }
    }
    const transport = new RecordingTransport(3);
    const topic = `relay-bytes-${randomUUID()}`;
    const got: string[] = [];
    await transport.subscribe('bytes-reader', [topic], async (m) => {
      got.push(m.value);
    });
    // Keys of 36 bytes and payloads of 100: 136 bytes a row, two fit in 300. The fifth row is 1 kB.
    const payloads = Array.from({ length: 7 }, (_, i) =>
      (i === 4 ? 'L' : String(i)).repeat(i === 4 ? 1000 : 100),
    );
    for (const payload of payloads)
      await producer.query('INSERT INTO outbox (event_id, topic, key, payload) VALUES ($1, $2, $3, $4)', [
        randomUUID(),
        topic,
        randomUUID(),
        payload,
      ]);
    await new OutboxRelay(producer, transport, 'producer', { maxBatchBytes: 300 }).drain();
    expect(sizes).toEqual([2, 2, 1, 2]);
    expect(got.sort()).toEqual([...payloads].sort());
    await transport.disconnect();
  });

  it('relays keys, payloads and topics byte for byte: Chinese, emoji, separators, an empty key, an explicit partition', async () => {
    const transport = new InProcessTransport(4);
    const [topicA, topicB] = [`relay-a-${randomUUID()}`, `relay-b-${randomUUID()}`];
    const got: DeliveredMessage[] = [];
    await transport.subscribe('raw-reader', [topicA, topicB], async (m) => {
      got.push(m);
    });
    const rows = [
      { topic: topicA, key: '会员-张三', partition: null, payload: '{"说明":"已退订 🙅‍♀️","n":1}' },
      { topic: topicA, key: 'k;1,2;-3', partition: 2, payload: '12,34;56' },
      { topic: topicB, key: '', partition: null, payload: '' },
      { topic: topicB, key: '🙂'.repeat(300), partition: 0, payload: 'x'.repeat(70_000) },
      { topic: topicA, key: 'ascii', partition: null, payload: '\t\n\\ tab\tnew\nline' },
    ];
    for (const r of rows)
      await producer.query(
        'INSERT INTO outbox (event_id, topic, key, partition, payload) VALUES ($1, $2, $3, $4, $5)',
        [randomUUID(), r.topic, r.key, r.partition, r.payload],
      );
    await new OutboxRelay(producer, transport, 'producer', { batchSize: 2 }).drain();
    // Partitions are delivered independently: compare in a fixed order.
    const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(sorted(got.map(({ topic, key, value }) => ({ topic, key, value })))).toEqual(
      sorted(rows.map(({ topic, key, payload }) => ({ topic, key, value: payload }))),
    );
    expect(got.find((m) => m.key === 'k;1,2;-3')?.partition).toBe(2);
    expect(got.find((m) => m.key.startsWith('🙂'))?.partition).toBe(0);
    await transport.disconnect();
  });

  it('a payload that does not validate is dead-lettered with the field that failed, and later events still flow', async () => {
    const transport = new InProcessTransport();
    const inbox = effectInbox(transport);
    await inbox.start();
    const subject = randomUUID();
    const bad = {
      eventId: randomUUID(),
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      ...withdrawal(subject, 1),
      channels: ['fax'],
    };
    await transport.publish([{ topic: TOPICS.consentWithdrawn, key: subject, value: JSON.stringify(bad) }]);
    await producer.transaction((tx) =>
      addToOutbox(tx, TOPICS.consentWithdrawn, subject, withdrawal(subject, 2)),
    );
    await new OutboxRelay(producer, transport, 'producer').drain();
    const [dead] = await consumer.query('SELECT reason, attempts FROM dead_letters WHERE key = $1', [
      subject,
    ]);
    expect(dead.reason).toMatch(/channels/);
    expect(await effectsOf(subject)).toEqual([2]);
    await transport.disconnect();
  });

  it('an effect that keeps failing is dead-lettered after N attempts instead of blocking its partition', async () => {
    const transport = new InProcessTransport();
    let calls = 0;
    const inbox = new InboxConsumer(consumer, transport, {
      group: 'consumer',
      topics: [TOPICS.consentWithdrawn],
      maxAttempts: 3,
      retryDelayMs: 1,
      handlers: {
        'consent.withdrawn.v1': async (tx, event) => {
          if ((event as ConsentWithdrawnV1).ledgerSeq === 1) {
            calls++;
            throw new Error('poison');
          }
          await effect(tx, event);
        },
      },
    });
    await inbox.start();
    const subject = randomUUID();
    await producer.transaction((tx) =>
      addToOutbox(tx, TOPICS.consentWithdrawn, subject, withdrawal(subject, 1)),
    );
    await producer.transaction((tx) =>
      addToOutbox(tx, TOPICS.consentWithdrawn, subject, withdrawal(subject, 2)),
    );
    await new OutboxRelay(producer, transport, 'producer').drain();
    await waitFor(async () => (await effectsOf(subject)).length === 1, 'second event applied');
    expect(calls).toBe(3);
    const [dead] = await consumer.query('SELECT reason, attempts FROM dead_letters WHERE key = $1', [
      subject,
    ]);
    expect(dead).toMatchObject({ attempts: 3 });
    expect(dead.reason).toMatch(/poison/);
    // The failed effect left no partial state behind: its inbox row rolled back with it.
    const inboxRows = await consumer.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [
      'consumer',
    ]);
    expect(inboxRows[0].n).toBeGreaterThan(0);
    await transport.disconnect();
  });

  it('a producer cannot write an event that breaks its contract', async () => {
    const subject = randomUUID();
    await expect(
      producer.transaction((tx) =>
        addToOutbox<ConsentWithdrawnV1>(tx, TOPICS.consentWithdrawn, subject, {
          ...withdrawal(subject, 1),
          purposes: [],
        }),
      ),
    ).rejects.toThrow(/purposes/);
  });

  it('bulk outbox writes keep per-key order and validate every event', async () => {
    const transport = new InProcessTransport(3);
    const inbox = effectInbox(transport);
    await inbox.start();
    const subject = randomUUID();
    const entries = Array.from({ length: 1500 }, (_, i) => ({
      topic: TOPICS.consentWithdrawn,
      key: subject,
      event: withdrawal(subject, i + 1),
    }));
    await producer.transaction((tx) => addManyToOutbox<ConsentWithdrawnV1>(tx, entries));
    await new OutboxRelay(producer, transport, 'producer').drain();
    expect(await effectsOf(subject)).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
    await expect(
      producer.transaction((tx) =>
        addManyToOutbox<ConsentWithdrawnV1>(tx, [
          {
            topic: TOPICS.consentWithdrawn,
            key: subject,
            event: { ...withdrawal(subject, 1), channels: [] },
          },
        ]),
      ),
    ).rejects.toThrow(/channels/);
    await transport.disconnect();
  });

  it('events copied into the outbox (COPY) keep per-key order and a key with tab, newline and backslash intact, and vanish with a rolled-back transaction', async () => {
    const transport = new InProcessTransport(3);
    const inbox = effectInbox(transport);
    await inbox.start();
    const subject = randomUUID();
    const entries = Array.from({ length: 2500 }, (_, i) => ({
      topic: TOPICS.consentWithdrawn,
      key: subject,
      event: withdrawal(subject, i + 1),
    }));
    await producer.transaction((tx) =>
      copyManyToOutbox<ConsentWithdrawnV1>(tx, entries, { validate: 'first-of-each-type' }),
    );
    // The relay reads 1,000 per batch: three batches of one round, in id order.
    await new OutboxRelay(producer, transport, 'producer').drain();
    expect(await effectsOf(subject)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));

    const [odd] = await producer.transaction((tx) =>
      copyManyToOutbox<ConsentWithdrawnV1>(tx, [
        { topic: TOPICS.consentWithdrawn, key: `k\t1\n2\\3`, event: withdrawal(subject, 9) },
      ]),
    );
    const [row] = await producer.query('SELECT key, payload FROM outbox WHERE event_id = $1', [odd.eventId]);
    expect(row.key).toBe('k\t1\n2\\3');
    expect(JSON.parse(row.payload)).toEqual(JSON.parse(JSON.stringify(odd)));

    const lost = randomUUID();
    await expect(
      producer.transaction(async (tx) => {
        await copyManyToOutbox<ConsentWithdrawnV1>(tx, [
          { topic: TOPICS.consentWithdrawn, key: lost, event: withdrawal(lost, 1) },
        ]);
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    const [{ n }] = await producer.query('SELECT count(*)::int AS n FROM outbox WHERE key = $1', [lost]);
    expect(n).toBe(0);
    await transport.disconnect();
  });

  it('a bulk batch checked first-of-each-type refuses a bad first event or a later event of another shape, and writes nothing', async () => {
    const subject = randomUUID();
    const entry = (event: object) => ({
      topic: TOPICS.consentWithdrawn,
      key: subject,
      event: event as never,
    });
    const outboxRows = async () =>
      (await producer.query('SELECT count(*)::int AS n FROM outbox WHERE key = $1', [subject]))[0].n;
    await expect(
      producer.transaction((tx) =>
        addManyToOutbox<ConsentWithdrawnV1>(tx, [entry({ ...withdrawal(subject, 1), channels: [] })], {
          validate: 'first-of-each-type',
        }),
      ),
    ).rejects.toThrow(/channels/);
    await expect(
      producer.transaction((tx) =>
        addManyToOutbox<ConsentWithdrawnV1>(
          tx,
          [entry(withdrawal(subject, 1)), entry({ ...withdrawal(subject, 2), receiverPhone: 'x' })],
          { validate: 'first-of-each-type' },
        ),
      ),
    ).rejects.toThrow(/receiverPhone/);
    expect(await outboxRows()).toBe(0);
    await producer.transaction((tx) =>
      addManyToOutbox<ConsentWithdrawnV1>(
        tx,
        [entry(withdrawal(subject, 1)), entry(withdrawal(subject, 2))],
        {
          validate: 'first-of-each-type',
        },
      ),
    );
    expect(await outboxRows()).toBe(2);
  });
});
