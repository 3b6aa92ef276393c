import type { DataSource, EntityManager } from 'typeorm';
import { deadLetterTopic, EventValidationError, parseEvent, type EventBase } from '@siyu/contracts';
import type { DeliveredMessage, MessageTransport } from './transport';

/**
 * Applies an event in the inbox's transaction. It may return a callback to run once that transaction
 * has committed (metrics of the effect, e.g. withdrawal → suppression latency); never for a redelivery.
 */
export type EventEffect = (
  tx: EntityManager,
  event: EventBase,
  message: DeliveredMessage,
) => Promise<void | AfterCommit>;
export type AfterCommit = () => void;

export interface InboxConsumerOptions {
  /** Consumer group = the inbox's consumer name. */
  group: string;
  topics: string[];
  /** Handlers by event type; an event type with no handler is skipped. */
  handlers: Record<string, EventEffect>;
  /**
   * Types whose effect is naturally idempotent and superseded by a later event of the same key
   * (heartbeats: a later watermark says at least as much): applied without an inbox row, and skipped
   * when a later message of the same key follows in the same fetched batch (it is applied instead, in
   * order after everything between them).
   */
  idempotentTypes?: string[];
  maxAttempts?: number;
  retryDelayMs?: number;
  onDeadLetter?: (reason: string, message: DeliveredMessage) => void;
}

/**
 * Idempotent inbox: the event id and the effect commit in one transaction, so a redelivered event
 * has no second effect. A payload that does not validate, or an effect that fails `maxAttempts`
 * times, goes to the dead-letter table and topic with its reason: it neither blocks the partition
 * nor disappears.
 */
export class InboxConsumer {
  constructor(
    private readonly ds: DataSource,
    private readonly transport: MessageTransport,
    private readonly options: InboxConsumerOptions,
  ) {}

  async start(): Promise<void> {
    await this.transport.ensureTopics([...this.options.topics, deadLetterTopic(this.options.group)]);
    await this.transport.subscribe(this.options.group, this.options.topics, (m) => this.handle(m));
  }

  async stop(): Promise<void> {
    await this.transport.unsubscribe(this.options.group);
  }

  async handle(message: DeliveredMessage): Promise<void> {
    let event: EventBase;
    try {
      event = parseEvent(JSON.parse(message.value));
    } catch (err) {
      const reason =
        err instanceof EventValidationError ? err.message : `unparseable payload: ${(err as Error).message}`;
      return this.deadLetter(message, reason, 1);
    }
    const effect = this.options.handlers[event.type];
    // Events this consumer does not act on (e.g. heartbeats meant for outreach) leave no trace.
    if (!effect) return;
    // A backlog of heartbeats (after a broker restart) is caught up by the latest of each key.
    if (message.supersededInBatch && this.options.idempotentTypes?.includes(event.type)) return;
    const maxAttempts = this.options.maxAttempts ?? 5;
    let lastError = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        const afterCommit = await this.ds.transaction(async (tx) => {
          if (!this.options.idempotentTypes?.includes(event.type)) {
            const inserted: unknown[] = await tx.query(
              `INSERT INTO inbox (consumer, event_id, topic) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING event_id`,
              [this.options.group, event.eventId, message.topic],
            );
            if (inserted.length === 0) return undefined; // already applied: a redelivery
          }
          return effect(tx, event, message);
        });
        if (typeof afterCommit === 'function') {
          try {
            afterCommit();
          } catch {
            // Metrics only: the effect is committed; a failing callback must not redeliver it.
          }
        }
        return;
      } catch (err) {
        lastError = (err as Error).message;
        if (attempt < maxAttempts)
          await new Promise((r) => setTimeout(r, (this.options.retryDelayMs ?? 50) * 2 ** (attempt - 1)));
      }
    }
    return this.deadLetter(message, `effect failed ${maxAttempts} times: ${lastError}`, maxAttempts);
  }

  private async deadLetter(message: DeliveredMessage, reason: string, attempts: number): Promise<void> {
    await this.ds.query(
      `INSERT INTO dead_letters (consumer, topic, partition, "offset", key, payload, reason, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        this.options.group,
        message.topic,
        message.partition,
        message.offset,
        message.key,
        message.value,
        reason.slice(0, 2000),
        attempts,
      ],
    );
    await this.transport.publish([
      {
        topic: deadLetterTopic(this.options.group),
        key: message.key,
        value: JSON.stringify({
          reason,
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          payload: message.value,
        }),
      },
    ]);
    this.options.onDeadLetter?.(reason, message);
  }
}
