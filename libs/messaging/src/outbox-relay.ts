import type { DataSource } from 'typeorm';
import type { MessageTransport } from './transport';

export interface OutboxRelayOptions {
  batchSize?: number;
  idleDelayMs?: number;
  maxBackoffMs?: number;
  /** Test hook: runs after a batch was published and before it is marked sent. */
  afterPublish?: (count: number) => void | Promise<void>;
  onError?: (err: unknown) => void;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  partition: number | null;
  payload: string;
}

/**
 * Publishes committed outbox rows in id order and marks them sent. One relay of a service is
 * active at a time (a transaction-scoped advisory lock), so order per key holds even when several
 * instances run; rows are claimed with SKIP LOCKED. A crash between publish and mark means the
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

  /** Publishes one batch; returns how many rows were published. */
  async relayOnce(): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    return this.ds.transaction(async (tx) => {
      const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [this.lockKey]);
      if (!locked) return 0;
      const rows: OutboxRow[] = await tx.query(
        `SELECT id, topic, key, partition, payload FROM outbox
          WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      await this.transport.publish(
        rows.map((r) => ({ topic: r.topic, key: r.key, value: r.payload, partition: r.partition ?? undefined })),
      );
      await this.options.afterPublish?.(rows.length);
      await tx.query('UPDATE outbox SET sent_at = clock_timestamp() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      return rows.length;
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
        // Broker or database trouble: back off exponentially instead of hammering it.
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 5000);
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

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}
