import type { EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';

export class ConsentProjectionRepository {
  /** Applies a ledger entry unless a newer one for the same purpose × channel already did. */
  async apply(
    tx: EntityManager,
    brandId: string,
    subjectRef: string,
    purposes: Purpose[],
    channels: Channel[],
    granted: boolean,
    seq: number,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO consent_projection (subject_ref, brand_id, purpose, channel, granted, ledger_seq)
       SELECT $1, $2, p, c, $5, $6 FROM unnest($3::text[]) p, unnest($4::text[]) c
       ON CONFLICT (subject_ref, purpose, channel) DO UPDATE
         SET granted = EXCLUDED.granted, ledger_seq = EXCLUDED.ledger_seq, updated_at = now()
       WHERE consent_projection.ledger_seq < EXCLUDED.ledger_seq`,
      [subjectRef, brandId, purposes, channels, granted, seq],
    );
  }

  async saveContactPoint(
    tx: EntityManager,
    subjectRef: string,
    channel: Channel,
    sealed: string,
    seq: number,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO contact_points (subject_ref, channel, sealed, ledger_seq) VALUES ($1, $2, $3, $4)
       ON CONFLICT (subject_ref, channel) DO UPDATE SET sealed = EXCLUDED.sealed, ledger_seq = EXCLUDED.ledger_seq
       WHERE contact_points.ledger_seq < EXCLUDED.ledger_seq`,
      [subjectRef, channel, sealed, seq],
    );
  }

  /** Contact points whose value does not start with `currentPrefix`, locked, in key order. */
  async lockContactPointsNotSealedUnder(
    tx: EntityManager,
    currentPrefix: string,
    after: { subjectRef: string; channel: string } | null,
    limit: number,
  ): Promise<{ subjectRef: string; channel: string; sealed: string }[]> {
    const rows: { subject_ref: string; channel: string; sealed: string }[] = await tx.query(
      `SELECT subject_ref, channel, sealed FROM contact_points
        WHERE left(sealed, length($1)) <> $1 AND ($2::uuid IS NULL OR (subject_ref, channel) > ($2::uuid, $3::text))
        ORDER BY subject_ref, channel
        LIMIT $4
        FOR UPDATE`,
      [currentPrefix, after?.subjectRef ?? null, after?.channel ?? null, limit],
    );
    return rows.map((r) => ({ subjectRef: r.subject_ref, channel: r.channel, sealed: r.sealed }));
  }

  /** The same contact points sealed again (key rotation); answers how many rows changed. */
  async replaceSealedContactPoints(
    tx: EntityManager,
    rows: { subjectRef: string; channel: string; sealed: string }[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    // A CTE, so the driver answers rows (a bare UPDATE answers [rows, count]).
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(subject_ref, channel, sealed)),
            u AS (UPDATE contact_points cp SET sealed = v.sealed FROM v
                   WHERE cp.subject_ref = v.subject_ref AND cp.channel = v.channel RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [rows.map((r) => r.subjectRef), rows.map((r) => r.channel), rows.map((r) => r.sealed)],
    );
    return n;
  }

  /** R10: a channel with no active purpose left keeps no contact point. */
  async dropUnusedContactPoints(tx: EntityManager, subjectRef: string): Promise<void> {
    await tx.query(
      `DELETE FROM contact_points cp WHERE cp.subject_ref = $1 AND NOT EXISTS (
         SELECT 1 FROM consent_projection p WHERE p.subject_ref = cp.subject_ref AND p.channel = cp.channel AND p.granted)`,
      [subjectRef],
    );
  }

  async recordSuppression(
    tx: EntityManager,
    subjectRef: string,
    purposes: Purpose[],
    channels: Channel[],
    source: string,
    effectiveAt: string,
  ): Promise<void> {
    await tx.query(
      'INSERT INTO suppressions (subject_ref, purposes, channels, source, effective_at) VALUES ($1, $2, $3, $4, $5)',
      [subjectRef, purposes, channels, source, effectiveAt],
    );
  }

  async advanceWatermark(tx: EntityManager, partition: number, at: string): Promise<void> {
    await tx.query(
      `INSERT INTO consent_watermarks (partition, at) VALUES ($1, $2)
       ON CONFLICT (partition) DO UPDATE SET at = GREATEST(consent_watermarks.at, EXCLUDED.at)`,
      [partition, at],
    );
  }
}
