import type { DataSource } from 'typeorm';
import type { MessageTransport, OutgoingMessage } from './transport';

export interface OutboxRelayOptions {
  batchSize?: number;
  /**
   * Payload and key bytes a batch may hold (default 900,000), whatever its row count; a row larger
   * than this goes alone. One batch is one produce request, and a broker refuses a partition's
   * share of it above `message.max.bytes` (Kafka's default 1,048,588) as MESSAGE_TOO_LARGE: a
   * whole segment version (parts of 5,000 members, ~195 kB each, one key) stalled the relay at six parts.
   */
  maxBatchBytes?: number;
  /**
   * Batches claimed per transaction (default 32); the next is claimed while the previous is being
   * published. A round's first claim and its commit wait for nothing else, so longer rounds waste
   * less: 32 against 8 moved the relay from 0.78–0.87 to 0.87–0.89 of a raw producer (docs/benchmarks.md).
   * A crash republishes at most one round (consumers' inboxes apply each event once).
   */
  batchesPerRound?: number;
  idleDelayMs?: number;
  maxBackoffMs?: number;
  /** Test hook: runs after a batch was published and before it is marked sent. */
  afterPublish?: (count: number) => void | Promise<void>;
  onError?: (err: unknown) => void;
}

/**
 * A claimed batch as PostgreSQL answers it, in array mode: how many rows, the last id, and every row
 * packed into one text in id order (see `decodeClaimedBatch`).
 */
type ClaimedBatch = [count: number, lastId: string | null, packed: string | null];

/** The transaction's own node-postgres client (TypeORM's `QueryRunner.connect()` answers it). */
interface PgClient {
  query(config: { text: string; values: unknown[]; rowMode: 'array' }): Promise<{ rows: ClaimedBatch[] }>;
}

/**
 * Publishes committed outbox rows in id order and marks them sent. One relay of a service is
 * active at a time (a transaction-scoped advisory lock), so order per key holds even when several
 * instances run. A crash between publish and mark means the
 * batch is published again: consumers' inboxes make that harmless (at-least-once delivery,
 * exactly-once effects).
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly lockKey: number;

  constructor(
    private readonly ds: DataSource,
    private readonly transport: MessageTransport,
    schema: string,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.lockKey = hashCode(`outbox-relay:${schema}`);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Nudges the relay after a commit so events do not wait for the idle delay. */
  kick(): void {
    this.wake?.();
  }

  /** Publishes one round (up to `batchesPerRound` batches); returns how many rows were published. */
  async relayOnce(): Promise<number> {
    const batchSize = this.options.batchSize ?? 1000;
    const maxBatchBytes = this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    const batchesPerRound = this.options.batchesPerRound ?? 32;
    return this.ds.transaction(async (tx) => {
      // Claiming moves rows from outbox to outbox_sent, but that commits only after the broker
      // acknowledged every batch of the round: a failed or interrupted publish leaves all of them
      // unsent. While one batch is on its way to the broker the next is claimed (publishes stay
      // strictly one after another, in id order: order per key). The advisory lock makes this the
      // only active relay of the schema, so nobody else moves these rows: no row locks are needed,
      // and a cursor on the id skips the rows this round already moved. A batch is the id range up to
      // the batch's last visible id, deleted by one index range scan (the same rows as `id IN (the
      // first N)`, without the semi-join: 3.1 against 4.6 ms per 1,000 rows), and cut where the
      // batch's bytes would pass `maxBatchBytes`. A row of that range committed after this
      // statement's snapshot is not deleted, and the next round claims it. The round goes on until a
      // claim finds nothing (a short batch may have been cut by bytes) or `batchesPerRound`.
      //
      // The claim answers one row per batch, the batch's rows packed into one text, through the
      // transaction's own driver client in array mode: the relay's thread is what it waits on, and
      // a row per event (a protocol message, an array and four strings each) cost it 2–3 µs per
      // event where a plain producer spends ~10 (docs/benchmarks.md, relay CPU).
      const client = (await tx.queryRunner!.connect()) as PgClient;
      let published = 0;
      let after = '0';
      let inFlight: Promise<void> = Promise.resolve();
      let publishing: Promise<void> = Promise.resolve();
      for (let i = 0; i < batchesPerRound; i++) {
        // At most one claimed batch waits behind the one being published: claims are faster than
        // publishes, and a long round must not pile its batches up in memory.
        await publishing;
        const {
          rows: [[count, lastId, packed]],
        } = await client.query({
          rowMode: 'array',
          text: `WITH relay AS (SELECT pg_try_advisory_xact_lock($3) AS active),
           claimed AS (
             DELETE FROM outbox
              WHERE (SELECT active FROM relay)
                AND id > $2::bigint
                AND id <= (SELECT max(id) FROM (
                             SELECT id, row_number() OVER w AS n,
                                    sum(octet_length(key) + octet_length(payload)) OVER w AS bytes
                               FROM (SELECT id, key, payload FROM outbox WHERE id > $2::bigint ORDER BY id LIMIT $1) o
                             WINDOW w AS (ORDER BY id)) first
                            WHERE n = 1 OR bytes <= $4)
             RETURNING id, event_id, topic, key, partition, payload),
           sent AS (INSERT INTO outbox_sent (id, event_id, topic, sent_at) SELECT id, event_id, topic, clock_timestamp() FROM claimed)
           SELECT count(*)::int, max(id)::text, string_agg(${PACKED_ROW}, '' ORDER BY id) FROM claimed`,
          values: [batchSize, after, this.lockKey, maxBatchBytes],
        });
        if (count === 0) break;
        after = lastId!;
        const messages = decodeClaimedBatch(packed!, count);
        publishing = inFlight;
        inFlight = inFlight.then(() => this.transport.publish(messages));
        // Surfaced by the `await inFlight` below; this keeps it from counting as unhandled meanwhile.
        inFlight.catch(() => undefined);
        published += count;
      }
      await inFlight;
      if (published > 0) await this.options.afterPublish?.(published);
      return published;
    });
  }

  /** Publishes until the outbox is empty (tests, shutdown). */
  async drain(): Promise<void> {
    while ((await this.relayOnce()) > 0) {
      /* keep going */
    }
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        const published = await this.relayOnce();
        backoff = 100;
        if (published > 0) continue;
      } catch (err) {
        this.options.onError?.(err);
        // Broker or database trouble: back off exponentially instead of hammering it, at most 1 s
        // (a failed round already spent the client's own retries), so a restarted broker or database
        // gets the waiting events within about a second of answering again.
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 1000);
        continue;
      }
      await this.sleep(this.options.idleDelayMs ?? 50);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * One claimed row packed as `partition,topicBytes,keyBytes,payloadBytes;` followed by the topic, key
 * and payload themselves (partition -1: chosen from the key). Lengths are UTF-8 bytes, whatever the
 * database's own encoding, because the client receives UTF-8.
 */
