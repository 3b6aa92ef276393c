import type { EntityManager } from 'typeorm';

const WATERMARK_LOCK = 0x51a7e1;

/**
 * Invariant 4. Every withdrawal holds this lock shared while it commits; the watermark publisher
 * takes it exclusively, so when it reads the clock no withdrawal stamped earlier is uncommitted,
 * and its heartbeat rows enter the outbox after every such withdrawal's row.
 */
export async function holdWatermarkShared(tx: EntityManager): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [WATERMARK_LOCK]);
}

export async function holdWatermarkExclusive(tx: EntityManager): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [WATERMARK_LOCK]);
}

/** The database clock, read under the exclusive lock: the moment the heartbeat vouches for. */
export async function databaseNow(tx: EntityManager): Promise<string> {
  const [{ now }] = await tx.query('SELECT clock_timestamp() AS now');
  return new Date(now).toISOString();
}
