import type { EntityManager } from 'typeorm';

/** What consent answers about a subject beyond its contact points: ledger entries and expiry timers. */
export class SubjectRequestRepository {
  async countLedgerEntries(tx: EntityManager, brandId: string, subjectRef: string): Promise<number> {
    const [row] = await tx.query(
      'SELECT count(*)::int AS n FROM ledger WHERE brand_id = $1 AND subject_ref = $2',
      [brandId, subjectRef],
    );
    return row.n;
  }

  /** The subject's pending expiry timers; the withdrawal of an erasure makes them moot. */
  async deleteExpiries(tx: EntityManager, brandId: string, subjectRef: string): Promise<number> {
    const [rows] = await tx.query(
      'DELETE FROM consent_expiries WHERE brand_id = $1 AND subject_ref = $2 RETURNING 1',
      [brandId, subjectRef],
    );
    return (rows as unknown[]).length;
  }

  async countExpiries(tx: EntityManager, brandId: string, subjectRef: string): Promise<number> {
    const [row] = await tx.query(
      'SELECT count(*)::int AS n FROM consent_expiries WHERE brand_id = $1 AND subject_ref = $2',
      [brandId, subjectRef],
    );
    return row.n;
  }

  /** R19: the brand's subjects, one per verified phone (blind index): distinct individuals. */
  async countSubjects(tx: EntityManager, brandId: string): Promise<number> {
    const [row] = await tx.query('SELECT count(*)::int AS n FROM subjects WHERE brand_id = $1', [brandId]);
    return row.n;
  }
}