const PACKED_ROW = `coalesce(partition, -1) || ',' || octet_length(convert_to(topic, 'UTF8')) || ','
  || octet_length(convert_to(key, 'UTF8')) || ',' || octet_length(convert_to(payload, 'UTF8')) || ';'
  || topic || key || payload`;

/**
 * Unpacks a claimed batch into messages whose key and payload are views of one buffer. The relay
 * hands the broker the bytes PostgreSQL stored instead of building two strings per event and
 * encoding them again: that read was most of what the relay's thread did beyond a plain producer's
 * work (docs/benchmarks.md, "The relay: where its time goes"). Throws on anything that does not
 * add up, so a malformed batch fails its round (nothing is marked sent) instead of publishing garbage.
 */
export function decodeClaimedBatch(packed: string, expected: number): OutgoingMessage[] {
  const bytes = Buffer.from(packed, 'utf8');
  const messages: OutgoingMessage[] = new Array(expected);
  const field = [0, 0, 0, 0];
  let at = 0;
  let n = 0;
  let topic = '';
  let topicStart = -1;
  let topicEnd = -1;
  while (at < bytes.length) {
    if (n === expected) throw new Error(`outbox batch holds more than the ${expected} rows it claimed`);
    // Header: four integers, the first may be -1.
    for (let f = 0; f < 4; f++) {
      let negative = false;
      if (bytes[at] === 0x2d /* - */) {
        negative = true;
        at++;
      }
      let value = 0;
      let digits = 0;
      for (let c = bytes[at]; c >= 0x30 && c <= 0x39; c = bytes[++at]) {
        value = value * 10 + (c - 0x30);
        digits++;
      }
      if (digits === 0 || bytes[at] !== (f === 3 ? 0x3b /* ; */ : 0x2c) /* , */)
        throw new Error(`outbox batch row ${n + 1}: malformed header at byte ${at}`);
      field[f] = negative ? -value : value;
      at++;
    }
    const [partition, topicLength, keyLength, payloadLength] = field;
    const keyStart = at + topicLength;
    const payloadStart = keyStart + keyLength;
    const end = payloadStart + payloadLength;
    if (end > bytes.length) throw new Error(`outbox batch row ${n + 1}: runs past the batch's end`);
    // Consecutive rows mostly share a topic: decode it only when its bytes differ.
    if (
      topicEnd - topicStart !== topicLength ||
      bytes.compare(bytes, at, keyStart, topicStart, topicEnd) !== 0
    )
      topic = bytes.toString('utf8', at, keyStart);
    topicStart = at;
    topicEnd = keyStart;
    messages[n++] = {
      topic,
      key: bytes.subarray(keyStart, payloadStart),
      value: bytes.subarray(payloadStart, end),
      ...(partition >= 0 ? { partition } : {}),
    };
    at = end;
  }
  if (n !== expected) throw new Error(`outbox batch holds ${n} rows, claimed ${expected}`);
  return messages;
}

/** Under Kafka's default `message.max.bytes` (1,048,588), with room for the record batch's framing. */
export const DEFAULT_MAX_BATCH_BYTES = 900_000;

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}
