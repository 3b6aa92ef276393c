import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { parseEvent, type EventBase } from '@siyu/contracts';
import { copyLine, copyRows } from '@siyu/persistence';

export type NewEvent<E extends EventBase> = Omit<E, 'eventId' | 'occurredAt' | 'schemaVersion'> &
  Partial<Pick<E, 'eventId' | 'occurredAt'>>;

/**
 * Writes events in the caller's transaction (STYLE rule 4): the event commits with the state
 * change or not at all. The relay publishes it later.
 */
export async function addToOutbox<E extends EventBase>(
  tx: EntityManager,
  topic: string,
  key: string,
  event: NewEvent<E>,
  partition?: number,
): Promise<E> {
  const full = {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
    ...event,
  } as unknown as E;
  // Validate on the way in too: a producer bug fails its own transaction, not a consumer far away.
  parseEvent(JSON.parse(JSON.stringify(full)));
  await tx.query(
    'INSERT INTO outbox (event_id, topic, key, partition, payload) VALUES ($1, $2, $3, $4, $5)',
    [full.eventId, topic, key, partition ?? null, JSON.stringify(full)],
  );
  return full;
}

export interface OutboxEntry<E extends EventBase> {
  topic: string;
  key: string;
  event: NewEvent<E>;
}

export interface AddManyOptions {
  /**
   * `every` (default): each event is checked against its contract class. `first-of-each-type`: for
   * bulk paths whose events all come from one mapping function (an import's million
   * `orders.ingested.v1`), the first event of each type is checked in full and every other must have
   * the same type and the same set of members; consumers still validate every event at their edge.
   * class-validator costs ~50 µs an event, more than sealing the order it describes.
   */
  validate?: 'every' | 'first-of-each-type';
}

/**
 * Bulk form of `addToOutbox` for imports and fan-outs (STYLE rule 11): one INSERT of four arrays
 * (four parameters whatever the count), same transaction.
 */
export async function addManyToOutbox<E extends EventBase>(
  tx: EntityManager,
  entries: OutboxEntry<E>[],
  options: AddManyOptions = {},
): Promise<E[]> {
  const full = completeEvents(entries, options);
  if (entries.length === 0) return full;
  // Four arrays through unnest(), in array order (ids, hence per-key publish order, follow it).
  await tx.query(
    `INSERT INTO outbox (event_id, topic, key, payload)
     SELECT event_id, topic, key, payload
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
            AS v (event_id, topic, key, payload, n)
      ORDER BY n`,
    [
      full.map((e) => e.eventId),
      entries.map((e) => e.topic),
      entries.map((e) => e.key),
      full.map((e) => JSON.stringify(e)),
    ],
  );
  return full;
}

/**
 * `addManyToOutbox` through `COPY … FROM STDIN` (imports: a million events): same validation, same
 * transaction, ids (hence per-key publish order) in array order, no parameters at all.
 */
export async function copyManyToOutbox<E extends EventBase>(
  tx: EntityManager,
  entries: OutboxEntry<E>[],
  options: AddManyOptions = {},
): Promise<E[]> {
  const full = completeEvents(entries, options);
  if (entries.length === 0) return full;
  await copyRows(
    tx,
    'outbox',
    ['event_id', 'topic', 'key', 'payload'],
    full.map((e, i) => copyLine([e.eventId, entries[i].topic, entries[i].key, JSON.stringify(e)])),
  );
  return full;
}

/** The columns of an outbox COPY line (`event_id`, `topic`, `key`, `payload`), as `copyPreparedToOutbox` takes them. */
export const OUTBOX_COPY_COLUMNS = ['event_id', 'topic', 'key', 'payload'] as const;

/**
 * Outbox rows whose COPY text was built away from the transaction (an import's worker thread), one
 * line per event in `OUTBOX_COPY_COLUMNS` order with the payload as `copyManyToOutbox` writes it.
 * `sample`, one of the events, is checked against its contract class ('first-of-each-type'): the
 * builder makes every event from one literal. Returns the rows stored.
 */
export async function copyPreparedToOutbox(
  tx: EntityManager,
  text: string,
  sample: EventBase | null,
): Promise<number> {
  if (text.length === 0) return 0;
  if (sample) parseEvent(JSON.parse(JSON.stringify(sample)));
  return copyRows(tx, 'outbox', OUTBOX_COPY_COLUMNS, [text]);
}

/** The events with id, time and version, validated as `options.validate` says. */
function completeEvents<E extends EventBase>(entries: OutboxEntry<E>[], options: AddManyOptions): E[] {
  const shapes = new Map<string, string>();
  const occurredAt = new Date().toISOString();
  return entries.map(({ event }) => {
    const e = { eventId: randomUUID(), occurredAt, schemaVersion: 1, ...event } as unknown as E;
    if (options.validate === 'first-of-each-type') {
      const shape = Object.keys(e).sort().join(',');
      const known = shapes.get(e.type);
      if (known === undefined) {
        parseEvent(JSON.parse(JSON.stringify(e)));
        shapes.set(e.type, shape);
      } else if (known !== shape) {
        throw new Error(`outbox batch: a ${e.type} event has members [${shape}], the first had [${known}]`);
      }
    } else {
      parseEvent(JSON.parse(JSON.stringify(e)));
    }
    return e;
  });
}
