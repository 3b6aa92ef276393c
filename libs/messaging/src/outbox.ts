import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { parseEvent, type EventBase } from '@siyu/contracts';

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
