import type { EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';

export interface ConsentExpiry {
  brandId: string;
  subjectRef: string;
  purposes: Purpose[];
  channels: Channel[];
  expiresAt: Date;
  /** The grant that lapses; a later grant of the same pairs is not touched. */
  ledgerSeq: number;
}

export interface DueExpiry extends ConsentExpiry {
  id: number;
}

/** When a grant lapses (R20 §2), written in the grant's own transaction. */
export class ConsentExpiryRepository {
  async schedule(tx: EntityManager, e: ConsentExpiry): Promise<void> {
    await tx.query(
      `INSERT INTO consent_expiries (brand_id, subject_ref, purposes, channels, expires_at, ledger_seq)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [e.brandId, e.subjectRef, e.purposes, e.channels, e.expiresAt, e.ledgerSeq],
    );
  }

  /** Locks one expiry due at `now`; a concurrent run skips it rather than waiting. */
  async claimNextDue(tx: EntityManager, now: Date): Promise<DueExpiry | null> {
    const [row] = await tx.query(
      `SELECT * FROM consent_expiries WHERE done_at IS NULL AND expires_at <= $1
        ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    return row
      ? {
          id: Number(row.id),
          brandId: row.brand_id,
          subjectRef: row.subject_ref,
          purposes: row.purposes,
          channels: row.channels,
          expiresAt: new Date(row.expires_at),
          ledgerSeq: Number(row.ledger_seq),
        }
      : null;
  }

  async markDone(tx: EntityManager, id: number): Promise<void> {
    await tx.query('UPDATE consent_expiries SET done_at = now() WHERE id = $1', [id]);
  }
}
