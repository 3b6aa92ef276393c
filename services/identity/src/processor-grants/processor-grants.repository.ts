import type { EntityManager } from 'typeorm';
import type { ProcessorGrantField, ProcessorGrantPurpose } from '@siyu/contracts';

/** Identity's copy of a grant privacy issued (R15): enough to bind a key and sign its token. */
export interface KnownProcessorGrant {
  grantId: string;
  purpose: ProcessorGrantPurpose;
  fields: ProcessorGrantField[];
  validFrom: Date;
  validUntil: Date;
  endedAt: Date | null;
}

const COLUMNS = `grant_id AS "grantId", purpose, fields, valid_from AS "validFrom", valid_until AS "validUntil",
  ended_at AS "endedAt"`;

/** The only SQL over identity's processor grants. */
export class IdentityProcessorGrantsRepository {
  /** Redelivery-safe: a second copy of the same grant changes nothing. */
  async record(tx: EntityManager, g: Omit<KnownProcessorGrant, 'endedAt'>): Promise<void> {
    await tx.query(
      `INSERT INTO processor_grants (grant_id, purpose, fields, valid_from, valid_until)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (grant_id) DO NOTHING`,
      [g.grantId, g.purpose, g.fields, g.validFrom, g.validUntil],
    );
  }

  /** An end may arrive before its grant (another partition): it is kept and wins. */
  async recordEnd(tx: EntityManager, grantId: string, endedAt: Date): Promise<void> {
    await tx.query(
      `INSERT INTO processor_grants (grant_id, purpose, fields, valid_from, valid_until, ended_at)
       VALUES ($1, 'unknown', '{}', $2, $2, $2)
       ON CONFLICT (grant_id) DO UPDATE SET ended_at = least(coalesce(processor_grants.ended_at, EXCLUDED.ended_at), EXCLUDED.ended_at)`,
      [grantId, endedAt],
    );
  }

  async find(tx: EntityManager, grantId: string): Promise<KnownProcessorGrant | null> {
    const rows = await tx.query(`SELECT ${COLUMNS} FROM processor_grants WHERE grant_id = $1`, [grantId]);
    return rows[0] ?? null;
  }
}
